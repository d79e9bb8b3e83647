"""Data checks: the 湘潭市民政局 2024 findings (acceptance) and each rule on altered records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.review.checks import CHECKS, RULE_IDS, has_errors, run_checks
from perfeval.review.findings import Finding
from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rec() -> DepartmentYear:
    return load_department(ROOT / "data" / "2024" / "xiangtan-minzheng.yaml")


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def one(findings: list[Finding], rule: str) -> Finding:
    found = by_rule(findings, rule)
    assert len(found) == 1, (rule, found)
    return found[0]


def altered(rec: DepartmentYear, **parts: dict[str, object]) -> DepartmentYear:
    """A copy of the record with nested fields replaced: altered(rec, income={"total": D(1)})."""
    data = rec.model_dump()
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return DepartmentYear.model_validate(data)


# --- acceptance: 湘潭市民政局 2024 ---------------------------------------------------------------

def test_declared_zero_adjustment(rec: DepartmentYear) -> None:
    f = one(run_checks(rec), "adjustment.declared_zero")
    assert f.severity == "error" and f.path == "execution.declared_adjustment_rate"
    # 855.52 / 2373.85 = 0.360393… → 36.04%
    assert f.numbers == {"adjustment": "855.52", "initial_budget": "2373.85", "adjustment_rate": "36.04",
                         "declared_adjustment_rate": "0"}
    assert "36.04%" in f.message and "855.52" in f.message and "2373.85" in f.message


def test_projects_below_90(rec: DepartmentYear) -> None:
    found = by_rule(run_checks(rec), "execution.project_below_90")
    # 1190.27/1700 = 70.016%, 53.91/90.91 = 59.301%, 45.07/65 = 69.338%, 100/130 = 76.923%
    assert [(f.path, f.numbers["execution_rate"]) for f in found] == [
        ("projects[0].actual", "70.02"), ("projects[2].actual", "59.30"),
        ("projects[4].actual", "69.34"), ("projects[7].actual", "76.92")]
    assert all(f.severity == "warning" for f in found)
    # project 2: 655.0411/700 = 93.58% is not flagged; 4, 6, 7 state no actual amount
    assert [f.path for f in by_rule(run_checks(rec), "project.actual_missing")] == [
        "projects[3].actual", "projects[5].actual", "projects[6].actual"]


def test_rounding_note_not_error(rec: DepartmentYear) -> None:
    f = one(run_checks(rec), "sum.approved_basic")
    assert f.severity == "note" and f.path == "approved_budget.basic.total"
    assert f.numbers == {"personnel": "1339.41", "goods_services": "255.88", "computed": "1595.29",
                         "stated": "1595.3", "difference": "0.01"}


def test_sangong_control_rate(rec: DepartmentYear) -> None:
    f = one(run_checks(rec), "rate.sangong_control")
    # 9.32 / 15.61 = 0.597053… → 59.71%
    assert f.severity == "note" and f.numbers["sangong_control_rate"] == "59.71"
    assert f.numbers["actual"] == "9.32" and f.numbers["budget"] == "15.61"


def test_year_slip(rec: DepartmentYear) -> None:
    found = run_checks(rec)
    f = one(found, "year.as_written")
    assert f.severity == "warning" and f.numbers == {"year_as_written": "2023", "report_year": "2024"}
    text_years = by_rule(found, "year.in_text")
    assert [(f.path, f.numbers["year"], f.severity) for f in text_years] == [("goals[5].completion", "2023", "note")]


def test_real_record_summary(rec: DepartmentYear) -> None:
    found = run_checks(rec)
    assert has_errors(found)
    assert [f.rule for f in found if f.severity == "error"] == ["adjustment.declared_zero"]
    # every other sum holds exactly: no finding for them
    for rule in ("sum.income", "sum.expenditure", "sum.basic", "sum.approved_income", "sum.approved_expenditure",
                 "sum.sangong", "units.slip", "text.placeholder", "goal.no_completion", "problem.no_deadline"):
        assert by_rule(found, rule) == [], rule
    assert one(found, "goal.indicator_no_actual").path == "goals[2].indicators[0].actual"
    severities = [f.severity for f in found]
    assert severities == sorted(severities, key=["error", "warning", "note"].index)


def test_every_rule_id_declared_by_its_check(rec: DepartmentYear) -> None:
    for check in CHECKS:
        for finding in check.fn(rec):
            assert finding.rule in check.rules, (check.name, finding.rule)
            assert check.rules[finding.rule].startswith(finding.severity) or finding.severity in check.rules[finding.rule]
    assert len(RULE_IDS) == sum(len(c.rules) for c in CHECKS)


# --- sums --------------------------------------------------------------------------------------

def test_sum_income_error(rec: DepartmentYear) -> None:
    bad = altered(rec, income={"total": D("3229.47")})
    f = one(run_checks(bad), "sum.income")
    # 2373.85 + 855.52 = 3229.37; stated 3229.47 → difference 0.10 > 0.01
    assert f.severity == "error" and f.numbers["computed"] == "3229.37" and f.numbers["difference"] == "0.10"


def test_sum_exactly_at_tolerance_is_note(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"total": D("3229.36")})
    f = one(run_checks(bad), "sum.expenditure")
    assert f.severity == "note" and f.numbers["difference"] == "-0.01"


def test_sum_just_over_tolerance_is_error(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"basic": {"total": D("1723.6"), "personnel": D("1581.75"),
                                              "public": D("141.839")}})
    found = run_checks(bad)
    # 1581.75 + 141.839 = 1723.589; 1723.6 − 1723.589 = 0.011 > 0.01
    assert one(found, "sum.basic").severity == "error"


def test_sangong_items_with_missing_items_warn(rec: DepartmentYear) -> None:
    budget = {"total": D("16.61"), "reception": D("6.01"), "vehicle_operation": D("9.6")}
    bad = altered(rec, sangong={"budget": budget, "actual": rec.sangong.actual.model_dump()})
    f = one(run_checks(bad), "sum.sangong")
    # 6.01 + 9.6 = 15.61 vs 16.61; overseas / vehicle_purchase not stated → warning, not error
    assert f.severity == "warning" and f.path == "sangong.budget.total" and f.numbers["difference"] == "1.00"


def test_sangong_items_complete_error(rec: DepartmentYear) -> None:
    actual = {"total": D("9.42"), "overseas": D(0), "vehicle_purchase": D(0), "vehicle_operation": D("5.78"),
              "reception": D("3.54")}
    bad = altered(rec, sangong={"budget": rec.sangong.budget.model_dump(), "actual": actual})
    f = one(run_checks(bad), "sum.sangong")
    assert f.severity == "error" and f.path == "sangong.actual.total"


def test_self_score_weights(rec: DepartmentYear) -> None:
    scores = [s.model_dump() for s in rec.self_scores]
    scores[0]["weight"] = D(35)
    f = one(run_checks(altered(rec, self_scores=scores)), "selfscore.weights")
    assert f.severity == "error" and f.numbers["weights_total"] == "105"


# --- rates and explanations --------------------------------------------------------------------

def test_declared_rate_mismatch(rec: DepartmentYear) -> None:
    bad = altered(rec, execution={"declared_adjustment_rate": D("30")})
    f = one(run_checks(bad), "adjustment.declared_mismatch")
    assert f.severity == "error" and f.numbers["adjustment_rate"] == "36.04"
    ok = altered(rec, execution={"declared_adjustment_rate": D("36.04")})
    assert by_rule(run_checks(ok), "adjustment.declared_mismatch") == []
    assert by_rule(run_checks(ok), "adjustment.declared_zero") == []


def test_adjustment_unexplained(rec: DepartmentYear) -> None:
    bad = altered(rec, income={"adjustment_purpose": ""}, execution={"adjustment_explanation": ""})
    assert one(run_checks(bad), "adjustment.unexplained").severity == "warning"


def test_project_exactly_90_not_flagged(rec: DepartmentYear) -> None:
    projects = [p.model_dump() for p in rec.projects]
    projects[0]["actual"] = D(1530)          # 1530 / 1700 = 90.00%
    projects[2]["description"] = "因政策调整，部分资金结余，原因已说明。"
    found = by_rule(run_checks(altered(rec, projects=projects)), "execution.project_below_90")
    assert [f.path for f in found] == ["projects[4].actual", "projects[7].actual"]


def test_department_execution_below_90(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"total": D("2900")})
    f = one(run_checks(bad), "rate.execution")
    # 2900 / 3229.37 = 89.80%
    assert f.severity == "warning" and f.numbers["execution_rate"] == "89.80"


def test_sangong_over_budget_warns(rec: DepartmentYear) -> None:
    actual = {"total": D("16"), "vehicle_operation": D("10"), "reception": D("6")}
    bad = altered(rec, sangong={"budget": rec.sangong.budget.model_dump(), "actual": actual})
    f = one(run_checks(bad), "rate.sangong_control")
    assert f.severity == "warning" and f.numbers["sangong_control_rate"] == "102.50"   # 16 / 15.61


# --- goals, problems ---------------------------------------------------------------------------

def test_goal_without_completion_and_unmet_indicator(rec: DepartmentYear) -> None:
    goals = [g.model_dump() for g in rec.goals]
    goals[0]["completion"] = ""
    goals[3]["indicators"][0]["actual"] = {"value": D(12), "unit": "件", "relation": "="}   # target ≥15
    found = run_checks(altered(rec, goals=goals))
    assert one(found, "goal.no_completion").path == "goals[0].completion"
    f = one(found, "goal.indicator_not_met")
    assert f.path == "goals[3].indicators[0].actual" and f.numbers["target"] == "15" and f.numbers["actual"] == "12"


def test_problem_without_owner_or_deadline(rec: DepartmentYear) -> None:
    problems = [{"problem": "资金结余", "measures": "", "responsible": "", "deadline": None}]
    found = run_checks(altered(rec, problems=problems))
    assert one(found, "problem.no_measures").path == "problems[0].measures"
    assert one(found, "problem.no_responsible").path == "problems[0].responsible"
    assert one(found, "problem.no_deadline").path == "problems[0].deadline"
    ok = [{"problem": "资金结余", "measures": "加强", "responsible": "财务科", "deadline": dt.date(2025, 5, 30)}]
    assert not [f for f in run_checks(altered(rec, problems=ok)) if f.rule.startswith("problem.")]


# --- units, years, placeholders ----------------------------------------------------------------

def test_yuan_wan_slip(rec: DepartmentYear) -> None:
    projects = [p.model_dump() for p in rec.projects]
    projects[7]["actual"] = D(1000000)     # 100 万元 written in 元
    found = by_rule(run_checks(altered(rec, projects=projects)), "units.slip")
    assert [f.path for f in found] == ["projects[7].actual"]
    actual = found[0]
    assert actual.severity == "warning" and actual.numbers["reference"] == "130"
    # 1000000 / 130 = 7692.307… ≈ 10,000× order
    assert actual.numbers["ratio"] == "7692.31"


def test_total_slip(rec: DepartmentYear) -> None:
    bad = altered(rec, unit={"annual_budget": D("23738500")})   # 2373.85 万元 written in 元
    found = by_rule(run_checks(bad), "units.slip")
    assert [f.path for f in found] == ["unit.annual_budget"]
    # median of the other five totals (3229.37, 2373.85, 3229.37, 2373.85, 2373.85) = 2373.85
    assert found[0].numbers["reference"] == "2373.85" and found[0].numbers["ratio"] == "10000.00"


def test_slip_too_small_among_several(rec: DepartmentYear) -> None:
    bad = altered(rec, approved_budget={"expenditure_total": D("0.237385")})   # converted twice
    found = by_rule(run_checks(bad), "units.slip")
    assert [f.path for f in found] == ["approved_budget.expenditure_total"]


def test_year_in_text_skips_report_and_next_year(rec: DepartmentYear) -> None:
    bad = altered(rec, other_notes="2022年结转资金于2024年使用，2025年完成整改。")
    found = [f for f in by_rule(run_checks(bad), "year.in_text") if f.path == "other_notes"]
    assert [f.numbers["year"] for f in found] == ["2022"]


def test_year_as_written_absent_when_same(rec: DepartmentYear) -> None:
    ok = altered(rec, approved_budget={"year_as_written": 2024})
    assert by_rule(run_checks(ok), "year.as_written") == []


@pytest.mark.parametrize("text", ["XX单位", "共计xxx万元", "完成情况：……", "××局"])
def test_placeholders(rec: DepartmentYear, text: str) -> None:
    bad = altered(rec, other_notes=text)
    f = one(run_checks(bad), "text.placeholder")
    assert f.path == "other_notes" and f.severity == "warning"


def test_no_placeholder_false_positive(rec: DepartmentYear) -> None:
    ok = altered(rec, other_notes="将Oracle数据库更换为达梦8数据库，XXL 不是占位符…")
    assert by_rule(run_checks(ok), "text.placeholder") == []


def test_source_attached(rec: DepartmentYear) -> None:
    found = run_checks(rec, source="data/2024/xiangtan-minzheng.yaml")
    assert all(f.source == "data/2024/xiangtan-minzheng.yaml" for f in found)


def test_full_arrival_claim_against_the_figures(rec: DepartmentYear) -> None:
    # Project 3: "资金于2024年12月底全部到位" while 实际到位资金 53.91 of 90.91 (59.30%).
    found = [f for f in run_checks(rec) if f.rule == "project.claim_full"]
    assert [f.path for f in found] == ["projects[2].description"]
    assert found[0].numbers == {"actual": "53.91", "budget": "90.91", "execution_rate": "59.30"}
