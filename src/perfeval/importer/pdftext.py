"""The text of a machine-made PDF (pdfplumber), run as ``python -m perfeval.importer.pdftext FILE``.

:func:`perfeval.importer.readers.read_pdf` runs this module in a child process with memory and CPU
limits and reads the text from its standard output. Lines come in reading order; a table that
pdfplumber finds is written as tab-separated rows in its place. Exit code 3 with a one-line message
on standard error when the file cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MAX_PDF_PAGES = 300
MAX_CHARS = 2_000_000


class PdfRefused(Exception):
    pass


def pdf_text(path: Path) -> str:
    import pdfplumber

    lines: list[str] = []
    size = 0
    with pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise PdfRefused(f"PDF 共 {len(pdf.pages)} 页，超过上限 {MAX_PDF_PAGES} 页 (too many pages)")
        for page in pdf.pages:
            items: list[tuple[float, int, str]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                top = float(table.bbox[1])
                for i, row in enumerate(table.extract()):
                    cells = [(c or "").replace("\n", "").replace("\t", " ") for c in row]
                    items.append((top, i, "\t".join(cells)))

            def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                if "x0" not in obj or "top" not in obj:
                    return True
                x = (float(obj["x0"]) + float(obj["x1"])) / 2
                y = (float(obj["top"]) + float(obj["bottom"])) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            rest = page.filter(outside) if boxes else page
            for line in rest.extract_text_lines(strip=True):
                items.append((float(line["top"]), 0, line["text"]))
            items.sort(key=lambda it: (it[0], it[1]))
            for _, _, text in items:
                lines.append(text)
                size += len(text) + 1
                if size > MAX_CHARS:
                    raise PdfRefused(f"报告文字过长（超过 {MAX_CHARS} 个字符）(report text too long)")
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise PdfRefused("PDF 中没有可提取的文字（可能是扫描件），请先做文字识别 (no text layer)")
    return text


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
