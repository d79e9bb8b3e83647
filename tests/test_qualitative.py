"""Results stated in words (定性指标): negation and double negation are judged, and what stays unclear is 需核实.

The table below was written first, from how Chinese 自评报告 phrase an indicator's result (the phrasings
of issue 24 and others of the same forms), and only then the code: True is 达成, False 未达成, None
"the words do not say" (需核实: counted neither way).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfeval.model import DepartmentYear, Goal, Indicator, Quantity
from perfeval.model.facts import achieved, qualitative_met
from perfeval.review.checks import run_checks

#: phrasing → judgement (True 达成, False 未达成, None 不明确，需核实)
PHRASINGS: dict[str, bool | None] = {
    # --- fell short: a negated completion, a shortfall word, a partial result
    "未全部完成": False,
    "没能完成": False,
    "未按计划完成": False,
    "无法完成": False,
    "达不到预期": False,
    "未完成": False,
    "尚未完成": False,
    "没有完成年度任务": False,
    "部分项目尚未完成": False,
    "未达到预期": False,
    "因疫情未能按期举办": False,
    "工作进度滞后": False,
    "完成进度滞后于计划": False,
    "与目标仍有较大差距": False,
    "未能如期完成": False,
    "仍有2个项目未完成": False,
    "只完成了部分任务": False,
    "部分完成": False,
    "不达标": False,
    "目标未实现": False,
    "延期至2025年完成": False,
    "实施效果不理想": False,
    "低于预期": False,
    "没有全部完成": False,
    "不能按期完成": False,
    "任务未按时完成": False,
    "未落实到位": False,
    "尚未启动": False,
    "推进缓慢": False,
    "完不成年度目标": False,
    "不完全达到目标要求": False,
    "已完成大部分，仍有部分未完成": False,
    # --- achieved: a completion, or a negated shortfall (double negation)
    "不存在未完成的情况": True,
    "全部完成，无未完成事项": True,
    "未出现滞后": True,
    "已完成": True,
    "全面完成": True,
    "圆满完成年度任务": True,
    "按期完成": True,
    "达到预期": True,
    "同比均有所提高": True,
    "超额完成": True,
    "无一例未完成": True,
    "没有出现进度滞后的情况": True,
    "均已按时完成": True,
    "与目标不存在差距": True,
    "没有未完成的项目": True,
    "不存在未按期完成的情况": True,
    "未发生安全责任事故": True,
    "服务质量不断提高": True,
    "达标": True,
    "已落实到位": True,
    "未有延误": True,
    # --- unclear: hedged, in progress, pointing elsewhere, or saying nothing about the result
    "基本完成": None,
    "正在推进中": None,
    "有待核实": None,
    "是否完成有待进一步核实": None,
    "详见附件": None,
    "暂无数据": None,
    "未统计": None,
    "尚待验收": None,
    "项目实施中": None,
    "投入资金50万元": None,
    "—": None,
}


def _indicator(text: str) -> Indicator:
    return Indicator(name="指标", category="效果", target_text="按计划完成", actual_text=text)


@pytest.mark.parametrize("text, expected", sorted(PHRASINGS.items()))
def test_a_phrasing_is_judged_as_a_reader_would(text: str, expected: bool | None) -> None:
    assert qualitative_met(_indicator(text)) is expected
    assert achieved(_indicator(text)) is expected


def test_the_table_covers_every_kind() -> None:
    verdicts = list(PHRASINGS.values())
    assert verdicts.count(True) >= 15 and verdicts.count(False) >= 25 and verdicts.count(None) >= 8


def test_a_numeric_target_is_not_judged_by_words() -> None:
    ind = Indicator(name="x", target=Quantity(value=Decimal(90), unit="%", relation=">="), actual_text="未完成")
    assert qualitative_met(ind) is None


def _record(*texts: str) -> DepartmentYear:
    goal = Goal(text="目标", completion="见下表", indicators=[_indicator(t) for t in texts])
    return DepartmentYear(code="x", year=2024, unit={"name": "某局"}, goals=[goal])


def test_findings_name_what_the_words_leave_open_and_what_fell_short() -> None:
    found = {(f.rule, f.path): f for f in run_checks(_record("基本完成", "未全部完成", "全部完成，无未完成事项"))}
    unclear = found[("goal.indicator_unclear", "goals[0].indicators[0].actual_text")]
    assert unclear.severity == "verify" and "基本完成" in unclear.message and "需核实" in unclear.message
    unmet = found[("goal.indicator_not_met", "goals[0].indicators[1].actual_text")]
    assert unmet.severity == "verify" and "未全部完成" in unmet.message
    assert not any(path.startswith("goals[0].indicators[2]") for _, path in found)


def test_an_unclear_result_counts_neither_way_in_the_score() -> None:
    from perfeval.review.inputs import input_value

    found = input_value("outcome_met_share", _record("基本完成", "未全部完成", "全部完成，无未完成事项"))
    assert found.value == Decimal(50)          # 1 of the 2 judged; 基本完成 is neither
    assert found.detail.startswith("2个可判断"), found.detail
