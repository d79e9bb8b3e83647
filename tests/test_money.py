from decimal import Decimal as D

import pytest

from perfeval.model.numbers import fmt_number, fmt_quantity, fmt_rate, fmt_wan, money_sum, rate, round_rate, to_decimal


def test_wan_keeps_source_precision() -> None:
    assert fmt_wan(D("1595.3")) == "1595.3万元"
    assert fmt_wan(D("655.0411")) == "655.0411万元"
    assert fmt_wan(D("0")) == "0万元"
    assert fmt_wan(D("9.60")) == "9.60万元"
    assert fmt_wan(D("2373.85"), unit=False) == "2373.85"
    assert fmt_wan(None) == "—"


def test_exact_sums_have_no_float_error() -> None:
    # 1339.41 + 255.88 = 1595.29 exactly (a float sum gives 1595.2900000000002)
    assert money_sum([D("1339.41"), D("255.88")]) == D("1595.29")
    assert money_sum([D("3433.269"), D("2994.6575")]) == D("6427.9265")
    assert money_sum([D("0.1")] * 3) == D("0.3")


def test_rates_round_half_up_to_two_decimals() -> None:
    # 855.52 / 2373.85 = 0.360393… → 36.04%
    assert fmt_rate(rate(D("855.52"), D("2373.85"))) == "36.04%"
    # 9.32 / 15.61 = 0.597053… → 59.71%
    assert fmt_rate(rate(D("9.32"), D("15.61"))) == "59.71%"
    # 53.91 / 90.91 = 0.593004… → 59.30% (trailing zero kept)
    assert fmt_rate(rate(D("53.91"), D("90.91"))) == "59.30%"
    # half-up, not banker's rounding: 0.125 → 0.13
    assert round_rate(D("0.125")) == D("0.13")
    assert round_rate(D("12.345")) == D("12.35")
    assert rate(D(1), D(0)) is None
    assert fmt_rate(None) == "—"


def test_to_decimal_never_goes_through_binary_float_text() -> None:
    assert to_decimal("655.0411") == D("655.0411")
    assert to_decimal(0.1) == D("0.1")
    assert to_decimal(7) == D(7)
    with pytest.raises(ValueError):
        to_decimal("12abc")
    with pytest.raises(TypeError):
        to_decimal(True)


def test_quantities() -> None:
    assert fmt_quantity(D(15), "件", ">=") == "≥15件"
    assert fmt_quantity(D(5), "%", "<=") == "≤5%"
    assert fmt_quantity(D(400), "篇", "多") == "400多篇"
    assert fmt_quantity(D(120), "人", "余") == "120余人"
    assert fmt_quantity(D("93.88"), "%") == "93.88%"
    assert fmt_number(D("-0")) == "0"
