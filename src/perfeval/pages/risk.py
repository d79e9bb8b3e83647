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

from perfeval.model import compute
from perfeval.model.numbers import fmt_rate, money_sum, rate
from perfeval.pages.cells import csv_bytes, pct, to_csv
from perfeval.review import Assessment

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


def _adjustment(a: Assessment) -> Decimal | None:
    """The adjustment rate the score took (a ruling may have established another than the figures give)."""
    for leaf in a.result.leaves():
        for value in leaf.inputs:
            if value.name == "adjustment_rate" and isinstance(value.value, Decimal):
                return value.value
    return compute(a.rec).adjustment_rate


def _managed_rate(a: Assessment) -> Decimal | None:
    paired = [p for p in a.rec.projects if p.managed_only and p.budget is not None and p.actual is not None]
    if not paired:
        return None
    return rate(money_sum([p.actual for p in paired if p.actual is not None]),
                money_sum([p.budget for p in paired if p.budget is not None]))


def risk_row(a: Assessment) -> RiskRow:
    """One department-year's risk points and reasons."""
    f = compute(a.rec)
    points, reasons = 0, []
    adjustment = _adjustment(a)
    if adjustment is not None:
        band = next(((limit, n) for limit, n in ADJUSTMENT_BANDS if adjustment > limit), None)
        if band is not None:
            points += band[1]
            reasons.append(f"预算调整率{fmt_rate(adjustment)}，超过{fmt_rate(band[0])}")
    if f.execution_rate is not None and f.execution_rate < EXECUTION_FLOOR:
        points += 2
        reasons.append(f"预算执行率{fmt_rate(f.execution_rate)}，低于90%")
    managed = _managed_rate(a)
    if managed is not None and managed < EXECUTION_FLOOR:
        points += 2
        reasons.append(f"代管资金执行率{fmt_rate(managed)}，低于90%")
    change = f.sangong_change_rate
    if change is not None and change > 0:
        points += 2 if change > 10 else 1
        reasons.append(f"“三公”经费比上年增长{fmt_rate(change)}")
    errors = sum(1 for x in a.findings if x.severity == "error")
    open_items = sum(1 for x in a.findings if x.severity == "verify" and x.ruling is None)
    overdue = sum(int(x.numbers.get("problems", "1")) for x in a.findings
                  if x.id in ("rectification.overdue", "rectification.late") and x.severity != "note")
    points += 2 * errors + open_items + 2 * overdue
    if errors:
        reasons.append(f"错误{errors}项")
    if open_items:
        reasons.append(f"需核实{open_items}项未经认定")
    if overdue:
        reasons.append(f"上年问题{overdue}项整改逾期或未说明")
    return RiskRow(a.rec.code, a.rec.unit.name, points, tuple(reasons), adjustment, f.execution_rate, managed, change,
                   {"错误": errors, "需核实": open_items, "整改逾期": overdue})


def risk_ranking(assessments: Iterable[Assessment]) -> list[RiskRow]:
    """The department-years by risk points, highest first (then by code)."""
    return sorted((risk_row(a) for a in assessments), key=lambda r: (-r.points, r.code))


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


def write_risk_csv(rows: list[RiskRow], path: Path) -> Path:
    """The ranking as CSV (UTF-8 with BOM; text that could run as a formula neutralised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(csv_bytes(to_csv(risk_table(rows))))
    tmp.replace(path)
    return path
