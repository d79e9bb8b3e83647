"""Figures across departments and years: rankings, grade distribution, history (历年对比), findings.

Pure functions over validated records; the overview notebooks and the department
chapter's 历年对比 section call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from perfeval.pages.charts import BLUE, GREEN, GREY, ORANGE, RED, _f, _figure
from perfeval.review import run_checks
from perfeval.model.facts import compute
from perfeval.review import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from perfeval.review import Framework
from perfeval.model.files import load_all, load_department
from perfeval.model.numbers import fmt_number, fmt_rate, fmt_wan, rate
from perfeval.review import GRADE_BANDS
from perfeval.model.schema import DepartmentYear
from perfeval.review import ScoreResult, score
from perfeval.model.numbers import fmt_score


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
            "复核得分": fmt_score(row.result.total), "等级": str(row.result.grade),
            "自评得分": fmt_number(row.rec.self_score_total) if row.rec.self_scores else "—",
            "调整后预算（万元）": fmt_wan(f.adjusted_budget, False), "预算执行率": fmt_rate(f.execution_rate),
            "三公经费控制率": fmt_rate(f.sangong_control_rate),
            "错误": row.count("error"), "警告": row.count("warning"), "提示": row.count("note"),
        })
    return pd.DataFrame(out)


def grade_distribution(rows: list[Row]) -> pd.DataFrame:
    counts = {label: 0 for _, label in GRADE_BANDS}
    for row in rows:
        counts[str(row.result.grade)] += 1
    total = len(rows)
    return pd.DataFrame([{"等级": g, "区间": band, "部门数": counts[g],
                          "占比": fmt_rate(rate(Decimal(counts[g]), Decimal(total))) if total else "—"}
                         for g, band in _bands()])


def _bands() -> list[tuple[str, str]]:
    """优 [90, 100], 良 [80, 90), … from the grade bands (highest first)."""
    out = []
    upper: Decimal = Decimal(100)
    for lower, label in GRADE_BANDS:
        close = "]" if upper == 100 else ")"
        out.append((label, f"[{fmt_number(lower)}, {fmt_number(upper)}{close}"))
        upper = lower
    return out


def scores_chart(rows: list[Row], title: str) -> Figure:
    ordered = ranking(rows)[::-1]
    fig = _figure(7.2, 0.36 * max(len(ordered), 3) + 1.2)
    ax = fig.add_subplot()
    colors = {"优": GREEN, "良": BLUE, "中": ORANGE, "差": RED}
    ys = list(range(len(ordered)))
    ax.barh(ys, [_f(r.result.total) for r in ordered], color=[colors.get(str(r.result.grade), GREY) for r in ordered])
    for y, r in zip(ys, ordered):
        ax.annotate(f"{fmt_score(r.result.total)}（{r.result.grade}）", (_f(r.result.total), y), va="center",
                    fontsize=8, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(ys, [r.rec.unit.name for r in ordered], fontsize=8)
    for x in (60, 80, 90):
        ax.axvline(x, color=GREY, linestyle=":", linewidth=1)
    ax.set_xlim(0, 112)
    ax.set_xlabel("复核得分")
    ax.set_title(title, fontsize=11)
    return fig


def execution_vs_budget_chart(rows: list[Row], title: str) -> Figure:
    fig = _figure(7.2, 4.2)
    ax = fig.add_subplot()
    for row in rows:
        f = compute(row.rec)
        if f.execution_rate is None:
            continue
        x, y = _f(f.adjusted_budget), _f(f.execution_rate)
        ax.scatter([x], [y], s=36, color=RED if f.execution_rate < 90 else BLUE)
        ax.annotate(row.rec.unit.name.removeprefix("清河市").removeprefix("中共清河市委"), (x, y), fontsize=7,
                    xytext=(4, 2), textcoords="offset points")
    ax.axhline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_xlabel("调整后预算（万元）")
    ax.set_ylabel("预算执行率（%）")
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8)
    return fig


def sangong_chart(rows: list[Row], title: str) -> Figure:
    ordered = sorted(rows, key=lambda r: r.rec.code)
    fig = _figure(7.2, 0.36 * max(len(ordered), 3) + 1.2)
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    h = 0.38
    ax.barh([y + h / 2 for y in ys], [_f(r.rec.sangong.budget.total) for r in ordered], h, color=GREY, label="预算")
    ax.barh([y - h / 2 for y in ys], [_f(r.rec.sangong.actual.total) for r in ordered], h, color=BLUE, label="实际")
    ax.set_yticks(ys, [r.rec.unit.name for r in ordered], fontsize=8)
    ax.set_xlabel("万元")
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8)
    return fig


# --- 历年对比 --------------------------------------------------------------------------------

def history_records(data_dir: Path, code: str, up_to: int) -> list[DepartmentYear]:
    """All years of one department in ``data_dir`` up to and including ``up_to``, oldest first."""
    out = []
    for year_dir in sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and p.name.isdigit()):
        path = year_dir / f"{code}.yaml"
        if path.is_file() and int(year_dir.name) <= up_to:
            out.append(load_department(path))
    return sorted(out, key=lambda r: r.year)


def _change(current: Decimal | None, previous: Decimal | None) -> str:
    if current is None or previous is None or previous == 0:
        return "—"
    value = rate(current - previous, previous)
    return ("+" if value is not None and value > 0 else "") + fmt_rate(value)


def _points(current: Decimal | None, previous: Decimal | None) -> str:
    if current is None or previous is None:
        return "—"
    diff = current - previous
    return ("+" if diff > 0 else "") + fmt_score(diff)


def history_table(records: list[DepartmentYear], framework: Framework) -> pd.DataFrame:
    """Budget, spending, execution, 三公 and score by year, with year-on-year changes."""
    rows = []
    prev: tuple[DepartmentYear, ScoreResult] | None = None
    for rec in records:
        f = compute(rec)
        result = score(rec, framework)
        rows.append({
            "年度": f"{rec.year}年",
            "年初预算（万元）": fmt_wan(rec.income.initial_budget, False),
            "调整后预算（万元）": fmt_wan(f.adjusted_budget, False),
            "财政拨款支出（万元）": fmt_wan(rec.expenditure.total, False),
            "支出同比": _change(rec.expenditure.total, prev[0].expenditure.total if prev else None),
            "预算执行率": fmt_rate(f.execution_rate),
            "三公经费实际（万元）": fmt_wan(rec.sangong.actual.total, False),
            "三公同比": _change(rec.sangong.actual.total, prev[0].sangong.actual.total if prev else None),
            "三公经费控制率": fmt_rate(f.sangong_control_rate),
            "复核得分": fmt_score(result.total),
            "得分变化": _points(result.total, prev[1].total if prev else None),
            "等级": str(result.grade),
        })
        prev = (rec, result)
    return pd.DataFrame(rows)


def history_chart(records: list[DepartmentYear], framework: Framework) -> Figure:
    years = [r.year for r in records]
    fig = _figure(7.2, 3.4)
    ax = fig.add_subplot()
    budget = [_f(compute(r).adjusted_budget) for r in records]
    spend = [_f(r.expenditure.total) for r in records]
    width = 0.36
    ax.bar([y - width / 2 for y in years], budget, width, color=GREY, label="调整后预算")
    ax.bar([y + width / 2 for y in years], spend, width, color=BLUE, label="财政拨款支出")
    ax.set_xticks(years, [f"{y}年" for y in years])
    ax.set_ylabel("万元")
    ax2 = ax.twinx()
    scores = [_f(score(r, framework).total) for r in records]
    ax2.plot(years, scores, color=ORANGE, marker="o", label="复核得分")
    for y, s in zip(years, scores):
        ax2.annotate(f"{s:g}", (y, s), fontsize=8, xytext=(0, 5), textcoords="offset points", ha="center")
    ax2.set_ylim(0, 110)
    ax2.set_ylabel("复核得分")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, fontsize=8, loc="lower left")
    ax.set_title(f"{records[0].unit.name}历年预算、支出与复核得分", fontsize=11)
    return fig


# --- 数据核查汇总 --------------------------------------------------------------------------

def findings_summary(rows: list[Row]) -> pd.DataFrame:
    """Every non-note finding across department-years (errors first), with the page each belongs to."""
    out = []
    for row in sorted(rows, key=lambda r: (-r.rec.year, r.rec.code)):
        for f in row.findings:
            out.append({"年度": row.rec.year, "部门": row.rec.unit.name, "code": row.rec.code,
                        "严重程度": SEVERITY_LABELS[f.severity], "_order": SEVERITY_ORDER[f.severity],
                        "规则": f.rule, "字段": f.path, "说明": f.message, "示例数据": row.rec.demo})
    df = pd.DataFrame(out, columns=["年度", "部门", "code", "严重程度", "_order", "规则", "字段", "说明", "示例数据"])
    return df.sort_values(["_order", "年度", "code"], ascending=[True, False, True], kind="stable").drop(columns="_order")
