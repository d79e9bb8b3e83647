"""Exact money and rate arithmetic and their Chinese display formats.

All amounts are ``decimal.Decimal`` in 万元 (ten-thousand yuan), kept with the
precision the source wrote them in (``Decimal("1595.3")`` stays ``1595.3``).
Rates are computed exactly and rounded half-up to two decimals only for display.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Convert an int, str or Decimal to Decimal without going through float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Floats only reach here from code, never from data files (the loader
        # reads YAML numbers as Decimal). repr() is the shortest exact text.
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    raise TypeError(f"not an amount: {value!r}")


def money_sum(values: "list[Decimal] | tuple[Decimal, ...]") -> Decimal:
    """Exact sum; the result keeps the finest precision among its terms."""
    total = Decimal(0)
    for v in values:
        total += v
    return total


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Exact percentage ``numerator / denominator × 100`` (None when the denominator is 0)."""
    if denominator == 0:
        return None
    return numerator * HUNDRED / denominator


def round_rate(value: Decimal) -> Decimal:
    """Round a percentage half-up to two decimals (the reports' convention)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_wan(amount: Decimal | None, unit: bool = True) -> str:
    """Format an amount in 万元 with the precision it carries: 1595.3 → ``1595.3万元``.

    No thousands separators (the reports write none); a negative sign is kept.
    """
    if amount is None:
        return "—"
    text = _plain(amount)
    return f"{text}万元" if unit else text


def fmt_rate(value: Decimal | None, unit: bool = True) -> str:
    """Format a percentage with two decimals: 36.0373… → ``36.04%``."""
    if value is None:
        return "—"
    text = f"{round_rate(value):f}"
    return f"{text}%" if unit else text


def fmt_number(value: Decimal | int | None) -> str:
    """Format a count or measured value as written (no exponent, no separators)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return _plain(value)


def _plain(value: Decimal) -> str:
    # format(…, "f") never uses an exponent; normalise -0 to 0.
    text = format(value, "f")
    if text.startswith("-") and value == 0:
        text = text[1:]
    return text


_RELATION_PREFIX = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "约": "约"}
_RELATION_SUFFIX = {"多": "多", "余": "余"}


def fmt_quantity(value: Decimal | int, unit: str = "", relation: str = "=") -> str:
    """Format a target or actual: ``≥15件``, ``400多篇``, ``≤5%``, ``120余人``."""
    number = fmt_number(value)
    return f"{_RELATION_PREFIX.get(relation, '')}{number}{_RELATION_SUFFIX.get(relation, '')}{unit}"
