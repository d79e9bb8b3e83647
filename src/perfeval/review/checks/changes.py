"""Rows against their own columns: 本年决算 vs 本年预算 (variance), 本年决算 vs 上年决算 (year on year),
and 支出 against 收入.

A variance or change that only restates figures is folded into one ``note`` per kind. A row far from its
budget (below half or above 1.5 times, and at least 1 万元 apart) is ``verify`` unless another check already
judges the same fact (预算执行率, 人员经费, 公用经费 and 三公经费 control rates; projects) or the stated
mid-year adjustment covers an aggregate row's excess. "本年决算 = 本年预算 on every row" is one ``note``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from perfeval.model.facts import compute
from perfeval.model.numbers import fmt_rate, fmt_wan, rate
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks.base import TOLERANCE, CheckRule, Row, amount_rows, d, labelled, r
from perfeval.review.findings import Finding
from perfeval.review.inputs import mid_year_adjustment

#: A row whose 本年决算 is below LOW or above HIGH times its 本年预算 is far from its budget.
LOW, HIGH = Decimal("0.5"), Decimal("1.5")
#: Differences smaller than this (万元) are immaterial: never a finding of their own.
MATERIAL = Decimal(1)
#: "No variance on any row" needs at least this many rows with both columns.
MIN_ROWS_NO_VARIANCE = 3
#: Rows whose budget variance another check judges (the same fact is not reported twice).
_JUDGED_ELSEWHERE = ("expenditure.total", "expenditure.personnel", "expenditure.public", "sangong.total",
                     "public_funds.total")
#: Aggregate rows a stated mid-year adjustment may account for.
_AGGREGATES = ("income.", "expenditure.")


def _both(rows: list[Row], first: str, second: str) -> list[Row]:
    return [row for row in rows if row.get(first) is not None and row.get(second) is not None]


def check_variance(rec: DepartmentYear) -> Iterator[Finding]:
    """本年决算 vs 本年预算, row by row (代管资金 projects left out; projects are judged by their own checks)."""
    all_rows = _both(amount_rows(rec), "budget", "actual")
    if len(all_rows) >= MIN_ROWS_NO_VARIANCE and all(row.get("budget") == row.get("actual") for row in all_rows):
        names = "、".join(row.label for row in all_rows[:6]) + ("等" if len(all_rows) > 6 else "")
        yield Finding("variance.none", "note", all_rows[0].path,
                      f"所列{len(all_rows)}行（{names}）的本年决算数都等于本年预算数，没有任何执行差异，"
                      "请留意决算数是否照抄预算数", {"rows": str(len(all_rows))})
        return
    rows = [row for row in all_rows if row.kind != "project"]
    adjustment = mid_year_adjustment(rec).amount
    parts: list[str] = []
    numbers: dict[str, str] = {}
    for row in rows:
        budget, actual = row.get("budget"), row.get("actual")
        assert budget is not None and actual is not None
        if actual == budget:
            continue
        share = rate(actual, budget)
        if share is None:           # a budget of 0 with something spent
            text = f"{labelled(row.label, fmt_wan(actual))}（本年预算数为0）"
        else:
            text = f"{labelled(row.label, fmt_wan(actual))}，为预算{fmt_wan(budget)}的{fmt_rate(share)}"
        far = share is None or not (LOW * 100 <= share <= HIGH * 100)
        material = abs(actual - budget) >= MATERIAL
        over = actual > budget
        covered = (over and row.path.startswith(_AGGREGATES) and adjustment is not None and adjustment > 0
                   and actual - budget <= adjustment + TOLERANCE)
        saving = not over and row.kind == "sangong"
        if far and material and not covered and not saving and row.path not in _JUDGED_ELSEWHERE:
            previous = row.get("previous")
            before = f"，上年决算数{fmt_wan(previous)}" if previous is not None else ""
            row_numbers = {"budget": d(budget), "actual": d(actual)}
            if share is not None:
                row_numbers["share"] = r(share)
            if previous is not None:
                row_numbers["previous"] = d(previous)
            yield Finding("variance.large", "verify", f"{row.path}.actual",
                          f"{text}{before}，与预算差异较大，报告未说明原因，需核实（是否填报有误）", row_numbers)
            continue
        if row.path in _JUDGED_ELSEWHERE:
            continue        # in rate.summary or a finding of its own
        if covered and far:
            text += f"（超出部分在年中调整{fmt_wan(adjustment)}范围内）"
        parts.append(text)
        if share is not None:
            numbers[f"{row.path}.share"] = r(share)
    if parts:
        yield Finding("variance.summary", "note", "", "本年决算与本年预算：" + "；".join(parts), numbers)


def check_year_on_year(rec: DepartmentYear) -> Iterator[Finding]:
    """本年决算 vs 上年决算, one line (三公经费 increases are ``rate.sangong_change``, a verify finding of their own)."""
    rows = [row for row in _both(amount_rows(rec), "previous", "actual") if row.kind not in ("sangong", "project")]
    parts: list[str] = []
    numbers: dict[str, str] = {}
    for row in rows:
        previous, actual = row.get("previous"), row.get("actual")
        assert previous is not None and actual is not None
        change = rate(actual - previous, previous)
        if actual == previous:
            parts.append(f"{labelled(row.label, fmt_wan(actual))}，与上年持平")
            continue
        if change is None:
            parts.append(f"{labelled(row.label, fmt_wan(actual))}，上年为0")
            continue
        word = "增加" if actual > previous else "减少" if actual < previous else "持平"
        amount = f"{fmt_wan(abs(actual - previous))}（{fmt_rate(abs(change))}）" if actual != previous else ""
        parts.append(f"{labelled(row.label, fmt_wan(actual))}，比上年{fmt_wan(previous)}{word}{amount}")
        numbers[f"{row.path}.change"] = r(change)
    if parts:
        yield Finding("change.summary", "note", "", "与上年决算相比：" + "；".join(parts), numbers)


def check_balance(rec: DepartmentYear) -> Iterator[Finding]:
    """支出 above 收入 (本年决算) with no 上年结转 stated: where did the rest come from?"""
    inc = rec.income
    spent = compute(rec).expenditure_total
    if inc is None or spent is None:
        return
    if inc.total is not None and inc.total.actual is not None:
        income, what = inc.total.actual, "收入合计"
    elif inc.appropriation is not None and inc.appropriation.actual is not None:
        income, what = inc.appropriation.actual, "财政拨款收入"
    else:
        return
    if spent <= income + TOLERANCE:
        return
    carry = inc.carryover
    carried = None if carry is None else (carry.actual if carry.actual is not None else carry.budget)
    numbers = {"expenditure": d(spent), "income": d(income), "difference": d(spent - income)}
    if carried is not None:
        if income + carried >= spent - TOLERANCE:
            return
        numbers["carryover"] = d(carried)
        yield Finding("balance.expenditure_above_income", "verify", "expenditure.total.actual",
                      f"支出合计{fmt_wan(spent)}高于{what}{fmt_wan(income)}与上年结转{fmt_wan(carried)}之和，"
                      "报告未说明差额的来源，需核实", numbers)
        return
    yield Finding("balance.expenditure_above_income", "verify", "expenditure.total.actual",
                  f"支出合计{fmt_wan(spent)}高于{what}{fmt_wan(income)}（多{fmt_wan(spent - income)}），"
                  "报告未列明上年结转等其他来源，需核实", numbers)


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("variance", "本年决算与本年预算逐行对照", check_variance, {
        "variance.summary": "note（差异合为一条）",
        "variance.none": "note（每一行决算数都等于预算数）",
        "variance.large": "verify（低于预算一半或高于1.5倍，且相差1万元以上，未由其他检查或年中调整说明）",
    }),
    CheckRule("change", "本年决算与上年决算逐行对照", check_year_on_year, {"change.summary": "note（合为一条）"}),
    CheckRule("balance", "支出高于收入且未列明上年结转", check_balance,
              {"balance.expenditure_above_income": "verify"}),
)
