"""Word layout: the python-docx primitives of the Word export (styles, paragraphs from HTML, tables, charts).

HTML prose of the pages is turned into plain paragraphs (bold kept for ``<strong>``, list items
numbered, ``<h4>`` a heading one level below the section's); tables keep their header row on every page
and rows are never split; charts are embedded as PNG at 300 dpi or more.

The page follows 党政机关公文格式 (GB/T 9704-2012): A4, margins 37 mm (top), 35 mm (bottom), 28 mm (left),
26 mm (right); the title in 二号 方正小标宋简体; body text in 三号 仿宋_GB2312, 22 lines a page, first lines
indented two characters; level-1 headings (一、) in 黑体, level-2 (（一）) in 楷体_GB2312, level-3 in 仿宋
bold; page numbers "— 1 —" in 四号, outside edge (odd pages right, even pages left). The styles name
these fonts (``w:eastAsia``); the document's font table gives each its common fallback (``w:altName``:
宋体, 仿宋, 楷体), so text is set in them wherever they are installed and in the fallback elsewhere.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Iterable

import pandas as pd
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from perfeval.pages.cells import cell_text, column_layout, is_absent, is_number
from perfeval.pages.charts import png_size

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
#: The fonts the styles name, and the fallback each gets in the document's font table.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体"}
#: Font sizes of 公文 (号 → points).
ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO, XIAOWU = Pt(22), Pt(16), Pt(14), Pt(12), Pt(10.5), Pt(9)

# A4 with the margins of GB/T 9704-2012 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6
#: 22 lines on the 225 mm text height.
LINE_PITCH = Pt(29)


# --- HTML prose → paragraphs ----------------------------------------------------

@dataclass
class Block:
    """One paragraph from the chapter's HTML: kind is "p", "li" or "h4"; runs are (text, bold)."""

    kind: str
    runs: list[tuple[str, bool]]
    classes: tuple[str, ...] = ()
    sup: set[int] = field(default_factory=set)    # indices of runs set as superscript (注N markers)

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
        self._sup = 0
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
        elif tag == "sup":
            self._sup += 1
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
        elif tag == "sup":
            self._sup = max(0, self._sup - 1)
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
        if self._sup:
            self._current.sup.add(len(self._current.runs))
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


def font_fallbacks(doc: DocumentObject) -> None:
    """Declare the 公文 fonts in the document's font table, each with its common fallback (``w:altName``)."""
    from lxml import etree

    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    for name, alt in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt_el = etree.SubElement(font, qn("w:altName"))
        alt_el.set(qn("w:val"), alt)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")   # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name != TITLE_FONT else "script")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "fixed" if name != TITLE_FONT else "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _exact_lines(style: Any, pitch: Any = LINE_PITCH) -> None:
    from docx.enum.text import WD_LINE_SPACING

    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    style.paragraph_format.line_spacing = pitch


def setup_styles(doc: DocumentObject) -> None:
    """Page (A4, GB/T 9704 margins), fonts, sizes and spacing of every style the export uses."""
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
    normal.font.size = SANHAO
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    _exact_lines(normal)

    body = _paragraph_style(doc, "正文段落")
    body.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    note = _paragraph_style(doc, "注释", "正文段落")
    note.font.size = XIAOSI
    _exact_lines(note, Pt(22))

    title = doc.styles["Title"]
    _set_fonts(title, TITLE_FONT, TITLE_FONT)
    ppr = title.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    title.font.size = ERHAO
    title.font.bold = False
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = Pt(29)
    _exact_lines(title, Pt(35))

    subtitle = _paragraph_style(doc, "副标题行")
    _set_fonts(subtitle, BODY_FONT)
    subtitle.font.size = SANHAO
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    cover = _paragraph_style(doc, "封面信息")
    _set_fonts(cover, BODY_FONT)
    cover.font.size = SANHAO
    cover.paragraph_format.first_line_indent = Pt(32)

    for level, font, bold in ((1, HEADING_FONT, False), (2, KAI_FONT, False), (3, BODY_FONT, True),
                              (4, BODY_FONT, True)):
        h = doc.styles[f"Heading {level}"]
        _set_fonts(h, font, font)
        h.font.size = SANHAO
        h.font.bold = bold
        h.font.italic = False
        h.font.color.rgb = RGBColor(0, 0, 0)
        h.paragraph_format.space_before = Pt(0)
        h.paragraph_format.space_after = Pt(0)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.first_line_indent = Pt(32)
        _exact_lines(h)

    caption = _paragraph_style(doc, "表题")
    _set_fonts(caption, HEADING_FONT)
    caption.font.size = WUHAO
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True
    _exact_lines(caption, Pt(16))

    cell = _paragraph_style(doc, "表格文字")
    _set_fonts(cell, TABLE_FONT)
    cell.font.size = XIAOWU
    cell.paragraph_format.space_before = Pt(1)
    cell.paragraph_format.space_after = Pt(1)
    _exact_lines(cell, Pt(12))

    # The tables of a document a director signs (测算意见): in the body font, 小四, as readable as the text.
    body_cell = _paragraph_style(doc, "正文表格文字", "表格文字")
    _set_fonts(body_cell, BODY_FONT)
    body_cell.font.size = XIAOSI
    _exact_lines(body_cell, Pt(18))

    # 落款: issuer and date at the right, four characters in from the edge (GB/T 9704-2012 7.3.5).
    signature = _paragraph_style(doc, "落款")
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.right_indent = Pt(64)
    signature.paragraph_format.keep_with_next = True

    figure = _paragraph_style(doc, "插图")
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(0)
    from docx.enum.text import WD_LINE_SPACING
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    figure_caption = _paragraph_style(doc, "图题")
    _set_fonts(figure_caption, HEADING_FONT)
    figure_caption.font.size = WUHAO
    figure_caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure_caption.paragraph_format.first_line_indent = Pt(0)
    figure_caption.paragraph_format.space_before = Pt(3)
    figure_caption.paragraph_format.space_after = Pt(8)
    _exact_lines(figure_caption, Pt(16))

    page_number = _paragraph_style(doc, "页码")
    _set_fonts(page_number, TABLE_FONT)
    page_number.font.size = SIHAO

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Cm(2.8)
    font_fallbacks(doc)


def _page_field(p: Any) -> None:
    """"— N —" with N the PAGE field."""
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


def page_number_footer(doc: DocumentObject) -> None:
    """Page numbers "— 1 —" in 四号: on odd pages at the right, on even pages at the left, each one
    character in from the edge (GB/T 9704-2012 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.style = "页码"
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        _page_field(p)


# --- writing blocks, tables, charts ----------------------------------------------

def _style_id(doc: DocumentObject, name: str, kind: Any) -> str | None:
    """The id of style ``name`` (None for the document's default style of that kind, which python-docx
    leaves implicit), looked up once per document: python-docx looks a style up by name, and compares it
    with the default, by scanning every style of the document on each use (measured: a fifth of a
    chapter's Word export)."""
    ids = doc.__dict__.setdefault("_perfeval_style_ids", {})
    if (name, kind) not in ids:
        found = doc.styles[name]
        ids[name, kind] = None if found == doc.styles.default(kind) else found.style_id
    return ids[name, kind]


def styled_paragraph(doc: DocumentObject, style: str, text: str = "") -> Any:
    """What ``doc.add_paragraph(text, style=style)`` adds, without its style lookup."""
    from docx.enum.style import WD_STYLE_TYPE

    p = doc.add_paragraph(text)
    style_id = _style_id(doc, style, WD_STYLE_TYPE.PARAGRAPH)
    if style_id is not None:
        p._p.get_or_add_pPr().style = style_id
    return p


def add_html(doc: DocumentObject, html: str, heading_level: int = 3) -> None:
    """Add an HTML fragment of the chapter as paragraphs (an ``<h4>`` becomes a heading of
    ``heading_level``; notes and "not stated" lines get the 注释 style)."""
    for block in html_blocks(html):
        if block.kind == "h4":
            p = styled_paragraph(doc, f"Heading {min(heading_level, 4)}")  # doc.add_heading(level=…)
        elif "pe-note" in block.classes or "pe-missing" in block.classes or "pe-lead-note" in block.classes:
            p = styled_paragraph(doc, "注释")
        else:
            p = styled_paragraph(doc, "正文段落")
        runs = list(block.runs)
        if runs:  # no leading/trailing whitespace from the template's layout
            runs[0] = (runs[0][0].lstrip(), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
        for i, (text, bold) in enumerate(runs):
            if not text:
                continue
            run = p.add_run(text)
            if bold:
                run.bold = True
            if i in block.sup:
                run.font.superscript = True


#: Text cells that read as numbers (the appendix writes its scores as text): right-aligned like numbers.
_NUMERIC = re.compile(r"^[-+−]?[\d,]+(\.\d+)?%?$")


def _column_widths(df: pd.DataFrame, total: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths in cm: the page's column plan (:func:`perfeval.pages.cells.column_layout`) over the
    text width, so a table is laid out alike on the page and in Word."""
    return [total * c.share for c in column_layout(df)]


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
              bold_rows: Iterable[int] = (), cell_style: str = "表格文字") -> Table:
    """A DataFrame as a bordered table: caption above, header row repeated on each page, rows never split;
    its text in ``cell_style`` (表格文字: 宋体 小五; 正文表格文字: the body font, 小四)."""
    if caption:
        styled_paragraph(doc, "表题", caption)
    values_by_row = [list(row) for row in df.itertuples(index=False)]
    table = doc.add_table(rows=1 + len(values_by_row), cols=len(df.columns))
    from docx.enum.style import WD_STYLE_TYPE

    table._tbl.tblStyle_val = _style_id(doc, "Table Grid", WD_STYLE_TYPE.TABLE)  # table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = widths or _column_widths(df)
    bold = set(bold_rows)
    style_id = _style_id(doc, cell_style, WD_STYLE_TYPE.PARAGRAPH)
    # A row's cells are listed once per row: python-docx rebuilds the list on every ``row.cells``.
    rows = list(table.rows)
    header = rows[0].cells
    for j, col in enumerate(df.columns):
        cell = header[j]
        _write_cell(cell, str(col), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, style_id=style_id)
        _shade(cell, "E7EDF5")
    _row_props(rows[0], header=True)
    for i, values in enumerate(values_by_row, start=1):
        row = rows[i]
        cells = row.cells
        _row_props(row)
        is_total = i - 1 in bold or cell_text(values[0]) in ("合计", "合计（预算）")
        for j, value in enumerate(values):
            text = cell_text(value)
            if is_absent(value) or text == "—":
                align = WD_ALIGN_PARAGRAPH.CENTER
            elif is_number(value) or (isinstance(value, str) and _NUMERIC.match(text)):
                align = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                align = None
            _write_cell(cells[j], text, bold=is_total, align=align, style_id=style_id)
    # Word reads the cell widths, LibreOffice the grid: set both.
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)
    for row in rows:
        cells = row.cells
        for j, w in enumerate(widths):
            cells[j].width = Cm(w)
    styled_paragraph(doc, "Normal").paragraph_format.space_after = Pt(2)
    return table


#: Least resolution of a chart in the Word file (pixels per inch as placed).
WORD_DPI = 300


def add_chart(doc: DocumentObject, png: bytes, caption: str = "", width_cm: float = 15.0) -> None:
    """A chart as an embedded PNG, its caption (图N …) under it, kept on the same page. The picture is
    at most ``width_cm`` wide and never below :data:`WORD_DPI` (a 1584-pixel chart: 13.4 cm)."""
    p = doc.add_paragraph(style="插图")
    p.paragraph_format.keep_together = True
    p.paragraph_format.keep_with_next = bool(caption)
    width = min(width_cm, png_size(png)[0] / WORD_DPI * 2.54)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width))
    if caption:
        doc.add_paragraph(caption, style="图题")


def stable_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so identical input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


