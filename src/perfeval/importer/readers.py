"""Reading a published report into plain text: ``.txt`` (PDF extractions), ``.docx``, ``.html``, ``.pdf``.

The text keeps the layout signals the normalizer uses: one paragraph per line,
table cells separated by tabs, table rows by line breaks.

Every reader finishes or refuses within seconds for any input under its size
limit (issue 16): a Word file's parts are checked against a limit on their
*uncompressed* size before anything is parsed, an HTML page is read by a
streaming parser with a limit on element nesting, a PDF by pdfplumber with a
limit on pages, and the text any reader returns is limited to
:data:`MAX_REPORT_CHARS` characters. A refusal is the usual one-line
:class:`perfeval.errors.DataError` naming the file.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from perfeval.errors import DataError
from perfeval.model import MAX_FILE_BYTES, read_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

#: The longest report text we read (characters, after extraction): the text-file limit.
MAX_REPORT_CHARS = MAX_FILE_BYTES
#: The most lines a report may have (a 300-page report has about 15,000).
MAX_REPORT_LINES = 100_000
#: A .docx or .pdf file may be larger than a text file (embedded images): bytes on disk.
MAX_BINARY_BYTES = MAX_FILE_BYTES * 10
#: Uncompressed size of all parts of a .docx (a real report's XML is a few MB; images count too).
MAX_DOCX_UNCOMPRESSED = 64_000_000
#: Uncompressed size of the XML parts python-docx parses (document, headers, footnotes …).
MAX_DOCX_XML = 8_000_000
MAX_DOCX_PARTS = 2_000
#: Element nesting of a web page (real pages nest a few dozen levels).
MAX_HTML_DEPTH = 400
#: Limits of the child process that reads a PDF.
PDF_MEMORY_BYTES = 1_500_000_000
PDF_CPU_SECONDS = 30


def _limit_text(path: Path, text: str) -> str:
    if len(text) > MAX_REPORT_CHARS:
        raise DataError(path, f"报告文字过长（{len(text)} 个字符，上限 {MAX_REPORT_CHARS}）(report text too long)")
    lines = text.count("\n") + 1
    if lines > MAX_REPORT_LINES:
        lines = sum(1 for line in text.split("\n") if line.strip())  # empty lines (markup) do not count
    if lines > MAX_REPORT_LINES:
        raise DataError(path, f"报告行数过多（{lines} 行，上限 {MAX_REPORT_LINES}）(too many lines)")
    return text


#: Content types python-docx parses as XML end with this (the main part, styles, headers, relationships …).
_XML_TYPE = "xml"
#: The largest ``[Content_Types].xml`` read to find which parts are XML (a real one is a few KB).
MAX_CONTENT_TYPES = 1_000_000


def _xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path) -> list[zipfile.ZipInfo]:
    """The parts python-docx would parse as XML: by name (``.xml``, ``.rels``) and by the content type the
    package declares for them (a main part renamed ``word/document.bin`` is still parsed as XML)."""
    import xml.etree.ElementTree as ET

    names = {i.filename: i for i in infos}
    declared = names.get("[Content_Types].xml")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if declared is not None:
        if declared.file_size > MAX_CONTENT_TYPES:
            raise DataError(path, f"Word 文件的 [Content_Types].xml 过大（{declared.file_size} 字节）(.docx is malformed)")
        try:
            root = ET.fromstring(archive.read(declared))
        except (ET.ParseError, zipfile.BadZipFile, OSError, ValueError) as exc:
            raise DataError(path, f"无法读取 Word 文件：{exc} (not a readable .docx)") from None
        for element in root:
            kind = element.get("ContentType") or ""
            if element.tag.endswith("Default"):
                defaults[(element.get("Extension") or "").lower()] = kind
            elif element.tag.endswith("Override"):
                overrides[(element.get("PartName") or "").lstrip("/")] = kind
    out = []
    for info in infos:
        name = info.filename
        kind = overrides.get(name) or defaults.get(name.rpartition(".")[2].lower() if "." in name else "", "")
        if name.lower().endswith((".xml", ".rels")) or kind.lower().endswith(_XML_TYPE):
            out.append(info)
    return out


def check_docx_archive(path: Path) -> None:
    """Refuse a .docx whose parts would expand beyond the limits (a "zip bomb"), before parsing it.

    The sizes are the archive's declared uncompressed sizes; Python's ``zipfile`` never returns more
    than the declared size of a part, so they bound what python-docx reads. The XML limit counts every
    part that would be parsed as XML, whatever its name.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_DOCX_PARTS:
                raise DataError(path, f"Word 文件包含 {len(infos)} 个部件，超过上限 {MAX_DOCX_PARTS} (too many parts)")
            parsed = _xml_parts(archive, infos, path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(path, f"无法读取 Word 文件：{exc} (not a readable .docx)") from None
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in parsed)
    if total > MAX_DOCX_UNCOMPRESSED or xml > MAX_DOCX_XML:
        raise DataError(path, f"Word 文件解压后过大（{total} 字节，其中 XML {xml} 字节；上限 {MAX_DOCX_UNCOMPRESSED}"
                              f"，XML 上限 {MAX_DOCX_XML}）(.docx expands beyond the limit)")


def _table_rows(table: object) -> Iterator[str]:
    """The rows of a Word table as tab-separated cell texts, one entry per cell as Word stores it (a cell
    spanning columns once); a cell continuing a vertical merge repeats the text of the merge's first cell.
    One pass over the rows (python-docx's ``row.cells`` looks each continued cell up row by row, recursively)."""
    from docx.table import _Cell

    above: dict[int, str] = {}      # grid column → the text of the cell there in the row above
    for tr in table._tbl.tr_lst:    # type: ignore[attr-defined]
        column = tr.grid_before
        cells: list[str] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue":
                text = above.get(column, "")
            else:
                text = _Cell(tc, table).text.replace("\n", " ").replace("\t", " ")  # type: ignore[arg-type]
            for offset in range(span):
                above[column + offset] = text
            column += span
            cells.append(text)
        yield "\t".join(cells)


def read_docx(path: Path) -> str:
    """Paragraphs and tables of a Word file, in document order (tables as tab-separated rows)."""
    import docx  # python-docx
    from docx.table import Table

    check_docx_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx and lxml raise several kinds for a broken file
        raise DataError(path, f"无法读取 Word 文件：{exc} (not a readable .docx)") from None
    lines: list[str] = []
    size = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in _table_rows(item):
                lines.append(row)
                size += len(row)
                if size > MAX_REPORT_CHARS or len(lines) > MAX_REPORT_LINES:
                    break
        else:
            lines.append(item.text)
            size += len(lines[-1])
        if size > MAX_REPORT_CHARS:
            _limit_text(path, "x" * (size + 1))
        if len(lines) > MAX_REPORT_LINES:
            _limit_text(path, "x\n" * len(lines))
    return _limit_text(path, "\n".join(lines))


class _TextParser(HTMLParser):
    """Visible text of a page in one pass: block elements become lines, table cells tabs."""

    BLOCKS = {"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "ul", "ol",
              "thead", "tbody", "tfoot", "header", "footer", "main", "nav", "aside", "blockquote", "pre", "dl", "dt",
              "dd", "form", "title", "caption", "figure", "figcaption", "address", "center"}
    CELLS = {"td", "th"}
    SKIP = {"script", "style", "noscript", "head", "template", "svg", "math"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
            "wbr", "basefont", "frame", "keygen"}
    # Elements a browser closes implicitly: they do not count towards nesting.
    IMPLIED = {"p", "li", "td", "th", "tr", "option", "dt", "dd", "thead", "tbody", "tfoot", "colgroup", "rb", "rt",
               "rp", "optgroup", "caption"}

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.parts: list[str] = []
        self.size = 0
        self.skip = 0
        self.depth = 0

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > MAX_REPORT_CHARS:
            raise DataError(self.path, f"报告文字过长（超过 {MAX_REPORT_CHARS} 个字符）(report text too long)")

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.SKIP:
            self.skip += 1
            return
        if tag == "br":
            self._emit("\n")
            return
        if tag not in self.VOID and tag not in self.IMPLIED:
            self.depth += 1
            if self.depth > MAX_HTML_DEPTH:
                raise DataError(self.path, f"网页元素嵌套超过 {MAX_HTML_DEPTH} 层 (HTML nested too deeply)")
        if tag in self.BLOCKS:
            self._emit("\n")

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        if tag == "br":
            self._emit("\n")
        elif tag in self.BLOCKS:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag not in self.VOID and tag not in self.IMPLIED:
            self.depth = max(0, self.depth - 1)
        if tag in self.CELLS:
            self._emit("\t")
        elif tag in self.BLOCKS:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._emit(data)


def read_html(path: Path) -> str:
    """Visible text of a web page: block elements become lines, table cells tabs (linear, nesting limited)."""
    parser = _TextParser(path)
    parser.feed(read_text(path))
    parser.close()
    return _limit_text(path, "".join(parser.parts))


def read_pdf(path: Path) -> str:
    """Text of a machine-made PDF (pdfplumber), read in a child process with memory and CPU limits.

    A PDF's compressed streams can expand a thousandfold and pdfminer has no limit of its own, so
    the extraction (:mod:`perfeval.importer.pdftext`) runs apart: a file that needs more than
    :data:`PDF_MEMORY_BYTES` or :data:`PDF_CPU_SECONDS` is refused with one line.
    """
    import os
    import resource
    import subprocess
    import sys

    import perfeval

    def limits() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY_BYTES, PDF_MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (PDF_CPU_SECONDS, PDF_CPU_SECONDS + 1))

    env = dict(os.environ)
    package_root = str(Path(perfeval.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        done = subprocess.run([sys.executable, "-m", "perfeval.importer.pdftext", str(path)], capture_output=True,
                              env=env, preexec_fn=limits, timeout=PDF_CPU_SECONDS * 3)
    except subprocess.TimeoutExpired:
        raise DataError(path, f"PDF 解析超时（{PDF_CPU_SECONDS * 3} 秒）(PDF takes too long to read)") from None
    if done.returncode == 0:
        return _limit_text(path, done.stdout.decode("utf-8"))
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 3 and message:
        raise DataError(path, message[-1])
    raise DataError(path, "无法读取 PDF 文件：解析超出内存或时间限制，或文件已损坏 (PDF exceeds the limits or is broken)")


#: Bidirectional controls (U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069): invisible in a report, they
#: would reverse the text after them in a page or a Word file; data files refuse them, a report's are removed.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def read_report(path: Path | str) -> str:
    """The text of a report file, by its suffix, without bidirectional controls."""
    return BIDI_CONTROLS.sub("", _read(Path(path)))


def _read(path: Path) -> str:
    if not path.is_file():
        raise DataError(path, "文件不存在 (file not found)")
    suffix = path.suffix.lower()
    if suffix in (".docx", ".pdf"):
        size = path.stat().st_size
        if size > MAX_BINARY_BYTES:
            raise DataError(path, f"文件过大（{size} 字节，上限 {MAX_BINARY_BYTES}）(file too large)")
        return read_docx(path) if suffix == ".docx" else read_pdf(path)
    if suffix in HTML_SUFFIXES:
        return read_html(path)
    if suffix == ".doc":
        raise DataError(path, "不支持 .doc 文件，请先另存为 .docx 或导出文本 (unsupported format)")
    return _limit_text(path, read_text(path))
