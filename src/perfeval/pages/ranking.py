"""Figures across departments: a year's ranking, grade distribution, charts and the findings summary.

Pure functions over department summaries (:class:`perfeval.pages.summaries.DepartmentSummary`: a row per
department-year, with our score, its findings and the headline figures); the year overview and 数据核查汇总
pages call them. :func:`evaluate` summarises validated records (the build keeps summaries with its cache).

The year overview's three charts name each department (a bar or a label per department) while a year has at
most :data:`MAX_NAMED_DEPARTMENTS` departments. Above that they summarise at a fixed size, so that neither
the image nor its drawing time grows with the number of departments: the number of departments per score
band (coloured by grade), the execution scatter without names, and 三公 budget against actual as one point
per department. The ranking table always names every department.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Mapping

from matplotlib.ticker import MaxNLocator

import pandas as pd
from matplotlib.figure import Figure

from perfeval.model import DepartmentYear
from perfeval.model.numbers import fmt_rate, fmt_wan, money_sum, rate
from perfeval.pages.cells import Absent, Pct, pct, score_or, score_text
from perfeval.pages.charts import (BLUE, GREEN, GREY, ORANGE, RED, Chart, NoChart, drawable, new_figure, to_float,
                                   unit_label, wrap_label)
from perfeval.pages.review_tables import grade_band_labels
from perfeval.pages.summaries import DepartmentSummary, summarize
from perfeval.pages.tables import drop_empty_columns
from perfeval.review import rules
from perfeval.review import RECTIFICATION_STATUSES, SEVERITY_LABELS, SEVERITY_ORDER, Framework

#: One department-year with our score and findings: its summary.
Row = DepartmentSummary


def evaluate(records: list[DepartmentYear], framework: Framework,
             files: Mapping[tuple[str, int], Path] | None = None) -> list[Row]:
    """The summaries of validated records (in their order); with a record's data file (``files``: (code, year)
    → path), as its chapter shows it: rulings, replies and last year's record applied."""
    return [summarize(r, framework, data_file=(files or {}).get((r.code, r.year))) for r in records]


def rectification_total(rows: list[Row]) -> dict[str, int]:
    """Last year's problems of all rows by rectification status (已整改, 整改中, 未整改, 未说明)."""
    total = dict.fromkeys(RECTIFICATION_STATUSES, 0)
    for row in rows:
        for status, n in row.rectification.items():
            total[status] += n
    return total


def ranking(rows: list[Row]) -> list[Row]:
    """The graded rows, sorted by our total (high first), then by code for a stable order. A row without a
    grade (coverage below 60%, 数据不足，不予评级) is not ranked: see :func:`unranked`."""
    return sorted((r for r in rows if r.grade is not None),
                  key=lambda r: (-(r.total or Decimal(0)), r.code))


def unranked(rows: list[Row]) -> list[Row]:
    """The rows without a grade, by coverage (high first), then by code."""
    return sorted((r for r in rows if r.grade is None), key=lambda r: (-r.coverage, r.code))


def _coverage(row: Row) -> Pct:
    return Pct(row.coverage * 100)


def ranking_table(rows: list[Row]) -> pd.DataFrame:
    """The ranked departments with our score and grade, the unit's own total, and the headline rates (a
    figure a department does not state is "—"; a column no department states is left out)."""
    out = []
    for i, row in enumerate(ranking(rows), start=1):
        f, own = row, row.self_total
        out.append({
            "排名": i, "部门": row.name, "主管部门": row.supervisor or Absent(),
            row.score_label: score_or(row.total), "等级": str(row.grade),
            "适用指标覆盖率": _coverage(row), "自评得分": Absent() if own is None else own,
            "调整后预算（万元）": Absent() if f.adjusted_budget is None else f.adjusted_budget,
            "预算执行率": pct(f.execution_rate), "三公经费控制率": pct(f.sangong_control_rate),
            "错误": row.count("error"), "需核实": row.count("verify"), "提示": row.count("note"),
        })
    return drop_empty_columns(pd.DataFrame(out), keep=2)


def unranked_table(rows: list[Row]) -> pd.DataFrame:
    """Departments whose data cover less than 60% of the framework: their coverage, no grade, no rank — and no
    score either, which on a few indicators would read as a rank it is not."""
    out = []
    for row in unranked(rows):
        out.append({"部门": row.name, "主管部门": row.supervisor or Absent(),
                    "适用指标覆盖率": _coverage(row),
                    "错误": row.count("error"), "需核实": row.count("verify"), "提示": row.count("note")})
    return drop_empty_columns(pd.DataFrame(out), keep=1)


def grade_distribution(rows: list[Row]) -> pd.DataFrame:
    """How many departments have each grade, and how many have none (数据不足，不予评级)."""
    counts = {label: 0 for label, _ in grade_band_labels()}
    for row in ranking(rows):
        counts[str(row.grade)] += 1
    table = [(g, band, counts[g]) for g, band in grade_band_labels()]
    apart = len(unranked(rows))
    if apart:
        table.append(("不予评级", "适用指标覆盖率低于60%", apart))
    total = len(rows)
    return pd.DataFrame([{"等级": g, "区间": band, "部门数": n,
                          "占比": pct(rate(Decimal(n), Decimal(total))) if total else Absent()}
                         for g, band, n in table])


GRADE_COLORS = {"优": GREEN, "良": BLUE, "中": ORANGE, "差": RED}

#: The year overview draws one bar (or label) per department while the year has at most this many
#: departments; above it, charts of a fixed size without names (see the module's docstring). Beyond about
#: 40 bars a chart of names is no longer read (it scrolls over several screens), and its size and drawing
#: time grow with the departments: at 1000, three PNGs about 40 000 px tall and 27 s.
MAX_NAMED_DEPARTMENTS = 40
#: Width in points of a score band in the summary score chart (60, 80 and 90 are band edges).
SCORE_BAND_WIDTH = 5
#: Size in inches of the summary charts (the same whatever the number of departments).
SUMMARY_SIZE = (7.2, 4.2)


def named(rows: list[Row], max_named: float = MAX_NAMED_DEPARTMENTS) -> bool:
    """Whether the year's charts name each department (at most ``max_named`` departments in the year)."""
    return len(rows) <= max_named


@dataclass(frozen=True)
class ScoreBand:
    """A score band [lower, upper) of the summary chart (the last one closed: [95, 100]) and its departments."""

    lower: int
    upper: int
    grade: str
    count: int


def score_bands(rows: list[Row]) -> list[ScoreBand]:
    """The number of ranked departments in each band of :data:`SCORE_BAND_WIDTH` points from 0 to 100; a
    band's grade is the grade of its scores (the grade boundaries are band edges)."""
    last = 100 // SCORE_BAND_WIDTH - 1
    counts = [0] * (last + 1)
    for row in ranking(rows):
        if row.total is not None:
            counts[min(int(row.total // SCORE_BAND_WIDTH), last)] += 1
    return [ScoreBand(i * SCORE_BAND_WIDTH, (i + 1) * SCORE_BAND_WIDTH,
                      str(rules.grade(Decimal(i * SCORE_BAND_WIDTH))), n) for i, n in enumerate(counts)]


def _grade_counts(rows: list[Row]) -> dict[str, int]:
    """Ranked departments per grade, best grade first."""
    counts = {label: 0 for label, _ in grade_band_labels()}
    for row in ranking(rows):
        if row.total is not None:
            counts[str(row.grade)] += 1
    return counts


def score_bands_figure(rows: list[Row]) -> Figure:
    """How many ranked departments score in each band, coloured by grade, the grade boundaries dotted."""
    bands = score_bands(rows)
    shown = [b for b in bands if b.count]
    left = min([60] + [b.lower // 10 * 10 for b in shown])
    fig = new_figure(*SUMMARY_SIZE)
    ax = fig.add_subplot()
    counts = _grade_counts(rows)
    for grade in counts:
        mine = [b for b in bands if b.grade == grade and b.lower >= left]
        bars = ax.bar([b.lower for b in mine], [b.count for b in mine], SCORE_BAND_WIDTH * 0.9, align="edge",
                      color=GRADE_COLORS[grade], label=f"{grade}（{counts[grade]}个）")
        for bar, band in zip(bars, mine):
            if band.count:
                ax.annotate(str(band.count), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                            va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    for x in (60, 80, 90):
        ax.axvline(x, color=GREY, linestyle=":", linewidth=1)
    ax.set_xlim(left, 100)
    ax.set_xticks(range(left, 101, 10))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.15)
    label = rows[0].score_label if rows else "测算得分"
    ax.set_xlabel(f"{label}（分），每{SCORE_BAND_WIDTH}分一组")
    unit_label(ax, "部门数（个）")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def scores_figure(rows: list[Row]) -> Figure:
    ordered = ranking(rows)[::-1]
    names = [wrap_label(r.name, 12) for r in ordered]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.3 * max(lines, 3) + 0.06 * len(ordered) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    totals = [r.total or Decimal(0) for r in ordered]
    ax.barh(ys, [to_float(t) for t in totals], color=[GRADE_COLORS.get(str(r.grade), GREY) for r in ordered])
    for y, r, t in zip(ys, ordered, totals):
        ax.annotate(f"{score_text(t)}（{r.grade}）", (to_float(t), y), va="center",
                    fontsize=8, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(ys, names, fontsize=8)
    for x in (60, 80, 90):
        ax.axvline(x, color=GREY, linestyle=":", linewidth=1)
    ax.set_xlim(0, 112)
    ax.set_xlabel(f"{ordered[0].score_label if ordered else '测算得分'}（分）")
    return fig


def scores_chart(rows: list[Row], year: int, max_named: float = MAX_NAMED_DEPARTMENTS) -> Chart | NoChart:
    ordered = ranking(rows)
    if not ordered:
        return NoChart("scores", "没有数据充足、可以评级的部门，不绘制得分图。")
    if not named(rows, max_named):
        return _score_bands_chart(rows, year)
    label = ordered[0].score_label
    best, worst = ordered[0], ordered[-1]
    alt = (f"条形图：{year}年度{len(ordered)}个评级部门的{label}，由高到低排列，60、80、90分处为等级分界线；"
           f"最高为{best.name}{score_text(best.total)}分（{best.grade}），"  # type: ignore[arg-type]
           f"最低为{worst.name}{score_text(worst.total)}分（{worst.grade}）。")  # type: ignore[arg-type]
    return Chart("scores", f"{year}年度各部门{label}", alt, lambda: scores_figure(rows))


def _left_out(count: int, why: str) -> str:
    return f"另有{count}个部门{why}，未绘入。" if count else ""


def _score_bands_chart(rows: list[Row], year: int) -> Chart:
    ordered = [r for r in ranking(rows) if r.total is not None]
    label = ordered[0].score_label
    best, worst = ordered[0], ordered[-1]
    grades = "、".join(f"{g}{n}个" for g, n in _grade_counts(rows).items() if n)
    alt = (f"柱状图：{year}年度{len(ordered)}个评级部门的{label}分布，每{SCORE_BAND_WIDTH}分一组，柱高为部门数，"
           f"颜色表示等级，60、80、90分处为等级分界线；{grades}；"
           f"最高为{best.name}{score_text(best.total)}分（{best.grade}），"  # type: ignore[arg-type]
           f"最低为{worst.name}{score_text(worst.total)}分（{worst.grade}）。"  # type: ignore[arg-type]
           + _left_out(len(rows) - len(ordered), "数据不足，不予评级"))
    return Chart("scores", f"{year}年度各部门{label}分布", alt, lambda: score_bands_figure(rows))


def _rated(rows: list[Row]) -> list[tuple[Row, Row]]:
    """The rows that state both the adjusted budget and the execution rate (each as (row, its figures))."""
    return [(row, row) for row in rows if row.execution_rate is not None and row.adjusted_budget is not None]


def execution_figure(rows: list[Row]) -> Figure:
    fig = new_figure(7.2, 4.2)
    ax = fig.add_subplot()
    for row, f in _rated(rows):
        x, y = to_float(f.adjusted_budget), to_float(f.execution_rate)  # type: ignore[arg-type]
        ax.scatter([x], [y], s=36, color=RED if f.execution_rate < 90 else BLUE)  # type: ignore[operator]
        ax.annotate(row.name.removeprefix("清河市").removeprefix("中共清河市委"), (x, y), fontsize=7,
                    xytext=(4, 2), textcoords="offset points")
    ax.axhline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_xlabel("调整后预算（万元）")
    unit_label(ax, "%")
    ax.legend(fontsize=8)
    return fig


def execution_scatter(rows: list[Row]) -> Figure:
    """Execution rate against the adjusted budget, one unnamed point per department (one scatter per colour)."""
    rated = _rated(rows)
    fig = new_figure(*SUMMARY_SIZE)
    ax = fig.add_subplot()
    below = [f for _, f in rated if f.execution_rate < 90]  # type: ignore[operator]
    above = [f for _, f in rated if f.execution_rate >= 90]  # type: ignore[operator]
    for group, color, label in ((above, BLUE, "90%及以上"), (below, RED, "低于90%")):
        if group:
            ax.scatter([to_float(f.adjusted_budget) for f in group],  # type: ignore[arg-type]
                       [to_float(f.execution_rate) for f in group],  # type: ignore[arg-type]
                       s=14, color=color, alpha=0.75, linewidths=0, label=f"{label}（{len(group)}个）")
    ax.axhline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_xlabel("调整后预算（万元）")
    unit_label(ax, "%")
    ax.legend(fontsize=8)
    return fig


def execution_chart(rows: list[Row], year: int, max_named: float = MAX_NAMED_DEPARTMENTS) -> Chart | NoChart:
    rated = _rated(rows)
    if not rated:
        return NoChart("execution", "各部门均未同时列示调整后预算和支出合计，不绘制预算执行率图。")
    if not named(rows, max_named):
        return _execution_scatter_chart(rows, rated, year)
    below = [r for r, f in rated if f.execution_rate is not None and f.execution_rate < 90]
    return Chart("execution", f"{year}年度预算执行率（%）与预算规模",
                 f"散点图：{year}年度{len(rated)}个列明预算和支出的部门的调整后预算（横轴，万元）与预算执行率（纵轴），"
                 f"90%处为参考线；{f'{len(below)}个部门' if below else '没有部门'}的预算执行率低于90%。",
                 lambda: execution_figure(rows))


def _execution_scatter_chart(rows: list[Row], rated: list[tuple[Row, Row]], year: int) -> Chart:
    below = [r for r, f in rated if f.execution_rate < 90]  # type: ignore[operator]
    low, low_f = min(rated, key=lambda rf: (rf[1].execution_rate, rf[0].code))
    alt = (f"散点图：{year}年度{len(rated)}个列明预算和支出的部门，每点一个部门，横轴为调整后预算（万元），"
           f"纵轴为预算执行率，90%处为参考线；{f'{len(below)}个部门' if below else '没有部门'}的预算执行率低于90%，"
           f"最低为{low.name}{fmt_rate(low_f.execution_rate)}。"
           + _left_out(len(rows) - len(rated), "未同时列示调整后预算和支出合计"))
    return Chart("execution", f"{year}年度预算执行率（%）与预算规模", alt, lambda: execution_scatter(rows))


def _sangong_rows(rows: list[Row]) -> list[tuple[Row, Decimal, Decimal]]:
    return [(row, row.sangong_budget, row.sangong_actual) for row in sorted(rows, key=lambda r: r.code)
            if row.sangong_budget is not None and row.sangong_actual is not None]


def sangong_figure(rows: list[Row]) -> Figure:
    stated = _sangong_rows(rows)
    names = [wrap_label(r.name, 12) for r, _, _ in stated]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.3 * max(lines, 3) + 0.06 * len(stated) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(stated)))
    h = 0.38
    ax.barh([y + h / 2 for y in ys], [to_float(b) for _, b, _ in stated], h, color=GREY, label="预算数")
    ax.barh([y - h / 2 for y in ys], [to_float(a) for _, _, a in stated], h, color=BLUE, label="决算数")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlabel("万元")
    ax.legend(fontsize=8)
    return fig


def sangong_scatter(rows: list[Row]) -> Figure:
    """三公 actual against budget, one unnamed point per department, with the line where they are equal."""
    stated = _sangong_rows(rows)
    fig = new_figure(*SUMMARY_SIZE)
    ax = fig.add_subplot()
    over = [(b, a) for _, b, a in stated if a > b]
    within = [(b, a) for _, b, a in stated if a <= b]
    top = max(to_float(v) for _, b, a in stated for v in (b, a)) * 1.05
    ax.plot([0, top], [0, top], color=GREY, linestyle="--", linewidth=1, label="决算数等于预算数")
    for group, color, label in ((within, BLUE, "决算数不超过预算数"), (over, RED, "决算数超过预算数")):
        if group:
            ax.scatter([to_float(b) for b, _ in group], [to_float(a) for _, a in group], s=14, color=color,
                       alpha=0.75, linewidths=0, label=f"{label}（{len(group)}个）")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("预算数（万元）")
    unit_label(ax, "决算数（万元）")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def sangong_chart(rows: list[Row], year: int, max_named: float = MAX_NAMED_DEPARTMENTS) -> Chart | NoChart:
    stated = _sangong_rows(rows)
    if not stated or not drawable([v for _, b, a in stated for v in (b, a)]):
        return NoChart("sangong", "各部门均未同时列示“三公”经费预算数和决算数，不绘制“三公”经费图。")
    budget = money_sum([b for _, b, _ in stated])
    actual = money_sum([a for _, _, a in stated])
    if not named(rows, max_named):
        over = sum(1 for _, b, a in stated if a > b)
        alt = (f"散点图：{year}年度{len(stated)}个列明“三公”经费预算数和决算数的部门，每点一个部门，横轴为预算数，"
               f"纵轴为决算数（万元），虚线上决算数等于预算数；{f'{over}个部门' if over else '没有部门'}的决算数超过预算数；"
               f"合计预算数{fmt_wan(budget)}，决算数{fmt_wan(actual)}，控制率{fmt_rate(rate(actual, budget))}。"
               + _left_out(len(rows) - len(stated), "未同时列示“三公”经费预算数和决算数"))
        return Chart("sangong", f"{year}年度各部门“三公”经费预算数与决算数", alt, lambda: sangong_scatter(rows))
    return Chart("sangong", f"{year}年度各部门“三公”经费预算数与决算数",
                 f"条形图：{year}年度{len(stated)}个列明“三公”经费预算数和决算数的部门；合计预算数{fmt_wan(budget)}，"
                 f"决算数{fmt_wan(actual)}，控制率{fmt_rate(rate(actual, budget))}。",
                 lambda: sangong_figure(rows))


# --- 数据核查汇总 --------------------------------------------------------------------------

def findings_summary(rows: list[Row]) -> pd.DataFrame:
    """Every finding across department-years (errors first), with the page each belongs to."""
    out = []
    for row in sorted(rows, key=lambda r: (-r.year, r.code)):
        for f in row.findings:
            out.append({"年度": row.year, "部门": row.name, "code": row.code,
                        "严重程度": SEVERITY_LABELS[f.severity], "_order": SEVERITY_ORDER[f.severity],
                        "涉及项目": f.item, "说明": f.text, "编号": f.finding_id,
                        "规则": f.rule, "字段": f.path, "示例数据": row.demo})
    df = pd.DataFrame(out, columns=["年度", "部门", "code", "严重程度", "_order", "涉及项目", "说明", "编号", "规则",
                                    "字段", "示例数据"])
    return df.sort_values(["_order", "年度", "code"], ascending=[True, False, True], kind="stable").drop(columns="_order")
