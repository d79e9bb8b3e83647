"""The arithmetic of the scoring rule shapes: pure functions of exact numbers (Decimal).

Every rule returns a score in ``[0, weight]`` (over-achievement is capped at the
weight, nothing goes below zero). Rates are percentages (``Decimal("36.04")``
means 36.04%). Scores are exact here; :mod:`perfeval.review.scoring` rounds them
to 0.01 for display and totals. The rule classes that frameworks name (parameters,
explanation, description) are in :mod:`perfeval.review.shapes`.

Shapes (see docs/json.md and the 评价方法 page):

- ``proportional``: min(actual ÷ target, 1) × weight ("→ target" indicators);
- ``reverse``: min(target ÷ actual, 1) × weight ("≤ target" indicators);
- ``deduction``: weight − per_point × (points beyond a threshold), down to 0;
- ``banded``: the points of the first band whose bound the value meets;
- ``qualitative``: three tiers (met / partly / not met) as fractions of the weight;
- ``checklist``: yes/no items, each worth its points;
- ``rescale``: not-applicable indicators dropped, the rest rescaled to 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Mapping, Sequence

from perfeval.model.numbers import HUNDRED, round_score  # noqa: F401 - round_score re-exported for rule users

ZERO = Decimal(0)
ONE = Decimal(1)

Tier = Literal["met", "partly", "not_met"]
TIERS: tuple[Tier, ...] = ("met", "partly", "not_met")
TIER_LABELS: dict[str, str] = {"met": "达成", "partly": "部分达成", "not_met": "未达成"}

#: Default fractions of the weight per tier: the top of each band of
#: 财预〔2020〕10号-style qualitative scoring (met 100–80%, partly 80–60%,
#: not met 60–0%). A framework may choose other points inside the bands.
DEFAULT_TIER_FRACTIONS: dict[str, Decimal] = {
    "met": Decimal("1"),
    "partly": Decimal("0.8"),
    "not_met": Decimal("0.6"),
}
#: The band each tier's fraction must lie in (inclusive lower, inclusive upper).
TIER_BANDS: dict[str, tuple[Decimal, Decimal]] = {
    "met": (Decimal("0.8"), Decimal("1")),
    "partly": (Decimal("0.6"), Decimal("0.8")),
    "not_met": (Decimal("0"), Decimal("0.6")),
}

Grade = Literal["优", "良", "中", "差"]
#: MoF grade bands: 优 [90,100], 良 [80,90), 中 [60,80), 差 [0,60).
GRADE_BANDS: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal(90), "优"),
    (Decimal(80), "良"),
    (Decimal(60), "中"),
    (Decimal(0), "差"),
)


def cap(score: Decimal, weight: Decimal) -> Decimal:
    """Clamp a score to ``[0, weight]`` (over-achievement capped at the weight)."""
    if score > weight:
        return weight
    if score < ZERO:
        return ZERO
    return score


def proportional(actual: Decimal, target: Decimal, weight: Decimal) -> Decimal:
    """min(actual ÷ target, 1) × weight; a negative actual scores 0."""
    if target <= 0:
        raise ValueError("proportional: target must be positive")
    if actual <= 0:
        return ZERO
    return cap(min(actual / target, ONE) * weight, weight)


def reverse(actual: Decimal, target: Decimal, weight: Decimal) -> Decimal:
    """min(target ÷ actual, 1) × weight for "≤ target" indicators; actual ≤ 0 scores full."""
    if target <= 0:
        raise ValueError("reverse: target must be positive")
    if actual <= target:
        return weight
    return cap(target / actual * weight, weight)


def deduction(
    actual: Decimal,
    threshold: Decimal,
    per_point: Decimal,
    weight: Decimal,
    direction: Literal["over", "under"] = "over",
) -> Decimal:
    """Full weight up to the threshold, then minus ``per_point`` per percentage point beyond it.

    ``direction="over"``: points beyond = actual − threshold (e.g. "≤100% full, −0.5 per point over");
    ``direction="under"``: points beyond = threshold − actual (e.g. "≥90% full, −0.5 per point under").
    Fractions of a point count proportionally. Never below 0.
    """
    if per_point < 0:
        raise ValueError("deduction: per_point must not be negative")
    beyond = actual - threshold if direction == "over" else threshold - actual
    if beyond <= 0:
        return weight
    return cap(weight - per_point * beyond, weight)


def points_beyond(actual: Decimal, threshold: Decimal, direction: Literal["over", "under"] = "over") -> Decimal:
    """The percentage points beyond the threshold that a deduction rule counts (0 when within)."""
    beyond = actual - threshold if direction == "over" else threshold - actual
    return beyond if beyond > 0 else ZERO


@dataclass(frozen=True)
class Band:
    bound: Decimal   # the value must be ≤ bound (at_most) or ≥ bound (at_least)
    points: Decimal  # score when this band is the first one met


def banded(
    actual: Decimal,
    bands: Sequence[Band],
    weight: Decimal,
    direction: Literal["at_most", "at_least"] = "at_most",
    otherwise: Decimal = ZERO,
) -> Decimal:
    """Points of the first band the value meets, in the order given; ``otherwise`` when none.

    ``at_most``: a band is met when actual ≤ bound (list bounds ascending: 0 → 8, ≤10 → 6 …);
    ``at_least``: a band is met when actual ≥ bound (list bounds descending: ≥90 → 3, ≥80 → 2 …).
    """
    return cap(band_points(actual, bands, direction, otherwise)[1], weight)


def band_points(
    actual: Decimal,
    bands: Sequence[Band],
    direction: Literal["at_most", "at_least"] = "at_most",
    otherwise: Decimal = ZERO,
) -> tuple[Band | None, Decimal]:
    """The band met (None when none) and its points."""
    for band in bands:
        if (direction == "at_most" and actual <= band.bound) or (direction == "at_least" and actual >= band.bound):
            return band, band.points
    return None, otherwise


def tier_of(value: Decimal, met_at: Decimal, partly_at: Decimal) -> Tier:
    """The tier of a numeric achievement: ≥ met_at → met, ≥ partly_at → partly, else not met."""
    if value >= met_at:
        return "met"
    if value >= partly_at:
        return "partly"
    return "not_met"


def qualitative(tier: Tier, weight: Decimal, fractions: Mapping[str, Decimal] | None = None) -> Decimal:
    """Three-tier qualitative score: the tier's fraction of the weight."""
    table = dict(DEFAULT_TIER_FRACTIONS)
    if fractions:
        table.update(fractions)
    if tier not in table:
        raise ValueError(f"qualitative: unknown tier {tier!r}")
    return cap(table[tier] * weight, weight)


@dataclass(frozen=True)
class Check:
    name: str
    points: Decimal
    passed: bool


def checklist(items: Sequence[Check], weight: Decimal) -> Decimal:
    """Yes/no items: the sum of the points of the items answered yes (capped at the weight)."""
    return cap(sum((item.points for item in items if item.passed), ZERO), weight)


def rescale(scored: Decimal, applicable_weight: Decimal, full: Decimal = HUNDRED) -> Decimal:
    """Drop not-applicable indicators: rescale the score of the applicable ones to ``full``.

    ``scored`` is the sum of the applicable indicators' scores, ``applicable_weight``
    the sum of their weights. With nothing applicable the result is 0.
    """
    if applicable_weight <= 0:
        return ZERO
    if applicable_weight == full:
        return scored
    return scored * full / applicable_weight


def grade(total: Decimal) -> Grade:
    """MoF grade band of a total score: 优 [90,100], 良 [80,90), 中 [60,80), 差 [0,60)."""
    if total < 0 or total > HUNDRED:
        raise ValueError(f"total score {total} outside [0, 100]")
    for lower, label in GRADE_BANDS:
        if total >= lower:
            return label
    return "差"  # pragma: no cover - unreachable: the last band starts at 0

