"""General rules of import-report written after the held-out measurement (docs/importer.md), each tested on
report text written for this test, never on a held-out report's sentence: lists of bodies under a heading the
registry does not spell as written, a figure stated for the unit as a whole, budget items named as goal headings,
people in post qualified as the establishment, and the spellings a registry spelling implies.

Every expected value is read by hand from the text written here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfeval.importer import extract, normalize
from perfeval.importer.labelled import suffix_entries
from perfeval.importer.lists import list_field
from perfeval.importer.partial import get_path
from perfeval.model.files import read_yaml

from .import_helpers import main

D = Decimal


def _draft(text: str, year: int = 2024) -> tuple[dict[str, Any], dict[str, str]]:
    found = extract(normalize(text), code="test-unit", year=year, unit_name="示例县交通运输局")
    return found.data, found.sources


# --- lists of bodies under other heading words --------------------------------------------------------------

@pytest.mark.parametrize("heading, names, path", [
    ("现设科室：", ["办公室", "财务科", "业务科"], "unit.internal_units"),      # the registry's noun (内设科室)
    ("（二）设有股室：", ["综合股", "财务股", "项目管理股"], "unit.internal_units"),  # a noun it lacks: bodies set up
    ("下设事业单位2个：", ["县公路养护中心", "县路政大队"], "unit.sub_units"),        # the registry's noun (事业单位)
    ("下设直属机构：", ["甲中心", "乙站"], None),             # 下设 with a noun it lacks: may be subordinate units
    ("设有奖项：", ["一等奖", "二等奖"], None),               # not bodies
    ("主要任务：", ["办公室", "财务科"], None),               # not a heading of setting up
])
def test_the_list_a_heading_introduces(heading: str, names: list[str], path: str | None) -> None:
    assert list_field(heading, names) == path


def test_offices_listed_under_another_heading_word() -> None:
    data, sources = _draft("一、单位基本情况\n（一）机构设置\n本局设有股室：综合股、规划建设股、养护管理股和财务股。\n"
                           "下设事业单位2个：县公路养护中心、县路政大队。\n")
    assert get_path(data, "unit.internal_units") == ["综合股", "规划建设股", "养护管理股", "财务股"]
    assert get_path(data, "unit.sub_units") == ["县公路养护中心", "县路政大队"]
    assert get_path(data, "stated_counts.sub_units") == 2
    assert sources["unit.internal_units"].startswith("本局设有股室")


# --- a figure stated for the unit as a whole ----------------------------------------------------------------

def test_a_unit_total_with_its_items_is_the_total_they_add_up_to() -> None:
    data, _ = _draft("三、预算情况\n2024年度，本单位年初预算数为500.00万元，其中基本支出300.00万元、项目支出200.00万元。\n"
                     "全年预算数为812.50万元，其中财政拨款收入800.00万元，其他收入12.50万元。\n")
    assert get_path(data, "expenditure.total.budget") == D("500.00")
    assert (get_path(data, "expenditure.basic.budget"), get_path(data, "expenditure.project.budget")) == (
        D("300.00"), D("200.00"))
    assert get_path(data, "income.total.adjusted") == D("812.50")
    note = data["annotations"]["expenditure.total.budget"]
    assert note["inferred"] is True and "基本支出" in note["note"] and "支出合计" in note["note"]


@pytest.mark.parametrize("sentence", [
    "全年预算数为768.83万元。",                                       # no items: 收入 or 支出?
    "全年预算数为300.00万元，其中人员经费100.00万元，公用经费200.00万元。",  # 基本支出 or 支出合计?
    "项目全年预算数为50.00万元，其中中央资金30.00万元。",                 # a project's, items the registry lacks
    "全年预算数为90.00万元，其中基本支出60.00万元，培训经费30.00万元。",     # an item the registry does not know
])
def test_a_unit_total_the_words_do_not_settle_is_left_unmapped(sentence: str, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("2024年度示例县交通运输局部门整体支出绩效自评报告\n三、预算情况\n" + sentence + "\n", encoding="utf-8")
    out = tmp_path / "data" / "2024" / "test-unit.yaml"
    assert main(["import-report", str(report), "--code", "test-unit", "-o", str(out)]) == 0
    data = read_yaml(out)
    for section in ("income", "expenditure"):
        assert get_path(data, f"{section}.total") is None, sentence
    unmapped = [u["figure"] for u in read_yaml(out.with_name("test-unit.sources.yml"))["unmapped"]]
    total = sentence.split("为")[1].split("万元")[0]
    assert f"{total}万元" in unmapped


# --- budget items named as goal headings ------------------------------------------------------------------

def test_budget_items_set_out_as_goal_headings_are_the_units_projects() -> None:
    data, sources = _draft("（三）部门整体支出绩效目标\n1.农村公路养护经费：完成农村公路养护里程120公里以上。\n"
                           "2.渡口安全管理补助：全年渡口安全事故0起。\n3.安全生产目标：不发生较大安全事故。\n")
    assert [g["number"] for g in data["goals"]] == [1, 2, 3]
    assert [p["name"] for p in data["projects"]] == ["农村公路养护经费", "渡口安全管理补助"]
    assert all(set(p) == {"name"} for p in data["projects"])          # no figure invented for them
    assert "绩效目标" in sources["projects[0].name"]


def test_a_goal_heading_already_listed_as_a_project_is_not_listed_twice() -> None:
    data, _ = _draft("（三）部门整体支出绩效目标\n1.农村公路养护经费：完成农村公路养护里程120公里以上。\n"
                     "四、项目支出情况\n项目支出包括：\n农村公路养护经费\n渡口安全管理补助\n")
    assert [p["name"] for p in data["projects"]] == ["农村公路养护经费", "渡口安全管理补助"]


# --- the establishment, and spellings the registry implies ---------------------------------------------------

def test_people_in_post_qualified_as_the_establishment() -> None:
    data, _ = _draft("截至2024年12月31日，经核定编制的在职人员为28人，年末在职人员26人，另有临时职工12人、聘用工人3人、"
                     "退休员工5人。\n")
    staffing = data["staffing"]
    assert (staffing["approved"], staffing["actual"]) == (28, 26)
    assert (staffing["temporary"], staffing["hired"], staffing["retired"]) == (12, 3, 5)


def test_a_count_of_people_in_post_is_not_the_establishment_when_it_says_it_is_actual() -> None:
    data, _ = _draft("核定编制20人，实有编制内在职人员18人。\n")
    assert (data["staffing"]["approved"], data["staffing"]["actual"]) == (20, 18)


def test_spellings_implied_by_the_registry() -> None:
    # 实有车辆数 / 车辆实有数 → 实有车辆, 车辆实有 (the trailing 数 the registry's normalize drops)
    found = suffix_entries("公务用车车辆实有", "辆", ("count",))
    assert found is not None and [e.path for e in found[0]] == ["vehicles.actual"]
    found = suffix_entries("另有退休工人", "人", ("headcount",))
    assert found is not None and [e.path for e in found[0]] == ["staffing.retired"]
    assert suffix_entries("另有退休工人", "万元", ("headcount",)) is None        # a unit that does not fit
    assert suffix_entries("编制员工", "人", ("headcount",)) is None             # an establishment is not people


# --- what the importer arranged, as the readers say it ---------------------------------------------------------

SEED = Path(__file__).resolve().parent / "fixtures" / "seed-xiangtan-minzheng-2024.txt"
ROOT = Path(__file__).resolve().parents[1]


def _imported(report: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = tmp_path / "data" / "2024" / "test-unit.yaml"
    assert main(["import-report", str(report), "--code", "test-unit", "--year", "2024", "-o", str(out), *extra]) == 0
    return read_yaml(out)


def test_completions_paired_by_content_keep_the_reports_numbers(tmp_path: Path) -> None:
    # The seed's eight completion statements are in another order than its goals; the hand-made data file
    # (data/2024/xiangtan-minzheng.yaml, written from the report by reading it) gives each goal its completion's number.
    draft = _imported(SEED, tmp_path)
    by_hand = read_yaml(ROOT / "data" / "2024" / "xiangtan-minzheng.yaml")
    assert [g.get("completion_number") for g in draft["goals"]] == [g["completion_number"] for g in by_hand["goals"]]
    assert [g.get("completion_number") for g in draft["goals"]] == [1, 4, 7, 2, 5, 6, 3, 8]


def test_the_seed_draft_says_what_was_built_from_sentences(tmp_path: Path) -> None:
    # Indicators from goal sentences, outputs from project paragraphs, the 自评表 from "…得分为30分" sentences.
    assert _imported(SEED, tmp_path)["arranged"] == {"indicators": True, "self_scores": True, "outputs": True}


def test_a_score_table_of_the_report_is_not_arranged(tmp_path: Path) -> None:
    # A 自评表 as the report's own table (score rows by 一/二/三级指标, a blank cell written —), goals stated as a
    # numbered list with their results: the indicators come from sentences, the 自评表 does not.
    report = tmp_path / "report.txt"
    report.write_text(
        "示例县交通运输局2024年度部门整体支出绩效自评报告\n"
        "年度总体目标\n预期目标：1.完成农村公路养护里程120公里；2.开展安全培训12场。\n"
        "实际完成情况：1.完成农村公路养护里程126公里；2.开展安全培训12场。\n"
        "绩效指标\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因\n"
        "产出指标\t数量指标\t养护里程\t≥120公里\t126公里\t20\t20\t—\n"
        "产出指标\t数量指标\t安全培训场次\t≥12场\t12场\t10\t10\t—\n", encoding="utf-8")
    draft = _imported(report, tmp_path)
    assert [s["part"] for s in draft["self_scores"] if s.get("weight") is not None] == ["养护里程", "安全培训场次"]
    assert draft["arranged"] == {"indicators": True}


# --- rectification of last year's problems (issue 22) -------------------------------------------------------

REPORTS = Path(__file__).resolve().parent / "reports"


def test_rectification_of_a_hunan_report(tmp_path: Path) -> None:
    draft = _imported(REPORTS / "hunan_rectification.txt", tmp_path)
    entries = draft["rectification"]
    assert [(e["problem"], e.get("status"), e.get("number")) for e in entries] == [
        ("预算编制不够精准", "已整改", None), ("绩效目标设置不够细化", "整改中", None),
        ("资产登记不及时", "未整改", None), ("部分项目资金拨付滞后", "已整改", None)]
    assert str(entries[0]["completed"]) == "2024-06-30"
    assert str(entries[3]["completed"]) == "2024-05-31"                      # "2024年5月底": the month's last day
    assert draft["annotations"]["rectification[3].completed"]["as_written"] == "2024年5月底"
    assert "completed" not in entries[1] and "completed" not in entries[2]
    assert entries[2]["description"] == "因资产清查工作尚未结束，暂未整改。"
    # This year's problems are its own section, not last year's.
    assert [p["problem"] for p in draft["problems"]] == ["部分项目支出进度偏慢。", "绩效自评工作深度不够。"]
    sidecar = read_yaml(tmp_path / "data" / "2024" / "test-unit.sources.yml")
    assert sidecar["sources"]["rectification[1].problem"].startswith("（二）关于“绩效目标设置不够细化”的问题")
    assert sidecar["sources"]["rectification[1].status"].startswith("正在整改")


def test_rectification_of_a_guangdong_report(tmp_path: Path) -> None:
    draft = _imported(REPORTS / "guangdong_rectification.txt", tmp_path)
    entries = draft["rectification"]
    assert [(e["problem"], e.get("status"), e.get("number")) for e in entries] == [
        ("部分项目资金支出进度较慢", "已整改", 1), ("固定资产账实不符", "整改中", 2), ("政府采购意向公开不及时", None, 3)]
    assert entries[0]["description"] == "已完成整改，建立月度支出通报制度，全年预算执行率达98%。"
    assert "completed" not in entries[0]           # no date stated
    assert (draft["staffing"]["approved"], draft["staffing"]["actual"]) == (25, 23)


def test_a_blanket_statement_names_no_problem(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("示例县水务局2024年度部门整体支出绩效自评报告\n三、上年度绩效评价问题整改落实情况\n"
                      "上年度绩效评价发现的问题已全部整改到位。\n四、存在的问题\n1.预算执行进度偏慢。\n", encoding="utf-8")
    draft = _imported(report, tmp_path)
    assert "rectification" not in draft and [p["problem"] for p in draft["problems"]] == ["预算执行进度偏慢。"]
    notes = read_yaml(tmp_path / "data" / "2024" / "test-unit.sources.yml")["notes"]
    assert any("未逐项列示" in n for n in notes)


@pytest.mark.parametrize("words, status", [
    ("已整改到位，下一步将持续整改巩固成效。", "已整改"), ("未整改到位，正在推进。", "整改中"),
    ("基本整改到位。", "整改中"), ("尚未整改。", "未整改"), ("已制定整改方案。", None),
    ("计划于2025年6月底前完成整改。", "整改中"), ("2024年5月底前完成整改。", "已整改")])
def test_the_status_an_item_states(words: str, status: str | None) -> None:
    from perfeval.importer.rectification import status_of

    found = status_of(words)
    assert (found[0] if found else None) == status


def test_the_year_a_cover_line_states(tmp_path: Path) -> None:
    # "评价年度：2024" on a Guangdong cover, with no year in any title: the year the report evaluates.
    out = tmp_path / "data" / "2024" / "test-unit.yaml"
    assert main(["import-report", str(REPORTS / "guangdong_rectification.txt"), "--code", "test-unit", "-o", str(out)]) == 0
    assert read_yaml(out)["year"] == 2024
    assert "取自封面评价年度" in read_yaml(out.with_name("test-unit.sources.yml"))["sources"]["year"]
