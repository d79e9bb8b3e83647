"""历年对比 of a department chapter: its earlier years, a table with year-on-year changes, a chart."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from perfeval.model import DepartmentYear, Facts, compute, department_path, load_department
from perfeval.model.numbers import fmt_wan, rate
from perfeval.pages.cells import Absent, Delta, pct, score_or, score_text
from perfeval.pages.charts import BLUE, GREY, ORANGE, Chart, NoChart, drawable, new_figure, to_float, unit_label
from perfeval.pages.tables import drop_empty_columns
from perfeval.review import Framework, ScoreResult, assess_file, score


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


def _amount(value: Decimal | None) -> object:
    return Absent() if value is None else value


def year_scores(records: list[DepartmentYear], framework: Framework,
                data_dir: Path | None = None) -> list[ScoreResult]:
    """Each year's score; with ``data_dir``, as that year's chapter shows it (the bureau's rulings applied)."""
    if data_dir is None:
        return [score(r, framework) for r in records]
    return [assess_file(r, framework, department_path(data_dir, r.code, r.year)).result for r in records]


def history_table(records: list[DepartmentYear], framework: Framework, data_dir: Path | None = None) -> pd.DataFrame:
    """Budget, spending, execution, 三公 and our score by year, with year-on-year changes (a figure a year does
    not state is "—"; a column no year states is left out)."""
    rows = []
    prev: tuple[Facts, ScoreResult] | None = None
    for rec, result in zip(records, year_scores(records, framework, data_dir)):
        f = compute(rec)
        label = result.label
        rows.append({
            "年度": f"{rec.year}年",
            "年初预算（万元）": _amount(f.initial_budget),
            "调整后预算（万元）": _amount(f.adjusted_budget),
            "支出合计（万元）": _amount(f.expenditure_total),
            "支出同比": _change(f.expenditure_total, prev[0].expenditure_total if prev else None),
            "预算执行率": pct(f.execution_rate),
            "三公经费决算数（万元）": _amount(f.sangong_actual),
            "三公同比": _change(f.sangong_actual, prev[0].sangong_actual if prev else None),
            "三公经费控制率": pct(f.sangong_control_rate),
            label: score_or(result.shown_total),
            "得分变化": _points(result.shown_total, prev[1].shown_total if prev else None),
            "等级": str(result.grade) if result.grade is not None else "不予评级",
        })
        prev = (f, result)
    return drop_empty_columns(pd.DataFrame(rows))


def history_figure(records: list[DepartmentYear], framework: Framework, data_dir: Path | None = None) -> Figure:
    years = [r.year for r in records]
    facts = [compute(r) for r in records]
    fig = new_figure(7.2, 3.4)
    ax = fig.add_subplot()
    width = 0.36
    for offset, values, color, label in ((-width / 2, [f.adjusted_budget for f in facts], GREY, "调整后预算"),
                                         (width / 2, [f.expenditure_total for f in facts], BLUE, "支出合计")):
        shown = [(y, v) for y, v in zip(years, values) if v is not None]
        if shown:
            ax.bar([y + offset for y, _ in shown], [to_float(v) for _, v in shown], width, color=color, label=label)
    ax.set_xticks(years, [f"{y}年" for y in years])
    unit_label(ax)
    ax2 = ax.twinx()
    results = year_scores(records, framework, data_dir)
    scored = [(y, res.shown_total) for y, res in zip(years, results) if res.shown_total is not None]
    if scored:
        ax2.plot([y for y, _ in scored], [to_float(s) for _, s in scored], color=ORANGE, marker="o",
                 label=results[0].label)
        for y, s in scored:
            ax2.annotate(score_text(s), (y, to_float(s)), fontsize=8, xytext=(0, 5), textcoords="offset points",
                         ha="center")
    ax2.set_ylim(0, 110)
    unit_label(ax2, "分", "right")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, fontsize=8, loc="lower left")
    return fig


def history_chart(records: list[DepartmentYear], framework: Framework, data_dir: Path | None = None) -> Chart | NoChart:
    facts = [compute(r) for r in records]
    results = year_scores(records, framework, data_dir)
    amounts = [v for f in facts for v in (f.adjusted_budget, f.expenditure_total)]
    if not drawable(amounts) and all(res.shown_total is None for res in results):
        return NoChart("history", "各年度均未列示调整后预算、支出合计，也没有测算得分，不绘制历年对比图。")
    last, f, res = records[-1], facts[-1], results[-1]
    alt = f"柱状图与折线图：{records[0].year}年至{last.year}年各年调整后预算和支出合计（柱）及{res.label}（折线）"
    if f.expenditure_total is not None:
        alt += f"；{last.year}年支出合计{fmt_wan(f.expenditure_total)}"
    if res.shown_total is not None:
        alt += f"，{res.label}{score_text(res.shown_total)}分"
    return Chart("history", f"{last.unit.name}历年预算、支出与{res.label}", alt + "。",
                 lambda: history_figure(records, framework, data_dir))


# --- 版本记录 -----------------------------------------------------------------------------------------

def version_rows(path: Path | str | None) -> list[tuple[str, str]]:
    """A chapter's 版本记录 as the build wrote it (:mod:`perfeval.book.ledger`): (release date in words, one
    change in words) per change, newest release first ([] without a file)."""
    if not path or not Path(path).is_file():
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for entry in data.get("entries", []):
        day = dt.date.fromisoformat(str(entry["date"]))
        rows += [(f"{day.year}年{day.month}月{day.day}日", str(item)) for item in entry.get("items", [])]
    return rows
