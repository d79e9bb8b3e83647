"""Excel workbooks for department-year records: the template, export of a record, import of a filled workbook.

Modules: ``layout`` (sheets, forms, table columns), ``instructions`` (the 说明 sheet's text), ``cells``
(a value into a cell and back, exactly), ``writer`` (template and export), ``xlsx`` (opening an .xlsx
safely, streaming only the sheets and ranges we read), ``reader`` (import, with every problem located).
"""

from __future__ import annotations

from perfeval.excel.cells import CellError, cell_decimal, convert_cell, neutralise, unneutralise
from perfeval.excel.layout import (
    DATA_SHEETS,
    FORMS,
    LISTS_SHEET,
    MONEY_SHEET,
    SHEET_HELP,
    TABLES,
    iter_field_paths,
    placed_paths,
    schema_title,
)
from perfeval.excel.reader import CellRef, WorkbookReader, read_workbook
from perfeval.excel.writer import build_workbook, write_workbook

__all__ = [
    "DATA_SHEETS", "FORMS", "LISTS_SHEET", "MONEY_SHEET", "SHEET_HELP", "TABLES", "CellError", "CellRef",
    "WorkbookReader", "build_workbook", "cell_decimal", "convert_cell", "iter_field_paths", "neutralise",
    "placed_paths", "read_workbook", "schema_title", "unneutralise", "write_workbook",
]
