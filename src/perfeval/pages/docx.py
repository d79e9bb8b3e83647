"""The department report as a Word document (.docx), in the book chapter's layout.

The document is produced by the same :class:`~perfeval.pages.chapter.Chapter` section methods as the
HTML page, walked in the order of :data:`perfeval.pages.outline.OUTLINE`: the chapter is given a
:class:`DocxOutput`, which writes their prose, tables and charts into python-docx instead of the
notebook, so the Chinese prose is written only once (in the chapter template) and tables and figures
get the same 表N / 图N numbers as on the page. Chart PNGs come from the executed notebook when the
build has one (no chart is drawn twice); the command line draws them. A 部门整体支出绩效自评表
(self-score and recomputed score per indicator) is appended.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Mapping

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from markupsafe import escape

from perfeval.model.numbers import fmt_score
from perfeval.model import DepartmentYear
from perfeval.pages.chapter import Chapter
from perfeval.pages.charts import Chart
from perfeval.pages.display import PageOutput, figure_caption
from perfeval.pages.docx_layout import (
    TEXT_WIDTH_CM,
    add_chart,
    add_html,
    add_table,
    page_number_footer,
    setup_styles,
    stable_zip,
)
from perfeval.pages.outline import OUTLINE
from perfeval.review import compare_self_scores

APPENDIX_TITLE = "附表 部门整体支出绩效自评表"
APPENDIX_COLUMNS = ["一级指标", "二级指标", "三级指标", "分值", "自评得分", "复核得分"]


class DocxOutput(PageOutput):
    """Writes a page's sections into a Word document; ``pngs`` are chart images by name (from the notebook)."""

    def __init__(self, doc: DocumentObject, pngs: Mapping[str, bytes] | None = None) -> None:
        super().__init__()
        self.doc = doc
        self.pngs = dict(pngs or {})

    def html(self, text: str) -> None:
        add_html(self.doc, text)

    def show_table(self, df: pd.DataFrame, caption: str, file: str, links: dict[str, list[str]] | None,
                   csv: str) -> None:
        add_table(self.doc, df, caption)

    def show_chart(self, chart: Chart, number: int) -> None:
        png = self.pngs.get(chart.name)
        add_chart(self.doc, png if png is not None else chart.png(), figure_caption(chart, number))


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
    add_html(doc, f"<p>指标体系：{escape(chapter.framework.title)}。分值与复核得分按指标体系逐项复算；"
                  f"自评得分取自单位自评（按一级指标填报）。复核等级：{escape(str(chapter.result.grade))}。</p>")
    widths = [2.4, 3.2, 5.1, 1.6, 1.7, 1.7]
    scale = TEXT_WIDTH_CM / sum(widths)
    table = add_table(doc, df, f"{chapter.rec.year}年度{chapter.rec.unit.name}部门整体支出绩效自评表",
                      [w * scale for w in widths], bold_rows=subtotals)
    _merge_runs(table, 0, first_row=1)


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


def build_document(record: DepartmentYear, framework_path: Path | str, data_dir: Path | str,
                   pngs: Mapping[str, bytes] | None = None) -> DocumentObject:
    """The Word document of one chapter (not saved); ``pngs`` are the notebook's charts by name."""
    doc = Document()
    setup_styles(doc)
    page_number_footer(doc)
    doc.core_properties.title = record.report_title
    doc.core_properties.author = "perfeval"
    doc.core_properties.language = "zh-CN"
    doc.add_paragraph(record.report_title, style="Title")
    doc.add_paragraph(f"评价年度：{record.year}年　主管部门：{record.unit.supervisor}　金额单位：万元", style="副标题行")
    chapter = Chapter(record, Path(data_dir), Path(framework_path), DocxOutput(doc, pngs))
    chapter.framework  # an unreadable framework fails before anything is written
    for section in OUTLINE:
        if not section.word or not section.applies(chapter):
            continue
        if section.heading:
            doc.add_heading(section.heading, level=section.level)
        if section.method:
            getattr(chapter, section.method)()
    _add_self_assessment(doc, chapter)
    return doc


def document_bytes(record: DepartmentYear, framework_path: Path | str, data_dir: Path | str,
                   pngs: Mapping[str, bytes] | None = None) -> bytes:
    """The Word file of one chapter as bytes, identical for identical input (fixed zip timestamps)."""
    doc = build_document(record, framework_path, data_dir, pngs)
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def export_docx(record: DepartmentYear, path: Path | str, framework_path: Path | str,
                data_dir: Path | str) -> Path:
    """Write the department-year's report as a Word document (unchanged content is not rewritten)."""
    data = document_bytes(record, framework_path, data_dir)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.exists() and path.read_bytes() == data):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path
