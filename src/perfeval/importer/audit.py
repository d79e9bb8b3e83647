"""Audit of a published report: the checks of ``perfeval check`` on what the report states, plus what only
its text shows.

:func:`audit_document` imports the text (:func:`perfeval.importer.extract`), makes the draft a record (what
the schema refuses is left out, as ``import-report`` does) and runs every record check on it
(:func:`perfeval.review.checks.run_checks`): a fact gets the same check id and severity from ``audit`` as from
``check`` on the imported data file, wherever the report states its figures. Each such finding quotes the
report's sentence of the field it concerns. Then the rules that need the text itself:

* ``text.unit`` (error) — an amount written in a unit that contradicts the other figures (the same number
  written elsewhere in 万元); ``text.unit_mixed`` — 元 among 万元 figures with no such evidence (verify: a
  10,000× slip is possible), 亿元 beside 万元 or a table stated in 元 (note);
* ``text.year`` (verify) — a year other than the report year in a budget context ("2023年度批复" in the 2024
  report); ``text.year_other`` (note) — another earlier year outside a comparison;
* ``text.sum`` (error; within 0.01 a note) — a total stated in a sentence ("A，其中 B、C", "两项…共 X") that
  differs from the sum of its parts, when its figures went into no field a sum check compares;
* ``text.score_sum`` (error) — a score table's rows against its 合计 row, a row scored above its weight;
* ``text.rate`` / ``text.share`` (error) — a percentage that does not match its stated numerator and
  denominator (or a stated formula "(A-B)÷C=R%" that does not compute); ``form.yoy_basis`` (verify) — a change
  rate computed on other figures than the table's;
* ``text.placeholder`` (error, as in ``check``) — template text left in ("XX", "××", "……", "某某", a template's
  instruction such as "（2000字以内）");
* ``text.numbering``, ``text.numbering_paragraph``, ``text.contents_numbering``, ``text.numerals_mixed`` (note)
  — a numbering run that repeats, skips, goes back or starts again with no new part; a paragraph numbered
  among headings; a contents list numbered otherwise than the body; one list's counts in Arabic and Chinese
  numerals (:mod:`perfeval.importer.audit_numbering`);
* ``text.date`` — a date that does not exist (error), or a "截至" date of another year than the report's
  (verify: the figure may describe another year);
* ``text.document_number`` (note) — a document number whose year is not in 六角括号 (徐财绩[2025]5号);
* ``text.typo`` (note) — 年未/结余未 where 年末/结余为 is meant;
* ``form.score_header`` (verify) — numbers headed 得分 that equal the children's weights.

A text finding that restates a check's finding (the same sum, rate, year or placeholder) is left out: one
fact, one finding. Findings are listed errors first, then 需核实, then notes, each in text order.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from perfeval.model.schema import DepartmentYear
from perfeval.review import Finding, run_checks
from .audit_base import MAX_PER_RULE, AuditBase
from .audit_forms import FormRules
from .audit_numbering import NumberingRules
from .audit_text import TextRules
from .extract import extract
from .extraction import Extraction, source_at
from .normalize import Document
from .partial import MissingIdentity, make_valid, set_path, get_path

#: Identity a draft needs to be checked as a record when the report does not state it (never written anywhere).
_AUDIT_CODE = "audit"
_AUDIT_UNIT = "（报告未写明单位名称）"
_SEVERITY = {"error": 0, "verify": 1, "warning": 2, "note": 3}


class Auditor(TextRules, NumberingRules, FormRules, AuditBase):
    """Every text rule, run in the order that decides the order of findings at one position."""

    def run(self) -> list[tuple[int, int, Finding]]:
        self.units()
        self.years()
        self.sums()
        self.score_sums()
        self.rates()
        self.shares()
        self.formulas()
        self.placeholders()
        self.numbering()
        self.numerals_mixed()
        self.dates()
        self.document_numbers()
        self.typos()
        self.score_header()
        for rule, n in self._count.items():
            if n > MAX_PER_RULE:
                self.findings.append((len(self.text), len(self.findings), Finding(
                    id=rule, severity="note", path="text",  # type: ignore[arg-type]
                    message=f"规则 {rule} 另有 {n - MAX_PER_RULE} 处同类问题未逐条列出")))
        return self.findings


def audit_record(extraction: Extraction, year: int | None = None) -> DepartmentYear | None:
    """The draft as a record the checks can run on (None when the year is not known)."""
    data: dict[str, Any] = copy.deepcopy(extraction.data)
    if year is not None:
        data["year"] = year
    if data.get("year") is None:
        return None
    data.setdefault("code", _AUDIT_CODE)
    if not get_path(data, "unit.name"):
        set_path(data, "unit.name", _AUDIT_UNIT)
    try:
        valid, _ = make_valid(data)
    except MissingIdentity:  # pragma: no cover - identity is filled in above
        return None
    return DepartmentYear.model_validate(valid)


def _position(extraction: Extraction, path: str, end: int) -> int:
    """Where the report states the field a check finding concerns (its first column when a row)."""
    while path:
        pos = extraction.positions.get(path)
        if pos is not None:
            return pos
        found = [p for key, p in extraction.positions.items() if key.startswith((path + ".", path + "["))]
        if found:
            return min(found)
        path = re.sub(r"(?:\.[a-z_]+|\[\d+\])$", "", path) if re.search(r"[.\]]", path) else ""   # its row or section
    return end


def _same(a: str | None, b: str | None) -> bool:
    """Two figures of findings' numbers are the same value (96 and 96.00)."""
    try:
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    except ArithmeticError:
        return False


def _restates(text: Finding, checks: list[Finding]) -> bool:
    """A text finding that says what a check finding already says (the same figures, year or placeholder)."""
    n = text.numbers
    for c in checks:
        m = c.numbers
        if text.rule == "text.sum" and c.rule.startswith(("sum.", "item.above_total")):
            if n.get("total") == m.get("stated", m.get("total")) and n.get("sum") in (m.get("computed"), None):
                return True
        elif text.rule in ("text.rate", "text.share") and c.rule == "rate.stated":
            if _same(n.get("stated"), m.get("stated")) and _same(n.get("computed"), m.get("computed")):
                return True
        elif text.rule == "text.score_sum" and c.rule in ("selfscore.sum", "selfscore.weights"):
            if n.get("total") == m.get("stated") and n.get("sum") == m.get("computed"):
                return True
        elif text.rule == "text.year" and c.rule == "year.as_written":
            if n.get("written") == m.get("year_as_written"):
                return True
        elif text.rule == "text.unit_mixed" and c.rule == "units.slip" and text.path == c.path:
            return True
        elif text.rule == "text.date" and c.rule == "staffing.as_of":
            day = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", n.get("date", ""))
            if day and "{}-{:02d}-{:02d}".format(*map(int, day.groups())) == m.get("as_of"):
                return True
    return False


#: Check findings that say the report lacks a section: true of a report only when its text does not speak of
#: that section at all (otherwise the section is there and was not read: saying it is absent would be false).
_ABSENCE: dict[str, re.Pattern[str]] = {"goal.missing": re.compile(r"绩效目标|年度目标|总体目标"),
                                        "selfscore.missing": re.compile(r"得分|自评表|评分表|指标表")}


def _left_out(check: Finding, texts: list[Finding], text: str) -> bool:
    """A check finding the text rules report better (over the whole text, with the sentence), or an absence
    the text does not bear out."""
    absent = _ABSENCE.get(check.rule)
    if absent is not None:
        return bool(absent.search(text))
    if check.rule == "text.placeholder":
        return any(t.rule == "text.placeholder" for t in texts)
    if check.rule == "year.in_text":
        return any(t.rule in ("text.year", "text.year_other") and t.numbers.get("written") == check.numbers.get("year")
                   for t in texts)
    return False


def audit_document(doc: Document, year: int | None = None, extraction: Extraction | None = None) -> list[Finding]:
    """Every finding of a normalized report: the record checks on its draft and the text rules."""
    extraction = extraction or extract(doc, year=year)
    auditor = Auditor(doc, year, extraction)
    texts = auditor.run()
    text_findings = [f for _, _, f in texts]
    record = audit_record(extraction, auditor.year)
    checked: list[tuple[int, int, Finding]] = []
    if record is not None:
        found = run_checks(record)
        for i, f in enumerate(found):
            if _left_out(f, text_findings, doc.text):
                continue
            pos = _position(extraction, f.path, len(doc.text))
            source = source_at(doc, pos) if pos < len(doc.text) else ""
            checked.append((pos, i, f.with_source(source) if source else f))
        kept_checks = [f for _, _, f in checked]
        texts = [t for t in texts if not _restates(t[2], kept_checks)]
    merged = [(pos, 0, order, f) for pos, order, f in checked] + [(pos, 1, order, f) for pos, order, f in texts]
    merged.sort(key=lambda item: (_SEVERITY[item[3].severity], item[0], item[1], item[2]))
    return [f for _, _, _, f in merged]
