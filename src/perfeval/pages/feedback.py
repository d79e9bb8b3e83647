"""The 反馈函 (``perfeval feedback``): the questions put to the unit, one per 需核实 finding not yet ruled on, with
their figures and a reply deadline, in the 公文 layout; and the reply form (回复表, Excel) that goes with it
(:mod:`perfeval.excel.reply_form`), whose rows carry the same finding ids so that ``import-reply`` can file the
answers beside their findings."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from docx import Document

from perfeval.excel.reply_form import Question, write_reply_form
from perfeval.pages.docx_layout import page_number_footer, setup_styles, stable_zip, styled_paragraph
from perfeval.pages.opinion import Signature, chinese_ordinal
from perfeval.pages.review_tables import finding_item
from perfeval.model import DepartmentYear
from perfeval.review import Finding, date_words, questions

#: Days the unit is given to reply when no deadline is named.
REPLY_DAYS = 15


@dataclass(frozen=True)
class FeedbackFiles:
    letter: Path
    form: Path
    questions: int


def file_names(code: str, year: int) -> tuple[str, str]:
    """The letter's and the form's file names: ``<code>-<year>-反馈函.docx``, ``<code>-<year>-回复表.xlsx``."""
    return f"{code}-{year}-反馈函.docx", f"{code}-{year}-回复表.xlsx"


def form_questions(rec: DepartmentYear, findings: Sequence[Finding]) -> list[Question]:
    """The rows of the reply form: each open 需核实 finding with what it concerns and its text."""
    return [Question(f.finding_id, finding_item(rec, f.path), f.message) for f in questions(findings)]


def letter_bytes(rec: DepartmentYear, findings: Sequence[Finding], signature: Signature, deadline: dt.date,
                 form_name: str) -> bytes:
    """The 反馈函 as a Word file (identical bytes for identical input)."""
    doc = Document()
    setup_styles(doc)
    page_number_footer(doc)
    title = f"关于核实{rec.unit.name}{rec.year}年度部门整体支出绩效自评报告有关事项的函"
    doc.core_properties.title, doc.core_properties.language = title, "zh-CN"
    doc.core_properties.author = signature.issuer or "perfeval"
    doc.add_paragraph(title, style="Title")
    styled_paragraph(doc, "Normal").add_run(f"{rec.unit.name}：")
    asked = questions(findings)
    who = signature.issuer or "我们"
    styled_paragraph(doc, "正文段落").add_run(
        f"{who}依据你单位公开的《{rec.report_title}》所列数据进行了测算，并逐项核对了报告中数字之间是否一致，"
        f"发现以下{len(asked)}项事项取决于报告没有提供的情况，需要你单位核实说明。请于{date_words(deadline)}前"
        f"在所附回复表中逐项填写单位说明、佐证材料和是否认可，连同佐证材料一并反馈。")
    doc.add_heading("一、需核实事项", level=1)
    for i, f in enumerate(asked, start=1):
        item = finding_item(rec, f.path)
        text = f.message.rstrip("。")
        styled_paragraph(doc, "正文段落").add_run(
            f"（{chinese_ordinal(i)}）{text}。" if text.startswith(item) else f"（{chinese_ordinal(i)}）{item}：{text}。")
    doc.add_heading("二、回复要求", level=1)
    for i, line in enumerate((
            "逐项说明情况；认可的，说明整改安排；不认可的，写明理由并附依据。",
            "回复表的序号与本函所列事项的序号一致；表中的编号、涉及事项和问题请勿改动，每项只填写“单位说明”"
            "“佐证材料”“是否认可”三栏和回复日期。",
            "单位的回复将与对应事项一并列示；是否采纳单位的说明，由财政部门认定。"), start=1):
        styled_paragraph(doc, "正文段落").add_run(f"{i}. {line}")
    styled_paragraph(doc, "正文段落").add_run(f"附件：{form_name}")
    styled_paragraph(doc, "Normal")
    styled_paragraph(doc, "落款").add_run(signature.issuer or "（签发单位）")
    styled_paragraph(doc, "落款").add_run(signature.date_line())
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def write_feedback(rec: DepartmentYear, findings: Sequence[Finding], folder: Path, signature: Signature,
                   deadline: dt.date) -> FeedbackFiles:
    """Write the letter and the form into ``folder`` (the caller has checked what may be replaced)."""
    letter_name, form_name = file_names(rec.code, rec.year)
    folder.mkdir(parents=True, exist_ok=True)
    letter = folder / letter_name
    tmp = letter.with_name(f".{letter.name}.tmp")
    tmp.write_bytes(letter_bytes(rec, findings, signature, deadline, form_name))
    tmp.replace(letter)
    form = write_reply_form(folder / form_name, rec.code, rec.year, f"{rec.unit.name}{rec.year}年度部门整体支出绩效评价",
                            form_questions(rec, findings), deadline)
    return FeedbackFiles(letter, form, len(questions(findings)))
