"""The money of the narrative: income, expenditure, 批复, 三公, carry-over and the mid-year adjustment.

Phrasings read: 收入 "财政拨款收入…其中：年初预算…年中调整…", "收入：…万元，同比上年度增加…"; 支出
"财政拨款支出…", "完成支出…其中：基本支出…；项目支出…", "共支出…。其中，基本支出…", 人员/公用/项目 as a
three-way split; 批复 "…批复…预算收入总数…"; 三公 clause by clause; 结转结余; "预算调整率为零".
"""

from __future__ import annotations

import re
from decimal import Decimal

from perfeval.model import forms

from .extraction import MAX_LIST_ITEMS, TextReader
from .figures import Money
from .labelled import column_pattern, label_pattern
from .partial import get_path

#: A sentence that states an amount.
_MONEY = r"\d(?:亿元|万元|元)"
#: The items of 三公经费 a sentence may name (公务用车购置和运行维护费 is read as its two parts).
_SANGONG_ITEMS = ("overseas", "vehicle_purchase", "vehicle_operation", "reception")


class AccountsReader(TextReader):
    def _window(self, pos: int, size: int = 320) -> int:
        """End of the passage that follows a stated total: its breakdown, up to the next section."""
        end = min(len(self.text), pos + size)
        m = re.compile(r"\n(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d)|"
                       r"第[一二三四五六七八九十]|[^\n]{0,12}批复|[^\n]{0,6}三公|[^\n]{0,8}预算执行)").search(self.text, pos, end)
        return m.start() if m else end

    def income(self) -> None:
        total, appropriation = label_pattern("income.total"), label_pattern("income.appropriation")
        span = self.sentence_with(f"{total}|{appropriation}", _MONEY, avoid=(r"批复", r"预算收入", r"收入与支出"))
        if not span:
            return
        s, e = span
        sentence = self.text[s:e]
        end = max(e, self._window(s))
        first_total, first_part = re.search(total, sentence), re.search(appropriation, sentence)
        if first_total and (first_part is None or first_total.start() < first_part.start()):
            self.take("income.total.actual", total, s, e)
            self.take("income.appropriation.actual", appropriation, s, end)
        else:
            self.take("income.appropriation.actual", appropriation, s, e)
        self.take("income.appropriation.budget", column_pattern("income.appropriation", "budget"), s, e)
        self.take("income.carryover.actual", label_pattern("income.carryover"), s, e)
        pos = self.take("adjustment.amount", label_pattern("adjustment.amount"), s, e)
        if pos is not None:
            m = re.compile(r"(?:主要为|主要)?(用于[^。]{2,300})").search(self.text, pos, e)
            if m:
                self.set("adjustment.purpose", m.group(1).rstrip("；。"), m.start(1))

    def expenditure(self) -> None:
        total = label_pattern("expenditure.total")
        basic, personnel = label_pattern("expenditure.basic"), label_pattern("expenditure.personnel")
        public, project = label_pattern("expenditure.public"), label_pattern("expenditure.project")
        span = self.sentence_with(total, _MONEY, avoid=(r"批复", r"收入与支出", r"预算支出", r"支出预算"))
        if span:
            s, e = span
            pos = self.take("expenditure.total.actual", total, s, e)
            start = pos if pos is not None else s
        else:
            s = e = start = -1
        # The breakdown: in the passage after the total, else in the sentence that names 基本支出 with its parts.
        if start >= 0:
            end = max(e, self._window(start))
        else:
            b = self.sentence_with(basic, f"{personnel}|{public}", avoid=(r"批复", r"预算数|预算为|年初预算"))
            if not b:
                b = self.sentence_with(personnel, public, project, avoid=(r"批复",))
            if not b:
                return
            start, end = b[0], max(b[1], self._window(b[0]))
        self.take("expenditure.basic.actual", basic + r"(?:情况)?(?:[：:])?(?:合计数?)?(?:为)?", start, end,
                  stop_at=f"{personnel}|{public}|其中")
        if not self.has("expenditure.basic.actual"):
            self.take("expenditure.basic.actual", basic, start, end, stop_at=f"{personnel}|{public}")
        self.take("expenditure.personnel.actual", personnel, start, end)
        self.take("expenditure.public.actual", public, start, end)
        self.take("expenditure.project.actual", project, start, end)

    def approved(self) -> None:
        span_in = self.sentence_with(r"批复", r"收入")
        span_out = self.sentence_with(r"批复", r"支出(?:预算)?总数|预算支出|支出预算")
        for span in (span_in, span_out):
            if span:
                m = re.compile(r"([省市县区]?财政(?:局|厅|部门|部))批复").search(self.text, *span)
                if m:
                    self.set("approval.approver", m.group(1), m.start())
                    break
        for span in (span_in, span_out):
            if span and self.year:
                m = re.compile(r"(?<![\d.])(\d{4})年度?批复").search(self.text, *span)
                if m and int(m.group(1)) != self.year:
                    self.set("approval.year_as_written", int(m.group(1)), m.start(),
                             f"文中批复年度为 {m.group(1)}，与评价年度 {self.year} 不同")
        if span_in:
            s, e = span_in
            self.take("income.total.budget", column_pattern("income.total", "budget"), s, e)
            found = self.amount_after(label_pattern("income.appropriation"), s, e)
            if found:
                value, pos = found
                number = value.value if isinstance(value, Money) else value
                current = get_path(self.out.data, "income.appropriation.budget")
                if current is None:
                    self.set_money("income.appropriation.budget", value, pos)
                elif current != number:
                    self.annotate("income.appropriation.budget", note=f"批复财政预算拨款另记为 {number} 万元")
            self.take("income.special_account.budget", label_pattern("income.special_account"), s, e, bare=True)
            self.take("income.other.budget", label_pattern("income.other"), s, e, bare=True)
        if span_out:
            s, e = span_out
            self.take("expenditure.total.budget", column_pattern("expenditure.total", "budget") + r"|支出总[数额]", s, e)
            for key in ("basic", "personnel", "public", "project"):
                pos = self.take(f"expenditure.{key}.budget", label_pattern(f"expenditure.{key}"), s, e)
            if pos is not None:
                m = re.compile(r"[\d.]+万元（([^）]{2,40})）").match(self.text, pos)
                if m:
                    self.set("approval.project_note", m.group(1), pos)

    _SG_BUDGET = re.compile(r"预算|批复|安排")
    _SG_ACTUAL = re.compile(r"实际|决算|执行|支出|总额|开支|使用")
    _SG_CHANGE = re.compile(r"比上年|较上年|同比|上年度?|增加|减少|增长|下降|节约|变动率|控制率|占")

    def sangong(self) -> None:
        """三公 figures of the narrative, clause by clause: each clause's column (预算/批复 → budget,
        实际/决算/执行/支出 → actual; else as the clause before) and item (公务接待 …; none named → the
        item of the clause before, or the total)."""
        sentences = 0
        for sent in self.doc.sentences:
            if "三公" not in sent.text or not self.money_in(sent.start, sent.end) or re.search(r"变动率|=", sent.text):
                continue
            sentences += 1
            if sentences > MAX_LIST_ITEMS:
                break
            column: str | None = None
            item: str | None = None
            pos = sent.start
            for clause in re.split(r"(?<=[，；：])", sent.text):
                start, pos = pos, pos + len(clause)
                before_money = clause
                amounts = self.money_in(start, pos)
                if amounts:
                    before_money = self.text[start:amounts[0].start]
                budget = bool(self._SG_BUDGET.search(before_money)) and not re.search(r"预算执行", before_money)
                actual = bool(self._SG_ACTUAL.search(before_money))
                if budget and not actual:
                    column = "budget"
                elif actual and not budget:
                    column = "actual"
                elif budget and actual:
                    # "预算执行数" / "实际支出…预算" : the word nearest the figure decides.
                    last_b = max(m.end() for m in self._SG_BUDGET.finditer(before_money))
                    last_a = max(m.end() for m in self._SG_ACTUAL.finditer(before_money))
                    column = "budget" if last_b > last_a else "actual"
                named = next((key for key in _SANGONG_ITEMS if re.search(label_pattern(f"sangong.{key}"), clause)), None)
                if named:
                    item = named
                elif "三公" in clause:
                    item = None
                whole = re.match(r"(?:其中)?(?:均为|全部为|全部是|全部用于|均用于|全部系|均系)", clause)
                if named and whole and column is not None and not amounts and self.has(f"sangong.total.{column}"):
                    # "三公经费支出1.80万元，…，均为公务接待费": the whole total is this item's.
                    total = get_path(self.out.data, f"sangong.total.{column}")
                    self.set(f"sangong.{named}.{column}", total, start + whole.end(), "文中称三公经费均为此项")
                    self.annotate(f"sangong.{named}.{column}", note=f"文中称三公经费均为{forms.label(f'sangong.{named}')}")
                if not amounts or column is None or self._SG_CHANGE.search(before_money):
                    continue
                path = f"sangong.{item or 'total'}.{column}"
                self.set_money(path, amounts[0], amounts[0].start)
        for column, cn in (("budget", "三公经费预算"), ("actual", "三公经费实际支出")):
            if not self.has(f"sangong.total.{column}"):
                continue
            for item in _SANGONG_ITEMS:
                if not self.has(f"sangong.{item}.{column}"):
                    self.pending_notes[f"sangong.{item}.{column}"] = (f"{cn}未提及{forms.label(f'sangong.{item}')}"
                                                                      "（留空，不记为 0）")

    def carryover(self) -> None:
        self.take("carryover.fiscal", label_pattern("carryover.fiscal"), bare=True)
        self.take("carryover.non_fiscal", label_pattern("carryover.non_fiscal"), bare=True)

    def adjustment(self) -> None:
        if not self.has("adjustment.amount"):
            self.take("adjustment.amount", label_pattern("adjustment.amount"), window=20)
        m = re.compile(r"预算调整率(?:为|是|：)?(零|0(?:\.0+)?%?|\d{1,3}(?:\.\d+)?%)").search(self.text)
        if m:
            value = Decimal(0) if m.group(1) == "零" else Decimal(m.group(1).rstrip("%"))
            self.set("adjustment.declared_rate", value, m.start(1))
            sent = self.doc.sentence_at(m.start())
            s_text = sent.text
            cut = s_text.find("因")
            explanation = s_text[cut:] if 0 <= cut < m.start() - sent.start else s_text
            self.set("adjustment.explanation", explanation, m.start())
        if self.has("adjustment.amount"):
            pos = self.out.positions.get("adjustment.amount", 0)
            around = self.text[max(0, pos - 30):pos]
            m2 = re.compile(r"上年结转[、和及与]年中调整|上年结转[、和及与](?:年中)?追加").search(self.text)
            if m2 or "上年结转" in around:
                self.set("adjustment.carryover_mentioned", True, m2.start() if m2 else pos)
        m = re.compile(r"[^。；\n]{0,120}未[记计]入(?:预算)?调整(?:数|率)?[^。；\n]{0,60}[。；]?").search(self.text)
        if m:
            # The reason starts after the last colon, a date or a section title that a line break was lost
            # before ("…完成时限：2025年5月30日其他需要说明问题年中预算调整是由于…").
            head = m.group(0)[:m.group(0).find("未")]
            cut = max((c.end() for c in re.finditer(r"[：:]|\d{1,2}日|其他需要说明的?(?:问题|事项)", head)), default=0)
            reason = m.group(0)[cut:].strip()
            self.out.data.setdefault("adjustment", {}).setdefault("exclusions", []).append({"reason": reason})
            self.record("adjustment.exclusions[0].reason", m.start() + cut)

    def execution(self) -> None:
        m = re.search(r"收支[^，。；]{0,6}(?:持平|平衡)", self.text)
        if m:
            self.set("execution.balance_statement", m.group(0), m.start())
