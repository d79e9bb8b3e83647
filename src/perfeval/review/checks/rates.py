"""Rates: recomputed rates (one line), rates out of range, the declared adjustment rate, impossible percentages.

A rate within its normal range only restates a figure: all of them are folded
into one ``note`` (``rate.summary``). A rate out of range gets its own finding.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from perfeval.model.facts import compute
from perfeval.model.numbers import HUNDRED, fmt_quantity, fmt_rate, fmt_wan, rate, round_rate
from perfeval.model.schema import DepartmentYear, Quantity
from perfeval.review.checks.base import ABOVE_BUDGET_SHARE, EXECUTION_THRESHOLD, TOLERANCE, CheckRule, d, quote, r
from perfeval.review.findings import Finding, Override


def check_rates(rec: DepartmentYear) -> Iterator[Finding]:
    f = compute(rec)
    inc, exp, sg = rec.income, rec.expenditure, rec.sangong
    goods = rec.approved_budget.basic.goods_services
    parts: list[str] = []
    numbers: dict[str, str] = {}
    if f.execution_rate is not None:
        text = (f"预算执行率 {fmt_rate(f.execution_rate)}（实际支出 {fmt_wan(exp.total)} ÷ 调整后预算 "
                f"{fmt_wan(f.adjusted_budget)}）")
        rate_numbers = {"expenditure": d(exp.total), "adjusted_budget": d(f.adjusted_budget),
                        "execution_rate": r(f.execution_rate)}
        if f.execution_rate < EXECUTION_THRESHOLD:
            yield Finding("rate.execution", "verify", "expenditure.total",
                          f"{text}，低于 90%，报告未说明原因，需核实", rate_numbers)
        else:
            parts.append(text)
            numbers.update(rate_numbers)
    if f.adjustment_rate is not None:
        parts.append(f"预算调整率 {fmt_rate(f.adjustment_rate)}（年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
                     f"{fmt_wan(inc.initial_budget)}）")
        numbers.update({"adjustment": d(inc.adjustment), "initial_budget": d(inc.initial_budget),
                        "adjustment_rate": r(f.adjustment_rate)})
    if f.public_control_rate is not None:
        text = (f"公用经费控制率 {fmt_rate(f.public_control_rate)}（实际公用经费 {fmt_wan(exp.basic.public)} ÷ "
                f"批复商品服务支出 {fmt_wan(goods)}）")
        rate_numbers = {"public": d(exp.basic.public), "goods_services": d(goods),
                        "public_control_rate": r(f.public_control_rate)}
        if f.public_control_rate > HUNDRED:
            yield Finding("rate.public_control", "verify", "expenditure.basic.public",
                          f"{text}，超过批复，需核实是否经批准追加", rate_numbers)
        else:
            parts.append(text)
            numbers.update(rate_numbers)
    if f.sangong_control_rate is not None:
        text = (f"三公经费控制率 {fmt_rate(f.sangong_control_rate)}（实际 {fmt_wan(sg.actual.total)} ÷ 预算 "
                f"{fmt_wan(sg.budget.total)}）")
        rate_numbers = {"actual": d(sg.actual.total), "budget": d(sg.budget.total),
                        "sangong_control_rate": r(f.sangong_control_rate)}
        if f.sangong_control_rate > HUNDRED:
            yield Finding("rate.sangong_control", "verify", "sangong.actual.total",
                          f"{text}，超过预算，需核实是否经批准追加", rate_numbers)
        else:
            parts.append(text + "，未超预算")
            numbers.update(rate_numbers)
    if f.sangong_change_rate is not None and sg.previous_actual is not None:
        trend = "比上年增加" if f.sangong_change_rate > 0 else "未比上年增加"
        parts.append(f"三公经费变动率 {fmt_rate(f.sangong_change_rate)}（本年 {fmt_wan(sg.actual.total)}，上年 "
                     f"{fmt_wan(sg.previous_actual.total)}），{trend}")
        numbers.update({"previous": d(sg.previous_actual.total), "sangong_change_rate": r(f.sangong_change_rate)})
    if f.fiscal_carryover_rate is not None:
        parts.append(f"财政拨款结转结余率 {fmt_rate(f.fiscal_carryover_rate)}（财政拨款结转结余 "
                     f"{fmt_wan(rec.carryover.fiscal)} ÷ 调整后预算 {fmt_wan(f.adjusted_budget)}），非财政拨款结转 "
                     f"{fmt_wan(rec.carryover.non_fiscal)} 另列")
        numbers.update({"fiscal": d(rec.carryover.fiscal), "non_fiscal": d(rec.carryover.non_fiscal),
                        "adjusted_budget": d(f.adjusted_budget), "carryover_rate": r(f.fiscal_carryover_rate)})
    if parts:
        yield Finding("rate.summary", "note", "", "重新计算的比率：" + "；".join(parts), numbers)


def check_personnel(rec: DepartmentYear) -> Iterator[Finding]:
    """人员经费 above its approved budget by more than 10%."""
    actual, approved = rec.expenditure.basic.personnel, rec.approved_budget.basic.personnel
    if approved <= 0 or actual <= approved * (1 + ABOVE_BUDGET_SHARE):
        return
    excess = rate(actual - approved, approved)
    purpose = " ".join([rec.income.adjustment_purpose, rec.execution.adjustment_explanation])
    hint = next((w for w in ("绩效考核奖金", "奖金", "工资", "人员") if w in purpose), None)
    why = (f"；年中调整用途含“{hint}”，需核实超出部分是否由年中调整安排" if hint
           else "，报告未说明原因，需核实")
    yield Finding("personnel.above_approved", "verify", "expenditure.basic.personnel",
                  f"人员经费 {fmt_wan(actual)}，比批复人员经费 {fmt_wan(approved)} 高 {fmt_rate(excess)}"
                  f"（超过 10%）{why}",
                  {"personnel": d(actual), "approved_personnel": d(approved), "excess_rate": r(excess)})


_EXCLUSION = re.compile(r"(未|不)(记入|计入|纳入|列入|算入)|不属于|为零")


def _adjustment_reason(rec: DepartmentYear) -> str:
    """The unit's stated reason for not counting its mid-year adjustment ("" when it gives none)."""
    for text in (rec.other_notes, rec.execution.adjustment_explanation):
        if "调整" in text and _EXCLUSION.search(text):
            return text.strip()
    return ""


def check_adjustment_declared(rec: DepartmentYear) -> Iterator[Finding]:
    """A declared adjustment rate against the data (declared 0 with a real adjustment; any other mismatch)."""
    declared = rec.execution.declared_adjustment_rate
    inc = rec.income
    if declared is None:
        return
    computed = rate(inc.adjustment, inc.initial_budget)
    numbers = {"adjustment": d(inc.adjustment), "initial_budget": d(inc.initial_budget),
               "adjustment_rate": r(computed), "declared_adjustment_rate": d(declared)}
    head = (f"自述“预算调整率为零”，但年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
            f"{fmt_wan(inc.initial_budget)} = {fmt_rate(computed)}")
    if declared == 0 and inc.adjustment != 0:
        reason = _adjustment_reason(rec)
        if not reason:
            yield Finding("adjustment.declared_zero", "error", "execution.declared_adjustment_rate",
                          f"{head}，报告未说明为何不计入预算调整数", numbers)
            return
        yield Finding(
            "adjustment.declared_zero", "verify", "execution.declared_adjustment_rate",
            f"{head}。单位的理由：{quote(reason)}。这笔资金能否不计入预算调整数，取决于财政部门对预算调整的"
            "认定口径（因落实国家政策、不可抗力或上级交办而追加的资金是否计为预算调整），数据中没有依据，需核实；"
            "若单位的说法成立，预算调整率按 0% 计",
            numbers,
            overrides=(Override("adjustment_rate", declared, "按单位所述，年中追加资金不计入预算调整数"),
                       Override("adjustment_reporting", "met", "按单位所述，预算调整率为零的说法成立")))
    elif computed is not None and abs(round_rate(computed) - declared) > TOLERANCE:
        yield Finding("adjustment.declared_mismatch", "error", "execution.declared_adjustment_rate",
                      f"自述预算调整率 {fmt_rate(declared)}，按年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
                      f"{fmt_wan(inc.initial_budget)} 计算为 {fmt_rate(computed)}", numbers)


def check_adjustment_explained(rec: DepartmentYear) -> Iterator[Finding]:
    inc = rec.income
    if inc.adjustment != 0 and not (inc.adjustment_purpose.strip() or rec.execution.adjustment_explanation.strip()):
        yield Finding("adjustment.unexplained", "verify", "income.adjustment_purpose",
                      f"年中调整 {fmt_wan(inc.adjustment)}，报告未说明调整原因和用途，需核实",
                      {"adjustment": d(inc.adjustment)})


#: Rates that may exceed 100% (growth, execution against a budget, task completion).
_MAY_EXCEED = ("增长", "增幅", "变动", "同比", "环比", "提高", "提升", "上升", "下降", "执行", "完成", "控制", "调整",
               "超", "增加", "减少")
_SHARE_WORDS = ("率", "占比", "比例", "比重")


def impossible_share(name: str, quantity: Quantity | None) -> bool:
    """A percentage of a share (满意率, 参检率, 覆盖率 …) outside 0–100%."""
    if quantity is None or quantity.unit != "%":
        return False
    if not any(w in name for w in _SHARE_WORDS) or any(w in name for w in _MAY_EXCEED):
        return False
    return quantity.value > HUNDRED or quantity.value < 0


def check_impossible_rates(rec: DepartmentYear) -> Iterator[Finding]:
    for gi, goal in enumerate(rec.goals):
        for ii, ind in enumerate(goal.indicators):
            for key, label, q in (("target", "目标值", ind.target), ("actual", "实际值", ind.actual)):
                if q is not None and impossible_share(ind.name, q):
                    yield Finding("rate.impossible", "error", f"goals[{gi}].indicators[{ii}].{key}",
                                  f"目标{goal.number}的指标「{ind.name}」{label} {fmt_quantity(q.value, q.unit, q.relation)}："
                                  "占比不可能超出 0–100%", {"goal": str(goal.number), key: d(q.value)})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("rate", "各项比率重新计算；超出正常范围的单列", check_rates, {
        "rate.summary": "note（正常范围内的比率合为一条）",
        "rate.execution": "verify（低于 90%）",
        "rate.public_control": "verify（超过 100%）",
        "rate.sangong_control": "verify（超过 100%）",
    }),
    CheckRule("rate.impossible", "占比类指标超出 0–100%", check_impossible_rates, {"rate.impossible": "error"}),
    CheckRule("personnel.above_approved", "人员经费超过批复 10% 以上", check_personnel,
              {"personnel.above_approved": "verify"}),
    CheckRule("adjustment.declared", "自述预算调整率与数据不符", check_adjustment_declared,
              {"adjustment.declared_zero": "verify（单位说明了不计入的理由）；error（未说明理由）",
               "adjustment.declared_mismatch": "error"}),
    CheckRule("adjustment.unexplained", "年中调整未说明原因", check_adjustment_explained,
              {"adjustment.unexplained": "verify"}),
)
