"""Text-level audit of a published report: what the text itself gets wrong.

Rules (``Finding.rule``):

* ``text.unit`` (error) — an amount written in a unit that contradicts the other
  figures (e.g. "财政拨款支出 3229.37 元" among 万元 figures, where the same number
  is written elsewhere in 万元); ``text.unit_mixed`` (warning) when there is no
  such evidence.
* ``text.year`` (error) — a year other than the report year in a budget
  context ("2023 年度批复" in the 2024 report); ``text.year_other`` (note) — any
  other earlier year outside a comparison or deadline.
* ``text.sum`` (error) — a total stated in a sentence ("A，其中 B、C" or
  "两项…共 X") that differs from the sum of its stated parts by more than
  0.01 万元; a difference of exactly 0.01 is a rounding ``note``.
* ``text.score_sum`` (error) — a score table whose rows do not add up to its 合计 row.
* ``text.rate`` (error) — a percentage that does not match its stated
  numerator and denominator (execution, adjustment, control, carry-over rates).
* ``text.claim`` (error) — a claim contradicted by the figures: "预算调整率为零"
  beside a stated mid-year adjustment.
* ``text.placeholder`` (warning) — template text left in ("XX", "××", "……").

Every finding's ``source`` is the original sentence it comes from.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from perfeval.review import Finding
from .extract import Extraction, extract, score_table
from .figures import YEAR, Money, money_mentions
from .normalize import Document

TOLERANCE = Decimal("0.01")
_CONNECTIVE = re.compile(r"^[，；]?(?:因|但|故|所以|主要|用于|此外|另外|同时|并)")
_BUDGET_CONTEXT = re.compile(r"^年度?(?:批复|预算|决算|部门预算|财政拨款|收入|支出|年初|年末|三公|结转|结余)")
_NUM_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def _fmt(value: Decimal) -> str:
    return format(value, "f")


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
        out.append(depth)
        if ch in "）)":
            depth = max(0, depth - 1)
    return out


class Auditor:
    def __init__(self, doc: Document, year: int | None, extraction: Extraction | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.extraction = extraction or extract(doc, year=year)
        self.year = year if year is not None else self.extraction.data.get("year")
        self.money = money_mentions(doc)
        self.findings: list[Finding] = []
        self._by_pos = {pos: path for path, pos in self.extraction.positions.items()}

    def add(self, rule: str, severity: str, pos: int, message: str, numbers: dict[str, str] | None = None,
            path: str | None = None) -> None:
        self.findings.append(Finding(id=rule, severity=severity,  # type: ignore[arg-type]
                                     path=path or self._by_pos.get(pos, "text"), message=message,
                                     numbers=numbers or {}, source=self.doc.original_at(pos)))

    def run(self) -> list[Finding]:
        self.units()
        self.years()
        self.sums()
        self.score_sums()
        self.rates()
        self.claims()
        self.placeholders()
        return self.findings

    # ----- rules -------------------------------------------------------------------------
    def units(self) -> None:
        for m in self.money:
            if m.slip:
                self.add("text.unit", "error", m.start,
                         f"金额「{m.written}{m.unit}」的单位与其他数字不一致（{m.evidence}），应为 {m.written}万元",
                         {"written": f"{m.written}{m.unit}", "as_wan": _fmt(m.value)})
        units = {m.unit for m in self.money}
        if len(units) > 1:
            main = max(units, key=lambda u: sum(1 for m in self.money if m.unit == u))
            for m in self.money:
                if not m.slip and m.unit != main:
                    self.add("text.unit_mixed", "verify", m.start,
                             f"金额「{m.written}{m.unit}」的单位与文中多数金额（{main}）不同，请核对",
                             {"written": f"{m.written}{m.unit}", "as_wan": _fmt(m.value)})

    def years(self) -> None:
        if not self.year:
            return
        for m in YEAR.finditer(self.text):
            y = int(m.group("year"))
            if y == self.year:
                continue
            after = self.text[m.end():m.end() + 8]
            before = self.text[max(0, m.start() - 8):m.start()]
            if _BUDGET_CONTEXT.match(after) and not re.search(r"上年|较|比|同比", before):
                self.add("text.year", "error", m.start(),
                         f"文中「{y}{after[:4]}」的年度与评价年度 {self.year} 不一致",
                         {"written": str(y), "report_year": str(self.year)})
            elif y < self.year and not re.search(r"上年|较|比|同比|与|自|从|至|截至", before + after[:3]):
                self.add("text.year_other", "note", m.start(),
                         f"文中出现 {y} 年（评价年度为 {self.year}），请确认是否笔误",
                         {"written": str(y), "report_year": str(self.year)})

    def sums(self) -> None:
        for s in self.doc.sentences:
            mentions = [m for m in self.money if s.start <= m.start < s.end]
            if len(mentions) < 2:
                continue
            depth = _depths(s.text)
            for q in re.finditer(r"其中", s.text):
                p = q.start()
                before = [m for m in mentions if m.end - s.start <= p and depth[m.start - s.start] <= depth[p]]
                if not before:
                    continue
                total = before[-1]
                if len(s.text[total.end - s.start:p]) > 2:
                    continue
                parts: list[Money] = []
                ok = False
                last_end = p
                for m in mentions:
                    rel = m.start - s.start
                    if rel <= p:
                        continue
                    if min(depth[p:rel + 1]) < depth[p]:
                        break  # the bracket of this 其中 closed
                    if depth[rel] != depth[p]:
                        continue  # inside a nested bracket
                    gap = s.text[last_end:rel]
                    clause_start = max(gap.rfind("，"), gap.rfind("；"))
                    if clause_start >= 0 and _CONNECTIVE.match(gap[clause_start:]):
                        break
                    parts.append(m)
                    last_end = m.end - s.start
                    if abs(sum(x.value for x in parts) - total.value) <= TOLERANCE:
                        ok = True
                        break
                if len(parts) < 2 and not ok:
                    continue
                self._report_sum(total, parts)
            for q in re.finditer(r"([两二三四五六]|\d)项[^，。；]{0,10}?(?:共|合计|总计)", s.text):
                n = _NUM_WORDS.get(q.group(1)) or int(q.group(1))
                after = [m for m in mentions if m.start - s.start >= q.end()]
                prior = [m for m in mentions if m.end - s.start <= q.start()]
                if not after or len(prior) < n:
                    continue
                self._report_sum(after[0], prior[-n:])

    def _report_sum(self, total: Money, parts: list[Money]) -> None:
        stated = total.value
        summed = sum((m.value for m in parts), Decimal(0))
        diff = abs(stated - summed)
        if diff == 0:
            return
        numbers = {"total": _fmt(stated), "parts": " + ".join(_fmt(m.value) for m in parts), "sum": _fmt(summed),
                   "difference": _fmt(stated - summed)}
        if diff <= TOLERANCE:
            self.add("text.sum", "note", total.start,
                     f"合计 {_fmt(stated)} 万元与分项之和 {_fmt(summed)} 万元相差 {_fmt(diff)}，可能为四舍五入", numbers)
        else:
            self.add("text.sum", "error", total.start,
                     f"合计 {_fmt(stated)} 万元不等于分项之和 {_fmt(summed)} 万元（相差 {_fmt(stated - summed)}）", numbers)

    def score_sums(self) -> None:
        table = score_table(self.doc)
        if not table or not table.total:
            return
        weight, score, pos = table.total
        w_sum = sum((r[1] for r in table.rows), Decimal(0))
        s_sum = sum((r[2] for r in table.rows), Decimal(0))
        if w_sum != weight:
            self.add("text.score_sum", "error", pos, f"得分表各项分值之和 {_fmt(w_sum)} 不等于合计分值 {_fmt(weight)}",
                     {"total": _fmt(weight), "sum": _fmt(w_sum)}, path="self_scores")
        if s_sum != score:
            self.add("text.score_sum", "error", pos, f"得分表各项得分之和 {_fmt(s_sum)} 不等于合计得分 {_fmt(score)}",
                     {"total": _fmt(score), "sum": _fmt(s_sum)}, path="self_scores")
        for part, w, sc, p in table.rows:
            if sc > w:
                self.add("text.score_sum", "error", p, f"「{part}」得分 {_fmt(sc)} 超过分值 {_fmt(w)}",
                         {"weight": _fmt(w), "score": _fmt(sc)}, path="self_scores")

    _RATE_KINDS: list[tuple[str, str, str]] = [
        # rate name, numerator label, denominator label
        (r"调整率", r"调整|追加", r"年初"),
        (r"结转结余率|结余率|结转率", r"结转|结余", r"预算|支出"),
        (r"执行率|支出率|到位率|拨付率", r"实际|执行数|支出数|决算|使用|拨付|到位|完成", r"预算|批复|安排|计划"),
        (r"控制率", r"实际|决算|支出|执行", r"预算|批复"),
    ]

    def rates(self) -> None:
        for m in re.finditer(r"([\u4e00-\u9fff“”\"]{0,10}?率)(?:为|达到?|是|：)?(\d+(?:\.\d+)?)%", self.text):
            name, stated = m.group(1), Decimal(m.group(2))
            kind = next((k for k in self._RATE_KINDS if re.search(k[0], name)), None)
            if kind is None:
                continue
            sent = self.doc.sentence_at(m.start())
            num: Decimal | None = None
            den: Decimal | None = None
            explicit = re.compile(r"[（(](\d+(?:\.\d+)?)(?:万元)?[/÷](\d+(?:\.\d+)?)(?:万元)?[)）]").match(self.text, m.end())
            if explicit:
                num, den = Decimal(explicit.group(1)), Decimal(explicit.group(2))
            else:
                labelled: list[tuple[str, Money]] = []
                for mm in self.money:
                    if sent.start <= mm.start < sent.end:
                        start = max(self.text.rfind(c, sent.start, mm.start) for c in "，；：、（") + 1
                        labelled.append((self.text[max(start, sent.start):mm.start], mm))
                nums = [mm for label, mm in labelled if re.search(kind[1], label)]
                dens = [mm for label, mm in labelled if re.search(kind[2], label) and not re.search(kind[1], label)]
                if not nums or not dens:
                    continue
                num, den = nums[-1].value, dens[-1].value
            if not den:
                continue
            places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
            computed = (num * 100 / den).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if computed != stated:
                self.add("text.rate", "error", m.start(),
                         f"「{name}{_fmt(stated)}%」与文中数字不符：{_fmt(num)} ÷ {_fmt(den)} = {_fmt(computed)}%",
                         {"stated": _fmt(stated), "numerator": _fmt(num), "denominator": _fmt(den),
                          "computed": _fmt(computed)})

    def claims(self) -> None:
        data = self.extraction.data
        m = re.search(r"预算调整率(?:为|是|：)?(零|0(?:\.0+)?%?)(?![.\d])", self.text)
        if not m:
            return
        adjustment = data.get("income", {}).get("adjustment")
        if adjustment is None:
            found = re.search(r"调整(?:下达|追加)?(?:预算)?数?(?:为)?(\d+(?:\.\d+)?)万元", self.text)
            adjustment = Decimal(found.group(1)) if found else None
        if adjustment is None or adjustment == 0:
            return
        numbers = {"declared": "0", "adjustment": _fmt(adjustment)}
        initial = data.get("income", {}).get("initial_budget")
        message = f"文中称预算调整率为零，但同时写明年中调整 {_fmt(adjustment)} 万元"
        if initial:
            computed = (adjustment * 100 / initial).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            numbers.update(initial_budget=_fmt(initial), computed=_fmt(computed))
            message += f"（{_fmt(adjustment)} ÷ {_fmt(initial)} = {_fmt(computed)}%）"
        self.add("text.claim", "error", m.start(), message, numbers, path="execution.declared_adjustment_rate")

    def placeholders(self) -> None:
        for m in re.finditer(r"X{2,}|×{2,}|…{2,}|\*{2,}|＊{2,}|某某", self.text):
            self.add("text.placeholder", "error", m.start(), f"文中留有模板占位文字「{m.group(0)}」")


def audit_document(doc: Document, year: int | None = None, extraction: Extraction | None = None) -> list[Finding]:
    """All text-level findings of a normalized report, in text order."""
    auditor = Auditor(doc, year, extraction)
    findings = auditor.run()
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(findings, key=lambda f: (_pos_of(doc, f.source), order[id(f)]))


def _pos_of(doc: Document, source: str) -> int:
    for s in doc.sentences:
        if s.original == source:
            return s.start
    return len(doc.text)
