"""The two Word files of a department-year, in 公文 layout (GB/T 9704-2012, see :mod:`.docx_layout`).

- ``part="unit"``: the unit's report (单位自评报告) alone — a cover with what the report states about
  itself (预算编码, 评价方式, 评价单位, 评价机构, 报告日期, 填报日期, 文号 … when known), then the sections of the chapter's first part,
  the unit's own 自评表 with the unit's scores last. None of our scores, findings or rule ids.
- ``part="review"``: our 测算意见, a document a director signs (:mod:`perfeval.pages.opinion`): 评价结论,
  发现的问题 with the unit's replies, 意见建议, the scores, the 落款 (issuer and date: :class:`Signature`). In
  plain Chinese: no rule ids, no field paths (those stay in the CSV and JSON).

The unit's report is produced by the same :class:`~perfeval.pages.chapter.Chapter` section methods as the HTML
page, walked in the order of :data:`perfeval.pages.outline.OUTLINE`: the chapter is given a :class:`DocxOutput`,
which writes their prose, tables and charts into python-docx instead of the notebook, so the Chinese
prose is written only once (in the chapter template). Chart PNGs come from the executed notebook when the
build has one (no chart is drawn twice); the command line draws them. The unit's file carries the one sentence
that says what our part is (:data:`perfeval.pages.prose.LEAD_NOTE`); the 测算意见 says it in its own words.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import pandas as pd
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK

from perfeval.model import DepartmentYear
from perfeval.model.files import file_mode
from perfeval.pages.chapter import Chapter
from perfeval.pages.charts import Chart
from perfeval.pages.display import PageOutput, figure_caption
from perfeval.pages.docx_layout import add_chart, add_html, add_table, new_document, styled_paragraph
from perfeval.pages.docx_xml import package_bytes
from perfeval.pages.opinion import Signature, build_opinion, config_signature, find_config
from perfeval.pages.outline import REVIEW_PART, UNIT_PART, part_sections
from perfeval.pages.prose import LEAD_NOTE
from perfeval.pages.tables import cover_lines

#: The two Word files: the unit's report and our 测算意见.
PARTS = {"unit": UNIT_PART, "review": REVIEW_PART}


class DocxOutput(PageOutput):
    """Writes a page's sections into a Word document; ``pngs`` are chart images by name (from the notebook).

    ``heading_level`` is the Word heading level an ``<h4>`` of the current section becomes. A Word file has
    no links, and the unit's file nothing this book arranged (:class:`perfeval.pages.unit_report.UnitReport`)."""

    word = True

    def __init__(self, doc: DocumentObject, pngs: Mapping[str, bytes] | None = None) -> None:
        super().__init__()
        self.doc = doc
        self.pngs = dict(pngs or {})
        self.heading_level = 2

    def html(self, text: str) -> None:
        add_html(self.doc, text, self.heading_level)

    def table(self, df: pd.DataFrame, title: str, name: str = "",
              links: dict[str, list[str]] | None = None, csv_only: tuple[str, ...] = (), file: str = "") -> int:
        """表N as :meth:`PageOutput.table` numbers it, without the CSV text a Word file has no use for
        (measured: a tenth of the unit's file)."""
        self.tables += 1
        self.show_table(df.drop(columns=list(csv_only)) if csv_only else df, f"表{self.tables} {title}", "", links, "")
        return self.tables

    def show_table(self, df: pd.DataFrame, caption: str, file: str, links: dict[str, list[str]] | None,
                   csv: str) -> None:
        add_table(self.doc, df, caption)

    def show_chart(self, chart: Chart, number: int) -> None:
        png = self.pngs.get(chart.name)
        add_chart(self.doc, png if png is not None else chart.png(), figure_caption(chart, number))


def document_title(record: DepartmentYear, part: str) -> str:
    """The title of a Word file: the report's own title, or that of our 测算意见."""
    if part == "review":
        return f"{record.year}年度{record.unit.name}部门整体支出绩效测算意见"
    return record.report_title


def _cover(doc: DocumentObject, record: DepartmentYear, part: str) -> None:
    """Title and the cover lines the report states, then the note."""
    styled_paragraph(doc, "Title", document_title(record, part))
    lines = [("单位名称", record.unit.name)]
    if record.unit.supervisor:
        lines.append(("主管部门", record.unit.supervisor))
    lines.append(("评价年度", f"{record.year}年"))
    if part == "unit":
        lines += [(label, value) for _, label, value in cover_lines(record)]
    for label, value in lines:
        styled_paragraph(doc, "封面信息", f"{label}：{value}")
    styled_paragraph(doc, "封面信息", "金额单位：万元")
    note = ("本文件按原报告整理单位自评报告的内容，数字按原报告列示；原报告中的笔误以“注”说明。"
            f"测算与核查另见测算意见。{LEAD_NOTE}")
    styled_paragraph(doc, "注释", note)
    styled_paragraph(doc, "Normal").add_run().add_break(WD_BREAK.PAGE)


def build_document(record: DepartmentYear, framework_path: Path | str, data_dir: Path | str,
                   pngs: Mapping[str, bytes] | None = None, part: str = "unit",
                   signature: Signature | None = None) -> DocumentObject:
    """One Word file of a chapter (not saved): ``part`` is ``unit`` (the unit's report) or ``review``
    (测算意见, signed by ``signature``: by default the ``_config.yml`` of the book holding ``data_dir``);
    ``pngs`` are the notebook's charts by name."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}: unit or review")
    doc = new_document()
    doc.core_properties.title = document_title(record, part)
    doc.core_properties.language = "zh-CN"
    out = DocxOutput(doc, pngs)
    chapter = Chapter(record, Path(data_dir), Path(framework_path), out)
    chapter.framework  # an unreadable framework fails before anything is written
    if part == "review":
        signature = signature or config_signature(find_config(data_dir))
        doc.core_properties.author = signature.issuer or "perfeval"
        styled_paragraph(doc, "Title", document_title(record, part))
        build_opinion(doc, chapter.assessment, signature)
        return doc
    doc.core_properties.author = ""
    _cover(doc, record, part)
    for section in part_sections(PARTS[part]):
        if not section.word or not section.applies(chapter):
            continue
        level = section.level - 1          # 一、 → 一级 (Heading 1), （一） → 二级 (Heading 2)
        if section.heading and level >= 1:
            styled_paragraph(doc, f"Heading {level}", section.heading)  # doc.add_heading
        out.heading_level = level + 1
        if section.method and level >= 1:
            getattr(chapter, section.method)()
    return doc


def document_bytes(record: DepartmentYear, framework_path: Path | str, data_dir: Path | str,
                   pngs: Mapping[str, bytes] | None = None, part: str = "unit",
                   signature: Signature | None = None) -> bytes:
    """A Word file of one chapter as bytes, identical for identical input (fixed zip timestamps)."""
    return package_bytes(build_document(record, framework_path, data_dir, pngs, part, signature))


def export_docx(record: DepartmentYear, path: Path | str, framework_path: Path | str,
                data_dir: Path | str, part: str = "unit", signature: Signature | None = None) -> Path:
    """Write one Word file of the department-year (unchanged content is not rewritten)."""
    data = document_bytes(record, framework_path, data_dir, part=part, signature=signature)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.exists() and path.read_bytes() == data):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.chmod(tmp, file_mode(path))
        tmp.replace(path)
    return path
