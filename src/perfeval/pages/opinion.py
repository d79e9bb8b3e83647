"""The 测算意见 a director signs (``export-docx --part review``, and the chapter's second Word file): a
document complete in itself, in the 公文 layout of :mod:`perfeval.pages.docx_layout`.

Its parts: the addressee and an opening that names what was evaluated and under which framework; 一、评价结论
(the score with its coverage, or 不予评级; the comparison with the unit's self-score; the bureau's rulings; what
the score would be if the open 需核实 items held); 二、发现的问题 (错误 and 需核实, each with the unit's reply);
三、意见建议 (derived from the findings, :mod:`perfeval.review.suggestions`); 四、测算得分明细 (one table in the
body font); then the 落款: issuer and date. It never refers to a page, part or table it does not contain.

The issuer and date (:class:`Signature`) come from ``_config.yml`` (``opinion: {issuer, date}``; the issuer
defaults to ``publisher``) or the command line (``--issuer`` / ``--date``); without a date the line is left
for the date to be written by hand (``年　月　日``).
"""

from __future__ import annotations


import pandas as pd
from docx.document import Document as DocumentObject

from perfeval.model import DepartmentYear
from perfeval.model.numbers import HUNDRED, fmt_number, fmt_rate
from perfeval.pages.cells import score_text
from perfeval.pages.docx_layout import add_table, styled_paragraph
from perfeval.pages.review_tables import comparison_text, finding_item, scores_table
from perfeval.review import (SEVERITY_LABELS, Assessment, Finding, self_scores_comparable,
                             sensitivity_sentence, suggestions)
from perfeval.review import Signature, config_signature, find_config

__all__ = ["Signature", "build_opinion", "config_signature", "find_config"]

CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """一 … 十 (1–10), then the digits."""
    return CHINESE_NUMBERS[n - 1] if 1 <= n <= 10 else str(n)


def _para(doc: DocumentObject, text: str, style: str = "正文段落") -> None:
    styled_paragraph(doc, style).add_run(text)


def _heading(doc: DocumentObject, text: str, level: int) -> None:
    styled_paragraph(doc, f"Heading {level}").add_run(text)


def conclusion(a: Assessment) -> str:
    """The score in one sentence: with its coverage and grade, or why there is none."""
    result, rec = a.result, a.rec
    head = f"按“{result.framework.title}”测算，{rec.unit.name}{rec.year}年度部门整体支出绩效"
    coverage = fmt_rate(result.coverage * HUNDRED)
    if result.total is None:
        return head + f"各项指标均缺少所需数据，未计算{result.label}，不予评级。"
    if result.grade is None:
        return (head + f"适用指标的分值合计{fmt_number(result.applicable_weight)}分，覆盖率{coverage}，低于60%，"
                f"数据不足，不予评级，不折算{result.label}（适用指标共得{score_text(result.raw_total)}分）。")
    return head + f"{result.label}{score_text(result.total)}分，等级为{result.grade}（适用指标覆盖率{coverage}）。"


def disclaimer(a: Assessment) -> str:
    fw = a.result.framework
    official = "" if fw.official else "，不代表财政部门的正式评价结果"
    return f"{a.result.label}依据单位自评报告所列数据，按上述指标体系计算{official}。"


def _item(rec: DepartmentYear, f: Finding) -> str:
    return finding_item(rec, f.path)


def _findings(doc: DocumentObject, a: Assessment) -> None:
    standing = [(s, [f for f in a.findings if f.severity == s]) for s in ("error", "verify")]
    standing = [(s, group) for s, group in standing if group]
    if not standing:
        _para(doc, "经核对，未发现数字之间相互矛盾或需要核实的事项。")
    intro = {"error": "数字之间相互矛盾，依据单位自己的数据即可认定（含经认定不予采纳单位说明的事项）：",
             "verify": "取决于报告没有提供的情况，需单位说明、财政部门认定："}
    for n, (severity, group) in enumerate(standing, start=1):
        _heading(doc, f"（{chinese_ordinal(n)}）{SEVERITY_LABELS[severity]}（{len(group)}项）", 2)
        _para(doc, intro[severity])
        for i, f in enumerate(group, start=1):
            text = f.message.rstrip("。")
            if f.ruling is not None:
                text += "。" + f.ruling.words()
            item = _item(a.rec, f)
            _para(doc, f"{i}. {text}。" if text.startswith(item) else f"{i}. {item}：{text}。")
            if f.reply is not None:
                _para(doc, f.reply.words().rstrip("。") + "。", "注释")
    notes = [f for f in a.findings if f.severity == "note" and f.ruling is None]
    if notes:
        _para(doc, f"另有提示{len(notes)}项（重新计算的比率、舍入差异等），不作为问题。", "注释")


def _advice(doc: DocumentObject, a: Assessment) -> None:
    found = suggestions(a.findings)
    if not found:
        _para(doc, "未发现需要整改的问题，请继续做好预算绩效管理。")
    for i, (advice, group) in enumerate(found, start=1):
        items = "、".join(dict.fromkeys(_item(a.rec, f) for f in group))
        _para(doc, f"{i}. {advice.text}（涉及：{items}）。")


def _score_table(a: Assessment) -> pd.DataFrame:
    """The computed scores, one row per indicator and the total rows, in four columns that fit the page."""
    df = scores_table(a.result)
    label = a.result.label
    names = [c or b or t for t, b, c in zip(df["一级指标"], df["二级指标"], df["三级指标"])]
    return pd.DataFrame({"指标": names, "分值": df["分值"], label: df[label], "说明": df["说明"]})


def build_opinion(doc: DocumentObject, a: Assessment, signature: Signature) -> None:
    """Write the 测算意见 of ``a`` after the document's title (already written)."""
    rec, result = a.rec, a.result
    styled_paragraph(doc, "Normal").add_run(f"{rec.unit.name}：")
    who = signature.issuer or "我们"
    _para(doc, f"{who}依据你单位公开的《{rec.report_title}》所列数据，按“{result.framework.title}”对你单位"
               f"{rec.year}年度部门整体支出绩效进行了测算，并逐项核对了报告中数字之间是否一致。现将意见告知如下。")
    _heading(doc, "一、评价结论", 1)
    _para(doc, conclusion(a))
    notes = [n for n in result.notes if "不予评级" not in n]
    if notes and result.grade is not None:
        _para(doc, "".join(n + "。" for n in notes))
    if self_scores_comparable(rec):
        _para(doc, comparison_text(result, rec))
    if a.ruled:
        _para(doc, f"财政部门对{len(a.ruled)}项核查事项作出了口径认定，{result.label}和等级已按认定结果计算：")
        for i, f in enumerate(a.ruled, start=1):
            assert f.ruling is not None
            _para(doc, f"{i}. {_item(rec, f)}：{f.ruling.words()}。")
    sentence = sensitivity_sentence(a.sensitivities)
    if sentence:
        _para(doc, "以下事项尚待核实：" + sentence)
    _para(doc, disclaimer(a), "注释")
    _heading(doc, "二、发现的问题", 1)
    _findings(doc, a)
    _heading(doc, "三、意见建议", 1)
    _advice(doc, a)
    _heading(doc, "四、测算得分明细", 1)
    if result.total is None:
        _para(doc, "各项指标均缺少所需数据，未计算得分。")
    else:
        table = _score_table(a)
        number = len(doc.tables) + 1     # tables are numbered in the order the file holds them
        add_table(doc, table, f"表{number} {result.label}明细", widths=[3.4, 1.3, 2.2, 8.7], cell_style="正文表格文字")
    styled_paragraph(doc, "Normal")
    styled_paragraph(doc, "落款").add_run(signature.issuer or "（签发单位）")
    styled_paragraph(doc, "落款").add_run(signature.date_line())
