"""Figures computed from a department-year record: sums, rates, differences — only from stated values.

Everything a narrative, a table, a chart or a score needs is computed here once,
exactly (Decimal), so that every place shows the same number. **A figure whose
inputs are not all stated is None**: absent is never treated as zero, and a rate
with a zero or absent denominator is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from perfeval.model.numbers import money_sum, rate
from perfeval.model.schema import Amounts, DepartmentYear, Indicator, Project, Quantity
from perfeval.model.wording import result_met


def column(row: Amounts | None, key: str) -> Decimal | None:
    """One column of a row that may itself be absent."""
    return None if row is None else getattr(row, key)


def add(*values: Decimal | None) -> Decimal | None:
    """The exact sum, or None when any term is not stated."""
    if any(v is None for v in values):
        return None
    return money_sum([v for v in values if v is not None])


def sub(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """Exact percentage, None when either side is not stated or the denominator is 0."""
    if numerator is None or denominator is None:
        return None
    return rate(numerator, denominator)


def stated_sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the stated values; None when none is stated."""
    given = [v for v in values if v is not None]
    return money_sum(given) if given else None


@dataclass(frozen=True)
class ProjectFacts:
    index: int                      # position in the record (0-based)
    label: str                      # 项目N, as the page names it
    name: str
    budget: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None  # % (None unless both budget and actual are stated)
    managed_only: bool


@dataclass(frozen=True)
class Facts:
    """Derived figures of one department-year (percentages unrounded; None = not computable from the data)."""

    # 收入 and budget
    initial_budget: Decimal | None          # 年初预算 (财政拨款 budget column, else 收入合计 budget)
    adjustment: Decimal | None              # 年中调整 as stated
    adjusted_budget: Decimal | None         # 调整后预算: stated, else 年初预算 + 年中调整 when both stated
    adjusted_budget_stated: bool            # True when the report states it (not derived)
    income_actual: Decimal | None           # 财政拨款收入 (or 收入合计) actual
    # 支出
    expenditure_total: Decimal | None       # 支出合计 actual
    basic: Decimal | None
    personnel: Decimal | None
    public: Decimal | None
    project: Decimal | None
    expenditure_parts_sum: Decimal | None   # 人员 + 公用 + 项目, or 基本 + 项目 (the split the report gives)
    # rates
    execution_rate: Decimal | None          # 预算执行率 = 支出合计 ÷ 调整后预算
    adjustment_rate: Decimal | None         # 预算调整率 (gross) = 年中调整 ÷ 年初预算
    counted_adjustment: Decimal | None      # 年中调整 − stated carry-over − stated exclusions (when all amounts stated)
    counted_adjustment_rate: Decimal | None
    fiscal_carryover_rate: Decimal | None   # 财政拨款结转结余 ÷ 调整后预算
    public_control_rate: Decimal | None     # 公用经费 actual ÷ budget (批复商品服务支出)
    personnel_over_budget_rate: Decimal | None  # (人员经费 actual − budget) ÷ budget
    sangong_budget: Decimal | None
    sangong_actual: Decimal | None
    sangong_previous: Decimal | None
    sangong_control_rate: Decimal | None    # 三公 actual ÷ budget
    sangong_change_rate: Decimal | None     # (本年 − 上年) ÷ 上年 (actuals)
    staffing_control_rate: Decimal | None   # 实有人数 ÷ 编制数
    # shares of the expenditure split, all over the same denominator (the split's own sum)
    personnel_share: Decimal | None
    public_share: Decimal | None
    basic_share: Decimal | None
    project_share: Decimal | None
    projects: tuple[ProjectFacts, ...]
    own_projects_budget_total: Decimal | None       # projects that are the department's own budget
    managed_projects_budget_total: Decimal | None   # funds it only manages (代管)
    own_project_execution_rate: Decimal | None      # Σ actual ÷ Σ budget over own projects with both stated
    self_score_total: Decimal | None        # sum of the unit's level-1 self-scores (None when none stated)
    self_score_weight_total: Decimal | None

    @property
    def expenditure_split(self) -> dict[str, Decimal]:
        """The split the report gives, label → amount; its sum is ``expenditure_parts_sum`` (one denominator)."""
        return split_of(self.personnel, self.public, self.basic, self.project)


def project_facts(index: int, project: Project) -> ProjectFacts:
    number = project.number if project.number is not None else index + 1
    return ProjectFacts(
        index=index, label=f"项目{number}", name=project.name, budget=project.budget, actual=project.actual,
        execution_rate=ratio(project.actual, project.budget), managed_only=project.managed_only,
    )


def split_of(personnel: Decimal | None, public: Decimal | None, basic: Decimal | None,
             project: Decimal | None) -> dict[str, Decimal]:
    """The expenditure split the report gives (人员/公用/项目 when all three are stated, else 基本/项目)."""
    if personnel is not None and public is not None and project is not None:
        return {"人员经费": personnel, "公用经费": public, "项目支出": project}
    if basic is not None and project is not None:
        return {"基本支出": basic, "项目支出": project}
    return {}


def compute(rec: DepartmentYear) -> Facts:
    inc, exp, adj, sg = rec.income, rec.expenditure, rec.adjustment, rec.sangong
    appropriation = inc.appropriation if inc is not None else None
    total_income = inc.total if inc is not None else None
    initial = column(appropriation, "budget")
    if initial is None:
        initial = column(total_income, "budget")
    adjustment = adj.amount if adj is not None else None
    stated_adjusted = column(appropriation, "adjusted")
    if stated_adjusted is None:
        stated_adjusted = column(total_income, "adjusted")
    adjusted = stated_adjusted if stated_adjusted is not None else add(initial, adjustment)
    income_actual = column(appropriation, "actual")
    if income_actual is None:
        income_actual = column(total_income, "actual")

    expenditure_total = column(exp.total, "actual") if exp is not None else None
    basic = column(exp.basic, "actual") if exp is not None else None
    personnel = column(exp.personnel, "actual") if exp is not None else None
    public = column(exp.public, "actual") if exp is not None else None
    project = column(exp.project, "actual") if exp is not None else None
    parts = split_of(personnel, public, basic, project)
    split = money_sum(list(parts.values())) if parts else None

    counted: Decimal | None = None
    if adj is not None and adjustment is not None:
        deductions: list[Decimal | None] = [e.amount for e in adj.exclusions]
        if adj.carryover_mentioned or adj.carryover is not None:
            deductions.append(adj.carryover)
        counted = adjustment if not deductions else sub(adjustment, add(*deductions))

    carry = rec.carryover
    sangong_total = sg.total if sg is not None else None
    staffing = rec.staffing
    own = [p for p in rec.projects if not p.managed_only]
    managed = [p for p in rec.projects if p.managed_only]
    paired = [p for p in own if p.budget is not None and p.actual is not None]
    level1 = [s for s in rec.self_scores if s.level == 1]
    public_budget = column(exp.public, "budget") if exp is not None else None
    personnel_budget = column(exp.personnel, "budget") if exp is not None else None
    return Facts(
        initial_budget=initial,
        adjustment=adjustment,
        adjusted_budget=adjusted,
        adjusted_budget_stated=stated_adjusted is not None,
        income_actual=income_actual,
        expenditure_total=expenditure_total,
        basic=basic, personnel=personnel, public=public, project=project,
        expenditure_parts_sum=split,
        execution_rate=ratio(expenditure_total, adjusted),
        adjustment_rate=ratio(adjustment, initial),
        counted_adjustment=counted,
        counted_adjustment_rate=ratio(counted, initial),
        fiscal_carryover_rate=ratio(carry.fiscal if carry is not None else None, adjusted),
        public_control_rate=ratio(public, public_budget),
        personnel_over_budget_rate=ratio(sub(personnel, personnel_budget), personnel_budget),
        sangong_budget=column(sangong_total, "budget"),
        sangong_actual=column(sangong_total, "actual"),
        sangong_previous=column(sangong_total, "previous"),
        sangong_control_rate=ratio(column(sangong_total, "actual"), column(sangong_total, "budget")),
        sangong_change_rate=ratio(sub(column(sangong_total, "actual"), column(sangong_total, "previous")),
                                  column(sangong_total, "previous")),
        staffing_control_rate=(None if staffing is None or staffing.actual is None or staffing.approved is None
                               else ratio(Decimal(staffing.actual), Decimal(staffing.approved))),
        personnel_share=ratio(personnel, split),
        public_share=ratio(public, split),
        basic_share=ratio(basic, split),
        project_share=ratio(project, split),
        projects=tuple(project_facts(i, p) for i, p in enumerate(rec.projects)),
        own_projects_budget_total=stated_sum(p.budget for p in own),
        managed_projects_budget_total=stated_sum(p.budget for p in managed),
        own_project_execution_rate=(ratio(money_sum([p.actual for p in paired if p.actual is not None]),
                                          money_sum([p.budget for p in paired if p.budget is not None]))
                                    if paired else None),
        self_score_total=stated_sum(s.score for s in level1),
        self_score_weight_total=stated_sum(s.weight for s in level1),
    )


def indicator_met(indicator: Indicator) -> bool | None:
    """Whether a goal indicator met its target (None when target or actual is missing)."""
    target, actual = indicator.target, indicator.actual
    if target is None or actual is None:
        return None
    # An actual stated only as a bound open in the direction the target limits cannot be judged
    # ("≥3" against "≤5", "<95" against "≥90").
    if target.relation in ("<=", "<") and actual.relation in (">=", ">", "多", "余"):
        return None
    if target.relation in (">=", ">") and actual.relation in ("<=", "<"):
        return None
    return quantity_meets(actual, target)


def qualitative_met(indicator: Indicator) -> bool | None:
    """The qualitative rule: an indicator without a numeric target whose result is stated in words
    ("同比均有所提高", "未全部完成") is judged by those words as the unit wrote them, negation and double negation
    included (:func:`perfeval.model.wording.result_met`). None when there is a numeric target (the quantitative
    rule), no result in words, or words that leave the result open (需核实: it counts neither way)."""
    text = (indicator.actual_text or "").strip()
    if indicator.target is not None or indicator.actual is not None or not text:
        return None
    return result_met(text)


def qualitative_unclear(indicator: Indicator) -> bool:
    """A result stated only in words that do not say whether the target was reached (基本完成, 正在推进)."""
    text = (indicator.actual_text or "").strip()
    return indicator.target is None and indicator.actual is None and bool(text) and result_met(text) is None


def achieved(indicator: Indicator) -> bool | None:
    """Met by its figures (:func:`indicator_met`), else by the qualitative rule, else None (cannot tell)."""
    met = indicator_met(indicator)
    return met if met is not None else qualitative_met(indicator)


def quantity_meets(actual: Quantity, target: Quantity) -> bool:
    """Compare an achieved value with a target, honouring the relations.

    ``≤``/``<`` targets are met at or below the value (an actual stated as "≤5%" meets
    "≤5%"); ``≥``/``>`` targets at or above it (an actual written "400多" counts as its
    value); an ``=`` count target is met when reached, a zero target (no incidents)
    when not exceeded.
    """
    a, t = actual.value, target.value
    if target.relation in ("<=", "<"):
        return a < t if (target.relation == "<" and actual.relation not in ("<", "<=")) else a <= t
    if target.relation in (">=", ">", "多", "余"):
        return a > t if (target.relation == ">" and actual.relation not in (">", ">=", "多", "余")) else a >= t
    return a <= t if t == 0 else a >= t
