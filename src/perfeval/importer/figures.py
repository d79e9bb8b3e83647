"""Figures in a normalized report text: money amounts (with unit slips), counts, years.

Shared by extraction and audit so that both read a figure the same way.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from .normalize import Document

UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}

#: A money amount: number + 元/万元/亿元, but not a rate such as "1600元/人/月".
MONEY = re.compile(r"(?<![\d.A-Za-z])(?P<num>-?\d+(?:\.\d+)?)(?P<unit>亿元|万元|元)(?![/\d])")

#: Counted quantities of goal indicators and project outputs.
COUNT_UNITS = ("人次", "块次", "户次", "件次", "人", "件", "次", "篇", "个", "处", "家", "名", "户", "场", "项",
               "所", "座", "张", "册", "份", "期", "批", "套", "台", "辆", "条", "起", "%")
RELATION_WORDS: dict[str, str] = {
    "不少于": ">=", "不低于": ">=", "至少": ">=", "大于等于": ">=", "不小于": ">=",
    "超过": ">", "高于": ">", "大于": ">",
    "小于等于": "<=", "不高于": "<=", "不超过": "<=", "不大于": "<=", "低于": "<", "小于": "<",
    "约": "约",
}
COUNT = re.compile(
    r"(?:(?P<rel>" + "|".join(sorted(RELATION_WORDS, key=len, reverse=True)) + r")(?P<gap>[^\d，。；、：\n]{0,3}?))?"
    r"(?<![\d.A-Za-z\-])(?P<num>\d+(?:\.\d+)?)(?P<suffix>余|多)?"
    r"(?P<unit>" + "|".join(COUNT_UNITS) + r")(?![A-Za-z])(?P<post>以上|以下|左右)?"
)
#: A rate in money per head, e.g. "1600元/人/月".
PER_HEAD = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?P<unit>元/(?:人|户|次)(?:/(?:月|年|天))?)")

#: Amounts of one paragraph compared pairwise when looking for a unit slip.
MAX_PEERS = 40

YEAR = re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?=年)")


@dataclass(frozen=True)
class Money:
    written: str          # the number as written (normalized digits)
    unit: str             # the unit as written
    start: int
    end: int
    value: Decimal        # in 万元, after a unit slip is corrected
    slip: bool            # the written unit contradicts the document's other figures
    evidence: str = ""    # why it was taken as a slip

    @property
    def number(self) -> Decimal:
        return Decimal(self.written)


def convert(number: Decimal, unit: str) -> Decimal:
    """Convert an amount to 万元 exactly (元 ÷ 10000, 亿元 × 10000)."""
    if unit == "万元":
        return number  # keep the precision as written (1480.50 stays 1480.50)
    value = number * UNIT_FACTORS[unit]
    return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))


def dominant_unit(doc: Document) -> str:
    units = Counter(m.group("unit") for m in MONEY.finditer(doc.text))
    return units.most_common(1)[0][0] if units else "万元"


def money_mentions(doc: Document) -> list[Money]:
    """All money amounts of the text, with unit slips detected.

    An amount whose unit differs from the dominant one is a slip when the same
    number is written elsewhere with the dominant unit, or when it equals the
    sum of two dominant-unit amounts of the same paragraph (then the number is
    taken in the dominant unit). Otherwise it is converted as written.
    """
    raw = [(m, Decimal(m.group("num"))) for m in MONEY.finditer(doc.text)]
    main = dominant_unit(doc)
    by_number: dict[Decimal, int] = Counter(n for m, n in raw if m.group("unit") == main)
    main_pos = [m.start() for m, _ in raw if m.group("unit") == main]
    main_val = [n for m, n in raw if m.group("unit") == main]
    out: list[Money] = []
    for m, number in raw:
        unit = m.group("unit")
        slip, evidence = False, ""
        if unit != main:
            if by_number.get(number):
                slip, evidence = True, f"同一数字在文中另写作 {m.group('num')}{main}"
            else:
                block = doc.block_at(m.start())
                lo, hi = bisect.bisect_left(main_pos, block.start), bisect.bisect_left(main_pos, block.end)
                peers = main_val[lo:min(hi, lo + MAX_PEERS)]
                seen: set[Decimal] = set()
                for a in peers:
                    if number - a in seen:
                        slip, evidence = True, f"等于同段 {number - a}{main} 与 {a}{main} 之和"
                        break
                    seen.add(a)
        value = convert(number, main if slip else unit)
        out.append(Money(m.group("num"), unit, m.start(), m.end(), value, slip, evidence))
    return out


def money_between(money: list[Money], start: int, end: int) -> list[Money]:
    """The amounts of ``money`` (sorted by position) that start in [start, end)."""
    starts = [m.start for m in money]
    return money[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
