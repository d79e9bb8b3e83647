"""Typed records of one department-year (部门整体支出绩效评价 data), shaped like the official forms.

Each field carries its Chinese label as ``title`` so that validation errors can
name both the key and the label a finance analyst knows. Money is ``Decimal`` in
万元 (see :mod:`perfeval.model.numbers`); nothing here is ever a binary float.

**Absent is not zero.** Only identity is required: ``code``, ``year`` and
``unit.name``. Every other section and field is optional, and ``None`` (or an
absent section) means "the report does not state it" — never 0. A list item needs
only what names it (a project its name, a problem its text).

The money lines follow the Hunan 预算单位整体支出绩效评价基础数据表 and the
部门整体支出绩效自评表: every line is an :class:`Amounts` row with up to four
columns — 上年决算数 (``previous``), 本年预算数 / 年初预算 / 批复数 (``budget``),
调整后预算 / 全年预算 (``adjusted``), 本年决算数 / 实际 (``actual``) — any of
which may be blank.

A stated value can be annotated (``annotations``: field path → the source's own
spelling ``as_written``, an uncertainty mark ``inferred`` (推断) and a note); the
chapter shows the annotation as a footnote where the figure appears.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from perfeval.model.forms import column_labels, items_of
from perfeval.model.limits import (CODE_PATTERN,  # noqa: F401 (the limits are re-exported)
                                   CONTROL_CHARACTERS, MAX_AMOUNT, MAX_ITEMS, MAX_NESTED_ITEMS,
                                   MAX_TEXT_CHARS, MAX_YEAR, MIN_YEAR)
from perfeval.model.types import (Count, Date, Flag, Integer, Number, SignedWan, Text, Wan,  # noqa: F401 (re-exported)
                                  no_control_characters)
from perfeval.model.paths import PATH_PART, value_at
from perfeval.model.source_document import Arranged, SourceDocument


class Record(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop data)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def is_empty(self) -> bool:
        """True when no field of this record states anything (all None, empty text or empty lists)."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Record):
                if not value.is_empty():
                    return False
            elif value is None or value is False or (isinstance(value, (str, list, tuple, dict)) and not value):
                continue
            else:
                return False
        return True


# --- the money line of the official forms -------------------------------------------------------

#: Column key → the form's column name (from the forms registry, :mod:`perfeval.model.forms`).
COLUMNS: dict[str, str] = column_labels()


class Amounts(Record):
    """One line of the forms in up to four columns; a blank column is None (not stated)."""

    previous: Wan | None = Field(title="上年决算数", default=None)
    budget: Wan | None = Field(title="本年预算数（年初预算、批复数）", default=None)
    adjusted: Wan | None = Field(title="调整后预算数（全年预算）", default=None)
    actual: Wan | None = Field(title="本年决算数（实际）", default=None)

    def columns(self) -> dict[str, Decimal | None]:
        return {key: getattr(self, key) for key in COLUMNS}


class Item(Amounts):
    """A named line under a total (a 公用经费 item, a sub-unit …)."""

    name: Text = Field(title="名称", min_length=1)


# --- identity, cover, staffing -----------------------------------------------------------------

class Unit(Record):
    name: Text = Field(title="单位名称", min_length=1)
    supervisor: Text | None = Field(title="主管部门", default=None)
    annual_budget: Wan | None = Field(title="年度预算金额", default=None)
    internal_units: list[Text] = Field(title="内设机构", default_factory=list, max_length=MAX_ITEMS)
    sub_units: list[Text] = Field(title="下属单位（二级机构）", default_factory=list, max_length=MAX_ITEMS)


class Cover(Record):
    """Cover and disclosure lines (Yueyang, Guangdong covers; the page it is published on); 文号: a cited document."""

    budget_code: Text | None = Field(title="预算编码", default=None)
    evaluation_method: Text | None = Field(title="评价方式", default=None)
    evaluated_unit: Text | None = Field(title="评价单位", default=None)
    evaluator: Text | None = Field(title="评价机构", default=None)
    report_date: Date | None = Field(title="报告日期", default=None)
    fill_date: Date | None = Field(title="填报日期", default=None)
    document_number: Text | None = Field(title="文号", default=None)
    index_number: Text | None = Field(title="索引号", default=None)
    publish_date: Date | None = Field(title="发布日期", default=None)


class Post(Record):
    """A leadership post and its number (领导职数) as written: 主任 1, 副主任 4, 科室领导职数 9."""

    name: Text = Field(title="职务", min_length=1)
    count: Count | None = Field(title="职数", default=None)


class Staffing(Record):
    """财政供养人员情况: 编制数 and 实有人数 (by kind: 行政 / 事业 / 工勤), 离退休, 临时 / 外聘, 领导职数.
    ``worker_within_admin``: 工勤 is counted inside 行政 ("行政编制38人（含工勤编制7人）")."""

    approved: Count | None = Field(title="编制数", default=None)
    approved_admin: Count | None = Field(title="行政编制数", default=None)
    approved_institution: Count | None = Field(title="事业编制数", default=None)
    approved_worker: Count | None = Field(title="工勤编制数", default=None)
    actual: Count | None = Field(title="实有人数", default=None)
    actual_admin: Count | None = Field(title="行政实有人数", default=None)
    actual_institution: Count | None = Field(title="事业实有人数", default=None)
    actual_worker: Count | None = Field(title="工勤实有人数", default=None)
    worker_within_admin: Flag = Field(title="工勤编制含在行政编制内", default=False)
    stated_control_rate: Number | None = Field(title="在职人员控制率（文中所述，%）", default=None)
    as_of: Date | None = Field(title="人员统计截止日期", default=None)
    retirees: Count | None = Field(title="离退休人员", default=None)
    retired: Count | None = Field(title="退休人员", default=None)
    retired_veteran: Count | None = Field(title="离休人员", default=None)
    temporary: Count | None = Field(title="临时人员", default=None)
    hired: Count | None = Field(title="外聘人员", default=None)
    posts: list[Post] = Field(title="领导职数", default_factory=list, max_length=MAX_ITEMS)


class Vehicles(Record):
    """公务用车: vehicles allowed by the establishment (车辆编制) and in use (实有车辆)."""

    approved: Count | None = Field(title="车辆编制数", default=None)
    actual: Count | None = Field(title="实有车辆数", default=None)


class StatedCounts(Record):
    """Counts stated beside the items listed ("共16个项目" with 13 named); checks compare, never reconcile."""

    internal_units: Count | None = Field(title="内设机构个数", default=None)
    sub_units: Count | None = Field(title="下属单位个数", default=None)
    projects: Count | None = Field(title="项目个数", default=None)
    goals: Count | None = Field(title="绩效目标个数", default=None)


SourceUnit = Literal["元", "千元", "万元", "亿元"]


class SourceUnits(Record):
    """The unit a source table states its amounts in (附件6 …（单位：元）); the record keeps 万元, converted
    exactly (7688330.13 元 → 768.833013), and the page says 原表单位：元 under the table."""

    income: SourceUnit | None = Field(title="收入情况原表单位", default=None)
    expenditure: SourceUnit | None = Field(title="支出情况原表单位", default=None)
    income_by_unit: SourceUnit | None = Field(title="分机构收入原表单位", default=None)
    expenditure_by_unit: SourceUnit | None = Field(title="分机构支出原表单位", default=None)
    sangong: SourceUnit | None = Field(title="三公经费原表单位", default=None)
    public_funds: SourceUnit | None = Field(title="公用经费原表单位", default=None)
    procurement: SourceUnit | None = Field(title="政府采购金额原表单位", default=None)
    basic_budget_adjustment: SourceUnit | None = Field(title="部门基本支出预算调整原表单位", default=None)
    projects: SourceUnit | None = Field(title="项目支出原表单位", default=None)
    self_funds: SourceUnit | None = Field(title="自评表资金原表单位", default=None)


# --- goals ------------------------------------------------------------------------------------

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
    target_text: Text | None = Field(title="目标值（文字）", default=None)
    actual_text: Text | None = Field(title="实际完成情况（文字）", default=None)

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
    number: Integer | None = Field(title="目标序号", ge=1, default=None)
    text: Text = Field(title="绩效目标", min_length=1)
    completion_title: Text = Field(title="完成情况标题", default="")
    completion: Text = Field(title="完成情况", default="")
    completion_number: int | None = Field(
        title="完成情况序号（原报告）", ge=1, default=None,
        description="The number the report gives this completion statement, when its list is in another order "
                    "than the goals (the page shows the report's order and marks the pairing 本书整理).")
    indicators: list[Indicator] = Field(title="绩效指标", default_factory=list, max_length=MAX_ITEMS)


# --- income, adjustment, expenditure -----------------------------------------------------------

class Income(Record):
    """收入情况 by source; each source a row (budget = 年初预算/批复, actual = 本年收入)."""

    total: Amounts | None = Field(title="收入合计", default=None)
    carryover: Amounts | None = Field(title="上年结转", default=None)
    appropriation: Amounts | None = Field(title="一般公共预算财政拨款收入", default=None)
    government_fund: Amounts | None = Field(title="政府性基金收入", default=None)
    special_account: Amounts | None = Field(title="财政专户管理资金收入（非税收入拨款）", default=None)
    other: Amounts | None = Field(title="其他收入", default=None)


#: The income sources (key → label), the items of 收入合计 (from the forms registry).
INCOME_SOURCES: dict[str, str] = items_of("income.total")


class UnitIncome(Record):
    """One row of an income table broken down by sub-unit (局机关 / 二级机构 / 汇总)."""

    name: Text = Field(title="机构名称", min_length=1)
    total: Wan | None = Field(title="收入合计", default=None)
    carryover: Wan | None = Field(title="上年结转", default=None)
    appropriation: Wan | None = Field(title="一般公共预算财政拨款收入", default=None)
    government_fund: Wan | None = Field(title="政府性基金收入", default=None)
    special_account: Wan | None = Field(title="财政专户管理资金收入", default=None)
    other: Wan | None = Field(title="其他收入", default=None)
    is_total: Flag = Field(title="汇总行", default=False)


class Exclusion(Record):
    """A mid-year change the unit did not count as 预算调整, with its reason as written."""

    amount: Wan | None = Field(title="金额", default=None)
    reason: Text = Field(title="未计入调整的理由（原文）", min_length=1)


class Adjustment(Record):
    """年中预算调整: the amount stated, what it was for, and what the unit says it did not count."""

    amount: SignedWan | None = Field(title="年中调整数", default=None)
    purpose: Text = Field(title="调整用途", default="")
    carryover: Wan | None = Field(title="其中：上年结转", default=None)
    carryover_mentioned: Flag = Field(title="文中提到调整数含上年结转", default=False)
    exclusions: list[Exclusion] = Field(title="未计入预算调整的调整", default_factory=list, max_length=MAX_ITEMS)
    declared_rate: Number | None = Field(title="自述预算调整率（%）", default=None)
    explanation: Text = Field(title="预算调整说明", default="")


class Expenditure(Record):
    """支出情况: 基本支出 (人员经费 + 公用经费) and 项目支出, or the three-way 人员/公用/项目 split.

    ``budget`` is the approved figure (财政部门批复), ``actual`` the amount spent.
    """

    total: Amounts | None = Field(title="支出合计", default=None)
    basic: Amounts | None = Field(title="基本支出", default=None)
    personnel: Amounts | None = Field(title="人员经费", default=None)
    public: Amounts | None = Field(title="公用经费（批复为商品服务支出）", default=None)
    project: Amounts | None = Field(title="项目支出", default=None)


class UnitExpenditure(Record):
    """One row of an expenditure table broken down by sub-unit."""

    name: Text = Field(title="机构名称", min_length=1)
    total: Wan | None = Field(title="支出合计", default=None)
    basic: Wan | None = Field(title="基本支出", default=None)
    personnel: Wan | None = Field(title="人员经费", default=None)
    public: Wan | None = Field(title="公用经费", default=None)
    project: Wan | None = Field(title="项目支出", default=None)
    is_total: Flag = Field(title="汇总行", default=False)


class Approval(Record):
    """财政部门预算批复情况: who approved, as the report words it."""

    approver: Text = Field(title="批复机关", default="")
    year_as_written: Integer | None = Field(
        title="文中批复年度", default=None,
        description="The year the source text gives for the approval, when it differs from the report year.",
    )
    project_note: Text = Field(title="项目支出说明", default="")


#: The 三公 items (key → label), the items of 三公经费合计 (from the forms registry).
SANGONG_ITEMS: dict[str, str] = items_of("sangong.total")


class Sangong(Record):
    """三公经费 by item, each a row (上年决算 / 本年预算 / 本年决算); an item not mentioned is None."""

    total: Amounts | None = Field(title="三公经费合计", default=None)
    vehicle: Amounts | None = Field(title="公务用车购置和运行维护费", default=None)
    overseas: Amounts | None = Field(title="因公出国（境）费", default=None)
    vehicle_purchase: Amounts | None = Field(title="公务用车购置费", default=None)
    vehicle_operation: Amounts | None = Field(title="公务用车运行维护费", default=None)
    reception: Amounts | None = Field(title="公务接待费", default=None)

    def items(self) -> dict[str, Amounts | None]:
        return {key: getattr(self, key) for key in SANGONG_ITEMS}


class PublicFunds(Record):
    """公用经费 with its 其中 items (办公经费, 水电费, 差旅费, 会议费, 培训费 …)."""

    total: Amounts | None = Field(title="公用经费合计", default=None)
    items: list[Item] = Field(title="其中", default_factory=list, max_length=MAX_ITEMS)


class Buildings(Record):
    """楼堂馆所控制情况 (projects completed this year)."""

    approved_area: Number | None = Field(title="批复规模（平方米）", default=None, ge=0)
    actual_area: Number | None = Field(title="实际规模（平方米）", default=None, ge=0)
    stated_area_control_rate: Number | None = Field(title="规模控制率（文中所述，%）", default=None)
    budget: Wan | None = Field(title="预算投资", default=None)
    actual: Wan | None = Field(title="实际投资", default=None)
    stated_investment_control_rate: Number | None = Field(title="投资概算控制率（文中所述，%）", default=None)


class Carryover(Record):
    fiscal: Wan | None = Field(title="财政拨款结转结余", default=None)
    non_fiscal: Wan | None = Field(title="非财政拨款结转结余", default=None)


class Execution(Record):
    """The unit's own statements about budget execution (claims a reviewer checks)."""

    balance_statement: Text = Field(title="收支情况说明", default="")


class Management(Record):
    budget_management: Text = Field(title="预算管理情况", default="")
    lottery_fund: Wan | None = Field(title="市级福彩公益金项目资金", default=None)
    large_projects_statement: Text = Field(title="50万元以上项目说明", default="")
    no_large_projects: Flag | None = Field(
        title="文中明确无50万元以上项目", default=None,
        description="True only when the report says so explicitly; None when it does not say.")
    asset_management: Text = Field(title="资产管理情况", default="")
    outcome_statement: Text = Field(title="效果产出情况", default="")
    thrift_measures: Text = Field(title="厉行节约保障措施", default="")


# --- the unit's self-assessment ----------------------------------------------------------------

class SelfScore(Record):
    """One row of the unit's own 自评表, as it stands (partial rows allowed)."""

    part: Text = Field(title="评价指标", min_length=1)
    level: Integer = Field(title="指标层级", default=1, ge=1, le=3)
    parent: Text | None = Field(title="上级指标", default=None)
    weight: Number | None = Field(title="分值", ge=0, default=None)
    criteria: Text = Field(title="评分标准", default="")
    target: Text | None = Field(title="指标值（目标）", default=None)
    actual: Text | None = Field(title="实际完成值", default=None)
    score: Number | None = Field(title="自评得分", ge=0, default=None)
    reason: Text = Field(title="得分说明", default="")

    @field_validator("score")
    @classmethod
    def _within_weight(cls, score: Decimal | None, info: ValidationInfo) -> Decimal | None:
        # A field validator so that the error names the field: score (自评得分).
        weight = info.data.get("weight")
        if weight is not None and score is not None and score > weight:
            raise ValueError(f"自评得分 {score} 超过分值 {weight} (score above weight)")
        return score


class FundRow(Record):
    """A funds row of the 部门整体支出绩效自评表 (按收入性质 / 按支出性质)."""

    nature: Literal["收入性质", "支出性质"] | None = Field(title="分类", default=None)
    item: Text = Field(title="项目", min_length=1)
    initial: Wan | None = Field(title="年初预算", default=None)
    full_year: Wan | None = Field(title="全年预算", default=None)
    executed: Wan | None = Field(title="全年执行", default=None)
    weight: Number | None = Field(title="分值", ge=0, default=None)
    stated_rate: Number | None = Field(title="执行率（文中所述，%）", default=None)
    score: Number | None = Field(title="得分", ge=0, default=None)


# --- projects, problems, stated changes, annotations -------------------------------------------

class ProjectOutput(Record):
    name: Text = Field(title="产出名称", min_length=1)
    value: Number | None = Field(title="数量", default=None)
    unit: Text = Field(title="计量单位", default="")
    relation: Relation = Field(title="关系", default="=")
    amount: Wan | None = Field(title="金额", default=None)


class Project(Record):
    """A project line (any size): budget and actual when stated, what it bought, its group."""

    number: Integer | None = Field(title="项目序号", ge=1, default=None)
    name: Text = Field(title="项目名称", min_length=1)
    group: Text | None = Field(title="项目类别", default=None,
                               description="e.g. 业务工作经费, 区级专项资金, 上级转移支付 (as the form groups them)")
    previous: Wan | None = Field(title="上年决算数", default=None)
    budget: Wan | None = Field(title="预算安排", default=None)
    adjusted: Wan | None = Field(title="调整后预算", default=None)
    actual: Wan | None = Field(title="实际支出", default=None)
    actual_label: Text = Field(title="实际支出口径", default="实际支出")
    managed_only: Flag = Field(
        title="代管资金（非本部门预算）", default=False,
        description="Funds the department manages or passes on but that are not its own budget (e.g. 社保民生资金).")
    description: Text = Field(title="项目完成情况", default="")
    outputs: list[ProjectOutput] = Field(title="主要产出", default_factory=list, max_length=MAX_ITEMS)


class Problem(Record):
    problem: Text = Field(title="存在的问题", min_length=1)
    cause: Text = Field(title="原因分析", default="")
    measures: Text = Field(title="整改措施", default="")
    responsible: Text = Field(title="整改责任人", default="")
    deadline: Date | None = Field(title="整改完成时限", default=None)


#: What a report may say of a problem of last year's evaluation (整改状态); not said is 未说明 (None).
RECTIFICATION_STATUSES = ("已整改", "整改中", "未整改")


class Rectification(Record):
    """How a problem of last year's evaluation was rectified, as this year's report states it. Matched to last
    year's problems by ``number`` (问题N of last year's record), else by the problem's text."""

    problem: Text = Field(title="上年问题", min_length=1)
    number: Count | None = Field(title="上年问题序号", default=None, ge=1)
    status: Literal["已整改", "整改中", "未整改"] | None = Field(title="整改状态", default=None)
    description: Text = Field(title="整改情况", default="")
    completed: Date | None = Field(title="整改完成时间", default=None)


class StatedChange(Record):
    """A year-on-year comparison the report states ("同比上年度增加189.25万元，增加31.39%")."""

    subject: Text = Field(title="比较项目", min_length=1)
    current: Wan | None = Field(title="本年数", default=None)
    change: SignedWan | None = Field(title="增减额", default=None)
    percent: Number | None = Field(title="增减幅度（%）", default=None)
    as_written: Text = Field(title="原文", default="")


class Annotation(Record):
    """What the source says about one stated value: its own spelling, whether it is inferred, a note."""

    as_written: Text | None = Field(title="原文写法", default=None)
    inferred: Flag = Field(title="推断", default=False)
    note: Text = Field(title="说明", default="")


# --- the department-year ------------------------------------------------------------------------

class DepartmentYear(Record):
    """Everything one report states about one department's evaluation year."""

    code: str = Field(title="部门代码", pattern=CODE_PATTERN, max_length=64)
    year: Integer = Field(title="评价年度", ge=MIN_YEAR, le=MAX_YEAR)
    demo: Flag = Field(title="示例数据", default=False)
    title: Text = Field(title="报告标题", default="")
    source: SourceDocument | None = Field(title="原报告", default=None)
    arranged: Arranged | None = Field(title="本书整理", default=None)
    unit: Unit = Field(title="部门概况")
    cover: Cover | None = Field(title="封面", default=None)
    staffing: Staffing | None = Field(title="人员编制情况", default=None)
    vehicles: Vehicles | None = Field(title="公务用车", default=None)
    stated_counts: StatedCounts | None = Field(title="文中所述个数", default=None)
    duties: list[Text] = Field(title="单位基本职能", default_factory=list, max_length=MAX_ITEMS)
    long_term_plan: Text = Field(title="长期规划", default="")
    annual_plan: Text = Field(title="年度计划", default="")
    goals: list[Goal] = Field(title="部门整体支出绩效目标", default_factory=list, max_length=MAX_ITEMS)
    source_units: SourceUnits | None = Field(title="原表金额单位", default=None)
    income: Income | None = Field(title="收入情况", default=None)
    income_by_unit: list[UnitIncome] = Field(title="分机构收入情况", default_factory=list, max_length=MAX_ITEMS)
    adjustment: Adjustment | None = Field(title="年中预算调整", default=None)
    expenditure: Expenditure | None = Field(title="支出情况", default=None)
    expenditure_by_unit: list[UnitExpenditure] = Field(title="分机构支出情况", default_factory=list, max_length=MAX_ITEMS)
    approval: Approval | None = Field(title="财政部门预算批复情况", default=None)
    sangong: Sangong | None = Field(title="三公经费", default=None)
    public_funds: PublicFunds | None = Field(title="公用经费", default=None)
    procurement: Amounts | None = Field(title="政府采购金额", default=None)
    basic_budget_adjustment: Amounts | None = Field(title="部门基本支出预算调整", default=None)
    buildings: Buildings | None = Field(title="楼堂馆所控制情况", default=None)
    carryover: Carryover | None = Field(title="结转结余", default=None)
    execution: Execution | None = Field(title="预算执行情况说明", default=None)
    management: Management | None = Field(title="预算与资产管理情况", default=None)
    self_scores: list[SelfScore] = Field(title="单位自评表", default_factory=list, max_length=MAX_ITEMS)
    self_score_total: Number | None = Field(title="自评总分（文中所述）", default=None, ge=0)
    self_grade: Text | None = Field(title="自评等级（文中所述）", default=None)
    self_funds: list[FundRow] = Field(title="自评表资金情况", default_factory=list, max_length=MAX_ITEMS)
    projects: list[Project] = Field(title="项目支出", default_factory=list, max_length=MAX_ITEMS)
    problems: list[Problem] = Field(title="存在的问题及改进措施", default_factory=list, max_length=MAX_ITEMS)
    rectification: list[Rectification] = Field(title="上年问题整改情况", default_factory=list, max_length=MAX_ITEMS)
    other_notes: Text = Field(title="其他需要说明问题", default="")
    stated_changes: list[StatedChange] = Field(title="同比变动（文中所述）", default_factory=list, max_length=MAX_ITEMS)
    annotations: dict[str, Annotation] = Field(title="数据注记", default_factory=dict, max_length=MAX_ITEMS)

    @field_validator("code")
    @classmethod
    def _code_ascii(cls, value: str) -> str:
        if not re.fullmatch(CODE_PATTERN, value):
            raise ValueError("部门代码只能使用小写字母、数字和连字符 (lowercase ASCII letters, digits, hyphens)")
        return value

    @field_validator("source")
    @classmethod
    def _source_named_by_code(cls, source: SourceDocument | None, info: ValidationInfo) -> SourceDocument | None:
        code = info.data.get("code")
        if source is not None and code is not None and not source.file.startswith(f"{code}.source."):
            raise ValueError(f"原报告文件名应以部门代码开头：{code}.source.<扩展名>，当前为 {source.file} "
                             "(source file must be named by the department code)")
        return source

    @field_validator("goals", "projects")
    @classmethod
    def _nested_limit(cls, items: list[Goal] | list[Project], info: ValidationInfo) -> list[Goal] | list[Project]:
        nested = sum(len(i.indicators) if isinstance(i, Goal) else len(i.outputs) for i in items)
        if nested > MAX_NESTED_ITEMS:
            what = "绩效指标" if info.field_name == "goals" else "项目主要产出"
            raise ValueError(f"{what}合计{nested}条，上限{MAX_NESTED_ITEMS}条 (too many nested items: "
                             f"{nested} > {MAX_NESTED_ITEMS})")
        return items

    @field_validator("goals", "projects")
    @classmethod
    def _numbers_unique(cls, items: list[Goal] | list[Project], info: ValidationInfo) -> list[Goal] | list[Project]:
        # Per field, so that the error names it: goals (部门整体支出绩效目标) or projects (项目支出).
        label = "目标序号" if info.field_name == "goals" else "项目序号"
        numbers = [item.number for item in items if item.number is not None]
        dupes = sorted({n for n in numbers if numbers.count(n) > 1})
        if dupes:
            raise ValueError(f"{label}重复: {dupes} (duplicate numbers)")
        return items

    @field_validator("annotations")
    @classmethod
    def _annotations_point_at_values(cls, annotations: dict[str, Annotation],
                                     info: ValidationInfo) -> dict[str, Annotation]:
        # A field validator on the last field (every other field is validated by then, in info.data) so that
        # the error names the field: annotations (数据注记).
        for path in annotations:
            head = PATH_PART.match(path)
            name = head.group(1) if head else None
            if name in cls.model_fields and name not in info.data:
                continue    # that field failed its own validation, and is reported there
            if value_at(info.data, path) is None:
                raise ValueError(f"数据注记指向的字段 {path} 不存在或未填写 (annotation of a field that is not stated)")
        return annotations

    @property
    def report_title(self) -> str:
        return self.title or f"{self.year}年{self.unit.name}部门整体支出绩效评价报告"

    @property
    def supervisor(self) -> str | None:
        return self.unit.supervisor

    def goal_label(self, index: int) -> str:
        """How the page names a goal: 目标N (its number, else its position)."""
        goal = self.goals[index]
        return f"目标{goal.number if goal.number is not None else index + 1}"

    def project_label(self, index: int) -> str:
        """How the page names a project: 项目N (its number, else its position)."""
        project = self.projects[index]
        return f"项目{project.number if project.number is not None else index + 1}"

