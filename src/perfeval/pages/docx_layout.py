"""Word layout: the python-docx primitives of the Word export (styles, paragraphs from HTML, tables, charts).

HTML prose of the pages is turned into plain paragraphs (bold kept for ``<strong>``, list items
numbered); tables keep their header row on every page and rows are never split; charts are embedded
as PNG. Fonts are set in the document styles (``w:eastAsia``): 仿宋 for body text, 宋体 in tables,
黑体 for the title, headings and captions. A4 with the margins of Chinese official documents.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
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

from perfeval.pages.cells import cell_text, is_absent, is_number

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

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
    figure.paragraph_format.space_after = Pt(0)

    figure_caption = _paragraph_style(doc, "图题")
    _set_fonts(figure_caption, HEADING_FONT)
    figure_caption.font.size = Pt(10.5)
    figure_caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure_caption.paragraph_format.first_line_indent = Pt(0)
    figure_caption.paragraph_format.space_before = Pt(3)
    figure_caption.paragraph_format.space_after = Pt(8)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]


def page_number_footer(doc: DocumentObject) -> None:
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


def add_html(doc: DocumentObject, html: str) -> None:
    """Add an HTML fragment of the chapter as paragraphs."""
    for block in html_blocks(html):
        if block.kind == "h4":
            p = styled_paragraph(doc, "Heading 4")  # doc.add_heading(level=4)
        else:
            p = styled_paragraph(doc, "正文段落")
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


#: Text cells that read as numbers (the appendix writes its scores as text): right-aligned like numbers.
_NUMERIC = re.compile(r"^[-+−]?[\d,]+(\.\d+)?%?$")


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
        styled_paragraph(doc, "表题", caption)
    values_by_row = [list(row) for row in df.itertuples(index=False)]
    table = doc.add_table(rows=1 + len(values_by_row), cols=len(df.columns))
    from docx.enum.style import WD_STYLE_TYPE

    table._tbl.tblStyle_val = _style_id(doc, "Table Grid", WD_STYLE_TYPE.TABLE)  # table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = widths or _column_widths(df)
    bold = set(bold_rows)
    style_id = _style_id(doc, "表格文字", WD_STYLE_TYPE.PARAGRAPH)
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


def add_chart(doc: DocumentObject, png: bytes, caption: str = "", width_cm: float = 15.0) -> None:
    """A chart as an embedded PNG, its caption (图N …) under it, kept on the same page."""
    p = doc.add_paragraph(style="插图")
    p.paragraph_format.keep_together = True
    p.paragraph_format.keep_with_next = bool(caption)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
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


