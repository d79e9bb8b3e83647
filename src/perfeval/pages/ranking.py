"""Figures across departments: a year's ranking, grade distribution, charts and the findings summary.

Pure functions over validated records; the year overview and 数据核查汇总 pages call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from perfeval.model import DepartmentYear, Facts, compute, load_all
from perfeval.model.numbers import fmt_rate, fmt_wan, money_sum, rate
from perfeval.pages.cells import Absent, Pct, pct, score_or, score_text
from perfeval.pages.charts import (BLUE, GREEN, GREY, ORANGE, RED, Chart, NoChart, drawable, new_figure, to_float,
                                   unit_label, wrap_label)
from perfeval.pages.review_tables import finding_item, grade_band_labels
from perfeval.pages.tables import drop_empty_columns
from perfeval.review import (SEVERITY_LABELS, SEVERITY_ORDER, Finding, Framework, ScoreResult, run_checks, score,
                             self_total)


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
    """The graded rows, sorted by our total (high first), then by code for a stable order. A row without a
    grade (coverage below 60%, 数据不足，不予评级) is not ranked: see :func:`unranked`."""
    return sorted((r for r in rows if r.result.grade is not None),
                  key=lambda r: (-(r.result.total or Decimal(0)), r.rec.code))


def unranked(rows: list[Row]) -> list[Row]:
    """The rows without a grade, by coverage (high first), then by code."""
    return sorted((r for r in rows if r.result.grade is None), key=lambda r: (-r.result.coverage, r.rec.code))


def _coverage(row: Row) -> Pct:
    return Pct(row.result.coverage * 100)


def ranking_table(rows: list[Row]) -> pd.DataFrame:
    """The ranked departments with our score and grade, the unit's own total, and the headline rates (a
    figure a department does not state is "—"; a column no department states is left out)."""
    out = []
    for i, row in enumerate(ranking(rows), start=1):
        f = compute(row.rec)
        own = self_total(row.rec)
        out.append({
            "排名": i, "部门": row.rec.unit.name, "主管部门": row.rec.unit.supervisor or Absent(),
            row.result.label: score_or(row.result.total), "等级": str(row.result.grade),
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
        out.append({"部门": row.rec.unit.name, "主管部门": row.rec.unit.supervisor or Absent(),
                    "适用指标覆盖率": _coverage(row),
                    "错误": row.count("error"), "需核实": row.count("verify"), "提示": row.count("note")})
    return drop_empty_columns(pd.DataFrame(out), keep=1)


def grade_distribution(rows: list[Row]) -> pd.DataFrame:
    """How many departments have each grade, and how many have none (数据不足，不予评级)."""
    counts = {label: 0 for label, _ in grade_band_labels()}
    for row in ranking(rows):
        counts[str(row.result.grade)] += 1
    table = [(g, band, counts[g]) for g, band in grade_band_labels()]
    apart = len(unranked(rows))
    if apart:
        table.append(("不予评级", "适用指标覆盖率低于60%", apart))
    total = len(rows)
    return pd.DataFrame([{"等级": g, "区间": band, "部门数": n,
                          "占比": pct(rate(Decimal(n), Decimal(total))) if total else Absent()}
                         for g, band, n in table])


GRADE_COLORS = {"优": GREEN, "良": BLUE, "中": ORANGE, "差": RED}


def scores_figure(rows: list[Row]) -> Figure:
    ordered = ranking(rows)[::-1]
    names = [wrap_label(r.rec.unit.name, 12) for r in ordered]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = new_figure(7.2, 0.3 * max(lines, 3) + 0.06 * len(ordered) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    totals = [r.result.total or Decimal(0) for r in ordered]
    ax.barh(ys, [to_float(t) for t in totals], color=[GRADE_COLORS.get(str(r.result.grade), GREY) for r in ordered])
    for y, r, t in zip(ys, ordered, totals):
        ax.annotate(f"{score_text(t)}（{r.result.grade}）", (to_float(t), y), va="center",
                    fontsize=8, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(ys, names, fontsize=8)
    for x in (60, 80, 90):
        ax.axvline(x, color=GREY, linestyle=":", linewidth=1)
    ax.set_xlim(0, 112)
    ax.set_xlabel(f"{ordered[0].result.label if ordered else '测算得分'}（分）")
    return fig


def scores_chart(rows: list[Row], year: int) -> Chart | NoChart:
    ordered = ranking(rows)
    if not ordered:
        return NoChart("scores", "没有数据充足、可以评级的部门，不绘制得分图。")
    label = ordered[0].result.label
    best, worst = ordered[0], ordered[-1]
    alt = (f"条形图：{year}年度{len(ordered)}个评级部门的{label}，由高到低排列，60、80、90分处为等级分界线；"
           f"最高为{best.rec.unit.name}{score_text(best.result.total)}分（{best.result.grade}），"  # type: ignore[arg-type]
           f"最低为{worst.rec.unit.name}{score_text(worst.result.total)}分（{worst.result.grade}）。")  # type: ignore[arg-type]
    return Chart("scores", f"{year}年度各部门{label}", alt, lambda: scores_figure(rows))


def _rated(rows: list[Row]) -> list[tuple[Row, Facts]]:
    out = []
    for row in rows:
        f = compute(row.rec)
        if f.execution_rate is not None and f.adjusted_budget is not None:
            out.append((row, f))
    return out


def execution_figure(rows: list[Row]) -> Figure:
    fig = new_figure(7.2, 4.2)
    ax = fig.add_subplot()
    for row, f in _rated(rows):
        x, y = to_float(f.adjusted_budget), to_float(f.execution_rate)  # type: ignore[arg-type]
        ax.scatter([x], [y], s=36, color=RED if f.execution_rate < 90 else BLUE)  # type: ignore[operator]
        ax.annotate(row.rec.unit.name.removeprefix("清河市").removeprefix("中共清河市委"), (x, y), fontsize=7,
                    xytext=(4, 2), textcoords="offset points")
    ax.axhline(90, color=ORANGE, linestyle="--", linewidth=1, label="90%")
    ax.set_xlabel("调整后预算（万元）")
    unit_label(ax, "%")
    ax.legend(fontsize=8)
    return fig


def execution_chart(rows: list[Row], year: int) -> Chart | NoChart:
    rated = _rated(rows)
    if not rated:
        return NoChart("execution", "各部门均未同时列示调整后预算和支出合计，不绘制预算执行率图。")
    below = [r for r, f in rated if f.execution_rate is not None and f.execution_rate < 90]
    return Chart("execution", f"{year}年度预算执行率（%）与预算规模",
                 f"散点图：{year}年度{len(rated)}个列明预算和支出的部门的调整后预算（横轴，万元）与预算执行率（纵轴），"
                 f"90%处为参考线；{f'{len(below)}个部门' if below else '没有部门'}的预算执行率低于90%。",
                 lambda: execution_figure(rows))


def _sangong_rows(rows: list[Row]) -> list[tuple[Row, Decimal, Decimal]]:
    out = []
    for row in sorted(rows, key=lambda r: r.rec.code):
        f = compute(row.rec)
        if f.sangong_budget is not None and f.sangong_actual is not None:
            out.append((row, f.sangong_budget, f.sangong_actual))
    return out


def sangong_figure(rows: list[Row]) -> Figure:
    stated = _sangong_rows(rows)
    names = [wrap_label(r.rec.unit.name, 12) for r, _, _ in stated]
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


def sangong_chart(rows: list[Row], year: int) -> Chart | NoChart:
    stated = _sangong_rows(rows)
    if not stated or not drawable([v for _, b, a in stated for v in (b, a)]):
        return NoChart("sangong", "各部门均未同时列示“三公”经费预算数和决算数，不绘制“三公”经费图。")
    budget = money_sum([b for _, b, _ in stated])
    actual = money_sum([a for _, _, a in stated])
    return Chart("sangong", f"{year}年度各部门“三公”经费预算数与决算数",
                 f"条形图：{year}年度{len(stated)}个列明“三公”经费预算数和决算数的部门；合计预算数{fmt_wan(budget)}，"
                 f"决算数{fmt_wan(actual)}，控制率{fmt_rate(rate(actual, budget))}。",
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
