"""Charts of a department-year, with Chinese labels, captions and descriptions.

Figures are built with the object API (``matplotlib.figure.Figure``), never
pyplot, so nothing depends on global figure state; :func:`png_bytes` renders
them to deterministic PNG bytes (no timestamps or version text in the file).

A :class:`Chart` is what a page shows: a name (stable within the page), a caption (the figure's
title, shown as 图N under it), the alt text (what is plotted and the headline figure, in Chinese) and
the drawing function, called only when the PNG is needed. The titles are in the captions, not in the
images, so a fact is not stated twice.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from perfeval.model import Facts
from perfeval.model.numbers import fmt_rate, fmt_wan, rate
from perfeval.model import SANGONG_ITEMS, DepartmentYear
from perfeval.pages.fonts import use_cjk_font

BLUE, ORANGE, GREEN, GREY, RED = "#2f6db5", "#e08a2c", "#4c9a5b", "#9aa3ad", "#c0392b"


@dataclass(frozen=True)
class Chart:
    """A chart to show: ``draw()`` makes the figure (only when its PNG is needed)."""

    name: str
    caption: str
    alt: str
    draw: Callable[[], Figure]

    def png(self) -> bytes:
        return png_bytes(self.draw())


#: Pixels per inch of a chart as shown on screen (CSS px): a 7.2-inch figure is 792 px wide.
SCREEN_DPI = 110
#: Charts are drawn at twice their screen size in pixels (sharp on high-density screens and, at
#: 13.4 cm in Word, 300 dpi); pages show them at their CSS size (:func:`css_width`).
PIXEL_SCALE = 2


def new_figure(width: float = 7.2, height: float = 3.6) -> Figure:
    """A figure with the CJK font registered and constrained layout."""
    use_cjk_font()
    return Figure(figsize=(width, height), dpi=SCREEN_DPI * PIXEL_SCALE, layout="constrained")


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG (from its IHDR chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def css_width(png: bytes) -> int:
    """The width a chart is shown at on a page, in CSS px (its pixels over :data:`PIXEL_SCALE`)."""
    return png_size(png)[0] // PIXEL_SCALE


def png_bytes(fig: Figure) -> bytes:
    """Render a figure to PNG bytes that are identical for identical input."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def to_float(value: Decimal) -> float:
    """Conversion to float for drawing only; no arithmetic is done on it."""
    return float(value)


def unit_label(ax: Axes, text: str = "万元", side: str = "left") -> None:
    """The value axis unit, written horizontally above the axis (no rotated text)."""
    ax.set_title(text, loc=side, fontsize=9, pad=4)


def wrap_label(text: str, width: int = 14) -> str:
    """A long label on several lines (never cut)."""
    return "\n".join(textwrap.wrap(text, width)) or text


# --- the chapter's charts --------------------------------------------------------------------

def spending_structure(rec: DepartmentYear) -> Figure:
    """Shares of 人员经费 / 公用经费 / 项目支出 in total spending."""
    exp = rec.expenditure
    parts = [("人员经费", exp.basic.personnel, BLUE), ("公用经费", exp.basic.public, ORANGE),
             ("项目支出", exp.project, GREEN)]
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    values = [to_float(v) for _, v, _ in parts]
    labels = [f"{name}\n{fmt_wan(v)}" for name, v, _ in parts]
    ax.pie(values, labels=labels, colors=[c for *_, c in parts], autopct="%1.2f%%", startangle=90,
           counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"}, textprops={"fontsize": 9})
    ax.axis("equal")
    return fig


def spending_structure_chart(rec: DepartmentYear) -> Chart:
    exp = rec.expenditure
    shares = "、".join(f"{name}{fmt_wan(v)}（{fmt_rate(rate(v, exp.total))}）" for name, v in
                       (("人员经费", exp.basic.personnel), ("公用经费", exp.basic.public), ("项目支出", exp.project)))
    return Chart("spending_structure", f"{rec.year}年支出结构（合计{fmt_wan(exp.total)}）",
                 f"饼图：{rec.year}年财政拨款支出{fmt_wan(exp.total)}的构成，{shares}。",
                 lambda: spending_structure(rec))


def budget_vs_actual(rec: DepartmentYear, facts: Facts) -> Figure:
    """年初预算 (approved), 调整后预算 and 实际支出 for 基本支出, 项目支出 and the total."""
    app, exp = rec.approved_budget, rec.expenditure
    groups = ["基本支出", "项目支出", "合计"]
    initial = [app.basic.total, app.project, app.expenditure_total]
    actual = [exp.basic.total, exp.project, exp.total]
    fig = new_figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = range(len(groups))
    bars1 = ax.bar([x - width / 2 for x in xs], [to_float(v) for v in initial], width, label="年初预算（批复）",
                   color=GREY)
    bars2 = ax.bar([x + width / 2 for x in xs], [to_float(v) for v in actual], width, label="实际支出", color=BLUE)
    for bars, values in ((bars1, initial), (bars2, actual)):
        for bar, v in zip(bars, values):
            ax.annotate(fmt_wan(v, unit=False), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.axhline(to_float(facts.adjusted_budget), color=ORANGE, linestyle="--", linewidth=1,
               label=f"调整后预算{fmt_wan(facts.adjusted_budget)}")
    ax.set_xticks(list(xs), groups)
    unit_label(ax)
    ax.legend(fontsize=8, loc="upper left")
    ax.margins(y=0.15)
    return fig


def budget_vs_actual_chart(rec: DepartmentYear, facts: Facts) -> Chart:
    app, exp = rec.approved_budget, rec.expenditure
    return Chart("budget_vs_actual", f"{rec.year}年预算与实际支出（预算执行率{fmt_rate(facts.execution_rate)}）",
                 f"柱状图：{rec.year}年基本支出、项目支出及合计的年初预算（批复）与实际支出，虚线为调整后预算；"
                 f"合计年初预算{fmt_wan(app.expenditure_total)}，调整后预算{fmt_wan(facts.adjusted_budget)}，"
                 f"实际支出{fmt_wan(exp.total)}，预算执行率{fmt_rate(facts.execution_rate)}。",
                 lambda: budget_vs_actual(rec, facts))


def sangong_budget_vs_actual(rec: DepartmentYear) -> Figure:
    """三公经费 budget and actual by item; items the source does not state are marked 未列示."""
    budget, actual = rec.sangong.budget.items(), rec.sangong.actual.items()
    keys = list(SANGONG_ITEMS)
    fig = new_figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = list(range(len(keys)))
    for offset, series, label, color in ((-width / 2, budget, "预算", GREY), (width / 2, actual, "实际", BLUE)):
        values = [series[k] for k in keys]
        bars = ax.bar([x + offset for x in xs], [to_float(v) if v is not None else 0.0 for v in values], width,
                      label=label, color=color)
        for bar, v in zip(bars, values):
            text = "未列示" if v is None else fmt_wan(v, unit=False)
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(xs, [SANGONG_ITEMS[k].removesuffix("费") for k in keys], fontsize=9)
    unit_label(ax)
    ax.legend(fontsize=8)
    ax.margins(y=0.2)
    return fig


def sangong_chart(rec: DepartmentYear) -> Chart:
    sg = rec.sangong
    return Chart("sangong", f"{rec.year}年“三公”经费预算与实际",
                 f"柱状图：{rec.year}年“三公”经费各项的预算与实际支出；预算合计{fmt_wan(sg.budget.total)}，"
                 f"实际合计{fmt_wan(sg.actual.total)}，控制率{fmt_rate(rate(sg.actual.total, sg.budget.total))}。",
                 lambda: sangong_budget_vs_actual(rec))


def project_execution(rec: DepartmentYear, facts: Facts) -> Figure:
    """Execution rate of each large project against the 90% line."""
    projects = list(facts.projects)
    names = [wrap_label(f"({p.number}) {p.name}", 16) for p in projects]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.32 * max(lines, 3) + 0.12 * len(projects) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(projects)))[::-1]
    for y, p in zip(ys, projects):
        if p.execution_rate is None:
            ax.barh(y, 0)
            ax.annotate("未披露实际支出", (1, y), va="center", fontsize=8, color=GREY)
            continue
        color = GREEN if p.execution_rate >= 90 else RED
        ax.barh(y, to_float(p.execution_rate), color=color, height=0.6)
        ax.annotate(fmt_rate(p.execution_rate), (to_float(p.execution_rate), y), va="center", fontsize=8,
                    xytext=(3, 0), textcoords="offset points")
    ax.axvline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("执行率（实际÷预算，%）")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def project_execution_chart(rec: DepartmentYear, facts: Facts) -> Chart:
    rated = [(p, pf) for p, pf in zip(rec.projects, facts.projects) if pf.execution_rate is not None]
    below = [(p, pf) for p, pf in rated if pf.execution_rate is not None and pf.execution_rate < 90]
    alt = f"条形图：{rec.year}年{len(rec.projects)}个50万元以上项目的执行率（按各项目所报实际数计），90%处为参考线；"
    if rated:
        low_p, low_f = min(rated, key=lambda x: (x[1].execution_rate, x[0].number))
        alt += (f"{len(below)}个项目低于90%，最低为项目（{low_p.number}）{low_p.name}，"
                f"{fmt_rate(low_f.execution_rate)}。")
    else:
        alt += "各项目均未披露实际支出。"
    return Chart("projects", f"{rec.year}年50万元以上项目执行率（按各项目所报实际拨付、到位或使用资金计）", alt,
                 lambda: project_execution(rec, facts))
