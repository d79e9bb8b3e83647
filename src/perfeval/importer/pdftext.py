"""The text of a machine-made PDF (pdfplumber), run as ``python -m perfeval.importer.pdftext FILE``.

:func:`perfeval.importer.readers.read_pdf` runs this module in a child process with memory and CPU
limits and reads the text from its standard output. Lines come in reading order; a table that
pdfplumber finds is written as tab-separated rows in its place. Exit code 3 with a one-line message
on standard error when the file cannot be read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

MAX_PDF_PAGES = 300
#: A cell that holds a figure, not text that may go on in the next row.
_FIGURE = re.compile(r"[-+≥≤<>=]?\d+(?:\.\d+)?%?")
MAX_CHARS = 2_000_000


class PdfRefused(Exception):
    pass


def pdf_text(path: Path) -> str:
    import pdfplumber

    lines: list[str] = []
    size = 0
    #: The last line a page ended with when it is a table row: (line index, cells, their x ranges).
    last_row: tuple[int, list[str], list[tuple[float, float] | None]] | None = None
    with pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise PdfRefused(f"PDF 共 {len(pdf.pages)} 页，超过上限 {MAX_PDF_PAGES} 页 (too many pages)")
        for page in pdf.pages:
            items: list[tuple[float, int, str, Any]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                top = float(table.bbox[1])
                spans = [[(float(c[0]), float(c[2])) if c else None for c in r.cells] for r in table.rows]
                rows = [[(c or "").replace("\n", "").replace("\t", " ") for c in row] for row in table.extract()]
                for i, (cells, xs) in enumerate(_join_wrapped(list(zip(rows, spans)))):
                    items.append((top, i, "\t".join(cells), (cells, xs)))

            def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                if "x0" not in obj or "top" not in obj:
                    return True
                x = (float(obj["x0"]) + float(obj["x1"])) / 2
                y = (float(obj["top"]) + float(obj["bottom"])) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            rest = page.filter(outside) if boxes else page
            for line in rest.extract_text_lines(strip=True):
                items.append((float(line["top"]), 0, line["text"], None))
            items.sort(key=lambda it: (it[0], it[1]))
            for k, (_, _, text, row) in enumerate(items):
                joined = _continues(last_row, row) if k == 0 and row is not None and last_row is not None else None
                if joined is not None:
                    lines[last_row[0]] = "\t".join(joined)   # a cell's text carried over to the next page
                    continue
                lines.append(text)
                size += len(text) + 1
                if size > MAX_CHARS:
                    raise PdfRefused(f"报告文字过长（超过 {MAX_CHARS} 个字符）(report text too long)")
            last_row = (len(lines) - 1, *items[-1][3]) if items and items[-1][3] is not None else None
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise PdfRefused("PDF 中没有可提取的文字（可能是扫描件），请先做文字识别 (no text layer)")
    return text


def _continuation(cells: list[str], prev: list[str]) -> list[int] | None:
    """The filled cells of a row that only carries the rest of some cells of the row above it: text, no
    figures, at most two cells, below a row of figures; None when the row is a row of its own."""
    filled = [i for i, c in enumerate(cells) if c.strip()]
    if not filled or len(filled) > 2 or any(any(ch.isdigit() for ch in cells[i]) for i in filled):
        return None
    if not any(any(ch.isdigit() for ch in c) for c in prev):
        return None
    return filled


def _continues(last: tuple[int, list[str], list[tuple[float, float] | None]], row: Any) -> list[str] | None:
    """The last row of the page before joined with the first row of a page when that row carries the rest of
    its cells (matched by their horizontal place); None when it is a row of its own."""
    _, prev, prev_x = last
    cells, xs = row
    filled = _continuation(cells, prev)
    if filled is None:
        return None
    joined = list(prev)
    for i in filled:
        if xs[i] is None:
            return None
        left, right = xs[i]
        target = next((j for j, x in enumerate(prev_x) if x is not None and min(right, x[1]) - max(left, x[0]) > 1
                       and prev[j].strip() and not _FIGURE.fullmatch(prev[j].strip())), None)
        if target is None:
            return None
        joined[target] += cells[i]
    return joined


def _join_wrapped(rows: list[tuple[list[str], list[tuple[float, float] | None]]],
                  ) -> list[tuple[list[str], list[tuple[float, float] | None]]]:
    """A row that only carries the rest of some cells of the row above (a name wrapped onto a second line that the
    table's grid cut into a row of its own): joined to that row."""
    out: list[tuple[list[str], list[tuple[float, float] | None]]] = []
    for cells, xs in rows:
        if out and len(out[-1][0]) == len(cells):
            filled = _continuation(cells, out[-1][0])
            if filled is not None and all(out[-1][0][i].strip() for i in filled):
                out[-1] = ([a + b for a, b in zip(out[-1][0], cells)], out[-1][1])
                continue
        out.append((cells, xs))
    return out


def _encrypted(exc: BaseException) -> bool:
    """Whether pdfminer refused the file for its encryption (a password, or a method it cannot decrypt)."""
    from pdfminer.pdfdocument import PDFEncryptionError

    cause: BaseException | None = exc
    for _ in range(10):
        if cause is None:
            return False
        if isinstance(cause, PDFEncryptionError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        text = pdf_text(Path(args[0]))
    except PdfRefused as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except MemoryError:
        print("无法读取 PDF 文件：解析所需内存超过上限 (PDF needs too much memory)", file=sys.stderr)
        return 3
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        cause: BaseException | None = exc
        for _ in range(10):
            if cause is None or isinstance(cause, MemoryError):
                break
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, MemoryError):
            print("无法读取 PDF 文件：解析所需内存超过上限 (PDF needs too much memory)", file=sys.stderr)
        elif _encrypted(exc):
            print("无法读取 PDF 文件：文件已加密（需要密码），请先另存为未加密的 PDF 或导出文字 (encrypted PDF)",
                  file=sys.stderr)
        else:
            print(f"无法读取 PDF 文件：{type(exc).__name__} (not a readable PDF)", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":  # pragma: no cover - run by read_pdf
    sys.exit(main())
