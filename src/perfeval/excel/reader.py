"""Reading a filled workbook (``import-excel``) into a validated record.

Sheets are found by name, header rows by their text, form rows by the 字段键 column (see
:mod:`perfeval.excel.layout`); each cell is converted by :func:`perfeval.excel.cells.convert_cell`.
The workbook is opened and streamed by :mod:`perfeval.excel.xlsx` (bounded, only the sheets we read).
Every problem found is listed at once: the first one is the error's location (sheet, row, column,
header), the others follow in its message with their own location and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from perfeval.errors import DataError
from perfeval.excel.cells import CellError, blank, convert_cell
from perfeval.excel.layout import (
    COLUMNS,
    DATA_SHEETS,
    FORM_HEADERS,
    FORMS,
    HEADER_ROW,
    KEY_COLUMN,
    KEY_HEADER,
    LISTS_SHEET,
    MAP_KEY,
    MONEY_SHEET,
    TABLES,
    VALUE_COLUMN,
    WAN,
    Column,
    FormSheet,
    Kind,
    TableSheet,
    schema_title,
    sheet_of,
    with_unit,
)
from perfeval.excel.xlsx import SheetGrid, UnreadableWorkbook, open_workbook, read_sheet
from perfeval.model import DepartmentYear, chinese_message, validation_to_error

#: Problems quoted in full in one message (the rest are counted).
MAX_LISTED = 50
#: The sheets import reads (the 说明 sheet and any sheet an analyst added are not opened).
SHEETS_READ = frozenset(DATA_SHEETS)
#: Rows searched for a sheet's header.
HEADER_SEARCH_ROWS = 10

Loc = tuple[str | int, ...]


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


def set_path(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


class WorkbookReader:
    """One reading of a workbook: the data found, where each value came from, the problems met."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.cells: dict[Loc, CellRef] = {}
        self.problems: list[tuple[CellRef | str, str]] = []
        self.sheets: dict[str, SheetGrid] = {}
        self.annotation_keys: list[str] = []
        if not self.path.is_file():
            raise DataError(self.path, "文件不存在 (file not found)")
        if self.path.suffix.lower() == ".xls":
            raise DataError(self.path, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx (save as .xlsx)")
        try:
            self.wb = open_workbook(self.path, SHEETS_READ)
        except UnreadableWorkbook as exc:
            raise self.unreadable(exc) from None

    def unreadable(self, exc: UnreadableWorkbook) -> DataError:
        return DataError(self.path, f"无法读取 Excel 工作簿，请确认是 .xlsx 文件 (not a readable .xlsx: {exc})")

    def close(self) -> None:
        self.wb.close()

    # -- helpers ---------------------------------------------------------- #

    def sheet(self, name: str) -> SheetGrid:
        if name not in self.sheets:
            if name not in self.wb.sheetnames:
                raise DataError(self.path, f"缺少工作表「{name}」，请使用 perfeval excel-template 生成的模板 (missing sheet)")
            try:
                self.sheets[name] = read_sheet(self.wb[name])
            except UnreadableWorkbook as exc:
                raise self.unreadable(exc) from None
        return self.sheets[name]

    def take(self, ws: SheetGrid, row: int, col: int, kind: Kind, loc: Loc, label: str,
             choices: Sequence[str] = ()) -> Any:
        ref = CellRef(ws.title, row, get_column_letter(col), label)
        self.cells.setdefault(loc, ref)
        try:
            return convert_cell(ws.cell(row, col), kind, choices)
        except CellError as exc:
            self.problems.append((ref, str(exc)))
            return None

    def problem(self, ws: SheetGrid, row: int, col: int, label: str, message: str) -> None:
        self.problems.append((CellRef(ws.title, row, get_column_letter(col), label), message))

    def header(self, ws: SheetGrid, expected: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Find the header row (by the first expected header) and map header text → column."""
        for r in range(1, HEADER_SEARCH_ROWS + 1):
            texts = {str(c.value).strip(): col for col, c in ws.row(r).items() if not blank(c.value)}
            if expected[0] in texts:
                return r, texts
        raise DataError(self.path, f"找不到表头「{expected[0]}」（应在第 {HEADER_ROW} 行）(header not found)",
                        record=f"工作表「{ws.title}」")

    def stray(self, ws: SheetGrid, row: int, known: set[int]) -> None:
        for col, cell in ws.row(row).items():
            if col not in known and not blank(cell.value):
                self.problem(ws, row, col, "",
                             "此列没有可识别的表头，内容无法导入 (column has no known header)")

    # -- sheets ----------------------------------------------------------- #

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for form in FORMS:
            self.read_form(form, data)
        self.read_lists(data)
        self.read_money(data)
        for table in TABLES:
            items = self.read_table(table)
            if items:
                set_path(data, table.key, items)
        return data

    def keyed_rows(self, ws: SheetGrid, header_row: int, key_col: int, value_cols: Sequence[int],
                   known: set[str]) -> Iterator[tuple[int, str]]:
        """(row, key) of the rows of a keyed sheet; a missing, unknown or repeated key is a problem."""
        seen: dict[str, int] = {}
        letter = get_column_letter(key_col)
        for r in ws.rows_from(header_row + 1):
            raw_key = ws.cell(r, key_col).value
            if blank(raw_key):
                if any(not blank(ws.cell(r, col).value) for col in value_cols):
                    self.problem(ws, r, key_col, "字段键",
                                 f"此行缺少字段键，内容无法识别；请勿修改 {letter} 列 (missing field key)")
                continue
            key = str(raw_key).strip()
            if key not in known:
                self.problem(ws, r, key_col, "字段键", f"未知字段键「{key}」；请勿修改 {letter} 列 (unknown field key)")
                continue
            if key in seen:
                self.problem(ws, r, key_col, "字段键", f"字段键「{key}」与第 {seen[key]} 行重复 (duplicate key)")
                continue
            seen[key] = r
            yield r, key

    def read_form(self, form: FormSheet, data: dict[str, Any]) -> None:
        ws = self.sheet(form.name)
        header_row, columns = self.header(ws, FORM_HEADERS)
        key_col = columns.get(KEY_HEADER) or columns.get("字段键") or KEY_COLUMN
        value_col = columns.get(FORM_HEADERS[2]) or VALUE_COLUMN
        by_key = {row.key: row for row in form.rows}
        for r, key in self.keyed_rows(ws, header_row, key_col, (value_col,), set(by_key)):
            spec = by_key[key]
            value = self.take(ws, r, value_col, spec.kind, spec.path, spec.label, spec.choices)
            if value is not None:
                set_path(data, spec.path, value)

    def read_lists(self, data: dict[str, Any]) -> None:
        ws = self.sheet(LISTS_SHEET.name)
        header_row, found = self.header(ws, [c.title for c in LISTS_SHEET.columns])
        cols: list[tuple[tuple[str, ...], str, int]] = []
        for column in LISTS_SHEET.columns:
            col = found.get(column.title)
            if col is None:
                raise DataError(self.path, f"缺少列「{column.title}」(missing column)", record=f"工作表「{ws.title}」")
            cols.append((column.path, column.title, col))
        values: dict[tuple[str, ...], list[str]] = {path: [] for path, _, _ in cols}
        for r in ws.rows_from(header_row + 1):
            self.stray(ws, r, {col for _, _, col in cols})
            for path, title, col in cols:
                if blank(ws.cell(r, col).value):
                    continue
                items = values[path]
                value = self.take(ws, r, col, "text", (*path, len(items)), title.split("（")[0])
                if value is not None:
                    items.append(value)
        for path, title, col in cols:
            self.cells.setdefault(path, CellRef(ws.title, header_row + 1, get_column_letter(col), title.split("（")[0]))
            if values[path]:
                set_path(data, path, values[path])

    def read_money(self, data: dict[str, Any]) -> None:
        ws = self.sheet(MONEY_SHEET.name)
        headers = MONEY_SHEET.headers
        header_row, found = self.header(ws, headers)
        key_col = found.get(KEY_HEADER) or found.get("字段键") or len(headers)
        value_cols: list[tuple[str, str, int]] = []
        for key, title in COLUMNS.items():
            header = with_unit(title, WAN)
            col = found.get(header) or found.get(title)
            if col is None:
                raise DataError(self.path, f"缺少列「{header}」(missing column)", record=f"工作表「{ws.title}」")
            value_cols.append((key, title, col))
        rows = {row.key: row for row in MONEY_SHEET.rows}
        for r, key in self.keyed_rows(ws, header_row, key_col, [c for _, _, c in value_cols], set(rows)):
            spec = rows[key]
            for column, title, col in value_cols:
                value = self.take(ws, r, col, "wan", (*spec.path, column), f"{spec.label}·{title}")
                if value is not None:
                    set_path(data, (*spec.path, column), value)

    def read_table(self, table: TableSheet) -> list[dict[str, Any]] | dict[str, dict[str, Any]]:
        """The items of a table sheet (a mapping for a mapping table).

        A row continues the item above (adds a child: an indicator, an output) when its 序号 equals the
        item's, or when its 序号 and every other item column are blank; any other row starts an item.
        """
        ws = self.sheet(table.name)
        header_row, found = self.header(ws, [c.header for c in table.columns])
        cols: list[tuple[Column, int]] = []
        for column in table.columns:
            col = found.get(column.header) or found.get(column.title)
            if col is None:
                raise DataError(self.path, f"缺少列「{column.header}」(missing column)", record=f"工作表「{ws.title}」")
            cols.append((column, col))
        known = {col for _, col in cols}
        parents = [(c, col) for c, col in cols if not c.child]
        children = [(c, col) for c, col in cols if c.child]
        group_col = next((col for c, col in parents if c.path == table.group), None)
        others = [(c, col) for c, col in parents if c.path != table.group]
        items: list[dict[str, Any]] = []
        locs: list[Loc] = []
        first: dict[str, Any] = {}
        numbers: dict[int, int] = {}
        current_number: int | None = None
        for r in ws.rows_from(header_row + 1):
            self.stray(ws, r, known)
            if all(blank(ws.cell(r, col).value) for _, col in cols):
                continue
            number: int | None = None
            if group_col is not None:
                try:
                    number = convert_cell(ws.cell(r, group_col), "int")
                except CellError:
                    number = None
            group_blank = group_col is None or blank(ws.cell(r, group_col).value)
            continuing = bool(items) and table.child_key is not None and (
                (number is not None and number == current_number)
                or (group_blank and all(blank(ws.cell(r, col).value) for _, col in others)))
            if continuing:
                for column, col in others:
                    try:
                        value = convert_cell(ws.cell(r, col), column.kind, column.choices)
                    except CellError as exc:
                        self.problem(ws, r, col, column.title, str(exc))
                        continue
                    if value is not None and value != first.get(column.header):
                        self.problem(ws, r, col, column.title,
                                     f"同一{table.what}的后续行中此列应留空或与首行相同；如为新{table.what}，"
                                     "请填写不同的序号 (continuation row differs from the first row)")
                item, loc = items[-1], locs[-1]
            else:
                index = len(items)
                loc = (*table.key, index)
                item = {}
                first = {}
                for column, col in parents:
                    value = self.take(ws, r, col, column.kind, (*loc, *column.path), column.title, column.choices)
                    first[column.header] = value
                    if value is not None:
                        set_path(item, column.path, value)
                    if column.path == table.anchor:
                        self.cells.setdefault(loc, CellRef(ws.title, r, get_column_letter(col), column.title))
                if group_col is not None and number is not None:
                    if number in numbers:
                        self.problem(ws, r, group_col, cols[0][0].title,
                                     f"序号 {number} 与第 {numbers[number]} 行重复 (duplicate number)")
                    numbers[number] = r
                current_number = number
                items.append(item)
                locs.append(loc)
            if children and any(not blank(ws.cell(r, col).value) for _, col in children):
                self.read_child(ws, r, table, item, loc, children)
        if table.mapping:
            mapping = self.as_mapping(ws, table, items, locs)
            self.annotation_keys = list(mapping)
            return mapping
        return items

    def as_mapping(self, ws: SheetGrid, table: TableSheet, items: list[dict[str, Any]],
                   locs: list[Loc]) -> dict[str, dict[str, Any]]:
        """The rows of a mapping table keyed by their MAP_KEY column; cell references re-keyed the same way."""
        out: dict[str, dict[str, Any]] = {}
        rows: dict[str, int] = {}
        n = len(table.key)
        by_item: dict[Loc, list[tuple[Loc, CellRef]]] = {}     # one pass over the cells, not one per row
        for cell_loc, cell_ref in list(self.cells.items()):
            by_item.setdefault(cell_loc[: n + 1], []).append((cell_loc, cell_ref))
        for item, loc in zip(items, locs):
            ref = self.cells[loc]
            key = item.pop(MAP_KEY, None)
            if key is None:
                self.problems.append((ref, "缺少字段路径 (missing key)"))
                continue
            key = key.strip()
            if key in out:
                self.problems.append((ref, f"「{key}」与第 {rows[key]} 行重复 (duplicate key)"))
                continue
            out[key], rows[key] = item, ref.row
            for cell_loc, cell_ref in by_item.get(loc, ()):
                self.cells.setdefault((*table.key, key, *cell_loc[n + 1:]), cell_ref)
        return out

    def read_child(self, ws: SheetGrid, r: int, table: TableSheet, item: dict[str, Any], loc: Loc,
                   children: list[tuple[Column, int]]) -> None:
        assert table.child_key is not None
        siblings = item.setdefault(table.child_key, [])
        base: Loc = (*loc, table.child_key, len(siblings))
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
            value = self.take(ws, r, col, column.kind, (*base, *column.path), column.title, column.choices)
            if column.path == table.child_anchor:
                self.cells.setdefault(base, CellRef(ws.title, r, get_column_letter(col), column.title))
            if column.kind == "relation" and len(column.path) == 2:
                relation_cols[column.path[0]] = col
            if value is not None:
                set_path(child, column.path, value)
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

    def locate(self, loc: Loc) -> CellRef | None:
        if loc in self.cells:
            return self.cells[loc]
        n = len(loc)
        for key, ref in self.cells.items():
            if key[:n] == loc:
                return ref
        return None

    def _where(self, target: CellRef | str) -> str:
        if isinstance(target, CellRef):
            return f"{target.short()}（{target.label}）" if target.label else target.short()
        return target or "工作簿"

    def _suffix(self, others: Sequence[tuple[CellRef | str, str]], count: int | None = None) -> str:
        """The other ``count`` problems: the first MAX_LISTED of ``others`` with place and reason, the rest counted."""
        count = len(others) if count is None else count
        if not count:
            return ""
        listed = "；".join(f"{self._where(t)}：{m}" for t, m in others[:MAX_LISTED])
        more = f"；……其余 {count - MAX_LISTED} 处从略" if count > MAX_LISTED else ""
        return f"（另有 {count} 处错误：{listed}{more}）"

    def error_at(self, target: CellRef | str, message: str) -> DataError:
        if isinstance(target, CellRef):
            return DataError(self.path, message, record=target.record, field=target.field, label=target.label)
        return DataError(self.path, message, record=target)

    def raise_problems(self) -> None:
        if not self.problems:
            return
        target, message = self.problems[0]
        raise self.error_at(target, message + self._suffix(self.problems[1:]))

    def target_for(self, loc: Loc) -> CellRef | str:
        ref = self.locate(loc)
        if ref is not None:
            return ref
        sheet = sheet_of(loc)
        return f"工作表「{sheet}」" if sheet else ""

    def error_loc(self, error: Any) -> Loc:
        """Where an error is; a record-level rule about an annotation (its field path names a value that is
        not stated) is placed on that annotation's row."""
        loc = tuple(error["loc"])
        if loc in ((), ("annotations",)):
            message = str(error.get("msg", ""))
            for key in self.annotation_keys:
                if f" {key} " in message:
                    return ("annotations", key, MAP_KEY)
        return loc

    def validation_error(self, exc: ValidationError) -> DataError:
        errors = exc.errors(include_url=False)
        errors.sort(key=lambda e: e.get("type") != "extra_forbidden")   # the order validation_to_error uses
        base = validation_to_error(self.path, DepartmentYear, exc)
        message = base.message.removesuffix(f"（另有 {len(errors) - 1} 处错误）")
        others = [(self.target_for(self.error_loc(e)), chinese_message(e)) for e in errors[1: MAX_LISTED + 1]]
        suffix = self._suffix(others, len(errors) - 1)
        first = self.target_for(self.error_loc(errors[0]))
        if isinstance(first, CellRef):
            return self.error_at(first, message + suffix)
        label = schema_title(tuple(errors[0]["loc"])) if errors[0]["loc"] else ""
        return DataError(self.path, message + suffix, record=first,
                         field=base.field if first else "", label=label if first else "")


def read_workbook(path: Path) -> DepartmentYear:
    """Read a filled workbook into a validated record.

    Raises DataError naming sheet, row and column (``record`` = 工作表「…」第 N 行,
    ``field`` = "C 列", ``label`` = the Chinese header) of the first problem; its message lists
    the others with their place and reason.
    """
    reader = WorkbookReader(Path(path))
    try:
        data = reader.read()
    finally:
        reader.close()
    reader.raise_problems()
    try:
        return DepartmentYear.model_validate(data)
    except ValidationError as exc:
        raise reader.validation_error(exc) from None
