"""The value types of a record's fields: exact amounts in 万元, text without control characters, dates as written,
numbers, whole numbers that are not flags, strict flags and head counts (used by :mod:`perfeval.model.schema`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict

from perfeval.model.limits import CONTROL_CHARACTERS, MAX_AMOUNT, MAX_TEXT_CHARS
from perfeval.model.numbers import amount_places, check_places, finite_decimal, not_a_flag, parse_amount, parse_date


def _wan_in(value: object) -> object:
    if isinstance(value, str):
        return parse_amount(value)
    return finite_decimal(value)


def no_control_characters(value: str) -> str:
    """``value`` when it holds no :data:`CONTROL_CHARACTERS`, else ValueError naming the first (Chinese)."""
    found = CONTROL_CHARACTERS.search(value)
    if found:
        raise ValueError(f"文本含不可见的控制字符 U+{ord(found.group()):04X}（第 {found.start() + 1} 个字符），请删除 "
                         "(control character in text)")
    return value


#: A non-negative amount in 万元, exact, at most MAX_PLACES decimals (0.01 元). Text such as "1,234.5", "１２３４.５"
#: or "1234.5万元" is read when unambiguous (see :func:`perfeval.model.numbers.parse_amount`).
Wan = Annotated[Decimal, BeforeValidator(_wan_in), Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False),
                AfterValidator(amount_places)]
#: A signed amount in 万元 (a mid-year adjustment may be a cut).
SignedWan = Annotated[Decimal, BeforeValidator(_wan_in), Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False),
                      AfterValidator(amount_places)]
#: A text field: at most MAX_TEXT_CHARS characters, no control characters (see CONTROL_CHARACTERS).
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS), AfterValidator(no_control_characters)]
#: A calendar date (see :func:`perfeval.model.numbers.parse_date` for the accepted forms).
Date = Annotated[dt.date, BeforeValidator(parse_date)]
#: A measured value (count, percentage, …), exact.
Number = Annotated[Decimal, BeforeValidator(finite_decimal),
                   Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False), AfterValidator(check_places)]
#: A whole number (a year, a number, a level): ``true`` is not 1. Yes or no (Flag) is ``true`` or ``false``.
Integer = Annotated[int, BeforeValidator(not_a_flag)]
Flag = Annotated[bool, Strict()]
#: A head count (编制数, 实有人数).
Count = Annotated[Integer, Field(ge=0, le=10_000_000)]
