"""Framework files: the shipped ones load; malformed ones are rejected naming file and indicator."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.errors import DataError
from perfeval.review.frameworks import available, framework_path, load_framework, load_named, rule_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

VALID = """\
name: {name}
title: 测试指标体系
description: 测试用
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
    assert leaves == ["预算执行率", "项目预算执行率", "预算调整率", "财政拨款结转结余率", "公用经费控制率", "三公经费控制率"]
    assert level2_under_execution == ["预算执行进度", "预算调整与结余", "支出控制"]


def test_common_framework_levels() -> None:
    fw = load_named("common", DATA)
    assert [(t.name, t.weight) for t in fw.indicators] == [
        ("投入", D(20)), ("过程", D(30)), ("产出", D(25)), ("效果", D(25))]
    assert fw.find("I21").missing == "na"


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
    assert rule_text(fw.find("A21")) == "预算调整率：≤0% 得 8 分，≤10% 得 6 分，≤20% 得 4 分，≤30% 得 2 分，其余得 0 分"


def test_framework_path_name_or_file(tmp_path: Path) -> None:
    assert framework_path("common", "data") == Path("data/frameworks/common.yaml")
    assert framework_path(str(tmp_path / "x.yaml")) == tmp_path / "x.yaml"


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
