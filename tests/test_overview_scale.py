"""The year overview's charts at scale (issue 15): one bar or label per department up to
``MAX_NAMED_DEPARTMENTS`` departments, above it charts of a fixed size without names, whose counts match the
rows and whose alt text says how many departments are plotted."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from decimal import Decimal

import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from perfeval.model import DepartmentYear, compute
from perfeval.model.demo import generate
from perfeval.pages import ranking
from perfeval.pages.charts import Chart, png_bytes, png_size
from perfeval.pages.display import NotebookOutput, charts_in
from perfeval.pages.overviews import Overview
from perfeval.review import load_framework

from .chapter_outputs import record_outputs
from .conftest import ROOT

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
YEAR = 2024
CHARTS = (ranking.scores_chart, ranking.execution_chart, ranking.sangong_chart)


#: (number of departments, code) → the generated record its row summarises (figures are checked against the
#: record, not against the summary).
RECORDS: dict[tuple[int, str], DepartmentYear] = {}


@pytest.fixture(scope="module")
def rows_by_n() -> dict[int, list[ranking.Row]]:
    framework = load_framework(FRAMEWORK)
    out = {}
    for n in (12, ranking.MAX_NAMED_DEPARTMENTS, ranking.MAX_NAMED_DEPARTMENTS + 1, 60, 200):
        records = generate(n, [YEAR], 7)
        RECORDS.update({(n, r.code): r for r in records})
        out[n] = ranking.evaluate(records, framework)
    return out


def _chart(fn, rows: list[ranking.Row], **kw: float) -> Chart:  # type: ignore[no-untyped-def]
    chart = fn(rows, YEAR, **kw)
    assert isinstance(chart, Chart), chart
    return chart


def _plotted(text: str, what: str) -> int:
    """The number the alt text states before ``what`` (e.g. 个评级部门)."""
    found = re.search(rf"(\d+){what}", text)
    assert found, (what, text)
    return int(found.group(1))


def _facts(rows: list[ranking.Row]):  # type: ignore[no-untyped-def]
    return [(r, compute(RECORDS[len(rows), r.code])) for r in rows]


def test_the_summary_charts_have_one_size_whatever_the_number_of_departments(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    for fn in CHARTS:
        small, large = (_chart(fn, rows_by_n[n]) for n in (60, 200))
        assert small.name == large.name
        size = png_size(small.png())
        assert size == png_size(large.png()) == (1584, 924), fn.__name__     # 7.2 × 4.2 inches at 220 dpi


def test_the_threshold_switches_all_three_charts_between_named_and_summary(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    at, above = rows_by_n[ranking.MAX_NAMED_DEPARTMENTS], rows_by_n[ranking.MAX_NAMED_DEPARTMENTS + 1]
    named = [_chart(fn, at).alt for fn in CHARTS]
    summary = [_chart(fn, above).alt for fn in CHARTS]
    assert named[0].startswith("条形图：") and "由高到低排列" in named[0]
    assert named[1].startswith("散点图：") and "每点一个部门" not in named[1]
    assert named[2].startswith("条形图：")
    assert summary[0].startswith("柱状图：") and "分布" in summary[0]
    assert summary[1].startswith("散点图：") and "每点一个部门" in summary[1]
    assert summary[2].startswith("散点图：") and "每点一个部门" in summary[2]
    # The limit is a parameter: the same 12 departments summarised when it is lower.
    twelve = rows_by_n[12]
    assert _chart(ranking.scores_chart, twelve, max_named=11).alt.startswith("柱状图：")
    assert _chart(ranking.scores_chart, twelve, max_named=12).alt.startswith("条形图：")


def test_small_years_keep_one_bar_per_named_department(rows_by_n: dict[int, list[ranking.Row]]) -> None:
    rows = rows_by_n[12]
    ranked = ranking.ranking(rows)
    fig = _chart(ranking.scores_chart, rows).draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [ranking.wrap_label(r.name, 12) for r in ranked[::-1]]
    assert len(fig.axes[0].patches) == len(ranked)
    stated = [r for r, f in _facts(rows) if f.sangong_budget is not None and f.sangong_actual is not None]
    sangong = _chart(ranking.sangong_chart, rows).draw()
    assert len(sangong.axes[0].patches) == 2 * len(stated)
    rated = [r for r, f in _facts(rows) if f.execution_rate is not None and f.adjusted_budget is not None]
    execution = _chart(ranking.execution_chart, rows).draw()
    labels = [t.get_text() for t in execution.axes[0].texts]
    assert len(labels) == len(rated) and all(any(r.name.endswith(label) for r in rated) for label in labels)
    # A per-department chart grows with the departments; a summary chart does not.
    assert png_size(png_bytes(fig))[1] < png_size(_chart(ranking.scores_chart, rows_by_n[40]).png())[1]


def _bars(fig: Figure) -> list[tuple[float, float, tuple[float, ...]]]:
    """(left edge, height, colour) of every bar of the figure's first axes."""
    return [(p.get_x(), p.get_height(), p.get_facecolor()) for c in fig.axes[0].containers for p in c]


def test_score_histogram_counts_match_the_rows_grades_and_scores(rows_by_n: dict[int, list[ranking.Row]]) -> None:
    rows = rows_by_n[200]
    graded = [r for r in rows if r.grade is not None]
    # Independently: 5-point bands [0, 5), …, [95, 100] by bisection over the band edges.
    edges = list(range(0, 100, 5))
    expected = Counter(edges[bisect.bisect_right(edges, r.total) - 1] for r in graded)
    chart = _chart(ranking.scores_chart, rows)
    fig = chart.draw()
    bars = _bars(fig)
    heights = {round(x): int(h) for x, h, _ in bars}
    assert {x: n for x, n in heights.items() if n} == dict(expected)
    assert sum(heights.values()) == len(graded) == 150 and len(rows) == 200
    # Each department's bar has the colour of its own grade; the bars of a colour add up to that grade's count.
    colour_of = {round(x): c for x, _, c in bars}
    for r in graded:
        band = edges[bisect.bisect_right(edges, r.total) - 1]
        assert colour_of[band] == to_rgba(ranking.GRADE_COLORS[str(r.grade)])
    grades = Counter(str(r.grade) for r in graded)
    for grade, colour in ranking.GRADE_COLORS.items():
        assert sum(h for _, h, c in bars if c == to_rgba(colour)) == grades[grade]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [f"{g}（{grades[g]}个）" for g in ("优", "良", "中", "差")]
    # The grade table of the same page agrees.
    table = ranking.grade_distribution(rows)
    assert dict(zip(table["等级"], table["部门数"])) == {**{g: grades[g] for g in "优良中差"}, "不予评级": 50}
    # The alt text: how many are plotted and left out, the grades, the best and the worst.
    assert _plotted(chart.alt, "个评级部门") == len(graded)
    assert "另有50个部门数据不足，不予评级，未绘入。" in chart.alt
    assert "、".join(f"{g}{grades[g]}个" for g in "优良中差" if grades[g]) in chart.alt
    best = min(graded, key=lambda r: (-r.total, r.code))
    assert f"最高为{best.name}" in chart.alt and chart.caption == "2024年度各部门测算得分分布"


def test_execution_scatter_plots_each_stated_department_once_without_names(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    rows = rows_by_n[200]
    rated = [(r, f) for r, f in _facts(rows) if f.execution_rate is not None and f.adjusted_budget is not None]
    assert 0 < len(rated) < len(rows)             # some departments lack an input: left out, not drawn as zero
    chart = _chart(ranking.execution_chart, rows)
    fig = chart.draw()
    points = [tuple(xy) for c in fig.axes[0].collections if isinstance(c, PathCollection) for xy in c.get_offsets()]
    assert sorted(points) == sorted((float(f.adjusted_budget), float(f.execution_rate)) for _, f in rated)
    assert not fig.axes[0].texts
    assert _plotted(chart.alt, "个列明预算和支出的部门") == len(rated)
    assert f"另有{len(rows) - len(rated)}个部门未同时列示调整后预算和支出合计，未绘入。" in chart.alt
    below = sum(1 for _, f in rated if f.execution_rate < 90)
    assert (f"{below}个部门的预算执行率低于90%" if below else "没有部门的预算执行率低于90%") in chart.alt


def test_sangong_scatter_plots_budget_against_actual_with_the_equality_line(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    rows = rows_by_n[200]
    stated = [f for _, f in _facts(rows) if f.sangong_budget is not None and f.sangong_actual is not None]
    assert 0 < len(stated) < len(rows)
    chart = _chart(ranking.sangong_chart, rows)
    fig = chart.draw()
    ax = fig.axes[0]
    points = [tuple(xy) for c in ax.collections if isinstance(c, PathCollection) for xy in c.get_offsets()]
    assert sorted(points) == sorted((float(f.sangong_budget), float(f.sangong_actual)) for f in stated)
    line = next(ln for ln in ax.get_lines() if isinstance(ln, Line2D))
    assert list(line.get_xdata()) == list(line.get_ydata()) and line.get_xdata()[0] == 0
    assert ax.get_xlim() == ax.get_ylim()
    over = sum(1 for f in stated if f.sangong_actual > f.sangong_budget)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["决算数等于预算数", f"决算数不超过预算数（{len(stated) - over}个）"] + (
        [f"决算数超过预算数（{over}个）"] if over else [])
    assert _plotted(chart.alt, "个列明“三公”经费预算数和决算数的部门") == len(stated)
    assert (f"{over}个部门的决算数超过预算数" if over else "没有部门的决算数超过预算数") in chart.alt
    budget = sum((f.sangong_budget for f in stated), Decimal(0))
    assert f"合计预算数{budget.normalize():f}万元" in chart.alt


def test_summary_charts_hold_no_names_no_rotated_text_and_no_formula_notation(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    rows = rows_by_n[200]
    names = {r.name for r in rows}
    for fn in CHARTS:
        chart = _chart(fn, rows)
        fig = chart.draw()
        fig.canvas.draw()
        texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
        assert texts and all(t.get_rotation() == 0 for t in texts)
        assert not [t.get_text() for t in texts if any(n in t.get_text() for n in names)]
        for text in (chart.alt, chart.caption):
            assert not re.search(r"[÷×]|>=|<=|/\d|\s\d|\d\s", text), text


def test_the_overview_page_shows_the_summary_charts_for_a_large_year(
        rows_by_n: dict[int, list[ranking.Row]]) -> None:
    outputs, publish = record_outputs()
    page = Overview(YEAR, rows_by_n[60], FRAMEWORK, demo=True, out=NotebookOutput(f"{YEAR}/overview-demo", "../../", publish))
    page.charts()
    shown = charts_in({"cells": [{"cell_type": "code", "outputs": outputs}]})
    assert [c.name for c in shown] == ["scores", "execution", "sangong"]
    assert {png_size(c.png) for c in shown} == {(1584, 924)}
    assert shown[0].alt.startswith("柱状图：") and _plotted(shown[0].alt, "个评级部门") == len(
        [r for r in rows_by_n[60] if r.grade is not None])
