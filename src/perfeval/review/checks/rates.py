"""Rates: recomputed rates (one line), rates out of range, the declared adjustment rate against the data and
its stated exclusions, stated rates against the figures they come from, staff above establishment,
impossible percentages.

A rate within its normal range only restates a figure: all of them are folded
into one ``note`` (``rate.summary``). A rate out of range gets its own finding.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Iterator

from perfeval.model.facts import compute
from perfeval.model.numbers import HUNDRED, fmt_rate, quantity_words, fmt_wan, plain, rate, round_half_up, round_rate
from perfeval.model.schema import DepartmentYear, Quantity
from perfeval.review.checks.base import (ABOVE_BUDGET_SHARE, EXECUTION_THRESHOLD, SANGONG_LABELS, TOLERANCE, CheckRule,
                                         d, goal_label, quote, r)
from perfeval.review.findings import Finding, Override
from perfeval.review.inputs import mid_year_adjustment, public_amounts


def check_rates(rec: DepartmentYear) -> Iterator[Finding]:
    f = compute(rec)
    adj = mid_year_adjustment(rec, f)
    parts: list[str] = []
    numbers: dict[str, str] = {}
    if f.execution_rate is not None:
        adjusted = fmt_wan(f.adjusted_budget)
        text = f"预算执行率{fmt_rate(f.execution_rate)}（支出合计{fmt_wan(f.expenditure_total)}占调整后预算{adjusted}的比例）"
        rate_numbers = {"expenditure": d(f.expenditure_total), "adjusted_budget": d(f.adjusted_budget),
                        "execution_rate": r(f.execution_rate)}
        if f.execution_rate < EXECUTION_THRESHOLD:
            yield Finding("rate.execution", "verify", "expenditure.total.actual",
                          f"{text}，低于90%，报告未说明原因，需核实", rate_numbers)
        else:
            parts.append(text)
            numbers.update(rate_numbers)
    if adj.rate is not None:
        parts.append(f"预算调整率{fmt_rate(adj.rate)}（{adj.detail()}）")
        numbers.update({"adjustment": d(adj.amount), "initial_budget": d(adj.initial),
                        "adjustment_rate": r(adj.rate)})
    public = public_amounts(rec)
    public_rate = None if public is None or public.actual is None or public.budget is None else rate(
        public.actual, public.budget)
    if public_rate is not None:
        assert public is not None
        text = (f"公用经费控制率{fmt_rate(public_rate)}（公用经费决算数{fmt_wan(public.actual)}占预算数"
                f"{fmt_wan(public.budget)}的比例）")
        rate_numbers = {"public": d(public.actual), "public_budget": d(public.budget),
                        "public_control_rate": r(public_rate)}
        if public_rate > HUNDRED:
            where = ("expenditure.public.actual" if rec.expenditure is not None and public is rec.expenditure.public
                     else "public_funds.total.actual")
            yield Finding("rate.public_control", "verify", where,
                          f"{text}，超过预算，需核实是否经批准追加", rate_numbers)
        else:
            parts.append(text)
            numbers.update(rate_numbers)
    if f.sangong_control_rate is not None:
        text = (f"三公经费控制率{fmt_rate(f.sangong_control_rate)}（决算数{fmt_wan(f.sangong_actual)}占预算数"
                f"{fmt_wan(f.sangong_budget)}的比例）")
        rate_numbers = {"actual": d(f.sangong_actual), "budget": d(f.sangong_budget),
                        "sangong_control_rate": r(f.sangong_control_rate)}
        if f.sangong_control_rate > HUNDRED:
            yield Finding("rate.sangong_control", "verify", "sangong.total.actual",
                          f"{text}，超过预算，需核实是否经批准追加", rate_numbers)
        else:
            parts.append(text + "，未超预算")
            numbers.update(rate_numbers)
    if f.sangong_change_rate is not None and f.sangong_change_rate <= 0:
        parts.append(f"三公经费变动率{fmt_rate(f.sangong_change_rate)}（本年{fmt_wan(f.sangong_actual)}，上年"
                     f"{fmt_wan(f.sangong_previous)}），未比上年增加")
        numbers.update({"previous": d(f.sangong_previous), "sangong_change_rate": r(f.sangong_change_rate)})
    if f.fiscal_carryover_rate is not None and rec.carryover is not None:
        text = (f"财政拨款结转结余率{fmt_rate(f.fiscal_carryover_rate)}（财政拨款结转结余"
                f"{fmt_wan(rec.carryover.fiscal)}占调整后预算{fmt_wan(f.adjusted_budget)}的比例）")
        if rec.carryover.non_fiscal is not None:
            text += f"，非财政拨款结转结余{fmt_wan(rec.carryover.non_fiscal)}另列"
            numbers["non_fiscal"] = d(rec.carryover.non_fiscal)
        parts.append(text)
        numbers.update({"fiscal": d(rec.carryover.fiscal), "adjusted_budget": d(f.adjusted_budget),
                        "carryover_rate": r(f.fiscal_carryover_rate)})
    if f.staffing_control_rate is not None and f.staffing_control_rate <= HUNDRED:
        assert rec.staffing is not None
        parts.append(f"在职人员控制率{fmt_rate(f.staffing_control_rate)}（实有人数{rec.staffing.actual}人占编制数"
                     f"{rec.staffing.approved}人的比例）")
        numbers["staffing_control_rate"] = r(f.staffing_control_rate)
    procurement = rec.procurement
    if procurement is not None and procurement.actual is not None and procurement.budget:
        value = rate(procurement.actual, procurement.budget)
        parts.append(f"政府采购执行率{fmt_rate(value)}（决算数{fmt_wan(procurement.actual)}占预算数"
                     f"{fmt_wan(procurement.budget)}的比例）")
        numbers["procurement_rate"] = r(value)
    if parts:
        yield Finding("rate.summary", "note", "", "重新计算的比率：" + "；".join(parts), numbers)


def check_sangong_change(rec: DepartmentYear) -> Iterator[Finding]:
    """三公经费 above last year's (本年决算 vs 上年决算): the total, else each item when the total does not say."""
    sg = rec.sangong
    if sg is None:
        return
    total = sg.total
    if total is not None and total.actual is not None and total.previous is not None:
        rows = [("total", total)]
    else:
        rows = [(key, getattr(sg, key)) for key in SANGONG_LABELS if key != "total"]
    for key, row in rows:
        if row is None or row.actual is None or row.previous is None or row.actual <= row.previous:
            continue
        change = rate(row.actual - row.previous, row.previous)
        numbers = {"actual": d(row.actual), "previous": d(row.previous)}
        if change is not None:
            numbers["sangong_change_rate" if key == "total" else "change_rate"] = r(change)
        shown = f"（{'三公经费变动率' if key == 'total' else '增长'}{fmt_rate(change)}）" if change is not None else ""
        yield Finding("rate.sangong_change", "verify", f"sangong.{key}.actual",
                      f"{SANGONG_LABELS[key]}{fmt_wan(row.actual)}，比上年{fmt_wan(row.previous)}增加"
                      f"{fmt_wan(row.actual - row.previous)}{shown}，需核实增加的原因", numbers)


def check_staffing(rec: DepartmentYear) -> Iterator[Finding]:
    """实有人数 above 编制数 (超编): the reason is not in the data."""
    s = rec.staffing
    if s is None or s.actual is None or s.approved is None or s.actual <= s.approved:
        return
    value = compute(rec).staffing_control_rate
    shown = f"（在职人员控制率{fmt_rate(value)}）" if value is not None else "（编制数为0）"
    blank = "，文中未填写在职人员控制率" if s.stated_control_rate is None else ""
    numbers = {"approved": str(s.approved), "actual": str(s.actual), "over": str(s.actual - s.approved)}
    if value is not None:
        numbers["staffing_control_rate"] = r(value)
    yield Finding("staffing.over", "verify", "staffing.actual",
                  f"实有人数{s.actual}人超过编制数{s.approved}人，超编{s.actual - s.approved}人{shown}{blank}，"
                  "需核实原因（如编外聘用、借调人员是否计入）", numbers)


def check_personnel(rec: DepartmentYear) -> Iterator[Finding]:
    """人员经费 above its approved budget by more than 10%."""
    row = rec.expenditure.personnel if rec.expenditure is not None else None
    if row is None or row.actual is None or row.budget is None:
        return
    actual, approved = row.actual, row.budget
    if approved <= 0 or actual <= approved * (1 + ABOVE_BUDGET_SHARE):
        return
    excess = rate(actual - approved, approved)
    adj = rec.adjustment
    purpose = " ".join([adj.purpose, adj.explanation]) if adj is not None else ""
    hint = next((w for w in ("绩效考核奖金", "奖金", "工资", "人员") if w in purpose), None)
    why = (f"；年中调整用途含“{hint}”，需核实超出部分是否由年中调整安排" if hint
           else "，报告未说明原因，需核实")
    yield Finding("personnel.above_approved", "verify", "expenditure.personnel.actual",
                  f"人员经费{fmt_wan(actual)}，比批复人员经费{fmt_wan(approved)}高{fmt_rate(excess)}"
                  f"（超过10%）{why}",
                  {"personnel": d(actual), "approved_personnel": d(approved), "excess_rate": r(excess)})


# --- the mid-year adjustment ------------------------------------------------------------------

_EXCLUSION = re.compile(r"(未|不)(记入|计入|纳入|列入|算入)|不属于|为零")


def adjustment_reasons(rec: DepartmentYear) -> list[str]:
    """The unit's stated reasons for not counting (part of) its mid-year adjustment as 预算调整.

    The reasons recorded with the exclusions (``adjustment.exclusions``); when none is recorded there, a
    sentence of 其他需要说明问题 or of the adjustment's explanation that says so.
    """
    adj = rec.adjustment
    reasons = [e.reason.strip() for e in adj.exclusions] if adj is not None else []
    if reasons:
        return reasons
    for text in (rec.other_notes, adj.explanation if adj is not None else ""):
        if "调整" in text and _EXCLUSION.search(text):
            return [text.strip()]
    return []


_RULE = ("这笔资金能否不计入预算调整数，取决于财政部门对预算调整的认定口径（因落实国家政策、发生不可抗力或上级部门、"
         "本级党委政府临时交办而追加的资金是否计为预算调整）")
_CARRYOVER_RULE = "上年结转资金能否不计入预算调整数，取决于财政部门对预算调整的认定口径"


def _rule(rec: DepartmentYear) -> str:
    """The rule the unit's position depends on: its exclusions', else the carry-over's."""
    adj = rec.adjustment
    return _RULE if adj is not None and (adj.exclusions or adjustment_reasons(rec)) else _CARRYOVER_RULE


def _claim(rec: DepartmentYear) -> str:
    """What the unit says that would have to hold for its adjustment rate, read after "若单位关于"."""
    adj = rec.adjustment
    if adj is not None and (adj.exclusions or adjustment_reasons(rec)):
        return "年中追加资金不计入预算调整数"
    return "上年结转资金不计入预算调整数"


def _deductions_text(rec: DepartmentYear) -> str:
    """What the unit deducts from the adjustment, with amounts when stated ("" when nothing)."""
    adj = rec.adjustment
    if adj is None:
        return ""
    parts: list[str] = []
    if adj.carryover is not None:
        parts.append(f"其中上年结转{fmt_wan(adj.carryover)}")
    elif adj.carryover_mentioned:
        parts.append("文中称调整数含上年结转（金额未列明）")
    stated = [e.amount for e in adj.exclusions if e.amount is not None]
    if stated:
        parts.append(f"未计入预算调整的金额{fmt_wan(sum(stated, Decimal(0)))}")
    if adj.exclusions and len(stated) < len(adj.exclusions):
        parts.append("未计入预算调整的金额未列明")
    return "；".join(parts)


def check_adjustment(rec: DepartmentYear) -> Iterator[Finding]:
    """The declared adjustment rate against the data; without one, stated exclusions (see below)."""
    adj_record = rec.adjustment
    if adj_record is not None and adj_record.declared_rate is not None:
        yield from check_adjustment_declared(rec)
    else:
        yield from check_adjustment_exclusions(rec)


def check_adjustment_declared(rec: DepartmentYear) -> Iterator[Finding]:
    """A declared adjustment rate against the data: declared 0 with a real adjustment; any other mismatch.

    The unit's exclusions and carry-over (``adjustment.exclusions``, ``carryover``) are deducted when their
    amounts are stated (the counted adjustment of the facts); when they are not, whether they hold needs
    verifying, and the declared rate is what they would give.
    """
    adj_record = rec.adjustment
    declared = adj_record.declared_rate if adj_record is not None else None
    f = compute(rec)
    adj = mid_year_adjustment(rec, f)
    gross = adj.rate
    if declared is None or gross is None or adj.amount is None:
        return
    counted = f.counted_adjustment_rate
    numbers = {"adjustment": d(adj.amount), "initial_budget": d(adj.initial), "adjustment_rate": r(gross),
               "declared_adjustment_rate": d(declared)}
    if abs(round_rate(gross) - declared) <= TOLERANCE:
        return
    reasons = adjustment_reasons(rec)
    deductions = _deductions_text(rec)
    deducted = f"；{deductions}" if deductions else ""
    path = "adjustment.declared_rate"
    if gross >= 0 and declared > round_rate(gross) + TOLERANCE:
        # Exclusions and carry-over only make the counted adjustment smaller: nothing explains a higher rate.
        yield Finding("adjustment.declared_mismatch", "error", path,
                      f"自述预算调整率{fmt_rate(declared)}，高于按年中调整{fmt_wan(adj.amount)}占年初预算"
                      f"{fmt_wan(adj.initial)}的比例计算的{fmt_rate(gross)}", numbers)
        return
    if counted is not None and counted != gross:
        # Every deduction is stated with its amount: the declared rate can be held against the counted one.
        numbers["counted_adjustment_rate"] = r(counted)
        counted_text = f"扣除单位所列不计入的部分后为{fmt_rate(counted)}"
        if abs(round_rate(counted) - declared) > TOLERANCE:
            yield Finding("adjustment.declared_mismatch", "error", path,
                          f"自述预算调整率{fmt_rate(declared)}，按年中调整{fmt_wan(adj.amount)}占年初预算"
                          f"{fmt_wan(adj.initial)}的比例计算为{fmt_rate(gross)}，{counted_text}，均不相符", numbers)
            return
        reason = f"单位的理由：{'；'.join(quote(x) for x in reasons)}。" if reasons else ""
        yield Finding("adjustment.exclusions", "verify", path,
                      f"自述预算调整率{fmt_rate(declared)}，按年中调整{fmt_wan(adj.amount)}占年初预算"
                      f"{fmt_wan(adj.initial)}的比例计算为{fmt_rate(gross)}，{counted_text}{deducted}。{reason}{_rule(rec)}，"
                      f"数据中没有依据，需核实；若单位的说法成立，预算调整率按{fmt_rate(counted)}计", numbers,
                      overrides=(Override("adjustment_rate", counted, "按单位所述，扣除不计入预算调整的部分"),
                                 Override("adjustment_reporting", "met", "按单位所述，自述预算调整率成立")),
                      claim=_claim(rec))
        return
    head = (f"自述“预算调整率为零”，但年中调整{fmt_wan(adj.amount)}占年初预算{fmt_wan(adj.initial)}的比例为"
            f"{fmt_rate(gross)}"
            if declared == 0 else
            f"自述预算调整率{fmt_rate(declared)}，按年中调整{fmt_wan(adj.amount)}占年初预算{fmt_wan(adj.initial)}"
            f"的比例计算为{fmt_rate(gross)}")
    check_id = "adjustment.declared_zero" if declared == 0 else "adjustment.declared_mismatch"
    if not reasons:
        why = "报告未说明为何不计入预算调整数" if declared == 0 else "报告未说明差异的原因"
        yield Finding(check_id, "error", path, f"{head}{deducted}，{why}", numbers)
        return
    yield Finding(
        check_id, "verify", path,
        f"{head}{deducted}。单位的理由：{'；'.join(quote(x) for x in reasons)}。{_RULE}，数据中没有依据，需核实；"
        f"若单位的说法成立，预算调整率按{fmt_rate(declared)}计",
        numbers,
        overrides=(Override("adjustment_rate", declared, "按单位所述，年中追加资金不计入预算调整数"),
                   Override("adjustment_reporting", "met", "按单位所述，自述预算调整率成立")),
        claim=_claim(rec))


def check_adjustment_exclusions(rec: DepartmentYear) -> Iterator[Finding]:
    """Exclusions or carry-over stated without a declared rate to hold them against: the counted adjustment
    depends on whether they hold (需核实)."""
    adj_record = rec.adjustment
    if adj_record is None or not (adj_record.exclusions or adj_record.carryover or adj_record.carryover_mentioned):
        return
    f = compute(rec)
    adj = mid_year_adjustment(rec, f)
    if adj.amount is None or adj.amount <= 0 or adj.rate is None:
        return
    counted = f.counted_adjustment_rate
    numbers = {"adjustment": d(adj.amount), "initial_budget": d(adj.initial), "adjustment_rate": r(adj.rate)}
    path = "adjustment.exclusions" if adj_record.exclusions else "adjustment.carryover"
    deductions = _deductions_text(rec)
    head = (f"年中调整{fmt_wan(adj.amount)}占年初预算{fmt_wan(adj.initial)}的比例为{fmt_rate(adj.rate)}；"
            f"{deductions}。")
    if adj_record.exclusions:
        head += f"单位称部分调整不计入预算调整：{'；'.join(quote(e.reason) for e in adj_record.exclusions)}。"
    head += f"{_rule(rec)}，数据中没有依据，需核实"
    if counted is None:
        yield Finding("adjustment.exclusions", "verify", path,
                      f"{head}；不计入的金额未列明，无法计算扣除后的调整率", numbers)
        return
    numbers["counted_adjustment_rate"] = r(counted)
    yield Finding("adjustment.exclusions", "verify", path,
                  f"{head}；若单位的说法成立，预算调整率按{fmt_rate(counted)}计", numbers,
                  overrides=(Override("adjustment_rate", counted, "按单位所述，扣除不计入预算调整的部分"),),
                  claim=_claim(rec))


def check_adjustment_explained(rec: DepartmentYear) -> Iterator[Finding]:
    adj = rec.adjustment
    if adj is None or adj.amount is None or adj.amount == 0:
        return
    if not (adj.purpose.strip() or adj.explanation.strip()):
        yield Finding("adjustment.unexplained", "verify", "adjustment.purpose",
                      f"年中调整{fmt_wan(adj.amount)}，报告未说明调整原因和用途，需核实", {"adjustment": d(adj.amount)})


# --- stated rates against the figures ----------------------------------------------------------

def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rate_agrees(stated: Decimal, computed: Decimal) -> bool:
    """A stated percentage agrees with the computed one when it is that value rounded (half-up) or cut at the
    stated number of decimals (95.1049… → 95.10 or 95.1; 35.9008… → 35.9)."""
    places = _places(stated)
    cut = computed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    return stated in (round_half_up(computed, places), cut)


def _stated(check_path: str, label: str, stated: Decimal, computed: Decimal | None, expr: str) -> Iterator[Finding]:
    if computed is None or rate_agrees(stated, computed):
        return
    yield Finding("rate.stated", "error", check_path,
                  f"{label}文中为{plain(stated)}%，按{expr}计算为{fmt_rate(computed)}，超出四舍五入的差异",
                  {"stated": d(stated), "computed": r(computed)})


def check_stated_rates(rec: DepartmentYear) -> Iterator[Finding]:
    """Stated rates (在职人员控制率, 自评表执行率, 楼堂馆所控制率, 同比增减幅度) against their own figures."""
    s = rec.staffing
    if s is not None and s.stated_control_rate is not None and s.actual is not None and s.approved:
        yield from _stated("staffing.stated_control_rate", "在职人员控制率", s.stated_control_rate,
                           rate(Decimal(s.actual), Decimal(s.approved)), f"实有人数{s.actual}人占编制数{s.approved}人的比例")
    for i, row in enumerate(rec.self_funds):
        base, base_label = (row.full_year, "全年预算") if row.full_year is not None else (row.initial, "年初预算")
        if row.stated_rate is None or row.executed is None or not base:
            continue
        yield from _stated(f"self_funds[{i}].stated_rate", f"自评表「{row.item}」执行率", row.stated_rate,
                           rate(row.executed, base), f"全年执行{fmt_wan(row.executed)}占{base_label}{fmt_wan(base)}的比例")
    b = rec.buildings
    if b is not None:
        if b.stated_area_control_rate is not None and b.actual_area is not None and b.approved_area:
            yield from _stated("buildings.stated_area_control_rate", "楼堂馆所规模控制率", b.stated_area_control_rate,
                               rate(b.actual_area, b.approved_area),
                               f"实际规模{plain(b.actual_area)}平方米占批复规模{plain(b.approved_area)}平方米的比例")
        if b.stated_investment_control_rate is not None and b.actual is not None and b.budget:
            yield from _stated("buildings.stated_investment_control_rate", "楼堂馆所投资概算控制率",
                               b.stated_investment_control_rate, rate(b.actual, b.budget),
                               f"实际投资{fmt_wan(b.actual)}占预算投资{fmt_wan(b.budget)}的比例")
    for i, ch in enumerate(rec.stated_changes):
        if ch.percent is None or ch.change is None or ch.current is None:
            continue
        previous = ch.current - ch.change
        if previous <= 0:
            continue
        yield from _stated(f"stated_changes[{i}].percent", f"「{ch.subject}」同比增减幅度", ch.percent,
                           rate(ch.change, previous),
                           f"增减额{fmt_wan(ch.change)}占上年{fmt_wan(previous)}（本年{fmt_wan(ch.current)}减去增减额）的比例")


# --- impossible percentages --------------------------------------------------------------------

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
        label = goal_label(gi, goal)
        for ii, ind in enumerate(goal.indicators):
            for key, what, q in (("target", "目标值", ind.target), ("actual", "实际值", ind.actual)):
                if q is not None and impossible_share(ind.name, q):
                    yield Finding("rate.impossible", "error", f"goals[{gi}].indicators[{ii}].{key}",
                                  f"{label}的指标「{ind.name}」{what}{quantity_words(q.value, q.unit, q.relation)}："
                                  "占比不可能超出0–100%", {"goal": label[2:], key: d(q.value)})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("rate", "各项比率重新计算；超出正常范围的单列", check_rates, {
        "rate.summary": "note（正常范围内的比率合为一条）",
        "rate.execution": "verify（低于90%）",
        "rate.public_control": "verify（超过100%）",
        "rate.sangong_control": "verify（超过100%）",
    }),
    CheckRule("rate.sangong_change", "三公经费比上年增加", check_sangong_change, {"rate.sangong_change": "verify"}),
    CheckRule("rate.stated", "文中所述比率与其数字不符", check_stated_rates, {"rate.stated": "error"}),
    CheckRule("rate.impossible", "占比类指标超出0–100%", check_impossible_rates, {"rate.impossible": "error"}),
    CheckRule("staffing.over", "实有人数超过编制数", check_staffing, {"staffing.over": "verify"}),
    CheckRule("personnel.above_approved", "人员经费超过批复10%以上", check_personnel,
              {"personnel.above_approved": "verify"}),
    CheckRule("adjustment.declared", "自述预算调整率、单位所列不计入预算调整的部分与数据对照", check_adjustment,
              {"adjustment.declared_zero": "verify（单位说明了不计入的理由）；error（未说明理由）",
               "adjustment.declared_mismatch": "error；verify（单位说明了不计入的理由、金额未列明）",
               "adjustment.exclusions": "verify（单位列出不计入预算调整的部分：扣除后与自述调整率一致，或未自述调整率）"}),
    CheckRule("adjustment.unexplained", "年中调整未说明原因", check_adjustment_explained,
              {"adjustment.unexplained": "verify"}),
)
