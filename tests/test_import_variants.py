"""import-report on variants: every spelling of a field in the forms registry, a report in other provinces' forms
as text, web page, Word file and PDF, its sentences reordered and its labels swapped for other synonyms, the
development digests rewritten, and the places a unit's name and a title can be.

The variant report (tests/fixtures/variants/make_variants.py) was written for these tests, with figures chosen by
hand; EXPECTED below is read from it by hand, not from the importer's output.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfeval.importer import extract, import_report, normalize
from perfeval.importer.partial import get_path
from perfeval.model import forms

from .import_helpers import REAL, load_record, main

D = Decimal
VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"
_spec = importlib.util.spec_from_file_location("make_variants", VARIANTS / "make_variants.py")
assert _spec is not None and _spec.loader is not None
make_variants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_variants)

#: The variant report's figures, read by hand from make_variants.py (the 元 table: 5830000.00 元 = 583 万元 …).
EXPECTED: dict[str, Any] = {
    "year": 2024, "unit.name": "示例县乡村振兴服务中心", "cover.evaluated_unit": "示例县乡村振兴服务中心",
    "cover.fill_date": dt.date(2025, 3, 20), "unit.internal_units": ["综合股", "项目股", "财务股"],
    "stated_counts.internal_units": 3, "staffing.as_of": dt.date(2024, 12, 31),
    "staffing.approved": 20, "staffing.approved_institution": 18, "staffing.approved_worker": 2,
    "staffing.actual": 19, "staffing.actual_institution": 17, "staffing.actual_worker": 2,
    "staffing.retirees": 6, "staffing.retired": 6, "staffing.retired_veteran": 0, "staffing.temporary": 3,
    "income.total.actual": D("612.40"), "income.appropriation.actual": D("580.40"), "income.carryover.actual": D("32.00"),
    "income.total.previous": D("583"), "income.total.budget": D("600"),
    "expenditure.total.actual": D("605.10"), "expenditure.total.previous": D("579"), "expenditure.total.budget": D("600"),
    "expenditure.basic.actual": D("245.60"), "expenditure.project.actual": D("359.50"),
    "expenditure.personnel.actual": D("210.30"), "expenditure.public.actual": D("35.30"),
    "sangong.total.actual": D("1.80"), "sangong.reception.actual": D("1.80"),
    "source_units.income": "元", "source_units.expenditure": "元",
    "self_funds[0].initial": D("600.00"), "self_funds[0].full_year": D("612.40"), "self_funds[0].executed": D("605.10"),
    "self_funds[0].weight": D("10"), "self_funds[0].stated_rate": D("98.81"), "self_funds[0].score": D("9.88"),
}
#: The 自评表's indicators: (part, level, parent, target, actual, weight, score, reason).
SCORES = [("产出指标", 1, None, None, None, None, None, None),
          ("数量指标", 2, "产出指标", None, None, None, None, None),
          ("完成农村道路维护里程", 3, "数量指标", "≥50公里", "52公里", D(20), D(20), None),
          ("开展技术培训场次", 3, "数量指标", "≥12场", "12场", D(20), D(20), None),
          ("质量指标", 2, "产出指标", None, None, None, None, None),
          ("验收合格率", 3, "质量指标", "≥95%", "98%", D(10), None, None),     # its 得分 cell is blank
          ("效益指标", 1, None, None, None, None, None, None),
          ("社会效益指标", 2, "效益指标", None, None, None, None, None),
          ("受益群众满意度", 3, "社会效益指标", "≥90%", "93%", D(10), D(9), "满意度调查样本偏少")]


def _check(data: dict[str, Any], expected: dict[str, Any] = EXPECTED) -> None:
    wrong = {path: (get_path(data, path), value) for path, value in expected.items() if get_path(data, path) != value}
    assert wrong == {}
    scores = [(s["part"], s["level"], s.get("parent"), s.get("target"), s.get("actual"), s.get("weight"),
               s.get("score"), s.get("reason")) for s in data["self_scores"]]
    assert scores == SCORES


def _text_with(separator: str) -> str:
    return make_variants.text_version(separator)


@pytest.mark.parametrize("name", ["variant.txt", "variant.html", "variant.docx", "variant.pdf"])
def test_the_variant_report_in_every_kind_of_file(name: str) -> None:
    _, ex = import_report(VARIANTS / name, code="x")
    _check(ex.data)
    # Nothing the report does not state: no budget of 财政拨款, no 三公 item besides 公务接待.
    for path in ("income.appropriation.budget", "sangong.overseas", "sangong.vehicle", "staffing.approved_admin",
                 "staffing.hired", "vehicles", "projects", "goals"):
        assert get_path(ex.data, path) in (None, []), path


@pytest.mark.parametrize("separator", [" | ", "    "], ids=["bars", "spaces"])
def test_the_variant_report_with_tables_as_text(separator: str) -> None:
    _check(extract(normalize(_text_with(separator))).data)


def test_sentences_reordered_and_other_synonyms() -> None:
    """The same report with its paragraphs and clauses in another order, and every label replaced by another
    spelling of the same field from the registry."""
    text = _text_with("\t")
    swaps = {  # label as written → another of the registry's spellings of the same field
        "核定编制": "编制人数", "实有在职人员": "年末实有人数", "离退休人员": "离退休干部职工", "临时工": "临时聘用人员",
        "部门收入合计": "本年收入合计", "一般公共预算拨款收入": "财政补助收入", "上年结转资金": "年初结转结余",
        "部门支出决算总数": "本年支出合计", "“三公”经费支出": "三公经费决算", "评价单位（公章）": "被评价单位",
        "填报日期": "填表日期", "内设机构3个": "内设科室3个"}
    for old, new in swaps.items():
        assert old in text and forms.match(re.sub(r"\d+个$", "", new)), (old, new)   # every new label is the registry's
        text = text.replace(old, new)
    lines = text.split("\n")
    staff = next(i for i, line in enumerate(lines) if line.startswith("截至"))
    money = next(i for i, line in enumerate(lines) if line.startswith("2024年度本年收入合计"))
    lines[staff], lines[money] = lines[money], lines[staff]          # 收支 before 人员
    lines[staff] = "2024年度本年收入合计612.40万元，其中：年初结转结余32.00万元，财政补助收入580.40万元。"
    expected = dict(EXPECTED, **{"stated_counts.internal_units": 3})
    _check(extract(normalize("\n".join(lines))).data, expected)


# ----- every spelling of a field -------------------------------------------------------------------------

_SENTENCES: dict[str, tuple[str, Any]] = {
    "staffing.approved": ("截至2024年12月31日，{}20人。", 20), "staffing.actual": ("截至2024年12月31日，{}19人。", 19),
    "staffing.approved_admin": ("本单位{}5人。", 5), "staffing.approved_institution": ("本单位{}15人。", 15),
    "staffing.approved_worker": ("本单位{}2人。", 2), "staffing.actual_admin": ("本单位{}4人。", 4),
    "staffing.actual_institution": ("本单位{}13人。", 13), "staffing.actual_worker": ("本单位{}2人。", 2),
    "staffing.retirees": ("本单位{}6人。", 6), "staffing.retired": ("本单位{}6人。", 6),
    "staffing.retired_veteran": ("本单位{}1人。", 1), "staffing.temporary": ("本单位{}3人。", 3),
    "staffing.hired": ("本单位{}4人。", 4), "vehicles.approved": ("本单位{}2辆。", 2), "vehicles.actual": ("本单位{}2辆。", 2),
    "income.total": ("2024年度{}612.40万元。", D("612.40")), "income.appropriation": ("2024年度{}580.40万元。", D("580.40")),
    "income.carryover": ("2024年度{}32.00万元。", D("32.00")), "income.other": ("2024年度{}5.00万元。", D("5.00")),
    "expenditure.total": ("2024年度{}605.10万元。", D("605.10")), "expenditure.basic": ("2024年度{}245.60万元。", D("245.60")),
    "expenditure.project": ("2024年度{}359.50万元。", D("359.50")),
    "expenditure.personnel": ("2024年度{}210.30万元。", D("210.30")),
    "sangong.total": ("2024年度{}1.80万元。", D("1.80")), "sangong.reception": ("2024年度{}1.20万元。", D("1.20")),
    "carryover.fiscal": ("年末{}12.30万元。", D("12.30")), "procurement": ("2024年度{}30.66万元。", D("30.66")),
}
_SPELLINGS = [(path, spelling) for path in _SENTENCES
              for spelling in (forms.entry(path).label, *forms.entry(path).synonyms)]


@pytest.mark.parametrize(("path", "spelling"), _SPELLINGS, ids=[f"{p}:{s}" for p, s in _SPELLINGS])
def test_every_spelling_of_a_field_in_a_sentence(path: str, spelling: str) -> None:
    template, value = _SENTENCES[path]
    head = "示例县某中心2024年度部门整体支出绩效自评报告\n单位名称：示例县某中心\n"
    data = extract(normalize(head + template.format(spelling)), year=2024).data
    assert get_path(data, path + (".actual" if forms.entry(path).is_row else "")) == value


@pytest.mark.parametrize(("sentence", "path"), [
    ("决算编制 16万元。", "staffing.approved"),          # a project line's amount is not the establishment
    ("核定编制16万元。", "staffing.approved"),
    ("实有人数5万元。", "staffing.actual"),
    ("离退休人员12.5万元。", "staffing.retirees"),
    ("收入合计30人。", "income.total"),                 # a head count is not money
    ("三公经费支出3个。", "sangong.total"),
    ("在职人员控制率95万元。", "staffing.stated_control_rate"),
])
def test_a_figure_in_another_unit_never_lands_in_the_field(sentence: str, path: str) -> None:
    data = extract(normalize("示例县某局2024年度部门整体支出绩效自评报告\n单位名称：示例县某局\n" + sentence), year=2024).data
    assert get_path(data, path) is None


def test_a_change_is_not_a_level() -> None:
    # "与上年相比减少2人，原因是本年退休3人、调入2人，调出1人": flows, not the numbers of retirees or staff.
    text = ("某县某委员会2024年部门整体支出绩效自评报告\n核定编制38人。2024年末实有人数48人，与上年相比减少2人，"
            "原因是本年退休3人、调入2人，调出1人。离退休人员40人，其中退休40人，离休0人。\n")
    staffing = extract(normalize(text)).data["staffing"]
    assert (staffing["approved"], staffing["actual"], staffing["retirees"], staffing["retired"],
            staffing["retired_veteran"]) == (38, 48, 40, 40, 0)


# ----- the development digests rewritten ---------------------------------------------------------------------

def test_06_with_its_sentences_reordered_and_other_labels() -> None:
    text = (REAL / "06_nanxian_zhengxie.txt").read_text(encoding="utf-8")
    income = re.search(r"  1、收入[^\n]*\n[^\n]*\n", text)
    spending = re.search(r"  2、支出[^\n]*\n(?:[^\n]*支出[^\n]*\n){3}", text)
    assert income and spending
    moved = text.replace(income.group(0), "").replace(spending.group(0), spending.group(0) + income.group(0))
    moved = moved.replace("人员经费支出", "工资福利支出").replace("公用经费支出", "商品和服务支出")
    _, ex = import_report_text(moved)
    e = ex.data["expenditure"]
    assert (e["total"]["actual"], e["personnel"]["actual"], e["public"]["actual"], e["project"]["actual"]) == (
        D("799.12"), D("434.89"), D("77.4"), D("286.83"))
    assert (ex.data["income"]["total"]["actual"], ex.data["income"]["appropriation"]["actual"]) == (
        D("792.22"), D("792.22"))


def test_13_staffing_by_kind_and_named_units() -> None:
    _, ex = import_report(REAL / "13_huaihua_minzhengju.txt", code="x")
    s = ex.data["staffing"]
    # "核定行政编制26名，机关工勤编制1名（人员只出不进）、事业编制103名。截至2024年年末，实有干部职工120人，其中：在职行政编
    # 23名，机关工勤编1名，在职事业编96人；退休干部职工96人。" No total establishment is stated (26 + 1 + 103 is ours).
    assert (s.get("approved"), s["approved_admin"], s["approved_worker"], s["approved_institution"]) == (None, 26, 1, 103)
    assert (s["actual"], s["actual_admin"], s["actual_worker"], s["actual_institution"], s["retired"]) == (
        120, 23, 1, 96, 96)
    assert s["as_of"] == dt.date(2024, 12, 31)        # 截至2024年年末
    assert ex.data["stated_counts"] == {"internal_units": 8, "sub_units": 6}
    assert len(ex.data["unit"]["internal_units"]) == 8 and ex.data["unit"]["sub_units"][2] == "市救助站"
    assert ex.data["title"] == "2024年度怀化市民政局部门整体支出绩效自评报告"   # over two lines in the digest


def test_20_stated_count_beside_the_names_listed() -> None:
    _, ex = import_report(REAL / "20_xundian_renda.txt", code="x")
    # "内设人大机构8个：…委员会和县人大办公室": 8 stated, 9 named (the last two joined by 和); 和 inside a name stays.
    assert ex.data["stated_counts"]["internal_units"] == 8
    names = ex.data["unit"]["internal_units"]
    assert len(names) == 9 and names[0] == "县人大监察和法制委员会" and names[-1] == "县人大办公室"
    s = ex.data["staffing"]
    assert (s["approved"], s["approved_admin"], s["approved_worker"], s["worker_within_admin"]) == (38, 38, 7, True)
    assert (s["retirees"], s["retired"], s["retired_veteran"]) == (40, 40, 0)
    assert ex.data["title"] == "寻甸回族彝族自治县人民代表大会常务委员会2024年度部门整体支出绩效评价报告"  # no 目录


def test_26_anhui_self_evaluation_table() -> None:
    _, ex = import_report(REAL / "26_jinzhai_chagu_zhongxin.txt", code="x")
    assert ex.data["unit"]["name"] == "金寨县茶谷和美丽乡村建设服务中心"       # "部门：…"
    rows = {s["part"]: s for s in ex.data["self_scores"]}
    assert (rows["开展精品示范村建设数量"]["target"], rows["开展精品示范村建设数量"]["actual"]) == ("≤4", "4")
    assert rows["完成美丽宜居自然村庄验收时间"]["target"] == "9月前"
    # 10+10+10+10+5+5+5+5 = 60 before the cut, and the 预算资金 row's 10: 70 of 100 visible.
    assert sum(s.get("weight") or 0 for s in ex.data["self_scores"]) == 60
    fund = ex.data["self_funds"][0]
    assert (fund["executed"], fund["weight"], fund["stated_rate"], fund.get("score")) == (D("338.31"), D(10),
                                                                                          D("102.59"), None)
    # 5 goals, 4 results: result 4 (省级中心村) answers no listed goal and is not paired with goal 4 by number.
    goals = ex.data["goals"]
    assert len(goals) == 5 and [bool(g.get("completion")) for g in goals] == [True, True, True, False, False]
    assert any("第 4 条" in note for note in ex.notes)


def import_report_text(text: str) -> tuple[Any, Any]:
    from perfeval.importer import extract as _extract
    doc = normalize(text)
    return doc, _extract(doc, code="x")


# ----- where a unit's name and a title are read ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("某县档案馆2023年度部门整体支出绩效自评报告\n", "某县档案馆"),
    ("2023年度部门整体支出绩效自评报告\n部门名称：某县档案馆\n", "某县档案馆"),
    ("2023年度部门整体支出绩效自评报告\n评价单位（公章）：某县档案馆\n", "某县档案馆"),
    ("2023年度部门整体支出绩效自评报告\n一、基本情况\n某县档案馆为县委直属事业单位，负责档案收集。\n", "某县档案馆"),
    ("2023年度部门整体支出绩效自评表\n部门\t某县档案馆\n", "某县档案馆"),
])
def test_the_unit_name_wherever_the_report_states_it(text: str, name: str) -> None:
    assert extract(normalize(text)).data["unit"]["name"] == name


def test_no_unit_name_says_where_it_looked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.txt"
    report.write_text("2023年度部门整体支出绩效自评报告\n单位：万元\n我局全年支出100万元。\n", encoding="utf-8")
    assert main(["import-report", str(report), "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "--unit" in err and "标题" in err and "封面" in err and "首句" in err


@pytest.mark.parametrize(("text", "title"), [
    ("标题: 2024年度某县民政局部门整体支出\n      绩效自评报告\n", "2024年度某县民政局部门整体支出绩效自评报告"),
    ("某县民政局2024年部门整体支出绩效自评报告\n\n目录\n一、部门概况\n", "某县民政局2024年部门整体支出绩效自评报告"),
    ("附件2 某县民政局2024年度部门整体支出绩效自评报告\n", "某县民政局2024年度部门整体支出绩效自评报告"),
    ("封面\n某县民政局2024年度部门整体支出绩效评价报告\n报告日期：2025年3月1日\n", "某县民政局2024年度部门整体支出绩效评价报告"),
])
def test_titles_carry_no_cover_contents_or_attachment_text(text: str, title: str) -> None:
    data = extract(normalize(text)).data
    assert data["title"] == title and data["unit"]["name"] == "某县民政局"


def test_a_digest_imports_to_a_record_with_its_new_fields(tmp_path: Path) -> None:
    out = tmp_path / "2024" / "huaihua-minzheng.yaml"
    assert main(["import-report", str(REAL / "13_huaihua_minzhengju.txt"), "-o", str(out)]) == 0
    record = load_record(out)
    assert record.staffing.actual_worker == 1 and record.stated_counts.sub_units == 6


def test_posts_vehicles_and_a_split_by_three_kinds() -> None:
    text = ("某县某办公室2023年部门整体支出绩效自评报告\n核定行政编制39名，事业编制5名。领导职数：主任1名，副主任4名，"
            "科室领导职数9名。公务用车车辆编制6辆，实有6辆。在职32人（行政32人、事业0人、工勤0人），离退休16人"
            "（离休0人，退休16人）。\n")
    data = extract(normalize(text)).data
    s = data["staffing"]
    assert (s["approved_admin"], s["approved_institution"], s.get("approved")) == (39, 5, None)
    assert (s["actual"], s["actual_admin"], s["actual_institution"], s["actual_worker"]) == (32, 32, 0, 0)
    assert (s["retirees"], s["retired_veteran"], s["retired"]) == (16, 0, 16)
    assert s["posts"] == [{"name": "主任", "count": 1}, {"name": "副主任", "count": 4}, {"name": "科室领导", "count": 9}]
    assert data["vehicles"] == {"approved": 6, "actual": 6}
