"""What every audit rule shares: the report, the figures read from it, and how a finding is added.

A rule adds a finding at a position of the normalized text (its ``source`` is the original sentence
there, its ``path`` the field read at that position unless given); at most :data:`MAX_PER_RULE` findings
of one rule are listed. Numbers in messages are written with :func:`fmt`.
"""

from __future__ import annotations

import bisect
from decimal import Decimal
from typing import Any

from perfeval.model.numbers import plain as fmt, round_half_up  # the one formatter and rounding (re-exported)
from perfeval.review import Finding
from .extract import extract
from .extraction import Extraction
from .figures import Money, money_mentions
from .normalize import Document
from .partial import get_path

TOLERANCE = Decimal("0.01")
#: At most this many findings of one rule are listed; the rest are counted in one note.
MAX_PER_RULE = 50
COLUMN_LABELS = {"previous": "上年决算数", "budget": "本年预算数", "adjusted": "调整后预算数", "actual": "本年决算数",
                 "": "金额"}


def decimal_places(stated: Decimal) -> int:
    """How many decimals a stated figure has (a recomputed rate is rounded as the report rounds)."""
    exponent = stated.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class AuditBase:
    """A report, the extraction read from it (its own when none is given) and the findings so far."""

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
        self.money_starts = [m.start for m in self.money]

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

    def money_between(self, start: int, end: int) -> list[Money]:
        """The money mentions that start in [start, end)."""
        starts = self.money_starts
        return self.money[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
