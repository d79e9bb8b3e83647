"""Reading a published report into plain text: ``.txt`` (PDF extractions), ``.docx``, ``.html``.

The text keeps the layout signals the normalizer uses: one paragraph per line,
table cells separated by tabs, table rows by line breaks.
"""

from __future__ import annotations

from pathlib import Path

from perfeval.errors import DataError
from perfeval.model import MAX_FILE_BYTES, read_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_docx(path: Path) -> str:
    """Paragraphs and tables of a Word file, in document order (tables as tab-separated rows)."""
    import docx  # python-docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken file
        raise DataError(path, f"无法读取 Word 文件：{exc} (not a readable .docx)") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.replace("\n", " ").replace("\t", " "))
                lines.append("\t".join(cells))
        else:
            lines.append(item.text)
    return "\n".join(lines)


def read_html(path: Path) -> str:
    """Visible text of a web page: block elements become lines, table cells tabs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text(path), "html.parser")
    for tag in soup(["script", "style", "noscript", "head"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after("\t")
    for block in soup.find_all(["p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section"]):
        block.insert_before("\n")
        block.insert_after("\n")
    return soup.get_text()


def read_report(path: Path | str) -> str:
    """The text of a report file, by its suffix."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "文件不存在 (file not found)")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        if path.stat().st_size > MAX_FILE_BYTES * 10:
            raise DataError(path, "文件过大 (file too large)")
        return read_docx(path)
    if suffix in HTML_SUFFIXES:
        return read_html(path)
    if suffix == ".doc" or suffix == ".pdf":
        raise DataError(path, f"不支持 {suffix} 文件，请先转换为 .docx 或导出文本 (unsupported format)")
    return read_text(path)
