"""Compute indicator scores of a department-year under an indicator framework.

Each leaf indicator gets its input values (:mod:`perfeval.review.inputs`), its
rule shape's score (:mod:`perfeval.review.shapes`) rounded half-up to 0.01, and
one line of Chinese saying how the score was reached. An indicator whose input
is absent is not applicable: it is dropped and the total rescaled to 100.
Parents sum their children. ``coverage`` is the applicable leaf weight ÷ the
total leaf weight; below :data:`MIN_COVERAGE` no grade is given (数据不足，不予评级), and with
nothing applicable there is no total either (``total`` is None, never 0).

Our score is a computation from published data (测算得分), not the finance
bureau's evaluation, unless the framework declares itself official.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Mapping, Sequence

from perfeval.model.numbers import HUNDRED, fmt_rate, fmt_score, money_sum, plain, round_score
from perfeval.model import DepartmentYear
import perfeval.review.rules as rules
from perfeval.review.findings import Override
from perfeval.review.frameworks import Framework, IndicatorSpec, rule_label
from perfeval.review.inputs import InputValue, input_value
from perfeval.review.shapes import NOT_APPLICABLE, NOT_APPLICABLE_UNGRADED

#: Below this share of applicable weight the total gets no grade.
MIN_COVERAGE = Decimal("0.6")
#: The sentence that goes with every computed score.
DISCLAIMER = "本测算依据公开数据按本书指标体系计算，不代表财政部门的正式评价结果。"


def _two(score: Decimal | None) -> str:
    """A computed score as readers see it: two decimals (83.5 → "83.50")."""
    return "—" if score is None else plain(round_score(score))


@dataclass(frozen=True)
class IndicatorScore:
    """The computed score of one indicator (any level)."""

    code: str
    name: str
    level: int
    parent: str | None          # parent code
    weight: Decimal
    rule: str | None            # rule shape; None for a parent (sum of its children)
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
    framework: Framework
    code: str
    year: int
    unit_name: str
    indicators: tuple[IndicatorScore, ...]  # pre-order: level 1, its level 2, their level 3 …
    raw_total: Decimal                      # sum of applicable scores
    applicable_weight: Decimal              # sum of applicable leaf weights
    total: Decimal | None                   # raw_total rescaled to 100, rounded to 0.01 (None when nothing applies)
    grade: rules.Grade | None               # None when coverage < MIN_COVERAGE (数据不足，不予评级)
    notes: tuple[str, ...] = field(default_factory=tuple)
    coverage: Decimal = Decimal(1)          # applicable leaf weight ÷ total leaf weight
    overrides: tuple[Override, ...] = ()    # inputs taken as resolved in the unit's favour (sensitivity runs)

    @property
    def shown_total(self) -> Decimal | None:
        """The total a reader is shown: None without a grade. A total rescaled from under 60% of the weight
        (say 100.00 from the one indicator of 12 points a partial record allows) would read as a score
        nobody can stand behind; JSON keeps ``total`` with its ``coverage``, the pages do not show it."""
        return self.total if self.grade is not None else None

    @property
    def label(self) -> str:
        """What the score is called: 测算得分 (复核得分 only under an official framework)."""
        return self.framework.score_label

    @property
    def graded(self) -> bool:
        return self.grade is not None

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


def _score_leaf(spec: IndicatorSpec, rec: DepartmentYear, overrides: Mapping[str, Override]) -> IndicatorScore:
    shape = spec.shape
    assert shape is not None and spec.rule is not None
    values = [input_value(name, rec, overrides) for name in shape.inputs()]
    exact = shape.score(values, spec.weight)
    score = None if exact is None else round_score(exact)
    return IndicatorScore(
        code=spec.code, name=spec.name, level=spec.level, parent=spec.parent, weight=spec.weight,
        rule=spec.rule, rule_label=rule_label(spec), inputs=tuple(values), score=score,
        explanation=shape.explain(spec.name, values, spec.weight, score), criteria=spec.criteria,
    )


def _score_node(spec: IndicatorSpec, rec: DepartmentYear, overrides: Mapping[str, Override],
                out: list[IndicatorScore | None]) -> IndicatorScore:
    if spec.rule is not None:
        result = _score_leaf(spec, rec, overrides)
        out.append(result)
        return result
    slot = len(out)
    out.append(None)  # placeholder keeps pre-order
    children = [_score_node(child, rec, overrides, out) for child in spec.children]
    applicable = [c for c in children if c.score is not None]
    score = money_sum([c.score for c in applicable if c.score is not None]) if applicable else None
    lost = [c for c in children if c.score is not None and c.lost > 0]
    na = [c for c in children if c.score is None]
    parts = [f"{c.name}扣{_two(c.lost)}分" for c in lost] + [f"{c.name}不适用" for c in na]
    explanation = (f"{spec.name}：下级指标合计得{_two(score)}分（满分{fmt_score(spec.weight)}分）"
                   + ("，" + "；".join(parts) if parts else "，无扣分"))
    node = IndicatorScore(
        code=spec.code, name=spec.name, level=spec.level, parent=spec.parent, weight=spec.weight,
        rule=None, rule_label=rule_label(spec), inputs=(), score=score, explanation=explanation,
        criteria=spec.criteria,
    )
    out[slot] = node
    return node


def score(rec: DepartmentYear, framework: Framework, overrides: Sequence[Override] = ()) -> ScoreResult:
    """Compute every indicator of ``framework`` from the record.

    ``overrides`` replace inputs by their value "if resolved in the unit's favour" (see
    :mod:`perfeval.review.sensitivity`); without them the score uses the data as they are.
    """
    by_input = {o.input: o for o in overrides}
    slots: list[IndicatorScore | None] = []
    for top in framework.indicators:
        _score_node(top, rec, by_input, slots)
    out = [i for i in slots if i is not None]
    leaves = [i for i in out if i.rule is not None]
    applicable = [i for i in leaves if i.score is not None]
    raw = money_sum([i.score for i in applicable if i.score is not None])
    weight = money_sum([i.weight for i in applicable])
    full = money_sum([i.weight for i in leaves])
    coverage = weight / full if full else Decimal(0)
    total = round_score(rules.rescale(raw, weight)) if weight > 0 else None
    grade: rules.Grade | None = rules.grade(total) if total is not None and coverage >= MIN_COVERAGE else None
    notes: list[str] = []
    if total is None:
        notes.append("所有指标均缺少所需数据，均不适用：不计算总分，不予评级")
    elif weight != full:
        dropped = [i.name for i in leaves if i.score is None]
        # Without a grade the rescaled total is not stated in words (it is not shown on the pages either).
        rescaled = f"，按100分折算为{_two(total)}分" if grade is not None else ""
        notes.append(f"不适用指标（{'、'.join(dropped)}）共{fmt_score(full - weight)}分已剔除，"
                     f"其余指标得分{_two(raw)}分（满分{fmt_score(weight)}分）{rescaled}")
    if grade is None:
        # Nothing is rescaled on an ungraded page: the leaves say "不适用，已剔除", not "按100分折算".
        out = [replace(i, explanation=i.explanation.replace(NOT_APPLICABLE, NOT_APPLICABLE_UNGRADED))
               if i.rule is not None and i.score is None else i for i in out]
    if grade is None and total is not None:
        notes.append(f"适用指标分值合计{fmt_score(weight)}分，覆盖率{fmt_rate(coverage * HUNDRED)}，"
                     f"低于{fmt_rate(MIN_COVERAGE * HUNDRED)}，数据不足，不予评级")
    return ScoreResult(
        framework=framework, code=rec.code, year=rec.year, unit_name=rec.unit.name,
        indicators=tuple(out), raw_total=raw, applicable_weight=weight, total=total,
        grade=grade, notes=tuple(notes), coverage=coverage, overrides=tuple(overrides),
    )


# --- comparison with the unit's self-score --------------------------------------------------

@dataclass(frozen=True)
class SelfComparison:
    part: str
    weight: Decimal | None          # framework weight (or the self-score's weight when unmatched; None if not stated)
    self_score: Decimal | None
    recomputed: Decimal | None
    difference: Decimal | None      # recomputed − self; None when the self-score table does not total 100
    explanation: str


def self_scores_comparable(rec: DepartmentYear) -> bool:
    """The unit's self-score table can be compared with ours only when its level-1 weights are all stated and
    total 100."""
    level1 = [s for s in rec.self_scores if s.level == 1]
    return (bool(level1) and all(s.weight is not None for s in level1)
            and money_sum([s.weight for s in level1 if s.weight is not None]) == HUNDRED)


def self_total(rec: DepartmentYear) -> Decimal | None:
    """The unit's own total score: as the report states it, else the sum of its level-1 scores when the table is
    complete (weights total 100) and every level-1 score is stated; None otherwise (a partial table has no total)."""
    if rec.self_score_total is not None:
        return rec.self_score_total
    level1 = [s for s in rec.self_scores if s.level == 1]
    if not self_scores_comparable(rec) or any(s.score is None for s in level1):
        return None
    return money_sum([s.score for s in level1 if s.score is not None])


def compare_self_scores(result: ScoreResult, rec: DepartmentYear) -> list[SelfComparison]:
    """Level-1 indicators next to the unit's level-1 self-scores (matched by name), each difference explained.

    When the unit's table does not total 100 (a partial table), it is shown as it stands: no difference
    is derived from it.
    """
    label = result.label
    comparable = self_scores_comparable(rec)
    level1 = [s for s in rec.self_scores if s.level == 1]
    weights = money_sum([s.weight for s in level1 if s.weight is not None])
    own = {s.part: s for s in level1}
    rows: list[SelfComparison] = []
    for top in result.level(1):
        mine = own.pop(top.name, None)
        self_score = None if mine is None else mine.score
        diff = (None if (self_score is None or top.score is None or not comparable)
                else top.score - self_score)
        if rec.self_scores and not comparable:
            blank = any(s.weight is None for s in level1)
            why = ("单位自评表未列全一级指标分值，不作对照" if blank or not level1
                   else f"单位自评表分值合计{fmt_score(weights)}分，不是100分，不作对照")
        else:
            why = _explain_difference(result, top, mine.weight if mine else None, self_score, diff, label)
        rows.append(SelfComparison(top.name, top.weight, self_score, top.score, diff, why))
    for part, mine in own.items():
        rows.append(SelfComparison(part, mine.weight, mine.score, None, None,
                                   f"自评指标「{part}」不在“{result.framework.title}”的一级指标中，无法对应{label}"))
    return rows


def _explain_difference(result: ScoreResult, top: IndicatorScore, self_weight: Decimal | None,
                        self_score: Decimal | None, diff: Decimal | None, label: str) -> str:
    word = label[:2]    # 测算 / 复核
    leaves = result.descendants_leaves(top.code)
    lost = [leaf for leaf in leaves if leaf.score is not None and leaf.lost > 0]
    na = [leaf for leaf in leaves if leaf.score is None]
    reasons = "；".join([f"{leaf.name}扣{_two(leaf.lost)}分" for leaf in lost]
                       + [f"{leaf.name}不适用" for leaf in na])
    if self_score is None:
        return "单位未就此项自评" + (f"；{word}扣分：" + reasons if reasons else f"；{word}无扣分")
    weight_note = ""
    if self_weight is not None and self_weight != top.weight:
        weight_note = f"（自评分值{fmt_score(self_weight)}分，指标体系分值{fmt_score(top.weight)}分）"
    if diff is None:
        return f"{word}不适用{weight_note}"
    if diff == 0:
        return f"{word}与自评一致{weight_note}" + (f"；{word}扣分：{reasons}" if reasons else "")
    if diff < 0:
        return f"{word}比自评低{_two(-diff)}分{weight_note}：" + (reasons or "见下级指标")
    return f"{word}比自评高{_two(diff)}分{weight_note}" + (f"；{word}扣分：{reasons}" if reasons else "")
