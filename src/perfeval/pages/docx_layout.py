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

import functools
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Iterable

import numpy as np
import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from perfeval.pages.cells import cell_text, column_layout, is_absent, is_number
import perfeval.pages.docx_xml as docx_xml
from perfeval.pages.docx_xml import stable_zip as stable_zip  # the Word files' zip, where it was before
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

#: Where a document keeps the ids of the styles it was asked for (:func:`style_id`).
_STYLE_IDS = "_perfeval_style_ids"


@functools.lru_cache(maxsize=1)
def _template() -> tuple[bytes, dict[tuple[str, Any], str | None]]:
    """The package of an empty document with the export's styles, page and footers (built once per process),
    and the ids of its styles by name, filled as they are asked for (every document made from the package
    has the same styles)."""
    doc = Document()
    setup_styles(doc)
    page_number_footer(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), {}


def prepare() -> None:
    """Make the package of an empty document in the 公文 layout now (else on first use, once per process)."""
    _template()


def new_document() -> DocumentObject:
    """An empty Word document in the 公文 layout (:func:`setup_styles`, :func:`page_number_footer`), opened from
    a package made once per process instead of setting every style again (measured: a quarter of a
    document's export)."""
    package, ids = _template()
    doc = Document(io.BytesIO(package))
    doc.__dict__[_STYLE_IDS] = ids
    return doc


def style_id(doc: DocumentObject, name: str, kind: Any = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """The id of style ``name`` (None for the document's default style of that kind, which python-docx
    leaves implicit), looked up once per document (or once per process for :func:`new_document`):
    python-docx looks a style up by name, and compares it with the default, by scanning every style of
    the document on each use."""
    ids = doc.__dict__.setdefault(_STYLE_IDS, {})
    if (name, kind) not in ids:
        found = doc.styles[name]
        ids[name, kind] = None if found == doc.styles.default(kind) else found.style_id
    return ids[name, kind]


def styled_paragraph(doc: DocumentObject, style: str, text: str = "") -> Paragraph:
    """What ``doc.add_paragraph(text, style=style)`` adds, without python-docx's style lookup and scans (and,
    for the default style, as ``doc.add_paragraph(text)``: no empty ``w:pPr``)."""
    return docx_xml.paragraph(doc, style_id(doc, style), text)


def add_html(doc: DocumentObject, html: str, heading_level: int = 3) -> None:
    """Add an HTML fragment of the chapter as paragraphs (an ``<h4>`` becomes a heading of
    ``heading_level``; notes and "not stated" lines get the 注释 style)."""
    for block in html_blocks(html):
        if block.kind == "h4":
            style = f"Heading {min(heading_level, 4)}"  # doc.add_heading(level=…)
        elif "pe-note" in block.classes or "pe-missing" in block.classes or "pe-lead-note" in block.classes:
            style = "注释"
        else:
            style = "正文段落"
        p = styled_paragraph(doc, style)._p
        runs = list(block.runs)
        if runs:  # no leading/trailing whitespace from the template's layout
            runs[0] = (runs[0][0].lstrip(), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
        for i, (text, bold) in enumerate(runs):
            if text:
                docx_xml.run(p, text, bold, i in block.sup)


#: Text cells that read as numbers (the appendix writes its scores as text): right-aligned like numbers.
_NUMERIC = re.compile(r"^[-+−]?[\d,]+(\.\d+)?%?$")


def _column_widths(df: pd.DataFrame, total: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths in cm: the page's column plan (:func:`perfeval.pages.cells.column_layout`) over the
    text width, so a table is laid out alike on the page and in Word."""
    return [total * c.share for c in column_layout(df)]


def _alignment(value: Any, text: str) -> str | None:
    """A cell's alignment: absent values centred, numbers (and text that reads as one) at the right."""
    if is_absent(value) or text == "—":
        return "center"
    if is_number(value) or (isinstance(value, str) and _NUMERIC.match(text)):
        return "right"
    return None


def _row_values(df: pd.DataFrame) -> list[Any]:
    """The rows' values as ``df.itertuples`` gives them (Python scalars from NumPy columns), taken at once
    from NumPy columns: each column that ``itertuples`` takes copies ``df.attrs`` (a table's field paths)."""
    if all(isinstance(dtype, np.dtype) for dtype in df.dtypes):
        return df.to_numpy(dtype=object).tolist()
    return list(df.itertuples(index=False, name=None))


def add_table(doc: DocumentObject, df: pd.DataFrame, caption: str = "", widths: list[float] | None = None,
              bold_rows: Iterable[int] = (), cell_style: str = "表格文字") -> Table:
    """A DataFrame as a bordered table: caption above, header row repeated on each page, rows never split;
    its text in ``cell_style`` (表格文字: 宋体 小五; 正文表格文字: the body font, 小四). Word reads the cell
    widths, LibreOffice the grid: both are set."""
    if caption:
        styled_paragraph(doc, "表题", caption)
    bold = set(bold_rows)
    rows = [[(str(col), True, "center") for col in df.columns]]
    for i, values in enumerate(_row_values(df)):
        texts = [cell_text(value) for value in values]
        is_total = i in bold or (bool(texts) and texts[0] in ("合计", "合计（预算）"))
        rows.append([(text, is_total, _alignment(value, text)) for value, text in zip(values, texts)])
    table = docx_xml.table(doc, rows, widths or _column_widths(df), style_id(doc, "Table Grid", WD_STYLE_TYPE.TABLE),
                           style_id(doc, cell_style), "E7EDF5")
    docx_xml.spacing_after(styled_paragraph(doc, "Normal")._p, Pt(2).twips)
    return table


#: Least resolution of a chart in the Word file (pixels per inch as placed).
WORD_DPI = 300


def add_chart(doc: DocumentObject, png: bytes, caption: str = "", width_cm: float = 15.0) -> None:
    """A chart as an embedded PNG, its caption (图N …) under it, kept on the same page. The picture is
    at most ``width_cm`` wide and never below :data:`WORD_DPI` (a 1584-pixel chart: 13.4 cm)."""
    p = styled_paragraph(doc, "插图")
    p.paragraph_format.keep_together = True
    p.paragraph_format.keep_with_next = bool(caption)
    width = min(width_cm, png_size(png)[0] / WORD_DPI * 2.54)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width))
    if caption:
        styled_paragraph(doc, "图题", caption)


