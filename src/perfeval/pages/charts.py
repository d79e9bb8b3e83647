"""Charts of a department-year, with Chinese labels, captions and descriptions.

Figures are built with the object API (``matplotlib.figure.Figure``), never
pyplot, so nothing depends on global figure state; :func:`png_bytes` renders
them to deterministic PNG bytes (no timestamps or version text in the file).

A :class:`Chart` is what a page shows: a name (stable within the page), a caption (the figure's
title, shown as 图N under it), the alt text (what is plotted and the headline figure, in Chinese) and
the drawing function, called only when the PNG is needed. The titles are in the captions, not in the
images, so a fact is not stated twice.

**A chart is drawn only from stated figures.** Each ``*_chart`` function returns a :class:`Chart`, or,
when its inputs are not stated or are all zero, one sentence saying why no chart is drawn
(:class:`NoChart`). Text from the data is drawn literally (``text.parse_math`` is off, see
:mod:`perfeval.pages.fonts`).
"""

from __future__ import annotations

import functools
import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter

from perfeval.model import SANGONG_ITEMS, Amounts, DepartmentYear, Facts
from perfeval.model.numbers import fmt_rate, fmt_wan
from perfeval.pages.fonts import chart_text, use_cjk_font

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


@dataclass(frozen=True)
class NoChart:
    """Why a chart is not drawn (its inputs are not stated, or all zero): one sentence for the page."""

    name: str
    reason: str


#: Pixels per inch of a chart as shown on screen (CSS px): a 7.2-inch figure is 792 px wide.
SCREEN_DPI = 110
#: Charts are drawn at twice their screen size in pixels (sharp on high-density screens and, at
#: 13.4 cm in Word, 300 dpi); pages show them at their CSS size (:func:`css_width`).
PIXEL_SCALE = 2
#: At most this many projects in the execution chart (the lowest rates); the table lists them all.
MAX_CHART_PROJECTS = 30


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
    """Render a figure to PNG bytes that are identical for identical input; text no chart font can draw is
    left out (:func:`perfeval.pages.fonts.chart_text`), never drawn as empty boxes."""
    for text in fig.findobj(Text):
        shown = text.get_text()
        if shown and chart_text(shown) != shown:
            text.set_text(chart_text(shown))
    for ax in fig.axes:          # tick labels are made again from their formatter when drawn
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [chart_text(str(label)) for label in formatter.seq]
            elif isinstance(formatter, FuncFormatter):
                formatter.func = functools.partial(_drawn_label, formatter.func)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _drawn_label(func: Callable[..., object], value: float, pos: int | None = None) -> str:
    return chart_text(str(func(value, pos)))


def to_float(value: Decimal) -> float:
    """Conversion to float for drawing only; no arithmetic is done on it."""
    return float(value)


def unit_label(ax: Axes, text: str = "万元", side: str = "left") -> None:
    """The value axis unit, written horizontally above the axis (no rotated text)."""
    ax.set_title(text, loc=side, fontsize=9, pad=4)


def wrap_label(text: str, width: int = 14) -> str:
    """A long label on several lines (never cut)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def drawable(values: list[Decimal | None]) -> bool:
    """Whether stated values can be drawn: at least one stated, none negative, not all zero."""
    given = [v for v in values if v is not None]
    return bool(given) and all(v >= 0 for v in given) and any(v > 0 for v in given)


# --- 支出结构 --------------------------------------------------------------------------------------

def spending_structure(rec: DepartmentYear, facts: Facts) -> Figure:
    """Shares of the expenditure split the report gives, over the split's own sum (as its table)."""
    split = facts.expenditure_split
    colors = {"人员经费": BLUE, "公用经费": ORANGE, "基本支出": BLUE, "项目支出": GREEN}
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    ax.pie([to_float(v) for v in split.values()], labels=[f"{name}\n{fmt_wan(v)}" for name, v in split.items()],
           colors=[colors[name] for name in split], autopct="%1.2f%%", startangle=90, counterclock=False,
           wedgeprops={"linewidth": 1, "edgecolor": "white"}, textprops={"fontsize": 9})
    ax.axis("equal")
    return fig


def spending_structure_chart(rec: DepartmentYear, facts: Facts) -> Chart | NoChart:
    split, total = facts.expenditure_split, facts.expenditure_parts_sum
    if not split or total is None:
        return NoChart("spending_structure", "本章数据未列示支出的分项金额，不绘制支出结构图。")
    if not drawable(list(split.values())):
        return NoChart("spending_structure", "支出各分项金额均为零，不绘制支出结构图。")
    shares = "、".join(f"{name}{fmt_wan(v)}（{fmt_rate(v * 100 / total)}）" for name, v in split.items())
    return Chart("spending_structure", f"{rec.year}年支出结构（分项合计{fmt_wan(total)}）",
                 f"饼图：{rec.year}年支出各分项占分项合计{fmt_wan(total)}的比重，{shares}。",
                 lambda: spending_structure(rec, facts))


# --- 预算与实际 -------------------------------------------------------------------------------------

def _budget_groups(rec: DepartmentYear) -> list[tuple[str, Amounts]]:
    exp = rec.expenditure
    if exp is None:
        return []
    if exp.basic is not None:
        candidates = [("基本支出", exp.basic), ("项目支出", exp.project), ("支出合计", exp.total)]
    else:
        candidates = [("人员经费", exp.personnel), ("公用经费", exp.public), ("项目支出", exp.project),
                      ("支出合计", exp.total)]
    return [(name, row) for name, row in candidates
            if row is not None and (row.budget is not None or row.actual is not None)]


def budget_vs_actual(rec: DepartmentYear, facts: Facts) -> Figure:
    """本年预算数 and 本年决算数 of the expenditure rows; the 调整后预算 as a line when stated or derived."""
    groups = _budget_groups(rec)
    fig = new_figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = list(range(len(groups)))
    for offset, key, label, color in ((-width / 2, "budget", "本年预算数", GREY), (width / 2, "actual", "本年决算数", BLUE)):
        values = [getattr(row, key) for _, row in groups]
        bars = ax.bar([x + offset for x in xs], [0.0 if v is None else to_float(v) for v in values], width,
                      label=label, color=color)
        for bar, v in zip(bars, values):
            ax.annotate("未列示" if v is None else fmt_wan(v, unit=False),
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=8,
                        xytext=(0, 2), textcoords="offset points")
    if facts.adjusted_budget is not None and facts.adjusted_budget > 0:
        ax.axhline(to_float(facts.adjusted_budget), color=ORANGE, linestyle="--", linewidth=1,
                   label=f"调整后预算{fmt_wan(facts.adjusted_budget)}")
    ax.set_xticks(xs, [name for name, _ in groups])
    unit_label(ax)
    ax.legend(fontsize=8, loc="upper left")
    ax.margins(y=0.15)
    return fig


def budget_vs_actual_chart(rec: DepartmentYear, facts: Facts) -> Chart | NoChart:
    groups = _budget_groups(rec)
    paired = [(name, row) for name, row in groups if row.budget is not None and row.actual is not None]
    if not paired:
        return NoChart("budget_vs_actual", "本章数据未同时列示支出的预算数和决算数，不绘制预算与实际支出对比图。")
    if not drawable([v for _, row in groups for v in (row.budget, row.actual)]):
        return NoChart("budget_vs_actual", "支出的预算数和决算数均为零，不绘制预算与实际支出对比图。")
    head = paired[-1]
    alt = (f"柱状图：{rec.year}年{'、'.join(name for name, _ in groups)}的本年预算数与本年决算数；"
           f"{head[0]}预算数{fmt_wan(head[1].budget)}，决算数{fmt_wan(head[1].actual)}")
    if facts.adjusted_budget is not None and facts.adjusted_budget > 0:
        alt += f"，虚线为调整后预算{fmt_wan(facts.adjusted_budget)}"
    return Chart("budget_vs_actual", f"{rec.year}年支出预算数与决算数", alt + "。",
                 lambda: budget_vs_actual(rec, facts))


# --- 三公经费 --------------------------------------------------------------------------------------

def _sangong_rows(rec: DepartmentYear) -> list[tuple[str, Amounts]]:
    sg = rec.sangong
    if sg is None:
        return []
    items = [(label.removesuffix("费"), getattr(sg, key)) for key, label in SANGONG_ITEMS.items()]
    if not any(row is not None for _, row in items) and sg.vehicle is not None:
        items = [("公务用车购置和运行维护", sg.vehicle)]
    rows = [(name, row) for name, row in items if row is not None and (row.budget is not None or row.actual is not None)]
    if not rows and sg.total is not None and (sg.total.budget is not None or sg.total.actual is not None):
        rows = [("“三公”经费合计", sg.total)]
    return rows


def sangong_budget_vs_actual(rec: DepartmentYear) -> Figure:
    """三公经费 budget and actual by the items the report states (未列示 where a column is blank)."""
    rows = _sangong_rows(rec)
    fig = new_figure()
    ax = fig.add_subplot()
    width = 0.36
    xs = list(range(len(rows)))
    for offset, key, label, color in ((-width / 2, "budget", "预算数", GREY), (width / 2, "actual", "决算数", BLUE)):
        values = [getattr(row, key) for _, row in rows]
        bars = ax.bar([x + offset for x in xs], [to_float(v) if v is not None else 0.0 for v in values], width,
                      label=label, color=color)
        for bar, v in zip(bars, values):
            ax.annotate("未列示" if v is None else fmt_wan(v, unit=False),
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(xs, [wrap_label(name, 8) for name, _ in rows], fontsize=9)
    unit_label(ax)
    ax.legend(fontsize=8)
    ax.margins(y=0.2)
    return fig


def sangong_chart(rec: DepartmentYear) -> Chart | NoChart:
    rows = _sangong_rows(rec)
    if not rows:
        return NoChart("sangong", "本章数据未列示“三公”经费的预算数或决算数，不绘制“三公”经费图。")
    if not drawable([v for _, row in rows for v in (row.budget, row.actual)]):
        return NoChart("sangong", "“三公”经费各项的预算数和决算数均为零，不绘制“三公”经费图。")
    total = rec.sangong.total if rec.sangong is not None else None
    alt = f"柱状图：{rec.year}年“三公”经费{'、'.join(name for name, _ in rows)}的预算数与决算数"
    if total is not None and total.budget is not None:
        alt += f"；预算合计{fmt_wan(total.budget)}"
    if total is not None and total.actual is not None:
        alt += f"；决算合计{fmt_wan(total.actual)}"
    return Chart("sangong", f"{rec.year}年“三公”经费预算数与决算数", alt + "。", lambda: sangong_budget_vs_actual(rec))


# --- 项目执行率（测算） ------------------------------------------------------------------------------

def _rated(rec: DepartmentYear, facts: Facts) -> list[tuple[str, str, Decimal, bool]]:
    """(label, name, rate, managed) of every project with a rate, lowest rate first (at most the chart's share)."""
    rated = [(p.label, p.name, p.execution_rate, p.managed_only) for p in facts.projects if p.execution_rate is not None]
    rated.sort(key=lambda r: (r[2], r[0]))
    return rated[:MAX_CHART_PROJECTS]  # type: ignore[return-value]


def project_execution(rec: DepartmentYear, facts: Facts) -> Figure:
    """Execution rate of each project with a budget and an actual figure, against the 90% line."""
    rated = sorted(_rated(rec, facts), key=lambda r: int(r[0].removeprefix("项目")) if r[0][2:].isdigit() else 0)
    names = [wrap_label(f"{label} {name}" + ("（代管）" if managed else ""), 16) for label, name, _, managed in rated]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.32 * max(lines, 3) + 0.12 * len(rated) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(rated)))[::-1]
    top = max([115.0] + [to_float(r[2]) * 1.12 for r in rated])
    for y, (_, _, value, _) in zip(ys, rated):
        ax.barh(y, to_float(value), color=GREEN if value >= 90 else RED, height=0.6)
        ax.annotate(fmt_rate(value), (to_float(value), y), va="center", fontsize=8, xytext=(3, 0),
                    textcoords="offset points")
    ax.axvline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlim(0, min(top, 1e6))
    ax.set_xlabel("执行率（%）")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def project_execution_chart(rec: DepartmentYear, facts: Facts) -> Chart | NoChart:
    all_rated = [p for p in facts.projects if p.execution_rate is not None]
    if not all_rated:
        return NoChart("projects", "本章数据未同时列示项目的预算和实际金额，不绘制项目执行率图。")
    if not drawable([p.budget for p in all_rated]):
        return NoChart("projects", "项目预算均为零，不绘制项目执行率图。")
    shown = _rated(rec, facts)
    below = [p for p in all_rated if p.execution_rate is not None and p.execution_rate < 90]
    low = min(all_rated, key=lambda p: (p.execution_rate, p.index))
    scope = (f"执行率最低的{len(shown)}个项目" if len(shown) < len(all_rated) else f"{len(all_rated)}个项目")
    below_text = f"{len(below)}个项目低于90%" if below else "没有项目低于90%"
    alt = (f"条形图：{rec.year}年{scope}的执行率（按各项目所报实际支出、拨付或到位资金计），90%处为参考线；"
           f"{below_text}，最低为{low.label}{low.name}，{fmt_rate(low.execution_rate)}。")
    caption = f"{rec.year}年项目执行率（{scope}）"
    return Chart("projects", caption, alt, lambda: project_execution(rec, facts))
