"""Data checks a reviewer applies to a department-year record.

Each check is a named rule with a fixed severity (error / warning / note) that
yields :class:`perfeval.findings.Finding` objects carrying the field path and
the numbers involved (exact decimal text; percentages rounded half-up to two
decimals). :data:`CHECKS` lists them; :func:`run_checks` runs them all.

Sums use a tolerance of 0.01 万元: a non-zero difference within it is a
rounding ``note`` (1339.41 + 255.88 = 1595.29 against a stated 1595.3), a larger
one an ``error``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator

from pydantic import BaseModel

from perfeval.model import compute
from perfeval.review.findings import SEVERITY_ORDER, Finding
from perfeval.model.numbers import fmt_rate, fmt_wan, money_sum, plain, rate, round_rate
from perfeval.model import SANGONG_ITEMS, DepartmentYear, SangongAmounts
from perfeval.review.scoring import indicator_met

TOLERANCE = Decimal("0.01")  # 万元
EXECUTION_THRESHOLD = Decimal(90)  # %
SLIP_RATIO = Decimal(1000)  # a value ≥ 1000× (or ≤ 1/1000 of) its comparable amounts: 元/万元 slip

CheckFn = Callable[[DepartmentYear], Iterator[Finding]]


@dataclass(frozen=True)
class CheckRule:
    """A data check: a name, a Chinese title, its function and the rule ids (→ severity) its findings carry."""

    name: str
    title: str
    fn: CheckFn
    rules: dict[str, str]   # rule id → severity (with the condition when it varies)


def _d(value: Decimal | None) -> str:
    """Exact decimal text for Finding.numbers ("" when absent)."""
    return "" if value is None else plain(value)


def _r(value: Decimal | None) -> str:
    """A percentage for Finding.numbers: rounded half-up to two decimals."""
    return "" if value is None else format(round_rate(value), "f")


# --- sums ------------------------------------------------------------------------------------

def _sum_finding(rule: str, path: str, label: str, stated: Decimal, parts: dict[str, tuple[str, Decimal]],
                 incomplete: str = "") -> Iterator[Finding]:
    """Compare a stated total with the sum of its parts (parts: key → (Chinese label, value))."""
    computed = money_sum([v for _, v in parts.values()])
    diff = stated - computed
    if diff == 0:
        return
    expr = " + ".join(f"{lab} {fmt_wan(v)}" for lab, v in parts.values())
    numbers = {**{k: _d(v) for k, (_, v) in parts.items()}, "computed": _d(computed), "stated": _d(stated),
               "difference": _d(diff)}
    if abs(diff) <= TOLERANCE:
        yield Finding(rule, "note", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，文中为 {fmt_wan(stated)}，相差 {fmt_wan(diff)}，"
                      f"在 0.01 万元容差内，属四舍五入差异", numbers)
    elif incomplete:
        yield Finding(rule, "warning", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，与合计 {fmt_wan(stated)} 相差 {fmt_wan(diff)}；"
                      f"{incomplete}", numbers)
    else:
        yield Finding(rule, "error", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，与文中合计 {fmt_wan(stated)} 相差 {fmt_wan(diff)}，"
                      f"超过 0.01 万元容差", numbers)


def check_sum_income(rec: DepartmentYear) -> Iterator[Finding]:
    inc = rec.income
    yield from _sum_finding("sum.income", "income.total", "财政拨款收入 = 年初预算 + 年中调整", inc.total,
                            {"initial_budget": ("年初预算", inc.initial_budget),
                             "adjustment": ("年中调整", inc.adjustment)})


def check_sum_expenditure(rec: DepartmentYear) -> Iterator[Finding]:
    exp = rec.expenditure
    yield from _sum_finding("sum.expenditure", "expenditure.total", "财政拨款支出 = 基本支出 + 项目支出", exp.total,
                            {"basic": ("基本支出", exp.basic.total), "project": ("项目支出", exp.project)})


def check_sum_basic(rec: DepartmentYear) -> Iterator[Finding]:
    b = rec.expenditure.basic
    yield from _sum_finding("sum.basic", "expenditure.basic.total", "基本支出 = 人员经费 + 公用经费", b.total,
                            {"personnel": ("人员经费", b.personnel), "public": ("公用经费", b.public)})


def check_sum_approved_income(rec: DepartmentYear) -> Iterator[Finding]:
    a = rec.approved_budget
    yield from _sum_finding("sum.approved_income", "approved_budget.income_total",
                            "批复预算收入 = 财政预算拨款 + 非税收入拨款 + 其他收入", a.income_total,
                            {"fiscal": ("财政预算拨款", a.fiscal), "non_tax": ("非税收入拨款", a.non_tax),
                             "other": ("其他收入", a.other)})


def check_sum_approved_expenditure(rec: DepartmentYear) -> Iterator[Finding]:
    a = rec.approved_budget
    yield from _sum_finding("sum.approved_expenditure", "approved_budget.expenditure_total",
                            "批复预算支出 = 基本支出 + 项目支出", a.expenditure_total,
                            {"basic": ("基本支出", a.basic.total), "project": ("项目支出", a.project)})


def check_sum_approved_basic(rec: DepartmentYear) -> Iterator[Finding]:
    b = rec.approved_budget.basic
    yield from _sum_finding("sum.approved_basic", "approved_budget.basic.total",
                            "批复基本支出 = 人员经费 + 商品服务支出", b.total,
                            {"personnel": ("人员经费", b.personnel), "goods_services": ("商品服务支出", b.goods_services)})


def _sangong_sum(rule: str, path: str, label: str, amounts: SangongAmounts | None) -> Iterator[Finding]:
    if amounts is None:
        return
    items = amounts.items()
    given = {k: (SANGONG_ITEMS[k], v) for k, v in items.items() if v is not None}
    if not given:
        return
    missing = [SANGONG_ITEMS[k] for k, v in items.items() if v is None]
    incomplete = f"文中未列出{'、'.join(missing)}，差额可能在未列出的项目中" if missing else ""
    yield from _sum_finding(rule, path, f"{label} = 各项之和", amounts.total, given, incomplete)


def check_sum_sangong(rec: DepartmentYear) -> Iterator[Finding]:
    sg = rec.sangong
    yield from _sangong_sum("sum.sangong", "sangong.budget.total", "三公经费预算", sg.budget)
    yield from _sangong_sum("sum.sangong", "sangong.actual.total", "三公经费实际支出", sg.actual)
    yield from _sangong_sum("sum.sangong", "sangong.previous_actual.total", "上年三公经费实际支出", sg.previous_actual)


def check_self_scores(rec: DepartmentYear) -> Iterator[Finding]:
    if not rec.self_scores:
        yield Finding("selfscore.missing", "warning", "self_scores", "未列出自评得分，无法与复核得分对照")
        return
    weights = money_sum([s.weight for s in rec.self_scores])
    total = money_sum([s.score for s in rec.self_scores])
    expr = " + ".join(f"{s.part} {_d(s.weight)}" for s in rec.self_scores)
    if weights != 100:
        yield Finding("selfscore.weights", "error", "self_scores",
                      f"自评指标分值合计 {_d(weights)}（{expr}），应为 100",
                      {"weights_total": _d(weights), "expected": "100"})
    yield Finding("selfscore.total", "note", "self_scores",
                  f"自评得分合计 {_d(total)} 分（分值合计 {_d(weights)} 分）",
                  {"score_total": _d(total), "weights_total": _d(weights)})


# --- rates ------------------------------------------------------------------------------------

def check_rates(rec: DepartmentYear) -> Iterator[Finding]:
    f = compute(rec)
    inc, exp = rec.income, rec.expenditure
    if f.execution_rate is not None:
        low = f.execution_rate < EXECUTION_THRESHOLD
        yield Finding("rate.execution", "warning" if low else "note", "expenditure.total",
                      f"预算执行率 {fmt_rate(f.execution_rate)}（实际支出 {fmt_wan(exp.total)} ÷ 调整后预算 "
                      f"{fmt_wan(f.adjusted_budget)}）" + ("，低于 90%" if low else ""),
                      {"expenditure": _d(exp.total), "adjusted_budget": _d(f.adjusted_budget),
                       "execution_rate": _r(f.execution_rate)})
    if f.adjustment_rate is not None:
        yield Finding("rate.adjustment", "note", "income.adjustment",
                      f"预算调整率 {fmt_rate(f.adjustment_rate)}（年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
                      f"{fmt_wan(inc.initial_budget)}）",
                      {"adjustment": _d(inc.adjustment), "initial_budget": _d(inc.initial_budget),
                       "adjustment_rate": _r(f.adjustment_rate)})
    if f.public_control_rate is not None:
        over = f.public_control_rate > 100
        yield Finding("rate.public_control", "warning" if over else "note", "expenditure.basic.public",
                      f"公用经费控制率 {fmt_rate(f.public_control_rate)}（实际公用经费 {fmt_wan(exp.basic.public)} ÷ "
                      f"批复商品服务支出 {fmt_wan(rec.approved_budget.basic.goods_services)}）"
                      + ("，超过预算" if over else ""),
                      {"public": _d(exp.basic.public), "goods_services": _d(rec.approved_budget.basic.goods_services),
                       "public_control_rate": _r(f.public_control_rate)})
    sg = rec.sangong
    if f.sangong_control_rate is not None:
        over = f.sangong_control_rate > 100
        yield Finding("rate.sangong_control", "warning" if over else "note", "sangong.actual.total",
                      f"三公经费控制率 {fmt_rate(f.sangong_control_rate)}（实际 {fmt_wan(sg.actual.total)} ÷ 预算 "
                      f"{fmt_wan(sg.budget.total)}）" + ("，超过预算" if over else "，未超预算"),
                      {"actual": _d(sg.actual.total), "budget": _d(sg.budget.total),
                       "sangong_control_rate": _r(f.sangong_control_rate)})
    if f.sangong_change_rate is not None and sg.previous_actual is not None:
        up = f.sangong_change_rate > 0
        yield Finding("rate.sangong_change", "warning" if up else "note", "sangong.actual.total",
                      f"三公经费变动率 {fmt_rate(f.sangong_change_rate)}（本年 {fmt_wan(sg.actual.total)}，上年 "
                      f"{fmt_wan(sg.previous_actual.total)}）" + ("，比上年增加" if up else ""),
                      {"actual": _d(sg.actual.total), "previous": _d(sg.previous_actual.total),
                       "sangong_change_rate": _r(f.sangong_change_rate)})
    if f.fiscal_carryover_rate is not None:
        yield Finding("rate.carryover", "note", "carryover.fiscal",
                      f"财政拨款结转结余率 {fmt_rate(f.fiscal_carryover_rate)}（财政拨款结转结余 "
                      f"{fmt_wan(rec.carryover.fiscal)} ÷ 调整后预算 {fmt_wan(f.adjusted_budget)}）；"
                      f"非财政拨款结转 {fmt_wan(rec.carryover.non_fiscal)} 另列，不计入该比率",
                      {"fiscal": _d(rec.carryover.fiscal), "non_fiscal": _d(rec.carryover.non_fiscal),
                       "adjusted_budget": _d(f.adjusted_budget), "carryover_rate": _r(f.fiscal_carryover_rate)})


def check_adjustment_declared(rec: DepartmentYear) -> Iterator[Finding]:
    """A declared adjustment rate that contradicts the data (declared 0 with a real adjustment)."""
    declared = rec.execution.declared_adjustment_rate
    inc = rec.income
    if declared is None:
        return
    computed = rate(inc.adjustment, inc.initial_budget)
    numbers = {"adjustment": _d(inc.adjustment), "initial_budget": _d(inc.initial_budget),
               "adjustment_rate": _r(computed), "declared_adjustment_rate": _d(declared)}
    if declared == 0 and inc.adjustment != 0:
        reason = (rec.other_notes or rec.execution.adjustment_explanation).strip()
        quoted = f"；单位的理由：“{reason[:80]}{'…' if len(reason) > 80 else ''}”，请复核能否不计入调整数" if reason else ""
        yield Finding("adjustment.declared_zero", "error", "execution.declared_adjustment_rate",
                      f"自述“预算调整率为零”，但年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
                      f"{fmt_wan(inc.initial_budget)} = {fmt_rate(computed)}{quoted}", numbers)
    elif computed is not None and abs(round_rate(computed) - declared) > TOLERANCE:
        yield Finding("adjustment.declared_mismatch", "error", "execution.declared_adjustment_rate",
                      f"自述预算调整率 {fmt_rate(declared)}，按年中调整 {fmt_wan(inc.adjustment)} ÷ 年初预算 "
                      f"{fmt_wan(inc.initial_budget)} 计算为 {fmt_rate(computed)}", numbers)


def check_adjustment_explained(rec: DepartmentYear) -> Iterator[Finding]:
    inc = rec.income
    if inc.adjustment != 0 and not (inc.adjustment_purpose.strip() or rec.execution.adjustment_explanation.strip()):
        yield Finding("adjustment.unexplained", "warning", "income.adjustment_purpose",
                      f"年中调整 {fmt_wan(inc.adjustment)}，未说明调整原因和用途",
                      {"adjustment": _d(inc.adjustment)})


_EXPLANATION_WORDS = ("原因", "结余", "结转", "未到位", "未拨付", "未使用", "未支出", "未执行", "调减", "取消",
                      "由于", "收回")


_FULL_CLAIMS = ("全部到位", "全部发放", "发放到位", "全部拨付", "足额到位")


def check_project_execution(rec: DepartmentYear) -> Iterator[Finding]:
    for i, p in enumerate(rec.projects):
        path = f"projects[{i}]"
        if p.actual is None:
            yield Finding("project.actual_missing", "note", f"{path}.actual",
                          f"项目{p.number}「{p.name}」预算 {fmt_wan(p.budget)}，未列明实际支出金额，无法计算执行率",
                          {"budget": _d(p.budget)})
            continue
        r = rate(p.actual, p.budget)
        if r is None or r >= EXECUTION_THRESHOLD:
            continue
        if any(word in p.description for word in _FULL_CLAIMS):
            yield Finding("project.claim_full", "warning", f"{path}.description",
                          f"项目{p.number}「{p.name}」说明称资金已全部到位或发放到位，但{p.actual_label} "
                          f"{fmt_wan(p.actual)} 仅为预算 {fmt_wan(p.budget)} 的 {fmt_rate(r)}，文字与数字不符",
                          {"actual": _d(p.actual), "budget": _d(p.budget), "execution_rate": _r(r)})
        if any(word in p.description for word in _EXPLANATION_WORDS):
            continue
        yield Finding("execution.project_below_90", "warning", f"{path}.actual",
                      f"项目{p.number}「{p.name}」执行率 {fmt_rate(r)}（{p.actual_label} {fmt_wan(p.actual)} ÷ 预算 "
                      f"{fmt_wan(p.budget)}），低于 90%，项目说明中未说明原因",
                      {"actual": _d(p.actual), "budget": _d(p.budget), "execution_rate": _r(r)})


# --- goals and problems ----------------------------------------------------------------------

def check_goals(rec: DepartmentYear) -> Iterator[Finding]:
    if not rec.goals:
        yield Finding("goal.missing", "warning", "goals", "未列出部门整体支出绩效目标")
        return
    for gi, goal in enumerate(rec.goals):
        path = f"goals[{gi}]"
        if not goal.completion.strip():
            yield Finding("goal.no_completion", "warning", f"{path}.completion",
                          f"目标{goal.number}没有完成情况说明", {"goal": str(goal.number)})
        for ii, ind in enumerate(goal.indicators):
            ipath = f"{path}.indicators[{ii}]"
            if ind.actual is None:
                yield Finding("goal.indicator_no_actual", "warning", f"{ipath}.actual",
                              f"目标{goal.number}的指标「{ind.name}」没有填报实际完成值", {"goal": str(goal.number)})
            elif indicator_met(ind) is False:
                assert ind.target is not None
                yield Finding("goal.indicator_not_met", "warning", f"{ipath}.actual",
                              f"目标{goal.number}的指标「{ind.name}」实际 {_d(ind.actual.value)}{ind.actual.unit} "
                              f"未达到目标 {ind.target.relation if ind.target.relation != '=' else ''}"
                              f"{_d(ind.target.value)}{ind.target.unit}",
                              {"goal": str(goal.number), "target": _d(ind.target.value), "actual": _d(ind.actual.value)})


def check_problems(rec: DepartmentYear) -> Iterator[Finding]:
    for i, p in enumerate(rec.problems):
        path = f"problems[{i}]"
        short = p.problem if len(p.problem) <= 20 else p.problem[:20] + "…"
        if not p.measures.strip():
            yield Finding("problem.no_measures", "warning", f"{path}.measures", f"问题「{short}」没有整改措施")
        if not p.responsible.strip():
            yield Finding("problem.no_responsible", "warning", f"{path}.responsible", f"问题「{short}」没有整改责任人")
        if p.deadline is None:
            yield Finding("problem.no_deadline", "warning", f"{path}.deadline", f"问题「{short}」没有整改完成时限")


# --- units (元/万元 slips) ---------------------------------------------------------------------

def _amount_groups(rec: DepartmentYear) -> list[tuple[str, list[tuple[str, str, Decimal]]]]:
    """Groups of amounts that should be of the same order of magnitude: (group label, [(path, label, value)])."""
    a = rec.approved_budget
    groups: list[tuple[str, list[tuple[str, str, Decimal]]]] = [
        ("年度总额", [
            ("unit.annual_budget", "年度预算金额", rec.unit.annual_budget),
            ("income.total", "财政拨款收入", rec.income.total),
            ("income.initial_budget", "年初预算拨款", rec.income.initial_budget),
            ("expenditure.total", "财政拨款支出", rec.expenditure.total),
            ("approved_budget.income_total", "批复预算收入", a.income_total),
            ("approved_budget.expenditure_total", "批复预算支出", a.expenditure_total),
        ]),
        ("基本支出", [
            ("expenditure.basic.total", "基本支出", rec.expenditure.basic.total),
            ("approved_budget.basic.total", "批复基本支出", a.basic.total),
        ]),
        ("人员经费", [
            ("expenditure.basic.personnel", "人员经费", rec.expenditure.basic.personnel),
            ("approved_budget.basic.personnel", "批复人员经费", a.basic.personnel),
        ]),
        ("三公经费合计", [
            ("sangong.budget.total", "三公经费预算", rec.sangong.budget.total),
            ("sangong.actual.total", "三公经费实际", rec.sangong.actual.total),
        ] + ([("sangong.previous_actual.total", "上年三公经费实际", rec.sangong.previous_actual.total)]
             if rec.sangong.previous_actual else [])),
    ]
    for i, p in enumerate(rec.projects):
        members = [(f"projects[{i}].budget", f"项目{p.number}预算", p.budget)]
        if p.actual is not None:
            members.append((f"projects[{i}].actual", f"项目{p.number}{p.actual_label}", p.actual))
        groups.append((f"项目{p.number}", members))
    return groups


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def check_unit_slips(rec: DepartmentYear) -> Iterator[Finding]:
    for label, members in _amount_groups(rec):
        for path, name, value in members:
            others = [v for p, _, v in members if p != path and v > 0]
            if value <= 0 or not others:
                continue
            ref = _median(others)
            ratio = value / ref
            # In a pair only the larger amount is suspect (an amount written in 元 is the larger one);
            # with two or more others, a value far below their median is flagged too.
            if ratio >= SLIP_RATIO or (ratio <= 1 / SLIP_RATIO and len(others) >= 2):
                side = "大" if ratio >= 1 else "小"
                factor = ratio if ratio >= 1 else 1 / ratio
                yield Finding("units.slip", "warning", path,
                              f"{name} {fmt_wan(value)} 比同组金额（{label}，中位数 {fmt_wan(ref)}）{side}约 "
                              f"{factor.quantize(Decimal(1))} 倍，疑为元与万元混用",
                              {"value": _d(value), "reference": _d(ref), "ratio": _d(ratio.quantize(Decimal("0.01")))})


# --- years and text -------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d.])(20\d{2})\s*年")
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx×]{2,})(?![A-Za-z])|…{2,}|\.{6,}|某某|○○|＊{2,}|\*{3,}")


def iter_text_fields(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every text field of a record with its path (e.g. ``goals[5].completion``)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        yield from _iter_value(value, path)


def _iter_value(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_text_fields(value, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _iter_value(item, f"{path}[{i}]")


def check_year_as_written(rec: DepartmentYear) -> Iterator[Finding]:
    written = rec.approved_budget.year_as_written
    if written is not None and written != rec.year:
        yield Finding("year.as_written", "warning", "approved_budget.year_as_written",
                      f"{rec.year} 年度报告中写作“{written} 年度批复”，与报告年度 {rec.year} 不一致",
                      {"year_as_written": str(written), "report_year": str(rec.year)})


def check_years_in_text(rec: DepartmentYear) -> Iterator[Finding]:
    """Years (20xx年) in text that differ from the report year; next year (plans, deadlines) is expected."""
    for path, text in iter_text_fields(rec):
        seen: set[int] = set()
        for match in _YEAR.finditer(text):
            year = int(match.group(1))
            if year in (rec.year, rec.year + 1) or year in seen:
                continue
            seen.add(year)
            start = max(0, match.start() - 12)
            context = text[start:match.end() + 12].replace("\n", " ")
            yield Finding("year.in_text", "note", path,
                          f"文中出现 {year} 年（“…{context}…”），与报告年度 {rec.year} 不同，请核实",
                          {"year": str(year), "report_year": str(rec.year)})


def check_placeholders(rec: DepartmentYear) -> Iterator[Finding]:
    for path, text in iter_text_fields(rec):
        match = _PLACEHOLDER.search(text)
        if match:
            yield Finding("text.placeholder", "warning", path,
                          f"文中有模板占位符“{match.group(0)}”，请替换为实际内容", {"placeholder": match.group(0)})


_SUM = "error（差额在 0.01 万元容差内为 note）"

CHECKS: tuple[CheckRule, ...] = (
    CheckRule("sum.income", "财政拨款收入 = 年初预算 + 年中调整", check_sum_income, {"sum.income": _SUM}),
    CheckRule("sum.expenditure", "财政拨款支出 = 基本支出 + 项目支出", check_sum_expenditure,
              {"sum.expenditure": _SUM}),
    CheckRule("sum.basic", "基本支出 = 人员经费 + 公用经费", check_sum_basic, {"sum.basic": _SUM}),
    CheckRule("sum.approved_income", "批复预算收入 = 各项收入之和", check_sum_approved_income,
              {"sum.approved_income": _SUM}),
    CheckRule("sum.approved_expenditure", "批复预算支出 = 基本支出 + 项目支出", check_sum_approved_expenditure,
              {"sum.approved_expenditure": _SUM}),
    CheckRule("sum.approved_basic", "批复基本支出 = 人员经费 + 商品服务支出", check_sum_approved_basic,
              {"sum.approved_basic": _SUM}),
    CheckRule("sum.sangong", "三公经费合计 = 各项之和", check_sum_sangong,
              {"sum.sangong": _SUM + "；有未列出的项目时为 warning"}),
    CheckRule("selfscore", "自评分值合计为 100，自评得分合计", check_self_scores,
              {"selfscore.missing": "warning", "selfscore.weights": "error", "selfscore.total": "note"}),
    CheckRule("rate", "各项比率重新计算", check_rates, {
        "rate.execution": "note（低于 90% 为 warning）",
        "rate.adjustment": "note",
        "rate.public_control": "note（超过 100% 为 warning）",
        "rate.sangong_control": "note（超过 100% 为 warning）",
        "rate.sangong_change": "note（比上年增加为 warning）",
        "rate.carryover": "note",
    }),
    CheckRule("adjustment.declared", "自述预算调整率与数据不符", check_adjustment_declared,
              {"adjustment.declared_zero": "error", "adjustment.declared_mismatch": "error"}),
    CheckRule("adjustment.unexplained", "年中调整未说明原因", check_adjustment_explained,
              {"adjustment.unexplained": "warning"}),
    CheckRule("execution.projects", "项目执行率低于 90% 未说明原因；项目未列明实际支出；称全部到位而实际不足",
              check_project_execution,
              {"execution.project_below_90": "warning", "project.actual_missing": "note",
               "project.claim_full": "warning"}),
    CheckRule("goal", "目标缺少完成情况，指标缺少实际值或未达成", check_goals, {
        "goal.missing": "warning", "goal.no_completion": "warning", "goal.indicator_no_actual": "warning",
        "goal.indicator_not_met": "warning"}),
    CheckRule("problem", "问题缺少整改措施、责任人或时限", check_problems, {
        "problem.no_measures": "warning", "problem.no_responsible": "warning", "problem.no_deadline": "warning"}),
    CheckRule("units.slip", "金额与同组金额相差约 1 万倍（元与万元混用）", check_unit_slips, {"units.slip": "warning"}),
    CheckRule("year.as_written", "批复年度与报告年度不一致", check_year_as_written, {"year.as_written": "warning"}),
    CheckRule("year.in_text", "文中年份与报告年度不一致", check_years_in_text, {"year.in_text": "note"}),
    CheckRule("text.placeholder", "模板占位符未替换", check_placeholders, {"text.placeholder": "warning"}),
)

#: Every rule id a finding may carry, with its severity.
RULE_IDS: dict[str, str] = {rule: severity for check in CHECKS for rule, severity in check.rules.items()}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; stable within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def run_checks(rec: DepartmentYear, source: str = "") -> list[Finding]:
    """Run every check on a record; findings sorted by severity (errors first)."""
    found: list[Finding] = []
    for check in CHECKS:
        for finding in check.fn(rec):
            if source and not finding.source:
                finding = Finding(finding.rule, finding.severity, finding.path, finding.message, finding.numbers,
                                  source)
            found.append(finding)
    return sort_findings(found)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
