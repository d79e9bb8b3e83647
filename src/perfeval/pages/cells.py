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
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

from perfeval.model.numbers import fmt_rate, plain, round_rate, trimmed

#: Text a spreadsheet would read as a formula (OWASP: =, +, -, @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Pct:
    """A percentage (exact value; rounded half-up to two decimals when shown or written)."""

    value: Decimal | None
    signed: bool = False    # show "+3.50%" for a rise (year-on-year changes)


@dataclass(frozen=True)
class Delta:
    """A signed difference (e.g. score points year on year): shown with its sign, written as a number."""

    value: Decimal


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
    """Decimal, integer (numpy's too), percentage or difference; never a bool."""
    return isinstance(value, (Decimal, numbers.Integral, Pct, Delta)) and not isinstance(value, bool)


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
        return ("+" if value.value > 0 else "") + trimmed(value.value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def csv_cell(value: Any) -> str:
    """A cell as the CSV download holds it: numbers only in numeric cells, absent = empty."""
    if is_absent(value) or (isinstance(value, Pct) and value.value is None):
        return ""
    if isinstance(value, Pct):
        return plain(round_rate(value.value))  # type: ignore[arg-type]
    if isinstance(value, Delta):
        return plain(value.value)
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


def to_html(df: pd.DataFrame, links: dict[str, list[str]] | None = None) -> str:
    """Escaped HTML table (text from data is never interpreted); numbers are right-aligned.

    ``links`` maps a column to one href per row: those cells become links (href escaped too).
    """
    links = links or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for col, value in zip(df.columns, row):
            text = cell_text(value)
            cell = escape(text)
            if col in links and links[col][i]:
                cell = f'<a href="{escape(links[col][i], quote=True)}">{cell}</a>'
            if is_number(value):
                cells.append(f'<td class="pe-num">{cell}</td>')
            elif len(text) > 24:  # short cells (figures, names) stay on one line; long text wraps
                cells.append(f'<td class="pe-wrap">{cell}</td>')
            else:
                cells.append(f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="pe-scroll"><table class="pe-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with every cell as the reader sees it (text)."""
    return df.map(cell_text) if len(df) else df.astype(str)
