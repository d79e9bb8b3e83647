"""The Word export's direct XML writers (pages.docx_xml, and the template of pages.docx_layout) against
python-docx's own API: for each representative call, the same input written both ways gives the same XML,
and the package saved in one pass is the bytes ``stable_zip(doc.save())`` gives.

The references below are written with python-docx's public API only (``add_paragraph``, ``add_run``,
``run.bold``, ``add_table``, ``cell.width`` …), as the export was before it wrote XML itself."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any, Iterable

import docx
import numpy as np
import pandas as pd
import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree
from PIL import Image

from perfeval.pages.cells import cell_text, column_layout, is_absent, is_number
from perfeval.pages.docx import DocxOutput
from perfeval.pages.display import PageOutput
from perfeval.pages.docx_layout import (TEXT_WIDTH_CM, add_chart, add_html, add_table, html_blocks, new_document,
                                        page_number_footer, setup_styles, styled_paragraph)
from perfeval.pages.docx_xml import package_bytes, stable_zip

TEXTS = ["", "一般文字", " 前后有空格 ", "全角空格\u3000", "甲\t乙", "第一行\n第二行", "回车\r\n换行", "\t\t", "\n",
         "a < b & c > d", "“引号”与'单引号'", "3229.37万元"]
STYLES = ["Normal", "正文段落", "注释", "Heading 2", "Title", "表题", "封面信息"]


def body_xml(doc: Any) -> list[bytes]:
    return [etree.tostring(el) for el in doc.element.body]


def saved(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- references: python-docx's own API ---------------------------------------------------------------

def reference_html(doc: Any, html: str, heading_level: int) -> None:
    for block in html_blocks(html):
        if block.kind == "h4":
            p = doc.add_heading(level=min(heading_level, 4))
        elif {"pe-note", "pe-missing", "pe-lead-note"} & set(block.classes):
            p = doc.add_paragraph(style="注释")
        else:
            p = doc.add_paragraph(style="正文段落")
        runs = list(block.runs)
        if runs:
            runs[0] = (runs[0][0].lstrip(), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
        for i, (text, bold) in enumerate(runs):
            if text:
                run = p.add_run(text)
                if bold:
                    run.bold = True
                if i in block.sup:
                    run.font.superscript = True


def reference_alignment(value: Any, text: str) -> Any:
    """The cells' alignment as the export set it through python-docx (absent centred, numbers right)."""
    if is_absent(value) or text == "—":
        return WD_ALIGN_PARAGRAPH.CENTER
    if is_number(value) or (isinstance(value, str) and re.match(r"^[-+−]?[\d,]+(\.\d+)?%?$", text)):
        return WD_ALIGN_PARAGRAPH.RIGHT
    return None


def reference_table(doc: Any, df: pd.DataFrame, caption: str, widths: list[float] | None,
                    bold_rows: Iterable[int], cell_style: str) -> None:
    if caption:
        doc.add_paragraph(caption, style="表题")
    rows = list(df.itertuples(index=False))
    table = doc.add_table(rows=1 + len(rows), cols=len(df.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    bold = set(bold_rows)
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        values = list(df.columns) if i == 0 else list(rows[i - 1])
        for cell, value in zip(row.cells, values):
            text = str(value) if i == 0 else cell_text(value)
            p = cell.paragraphs[0]
            p.style = cell_style
            if i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                shd = OxmlElement("w:shd")
                for key, val in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "E7EDF5")):
                    shd.set(qn(key), val)
                cell._tc.get_or_add_tcPr().append(shd)
            else:
                align = reference_alignment(value, text)
                if align is not None:
                    p.alignment = align
            run = p.add_run(text)
            if i == 0 or i - 1 in bold or cell_text(values[0]) in ("合计", "合计（预算）"):
                run.bold = True
    widths = widths or [TEXT_WIDTH_CM * c.share for c in column_layout(df)]
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)
        for cell in table.column_cells(j):
            cell.width = Cm(w)
    doc.add_paragraph(style="Normal").paragraph_format.space_after = Pt(2)


# --- the template --------------------------------------------------------------------------------------

def test_a_new_document_is_the_styled_empty_document() -> None:
    doc = docx.Document()
    setup_styles(doc)
    page_number_footer(doc)
    first, second = new_document(), new_document()
    assert stable_zip(saved(first)) == stable_zip(saved(doc)) == stable_zip(saved(second))
    # Each document is its own: what one gets does not reach the next.
    styled_paragraph(first, "正文段落", "只在第一份")
    assert body_xml(new_document()) == body_xml(second)


def test_package_bytes_are_the_stable_zip_of_save() -> None:
    doc = new_document()
    styled_paragraph(doc, "Title", "标题")
    png = io.BytesIO()
    Image.new("RGB", (1600, 900), "white").save(png, format="PNG", dpi=(200, 200))
    add_chart(doc, png.getvalue(), "图1 预算执行")
    doc.core_properties.title = "标题"
    ours = package_bytes(doc)
    assert ours == stable_zip(saved(doc))
    assert ours == package_bytes(doc)
    reopened = docx.Document(io.BytesIO(ours))
    assert [p.text for p in reopened.paragraphs] == ["标题", "", "图1 预算执行"]
    assert len(reopened.inline_shapes) == 1


# --- paragraphs, runs, HTML ----------------------------------------------------------------------------

@pytest.mark.parametrize("style", STYLES)
def test_a_styled_paragraph_is_add_paragraph(style: str) -> None:
    ours, theirs = new_document(), new_document()
    for text in TEXTS:
        styled_paragraph(ours, style, text)
        # The default style is left implicit (python-docx, told its name, writes an empty w:pPr).
        theirs.add_paragraph(text, style=None if style == "Normal" else style)
    assert body_xml(ours) == body_xml(theirs)
    assert [p.text for p in ours.paragraphs] == [p.text for p in theirs.paragraphs]


def test_paragraphs_go_before_the_section_properties() -> None:
    ours, theirs = new_document(), new_document()
    for doc, add in ((ours, lambda d, t: styled_paragraph(d, "正文段落", t)),
                     (theirs, lambda d, t: d.add_paragraph(t, style="正文段落"))):
        for i in range(3):
            add(doc, f"第{i}段")
    assert body_xml(ours) == body_xml(theirs)
    assert etree.QName(ours.element.body[-1]).localname == "sectPr"


HTML = [
    "<p>支出合计<strong>3229.37</strong>万元<sup>注1</sup></p>",
    '<h4>（一）收入情况</h4><p class="pe-note">注：原报告写作“3229.37 元”。</p>',
    '<div class="admonition"><p class="admonition-title">说明</p><p>  前导\t制表\n换行  </p></div>',
    "<ol><li>第一项</li><li value=\"5\">第五项 <b>加粗</b></li></ol><ul><li>圆点</li></ul>",
    '<p class="pe-missing">原报告未披露。</p><p class="pe-lead-note">本页说明。</p><p>a &lt; b &amp; c</p>',
    "<table><tr><td>表里的字</td></tr></table>",
]


@pytest.mark.parametrize("level", [2, 3, 5])
def test_html_is_written_as_python_docx_writes_it(level: int) -> None:
    ours, theirs = new_document(), new_document()
    for html in HTML:
        add_html(ours, html, level)
        reference_html(theirs, html, level)
    assert body_xml(ours) == body_xml(theirs)
    bold = [r.text for p in ours.paragraphs for r in p.runs if r.bold]
    assert bold == ["3229.37", "说明", "加粗"]
    assert [r.text for p in ours.paragraphs for r in p.runs if r.font.superscript] == ["注1"]


# --- tables --------------------------------------------------------------------------------------------

def _frames() -> list[tuple[pd.DataFrame, dict[str, Any]]]:
    money = pd.DataFrame({"项目": ["基本支出", "项目支出", "合计"],
                          "预算数": [Decimal("2373.85"), None, Decimal("3229.37")],
                          "执行率": ["98.5%", "—", "1,234.5"], "说明": ["按原报告", "", "合计行"]})
    money.attrs["paths"] = {("基本支出", "预算数"): "budget.basic"}
    mixed = pd.DataFrame({"指标": ["产出数量", "满意度"], "分值": [10, 5], "得分": [9.5, np.nan],
                          "达成": [True, False], "日期": [dt.date(2025, 5, 30), None],
                          "件数": pd.array([3, 4], dtype="Int64")})
    empty = pd.DataFrame({"名称": pd.Series([], dtype=object), "金额": pd.Series([], dtype=float)})
    return [(money, {}), (money, {"caption": "表3 支出情况", "bold_rows": [0]}),
            (mixed, {"caption": "表1 得分", "widths": [3.4, 1.3, 2.2, 2.0, 3.0, 3.7], "cell_style": "正文表格文字"}),
            (mixed, {"widths": [4.0, 2.0]}), (empty, {"caption": "表2 空表"})]


@pytest.mark.parametrize("case", range(len(_frames())))
def test_a_table_is_written_as_python_docx_writes_it(case: int) -> None:
    df, options = _frames()[case]
    ours, theirs = new_document(), new_document()
    table = add_table(ours, df, **options)
    reference_table(theirs, df, options.get("caption", ""), options.get("widths"), options.get("bold_rows", ()),
                    options.get("cell_style", "表格文字"))
    assert body_xml(ours) == body_xml(theirs)
    assert [[c.text for c in row.cells] for row in table.rows] == [
        [str(c) for c in df.columns], *[[cell_text(v) for v in row] for row in df.itertuples(index=False)]]


def test_the_word_output_numbers_tables_as_every_output_does_and_keeps_csv_columns_out() -> None:
    """DocxOutput.table skips the CSV text; the file is what PageOutput.table would give."""
    df = pd.DataFrame({"项目": ["甲", "乙"], "金额": [Decimal("1.50"), None], "字段": ["a.b", "c.d"]})
    ours, theirs = DocxOutput(new_document()), DocxOutput(new_document())
    for out, table in ((ours, DocxOutput.table), (theirs, PageOutput.table)):
        assert table(out, df, "收入情况", csv_only=("字段",)) == 1
        assert table(out, df, "支出情况", "支出") == 2
    assert body_xml(ours.doc) == body_xml(theirs.doc)
    assert [p.text for p in ours.doc.paragraphs if p.text.startswith("表")] == ["表1 收入情况", "表2 支出情况"]
    assert [len(t.columns) for t in ours.doc.tables] == [2, 3]
