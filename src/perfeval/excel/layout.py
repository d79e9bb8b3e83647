"""The workbook layout for department-year records (schema 2): sheets, forms, money rows, tables.

Every sheet has a title in row 1, a hint in row 2 and its header in row 3; reader-facing text is Chinese.
Four shapes of sheet:

* *form* sheets (``基本信息``, ``预算执行与管理``): one field per row. Columns: A 分类, B 项目 (label with
  unit), C 内容 (the value), D 填写说明, E 字段键 (the dotted schema key; import reads rows by this key, so
  rows may be reordered).
* the *money rows* sheet ``收支``: one row per line of the official forms (收入 by source, 支出 by kind,
  三公经费 and its items, 公用经费, 政府采购, 部门基本支出预算调整), in the forms' columns 上年决算数 /
  本年预算数 / 调整后预算数 / 本年决算数; column G 字段键 names the line.
* the *lists* sheet ``职能与机构``: one column per list of text (职能, 内设机构, 下属单位), one item a row.
* *table* sheets: a header row, then one row per item; columns are found by header text. Goals with
  several indicators (projects with several outputs) take one row per indicator (output): the following
  rows repeat the 序号 (or leave it blank) and leave the goal's (project's) own columns blank.

A blank cell is "not stated" (absent), never 0: a partial workbook gives a partial record. The text of
the 说明 sheet is in :mod:`perfeval.excel.instructions`.

The form rows, the money rows and the columns of the tables that hold form fields are read from the forms
registry (:mod:`perfeval.model.forms`): their order, section, label, kind, unit and 填写说明; a row added
there appears here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal, Sequence, get_args, get_origin

from pydantic import BaseModel

from perfeval.model import (
    COLUMNS,
    DepartmentYear,
    Indicator,
    Relation,
    forms,
    inner_model,
    schema_field,
)

# --------------------------------------------------------------------------- #
# Layout constants
# --------------------------------------------------------------------------- #

SHEET_HELP = "说明"
SHEET_BASIC = "基本信息"
SHEET_LISTS = "职能与机构"
SHEET_POSTS = "领导职数"
SHEET_MONEY = "收支"
SHEET_BUDGET = "预算执行与管理"
SHEET_EXCLUSIONS = "调整未计入"
SHEET_PUBLIC_ITEMS = "公用经费明细"
SHEET_INCOME_UNITS = "分机构收入"
SHEET_EXPENDITURE_UNITS = "分机构支出"
SHEET_GOALS = "绩效目标与指标"
SHEET_PROJECTS = "项目"
SHEET_PROBLEMS = "问题整改"
SHEET_RECTIFICATION = "上年问题整改"
SHEET_SCORES = "自评表"
SHEET_FUNDS = "自评表资金"
SHEET_CHANGES = "同比变动"
SHEET_NOTES = "数据注记"

TITLE_ROW = 1
HINT_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
#: Rows below the data that still get data validation (room to add items).
SPARE_ROWS = 200

FORM_HEADERS = ("分类", "项目", "内容", "填写说明", "字段键（请勿修改）")
KEY_HEADER = "字段键（请勿修改）"
KEY_COLUMN = 5
VALUE_COLUMN = 3

RELATIONS: tuple[str, ...] = get_args(Relation)
CATEGORIES: tuple[str, ...] = get_args(Indicator.model_fields["category"].annotation)
RECTIFICATION_STATUSES: tuple[str, ...] = ("已整改", "整改中", "未整改")
RELATION_ALIASES = {"＝": "=", "≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "=>": ">=", "=<": "<=",
                    "≧": ">=", "≦": "<="}

#: How a cell is read and written: text, amounts in 万元 (``wan`` ≥ 0, ``swan`` signed; text may be written
#: like ``1,731.57万元``), other numbers (``number`` signed, ``nonneg`` ≥ 0), whole numbers (``int`` ≥ 1,
#: ``count`` ≥ 0, ``year``), ``date``, ``bool`` (是/否), ``choice`` (a list of values), ``relation`` (=, >=, …;
#: blank is "="), ``qunit`` (the unit shared by a goal indicator's target and actual).
Kind = Literal["text", "wan", "swan", "number", "nonneg", "int", "count", "year", "date", "bool", "choice",
               "relation", "qunit"]
NUMERIC_KINDS = frozenset({"wan", "swan", "number", "nonneg"})
AMOUNT_KINDS = frozenset({"wan", "swan"})
WAN = "万元"


# --------------------------------------------------------------------------- #
# Specs
# --------------------------------------------------------------------------- #


def with_unit(title: str, unit: str) -> str:
    return f"{title}（{unit}）" if unit else title


def schema_title(path: Sequence[str | int]) -> str:
    """The Chinese ``title`` of the field at ``path`` (e.g. ``("income", "appropriation")``)."""
    return schema_field(path)[0]


@dataclass(frozen=True)
class FormRow:
    """One field of a form sheet: its schema path from the DepartmentYear root."""

    section: str
    path: tuple[str, ...]
    kind: Kind
    unit: str = ""
    hint: str = ""
    title: str = ""
    choices: tuple[str, ...] = ()

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
class MoneyRow:
    """One line of the money rows sheet: the path of an :class:`~perfeval.model.Amounts` field."""

    section: str
    path: tuple[str, ...]
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or schema_title(self.path)

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class MoneySheet:
    name: str
    title: str
    hint: str
    rows: tuple[MoneyRow, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return ("分类", "项目", *(with_unit(t, WAN) for t in COLUMNS.values()), KEY_HEADER)


@dataclass(frozen=True)
class ListColumn:
    path: tuple[str, ...]   # a list of text in the record
    title: str
    width: float = 60


@dataclass(frozen=True)
class ListsSheet:
    name: str
    title: str
    hint: str
    columns: tuple[ListColumn, ...]


@dataclass(frozen=True)
class Column:
    """One column of a table sheet; ``path`` is inside the item (parent or child)."""

    path: tuple[str, ...]
    title: str
    kind: Kind
    unit: str = ""
    width: float = 14
    child: bool = False
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return with_unit(self.title, self.unit)


#: The column of a mapping table holding each entry's key (e.g. the field path of an annotation).
MAP_KEY = "__key__"


@dataclass(frozen=True)
class TableSheet:
    name: str
    key: tuple[str, ...]                   # record path of the list (or mapping) the rows hold
    title: str
    hint: str
    columns: tuple[Column, ...]
    anchor: tuple[str, ...]                # column that item-level errors point at
    group: tuple[str, ...] | None = None   # the 序号 column grouping child rows
    child_key: str | None = None           # list field of the item holding children
    child_anchor: tuple[str, ...] = ()
    quantities: bool = False               # children carry target/actual Quantities
    mapping: bool = False                  # the record holds a mapping: the MAP_KEY column is each entry's key
    what: str = "条目"                      # how a message names one item (目标, 项目)

    @property
    def path_text(self) -> str:
        return ".".join(self.key)


def _money_columns(width: float = 14) -> tuple[Column, ...]:
    return tuple(Column((key,), title, "wan", WAN, width) for key, title in COLUMNS.items())


# --------------------------------------------------------------------------- #
# The sheets
# --------------------------------------------------------------------------- #

#: Registry kind → how a cell is read and written (a code with choices is a list; a signed amount ``swan``).
_CELL_KINDS: dict[str, Kind] = {"money": "wan", "headcount": "count", "count": "count", "rate": "number",
                                "score": "nonneg", "area": "nonneg", "date": "date", "year": "year", "text": "text",
                                "code": "text", "flag": "bool"}
#: Codes that are whole numbers ≥ 1 in the workbook.
_INT_CODES = {"self_scores.level", "projects.number"}
#: Units shown in a header (a rate's or an area's title names its unit; a score is plainly 分).
_SHOWN_UNITS = {"money", "headcount", "count"}


def cell_kind(entry: forms.FormEntry) -> Kind:
    """How the workbook reads and writes a registry field."""
    if entry.choices:
        return "choice"
    if entry.path in _INT_CODES:
        return "int"
    if entry.kind == "money" and entry.signed:
        return "swan"
    return _CELL_KINDS[entry.kind]


def _unit(entry: forms.FormEntry) -> str:
    return entry.unit if entry.kind in _SHOWN_UNITS else ""


def in_a_list(path: str) -> bool:
    """Whether a field path passes through a list (a list item's field, or a list of text)."""
    model: type[BaseModel] | None = DepartmentYear
    for name in path.split("."):
        if model is None or name not in model.model_fields:
            return True
        annotation = model.model_fields[name].annotation
        if get_origin(annotation) is list:
            return True
        model = inner_model(annotation)
    return False


def registry_rows(*sections: str) -> tuple[FormRow, ...]:
    """One form row per single field of the registry's sections, in the order given, then the registry's."""
    return tuple(FormRow(forms.section(key).title, tuple(e.path.split(".")), cell_kind(e), _unit(e), e.hint,
                         choices=e.choices)
                 for key in sections for e in forms.entries(section=key, rows=False) if not in_a_list(e.path))


def registry_column(path: str, relative: int, width: float = 14, *, child: bool = False) -> Column:
    """The table column of a registry field (``relative``: how many trailing path parts are inside the item)."""
    e = forms.entry(path)
    return Column(tuple(path.split(".")[-relative:]), e.schema_title, cell_kind(e), _unit(e), width, child,
                  e.choices)


def _report(key: str) -> FormRow:
    e = forms.entry(key)
    return FormRow(forms.section(e.section).title, (key,), cell_kind(e), hint=e.hint)


BASIC_FORM = FormSheet(
    SHEET_BASIC, "基本信息",
    "在 C 列“内容”中填写；标注“必填”的不能留空，其余原文未写的留空。E 列“字段键”供程序识别，请勿修改。",
    (
        FormRow("报告信息", ("code",), "text", hint="小写英文字母、数字和连字符，如 xiangtan-minzheng；也是数据文件名"),
        _report("year"),
        FormRow("报告信息", ("demo",), "bool", hint="是/否；真实数据填“否”或留空"),
        _report("title"),
        FormRow("原报告", ("source", "file"), "text",
                hint="数据文件旁的原报告文件名，如 xiangtan-minzheng.source.txt（import-report 自动填写）"),
        FormRow("原报告", ("source", "sha256"), "text", hint="原报告文件的 SHA-256 校验值（import-report 自动填写）"),
        FormRow("原报告", ("source", "url"), "text", hint="原报告的发布网址（可留空）"),
        FormRow("本书整理", ("arranged", "indicators"), "bool",
                hint="是/否；绩效指标是据目标和完成情况的文字整理的（原报告没有指标表）时填“是”"),
        FormRow("本书整理", ("arranged", "self_scores"), "bool",
                hint="是/否；自评表是据正文所述各部分得分整理的（原报告未附自评表）时填“是”"),
        FormRow("本书整理", ("arranged", "outputs"), "bool",
                hint="是/否；项目的主要产出是据项目完成情况的文字整理的时填“是”"),
        *registry_rows("unit", "cover", "staffing", "vehicles", "stated_counts", "source_units"),
        FormRow("规划与计划", ("long_term_plan",), "text"),
        FormRow("规划与计划", ("annual_plan",), "text"),
        FormRow("其他", ("other_notes",), "text"),
    ),
)

BUDGET_FORM = FormSheet(
    SHEET_BUDGET, "预算执行与管理（金额单位：万元）",
    "在 C 列“内容”中按原文填写；金额不换算、不四舍五入。原文未提及的留空（不要填 0）。E 列“字段键”请勿修改。",
    registry_rows("adjustment", "approval", "carryover", "execution", "management", "buildings", "self_scores"),
)

FORMS: tuple[FormSheet, ...] = (BASIC_FORM, BUDGET_FORM)

MONEY_SHEET = MoneySheet(
    SHEET_MONEY, "收支与基础数据表（金额单位：万元）",
    "每行一项，按原文填写各列；原文没有的列留空（不要填 0），原文写明为 0 的才填 0。"
    "基础数据表的“上年决算数 / 本年预算数 / 本年决算数”按表头所写年度对应填入；公用经费的“其中”各项填在“公用经费明细”表。"
    "G 列“字段键”请勿修改。",
    tuple(MoneyRow(forms.section(e.section).title, tuple(e.path.split(".")))
          for e in forms.entries(section=("income", "expenditure", "sangong", "public_funds", "other_rows"), rows=True)
          if not in_a_list(e.path)),
)

LISTS_SHEET = ListsSheet(
    SHEET_LISTS, "单位基本职能、内设机构和下属单位",
    "每列一类，每行填写一条，按原文顺序；中间不要留空行。",
    (
        ListColumn(("duties",), "单位基本职能（每行一条）", 90),
        ListColumn(("unit", "internal_units"), "内设机构（每行一个）", 30),
        ListColumn(("unit", "sub_units"), "下属单位（每行一个）", 30),
    ),
)

GOALS_TABLE = TableSheet(
    SHEET_GOALS, ("goals",), "部门整体支出绩效目标与指标",
    "每个指标占一行；同一目标的多个指标：续行的目标序号照填（或留空），绩效目标与完成情况只填在首行、续行留空。"
    "目标值与实际完成值共用“计量单位”；“关系”留空即“=”；只有文字描述的目标值或完成情况填在“（文字）”列。",
    (
        Column(("number",), "目标序号", "int", width=10),
        Column(("text",), "绩效目标", "text", width=40),
        Column(("completion_title",), "完成情况标题", "text", width=20),
        Column(("completion",), "完成情况", "text", width=50),
        Column(("name",), "指标名称", "text", width=28, child=True),
        Column(("category",), "指标类别", "choice", width=10, child=True, choices=CATEGORIES),
        Column(("target", "relation"), "目标值关系", "relation", width=10, child=True),
        Column(("target", "value"), "目标值", "number", width=12, child=True),
        Column(("actual", "relation"), "实际完成值关系", "relation", width=12, child=True),
        Column(("actual", "value"), "实际完成值", "number", width=12, child=True),
        Column(("unit",), "计量单位", "qunit", width=10, child=True),
        Column(("target_text",), "目标值（文字）", "text", width=24, child=True),
        Column(("actual_text",), "实际完成情况（文字）", "text", width=24, child=True),
        Column(("completion_number",), "完成情况序号（原报告）", "int", width=12),
    ),
    anchor=("text",), group=("number",), child_key="indicators", child_anchor=("name",), quantities=True,
    what="目标",
)

PROJECTS_TABLE = TableSheet(
    SHEET_PROJECTS, ("projects",), "项目支出（金额单位：万元）",
    "每个项目一行（任意金额，不限50万元以上）；项目有多个产出时每个产出占一行：续行的项目序号照填（或留空），"
    "项目本身各列只填在首行、续行留空。原文未写的金额留空；代管资金（如社保民生资金，非本部门预算）填“是”。",
    (
        *(registry_column(f"projects.{key}", 1, width) for key, width in (
            ("number", 10), ("name", 30), ("group", 16), ("previous", 14), ("budget", 14), ("adjusted", 14),
            ("actual", 14), ("actual_label", 18), ("managed_only", 12), ("description", 50))),
        Column(("name",), "产出名称", "text", width=28, child=True),
        Column(("relation",), "产出关系", "relation", width=10, child=True),
        Column(("value",), "产出数量", "number", width=12, child=True),
        Column(("unit",), "产出计量单位", "text", width=12, child=True),
        Column(("amount",), "产出金额", "wan", WAN, width=14, child=True),
    ),
    anchor=("name",), group=("number",), child_key="outputs", child_anchor=("name",), what="项目",
)

PROBLEMS_TABLE = TableSheet(
    SHEET_PROBLEMS, ("problems",), "存在的问题及改进措施",
    "每个问题占一行；整改完成时限填写日期，格式 YYYY-MM-DD（如 2025-05-30）。",
    (
        Column(("problem",), "存在的问题", "text", width=40),
        Column(("cause",), "原因分析", "text", width=40),
        Column(("measures",), "整改措施", "text", width=40),
        Column(("responsible",), "整改责任人", "text", width=24),
        Column(("deadline",), "整改完成时限", "date", width=14),
    ),
    anchor=("problem",), what="问题",
)

RECTIFICATION_TABLE = TableSheet(
    SHEET_RECTIFICATION, ("rectification",), "上年问题整改情况",
    "本年报告所述上年问题的整改情况，每个问题一行；上年问题序号填上年报告的问题N（不填则按问题文字对应）；"
    "整改状态未说明的留空。",
    (
        Column(("problem",), "上年问题", "text", width=40),
        Column(("number",), "上年问题序号", "int", width=12),
        Column(("status",), "整改状态", "choice", width=12, choices=RECTIFICATION_STATUSES),
        Column(("description",), "整改情况", "text", width=50),
        Column(("completed",), "整改完成时间", "date", width=14),
    ),
    anchor=("problem",), what="整改",
)

SCORES_TABLE = TableSheet(
    SHEET_SCORES, ("self_scores",), "单位自评表（指标）",
    "按单位自评表原样填写，每个指标一行；原表没有的列留空（分值合计不是 100 也照填）。自评得分不能超过分值。",
    tuple(registry_column(f"self_scores.{key}", 1, width) for key, width in (
        ("part", 24), ("level", 10), ("parent", 20), ("weight", 10), ("target", 20), ("actual", 20), ("score", 10),
        ("reason", 50), ("criteria", 30))),
    anchor=("score",),
)

FUNDS_TABLE = TableSheet(
    SHEET_FUNDS, ("self_funds",), "单位自评表（资金情况，金额单位：万元）",
    "按单位自评表的资金部分填写：按收入性质、按支出性质各行；原表没有的列留空。",
    tuple(registry_column(f"self_funds.{key}", 1, width) for key, width in (
        ("nature", 12), ("item", 24), ("initial", 14), ("full_year", 14), ("executed", 14), ("weight", 10),
        ("stated_rate", 16), ("score", 10))),
    anchor=("item",),
)

EXCLUSIONS_TABLE = TableSheet(
    SHEET_EXCLUSIONS, ("adjustment", "exclusions"), "未计入预算调整的调整（金额单位：万元）",
    "单位说明未计入预算调整的年中调整，每项一行：金额（原文未写则留空）和原文所写理由。",
    (registry_column("adjustment.exclusions.amount", 1), registry_column("adjustment.exclusions.reason", 1, 80)),
    anchor=("reason",),
)

PUBLIC_ITEMS_TABLE = TableSheet(
    SHEET_PUBLIC_ITEMS, ("public_funds", "items"), "公用经费明细（金额单位：万元）",
    "公用经费的“其中”各项（办公经费、水电费、差旅费、会议费、培训费……），每项一行；原文没有的列留空。",
    (registry_column("public_funds.items.name", 1, 24), *_money_columns()),
    anchor=("name",),
)

INCOME_UNITS_TABLE = TableSheet(
    SHEET_INCOME_UNITS, ("income_by_unit",), "分机构收入情况（金额单位：万元）",
    "按原表每个机构一行（局机关、二级机构……）；汇总行在“汇总行”列填“是”。",
    tuple(registry_column(e.path, 1, 20 if e.key == "name" else 8 if e.key == "is_total" else 18)
          for e in forms.entries(section="income_by_unit")),
    anchor=("name",),
)

EXPENDITURE_UNITS_TABLE = TableSheet(
    SHEET_EXPENDITURE_UNITS, ("expenditure_by_unit",), "分机构支出情况（金额单位：万元）",
    "按原表每个机构一行；汇总行在“汇总行”列填“是”。",
    tuple(registry_column(e.path, 1, 20 if e.key == "name" else 8 if e.key == "is_total" else 14)
          for e in forms.entries(section="expenditure_by_unit")),
    anchor=("name",),
)

CHANGES_TABLE = TableSheet(
    SHEET_CHANGES, ("stated_changes",), "文中所述同比变动（金额单位：万元）",
    "原文写出的同比比较，每句一行，如“收入总计792.22万元，同比增加189.25万元，增长31.39%”。",
    (
        Column(("subject",), "比较项目", "text", width=20),
        Column(("current",), "本年数", "wan", WAN),
        Column(("change",), "增减额", "swan", WAN),
        Column(("percent",), "增减幅度（%）", "number"),
        Column(("as_written",), "原文", "text", width=60),
    ),
    anchor=("subject",),
)

POSTS_TABLE = TableSheet(
    SHEET_POSTS, ("staffing", "posts"), "领导职数",
    "原文写出的领导职数，每个职务一行，职务名称照录（如 主任、副主任、科室领导职数），职数填数字。",
    (registry_column("staffing.posts.name", 1, 30), registry_column("staffing.posts.count", 1, 12)),
    anchor=("name",), what="职务",
)

NOTES_TABLE = TableSheet(
    SHEET_NOTES, ("annotations",), "数据注记",
    "对某个已填数值的说明，每项一行：字段路径（如 expenditure.total.actual、projects[2].budget）、"
    "原文写法、是否推断（是/否）和说明。",
    (
        Column((MAP_KEY,), "字段路径", "text", width=30),
        Column(("as_written",), "原文写法", "text", width=40),
        Column(("inferred",), "推断", "bool", width=8),
        Column(("note",), "说明", "text", width=50),
    ),
    anchor=(MAP_KEY,), mapping=True,
)

TABLES: tuple[TableSheet, ...] = (
    POSTS_TABLE, EXCLUSIONS_TABLE, PUBLIC_ITEMS_TABLE, INCOME_UNITS_TABLE, EXPENDITURE_UNITS_TABLE, GOALS_TABLE,
    PROJECTS_TABLE, PROBLEMS_TABLE, RECTIFICATION_TABLE, SCORES_TABLE, FUNDS_TABLE, CHANGES_TABLE, NOTES_TABLE,
)

#: Data sheets in workbook order (the 说明 sheet comes first).
DATA_SHEETS: tuple[str, ...] = (
    SHEET_BASIC, SHEET_LISTS, SHEET_POSTS, SHEET_MONEY, SHEET_BUDGET, SHEET_EXCLUSIONS, SHEET_PUBLIC_ITEMS,
    SHEET_INCOME_UNITS, SHEET_EXPENDITURE_UNITS, SHEET_GOALS, SHEET_PROJECTS, SHEET_PROBLEMS, SHEET_RECTIFICATION,
    SHEET_SCORES, SHEET_FUNDS, SHEET_CHANGES, SHEET_NOTES,
)


def _sheet_of_path() -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for form in FORMS:
        for row in form.rows:
            out[row.path] = form.name
    for money in MONEY_SHEET.rows:
        out[money.path] = SHEET_MONEY
    for column in LISTS_SHEET.columns:
        out[column.path] = SHEET_LISTS
    for table in TABLES:
        out[table.key] = table.name
    return out


#: Which sheet holds each field path (for errors no cell can be named for; the longest prefix wins).
SHEET_OF_PATH: dict[tuple[str, ...], str] = _sheet_of_path()


def sheet_of(path: Sequence[str | int]) -> str | None:
    """The sheet holding the field at ``path`` (list indexes and mapping keys are skipped), if any."""
    names = tuple(p for p in path if isinstance(p, str))
    for n in range(len(names), 0, -1):
        if names[:n] in SHEET_OF_PATH:
            return SHEET_OF_PATH[names[:n]]
    return None


def iter_field_paths(model: type[BaseModel] = DepartmentYear, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every leaf field path of the schema (list items, mapping values and nested records walked into)."""
    for name, info in model.model_fields.items():
        inner = inner_model(info.annotation)
        if inner is None:
            yield (*prefix, name)
        else:
            yield from iter_field_paths(inner, (*prefix, name))


def placed_paths() -> set[tuple[str, ...]]:
    """Every leaf field path the workbook has a place for (compare with :func:`iter_field_paths`)."""
    placed: set[tuple[str, ...]] = {row.path for form in FORMS for row in form.rows}
    placed |= {(*row.path, key) for row in MONEY_SHEET.rows for key in COLUMNS}
    placed |= {column.path for column in LISTS_SHEET.columns}
    for table in TABLES:
        for column in table.columns:
            if column.path == (MAP_KEY,):
                continue
            if not column.child:
                placed.add((*table.key, *column.path))
            elif column.kind == "qunit":
                placed |= {(*table.key, str(table.child_key), side, "unit") for side in ("target", "actual")}
            else:
                placed.add((*table.key, str(table.child_key), *column.path))
    return placed

