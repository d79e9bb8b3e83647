"""The draft under construction and the text-reading helpers every reader of a report shares.

:class:`Extraction` is the draft record (plain data) with where each field came from. :class:`TextReader` holds the
normalized text, its money mentions and rows, and the low-level operations the readers of
:mod:`perfeval.importer.extract` and :mod:`perfeval.importer.forms` use: find an amount after a label,
set a field once with its source sentence, annotate it, list what is missing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfeval.model import forms
from perfeval.model.numbers import parse_date

from .figures import Money, money_mentions
from .normalize import Block, Document, normalize_fragment
from .partial import get_path, set_path
from .tables import Row, parse_rows

#: Longest list read from one sentence (内设机构 …) and most goals/completions paired.
MAX_LIST_ITEMS = 200
MAX_GOALS = 100
#: How far back a clause boundary is looked for (keeps every search local: linear in the text).
LOOKBACK = 200


@dataclass
class Extraction:
    """A draft record (plain data) with where each field came from."""

    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)   # field path -> Chinese label
    notes: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field path -> offset in the normalized text
    year_source: str = ""                                    # how the year was told: title/header/body/option
    #: What the importer built from the report's text rather than read from a form of it (the draft's ``arranged``:
    #: ``indicators`` from goal and completion sentences, ``outputs`` from project paragraphs, ``self_scores`` from
    #: sentences stating scores), set by the reader that builds it.
    arranged: dict[str, bool] = field(default_factory=dict)


def bracket_depths(text: str) -> list[int]:
    """How deep in brackets each character of ``text`` is (（…） and (…))."""
    depth, out = 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
        out.append(depth)
        if ch in "）)":
            depth = max(0, depth - 1)
    return out


def clause_start(text: str, pos: int, chars: str = "，。；\n", limit: int = LOOKBACK, floor: int = 0) -> int:
    """Start of the clause that contains ``pos`` (looking back at most ``limit`` characters)."""
    lo = max(floor, pos - limit)
    best = lo - 1 if lo > floor else floor - 1
    for c in chars:
        i = text.rfind(c, lo, pos)
        if i > best:
            best = i
    return best + 1


def split_numbered(text: str) -> list[tuple[int, str]]:
    """Split ``1.xx 2.xx`` / ``1、xx`` / ``（1）xx`` runs, accepting only consecutive numbers."""
    marker = re.compile(r"(?:^|(?<=[\n。；]))[ \t]{0,4}(?:(?P<a>\d{1,2})[.．、](?!\d)|[（(](?P<b>\d{1,2})[)）])")
    items: list[tuple[int, int, int]] = []  # number, marker start, text start
    expected = 1
    for m in marker.finditer(text):
        n = int(m.group("a") or m.group("b"))
        if n == expected:
            items.append((n, m.start(), m.end()))
            expected += 1
            if len(items) >= MAX_LIST_ITEMS:
                break
    out: list[tuple[int, str]] = []
    for i, (n, _, begin) in enumerate(items):
        end = items[i + 1][1] if i + 1 < len(items) else len(text)
        out.append((n, text[begin:end].strip()))
    return out


def month_end(year: int, month: int) -> int:
    """The last day of a month (a date written to the month: "2024年6月底")."""
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def parse_report_date(text: str) -> dt.date | None:
    """The first date in ``text`` written in a form of the one date policy (``2025年5月30日`` or ``2025-05-30``,
    :func:`perfeval.model.numbers.parse_date`); a slash or dot form is not guessed, the field stays not found."""
    m = re.search(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}-\d{1,2}-\d{1,2}", text)
    if not m:
        return None
    try:
        date = parse_date(re.sub(r"\s+", "", m.group(0)))
    except ValueError:
        return None
    return date if isinstance(date, dt.date) else None


@functools.lru_cache(maxsize=1)
def _money_labels() -> re.Pattern[str]:
    """Every spelling of a money field of three characters or more (shorter ones, 收入 or 支出, are parts of others)."""
    spellings = {normalize_fragment(sp) for e in forms.entries(kind="money") for sp in e.spellings() if len(sp) >= 3}
    return re.compile("|".join(sorted(map(re.escape, spellings), key=len, reverse=True)))


def registry_entry(path: str) -> forms.FormEntry | None:
    """The forms registry's entry of a field path (``projects[2].actual`` → projects.actual; a money row's column
    ``income.total.actual`` → the row income.total)."""
    generic = re.sub(r"\[\d+\]", "", path)
    found = forms.find(generic)
    if found is None and "." in generic:
        row = forms.find(generic.rsplit(".", 1)[0])
        if row is not None and row.is_row:
            return row
    return found


def source_at(doc: Document, pos: int) -> str:
    """The original sentence at ``pos`` of ``doc.text``; for a table cell, its whole row (cells joined by " | ")."""
    block = doc.block_at(pos) if doc.blocks else None
    if block is not None and block.cell and block.start <= pos <= block.end:
        cells = [b.original for b in doc.blocks[max(0, block.index - 60):block.index + 60]
                 if b.cell and b.row == block.row]
        return " | ".join(cells)[:400]
    return doc.original_at(pos)


class TextReader:
    """A normalized report and the draft being filled from it."""

    def __init__(self, doc: Document, code: str | None = None, year: int | None = None,
                 unit_name: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.money = money_mentions(doc)
        self._money_starts = [m.start for m in self.money]
        self.rows: list[Row] = parse_rows(doc)
        self.out = Extraction()
        self.code = code
        self.year = year
        self.unit_name = unit_name
        self.pending_notes: dict[str, str] = {}
        self._pairs: list[tuple[str, str, int]] | None = None

    # ----- low-level helpers -------------------------------------------------------------
    def source(self, pos: int) -> str:
        """The original sentence at ``pos``; for a table cell, its whole row (cells joined by " | ")."""
        return source_at(self.doc, pos)

    def has(self, path: str) -> bool:
        return get_path(self.out.data, path) is not None

    def set(self, path: str, value: Any, pos: int | None, note: str = "", *, replace: bool = False,
            annotate: dict[str, Any] | None = None) -> bool:
        """Set a field (once: the first statement found wins unless ``replace``); record its source."""
        if value is None or (self.has(path) and not replace):
            return False
        set_path(self.out.data, path, value)
        if pos is not None:
            self.out.positions[path] = pos
            self.out.sources[path] = self.source(pos) + (f"  〔{note}〕" if note else "")
        if annotate:
            self.annotate(path, **annotate)
        return True

    def record(self, path: str, pos: int, note: str = "") -> None:
        """Where a value set directly in the draft comes from: its sentence (or table row) and its offset."""
        self.out.positions[path] = pos
        self.out.sources[path] = self.source(pos) + (f"  〔{note}〕" if note else "")

    def annotate(self, path: str, as_written: str | None = None, inferred: bool = False, note: str = "") -> None:
        notes = self.out.data.setdefault("annotations", {})
        entry: dict[str, Any] = dict(notes.get(path) or {})
        if as_written:
            entry["as_written"] = as_written
        if inferred:
            entry["inferred"] = True
        if note:
            entry["note"] = (entry["note"] + "；" + note) if entry.get("note") and note not in entry["note"] else note
        notes[path] = entry

    def set_money(self, path: str, value: Money | Decimal, pos: int, note: str = "", *, replace: bool = False) -> bool:
        """Set a money field from an amount (in 万元, converted when written in 元 or 亿元). A field the forms
        registry does not hold as money (a head count, a rate …) never takes an amount."""
        entry = registry_entry(path)
        if entry is not None and entry.kind != "money":
            self.out.notes.append(f"「{self.source(pos)[:40]}」中的金额不是{entry.label}（{entry.unit or entry.kind}），未填入")
            return False
        if isinstance(value, Money):
            annotate = None
            if value.slip:
                note = note or f"文中写作「{value.written}{value.unit}」，{value.evidence}，按万元记录"
                annotate = {"as_written": self.source(value.start),
                            "note": f"原文单位写作“{value.unit}”，{value.evidence}，按万元记录"}
            elif value.unit != "万元":
                note = note or f"文中写作「{value.written}{value.unit}」，已换算为万元"
                annotate = {"as_written": f"{value.written}{value.unit}",
                            "note": f"原文以{value.unit}计，已换算为万元"}
            return self.set(path, value.value, pos, note, replace=replace, annotate=annotate)
        return self.set(path, value, pos, note or "文中未注明单位，按万元记录", replace=replace)

    def miss(self, path: str, label: str) -> None:
        self.out.missing[path] = label

    def clause_end(self, pos: int, stops: str = "。；\n", limit: int = 60) -> int:
        end = min(len(self.text), pos + limit)
        best = end
        for c in stops:
            i = self.text.find(c, pos, end)
            if 0 <= i < best:
                best = i
        return best

    def money_in(self, start: int, end: int) -> list[Money]:
        lo = bisect.bisect_left(self._money_starts, start)
        hi = bisect.bisect_left(self._money_starts, end)
        return self.money[lo:hi]

    def amount_after(self, label: str, start: int = 0, end: int | None = None, window: int = 30,
                     bare: bool = False, stop_at: str | None = None, max_matches: int = 50,
                     own: str | None = None) -> tuple[Money | Decimal, int] | None:
        """First amount after ``label`` in [start, end), within the label's clause (with ``own``, a field path:
        not an amount another money field's spelling stands before)."""
        end = len(self.text) if end is None else end
        for count, m in enumerate(re.compile(label).finditer(self.text, start, end)):
            if count >= max_matches:
                break
            after = m.end()
            cell = re.compile(r"[：]?\n").match(self.text, after)
            if cell:
                after = cell.end()
            stop = min(self.clause_end(after, limit=window), end)
            if stop_at:
                other = re.compile(stop_at).search(self.text, after, stop)
                if other:
                    stop = other.start()
            found = self.money_in(after, stop)
            if bare:
                b = re.compile(r"[^\d，。；\n]{0,6}?(?<![\d.])(-?\d+(?:\.\d+)?)(?![\d.%A-Za-z])(?=[，。；）\n]|$)").match(
                    self.text, after, stop)
                if (b and not re.match(r"[年月日个人次件]", self.text[b.end(1):b.end(1) + 1])
                        and (not found or b.start(1) < found[0].start)):
                    return Decimal(b.group(1)), b.start(1)
            if found and own is not None and self._other_label(after, found[0].start, own):
                continue   # "收入情况：…财政拨款收入 3229.37": the figure is another field's
            if found:
                return found[0], found[0].start
        return None

    def _other_label(self, start: int, end: int, own: str) -> bool:
        """Whether another money field's spelling stands between a label and the figure after it."""
        row = own.rsplit(".", 1)[0] if own.endswith((".previous", ".budget", ".adjusted", ".actual")) else own
        entry = forms.find(re.sub(r"\[\d+\]", "", row))
        mine = {normalize_fragment(sp) for sp in entry.spellings()} if entry is not None else set()
        return any(m.group(0) not in mine for m in _money_labels().finditer(self.text, start, end))

    def take(self, path: str, label: str, start: int = 0, end: int | None = None, **kw: Any) -> int | None:
        """Set ``path`` from the first amount after ``label``; the position, or None when not found.

        For a current-year column (``.actual``), a figure its clause dates to the year before ("2022年…",
        "上年…") goes to ``.previous`` and the search goes on; one dated to another year is left out.
        """
        for _ in range(8):
            found = self.amount_after(label, start, end, own=path, **kw)
            if found is None:
                return None
            value, pos = found
            if not (path.endswith(".actual") and self.year):
                break
            clause = self.text[clause_start(self.text, pos, "，。；\n", limit=60):pos]
            clause = re.sub(r"上年(?:度)?(?:结转|结余)", "", clause)  # 上年结转 is this year's income
            years = [int(y) for y in re.findall(r"(?<![\d.])((?:19|20)\d{2})(?=年)", clause)]
            if years and years[-1] not in (self.year, self.year - 1):
                self.out.notes.append(f"「{clause}」所述为 {years[-1]} 年的数字，未作为本年数记录")
            elif re.search(r"上年|去年|上一年", clause) or (years and years[-1] == self.year - 1):
                self.set_money(path[: -len(".actual")] + ".previous", value, pos)
            else:
                break
            start = (value.end if isinstance(value, Money) else pos + 1)
        else:
            return None
        self.set_money(path, value, pos)
        return pos

    def sentence_with(self, *must: str, avoid: tuple[str, ...] = (), start: int = 0) -> tuple[int, int] | None:
        for s in self.doc.sentences:
            if s.start < start:
                continue
            if all(re.search(p, s.text) for p in must) and not any(re.search(p, s.text) for p in avoid):
                return s.start, s.end
        return None

    def heading(self, pattern: str, after: int = 0) -> Block | None:
        for b in self.doc.blocks:
            if b.index >= after and b.heading and re.search(pattern, b.text):
                return b
        return None

    def section_blocks(self, head: Block, stop: str | None = None) -> list[Block]:
        out: list[Block] = []
        for b in self.doc.blocks[head.index + 1:]:
            if b.heading or (stop and re.search(stop, b.text)):
                break
            out.append(b)
        return out

    _PAIR = re.compile(r"(?:^|(?<=[\n|]))[ \t]*(?P<label>[^\n|：:，。；]{2,24}?)[ \t]*[：:][ \t]*"
                       r"(?P<value>[^\n|：:；]{1,80}?)(?=[ \t]{2,}|[|\n]|$|[ \t]*[^\n|：:；，。]{2,12}[：:])")

    def pairs(self) -> list[tuple[str, str, int]]:
        """Every ``label：value`` of the text (a line may hold several: ``人员编制: 36   实有人数: 38``) and every
        label cell followed by its value cell, as (label, value, position of the value); read once."""
        if self._pairs is None:
            out: list[tuple[str, str, int]] = []
            for row in self.rows:
                if row.end - row.start > 400:
                    continue
                line = self.text[row.start:row.end]
                for m in self._PAIR.finditer(line):
                    out.append((m.group("label").strip(), m.group("value").strip(), row.start + m.start("value")))
                cells = line.split("\n")
                offset = row.start
                for i in range(len(cells) - 1):
                    label, value = cells[i].strip(), cells[i + 1].strip()
                    if label and value and not re.search(r"[：:。；，\d]", label) and len(label) <= 24:
                        out.append((label, value, offset + len(cells[i]) + 1))
                    offset += len(cells[i]) + 1
            self._pairs = out
        return self._pairs

    def cell_after(self, label: str) -> tuple[str, int] | None:
        m = re.compile(rf"(?:{label})[ \t]{{0,3}}[：]?[ \t]{{0,3}}\n([^\n]{{1,80}})").search(self.text)
        if m and not re.search(r"[。；]", m.group(1)) and len(m.group(1)) <= 60:
            return m.group(1).strip(), m.start(1)
        m = re.compile(rf"(?:{label})[：为是]([^，。；\n|]{{1,80}})").search(self.text)
        if m:
            return m.group(1).strip(), m.start(1)
        return None
