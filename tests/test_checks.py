"""Data checks: the 湘潭市民政局 2024 findings (acceptance) and each check on altered records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.review import CHECK_IDS, CHECKS, Finding, has_errors, run_checks
from perfeval.review.rectification import RECTIFICATION_IDS
from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rec() -> DepartmentYear:
    return load_department(ROOT / "data" / "2024" / "xiangtan-minzheng.yaml")


def by_rule(findings: list[Finding], check_id: str) -> list[Finding]:
    """The findings a check id stands in (its own, or folded into another finding of the same fact)."""
    return [f for f in findings if check_id in f.checks]


def one(findings: list[Finding], check_id: str) -> Finding:
    found = by_rule(findings, check_id)
    assert len(found) == 1, (check_id, found)
    return found[0]


def _merge(data: dict[str, object], parts: dict[str, object]) -> None:
    for key, value in parts.items():
        target = data.get(key)
        if isinstance(value, dict) and isinstance(target, dict):
            _merge(target, value)
        else:
            data[key] = value


def altered(rec: DepartmentYear, **parts: object) -> DepartmentYear:
    """A copy of the record with nested fields replaced: altered(rec, income={"total": {"actual": D(1)}})."""
    data = rec.model_dump()
    _merge(data, parts)
    return DepartmentYear.model_validate(data)


# --- acceptance: 湘潭市民政局 2024 ---------------------------------------------------------------

def test_declared_zero_adjustment_needs_verifying(rec: DepartmentYear) -> None:
    f = one(run_checks(rec), "adjustment.declared_zero")
    # The unit states why (national policy, force majeure, tasks from higher authorities not counted): whether that
    # holds depends on a rule the data do not contain, so it is 需核实, quoting the reason and naming the rule.
    # Schema 2 records the reason with the exclusion (adjustment.exclusions), amount not stated.
    assert f.severity == "verify" and f.label == "需核实" and f.path == "adjustment.declared_rate"
    # 855.52 / 2373.85 = 0.360393… → 36.04%
    assert f.numbers == {"adjustment": "855.52", "initial_budget": "2373.85", "adjustment_rate": "36.04",
                         "declared_adjustment_rate": "0"}
    assert "36.04%" in f.message and "855.52" in f.message and "2373.85" in f.message
    assert "“年中预算调整是由于因落实国家政策，发生不可抗力、上级部门或本级党委政府临时交办" in f.message
    assert "认定口径" in f.message
    # "上年结转、年中调整为855.52万元": part of the adjustment is carry-over, its amount not stated
    assert "调整数含上年结转（金额未列明）" in f.message and "未计入预算调整的金额未列明" in f.message
    # if the exclusions held, the counted adjustment would be 0: that is the override
    assert [(o.input, o.value) for o in f.overrides] == [("adjustment_rate", D(0)), ("adjustment_reporting", "met")]


def test_reason_recorded_only_in_other_notes(rec: DepartmentYear) -> None:
    # A file migrated from schema 1 has the reason only in 其他需要说明问题: it is still found and quoted.
    f = one(run_checks(altered(rec, adjustment={"exclusions": []})), "adjustment.declared_zero")
    assert f.severity == "verify" and "“年中预算调整是由于因落实国家政策" in f.message and f.overrides


def test_declared_zero_without_a_reason_is_an_error(rec: DepartmentYear) -> None:
    bad = altered(rec, other_notes="", adjustment={"exclusions": [], "explanation": "年中追加资金用于绩效考核奖金。"})
    f = one(run_checks(bad), "adjustment.declared_zero")
    assert f.severity == "error" and f.overrides == () and "未说明为何不计入" in f.message


def test_projects_below_90(rec: DepartmentYear) -> None:
    found = by_rule(run_checks(rec), "execution.project_below_90")
    # 1190.27/1700 = 70.016%, 53.91/90.91 = 59.301%, 45.07/65 = 69.338%, 100/130 = 76.923%
    # Each is one finding of its project with the other things found about it (the statement that all eight
    # projects were done, a claim of money paid in full): the path names the project.
    assert [(f.path, f.numbers["execution_rate"]) for f in found] == [
        ("projects[0]", "70.02"), ("projects[2]", "59.30"), ("projects[4]", "69.34"), ("projects[7]", "76.92")]
    assert all(f.severity == "verify" for f in found)
    # each rate is named by its basis: 拨付, 到位, 使用
    assert [f.message.split("」")[1][:3] for f in found] == ["拨付率", "到位率", "执行率", "到位率"]
    # project 2: 655.0411/700 = 93.58% is not flagged; 4, 6, 7 state no actual amount: one note for the three
    missing = one(run_checks(rec), "project.actual_missing")
    assert missing.severity == "note" and missing.message.startswith("项目4、项目6、项目7只列明预算")
    assert missing.numbers == {"budget_4": "205.44", "budget_6": "400", "budget_7": "110"}


def test_rounding_note_not_error(rec: DepartmentYear) -> None:
    # The 批复 is the budget column of the expenditure rows; the actual column adds up exactly (1581.75 + 141.84).
    f = one(run_checks(rec), "sum.basic")
    assert f.severity == "note" and f.path == "expenditure.basic.budget"
    assert f.numbers == {"personnel": "1339.41", "public": "255.88", "computed": "1595.29",
                         "stated": "1595.3", "difference": "0.01"}


def test_rates_folded_into_one_note(rec: DepartmentYear) -> None:
    f = one(run_checks(rec), "rate.summary")
    # 9.32 / 15.61 = 0.597053… → 59.71%; 141.84 / 255.88 = 55.43%; 3229.37 / 3229.37 = 100%
    assert f.severity == "note" and f.numbers["sangong_control_rate"] == "59.71"
    assert f.numbers["actual"] == "9.32" and f.numbers["budget"] == "15.61"
    assert f.numbers["public_control_rate"] == "55.43" and f.numbers["execution_rate"] == "100.00"
    assert f.numbers["adjustment_rate"] == "36.04" and f.numbers["carryover_rate"] == "0.00"
    for rate_id in ("rate.execution", "rate.public_control", "rate.sangong_control", "rate.adjustment",
                    "rate.carryover", "rate.sangong_change"):
        assert by_rule(run_checks(rec), rate_id) == [], rate_id


def test_year_slip(rec: DepartmentYear) -> None:
    found = run_checks(rec)
    f = one(found, "year.as_written")
    assert f.severity == "verify" and f.numbers == {"year_as_written": "2023", "report_year": "2024"}
    text_years = by_rule(found, "year.in_text")
    assert [(f.path, f.numbers["year"], f.severity) for f in text_years] == [("goals[5].completion", "2023", "note")]
    assert text_years[0].message.startswith("目标6的完成情况中出现2023年")


def test_real_record_summary(rec: DepartmentYear) -> None:
    found = run_checks(rec)
    # No error: the two claims of money paid in full ("及时足额发放" beside 70.02%, "全部到位" beside 59.30%) rest on
    # reading the words (paying beneficiaries and using the budget are different things): 需核实.
    assert not has_errors(found)
    # One fact is one finding: each project once, with everything found about it (check ids in ``also``).
    # (目标3's qualitative indicator states its result in words, 均有所提高: no goal.indicator_no_actual)
    assert [(f.id, f.path, f.also) for f in found if f.severity == "verify"] == [
        ("personnel.above_approved", "expenditure.personnel.actual", ()),
        ("adjustment.declared_zero", "adjustment.declared_rate", ()),
        ("execution.project_below_90", "projects[0]", ("project.claim_full", "claim.completion")),
        ("execution.project_below_90", "projects[2]", ("project.claim_full", "claim.completion")),
        ("execution.project_below_90", "projects[4]", ("claim.completion",)),
        ("project.above_budget", "projects[5]", ()),
        ("execution.project_below_90", "projects[7]", ("claim.completion",)),
        ("year.as_written", "approval.year_as_written", ())]
    # every other sum holds exactly: no finding for them
    # every other sum holds exactly, in every column (收入合计 2373.85 = 2373.85 + 0 + 0; 支出合计 2373.85 = 1595.3 +
    # 778.55 and 3229.37 = 1723.59 + 1505.78; 三公 15.61 = 9.6 + 6.01 and 9.32 = 0 + 5.78 + 3.54): no finding for them
    for check_id in ("sum.income", "sum.expenditure", "sum.adjusted", "sum.sangong", "sum.projects", "item.above_total",
                     "units.slip", "text.placeholder", "goal.no_completion", "problem.no_deadline",
                     "problem.deadline_range", "rate.impossible", "selfscore.weights", "selfscore.sum", "rate.stated",
                     "staffing.over", "variance.large", "variance.none", "rate.sangong_change", "change.summary",
                     "balance.expenditure_above_income", "claim.no_large_projects"):
        assert by_rule(found, check_id) == [], check_id
    assert [f.path for f in by_rule(found, "sum.basic")] == ["expenditure.basic.budget"]
    # 目标3's qualitative indicator states its result in words (均有所提高); without them the check asks for it.
    assert by_rule(found, "goal.indicator_no_actual") == []
    data = rec.model_dump()
    data["goals"][2]["indicators"][0]["actual_text"] = None
    unstated = run_checks(DepartmentYear.model_validate(data))
    assert one(unstated, "goal.indicator_no_actual").path == "goals[2].indicators[0].actual"
    severities = [f.severity for f in found]
    assert severities == sorted(severities, key=["error", "verify", "note"].index)
    assert {f.severity for f in found} <= {"error", "verify", "note"}


def test_messages_name_items_as_the_page_does(rec: DepartmentYear) -> None:
    for f in run_checks(rec):
        assert "[" not in f.message and f.id not in f.message and (not f.path or f.path not in f.message), f


def test_every_check_id_declared_by_its_check(rec: DepartmentYear) -> None:
    for check in CHECKS:
        for finding in check.fn(rec):
            assert finding.id in check.ids, (check.name, finding.id)
            assert check.ids[finding.id].startswith(finding.severity) or finding.severity in check.ids[finding.id]
    # the cross-year rectification checks are declared apart (they need last year's record)
    assert len(CHECK_IDS) == sum(len(c.ids) for c in CHECKS) + len(RECTIFICATION_IDS)
    assert all(any(s in severity for s in ("error", "verify", "note")) for severity in CHECK_IDS.values())


# --- new checks on the seed: claims against figures, amounts above budgets -------------------------

def test_money_claims_against_the_figures(rec: DepartmentYear) -> None:
    # Project 1: "及时足额发放" while 财政资金实际拨付 1190.27 of 1700 (70.02%);
    # project 3: "资金于2024年12月底全部到位" while 实际到位资金 53.91 of 90.91 (59.30%).
    # A reading of the words, not a contradiction the figures prove: 需核实, each inside its project's finding.
    found = by_rule(run_checks(rec), "project.claim_full")
    assert [(f.path, f.severity, f.numbers["execution_rate"]) for f in found] == [
        ("projects[0]", "verify", "70.02"), ("projects[2]", "verify", "59.30")]
    assert "项目说明称“及时足额发放”" in found[0].message and "足额发放到对象与预算资金全部拨付、使用不是一回事" in found[0].message
    assert "项目说明称“全部到位”" in found[1].message
    assert found[1].numbers == {"actual": "53.91", "budget": "90.91", "execution_rate": "59.30"}


def test_money_claim_at_100_percent_not_flagged(rec: DepartmentYear) -> None:
    projects = [p.model_dump() for p in rec.projects]
    projects[0]["actual"] = D(1700)
    assert [f.path for f in by_rule(run_checks(altered(rec, projects=projects)), "project.claim_full")] == [
        "projects[2]"]


def test_all_completed_beside_projects_under_90(rec: DepartmentYear) -> None:
    # "社保民生资金大预算中超50万元以上项目8个，全部完成2024年目标任务" beside projects 1, 3, 5, 8 under 90%
    # The statement is said of each of them: one part of each project's finding, not a fifth finding.
    found = by_rule(run_checks(rec), "claim.completion")
    assert [(f.path, f.severity, f.numbers["execution_rate"]) for f in found] == [
        ("projects[0]", "verify", "70.02"), ("projects[2]", "verify", "59.30"), ("projects[4]", "verify", "69.34"),
        ("projects[7]", "verify", "76.92")]
    assert all("项目总体说明称“全部完成2024年目标任务”" in f.message and "目标任务是否确已全部完成" in f.message
               for f in found)


def test_all_goals_completed_beside_an_unmet_indicator(rec: DepartmentYear) -> None:
    # "相关目标均已完成" while goal 4's 意见建议 reached 12 of ≥15
    goals = [g.model_dump() for g in rec.goals]
    goals[3]["indicators"][0]["actual"] = {"value": D(12), "unit": "件", "relation": "="}
    found = by_rule(run_checks(altered(rec, goals=goals)), "claim.completion")
    unmet = [f for f in found if f.path == "management.outcome_statement"]
    assert len(unmet) == 1 and unmet[0].severity == "error" and "目标4的「意见建议（建议提案）办理」" in unmet[0].message


def test_item_far_above_its_budget(rec: DepartmentYear) -> None:
    # Project 6: 两项补贴共发放 6427.9265 against a 400 budget, no word on the difference: 16.07×
    f = one(run_checks(rec), "project.above_budget")
    assert f.severity == "verify" and f.path == "projects[5]"
    assert f.numbers == {"amount": "6427.9265", "budget": "400", "ratio": "16.07"}
    assert f.message.startswith("项目6「残疾人生活补贴和护理补贴」列出金额6427.9265万元（两项补贴合计）")
    projects = [p.model_dump() for p in rec.projects]
    projects[5]["description"] += "全市发放金额包括中央、省级补助资金。"
    assert by_rule(run_checks(altered(rec, projects=projects)), "project.above_budget") == []


def test_personnel_above_approved(rec: DepartmentYear) -> None:
    # 1581.75 vs 1339.41: (1581.75 − 1339.41) / 1339.41 = 18.093…% > 10%
    f = one(run_checks(rec), "personnel.above_approved")
    assert f.severity == "verify" and f.numbers == {"personnel": "1581.75", "approved_personnel": "1339.41",
                                                     "excess_rate": "18.09"}
    assert "绩效考核奖金" in f.message      # the adjustment's stated purpose
    ok = altered(rec, expenditure={"basic": {"actual": D("1615.19")}, "personnel": {"actual": D("1473.35")}})
    assert by_rule(run_checks(ok), "personnel.above_approved") == []   # 1473.35 = 1339.41 × 1.1 exactly


def test_projects_above_the_department_total(rec: DepartmentYear) -> None:
    # 1700 + 700 + 90.91 + 205.44 + 65 + 400 + 110 + 130 = 3401.35 > 3229.37
    f = one(run_checks(rec), "projects.above_total")
    assert f.numbers == {"projects_budget": "3401.35", "own_projects_budget": "0", "income_total": "3229.37",
                         "difference": "171.98"}
    # all eight are managed funds (代管资金): shown apart, a note
    assert f.severity == "note" and "代管资金" in f.message
    projects = [{**p.model_dump(), "managed_only": False} for p in rec.projects]
    g = one(run_checks(altered(rec, projects=projects)), "projects.above_total")
    assert g.severity == "error" and g.numbers["own_projects_budget"] == "3401.35"


# --- sums --------------------------------------------------------------------------------------

def test_sum_income_error(rec: DepartmentYear) -> None:
    # 收入合计 (批复) 2373.75 below its own 其中 财政拨款 2373.85: an item above its total → error
    bad = altered(rec, income={"total": {"budget": D("2373.75")}})
    f = one(run_checks(bad), "item.above_total")
    assert f.severity == "error" and f.path == "income.total.budget"
    assert f.numbers == {"appropriation": "2373.85", "total": "2373.75"}
    assert by_rule(run_checks(bad), "sum.income") == []      # the same fact is not reported twice
    # 2373.95 above them: 上年结转 and 政府性基金 are blank, the 0.10 may be there → verify, not error
    gap = one(run_checks(altered(rec, income={"total": {"budget": D("2373.95")}})), "sum.income")
    assert gap.severity == "verify" and gap.numbers["difference"] == "0.10"
    assert gap.numbers["blank"] == "上年结转、政府性基金收入" and "差额可能在其中" in gap.message
    # with every source stated the same gap is an error
    full = altered(rec, income={"total": {"budget": D("2373.95")}, "carryover": {"budget": D(0)},
                                "government_fund": {"budget": D(0)}})
    assert one(run_checks(full), "sum.income").severity == "error"
    # two stated sources that together exceed the total, neither alone: error although others are blank
    over = altered(rec, income={"total": {"budget": D("2373.85")}, "other": {"budget": D("1")}})
    g = one(run_checks(over), "sum.income")
    assert g.severity == "error" and g.numbers["difference"] == "-1.00"   # 2373.85 − (2373.85 + 0 + 1)


def test_sum_income_initial_plus_adjustment(rec: DepartmentYear) -> None:
    # "财政拨款收入3229.37万元，其中：年初预算数2373.85万元，年中调整855.52万元": 2373.85 + 855.52 = 3229.37;
    # stated 3229.47 → difference 0.10 > 0.01 (no 调整后预算 stated, so the adjustment bridges the two)
    f = one(run_checks(altered(rec, income={"appropriation": {"actual": D("3229.47")}})), "sum.income")
    assert f.severity == "error" and f.path == "income.appropriation.actual"
    assert f.numbers["computed"] == "3229.37" and f.numbers["difference"] == "0.10"
    # a cut: 2373.85 − 100 = 2273.85 stated exactly → nothing (the adjustment is not a 其中 item)
    cut = altered(rec, income={"appropriation": {"actual": D("2273.85")}}, adjustment={"amount": D(-100)})
    assert [f for f in run_checks(cut) if f.id in ("sum.income", "item.above_total")] == []


def test_sum_adjusted_budget(rec: DepartmentYear) -> None:
    # 调整后预算 stated 3229.47 against 年初预算 2373.85 + 年中调整 855.52 = 3229.37 → 0.10 > 0.01
    f = one(run_checks(altered(rec, income={"appropriation": {"adjusted": D("3229.47")}})), "sum.adjusted")
    assert f.severity == "error" and f.path == "income.appropriation.adjusted"
    assert f.numbers["computed"] == "3229.37" and f.numbers["difference"] == "0.10"
    assert by_rule(run_checks(altered(rec, income={"appropriation": {"adjusted": D("3229.37")}})), "sum.adjusted") == []


def test_sum_exactly_at_tolerance_is_note(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"total": {"actual": D("3229.36")}})
    f = one(run_checks(bad), "sum.expenditure")
    assert f.severity == "note" and f.numbers["difference"] == "-0.01" and f.path == "expenditure.total.actual"


def test_sum_just_over_tolerance_is_error(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"basic": {"actual": D("1723.6")}, "public": {"actual": D("141.839")}})
    found = run_checks(bad)
    # 1581.75 + 141.839 = 1723.589; 1723.6 − 1723.589 = 0.011 > 0.01
    (f,) = [f for f in by_rule(found, "sum.basic") if f.path == "expenditure.basic.actual"]
    assert f.severity == "error"


def test_sangong_items_with_missing_items_need_verifying(rec: DepartmentYear) -> None:
    bad = altered(rec, sangong={"total": {"budget": D("16.61")}})
    f = one(run_checks(bad), "sum.sangong")
    # 6.01 + 9.6 = 15.61 vs 16.61; overseas / vehicle_purchase not stated → verify, not error
    assert f.severity == "verify" and f.path == "sangong.total.budget" and f.numbers["difference"] == "1.00"


def test_sangong_items_complete_error(rec: DepartmentYear) -> None:
    bad = altered(rec, sangong={"total": {"actual": D("9.42")}, "vehicle_purchase": {"actual": D(0)}})
    f = one(run_checks(bad), "sum.sangong")
    # every item stated: 0 + 0 + 5.78 + 3.54 = 9.32 against 9.42
    assert f.severity == "error" and f.path == "sangong.total.actual" and f.numbers["difference"] == "0.10"


def test_self_score_weights(rec: DepartmentYear) -> None:
    scores = [s.model_dump() for s in rec.self_scores]
    scores[0]["weight"] = D(35)
    f = one(run_checks(altered(rec, self_scores=scores)), "selfscore.weights")
    assert f.severity == "error" and f.numbers["weights_total"] == "105"
    # a partial table (30 + 20 = 50) is not an error: it may be all the report shows
    g = one(run_checks(altered(rec, self_scores=scores[1:3])), "selfscore.weights")
    assert g.severity == "verify" and g.numbers["weights_total"] == "25"
    assert one(run_checks(altered(rec, self_scores=[])), "selfscore.missing").severity == "note"


# --- rates and explanations --------------------------------------------------------------------

def test_declared_rate_mismatch(rec: DepartmentYear) -> None:
    # Without a reason for leaving part of the adjustment out, a declared 30% against 36.04% is an error.
    bad = altered(rec, adjustment={"declared_rate": D("30"), "exclusions": [], "explanation": "用于追加项目。"},
                  other_notes="")
    f = one(run_checks(bad), "adjustment.declared_mismatch")
    assert f.severity == "error" and f.numbers["adjustment_rate"] == "36.04" and f.overrides == ()
    # With the unit's exclusion (amount not stated) it may hold: 需核实, and 30% is what it would give.
    g = one(run_checks(altered(rec, adjustment={"declared_rate": D("30")})), "adjustment.declared_mismatch")
    assert g.severity == "verify" and [(o.input, o.value) for o in g.overrides][0] == ("adjustment_rate", D(30))
    # A declared rate above the computed one: exclusions only lower it, so nothing explains it.
    h = one(run_checks(altered(rec, adjustment={"declared_rate": D("40")})), "adjustment.declared_mismatch")
    assert h.severity == "error" and h.overrides == ()
    ok = altered(rec, adjustment={"declared_rate": D("36.04")})
    assert by_rule(run_checks(ok), "adjustment.declared_mismatch") == []
    assert by_rule(run_checks(ok), "adjustment.declared_zero") == []


def test_adjustment_unexplained(rec: DepartmentYear) -> None:
    bad = altered(rec, adjustment={"purpose": "", "explanation": ""})
    f = one(run_checks(bad), "adjustment.unexplained")
    assert f.severity == "verify" and f.path == "adjustment.purpose"


def test_project_exactly_90_not_flagged(rec: DepartmentYear) -> None:
    projects = [p.model_dump() for p in rec.projects]
    projects[0]["actual"] = D(1530)          # 1530 / 1700 = 90.00%
    projects[2]["description"] = "因政策调整，部分资金结余，原因已说明。"
    found = run_checks(altered(rec, projects=projects))
    assert [f.path for f in by_rule(found, "execution.project_below_90")] == ["projects[4]", "projects[7]"]
    # 项目1 at exactly 90% still says "及时足额发放" below 100%: that alone, under its own field;
    # 项目3 explains its rate: only the statement that all were done remains of it.
    assert [(f.id, f.path) for f in found if f.path.startswith(("projects[0]", "projects[2]"))] == [
        ("project.claim_full", "projects[0].description"), ("claim.completion", "projects[2]")]


def test_department_execution_below_90(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"total": {"actual": D("2900")}})
    f = one(run_checks(bad), "rate.execution")
    # 2900 / 3229.37 = 89.80%
    assert f.severity == "verify" and f.numbers["execution_rate"] == "89.80"
    assert "execution_rate" not in one(run_checks(bad), "rate.summary").numbers


def test_sangong_over_budget_needs_verifying(rec: DepartmentYear) -> None:
    bad = altered(rec, sangong={"total": {"actual": D("16")}, "vehicle_operation": {"actual": D("10")},
                                "reception": {"actual": D("6")}})
    f = one(run_checks(bad), "rate.sangong_control")
    assert f.severity == "verify" and f.numbers["sangong_control_rate"] == "102.50"   # 16 / 15.61


@pytest.mark.parametrize(("name", "value", "flagged"), [
    ("社会组织年检参检率", D(250), True), ("群众满意率", D("100.5"), True), ("群众满意率", D(100), False),
    ("群众满意率", D(-1), True), ("节地生态安葬率同比提高", D(250), False), ("任务完成率", D(120), False)])
def test_impossible_rates(rec: DepartmentYear, name: str, value: D, flagged: bool) -> None:
    goals = [g.model_dump() for g in rec.goals]
    goals[4]["indicators"][4] = {"name": name, "category": "效果", "actual": {"value": value, "unit": "%"}}
    found = by_rule(run_checks(altered(rec, goals=goals)), "rate.impossible")
    assert [(f.path, f.severity) for f in found] == ([("goals[4].indicators[4].actual", "error")] if flagged else [])


# --- goals, problems ---------------------------------------------------------------------------

def test_goal_without_completion_and_unmet_indicator(rec: DepartmentYear) -> None:
    goals = [g.model_dump() for g in rec.goals]
    goals[0]["completion"] = ""
    goals[3]["indicators"][0]["actual"] = {"value": D(12), "unit": "件", "relation": "="}   # target ≥15
    found = run_checks(altered(rec, goals=goals))
    assert one(found, "goal.no_completion").path == "goals[0].completion"
    f = one(found, "goal.indicator_not_met")
    assert f.path == "goals[3].indicators[0].actual" and f.numbers["target"] == "15" and f.numbers["actual"] == "12"
    assert f.severity == "verify" and "实际完成12件，未达到目标值不少于15件" in f.message


def test_problem_without_owner_or_deadline(rec: DepartmentYear) -> None:
    problems = [{"problem": "资金结余", "measures": "", "responsible": "", "deadline": None}]
    found = run_checks(altered(rec, problems=problems))
    assert one(found, "problem.no_measures").path == "problems[0].measures"
    assert one(found, "problem.no_responsible").path == "problems[0].responsible"
    assert one(found, "problem.no_deadline").path == "problems[0].deadline"
    assert one(found, "problem.no_deadline").message == "问题1「资金结余」没有整改完成时限"
    ok = [{"problem": "资金结余", "measures": "加强", "responsible": "财务科", "deadline": dt.date(2025, 5, 30)}]
    assert not [f for f in run_checks(altered(rec, problems=ok)) if f.id.startswith("problem.")]


@pytest.mark.parametrize(("deadline", "severity"), [
    (dt.date(2023, 12, 31), "error"), (dt.date(2024, 1, 1), None), (dt.date(2027, 12, 31), None),
    (dt.date(2028, 1, 1), "verify"), (dt.date(2099, 5, 30), "verify")])
def test_deadline_far_in_the_past_or_future(rec: DepartmentYear, deadline: dt.date, severity: str | None) -> None:
    problems = [{**rec.problems[0].model_dump(), "deadline": deadline}]
    found = by_rule(run_checks(altered(rec, problems=problems)), "problem.deadline_range")
    assert [f.severity for f in found] == ([severity] if severity else [])


# --- units, years, placeholders ----------------------------------------------------------------

def test_yuan_wan_slip(rec: DepartmentYear) -> None:
    projects = [p.model_dump() for p in rec.projects]
    projects[7]["actual"] = D(1000000)     # 100 万元 written in 元
    found = run_checks(altered(rec, projects=projects))
    slips = by_rule(found, "units.slip")
    assert [f.path for f in slips] == ["projects[7].actual"]
    actual = slips[0]
    assert actual.severity == "verify" and actual.numbers["reference"] == "130"
    # 1000000 / 130 = 7692.307… ≈ 10,000× order
    assert actual.numbers["ratio"] == "7692.31"
    # the same fact is not reported again as an amount above budget
    assert by_rule(found, "project.above_budget")[0].path == "projects[5]"


def test_total_slip(rec: DepartmentYear) -> None:
    bad = altered(rec, unit={"annual_budget": D("23738500")})   # 2373.85 万元 written in 元
    found = by_rule(run_checks(bad), "units.slip")
    assert [f.path for f in found] == ["unit.annual_budget"]
    # median of the other five totals (收入合计 budget 2373.85, 财政拨款 budget 2373.85 and actual 3229.37,
    # 支出合计 budget 2373.85 and actual 3229.37) = 2373.85
    assert found[0].numbers["reference"] == "2373.85" and found[0].numbers["ratio"] == "10000.00"


def test_slip_too_small_among_several(rec: DepartmentYear) -> None:
    bad = altered(rec, expenditure={"total": {"budget": D("0.237385")}})   # converted twice
    found = by_rule(run_checks(bad), "units.slip")
    assert [f.path for f in found] == ["expenditure.total.budget"]


def test_year_in_text_skips_report_and_next_year(rec: DepartmentYear) -> None:
    bad = altered(rec, other_notes="2022年结转资金于2024年使用，2025年完成整改。")
    found = [f for f in by_rule(run_checks(bad), "year.in_text") if f.path == "other_notes"]
    assert [f.numbers["year"] for f in found] == ["2022"]


def test_year_as_written_absent_when_same(rec: DepartmentYear) -> None:
    ok = altered(rec, approval={"year_as_written": 2024})
    assert by_rule(run_checks(ok), "year.as_written") == []


@pytest.mark.parametrize("text", ["XX单位", "共计xxx万元", "完成情况：……", "××局"])
def test_placeholders(rec: DepartmentYear, text: str) -> None:
    bad = altered(rec, other_notes=text)
    f = one(run_checks(bad), "text.placeholder")
    assert f.path == "other_notes" and f.severity == "error" and f.message.startswith("其他需要说明问题中留有模板占位符")


def test_no_placeholder_false_positive(rec: DepartmentYear) -> None:
    ok = altered(rec, other_notes="将Oracle数据库更换为达梦8数据库，XXL 不是占位符…")
    assert by_rule(run_checks(ok), "text.placeholder") == []


def test_source_attached(rec: DepartmentYear) -> None:
    found = run_checks(rec, source="data/2024/xiangtan-minzheng.yaml")
    assert all(f.source == "data/2024/xiangtan-minzheng.yaml" for f in found)
    assert one(found, "adjustment.declared_zero").overrides     # kept when the source is attached


def test_one_fact_one_finding_and_unique_ids(rec: DepartmentYear) -> None:
    """Every project appears in at most one finding of the project checks, and finding ids are unique, on the
    seed and on every demo record (12 departments × 3 years, faults planted)."""
    from perfeval.model.demo import generate
    project_checks = {"execution.project_below_90", "project.claim_full", "claim.completion", "project.above_budget"}
    for record in [rec, *generate(12, [2022, 2023, 2024], 7)]:
        found = run_checks(record)
        ids = [f.finding_id for f in found]
        assert len(ids) == len(set(ids)), record.code
        about = [f.path.split("]")[0] for f in found if set(f.checks) & project_checks and f.path.startswith("projects[")]
        assert len(about) == len(set(about)), (record.code, about)
