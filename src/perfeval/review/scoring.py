"""Recompute indicator scores of a department-year under an indicator framework.

Inputs (the figures a rule scores) are named functions of a record, listed in
:data:`INPUTS`; a framework file names them. Each leaf indicator gets its input
values, its rule, a score rounded half-up to 0.01 and one line of Chinese saying
how the score was reached. Parents sum their children; the total drops
not-applicable indicators and rescales the rest to 100; the grade follows the
MoF bands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Literal

from perfeval.review import rules
from perfeval.model import compute, indicator_met, quantity_meets  # noqa: F401 - re-exported
from perfeval.model.numbers import fmt_rate, fmt_score, fmt_wan, money_sum, rate
from perfeval.model import DepartmentYear, Indicator

if TYPE_CHECKING:  # pragma: no cover
    from perfeval.review.frameworks import Framework, IndicatorSpec

InputKind = Literal["percent", "bool", "tier"]


@dataclass(frozen=True)
class InputValue:
    """One input of an indicator, as computed from the record."""

    name: str                                   # registry name, e.g. "adjustment_rate"
    label: str                                  # Chinese label, e.g. "预算调整率"
    kind: InputKind
    value: Decimal | bool | str | None          # None: no data
    detail: str = ""                            # how it was computed, e.g. "年中调整 855.52 万元 ÷ 年初预算 2373.85 万元"

    @property
    def display(self) -> str:
        """The value as shown to readers (36.04%, 是/否, 达成 …; — when missing)."""
        if self.value is None:
            return "—"
        if self.kind == "percent":
            assert isinstance(self.value, Decimal)
            return fmt_rate(self.value)
        if self.kind == "bool":
            return "是" if self.value else "否"
        return rules.TIER_LABELS.get(str(self.value), str(self.value))

    @property
    def text(self) -> str:
        """Display value with its derivation in brackets."""
        return f"{self.display}（{self.detail}）" if self.detail else self.display


@dataclass(frozen=True)
class InputSpec:
    label: str
    kind: InputKind
    compute: Callable[[DepartmentYear], tuple[Decimal | bool | str | None, str]]
    description: str = ""


# --- input functions ---------------------------------------------------------------

def _pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return rate(numerator, denominator)


def _execution_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return f.execution_rate, f"实际支出 {fmt_wan(rec.expenditure.total)} ÷ 调整后预算 {fmt_wan(f.adjusted_budget)}"


def _adjustment_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return f.adjustment_rate, f"年中调整 {fmt_wan(rec.income.adjustment)} ÷ 年初预算 {fmt_wan(rec.income.initial_budget)}"


def _fiscal_carryover_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return f.fiscal_carryover_rate, f"财政拨款结转结余 {fmt_wan(rec.carryover.fiscal)} ÷ 调整后预算 {fmt_wan(f.adjusted_budget)}"


def _carryover_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return _pct(f.carryover_total, f.adjusted_budget), f"结转结余合计 {fmt_wan(f.carryover_total)} ÷ 调整后预算 {fmt_wan(f.adjusted_budget)}"


def _public_control_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return f.public_control_rate, (
        f"实际公用经费 {fmt_wan(rec.expenditure.basic.public)} ÷ 批复商品服务支出 "
        f"{fmt_wan(rec.approved_budget.basic.goods_services)}")


def _sangong_control_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    return f.sangong_control_rate, (
        f"三公经费实际 {fmt_wan(rec.sangong.actual.total)} ÷ 预算 {fmt_wan(rec.sangong.budget.total)}")


def _sangong_change_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    f = compute(rec)
    previous = rec.sangong.previous_actual
    if previous is None:
        return None, "缺少上年三公经费实际支出"
    return f.sangong_change_rate, (
        f"（本年 {fmt_wan(rec.sangong.actual.total)} − 上年 {fmt_wan(previous.total)}）÷ 上年 {fmt_wan(previous.total)}")


def _project_execution_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    stated = [p for p in rec.projects if p.actual is not None]
    if not stated:
        return None, "没有列明实际支出的项目"
    actual = money_sum([p.actual for p in stated if p.actual is not None])
    budget = money_sum([p.budget for p in stated])
    return _pct(actual, budget), (
        f"{len(stated)} 个列明实际支出的项目：实际 {fmt_wan(actual)} ÷ 预算 {fmt_wan(budget)}")


def _project_actual_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    total = len(rec.projects)
    stated = sum(1 for p in rec.projects if p.actual is not None)
    if total == 0:
        return None, "没有列出 50 万元以上项目"
    return _pct(Decimal(stated), Decimal(total)), f"{total} 个项目中 {stated} 个列明实际支出"


def _all_indicators(rec: DepartmentYear) -> list[Indicator]:
    return [ind for goal in rec.goals for ind in goal.indicators]


def _goal_completion_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    total = len(rec.goals)
    if total == 0:
        return None, "没有绩效目标"
    done = sum(1 for g in rec.goals if g.completion.strip())
    return _pct(Decimal(done), Decimal(total)), f"{total} 个绩效目标中 {done} 个有完成情况说明"


def _indicator_actual_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    inds = _all_indicators(rec)
    if not inds:
        return None, "没有绩效指标"
    stated = sum(1 for i in inds if i.actual is not None)
    return _pct(Decimal(stated), Decimal(len(inds))), f"{len(inds)} 个绩效指标中 {stated} 个填报实际值"


def _indicator_target_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    inds = _all_indicators(rec)
    if not inds:
        return None, "没有绩效指标"
    stated = sum(1 for i in inds if i.target is not None)
    return _pct(Decimal(stated), Decimal(len(inds))), f"{len(inds)} 个绩效指标中 {stated} 个有量化目标值"


def _indicator_met_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    judged = [m for m in (indicator_met(i) for i in _all_indicators(rec)) if m is not None]
    if not judged:
        return None, "没有同时列明目标值和实际值的绩效指标"
    met = sum(1 for m in judged if m)
    return _pct(Decimal(met), Decimal(len(judged))), f"{len(judged)} 个有目标值和实际值的指标中 {met} 个达成"


def _verifiable_goal_share(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    total = len(rec.goals)
    if total == 0:
        return None, "没有绩效目标"
    verifiable = sum(1 for g in rec.goals if any(indicator_met(i) is not None for i in g.indicators))
    return _pct(Decimal(verifiable), Decimal(total)), (
        f"{total} 个绩效目标中 {verifiable} 个至少有一个可对照目标值核验的指标")


def _satisfaction_rate(rec: DepartmentYear) -> tuple[Decimal | None, str]:
    found = [i for i in _all_indicators(rec)
             if i.category == "满意度" and i.actual is not None and i.actual.unit == "%"]
    if not found:
        return None, "没有以百分比填报的满意度指标"
    lowest = min(found, key=lambda i: i.actual.value if i.actual else Decimal(0))
    assert lowest.actual is not None
    return lowest.actual.value, f"{len(found)} 个满意度指标中最低为「{lowest.name}」"


def _mentions(getter: Callable[[DepartmentYear], str], *keywords: str) -> Callable[[DepartmentYear], tuple[bool, str]]:
    def compute_mention(rec: DepartmentYear) -> tuple[bool, str]:
        text = getter(rec)
        hit = next((k for k in keywords if k in text), None)
        if hit:
            return True, f"文中写明「{hit}」"
        return False, "文中未见「" + "」「".join(keywords) + "」"
    return compute_mention


def _problems_all(attr: str, label: str) -> Callable[[DepartmentYear], tuple[bool, str]]:
    def compute_problems(rec: DepartmentYear) -> tuple[bool, str]:
        if not rec.problems:
            return False, "未列出存在的问题"
        missing = [p for p in rec.problems if not getattr(p, attr)]
        if missing:
            return False, f"{len(rec.problems)} 个问题中 {len(missing)} 个缺少{label}"
        return True, f"{len(rec.problems)} 个问题均列明{label}"
    return compute_problems


def _adjustment_reporting(rec: DepartmentYear) -> tuple[str, str]:
    """met: no adjustment, or adjustment explained and the declared rate (if any) agrees with the data;
    partly: adjustment explained but the declared rate contradicts it; not_met: unexplained."""
    f = compute(rec)
    adjustment = rec.income.adjustment
    explained = bool(rec.execution.adjustment_explanation.strip() or rec.income.adjustment_purpose.strip())
    declared = rec.execution.declared_adjustment_rate
    if adjustment == 0:
        return "met", "无年中预算调整"
    computed = f.adjustment_rate
    agrees = declared is None or (computed is not None and abs(rules.round_score(computed) - declared) <= Decimal("0.01"))
    if explained and agrees:
        return "met", f"年中调整 {fmt_wan(adjustment)} 已说明用途"
    if explained:
        return "partly", (f"年中调整 {fmt_wan(adjustment)} 已说明用途，但自述预算调整率 {fmt_rate(declared)}"
                          f" 与实际 {fmt_rate(computed)} 不符")
    return "not_met", f"年中调整 {fmt_wan(adjustment)} 未说明原因"


def _m(rec: DepartmentYear) -> str:
    return rec.management.budget_management


INPUTS: dict[str, InputSpec] = {
    "execution_rate": InputSpec("预算执行率", "percent", _execution_rate, "实际支出 ÷ 调整后预算"),
    "adjustment_rate": InputSpec("预算调整率", "percent", _adjustment_rate, "年中调整数 ÷ 年初预算"),
    "fiscal_carryover_rate": InputSpec("财政拨款结转结余率", "percent", _fiscal_carryover_rate,
                                       "财政拨款结转结余 ÷ 调整后预算"),
    "carryover_rate": InputSpec("结转结余率", "percent", _carryover_rate,
                                "（财政拨款 + 非财政拨款）结转结余 ÷ 调整后预算"),
    "public_control_rate": InputSpec("公用经费控制率", "percent", _public_control_rate,
                                     "实际公用经费 ÷ 批复商品服务支出"),
    "sangong_control_rate": InputSpec("三公经费控制率", "percent", _sangong_control_rate, "三公实际 ÷ 三公预算"),
    "sangong_change_rate": InputSpec("三公经费变动率", "percent", _sangong_change_rate, "（本年 − 上年）÷ 上年"),
    "project_execution_rate": InputSpec("项目预算执行率", "percent", _project_execution_rate,
                                        "列明实际支出的项目：实际合计 ÷ 预算合计"),
    "project_actual_share": InputSpec("项目实际支出披露率", "percent", _project_actual_share,
                                      "列明实际支出的项目数 ÷ 项目数"),
    "goal_completion_share": InputSpec("目标完成情况说明率", "percent", _goal_completion_share,
                                       "有完成情况说明的目标数 ÷ 目标数"),
    "indicator_actual_share": InputSpec("绩效指标实际值填报率", "percent", _indicator_actual_share,
                                        "填报实际值的指标数 ÷ 指标数"),
    "indicator_target_share": InputSpec("绩效指标量化率", "percent", _indicator_target_share,
                                        "有量化目标值的指标数 ÷ 指标数"),
    "indicator_met_share": InputSpec("绩效指标达成率", "percent", _indicator_met_share,
                                     "达成目标值的指标数 ÷ 同时有目标值和实际值的指标数"),
    "verifiable_goal_share": InputSpec("可核验目标占比", "percent", _verifiable_goal_share,
                                       "至少有一个可对照目标值核验的指标的目标数 ÷ 目标数"),
    "satisfaction_rate": InputSpec("满意度", "percent", _satisfaction_rate, "满意度指标（%）中的最低值"),
    "finance_rules_stated": InputSpec("制定内部财务管理制度", "bool", _mentions(_m, "财务管理制度")),
    "separate_accounting_stated": InputSpec("专项支出单独核算", "bool", _mentions(_m, "单独核算")),
    "disclosure_stated": InputSpec("按规定公开预算、决算、绩效信息", "bool", _mentions(_m, "公开")),
    "procurement_stated": InputSpec("应采尽采，执行政府采购", "bool", _mentions(_m, "政府采购")),
    "asset_rules_stated": InputSpec("制定资产管理制度", "bool",
                                    _mentions(lambda r: r.management.asset_management, "资产管理制度")),
    "asset_rules_compliant_stated": InputSpec("资产管理制度合法合规完整", "bool",
                                              _mentions(lambda r: r.management.asset_management, "合法", "合规")),
    "problem_measures_stated": InputSpec("问题均有整改措施", "bool", _problems_all("measures", "整改措施")),
    "problem_responsible_stated": InputSpec("问题均有整改责任人", "bool", _problems_all("responsible", "整改责任人")),
    "problem_deadline_stated": InputSpec("问题均有整改完成时限", "bool", _problems_all("deadline", "整改完成时限")),
    "adjustment_reporting": InputSpec("预算调整规范性", "tier", _adjustment_reporting,
                                      "调整有说明且自述调整率与数据一致为达成；有说明但自述调整率不符为部分达成；未说明为未达成"),
}


def input_value(name: str, rec: DepartmentYear) -> InputValue:
    spec = INPUTS[name]
    value, detail = spec.compute(rec)
    return InputValue(name=name, label=spec.label, kind=spec.kind, value=value, detail=detail)


# --- scores ------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorScore:
    """The recomputed score of one indicator (any level)."""

    code: str
    name: str
    level: int
    parent: str | None          # parent code
    weight: Decimal
    rule: str | None            # None for a parent (sum of its children)
    rule_label: str
    inputs: tuple[InputValue, ...]
    score: Decimal | None       # rounded to 0.01; None when not applicable
    explanation: str
    criteria: str = ""

    @property
    def applicable(self) -> bool:
        return self.score is not None

    @property
    def lost(self) -> Decimal:
        """Points below the weight (0 when not applicable)."""
        return Decimal(0) if self.score is None else self.weight - self.score


@dataclass(frozen=True)
class ScoreResult:
    framework: "Framework"
    code: str
    year: int
    unit_name: str
    indicators: tuple[IndicatorScore, ...]  # pre-order: level 1, its level 2, their level 3 …
    raw_total: Decimal                      # sum of applicable scores
    applicable_weight: Decimal              # sum of applicable leaf weights
    total: Decimal                          # raw_total rescaled to 100, rounded to 0.01
    grade: rules.Grade
    notes: tuple[str, ...] = field(default_factory=tuple)

    def level(self, n: int) -> list[IndicatorScore]:
        return [i for i in self.indicators if i.level == n]

    def by_code(self, code: str) -> IndicatorScore:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def leaves(self) -> list[IndicatorScore]:
        return [i for i in self.indicators if i.rule is not None]

    def children(self, code: str) -> list[IndicatorScore]:
        return [i for i in self.indicators if i.parent == code]

    def descendants_leaves(self, code: str) -> list[IndicatorScore]:
        out: list[IndicatorScore] = []
        for child in self.children(code):
            out.extend([child] if child.rule is not None else self.descendants_leaves(child.code))
        return out


def _bound_text(value: Decimal) -> str:
    """A threshold as written in a framework: 100 → "100%", 5.5 → "5.5%"."""
    return fmt_score(value) + "%"


def _score_leaf(spec: "IndicatorSpec", rec: DepartmentYear) -> IndicatorScore:
    rule = spec.rule
    assert rule is not None
    w = spec.weight
    p = spec.params
    head = spec.name
    values: list[InputValue]
    score: Decimal | None
    if rule == "checklist":
        values = [input_value(item.input, rec) for item in spec.items]
        checks = [rules.Check(item.name, item.points, bool(v.value)) for item, v in zip(spec.items, values)]
        exact = rules.checklist(checks, w)
        score = rules.round_score(exact)
        parts = [f"{c.name}：{'是' if c.passed else '否'}（{'+' if c.passed else '0/'}{fmt_score(c.points)}）"
                 for c in checks]
        explanation = f"{head}：" + "；".join(parts) + f"，得 {fmt_score(score)}/{fmt_score(w)} 分"
        return _leaf(spec, values, score, explanation)

    assert spec.input is not None
    value = input_value(spec.input, rec)
    values = [value]
    if value.kind == "tier":
        shown = f"{head}：{value.detail}" if value.detail else head
    elif value.label == head:
        shown = f"{head} {value.text}"
    else:
        shown = f"{head}：{value.label} {value.text}"
    if value.value is None:
        if spec.missing == "na":
            return _leaf(spec, values, None, f"{shown}，无数据，不适用，剔除后其余指标按 100 分折算")
        return _leaf(spec, values, Decimal(0), f"{shown}，无数据，得 0/{fmt_score(w)} 分")

    if rule == "qualitative":
        fractions = p.get("fractions") or {}
        if value.kind == "percent":
            assert isinstance(value.value, Decimal)
            tier = rules.tier_of(value.value, p["met_at"], p["partly_at"])
            how = (f"{'不低于' if tier != 'not_met' else '低于'} "
                   f"{_bound_text(p['met_at'] if tier == 'met' else p['partly_at'])}，")
        elif value.kind == "bool":
            tier = "met" if value.value else "not_met"
            how = ""
        else:
            tier = str(value.value)  # type: ignore[assignment]
            how = ""
        table = {**rules.DEFAULT_TIER_FRACTIONS, **fractions}
        score = rules.round_score(rules.qualitative(tier, w, fractions))  # type: ignore[arg-type]
        explanation = (f"{shown}，{how}评为{rules.TIER_LABELS[tier]}，按分值的 "
                       f"{fmt_score(table[tier] * 100)}% 得 {fmt_score(score)}/{fmt_score(w)} 分")
        return _leaf(spec, values, score, explanation)

    assert isinstance(value.value, Decimal)
    x = value.value
    if rule == "proportional":
        target = p["target"]
        score = rules.round_score(rules.proportional(x, target, w))
        if x >= target:
            how = f"达到目标 {_bound_text(target)}，得 {fmt_score(score)}/{fmt_score(w)} 分"
        else:
            how = f"低于目标 {_bound_text(target)}，按比例得 {fmt_score(score)}/{fmt_score(w)} 分"
    elif rule == "reverse":
        target = p["target"]
        score = rules.round_score(rules.reverse(x, target, w))
        if x <= target:
            how = f"不高于 {_bound_text(target)}，得 {fmt_score(score)}/{fmt_score(w)} 分"
        else:
            how = f"高于 {_bound_text(target)}，按 {_bound_text(target)} ÷ 实际值得 {fmt_score(score)}/{fmt_score(w)} 分"
    elif rule == "deduction":
        threshold, per_point, direction = p["threshold"], p["per_point"], p.get("direction", "over")
        score = rules.round_score(rules.deduction(x, threshold, per_point, w, direction))
        beyond = rules.points_beyond(x, threshold, direction)
        side = "超过" if direction == "over" else "低于"
        if beyond == 0:
            how = f"未{side} {_bound_text(threshold)}，得 {fmt_score(score)}/{fmt_score(w)} 分"
        else:
            how = (f"{side} {_bound_text(threshold)} {fmt_score(rules.round_score(beyond))} 个百分点，"
                   f"每个百分点扣 {fmt_score(per_point)} 分，得 {fmt_score(score)}/{fmt_score(w)} 分")
    elif rule == "banded":
        direction = p.get("direction", "at_most")
        otherwise = p.get("otherwise", Decimal(0))
        band, _points = rules.band_points(x, p["bands"], direction, otherwise)
        score = rules.round_score(rules.banded(x, p["bands"], w, direction, otherwise))
        if band is not None:
            word = "不高于" if direction == "at_most" else "不低于"
            how = f"{word} {_bound_text(band.bound)}，得 {fmt_score(score)}/{fmt_score(w)} 分"
        else:
            last = p["bands"][-1].bound
            word = "高于" if direction == "at_most" else "低于"
            how = f"{word} {_bound_text(last)}，得 {fmt_score(score)}/{fmt_score(w)} 分"
    else:  # pragma: no cover - frameworks are validated on load
        raise ValueError(f"unknown rule {rule!r}")
    return _leaf(spec, values, score, f"{shown}，{how}")


def _leaf(spec: "IndicatorSpec", values: list[InputValue], score: Decimal | None, explanation: str) -> IndicatorScore:
    assert spec.rule is not None
    return IndicatorScore(
        code=spec.code, name=spec.name, level=spec.level, parent=spec.parent, weight=spec.weight,
        rule=spec.rule, rule_label=rules.RULE_LABELS[spec.rule], inputs=tuple(values), score=score,
        explanation=explanation, criteria=spec.criteria,
    )


def _score_node(spec: "IndicatorSpec", rec: DepartmentYear, out: list[IndicatorScore]) -> IndicatorScore:
    if spec.rule is not None:
        result = _score_leaf(spec, rec)
        out.append(result)
        return result
    slot = len(out)
    out.append(None)  # type: ignore[arg-type]  # placeholder keeps pre-order
    children = [_score_node(child, rec, out) for child in spec.children]
    applicable = [c for c in children if c.score is not None]
    score = money_sum([c.score for c in applicable if c.score is not None]) if applicable else None
    lost = [c for c in children if c.score is not None and c.lost > 0]
    na = [c for c in children if c.score is None]
    parts = [f"{c.name}扣 {fmt_score(c.lost)} 分" for c in lost] + [f"{c.name}不适用" for c in na]
    explanation = (f"{spec.name}：下级指标合计 {fmt_score(score)}/{fmt_score(spec.weight)} 分"
                   + ("（" + "；".join(parts) + "）" if parts else "（无扣分）"))
    node = IndicatorScore(
        code=spec.code, name=spec.name, level=spec.level, parent=spec.parent, weight=spec.weight,
        rule=None, rule_label="下级指标得分合计", inputs=(), score=score, explanation=explanation,
        criteria=spec.criteria,
    )
    out[slot] = node
    return node


def score(rec: DepartmentYear, framework: "Framework") -> ScoreResult:
    """Recompute every indicator of ``framework`` from the record."""
    out: list[IndicatorScore] = []
    for top in framework.indicators:
        _score_node(top, rec, out)
    leaves = [i for i in out if i.rule is not None]
    applicable = [i for i in leaves if i.score is not None]
    raw = money_sum([i.score for i in applicable if i.score is not None])
    weight = money_sum([i.weight for i in applicable])
    total = rules.round_score(rules.rescale(raw, weight))
    notes: list[str] = []
    if weight != rules.HUNDRED:
        dropped = [i.name for i in leaves if i.score is None]
        notes.append(f"不适用指标（{'、'.join(dropped)}）共 {fmt_score(rules.HUNDRED - weight)} 分已剔除，"
                     f"其余指标得分 {fmt_score(raw)}/{fmt_score(weight)} 按 100 分折算为 {fmt_score(total)} 分")
    return ScoreResult(
        framework=framework, code=rec.code, year=rec.year, unit_name=rec.unit.name,
        indicators=tuple(out), raw_total=raw, applicable_weight=weight, total=total,
        grade=rules.grade(total), notes=tuple(notes),
    )


# --- comparison with the unit's self-score --------------------------------------------------

@dataclass(frozen=True)
class SelfComparison:
    part: str
    weight: Decimal                 # framework weight (or the self-score's weight when unmatched)
    self_score: Decimal | None
    recomputed: Decimal | None
    difference: Decimal | None      # recomputed − self
    explanation: str


def compare_self_scores(result: ScoreResult, rec: DepartmentYear) -> list[SelfComparison]:
    """Level-1 indicators next to the unit's self-scores (matched by name), each difference explained."""
    own = {s.part: s for s in rec.self_scores}
    rows: list[SelfComparison] = []
    for top in result.level(1):
        mine = own.pop(top.name, None)
        self_score = None if mine is None else mine.score
        diff = None if (mine is None or top.score is None) else top.score - mine.score
        rows.append(SelfComparison(top.name, top.weight, self_score, top.score, diff,
                                   _explain_difference(result, top, mine.weight if mine else None, self_score, diff)))
    for part, mine in own.items():
        rows.append(SelfComparison(part, mine.weight, mine.score, None, None,
                                   f"自评指标「{part}」不在 {result.framework.name} 指标体系的一级指标中，无法对应复核"))
    return rows


def _explain_difference(result: ScoreResult, top: IndicatorScore, self_weight: Decimal | None,
                        self_score: Decimal | None, diff: Decimal | None) -> str:
    leaves = result.descendants_leaves(top.code)
    lost = [leaf for leaf in leaves if leaf.score is not None and leaf.lost > 0]
    na = [leaf for leaf in leaves if leaf.score is None]
    reasons = "；".join([f"{leaf.name}扣 {fmt_score(leaf.lost)} 分" for leaf in lost]
                       + [f"{leaf.name}不适用" for leaf in na])
    if self_score is None:
        head = "单位未就此项自评"
        return head + ("；复核扣分：" + reasons if reasons else "；复核无扣分")
    weight_note = ""
    if self_weight is not None and self_weight != top.weight:
        weight_note = f"（自评分值 {fmt_score(self_weight)} 与指标体系分值 {fmt_score(top.weight)} 不同）"
    if diff is None:
        return f"复核不适用{weight_note}"
    if diff == 0:
        return f"复核与自评一致{weight_note}" + (f"；复核扣分：{reasons}" if reasons else "")
    if diff < 0:
        return f"复核比自评低 {fmt_score(-diff)} 分{weight_note}：" + (reasons or "见下级指标")
    return f"复核比自评高 {fmt_score(diff)} 分{weight_note}" + (f"；复核扣分：{reasons}" if reasons else "")
