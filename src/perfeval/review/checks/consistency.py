"""What a report's own statements imply about each other: its date against the year it evaluates, spending
above the budget with no other source, a budget adjusted far above its initial amount, and the year-on-year
changes it states against the prior-year figures it gives.

These are record checks: ``perfeval check`` runs them on any data file, and ``perfeval audit`` on the draft it
imports from a report's text, so a fact is found wherever the report states its figures (a table row, a
``label: value`` line or a sentence) and gets one severity in both.

- ``report.date_early`` (error): a report dated on or before the last day of the year it evaluates — the year's
  final accounts cannot be known yet;
- ``execution.above_budget`` (verify): executed above the (full-year) budget with no carry-over or other funds
  stated (a 自评表's 年度资金总额, else 支出合计 against 调整后预算);
- ``adjustment.large`` (verify): the budget adjusted by more than :data:`FAR_ADJUSTMENT` % of its initial
  amount, when the unit states no adjustment rate of its own (that case is ``adjustment.declared_*``);
- ``change.previous_mismatch`` (error): a stated change (本年 − 增减额) implies another 上年 figure than the
  table's 上年决算数 of the same row;
- ``change.implied_rest`` (verify): the changes stated for 收入 and for its 财政拨款 part imply an amount of
  other income the year before (or now) that the report does not explain.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterator

from perfeval.model.facts import compute
from perfeval.model.numbers import fmt_rate, fmt_wan, rate
from perfeval.model.schema import DepartmentYear, FundRow, StatedChange
from perfeval.review.checks.base import TOLERANCE, CheckRule, d, r
from perfeval.review.findings import Finding
from perfeval.review.inputs import fund_total_row, mid_year_adjustment

#: An adjustment above this share of the initial budget (%) is far above it: the banded rules most
#: frameworks use give no points beyond 30%.
FAR_ADJUSTMENT = Decimal(30)


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_report_date(rec: DepartmentYear) -> Iterator[Finding]:
    """A report dated on or before 31 December of the year it evaluates."""
    cover = rec.cover
    day = cover.report_date if cover is not None else None
    if not isinstance(day, dt.date) or day > dt.date(rec.year, 12, 31):
        return
    yield Finding("report.date_early", "error", "cover.report_date",
                  f"报告日期{_date(day)}不晚于评价年度{rec.year}年的最后一天，当年决算尚未完成，报告日期有误",
                  {"report_date": day.isoformat(), "year": str(rec.year)})


_OTHER_SOURCE = re.compile(r"结转|结余|其他资金|其他收入|非财政|自有资金|上级补助")


def _fund_total(rec: DepartmentYear) -> tuple[int, FundRow] | None:
    """The 自评表's 年度资金总额 row with its index (:func:`perfeval.review.inputs.fund_total_row`)."""
    row = fund_total_row(rec)
    return (rec.self_funds.index(row), row) if row is not None else None


def _other_sources_stated(rec: DepartmentYear) -> bool:
    """Whether the record states a carry-over or other funds besides the year's appropriation."""
    inc = rec.income
    if inc is not None:
        for row in (inc.carryover, inc.other, inc.government_fund, inc.special_account):
            if row is not None and any(v for v in (row.previous, row.budget, row.adjusted, row.actual)):
                return True
    if rec.carryover is not None and (rec.carryover.fiscal or rec.carryover.non_fiscal):
        return True
    return any(_OTHER_SOURCE.search(row.item) and any(v for v in (row.initial, row.full_year, row.executed))
               for row in rec.self_funds)


def check_above_budget(rec: DepartmentYear) -> Iterator[Finding]:
    """Spending above the full-year budget with no carry-over or other funds stated: where did the rest come from?"""
    if _other_sources_stated(rec):
        return
    found = _fund_total(rec)
    if found is not None:
        i, row = found
        budget, label = (row.full_year, "全年预算") if row.full_year is not None else (row.initial, "年初预算")
        if budget is not None and row.executed is not None and row.executed > budget + TOLERANCE:
            share = rate(row.executed, budget)
            yield Finding("execution.above_budget", "verify", f"self_funds[{i}].executed",
                          f"自评表「{row.item}」全年执行{fmt_wan(row.executed)}，高于{label}{fmt_wan(budget)}"
                          f"（执行率{fmt_rate(share)}），未列明上年结转或其他资金，超出的{fmt_wan(row.executed - budget)}"
                          "来源需核实",
                          {"executed": d(row.executed), "budget": d(budget), "difference": d(row.executed - budget),
                           "execution_rate": r(share)})
            return
    f = compute(rec)
    spent, budget = f.expenditure_total, f.adjusted_budget
    if spent is None or budget is None or spent <= budget + TOLERANCE:
        return
    what = "调整后预算" if f.adjusted_budget_stated else "年初预算与年中调整之和"
    share = rate(spent, budget)
    yield Finding("execution.above_budget", "verify", "expenditure.total.actual",
                  f"支出合计{fmt_wan(spent)}，高于{what}{fmt_wan(budget)}（预算执行率{fmt_rate(share)}），"
                  f"未列明上年结转或其他资金，超出的{fmt_wan(spent - budget)}来源需核实",
                  {"expenditure": d(spent), "adjusted_budget": d(budget), "difference": d(spent - budget),
                   "execution_rate": r(share)})


def check_large_adjustment(rec: DepartmentYear) -> Iterator[Finding]:
    """The year's budget adjusted far above its initial amount (one finding, from the first basis stated)."""
    if rec.adjustment is not None and rec.adjustment.declared_rate is not None:
        return      # the unit states its rate: adjustment.declared_* compares it with the figures
    candidates: list[tuple[str, str, Decimal, Decimal]] = []   # path, label, initial, adjusted
    adj = mid_year_adjustment(rec)
    found = _fund_total(rec)
    if adj.amount is not None and adj.initial:
        path, label = "adjustment.amount", "年初预算"
        if adj.form_row and found is not None:
            path, label = f"self_funds[{found[0]}].full_year", f"自评表「{adj.form_row}」年初预算"
        elif adj.derived:
            inc = rec.income
            stated = inc is not None and inc.appropriation is not None and inc.appropriation.adjusted is not None
            path = "income.appropriation.adjusted" if stated else "income.total.adjusted"
        candidates.append((path, label, adj.initial, adj.initial + adj.amount))
    exp = rec.expenditure.total if rec.expenditure is not None else None
    if exp is not None and exp.budget and exp.adjusted is not None:
        candidates.append(("expenditure.total.adjusted", "支出合计年初预算", exp.budget, exp.adjusted))
    if found is not None and found[1].initial and found[1].full_year is not None:
        i, row = found
        candidates.append((f"self_funds[{i}].full_year", f"自评表「{row.item}」年初预算", row.initial, row.full_year))
    if not candidates:
        return
    path, label, initial, adjusted = candidates[0]
    share = rate(adjusted - initial, initial)
    if share is None or share <= FAR_ADJUSTMENT:
        return
    yield Finding("adjustment.large", "verify", path,
                  f"{label}{fmt_wan(initial)}，调整后为{fmt_wan(adjusted)}，年中调整{fmt_wan(adjusted - initial)}，"
                  f"预算调整率{fmt_rate(share)}，超过{FAR_ADJUSTMENT}%，报告中调整的依据需核实",
                  {"initial_budget": d(initial), "adjusted_budget": d(adjusted), "adjustment": d(adjusted - initial),
                   "adjustment_rate": r(share)})


#: Stated-change subjects → the row of the record they compare (first match wins).
_CHANGE_ROWS: tuple[tuple[str, str], ...] = (
    (r"^(?:本年)?(?:收入|总收入|收入合计|本年收入)$", "income.total"),
    (r"财政拨款收入$|一般公共预算(?:财政)?拨款(?:收入)?$", "income.appropriation"),
    (r"三公", "sangong.total"),
    (r"^(?:本年)?(?:支出|总支出|支出合计)$", "expenditure.total"),
    (r"项目支出$", "expenditure.project"),
    (r"基本支出$", "expenditure.basic"),
    (r"公用经费$", "public_funds.total"),
)


def _previous_of(rec: DepartmentYear, row_path: str) -> Decimal | None:
    node: object = rec
    for part in row_path.split("."):
        node = getattr(node, part, None) if node is not None else None
    value = getattr(node, "previous", None) if node is not None else None
    return value if isinstance(value, Decimal) else None


def _row_of(change: StatedChange) -> str | None:
    return next((row for pattern, row in _CHANGE_ROWS if re.search(pattern, change.subject)), None)


def check_stated_changes(rec: DepartmentYear) -> Iterator[Finding]:
    """Stated changes against the prior-year figures of the table, and what two of them imply together."""
    derived: list[tuple[int, StatedChange, Decimal]] = []
    for i, ch in enumerate(rec.stated_changes):
        if ch.current is None or ch.change is None:
            continue
        previous = ch.current - ch.change
        derived.append((i, ch, previous))
        row = _row_of(ch)
        stated = _previous_of(rec, row) if row else None
        if stated is not None and abs(stated - previous) > TOLERANCE:
            yield Finding("change.previous_mismatch", "error", f"stated_changes[{i}]",
                          f"文中“{ch.subject}”本年{fmt_wan(ch.current)}、比上年变动{fmt_wan(ch.change)}，推出上年为"
                          f"{fmt_wan(previous)}，而表中上年决算数为{fmt_wan(stated)}",
                          {"current": d(ch.current), "change": d(ch.change), "previous": d(previous),
                           "previous_in_table": d(stated)})
    totals = [(i, ch, prev) for i, ch, prev in derived if _row_of(ch) == "income.total"]
    parts = [(i, ch, prev) for i, ch, prev in derived if _row_of(ch) == "income.appropriation"]
    for i, total, prev_total in totals[:1]:
        for _, part, prev_part in parts[:1]:
            assert total.current is not None and part.current is not None
            rest_prev, rest_now = prev_total - prev_part, total.current - part.current
            if rest_prev == rest_now:
                continue
            now = "本年收入全部为财政拨款" if rest_now == 0 else f"本年为{fmt_wan(rest_now)}"
            yield Finding("change.implied_rest", "verify", f"stated_changes[{i}]",
                          f"按文中所述同比变动，上年收入{fmt_wan(prev_total)}中财政拨款以外的收入为{fmt_wan(rest_prev)}，"
                          f"{now}，报告未说明这部分收入及其变化，需核实",
                          {"previous_total": d(prev_total), "previous_part": d(prev_part), "previous_rest": d(rest_prev),
                           "current_rest": d(rest_now)})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("report.date_early", "报告日期不晚于评价年度末", check_report_date, {"report.date_early": "error"}),
    CheckRule("execution.above_budget", "执行数高于预算且未列明上年结转或其他资金", check_above_budget,
              {"execution.above_budget": "verify"}),
    CheckRule("adjustment.large", "预算调整幅度过大（未自述调整率时）", check_large_adjustment,
              {"adjustment.large": "verify"}),
    CheckRule("change.stated", "文中所述同比变动与表中上年数对照", check_stated_changes,
              {"change.previous_mismatch": "error", "change.implied_rest": "verify"}),
)
