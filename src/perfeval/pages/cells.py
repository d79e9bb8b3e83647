"""Table cells: what a reader sees and what a CSV download holds, from one typed value.

Page tables are pandas DataFrames whose cells are typed:

- ``str``: text (from the data or ours), shown as is; in CSV a text that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is neutralised with a leading ``'`` (OWASP CSV injection);
- ``Decimal`` / ``int``: an exact number (amounts in 万元 with the precision the source wrote, scores,
  counts), shown and written as written;
- :class:`Pct`: a percentage, shown ``58.90%`` (two decimals, half-up); in CSV the number ``58.90``
  under a header that carries the unit (``控制率（%）``);
- :class:`Delta`: a signed difference (score points), shown ``+1.2`` / ``-3.45``, written as the number;
- :class:`Absent` (or ``None``): no value, shown with its label (``未列示``, ``—``); an empty CSV cell.

So numeric CSV columns hold numbers only, and the HTML table, the Word table and the CSV file are
three renderings of the same cells.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

from perfeval.model.numbers import fmt_rate, plain, round_rate, round_score

#: Text a spreadsheet would read as a formula (OWASP: =, +, -, @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Pct:
    """A percentage (exact value; rounded half-up to two decimals when shown or written)."""

    value: Decimal | None
    signed: bool = False    # show "+3.50%" for a rise (year-on-year changes)


@dataclass(frozen=True)
class Delta:
    """A signed difference of scores (points): shown with its sign and two decimals, written as the number."""

    value: Decimal


@dataclass(frozen=True)
class Score:
    """A score: shown and written with two decimals (84.23, 100.00), like :func:`score_text`."""

    value: Decimal


def score_text(value: Decimal | int) -> str:
    """A score in the pages' one style: two decimals, half-up (19.2 → ``19.20``, 100 → ``100.00``)."""
    return plain(round_score(Decimal(value)))


def score_or(value: Decimal | int | None, label: str = "—") -> "Score | Absent":
    """A score cell, or an absent cell with ``label``."""
    return Absent(label) if value is None else Score(Decimal(value))


@dataclass(frozen=True)
class Absent:
    """No value, with the word that says why (未列示, 未披露, 未填报, —)."""

    label: str = "—"


def pct(value: Decimal | None, signed: bool = False) -> Pct | Absent:
    """A percentage cell, or ``—`` when the rate is undefined (zero denominator)."""
    return Absent() if value is None else Pct(value, signed)


def number_or(value: Decimal | int | None, label: str = "—") -> Decimal | int | Absent:
    """An exact number, or an absent cell with ``label``."""
    return Absent(label) if value is None else value


def is_absent(value: Any) -> bool:
    return value is None or isinstance(value, Absent) or (isinstance(value, float) and value != value)


def is_number(value: Any) -> bool:
    """Decimal, integer (numpy's too), percentage, score or difference; never a bool."""
    return isinstance(value, (Decimal, numbers.Integral, Pct, Delta, Score)) and not isinstance(value, bool)


def cell_text(value: Any) -> str:
    """A cell as the reader sees it (HTML and Word)."""
    if isinstance(value, Absent):
        return value.label
    if is_absent(value):
        return "—"
    if isinstance(value, Pct):
        if value.value is None:
            return "—"
        text = fmt_rate(value.value)
        return "+" + text if value.signed and value.value > 0 else text
    if isinstance(value, Delta):
        return ("+" if value.value > 0 else "") + score_text(value.value)
    if isinstance(value, Score):
        return score_text(value.value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def csv_cell(value: Any) -> str:
    """A cell as the CSV download holds it: numbers only in numeric cells, absent = empty."""
    if is_absent(value) or (isinstance(value, Pct) and value.value is None):
        return ""
    if isinstance(value, Pct):
        return plain(round_rate(value.value))  # type: ignore[arg-type]
    if isinstance(value, (Delta, Score)):
        return score_text(value.value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return neutralise(str(value))


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading ``'`` (shown, never evaluated)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header(df: pd.DataFrame) -> list[str]:
    """Column names for the CSV: a percentage column says its unit, e.g. ``预算执行率（%）``."""
    out = []
    for col in df.columns:
        name = str(col)
        if "%" not in name and any(isinstance(v, Pct) for v in df[col]):
            name += "（%）"
        out.append(neutralise(name))
    return out


def to_csv(df: pd.DataFrame) -> str:
    """The table as CSV text (CRLF line ends, minimal quoting); the BOM is added when the file is written."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_header(df))
    for row in df.itertuples(index=False):
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def csv_bytes(text: str) -> bytes:
    """CSV text as a file: UTF-8 with BOM, so Excel opens Chinese text correctly."""
    return ("\ufeff" + text).encode("utf-8")


# --- layout: one column plan for the page and the Word file ----------------------------------------

#: Width budget of a table in character cells (CJK characters; Latin letters and digits count 0.55):
#: the article column at 1280 px (688 px of 0.88em text), an A4 page in print (8.5 pt) and the Word
#: text width (15.6 cm of 小五) all hold about this many.
WIDTH_BUDGET = 46.0
#: Padding and borders of a cell, in character cells.
CELL_PAD = 0.9
#: A text column longer than this (in character cells) wraps; a shorter one is a short column.
SHORT_TEXT = 12.0


def text_units(text: str) -> float:
    """Width of a text in character cells: CJK and full-width characters 1, others about half."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in text)


@dataclass(frozen=True)
class Column:
    """How one column is laid out: its kind and its share of the table width (the shares sum to 1).

    ``num``: numbers, right-aligned, never wrapped; ``short``: short text (names, labels), may wrap to a
    few characters; ``text``: long text (explanations, measures), wraps and takes what is left.
    """

    name: str
    kind: str
    share: float


def _header_units(name: str) -> float:
    # A header wraps: it needs about half its length, at least 2 and at most 4 characters.
    units = text_units(name)
    return units if units <= 4 else max(4.0, min(units / 2, 6.0))


def column_layout(df: pd.DataFrame, budget: float = WIDTH_BUDGET) -> list[Column]:
    """The column plan of a table: numbers get the width they need, short text its length (it wraps
    to two or three lines when space is short), long text shares what remains; the whole fits
    ``budget`` character cells whenever the numbers allow it."""
    kinds, desired, minimum = [], [], []
    for col in df.columns:
        values = list(df[col])
        texts = [cell_text(v) for v in values]
        longest = max([text_units(t) for t in texts] or [0.0])
        head = _header_units(str(col))
        present = [v for v in values if not is_absent(v)]
        if present and all(is_number(v) for v in present):
            kind, want = "num", max(longest, head)
            least = max(longest, min(head, 3.0))          # a number never wraps
        elif longest <= SHORT_TEXT:
            kind, want = "short", max(longest, head)
            least = max(min(want, 4.0), want / 3)          # two or three lines at most
        elif all(ord(c) < 0x2E80 for t in texts for c in t):
            # Latin text only (a finding's id): a short column; it wraps anywhere, as every cell may.
            kind, want = "short", max(SHORT_TEXT, head)
            least = max(min(want, 4.0), want / 3)
        else:
            # Long text wants room by how much it holds (its average cell), not by its longest cell.
            filled = [text_units(t) for t in texts if t]
            kind, want = "text", max(min(sum(filled) / len(filled) * 1.5, 30.0), head, 6.0)
            least = max(head, 6.0)
        kinds.append(kind)
        desired.append(want + CELL_PAD)
        minimum.append(least + CELL_PAD)
    if sum(desired) > budget:
        # Scale every column by one ratio, none below its minimum: the ratio that makes the table fit.
        low, high = 0.0, 1.0
        for _ in range(40):
            mid = (low + high) / 2
            if sum(max(m, d * mid) for d, m in zip(desired, minimum)) > budget:
                high = mid
            else:
                low = mid
        desired = [max(m, d * low) for d, m in zip(desired, minimum)]
    total = sum(desired)
    return [Column(str(c), k, d / total) for c, k, d in zip(df.columns, kinds, desired)]


_NUMBER_TEXT = re.compile(r"^[+\-−]?\d+(?:\.(\d+))?%?$")
FIGURE_SPACE, PUNCTUATION_SPACE = "\u2007", "\u2008"


def _decimals(text: str) -> int:
    m = _NUMBER_TEXT.match(text)
    return len(m.group(1)) if m and m.group(1) else 0


def _decimal_pad(have: int, column: int) -> str:
    """Blank space of the width of the missing decimals (figure spaces, and a punctuation space for the
    point), so right-aligned numbers of a column line up on their decimal point: 1700 / 655.0411."""
    if have >= column:
        return ""
    return (PUNCTUATION_SPACE if have == 0 else "") + FIGURE_SPACE * (column - have)


def to_html(df: pd.DataFrame, links: dict[str, list[Any]] | None = None, caption: str = "") -> str:
    """Escaped HTML table (text from data is never interpreted).

    The table carries its column plan (:func:`column_layout`) as a ``colgroup`` and a class per cell
    kind (``pe-num``, ``pe-short``, ``pe-text``), so the style sheet can fit it to the text column and,
    on a phone, scroll it with the first column fixed. Cells are separated by line breaks, so the text
    Sphinx indexes and the search snippets keep cell boundaries. ``links`` maps a column to one href per
    row: those cells become links (href escaped too); an (href, reference[, class]) tuple is a link to where the
    figure comes from, which print shows as its reference (``a.pe-src[data-ref]``).

    For assistive technology (WCAG 2.1, GB/T 37668): the ``caption`` is the table's ``<caption>`` (its text in
    a span, so that on a phone it wraps within the screen while the table scrolls), column headers are
    ``<th scope="col">``, and the box that scrolls on a phone is a named region that the keyboard can reach.
    """
    links = links or {}
    layout = column_layout(df)
    decimals = {col: max([_decimals(cell_text(v)) for v in df[col] if is_number(v)] or [0]) for col in df.columns}
    cols = "".join(f'<col class="pe-col-{c.kind}" style="width: {c.share * 100:.2f}%">' for c in layout)
    head = "\n".join(f'<th class="pe-{c.kind}" scope="col">{escape(c.name)}</th>' for c in layout)
    body = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for c, col, value in zip(layout, df.columns, row):
            text = cell_text(value)
            cell = escape(text)
            if is_number(value):
                cell += _decimal_pad(_decimals(text), decimals[col])
            if col in links and links[col][i]:
                href, ref, *kind = links[col][i] if isinstance(links[col][i], tuple) else (links[col][i], "")
                cite = f' class="{escape(" ".join(["pe-src", *kind]))}" data-ref="{escape(ref, quote=True)}"' if ref else ""
                cell = f'<a href="{escape(href, quote=True)}"{cite}>{cell}</a>'
            cls = "pe-num" if is_number(value) else "pe-absent" if is_absent(value) else f"pe-{c.kind}"
            cells.append(f'<td class="{cls}">{cell}</td>')
        body.append("<tr>\n" + "\n".join(cells) + "\n</tr>")
    n = len(layout)
    name = f' role="region" aria-label="{escape(caption)}"' if caption else ""
    title = f'<caption class="pe-caption"><span>{escape(caption)}</span></caption>' if caption else ""
    return (f'<div class="pe-scroll" tabindex="0"{name}><table class="pe-table pe-cols-{n}">{title}'
            f'<colgroup>{cols}</colgroup>'
            f'<thead><tr>\n{head}\n</tr></thead>\n<tbody>\n{chr(10).join(body)}\n</tbody></table></div>')


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with every cell as the reader sees it (text)."""
    return df.map(cell_text) if len(df) else df.astype(str)
