"""The demo generator: deterministic, valid, partial as real reports are, and its planted faults are found by
the checks."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from decimal import Decimal

from perfeval.cli import main
from perfeval.model import Amounts, DepartmentYear
from perfeval.model.demo import FAULTS, PROFILES, generate, parse_years, planted_faults, profile_of
from perfeval.model.files import load_all

from .conftest import ROOT

YEARS = [2022, 2023, 2024]
# Natural (unplanted) findings in a realistic dataset: some indicators miss their target, some 三公 rise.
NATURAL = {"goal.indicator_not_met", "rate.sangong_change"}
# Findings a profile's data give by what it leaves out, not by a fault: a 基础数据表 alone states no goals.
BY_PROFILE = {"basic_table": {"goal.missing"}}


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*.yaml"))}


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    args = ["demo", "--departments", "5", "--years", "2022-2024", "--seed", "11"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(a) == 15 and a == b
    assert main(["demo", "--departments", "5", "--years", "2022-2024", "--seed", "12", "--out", str(tmp_path / "c")]) == 0
    assert _tree(tmp_path / "c") != a  # the seed matters


def test_shipped_demo_data_is_the_generators_output(tmp_path: Path) -> None:
    # data/demo was written by `perfeval demo --departments 12 --years 2022-2024 --seed 7 --out data/demo`.
    assert main(["demo", "--departments", "12", "--years", "2022-2024", "--seed", "7", "--out", str(tmp_path)]) == 0
    cmp = filecmp.dircmp(tmp_path, ROOT / "data" / "demo")
    assert _tree(tmp_path) == _tree(ROOT / "data" / "demo"), cmp.report()


def test_generated_data_validates_and_is_marked_demo(tmp_path: Path) -> None:
    main(["demo", "--departments", "12", "--years", "2022-2024", "--seed", "7", "--out", str(tmp_path)])
    records = load_all(tmp_path)
    assert len(records) == 36 and all(r.demo for r in records)
    assert len({r.code for r in records}) == 12
    assert all(r.code.startswith("qinghe-") for r in records)


def test_planted_faults_are_found_by_the_checks() -> None:
    from perfeval.review.checks import run_checks

    faults = planted_faults(12, YEARS)
    # every kind of fault is planted at least once
    assert {f.id for f in faults.values()} == {f.id for f in FAULTS}
    records = generate(12, YEARS, 7)
    profile = _profiles(records)
    for rec in records:
        findings = [f for f in run_checks(rec) if f.severity != "note"]
        found = {f.rule for f in findings} - NATURAL
        fault = faults.get((rec.code, rec.year))
        expected = (set(fault.rules) if fault else set()) | BY_PROFILE.get(profile[rec.code], set())
        assert found == expected, (rec.code, rec.year)
        # a planted low execution is the only project below 90% (no rate near the threshold by chance)
        below = [f.path for f in findings if f.rule == "execution.project_below_90"]
        assert below == (["projects[0].actual"] if fault is not None and fault.id == "low_execution" else [])


@pytest.mark.parametrize("text,years", [("2022-2024", [2022, 2023, 2024]), ("2023", [2023]),
                                        ("2022,2024", [2022, 2024])])
def test_parse_years(text: str, years: list[int]) -> None:
    assert parse_years(text) == years


# --------------------------------------------------------------------------- partial, as real reports are


def _profiles(records: list[DepartmentYear]) -> dict[str, str]:
    codes = list(dict.fromkeys(r.code for r in records))
    return {code: profile_of(i) for i, code in enumerate(codes)}


def test_every_profile_is_in_the_shipped_set_with_the_sections_it_states() -> None:
    records = generate(12, YEARS, 7)
    profile = _profiles(records)
    assert sorted(profile.values()) == sorted(PROFILES * 3)
    for rec in records:
        kind = profile[rec.code]
        exp = rec.expenditure
        if kind == "basic_table":
            # Only a 基础数据表: staffing, rows in three columns, items; no narrative, no 主管部门.
            assert rec.staffing is not None and rec.public_funds is not None and rec.public_funds.items
            assert rec.procurement is not None and rec.basic_budget_adjustment is not None and rec.buildings
            assert rec.sangong is not None and rec.sangong.total is not None and rec.sangong.vehicle is not None
            assert None not in (rec.sangong.total.previous, rec.sangong.total.budget, rec.sangong.total.actual)
            assert rec.sangong.total.adjusted is None
            assert all(p.group and p.previous is not None for p in rec.projects)
            assert exp is not None and exp.project is not None and exp.total is None and exp.basic is None
            assert (rec.goals, rec.problems, rec.duties, rec.self_scores) == ([], [], [], [])
            assert rec.income is None and rec.adjustment is None and rec.approval is None
            assert rec.unit.supervisor is None and rec.management is None
        elif kind == "three_way":
            assert exp is not None and exp.basic is None
            assert None not in (exp.personnel, exp.public, exp.project)
            assert rec.income is not None and rec.income.carryover is not None
            assert any(i.actual_text and i.actual is None for g in rec.goals for i in g.indicators)
        elif kind == "no_approval":
            assert rec.approval is None and rec.self_scores == [] and rec.self_score_total is not None
            assert exp is not None and exp.total is not None and exp.total.budget is None
            assert rec.sangong is not None and rec.sangong.total is not None and rec.sangong.total.budget is None
            assert rec.unit.supervisor is None and rec.unit.annual_budget is None
        else:
            assert kind == "report" and rec.approval is not None and rec.self_scores and rec.goals
            assert exp is not None and exp.basic is not None and exp.basic.budget is not None
    # 上年决算 is last year's 本年决算 (the same department, the year before)
    by_key = {(r.code, r.year): r for r in records}
    for rec in records:
        before = by_key.get((rec.code, rec.year - 1))
        if before is not None and rec.sangong is not None and rec.sangong.reception is not None:
            assert before.sangong is not None and before.sangong.reception is not None
            assert rec.sangong.reception.previous == before.sangong.reception.actual


def _adds_up(total: Amounts | None, parts: list[Amounts | None]) -> bool:
    """Every column the total states equals the sum of the parts' (all parts state it)."""
    assert total is not None
    for key, value in total.columns().items():
        if value is not None:
            values = [getattr(p, key) if p is not None else None for p in parts]
            if None in values or sum(values, Decimal(0)) != value:
                return False
    return True


def test_the_generated_figures_add_up_except_where_a_fault_is_planted() -> None:
    """Checked by plain arithmetic here (not by perfeval's checks): only the planted fault spoils a sum."""
    faults = planted_faults(12, YEARS)
    for rec in generate(12, YEARS, 7):
        fault = faults.get((rec.code, rec.year))
        spoiled = fault.id if fault else None
        exp, inc, sg = rec.expenditure, rec.income, rec.sangong
        assert sg is not None and sg.total is not None
        assert _adds_up(sg.total, [sg.overseas, sg.vehicle_purchase, sg.vehicle_operation, sg.reception]) \
            == (spoiled != "sangong_sum"), rec.code
        if sg.vehicle is not None:
            assert _adds_up(sg.vehicle, [sg.vehicle_purchase, sg.vehicle_operation])
        assert exp is not None
        if exp.basic is not None:
            assert _adds_up(exp.basic, [exp.personnel, exp.public]) == (spoiled != "basic_sum")
            assert _adds_up(exp.total, [exp.basic, exp.project])
        elif exp.personnel is not None:
            assert _adds_up(exp.total, [exp.personnel, exp.public, exp.project])
        if rec.adjustment is not None and rec.adjustment.amount is not None:
            assert inc is not None and inc.appropriation is not None
            a = inc.appropriation
            assert a.budget is not None and a.actual is not None
            assert (a.actual == a.budget + rec.adjustment.amount) == (spoiled != "income_sum")
        if inc is not None and inc.carryover is not None:
            assert _adds_up(inc.total, [inc.carryover, inc.appropriation, inc.other])
            assert exp.total is not None and inc.total is not None
            assert exp.total.actual is not None and inc.total.actual is not None
            assert exp.total.actual <= inc.total.actual              # spending within income and carry-over
        if rec.public_funds is not None:
            assert _adds_up(rec.public_funds.total, list(rec.public_funds.items))
        if all(p.group for p in rec.projects) and rec.projects:
            assert _adds_up(exp.project, list(rec.projects))        # a 基础数据表's item rows
        elif rec.projects:
            # a narrative report's projects: the planned ones in the budget column, every line in the actual one
            assert exp.project is not None
            if exp.project.budget is not None:
                assert sum((p.budget for p in rec.projects if p.budget is not None), Decimal(0)) == exp.project.budget
            actual = sum((p.actual for p in rec.projects if p.actual is not None), Decimal(0))
            assert (actual == exp.project.actual) == (spoiled != "unit_slip"), rec.code
        for change in rec.stated_changes:
            assert change.current is not None and change.change is not None and change.percent is not None
            before = change.current - change.change
            assert (change.change * 100 / before).quantize(Decimal("0.01")) == change.percent
        if rec.staffing is not None and rec.staffing.approved and rec.staffing.actual is not None:
            assert rec.staffing.actual <= rec.staffing.approved


def test_an_identity_only_record_can_still_be_generated() -> None:
    records = generate(2, [2024], 7, profiles=("identity",))
    assert [r.model_dump(exclude_defaults=True) for r in records] == [
        {"code": "qinghe-jiaoyu", "year": 2024, "demo": True, "unit": {"name": "清河市教育局"}},
        {"code": "qinghe-weijian", "year": 2024, "demo": True, "unit": {"name": "清河市卫生健康委员会"}}]
    assert planted_faults(2, [2024], ("identity",)) == {}
    with pytest.raises(ValueError, match="unknown profiles"):
        generate(2, [2024], 7, profiles=("nothing",))


def test_a_planted_fault_goes_only_where_its_profile_has_the_data() -> None:
    for (code, year), fault in planted_faults(12, YEARS).items():
        codes = [f"qinghe-{d}" for d in ("jiaoyu", "weijian", "jiaotong", "zhujian", "nongye", "renshe",
                                         "shengtai", "wenlv", "shijian", "yingji", "zuzhibu", "xuanchuanbu")]
        assert profile_of(codes.index(code)) in fault.profiles
