"""The workbook layout for department-year records: sheets, forms, table columns, instructions.

Workbook layout (one sheet per block, reader-facing text in Chinese):

* ``说明`` — instructions.
* ``基本信息``, ``收支`` — *form* sheets: one field per row. Columns: A 分类,
  B 项目 (label with unit), C 内容 (the value), D 填写说明, E 字段键 (the dotted
  schema key; import reads rows by this key, so rows may be reordered).
* ``三公经费`` — a grid: one row per item (合计 and the four items), columns
  预算数 / 实际支出 / 上年实际支出 (万元); column E 字段键 names the item. An empty
  cell means "not mentioned in the source" (None), not zero.
* ``职能``, ``绩效目标与指标``, ``项目``, ``问题整改``, ``自评得分`` — *tables*: a
  header row, then one row per item. Columns are found by header text. Goals
  with several indicators (projects with several outputs) take one row per
  indicator (output): the 序号 is repeated (or left blank) on the following rows
  and the goal's (project's) own columns are filled on its first row only.

Every sheet has a title in row 1, a hint in row 2 and its header in row 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal, Sequence, get_args

from pydantic import BaseModel

from perfeval.model import (
    SANGONG_ITEMS,
    DepartmentYear,
    Indicator,
    Relation,
    SangongAmounts,
    inner_model,
    schema_field,
)

# --------------------------------------------------------------------------- #
# Layout constants
# --------------------------------------------------------------------------- #

SHEET_HELP = "说明"
SHEET_BASIC = "基本信息"
SHEET_DUTIES = "职能"
SHEET_MONEY = "收支"
SHEET_SANGONG = "三公经费"
SHEET_GOALS = "绩效目标与指标"
SHEET_PROJECTS = "项目"
SHEET_PROBLEMS = "问题整改"
SHEET_SCORES = "自评得分"

#: Data sheets in workbook order (the 说明 sheet comes first).
DATA_SHEETS: tuple[str, ...] = (
    SHEET_BASIC, SHEET_DUTIES, SHEET_MONEY, SHEET_SANGONG,
    SHEET_GOALS, SHEET_PROJECTS, SHEET_PROBLEMS, SHEET_SCORES,
)

TITLE_ROW = 1
HINT_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
#: Rows below the data that still get data validation (room to add items).
SPARE_ROWS = 200

FORM_HEADERS = ("分类", "项目", "内容", "填写说明", "字段键（请勿修改）")
KEY_COLUMN = 5
VALUE_COLUMN = 3

RELATIONS: tuple[str, ...] = get_args(Relation)
CATEGORIES: tuple[str, ...] = get_args(Indicator.model_fields["category"].annotation)
RELATION_ALIASES = {"＝": "=", "≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "=>": ">=", "=<": "<=",
                    "≧": ">=", "≦": "<="}

Kind = Literal["text", "wan", "number", "nonneg", "int", "year", "date", "bool", "category", "relation", "qunit"]
NUMERIC_KINDS = frozenset({"wan", "number", "nonneg"})


# --------------------------------------------------------------------------- #
# Specs
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class FormRow:
    """One field of a form sheet: its schema path from the DepartmentYear root."""

    section: str
    path: tuple[str, ...]
    kind: Kind
    unit: str = ""
    hint: str = ""
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or schema_title(self.path)

    @property
    def header(self) -> str:
        return with_unit(self.label, self.unit)

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class FormSheet:
    name: str
    title: str
    hint: str
    rows: tuple[FormRow, ...]


@dataclass(frozen=True)
class Column:
    """One column of a table sheet; ``path`` is inside the item (parent or child)."""

    path: tuple[str, ...]
    title: str
    kind: Kind
    unit: str = ""
    width: float = 14
    child: bool = False

    @property
    def header(self) -> str:
        return with_unit(self.title, self.unit)


@dataclass(frozen=True)
class TableSheet:
    name: str
    key: str                               # DepartmentYear field holding the list
    title: str
    hint: str
    columns: tuple[Column, ...]
    anchor: tuple[str, ...]                # column that item-level errors point at
    group: tuple[str, ...] | None = None   # the 序号 column grouping child rows
    child_key: str | None = None           # list field of the item holding children
    child_anchor: tuple[str, ...] = ()
    quantities: bool = False               # children carry target/actual Quantities


def with_unit(title: str, unit: str) -> str:
    return f"{title}（{unit}）" if unit else title


def schema_title(path: Sequence[str | int]) -> str:
    """The Chinese ``title`` of the field at ``path`` (e.g. ``("income", "initial_budget")``)."""
    return schema_field(path)[0]


WAN = "万元"

BASIC_FORM = FormSheet(
    SHEET_BASIC, "基本信息",
    "在 C 列“内容”中填写；标注“必填”的不能留空。E 列“字段键”供程序识别，请勿修改。",
    (
        FormRow("报告信息", ("code",), "text", hint="小写英文字母、数字和连字符，如 xiangtan-minzheng；也是数据文件名"),
        FormRow("报告信息", ("year",), "year", hint="如 2024"),
        FormRow("报告信息", ("demo",), "bool", hint="是/否；真实数据填“否”或留空"),
        FormRow("报告信息", ("title",), "text", hint="留空则自动生成为“某年某单位部门整体支出绩效评价报告”"),
        FormRow("部门概况", ("unit", "name"), "text"),
        FormRow("部门概况", ("unit", "supervisor"), "text"),
        FormRow("部门概况", ("unit", "annual_budget"), "wan", WAN),
        FormRow("规划与计划", ("long_term_plan",), "text"),
        FormRow("规划与计划", ("annual_plan",), "text"),
        FormRow("其他", ("other_notes",), "text"),
    ),
)

MONEY_FORM = FormSheet(
    SHEET_MONEY, "收支情况（金额单位：万元）",
    "在 C 列“内容”中按原文填写；金额不换算、不四舍五入。可选项目原文未提及时留空。E 列“字段键”请勿修改。",
    (
        FormRow("收入情况", ("income", "total"), "wan", WAN),
        FormRow("收入情况", ("income", "initial_budget"), "wan", WAN),
        FormRow("收入情况", ("income", "adjustment"), "number", WAN, hint="可为负数"),
        FormRow("收入情况", ("income", "adjustment_purpose"), "text"),
        FormRow("支出情况", ("expenditure", "total"), "wan", WAN),
        FormRow("支出情况", ("expenditure", "basic", "total"), "wan", WAN),
        FormRow("支出情况", ("expenditure", "basic", "personnel"), "wan", WAN),
        FormRow("支出情况", ("expenditure", "basic", "public"), "wan", WAN),
        FormRow("支出情况", ("expenditure", "project"), "wan", WAN),
        FormRow("预算批复", ("approved_budget", "approver"), "text", hint="如 市财政局"),
        FormRow("预算批复", ("approved_budget", "year_as_written"), "int",
                hint="仅当原文所写批复年度与评价年度不同时填写"),
        FormRow("预算批复", ("approved_budget", "income_total"), "wan", WAN),
        FormRow("预算批复", ("approved_budget", "fiscal"), "wan", WAN),
        FormRow("预算批复", ("approved_budget", "non_tax"), "wan", WAN, hint="留空记为 0"),
        FormRow("预算批复", ("approved_budget", "other"), "wan", WAN, hint="留空记为 0"),
        FormRow("预算批复", ("approved_budget", "expenditure_total"), "wan", WAN),
        FormRow("预算批复", ("approved_budget", "basic", "total"), "wan", WAN, title="批复基本支出"),
        FormRow("预算批复", ("approved_budget", "basic", "personnel"), "wan", WAN, title="批复人员经费"),
        FormRow("预算批复", ("approved_budget", "basic", "goods_services"), "wan", WAN),
        FormRow("预算批复", ("approved_budget", "project"), "wan", WAN, title="批复项目支出"),
        FormRow("预算批复", ("approved_budget", "project_note"), "text"),
        FormRow("结转结余", ("carryover", "fiscal"), "wan", WAN),
        FormRow("结转结余", ("carryover", "non_fiscal"), "wan", WAN),
        FormRow("预算执行情况说明", ("execution", "declared_adjustment_rate"), "number", "%",
                hint="单位自述的预算调整率，填百分数的数字部分，如 0 或 3.5"),
        FormRow("预算执行情况说明", ("execution", "adjustment_explanation"), "text"),
        FormRow("预算执行情况说明", ("execution", "balance_statement"), "text"),
        FormRow("预算与资产管理情况", ("management", "budget_management"), "text"),
        FormRow("预算与资产管理情况", ("management", "lottery_fund"), "wan", WAN, hint="原文未提及时留空"),
        FormRow("预算与资产管理情况", ("management", "large_projects_statement"), "text"),
        FormRow("预算与资产管理情况", ("management", "asset_management"), "text"),
        FormRow("预算与资产管理情况", ("management", "outcome_statement"), "text"),
    ),
)

FORMS: tuple[FormSheet, ...] = (BASIC_FORM, MONEY_FORM)

SANGONG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("budget", "预算数"),
    ("actual", "实际支出"),
    ("previous_actual", "上年实际支出"),
)
SANGONG_ROWS: tuple[tuple[str, str], ...] = (
    ("total", SangongAmounts.model_fields["total"].title or "total"),
    *SANGONG_ITEMS.items(),
)
SANGONG_HEADERS = ("项目", *(with_unit(t, WAN) for _, t in SANGONG_COLUMNS), "字段键（请勿修改）")

DUTIES_HEADER = "单位基本职能（每行一条）"

GOALS_TABLE = TableSheet(
    SHEET_GOALS, "goals", "部门整体支出绩效目标与指标",
    "每个指标占一行；同一目标的多个指标：目标序号每行都填（或续行留空），绩效目标与完成情况只填在首行。"
    "目标值与实际完成值共用“计量单位”；“关系”留空即“=”。",
    (
        Column(("number",), "目标序号", "int", width=10),
        Column(("text",), "绩效目标", "text", width=40),
        Column(("completion_title",), "完成情况标题", "text", width=20),
        Column(("completion",), "完成情况", "text", width=50),
        Column(("name",), "指标名称", "text", width=28, child=True),
        Column(("category",), "指标类别", "category", width=10, child=True),
        Column(("target", "relation"), "目标值关系", "relation", width=10, child=True),
        Column(("target", "value"), "目标值", "number", width=12, child=True),
        Column(("actual", "relation"), "实际完成值关系", "relation", width=12, child=True),
        Column(("actual", "value"), "实际完成值", "number", width=12, child=True),
        Column(("unit",), "计量单位", "qunit", width=10, child=True),
    ),
    anchor=("number",), group=("number",), child_key="indicators", child_anchor=("name",), quantities=True,
)

PROJECTS_TABLE = TableSheet(
    SHEET_PROJECTS, "projects", "50万元以上项目（金额单位：万元）",
    "每个产出占一行；同一项目的多个产出：项目序号每行都填（或续行留空），项目名称、金额与完成情况只填在首行。"
    "原文未写实际支出时留空；“产出关系”留空即“=”。",
    (
        Column(("number",), "项目序号", "int", width=10),
        Column(("name",), "项目名称", "text", width=30),
        Column(("budget",), "预算安排", "wan", WAN, width=14),
        Column(("actual",), "实际支出", "wan", WAN, width=14),
        Column(("actual_label",), "实际支出口径", "text", width=18),
        Column(("managed_only",), "代管资金", "bool", width=10),
        Column(("description",), "项目完成情况", "text", width=50),
        Column(("name",), "产出名称", "text", width=28, child=True),
        Column(("relation",), "产出关系", "relation", width=10, child=True),
        Column(("value",), "产出数量", "number", width=12, child=True),
        Column(("unit",), "产出计量单位", "text", width=12, child=True),
        Column(("amount",), "产出金额", "wan", WAN, width=14, child=True),
    ),
    anchor=("number",), group=("number",), child_key="outputs", child_anchor=("name",),
)

PROBLEMS_TABLE = TableSheet(
    SHEET_PROBLEMS, "problems", "存在的问题及改进措施",
    "每个问题占一行；整改完成时限填写日期，格式 YYYY-MM-DD（如 2025-05-30）。",
    (
        Column(("problem",), "存在的问题", "text", width=40),
        Column(("cause",), "原因分析", "text", width=40),
        Column(("measures",), "整改措施", "text", width=40),
        Column(("responsible",), "整改责任人", "text", width=24),
        Column(("deadline",), "整改完成时限", "date", width=14),
    ),
    anchor=("problem",),
)

SCORES_TABLE = TableSheet(
    SHEET_SCORES, "self_scores", "自评得分",
    "每个评价指标占一行；自评得分不能超过分值。",
    (
        Column(("part",), "评价指标", "text", width=20),
        Column(("weight",), "分值", "nonneg", width=10),
        Column(("score",), "自评得分", "nonneg", width=10),
        Column(("reason",), "得分说明", "text", width=50),
    ),
    anchor=("score",),
)

TABLES: tuple[TableSheet, ...] = (GOALS_TABLE, PROJECTS_TABLE, PROBLEMS_TABLE, SCORES_TABLE)

#: Which sheet holds each top-level field (for errors no cell can be named for).
SHEET_OF_FIELD: dict[str, str] = {
    **{row.path[0]: form.name for form in FORMS for row in form.rows},
    "duties": SHEET_DUTIES,
    "sangong": SHEET_SANGONG,
    **{table.key: table.name for table in TABLES},
}

HELP_LINES: tuple[str, ...] = (
    "部门整体支出绩效评价数据填报模板（perfeval）",
    "",
    "用途：一个工作簿填写一个部门一个年度的评价数据。填好后运行",
    "    perfeval import-excel 文件.xlsx",
    "生成数据文件 data/<评价年度>/<部门代码>.yaml；已有数据可用 perfeval export-excel 部门代码 年度 -o 文件.xlsx 导出为工作簿。",
    "",
    "工作表：",
    "  基本信息 —— 部门代码、评价年度、报告标题、部门概况、长期规划、年度计划、其他需要说明问题。",
    "  职能 —— 单位基本职能，每行一条。",
    "  收支 —— 收入、支出、财政部门预算批复、结转结余、预算执行情况说明、预算与资产管理情况。",
    "  三公经费 —— 预算数、实际支出、上年实际支出（各项及合计）。",
    "  绩效目标与指标 —— 部门整体支出绩效目标、完成情况及其绩效指标（目标值、实际完成值）。",
    "  项目 —— 50万元以上项目：预算安排、实际支出、完成情况及主要产出。",
    "  问题整改 —— 存在的问题、原因分析、整改措施、整改责任人、整改完成时限。",
    "  自评得分 —— 评价指标、分值、自评得分、得分说明。",
    "",
    "填写规则：",
    "  1. 金额单位一律为万元，按原文数字填写，不换算、不四舍五入。",
    "  2. 数值单元格直接填写数字，不要使用公式，不要在数字中加单位或文字（如“完成”“约400”）。",
    "     “约”“多”“余”“≥”等填在相应的“关系”列：= 等于，>= 不少于，<= 不超过，> 超过，< 低于，"
    "约 约数，多 如“400多”，余 如“120余”；留空即“=”。",
    "  3. 小数位数就是记录的精度：导出时单元格格式的小数位数与原文一致（1595.3 显示为 1595.3，655.0411 显示为 655.0411）；"
    "导入时按单元格显示的小数位数记录（格式为两位小数时，12.3 记为 12.30）。",
    "     超过 15 位有效数字的数值以文本形式保存（Excel 数值只有 15 位精度），请勿改为数值格式。",
    "  4. 留空表示原文未提及。例如三公经费某项原文未提及时留空，而不是填 0；原文写明为 0 的才填 0。",
    "  5. 日期填写为 YYYY-MM-DD（如 2025-05-30）。",
    "  6. 表头在第 3 行，请勿修改表头文字，也不要在表头上方插入行。数据行可以增加或删除。",
    "     “基本信息”“收支”“三公经费”三张表按 E 列“字段键”识别各行，请勿修改该列。",
    "  7. 一个目标有多个指标时，每个指标占一行：目标序号每行都填（或续行留空），绩效目标和完成情况只填在首行；"
    "项目与其主要产出同理。",
    "  8. 目标值与实际完成值共用一个“计量单位”。",
    "  9. 导入时如有错误，程序会一次列出全部错误及其工作表、行号和列号（如：工作表「收支」第 5 行 C 列），改正后重新导入即可。",
)


def iter_field_paths(model: type[BaseModel] = DepartmentYear, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every leaf field path of the schema (list items and nested records walked into)."""
    for name, info in model.model_fields.items():
        inner = inner_model(info.annotation)
        if inner is None:
            yield (*prefix, name)
        else:
            yield from iter_field_paths(inner, (*prefix, name))
