"""The one place where numbers and dates are parsed from text and formatted for people and files.

All amounts are ``decimal.Decimal`` in 万元 (ten-thousand yuan), kept with the
precision the source wrote them in (``Decimal("1595.3")`` stays ``1595.3``).
Rates are computed exactly and rounded half-up to two decimals only for display;
scores are rounded half-up to 0.01 (the convention of 自评表).

Parsing (used by the YAML schema, the Excel reader and the report importer):

- :func:`parse_amount` reads an amount written as text in a 万元 field when it is
  unambiguous (``1,234.5``, ``１２３４．５``, ``1234.5万元``) and refuses the rest
  with the reason (``1.234,5``, ``12,34``, ``1234.5元``, ``0.12亿元``);
- :func:`parse_number` reads a plain or thousands-grouped number without a unit;
- :func:`parse_date` is the one date policy: ``2025-05-30`` or ``2025年5月30日``;
  slash and dot forms (``2025/5/30``, ``30.5.2025``) are refused because their
  order differs between locales.

Formatting: :func:`plain` (exact text, never an exponent) for files and
``Finding.numbers``; :func:`trimmed` (no trailing zeros) for weights and
thresholds; :func:`fmt_wan`, :func:`fmt_rate`, :func:`fmt_score`,
:func:`fmt_number`, :func:`fmt_quantity` for reader text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: The most decimals a stated amount or measured value may have: 6 decimals of 万元 are 0.01 元 (one fen).
#: Finer values are typing errors, and a tiny denominator would make a rate too long to compute or show.
MAX_PLACES = 6


# --- conversion and arithmetic ------------------------------------------------------------------

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


def finite_decimal(value: object) -> object:
    """Validator helper: floats become exact Decimals; NaN and infinities are refused."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("必须是有限数值 (must be a finite number)")
        return to_decimal(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("必须是有限数值 (must be a finite number)")
    return value


def decimal_places(value: Decimal) -> int:
    """How many decimals a number states (trailing zeros not counted): 1.50 → 1, 1E-18 → 18, 1200 → 0.
    Computed from the digits, so that no arithmetic context limits it."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or not any(digits):
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def check_places(value: Decimal, kind: str = "数值") -> Decimal:
    """``value`` when it states at most :data:`MAX_PLACES` decimals, else ValueError (Chinese reason)."""
    places = decimal_places(value)
    if places > MAX_PLACES:
        exponent = value.as_tuple().exponent
        shown = format(value, "f") if isinstance(exponent, int) and abs(exponent) <= 30 else str(value)
        shown = shown if len(shown) <= 30 else shown[:27] + "..."
        why = f"（万元的 {MAX_PLACES} 位小数即 0.01 元）" if kind == "金额" else ""
        raise ValueError(f"{kind}「{shown}」有 {places} 位小数，最多 {MAX_PLACES} 位{why}，请检查数值或单位 "
                         f"(at most {MAX_PLACES} decimal places)")
    return value


def amount_places(value: Decimal) -> Decimal:
    """:func:`check_places` for an amount in 万元."""
    return check_places(value, "金额")


def not_a_flag(value: object) -> object:
    """Validator helper: ``true``/``false`` are not whole numbers (YAML would give 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError(f"不是有效整数，不能写 true 或 false (not an integer)，当前值 {str(value).lower()}")
    return value


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


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up to ``places`` decimals (reports round 0.005 up); any finite value, however large (the
    precision of the arithmetic context grows to hold its digits)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_rate(value: Decimal) -> Decimal:
    """Round a percentage half-up to two decimals (the reports' convention)."""
    return round_half_up(value, 2)


def round_score(value: Decimal) -> Decimal:
    """Round a score half-up to 0.01 (the convention of 自评表)."""
    return round_half_up(value, 2)


# --- parsing ------------------------------------------------------------------------------------

#: Thousands grouping as written in Chinese reports: 1,234.5 or 12,345,678 (groups of exactly three digits).
GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
#: A plain decimal number (an exponent is allowed: YAML and Excel may write one).
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WAN_SUFFIX = "万元"
_OTHER_UNITS = ("亿元", "千元", "百元", "元", "亿")


def _canonical(text: str) -> str:
    """NFKC (full-width digits and punctuation), no spaces, one kind of minus sign."""
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u3000", "").replace("\u00a0", "")
    return text.replace("−", "-").replace("－", "-")


def _digits(text: str, raw: str, kind: str, not_a_number: str) -> Decimal:
    """The exact Decimal of canonical number text (thousands grouped in threes allowed)."""
    if "," in text:
        if not GROUPED_NUMBER.fullmatch(text):
            raise ValueError(f"{kind}「{raw}」的逗号用法不明确（千分位应每三位一组，小数点用“.”），请只填数字 "
                             "(ambiguous separators)")
        text = text.replace(",", "")
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(not_a_number)
    return Decimal(text)


def parse_number(text: str) -> Decimal:
    """A number written as text without a unit: ``1234.5``, ``1,234.5``, ``１２３４．５``.

    Raises ValueError (Chinese reason) for anything else, e.g. ``1.234,5`` or ``12,34``.
    """
    return _digits(_canonical(text), text, "数值", f"「{text}」不是有效数值 (not a number)")


def parse_amount(text: str) -> Decimal:
    """An amount written as text in a 万元 field, when it is unambiguous.

    Accepted (the value keeps the exact digits written): full-width digits and
    punctuation (``１２３４．５``), thousands separators in groups of three
    (``1,234.5``), the unit ``万元`` (or ``万``) written after the number (``1234.5万元``).
    Rejected with the reason: a decimal comma or other separators (``1.234,5``,
    ``12,34``), another unit (``1234.5元``: convert to 万元 first), no number.
    """
    raw = text
    text = _canonical(text)
    if text.endswith(_WAN_SUFFIX):
        text = text[: -len(_WAN_SUFFIX)]
    elif text.endswith("万"):
        text = text[:-1]
    else:
        for unit in _OTHER_UNITS:
            if text.endswith(unit) and PLAIN_NUMBER.fullmatch(text[: -len(unit)].replace(",", "")):
                raise ValueError(f"金额「{raw}」的单位是{unit}，本字段单位为万元，请换算为万元后只填数字 "
                                 f"(unit {unit}: amounts are in 万元)")
    return _digits(text, raw, "金额", f"金额「{raw}」不是有效数值，请只填以万元计的数字 (not a number)")


_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DATE_FORMS = "YYYY-MM-DD（如 2025-05-30）或 2025年5月30日"


def parse_date(value: object) -> object:
    """The one date policy: ISO ``2025-05-30`` or the reports' ``2025年5月30日``.

    A ``date`` passes; a ``datetime`` at midnight (as Excel stores dates) becomes its date.
    Other text forms (``2025/5/30``, ``30.5.2025``) are refused with the accepted forms
    named: slash and dot orders differ between locales, so they are not guessed.
    A number is never a date (YAML reads ``deadline: 20250301`` or ``0`` as one, and a date type would take it
    as seconds since 1970): it is refused like any other form. Other non-text values are returned unchanged
    (the caller's type check names them).
    """
    if isinstance(value, (int, float, Decimal)):   # bool is an int
        shown = str(value).lower() if isinstance(value, bool) else value
        raise ValueError(f"日期「{shown}」格式不对，应写作 {DATE_FORMS}，不能只写数字 "
                         "(date must be YYYY-MM-DD or YYYY年M月D日, not a number)")
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(f"应为日期而非时间 (expected a date)，当前值 {value}")
        return value.date()
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    match = _CN_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"日期「{value}」不存在 (no such date)") from None
    raise ValueError(f"日期「{value}」格式不对，应写作 {DATE_FORMS} "
                     "(date must be YYYY-MM-DD or YYYY年M月D日)")


# --- formatting ---------------------------------------------------------------------------------

def plain(value: Decimal | int) -> str:
    """Exact decimal text as stored: never an exponent, ``-0`` shown as ``0`` (1595.30 stays ``1595.30``)."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if text.startswith("-") and value == 0:
        text = text[1:]
    return text


def trimmed(value: Decimal | int) -> str:
    """Without trailing zeros: 8 → ``8``, 3.20 → ``3.2``, 4.57 → ``4.57`` (weights, bounds, thresholds)."""
    text = plain(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "", "-") else text


def fmt_wan(amount: Decimal | None, unit: bool = True) -> str:
    """Format an amount in 万元 with the precision it carries: 1595.3 → ``1595.3万元``.

    No thousands separators (the reports write none); a negative sign is kept.
    """
    if amount is None:
        return "—"
    text = plain(amount)
    return f"{text}万元" if unit else text


def fmt_rate(value: Decimal | None, unit: bool = True) -> str:
    """Format a percentage with two decimals: 36.0373… → ``36.04%``."""
    if value is None:
        return "—"
    text = plain(round_rate(value))
    return f"{text}%" if unit else text


def fmt_score(value: Decimal | None) -> str:
    """A score or weight without trailing zeros: 8 → "8", 3.20 → "3.2", 4.57 → "4.57"; None → "—"."""
    if value is None:
        return "—"
    return trimmed(value)


def fmt_number(value: Decimal | int | None) -> str:
    """Format a count or measured value as written (no exponent, no separators)."""
    if value is None:
        return "—"
    return plain(value)


_RELATION_PREFIX = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "约": "约"}
_RELATION_SUFFIX = {"多": "多", "余": "余"}


def fmt_quantity(value: Decimal | int, unit: str = "", relation: str = "=") -> str:
    """Format a target or actual: ``≥15件``, ``400多篇``, ``≤5%``, ``120余人``."""
    number = fmt_number(value)
    return f"{_RELATION_PREFIX.get(relation, '')}{number}{_RELATION_SUFFIX.get(relation, '')}{unit}"


def quantity_words(value: Decimal | int, unit: str = "", relation: str = "=") -> str:
    """A target or actual in words, for sentences (no formula signs): ``不少于15件``, ``不高于5%``,
    ``400多篇``, ``120余人``."""
    number = fmt_number(value)
    if relation in _RELATION_SUFFIX:
        return f"{number}{_RELATION_SUFFIX[relation]}{unit}"
    percent = unit == "%"
    words = {">=": "不低于" if percent else "不少于", "<=": "不高于" if percent else "不多于",
             ">": "高于" if percent else "多于", "<": "低于" if percent else "少于", "约": "约"}
    return f"{words.get(relation, '')}{number}{unit}"
