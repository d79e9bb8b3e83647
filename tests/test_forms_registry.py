"""The forms registry (perfeval.model.forms): one table of every form row and field, read against the schema
and against the labels real reports write (the seed, the thirteen digests in tests/fixtures/real-reports,
tests/reports). Every (label, field) pair below was read by hand from those files; each label is checked to
occur in its file, so the table cannot drift from the real text."""

from __future__ import annotations

import typing
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from perfeval.model import forms
from perfeval.model.messages import inner_model
from perfeval.model.schema import Amounts, DepartmentYear, Item, SourceUnit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPORTS = Path(__file__).resolve().parent / "reports"
SOURCES = {
    "seed": FIXTURES / "seed-xiangtan-minzheng-2024.txt",
    **{name: FIXTURES / "real-reports" / f"{name}.txt" for name in (
        "02_yuanling_huochangxiang", "04_yueyanglou_wenlvguangti", "06_nanxian_zhengxie", "07_yueyanglou_zhengfuban",
        "10_yueyangxian_rongwanhu", "12_unknown_jichushuju_2018", "13_huaihua_minzhengju", "15_xuwen_xiaqiaozhen",
        "18_xuwen_difanggongluju", "20_xundian_renda", "22_xundian_xianweiban", "26_jinzhai_chagu_zhongxin",
        "28_zhouqu_chengguan_weishengfuwu")},
    "county": REPORTS / "hunan_county_selfeval.txt",
    "html": REPORTS / "small_report.html",
    "scores": REPORTS / "city_score_table.txt",
}

#: (source, label exactly as written there, the field it names). Read by hand.
WRITTEN: list[tuple[str, str, str]] = [
    # the seed (湘潭市民政局): narrative
    ("seed", "财政拨款收入", "income.appropriation"),
    ("seed", "年中调整预算数", "adjustment.amount"),
    ("seed", "基本支出情况", "expenditure.basic"),
    ("seed", "人员经费", "expenditure.personnel"),
    ("seed", "公用经费", "expenditure.public"),
    ("seed", "项目支出情况", "expenditure.project"),
    ("seed", "非税收入拨款", "income.special_account"),
    ("seed", "其他收入", "income.other"),
    ("seed", "商品服务支出", "expenditure.public"),
    ("seed", "公务接待", "sangong.reception"),
    ("seed", "公务车运行维护费", "sangong.vehicle_operation"),
    ("seed", "公务用车运行维护费", "sangong.vehicle_operation"),
    ("seed", "公务接待费", "sangong.reception"),
    ("seed", "出国（境）支出", "sangong.overseas"),
    ("seed", "“三公”经费总额", "sangong.total"),
    ("seed", "财政拨款结转结余资金", "carryover.fiscal"),
    ("seed", "非财政拨款结转资金", "carryover.non_fiscal"),
    ("seed", "年度预算金额", "unit.annual_budget"),
    ("seed", "主管部门", "unit.supervisor"),
    ("seed", "单位名称", "unit.name"),
    # 04 岳阳楼区文旅广体局: 基础数据表
    ("04_yueyanglou_wenlvguangti", "预算单位名称", "unit.name"),
    ("04_yueyanglou_wenlvguangti", "编制数", "staffing.approved"),
    ("04_yueyanglou_wenlvguangti", "2023年实际在职人数", "staffing.actual"),
    ("04_yueyanglou_wenlvguangti", "控制率", "staffing.stated_control_rate"),
    ("04_yueyanglou_wenlvguangti", "三公经费", "sangong.total"),
    ("04_yueyanglou_wenlvguangti", "1、公务用车购置和维护经费", "sangong.vehicle"),
    ("04_yueyanglou_wenlvguangti", "公车购置", "sangong.vehicle_purchase"),
    ("04_yueyanglou_wenlvguangti", "公车运行维护", "sangong.vehicle_operation"),
    ("04_yueyanglou_wenlvguangti", "2、出国经费", "sangong.overseas"),
    ("04_yueyanglou_wenlvguangti", "3、公务接待", "sangong.reception"),
    ("04_yueyanglou_wenlvguangti", "项目支出:", "expenditure.project"),
    ("04_yueyanglou_wenlvguangti", "政府采购金额", "procurement"),
    ("04_yueyanglou_wenlvguangti", "部门基本支出预算调整", "basic_budget_adjustment"),
    ("04_yueyanglou_wenlvguangti", "批复规模(m²)", "buildings.approved_area"),
    ("04_yueyanglou_wenlvguangti", "实际规模(m²)", "buildings.actual_area"),
    ("04_yueyanglou_wenlvguangti", "规模控制率", "buildings.stated_area_control_rate"),
    ("04_yueyanglou_wenlvguangti", "预算投资(万元)", "buildings.budget"),
    ("04_yueyanglou_wenlvguangti", "实际投资(万元)", "buildings.actual"),
    ("04_yueyanglou_wenlvguangti", "投资概算控制", "buildings.stated_investment_control_rate"),
    ("04_yueyanglou_wenlvguangti", "厉行节约保障措施", "management.thrift_measures"),
    # 06 南县政协, 02 火场乡: narrative
    ("06_nanxian_zhengxie", "财政拨款收入", "income.appropriation"),
    ("06_nanxian_zhengxie", "人员经费支出", "expenditure.personnel"),
    ("06_nanxian_zhengxie", "公用经费支出", "expenditure.public"),
    ("02_yuanling_huochangxiang", "基本支出", "expenditure.basic"),
    ("02_yuanling_huochangxiang", "行政编制", "staffing.approved_admin"),
    ("02_yuanling_huochangxiang", "事业编制", "staffing.approved_institution"),
    # 07 / 10 Yueyang covers and by-unit tables
    ("07_yueyanglou_zhengfuban", "部门（单位）名称", "unit.name"),
    ("07_yueyanglou_zhengfuban", "预算编码", "cover.budget_code"),
    ("07_yueyanglou_zhengfuban", "评价方式", "cover.evaluation_method"),
    ("07_yueyanglou_zhengfuban", "评价机构", "cover.evaluator"),
    ("07_yueyanglou_zhengfuban", "报告日期", "cover.report_date"),
    ("07_yueyanglou_zhengfuban", "人员编制", "staffing.approved"),
    ("07_yueyanglou_zhengfuban", "实有人数", "staffing.actual"),
    ("10_yueyangxian_rongwanhu", "报告期", "cover.report_date"),
    ("10_yueyangxian_rongwanhu", "机构名称", "income_by_unit.name"),
    ("10_yueyangxian_rongwanhu", "收入合计", "income_by_unit.total"),
    ("10_yueyangxian_rongwanhu", "公共财政拨款", "income_by_unit.appropriation"),
    ("10_yueyangxian_rongwanhu", "政府基金拨款", "income_by_unit.government_fund"),
    ("10_yueyangxian_rongwanhu", "纳入专户管理的非税收入拨款", "income_by_unit.special_account"),
    ("10_yueyangxian_rongwanhu", "其他收入", "income_by_unit.other"),
    # 12: a Hunan 基础数据表 and 指标表
    ("12_unknown_jichushuju_2018", "财政供养人员情况", "staffing"),
    ("12_unknown_jichushuju_2018", "公用经费（合计行为空）", "public_funds.total"),
    ("12_unknown_jichushuju_2018", "标准", "self_scores.criteria"),
    ("12_unknown_jichushuju_2018", "说明", "self_scores.reason"),
    ("12_unknown_jichushuju_2018", "得分", "self_scores.score"),
    # 13 怀化市民政局
    ("13_huaihua_minzhengju", "核定行政编制", "staffing.approved_admin"),
    ("13_huaihua_minzhengju", "机关工勤编制", "staffing.approved_worker"),
    ("13_huaihua_minzhengju", "实有干部职工", "staffing.actual"),
    ("13_huaihua_minzhengju", "在职行政编", "staffing.actual_admin"),
    ("13_huaihua_minzhengju", "机关工勤编", "staffing.actual_worker"),
    ("13_huaihua_minzhengju", "在职事业编", "staffing.actual_institution"),
    ("13_huaihua_minzhengju", "退休干部职工", "staffing.retired"),
    ("13_huaihua_minzhengju", "下设直属单位", "unit.sub_units"),
    ("13_huaihua_minzhengju", "设正科级内设机构", None),      # a sentence, not a label: matches nothing
    # 15, 18 徐闻
    ("15_xuwen_xiaqiaozhen", "机构核定编制", None),
    ("15_xuwen_xiaqiaozhen", "核定编制", "staffing.approved"),
    ("15_xuwen_xiaqiaozhen", "财政拨款收入合计", "income.appropriation"),
    ("15_xuwen_xiaqiaozhen", "财政拨款支出合计", "expenditure.total"),
    ("18_xuwen_difanggongluju", "评价年度", "year"),
    ("18_xuwen_difanggongluju", "评价单位（公章）", "cover.evaluated_unit"),
    ("18_xuwen_difanggongluju", "填报日期", "cover.fill_date"),
    ("18_xuwen_difanggongluju", "财政核定编制在职人员", "staffing.approved"),
    ("18_xuwen_difanggongluju", "年末实有在职人员", "staffing.actual"),
    ("18_xuwen_difanggongluju", "退休人员", "staffing.retired"),
    ("18_xuwen_difanggongluju", "临时工人", "staffing.temporary"),
    # 20, 22 寻甸
    ("20_xundian_renda", "核定编制", "staffing.approved"),
    ("20_xundian_renda", "行政编制", "staffing.approved_admin"),
    ("20_xundian_renda", "行政工勤编制", "staffing.approved_worker"),
    ("20_xundian_renda", "机关工勤人员", "staffing.actual_worker"),
    ("20_xundian_renda", "离退休人员", "staffing.retirees"),
    ("20_xundian_renda", "退休", "staffing.retired"),
    ("20_xundian_renda", "离休", "staffing.retired_veteran"),
    ("20_xundian_renda", "内设人大机构", "unit.internal_units"),
    ("22_xundian_xianweiban", "机关行政编制", "staffing.approved_admin"),
    ("22_xundian_xianweiban", "事业编制", "staffing.approved_institution"),
    ("22_xundian_xianweiban", "内设科室领导职数", None),
    ("22_xundian_xianweiban", "领导职数", "staffing.posts.count"),
    ("22_xundian_xianweiban", "核定公务用车车辆编制", "vehicles.approved"),
    ("22_xundian_xianweiban", "在职实有", "staffing.actual"),
    ("22_xundian_xianweiban", "实有车辆", "vehicles.actual"),
    # 26 Anhui 自评表
    ("26_jinzhai_chagu_zhongxin", "年初预算数", "self_funds.initial"),
    ("26_jinzhai_chagu_zhongxin", "全年预算数", "self_funds.full_year"),
    ("26_jinzhai_chagu_zhongxin", "全年执行数", "self_funds.executed"),
    ("26_jinzhai_chagu_zhongxin", "分值", "self_funds.weight"),
    ("26_jinzhai_chagu_zhongxin", "执行率", "self_funds.stated_rate"),
    ("26_jinzhai_chagu_zhongxin", "得分", "self_funds.score"),
    ("26_jinzhai_chagu_zhongxin", "当年财政拨款", "income.appropriation"),
    ("26_jinzhai_chagu_zhongxin", "上年结转资金", "income.carryover"),
    ("26_jinzhai_chagu_zhongxin", "其他资金", "income.other"),
    ("26_jinzhai_chagu_zhongxin", "一级指标", "self_scores.part"),
    ("26_jinzhai_chagu_zhongxin", "三级指标", "self_scores.part"),
    ("26_jinzhai_chagu_zhongxin", "年度指标值", "self_scores.target"),
    ("26_jinzhai_chagu_zhongxin", "实际完成值", "self_scores.actual"),
    ("26_jinzhai_chagu_zhongxin", "分值", "self_scores.weight"),
    ("26_jinzhai_chagu_zhongxin", "偏差原因分析及改进措施", "self_scores.reason"),
    ("28_zhouqu_chengguan_weishengfuwu", "招聘职工", "staffing.hired"),
    ("28_zhouqu_chengguan_weishengfuwu", "基本支出", "expenditure.basic"),
    # tests/reports
    ("county", "编制数", "staffing.approved"),
    ("county", "实有人数", "staffing.actual"),
    ("county", "年中追加", "adjustment.amount"),
    ("county", "年末财政拨款结转结余", "carryover.fiscal"),
    ("county", "“三公”经费", "sangong.total"),
    ("county", "1、公务用车购置", "sangong.vehicle_purchase"),
    ("county", "2、公务用车运行维护", "sangong.vehicle_operation"),
    ("county", "4、因公出国（境）", "sangong.overseas"),
    ("county", "其中：人员经费", "expenditure.personnel"),
    ("scores", "年度预算金额", "unit.annual_budget"),
    ("scores", "公务用车运行维护费", "sangong.vehicle_operation"),
    ("html", "单位名称", "unit.name"),
    ("scores", "自评得分", "self_scores.score"),
]

#: (source, a spelling that names one column of a money row, the row, the column).
BY_COLUMN = [
    ("seed", "财政年初预算拨款", "income.appropriation", "budget"),
    ("seed", "财政预算拨款", "income.appropriation", "budget"),
    ("seed", "预算收入预算总数", "income.total", "budget"),
    ("seed", "部门预算支出预算总数", "expenditure.total", "budget"),
    ("seed", "“三公经费”预算批复数", "sangong.total", "budget"),
    ("scores", "年初预算拨款", "income.appropriation", "budget"),
    ("scores", "预算收入总数", "income.total", "budget"),
    ("scores", "支出预算总数", "expenditure.total", "budget"),
]


@pytest.mark.parametrize(("source", "label", "path"), WRITTEN, ids=[f"{s}:{lbl}" for s, lbl, _ in WRITTEN])
def test_a_label_as_written_in_a_real_report_names_its_field(source: str, label: str, path: str | None) -> None:
    text = SOURCES[source].read_text(encoding="utf-8")
    assert label in text, f"{label!r} is not written in {source}"
    if path is None:
        assert forms.match(label) == []
    elif path in {s.key for s in forms.SECTIONS}:
        assert forms.match_section(label) == forms.section(path)
    else:
        entry = forms.entry(path)
        assert entry in forms.match(label), (label, [e.path for e in forms.match(label)])
        assert forms.match(label, section=entry.section, kind=entry.kind) == [entry]


@pytest.mark.parametrize(("source", "label", "path", "column"), BY_COLUMN)
def test_a_spelling_can_name_one_column_of_a_row(source: str, label: str, path: str, column: str) -> None:
    assert label in SOURCES[source].read_text(encoding="utf-8")
    assert forms.entry(path) in forms.match(label)
    assert forms.match_column(label, path) == column


# --- the registry and the schema are one -------------------------------------------------------------

def _schema_paths(model: type[BaseModel] = DepartmentYear, prefix: str = "") -> dict[str, typing.Any]:
    """Every field path of the schema (list items walked into, no indexes) → its pydantic FieldInfo."""
    out: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        out[path] = info
        inner = inner_model(info.annotation)
        if inner is not None:
            out.update(_schema_paths(inner, f"{path}."))
    return out


SCHEMA = _schema_paths()
#: Parts of the registry's sections that are not form fields (a project's outputs are goal-like prose).
NOT_FORMS = ("projects.outputs",)


def _covered(path: str) -> bool:
    """A schema leaf is covered by its own entry, or by the money row whose column it is."""
    head, _, last = path.rpartition(".")
    return forms.find(path) is not None or (last in forms.COLUMN_KEYS and forms.find(head) is not None
                                            and forms.entry(head).is_row)


def test_every_form_field_of_the_schema_has_an_entry() -> None:
    tops = {e.path.split(".")[0] for e in forms.ENTRIES}
    leaves = [p for p, info in SCHEMA.items() if inner_model(info.annotation) is None
              and p.split(".")[0] in tops and not p.startswith(NOT_FORMS)]
    missing = [p for p in leaves if not _covered(p)]
    assert not missing
    # the new fields of the forms are among them
    assert {"staffing.approved_worker", "staffing.retirees", "staffing.posts.count", "vehicles.actual",
            "cover.index_number", "stated_counts.projects", "source_units.income"} <= set(leaves)


def test_every_entry_is_a_field_of_the_schema_of_its_kind() -> None:
    for e in forms.ENTRIES:
        assert e.path in SCHEMA, e.path
        annotation = str(SCHEMA[e.path].annotation)
        if e.is_row:
            assert inner_model(SCHEMA[e.path].annotation) in (Amounts, Item), e.path
            assert e.columns == forms.COLUMN_KEYS
        elif e.kind == "money":
            assert "Decimal" in annotation, e.path
        elif e.kind in ("headcount", "count"):
            assert "int" in annotation, e.path
        elif e.kind in ("rate", "score", "area"):
            assert "Decimal" in annotation, e.path
        elif e.kind == "date":
            assert "date" in annotation, e.path
        elif e.kind == "flag":
            assert "bool" in annotation, e.path


def test_the_schema_titles_are_the_registry_s() -> None:
    wrong = {e.path: (SCHEMA[e.path].title, e.schema_title) for e in forms.ENTRIES
             if SCHEMA[e.path].title != e.schema_title}
    assert not wrong
    columns = {c.key: c.title for c in forms.AMOUNT_COLUMNS}
    assert {k: f.title for k, f in Amounts.model_fields.items()} == columns


def test_a_source_unit_is_one_of_the_registry_s() -> None:
    assert typing.get_args(SourceUnit) == forms.SOURCE_UNITS
    assert forms.entry("source_units.income").choices == forms.SOURCE_UNITS


def test_splits_name_entries_of_the_same_kind_and_columns() -> None:
    for e in forms.ENTRIES:
        for alternative in e.parts:
            for part in alternative:
                item = forms.entry(part)
                assert (item.kind, item.columns, item.section) == (e.kind, e.columns, e.section), (e.path, part)
                assert part != e.path and e.path in forms.totals_of(part)
        if e.items:
            assert e.items in SCHEMA and e.items in {p.rpartition(".")[0] for p in SCHEMA}


def test_the_known_splits() -> None:
    assert forms.entry("expenditure.total").parts == (
        ("expenditure.basic", "expenditure.project"),
        ("expenditure.personnel", "expenditure.public", "expenditure.project"))
    assert forms.items_of("sangong.total") == {"overseas": "因公出国（境）费", "vehicle_purchase": "公务用车购置费",
                                               "vehicle_operation": "公务用车运行维护费", "reception": "公务接待费"}
    assert forms.items_of("sangong.total", 1) == {"overseas": "因公出国（境）费", "vehicle": "公务用车购置和运行维护费",
                                                  "reception": "公务接待费"}
    assert list(forms.items_of("staffing.actual").values()) == ["行政实有人数", "事业实有人数", "工勤实有人数"]
    assert forms.entry("income_by_unit.total").parts[0][0] == "income_by_unit.carryover"


def test_within_a_section_and_kind_a_spelling_names_one_field() -> None:
    seen: dict[tuple[str, str, str], str] = {}
    clashes = []
    for e in forms.ENTRIES:
        for spelling in e.spellings():
            key = (e.section, e.kind, forms.normalize(spelling))
            if seen.setdefault(key, e.path) != e.path:
                clashes.append((spelling, seen[key], e.path))
    assert not clashes


# --- normalising and matching --------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "folded"), [
    ("“三公”经费合计（万元）", "三公经费"),
    ("\"三公\"经费", "三公经费"),
    ("三 公 经 费", "三公经费"),
    ("三公经费情况", "三公经费"),
    ("（一）收入情况：", "收入"),
    ("一、收入合计数", "收入"),
    ("其中：人员经费", "人员经费"),
    ("其中:人员经费", "人员经费"),
    ("１、公务接待", "公务接待"),
    ("2023年度财政拨款收入", "财政拨款收入"),
    ("部门（单位）名称", "部门名称"),
    ("部门(单位)名称", "部门名称"),
    ("因公出国（境）费", "因公出国费"),
    ("2、区级专项资金（一个专项一行）", "区级专项资金"),
    ("编制数", "编制"),
])
def test_normalize_folds_what_templates_vary(written: str, folded: str) -> None:
    assert forms.normalize(written) == folded


def test_a_figure_in_another_unit_never_matches_a_money_field() -> None:
    for label in ("实有人数", "编制数", "退休人员", "车辆编制", "内设机构个数"):
        assert forms.match(label, unit="万元") == []
        assert forms.match(label, kind="money") == []
    for label in ("公务接待费", "收入合计", "项目支出", "政府采购金额"):
        assert forms.match(label, unit="人") == [] and forms.match(label, unit="%") == []
        assert forms.match(label, unit="元") and forms.match(label, unit="亿元")
    assert [e.path for e in forms.match("实有人数", unit="名")] == ["staffing.actual"]
    assert [e.path for e in forms.match("实有车辆", unit="辆")] == ["vehicles.actual"]
    assert forms.match("实有车辆", unit="人") == []
    assert [e.path for e in forms.match("项目", unit="个")] == ["stated_counts.projects"]
    assert [e.path for e in forms.match("控制率", unit="%")] == ["staffing.stated_control_rate"]


def test_ambiguous_labels_name_every_candidate_for_the_caller_to_choose_by_section() -> None:
    # 公用经费: the 支出 split's row in a narrative, the 公用经费 table's total in a 基础数据表.
    assert {e.path for e in forms.match("公用经费")} >= {"expenditure.public", "public_funds.total"}
    assert [e.path for e in forms.match("公用经费", section="public_funds")] == ["public_funds.total"]
    assert [e.path for e in forms.match("上年结转", section="adjustment")] == ["adjustment.carryover"]


@pytest.mark.parametrize(("header", "year", "key"), [
    ("2022年决算数", 2023, "previous"), ("2023年预算数", 2023, "budget"), ("2023年决算数", 2023, "actual"),
    ("2017年决算数", 2018, "previous"), ("2018年预算数", 2018, "budget"), ("2018年决算数", 2018, "actual"),
    ("2021年决算数", 2023, None), ("2022年预算数", 2023, None), ("2023年决算数", None, None),
    ("上年决算数", None, "previous"), ("本年预算数", None, "budget"), ("调整后预算数", None, "adjusted"),
    ("本年决算数", None, "actual"), ("年初预算数", None, "budget"), ("全年预算数", None, "adjusted"),
    ("全年执行数", None, "actual"), ("分值", None, None),
])
def test_column_headers(header: str, year: int | None, key: str | None) -> None:
    assert forms.column_key(header, year) == key


def test_the_column_headers_of_the_digests_are_read() -> None:
    digest = SOURCES["04_yueyanglou_wenlvguangti"].read_text(encoding="utf-8")
    header = next(line for line in digest.splitlines() if "2022年决算数" in line)
    cells = [c.strip() for c in header.split("|")]
    cells[0] = cells[0].split()[-1]      # "经费控制情况（万元）  2022年决算数"
    assert [forms.column_key(c, 2023) for c in cells] == ["previous", "budget", "actual"]


@pytest.mark.parametrize(("value", "unit", "wan"), [
    ("7688330.13", "元", "768.833013"),     # 28: 768.833013万元 is 7,688,330.13元
    ("3.5", "亿元", "35000"),                # 10: 农发行贷款 3.5亿元
    ("1234.5", "千元", "123.45"),
    ("1595.30", "万元", "1595.30"),
    ("0.01", "元", "0.000001"),
])
def test_to_wan_is_exact(value: str, unit: str, wan: str) -> None:
    converted = forms.to_wan(Decimal(value), unit)
    assert format(converted, "f") == wan
    with pytest.raises(ValueError):
        forms.to_wan(Decimal(1), "人")


def test_written_unit_and_sections() -> None:
    assert forms.written_unit("附件6 2024年收入支出决算总表（单位:元）") == "元"
    assert forms.written_unit("经费控制情况（万元）") == "万元"
    assert forms.written_unit("财政供养人员情况（人）") == "人"
    assert forms.written_unit("收入合计") is None
    assert forms.match_section("财政供养人员情况（人）") == forms.section("staffing")
    assert forms.match_section("预算资金（万元）") == forms.section("self_funds")


def test_pattern_finds_any_spelling_in_running_text() -> None:
    found = forms.pattern(["sangong.total"]).search("2024 年末，我局“三公”经费总额为 9.32 万元")
    assert found is not None and found.group(0) == "“三公”经费总额"
    assert forms.pattern(["staffing.retired"]).search("退休干部职工96人").group(0) == "退休干部职工"  # type: ignore[union-attr]


def test_labels_and_entries_by_kind() -> None:
    assert forms.labels("income") == {"total": "收入合计", "carryover": "上年结转",
                                      "appropriation": "一般公共预算财政拨款收入", "government_fund": "政府性基金收入",
                                      "special_account": "财政专户管理资金收入", "other": "其他收入"}
    assert all(e.kind == "headcount" for e in forms.entries(kind="headcount"))
    assert {e.path for e in forms.entries(section="vehicles")} == {"vehicles.approved", "vehicles.actual"}
    assert all(e.is_row for e in forms.entries(rows=True))
    assert {e.unit for e in forms.entries(kind="money")} == {"万元"}


# --- everything reads it: the workbook, the page tables, the checks, the demo ---------------------------------

def test_the_workbook_s_rows_and_labels_are_the_registry_s() -> None:
    from perfeval.excel import layout

    form_rows = {r.key: r for form in layout.FORMS for r in form.rows}
    singles = [e for e in forms.entries(rows=False) if not layout.in_a_list(e.path)]
    assert singles and all(e.path in form_rows for e in singles)
    assert all(form_rows[e.path].label == e.schema_title for e in singles)
    assert all(form_rows[e.path].section == forms.section(e.section).title for e in singles)
    money = [e for e in forms.entries(rows=True) if not layout.in_a_list(e.path)]
    assert [(r.key, r.label) for r in layout.MONEY_SHEET.rows] == [(e.path, e.schema_title) for e in money]
    for table in layout.TABLES:
        for column in table.columns:
            path = ".".join((*table.key, *([table.child_key] if column.child and table.child_key else []),
                             *column.path))
            if forms.find(path) is not None:
                assert column.title == forms.entry(path).schema_title, path


def test_the_page_tables_use_the_registry_s_labels() -> None:
    from perfeval.model import facts
    from perfeval.pages import tables

    row = {"actual": "1"}
    rec = DepartmentYear.model_validate({
        "code": "x", "year": 2024, "unit": {"name": "某单位"},
        "income": {k: row for k in forms.labels("income")},
        "expenditure": {k: row for k in forms.labels("expenditure")},
        "sangong": {k: row for k in forms.labels("sangong")},
        "public_funds": {"total": row, "items": [{"name": "办公费", **row}]}, "procurement": row,
        "basic_budget_adjustment": row,
        "income_by_unit": [{"name": "局机关", "total": "1"}], "expenditure_by_unit": [{"name": "局机关", "total": "1"}]})
    assert list(tables.income_table(rec)["项目"]) == list(forms.labels("income").values())
    exp = [label.strip("　").removeprefix("其中：") for label in tables.expenditure_table(rec, facts.compute(rec))["项目"]]
    assert exp == list(forms.labels("expenditure").values())
    assert set(tables.sangong_table(rec)["项目"]) == set(forms.labels("sangong").values())
    assert list(tables.public_funds_table(rec)["项目"])[-1] == forms.label("public_funds.total")
    assert list(tables.other_table(rec)["项目"]) == [forms.label("procurement"), forms.label("basic_budget_adjustment")]
    columns = list(tables.by_unit_table(rec, "income").columns)
    assert columns[0] == forms.label("income_by_unit.name") and columns[1] == f"{forms.label('income.total')}（万元）"


def test_the_checks_name_rows_as_the_registry_does() -> None:
    from perfeval.model import INCOME_SOURCES, SANGONG_ITEMS
    from perfeval.review.checks import base, run_checks

    assert (base.INCOME_LABELS, base.EXPENDITURE_LABELS, base.SANGONG_LABELS) == (
        forms.labels("income"), forms.labels("expenditure"), forms.labels("sangong"))
    assert INCOME_SOURCES == forms.items_of("income.total") and SANGONG_ITEMS == forms.items_of("sangong.total")
    rec = DepartmentYear.model_validate({"code": "x", "year": 2024, "unit": {"name": "某单位"}, "income": {
        "total": {"actual": "100"}, "appropriation": {"actual": "60"}, "special_account": {"actual": "30"},
        "government_fund": {"actual": "0"}, "other": {"actual": "0"}, "carryover": {"actual": "0"}}})
    found = [f for f in run_checks(rec) if f.id == "sum.income"]
    assert len(found) == 1 and found[0].severity == "error"        # 0 + 60 + 0 + 30 + 0 = 90 against 100
    for key in forms.items_of("income.total"):
        assert forms.label(f"income.{key}") in found[0].message


def test_the_demo_writes_the_registry_s_items() -> None:
    from perfeval.model.demo import generate

    for rec in generate(4, [2024], 7):
        if rec.sangong is not None:
            stated = {k for k in forms.labels("sangong") if getattr(rec.sangong, k) is not None}
            assert set(forms.items_of("sangong.total")) <= stated
