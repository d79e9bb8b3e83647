"""Excel workbooks for department-year records: template, export, import; YAML writer.

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

Precision of numbers (the decision of issue 7): amounts are stored as real
numeric cells, so analysts can sum and chart them, and the cell's number format
carries the exact number of decimal places the Decimal was written with
(``1595.3`` → format ``0.0``, ``655.0411`` → ``0.0000``, ``1700`` → ``0``).
On import a numeric cell is read at Excel's own precision (15 significant
digits, never the binary float's tail) and padded to the decimal places its
format shows, so what the analyst sees is what is recorded. Decimals that a
double cannot hold exactly (more than 15 significant digits, or a positive
exponent such as ``1E+2``) are stored as text cells (format ``@``) holding the
Decimal's exact text; text cells are always read exactly.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence, get_args
from zipfile import BadZipFile

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ValidationError

from perfeval.errors import DataError
from perfeval.model.files import read_yaml, validation_to_error
from perfeval.model.numbers import DATE_FORMS, parse_date, parse_number
from perfeval.model.schema import (
    SANGONG_ITEMS,
    DepartmentYear,
    Indicator,
    Quantity,
    Relation,
    SangongAmounts,
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
MAX_FILE_BYTES = 20_000_000
#: Excel keeps 15 significant digits in a numeric cell.
EXCEL_DIGITS = 15

FORM_HEADERS = ("分类", "项目", "内容", "填写说明", "字段键（请勿修改）")
KEY_COLUMN = 5
VALUE_COLUMN = 3

RELATIONS: tuple[str, ...] = get_args(Relation)
CATEGORIES: tuple[str, ...] = get_args(Indicator.model_fields["category"].annotation)
RELATION_ALIASES = {"＝": "=", "≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "=>": ">=", "=<": "<=",
                    "≧": ">=", "≦": "<="}

Kind = Literal["text", "wan", "number", "nonneg", "int", "year", "date", "bool", "category", "relation", "qunit"]
NUMERIC_KINDS = frozenset({"wan", "number", "nonneg"})

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_HINT_FONT = Font(italic=True, color="595959")
_KEY_FONT = Font(color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


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
        return _with_unit(self.label, self.unit)

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
        return _with_unit(self.title, self.unit)


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


def _with_unit(title: str, unit: str) -> str:
    return f"{title}（{unit}）" if unit else title


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _schema_field(path: Sequence[str | int]) -> tuple[str, bool]:
    """(Chinese title, required all the way down) of a schema path; list indexes are skipped."""
    model: type[BaseModel] | None = DepartmentYear
    title = ""
    required = True
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return (title or str(part)), False
        info = model.model_fields[part]
        title = info.title or part
        required = required and info.is_required()
        model = _inner_model(info.annotation)
    return title, required


def schema_title(path: Sequence[str | int]) -> str:
    """The Chinese ``title`` of the field at ``path`` (e.g. ``("income", "initial_budget")``)."""
    return _schema_field(path)[0]


_WAN = "万元"

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
        FormRow("部门概况", ("unit", "annual_budget"), "wan", _WAN),
        FormRow("规划与计划", ("long_term_plan",), "text"),
        FormRow("规划与计划", ("annual_plan",), "text"),
        FormRow("其他", ("other_notes",), "text"),
    ),
)

MONEY_FORM = FormSheet(
    SHEET_MONEY, "收支情况（金额单位：万元）",
    "在 C 列“内容”中按原文填写；金额不换算、不四舍五入。可选项目原文未提及时留空。E 列“字段键”请勿修改。",
    (
        FormRow("收入情况", ("income", "total"), "wan", _WAN),
        FormRow("收入情况", ("income", "initial_budget"), "wan", _WAN),
        FormRow("收入情况", ("income", "adjustment"), "number", _WAN, hint="可为负数"),
        FormRow("收入情况", ("income", "adjustment_purpose"), "text"),
        FormRow("支出情况", ("expenditure", "total"), "wan", _WAN),
        FormRow("支出情况", ("expenditure", "basic", "total"), "wan", _WAN),
        FormRow("支出情况", ("expenditure", "basic", "personnel"), "wan", _WAN),
        FormRow("支出情况", ("expenditure", "basic", "public"), "wan", _WAN),
        FormRow("支出情况", ("expenditure", "project"), "wan", _WAN),
        FormRow("预算批复", ("approved_budget", "approver"), "text", hint="如 市财政局"),
        FormRow("预算批复", ("approved_budget", "year_as_written"), "int",
                hint="仅当原文所写批复年度与评价年度不同时填写"),
        FormRow("预算批复", ("approved_budget", "income_total"), "wan", _WAN),
        FormRow("预算批复", ("approved_budget", "fiscal"), "wan", _WAN),
        FormRow("预算批复", ("approved_budget", "non_tax"), "wan", _WAN, hint="留空记为 0"),
        FormRow("预算批复", ("approved_budget", "other"), "wan", _WAN, hint="留空记为 0"),
        FormRow("预算批复", ("approved_budget", "expenditure_total"), "wan", _WAN),
        FormRow("预算批复", ("approved_budget", "basic", "total"), "wan", _WAN, title="批复基本支出"),
        FormRow("预算批复", ("approved_budget", "basic", "personnel"), "wan", _WAN, title="批复人员经费"),
        FormRow("预算批复", ("approved_budget", "basic", "goods_services"), "wan", _WAN),
        FormRow("预算批复", ("approved_budget", "project"), "wan", _WAN, title="批复项目支出"),
        FormRow("预算批复", ("approved_budget", "project_note"), "text"),
        FormRow("结转结余", ("carryover", "fiscal"), "wan", _WAN),
        FormRow("结转结余", ("carryover", "non_fiscal"), "wan", _WAN),
        FormRow("预算执行情况说明", ("execution", "declared_adjustment_rate"), "number", "%",
                hint="单位自述的预算调整率，填百分数的数字部分，如 0 或 3.5"),
        FormRow("预算执行情况说明", ("execution", "adjustment_explanation"), "text"),
        FormRow("预算执行情况说明", ("execution", "balance_statement"), "text"),
        FormRow("预算与资产管理情况", ("management", "budget_management"), "text"),
        FormRow("预算与资产管理情况", ("management", "lottery_fund"), "wan", _WAN, hint="原文未提及时留空"),
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
SANGONG_HEADERS = ("项目", *(_with_unit(t, _WAN) for _, t in SANGONG_COLUMNS), "字段键（请勿修改）")

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
        Column(("budget",), "预算安排", "wan", _WAN, width=14),
        Column(("actual",), "实际支出", "wan", _WAN, width=14),
        Column(("actual_label",), "实际支出口径", "text", width=18),
        Column(("managed_only",), "代管资金", "bool", width=10),
        Column(("description",), "项目完成情况", "text", width=50),
        Column(("name",), "产出名称", "text", width=28, child=True),
        Column(("relation",), "产出关系", "relation", width=10, child=True),
        Column(("value",), "产出数量", "number", width=12, child=True),
        Column(("unit",), "产出计量单位", "text", width=12, child=True),
        Column(("amount",), "产出金额", "wan", _WAN, width=14, child=True),
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
    "  9. 导入时如有错误，程序会指出工作表、行号和列号（如：工作表「收支」第 5 行 C 列），改正后重新导入即可。",
)


# --------------------------------------------------------------------------- #
# Workbook writing
# --------------------------------------------------------------------------- #


def build_workbook(record: DepartmentYear | None = None) -> Workbook:
    """The workbook for ``record``; an empty template when ``record`` is None."""
    wb = Workbook()
    help_ws = wb.active
    assert help_ws is not None
    help_ws.title = SHEET_HELP
    _write_help(help_ws)
    data = record.model_dump(mode="python") if record is not None else None
    for name in DATA_SHEETS:
        ws = wb.create_sheet(name)
        if name == SHEET_BASIC:
            _write_form(ws, BASIC_FORM, data)
        elif name == SHEET_MONEY:
            _write_form(ws, MONEY_FORM, data)
        elif name == SHEET_DUTIES:
            _write_duties(ws, data["duties"] if data else [])
        elif name == SHEET_SANGONG:
            _write_sangong(ws, data["sangong"] if data else None)
        else:
            table = next(t for t in TABLES if t.name == name)
            _write_table(ws, table, data[table.key] if data else [])
    wb.active = 0
    return wb


def write_workbook(record: DepartmentYear | None, path: Path, *, force: bool = False) -> Path:
    """Write the workbook for ``record`` (template when None) to ``path``.

    An existing file is only replaced with ``force`` (it may hold an analyst's work).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DataError(path, "输出文件应以 .xlsx 结尾 (output must be .xlsx)")
    if path.exists() and not force:
        raise DataError(path, "文件已存在，如需覆盖请加 --force (file exists; use --force to overwrite)")
    wb = build_workbook(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".perfeval-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _write_help(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 140
    for i, line in enumerate(HELP_LINES, start=1):
        cell = ws.cell(i, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = _TITLE_FONT


def _sheet_head(ws: Worksheet, title: str, hint: str, headers: Sequence[str], widths: Sequence[float]) -> None:
    ws.cell(TITLE_ROW, 1, title).font = _TITLE_FONT
    ws.cell(HINT_ROW, 1, hint).font = _HINT_FONT
    for col, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


class _Validations:
    """One DataValidation per kind on a sheet, cells added as they are written."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.by_kind: dict[str, DataValidation] = {}

    def add(self, kind: Kind, ref: str) -> None:
        dv = self.by_kind.get(kind)
        if dv is None:
            made = _make_validation(kind)
            if made is None:
                return
            dv = made
            self.by_kind[kind] = dv
            self.ws.add_data_validation(dv)
        dv.add(ref)


def _list_formula(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


def _make_validation(kind: Kind) -> DataValidation | None:
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True}
    if kind in ("wan", "nonneg"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "请填写不小于 0 的数字（不要填写文字或单位）。"
    elif kind == "number":
        dv = DataValidation(type="decimal", operator="between",
                            formula1="-1000000000000000", formula2="1000000000000000", **common)
        dv.error = "请填写数字（不要填写文字或单位；“约”“多”“余”等填在关系列）。"
    elif kind == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", **common)
        dv.error = "请填写正整数。"
    elif kind == "year":
        dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100", **common)
        dv.error = "请填写 2000—2100 之间的年度，如 2024。"
    elif kind == "date":
        dv = DataValidation(type="date", operator="between",
                            formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)", **common)
        dv.error = "请填写日期，格式 YYYY-MM-DD，如 2025-05-30。"
    elif kind == "bool":
        dv = DataValidation(type="list", formula1=_list_formula(("是", "否")), **common)
        dv.error = "请选择“是”或“否”。"
    elif kind == "category":
        dv = DataValidation(type="list", formula1=_list_formula(CATEGORIES), **common)
        dv.error = "请从下拉列表中选择：" + "、".join(CATEGORIES) + "。"
    elif kind == "relation":
        dv = DataValidation(type="list", formula1=_list_formula(RELATIONS), **common)
        dv.error = "请从下拉列表中选择：" + " ".join(RELATIONS) + "（留空即 =）。"
    else:
        return None
    dv.errorTitle = "输入无效"
    return dv


def _put(cell: Cell, value: Any, kind: Kind) -> None:
    """Write ``value`` into ``cell`` so that import reads back exactly the same value."""
    if kind == "date":
        cell.number_format = "yyyy-mm-dd"
    if kind == "relation" and value == "=":
        value = None  # blank means "=" (typing a lone "=" in Excel starts a formula)
    if value is None:
        if kind in ("text", "qunit"):
            cell.alignment = _WRAP
        return
    if kind in NUMERIC_KINDS:
        _put_decimal(cell, Decimal(value))
    elif kind == "date":
        cell.value = value
    elif kind == "bool":
        cell.value = "是" if value else "否"
    elif kind in ("int", "year"):
        cell.value = int(value)
    else:
        cell.value = str(value)
        if cell.data_type == "f":  # text starting with "=" is text, not a formula
            cell.data_type = "s"
        cell.alignment = _WRAP


def _put_decimal(cell: Cell, value: Decimal) -> None:
    _, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent <= 0 and len(digits) <= EXCEL_DIGITS:
        places = -exponent
        # A decimal of at most 15 significant digits survives the trip through a
        # double exactly (read back at 15 digits); the format keeps its places.
        cell.value = int(value) if places == 0 else float(value)
        cell.number_format = "0" if places == 0 else "0." + "0" * places
    else:
        cell.value = str(value)
        cell.number_format = "@"


def _write_form(ws: Worksheet, form: FormSheet, data: dict[str, Any] | None) -> None:
    _sheet_head(ws, form.title, form.hint, FORM_HEADERS, (16, 30, 50, 40, 34))
    validations = _Validations(ws)
    section = ""
    for i, row in enumerate(form.rows):
        r = FIRST_DATA_ROW + i
        if row.section != section:
            ws.cell(r, 1, row.section).font = _BOLD
            section = row.section
        ws.cell(r, 1).alignment = _TOP
        ws.cell(r, 2, row.header).alignment = _WRAP
        value = _get(data, row.path) if data is not None else None
        _put(ws.cell(r, VALUE_COLUMN), value, row.kind)
        validations.add(row.kind, ws.cell(r, VALUE_COLUMN).coordinate)
        _, required = _schema_field(row.path)
        hint = "必填。" + row.hint if required else row.hint
        ws.cell(r, 4, hint or None).alignment = _WRAP
        key = ws.cell(r, KEY_COLUMN, row.key)
        key.font = _KEY_FONT


def _write_duties(ws: Worksheet, duties: list[str]) -> None:
    _sheet_head(ws, "单位基本职能", "每行填写一条职能，按原文顺序。", (DUTIES_HEADER,), (120,))
    for i, duty in enumerate(duties):
        _put(ws.cell(FIRST_DATA_ROW + i, 1), duty, "text")


def _write_sangong(ws: Worksheet, sangong: dict[str, Any] | None) -> None:
    _sheet_head(ws, "三公经费（金额单位：万元）",
                "原文未提及的项目留空（不要填 0）；没有上年数据时“上年实际支出”整列留空。E 列“字段键”请勿修改。",
                SANGONG_HEADERS, (22, 18, 18, 18, 24))
    validations = _Validations(ws)
    for i, (item, title) in enumerate(SANGONG_ROWS):
        r = FIRST_DATA_ROW + i
        ws.cell(r, 1, title).font = _BOLD if item == "total" else Font()
        for c, (block, _) in enumerate(SANGONG_COLUMNS, start=2):
            amounts = sangong.get(block) if sangong else None
            _put(ws.cell(r, c), amounts.get(item) if amounts else None, "wan")
            validations.add("wan", ws.cell(r, c).coordinate)
        ws.cell(r, KEY_COLUMN, item).font = _KEY_FONT


def _write_table(ws: Worksheet, table: TableSheet, items: list[dict[str, Any]]) -> None:
    _sheet_head(ws, table.title, table.hint, [c.header for c in table.columns], [c.width for c in table.columns])
    validations = _Validations(ws)
    r = FIRST_DATA_ROW
    for item in items:
        children: list[dict[str, Any] | None] = list(item.get(table.child_key) or []) if table.child_key else []
        for j, child in enumerate(children or [None]):
            for c, column in enumerate(table.columns, start=1):
                if column.child:
                    value = _child_value(column, child) if child is not None else None
                elif j == 0 or column.path == table.group:
                    value = _get(item, column.path)
                else:
                    value = None
                _put(ws.cell(r, c), value, column.kind)
            r += 1
    last = max(r, FIRST_DATA_ROW) + SPARE_ROWS
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        validations.add(column.kind, f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        if column.kind == "date":
            for row in range(r, last + 1):
                ws.cell(row, c).number_format = "yyyy-mm-dd"


def _child_value(column: Column, child: dict[str, Any]) -> Any:
    if column.kind == "qunit":
        for side in ("target", "actual"):
            quantity = child.get(side)
            if quantity is not None:
                return quantity.get("unit") or None
        return None
    return _get(child, column.path)


def _get(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        if data is None:
            return None
        data = data.get(part)
    return data


# --------------------------------------------------------------------------- #
# Workbook reading
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class CellRef:
    """Where a value came from: sheet, row, column letter and the Chinese label."""

    sheet: str
    row: int
    column: str
    label: str

    @property
    def record(self) -> str:
        return f"工作表「{self.sheet}」第 {self.row} 行"

    @property
    def field(self) -> str:
        return f"{self.column} 列"

    def short(self) -> str:
        return f"{self.record} {self.field}"


class _CellError(ValueError):
    """A cell whose content cannot be converted (message in Chinese)."""


_Loc = tuple[str | int, ...]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _format_places(number_format: str) -> tuple[int, bool]:
    """(decimal places a number format forces, whether it is a percentage)."""
    section = (number_format or "General").split(";")[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    match = re.search(r"\.([0#?]+)", section)
    return (match.group(1).count("0") if match else 0), "%" in section


def cell_decimal(value: Any, number_format: str = "General") -> Decimal:
    """Read a cell value as an exact Decimal (see the module docstring for the rule).

    Text is read exactly as written; an int exactly; a float at Excel's 15
    significant digits, padded to the decimal places its number format shows.
    """
    if isinstance(value, bool) or value is None:
        raise _CellError(f"不是有效数值 (not a number)，当前值 {_shown(value)}")
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ValueError as exc:
            raise _CellError(str(exc)) from None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _CellError("必须是有限数值 (must be a finite number)")
        number = Decimal(format(value, f".{EXCEL_DIGITS}g"))
    else:
        raise _CellError(f"不是有效数值 (not a number)，当前值 {_shown(value)}")
    places, percent = _format_places(number_format)
    try:
        if percent:
            number = number.scaleb(2)
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent > 0:
            number = number.quantize(Decimal(1))
            exponent = 0
        if places > -exponent:
            number = number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise _CellError(f"数值过大 (number too large)，当前值 {_shown(value)}") from None
    return number


def _cell_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _CellError(f"不是有效整数 (not an integer)，当前值 {_shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise _CellError(f"不是有效整数 (not an integer)，当前值 {_shown(value)}")


def _cell_date(value: Any) -> dt.date:
    """A date cell: an Excel date, or text in the one accepted form (see :func:`parse_date`)."""
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise _CellError(str(exc)) from None
    if isinstance(parsed, dt.date):
        return parsed
    raise _CellError(f"不是有效日期，请填写 {DATE_FORMS} (not a valid date)，当前值 {_shown(value)}")


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        raise _CellError(f"应为文本 (expected text)，当前值 {_shown(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(cell_decimal(value), "f")
    raise _CellError(f"应为文本 (expected text)，当前值 {_shown(value)}")


def _cell_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "true", "yes", "y", "1"):
        return True
    if text in ("否", "false", "no", "n", "0"):
        return False
    raise _CellError(f"应填写“是”或“否” (expected 是 or 否)，当前值 {_shown(value)}")


def _cell_choice(value: Any, choices: Sequence[str], aliases: dict[str, str] | None = None) -> str:
    text = str(value).strip()
    text = (aliases or {}).get(text, text)
    if text not in choices:
        raise _CellError(f"取值应为 {' '.join(choices)} 之一 (value not allowed)，当前值 {_shown(value)}")
    return text


def convert_cell(cell: Cell, kind: Kind) -> Any:
    """The Python value of a non-formula cell for a field of ``kind`` (None when blank)."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and len(value) > 1
                                 and cell.data_type != "s"):
        raise _CellError("单元格含公式，请改为直接填写数值或文本 (formulas are not read; paste values)")
    if _blank(value):
        return None
    if kind in NUMERIC_KINDS:
        number = cell_decimal(value, cell.number_format)
        if kind in ("wan", "nonneg") and number < 0:
            raise _CellError(f"不能为负数 (must not be negative)，当前值 {format(number, 'f')}")
        return number
    if kind in ("int", "year"):
        return _cell_int(value)
    if kind == "date":
        return _cell_date(value)
    if kind == "bool":
        return _cell_bool(value)
    if kind == "category":
        return _cell_choice(value, CATEGORIES)
    if kind == "relation":
        return _cell_choice(value, RELATIONS, RELATION_ALIASES)
    text = _cell_text(value)
    return text if text.strip() else None


def _set(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


class _WorkbookReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells: dict[_Loc, CellRef] = {}
        self.problems: list[tuple[CellRef | str, str]] = []
        self.wb = self._open()

    def _open(self) -> Workbook:
        path = self.path
        if not path.is_file():
            raise DataError(path, "文件不存在 (file not found)")
        if path.suffix.lower() == ".xls":
            raise DataError(path, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx (save as .xlsx)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(path, f"文件过大（上限 {MAX_FILE_BYTES} 字节）(file too large)")
        try:
            return load_workbook(path, data_only=False)
        except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
            raise DataError(path, f"无法读取 Excel 工作簿，请确认是 .xlsx 文件 (not a readable .xlsx: {exc})") from None

    # -- helpers ---------------------------------------------------------- #

    def sheet(self, name: str) -> Worksheet:
        if name not in self.wb.sheetnames:
            raise DataError(self.path, f"缺少工作表「{name}」，请使用 perfeval excel-template 生成的模板 (missing sheet)")
        return self.wb[name]

    def take(self, ws: Worksheet, row: int, col: int, kind: Kind, loc: _Loc, label: str) -> Any:
        ref = CellRef(ws.title, row, get_column_letter(col), label)
        self.cells.setdefault(loc, ref)
        try:
            return convert_cell(ws.cell(row, col), kind)
        except _CellError as exc:
            self.problems.append((ref, str(exc)))
            return None

    def problem(self, ws: Worksheet, row: int, col: int, label: str, message: str) -> None:
        self.problems.append((CellRef(ws.title, row, get_column_letter(col), label), message))

    def header(self, ws: Worksheet, expected: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Find the header row (by the first expected header) and map header text → column."""
        for r in range(1, 11):
            texts = {str(c.value).strip(): c.column for c in ws[r] if not _blank(c.value)}
            if expected[0] in texts:
                return r, texts
        raise DataError(self.path, f"找不到表头「{expected[0]}」（应在第 {HEADER_ROW} 行）(header not found)",
                        record=f"工作表「{ws.title}」")

    def stray(self, ws: Worksheet, row: int, known: set[int]) -> None:
        for cell in ws[row]:
            if cell.column not in known and not _blank(cell.value):
                self.problem(ws, row, cell.column, "",
                             "此列没有可识别的表头，内容无法导入 (column has no known header)")

    # -- sheets ----------------------------------------------------------- #

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for form in FORMS:
            self.read_form(form, data)
        data["duties"] = self.read_duties()
        self.read_sangong(data)
        for table in TABLES:
            items = self.read_table(table)
            if items:
                data[table.key] = items
        return data

    def read_form(self, form: FormSheet, data: dict[str, Any]) -> None:
        ws = self.sheet(form.name)
        header_row, columns = self.header(ws, FORM_HEADERS)
        key_col = columns.get(FORM_HEADERS[4]) or columns.get("字段键") or KEY_COLUMN
        value_col = columns.get(FORM_HEADERS[2]) or VALUE_COLUMN
        by_key = {row.key: row for row in form.rows}
        seen: dict[str, int] = {}
        for r in range(header_row + 1, ws.max_row + 1):
            raw_key = ws.cell(r, key_col).value
            if _blank(raw_key):
                if not _blank(ws.cell(r, value_col).value):
                    self.problem(ws, r, key_col, "字段键",
                                 "此行缺少字段键，内容无法识别；请勿修改 E 列 (missing field key)")
                continue
            key = str(raw_key).strip()
            spec = by_key.get(key)
            if spec is None:
                self.problem(ws, r, key_col, "字段键", f"未知字段键「{key}」；请勿修改 E 列 (unknown field key)")
                continue
            if key in seen:
                self.problem(ws, r, key_col, "字段键", f"字段键「{key}」与第 {seen[key]} 行重复 (duplicate key)")
                continue
            seen[key] = r
            value = self.take(ws, r, value_col, spec.kind, spec.path, spec.label)
            if value is not None:
                _set(data, spec.path, value)

    def read_duties(self) -> list[str]:
        ws = self.sheet(SHEET_DUTIES)
        header_row, columns = self.header(ws, (DUTIES_HEADER,))
        col = columns[DUTIES_HEADER]
        duties: list[str] = []
        for r in range(header_row + 1, ws.max_row + 1):
            self.stray(ws, r, {col})
            if _blank(ws.cell(r, col).value):
                continue
            value = self.take(ws, r, col, "text", ("duties", len(duties)), "单位基本职能")
            if value is not None:
                duties.append(value)
        if not duties:
            self.cells.setdefault(("duties",), CellRef(ws.title, header_row + 1, get_column_letter(col), "单位基本职能"))
        return duties

    def read_sangong(self, data: dict[str, Any]) -> None:
        ws = self.sheet(SHEET_SANGONG)
        header_row, columns = self.header(ws, SANGONG_HEADERS)
        key_col = columns.get(SANGONG_HEADERS[-1]) or KEY_COLUMN
        block_cols: list[tuple[str, str, int]] = []
        for block, title in SANGONG_COLUMNS:
            header = _with_unit(title, _WAN)
            col = columns.get(header) or columns.get(title)
            if col is None:
                raise DataError(self.path, f"缺少列「{header}」(missing column)", record=f"工作表「{ws.title}」")
            block_cols.append((block, title, col))
        item_titles = dict(SANGONG_ROWS)
        blocks: dict[str, dict[str, Any]] = {}
        seen: dict[str, int] = {}
        for r in range(header_row + 1, ws.max_row + 1):
            raw_key = ws.cell(r, key_col).value
            if _blank(raw_key):
                if any(not _blank(ws.cell(r, col).value) for _, _, col in block_cols):
                    self.problem(ws, r, key_col, "字段键", "此行缺少字段键，内容无法识别；请勿修改 E 列 (missing field key)")
                continue
            item = str(raw_key).strip()
            if item not in item_titles:
                self.problem(ws, r, key_col, "字段键", f"未知字段键「{item}」；请勿修改 E 列 (unknown field key)")
                continue
            if item in seen:
                self.problem(ws, r, key_col, "字段键", f"字段键「{item}」与第 {seen[item]} 行重复 (duplicate key)")
                continue
            seen[item] = r
            for block, title, col in block_cols:
                label = f"{title}·{item_titles[item]}"
                value = self.take(ws, r, col, "wan", ("sangong", block, item), label)
                if value is not None:
                    blocks.setdefault(block, {})[item] = value
        if blocks:
            data["sangong"] = blocks

    def read_table(self, table: TableSheet) -> list[dict[str, Any]]:
        ws = self.sheet(table.name)
        header_row, found = self.header(ws, [c.header for c in table.columns])
        cols: list[tuple[Column, int]] = []
        for column in table.columns:
            col = found.get(column.header) or found.get(column.title)
            if col is None:
                raise DataError(self.path, f"缺少列「{column.header}」(missing column)", record=f"工作表「{ws.title}」")
            cols.append((column, col))
        known = {col for _, col in cols}
        group_col = next((col for c, col in cols if c.path == table.group and not c.child), None)
        items: list[dict[str, Any]] = []
        first: dict[str, Any] = {}
        numbers: dict[int, int] = {}
        current_number: int | None = None
        what = "目标" if table.key == "goals" else "项目"
        for r in range(header_row + 1, ws.max_row + 1):
            self.stray(ws, r, known)
            if all(_blank(ws.cell(r, col).value) for _, col in cols):
                continue
            number: int | None = None
            if group_col is not None:
                try:
                    number = convert_cell(ws.cell(r, group_col), "int")
                except _CellError:
                    number = None
            parents = [(c, col) for c, col in cols if not c.child]
            continuing = (
                group_col is not None and items
                and (number is None or number == current_number)
                and _blank(ws.cell(r, group_col).value) == (number is None)
            )
            if continuing:
                for column, col in parents:
                    if column.path == table.group:
                        continue
                    try:
                        value = convert_cell(ws.cell(r, col), column.kind)
                    except _CellError as exc:
                        self.problem(ws, r, col, column.title, str(exc))
                        continue
                    if value is not None and value != first.get(column.header):
                        self.problem(ws, r, col, column.title,
                                     f"同一{what}的后续行中此列应留空或与首行相同；如为新{what}，请填写不同的序号 "
                                     "(continuation row differs from the first row)")
                index = len(items) - 1
                item = items[-1]
            else:
                index = len(items)
                item = {}
                first = {}
                for column, col in parents:
                    value = self.take(ws, r, col, column.kind, (table.key, index, *column.path), column.title)
                    first[column.header] = value
                    if value is not None:
                        _set(item, column.path, value)
                    if column.path == table.anchor:
                        self.cells.setdefault((table.key, index), CellRef(ws.title, r, get_column_letter(col), column.title))
                if group_col is not None and number is not None:
                    if number in numbers:
                        self.problem(ws, r, group_col, cols[0][0].title,
                                     f"序号 {number} 与第 {numbers[number]} 行重复 (duplicate number)")
                    numbers[number] = r
                current_number = number
                items.append(item)
            if table.child_key:
                children = [(c, col) for c, col in cols if c.child]
                if any(not _blank(ws.cell(r, col).value) for _, col in children):
                    self.read_child(ws, r, table, item, index, children)
        return items

    def read_child(self, ws: Worksheet, r: int, table: TableSheet, item: dict[str, Any], index: int,
                   children: list[tuple[Column, int]]) -> None:
        assert table.child_key is not None
        siblings = item.setdefault(table.child_key, [])
        j = len(siblings)
        base: _Loc = (table.key, index, table.child_key, j)
        child: dict[str, Any] = {}
        unit: str | None = None
        unit_col = 0
        relation_cols: dict[str, int] = {}
        for column, col in children:
            if column.kind == "qunit":
                unit_col = col
                for side in ("target", "actual"):
                    self.cells.setdefault((*base, side, "unit"), CellRef(ws.title, r, get_column_letter(col), column.title))
                unit = self.take(ws, r, col, "text", (*base, "unit"), column.title)
                continue
            value = self.take(ws, r, col, column.kind, (*base, *column.path), column.title)
            if column.path == table.child_anchor:
                self.cells.setdefault(base, CellRef(ws.title, r, get_column_letter(col), column.title))
            if column.kind == "relation" and len(column.path) == 2:
                relation_cols[column.path[0]] = col
            if value is not None:
                _set(child, column.path, value)
        if table.quantities:
            for side in ("target", "actual"):
                quantity = child.get(side)
                if quantity is not None and "value" not in quantity:
                    label = "目标值关系" if side == "target" else "实际完成值关系"
                    self.problem(ws, r, relation_cols.get(side, 1), label,
                                 "填写了关系但缺少数值 (relation without a value)")
            if unit is not None:
                sides = [s for s in ("target", "actual") if s in child]
                if not sides:
                    self.problem(ws, r, unit_col, "计量单位",
                                 "填写了计量单位但缺少目标值和实际完成值 (unit without a value)")
                for side in sides:
                    child[side]["unit"] = unit
        siblings.append(child)

    # -- errors ----------------------------------------------------------- #

    def locate(self, loc: _Loc) -> CellRef | None:
        if loc in self.cells:
            return self.cells[loc]
        n = len(loc)
        for key, ref in self.cells.items():
            if key[:n] == loc:
                return ref
        return None

    def _where(self, target: CellRef | str) -> str:
        return target.short() if isinstance(target, CellRef) else target

    def _suffix(self, others: Sequence[CellRef | str]) -> str:
        if not others:
            return ""
        shown = "；".join(self._where(o) for o in others[:5])
        more = " 等" if len(others) > 5 else ""
        return f"（另有 {len(others)} 处错误：{shown}{more}）"

    def error_at(self, target: CellRef | str, message: str) -> DataError:
        if isinstance(target, CellRef):
            return DataError(self.path, message, record=target.record, field=target.field, label=target.label)
        return DataError(self.path, message, record=target)

    def raise_problems(self) -> None:
        if not self.problems:
            return
        target, message = self.problems[0]
        raise self.error_at(target, message + self._suffix([t for t, _ in self.problems[1:]]))

    def target_for(self, loc: _Loc) -> CellRef | str:
        ref = self.locate(loc)
        if ref is not None:
            return ref
        if loc and isinstance(loc[0], str) and loc[0] in SHEET_OF_FIELD:
            return f"工作表「{SHEET_OF_FIELD[loc[0]]}」"
        return ""

    def validation_error(self, exc: ValidationError) -> DataError:
        errors = exc.errors(include_url=False)
        base = validation_to_error(self.path, DepartmentYear, exc)
        message = base.message.removesuffix(f"（另有 {len(errors) - 1} 处错误）")
        targets = [self.target_for(tuple(e["loc"])) for e in errors]
        first = targets[0]
        if isinstance(first, CellRef):
            error = self.error_at(first, message + self._suffix(targets[1:]))
        else:
            label = schema_title(tuple(errors[0]["loc"])) if errors[0]["loc"] else ""
            error = DataError(self.path, message + self._suffix(targets[1:]), record=first,
                              field=base.field if first else "", label=label if first else "")
        return error


def read_workbook(path: Path) -> DepartmentYear:
    """Read a filled workbook into a validated record.

    Raises DataError naming sheet, row and column (``record`` = 工作表「…」第 N 行,
    ``field`` = "C 列", ``label`` = the Chinese header) for the first problem.
    """
    reader = _WorkbookReader(Path(path))
    data = reader.read()
    reader.raise_problems()
    try:
        return DepartmentYear.model_validate(data)
    except ValidationError as exc:
        raise reader.validation_error(exc) from None


# --------------------------------------------------------------------------- #
# YAML writing
# --------------------------------------------------------------------------- #


class _FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written in flow style (``{value: 15, unit: 件}``)."""


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, Decimals as plain numbers."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        # Never write anchors/aliases (&id001 / *id001): a hand-edited file must show every value.
        return True


def decimal_yaml_text(value: Decimal) -> str:
    """YAML text of a Decimal that the project's loader reads back with the same ``str()``."""
    sign, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent > 0:
        # "15.E+2" is a YAML 1.1 float whose Decimal is exactly Decimal("1.5E+3").
        return ("-" if sign else "") + "".join(map(str, digits)) + f".E+{exponent}"
    return format(value, "f")


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = decimal_yaml_text(value)
    tag = "tag:yaml.org,2002:int" if re.fullmatch(r"-?[0-9]+", text) else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowMap, _represent_flow)


def canonical(value: Any) -> Any:
    """A comparable form in which Decimals compare by their text (1595.3 ≠ 1595.30)."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, tuple((name, canonical(getattr(value, name))) for name in type(value).model_fields))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return (type(value).__name__, value)


def records_identical(a: BaseModel, b: BaseModel) -> bool:
    """Equal as pydantic records *and* every Decimal has the same text."""
    return a == b and canonical(a) == canonical(b)


def _yaml_data(model: BaseModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        if not info.is_required() and canonical(value) == canonical(info.get_default(call_default_factory=True)):
            continue
        out[name] = _yaml_value(value)
    return _FlowMap(out) if isinstance(model, Quantity) else out


def _yaml_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _yaml_data(value)
    if isinstance(value, list):
        return [_yaml_value(v) for v in value]
    return value


def dump_department(record: DepartmentYear) -> str:
    """The YAML text of a record, loadable by :func:`perfeval.load.load_department`.

    Block style, keys in schema order, Chinese unescaped, Decimals as plain
    numbers with their exact text; fields at their default (and None) are left
    out, goal-indicator quantities are written inline like ``{value: 15, unit: 件}``.
    """
    text = yaml.dump(_yaml_data(record), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000, indent=2)
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        # A blank line around each top-level block (a key with nested content).
        if i and line and not line[0].isspace() and (lines[i - 1][:1] in (" ", "-") or line.endswith(":")):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def save_department(record: DepartmentYear, path: Path, *, force: bool = False, header: str = "") -> bool:
    """Write ``record`` as YAML to ``path``; return False when the file already holds identical data.

    An existing file with different (or unreadable) data is only replaced with
    ``force``. The text written is checked to read back identical before it
    replaces anything.
    """
    path = Path(path)
    if path.exists():
        existing = _try_read(path)
        if existing is not None and records_identical(existing, record):
            return False
        if not force:
            raise DataError(path, "文件已存在且内容不同，未覆盖；如需覆盖请加 --force "
                                  "(file exists with different data; use --force to overwrite)")
    text = (header.rstrip("\n") + "\n" if header else "") + dump_department(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".perfeval-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        back = _try_read(Path(tmp))
        if back is None or not records_identical(back, record):  # pragma: no cover - a writer bug
            raise RuntimeError(f"YAML written for {record.code} {record.year} does not read back identically")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


def _try_read(path: Path) -> DepartmentYear | None:
    try:
        data = read_yaml(path)
        return DepartmentYear.model_validate(data)
    except (DataError, ValidationError, TypeError, ValueError):
        return None


def iter_field_paths(model: type[BaseModel] = DepartmentYear, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every leaf field path of the schema (list items and nested records walked into)."""
    for name, info in model.model_fields.items():
        inner = _inner_model(info.annotation)
        if inner is None:
            yield (*prefix, name)
        else:
            yield from iter_field_paths(inner, (*prefix, name))
