"""The reply form (回复表) that goes with a 反馈函: one row per question, for the unit to fill in; and reading
it back (``perfeval import-reply``) with every problem located by sheet, row, column and header.

Layout of the one sheet 回复表: the title (row 1); 部门代码, 评价年度, 回复截止日期 (row 2); 回复日期 for the unit
(row 3); a hint (row 4); the header (row 5); one row per question from row 6: 序号, 编号 (the finding id),
涉及事项, 问题 (with its figures) — locked — and 单位说明, 佐证材料, 是否认可 (认可 / 部分认可 / 不认可) to fill in.
Every text is written as a text cell, neutralised against formulas (:func:`perfeval.excel.cells.neutralise`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from perfeval.errors import DataError
from perfeval.excel.cells import put, put_text
from perfeval.excel.reader import WorkbookReader
from perfeval.excel.writer import save_workbook
from perfeval.excel.xlsx import UnreadableWorkbook, open_workbook
from perfeval.model import chinese_message
from perfeval.review import AGREEMENTS, Reply

SHEET = "回复表"
HEADERS = ("序号", "编号", "涉及事项", "问题", "单位说明", "佐证材料", "是否认可")
WIDTHS = (6, 30, 14, 60, 50, 30, 12)
#: The columns the unit fills in (1-based), and the field of a reply each one is.
FILL = {5: "explanation", 6: "evidence", 7: "agrees"}
HEADER_ROW, FIRST_ROW = 5, 6
_BOLD = Font(bold=True)
_FILL_COLOUR = PatternFill("solid", fgColor="FFF2CC")
_HEADER_COLOUR = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Question:
    """One row of the form: the finding id, what it concerns, the question (its figures in its words)."""

    finding: str
    item: str
    text: str


def build_reply_form(code: str, year: int, title: str, questions: Sequence[Question], deadline: dt.date) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    put_text(ws.cell(1, 1), f"{title} 需核实事项回复表")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for col, (label, value, kind) in enumerate((("部门代码", code, "text"), ("评价年度", year, "year"),
                                               ("回复截止日期", deadline, "date")), start=0):
        put_text(ws.cell(2, 1 + 2 * col), label)
        put(ws.cell(2, 2 + 2 * col), value, kind)  # type: ignore[arg-type]
    put_text(ws.cell(3, 1), "回复日期")
    date_cell = ws.cell(3, 2)
    date_cell.number_format = "yyyy-mm-dd"
    date_cell.fill, date_cell.protection = _FILL_COLOUR, Protection(locked=False)
    put_text(ws.cell(4, 1), "请逐项在黄色的“单位说明”“佐证材料”“是否认可”三列填写（回复日期填在第3行），其他单元格请勿改动；"
                            "不认可的，请在单位说明中写明理由。")
    ws.cell(4, 1).font = Font(italic=True, color="595959")
    for col, (head, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        cell = ws.cell(HEADER_ROW, col)
        put_text(cell, head)
        cell.font, cell.fill = _BOLD, _HEADER_COLOUR
        ws.column_dimensions[get_column_letter(col)].width = width
    agrees = DataValidation(type="list", formula1='"' + ",".join(AGREEMENTS) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="输入无效", error="请从下拉列表中选择：" + "、".join(AGREEMENTS))
    ws.add_data_validation(agrees)
    for i, q in enumerate(questions):
        row = FIRST_ROW + i
        ws.cell(row, 1).value = i + 1
        for col, text in ((2, q.finding), (3, q.item), (4, q.text)):
            put_text(ws.cell(row, col), text)
            ws.cell(row, col).alignment = _WRAP
        for col in FILL:
            cell = ws.cell(row, col)
            cell.number_format, cell.alignment = "@", _WRAP
            cell.fill, cell.protection = _FILL_COLOUR, Protection(locked=False)
        agrees.add(f"{get_column_letter(max(FILL))}{row}")
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    ws.protection.sheet = True     # no password: it only keeps the questions from being edited by mistake
    return wb


def write_reply_form(path: Path, code: str, year: int, title: str, questions: Sequence[Question],
                     deadline: dt.date) -> Path:
    """Write the form atomically (the caller has decided that ``path`` may be replaced)."""
    return save_workbook(build_reply_form(code, year, title, questions, deadline), path)


# --- reading it back --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FilledForm:
    code: str
    year: int
    replies: list[Reply]


class ReplyFormReader(WorkbookReader):
    """Reads the one sheet of a reply form; problems are collected and reported as ``import-excel`` does."""

    def __init__(self, path: Path) -> None:  # noqa: D107 - opens only the reply sheet
        self.path = Path(path)
        self.cells, self.problems, self.sheets, self.annotation_keys = {}, [], {}, []
        if not self.path.is_file():
            raise DataError(self.path, "文件不存在 (file not found)")
        if self.path.suffix.lower() != ".xlsx":
            raise DataError(self.path, "回复表应为 .xlsx 文件 (expected .xlsx)")
        try:
            self.wb = open_workbook(self.path, {SHEET})
        except UnreadableWorkbook as exc:
            raise self.unreadable(exc) from None

    def read_form(self, known: Callable[[str, int], set[str] | None]) -> FilledForm:
        """The filled form; ``known(code, year)`` gives the current finding ids of that department-year (None
        when the data folder has no such department-year)."""
        ws = self.sheet(SHEET)
        code = self.take(ws, 2, 2, "text", ("code",), "部门代码")
        year = self.take(ws, 2, 4, "year", ("year",), "评价年度")
        day = self.take(ws, 3, 2, "date", ("date",), "回复日期")
        ids: set[str] | None = None
        if code is not None and year is not None:
            ids = known(str(code).strip(), int(year))
            if ids is None:
                self.problem(ws, 2, 2, "部门代码", f"数据目录中没有 {code} {year} 年度的数据 (no such department-year)")
        elif code is None:
            self.problem(ws, 2, 2, "部门代码", "未填写部门代码 (missing)")
        header_row, columns = self.header(ws, HEADERS[1:2])
        where = {head: columns.get(head) for head in HEADERS}
        missing = [h for h in ("编号", *(HEADERS[c - 1] for c in FILL)) if where[h] is None]
        if missing:
            raise DataError(self.path, f"找不到表头「{'」「'.join(missing)}」，请使用 perfeval feedback 生成的回复表 "
                                       "(header not found)", record=f"工作表「{SHEET}」第 {header_row} 行")
        replies: list[Reply] = []
        for row in ws.rows_from(header_row + 1):
            finding = self.take(ws, row, where["编号"], "text", ("rows", row, "finding"), "编号")  # type: ignore[arg-type]
            values = {field: self.take(ws, row, where[HEADERS[col - 1]], "choice" if field == "agrees" else "text",  # type: ignore[arg-type]
                                       ("rows", row, field), HEADERS[col - 1], AGREEMENTS)
                      for col, field in FILL.items()}
            if finding is None:
                if any(v is not None for v in values.values()):
                    self.problem(ws, row, where["编号"] or 2, "编号", "此行填写了回复，但没有编号 (reply without an id)")
                continue
            finding = str(finding).strip()
            if ids is not None and finding not in ids:
                self.problem(ws, row, where["编号"] or 2, "编号",
                             f"编号 {finding} 不是该部门当前的核查事项（数据是否已改动？）(unknown finding)")
                continue
            if all(v is None for v in values.values()):
                continue    # not answered
            reply = self._reply(ws, row, where, finding, values, day)
            if reply is not None:
                replies.append(reply)
        self.raise_problems()
        assert code is not None and year is not None
        return FilledForm(str(code).strip(), int(year), replies)

    def _reply(self, ws: Any, row: int, where: dict[str, int | None], finding: str, values: dict[str, Any],
               day: dt.date | None) -> Reply | None:
        try:
            return Reply(finding=finding, date=day, **{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else "explanation"
                col = next((c for c, f in FILL.items() if f == field), where["编号"] or 2)
                self.problem(ws, row, col, HEADERS[col - 1], chinese_message(error))
            return None


def read_reply_form(path: Path, known: Callable[[str, int], set[str] | None]) -> FilledForm:
    """Read a filled reply form; a :class:`DataError` names the first problem's sheet, row, column and header
    and lists every other one."""
    reader = ReplyFormReader(Path(path))
    try:
        return reader.read_form(known)
    finally:
        reader.close()
