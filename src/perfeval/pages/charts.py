"""Charts of a department-year, with Chinese labels.

Figures are built with the object API (``matplotlib.figure.Figure``), never
pyplot, so nothing depends on global figure state; :func:`png_bytes` renders
them to deterministic PNG bytes (no timestamps or version text in the file).
"""

from __future__ import annotations

import io
from decimal import Decimal

from matplotlib.figure import Figure

from perfeval.model import Facts
from perfeval.pages.fonts import use_cjk_font
from perfeval.model.numbers import fmt_rate, fmt_wan
from perfeval.model import SANGONG_ITEMS, DepartmentYear

BLUE, ORANGE, GREEN, GREY, RED = "#2f6db5", "#e08a2c", "#4c9a5b", "#9aa3ad", "#c0392b"


def _figure(width: float = 7.2, height: float = 3.6) -> Figure:
    use_cjk_font()
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def png_bytes(fig: Figure) -> bytes:
    """Render a figure to PNG bytes that are identical for identical input."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _f(value: Decimal) -> float:
    # Conversion to float for drawing only; no arithmetic is done on it.
    return float(value)


def spending_structure(rec: DepartmentYear) -> Figure:
    """Shares of 人员经费 / 公用经费 / 项目支出 in total spending."""
    exp = rec.expenditure
    parts = [("人员经费", exp.basic.personnel, BLUE), ("公用经费", exp.basic.public, ORANGE),
             ("项目支出", exp.project, GREEN)]
    fig = _figure(6.4, 3.6)
    ax = fig.add_subplot()
    values = [_f(v) for _, v, _ in parts]
    labels = [f"{name}\n{fmt_wan(v)}" for name, v, _ in parts]
    ax.pie(values, labels=labels, colors=[c for *_, c in parts], autopct="%1.2f%%", startangle=90,
           counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"}, textprops={"fontsize": 9})
    ax.set_title(f"{rec.year}年支出结构（合计 {fmt_wan(exp.total)}）", fontsize=11)
    ax.axis("equal")
    return fig


def budget_vs_actual(rec: DepartmentYear, facts: Facts) -> Figure:
    """年初预算 (approved), 调整后预算 and 实际支出 for 基本支出, 项目支出 and the total."""
    app, exp = rec.approved_budget, rec.expenditure
    groups = ["基本支出", "项目支出", "合计"]
    initial = [app.basic.total, app.project, app.expenditure_total]
    actual = [exp.basic.total, exp.project, exp.total]
    fig = _figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = range(len(groups))
    bars1 = ax.bar([x - width / 2 for x in xs], [_f(v) for v in initial], width, label="年初预算（批复）", color=GREY)
    bars2 = ax.bar([x + width / 2 for x in xs], [_f(v) for v in actual], width, label="实际支出", color=BLUE)
    for bars, values in ((bars1, initial), (bars2, actual)):
        for bar, v in zip(bars, values):
            ax.annotate(fmt_wan(v, unit=False), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.axhline(_f(facts.adjusted_budget), color=ORANGE, linestyle="--", linewidth=1,
               label=f"调整后预算 {fmt_wan(facts.adjusted_budget)}")
    ax.set_xticks(list(xs), groups)
    ax.set_ylabel("万元")
    ax.set_title(f"{rec.year}年预算与实际支出（预算执行率 {fmt_rate(facts.execution_rate)}）", fontsize=11)
    ax.legend(fontsize=8, loc="upper left")
    ax.margins(y=0.15)
    return fig


def sangong_budget_vs_actual(rec: DepartmentYear) -> Figure:
    """三公经费 budget and actual by item; items the source does not state are marked 未列示."""
    budget, actual = rec.sangong.budget.items(), rec.sangong.actual.items()
    keys = list(SANGONG_ITEMS)
    fig = _figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = list(range(len(keys)))
    for offset, series, label, color in ((-width / 2, budget, "预算", GREY), (width / 2, actual, "实际", BLUE)):
        values = [series[k] for k in keys]
        bars = ax.bar([x + offset for x in xs], [_f(v) if v is not None else 0.0 for v in values], width,
                      label=label, color=color)
        for bar, v in zip(bars, values):
            text = "未列示" if v is None else fmt_wan(v, unit=False)
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(xs, [SANGONG_ITEMS[k].removesuffix("费") for k in keys], fontsize=9)
    ax.set_ylabel("万元")
    ax.set_title(f"{rec.year}年“三公”经费预算与实际（预算 {fmt_wan(rec.sangong.budget.total)}，"
                 f"实际 {fmt_wan(rec.sangong.actual.total)}）", fontsize=11)
    ax.legend(fontsize=8)
    ax.margins(y=0.2)
    return fig


def project_execution(rec: DepartmentYear, facts: Facts) -> Figure:
    """Execution rate of each large project against the 90% line."""
    projects = list(facts.projects)
    fig = _figure(7.2, 0.45 * max(len(projects), 2) + 1.4)
    ax = fig.add_subplot()
    names = [f"({p.number}) {p.name if len(p.name) <= 14 else p.name[:13] + '…'}" for p in projects]
    ys = list(range(len(projects)))[::-1]
    for y, p in zip(ys, projects):
        if p.execution_rate is None:
            ax.barh(y, 0)
            ax.annotate("未披露实际支出", (1, y), va="center", fontsize=8, color=GREY)
            continue
        color = GREEN if p.execution_rate >= 90 else RED
        ax.barh(y, _f(p.execution_rate), color=color, height=0.6)
        ax.annotate(fmt_rate(p.execution_rate), (_f(p.execution_rate), y), va="center", fontsize=8,
                    xytext=(3, 0), textcoords="offset points")
    ax.axvline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("执行率（实际 ÷ 预算，%）")
    ax.set_title(f"{rec.year}年50万元以上项目执行率（按各项目所报实际拨付、到位或使用资金计）", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return fig
