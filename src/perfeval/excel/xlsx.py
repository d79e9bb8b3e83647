"""Opening an .xlsx safely and reading only the cells we use, in bounded time and memory.

An analyst's workbook is untrusted input. Before openpyxl sees it, the zip directory is checked
(size once uncompressed) and every XML part's prolog is read: a document type declaration (DTD,
entities) is refused. The workbook is then opened in openpyxl's read-only mode, which parses a
sheet only when it is read: a sheet we do not read (however many cells it holds) is not parsed.
Each sheet we read is streamed once, row by row, within :data:`MAX_ROWS` rows and
:data:`MAX_COLUMNS` columns; only cells holding a value are kept (:class:`SheetGrid`), so the
work is linear in the rows scanned and a stray value far below a table, or one formatted cell
at XFD1048576, costs no more than the rows in between. Any failure to read (a truncated sheet,
malformed XML, a bad zip) is a :class:`~perfeval.errors.DataError` saying 无法读取 Excel 工作簿.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

#: Largest .xlsx file accepted.
MAX_FILE_BYTES = 20_000_000
#: Largest total size of the parts once uncompressed (a zip bomb is refused before anything is inflated).
MAX_UNCOMPRESSED_BYTES = 200_000_000
#: Rows and columns read from a sheet (Excel's own row limit; columns A–BL, our widest table uses A–K).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 64

#: Everything reading an .xlsx may raise for a damaged or hostile file (lxml's and ElementTree's
#: parse errors are SyntaxErrors).
READ_ERRORS: tuple[type[BaseException], ...] = (
    InvalidFileException, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, OSError, ValueError,
    TypeError, AttributeError, IndexError, EOFError, SyntaxError, UnicodeError,
)


class UnreadableWorkbook(Exception):
    """The file is not a workbook we can read safely (message in Chinese)."""


@dataclass(frozen=True)
class GridCell:
    """A cell as reading needs it (see :class:`perfeval.excel.cells.CellLike`)."""

    value: Any
    data_type: str = "n"
    number_format: str = "General"


EMPTY = GridCell(None)


@dataclass
class SheetGrid:
    """The cells of one sheet that hold a value, by row and column (1-based)."""

    title: str
    rows: dict[int, dict[int, GridCell]] = field(default_factory=dict)
    #: Rows pulled from the file (including the empty ones between values), for tests of linearity.
    scanned: int = 0

    def cell(self, row: int, column: int) -> GridCell:
        return self.rows.get(row, {}).get(column, EMPTY)

    def row(self, row: int) -> dict[int, GridCell]:
        return self.rows.get(row, {})

    def rows_from(self, first: int) -> list[int]:
        """Numbers of the rows at or below ``first`` that hold a value, in order."""
        return sorted(r for r in self.rows if r >= first)

    @property
    def cell_count(self) -> int:
        return sum(len(cells) for cells in self.rows.values())


def _check_prolog(stream: IO[bytes]) -> None:
    """Read an XML part up to its first element; refuse a document type declaration before it.

    Reads only the prolog (XML declaration, comments, processing instructions); NUL bytes are dropped
    so that UTF-16 markup is seen as ASCII. A part that is not XML (an image) stops at its first byte.
    """
    buf = b""
    pos = 0
    eof = False

    def need(n: int) -> bool:
        nonlocal buf, eof
        while len(buf) - pos < n and not eof:
            chunk = stream.read(65536)
            if not chunk:
                eof = True
                break
            buf += chunk.replace(b"\x00", b"")
        return len(buf) - pos >= n

    def skip_to(end: bytes) -> bool:
        nonlocal buf, pos
        while True:
            found = buf.find(end, pos)
            if found >= 0:
                pos = found + len(end)
                return True
            # keep only what may start the terminator
            buf, pos = buf[max(pos, len(buf) - len(end)):], 0
            if not need(len(end) + 1):
                return False

    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if need(len(bom)) and buf.startswith(bom):
            pos = len(bom)
            break
    while need(1):
        if buf[pos:pos + 1].isspace():
            pos += 1
            continue
        if not need(9) and not buf[pos:].startswith(b"<"):
            return
        head = buf[pos:pos + 9]
        if head.startswith(b"<?"):
            if not skip_to(b"?>"):
                return
        elif head.startswith(b"<!--"):
            if not skip_to(b"-->"):
                return
        elif head.upper().startswith(b"<!DOCTYPE") or head.startswith(b"<!"):
            raise UnreadableWorkbook("工作簿含有 XML 文档类型声明（DTD），拒绝读取 (DTD in an .xlsx part)")
        else:
            return   # the root element (or not XML at all)


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UnreadableWorkbook(f"工作簿解压后过大（{total} 字节，上限 {MAX_UNCOMPRESSED_BYTES}）"
                                         "(too large once uncompressed)")
            for member in members:
                if member.is_dir():
                    continue
                with archive.open(member) as stream:
                    _check_prolog(stream)
    except UnreadableWorkbook:
        raise
    except READ_ERRORS as exc:
        raise UnreadableWorkbook(f"{type(exc).__name__}: {exc}") from None


def open_workbook(path: Path) -> Any:
    """The workbook at ``path`` in read-only mode (close it after use); UnreadableWorkbook if it is not safe."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(f"文件过大（上限 {MAX_FILE_BYTES} 字节）(file too large)")
    _check_archive(path)
    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except READ_ERRORS as exc:
        raise UnreadableWorkbook(f"{type(exc).__name__}: {exc}") from None


def read_sheet(ws: Any) -> SheetGrid:
    """Stream one read-only worksheet once into a :class:`SheetGrid` (values only, bounded)."""
    grid = SheetGrid(ws.title)
    previous: Any = None
    try:
        rows = ws.iter_rows(min_row=1, max_row=MAX_ROWS, min_col=1, max_col=MAX_COLUMNS)
        for r, row in enumerate(rows, start=1):
            grid.scanned += 1
            if row is previous:
                continue   # openpyxl fills a gap between rows with one shared empty tuple
            previous = row
            cells: dict[int, GridCell] = {}
            for c, cell in enumerate(row, start=1):
                value = cell.value
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                cells[c] = GridCell(value, cell.data_type, cell.number_format or "General")
            if cells:
                grid.rows[r] = cells
    except READ_ERRORS as exc:
        raise UnreadableWorkbook(f"工作表「{ws.title}」：{type(exc).__name__}: {exc}") from None
    return grid
