"""Writing workbooks: the empty template (``excel-template``) and a record's workbook (``export-excel``).

The layout is :mod:`perfeval.excel.layout`; how a value goes into a cell (exact decimals, dates,
blank for "=") is :func:`perfeval.excel.cells.put`. Text is always written as a text cell, so a
value starting with ``=``, ``+``, ``-`` or ``@`` is shown as written and never evaluated as a formula.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from perfeval.errors import DataError
from perfeval.excel.cells import WRAP, put
from perfeval.excel.layout import (
    BASIC_FORM,
    CATEGORIES,
    DATA_SHEETS,
    FIRST_DATA_ROW,
    FORM_HEADERS,
    HEADER_ROW,
    HELP_LINES,
    HINT_ROW,
    KEY_COLUMN,
    MONEY_FORM,
    RELATIONS,
    SANGONG_COLUMNS,
    SANGONG_HEADERS,
    SANGONG_ROWS,
    SHEET_BASIC,
    SHEET_DUTIES,
    SHEET_HELP,
    SHEET_MONEY,
    SHEET_SANGONG,
    SPARE_ROWS,
    TABLES,
    TITLE_ROW,
    VALUE_COLUMN,
    Column,
    FormSheet,
    Kind,
    TableSheet,
    DUTIES_HEADER,
)
from perfeval.model import DepartmentYear, schema_field

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_HINT_FONT = Font(italic=True, color="595959")
_KEY_FONT = Font(color="808080")
_TOP = Alignment(vertical="top")



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
        ws.cell(r, 2, row.header).alignment = WRAP
        value = _get(data, row.path) if data is not None else None
        put(ws.cell(r, VALUE_COLUMN), value, row.kind)
        validations.add(row.kind, ws.cell(r, VALUE_COLUMN).coordinate)
        _, required = schema_field(row.path)
        hint = "必填。" + row.hint if required else row.hint
        ws.cell(r, 4, hint or None).alignment = WRAP
        key = ws.cell(r, KEY_COLUMN, row.key)
        key.font = _KEY_FONT


def _write_duties(ws: Worksheet, duties: list[str]) -> None:
    _sheet_head(ws, "单位基本职能", "每行填写一条职能，按原文顺序。", (DUTIES_HEADER,), (120,))
    for i, duty in enumerate(duties):
        put(ws.cell(FIRST_DATA_ROW + i, 1), duty, "text")


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
            put(ws.cell(r, c), amounts.get(item) if amounts else None, "wan")
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
                put(ws.cell(r, c), value, column.kind)
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
