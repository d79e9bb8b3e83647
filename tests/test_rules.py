"""Rule shapes: hand-computed cases, boundaries, and properties."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.review import rules
from perfeval.review.rules import Band, Check

ADJUSTMENT_BANDS = (Band(D(0), D(8)), Band(D(10), D(6)), Band(D(20), D(4)), Band(D(30), D(2)))
PROJECT_BANDS = (Band(D(90), D(3)), Band(D(80), D(2)), Band(D(60), D(1)))


# --- proportional ------------------------------------------------------------------------------

def test_proportional_partial() -> None:
    # 76.11 / 100 × 6 = 4.5666
    assert rules.proportional(D("76.11"), D(100), D(6)) == D("4.5666")


def test_proportional_exactly_target_is_full() -> None:
    assert rules.proportional(D(100), D(100), D(6)) == D(6)


def test_proportional_over_achievement_capped() -> None:
    assert rules.proportional(D(153), D(100), D(6)) == D(6)


def test_proportional_exactly_90() -> None:
    # 90 / 100 × 10 = 9
    assert rules.proportional(D(90), D(100), D(10)) == D(9)


def test_proportional_zero_and_negative() -> None:
    assert rules.proportional(D(0), D(100), D(6)) == D(0)
    assert rules.proportional(D(-5), D(100), D(6)) == D(0)


def test_proportional_rejects_zero_target() -> None:
    with pytest.raises(ValueError):
        rules.proportional(D(5), D(0), D(6))


# --- reverse -----------------------------------------------------------------------------------

def test_reverse_below_target_full() -> None:
    assert rules.reverse(D("59.71"), D(100), D(3)) == D(3)


def test_reverse_exactly_target_full() -> None:
    assert rules.reverse(D(100), D(100), D(3)) == D(3)


def test_reverse_over_target() -> None:
    # 100 / 125 × 3 = 2.4
    assert rules.reverse(D(125), D(100), D(3)) == D("2.4")


def test_reverse_zero_actual_full() -> None:
    assert rules.reverse(D(0), D(100), D(3)) == D(3)


# --- deduction ---------------------------------------------------------------------------------

def test_deduction_within_threshold_full() -> None:
    assert rules.deduction(D("3.5"), D(5), D("0.4"), D(4)) == D(4)


def test_deduction_exactly_threshold_full() -> None:
    assert rules.deduction(D(5), D(5), D("0.4"), D(4)) == D(4)


def test_deduction_per_point() -> None:
    # 36.04 − 5 = 31.04 points over; 5 − 0.1 × 31.04 = 1.896
    assert rules.deduction(D("36.04"), D(5), D("0.1"), D(5)) == D("1.896")


def test_deduction_down_to_zero() -> None:
    # 100 − 0 = 100 points × 0.5 = 50 > 3
    assert rules.deduction(D(100), D(0), D("0.5"), D(3)) == D(0)


def test_deduction_under_direction() -> None:
    # "≥90% full, −0.5 per point under": 85 is 5 points under → 6 − 2.5 = 3.5
    assert rules.deduction(D(85), D(90), D("0.5"), D(6), "under") == D("3.5")
    assert rules.deduction(D(90), D(90), D("0.5"), D(6), "under") == D(6)


def test_points_beyond() -> None:
    assert rules.points_beyond(D("36.04"), D(5)) == D("31.04")
    assert rules.points_beyond(D(4), D(5)) == D(0)


# --- banded ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rate", "points"),
    [
        (D(0), D(8)),          # exactly 0 → full
        (D("0.01"), D(6)),
        (D(10), D(6)),         # exactly the threshold stays in the band
        (D("10.01"), D(4)),
        (D(20), D(4)),
        (D(30), D(2)),
        (D("30.01"), D(0)),
        (D("36.04"), D(0)),
    ],
)
def test_banded_at_most(rate: D, points: D) -> None:
    assert rules.banded(rate, ADJUSTMENT_BANDS, D(8)) == points


@pytest.mark.parametrize(
    ("rate", "points"),
    [(D(100), D(3)), (D(90), D(3)), (D("89.99"), D(2)), (D(80), D(2)), (D("76.11"), D(1)),
     (D(60), D(1)), (D("59.99"), D(0))],
)
def test_banded_at_least(rate: D, points: D) -> None:
    assert rules.banded(rate, PROJECT_BANDS, D(3), "at_least") == points


def test_banded_otherwise() -> None:
    assert rules.banded(D(50), ADJUSTMENT_BANDS, D(8), otherwise=D(1)) == D(1)


def test_band_points_reports_band() -> None:
    band, points = rules.band_points(D(15), ADJUSTMENT_BANDS)
    assert band == Band(D(20), D(4)) and points == D(4)
    assert rules.band_points(D(40), ADJUSTMENT_BANDS) == (None, D(0))


# --- qualitative -------------------------------------------------------------------------------

def test_qualitative_default_tiers() -> None:
    assert rules.qualitative("met", D(4)) == D(4)
    assert rules.qualitative("partly", D(4)) == D("3.2")     # 0.8 × 4
    assert rules.qualitative("not_met", D(4)) == D("2.4")    # 0.6 × 4


def test_qualitative_custom_fractions() -> None:
    assert rules.qualitative("not_met", D(6), {"not_met": D("0.5")}) == D(3)


def test_qualitative_unknown_tier() -> None:
    with pytest.raises(ValueError):
        rules.qualitative("maybe", D(4))  # type: ignore[arg-type]


def test_tier_of_boundaries() -> None:
    assert rules.tier_of(D(90), D(90), D(60)) == "met"
    assert rules.tier_of(D("89.99"), D(90), D(60)) == "partly"
    assert rules.tier_of(D(60), D(90), D(60)) == "partly"
    assert rules.tier_of(D(50), D(90), D(60)) == "not_met"


# --- checklist ---------------------------------------------------------------------------------

def test_checklist() -> None:
    items = [Check("措施", D(1), True), Check("责任人", D(1), False), Check("时限", D(1), True)]
    assert rules.checklist(items, D(3)) == D(2)
    assert rules.checklist([Check("制度", D(4), False)], D(4)) == D(0)


# --- rescale and cap ---------------------------------------------------------------------------

def test_rescale_drops_not_applicable() -> None:
    # 80.82 of the applicable 95 → 80.82 × 100 / 95 = 85.0736842…
    result = rules.rescale(D("80.82"), D(95))
    assert result == D("8082") / D("95")
    assert rules.round_score(result) == D("85.07")


def test_rescale_all_applicable_unchanged() -> None:
    assert rules.rescale(D("84.23"), D(100)) == D("84.23")


def test_rescale_nothing_applicable() -> None:
    assert rules.rescale(D(0), D(0)) == D(0)


def test_cap() -> None:
    assert rules.cap(D(9), D(8)) == D(8)
    assert rules.cap(D(-1), D(8)) == D(0)
    assert rules.cap(D("7.5"), D(8)) == D("7.5")


def test_round_score_half_up() -> None:
    assert rules.round_score(D("3.125")) == D("3.13")
    assert rules.round_score(D("4.5666")) == D("4.57")


# --- grade -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("total", "label"),
    [(D(100), "优"), (D(90), "优"), (D("89.99"), "良"), (D(80), "良"), (D("79.99"), "中"),
     (D(60), "中"), (D("59.99"), "差"), (D(0), "差")],
)
def test_grade_bands(total: D, label: str) -> None:
    assert rules.grade(total) == label


def test_grade_out_of_range() -> None:
    with pytest.raises(ValueError):
        rules.grade(D("100.01"))


# --- properties --------------------------------------------------------------------------------

weights = st.decimals(min_value=D("0.5"), max_value=D(50), places=2)
values = st.decimals(min_value=D(-50), max_value=D(500), places=4)
targets = st.decimals(min_value=D("0.01"), max_value=D(200), places=2)


def _within(score: D, weight: D) -> bool:
    return D(0) <= score <= weight


@settings(max_examples=200, deadline=None)
@given(actual=values, target=targets, weight=weights)
def test_property_proportional_reverse_bounded(actual: D, target: D, weight: D) -> None:
    assert _within(rules.proportional(actual, target, weight), weight)
    assert _within(rules.reverse(actual, target, weight), weight)


@settings(max_examples=200, deadline=None)
@given(actual=values, threshold=st.decimals(min_value=D(0), max_value=D(100), places=2),
       per_point=st.decimals(min_value=D("0.01"), max_value=D(5), places=2), weight=weights,
       direction=st.sampled_from(["over", "under"]))
def test_property_deduction_bounded(actual: D, threshold: D, per_point: D, weight: D, direction: str) -> None:
    assert _within(rules.deduction(actual, threshold, per_point, weight, direction), weight)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(actual=values, weight=weights, fractions=st.lists(st.decimals(min_value=D(0), max_value=D(1), places=2),
                                                         min_size=1, max_size=5),
       direction=st.sampled_from(["at_most", "at_least"]))
def test_property_banded_bounded(actual: D, weight: D, fractions: list[D], direction: str) -> None:
    bounds = sorted({D(i * 10) for i in range(len(fractions))}, reverse=(direction == "at_least"))
    bands = [Band(b, f * weight) for b, f in zip(bounds, fractions)]
    assert _within(rules.banded(actual, bands, weight, direction), weight)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(weight=weights, tier=st.sampled_from(list(rules.TIERS)),
       answers=st.lists(st.booleans(), min_size=1, max_size=6))
def test_property_qualitative_checklist_bounded(weight: D, tier: str, answers: list[bool]) -> None:
    assert _within(rules.qualitative(tier, weight), weight)  # type: ignore[arg-type]
    share = weight / len(answers)
    assert _within(rules.checklist([Check(str(i), share, a) for i, a in enumerate(answers)], weight), weight)


@settings(max_examples=300, deadline=None)
@given(total=st.decimals(min_value=D(0), max_value=D(100), places=2))
def test_property_grade_matches_band(total: D) -> None:
    label = rules.grade(total)
    expected = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    assert label == expected


@settings(max_examples=200, deadline=None)
@given(scores=st.lists(st.tuples(st.decimals(min_value=D(0), max_value=D(1), places=2), weights),
                       min_size=1, max_size=8))
def test_property_rescaled_total_within_0_100(scores: list[tuple[D, D]]) -> None:
    scored = sum((f * w for f, w in scores), D(0))
    weight = sum((w for _, w in scores), D(0))
    total = rules.rescale(scored, weight)
    assert D(0) <= total <= D(100) + D("1e-20")
    assert rules.grade(min(rules.round_score(total), D(100))) in ("优", "良", "中", "差")
