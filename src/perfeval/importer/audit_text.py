"""Text rules of the audit: what the sentences of a report get wrong on their own.

``text.unit``, ``text.unit_mixed``, ``text.year``, ``text.year_other``, ``text.sum``, ``text.score_sum``,
``text.rate``, ``text.share`` (and ``form.yoy_basis`` for a stated formula against the table's figures),
``text.placeholder``, ``text.date``, ``text.typo``: see :mod:`perfeval.importer.audit`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from decimal import Decimal

from perfeval.review import PLACEHOLDER

from .audit_base import TOLERANCE, AuditBase, decimal_places, fmt, round_half_up
from .extraction import bracket_depths
from .figures import YEAR, Money
from .scores import score_table

_CONNECTIVE = re.compile(r"^[，；]?(?:因|但|故|所以|主要|用于|此外|另外|同时|并)")
_BUDGET_CONTEXT = re.compile(r"^年度?(?:批复|部门预算|预算批复)")
_COMPARISON = re.compile(r"上年|上一年|去年|较|比|同比|变动|增减|增长|下降|对比|与")
_SENTENCE_COMPARISON = re.compile(r"上年|上一年|去年|同比|比上年|较上年|变动率|增减")
_COLUMN_HEADER = re.compile(r"^年度?(?:预算数|决算数|执行数|实际数|实际在职人数|完工项目|预算安排|决算编制数)")
#: A sentence that tells the unit's history (earlier years are its subject, not slips).
_HISTORY = re.compile(r"成立于|成立|更名|改称|改名|组建|始建|前身|沿革|升格|撤并|合并")
_NUM_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


class TextRules(AuditBase):
    def units(self) -> None:
        for m in self.money:
            if m.slip:
                self.add("text.unit", "error", m.start,
                         f"金额「{m.written}{m.unit}」的单位与其他数字不一致（{m.evidence}），应为 {m.written}万元",
                         {"written": f"{m.written}{m.unit}", "as_wan": fmt(m.value)})
        units = {m.unit for m in self.money}
        counts = {u: sum(1 for m in self.money if m.unit == u) for u in units}
        declared = len(re.findall(r"[（(]万元[)）]|单位[：:]万元", self.text[:200_000]))
        if declared:
            units.add("万元")  # tables headed "（万元）" or "单位：万元" count as figures in 万元
            counts["万元"] = counts.get("万元", 0) + declared
        in_yuan = list(re.finditer(r"[（(](?:单位[：:])?元[)）]|单位[：:]元(?![/每])", self.text[:200_000]))
        if in_yuan and "万元" in units:
            for m in in_yuan:
                self.add("text.unit_mixed", "note", m.start(), "此表以元为单位，文中其他金额以万元计（元与万元混用），"
                         "引用时请换算", {"written": "元", "main": "万元"})
        if len(units) > 1:
            main = max(units, key=lambda u: (counts[u], u == "万元"))
            for m in self.money:
                if m.slip or m.unit == main:
                    continue
                if m.unit == "亿元" or main == "亿元":
                    self.add("text.unit_mixed", "note", m.start,
                             f"金额「{m.written}{m.unit}」以亿元计，文中多数金额以{main}计（亿元与万元混用），折合 {fmt(m.value)} 万元",
                             {"written": f"{m.written}{m.unit}", "as_wan": fmt(m.value)})
                else:
                    self.add("text.unit_mixed", "verify", m.start,
                             f"金额「{m.written}{m.unit}」的单位与文中多数金额（{main}）不同，请核对是否笔误",
                             {"written": f"{m.written}{m.unit}", "as_wan": fmt(m.value)})

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
                self.add("text.year", "verify", m.start(),
                         f"文中「{y}{after[:4]}」的年度与评价年度 {self.year} 不一致",
                         {"written": str(y), "report_year": str(self.year)})
            elif y < self.year and not compared and not re.search(r"自|从|至|截至|以来", before + after[:3]) \
                    and not sentence_changes and not _HISTORY.search(sent.text):
                self.add("text.year_other", "note", m.start(),
                         f"文中出现 {y} 年（评价年度为 {self.year}），请确认是否笔误",
                         {"written": str(y), "report_year": str(self.year)})

    def sums(self) -> None:
        for s in self.doc.sentences:
            mentions = self.money_between(s.start, s.end)
            if len(mentions) < 2 or len(mentions) > 60:
                continue
            depth = bracket_depths(s.text)
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
        numbers = {"total": fmt(stated), "parts": " + ".join(fmt(m.value) for m in parts), "sum": fmt(summed),
                   "difference": fmt(stated - summed)}
        if diff <= TOLERANCE:
            self.add("text.sum", "note", total.start,
                     f"合计 {fmt(stated)} 万元与分项之和 {fmt(summed)} 万元相差 {fmt(diff)}，可能为四舍五入", numbers)
        else:
            self.add("text.sum", "error", total.start,
                     f"合计 {fmt(stated)} 万元不等于分项之和 {fmt(summed)} 万元（相差 {fmt(stated - summed)}）", numbers)

    def score_sums(self) -> None:
        table = score_table(self.doc)
        if not table or not table.total:
            return
        weight, score, pos = table.total
        w_sum = sum((r[1] for r in table.rows), Decimal(0))
        s_sum = sum((r[2] for r in table.rows), Decimal(0))
        if w_sum != weight:
            self.add("text.score_sum", "error", pos, f"得分表各项分值之和 {fmt(w_sum)} 不等于合计分值 {fmt(weight)}",
                     {"total": fmt(weight), "sum": fmt(w_sum)}, path="self_scores")
        if s_sum != score:
            self.add("text.score_sum", "error", pos, f"得分表各项得分之和 {fmt(s_sum)} 不等于合计得分 {fmt(score)}",
                     {"total": fmt(score), "sum": fmt(s_sum)}, path="self_scores")
        for part, w, sc, p in table.rows:
            if sc > w:
                self.add("text.score_sum", "error", p, f"「{part}」得分 {fmt(sc)} 超过分值 {fmt(w)}",
                         {"weight": fmt(w), "score": fmt(sc)}, path="self_scores")

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
                for mm in self.money_between(sent.start, sent.end)[:40]:
                    start = max(self.text.rfind(c, sent.start, mm.start) for c in "，；：、（") + 1
                    labelled.append((self.text[max(start, sent.start):mm.start], mm))
                nums = [mm for label, mm in labelled if re.search(kind[1], label)]
                dens = [mm for label, mm in labelled if re.search(kind[2], label) and not re.search(kind[1], label)]
                if not nums or not dens:
                    continue
                num, den = nums[-1].value, dens[-1].value
            if not den:
                continue
            computed = round_half_up(num * 100 / den, decimal_places(stated))
            if computed != stated:
                self.add("text.rate", "error", m.start(),
                         f"「{name}{fmt(stated)}%」与文中数字不符：{fmt(num)} ÷ {fmt(den)} = {fmt(computed)}%",
                         {"stated": fmt(stated), "numerator": fmt(num), "denominator": fmt(den),
                          "computed": fmt(computed)})

    #: "…，占支出合计的60%" / "占全年支出比重为9.1%": a share stated after a figure, of a named total.
    _SHARE = re.compile(r"占(?:本年|全年|当年)?(?P<base>[\u4e00-\u9fff“”\"]{2,12}?)(?:的)?(?:比重|比例)?(?:为|是|达)?"
                        r"(?P<p>\d{1,3}(?:\.\d{1,4})?)%")

    def shares(self) -> None:
        """A stated share ("基本支出60万元，占支出合计的60%"): the figure just before it over the amount the text gives
        for the named total (the last "<total>…N万元" before it); checked only when both are found."""
        for m in self._SHARE.finditer(self.text):
            base, stated = m.group("base").strip("“”\""), Decimal(m.group("p"))
            sent = self.doc.sentence_at(m.start())
            # Bounded work per share (a long line of shares stays linear): the figure just before it, and at
            # most 20 figures before that, within 400 characters.
            i = bisect.bisect_left(self.money_starts, m.start()) - 1
            if i < 0 or self.money[i].start < sent.start:
                continue
            part = self.money[i]
            if re.search(r"[，,；]", self.text[part.end:m.start()].rstrip("，, ")):
                continue   # the share does not follow its own figure directly
            total = None
            for mm in reversed(self.money[max(0, i - 20):i]):
                if mm.start < sent.start - 400:
                    break
                if re.search(re.escape(base) + r"[^，。；]{0,6}$", self.text[max(0, mm.start - 20):mm.start]):
                    total = mm
                    break
            if total is None or not total.value:
                continue
            computed = round_half_up(part.value * 100 / total.value, decimal_places(stated))
            if computed != stated:
                self.add("text.share", "error", m.start(),
                         f"「占{base}{fmt(stated)}%」与文中数字不符：{fmt(part.value)} ÷ {fmt(total.value)} = {fmt(computed)}%",
                         {"stated": fmt(stated), "part": fmt(part.value), "total": fmt(total.value),
                          "computed": fmt(computed)})

    _FORMULA = re.compile(r"(?P<name>[\u4e00-\u9fff“”\"]{0,12}率)?[=＝]?[（(](?P<a>\d{1,12}(?:\.\d+)?)-(?P<b>\d{1,12}(?:\.\d+)?)[)）]"
                          r"[÷/](?P<c>\d{1,12}(?:\.\d+)?)[=＝](?P<r>-?\d{1,5}(?:\.\d+)?)%")

    def formulas(self) -> None:
        """A stated computation "(A-B)÷C=R%": recomputed; against the table's own figures when it has them."""
        for m in self._FORMULA.finditer(self.text):
            a, b, c, r = (Decimal(m.group(k)) for k in "abcr")
            if not c:
                continue
            computed = round_half_up((a - b) * 100 / c, decimal_places(r))
            numbers = {"stated": fmt(r), "computed": fmt(computed)}
            if computed != r:
                self.add("text.rate", "error", m.start(), f"「({fmt(a)}-{fmt(b)})÷{fmt(c)}={fmt(r)}%」计算有误，应为 "
                         f"{fmt(computed)}%", numbers)
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
            on_actuals = round_half_up((actual - prev) * 100 / prev, 2)
            missing = "" if b == prev else f"上年数 {fmt(b)} 不见于基础数据表（上年决算数 {fmt(prev)}）；"
            self.add("form.yoy_basis", "verify", m.start(),
                     f"{row[1]}变动率按 {fmt(a)} 与 {fmt(b)} 计算为 {fmt(r)}%，{missing}"
                     f"按基础数据表决算数计算为 ({fmt(actual)} − {fmt(prev)}) ÷ {fmt(prev)} = {fmt(on_actuals)}%",
                     {"stated": fmt(r), "current_used": fmt(a), "previous_used": fmt(b), "previous_final": fmt(prev),
                      "actual": fmt(actual), "computed_on_finals": fmt(on_actuals)}, path=row[0])

    def placeholders(self) -> None:
        cut_blocks: dict[int, bool] = {}
        for m in PLACEHOLDER.finditer(self.text):
            block = self.doc.block_at(m.start())
            if block.index not in cut_blocks:
                cut_blocks[block.index] = bool(re.search(r"截断|摘录", block.text))
            follow = self.text[m.end():m.end() + 16]
            # An editor's mark of a cut ("……（摘录在此截断）") is not template text.
            if re.match(r"[（(”\"]?[^）)\n]{0,12}截断", follow) or cut_blocks[block.index]:
                continue
            self.add("text.placeholder", "error", m.start(), f"文中留有模板占位文字「{m.group(0)}」，应替换为实际内容",
                     {"placeholder": m.group(0)})

    def document_numbers(self) -> None:
        """A document number whose year is not in 六角括号 (徐财绩[2025]5号 for 徐财绩〔2025〕5号, GB/T 9704-2012)."""
        for m in re.finditer(r"[\u4e00-\u9fff]{1,8}[\[［(（【]\s?((?:19|20)\d{2})\s?[\]］)）】]\s?\d{1,4}\s?号", self.text):
            self.add("text.document_number", "note", m.start(),
                     f"文号「{m.group(0)}」的年份未用六角括号〔〕（公文格式为“{m.group(0)[:m.start(1) - m.start() - 1]}〔"
                     f"{m.group(1)}〕…号”），请核对", {"written": m.group(0)})

    def typos(self) -> None:
        for m in re.finditer(r"年未(?=结余|结转|余额|实有|在职|人数|\d|[”\"])|结余未(?=\d)", self.text):
            meant = "年末" if m.group(0) == "年未" else "结余为"
            self.add("text.typo", "note", m.start(), f"「{m.group(0)}」疑为「{meant}」之误")

    # ----- dates ----------------------------------------------------------------------------------
    _DATE = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
    _AS_OF = re.compile(r"(?:截至|截止(?:到|至)?|至)(?:(?P<y>(?:19|20)\d{2})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?|末|底))")

    def dates(self) -> None:
        """Dates that do not exist (2月30日), and a "截至" date of a year before the report year."""
        for m in self._DATE.finditer(self.text):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            try:
                dt.date(y, mo, d)
            except ValueError:
                self.add("text.date", "error", m.start(), f"日期「{m.group(0)}」不存在", {"date": m.group(0)})
        if not self.year:
            return
        for m in self._AS_OF.finditer(self.text):
            if m.group("y") is None or int(m.group("y")) >= self.year:
                continue
            self.add("text.date", "verify", m.start(),
                     f"「{m.group(0)}」早于评价年度{self.year}年，此处的数字所述为此前的状况，请核实是否为本年数",
                     {"date": m.group(0), "report_year": str(self.year)})

