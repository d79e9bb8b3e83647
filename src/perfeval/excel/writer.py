"""Writing workbooks: the empty template (``excel-template``) and a record's workbook (``export-excel``).

The layout is :mod:`perfeval.excel.layout`; how a value goes into a cell (exact decimals, dates,
blank for "=") is :func:`perfeval.excel.cells.put`. Text is always written as a text cell, and every
text that a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@``…) gets a leading ``'``
(see :func:`perfeval.excel.cells.neutralise`): headers, labels and instructions as well as data.
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
from perfeval.excel.cells import WRAP, neutralise, put
from perfeval.excel.instructions import HELP_LINES
from perfeval.excel.layout import (
    COLUMNS,
    DATA_SHEETS,
    FIRST_DATA_ROW,
    FORM_HEADERS,
    FORMS,
    HEADER_ROW,
    HINT_ROW,
    KEY_COLUMN,
    LISTS_SHEET,
    MAP_KEY,
    MONEY_SHEET,
    RELATIONS,
    SHEET_HELP,
    SPARE_ROWS,
    TABLES,
    TITLE_ROW,
    VALUE_COLUMN,
    Column,
    FormSheet,
    Kind,
    TableSheet,
)
from perfeval.model import DepartmentYear, schema_field
from perfeval.model.files import file_mode

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
    forms = {form.name: form for form in FORMS}
    tables = {table.name: table for table in TABLES}
    for name in DATA_SHEETS:
        ws = wb.create_sheet(name)
        if name in forms:
            _write_form(ws, forms[name], data)
        elif name == LISTS_SHEET.name:
            _write_lists(ws, data)
        elif name == MONEY_SHEET.name:
            _write_money(ws, data)
        else:
            table = tables[name]
            items = _get(data, table.key)
            if table.mapping and items:
                items = [{MAP_KEY: key, **value} for key, value in items.items()]
            _write_table(ws, table, items or [])
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
    return save_workbook(build_workbook(record), path)


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save ``wb`` to ``path`` atomically (a hidden temporary file beside it, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".perfeval-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, file_mode(path))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _write_help(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 140
    for i, line in enumerate(HELP_LINES, start=1):
        cell = ws.cell(i, 1, neutralise(line) if line else None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = _TITLE_FONT


def _sheet_head(ws: Worksheet, title: str, hint: str, headers: Sequence[str], widths: Sequence[float]) -> None:
    ws.cell(TITLE_ROW, 1, neutralise(title)).font = _TITLE_FONT
    ws.cell(HINT_ROW, 1, neutralise(hint)).font = _HINT_FONT
    for col, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(HEADER_ROW, col, neutralise(text))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


class _Validations:
    """One DataValidation per kind (and list of choices) on a sheet, cells added as they are written."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.by_kind: dict[tuple[str, tuple[str, ...]], DataValidation] = {}

    def add(self, kind: Kind, ref: str, choices: Sequence[str] = ()) -> None:
        dv = self.by_kind.get((kind, tuple(choices)))
        if dv is None:
            made = _make_validation(kind, choices)
            if made is None:
                return
            dv = made
            self.by_kind[(kind, tuple(choices))] = dv
            self.ws.add_data_validation(dv)
        dv.add(ref)


def _list_formula(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


def _make_validation(kind: Kind, choices: Sequence[str] = ()) -> DataValidation | None:
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True}
    if kind in ("wan", "nonneg"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "请填写不小于 0 的数字（不要填写文字或单位）。"
    elif kind == "number":
        dv = DataValidation(type="decimal", operator="between",
                            formula1="-1000000000000000", formula2="1000000000000000", **common)
        dv.error = "请填写数字（不要填写文字或单位；“约”“多”“余”等填在关系列）。"
    elif kind == "swan":
        dv = DataValidation(type="decimal", operator="between",
                            formula1="-100000000000", formula2="100000000000", **common)
        dv.error = "请填写以万元计的数字，可为负数（不要填写文字）。"
    elif kind == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", **common)
        dv.error = "请填写正整数。"
    elif kind == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "请填写不小于 0 的整数。"
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
    elif kind == "choice":
        dv = DataValidation(type="list", formula1=_list_formula(choices), **common)
        dv.error = "请从下拉列表中选择：" + "、".join(choices) + "。"
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
        ws.cell(r, 2, neutralise(row.header)).alignment = WRAP
        value = _written(_get(data, row.path), row.path)
        put(ws.cell(r, VALUE_COLUMN), value, row.kind)
        validations.add(row.kind, ws.cell(r, VALUE_COLUMN).coordinate, row.choices)
        _, required = schema_field(row.path)
        hint = "必填。" + row.hint if required else row.hint
        ws.cell(r, 4, neutralise(hint) if hint else None).alignment = WRAP
        key = ws.cell(r, KEY_COLUMN, row.key)
        key.font = _KEY_FONT


def _write_lists(ws: Worksheet, data: dict[str, Any] | None) -> None:
    sheet = LISTS_SHEET
    _sheet_head(ws, sheet.title, sheet.hint, [c.title for c in sheet.columns], [c.width for c in sheet.columns])
    for c, column in enumerate(sheet.columns, start=1):
        for i, item in enumerate(_get(data, column.path) or []):
            put(ws.cell(FIRST_DATA_ROW + i, c), item, "text")


def _write_money(ws: Worksheet, data: dict[str, Any] | None) -> None:
    sheet = MONEY_SHEET
    _sheet_head(ws, sheet.title, sheet.hint, sheet.headers, (14, 34, 16, 16, 16, 16, 30))
    validations = _Validations(ws)
    section = ""
    for i, row in enumerate(sheet.rows):
        r = FIRST_DATA_ROW + i
        if row.section != section:
            ws.cell(r, 1, row.section).font = _BOLD
            section = row.section
        ws.cell(r, 2, neutralise(row.label)).alignment = WRAP
        amounts = _get(data, row.path)
        for c, key in enumerate(COLUMNS, start=3):
            put(ws.cell(r, c), amounts.get(key) if amounts else None, "wan")
            validations.add("wan", ws.cell(r, c).coordinate)
        ws.cell(r, len(sheet.headers), row.key).font = _KEY_FONT


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
                    value = _written(_get(item, column.path), column.path)
                else:
                    value = None
                put(ws.cell(r, c), value, column.kind)
            r += 1
    last = max(r, FIRST_DATA_ROW) + SPARE_ROWS
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        validations.add(column.kind, f"{letter}{FIRST_DATA_ROW}:{letter}{last}", column.choices)
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


def _written(value: Any, path: Sequence[str]) -> Any:
    """What a cell shows for a value: a flag at its default False is left blank (blank reads as the default)."""
    return None if value is False and path[-1] in _FALSE_BY_DEFAULT else value


#: Flags whose default is False (blank = 否); an optional flag (None = not stated) shows 否 when False.
_FALSE_BY_DEFAULT = frozenset({"demo", "carryover_mentioned", "managed_only", "is_total", "inferred"})
