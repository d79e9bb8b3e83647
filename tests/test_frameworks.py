"""Framework files: the shipped ones load; malformed ones are rejected naming file and indicator."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.errors import DataError
from perfeval.review import INPUTS, Framework, resolve_framework, rule_shapes
from perfeval.review.frameworks import available, framework_path, load_framework, load_named, rule_text
from perfeval.review.shapes import Proportional, ShapeRegistry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

VALID = """\
name: {name}
title: 测试指标体系
description: 测试用
source:
  reconstructed: true
  reasoning: 测试用的重构指标体系
indicators:
  - code: A
    name: 预算执行
    weight: 60
    children:
      - code: A1
        name: 执行
        weight: 60
        children:
          - code: A11
            name: 预算执行率
            weight: 40
            rule: proportional
            input: execution_rate
            params: {{target: 100}}
          - code: A12
            name: 预算调整率
            weight: 20
            rule: banded
            input: adjustment_rate
            params:
              bands:
                - {{bound: 0, points: 20}}
                - {{bound: 10, points: 10}}
  - code: B
    name: 管理
    weight: 40
    children:
      - code: B1
        name: 制度
        weight: 40
        children:
          - code: B11
            name: 制度健全
            weight: 40
            rule: checklist
            items:
              - {{name: 财务制度, input: finance_rules_stated, points: 25}}
              - {{name: 资产制度, input: asset_rules_stated, points: 15}}
"""


def write(tmp_path: Path, text: str, name: str = "test-fw") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.format(name=name) if "{name}" in text else text, encoding="utf-8")
    return path


def rejected(tmp_path: Path, old: str, new: str) -> DataError:
    text = VALID.format(name="test-fw")
    assert old in text, old
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert str(path) in str(info.value)
    return info.value


# --- shipped frameworks ------------------------------------------------------------------------

def test_shipped_frameworks_listed() -> None:
    assert available(DATA) == ["common", "xiangtan-2024"]


def test_xiangtan_level1_exactly_as_seed() -> None:
    fw = load_named("xiangtan-2024", DATA)
    assert [(t.name, t.weight) for t in fw.indicators] == [
        ("预算执行", D(30)), ("预算管理", D(20)), ("资产管理", D(5)), ("效果产出", D(45))]
    assert "重构" in fw.description and "未公开" in fw.description
    level2_under_execution = [c.name for c in fw.indicators[0].children]
    leaves = [leaf.name for leaf in fw.leaves() if leaf.code.startswith("A")]
    assert leaves == ["预算执行率", "项目预算执行率", "预算调整率", "公用经费控制率", "三公经费控制率"]
    assert level2_under_execution == ["预算执行进度", "预算调整", "支出控制"]
    # 填报率 (indicator_actual_share) counted indicators invented at data entry: gone
    assert "indicator_actual_share" not in {leaf.input for leaf in fw.leaves()}


def test_frameworks_say_where_they_come_from() -> None:
    xt = load_named("xiangtan-2024", DATA)
    assert xt.source.reconstructed and "湘潭市民政局" in xt.source.document and xt.source.reasoning
    assert not xt.official and xt.score_label == "测算得分"
    common = load_named("common", DATA)
    assert common.source.reconstructed and common.source.document == "" and "本书" in common.source.reasoning
    assert "依据：《2024年湘潭市民政局" in xt.source.text() and "本书重构：" in xt.source.text()


def test_common_framework_levels() -> None:
    fw = load_named("common", DATA)
    assert [(t.name, t.weight) for t in fw.indicators] == [
        ("投入", D(20)), ("过程", D(30)), ("产出", D(25)), ("效果", D(25))]


def _leaves_by_fact(fw: Framework) -> dict[str, list[str]]:
    by_fact: dict[str, list[str]] = {}
    for leaf in fw.leaves():
        facts = {fact for name in leaf.inputs() for fact in INPUTS[name].facts}
        for fact in facts:
            by_fact.setdefault(fact, []).append(leaf.code)
    return by_fact


def test_every_input_declares_its_facts() -> None:
    assert all(spec.facts for spec in INPUTS.values())
    # the pairs issue 13 names are one fact each
    assert set(INPUTS["adjustment_rate"].facts) & set(INPUTS["adjustment_reporting"].facts)
    assert set(INPUTS["execution_rate"].facts) & set(INPUTS["fiscal_carryover_rate"].facts)


@pytest.mark.parametrize("path", sorted((DATA / "frameworks").glob("*.yaml")), ids=lambda p: p.stem)
def test_one_fact_costs_points_in_one_indicator(path: Path) -> None:
    shared = {fact: codes for fact, codes in _leaves_by_fact(load_framework(path)).items() if len(codes) > 1}
    assert shared == {}, f"{path.name}: one fact scored by several indicators: {shared}"


def test_fact_walker_catches_a_double_count(tmp_path: Path) -> None:
    text = VALID.format(name="test-fw").replace(
        "rule: banded\n            input: adjustment_rate\n            params:\n              bands:\n"
        "                - {bound: 0, points: 20}\n                - {bound: 10, points: 10}\n",
        "rule: qualitative\n            input: adjustment_reporting\n            params: {}\n")
    text = text.replace("input: execution_rate", "input: adjustment_rate").replace(
        "rule: proportional", "rule: reverse")
    fw = load_framework(write(tmp_path, text))
    assert _leaves_by_fact(fw)["budget_adjustment"] == ["A11", "A12"]


@pytest.mark.parametrize("path", sorted((DATA / "frameworks").glob("*.yaml")), ids=lambda p: p.stem)
def test_qualitative_fractions_consistent_within_a_framework(path: Path) -> None:
    fractions = {str(sorted(leaf.params.get("fractions", {}).items())) for leaf in load_framework(path).leaves()
                 if leaf.rule == "qualitative"}
    assert len(fractions) <= 1


@pytest.mark.parametrize("name", ["xiangtan-2024", "common"])
def test_shipped_weights_sum_everywhere(name: str) -> None:
    fw = load_named(name, DATA)
    assert sum(t.weight for t in fw.indicators) == 100
    for node in fw.walk():
        if node.children:
            assert sum(c.weight for c in node.children) == node.weight
        assert node.level <= 3
    assert all(leaf.level == 3 for leaf in fw.leaves())
    assert all(rule_text(leaf) for leaf in fw.leaves())


def test_rule_text_banded() -> None:
    fw = load_named("xiangtan-2024", DATA)
    assert rule_text(fw.find("A21")) == "预算调整率不高于0%得8分，不高于10%得6分，不高于20%得4分，不高于30%得2分，其余得0分"


def test_framework_path_name_or_file(tmp_path: Path) -> None:
    assert framework_path("common", "data") == Path("data/frameworks/common.yaml")
    assert framework_path(str(tmp_path / "x.yaml")) == tmp_path / "x.yaml"


def test_resolve_framework_name_path_or_error(tmp_path: Path) -> None:
    assert resolve_framework("common", DATA) == DATA / "frameworks" / "common.yaml"
    assert resolve_framework(DATA / "frameworks" / "common.yaml", "elsewhere") == DATA / "frameworks" / "common.yaml"
    copy = write(tmp_path, VALID, "mine")
    assert resolve_framework(str(copy), DATA) == copy
    yml = tmp_path / "other.yml"
    yml.write_text("x", encoding="utf-8")
    assert resolve_framework(str(yml), DATA) == yml
    with pytest.raises(DataError) as info:
        resolve_framework(str(tmp_path / "gone.yaml"), DATA)
    assert "可用：common、xiangtan-2024" in str(info.value)


def test_default_framework_named_once_in_src() -> None:
    hits = [p for p in (ROOT / "src" / "perfeval" / "review").rglob("*.py")
            if "xiangtan-2024" in p.read_text(encoding="utf-8")]
    assert [p.name for p in hits] == ["frameworks.py"]
    text = (ROOT / "src" / "perfeval" / "review" / "frameworks.py").read_text(encoding="utf-8")
    assert text.count('"xiangtan-2024"') == 1 and 'DEFAULT_FRAMEWORK = "xiangtan-2024"' in text


def test_valid_tmp_framework_loads(tmp_path: Path) -> None:
    fw = load_framework(write(tmp_path, VALID))
    assert fw.name == "test-fw" and len(fw.leaves()) == 3
    assert fw.find("A12").params["bands"][1].points == D(10)


# --- rejections --------------------------------------------------------------------------------

def test_level1_weights_not_100(tmp_path: Path) -> None:
    text = VALID.format(name="test-fw").replace("weight: 40\n    children", "weight: 30\n    children", 1)
    text = text.replace("        weight: 40\n        children", "        weight: 30\n        children", 1)
    text = text.replace("weight: 40\n            rule: checklist", "weight: 30\n            rule: checklist", 1)
    text = text.replace("points: 25", "points: 15", 1)
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert "一级指标分值合计 90" in str(info.value)
    assert str(path) in str(info.value)


def test_children_weights_not_parent(tmp_path: Path) -> None:
    err = rejected(tmp_path, "weight: 40\n            rule: proportional", "weight: 35\n            rule: proportional")
    assert err.record == "指标 A1 执行"
    assert "下级指标分值合计 55" in err.message


def test_unknown_rule(tmp_path: Path) -> None:
    err = rejected(tmp_path, "rule: proportional", "rule: magic")
    assert err.record == "指标 A11 预算执行率" and err.field == "rule"
    assert "magic" in err.message


def test_unknown_input(tmp_path: Path) -> None:
    err = rejected(tmp_path, "input: adjustment_rate", "input: happiness_index")
    assert err.record == "指标 A12 预算调整率" and err.field == "input"
    assert "happiness_index" in err.message


def test_unknown_checklist_input(tmp_path: Path) -> None:
    err = rejected(tmp_path, "input: asset_rules_stated", "input: nonexistent")
    assert err.record == "指标 B11 制度健全" and "nonexistent" in err.message


def test_checklist_needs_bool_inputs(tmp_path: Path) -> None:
    err = rejected(tmp_path, "input: asset_rules_stated", "input: execution_rate")
    assert err.record == "指标 B11 制度健全"


def test_checklist_points_must_sum(tmp_path: Path) -> None:
    err = rejected(tmp_path, "points: 15", "points: 10")
    assert err.record == "指标 B11 制度健全" and "清单项分值合计 35" in err.message


def test_missing_params(tmp_path: Path) -> None:
    err = rejected(tmp_path, "params: {target: 100}", "params: {}")
    assert err.record == "指标 A11 预算执行率" and err.field == "params.target"


def test_band_points_above_weight(tmp_path: Path) -> None:
    err = rejected(tmp_path, "{bound: 0, points: 20}", "{bound: 0, points: 25}")
    assert err.record == "指标 A12 预算调整率"


def test_bands_out_of_order(tmp_path: Path) -> None:
    err = rejected(tmp_path, "{bound: 10, points: 10}", "{bound: -5, points: 10}")
    assert err.record == "指标 A12 预算调整率" and "递增" in err.message


def test_duplicate_code(tmp_path: Path) -> None:
    err = rejected(tmp_path, "code: A12", "code: A11")
    assert "重复" in err.message


def test_leaf_without_rule(tmp_path: Path) -> None:
    err = rejected(tmp_path, "            rule: proportional\n", "")
    assert err.record == "指标 A11 预算执行率" and err.field == "rule"


def test_unknown_key(tmp_path: Path) -> None:
    err = rejected(tmp_path, "rule: proportional", "rule: proportional\n            wieght: 3")
    assert err.record == "指标 A11 预算执行率" and "wieght" in err.message


def test_too_deep(tmp_path: Path) -> None:
    deeper = ("rule: proportional\n            input: execution_rate\n            params: {target: 100}\n")
    nested = ("children:\n              - code: A111\n                name: 太深\n                weight: 40\n"
              "                rule: proportional\n                input: execution_rate\n"
              "                params: {target: 100}\n")
    err = rejected(tmp_path, deeper, nested)
    assert err.record == "指标 A111 太深" and "3" in err.message


def test_name_must_match_file(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(VALID.format(name="test-fw"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert info.value.field == "name"


def test_pipe_in_name_rejected(tmp_path: Path) -> None:
    err = rejected(tmp_path, "name: 制度健全", "name: 制度|健全")
    assert err.field == "name"


def test_qualitative_fraction_outside_band(tmp_path: Path) -> None:
    text = VALID.format(name="test-fw").replace(
        "rule: banded\n            input: adjustment_rate\n            params:\n              bands:\n"
        "                - {bound: 0, points: 20}\n                - {bound: 10, points: 10}\n",
        "rule: qualitative\n            input: adjustment_reporting\n            params:\n"
        "              fractions: {partly: 0.9}\n")
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert info.value.record == "指标 A12 预算调整率" and info.value.field == "params.fractions.partly"


def test_missing_framework_names_available(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_named("nope", DATA)
    assert "common" in str(info.value) and "nope.yaml" in str(info.value)


# --- source and official ----------------------------------------------------------------------

def test_source_required(tmp_path: Path) -> None:
    text = VALID.format(name="test-fw").replace("source:\n  reconstructed: true\n  reasoning: 测试用的重构指标体系\n", "")
    with pytest.raises(DataError) as info:
        load_framework(write(tmp_path, text))
    assert info.value.field == "source" and "reconstructed" in info.value.message


def test_reconstructed_needs_reasoning(tmp_path: Path) -> None:
    err = rejected(tmp_path, "  reasoning: 测试用的重构指标体系\n", "")
    assert err.field == "source.reasoning"


def test_source_document_alone(tmp_path: Path) -> None:
    text = VALID.format(name="test-fw").replace("  reconstructed: true\n  reasoning: 测试用的重构指标体系\n",
                                                "  document: 《某市部门整体支出绩效评价指标体系》\n  number: 某财绩〔2024〕1号\n")
    fw = load_framework(write(tmp_path, text))
    assert fw.source.document.startswith("《某市") and fw.source.number == "某财绩〔2024〕1号" and not fw.official
    official = load_framework(write(tmp_path, "official: true\n" + text))
    assert official.official and official.score_label == "复核得分"


def test_official_needs_a_document(tmp_path: Path) -> None:
    path = write(tmp_path, "official: true\n" + VALID.format(name="test-fw"))
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert info.value.field == "official"


def test_unknown_source_key(tmp_path: Path) -> None:
    err = rejected(tmp_path, "  reconstructed: true\n", "  reconstructed: true\n  author: 某人\n")
    assert err.field == "source.author"


# --- shapes registry ---------------------------------------------------------------------------

def test_shape_registry_like_papermill_engines() -> None:
    registry = ShapeRegistry()
    registry.register("proportional", Proportional)
    assert registry.get("proportional") is Proportional and registry.names() == ["proportional"]
    with pytest.raises(KeyError):
        registry.get("magic")
    with pytest.raises(ValueError):
        registry.register("proportional", Proportional)
    assert rule_shapes.names() == ["proportional", "reverse", "deduction", "banded", "qualitative", "checklist"]


def test_describe_every_shape() -> None:
    fw = load_named("common", DATA)
    assert rule_text(fw.find("P12")) == "预算调整率未超过5%得满分，每超过1个百分点扣0.1分，扣完为止"
    assert rule_text(fw.find("P13")) == "三公经费控制率不高于100%得满分3分，超过时按100%与三公经费控制率之比计分"
    assert rule_text(fw.find("P11")) == "预算执行率达到100%得满分7分，未达到时按预算执行率占100%的比例计分"
    assert rule_text(fw.find("P14")) == "项目预算执行率不低于90%得3分，不低于80%得2分，不低于60%得1分，其余得0分"
    assert rule_text(fw.find("P15")) == "政府采购执行率达到100%得满分2分，未达到时按政府采购执行率占100%的比例计分"
    assert rule_text(fw.find("I23")) == "在职人员控制率不高于100%得满分2分，超过时按100%与在职人员控制率之比计分"
    assert rule_text(fw.find("P21")) == "制定内部财务管理制度（2分）；制定资产管理制度（2分）：是得分，否不得分"
