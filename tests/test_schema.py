"""The seed department's data file against figures read by hand from the seed report."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from perfeval.errors import DataError
from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear

from .conftest import SEED_DATA


def test_unit_and_structure(seed: DepartmentYear) -> None:
    assert seed.code == "xiangtan-minzheng" and seed.year == 2024
    assert seed.unit.name == "湘潭市民政局"
    assert seed.unit.supervisor == "湘潭市人民政府"
    assert seed.unit.annual_budget == D("2373.85")
    assert len(seed.duties) == 19
    assert seed.duties[5] == "贯彻执行国家的婚姻管理政策，推进婚俗改革。"
    assert [g.number for g in seed.goals] == list(range(1, 9))
    assert len(seed.projects) == 8


def test_money_figures_are_the_seeds(seed: DepartmentYear) -> None:
    inc, exp, adj, sg = seed.income, seed.expenditure, seed.adjustment, seed.sangong
    assert inc is not None and exp is not None and adj is not None and sg is not None
    assert inc.appropriation is not None and inc.total is not None
    assert (inc.appropriation.actual, inc.appropriation.budget, adj.amount) == (D("3229.37"), D("2373.85"), D("855.52"))
    assert exp.basic is not None and exp.personnel is not None and exp.public is not None and exp.project is not None
    assert (exp.basic.actual, exp.personnel.actual, exp.public.actual, exp.project.actual) == (
        D("1723.59"), D("1581.75"), D("141.84"), D("1505.78"))
    assert (exp.basic.budget, exp.personnel.budget, exp.public.budget, exp.project.budget) == (
        D("1595.3"), D("1339.41"), D("255.88"), D("778.55"))
    assert str(exp.basic.budget) == "1595.3"  # precision as written, not 1595.30
    assert sg.total is not None and sg.reception is not None and sg.vehicle_operation is not None
    assert sg.total.budget == D("15.61") and sg.reception.budget == D("6.01")
    assert sg.vehicle_operation.budget == D("9.6") and sg.overseas is not None and sg.overseas.budget is None
    assert (sg.total.actual, sg.vehicle_operation.actual, sg.reception.actual, sg.overseas.actual) == (
        D("9.32"), D("5.78"), D("3.54"), D("0"))
    assert sg.vehicle_purchase is None and sg.total.previous is None   # not stated: absent, not 0
    assert seed.carryover is not None and (seed.carryover.fiscal, seed.carryover.non_fiscal) == (D(0), D("118.74"))
    assert seed.management is not None and seed.management.lottery_fund == D("3120.6")
    assert [(s.part, s.weight, s.score) for s in seed.self_scores] == [
        ("预算执行", 30, 30), ("预算管理", 20, 20), ("资产管理", 5, 5), ("效果产出", 45, 45)]


def test_projects(seed: DepartmentYear) -> None:
    by_number = {p.number: p for p in seed.projects}
    assert (by_number[1].budget, by_number[1].actual) == (D("1700"), D("1190.27"))
    assert (by_number[2].budget, by_number[2].actual) == (D("700"), D("655.0411"))
    assert (by_number[3].budget, by_number[3].actual) == (D("90.91"), D("53.91"))
    assert by_number[4].budget == D("205.44") and by_number[4].actual is None
    assert (by_number[5].budget, by_number[5].actual) == (D("65"), D("45.07"))
    assert (by_number[8].budget, by_number[8].actual) == (D("130"), D("100"))
    subsidies = {o.name: o for o in by_number[6].outputs}
    assert subsidies["困难残疾人生活补贴"].value == 381002 and subsidies["困难残疾人生活补贴"].amount == D("3433.269")
    assert subsidies["重度残疾人护理补贴"].value == 331949 and subsidies["重度残疾人护理补贴"].amount == D("2994.6575")
    assert subsidies["两项补贴合计"].amount == D("6427.9265")


def test_goal_indicators_linked_to_the_right_goal(seed: DepartmentYear) -> None:
    def actual(goal: int, name_part: str) -> D:
        g = next(g for g in seed.goals if g.number == goal)
        ind = next(i for i in g.indicators if name_part in i.name)
        assert ind.actual is not None
        return ind.actual.value

    # The seed's completion list is in another order: 23 proposals answer goal 4, 951 村 goal 2, 5820 plates goal 7.
    assert actual(1, "督导员") == 99
    assert actual(4, "建议") == 23 and actual(4, "法律政策宣传") == 4
    assert actual(5, "年检") == D("93.88") and actual(5, "抽查审计") == 24 and actual(5, "3A") == 6
    assert actual(7, "路名牌巡查") == 5820
    assert actual(2, "村（社区）数") == 951
    assert actual(8, "发布信息") == 400
    g4 = next(g for g in seed.goals if g.number == 4)
    targets = {i.name: i.target for i in g4.indicators if i.target}
    assert targets["意见建议（建议提案）办理"].value == 15 and targets["意见建议（建议提案）办理"].relation == ">="
    g7 = next(g for g in seed.goals if g.number == 7)
    rate_target = next(i.target for i in g7.indicators if "污损率" in i.name)
    assert rate_target is not None and (rate_target.value, rate_target.unit, rate_target.relation) == (5, "%", "<=")


def test_problem(seed: DepartmentYear) -> None:
    (p,) = seed.problems
    assert p.responsible == "业务部门、财务部门负责人、项目预算编制人员"
    assert p.deadline is not None and p.deadline.isoformat() == "2025-05-30"


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "2024" / "xiangtan-minzheng.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_key_names_record_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["expenditure"]["basic"].__setitem__("actul", 1))
    with pytest.raises(DataError) as info:
        load_department(path)
    msg = str(info.value)
    assert "xiangtan-minzheng.yaml" in msg and "expenditure.basic" in msg and "actul" in msg


def test_negative_amount_is_rejected_with_chinese_label(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["income"]["appropriation"].__setitem__("budget", -5))
    with pytest.raises(DataError) as info:
        load_department(path)
    err = info.value
    assert err.record == "income.appropriation" and err.field == "budget"
    assert err.label == "本年预算数（年初预算、批复数）"


def test_an_amount_above_the_cap_is_refused(tmp_path: Path) -> None:
    """Issue 16: 1e28 passed validation and crashed the arithmetic downstream."""
    path = _write(tmp_path, lambda d: d["expenditure"]["total"].__setitem__("actual", "1e28"))
    with pytest.raises(DataError) as info:
        load_department(path)
    assert (info.value.record, info.value.field) == ("expenditure.total", "actual")
    assert "超过上限" in info.value.message


def test_indicator_unit_mismatch(tmp_path: Path) -> None:
    def mutate(d: dict) -> None:  # type: ignore[type-arg]
        d["goals"][3]["indicators"][0]["actual"]["unit"] = "次"
    with pytest.raises(DataError) as info:
        load_department(_write(tmp_path, mutate))
    assert "单位" in str(info.value) and info.value.record == "goals[3].indicators[0]"


def test_missing_required_field(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["unit"].pop("name"))
    with pytest.raises(DataError) as info:
        load_department(path)
    assert info.value.label == "单位名称" and "缺少必填字段" in str(info.value)


def test_only_identity_is_required(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: [d.pop(k) for k in list(d) if k not in ("code", "year", "unit")]
                  and d["unit"].pop("supervisor") and d["unit"].pop("annual_budget"))
    record = load_department(path)
    assert (record.code, record.year, record.unit.name) == ("xiangtan-minzheng", 2024, "湘潭市民政局")
    assert record.unit.supervisor is None and record.income is None and record.goals == []


def test_bad_code_and_file_name(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_department(_write(tmp_path, lambda d: d.__setitem__("code", "../etc")))
    assert info.value.field == "code"
    with pytest.raises(DataError) as info:
        load_department(_write(tmp_path, lambda d: d.__setitem__("code", "other-dept")))
    assert "文件名" in str(info.value)


def test_amounts_read_exactly_from_yaml() -> None:
    # YAML floats are read from their text: no binary rounding on the way in.
    text = SEED_DATA.read_text(encoding="utf-8")
    assert "actual: 655.0411" in text
