"""Cell values both ways: what is written into a cell and how a cell is read back.

Precision of numbers (the decision of issue 7): amounts are stored as real
numeric cells, so analysts can sum and chart them, and the cell's number format
carries the exact number of decimal places the Decimal was written with
(``1595.3`` → format ``0.0``, ``655.0411`` → ``0.0000``, ``1700`` → ``0``).
On import a numeric cell is read at Excel's own precision (15 significant
digits, never the binary float's tail) and padded to the decimal places its
format shows, so what the analyst sees is what is recorded. Decimals that a
double cannot hold exactly (more than 15 significant digits, or a positive
exponent such as ``1E+2``) are stored as text cells (format ``@``) holding the
Decimal's exact text; text cells are always read exactly. Amount cells written as text accept the
spellings a YAML data file accepts (``1,731.57``, ``１７３１．５７``, ``1731.57万元``; see
:func:`perfeval.model.numbers.parse_amount`).

Formula injection (OWASP "CSV injection"): every text we write that a spreadsheet could take for a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) — and, so that the rule can
be undone exactly, every text starting with ``'`` — gets a leading ``'``; reading removes one leading
``'`` from text. Excel itself never stores the ``'`` typed before a value, so text typed by an analyst
reads as typed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment

from perfeval.excel.layout import AMOUNT_KINDS, NUMERIC_KINDS, RELATION_ALIASES, RELATIONS, Kind
from perfeval.model.formula import FORMULA_STARTS, QUOTE, neutralise, unneutralise  # noqa: F401 - re-exported
from perfeval.model.numbers import DATE_FORMS, parse_amount, parse_date, parse_number

#: Excel keeps 15 significant digits in a numeric cell.
EXCEL_DIGITS = 15
WRAP = Alignment(wrap_text=True, vertical="top")


class CellLike(Protocol):
    """What reading needs of a cell (an openpyxl cell, read-only or not)."""

    @property
    def value(self) -> Any: ...

    @property
    def data_type(self) -> str: ...

    @property
    def number_format(self) -> str: ...


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


def put(cell: Cell, value: Any, kind: Kind) -> None:
    """Write ``value`` into ``cell`` so that import reads back exactly the same value."""
    if kind == "date":
        cell.number_format = "yyyy-mm-dd"
    if kind == "relation" and value == "=":
        value = None  # blank means "=" (typing a lone "=" in Excel starts a formula)
    if value is None:
        if kind in ("text", "qunit"):
            cell.alignment = WRAP
        return
    if kind in NUMERIC_KINDS:
        put_decimal(cell, Decimal(value))
    elif kind == "date":
        cell.value = value
    elif kind == "bool":
        cell.value = "是" if value else "否"
    elif kind in ("int", "count", "year"):
        cell.value = int(value)
    else:
        put_text(cell, str(value))
        if kind in ("text", "qunit"):
            cell.alignment = WRAP


def put_text(cell: Cell, text: str) -> None:
    """A text cell (never a formula), neutralised against formula injection."""
    cell.value = neutralise(text)
    cell.data_type = "s"
    cell.number_format = "@"


def put_decimal(cell: Cell, value: Decimal) -> None:
    _, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent <= 0 and len(digits) <= EXCEL_DIGITS:
        places = -exponent
        # A decimal of at most 15 significant digits survives the trip through a
        # double exactly (read back at 15 digits); the format keeps its places.
        cell.value = int(value) if places == 0 else float(value)
        cell.number_format = "0" if places == 0 else "0." + "0" * places
    else:
        put_text(cell, str(value))



# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


class CellError(ValueError):
    """A cell whose content cannot be converted (message in Chinese)."""


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell value quoted briefly for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _format_places(number_format: str) -> tuple[int, bool]:
    """(decimal places a number format forces, whether it is a percentage)."""
    section = (number_format or "General").split(";")[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    match = re.search(r"\.([0#?]+)", section)
    return (match.group(1).count("0") if match else 0), "%" in section


def cell_decimal(value: Any, number_format: str = "General", *, amount: bool = False) -> Decimal:
    """Read a cell value as an exact Decimal (see the module docstring for the rule).

    Text is read exactly as written (an ``amount`` as a 万元 field reads it: ``1,731.57万元``); an int
    exactly; a float at Excel's 15 significant digits, padded to the decimal places its number format shows.
    """
    if isinstance(value, bool) or value is None:
        raise CellError(f"不是有效数值 (not a number)，当前值 {shown(value)}")
    if isinstance(value, str):
        try:
            return (parse_amount if amount else parse_number)(unneutralise(value))
        except ValueError as exc:
            raise CellError(str(exc)) from None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("必须是有限数值 (must be a finite number)")
        number = Decimal(format(value, f".{EXCEL_DIGITS}g"))
    else:
        raise CellError(f"不是有效数值 (not a number)，当前值 {shown(value)}")
    places, percent = _format_places(number_format)
    try:
        if percent:
            number = number.scaleb(2)
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent > 0:
            number = number.quantize(Decimal(1))
            exponent = 0
        if places > -exponent:
            number = number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise CellError(f"数值过大 (number too large)，当前值 {shown(value)}") from None
    return number


def _cell_int(value: Any) -> int:
    if isinstance(value, str):
        value = unneutralise(value)
    if isinstance(value, bool):
        raise CellError(f"不是有效整数 (not an integer)，当前值 {shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise CellError(f"不是有效整数 (not an integer)，当前值 {shown(value)}")


def cell_date(value: Any) -> dt.date:
    """A date cell: an Excel date, or text in the one accepted form (see :func:`parse_date`)."""
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise CellError(str(exc)) from None
    if isinstance(parsed, dt.date):
        return parsed
    raise CellError(f"不是有效日期，请填写 {DATE_FORMS} (not a valid date)，当前值 {shown(value)}")


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return unneutralise(value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, bool):
        raise CellError(f"应为文本 (expected text)，当前值 {shown(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(cell_decimal(value), "f")
    raise CellError(f"应为文本 (expected text)，当前值 {shown(value)}")


def _cell_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "true", "yes", "y", "1"):
        return True
    if text in ("否", "false", "no", "n", "0"):
        return False
    raise CellError(f"应填写“是”或“否” (expected 是 or 否)，当前值 {shown(value)}")


def _cell_choice(value: Any, choices: Sequence[str], aliases: dict[str, str] | None = None) -> str:
    text = str(value).strip()
    text = (aliases or {}).get(text, text)
    if text not in choices:
        raise CellError(f"取值应为 {' '.join(choices)} 之一 (value not allowed)，当前值 {shown(value)}")
    return text


def convert_cell(cell: CellLike, kind: Kind, choices: Sequence[str] = ()) -> Any:
    """The Python value of a non-formula cell for a field of ``kind`` (None when blank)."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and len(value) > 1
                                 and cell.data_type != "s"):
        raise CellError("单元格含公式，请改为直接填写数值或文本 (formulas are not read; paste values)")
    if blank(value):
        return None
    if kind in NUMERIC_KINDS:
        number = cell_decimal(value, cell.number_format, amount=kind in AMOUNT_KINDS)
        if kind in ("wan", "nonneg") and number < 0:
            raise CellError(f"不能为负数 (must not be negative)，当前值 {format(number, 'f')}")
        return number
    if kind in ("int", "count", "year"):
        return _cell_int(value)
    if kind == "date":
        return cell_date(value)
    if kind == "bool":
        return _cell_bool(value)
    if kind == "choice":
        return _cell_choice(value, choices)
    if kind == "relation":
        return _cell_choice(value, RELATIONS, RELATION_ALIASES)
    text = _cell_text(value)
    return text if text.strip() else None
