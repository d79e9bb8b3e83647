"""Opening an .xlsx safely and reading only the cells we use, in bounded time and memory.

An analyst's workbook is untrusted input. Before openpyxl sees it, the package is copied without
the sheets we do not read (found from workbook.xml and its relationships), so such a sheet is never
parsed however many cells it holds; the parts kept are checked: their size once uncompressed, and
their XML prolog, where a document type declaration (DTD, entities) is refused. The copy is opened
in openpyxl's read-only mode.
Each sheet we read is streamed once, row by row, within :data:`MAX_ROWS` rows and
:data:`MAX_COLUMNS` columns; only cells holding a value are kept (:class:`SheetGrid`), so the
work is linear in the rows scanned and a stray value far below a table, or one formatted cell
at XFD1048576, costs no more than the rows in between. Any failure to read (a truncated sheet,
malformed XML, a bad zip) is a :class:`~perfeval.errors.DataError` saying 无法读取 Excel 工作簿.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Collection
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

#: Largest .xlsx file accepted.
MAX_FILE_BYTES = 20_000_000
#: Largest total size, once uncompressed, of the parts we keep (a zip bomb is refused before it is inflated).
MAX_UNCOMPRESSED_BYTES = 100_000_000
#: Rows and columns read from a sheet (Excel's own row limit; columns A–BL, our widest table uses A–O).
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


_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: Largest workbook.xml or relationship part read to find the sheets.
MAX_INDEX_BYTES = 5_000_000


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    """A small XML part of the archive, parsed after its prolog is checked (None when absent)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_INDEX_BYTES:
        raise UnreadableWorkbook(f"{name} 过大 (part too large)")
    with archive.open(info) as stream:
        _check_prolog(stream)
    return ElementTree.fromstring(archive.read(info))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part name) of ``part`` (targets resolved as openpyxl does)."""
    root = _xml(archive, _rels_path(part))
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter(_REL_NS + "Relationship") if root is not None else ():
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        name = target[1:] if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(part), target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), name)
    return out


def _unread_sheet_parts(archive: zipfile.ZipFile, wanted: Collection[str]) -> set[str]:
    """The parts (and their relationship parts) of the sheets whose name is not in ``wanted``."""
    package = _relationships(archive, "")
    workbook = next((name for kind, name in package.values() if kind.endswith("/officeDocument")),
                    "xl/workbook.xml")
    root = _xml(archive, workbook)
    if root is None:
        return set()
    rels = _relationships(archive, workbook)
    unread: set[str] = set()
    for sheet in root.iter(_MAIN_NS + "sheet"):
        if sheet.get("name") in wanted:
            continue
        target = rels.get(sheet.get(_DOC_REL_NS + "id", ""))
        if target is not None:
            unread |= {target[1], _rels_path(target[1])}
    return unread


def _kept_parts(path: Path, wanted: Collection[str]) -> io.BytesIO:
    """A copy of the package without the sheets we do not read, every kept part checked (size, DTD)."""
    copy = io.BytesIO()
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
        unread = _unread_sheet_parts(archive, wanted)
        kept = [m for m in archive.infolist() if not m.is_dir() and m.filename not in unread]
        total = sum(m.file_size for m in kept)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableWorkbook(f"工作簿解压后过大（{total} 字节，上限 {MAX_UNCOMPRESSED_BYTES}）"
                                     "(too large once uncompressed)")
        for member in kept:
            with archive.open(member) as stream:
                _check_prolog(stream)
            out.writestr(member.filename, archive.read(member))
    copy.seek(0)
    return copy


def open_workbook(path: Path, sheets: Collection[str]) -> Any:
    """The workbook at ``path`` in read-only mode holding only the named ``sheets`` (close it after use).

    Raises UnreadableWorkbook when the file is too large, holds a DTD or cannot be read. A sheet not
    named is left out before openpyxl opens the file, so it is never parsed, however large.
    """
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(f"文件过大（上限 {MAX_FILE_BYTES} 字节）(file too large)")
    try:
        package = _kept_parts(path, sheets)
        return load_workbook(package, read_only=True, data_only=False, keep_links=False)
    except UnreadableWorkbook:
        raise
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
