"""Figures computed from a department-year record: sums, rates, differences.

Everything a narrative, a table, a chart or a score needs is computed here once,
exactly (Decimal), so that every place shows the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfeval.model.numbers import money_sum, rate
from perfeval.model.schema import DepartmentYear, Indicator, Project, Quantity


@dataclass(frozen=True)
class ProjectFacts:
    number: int
    name: str
    budget: Decimal
    actual: Decimal | None
    execution_rate: Decimal | None  # % (None when no actual amount is stated)


@dataclass(frozen=True)
class Facts:
    """Derived figures of one department-year (percentages unrounded)."""

    adjusted_budget: Decimal          # 调整后预算 = 年初预算 + 年中调整
    income_sum: Decimal               # 年初 + 调整, to compare with the stated total
    expenditure_sum: Decimal          # 基本 + 项目
    basic_sum: Decimal                # 人员 + 公用
    approved_basic_sum: Decimal       # 批复 人员 + 商品服务
    approved_expenditure_sum: Decimal  # 批复 基本 + 项目
    execution_rate: Decimal | None    # 预算执行率 = 支出 ÷ 调整后预算
    adjustment_rate: Decimal | None   # 预算调整率 = 年中调整 ÷ 年初预算
    carryover_total: Decimal          # 财政拨款 + 非财政拨款 (two kinds of money: shown apart, never as one rate)
    fiscal_carryover_rate: Decimal | None  # 财政拨款结转结余率 = 财政拨款结转结余 ÷ 调整后预算
    public_control_rate: Decimal | None  # 公用经费控制率 = 实际公用 ÷ 批复商品服务
    sangong_budget_items_sum: Decimal
    sangong_actual_items_sum: Decimal
    sangong_control_rate: Decimal | None  # 三公经费控制率 = 实际 ÷ 预算
    sangong_change_rate: Decimal | None   # 三公经费变动率 (needs last year's actual)
    personnel_share: Decimal | None   # 人员经费 ÷ 总支出
    public_share: Decimal | None
    project_share: Decimal | None
    projects: tuple[ProjectFacts, ...]
    projects_budget_total: Decimal
    self_score_total: Decimal
    self_score_weight_total: Decimal


def project_facts(project: Project) -> ProjectFacts:
    return ProjectFacts(
        number=project.number,
        name=project.name,
        budget=project.budget,
        actual=project.actual,
        execution_rate=None if project.actual is None else rate(project.actual, project.budget),
    )


def compute(rec: DepartmentYear) -> Facts:
    inc, exp, app, sg = rec.income, rec.expenditure, rec.approved_budget, rec.sangong
    adjusted = inc.initial_budget + inc.adjustment
    carry = rec.carryover.fiscal + rec.carryover.non_fiscal
    previous = sg.previous_actual
    return Facts(
        adjusted_budget=adjusted,
        income_sum=inc.initial_budget + inc.adjustment,
        expenditure_sum=exp.basic.total + exp.project,
        basic_sum=exp.basic.personnel + exp.basic.public,
        approved_basic_sum=app.basic.personnel + app.basic.goods_services,
        approved_expenditure_sum=app.basic.total + app.project,
        execution_rate=rate(exp.total, adjusted),
        adjustment_rate=rate(inc.adjustment, inc.initial_budget),
        carryover_total=carry,
        fiscal_carryover_rate=rate(rec.carryover.fiscal, adjusted),
        public_control_rate=rate(exp.basic.public, app.basic.goods_services),
        sangong_budget_items_sum=money_sum([v for v in sg.budget.items().values() if v is not None]),
        sangong_actual_items_sum=money_sum([v for v in sg.actual.items().values() if v is not None]),
        sangong_control_rate=rate(sg.actual.total, sg.budget.total),
        sangong_change_rate=None if previous is None else rate(sg.actual.total - previous.total, previous.total),
        personnel_share=rate(exp.basic.personnel, exp.total),
        public_share=rate(exp.basic.public, exp.total),
        project_share=rate(exp.project, exp.total),
        projects=tuple(project_facts(p) for p in rec.projects),
        projects_budget_total=money_sum([p.budget for p in rec.projects]),
        self_score_total=money_sum([s.score for s in rec.self_scores]),
        self_score_weight_total=money_sum([s.weight for s in rec.self_scores]),
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
