"""What the report states in words: management, problems and measures, other notes, and the
year-on-year changes it states ("同比增加 X 万元，增长 Y%")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .extraction import MAX_LIST_ITEMS, TextReader, clause_start, month_end, split_numbered
from .figures import convert


class StatementReader(TextReader):
    def _statement(self, pattern: str) -> tuple[str, int] | None:
        head = self.heading(pattern)
        if not head:
            return None
        blocks = self.section_blocks(head)
        if not blocks:
            return None
        text = "".join(b.text for b in blocks)
        clauses = re.split(r"(?<=[，。；])", text)
        kept = "".join(c for c in clauses if not re.search(r"得分|扣分", c)).rstrip("，；")
        if kept and kept[-1] not in "。":
            kept += "。"
        return kept, blocks[0].start

    def management(self) -> None:
        for key, pattern in (("budget_management", r"预算管理情况"), ("asset_management", r"资产管理情况"),
                             ("outcome_statement", r"效果产出情况|产出效果情况")):
            found = self._statement(pattern)
            if found:
                self.set(f"management.{key}", found[0], found[1])
        found = self.amount_after(r"福彩公益金[^，。；]{0,8}?", window=20)
        if found:
            value, pos = found
            self.set_money("management.lottery_fund", value, pos)
        m = re.search(r"[^，。；\n]{0,80}50万元以上项目[^。\n]{0,200}", self.text)
        if m:
            statement = m.group(0)
            self.set("management.large_projects_statement", statement, m.start())
            if re.search(r"无50万元以上项目", statement):
                self.set("management.no_large_projects", True, m.start())
        m = re.search(r"厉行节约(?:保障)?措施[：:]([^\n]{2,300})", self.text)
        if m:
            self.set("management.thrift_measures", m.group(1).strip(), m.start(1))

    # ----- problems ----------------------------------------------------------------------
    def problems(self) -> None:
        p_head = None
        for b in self.doc.blocks:
            if (b.heading and re.search(r"存在的?(?:主要)?问题|主要问题", b.text)
                    and not re.search(r"改进|措施|建议|整改情况|整改落实|上年|上一年|以前年度", b.text)):
                p_head = b
        if p_head is None:
            return
        p_blocks = self.section_blocks(p_head)
        m_head = self.heading(r"改进措施|整改措施|改进意见|下一步|整改建议|措施及建议", after=p_head.index)
        m_blocks = self.section_blocks(m_head) if m_head else []
        p_text = "\n".join(b.text for b in p_blocks)
        m_text = "\n".join(b.text for b in m_blocks)
        p_items = [t for _, t in split_numbered(p_text)] or ([p_text] if p_text else [])
        m_items = [t for _, t in split_numbered(m_text)] or ([m_text] if m_text else [])
        problems: list[dict[str, Any]] = []
        for i, text in enumerate(p_items[:MAX_LIST_ITEMS]):
            text = text.replace("\n", "")
            entry: dict[str, Any] = {}
            pos = self.text.find(text[:20])
            cm = re.search(r"(?:原因是|原因分析|原因)[：]?", text)
            if cm:
                entry["problem"] = text[:cm.start()].strip()
                entry["cause"] = text[cm.end():].strip().rstrip("；")
                if pos >= 0:
                    self.record(f"problems[{i}].cause", pos + cm.end())
            else:
                entry["problem"] = text.strip().rstrip("；")
            self.record(f"problems[{i}].problem", pos if pos >= 0 else p_head.end)
            measure = m_items[i] if i < len(m_items) else (m_items[0] if len(m_items) == 1 else "")
            measure = measure.replace("\n", "")
            if measure:
                mpos = self.text.find(measure[:20])
                mm = re.search(r"整改措施[：]?(.*?)(?=整改责任人|责任人|整改完成时限|完成时限|$)", measure)
                entry["measures"] = (mm.group(1) if mm else re.split(r"整改责任人|责任人", measure)[0]).strip()
                self.record(f"problems[{i}].measures", mpos)
                rm = re.search(r"(?:整改)?责任人[：]?(.*?)(?=整改完成时限|完成时限|时限|[。；]|$)", measure)
                if rm and rm.group(1).strip():
                    entry["responsible"] = rm.group(1).strip()
                    self.record(f"problems[{i}].responsible", mpos + measure.find(rm.group(0)))
                else:
                    self.miss(f"problems[{i}].responsible", "整改责任人")
                dm = re.search(r"时限[：]?(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?", measure)
                if dm:
                    y, mo = int(dm.group(1)), int(dm.group(2))
                    try:
                        day = int(dm.group(3)) if dm.group(3) else month_end(y, mo)
                        entry["deadline"] = dt.date(y, mo, day)
                        self.record(f"problems[{i}].deadline", mpos + measure.find(dm.group(0)))
                    except ValueError:
                        self.out.notes.append(f"整改完成时限「{dm.group(0)}」不是有效日期，未填写")
                else:
                    self.miss(f"problems[{i}].deadline", "整改完成时限")
            else:
                self.miss(f"problems[{i}].measures", "整改措施")
            problems.append(entry)
        if problems:
            self.out.data["problems"] = problems

    def other_notes(self) -> None:
        head = self.heading(r"其他需要说明")
        blocks = self.section_blocks(head) if head else []
        if blocks:
            self.set("other_notes", "".join(b.text for b in blocks), blocks[0].start)

    # ----- stated year-on-year changes ---------------------------------------------------
    _CHANGE = re.compile(
        r"(?:同比|比上年度?|较上年度?|与上年(?:度)?相比|比去年|较去年|同比上年度?)[，]?(?P<dir>增加|减少|增长|下降|上升|降低|减)了?"
        r"(?:(?P<amount>\d{1,12}(?:\.\d+)?)(?P<unit>万元|元|亿元))?"
        r"(?:[，、]?(?:(?:增加|减少|增长|下降|上升|降低|增幅|降幅|幅度为?)了?)?(?P<pct>\d{1,4}(?:\.\d+)?)%)?")

    def stated_changes(self) -> None:
        changes: list[dict[str, Any]] = []
        for m in self._CHANGE.finditer(self.text):
            if len(changes) >= MAX_LIST_ITEMS:
                break
            if not m.group("amount") and not m.group("pct"):
                continue
            sign = -1 if m.group("dir") in ("减少", "下降", "降低", "减") else 1
            before = self.money_in(clause_start(self.text, m.start(), "。；\n", limit=80), m.start())
            current = before[-1] if before else None
            start = clause_start(self.text, current.start if current else m.start(), "，。；\n", limit=40)
            subject = self.text[start:current.start if current else m.start()]
            subject = re.sub(r"^(?:其中[：]?|\d{1,2}、|(?:19|20)\d{2}年度?|本年|全年|我局|我单位|本单位|部门)+", "", subject)
            subject = re.sub(r"[“”\"：:为共计]", "", subject).strip() or "金额"
            entry: dict[str, Any] = {"subject": subject[:40]}
            if current is not None:
                entry["current"] = current.value
            if m.group("amount"):
                entry["change"] = sign * convert(Decimal(m.group("amount")), m.group("unit"))
            if m.group("pct"):
                entry["percent"] = sign * Decimal(m.group("pct"))
            entry["as_written"] = self.text[current.start if current else m.start():m.end()]
            k = len(changes)
            changes.append(entry)
            self.out.sources[f"stated_changes[{k}]"] = self.source(m.start())
            self.out.positions[f"stated_changes[{k}]"] = m.start()
            for key, at in (("subject", start), ("current", current.start if current else None),
                            ("change", m.start("amount") if m.group("amount") else None),
                            ("percent", m.start("pct") if m.group("pct") else None),
                            ("as_written", current.start if current else m.start())):
                if at is not None and key in entry:
                    self.out.positions[f"stated_changes[{k}].{key}"] = at
        if changes:
            self.out.data["stated_changes"] = changes
