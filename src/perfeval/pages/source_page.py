"""原报告全文: the page that publishes a record's source document, one per department-year.

The report is shown as ``import-report`` reads it (:class:`perfeval.provenance.SourceText`): its text as
written, paragraph by paragraph, a table row's cells side by side; markup and layout are not kept. Every
paragraph carries the number a printed page cites (原报告第N段; the numbers are ours and say so), every
sentence and table cell the anchor the chapter's figures link to (``src-s<i>``, ``src-c<i>``), highlighted
when it is the target of a link. All text is escaped: the report is data.

The page lives at ``book/<year>/source/<code>`` (its notebook: ``notebooks/source.ipynb``), beside the chapter
``book/<year>/<code>``; :func:`source_href` is the link from the chapter to a place on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from perfeval.errors import DataError
from perfeval.importer.normalize import Block
from perfeval.model import DepartmentYear, department_path, load_department, source_path
from perfeval.pages.display import NotebookOutput, PageOutput
from perfeval.provenance import SourceText

#: The source page of a chapter, relative to the chapter's page (``book/<year>/<code>.html``).
SOURCE_FOLDER = "source"


def source_page(code: str, year: int) -> str:
    """The page (Sphinx docname) of a department-year's source document."""
    return f"book/{year}/{SOURCE_FOLDER}/{code}"


def source_href(code: str, anchor: str = "") -> str:
    """The link from the chapter ``book/<year>/<code>.html`` to its source page (at ``anchor``)."""
    return f"{SOURCE_FOLDER}/{code}.html" + (f"#{anchor}" if anchor else "")


def source_title(rec: DepartmentYear) -> str:
    """The source page's title (its first heading and its entry in the table of contents)."""
    return f"原报告全文：{rec.report_title}"


@dataclass
class SourcePage:
    """The source document of one department-year, shown in the notebook (``notebooks/source.ipynb``)."""

    rec: DepartmentYear
    src: SourceText
    out: PageOutput = field(default=None)  # type: ignore[assignment]  # None: the notebook

    def __post_init__(self) -> None:
        if self.out is None:
            # The page lives at book/<year>/source/<code>.html: three levels below the book root.
            self.out = NotebookOutput(f"{self.rec.year}/{self.rec.code}", "../../../")

    @classmethod
    def load(cls, code: str, year: int, data_dir: str | Path) -> "SourcePage":
        path = department_path(Path(data_dir), code, int(year))
        rec = load_department(path)
        src = source_path(path, rec)
        if src is None:
            raise DataError(path, "数据文件未注明原报告（source 一节），没有原报告全文页 (no source document)",
                            field="source", label="原报告")
        return cls(rec, SourceText.read(src))

    def show(self) -> None:
        self.out.html(self.header())
        self.out.html(self.body())

    def header(self) -> str:
        rec, source = self.rec, self.rec.source
        assert source is not None
        back = f"../{rec.code}.html"
        url = (Markup("；发布网址：") + escape(source.url)) if source.url else Markup("")
        return str(Markup(
            '<div class="pe-src-intro"><p>本页照录《{title}》的文字，供核对本书各章引用的数字和原文：'
            '文字按原文，表格按行列出，原报告的排版、图片和页眉页脚从略。段落前的编号是本书所加，'
            '各章在打印稿中以“原报告第N段”引用。</p>'
            '<p>原报告文件：{file}（{paragraphs}段；校验值（SHA-256）：<span class="pe-src-hash">{sha}</span>）{url}。</p>'
            '<p><a href="{back}">返回本章：{title}</a></p></div>').format(
                title=rec.report_title, file=source.file, paragraphs=len(self.src.paragraphs), sha=source.sha256,
                url=url, back=back))

    def body(self) -> str:
        """Every paragraph (and table row) of the report, numbered, with its anchors."""
        doc = self.src.doc
        sentences: dict[int, list[tuple[int, str]]] = {}
        for i, s in enumerate(doc.sentences):
            sentences.setdefault(s.block, []).append((i, s.original))
        parts: list[str] = ['<div class="pe-src">']
        table: list[str] = []
        for n, row in enumerate(self.src.paragraphs, start=1):
            if any(b.cell for b in row):
                cells = "".join(self._cell(b) for b in row)
                table.append(f'<tr id="src-p{n}"><th class="pe-src-n" scope="row">{n}</th>{cells}</tr>')
                continue
            if table:
                parts.append(self._table(table))
                table = []
            block = row[0]
            spans = "".join(f'<span id="src-s{i}" class="pe-src-s">{escape(text)}</span>'
                            for i, text in sentences.get(block.index, []))
            kind = " pe-src-heading" if block.heading else ""
            parts.append(f'<p id="src-p{n}" class="pe-src-para{kind}"><span class="pe-src-n">{n}</span>{spans}</p>')
        if table:
            parts.append(self._table(table))
        parts.append("</div>")
        return "".join(parts)

    @staticmethod
    def _cell(block: Block) -> str:
        return f'<td id="src-c{block.index}" class="pe-src-cell">{escape(block.original)}</td>'

    @staticmethod
    def _table(rows: list[str]) -> str:
        return ('<div class="pe-scroll"><table class="pe-src-table"><caption class="pe-src-caption">原报告中的表格'
                '（按行列出）</caption><tbody>' + "".join(rows) + "</tbody></table></div>")
