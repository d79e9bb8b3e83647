"""Typed records of one department-year (部门整体支出绩效评价 data).

Each field carries its Chinese label as ``title`` so that validation errors can
name both the key and the label a finance analyst knows. Money is ``Decimal`` in
万元 (see :mod:`perfeval.model.numbers`); nothing here is ever a binary float.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from perfeval.model.numbers import finite_decimal, parse_amount, parse_date

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _wan_in(value: object) -> object:
    if isinstance(value, str):
        return parse_amount(value)
    return finite_decimal(value)


#: A non-negative amount in 万元, exact. Text such as "1,234.5", "１２３４.５" or "1234.5万元" is read
#: when unambiguous (see :func:`perfeval.model.numbers.parse_amount`).
Wan = Annotated[Decimal, BeforeValidator(_wan_in), Field(ge=0, allow_inf_nan=False)]
#: Longest text a field may hold (the longest field of a real report is a few thousand characters).
MAX_TEXT_CHARS = 20_000
#: Characters no text field may hold: control characters other than tab and line breaks, and the two
#: non-characters. Word and Excel files cannot carry them, and they are invisible to a reader.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _no_control_characters(value: str) -> str:
    found = CONTROL_CHARACTERS.search(value)
    if found:
        raise ValueError(f"文本含不可见的控制字符 U+{ord(found.group()):04X}（第 {found.start() + 1} 个字符），请删除 "
                         "(control character in text)")
    return value


#: A text field: at most MAX_TEXT_CHARS characters (a longer value is a paste error, not a report),
#: no control characters (see CONTROL_CHARACTERS).
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS), AfterValidator(_no_control_characters)]

#: A calendar date (see :func:`perfeval.model.numbers.parse_date` for the accepted forms).
Date = Annotated[dt.date, BeforeValidator(parse_date)]

#: A measured value (count, percentage, …), exact.
Number = Annotated[Decimal, BeforeValidator(finite_decimal), Field(allow_inf_nan=False)]


class Record(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop data)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Unit(Record):
    name: Text = Field(title="单位名称", min_length=1)
    supervisor: Text = Field(title="主管部门", min_length=1)
    annual_budget: Wan = Field(title="年度预算金额")


Relation = Literal["=", ">=", "<=", ">", "<", "约", "多", "余"]


class Quantity(Record):
    """A target or achieved value of a goal indicator, e.g. ``≥15 件`` or ``400多 篇``."""

    value: Number = Field(title="数值")
    unit: Text = Field(title="计量单位", default="")
    relation: Relation = Field(title="关系", default="=")


class Indicator(Record):
    name: Text = Field(title="指标名称", min_length=1)
    category: Literal["产出", "效果", "满意度"] = Field(title="指标类别", default="产出")
    target: Quantity | None = Field(title="目标值", default=None)
    actual: Quantity | None = Field(title="实际完成值", default=None)

    @field_validator("actual")
    @classmethod
    def _same_unit(cls, actual: Quantity | None, info: ValidationInfo) -> Quantity | None:
        # A field validator (not a model one) so that the error names the field: actual (实际完成值).
        target = info.data.get("target")
        if target is not None and actual is not None and target.unit != actual.unit:
            raise ValueError(
                f"目标值单位「{target.unit}」与实际完成值单位「{actual.unit}」不一致 "
                "(target and actual units differ)"
            )
        return actual


class Goal(Record):
    number: int = Field(title="目标序号", ge=1)
    text: Text = Field(title="绩效目标", min_length=1)
    completion_title: Text = Field(title="完成情况标题", default="")
    completion: Text = Field(title="完成情况", default="")
    indicators: list[Indicator] = Field(title="绩效指标", default_factory=list)


class Income(Record):
    total: Wan = Field(title="财政拨款收入")
    initial_budget: Wan = Field(title="年初预算拨款")
    adjustment: Decimal = Field(title="年中调整预算数")
    adjustment_purpose: Text = Field(title="调整用途", default="")


class BasicSpending(Record):
    total: Wan = Field(title="基本支出合计")
    personnel: Wan = Field(title="人员经费")
    public: Wan = Field(title="公用经费")


class Expenditure(Record):
    total: Wan = Field(title="财政拨款支出")
    basic: BasicSpending = Field(title="基本支出")
    project: Wan = Field(title="项目支出")


class ApprovedBasic(Record):
    total: Wan = Field(title="基本支出")
    personnel: Wan = Field(title="人员经费")
    goods_services: Wan = Field(title="商品服务支出")


class ApprovedBudget(Record):
    approver: Text = Field(title="批复机关", default="")
    year_as_written: int | None = Field(
        title="文中批复年度", default=None,
        description="The year the source text gives for the approval, when it differs from the report year.",
    )
    income_total: Wan = Field(title="预算收入总数")
    fiscal: Wan = Field(title="财政预算拨款")
    non_tax: Wan = Field(title="非税收入拨款", default=Decimal(0))
    other: Wan = Field(title="其他收入", default=Decimal(0))
    expenditure_total: Wan = Field(title="预算支出总数")
    basic: ApprovedBasic = Field(title="基本支出")
    project: Wan = Field(title="项目支出")
    project_note: Text = Field(title="项目支出说明", default="")


SANGONG_ITEMS: dict[str, str] = {
    "overseas": "因公出国（境）费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}


class SangongAmounts(Record):
    """三公经费 by item; an item the source does not mention is None (not zero)."""

    total: Wan = Field(title="三公经费合计")
    overseas: Wan | None = Field(title="因公出国（境）费", default=None)
    vehicle_purchase: Wan | None = Field(title="公务用车购置费", default=None)
    vehicle_operation: Wan | None = Field(title="公务用车运行维护费", default=None)
    reception: Wan | None = Field(title="公务接待费", default=None)

    def items(self) -> dict[str, Decimal | None]:
        return {key: getattr(self, key) for key in SANGONG_ITEMS}


class Sangong(Record):
    budget: SangongAmounts = Field(title="三公经费预算")
    actual: SangongAmounts = Field(title="三公经费实际支出")
    previous_actual: SangongAmounts | None = Field(title="上年三公经费实际支出", default=None)


class Carryover(Record):
    fiscal: Wan = Field(title="财政拨款结转结余")
    non_fiscal: Wan = Field(title="非财政拨款结转结余")


class Execution(Record):
    """The unit's own statements about budget execution (claims a reviewer checks)."""

    declared_adjustment_rate: Decimal | None = Field(title="自述预算调整率", default=None)
    adjustment_explanation: Text = Field(title="预算调整说明", default="")
    balance_statement: Text = Field(title="收支情况说明", default="")


class Management(Record):
    budget_management: Text = Field(title="预算管理情况", default="")
    lottery_fund: Wan | None = Field(title="市级福彩公益金项目资金", default=None)
    large_projects_statement: Text = Field(title="50万元以上项目说明", default="")
    asset_management: Text = Field(title="资产管理情况", default="")
    outcome_statement: Text = Field(title="效果产出情况", default="")


class SelfScore(Record):
    part: Text = Field(title="评价指标", min_length=1)
    weight: Number = Field(title="分值", ge=0)
    score: Number = Field(title="自评得分", ge=0)
    reason: Text = Field(title="得分说明", default="")

    @field_validator("score")
    @classmethod
    def _within_weight(cls, score: Decimal, info: ValidationInfo) -> Decimal:
        # A field validator so that the error names the field: score (自评得分).
        weight = info.data.get("weight")
        if weight is not None and score > weight:
            raise ValueError(f"自评得分 {score} 超过分值 {weight} (score above weight)")
        return score


class ProjectOutput(Record):
    name: Text = Field(title="产出名称", min_length=1)
    value: Number | None = Field(title="数量", default=None)
    unit: Text = Field(title="计量单位", default="")
    relation: Relation = Field(title="关系", default="=")
    amount: Wan | None = Field(title="金额", default=None)


class Project(Record):
    number: int = Field(title="项目序号", ge=1)
    name: Text = Field(title="项目名称", min_length=1)
    budget: Wan = Field(title="预算安排")
    actual: Wan | None = Field(title="实际支出", default=None)
    actual_label: Text = Field(title="实际支出口径", default="实际支出")
    # Funds the department only manages or passes on (代管资金, e.g. a 社保民生 budget it
    # disburses): shown apart and never scored as the department's own budget execution.
    managed_only: bool = Field(title="代管资金", default=False,
                               description="True when the unit only manages or passes on these funds")
    description: Text = Field(title="项目完成情况", default="")
    outputs: list[ProjectOutput] = Field(title="主要产出", default_factory=list)


class Problem(Record):
    problem: Text = Field(title="存在的问题", min_length=1)
    cause: Text = Field(title="原因分析", default="")
    measures: Text = Field(title="整改措施", default="")
    responsible: Text = Field(title="整改责任人", default="")
    deadline: Date | None = Field(title="整改完成时限", default=None)


class DepartmentYear(Record):
    """The complete record of one department's evaluation year."""

    code: str = Field(title="部门代码", pattern=CODE_PATTERN, max_length=64)
    year: int = Field(title="评价年度", ge=2000, le=2100)
    demo: bool = Field(title="示例数据", default=False)
    title: Text = Field(title="报告标题", default="")
    unit: Unit = Field(title="部门概况")
    duties: list[Text] = Field(title="单位基本职能", min_length=1)
    long_term_plan: Text = Field(title="长期规划", default="")
    annual_plan: Text = Field(title="年度计划", default="")
    goals: list[Goal] = Field(title="部门整体支出绩效目标", default_factory=list)
    income: Income = Field(title="收入情况")
    expenditure: Expenditure = Field(title="支出情况")
    approved_budget: ApprovedBudget = Field(title="财政部门预算批复情况")
    sangong: Sangong = Field(title="三公经费")
    carryover: Carryover = Field(title="结转结余")
    execution: Execution = Field(title="预算执行情况说明", default_factory=Execution)
    management: Management = Field(title="预算与资产管理情况", default_factory=Management)
    self_scores: list[SelfScore] = Field(title="自评得分", default_factory=list)
    projects: list[Project] = Field(title="50万元以上项目", default_factory=list)
    problems: list[Problem] = Field(title="存在的问题及改进措施", default_factory=list)
    other_notes: Text = Field(title="其他需要说明问题", default="")

    @field_validator("code")
    @classmethod
    def _code_ascii(cls, value: str) -> str:
        if not re.fullmatch(CODE_PATTERN, value):
            raise ValueError("部门代码只能使用小写字母、数字和连字符 (lowercase ASCII letters, digits, hyphens)")
        return value

    @field_validator("goals", "projects")
    @classmethod
    def _numbers_unique(cls, items: list[Goal] | list[Project], info: ValidationInfo) -> list[Goal] | list[Project]:
        # Per field, so that the error names it: goals (部门整体支出绩效目标) or projects (50万元以上项目).
        label = "目标序号" if info.field_name == "goals" else "项目序号"
        numbers = [item.number for item in items]
        dupes = sorted({n for n in numbers if numbers.count(n) > 1})
        if dupes:
            raise ValueError(f"{label}重复: {dupes} (duplicate numbers)")
        return items

    @property
    def report_title(self) -> str:
        return self.title or f"{self.year}年{self.unit.name}部门整体支出绩效评价报告"

    @property
    def self_score_total(self) -> Decimal:
        return sum((s.score for s in self.self_scores), Decimal(0))
