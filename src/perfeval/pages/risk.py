"""A year's departments ranked by risk, for choosing 重点评价 (an in-depth evaluation): each department's risk
points with the reasons in words, as a table and its CSV (``<year>-风险排序.csv``).

Points (each reason says its figure):

- 预算调整率 (as the score took it: after the bureau's rulings) above 10% / 20% / 30%: 1 / 2 / 3;
- 预算执行率 below 90%: 2; the funds the department only manages (代管资金) executed below 90%: 2;
- 三公经费 above last year's: 1, more than 10% above: 2;
- findings still standing: 2 per 错误, 1 per 需核实 not yet ruled on;
- last year's problems past their deadline without a stated rectification (``rectification.overdue``), or still
  under way after it (``rectification.late``): 2 each.

Only what the data states counts: a rate that cannot be computed adds nothing and is named as not stated in
the reasons when it would have counted. Ties are broken by the department code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import pandas as pd

from perfeval.model.numbers import fmt_rate
from perfeval.pages.cells import csv_bytes, pct, to_csv
from perfeval.pages.summaries import DepartmentSummary, summary_of
from perfeval.review import Assessment

#: What the page says of the ranking: whose it is.
RISK_NOTE = ("本排序是本书依据各部门公开数据和数据核查结果的测算，用于帮助选择重点评价对象，"
             "不是财政部门的决定，也不是对部门的评价结论；是否列为重点评价对象，由财政部门决定。")
RULES_INTRO = "风险分是下列各项风险因素的分数之和，分数越高，越值得优先安排重点评价："
#: The module docstring's rules, as a director reads them.
RULES = (
    "预算调整率（按测算得分采用的口径，已考虑财政部门的口径认定）超过10%的记1分，超过20%的记2分，超过30%的记3分；",
    "预算执行率低于90%的记2分；",
    "部门代管资金（部门代为管理和拨付、不属于本部门自身预算的项目资金）的执行率低于90%的记2分；",
    "“三公”经费比上年增长的记1分，增长超过10%的记2分；",
    "数据核查中仍然成立的错误，每项记2分；尚未经财政部门认定的需核实事项，每项记1分；",
    "上年报告所列问题已过整改时限、本年报告未说明整改情况或仍在整改的，每项记2分。",
)
RULES_ABSENT = ("数据没有说明、无法计算的比率不计分，也不按零计算；风险分相同的部门按固定顺序排列。"
                "各部门的具体理由见下表“主要理由”一栏，点击部门名称可进入该部门的章节。")

EXECUTION_FLOOR = Decimal(90)
#: 预算调整率 thresholds (%) and the points above each.
ADJUSTMENT_BANDS = ((Decimal(30), 3), (Decimal(20), 2), (Decimal(10), 1))


@dataclass(frozen=True)
class RiskRow:
    code: str
    name: str
    points: int
    reasons: tuple[str, ...]
    adjustment_rate: Decimal | None = None
    execution_rate: Decimal | None = None
    managed_rate: Decimal | None = None
    sangong_change: Decimal | None = None
    counts: dict[str, int] = field(default_factory=dict)    # standing 错误, open 需核实, 整改逾期
    year: int = 0


def summary_risk(s: DepartmentSummary) -> RiskRow:
    """One department-year's risk points and reasons, from its summary."""
    points, reasons = 0, []
    adjustment = s.adjustment_rate
    if adjustment is not None:
        band = next(((limit, n) for limit, n in ADJUSTMENT_BANDS if adjustment > limit), None)
        if band is not None:
            points += band[1]
            reasons.append(f"预算调整率{fmt_rate(adjustment)}，超过{fmt_rate(band[0])}")
    if s.execution_rate is not None and s.execution_rate < EXECUTION_FLOOR:
        points += 2
        reasons.append(f"预算执行率{fmt_rate(s.execution_rate)}，低于90%")
    managed = s.managed_execution_rate
    if managed is not None and managed < EXECUTION_FLOOR:
        points += 2
        reasons.append(f"代管资金执行率{fmt_rate(managed)}，低于90%")
    change = s.sangong_change_rate
    if change is not None and change > 0:
        points += 2 if change > 10 else 1
        reasons.append(f"“三公”经费比上年增长{fmt_rate(change)}")
    errors = s.count("error")
    open_items = sum(1 for x in s.findings if x.severity == "verify" and not x.ruled)
    overdue = s.rectification_overdue
    points += 2 * errors + open_items + 2 * overdue
    if errors:
        reasons.append(f"错误{errors}项")
    if open_items:
        reasons.append(f"需核实{open_items}项未经认定")
    if overdue:
        reasons.append(f"上年问题{overdue}项整改逾期或未说明")
    return RiskRow(s.code, s.name, points, tuple(reasons), adjustment, s.execution_rate, managed, change,
                   {"错误": errors, "需核实": open_items, "整改逾期": overdue}, s.year)


def risk_row(a: Assessment | DepartmentSummary) -> RiskRow:
    """One department-year's risk points and reasons (an assessment goes through its summary)."""
    return summary_risk(a if isinstance(a, DepartmentSummary) else summary_of(a))


def risk_ranking(items: Iterable[DepartmentSummary | Assessment]) -> list[RiskRow]:
    """The department-years (their summaries, or assessments) by risk points, highest first (then by code)."""
    return sorted((risk_row(a) for a in items), key=lambda r: (-r.points, r.code))


def risk_table(rows: list[RiskRow]) -> pd.DataFrame:
    """排名, 部门, 风险分, 主要理由 and the figures behind them (a figure not stated is "—")."""
    return pd.DataFrame([{
        "排名": i, "部门": r.name, "部门代码": r.code, "风险分": r.points,
        "主要理由": "；".join(r.reasons) or "未发现风险因素",
        "预算调整率": pct(r.adjustment_rate), "预算执行率": pct(r.execution_rate),
        "代管资金执行率": pct(r.managed_rate), "“三公”经费变动率": pct(r.sangong_change, signed=True),
        "错误": r.counts["错误"], "需核实": r.counts["需核实"], "整改逾期": r.counts["整改逾期"],
    } for i, r in enumerate(rows, start=1)], columns=["排名", "部门", "部门代码", "风险分", "主要理由", "预算调整率",
                                                    "预算执行率", "代管资金执行率", "“三公”经费变动率", "错误",
                                                    "需核实", "整改逾期"])


def csv_name(year: int) -> str:
    """The file name of a year's ranking as CSV."""
    return f"{year}-风险排序.csv"


def write_risk_csv(rows: list[RiskRow], path: Path) -> Path:
    """The ranking as CSV (UTF-8 with BOM; text that could run as a formula neutralised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(csv_bytes(to_csv(risk_table(rows))))
    tmp.replace(path)
    return path
