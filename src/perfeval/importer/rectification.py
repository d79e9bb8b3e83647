"""How last year's problems were rectified, as a report states it (上年问题整改情况 → ``rectification``).

Reports of Hunan and Guangdong give it a section of its own ("五、上年度绩效评价发现问题整改情况",
"四、上年度绩效自评及重点评价发现问题的整改情况", "整改落实情况"), with one item per problem: "（一）预算编制不够
精准的问题。……已整改到位。", "问题1：…。整改情况：正在整改，…", "1.针对“资产登记不及时”的问题，…暂未整改。".
Each item gives an entry of the record's ``rectification`` list:

- ``problem``: the problem as the item names it (its quoted words, the words before 的问题 / 问题, the text after a
  问题： label, else its first sentence);
- ``number``: only when the item says which of last year's problems it is (问题2, 第2个问题); an item's own list
  numbering is not last year's;
- ``status``: from the item's first words of status: 已整改 (已整改, 整改到位, 已完成整改, 整改完毕 …), 整改中
  (正在整改, 持续整改, 未整改到位, 基本整改到位, 部分整改 …), 未整改 (尚未整改, 暂未整改 …); none: not stated (未说明);
- ``description``: what the item says was done, as written;
- ``completed``: the date an item rectified says it was done by (a month alone is that month's last day, its
  spelling kept in ``annotations``).

A sentence that only says every problem was rectified ("上年度绩效评价发现的问题已全部整改到位") names no problem: no
entry is written, a note says so.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .extraction import MAX_LIST_ITEMS, TextReader, month_end

#: The heading of the section: last year's problems and their rectification.
_HEADING = re.compile(r"(?:上年|上一年|以前年度|往年|前期|上次|上轮)[^。；]{0,30}整改|整改(?:落实)?情况$")
#: A heading of another section (where the rectification section ends).
_OTHER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}[部章节])")
#: Item markers: （一） (1) 1. 1、 一是 问题1：
_ITEM = re.compile(r"(?:^|(?<=[\n。；]))[ \t]{0,4}(?:[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[)）]|\d{1,2}[.．、](?!\d)|"
                   r"[一二三四五六七八九十]{1,3}是|问题\s?\d{1,2}\s?[：:.．、])")
_STATUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("整改中", re.compile(r"正在整改|整改中|持续整改|逐步整改|推进整改|整改工作正在|未(?:完全|全部)?整改到位|尚未完成整改|"
                          r"未完成整改|部分整改|基本整改到位|基本完成整改|整改尚未完成")),
    ("未整改", re.compile(r"尚未整改|暂未整改|未能整改|没有整改|未进行整改|未整改")),
    ("已整改", re.compile(r"已整改|整改到位|已完成整改|完成了整改|整改完毕|已全部整改|全部整改完成|已落实整改|已经整改|"
                          r"已按要求整改|整改已完成|完成整改")),
)
_BLANKET = re.compile(r"(?:问题|事项)(?:均|已|都|全部)+(?:已|全部)?(?:整改|完成)")
_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日|(底|末))?")
_NUMBER = re.compile(r"(?:上年[^，。；]{0,12})?(?:第(\d{1,2})[个项条]问题|问题\s?(\d{1,2})(?=\s?[：:.．、]))")
_LABELLED = re.compile(r"^(?:存在的?问题|问题(?:描述)?|发现问题)[：:]")
_REPORTED = re.compile(r"(?:整改情况|整改结果|整改落实情况)[：:]")


def status_of(text: str) -> tuple[str, int] | None:
    """The status an item's words state, with where they stand; None when they state none."""
    found = [(m.start(), -len(m.group(0)), status) for status, pattern in _STATUS for m in pattern.finditer(text)]
    if not found:
        return None
    # The item's first statement decides ("已整改到位，下一步将持续整改" is rectified); of two that start together,
    # the longer ("未整改到位" is 整改中, not 未整改).
    pos, _, status = min(found)
    clause = text[max(text.rfind(c, 0, pos) for c in "，。；") + 1:pos]
    if status == "已整改" and re.search(r"将|计划|预计|争取|拟|力争", clause):
        status = "整改中"      # "计划于2025年6月前完成整改": a plan, not a result
    return status, pos


def _problem(item: str) -> tuple[str, int]:
    """The problem an item names and where its words start in the item."""
    m = _LABELLED.match(item)
    if m:
        end = _REPORTED.search(item, m.end())
        stop = end.start() if end else len(item)
        sentence = re.search(r"[。；]", item[m.end():stop])
        text = item[m.end():m.end() + sentence.start()] if sentence else item[m.end():stop]
        return text.strip("，。； "), m.end()
    m = re.search(r"[“\"]([^”\"]{2,80})[”\"](?:的)?问题", item)
    if m:
        return m.group(1), m.start(1)
    m = re.match(r"(?:关于|针对)?([^。；：:]{2,80}?)(?:的)?问题(?:[。；：:，]|$)", item)
    if m:
        return m.group(1).strip("，"), m.start(1)
    first = re.match(r"[^。；]{2,120}", item)
    return (first.group(0) if first else item[:120]).strip("，"), 0


class RectificationReader(TextReader):
    def rectification(self) -> None:
        """The ``rectification`` list from the section on last year's problems (see the module docstring)."""
        head = next((b for b in self.doc.blocks if (b.heading or len(b.text) <= 40) and not re.search(r"[。；]", b.text)
                     and _HEADING.search(re.sub(r"[：:]$", "", b.text))), None)
        if head is None:
            return
        blocks = []
        for b in self.doc.blocks[head.index + 1:]:
            if _OTHER.match(b.text) or (b.heading and re.search(r"存在的?(?:主要)?问题|改进措施|其他需要说明|评价结论", b.text)):
                break
            blocks.append(b)
        if not blocks:
            return
        start, end = blocks[0].start, blocks[-1].end
        body = self.text[start:end]
        marks = list(_ITEM.finditer(body))[:MAX_LIST_ITEMS]
        items = [(m.start(), marks[i + 1].start() if i + 1 < len(marks) else len(body)) for i, m in enumerate(marks)]
        if not items:
            if _BLANKET.search(body) and status_of(body):
                self.out.notes.append(f"原报告称上年问题已整改（「{body[:40]}」），未逐项列示，未填入整改情况")
            return
        entries: list[dict[str, Any]] = []
        for lo, hi in items:
            mark = _ITEM.match(body, lo)
            assert mark is not None
            at = start + mark.end()
            item = body[mark.end():hi].replace("\n", "").strip()
            entry = self._entry(item, at, len(entries), self.text[start + lo:start + mark.end()])
            if entry:
                entries.append(entry)
        if entries:
            self.out.data["rectification"] = entries

    def _entry(self, item: str, at: int, k: int, marker: str) -> dict[str, Any] | None:
        problem, p_at = _problem(item)
        if not problem:
            return None
        path = f"rectification[{k}]"
        entry: dict[str, Any] = {"problem": problem}
        self.record(f"{path}.problem", at + p_at)
        number = _NUMBER.search(marker + item[:p_at + len(problem) + 4])
        if number:
            entry["number"] = int(number.group(1) or number.group(2))
        rest_at = p_at + len(problem)
        rest = item[rest_at:].lstrip("”\"的问题。；：:，、 ")
        rest_at = len(item) - len(rest)
        reported = _REPORTED.search(rest)
        if reported:
            rest_at += reported.end()
            rest = rest[reported.end():]
        if rest:
            entry["description"] = rest
            self.record(f"{path}.description", at + rest_at)
        status = status_of(item[p_at + len(problem):])
        if status:
            entry["status"] = status[0]
            self.record(f"{path}.status", at + p_at + len(problem) + status[1])
        if status and status[0] == "已整改":
            self._completed(entry, item, at, path)
        return entry

    def _completed(self, entry: dict[str, Any], item: str, at: int, path: str) -> None:
        """The date an item rectified gives for it ("已于2024年6月30日整改到位", "2024年5月底前完成整改")."""
        for m in _DATE.finditer(item):
            if not re.search(r"整改|完成|到位|落实", item[m.end():m.end() + 12]):
                continue
            year, month = int(m.group(1)), int(m.group(2))
            try:
                day = dt.date(year, month, int(m.group(3)) if m.group(3) else month_end(year, month))
            except ValueError:
                self.out.notes.append(f"整改完成时间「{m.group(0)}」不是有效日期，未填写")
                return
            entry["completed"] = day
            self.record(f"{path}.completed", at + m.start())
            if not m.group(3):
                self.annotate(f"{path}.completed", as_written=m.group(0), note="原文只写到月，按当月最后一日记录")
            return


__all__ = ["RectificationReader", "status_of"]
