"""Computed scores (测算得分) of 湘潭市民政局 2024, derived by hand from the seed report's figures.

Every expected value below is written as arithmetic on numbers read from the seed
(../shared/seed/000_9e2d80230763505a.txt), never obtained from the code under test.
Scores are rounded half-up to 0.01 per indicator (the framework's stated convention).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

import pytest

from perfeval.model.facts import quantity_meets
from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear, Quantity
from perfeval.review import (Override, compare_self_scores, load_framework, load_named, run_checks, score,
                             sensitivity, sensitivity_sentence)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def r2(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def rec() -> DepartmentYear:
    return load_department(DATA / "2024" / "xiangtan-minzheng.yaml")


# Seed figures (万元)
EXPENDITURE = D("3229.37")               # 财政拨款支出
INITIAL = D("2373.85")                   # 年初预算
ADJUSTMENT = D("855.52")                 # 年中调整
PUBLIC, GOODS = D("141.84"), D("255.88")  # 公用经费 ÷ 批复商品服务支出 = 55.43%
SANGONG, SANGONG_BUDGET = D("9.32"), D("15.61")   # 59.71%
# "我局部门预算中无50万元以上项目性专项；社保民生资金大预算中超50万元以上项目8个": all eight projects are
# funds the bureau manages, so there is no project of its own whose execution could be scored.
GOALS = 8
GOALS_WITH_COMPLETION = 8
GOALS_VERIFIABLE = 3                             # goals 2, 4, 7 state a target the actual can be held against
# Indicators with both target and actual: 产出 — g2 指导村（社区）951/951, g4 意见建议 ≥15→23, 法律宣传 ≥3→4,
# g7 路名牌 5820/5820; 效果 — g4 重大信访冲突 0/0, g7 污损率 ≤5%→≤5%. All met.
OUTPUT_JUDGED, OUTPUT_MET = 4, 4
OUTCOME_JUDGED, OUTCOME_MET = 2, 2
SATISFACTION_LOWEST = D(90)                      # 窗口办事满意率 100%, 群众满意率 "90%以上"


def xiangtan_expected() -> dict[str, D | None]:
    adjustment_rate = ADJUSTMENT / INITIAL * 100                    # 36.04% > 30% → band "otherwise" 0
    assert adjustment_rate > 30
    assert PUBLIC / GOODS * 100 <= 100 and SANGONG / SANGONG_BUDGET * 100 <= 100
    return {
        "A11": r2(min(EXPENDITURE / (INITIAL + ADJUSTMENT), D(1)) * 10),  # 100% → 10
        "A12": None,                   # no own projects (all eight are managed funds): not applicable
        "A21": D(0),                   # 36.04% adjustment, above the last band (30%)
        "A31": D(3),                   # 55.43% ≤ 100%
        "A32": D(3),                   # 59.71% ≤ 100%
        "B11": D(4), "B12": D(3), "B13": D(3), "B21": D(3),   # statements present in 预算管理情况
        "B22": r2(D(GOALS_VERIFIABLE) / D(GOALS) * 4),        # 3/8 × 4 = 1.5
        "B23": D(3),                   # the one problem has measures, 责任人, 时限
        "C11": D(5),                   # 资产管理制度 … 合法、合规、完整
        "D11": r2(D(OUTPUT_MET + OUTCOME_MET) / D(OUTPUT_JUDGED + OUTCOME_JUDGED) * 25),   # 6/6 → 25
        "D12": r2(min(SATISFACTION_LOWEST / 90, D(1)) * 10),                             # 90% of target 90 → 10
        "D21": r2(D(GOALS_WITH_COMPLETION) / D(GOALS) * 10),                            # 8/8 → 10
    }


def test_xiangtan_indicator_by_indicator(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    expected = xiangtan_expected()
    assert {leaf.code: leaf.score for leaf in result.leaves()} == expected
    assert expected["B22"] == D("1.50")


def test_xiangtan_level_totals_total_and_grade(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    # 预算执行 10 + 0 + 3 + 3 = 16 (A12's 6 points not applicable)
    # 预算管理 4 + 3 + 3 + 3 + 1.5 + 3 = 17.5
    # 资产管理 5
    # 效果产出 25 + 10 + 10 = 45
    levels = {t.name: t.score for t in result.level(1)}
    assert levels == {"预算执行": D(16), "预算管理": D("17.5"), "资产管理": D(5), "效果产出": D(45)}
    raw = D(16) + D("17.5") + D(5) + D(45)                         # 83.5 of the applicable 100 − 6 = 94
    assert result.raw_total == raw == D("83.5") and result.applicable_weight == 94
    assert result.coverage == D("0.94")
    assert result.total == r2(raw * 100 / 94) == D("88.83")        # 88.8297… → 88.83
    assert result.grade == "良" and result.label == "测算得分"
    assert "项目预算执行率" in result.notes[0] and "88.83" in result.notes[0]


def test_xiangtan_explanations(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    a21 = result.by_code("A21").explanation
    assert a21 == "预算调整率36.04%（年中调整855.52万元占年初预算2373.85万元的比例），高于30%，得0.00分（满分8分）"
    a12 = result.by_code("A12")
    assert a12.applicable is False and "代管资金" in a12.explanation and "不适用" in a12.explanation
    assert result.by_code("A32").inputs[0].display == "59.71%"


def test_xiangtan_self_score_comparison(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    rows = {c.part: c for c in compare_self_scores(result, rec)}
    assert rows["预算执行"].self_score == 30 and rows["预算执行"].difference == D(16) - 30
    assert "预算调整率扣8.00分" in rows["预算执行"].explanation
    assert "项目预算执行率不适用" in rows["预算执行"].explanation
    assert rows["资产管理"].difference == 0 and rows["资产管理"].explanation == "测算与自评一致"
    assert rows["效果产出"].difference == 0
    assert rows["预算管理"].difference == D("17.5") - 20


def test_xiangtan_sensitivity_hand_derived(rec: DepartmentYear) -> None:
    """If the unit's exclusions hold (the adjustment is not a 预算调整), A21 scores 8 instead of 0."""
    fw = load_named("xiangtan-2024", DATA)
    entries = sensitivity(rec, fw, run_checks(rec))
    # raw 83.5 − 0 + 8 = 91.5 over the applicable 94 → 97.3404… → 97.34 (优)
    expected = r2((D("83.5") + 8) * 100 / 94)
    assert expected == D("97.34")
    assert [(e.finding.id if e.finding else None, e.total, e.grade) for e in entries] == [
        ("adjustment.declared_zero", expected, "优"), (None, expected, "优")]
    changed = entries[0].result.by_code("A21")
    assert changed.score == 8 and changed.inputs[0].overridden and changed.inputs[0].display == "0.00%"
    # The sentence names what would have to hold: the unit's explanation, not "the problems" (confirming a
    # problem does not raise a score).
    assert sensitivity_sentence(entries) == "若单位关于年中追加资金不计入预算调整数的说明经核实成立，测算得分为97.34分，等级为优。"


def test_common_framework_hand_total(rec: DepartmentYear) -> None:
    result = score(rec, load_named("common", DATA))
    adjustment_rate = ADJUSTMENT / INITIAL * 100
    expected = {
        "I11": r2(D(GOALS_VERIFIABLE) / D(GOALS) * 10),              # 3/8 × 10 = 3.75
        "I21": None,                                                  # no last-year 三公: not applicable
        "I22": D(5),
        "I23": None,                                                  # no staffing figures: not applicable
        "P11": D(7),
        "P12": r2(5 - D("0.1") * (adjustment_rate - 5)),              # 5 − 3.1039… = 1.90
        "P13": D(3),
        "P14": None,                                                  # no own projects: not applicable
        "P15": None,                                                  # no 政府采购金额: not applicable
        "P21": D(4), "P22": D(3), "P23": D(3),
        "O11": r2(D(OUTPUT_MET) / D(OUTPUT_JUDGED) * 15),             # 15
        "O12": D(10),
        "E11": r2(D(OUTCOME_MET) / D(OUTCOME_JUDGED) * 15),           # 15
        "E12": D(10),                                                 # lowest satisfaction 90% ≥ target 90
    }
    assert {leaf.code: leaf.score for leaf in result.leaves()} == expected
    raw = sum((v for v in expected.values() if v is not None), D(0))
    assert raw == D("80.65")
    # not applicable: I21 3 + I23 2 + P14 3 + P15 2 = 10 of 100
    assert result.raw_total == raw and result.applicable_weight == 90 and result.coverage == D("0.9")
    assert result.total == r2(raw * 100 / 90) == D("89.61")           # 89.6111… → 89.61
    assert result.grade == "良"
    assert "三公经费变动率" in result.notes[0]
    # If the exclusions hold: P12 = 5 → (80.65 − 1.90 + 5) × 100 / 90 = 93.0555… → 93.06 (优)
    entries = sensitivity(rec, load_named("common", DATA), run_checks(rec))
    assert [(e.total, e.grade) for e in entries] == [(D("93.06"), "优")] * 2


def test_delivery_is_at_least_half_of_effect_and_output() -> None:
    delivery = {"indicator_met_share", "output_met_share", "outcome_met_share", "satisfaction_rate"}
    for name, part in (("xiangtan-2024", ("D",)), ("common", ("O", "E"))):
        fw = load_named(name, DATA)
        leaves = [leaf for leaf in fw.leaves() if leaf.code.startswith(part)]
        total = sum((leaf.weight for leaf in leaves), D(0))
        scored = sum((leaf.weight for leaf in leaves if leaf.input in delivery), D(0))
        assert scored * 2 >= total, name


TWO_LEAVES = """\
name: na-test
title: t
source: {{reconstructed: true, reasoning: 测试用}}
indicators:
  - code: A
    name: 甲
    weight: 100
    children:
      - code: A1
        name: 乙
        weight: 100
        children:
          - code: A11
            name: {name}
            weight: {weight}
            rule: reverse
            input: {input}
            {missing}params: {{target: 100}}
          - code: A12
            name: 预算执行率
            weight: {rest}
            rule: proportional
            input: execution_rate
            params: {{target: 100}}
"""


def _two(tmp_path: Path, name: str = "三公经费变动率", input: str = "sangong_change_rate", weight: int = 20,
         missing: str = "") -> Path:
    path = tmp_path / "na-test.yaml"
    path.write_text(TWO_LEAVES.format(name=name, input=input, weight=weight, rest=100 - weight, missing=missing),
                    encoding="utf-8")
    return path


def test_absent_is_not_applicable_never_zero(rec: DepartmentYear, tmp_path: Path) -> None:
    na = score(rec, load_framework(_two(tmp_path)))
    # no last-year 三公 figures: A11 dropped; 80 of the applicable 80 → rescaled 100
    assert na.by_code("A11").score is None and na.total == D(100) and na.grade == "优"
    assert na.coverage == D("0.8")
    # "missing: na" may still be written (it is the only behaviour); "missing: zero" is refused
    assert score(rec, load_framework(_two(tmp_path, missing="missing: na\n            "))).total == D(100)
    from perfeval.errors import DataError
    with pytest.raises(DataError) as info:
        load_framework(_two(tmp_path, missing="missing: zero\n            "))
    assert info.value.field == "missing" and "不再按 0 分计" in info.value.message


def test_low_coverage_gets_no_grade(rec: DepartmentYear, tmp_path: Path) -> None:
    # 41 of 100 not applicable: coverage 0.59 < 0.6 → total computed, no grade
    result = score(rec, load_framework(_two(tmp_path, weight=41)))
    assert result.coverage == D("0.59") and result.total == D(100) and result.grade is None
    assert "数据不足，不予评级" in result.notes[-1]
    assert result.shown_total is None    # a reader is not shown the 100 rescaled from 59 points
    # exactly 0.6 is enough
    graded = score(rec, load_framework(_two(tmp_path, weight=40)))
    assert graded.grade == "优" and graded.shown_total == graded.total == D(100)


def test_absent_inputs_return_none(rec: DepartmentYear) -> None:
    """Inputs computed from an empty text or an empty list are absent, not "no"/0."""
    from perfeval.review import input_value
    data = rec.model_dump()
    data["management"]["budget_management"] = ""
    data["management"]["asset_management"] = ""
    data["problems"] = []
    data["goals"] = []
    bare = DepartmentYear.model_validate(data)
    for name in ("finance_rules_stated", "asset_rules_stated", "problem_measures_stated", "goal_completion_share",
                 "indicator_met_share", "satisfaction_rate", "verifiable_goal_share", "project_execution_rate"):
        assert input_value(name, bare).value is None, name
    result = score(bare, load_named("xiangtan-2024", DATA))
    # B11–B13, B21, B22, B23, C11, D11, D12, D21 and A12 are not applicable: 4 + 3 + 3 + 3 + 4 + 3 + 5 + 25 + 10
    # + 10 + 6 = 76 of 100 dropped; the remaining A11 10, A21 0, A31 3, A32 3 = 16 of 24
    assert result.applicable_weight == 24 and result.coverage == D("0.24") and result.grade is None
    assert result.total == r2(D(16) * 100 / 24) == D("66.67")


def _without_results(rec: DepartmentYear, numbers: set[int]) -> dict:
    """The seed's data with the results of the goals ``numbers`` taken out: no completion statement, and no
    indicator result (value or words), as an excerpt cut before the results would give them."""
    data = rec.model_dump()
    for goal in data["goals"]:
        if goal["number"] in numbers:
            goal["completion"] = ""
            for ind in goal["indicators"]:
                ind["actual"], ind["actual_text"] = None, None
    return data


def test_goals_without_a_stated_result_are_not_counted_as_unverifiable(rec: DepartmentYear) -> None:
    # Goals 1 and 3 state no result: whether they could be checked against a target is not known. B22 counts the
    # six goals whose results are stated, three of them (2, 4, 7) verifiable: 3/6 × 4 = 2.00 (not 3/8 × 4).
    # D21 stays over all eight goals (the results of the others were read): 6 of 8 have a completion statement,
    # 6/8 × 10 = 7.50.
    result = score(DepartmentYear.model_validate(_without_results(rec, {1, 3})), load_named("xiangtan-2024", DATA))
    b22, d21 = result.by_code("B22"), result.by_code("D21")
    assert b22.score == r2(D(3) / D(6) * 4) == D("2.00")
    assert "8个绩效目标中6个载明完成结果，其中3个至少有一个可对照目标值核验的指标" in b22.explanation
    assert "目标1、目标3未载明完成结果" in b22.explanation and "不计入" in b22.explanation
    assert d21.score == r2(D(6) / D(8) * 10) == D("7.50")


def test_no_goal_result_stated_is_not_applicable_not_zero(rec: DepartmentYear) -> None:
    # An excerpt cut after the goals (the 徐闻 digest): nothing says what became of any goal. 0.00% would score
    # results nobody stated; both goal rates are not applicable and the rest is rescaled.
    bare = DepartmentYear.model_validate(_without_results(rec, set(range(1, 9))))
    result = score(bare, load_named("xiangtan-2024", DATA))
    for code in ("B22", "D21"):
        leaf = result.by_code(code)
        assert leaf.applicable is False and leaf.score is None, code
        assert "所列8个绩效目标均未载明完成情况或指标实际值" in leaf.explanation and "不适用" in leaf.explanation
        assert "0.00%" not in leaf.explanation
    # The finding stays: each goal without a completion statement is 需核实.
    assert sum(f.id == "goal.no_completion" for f in run_checks(bare)) == 8


def test_goal_targets_only_on_the_form_are_not_judged_per_goal(rec: DepartmentYear) -> None:
    # The national 自评表 format lists 年度总体目标 and a 绩效指标 table apart: the goals carry no target, the form's
    # indicator rows do, tied to no goal. 0 of 8 would score a link the form does not make: not applicable.
    data = rec.model_dump()
    for goal in data["goals"]:
        for ind in goal["indicators"]:
            ind["target"] = None
    no_targets = DepartmentYear.model_validate(data)
    b22 = score(no_targets, load_named("xiangtan-2024", DATA)).by_code("B22")
    assert b22.score == D(0)        # the goals state results and no target, and nothing else states one: 0 of 8
    data["self_scores"] = [{"part": "开展精品示范村建设数量", "level": 3, "target": "≤4", "actual": "4"},
                           {"part": "户用卫生厕所改造验收通过率", "level": 3, "target": "≥95%", "actual": "100%"}]
    on_form = score(DepartmentYear.model_validate(data), load_named("xiangtan-2024", DATA)).by_code("B22")
    assert on_form.applicable is False
    assert "单位自评表另列2个绩效指标的年度指标值，未与目标逐条对应" in on_form.explanation


def test_checklist_item_without_data_is_dropped_and_rescaled(rec: DepartmentYear) -> None:
    data = rec.model_dump()
    data["management"]["asset_management"] = ""
    partial = DepartmentYear.model_validate(data)
    p21 = score(partial, load_named("common", DATA)).by_code("P21")
    # 制定内部财务管理制度 yes (2 of 2 answerable points) → rescaled to the weight 4
    assert p21.score == 4 and "制定资产管理制度：无数据" in p21.explanation and "折算" in p21.explanation


def test_own_projects_scored_managed_funds_not(rec: DepartmentYear) -> None:
    data = rec.model_dump()
    for p in data["projects"]:
        p["managed_only"] = False
    own = DepartmentYear.model_validate(data)
    a12 = score(own, load_named("xiangtan-2024", DATA)).by_code("A12")
    # Only project 5 states money spent ("当年实际使用资金 45.07" of 65); 拨付/到位 figures are another basis.
    assert a12.score == r2(D("45.07") / D(65) * 6) == D("4.16")
    assert "另有4个项目只列明拨付或到位资金，不计入" in a12.explanation


def test_self_comparison_only_when_weights_total_100(rec: DepartmentYear) -> None:
    data = rec.model_dump()
    data["self_scores"] = data["self_scores"][:2]          # a partial table: 30 + 20 = 50
    partial = DepartmentYear.model_validate(data)
    result = score(partial, load_named("xiangtan-2024", DATA))
    rows = compare_self_scores(result, partial)
    assert all(row.difference is None for row in rows)
    assert rows[0].self_score == 30 and "不作对照" in rows[0].explanation


def test_overrides_replace_an_input(rec: DepartmentYear) -> None:
    fw = load_named("xiangtan-2024", DATA)
    result = score(rec, fw, (Override("adjustment_rate", D(5), "假设"),))
    assert result.by_code("A21").score == 6          # ≤10% band
    assert result.overrides[0].input == "adjustment_rate"


@pytest.mark.parametrize(
    ("actual", "target", "met"),
    [
        (Quantity(value=D(23)), Quantity(value=D(15), relation=">="), True),
        (Quantity(value=D(14)), Quantity(value=D(15), relation=">="), False),
        (Quantity(value=D(5), relation="<="), Quantity(value=D(5), relation="<="), True),
        (Quantity(value=D(6)), Quantity(value=D(5), relation="<="), False),
        (Quantity(value=D(0)), Quantity(value=D(0)), True),
        (Quantity(value=D(1)), Quantity(value=D(0)), False),
        (Quantity(value=D(951)), Quantity(value=D(951)), True),
        (Quantity(value=D(950)), Quantity(value=D(951)), False),
        (Quantity(value=D(90), relation=">"), Quantity(value=D(90), relation=">"), True),
        (Quantity(value=D(90)), Quantity(value=D(90), relation=">"), False),
    ],
)
def test_quantity_meets(actual: Quantity, target: Quantity, met: bool) -> None:
    assert quantity_meets(actual, target) is met


def _partial(**data: object) -> DepartmentYear:
    return DepartmentYear.model_validate({"code": "x", "year": 2023, "unit": {"name": "某单位"}, **data})


def test_new_inputs_from_the_basic_data_table() -> None:
    """在职人员控制率, 三公经费变动率 (previous column) and 政府采购执行率 under common, derived by hand."""
    fw = load_named("common", DATA)
    # 04: 16 in post for 11 posts → 145.4545…%, reverse rule: 2 × 100 ÷ 145.4545… = 1.375 → 1.38;
    # 三公 1.49 against last year's 1.84 → −19.02% ≤ 0 → 3; 政府采购 1551.4 ÷ 1551.4 = 100% → 2
    r04 = score(_partial(staffing={"approved": 11, "actual": 16},
                         sangong={"total": {"previous": "1.84", "budget": "1.49", "actual": "1.49"}},
                         procurement={"budget": "1551.4", "actual": "1551.4"}), fw)
    assert r2(D(2) * 100 / (D(16) / D(11) * 100)) == D("1.38")
    assert (r04.by_code("I23").score, r04.by_code("I21").score, r04.by_code("P15").score) == (D("1.38"), 3, 2)
    assert r04.by_code("I23").inputs[0].display == "145.45%"
    # 12: 136 of 143 → 95.10% ≤ 100% → 2; 三公 44.29 against 29.08 → +52.30% > 10% → 0; 政府采购 30.66 ÷ 30.66 → 2
    r12 = score(_partial(staffing={"approved": 143, "actual": 136},
                         sangong={"total": {"previous": "29.08", "budget": "63.46", "actual": "44.29"}},
                         procurement={"previous": "16.14", "budget": "30.66", "actual": "30.66"}), fw)
    assert (r12.by_code("I23").score, r12.by_code("I21").score, r12.by_code("P15").score) == (2, 0, 2)
    # 三公 also gives P13 (44.29 ÷ 63.46 = 69.79% ≤ 100% → 3): raw 2 + 0 + 2 + 3 = 7 of 2 + 3 + 2 + 3 = 10
    assert r12.raw_total == 7 and r12.applicable_weight == 10 and r12.total == D(70) and r12.grade is None
    # absent staffing or procurement: not applicable, never 0 and never full marks
    bare = score(_partial(procurement={"budget": "30.66"}), fw)
    assert bare.by_code("I23").score is None and bare.by_code("P15").score is None
    assert bare.total is None and bare.grade is None and bare.coverage == 0


def test_nothing_applicable_has_no_total() -> None:
    result = score(_partial(), load_named("xiangtan-2024", DATA))
    assert result.total is None and result.grade is None and result.applicable_weight == 0
    assert result.notes == ("所有指标均缺少所需数据，均不适用：不计算总分，不予评级",)


def test_partial_form_gives_the_adjustment_rate() -> None:
    """A record that has only its 自评表's funds rows (年初预算, 全年预算, 全年执行 of 年度资金总额): the form
    supports the adjustment and execution rates, so they are computed (not "缺少年初预算")."""
    from perfeval.model import compute
    from perfeval.pages.review_tables import rates_table
    from perfeval.review import input_value
    partial = DepartmentYear.model_validate({
        "code": "x", "year": 2023, "unit": {"name": "某服务中心"},
        "self_funds": [{"item": "年度资金总额", "initial": "1000.00", "full_year": "2358.00", "executed": "2300.00"}]})
    adjustment = input_value("adjustment_rate", partial)
    # (2358 − 1000) ÷ 1000 = 135.8%
    assert adjustment.value == D("135.8") and "全年预算2358.00万元减年初预算1000.00万元" in adjustment.detail
    execution = input_value("execution_rate", partial)
    assert r2(execution.value) == r2(D(2300) * 100 / 2358) == D("97.54")     # type: ignore[operator]
    result = score(partial, load_named("xiangtan-2024", DATA))
    # A21 banded: above 30% → 0 of 8 (a computed score, not "not applicable")
    assert result.by_code("A21").score == 0 and "缺少" not in result.by_code("A21").explanation
    # A11 proportional to a 100% target: 10 × 2300 ÷ 2358 = 9.754… → 9.75
    assert result.by_code("A11").score == r2(D(10) * 2300 / 2358) == D("9.75")
    rates = rates_table(partial, compute(partial))
    assert list(rates["比率"]) == ["预算执行率", "预算调整率"]
    # Nothing is taken from the form when it states only one of the two budgets.
    one_budget = DepartmentYear.model_validate({
        "code": "x", "year": 2023, "unit": {"name": "某服务中心"},
        "self_funds": [{"item": "年度资金总额", "full_year": "2358.00"}]})
    assert input_value("adjustment_rate", one_budget).value is None
