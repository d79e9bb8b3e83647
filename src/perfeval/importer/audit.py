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

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from perfeval.review import Finding
from .extract import Breakdown, Extraction, extract, score_table
from .figures import YEAR, Money, money_mentions
from .normalize import Document
from .partial import get_path

TOLERANCE = Decimal("0.01")
#: At most this many findings of one rule are listed; the rest are counted in one note.
MAX_PER_RULE = 50
_CONNECTIVE = re.compile(r"^[，；]?(?:因|但|故|所以|主要|用于|此外|另外|同时|并)")
_BUDGET_CONTEXT = re.compile(r"^年度?(?:批复|部门预算|预算批复)")
_BUDGET_CONTEXT_NOTE = re.compile(r"^年度?(?:预算|决算|财政拨款|收入|支出|年初|年末|三公|结转|结余)")
_COMPARISON = re.compile(r"上年|上一年|去年|较|比|同比|变动|增减|增长|下降|对比|与")
_SENTENCE_COMPARISON = re.compile(r"上年|上一年|去年|同比|比上年|较上年|变动率|增减")
_COLUMN_HEADER = re.compile(r"^年度?(?:预算数|决算数|执行数|实际数|实际在职人数|完工项目|预算安排|决算编制数)")
_NUM_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
COLUMN_LABELS = {"previous": "上年决算数", "budget": "本年预算数", "adjusted": "调整后预算数", "actual": "本年决算数",
                 "": "金额"}


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


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _places(stated: Decimal) -> int:
    exponent = stated.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class Auditor:
    def __init__(self, doc: Document, year: int | None, extraction: Extraction | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.extraction = extraction or extract(doc, year=year)
        self.data = self.extraction.data
        self.year = year if year is not None else self.data.get("year")
        self.money = money_mentions(doc)
        self.findings: list[tuple[int, int, Finding]] = []
        self._count: dict[str, int] = {}
        self._by_pos = {pos: path for path, pos in self.extraction.positions.items()}

    def add(self, rule: str, severity: str, pos: int, message: str, numbers: dict[str, str] | None = None,
            path: str | None = None) -> None:
        n = self._count.get(rule, 0) + 1
        self._count[rule] = n
        if n > MAX_PER_RULE:
            return
        finding = Finding(id=rule, severity=severity,  # type: ignore[arg-type]
                          path=path or self._by_pos.get(pos, "text"), message=message,
                          numbers=numbers or {}, source=self.doc.original_at(pos))
        self.findings.append((pos, len(self.findings), finding))

    def pos_of(self, path: str) -> int:
        pos = self.extraction.positions.get(path)
        if pos is not None:
            return pos
        # The first position recorded under this path (a row's columns).
        for key, value in self.extraction.positions.items():
            if key.startswith(path + ".") or key.startswith(path + "["):
                return value
        return len(self.text)

    def value(self, path: str) -> Any:
        return get_path(self.data, path)

    def run(self) -> list[Finding]:
        self.units()
        self.years()
        self.sums()
        self.score_sums()
        self.rates()
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

    # ----- text rules --------------------------------------------------------------------
    def units(self) -> None:
        for m in self.money:
            if m.slip:
                self.add("text.unit", "error", m.start,
                         f"金额「{m.written}{m.unit}」的单位与其他数字不一致（{m.evidence}），应为 {m.written}万元",
                         {"written": f"{m.written}{m.unit}", "as_wan": _fmt(m.value)})
        units = {m.unit for m in self.money}
        counts = {u: sum(1 for m in self.money if m.unit == u) for u in units}
        declared = len(re.findall(r"[（(]万元[)）]|单位[：:]万元", self.text[:200_000]))
        if declared:
            units.add("万元")  # tables headed "（万元）" or "单位：万元" count as figures in 万元
            counts["万元"] = counts.get("万元", 0) + declared
        if len(units) > 1:
            main = max(units, key=lambda u: (counts[u], u == "万元"))
            for m in self.money:
                if m.slip or m.unit == main:
                    continue
                if m.unit == "亿元" or main == "亿元":
                    self.add("text.unit_mixed", "note", m.start,
                             f"金额「{m.written}{m.unit}」以亿元计，文中多数金额以{main}计（亿元与万元混用），折合 {_fmt(m.value)} 万元",
                             {"written": f"{m.written}{m.unit}", "as_wan": _fmt(m.value)})
                else:
                    self.add("text.unit_mixed", "verify", m.start,
                             f"金额「{m.written}{m.unit}」的单位与文中多数金额（{main}）不同，请核对是否笔误",
                             {"written": f"{m.written}{m.unit}", "as_wan": _fmt(m.value)})

    def years(self) -> None:
        if not self.year:
            return
        compared_sentences: dict[int, tuple[bool, bool]] = {}
        for m in YEAR.finditer(self.text):
            y = int(m.group("year"))
            if y == self.year:
                continue
            after = self.text[m.end():m.end() + 8]
            before = self.text[max(0, m.start() - 8):m.start()]
            sent = self.doc.sentence_at(m.start())
            if sent.start not in compared_sentences:
                compared_sentences[sent.start] = bool(_SENTENCE_COMPARISON.search(sent.text)), bool(
                    re.search(r"变动率|变动|比上年|较上年", sent.text))
            sentence_compares, sentence_changes = compared_sentences[sent.start]
            if _COLUMN_HEADER.match(after):
                continue  # a year-labelled column or a stated prior-year figure
            compared = bool(_COMPARISON.search(before + after[:3])) or (
                y == self.year - 1 and sentence_compares)
            if _BUDGET_CONTEXT.match(after) and not compared:
                self.add("text.year", "error", m.start(),
                         f"文中「{y}{after[:4]}」的年度与评价年度 {self.year} 不一致",
                         {"written": str(y), "report_year": str(self.year)})
            elif y < self.year and not compared and not re.search(r"自|从|至|截至|以来", before + after[:3]) \
                    and not sentence_changes:
                self.add("text.year_other", "note", m.start(),
                         f"文中出现 {y} 年（评价年度为 {self.year}），请确认是否笔误",
                         {"written": str(y), "report_year": str(self.year)})

    def _money_between(self, start: int, end: int) -> list[Money]:
        import bisect
        starts = self._money_starts
        return self.money[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]

    @property
    def _money_starts(self) -> list[int]:
        cached = getattr(self, "_starts_cache", None)
        if cached is None:
            cached = [m.start for m in self.money]
            self._starts_cache = cached
        return cached

    def sums(self) -> None:
        for s in self.doc.sentences:
            mentions = self._money_between(s.start, s.end)
            if len(mentions) < 2 or len(mentions) > 60:
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
                    if re.search(r"同比|比上年|较上年|增加|减少", gap):
                        break  # a year-on-year change, not a part
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
        for m in re.finditer(r"([\u4e00-\u9fff“”\"]{0,10}?率)(?:为|达到?|是|：)?(\d{1,4}(?:\.\d{1,6})?)%", self.text):
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
                for mm in self._money_between(sent.start, sent.end)[:40]:
                    start = max(self.text.rfind(c, sent.start, mm.start) for c in "，；：、（") + 1
                    labelled.append((self.text[max(start, sent.start):mm.start], mm))
                nums = [mm for label, mm in labelled if re.search(kind[1], label)]
                dens = [mm for label, mm in labelled if re.search(kind[2], label) and not re.search(kind[1], label)]
                if not nums or not dens:
                    continue
                num, den = nums[-1].value, dens[-1].value
            if not den:
                continue
            computed = _round(num * 100 / den, _places(stated))
            if computed != stated:
                self.add("text.rate", "error", m.start(),
                         f"「{name}{_fmt(stated)}%」与文中数字不符：{_fmt(num)} ÷ {_fmt(den)} = {_fmt(computed)}%",
                         {"stated": _fmt(stated), "numerator": _fmt(num), "denominator": _fmt(den),
                          "computed": _fmt(computed)})

    _FORMULA = re.compile(r"(?P<name>[\u4e00-\u9fff“”\"]{0,12}率)?[=＝]?[（(](?P<a>\d{1,12}(?:\.\d+)?)-(?P<b>\d{1,12}(?:\.\d+)?)[)）]"
                          r"[÷/](?P<c>\d{1,12}(?:\.\d+)?)[=＝](?P<r>-?\d{1,5}(?:\.\d+)?)%")

    def formulas(self) -> None:
        """A stated computation "(A-B)÷C=R%": recomputed; against the table's own figures when it has them."""
        for m in self._FORMULA.finditer(self.text):
            a, b, c, r = (Decimal(m.group(k)) for k in "abcr")
            if not c:
                continue
            computed = _round((a - b) * 100 / c, _places(r))
            numbers = {"stated": _fmt(r), "computed": _fmt(computed)}
            if computed != r:
                self.add("text.rate", "error", m.start(), f"「({_fmt(a)}-{_fmt(b)})÷{_fmt(c)}={_fmt(r)}%」计算有误，应为 "
                         f"{_fmt(computed)}%", numbers)
            sentence = self.doc.sentence_at(m.start()).text
            row = None
            for pattern, path, cn in ((r"三公", "sangong.total", "三公经费"), (r"公用经费", "public_funds.total", "公用经费"),
                                      (r"项目支出", "expenditure.project", "项目支出")):
                if re.search(pattern, sentence):
                    row = (path, cn)
                    break
            if row is None:
                continue
            prev, actual = self.value(f"{row[0]}.previous"), self.value(f"{row[0]}.actual")
            if prev is None or actual is None or not prev:
                continue
            if (a, b) == (actual, prev):
                continue
            on_actuals = _round((actual - prev) * 100 / prev, 2)
            missing = "" if b == prev else f"上年数 {_fmt(b)} 不见于基础数据表（上年决算数 {_fmt(prev)}）；"
            self.add("form.yoy_basis", "verify", m.start(),
                     f"{row[1]}变动率按 {_fmt(a)} 与 {_fmt(b)} 计算为 {_fmt(r)}%，{missing}"
                     f"按基础数据表决算数计算为 ({_fmt(actual)} − {_fmt(prev)}) ÷ {_fmt(prev)} = {_fmt(on_actuals)}%",
                     {"stated": _fmt(r), "current_used": _fmt(a), "previous_used": _fmt(b), "previous_final": _fmt(prev),
                      "actual": _fmt(actual), "computed_on_finals": _fmt(on_actuals)}, path=row[0])

    def claims(self) -> None:
        m = re.search(r"预算调整率(?:为|是|：)?(零|0(?:\.0+)?%?)(?![.\d])", self.text)
        if not m:
            return
        adjustment = self.value("adjustment.amount")
        if adjustment is None or adjustment == 0:
            return
        numbers = {"declared": "0", "adjustment": _fmt(adjustment)}
        initial = self.value("income.appropriation.budget") or self.value("expenditure.total.budget")
        message = f"文中称预算调整率为零，但同时写明年中调整 {_fmt(adjustment)} 万元"
        if initial:
            computed = _round(adjustment * 100 / initial, 2)
            numbers.update(initial_budget=_fmt(initial), computed=_fmt(computed))
            message += f"（{_fmt(adjustment)} ÷ {_fmt(initial)} = {_fmt(computed)}%）"
        self.add("text.claim", "error", m.start(), message, numbers, path="adjustment.declared_rate")

    def adjustment_rate(self) -> None:
        """The mid-year adjustment rate the figures give, when the report states no rate of its own."""
        amount = self.value("adjustment.amount")
        initial = self.value("expenditure.total.budget") or self.value("income.appropriation.budget")
        if amount is None or not initial or self.value("adjustment.declared_rate") is not None:
            return
        rate = _round(amount * 100 / initial, 2)
        self.add("form.adjustment_rate", "note", self.pos_of("adjustment.amount"),
                 f"按文中数字，年中预算调整率为 {_fmt(amount)} ÷ {_fmt(initial)} = {_fmt(rate)}%",
                 {"adjustment": _fmt(amount), "initial_budget": _fmt(initial), "computed": _fmt(rate)}, "adjustment.amount")

    def placeholders(self) -> None:
        cut_blocks: dict[int, bool] = {}
        for m in re.finditer(r"X{2,}|×{2,}|…{2,}|\*{2,}|＊{2,}|某某", self.text):
            block = self.doc.block_at(m.start())
            if block.index not in cut_blocks:
                cut_blocks[block.index] = bool(re.search(r"截断|摘录", block.text))
            follow = self.text[m.end():m.end() + 16]
            # An editor's mark of a cut ("……（摘录在此截断）") is not template text.
            if re.match(r"[（(”\"]?[^）)\n]{0,12}截断", follow) or cut_blocks[block.index]:
                continue
            self.add("text.placeholder", "verify", m.start(), f"文中留有模板占位文字「{m.group(0)}」")

    def typos(self) -> None:
        for m in re.finditer(r"年未(?=结余|结转|余额|实有|在职|人数|\d|[”\"])|结余未(?=\d)", self.text):
            meant = "年末" if m.group(0) == "年未" else "结余为"
            self.add("text.typo", "note", m.start(), f"「{m.group(0)}」疑为「{meant}」之误")

    # ----- cross-section rules ---------------------------------------------------------
    def breakdowns(self) -> None:
        for bd in self.extraction.breakdowns:
            self.check_items(bd)

    def check_items(self, bd: Breakdown) -> None:
        for col in bd.columns:
            suffix = f".{col}" if col else ""
            total = self.value(bd.total + suffix) if col else self.value(bd.total)
            if total is None or not isinstance(total, Decimal):
                continue
            values = [self.value(item + suffix) for item in bd.items]
            known = [v for v in values if v is not None]
            blanks = [item for item, v in zip(bd.items, values) if v is None]
            if not known:
                continue
            summed = sum(known, Decimal(0))
            label = COLUMN_LABELS.get(col, col)
            path = bd.total + suffix
            pos = self.pos_of(path)
            numbers = {"column": col or "total", "total": _fmt(total), "sum": _fmt(summed),
                       "difference": _fmt(total - summed), "items": str(len(bd.items)), "blank_items": str(len(blanks))}
            if not blanks or not bd.complete:
                diff = abs(total - summed)
                if diff == 0 or (not bd.complete and summed < total):
                    continue
                if diff <= TOLERANCE:
                    self.add("form.items", "note", pos, f"{bd.label}（{label}）{_fmt(total)} 与各项之和 {_fmt(summed)} 相差 "
                             f"{_fmt(diff)}，可能为四舍五入", numbers, path)
                else:
                    self.add("form.items", "error", pos, f"{bd.label}（{label}）{_fmt(total)} 不等于所列各项之和 "
                             f"{_fmt(summed)}（相差 {_fmt(total - summed)}）", numbers, path)
            elif summed > total + TOLERANCE:
                self.add("form.items", "error", pos, f"{bd.label}（{label}）{_fmt(total)} 小于已填各项之和 {_fmt(summed)}"
                         f"（另有 {len(blanks)} 项未填）", numbers, path)
            elif summed < total - TOLERANCE:
                self.add("form.items", "verify", pos, f"{bd.label}（{label}）{_fmt(total)} 比已填各项之和 {_fmt(summed)} 多 "
                         f"{_fmt(total - summed)}，另有 {len(blanks)} 项此列未填，请核对", numbers, path)

    def splits(self) -> None:
        """Totals against their split, for figures that were not stated in one sentence (those are text.sum)."""
        stated = {f.numbers.get("total") for _, _, f in self.findings if f.rule == "text.sum"}
        exp = "expenditure"
        checks = [
            (f"{exp}.total", [f"{exp}.basic", f"{exp}.project"], "支出合计", "基本支出 + 项目支出"),
            (f"{exp}.total", [f"{exp}.personnel", f"{exp}.public", f"{exp}.project"], "支出合计",
             "人员经费 + 公用经费 + 项目支出"),
            (f"{exp}.basic", [f"{exp}.personnel", f"{exp}.public"], "基本支出", "人员经费 + 公用经费"),
        ]
        for total_path, parts, label, parts_label in checks:
            if total_path == f"{exp}.total" and len(parts) == 3 and self.value(f"{exp}.basic") is not None:
                continue
            for col in ("previous", "budget", "adjusted", "actual"):
                total = self.value(f"{total_path}.{col}")
                values = [self.value(f"{p}.{col}") for p in parts]
                if total is None or any(v is None for v in values):
                    continue
                summed = sum(values, Decimal(0))
                diff = abs(total - summed)
                if diff == 0 or _fmt(total) in stated:
                    continue
                path = f"{total_path}.{col}"
                numbers = {"column": col, "total": _fmt(total), "sum": _fmt(summed), "difference": _fmt(total - summed)}
                severity = "note" if diff <= TOLERANCE else "error"
                self.add("form.split", severity, self.pos_of(path),
                         f"{label}（{COLUMN_LABELS[col]}）{_fmt(total)} 与{parts_label}之和 {_fmt(summed)} 相差 "
                         f"{_fmt(total - summed)}" + ("，可能为四舍五入" if severity == "note" else ""), numbers, path)

    def balance(self) -> None:
        spent = self.value("expenditure.total.actual")
        income_path = "income.total.actual" if self.value("income.total.actual") is not None else "income.appropriation.actual"
        income = self.value(income_path)
        if spent is None or income is None or spent <= income + TOLERANCE:
            return
        carry = self.value("income.carryover.actual") or self.value("income.carryover.budget")
        if carry is not None and income + carry >= spent - TOLERANCE:
            return
        if re.search(r"上年结转|年初结转|结转结余(?:资金)?(?:收入)?(?:为|：)?\d", self.text):
            return
        self.add("form.balance", "verify", self.pos_of("expenditure.total.actual"),
                 f"支出 {_fmt(spent)} 万元高于收入 {_fmt(income)} 万元（差 {_fmt(spent - income)}），文中未说明上年结转等来源",
                 {"expenditure": _fmt(spent), "income": _fmt(income), "difference": _fmt(spent - income)},
                 "expenditure.total.actual")

    def year_on_year(self) -> None:
        changes = self.data.get("stated_changes") or []
        rows = {"收入": "income.total", "财政拨款收入": "income.appropriation", "三公": "sangong.total",
                "支出": "expenditure.total", "项目支出": "expenditure.project", "公用经费": "public_funds.total"}
        derived: list[tuple[dict[str, Any], Decimal, int]] = []
        for i, ch in enumerate(changes):
            pos = self.extraction.positions.get(f"stated_changes[{i}]", len(self.text))
            current, change, pct = ch.get("current"), ch.get("change"), ch.get("percent")
            if current is None or change is None:
                continue
            previous = current - change
            derived.append((ch, previous, pos))
            numbers = {"current": _fmt(current), "change": _fmt(change), "previous": _fmt(previous)}
            if pct is not None and previous:
                computed = _round(change * 100 / previous, _places(pct))
                numbers.update(stated=_fmt(pct), computed=_fmt(computed))
                if computed != pct:
                    self.add("form.yoy", "error", pos,
                             f"「{ch['subject']}」同比变动 {_fmt(pct)}% 与所述金额不符：{_fmt(change)} ÷ {_fmt(previous)} "
                             f"= {_fmt(computed)}%", numbers, f"stated_changes[{i}]")
            row = next((p for key, p in rows.items() if ch["subject"].startswith(key) or ch["subject"].endswith(key)), None)
            stated_prev = self.value(f"{row}.previous") if row else None
            if stated_prev is not None and stated_prev != previous:
                numbers["previous_in_table"] = _fmt(stated_prev)
                self.add("form.yoy", "error", pos,
                         f"「{ch['subject']}」所述变动 {_fmt(change)} 万元推出上年为 {_fmt(previous)} 万元，"
                         f"表中上年决算数为 {_fmt(stated_prev)} 万元", numbers, f"stated_changes[{i}]")
        # A total and a part of it, both compared with the year before: what is left for the rest.
        for ch, prev_total, pos in derived:
            if not re.search(r"^(?:收入|总收入|收入合计|本年收入)$", ch["subject"]):
                continue
            for part, prev_part, _ in derived:
                if part is ch or not re.search(r"财政拨款", part["subject"]):
                    continue
                rest_prev = prev_total - prev_part
                rest_now = ch["current"] - part["current"]
                if rest_prev == rest_now:
                    continue
                self.add("form.yoy", "verify", pos,
                         f"按所述同比变动，上年收入 {_fmt(prev_total)} 万元中财政拨款以外的收入为 {_fmt(rest_prev)} 万元，"
                         f"本年为 {_fmt(rest_now)} 万元，文中未说明",
                         {"previous_total": _fmt(prev_total), "previous_part": _fmt(prev_part),
                          "previous_rest": _fmt(rest_prev), "current_rest": _fmt(rest_now)}, "stated_changes")

    def report_date(self) -> None:
        date = self.value("cover.report_date")
        if date is None or not self.year:
            return
        if (date.year, date.month, date.day) <= (self.year, 12, 30):
            self.add("form.report_date", "error", self.pos_of("cover.report_date"),
                     f"报告日期 {date.isoformat()} 早于评价年度 {self.year} 年末，全年支出尚未完成",
                     {"report_date": date.isoformat(), "year": str(self.year)}, "cover.report_date")

    def staffing(self) -> None:
        approved, actual = self.value("staffing.approved"), self.value("staffing.actual")
        if approved is None or actual is None or not approved or actual <= approved:
            return
        rate = _round(Decimal(actual) * 100 / Decimal(approved), 2)
        stated = self.value("staffing.stated_control_rate")
        numbers = {"approved": str(approved), "actual": str(actual), "computed_rate": _fmt(rate)}
        if stated is None:
            message = f"实有人数 {actual} 超过编制数 {approved}（控制率 {_fmt(rate)}%），控制率未填写，请核实"
        else:
            numbers["stated_rate"] = _fmt(stated)
            message = f"实有人数 {actual} 超过编制数 {approved}（控制率 {_fmt(rate)}%），请核实原因"
        self.add("form.staffing", "verify", self.pos_of("staffing.actual"), message, numbers, "staffing.actual")
        if stated is not None and _round(Decimal(actual) * 100 / Decimal(approved), _places(stated)) != stated:
            self.add("form.staffing", "error", self.pos_of("staffing.stated_control_rate"),
                     f"在职人员控制率 {_fmt(stated)}% 与 {actual} ÷ {approved} 不符", numbers, "staffing.stated_control_rate")

    def _rows(self) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for section in ("income", "expenditure", "sangong"):
            for key, row in (self.data.get(section) or {}).items():
                if isinstance(row, dict):
                    out.append((f"{section}.{key}", row))
        for key in ("procurement", "basic_budget_adjustment"):
            if isinstance(self.data.get(key), dict):
                out.append((key, self.data[key]))
        pf = self.data.get("public_funds") or {}
        if isinstance(pf.get("total"), dict):
            out.append(("public_funds.total", pf["total"]))
        for i, item in enumerate(pf.get("items") or []):
            out.append((f"public_funds.items[{i}]", item))
        for i, p in enumerate(self.data.get("projects") or []):
            if not p.get("managed_only"):
                out.append((f"projects[{i}]", p))
        return out

    def variance(self) -> None:
        rows = [(path, row) for path, row in self._rows() if row.get("budget") is not None and row.get("actual") is not None
                and not path.startswith("expenditure.total")]
        if len(rows) >= 4 and all(row["budget"] == row["actual"] for _, row in rows) and any(row["budget"] for _, row in rows):
            path = rows[0][0]
            self.add("form.no_variance", "verify", self.pos_of(path),
                     f"所列 {len(rows)} 行的本年决算数都等于本年预算数，没有任何执行差异，请核实决算数是否照抄预算",
                     {"rows": str(len(rows))}, path)
            return
        for path, row in rows:
            budget, actual = row["budget"], row["actual"]
            if row.get("previous") is None:
                continue  # not a form row (上年/本年 columns): a narrative budget may be before adjustment
            if not budget or (Decimal("0.5") * budget <= actual <= Decimal("1.5") * budget):
                continue
            rate = _round(actual * 100 / budget, 2)
            name = row.get("name") or label_of(path)
            self.add("form.variance", "verify", self.pos_of(f"{path}.actual"),
                     f"「{name}」本年决算数 {_fmt(actual)} 为预算数 {_fmt(budget)} 的 {_fmt(rate)}%，差异较大，请核实"
                     + (f"（上年决算数 {_fmt(row['previous'])}）" if row.get("previous") is not None else ""),
                     {"budget": _fmt(budget), "actual": _fmt(actual), "rate": _fmt(rate)}, f"{path}.actual")

    def fund_rates(self) -> None:
        for i, row in enumerate(self.data.get("self_funds") or []):
            stated = row.get("stated_rate")
            executed = row.get("executed")
            base = row.get("full_year") if row.get("full_year") is not None else row.get("initial")
            if stated is None or executed is None or not base:
                continue
            computed = _round(executed * 100 / base, _places(stated))
            if computed != stated:
                path = f"self_funds[{i}].stated_rate"
                self.add("form.rate", "error", self.pos_of(path),
                         f"自评表「{row['item']}」执行率 {_fmt(stated)}% 与 {_fmt(executed)} ÷ {_fmt(base)} = {_fmt(computed)}% 不符",
                         {"stated": _fmt(stated), "executed": _fmt(executed), "budget": _fmt(base),
                          "computed": _fmt(computed)}, path)

    def score_header(self) -> None:
        scores = self.data.get("self_scores") or []
        notes = self.data.get("annotations") or {}
        for i, row in enumerate(scores):
            note = notes.get(f"self_scores[{i}].weight") or {}
            if "得分" not in (note.get("as_written") or ""):
                continue
            children = [s for s in scores if s.get("parent") == row["part"]]
            if not children or any(c.get("weight") is None for c in children):
                continue
            weights = sum((c["weight"] for c in children), Decimal(0))
            known_scores = [c["score"] for c in children if c.get("score") is not None]
            if weights != row.get("weight") or len(known_scores) != len(children):
                continue
            scored = sum(known_scores, Decimal(0))
            if scored == weights:
                continue
            path = f"self_scores[{i}]"
            self.add("form.score_header", "verify", self.pos_of(f"{path}.weight"),
                     f"指标表中「{row['part']}」后的 {_fmt(row['weight'])} 标为得分，但等于下级分值之和 {_fmt(weights)}，"
                     f"而下级得分之和为 {_fmt(scored)}：此列实为分值",
                     {"stated": _fmt(row["weight"]), "children_weights": _fmt(weights), "children_scores": _fmt(scored)},
                     path)


def label_of(path: str) -> str:
    """The Chinese name of a field path, from the schema's titles (sangong.reception → 三公经费·公务接待费)."""
    from pydantic import BaseModel

    from perfeval.model.messages import inner_model as _inner_model
    from perfeval.model.schema import DepartmentYear

    from .partial import split_path

    model: Any = DepartmentYear
    names: list[str] = []
    for part in split_path(path):
        if isinstance(part, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        names.append(field.title or part)
        model = _inner_model(field.annotation)
    return "·".join(names) or path


def audit_document(doc: Document, year: int | None = None, extraction: Extraction | None = None) -> list[Finding]:
    """All findings of a normalized report, in text order."""
    return Auditor(doc, year, extraction).run()
