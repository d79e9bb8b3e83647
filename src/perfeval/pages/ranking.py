"""Figures across departments: a year's ranking, grade distribution, charts and the findings summary.

Pure functions over validated records; the year overview and 数据核查汇总 pages call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from perfeval.model import compute
from perfeval.model import load_all
from perfeval.model.numbers import fmt_rate, fmt_score, fmt_wan, money_sum, rate
from perfeval.model import DepartmentYear
from perfeval.pages.cells import Absent, Score, pct, score_text
from perfeval.pages.charts import BLUE, GREEN, GREY, ORANGE, RED, Chart, new_figure, to_float, unit_label, wrap_label
from perfeval.pages.review_tables import finding_item, grade_band_labels
from perfeval.review import run_checks
from perfeval.review import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from perfeval.review import Framework
from perfeval.review import ScoreResult, score


@dataclass(frozen=True)
class Row:
    """One department-year with its recomputed score and findings."""

    rec: DepartmentYear
    result: ScoreResult
    findings: tuple[Finding, ...]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def load_records(data_dirs: list[Path | str]) -> list[DepartmentYear]:
    records: list[DepartmentYear] = []
    for d in data_dirs:
        records.extend(load_all(Path(d)))
    return records


def evaluate(records: list[DepartmentYear], framework: Framework) -> list[Row]:
    return [Row(r, score(r, framework), tuple(run_checks(r))) for r in records]


def ranking(rows: list[Row]) -> list[Row]:
    """Sorted by recomputed total (high first), then by code for a stable order."""
    return sorted(rows, key=lambda r: (-r.result.total, r.rec.code))


def ranking_table(rows: list[Row]) -> pd.DataFrame:
    out = []
    for i, row in enumerate(ranking(rows), start=1):
        f = compute(row.rec)
        out.append({
            "排名": i, "部门": row.rec.unit.name, "主管部门": row.rec.unit.supervisor,
            "复核得分": Score(row.result.total), "等级": str(row.result.grade),
            "自评得分": row.rec.self_score_total if row.rec.self_scores else Absent(),
            "调整后预算（万元）": f.adjusted_budget, "预算执行率": pct(f.execution_rate),
            "三公经费控制率": pct(f.sangong_control_rate),
            "错误": row.count("error"), "需核实": row.count("verify"), "提示": row.count("note"),
        })
    return pd.DataFrame(out)


def grade_distribution(rows: list[Row]) -> pd.DataFrame:
    counts = {label: 0 for label, _ in grade_band_labels()}
    for row in rows:
        counts[str(row.result.grade)] += 1
    total = len(rows)
    return pd.DataFrame([{"等级": g, "区间": band, "部门数": counts[g],
                          "占比": pct(rate(Decimal(counts[g]), Decimal(total))) if total else Absent()}
                         for g, band in grade_band_labels()])


GRADE_COLORS = {"优": GREEN, "良": BLUE, "中": ORANGE, "差": RED}


def scores_figure(rows: list[Row]) -> Figure:
    ordered = ranking(rows)[::-1]
    names = [wrap_label(r.rec.unit.name, 12) for r in ordered]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.3 * max(lines, 3) + 0.06 * len(ordered) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    ax.barh(ys, [to_float(r.result.total) for r in ordered],
            color=[GRADE_COLORS.get(str(r.result.grade), GREY) for r in ordered])
    for y, r in zip(ys, ordered):
        ax.annotate(f"{score_text(r.result.total)}（{r.result.grade}）", (to_float(r.result.total), y), va="center",
                    fontsize=8, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(ys, names, fontsize=8)
    for x in (60, 80, 90):
        ax.axvline(x, color=GREY, linestyle=":", linewidth=1)
    ax.set_xlim(0, 112)
    ax.set_xlabel("复核得分（分）")
    return fig


def scores_chart(rows: list[Row], year: int) -> Chart:
    ordered = ranking(rows)
    alt = f"条形图：{year}年度{len(ordered)}个部门的复核得分，由高到低排列，60、80、90分处为等级分界线"
    if ordered:
        best, worst = ordered[0], ordered[-1]
        alt += (f"；最高为{best.rec.unit.name}{score_text(best.result.total)}分（{best.result.grade}），"
                f"最低为{worst.rec.unit.name}{score_text(worst.result.total)}分（{worst.result.grade}）")
    return Chart("scores", f"{year}年度各部门复核得分", alt + "。", lambda: scores_figure(rows))


def execution_figure(rows: list[Row]) -> Figure:
    fig = new_figure(7.2, 4.2)
    ax = fig.add_subplot()
    for row in rows:
        f = compute(row.rec)
        if f.execution_rate is None:
            continue
        x, y = to_float(f.adjusted_budget), to_float(f.execution_rate)
        ax.scatter([x], [y], s=36, color=RED if f.execution_rate < 90 else BLUE)
        ax.annotate(row.rec.unit.name.removeprefix("清河市").removeprefix("中共清河市委"), (x, y), fontsize=7,
                    xytext=(4, 2), textcoords="offset points")
    ax.axhline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_xlabel("调整后预算（万元）")
    unit_label(ax, "%")
    ax.legend(fontsize=8)
    return fig


def execution_chart(rows: list[Row], year: int) -> Chart:
    rates = [(r, compute(r.rec).execution_rate) for r in rows]
    below = [r for r, v in rates if v is not None and v < 90]
    return Chart("execution", f"{year}年度预算执行率（%）与预算规模",
                 f"散点图：{year}年度{len(rows)}个部门的调整后预算（横轴，万元）与预算执行率（纵轴），"
                 f"90%处为参考线；{len(below)}个部门的预算执行率低于90%。",
                 lambda: execution_figure(rows))


def sangong_figure(rows: list[Row]) -> Figure:
    ordered = sorted(rows, key=lambda r: r.rec.code)
    names = [wrap_label(r.rec.unit.name, 12) for r in ordered]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.3 * max(lines, 3) + 0.06 * len(ordered) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    h = 0.38
    ax.barh([y + h / 2 for y in ys], [to_float(r.rec.sangong.budget.total) for r in ordered], h, color=GREY,
            label="预算")
    ax.barh([y - h / 2 for y in ys], [to_float(r.rec.sangong.actual.total) for r in ordered], h, color=BLUE,
            label="实际")
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlabel("万元")
    ax.legend(fontsize=8)
    return fig


def sangong_chart(rows: list[Row], year: int) -> Chart:
    budget = money_sum([r.rec.sangong.budget.total for r in rows])
    actual = money_sum([r.rec.sangong.actual.total for r in rows])
    return Chart("sangong", f"{year}年度各部门“三公”经费预算与实际",
                 f"条形图：{year}年度{len(rows)}个部门的“三公”经费预算与实际支出；合计预算{fmt_wan(budget)}，"
                 f"实际{fmt_wan(actual)}，控制率{fmt_rate(rate(actual, budget))}。",
                 lambda: sangong_figure(rows))


# --- 数据核查汇总 --------------------------------------------------------------------------

def findings_summary(rows: list[Row]) -> pd.DataFrame:
    """Every finding across department-years (errors first), with the page each belongs to."""
    out = []
    for row in sorted(rows, key=lambda r: (-r.rec.year, r.rec.code)):
        for f in row.findings:
            out.append({"年度": row.rec.year, "部门": row.rec.unit.name, "code": row.rec.code,
                        "严重程度": SEVERITY_LABELS[f.severity], "_order": SEVERITY_ORDER[f.severity],
                        "涉及项目": finding_item(row.rec, f.path), "说明": f.message,
                        "规则": f.rule, "字段": f.path, "示例数据": row.rec.demo})
    df = pd.DataFrame(out, columns=["年度", "部门", "code", "严重程度", "_order", "涉及项目", "说明", "规则", "字段",
                                    "示例数据"])
    return df.sort_values(["_order", "年度", "code"], ascending=[True, False, True], kind="stable").drop(columns="_order")
