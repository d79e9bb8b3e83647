"""Derived figures, checked against arithmetic done by hand on the seed's numbers."""

from decimal import Decimal as D

from perfeval.model.facts import compute, indicator_met
from perfeval.model.numbers import fmt_rate
from perfeval.model.schema import DepartmentYear, Indicator, Quantity


def test_seed_rates(seed: DepartmentYear) -> None:
    f = compute(seed)
    assert f.adjusted_budget == D("3229.37")  # 2373.85 + 855.52
    assert fmt_rate(f.adjustment_rate) == "36.04%"  # 855.52 / 2373.85
    assert fmt_rate(f.execution_rate) == "100.00%"  # 3229.37 / 3229.37
    assert fmt_rate(f.sangong_control_rate) == "59.71%"  # 9.32 / 15.61
    assert f.approved_basic_sum == D("1595.29")  # 1339.41 + 255.88, stated as 1595.3
    assert f.basic_sum == D("1723.59")  # 1581.75 + 141.84
    assert f.expenditure_sum == D("3229.37")  # 1723.59 + 1505.78
    assert f.carryover_total == D("118.74")
    rates = {p.number: fmt_rate(p.execution_rate) if p.execution_rate is not None else None for p in f.projects}
    assert rates == {1: "70.02%", 2: "93.58%", 3: "59.30%", 4: None, 5: "69.34%", 6: None, 7: None, 8: "76.92%"}
    assert f.projects_budget_total == D("3401.35")  # 1700+700+90.91+205.44+65+400+110+130
    assert f.self_score_total == 100


def _ind(target: tuple[str, str], actual: tuple[str, str]) -> Indicator:
    return Indicator(name="x", target=Quantity(value=D(target[0]), unit="%", relation=target[1]),  # type: ignore[arg-type]
                     actual=Quantity(value=D(actual[0]), unit="%", relation=actual[1]))  # type: ignore[arg-type]


def test_indicator_met_rules() -> None:
    assert indicator_met(_ind(("15", ">="), ("23", "="))) is True
    assert indicator_met(_ind(("15", ">="), ("15", "="))) is True
    assert indicator_met(_ind(("15", ">="), ("14", "="))) is False
    assert indicator_met(_ind(("5", "<="), ("5", "<="))) is True
    assert indicator_met(_ind(("5", "<="), ("6", "="))) is False
    assert indicator_met(_ind(("90", ">"), ("90", "="))) is False
    assert indicator_met(Indicator(name="x")) is None


def test_an_open_bound_in_the_wrong_direction_cannot_be_judged() -> None:
    assert indicator_met(_ind(("5", "<="), ("3", ">="))) is None
    assert indicator_met(_ind(("90", ">="), ("95", "<"))) is None
    assert indicator_met(_ind(("90", ">="), ("90", ">="))) is True
