"""Derived figures, checked against arithmetic done by hand on the seed's numbers."""

from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings

from perfeval.model.facts import achieved, add, compute, indicator_met, qualitative_met
from perfeval.model.numbers import fmt_rate
from perfeval.model.schema import DepartmentYear, Indicator, Quantity

from .strategies import PARTIAL_RECORDS, records


def test_seed_rates(seed: DepartmentYear) -> None:
    f = compute(seed)
    assert f.adjusted_budget == D("3229.37")  # 2373.85 + 855.52
    assert f.adjusted_budget_stated is False  # derived, not stated
    assert fmt_rate(f.adjustment_rate) == "36.04%"  # 855.52 / 2373.85
    assert fmt_rate(f.execution_rate) == "100.00%"  # 3229.37 / 3229.37
    assert fmt_rate(f.sangong_control_rate) == "59.71%"  # 9.32 / 15.61
    assert fmt_rate(f.public_control_rate) == "55.43%"  # 141.84 / 255.88
    assert fmt_rate(f.personnel_over_budget_rate) == "18.09%"  # (1581.75 − 1339.41) / 1339.41
    exp = seed.expenditure
    assert exp is not None and exp.personnel is not None and exp.public is not None and exp.basic is not None
    assert add(exp.personnel.budget, exp.public.budget) == D("1595.29")  # 1339.41 + 255.88, stated as 1595.3
    assert add(f.personnel, f.public) == D("1723.59")  # 1581.75 + 141.84
    assert f.expenditure_parts_sum == D("3229.37")  # 1723.59 + 1505.78
    # The pie and its table use one split and one denominator: 人员 + 公用 + 项目 = 3229.37.
    assert f.expenditure_split == {"人员经费": D("1581.75"), "公用经费": D("141.84"), "项目支出": D("1505.78")}
    assert fmt_rate(f.personnel_share) == "48.98%"  # 1581.75 / 3229.37
    assert fmt_rate(f.public_share) == "4.39%"  # 141.84 / 3229.37
    assert fmt_rate(f.basic_share) == "53.37%" and fmt_rate(f.project_share) == "46.63%"
    rates = {p.label: fmt_rate(p.execution_rate) if p.execution_rate is not None else None for p in f.projects}
    assert rates == {"项目1": "70.02%", "项目2": "93.58%", "项目3": "59.30%", "项目4": None, "项目5": "69.34%",
                     "项目6": None, "项目7": None, "项目8": "76.92%"}
    # All eight are 社保民生资金 the bureau manages ("我局部门预算中无50万元以上项目性专项"):
    assert f.managed_projects_budget_total == D("3401.35")  # 1700+700+90.91+205.44+65+400+110+130
    assert f.own_projects_budget_total is None and f.own_project_execution_rate is None
    assert f.self_score_total == 100 and f.self_score_weight_total == 100
    # The unit excludes adjustments of unstated amount and mentions carry-over inside the 855.52:
    # what counts as adjustment cannot be computed from the data.
    assert f.counted_adjustment is None and f.counted_adjustment_rate is None
    assert f.sangong_change_rate is None and f.staffing_control_rate is None  # not stated in the seed


def test_identity_only_record_has_no_figures() -> None:
    f = compute(DepartmentYear.model_validate({"code": "x", "year": 2024, "unit": {"name": "某单位"}}))
    stated = {k: v for k, v in f.__dict__.items() if v not in (None, (), False)}
    assert stated == {}


def test_partial_expenditure_three_way_split() -> None:
    """南县政协 2021: 支出 799.12 = 人员 434.89 + 公用 77.4 + 项目 286.83, no 基本支出 subtotal, no budget."""
    rec = DepartmentYear.model_validate({
        "code": "nanxian-zhengxie", "year": 2021, "unit": {"name": "南县政协"},
        "income": {"total": {"actual": "792.22"}, "appropriation": {"actual": "792.22"}},
        "expenditure": {"total": {"actual": "799.12"}, "personnel": {"actual": "434.89"},
                        "public": {"actual": "77.4"}, "project": {"actual": "286.83"}}})
    f = compute(rec)
    assert f.expenditure_parts_sum == D("799.12")  # 434.89 + 77.4 + 286.83
    assert f.expenditure_split == {"人员经费": D("434.89"), "公用经费": D("77.4"), "项目支出": D("286.83")}
    assert fmt_rate(f.personnel_share) == "54.42%"  # 434.89 / 799.12
    assert f.basic_share is None
    assert f.execution_rate is None and f.adjusted_budget is None and f.initial_budget is None
    assert f.income_actual == D("792.22")


def test_counted_adjustment_uses_stated_exclusions_and_carryover() -> None:
    rec = DepartmentYear.model_validate({
        "code": "x", "year": 2024, "unit": {"name": "某单位"},
        "income": {"appropriation": {"budget": 1000}},
        "adjustment": {"amount": 300, "carryover": 50, "exclusions": [{"amount": 150, "reason": "上级交办"}]}})
    f = compute(rec)
    assert f.adjustment_rate == D(30)  # 300 / 1000
    assert f.counted_adjustment == D(100)  # 300 − 50 − 150
    assert f.counted_adjustment_rate == D(10)


def test_staffing_and_sangong_change() -> None:
    """岳阳楼区文旅广体局 2023: 编制 11, 在职 16 (145.45%); 三公 1.84 → 1.49 (−19.02%)."""
    rec = DepartmentYear.model_validate({
        "code": "x", "year": 2023, "unit": {"name": "某局"}, "staffing": {"approved": 11, "actual": 16},
        "sangong": {"total": {"previous": "1.84", "budget": "1.49", "actual": "1.49"}}})
    f = compute(rec)
    assert fmt_rate(f.staffing_control_rate) == "145.45%"
    assert fmt_rate(f.sangong_change_rate) == "-19.02%"  # (1.49 − 1.84) / 1.84
    assert fmt_rate(f.sangong_control_rate) == "100.00%"


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


def test_a_result_in_words_is_judged_by_the_qualitative_rule() -> None:
    # The seed's 目标3: "同比节地生态安葬率、火化率均有所提高", no figure, no numeric target → achieved.
    seed = Indicator(name="节地生态安葬率、火化率同比", category="效果", actual_text="均有所提高")
    assert indicator_met(seed) is None and qualitative_met(seed) is True and achieved(seed) is True
    assert achieved(Indicator(name="x", target_text="较上年有所提升", actual_text="同比均有所提高")) is True
    # Words saying it fell short are not an achievement.
    for text in ("部分项目尚未完成", "未达到预期", "因疫情未能按期举办", "工作进度滞后", "没有完成年度任务"):
        assert achieved(Indicator(name="x", actual_text=text)) is False, text
    # No words, or a numeric target (the quantitative rule decides, or nobody can): not judged in words.
    assert qualitative_met(Indicator(name="x")) is None and qualitative_met(Indicator(name="x", actual_text=" ")) is None
    numeric = Indicator(name="x", target=Quantity(value=D(90), unit="%", relation=">="), actual_text="基本完成")
    assert qualitative_met(numeric) is None and achieved(numeric) is None
    assert achieved(_ind(("15", ">="), ("14", "="))) is False


# --------------------------------------------------------------------------- partial records, any valid record


def test_a_basic_table_gives_only_the_figures_it_states() -> None:
    """岳阳楼区文旅广体局 2023 (only a 基础数据表): staffing and 三公 rates; nothing about income or budget."""
    f = compute(PARTIAL_RECORDS["basic_table"]())
    assert fmt_rate(f.staffing_control_rate) == "145.45%"      # 16 / 11
    assert fmt_rate(f.sangong_control_rate) == "100.00%"       # 1.49 / 1.49
    assert fmt_rate(f.sangong_change_rate) == "-19.02%"        # (1.49 − 1.84) / 1.84
    assert f.project == D("1731.57") and f.expenditure_total is None
    assert f.expenditure_split == {} and f.expenditure_parts_sum is None and f.project_share is None
    assert f.initial_budget is None and f.adjusted_budget is None and f.execution_rate is None
    assert f.own_projects_budget_total is None                 # the items state actuals only
    assert f.own_project_execution_rate is None and len(f.projects) == 7
    assert all(p.execution_rate is None for p in f.projects)


def test_an_identity_record_with_only_a_cover_states_nothing_computed() -> None:
    f = compute(PARTIAL_RECORDS["cover_staffing"]())
    stated = {k for k, v in f.__dict__.items() if v not in (None, (), False)}
    assert stated == {"staffing_control_rate"} and fmt_rate(f.staffing_control_rate) == "105.56%"   # 38 / 36


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_facts_of_any_valid_record_come_only_from_stated_values(record: DepartmentYear) -> None:
    f = compute(record)
    exp, inc, sg = record.expenditure, record.income, record.sangong
    if exp is None:
        assert (f.expenditure_total, f.basic, f.personnel, f.public, f.project, f.expenditure_parts_sum) == (None,) * 6
    if exp is None or exp.total is None or exp.total.actual is None:
        assert f.execution_rate is None
    if inc is None and record.adjustment is None:
        assert f.initial_budget is None and f.adjusted_budget is None and f.adjustment_rate is None
    if sg is None or sg.total is None:
        assert f.sangong_actual is None and f.sangong_control_rate is None and f.sangong_change_rate is None
    if record.staffing is None:
        assert f.staffing_control_rate is None
    # one split, one denominator: the parts add up to the sum every share is taken of
    if f.expenditure_parts_sum is not None:
        assert sum(f.expenditure_split.values(), D(0)) == f.expenditure_parts_sum
    else:
        assert f.expenditure_split == {} and f.project_share is None and f.personnel_share is None
    assert [p.label for p in f.projects] == [record.project_label(i) for i in range(len(record.projects))]
    for value in f.__dict__.values():
        if isinstance(value, D):
            assert value.is_finite()
    budgets = [p.budget for p in record.projects if not p.managed_only and p.budget is not None]
    assert f.own_projects_budget_total == (sum(budgets, D(0)) if budgets else None)
