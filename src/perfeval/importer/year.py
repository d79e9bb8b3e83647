"""The evaluation year of a report, from the report's own statement of its 年度.

Where a report says which year it evaluates, in order of strength:

0. a cover line labelled by the forms registry's spelling of the year ("评价年度：2024", "报告年度：2023年度");
1. its title ("2023年度…自评报告", "…2024年部门整体支出绩效自评报告", a table's title
   "2023年度预算单位整体支出绩效评价基础数据表");
2. year-labelled column headers ("2022年决算数 | 2023年预算数 | 2023年决算数": the 预算数 year,
   else the latest 决算数 year);
3. statements of a year's budget or accounts in the body ("2021年部门决算收支完成情况",
   "2024年度财政拨款收入…"), when one year is stated more often than any other.

Never from a date (a publication date, a cover's 报告日期, "截至2024年12月31日", a deadline),
from a line that gives such a date, or from a running page header (a line repeated on every
page). When none of these tells the year, :func:`report_year` returns None and the caller asks
for ``--year``. A stated year is returned as stated (1800–2999), even when no data file may hold it
(a title "2101年度…" is a slip the caller names and asks ``--year`` for, never a reason to take another
year from the body).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from perfeval.model import forms

from .normalize import Document

_TITLE = re.compile(r"(?:绩效(?:自评|评价)|自评|评价)(?:总结)?报告|绩效自评|基础数据表|自评表|绩效评价表|指标表")
_TITLE_YEAR = re.compile(r"(?<![\d.])((?:1[89]|2\d)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_HEADER_YEAR = re.compile(r"(?<![\d.])((?:1[89]|2\d)\d{2})年(?:度)?(预算数|决算数|执行数|实际数|预算|决算)")
_BODY_YEAR = re.compile(
    r"(?<![\d.])((?:1[89]|2\d)\d{2})年(?:度(?!\d)|(?=(?:我局|我单位|本单位|本部门|我部门|部门)?(?:整体支出|部门决算|决算|预算|收支|财政拨款|"
    r"共支出|完成支出|支出|收入|三公|年初|项目支出|基本支出|部门整体|绩效)))")
#: Lines that give dates of the document itself, not the year it evaluates.
_DATE_LINE = re.compile(r"报告日期|报告期|报告时间|发布|印发|填报日期|打印|成文|日期[：:]|编制日期")


@dataclass(frozen=True)
class YearFinding:
    year: int
    pos: int          # where in the normalized text it is stated
    how: str          # "cover", "title", "header" or "body"


def _page_headers(doc: Document) -> set[str]:
    counts = Counter(b.text for b in doc.blocks if len(b.text) <= 40)
    return {text for text, n in counts.items() if n >= 3 and re.search(r"\d{4}", text)}


def report_year(doc: Document) -> YearFinding | None:
    """The year the report evaluates, as the report states it (None when it cannot be told)."""
    repeated = _page_headers(doc)
    labels = "|".join(map(re.escape, sorted(forms.entry("year").spellings(), key=len, reverse=True)))
    cover = re.compile(rf"\s*(?:{labels})\s*[：:]\s*((?:19|20)\d{{2}})\s*(?:年度?)?\s*$")
    for b in doc.blocks[:40]:
        m = cover.match(b.text)
        if m:
            return YearFinding(int(m.group(1)), b.start + m.start(1), "cover")
    titles: list[YearFinding] = []
    for b in doc.blocks[:40]:
        if b.text in repeated or _DATE_LINE.search(b.text) or len(b.text) > 80:
            continue
        if _TITLE.search(b.text):
            m = _TITLE_YEAR.search(b.text)
            if m:
                titles.append(YearFinding(int(m.group(1)), b.start + m.start(1), "title"))
    if titles:
        return titles[0]
    budget_years: list[tuple[int, int]] = []
    final_years: list[tuple[int, int]] = []
    for m in _HEADER_YEAR.finditer(doc.text):
        block = doc.block_at(m.start())
        if block.text in repeated or _DATE_LINE.search(block.text):
            continue
        (budget_years if m.group(2).startswith("预算") else final_years).append((int(m.group(1)), m.start(1)))
    headers = budget_years or final_years
    if headers:
        year = max(y for y, _ in headers) if not budget_years else Counter(y for y, _ in budget_years).most_common(1)[0][0]
        pos = next(p for y, p in headers if y == year)
        return YearFinding(year, pos, "header")
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for m in _BODY_YEAR.finditer(doc.text):
        block = doc.block_at(m.start())
        if block.text in repeated or _DATE_LINE.search(block.text):
            continue
        year = int(m.group(1))
        counts[year] += 1
        first.setdefault(year, m.start(1))
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return YearFinding(ranked[0][0], first[ranked[0][0]], "body")
    return None
