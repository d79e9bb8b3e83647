"""Word XML written directly with lxml: the paragraphs, runs and tables of the Word export, element for
element what python-docx's API writes (``doc.add_paragraph(text, style=…)``, ``paragraph.add_run(text)``,
``run.bold``, ``font.superscript``, ``doc.add_table`` with cell widths), without its proxies; and the
package saved once with fixed timestamps (what :func:`stable_zip` makes of ``doc.save``).

python-docx inserts each block by scanning the body for its ``w:sectPr``, each property element by
searching its parent for every element that may follow it, and each table through ``row.cells`` (measured:
most of the Word export's CPU). Here an element is appended where it goes. ``tests/test_docx_xml.py``
checks each writer against python-docx's own API on the same input.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Sequence

from docx.document import Document as DocumentObject
from docx.opc.pkgwriter import PackageWriter
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, PPR, PSTYLE, JC, SPACING = _W + "p", _W + "pPr", _W + "pStyle", _W + "jc", _W + "spacing"
R, RPR, B, VERT_ALIGN, T, TAB, BR = _W + "r", _W + "rPr", _W + "b", _W + "vertAlign", _W + "t", _W + "tab", _W + "br"
TBL, TBL_PR, TBL_STYLE, TBL_W, TBL_LAYOUT, TBL_LOOK = (_W + "tbl", _W + "tblPr", _W + "tblStyle", _W + "tblW",
                                                       _W + "tblLayout", _W + "tblLook")
TBL_GRID, GRID_COL, TR, TR_PR, CANT_SPLIT, TBL_HEADER = (_W + "tblGrid", _W + "gridCol", _W + "tr", _W + "trPr",
                                                         _W + "cantSplit", _W + "tblHeader")
TC, TC_PR, TC_W, SHD, SECT_PR = _W + "tc", _W + "tcPr", _W + "tcW", _W + "shd", _W + "sectPr"
VAL, TYPE, WIDTH = _W + "val", _W + "type", _W + "w"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: What python-docx's ``doc.add_table`` writes into ``w:tblLook`` (attributes in its order).
TABLE_LOOK = (("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"), ("noHBand", "0"),
              ("noVBand", "1"), ("val", "04A0"))
_BREAKS = re.compile(r"([\t\r\n])")


def body_element(doc: DocumentObject, tag: str) -> Any:
    """A new element ``tag`` at the end of the document's body, before its section properties (where
    python-docx puts a paragraph or table)."""
    body = doc.element.body
    el = etree.SubElement(body, tag)          # created in place: the body's namespace prefixes, no declarations
    sect = el.getprevious()
    if sect is not None and sect.tag == SECT_PR:
        sect.addprevious(el)
    else:
        first = body.find(SECT_PR)
        if first is not None:
            first.addprevious(el)
    return el


def run(p: Any, text: str, bold: bool = False, superscript: bool = False) -> Any:
    """``paragraph.add_run(text)`` then ``run.bold = True`` / ``run.font.superscript = True`` as asked: tabs
    become ``w:tab``, line breaks ``w:br``, other text ``w:t`` (``xml:space="preserve"`` when it has white space
    at either end)."""
    r = etree.SubElement(p, R)
    if bold or superscript:
        rpr = etree.SubElement(r, RPR)
        if bold:
            etree.SubElement(rpr, B)
        if superscript:
            etree.SubElement(rpr, VERT_ALIGN).set(VAL, "superscript")
    if not text:
        return r
    for piece in _BREAKS.split(text) if ("\t" in text or "\r" in text or "\n" in text) else (text,):
        if piece == "\t":
            etree.SubElement(r, TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(r, BR)
        elif piece:
            t = etree.SubElement(r, T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(XML_SPACE, "preserve")
    return r


def paragraph(doc: DocumentObject, style_id: str | None, text: str = "") -> Paragraph:
    """``doc.add_paragraph(text, style)`` for a style whose id is ``style_id`` (None: the default style)."""
    p = body_element(doc, P)
    if style_id is not None:
        etree.SubElement(etree.SubElement(p, PPR), PSTYLE).set(VAL, style_id)
    if text:
        run(p, text)
    return Paragraph(p, doc._body)


def spacing_after(p: Any, twips: int) -> None:
    """``paragraph_format.space_after`` on a paragraph that has no properties yet."""
    etree.SubElement(etree.SubElement(p, PPR), SPACING).set(_W + "after", str(twips))


def table(doc: DocumentObject, rows: Sequence[Sequence[tuple[str, bool, str | None]]], widths: Sequence[float],
          table_style: str | None, cell_style: str | None, header_fill: str) -> Table:
    """What ``doc.add_table(len(rows), columns)`` gives once its style, centring, fixed layout, header row
    (repeated on each page, shaded ``header_fill``), unsplit rows, column and cell widths (``widths`` in cm)
    and the cells' paragraphs are set: ``rows`` are the rows' cells as (text, bold, alignment), the first
    the header. A column without a width keeps the even share python-docx gives it."""
    columns = len(rows[0]) if rows else 0
    twips = [str(Cm(w).twips) for w in widths[:columns]]
    if len(twips) < columns:
        twips += [str(_even_share(doc, columns))] * (columns - len(twips))
    tbl = body_element(doc, TBL)
    pr = etree.SubElement(tbl, TBL_PR)
    if table_style is not None:
        etree.SubElement(pr, TBL_STYLE).set(VAL, table_style)
    width = etree.SubElement(pr, TBL_W)
    width.set(TYPE, "auto")
    width.set(WIDTH, "0")
    etree.SubElement(pr, JC).set(VAL, "center")
    etree.SubElement(pr, TBL_LAYOUT).set(TYPE, "fixed")
    look = etree.SubElement(pr, TBL_LOOK)
    for name, value in TABLE_LOOK:
        look.set(_W + name, value)
    grid = etree.SubElement(tbl, TBL_GRID)
    for w in twips:
        etree.SubElement(grid, GRID_COL).set(WIDTH, w)
    for i, cells in enumerate(rows):
        tr = etree.SubElement(tbl, TR)
        trpr = etree.SubElement(tr, TR_PR)
        etree.SubElement(trpr, CANT_SPLIT)
        if i == 0:
            etree.SubElement(trpr, TBL_HEADER)
        for w, (text, bold, align) in zip(twips, cells):
            tc = etree.SubElement(tr, TC)
            tcpr = etree.SubElement(tc, TC_PR)
            tcw = etree.SubElement(tcpr, TC_W)
            tcw.set(TYPE, "dxa")
            tcw.set(WIDTH, w)
            if i == 0:
                shd = etree.SubElement(tcpr, SHD)
                shd.set(VAL, "clear")
                shd.set(_W + "color", "auto")
                shd.set(_W + "fill", header_fill)
            p = etree.SubElement(tc, P)
            ppr = etree.SubElement(p, PPR)
            if cell_style is not None:
                etree.SubElement(ppr, PSTYLE).set(VAL, cell_style)
            if align is not None:
                etree.SubElement(ppr, JC).set(VAL, align)
            run(p, text, bold)
    return Table(tbl, doc._body)


def _even_share(doc: DocumentObject, columns: int) -> int:
    """The width python-docx gives each of ``columns`` columns of a new table, in twips."""
    from docx.shared import Emu

    return Emu(doc._block_width // columns).twips


#: The time every entry of a Word file's package is stamped with (identical input, identical bytes).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: The file mode python-docx gives its package's entries (``ZipFile.writestr`` with a name).
ENTRY_ATTR = 0o600 << 16


def zip_entry(name: str, external_attr: int = ENTRY_ATTR) -> zipfile.ZipInfo:
    """An entry of a Word file's package: deflated, stamped :data:`ZIP_TIME`."""
    entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = external_attr
    return entry


def stable_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so identical input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zip_entry(info.filename, info.external_attr), src.read(info.filename))
    return out.getvalue()


class _StableZipWriter:
    """Where python-docx's package writer puts each item: an entry of :func:`zip_entry`."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.zf.writestr(zip_entry(pack_uri.membername), blob)


def package_bytes(doc: DocumentObject) -> bytes:
    """``stable_zip`` of what ``doc.save`` writes, in one pass: the items in python-docx's order (content
    types, package relationships, then each part and its relationships), each compressed once."""
    package = doc.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        writer = _StableZipWriter(zf)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()
