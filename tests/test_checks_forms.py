"""Checks on the schema-2 fields (issue 12, "Checks on the new fields"): each on a case of its own, then on the
shapes of the real reports (figures from tests/fixtures/real-reports/README.md, read by hand from the digests).

Every expected figure is written as arithmetic on numbers of the report or of the case, never taken from the
code under test.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from perfeval.model.schema import DepartmentYear
from perfeval.review import (Finding, compare_self_scores, load_named, run_checks, score, self_scores_comparable,
                             self_total, sensitivity)

from .import_helpers import ALL_REPORTS, REAL
from .test_checks import by_rule, one

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def record(**data: Any) -> DepartmentYear:
    """A partial record: identity plus what the case states."""
    return DepartmentYear.model_validate({"code": "x", "year": 2023, "unit": {"name": "某单位"}, **data})


def ids(findings: list[Finding]) -> set[str]:
    return {f.id for f in findings}


# --- staffing --------------------------------------------------------------------------------------------

def test_staffing_over_establishment() -> None:
    # 04: 编制数 11, 实际在职人数 16, 控制率 left blank; 16 / 11 = 1.454545… → 145.45%
    f = one(run_checks(record(staffing={"approved": 11, "actual": 16})), "staffing.over")
    assert f.severity == "verify" and f.path == "staffing.actual"
    assert f.numbers == {"approved": "11", "actual": "16", "over": "5", "staffing_control_rate": "145.45"}
    assert "超编5人" in f.message and "未填写在职人员控制率" in f.message
    stated = one(run_checks(record(staffing={"approved": 11, "actual": 16, "stated_control_rate": "145.45"})),
                 "staffing.over")
    assert "未填写" not in stated.message
    # 10: 19 of 19 is not over; 02: 41 of 65 neither
    for approved, actual in ((19, 19), (65, 41)):
        assert by_rule(run_checks(record(staffing={"approved": approved, "actual": actual})), "staffing.over") == []


def test_staffing_split_adds_up() -> None:
    # 02: 编制 65 = 行政 30 + 事业 35; 实有 41 = 20 + 21
    ok = {"approved": 65, "approved_admin": 30, "approved_institution": 35, "actual": 41, "actual_admin": 20,
          "actual_institution": 21}
    assert [f for f in run_checks(record(staffing=ok)) if f.id in ("sum.staffing", "item.above_total")] == []
    # 66 against 30 + 35 = 65 with 工勤编制 not stated: the 1 may be 工勤 (怀化 has 工勤编制 1) → 需核实
    f = one(run_checks(record(staffing={**ok, "approved": 66})), "sum.staffing")
    assert f.severity == "verify" and f.path == "staffing.approved" and f.numbers["difference"] == "1"   # 66 − 65
    assert f.numbers["blank"] == "工勤编制数"
    # 64 against 65: the stated kinds already exceed it → 错误; so does a gap with every kind stated
    f = one(run_checks(record(staffing={**ok, "approved": 64})), "sum.staffing")
    assert f.severity == "error" and f.numbers["difference"] == "-1"
    f = one(run_checks(record(staffing={**ok, "approved": 66, "approved_worker": 0})), "sum.staffing")
    assert f.severity == "error" and f.numbers["difference"] == "1"
    # one part stated: the report does not give the split, nothing to compare; a part above the total is an error
    assert by_rule(run_checks(record(staffing={"actual": 41, "actual_admin": 20})), "sum.staffing") == []
    g = one(run_checks(record(staffing={"actual": 41, "actual_admin": 42})), "item.above_total")
    assert g.path == "staffing.actual" and g.numbers == {"admin": "42", "total": "41"}


# --- stated rates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stated", "flagged"), [("95.10", False), ("95.1", False), ("95", False), ("95.11", True),
                                                  ("96", True)])
def test_stated_staffing_rate(stated: str, flagged: bool) -> None:
    # 12: 136 / 143 = 0.951048… → 95.10% (stated "95.10%"); rounded or cut at the stated decimals it agrees
    found = by_rule(run_checks(record(staffing={"approved": 143, "actual": 136, "stated_control_rate": stated})),
                    "rate.stated")
    assert [(f.severity, f.path, f.numbers) for f in found] == (
        [("error", "staffing.stated_control_rate", {"stated": stated, "computed": "95.10"})] if flagged else [])


def test_stated_rates_of_funds_buildings_and_changes() -> None:
    # 自评表: 全年执行 105 ÷ 全年预算 110 = 95.4545…%: "95.45" (rounded) and "95.4" (cut) agree, "100" does not
    def funds(rate: str) -> list[dict[str, Any]]:
        return [{"item": "年度资金总额", "initial": "100", "full_year": "110", "executed": "105", "stated_rate": rate}]
    for good in ("95.45", "95.4", "95.5"):
        assert by_rule(run_checks(record(self_funds=funds(good))), "rate.stated") == [], good
    f = one(run_checks(record(self_funds=funds("100"))), "rate.stated")
    assert f.path == "self_funds[0].stated_rate" and f.numbers == {"stated": "100", "computed": "95.45"}
    # 楼堂馆所: 实际 950 ÷ 批复 1000 m² = 95%; 实际投资 210 ÷ 预算 200 = 105%
    b = {"approved_area": 1000, "actual_area": 950, "budget": 200, "actual": 210}
    assert by_rule(run_checks(record(buildings={**b, "stated_area_control_rate": 95,
                                                "stated_investment_control_rate": 105})), "rate.stated") == []
    wrong = by_rule(run_checks(record(buildings={**b, "stated_area_control_rate": 90,
                                                 "stated_investment_control_rate": 100})), "rate.stated")
    assert [(g.path, g.numbers["computed"]) for g in wrong] == [
        ("buildings.stated_area_control_rate", "95.00"), ("buildings.stated_investment_control_rate", "105.00")]
    # 04: every building figure 0 — no rate to compute, nothing to say
    zeros = record(buildings={"approved_area": 0, "actual_area": 0, "stated_area_control_rate": 0, "budget": 0,
                              "actual": 0, "stated_investment_control_rate": 0})
    assert by_rule(run_checks(zeros), "rate.stated") == []
    # 06: 收入 792.22, +189.25 → 189.25 ÷ (792.22 − 189.25 = 602.97) = 31.386…% ("31.39"); 财政拨款 +209.28 ÷
    # 582.94 = 35.9008…% ("35.9"); a stated 30% is an error
    changes = [{"subject": "收入总计", "current": "792.22", "change": "189.25", "percent": "31.39"},
               {"subject": "财政拨款收入", "current": "792.22", "change": "209.28", "percent": "35.9"},
               {"subject": "支出", "current": "799.12", "change": "100", "percent": "30"}]
    (bad,) = by_rule(run_checks(record(stated_changes=changes)), "rate.stated")
    # 100 ÷ (799.12 − 100 = 699.12) = 14.3037…%
    assert bad.path == "stated_changes[2].percent" and bad.numbers == {"stated": "30", "computed": "14.30"}


# --- items against their totals, per column ----------------------------------------------------------------

SANGONG_12 = {"total": {"previous": "29.08", "budget": "63.46", "actual": "44.29"},
              "vehicle": {"previous": "11.86", "budget": "41.46", "actual": "39.30"},
              "vehicle_purchase": {"budget": "29.46", "actual": "29.46"},
              "vehicle_operation": {"previous": "11.86", "budget": "12", "actual": "9.84"},
              "reception": {"previous": "17.22", "budget": "22", "actual": "4.99"}}


def test_sangong_subtotals_of_report_12_add_up() -> None:
    # 11.86 + 17.22 = 29.08; 41.46 + 22 = 63.46; 39.30 + 4.99 = 44.29; 公车 29.46 + 12 = 41.46; 29.46 + 9.84 = 39.30
    found = run_checks(record(sangong=SANGONG_12))
    assert [f for f in found if f.id in ("sum.sangong", "item.above_total")] == []


def test_sangong_vehicle_is_purchase_plus_operation() -> None:
    sangong = {**SANGONG_12, "vehicle_operation": {**SANGONG_12["vehicle_operation"], "actual": "9.94"}}
    f = one(run_checks(record(sangong=sangong)), "sum.sangong")
    # 29.46 + 9.94 = 39.40 against 公车 39.30
    assert f.severity == "error" and f.path == "sangong.vehicle.actual" and f.numbers["difference"] == "-0.10"
    above = {**SANGONG_12, "reception": {**SANGONG_12["reception"], "actual": "50"}}
    g = one(run_checks(record(sangong=above)), "item.above_total")
    assert g.path == "sangong.total.actual" and g.numbers == {"reception": "50", "total": "44.29"}


PUBLIC_04 = {"total": {"previous": "30.05", "budget": "28.90", "actual": "28.90"},
             "items": [{"name": "办公经费", "previous": "27.71", "budget": "25.6", "actual": "25.6"},
                       {"name": "水费、电费、差旅费", "previous": "2.34", "budget": "3.3", "actual": "3.3"},
                       {"name": "会议费、培训费", "previous": "0", "budget": "0", "actual": "0"}]}


def test_public_funds_items() -> None:
    # 04: 27.71 + 2.34 + 0 = 30.05; 25.6 + 3.3 + 0 = 28.90 in both current columns
    assert by_rule(run_checks(record(public_funds=PUBLIC_04)), "sum.public_funds") == []
    # the items add up in two columns, so the list is complete: a gap in the third is an error
    wrong = {**PUBLIC_04, "total": {**PUBLIC_04["total"], "previous": "31"}}
    f = one(run_checks(record(public_funds=wrong)), "sum.public_funds")
    assert f.severity == "error" and f.path == "public_funds.total.previous" and f.numbers["difference"] == "0.95"
    # 其中 listing only some kinds (never adding up): the rest is other 公用经费, a note
    some = {"total": {"actual": "30"}, "items": [{"name": "办公经费", "actual": "20"}]}
    g = one(run_checks(record(public_funds=some)), "sum.public_funds")
    assert g.severity == "note" and g.numbers["difference"] == "10"


PROJECTS_04 = [
    {"name": "业务工作经费", "previous": "224.55", "budget": "600.58", "actual": "600.58"},
    {"name": "疫情防控项目", "previous": "1348.82", "budget": "324.05", "actual": "324.05"},
    {"name": "公共文化服务体系建设", "previous": "140", "budget": "68.7", "actual": "68.7"},
    {"name": "局办公楼维修改造", "previous": "0", "budget": "163.91", "actual": "163.91"},
    {"name": "鹰山文化中心图书馆维修改造", "previous": "0", "budget": "334.46", "actual": "334.46"},
    {"name": "体彩公益金支出", "budget": "173.87", "actual": "173.87"},           # two values only
    {"name": "公共文化服务体系建设（上级转移支付）", "budget": "66", "actual": "66"}]  # two values only
PROJECT_ROW_04 = {"previous": "2218.71", "budget": "1731.57", "actual": "1731.57"}


def test_project_items_against_project_expenditure_04() -> None:
    found = run_checks(record(expenditure={"project": PROJECT_ROW_04}, projects=PROJECTS_04))
    # 2023 columns: 600.58 + 324.05 + 68.7 + 163.91 + 334.46 + 173.87 + 66 = 1731.57 ✓
    # 2022 column: 224.55 + 1348.82 + 140 + 0 + 0 = 1713.37 against 2218.71, two items blank → 需核实, not error
    f = one(found, "sum.projects")
    assert f.severity == "verify" and f.path == "expenditure.project.previous"
    assert f.numbers["computed"] == "1713.37" and f.numbers["difference"] == "505.34"
    assert f.numbers["blank"] == "项目6、项目7" and "差额可能在其中" in f.message
    # had the two rows stated 2022 values (the 2023 ones), the gap 2218.71 − 1953.24 = 265.47 would still be 需核实:
    # projects that ended in 2022 are not in the 2023 list, although the list adds up in the 2023 columns
    filled = [{**p, "previous": p.get("previous", p["actual"])} for p in PROJECTS_04]
    g = one(run_checks(record(expenditure={"project": PROJECT_ROW_04}, projects=filled)), "sum.projects")
    assert g.severity == "verify" and g.numbers["difference"] == "265.47" and "上年已结束" in g.message
    # items above 项目支出 are provable: 1731.57 + 10 in the 2023 final column
    more = PROJECTS_04 + [{"name": "另一项目", "actual": "10"}]
    (h,) = [f for f in by_rule(run_checks(record(expenditure={"project": PROJECT_ROW_04}, projects=more)),
                               "sum.projects") if f.path == "expenditure.project.actual"]
    assert h.severity == "error" and h.numbers["difference"] == "-10.00"


def test_project_items_of_a_partial_list_06() -> None:
    # 06: five projects visible (36.3 + 1 + 5 + 10.5 + 5 = 57.8) of 项目支出 286.83; the rest is cut off
    projects = [{"name": n, "actual": a} for n, a in (("委员活动经费", "36.3"), ("扫黑除恶工作经费", "1"),
                                                        ("信息网络运行经费", "5"), ("老干部活动经费", "10.5"),
                                                        ("派出纪检监察组专项经费", "5"))]
    f = one(run_checks(record(expenditure={"project": {"actual": "286.83"}}, projects=projects)), "sum.projects")
    assert f.severity == "verify" and f.numbers["computed"] == "57.8" and f.numbers["difference"] == "229.03"
    assert "可能只列出了部分项目" in f.message
    # each item is named as the page names it, apart from its figure (not "项目136.3万元")
    assert "项目1为36.3万元、项目2为1万元" in f.message and "项目136.3" not in f.message
    # managed funds (代管资金) are not 项目支出 items
    managed = [{**p, "managed_only": True} for p in projects]
    assert by_rule(run_checks(record(expenditure={"project": {"actual": "286.83"}}, projects=managed)),
                   "sum.projects") == []


INCOME_BY_UNIT_10 = [
    {"name": "汇总", "total": "229.46", "carryover": "37.23", "appropriation": "106.13", "other": "86.1",
     "is_total": True},
    {"name": "局机关", "total": "176.26", "carryover": "35.87", "appropriation": "80.39", "other": "60"},
    {"name": "二级机构1", "total": "53.2", "carryover": "1.36", "appropriation": "25.74", "other": "26.1"}]


def test_sub_units_against_the_total_row_10() -> None:
    # 10: every row adds up (37.23 + 106.13 + 86.1 = 229.46 …) and 176.26 + 53.2 = 229.46 …
    assert by_rule(run_checks(record(income_by_unit=INCOME_BY_UNIT_10)), "sum.units") == []
    rows = [dict(r) for r in INCOME_BY_UNIT_10]
    rows[2]["total"] = "53.3"
    found = by_rule(run_checks(record(income_by_unit=rows)), "sum.units")
    # the units: 176.26 + 53.3 = 229.56 > 汇总 229.46, every unit stated → error (listed first);
    # its own row: 1.36 + 25.74 + 26.1 = 53.2 < 53.3 with 政府性基金 and 财政专户 blank → 需核实
    assert [(f.path, f.severity, f.numbers["difference"]) for f in found] == [
        ("income_by_unit[0].total", "error", "-0.10"), ("income_by_unit[2].total", "verify", "0.10")]


def test_expenditure_by_sub_unit() -> None:
    # each row adds up (120 + 80 = 200, 100 + 20 = 120 …) but 150 + 40 = 190 ≠ 汇总 200 in 支出合计
    rows = [{"name": "局机关及二级机构汇总", "total": 200, "basic": 120, "personnel": 100, "public": 20, "project": 80,
             "is_total": True},
            {"name": "局机关", "total": 150, "basic": 90, "personnel": 75, "public": 15, "project": 60},
            {"name": "二级机构1", "total": 40, "basic": 30, "personnel": 25, "public": 5, "project": 10}]
    found = by_rule(run_checks(record(expenditure_by_unit=rows)), "sum.units")
    # 支出合计 200 vs 190, 基本 120 vs 120, 人员 100 vs 100, 公用 20 vs 20, 项目 80 vs 70
    assert [(f.path, f.numbers["difference"]) for f in found] == [
        ("expenditure_by_unit[0].total", "10"), ("expenditure_by_unit[0].project", "10")]
    assert {f.severity for f in found} == {"error"}


def test_self_funds_rows() -> None:
    # A 自评表 (tests/fixtures/pdf): 年度资金总额 800.10 / 845.60 / 830.20; 按支出性质 基本 500.00 + 项目 300.10 =
    # 800.10, 512.30 + 333.30 = 845.60, 512.30 + 317.90 = 830.20 ✓; 按收入性质 only 一般公共预算 800.10 / 800.10 /
    # 784.70: the rest of 845.60 (45.50, the carry-over) is in rows the table does not list → 需核实, twice
    funds = [{"item": "年度资金总额", "initial": "800.10", "full_year": "845.60", "executed": "830.20"},
             {"nature": "收入性质", "item": "一般公共预算", "initial": "800.10", "full_year": "800.10", "executed": "784.70"},
             {"nature": "支出性质", "item": "基本支出", "initial": "500.00", "full_year": "512.30", "executed": "512.30"},
             {"nature": "支出性质", "item": "项目支出", "initial": "300.10", "full_year": "333.30", "executed": "317.90"}]
    found = by_rule(run_checks(record(self_funds=funds)), "sum.self_funds")
    assert [(f.path, f.severity, f.numbers["difference"]) for f in found] == [
        ("self_funds[0].full_year", "verify", "45.50"), ("self_funds[0].executed", "verify", "45.50")]


# --- variance, year on year, 支出 vs 收入 --------------------------------------------------------------------

def test_budget_equals_final_on_every_row_04() -> None:
    found = run_checks(record(expenditure={"project": PROJECT_ROW_04},
                              sangong={"total": {"previous": "1.84", "budget": "1.49", "actual": "1.49"},
                                       "reception": {"previous": "1.84", "budget": "1.49", "actual": "1.49"}},
                              public_funds={"total": PUBLIC_04["total"]},
                              procurement={"budget": "1551.4", "actual": "1551.4"},
                              basic_budget_adjustment={"previous": "431.64", "budget": "322.07", "actual": "322.07"}))
    f = one(found, "variance.none")
    assert f.severity == "note" and f.numbers == {"rows": "6"} and "所列6行" in f.message
    assert by_rule(found, "variance.summary") == [] and by_rule(found, "variance.large") == []
    # 三公 1.84 → 1.49: (1.49 − 1.84) ÷ 1.84 = −19.02%, not an increase: in the rates line
    assert by_rule(found, "rate.sangong_change") == [] and "三公经费变动率-19.02%" in one(found, "rate.summary").message
    # other rows against last year in one line: 项目支出 2218.71 → 1731.57 = −487.14 (−21.96%)
    change = one(found, "change.summary")
    assert change.severity == "note" and change.numbers["expenditure.project.change"] == "-21.96"


def test_variance_far_from_budget_12() -> None:
    items = [{"name": "办公经费", "previous": "14.44", "budget": "10", "actual": "0.68"},
             {"name": "水电差旅", "previous": "17.92", "budget": "7.50", "actual": "25.36"},
             {"name": "会议培训", "previous": "0", "budget": "0.8", "actual": "0"}]
    found = run_checks(record(public_funds={"items": items}, sangong=SANGONG_12))
    large = by_rule(found, "variance.large")
    # 0.68 ÷ 10 = 6.80% (and last year 14.44); 25.36 ÷ 7.50 = 338.13%; 会议培训 0 of 0.8 is under 1 万元 apart
    assert [(f.path, f.numbers["share"]) for f in large] == [
        ("public_funds.items[0].actual", "6.80"), ("public_funds.items[1].actual", "338.13")]
    assert all(f.severity == "verify" for f in large)
    assert "上年决算数14.44万元" in large[0].message
    summary = one(found, "variance.summary")
    # 三公 under budget is a saving, folded into the note: 接待 4.99 ÷ 22 = 22.68%
    assert summary.numbers["sangong.reception.share"] == "22.68" and "会议培训" in summary.message
    # 三公 44.29 against last year's 29.08: +15.21, (44.29 − 29.08) ÷ 29.08 = 52.30% → 需核实
    sg = one(found, "rate.sangong_change")
    assert sg.severity == "verify" and sg.numbers == {"actual": "44.29", "previous": "29.08",
                                                      "sangong_change_rate": "52.30"}


def test_sangong_item_increase_without_a_total() -> None:
    found = run_checks(record(sangong={"reception": {"previous": "1", "actual": "1.5"}}))
    f = one(found, "rate.sangong_change")
    assert f.path == "sangong.reception.actual" and f.numbers["change_rate"] == "50.00"     # 0.5 ÷ 1


def test_aggregate_over_budget_covered_by_the_adjustment_or_not(seed: DepartmentYear) -> None:
    # seed: 项目支出 1505.78 of 批复 778.55 (193.41%), the excess 727.23 within the 855.52 mid-year adjustment
    summary = one(run_checks(seed), "variance.summary")
    assert summary.numbers["expenditure.project.share"] == "193.41" and "年中调整855.52万元范围内" in summary.message
    assert by_rule(run_checks(seed), "variance.large") == []
    # without an adjustment: 200 of a budget of 100 is 需核实
    f = one(run_checks(record(expenditure={"project": {"budget": 100, "actual": 200}})), "variance.large")
    assert f.path == "expenditure.project.actual" and f.numbers["share"] == "200.00"


def test_expenditure_above_income_06() -> None:
    # 06: 支出 799.12 above 收入 792.22 (6.90 more) and no 上年结转 stated
    data = {"income": {"total": {"actual": "792.22"}, "appropriation": {"actual": "792.22"}},
            "expenditure": {"total": {"actual": "799.12"}, "personnel": {"actual": "434.89"},
                            "public": {"actual": "77.4"}, "project": {"actual": "286.83"}}}
    found = run_checks(record(**data))
    f = one(found, "balance.expenditure_above_income")
    assert f.severity == "verify" and f.numbers == {"expenditure": "799.12", "income": "792.22", "difference": "6.90"}
    assert "上年结转" in f.message
    # 434.89 + 77.4 + 286.83 = 799.12: the three-way split adds up
    assert by_rule(found, "sum.expenditure") == []
    covered = {**data, "income": {**data["income"], "carryover": {"actual": "10"}}}
    assert by_rule(run_checks(record(**covered)), "balance.expenditure_above_income") == []
    short = {**data, "income": {**data["income"], "carryover": {"actual": "5"}}}
    g = one(run_checks(record(**short)), "balance.expenditure_above_income")
    assert g.numbers["carryover"] == "5" and "792.22万元与上年结转5万元之和" in g.message


# --- self-scores ------------------------------------------------------------------------------------------

def test_partial_self_score_table_12() -> None:
    # 12: level-1 投入 16 + 过程 58 = 74, the rest cut off: a partial table, 需核实, no difference derived
    scores = [{"part": "投入", "level": 1, "weight": 16}, {"part": "预算配置", "level": 2, "parent": "投入", "weight": 16},
              {"part": "在职人员控制率", "level": 3, "parent": "预算配置", "weight": 8, "score": 8},
              {"part": "过程", "level": 1, "weight": 58}]
    rec = record(self_scores=scores)
    f = one(run_checks(rec), "selfscore.weights")
    assert f.severity == "verify" and f.numbers == {"weights_total": "74", "expected": "100"}
    assert not self_scores_comparable(rec) and self_total(rec) is None
    result = score(rec, load_named("common", DATA_DIR))
    assert all(row.difference is None for row in compare_self_scores(result, rec))
    # level-1 rows without weights: still a partial table, and the message says so (no "0")
    g = one(run_checks(record(self_scores=[{"part": "投入", "score": 10}])), "selfscore.weights")
    assert g.severity == "verify" and "未列出一级指标的分值" in g.message


def test_stated_self_total_against_its_rows() -> None:
    rows = [{"part": "预算执行", "weight": 30, "score": 28}, {"part": "预算管理", "weight": 20, "score": 20},
            {"part": "资产管理", "weight": 5, "score": 5}, {"part": "效果产出", "weight": 45, "score": 42}]
    # 28 + 20 + 5 + 42 = 95
    assert self_total(record(self_scores=rows)) == 95
    assert by_rule(run_checks(record(self_scores=rows, self_score_total=95)), "selfscore.sum") == []
    f = one(run_checks(record(self_scores=rows, self_score_total=97)), "selfscore.sum")
    assert f.severity == "error" and f.numbers == {"computed": "95", "stated": "97", "difference": "2"}


# --- claims and the adjustment ------------------------------------------------------------------------------

def test_no_large_projects_claim() -> None:
    projects = [{"name": "专项", "budget": 60, "actual": 55}]
    f = one(run_checks(record(management={"no_large_projects": True}, projects=projects)), "claim.no_large_projects")
    assert f.severity == "error" and "项目1「专项」" in f.message
    managed = [{**projects[0], "managed_only": True}]
    assert by_rule(run_checks(record(management={"no_large_projects": True}, projects=managed)),
                   "claim.no_large_projects") == []


ADJUSTED = {"income": {"appropriation": {"budget": 1000}}, "expenditure": {"total": {"actual": 1300}}}


def test_exclusions_with_amounts_give_the_counted_rate() -> None:
    # 年中调整 300 of 年初 1000 = 30%; the unit leaves 250 out (上级临时交办): counted (300 − 250) ÷ 1000 = 5%
    adjustment = {"amount": 300, "purpose": "上级交办", "exclusions": [{"amount": 250, "reason": "上级部门临时交办"}]}
    rec = record(**ADJUSTED, adjustment={**adjustment, "declared_rate": 5})
    f = one(run_checks(rec), "adjustment.exclusions")
    assert f.severity == "verify" and f.path == "adjustment.declared_rate"
    assert f.numbers["adjustment_rate"] == "30.00" and f.numbers["counted_adjustment_rate"] == "5.00"
    assert "“上级部门临时交办”" in f.message and "认定口径" in f.message and "未计入预算调整的金额250万元" in f.message
    assert [(o.input, o.value) for o in f.overrides][0] == ("adjustment_rate", D(5))
    # sensitivity under xiangtan-2024: A21 (banded) 30% → ≤30% band 2 points; 5% → ≤10% band 6 points
    fw = load_named("xiangtan-2024", DATA_DIR)
    base = score(rec, fw)
    entries = sensitivity(rec, fw, run_checks(rec))
    assert base.by_code("A21").score == 2 and entries[0].result.by_code("A21").score == 6
    # declared 0 while the counted rate is 5%: the unit's own amounts contradict it
    g = one(run_checks(record(**ADJUSTED, adjustment={**adjustment, "declared_rate": 0})),
            "adjustment.declared_mismatch")
    assert g.severity == "error" and g.overrides == ()
    # no declared rate: the exclusions still need verifying, with the counted rate as the override
    h = one(run_checks(record(**ADJUSTED, adjustment=adjustment)), "adjustment.exclusions")
    assert h.path == "adjustment.exclusions"
    assert [(o.input, o.value) for o in h.overrides] == [("adjustment_rate", D(5))]
    # an exclusion without its amount: 需核实 with no override (what it would give is unknown)
    k = one(run_checks(record(**ADJUSTED, adjustment={"amount": 300, "purpose": "x",
                                                       "exclusions": [{"reason": "上级部门临时交办"}]})),
            "adjustment.exclusions")
    assert k.overrides == () and "不计入的金额未列明" in k.message


def test_carry_over_inside_the_adjustment() -> None:
    # 年中调整 300 of 1000 of which 上年结转 100 (stated): (300 − 100) ÷ 1000 = 20% if the carry-over is not counted
    f = one(run_checks(record(**ADJUSTED, adjustment={"amount": 300, "purpose": "x", "carryover": 100})),
            "adjustment.exclusions")
    assert f.severity == "verify" and f.path == "adjustment.carryover" and "上年结转资金能否不计入" in f.message
    assert f.numbers["counted_adjustment_rate"] == "20.00" and [o.value for o in f.overrides] == [D(20)]
    # mentioned without its amount: 需核实, no override, and no amount invented
    g = one(run_checks(record(**ADJUSTED, adjustment={"amount": 300, "purpose": "x", "carryover_mentioned": True})),
            "adjustment.exclusions")
    assert g.overrides == () and "金额未列明" in g.message and "counted_adjustment_rate" not in g.numbers


def test_sangong_up_from_zero() -> None:
    # last year 0, this year 2: an increase, with no rate to give (÷ 0)
    f = one(run_checks(record(sangong={"total": {"previous": 0, "actual": 2}})), "rate.sangong_change")
    assert f.numbers == {"actual": "2", "previous": "0"} and "增加2万元" in f.message


def test_adjustment_derived_from_the_adjusted_budget_12() -> None:
    # 12: 年初预算 1922.76, 调整后 2690.62 and no stated adjustment: 767.86 ÷ 1922.76 = 39.935…% → 39.94%
    rec = record(income={"appropriation": {"budget": "1922.76", "adjusted": "2690.62"}})
    f = one(run_checks(rec), "rate.summary")
    assert f.numbers["adjustment"] == "767.86" and f.numbers["adjustment_rate"] == "39.94"
    a21 = score(rec, load_named("xiangtan-2024", DATA_DIR)).by_code("A21")
    assert a21.score == 0 and "调整后预算2690.62万元减年初预算1922.76万元" in a21.explanation    # > 30% → 0


# --- the thirteen real reports, imported as drafts ------------------------------------------------------------

DIGESTS = ALL_REPORTS


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DepartmentYear, list[Finding]]]:
    """Each digest imported by ``import-report`` into a draft; the record and its findings."""
    from .import_helpers import load_record, main

    root = tmp_path_factory.mktemp("real") / "data"
    out: dict[str, tuple[DepartmentYear, list[Finding]]] = {}
    for code, (name, year, extra) in DIGESTS.items():
        path = root / str(year) / f"{code}.yaml"
        assert main(["import-report", str(REAL / name), "--code", code, "-o", str(path), *extra]) == 0, name
        rec = load_record(path)
        out[code] = (rec, run_checks(rec))
    return out


def test_real_report_inconsistencies_found(real: dict[str, tuple[DepartmentYear, list[Finding]]]) -> None:
    """The README's inconsistencies of each report, found by ``check`` on the imported draft."""
    # 04: 2022 project items 1713.37 vs 2218.71; staffing 16 over 11, rate blank; budget = final on every row
    _, found = real["yueyanglou-wenlv"]
    projects = one(found, "sum.projects")
    assert (projects.severity, projects.path, projects.numbers["difference"]) == (
        "verify", "expenditure.project.previous", "505.34")
    staffing = one(found, "staffing.over")
    assert staffing.numbers["staffing_control_rate"] == "145.45" and "未填写在职人员控制率" in staffing.message
    assert one(found, "variance.none").severity == "note"
    # 06: 支出 799.12 above 收入 792.22 with no carry-over; five projects of 286.83 listed (the rest cut off);
    # both stated growth rates check out
    _, found = real["nanxian-zhengxie"]
    assert one(found, "balance.expenditure_above_income").numbers["difference"] == "6.90"
    assert one(found, "sum.projects").severity == "verify"
    assert by_rule(found, "rate.stated") == []
    # 12: every 三公 subtotal adds up; 三公 +52.30% on last year; 办公经费 0.68 against 10 (and 14.44 last year)
    _, found = real["unknown-2018"]
    assert [f for f in found if f.id in ("sum.sangong", "item.above_total")] == []
    assert one(found, "rate.sangong_change").numbers["sangong_change_rate"] == "52.30"
    office = [f for f in by_rule(found, "variance.large") if "办公经费" in f.message]
    assert len(office) == 1 and office[0].numbers["previous"] == "14.44" and office[0].numbers["share"] == "6.80"
    assert one(found, "selfscore.weights").severity == "verify"      # 投入 16 + 过程 58: a partial 自评表
    # 07: 38 in post for 36 posts
    assert one(real["yueyanglou-zhengfuban"][1], "staffing.over").numbers["over"] == "2"
    # 02 and 10 add up everywhere (573.36 + 638.53 = 1211.89; 30 + 35 = 65; sub-units to 汇总)
    for code in ("yuanling-huochang", "rongwanhu"):
        _, found = real[code]
        assert not [f for f in found if f.id.startswith("sum.") or f.id == "item.above_total"], code
        assert by_rule(found, "staffing.over") == [], code


def test_batch2_inconsistencies_found(real: dict[str, tuple[DepartmentYear, list[Finding]]]) -> None:
    """The README's inconsistencies of the seven reports of other provinces that a record states, found by ``check``."""
    # 20: 48 in post against 38 行政 posts (10 over); 8 internal bodies stated, 9 named
    _, found = real["xundian-renda"]
    assert one(found, "staffing.over_kind").numbers["over"] == str(48 - 38)
    assert one(found, "counts.stated").severity == "verify"
    # 26: executed 338.31 above the full-year budget 329.77 with no carry-over; goals 4 and 5 without a result
    _, found = real["jinzhai-chagu"]
    assert one(found, "execution.above_budget").numbers["difference"] == str(D("338.31") - D("329.77"))
    assert sorted(f.message[:3] for f in by_rule(found, "goal.no_completion")) == ["目标4", "目标5"]
    # 18: staffing dated 截至2023年12月31日 in a 2024 report; 34 of 36 posts filled (94.44%)
    _, found = real["xuwen-gonglu"]
    assert one(found, "staffing.as_of").severity == "verify"
    # 28: 共计16个项目 with 13 named: a partial list, a note
    assert one(real["zhouqu-weisheng"][1], "counts.stated").severity == "note"
    # what adds up is not flagged: 13 (23 + 1 + 96 = 120), 22 (32 = 32 + 0 + 0, 16 = 0 + 16), 15 (2024.05 = 2024.05)
    for code in ("huaihua-minzheng", "xundian-xianweiban", "xiaqiao-zhen"):
        _, found = real[code]
        assert not [f for f in found if f.id.startswith(("sum.", "staffing.")) or f.id == "item.above_total"], code


def test_real_report_drafts_score_without_grade(real: dict[str, tuple[DepartmentYear, list[Finding]]]) -> None:
    """Excerpts cover too little of any framework to be graded; nothing absent is scored."""
    for code, (rec, _) in real.items():
        for name in ("xiangtan-2024", "common"):
            result = score(rec, load_named(name, DATA_DIR))
            assert result.coverage < D("0.6") and result.grade is None, (code, name)
            assert all(leaf.score is None or leaf.inputs and all(v.value is not None for v in leaf.inputs
                                                                  if leaf.rule != "checklist")
                       for leaf in result.leaves()), (code, name)
