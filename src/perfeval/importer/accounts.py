"""The money of the narrative: income, expenditure, 批复, 三公, carry-over and the mid-year adjustment.

Phrasings read: 收入 "财政拨款收入…其中：年初预算…年中调整…", "收入：…万元，同比上年度增加…"; 支出
"财政拨款支出…", "完成支出…其中：基本支出…；项目支出…", "共支出…。其中，基本支出…", 人员/公用/项目 as a
three-way split; 批复 "…批复…预算收入总数…"; 三公 clause by clause; 结转结余; "预算调整率为零".
"""

from __future__ import annotations

import re
from decimal import Decimal

from .extraction import MAX_LIST_ITEMS, TextReader
from .figures import Money
from .partial import get_path


class AccountsReader(TextReader):
    def _window(self, pos: int, size: int = 320) -> int:
        """End of the passage that follows a stated total: its breakdown, up to the next section."""
        end = min(len(self.text), pos + size)
        m = re.compile(r"\n(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d)|"
                       r"第[一二三四五六七八九十]|[^\n]{0,12}批复|[^\n]{0,6}三公|[^\n]{0,8}预算执行)").search(self.text, pos, end)
        return m.start() if m else end

    def income(self) -> None:
        span = self.sentence_with(r"财政拨款收入|本年收入合计|收入合计|总收入|收入总[额计]|(?<![^\n])(?:\d{1,2}、)?收入(?:情况)?：\d",
                                  avoid=(r"批复", r"预算收入", r"收入与支出"))
        if not span:
            return
        s, e = span
        sentence = self.text[s:e]
        total_label = r"本年收入合计|收入合计|总收入|收入总[额计]|(?<![^\n])(?:\d{1,2}、)?收入(?:情况)?："
        end = max(e, self._window(s))
        if re.search(total_label, sentence) and not re.search(r"财政拨款收入", sentence[:sentence.find("收入") + 2]):
            self.take("income.total.actual", r"本年收入合计|收入合计|总收入|收入总[额计]|收入(?:情况)?：", s, e)
            self.take("income.appropriation.actual", r"财政拨款收入|一般公共预算(?:财政)?拨款(?:收入)?", s, end)
        else:
            self.take("income.appropriation.actual", r"财政拨款收入", s, e)
        self.take("income.appropriation.budget", r"年初预算(?:拨款|数)?", s, e)
        self.take("income.carryover.actual", r"上年结转(?:结余)?(?:收入)?", s, e)
        pos = self.take("adjustment.amount", r"年中(?:调整|追加)(?:预算)?数?|预算调整数|追加预算|年中追加", s, e)
        if pos is not None:
            m = re.compile(r"(?:主要为|主要)?(用于[^。]{2,300})").search(self.text, pos, e)
            if m:
                self.set("adjustment.purpose", m.group(1).rstrip("；。"), m.start(1))

    _EXP_TOTAL = (r"财政拨款支出|本年支出合计|支出合计|总支出|支出总[额计]|共支出|完成支出|全年支出|支出决算总?[数额]|"
                  r"(?<![^\n])(?:\d{1,2}[、.．])?支出(?:情况)?：(?=\d)")

    def expenditure(self) -> None:
        span = self.sentence_with(self._EXP_TOTAL, avoid=(r"批复", r"收入与支出", r"预算支出", r"支出预算"))
        if span:
            s, e = span
            pos = self.take("expenditure.total.actual", self._EXP_TOTAL, s, e)
            start = pos if pos is not None else s
        else:
            s = e = start = -1
        # The breakdown: in the passage after the total, else in the sentence that names 基本支出 with its parts.
        if start >= 0:
            end = max(e, self._window(start))
        else:
            b = self.sentence_with(r"基本支出", r"人员经费|公用经费", avoid=(r"批复", r"预算数|预算为|年初预算"))
            if not b:
                b = self.sentence_with(r"人员经费", r"公用经费", r"项目支出", avoid=(r"批复",))
            if not b:
                return
            start, end = b[0], max(b[1], self._window(b[0]))
        self.take("expenditure.basic.actual", r"基本支出(?:情况)?(?:[：:])?(?:合计数?)?(?:为)?", start, end,
                  stop_at=r"人员经费|公用经费|其中")
        if not self.has("expenditure.basic.actual"):
            self.take("expenditure.basic.actual", r"基本支出", start, end, stop_at=r"人员经费|公用经费")
        self.take("expenditure.personnel.actual", r"人员经费(?:支出)?|工资福利支出", start, end)
        self.take("expenditure.public.actual", r"(?:日常)?公用经费(?:支出)?|商品和服务支出", start, end)
        self.take("expenditure.project.actual", r"项目支出", start, end)

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
            self.take("income.total.budget", r"预算收入(?:预算)?总[数额]|收入预算总[数额]", s, e)
            found = self.amount_after(r"财政预算拨款|一般公共预算拨款|财政拨款", s, e)
            if found:
                value, pos = found
                number = value.value if isinstance(value, Money) else value
                current = get_path(self.out.data, "income.appropriation.budget")
                if current is None:
                    self.set_money("income.appropriation.budget", value, pos)
                elif current != number:
                    self.annotate("income.appropriation.budget", note=f"批复财政预算拨款另记为 {number} 万元")
            self.take("income.special_account.budget", r"非税收入(?:拨款)?|财政专户", s, e, bare=True)
            self.take("income.other.budget", r"其他收入", s, e, bare=True)
        if span_out:
            s, e = span_out
            self.take("expenditure.total.budget", r"支出预算总[数额]|预算支出(?:预算)?总[数额]|支出总[数额]", s, e)
            self.take("expenditure.basic.budget", r"基本支出", s, e)
            self.take("expenditure.personnel.budget", r"人员经费", s, e)
            self.take("expenditure.public.budget", r"商品(?:和)?服务支出|公用经费", s, e)
            pos = self.take("expenditure.project.budget", r"项目支出", s, e)
            if pos is not None:
                m = re.compile(r"[\d.]+万元（([^）]{2,40})）").match(self.text, pos)
                if m:
                    self.set("approval.project_note", m.group(1), pos)

    _SANGONG_LABELS = {
        "overseas": ("因公出国（境）费", r"因公出国|出国（境）|出国经费|出国费"),
        "vehicle_purchase": ("公务用车购置费", r"公务用车购置(?!和|及)|公车购置|车辆购置"),
        "vehicle_operation": ("公务用车运行维护费", r"公务用?车运行维护|公车运行维护|公务用车运行"),
        "reception": ("公务接待费", r"公务接待"),
    }

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
                named = next((key for key, (_, label) in self._SANGONG_LABELS.items() if re.search(label, clause)), None)
                if named:
                    item = named
                elif "三公" in clause:
                    item = None
                if not amounts or column is None or self._SG_CHANGE.search(before_money):
                    continue
                path = f"sangong.{item or 'total'}.{column}"
                self.set_money(path, amounts[0], amounts[0].start)
        for column, cn in (("budget", "三公经费预算"), ("actual", "三公经费实际支出")):
            if not self.has(f"sangong.total.{column}"):
                continue
            for item, (label_cn, _) in self._SANGONG_LABELS.items():
                if not self.has(f"sangong.{item}.{column}"):
                    self.pending_notes[f"sangong.{item}.{column}"] = f"{cn}未提及{label_cn}（留空，不记为 0）"

    def carryover(self) -> None:
        self.take("carryover.fiscal", r"(?<!非)财政拨款结转(?:和)?结余(?:资金)?", bare=True)
        self.take("carryover.non_fiscal", r"非财政拨款结转(?:和)?(?:结余)?(?:资金)?", bare=True)

    def adjustment(self) -> None:
        if not self.has("adjustment.amount"):
            self.take("adjustment.amount", r"年中(?:调整|追加)(?:预算)?数?|预算调整数|(?:本年)?追加预算", window=20)
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
            reason = m.group(0).strip()
            self.out.data.setdefault("adjustment", {}).setdefault("exclusions", []).append({"reason": reason})
            self.record("adjustment.exclusions[0].reason", m.start())

    def execution(self) -> None:
        m = re.search(r"收支[^，。；]{0,6}(?:持平|平衡)", self.text)
        if m:
            self.set("execution.balance_statement", m.group(0), m.start())
