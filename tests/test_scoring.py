"""Recomputed scores of 湘潭市民政局 2024, derived by hand from the seed report's figures.

Every expected value below is written as arithmetic on numbers read from the seed
(../shared/seed/000_9e2d80230763505a.txt), never obtained from the code under test.
Scores are rounded half-up to 0.01 per indicator (the framework's stated convention).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

import pytest

from perfeval.review.frameworks import load_framework, load_named
from perfeval.model.files import load_department
from perfeval.review.scoring import compare_self_scores, score
from perfeval.model.schema import DepartmentYear, Quantity
from perfeval.review.scoring import quantity_meets

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
# Projects with a stated actual amount: (budget, actual) for 1, 2, 3, 5, 8; 4, 6, 7 state none.
PROJECTS_STATED = [(D(1700), D("1190.27")), (D(700), D("655.0411")), (D("90.91"), D("53.91")),
                   (D(65), D("45.07")), (D(130), D(100))]
PROJECTS_TOTAL = 8
GOALS = 8
INDICATORS = 2 + 6 + 1 + 4 + 7 + 3 + 3 + 2      # per goal 1..8 in the record = 28
INDICATORS_WITH_ACTUAL = INDICATORS - 1          # goal 3's qualitative indicator has no value
# Indicators with both target and actual (the seed states a target only for these): g2 951/951,
# g4 ≥15→23, ≥3→4, 信访 0/0, g7 5820/5820, ≤5%→≤5%: 6, all met.
JUDGED, MET = 6, 6
GOALS_VERIFIABLE = 3                             # goals 2, 4, 7
INDICATORS_WITH_TARGET = 6


def xiangtan_expected() -> dict[str, D]:
    project_actual = sum((a for _, a in PROJECTS_STATED), D(0))     # 2044.2911
    project_budget = sum((b for b, _ in PROJECTS_STATED), D(0))     # 2685.91
    adjustment_rate = ADJUSTMENT / INITIAL * 100                    # 36.04% > 30% → band "otherwise" 0
    assert adjustment_rate > 30
    return {
        "A11": r2(min(EXPENDITURE / (INITIAL + ADJUSTMENT), D(1)) * 6),   # 100% → 6
        "A12": r2(project_actual / project_budget * 6),                   # 76.11% × 6 = 4.57
        "A21": D(0),
        "A22": D(4),                   # 财政拨款结转结余 0 → 0% ≤ 5%
        "A31": D(3),                   # 141.84 / 255.88 = 55.43% ≤ 100%
        "A32": D(3),                   # 9.32 / 15.61 = 59.71% ≤ 100%
        "B11": D(4), "B12": D(3), "B13": D(3), "B21": D(3),   # statements present in 预算管理情况
        "B22": r2(D("0.8") * 4),       # adjustment explained but declared "为零": partly → 3.2
        "B23": D(3),                   # the one problem has measures, 责任人, 时限
        "C11": D(5),                   # 资产管理制度 … 合法、合规、完整
        "D11": D(10),                  # 8 of 8 goals have a completion statement
        "D12": r2(D(MET) / D(JUDGED) * 15),                        # 15
        "D21": r2(D(INDICATORS_WITH_ACTUAL) / D(INDICATORS) * 8),   # 27/28 × 8 = 7.71
        "D22": r2(D("0.5") * 6),       # 4 of 8 goals verifiable = 50% < 60% → not met, 50% of 6 = 3
        "D23": r2(D(5) / D(PROJECTS_TOTAL) * 6),                    # 5/8 × 6 = 3.75
    }


def test_xiangtan_indicator_by_indicator(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    expected = xiangtan_expected()
    got = {leaf.code: leaf.score for leaf in result.leaves()}
    assert got == expected
    assert expected["A12"] == D("4.57") and expected["D21"] == D("7.71") and expected["D23"] == D("3.75")


def test_xiangtan_level_totals_total_and_grade(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    # 预算执行 6 + 4.57 + 0 + 4 + 3 + 3 = 20.57
    # 预算管理 4 + 3 + 3 + 3 + 3.2 + 3 = 19.2
    # 资产管理 5
    # 效果产出 10 + 15 + 7.71 + 3 + 3.75 = 39.46
    levels = {t.name: t.score for t in result.level(1)}
    assert levels == {"预算执行": D("20.57"), "预算管理": D("19.2"), "资产管理": D(5), "效果产出": D("39.46")}
    assert result.total == D("20.57") + D("19.2") + D(5) + D("39.46") == D("84.23")
    assert result.grade == "良"
    assert result.applicable_weight == 100 and result.notes == ()


def test_xiangtan_explanations(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    a21 = result.by_code("A21").explanation
    assert a21 == "预算调整率 36.04%（年中调整 855.52万元 ÷ 年初预算 2373.85万元），高于 30%，得 0/8 分"
    assert "76.11%" in result.by_code("A12").explanation and "4.57/6" in result.by_code("A12").explanation
    assert result.by_code("A32").inputs[0].display == "59.71%"
    assert result.by_code("B22").inputs[0].value == "partly"


def test_xiangtan_self_score_comparison(rec: DepartmentYear) -> None:
    result = score(rec, load_named("xiangtan-2024", DATA))
    rows = {c.part: c for c in compare_self_scores(result, rec)}
    assert rows["预算执行"].self_score == 30 and rows["预算执行"].difference == D("20.57") - 30
    assert "预算调整率扣 8 分" in rows["预算执行"].explanation
    assert "项目预算执行率扣 1.43 分" in rows["预算执行"].explanation     # 6 − 4.57
    assert rows["资产管理"].difference == 0 and rows["资产管理"].explanation == "复核与自评一致"
    assert rows["效果产出"].difference == D("39.46") - 45


def test_common_framework_hand_total(rec: DepartmentYear) -> None:
    result = score(rec, load_named("common", DATA))
    project_rate = sum((a for _, a in PROJECTS_STATED), D(0)) / sum((b for b, _ in PROJECTS_STATED), D(0)) * 100
    adjustment_rate = ADJUSTMENT / INITIAL * 100
    expected = {
        "I11": r2(D(INDICATORS_WITH_TARGET) / D(INDICATORS) * 5),     # 7/28 × 5 = 1.25
        "I12": r2(D(GOALS_VERIFIABLE) / D(GOALS) * 5),                # 2.5
        "I21": None,                                                  # no last-year 三公: not applicable
        "I22": D(5),
        "P11": D(6),
        "P12": r2(5 - D("0.1") * (adjustment_rate - 5)),              # 5 − 3.1037… = 1.90
        "P13": D(3),
        "P14": D(3),
        "P15": D(1),                                                  # 76.11%: below 80, at least 60 → 1
        "P21": D(4), "P22": D(3),
        "P23": r2(D("0.8") * 3),                                      # partly → 2.4
        "O11": D(10),
        "O12": r2(D(INDICATORS_WITH_ACTUAL) / D(INDICATORS) * 10),    # 9.64
        "O13": r2(D(5) / D(PROJECTS_TOTAL) * 5),                      # 3.125 → 3.13
        "E11": D(15),
        "E12": D(10),                                                 # lowest satisfaction 90% ≥ target 90
    }
    assert 60 <= project_rate < 80
    assert {leaf.code: leaf.score for leaf in result.leaves()} == expected
    raw = sum((v for v in expected.values() if v is not None), D(0))
    assert raw == D("80.02")
    assert result.raw_total == raw and result.applicable_weight == 95
    assert result.total == r2(raw * 100 / 95) == D("84.23")
    assert result.grade == "良"
    assert "三公经费变动率" in result.notes[0]


def test_not_applicable_vs_zero(rec: DepartmentYear, tmp_path: Path) -> None:
    text = """\
name: na-test
title: t
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
            name: 三公经费变动率
            weight: 20
            rule: reverse
            input: sangong_change_rate
            missing: {missing}
            params: {{target: 100}}
          - code: A12
            name: 预算执行率
            weight: 80
            rule: proportional
            input: execution_rate
            params: {{target: 100}}
"""
    (tmp_path / "na-test.yaml").write_text(text.format(missing="na"), encoding="utf-8")
    na = score(rec, load_framework(tmp_path / "na-test.yaml"))
    # 80 of the applicable 80 → rescaled 100
    assert na.by_code("A11").score is None and na.total == D(100) and na.grade == "优"
    (tmp_path / "na-test.yaml").write_text(text.format(missing="zero"), encoding="utf-8")
    zero = score(rec, load_framework(tmp_path / "na-test.yaml"))
    assert zero.by_code("A11").score == 0 and zero.total == D(80) and zero.grade == "良"


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
