"""Audit of a published report: what the text and its tables themselves get wrong.

Severities: ``error`` — a provable contradiction inside the report; ``verify`` — a
figure or claim that depends on facts the report does not give, for a person to check;
``note`` — worth knowing, not wrong.

Text rules (``Finding.rule``):

* ``text.unit`` (error) — an amount written in a unit that contradicts the other figures
  (e.g. "财政拨款支出 3229.37 元" among 万元 figures, where the same number is written elsewhere
  in 万元); ``text.unit_mixed`` — an amount in 元 among 万元 figures with no such evidence
  (verify: a 10,000× slip is possible) or in 亿元 (note: 亿元 and 万元 mixed).
* ``text.year`` (error) — a year other than the report year in a budget context ("2023 年度批复"
  in the 2024 report); ``text.year_other`` (note) — another earlier year outside a comparison.
  Year-labelled column headers ("2022年决算数") and stated comparisons are not year slips.
* ``text.sum`` (error; a difference of 0.01 is a rounding note) — a total stated in a sentence
  ("A，其中 B、C" or "两项…共 X") that differs from the sum of its stated parts.
* ``text.score_sum`` (error) — a score table whose rows do not add up to its 合计 row.
* ``text.rate`` (error) — a percentage that does not match its stated numerator and denominator,
  or a stated formula ("变动率=(63.46-32)÷32=98.31%") that does not compute.
* ``text.claim`` (error) — "预算调整率为零" beside a stated mid-year adjustment.
* ``text.placeholder`` (verify) — template text left in ("XX", "××", "……", "某某").
* ``text.typo`` (note) — 年未/结余未 where 年末/结余为 is meant.

Cross-section rules, on the figures read from the report (narrative and forms):

* ``form.items`` — item rows against their stated total, per column (project items vs 项目支出,
  公用经费 items, 三公 items, sub-units vs 汇总, income sources vs a unit's 收入合计): error when
  the items cannot add up, verify when blank items leave a gap, note for a 0.01 rounding;
* ``form.split`` — 支出合计 vs 基本 + 项目 or 人员 + 公用 + 项目, 基本 vs 人员 + 公用;
* ``form.balance`` (verify) — 支出 above 收入 with no 上年结转 stated;
* ``form.yoy`` — a stated year-on-year change recomputed (error), and what two stated changes
  imply about the year before (verify);
* ``form.yoy_basis`` (verify) — a stated change rate computed on other figures than the table's;
* ``form.report_date`` (error) — a report dated before the end of the year it evaluates;
* ``form.staffing`` (verify) — staff in post above establishment, its 控制率 left blank;
* ``form.no_variance`` (verify) — every row's 本年决算数 equals its 本年预算数;
* ``form.variance`` (verify) — a row whose 决算数 is far from its 预算数 (below half or above 1.5×);
* ``form.rate`` (error) — a 自评表 执行率 that does not match 全年执行 ÷ 全年预算;
* ``form.adjustment_rate`` (note) — the adjustment rate the figures give, when none is stated;
* ``form.score_header`` (verify) — numbers headed 得分 that equal the children's weights.

Every finding's ``source`` is the original sentence it comes from.
"""

from __future__ import annotations

from perfeval.review import Finding
from .audit_base import MAX_PER_RULE, AuditBase
from .audit_forms import FormRules
from .audit_text import TextRules
from .extraction import Extraction
from .normalize import Document


class Auditor(TextRules, FormRules, AuditBase):
    """Every rule, run in the order that decides the order of findings at one position."""

    def run(self) -> list[Finding]:
        self.units()
        self.years()
        self.sums()
        self.score_sums()
        self.rates()
        self.shares()
        self.formulas()
        self.claims()
        self.adjustment_rate()
        self.placeholders()
        self.typos()
        self.breakdowns()
        self.splits()
        self.balance()
        self.year_on_year()
        self.report_date()
        self.staffing()
        self.variance()
        self.fund_rates()
        self.score_header()
        for rule, n in self._count.items():
            if n > MAX_PER_RULE:
                self.findings.append((len(self.text), len(self.findings), Finding(
                    id=rule, severity="note", path="text",  # type: ignore[arg-type]
                    message=f"规则 {rule} 另有 {n - MAX_PER_RULE} 处同类问题未逐条列出")))
        self.findings.sort(key=lambda f: (f[0], f[1]))
        return [f for _, _, f in self.findings]


def audit_document(doc: Document, year: int | None = None, extraction: Extraction | None = None) -> list[Finding]:
    """All findings of a normalized report, in text order."""
    return Auditor(doc, year, extraction).run()
