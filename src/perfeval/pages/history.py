"""历年对比 of a department chapter: its earlier years, a table with year-on-year changes, a chart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from perfeval.model import compute
from perfeval.model import load_department
from perfeval.model.numbers import fmt_wan, rate
from perfeval.model import DepartmentYear
from perfeval.pages.cells import Absent, Delta, Score, pct, score_text
from perfeval.pages.charts import BLUE, GREY, ORANGE, Chart, new_figure, to_float, unit_label
from perfeval.review import Framework
from perfeval.review import ScoreResult, score


def history_records(data_dir: Path, code: str, up_to: int) -> list[DepartmentYear]:
    """All years of one department in ``data_dir`` up to and including ``up_to``, oldest first."""
    out = []
    for year_dir in sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and p.name.isdigit()):
        path = year_dir / f"{code}.yaml"
        if path.is_file() and int(year_dir.name) <= up_to:
            out.append(load_department(path))
    return sorted(out, key=lambda r: r.year)


def _change(current: Decimal | None, previous: Decimal | None) -> object:
    if current is None or previous is None or previous == 0:
        return Absent()
    return pct(rate(current - previous, previous), signed=True)


def _points(current: Decimal | None, previous: Decimal | None) -> object:
    if current is None or previous is None:
        return Absent()
    return Delta(current - previous)


def history_table(records: list[DepartmentYear], framework: Framework) -> pd.DataFrame:
    """Budget, spending, execution, 三公 and score by year, with year-on-year changes."""
    rows = []
    prev: tuple[DepartmentYear, ScoreResult] | None = None
    for rec in records:
        f = compute(rec)
        result = score(rec, framework)
        rows.append({
            "年度": f"{rec.year}年",
            "年初预算（万元）": rec.income.initial_budget,
            "调整后预算（万元）": f.adjusted_budget,
            "财政拨款支出（万元）": rec.expenditure.total,
            "支出同比": _change(rec.expenditure.total, prev[0].expenditure.total if prev else None),
            "预算执行率": pct(f.execution_rate),
            "三公经费实际（万元）": rec.sangong.actual.total,
            "三公同比": _change(rec.sangong.actual.total, prev[0].sangong.actual.total if prev else None),
            "三公经费控制率": pct(f.sangong_control_rate),
            "复核得分": Score(result.total),
            "得分变化": _points(result.total, prev[1].total if prev else None),
            "等级": str(result.grade),
        })
        prev = (rec, result)
    return pd.DataFrame(rows)


def history_figure(records: list[DepartmentYear], framework: Framework) -> Figure:
    years = [r.year for r in records]
    fig = new_figure(7.2, 3.4)
    ax = fig.add_subplot()
    budget = [to_float(compute(r).adjusted_budget) for r in records]
    spend = [to_float(r.expenditure.total) for r in records]
    width = 0.36
    ax.bar([y - width / 2 for y in years], budget, width, color=GREY, label="调整后预算")
    ax.bar([y + width / 2 for y in years], spend, width, color=BLUE, label="财政拨款支出")
    ax.set_xticks(years, [f"{y}年" for y in years])
    unit_label(ax)
    ax2 = ax.twinx()
    scores = [score(r, framework).total for r in records]
    ax2.plot(years, [to_float(s) for s in scores], color=ORANGE, marker="o", label="复核得分")
    for y, s in zip(years, scores):
        ax2.annotate(score_text(s), (y, to_float(s)), fontsize=8, xytext=(0, 5), textcoords="offset points",
                     ha="center")
    ax2.set_ylim(0, 110)
    unit_label(ax2, "分", "right")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, fontsize=8, loc="lower left")
    return fig


def history_chart(records: list[DepartmentYear], framework: Framework) -> Chart:
    last = records[-1]
    total = score(last, framework).total
    return Chart("history", f"{last.unit.name}历年预算、支出与复核得分",
                 f"柱状图与折线图：{records[0].year}年至{last.year}年各年调整后预算和财政拨款支出（柱）及复核得分"
                 f"（折线）；{last.year}年财政拨款支出{fmt_wan(last.expenditure.total)}，复核得分{score_text(total)}分。",
                 lambda: history_figure(records, framework))
