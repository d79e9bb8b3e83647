"""The department report as a Word document (.docx), in the book chapter's layout.

The document is produced by the same :class:`perfeval.report.Chapter` section
methods as the HTML page: a subclass sends their output (escaped HTML prose from
``render``, DataFrames, matplotlib figures) into python-docx instead of the
notebook, so the Chinese prose is written only once, in the chapter template.
HTML is turned into plain paragraphs (bold kept for ``<strong>``, list items
numbered); tables keep their header row on every page and rows are never split;
charts are embedded as PNG. A 部门整体支出绩效自评表 (self-score and recomputed
score per indicator) is appended.

Fonts are set in the document styles (``w:eastAsia``): 仿宋 for body text,
宋体 in tables, 黑体 for the title, headings and captions.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from perfeval.pages.chapter import Chapter
from perfeval.model.schema import DepartmentYear
from perfeval.review import compare_self_scores
from perfeval.model.numbers import fmt_score

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

# The chapter's sections in the order of notebooks/department.ipynb: (heading level, heading, Chapter method).
# Level 0 is the text right under the title; an empty method is a heading without own content.
# tests/test_docx.py checks this outline against the template notebook.
OUTLINE: tuple[tuple[int, str, str], ...] = (
    (0, "", "summary"),
    (1, "一、部门概况", "unit_info"),
    (2, "（一）单位基本职能", "duties"),
    (2, "（二）长期规划", "long_term_plan"),
    (2, "（三）年度计划", "annual_plan"),
    (1, "二、部门整体支出绩效目标", "goals"),
    (1, "三、部门整体支出管理和使用情况", ""),
    (2, "（一）收支情况", "income_expenditure"),
    (2, "（二）财政部门预算批复与执行情况", "budget_execution"),
    (2, "（三）“三公”经费", "sangong"),
    (2, "（四）预算管理情况", "budget_management"),
    (2, "（五）资产管理情况", "asset_management"),
    (2, "（六）效果产出情况", "outcome"),
    (1, "四、自评得分与复核得分", ""),
    (2, "（一）单位自评得分", "self_scores"),
    (2, "（二）复核得分", "review_scores"),
    (1, "五、绩效目标完成情况", "goal_completion"),
    (1, "六、50万元以上项目", "projects"),
    (1, "七、存在的问题及改进措施", "problems"),
    (1, "八、其他需要说明问题", "other_notes"),
    (1, "九、数据核查", "data_checks"),
    (1, "十、历年对比", "history_comparison"),
)
HISTORY_SECTION = "history_comparison"  # shown only when earlier years exist (the book drops it too)
APPENDIX_TITLE = "附表 部门整体支出绩效自评表"
APPENDIX_COLUMNS = ["一级指标", "二级指标", "三级指标", "分值", "自评得分", "复核得分"]

# A4 with the margins of Chinese official documents (GB/T 9704: 37 mm top, 28 mm left …, rounded).
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.2), "bottom": Cm(2.8), "left": Cm(2.7), "right": Cm(2.6)}
TEXT_WIDTH_CM = 21.0 - 2.7 - 2.6


# --- HTML prose → paragraphs ----------------------------------------------------

@dataclass
class Block:
    """One paragraph from the chapter's HTML: kind is "p", "li" or "h4"; runs are (text, bold)."""

    kind: str
    runs: list[tuple[str, bool]]
    classes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


class _BlockParser(HTMLParser):
    """Flattens the chapter template's small HTML vocabulary (p, ol/ul/li, h4, strong, div) into blocks."""

    BLOCKS = {"p", "li", "h4", "h1", "h2", "h3", "h5", "h6", "div", "ol", "ul", "table", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._current: Block | None = None
        self._bold = 0
        self._lists: list[list[Any]] = []  # [tag, next number]

    def _close(self) -> None:
        if self._current is not None and self._current.text.strip():
            self.blocks.append(self._current)
        self._current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = tuple((a.get("class") or "").split())
        if tag in ("strong", "b"):
            self._bold += 1
        elif tag == "br":
            self._text("\n")
        elif tag in ("ol", "ul"):
            self._close()
            self._lists.append([tag, 1])
        elif tag == "li":
            self._close()
            prefix = "• "
            if self._lists and self._lists[-1][0] == "ol":
                number = int(a["value"]) if (a.get("value") or "").isdigit() else self._lists[-1][1]
                self._lists[-1][1] = number + 1
                prefix = f"{number}. "
            self._current = Block("li", [(prefix, False)] if self._lists else [], classes)
        elif tag in self.BLOCKS:
            self._close()
            kind = "h4" if tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "p"
            if "admonition-title" in classes:
                self._bold += 1
            self._current = Block(kind, [], classes)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("ol", "ul"):
            self._close()
            if self._lists:
                self._lists.pop()
        elif tag in self.BLOCKS or tag == "li":
            if self._current is not None and "admonition-title" in self._current.classes:
                self._bold = max(0, self._bold - 1)
            self._close()

    def _text(self, data: str) -> None:
        if self._current is None:
            self._current = Block("p", [])
        self._current.runs.append((data, self._bold > 0))

    def handle_data(self, data: str) -> None:
        if data.strip() or self._current is not None:
            self._text(data)

    def close(self) -> None:
        super().close()
        self._close()


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of an HTML fragment as plain text with bold runs (entities unescaped)."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def html_text(html: str) -> str:
    """All text of an HTML fragment, one paragraph per line."""
    return "\n".join(b.text.strip() for b in html_blocks(html))


# --- styles ------------------------------------------------------------------------

def _set_fonts(style: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set a style's fonts explicitly (ascii/hAnsi/eastAsia), dropping theme fonts that would override them."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _paragraph_style(doc: DocumentObject, name: str, base: str = "Normal") -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        return style


def setup_styles(doc: DocumentObject) -> None:
    """Page (A4), fonts and spacing of every style the export uses."""
    # Default language and fonts for text outside any style.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")

    normal = doc.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(12)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(4)
    pf.line_spacing = 1.3

    body = _paragraph_style(doc, "正文段落")
    body.paragraph_format.first_line_indent = Pt(24)  # two characters
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = doc.styles["Title"]
    _set_fonts(title, HEADING_FONT, HEADING_FONT)
    ppr = title.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    title.font.size = Pt(20)
    title.font.bold = False
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)

    subtitle = _paragraph_style(doc, "副标题行")
    _set_fonts(subtitle, BODY_FONT)
    subtitle.font.size = Pt(11)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(12)

    for level, size in ((1, 16), (2, 14), (3, 13), (4, 12)):
        h = doc.styles[f"Heading {level}"]
        _set_fonts(h, HEADING_FONT, HEADING_FONT)
        h.font.size = Pt(size)
        h.font.bold = False
        h.font.italic = False
        h.font.color.rgb = RGBColor(0, 0, 0)
        h.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        h.paragraph_format.space_after = Pt(6 if level == 1 else 4)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.first_line_indent = Pt(0) if level == 1 else Pt(24)

    caption = _paragraph_style(doc, "表题")
    _set_fonts(caption, HEADING_FONT)
    caption.font.size = Pt(10.5)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True

    cell = _paragraph_style(doc, "表格文字")
    _set_fonts(cell, TABLE_FONT)
    cell.font.size = Pt(9)
    cell.paragraph_format.space_before = Pt(1)
    cell.paragraph_format.space_after = Pt(1)
    cell.paragraph_format.line_spacing = 1.0

    figure = _paragraph_style(doc, "插图")
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(6)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]


def _page_number_footer(doc: DocumentObject) -> None:
    """Centered page number: — PAGE — ."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    p.add_run(" —")


# --- writing blocks, tables, charts ----------------------------------------------

def add_html(doc: DocumentObject, html: str) -> None:
    """Add an HTML fragment of the chapter as paragraphs."""
    for block in html_blocks(html):
        if block.kind == "h4":
            p = doc.add_heading(level=4)
        else:
            p = doc.add_paragraph(style="正文段落")
        italic = "pe-note" in block.classes or "pe-missing" in block.classes
        runs = list(block.runs)
        if runs:  # no leading/trailing whitespace from the template's layout
            runs[0] = (runs[0][0].lstrip(), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
        for text, bold in runs:
            if not text:
                continue
            run = p.add_run(text)
            if bold:
                run.bold = True
            if italic:
                run.italic = True


def cell_text(value: Any) -> str:
    """A table cell as shown on the page (tables.to_html): None/NaN → —, Decimal as written."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return str(value)


_NUMERIC = re.compile(r"^[-+−]?[\d,]+(\.\d+)?%?$|^—$")


def _text_units(text: str) -> float:
    """Width of a text in character cells: CJK and full-width characters 1, others about half."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in text)


def _column_widths(df: pd.DataFrame, total: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths in cm: narrow columns (numbers, short names) get what they need, long-text columns
    share the rest in proportion to their longest text; the widths fill the text width."""
    cell_cm, pad_cm, narrow_cm = 0.34, 0.5, 2.6
    desired = []
    for col in df.columns:
        header = _text_units(str(col))
        longest = max([header if header <= 4 else header / 2] + [_text_units(cell_text(v)) for v in df[col]])
        desired.append(min(longest, 24) * cell_cm + pad_cm)
    if sum(desired) <= total:
        return [total * d / sum(desired) for d in desired]
    fixed = [d if d <= narrow_cm else 0.0 for d in desired]
    flexible = [0.0 if d <= narrow_cm else d for d in desired]
    room = total - sum(fixed)
    return [f if f else room * x / sum(flexible) for f, x in zip(fixed, flexible)]


def _row_props(row: Any, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _write_cell(cell: Any, text: str, bold: bool = False, align: Any = None, style_id: str | None = None) -> None:
    p = cell.paragraphs[0]
    if style_id is not None:
        # Set the style id directly: python-docx's lookup by name scans every style per call (slow).
        p._p.get_or_add_pPr().style = style_id
    else:
        p.style = "表格文字"
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if bold:
        run.bold = True


def add_table(doc: DocumentObject, df: pd.DataFrame, caption: str = "", widths: list[float] | None = None,
              bold_rows: Iterable[int] = ()) -> Table:
    """A DataFrame as a bordered table: caption above, header row repeated on each page, rows never split."""
    if caption:
        doc.add_paragraph(caption, style="表题")
    rows = [[cell_text(v) for v in row] for row in df.itertuples(index=False)]
    table = doc.add_table(rows=1 + len(rows), cols=len(df.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = widths or _column_widths(df)
    bold = set(bold_rows)
    style_id = doc.styles["表格文字"].style_id
    for j, col in enumerate(df.columns):
        cell = table.rows[0].cells[j]
        _write_cell(cell, str(col), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, style_id=style_id)
        _shade(cell, "E7EDF5")
    _row_props(table.rows[0], header=True)
    for i, values in enumerate(rows, start=1):
        row = table.rows[i]
        _row_props(row)
        is_total = i - 1 in bold or values[0] in ("合计", "合计（预算）")
        for j, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.RIGHT if _NUMERIC.match(text) and text != "—" else (
                WD_ALIGN_PARAGRAPH.CENTER if text == "—" else None)
            _write_cell(row.cells[j], text, bold=is_total, align=align, style_id=style_id)
    # Word reads the cell widths, LibreOffice the grid: set both.
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)
    for row in table.rows:
        for j, w in enumerate(widths):
            row.cells[j].width = Cm(w)
    doc.add_paragraph(style="Normal").paragraph_format.space_after = Pt(2)
    return table


def add_chart(doc: DocumentObject, png: bytes, width_cm: float = 15.0) -> None:
    p = doc.add_paragraph(style="插图")
    p.paragraph_format.keep_together = True
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))


# --- the chapter, sent into the document -----------------------------------------

class DocxChapter(Chapter):
    """A Chapter whose sections write into a Word document instead of the notebook."""

    doc: DocumentObject

    def _html(self, text: str) -> None:  # type: ignore[override]
        add_html(self.doc, text)

    def _table(self, df: Any, caption: str = "", csv: str = "") -> None:  # type: ignore[override]
        add_table(self.doc, df, caption)

    def _png(self, png: bytes) -> None:  # type: ignore[override]
        add_chart(self.doc, png)


def self_assessment_table(chapter: Chapter) -> tuple[pd.DataFrame, list[int]]:
    """部门整体支出绩效自评表: for each level-1 indicator its scored (level-3) indicators with weight and
    recomputed score, then a 小计 row with the unit's self-score; a 合计 row last. Returns the table and
    the indices of its subtotal rows."""
    result, rec = chapter.result, chapter.rec
    by_code = {i.code: i for i in result.indicators}
    selfs = {c.part: c for c in compare_self_scores(result, rec)}
    rows: list[list[str]] = []
    subtotals: list[int] = []
    for top in result.level(1):
        for leaf in result.descendants_leaves(top.code):
            chain = [leaf]
            while chain[0].parent is not None and chain[0].parent != top.code:
                chain.insert(0, by_code[chain[0].parent])
            level2 = chain[0].name if len(chain) > 1 else leaf.name
            level3 = leaf.name if len(chain) > 1 else ""
            rows.append([top.name, level2, level3, fmt_score(leaf.weight), "",
                         "不适用" if leaf.score is None else fmt_score(leaf.score)])
        own = selfs.get(top.name)
        subtotals.append(len(rows))
        rows.append([top.name, "小计", "", fmt_score(top.weight),
                     fmt_score(own.self_score) if own and own.self_score is not None else "—",
                     "不适用" if top.score is None else fmt_score(top.score)])
    for comparison in compare_self_scores(result, rec):
        if comparison.recomputed is None and comparison.part not in {t.name for t in result.level(1)}:
            subtotals.append(len(rows))
            rows.append([comparison.part, "（本指标体系无对应一级指标）", "", fmt_score(comparison.weight),
                         fmt_score(comparison.self_score), "—"])
    self_total = rec.self_score_total if rec.self_scores else None
    rows.append(["合计", "", "", fmt_score(Decimal(100)), fmt_score(self_total), fmt_score(result.total)])
    return pd.DataFrame(rows, columns=APPENDIX_COLUMNS), subtotals


def _add_self_assessment(doc: DocumentObject, chapter: Chapter) -> None:
    df, subtotals = self_assessment_table(chapter)
    doc.add_heading(APPENDIX_TITLE, level=1)
    add_html(doc, f"<p>指标体系：{_escape(chapter.framework.title)}。分值与复核得分按指标体系逐项复算；"
                  f"自评得分取自单位自评（按一级指标填报）。复核等级：{_escape(str(chapter.result.grade))}。</p>")
    widths = [2.4, 3.2, 5.1, 1.6, 1.7, 1.7]
    scale = TEXT_WIDTH_CM / sum(widths)
    table = add_table(doc, df, f"{chapter.rec.year}年度{chapter.rec.unit.name}部门整体支出绩效自评表",
                      [w * scale for w in widths], bold_rows=subtotals)
    _merge_runs(table, 0, first_row=1)


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _merge_runs(table: Table, column: int, first_row: int) -> None:
    """Merge vertically adjacent cells of a column that hold the same text (the 一级指标 groups)."""
    start = first_row
    rows = table.rows
    while start < len(rows):
        text = rows[start].cells[column].text
        end = start
        while end + 1 < len(rows) and rows[end + 1].cells[column].text == text and text not in ("合计",):
            end += 1
        if end > start:
            top = rows[start].cells[column]
            merged = top.merge(rows[end].cells[column])
            # merge() concatenates the paragraphs of the merged cells: keep one.
            for extra in merged.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
        start = end + 1


def build_document(chapter: Chapter) -> DocumentObject:
    """The Word document of one chapter (not saved)."""
    doc = Document()
    setup_styles(doc)
    _page_number_footer(doc)
    rec = chapter.rec
    doc.core_properties.title = rec.report_title
    doc.core_properties.author = "perfeval"
    doc.core_properties.language = "zh-CN"
    doc.add_paragraph(rec.report_title, style="Title")
    doc.add_paragraph(f"评价年度：{rec.year}年　主管部门：{rec.unit.supervisor}　金额单位：万元", style="副标题行")
    ch = DocxChapter(rec, chapter.data_dir, chapter.framework_path)
    ch.doc = doc
    for level, heading, method in OUTLINE:
        if method == HISTORY_SECTION and len(ch.history) < 2:
            continue
        if heading:
            doc.add_heading(heading, level=level)
        if method:
            getattr(ch, method)()
    _add_self_assessment(doc, ch)
    return doc


def export_docx(record: DepartmentYear, path: Path | str, framework_path: Path | str,
                data_dir: Path | str) -> Path:
    """Write the department-year's report as a Word document; returns the path written."""
    chapter = Chapter(record, Path(data_dir), Path(framework_path))
    chapter.framework  # an unreadable framework fails before anything is written
    doc = build_document(chapter)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    data = _stable_zip(buf.getvalue())
    if not (path.exists() and path.read_bytes() == data):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def _stable_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so identical input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def word_download(record: DepartmentYear, downloads_dir: Path, framework_path: Path, data_dir: Path) -> str:
    """Write ``<downloads_dir>/<year>/<code>/<code>-<year>.docx``; return its path relative to downloads_dir."""
    rel = f"{record.year}/{record.code}/{record.code}-{record.year}.docx"
    export_docx(record, Path(downloads_dir) / rel, framework_path, data_dir)
    return rel
