"""import-report and audit on six real published reports of Hunan units (digests in tests/fixtures/real-reports).

The digests are copies of ``../shared/real-reports`` (its README, copied too, lists the key figures and the
inconsistencies each report contains; both were read by hand from the published pages). Each digest
starts with header lines about the digest itself (来源URL, 发布日期 …): they are not the report.

Every expected value below is taken from that README or read from the digest by hand.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfeval.importer import audit_document, import_report, normalize, read_report
from perfeval.model.files import read_yaml
from perfeval.model.schema import DepartmentYear
from perfeval.review.findings import Finding

from .import_helpers import BATCH2_REPORTS, REAL, REAL_REPORTS, load_record, main

HERE = Path(__file__).resolve().parent
PDF = HERE / "fixtures" / "pdf"
D = Decimal

REPORTS = REAL_REPORTS


def _import_all(reports: dict[str, tuple[str, int, list[str]]], root: Path) -> dict[str, tuple[DepartmentYear,
                                                                                              dict[str, Any]]]:
    """Each digest imported with the CLI into <root>/<year>/<code>.yaml; the record and its sidecar."""
    out: dict[str, tuple[DepartmentYear, dict[str, Any]]] = {}
    for code, (name, year, extra) in reports.items():
        path = root / str(year) / f"{code}.yaml"
        rc = main(["import-report", str(REAL / name), "--code", code, "-o", str(path), *extra])
        assert rc == 0, name
        out[code] = (load_record(path), read_yaml(path.with_name(f"{code}.sources.yml")))
    return out


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DepartmentYear, dict[str, Any]]]:
    return _import_all(REPORTS, tmp_path_factory.mktemp("real") / "data")


@pytest.fixture(scope="module")
def findings() -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for code, (name, year, _) in REPORTS.items():
        doc = normalize(read_report(REAL / name))
        out[code] = audit_document(doc)
    return out


def _rules(found: list[Finding], severity: str | None = None) -> list[str]:
    return sorted(f.rule for f in found if severity is None or f.severity == severity)


def _one(found: list[Finding], rule: str) -> Finding:
    hits = [f for f in found if f.rule == rule]
    assert len(hits) == 1, (rule, hits)
    return hits[0]


# ----- every draft validates, and its year is the report's own ----------------------------------

def test_every_digest_imports_to_a_valid_partial_record(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    for code, (record, sidecar) in drafts.items():
        name, year, _ = REPORTS[code]
        assert record.code == code and record.year == year, name
        assert sidecar["valid"] is True and sidecar["validation_errors"] == [], name
        assert sidecar["missing"], name  # the excerpts are partial: what they do not state is listed
        # The digest's header lines (来源URL, 发布日期, 摘录完整度 …) are never a source of a field.
        header = normalize(read_report(REAL / name)).dropped
        assert header and header[0].startswith("来源URL"), name
        keys = tuple(line.split(":")[0] + ":" for line in header)
        for path, sentence in sidecar["sources"].items():
            assert not sentence.startswith(keys), (name, path, sentence)


def test_year_is_never_taken_from_a_publication_or_report_date() -> None:
    # 02 was published 2025-06-30, 06 on 2022-04-15 (no year in its title), 07 is dated 2022年5月13日,
    # 10's cover says 报告期 2017-7-25: each report states the year it evaluates elsewhere.
    for name, year in (("02_yuanling_huochangxiang.txt", 2024), ("06_nanxian_zhengxie.txt", 2021),
                       ("07_yueyanglou_zhengfuban.txt", 2021), ("10_yueyangxian_rongwanhu.txt", 2016),
                       ("12_unknown_jichushuju_2018.txt", 2018)):
        _, ex = import_report(REAL / name, code="x")
        assert ex.data["year"] == year, name


def test_no_year_stated_asks_for_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    report.write_text("部门整体支出绩效评价报告\n单位名称：某局\n报告日期：2022年5月13日\n"
                      "收入合计100万元，支出合计90万元。\n截至2021年12月31日，编制10人。\n", encoding="utf-8")
    out = tmp_path / "x.yaml"
    assert main(["import-report", str(report), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--year" in err and not out.exists() and not (tmp_path / "x.sources.yml").exists()
    assert main(["audit", str(report)]) == 2
    assert "--year" in capsys.readouterr().err
    assert main(["import-report", str(report), "-o", str(out), "--year", "2021"]) == 0
    assert load_record(out).year == 2021


def test_no_unit_name_asks_for_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "2021" / "nanxian.yaml"
    assert main(["import-report", str(REAL / "06_nanxian_zhengxie.txt"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--unit" in err and "单位名称" in err and not out.exists()


# ----- key figures (README of real-reports) --------------------------------------------------------

def test_02_yuanling_township(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, sidecar = drafts["yuanling-huochang"]
    assert r.unit.name == "沅陵县火场土家族乡人民政府"
    assert r.title == "沅陵县火场土家族乡人民政府2024年部门整体支出绩效自评报告"  # "标题：" left out
    s = r.staffing
    assert (s.approved, s.approved_admin, s.approved_institution) == (65, 30, 35)
    assert (s.actual, s.actual_admin, s.actual_institution) == (41, 20, 21)
    assert len(r.unit.internal_units) + len(r.unit.sub_units) == 8
    assert r.unit.internal_units[0] == "党政办公室" and r.unit.sub_units[-1] == "综合行政执法大队"
    # "2024年共支出 1211.89万元。其中，基本支出 573.36万元，项目支出 638.53万元。" (under （四）绩效目标设定情况)
    e = r.expenditure
    assert e.total.actual == D("1211.89") and e.basic.actual == D("573.36") and e.project.actual == D("638.53")
    assert e.total.budget is None and e.personnel is None and e.public is None
    # Not in the excerpt: absent, not zero.
    assert r.sangong is None and r.self_scores == [] and r.income is None
    assert "sangong.total.actual" in sidecar["missing"]


def test_04_basic_data_table_with_year_columns(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = drafts["yueyanglou-wenlv"]
    assert r.unit.name == "岳阳市岳阳楼区文化旅游广电体育局"
    assert (r.staffing.approved, r.staffing.actual, r.staffing.stated_control_rate) == (11, 16, None)
    sg = r.sangong
    assert (sg.total.previous, sg.total.budget, sg.total.actual) == (D("1.84"), D("1.49"), D("1.49"))
    assert (sg.reception.previous, sg.reception.budget, sg.reception.actual) == (D("1.84"), D("1.49"), D("1.49"))
    assert sg.vehicle is None and sg.overseas is None and sg.vehicle_purchase is None  # blank rows
    p = r.expenditure.project
    # 2022年决算数 → previous; never filed as this year's figure.
    assert (p.previous, p.budget, p.actual) == (D("2218.71"), D("1731.57"), D("1731.57"))
    finals = {pr.name + (f"({pr.group[:2]})" if pr.group else ""): pr.actual for pr in r.projects}
    assert finals == {"业务工作经费": D("600.58"), "疫情防控项目(区级)": D("324.05"),
                      "公共文化服务体系建设(区级)": D("68.7"), "局办公楼维修改造(区级)": D("163.91"),
                      "鹰山文化中心图书馆维修改造(区级)": D("334.46"), "体彩公益金支出(区级)": D("173.87"),
                      "公共文化服务体系建设(上级)": D("66")}
    assert sum(pr.actual for pr in r.projects) == D("1731.57")  # the 2023 items add up
    assert [pr.previous for pr in r.projects] == [D("224.55"), D("1348.82"), D("140"), D("0"), D("0"), None, None]
    # The two rows with two values: kept (budget and actual), marked inferred, nothing in the prior-year column.
    for i in (5, 6):
        assert r.projects[i].budget == r.projects[i].actual and r.projects[i].previous is None
        assert r.annotations[f"projects[{i}].actual"].inferred
    pf = r.public_funds
    assert (pf.total.previous, pf.total.budget, pf.total.actual) == (D("30.05"), D("28.90"), D("28.90"))
    assert str(pf.total.budget) == "28.90"  # the precision written
    assert [(i.name, i.previous, i.actual) for i in pf.items] == [
        ("办公经费", D("27.71"), D("25.6")), ("水费、电费、差旅费", D("2.34"), D("3.3")), ("会议费、培训费", D("0"), D("0"))]
    assert (r.procurement.previous, r.procurement.budget, r.procurement.actual) == (None, D("1551.4"), D("1551.4"))
    assert r.annotations["procurement.actual"].inferred
    b = r.basic_budget_adjustment
    assert (b.previous, b.budget, b.actual) == (D("431.64"), D("322.07"), D("322.07"))
    assert r.buildings.approved_area == 0 and r.buildings.actual == 0 and r.buildings.budget == 0


def test_06_nanxian_three_way_split_and_stated_changes(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = drafts["nanxian-zhengxie"]
    assert r.unit.name == "中国人民政治协商会议南县委员会"  # from --unit: the excerpt does not name it
    assert r.income.total.actual == D("792.22") and r.income.appropriation.actual == D("792.22")
    e = r.expenditure
    assert e.total.actual == D("799.12")
    assert (e.personnel.actual, e.public.actual, e.project.actual) == (D("434.89"), D("77.4"), D("286.83"))
    assert e.basic is None  # a three-way split: no 基本支出 subtotal is stated
    changes = [(c.subject, c.current, c.change, c.percent) for c in r.stated_changes]
    assert changes == [("收入", D("792.22"), D("189.25"), D("31.39")),
                       ("财政拨款收入", D("792.22"), D("209.28"), D("35.9"))]
    visible = {p.name: p.actual for p in r.projects}
    assert visible == {"委员活动经费": D("36.3"), "扫黑除恶工作经费": D("1"), "信息网络运行经费": D("5"),
                       "老干部活动经费": D("10.5"), "派出纪检监察组专项经费": D("5")}
    assert sum(visible.values()) == D("57.8")
    assert all(r.annotations[f"projects[{i}].actual"].inferred for i in range(5))


def test_07_yueyang_cover(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = drafts["yueyanglou-zhengfuban"]
    assert r.unit.name == "岳阳市岳阳楼区人民政府办公室"
    assert r.cover.budget_code == "102001"
    assert r.cover.report_date.isoformat() == "2022-05-13"
    assert r.cover.evaluation_method == "部门（单位）绩效自评" and r.cover.evaluator == "部门（单位）评价组"
    assert (r.staffing.approved, r.staffing.actual) == (36, 38)
    assert r.expenditure is None and r.income is None  # cut before 收支情况


def test_10_income_by_sub_unit(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = drafts["rongwanhu"]
    assert r.unit.name == "岳阳县荣湾湖建设开发服务中心"
    assert r.cover.budget_code == "YYX292" and r.cover.report_date.isoformat() == "2017-07-25"
    assert (r.staffing.approved, r.staffing.actual) == (19, 19)
    rows = [(u.name, u.is_total, u.total, u.carryover, u.appropriation, u.government_fund, u.special_account, u.other)
            for u in r.income_by_unit]
    assert rows == [
        ("局机关及二级机构汇总", True, D("229.46"), D("37.23"), D("106.13"), None, None, D("86.1")),
        ("局机关", False, D("176.26"), D("35.87"), D("80.39"), None, None, D("60")),
        ("二级机构1", False, D("53.2"), D("1.36"), D("25.74"), None, None, D("26.1")),
    ]  # "3、二级机构2 （空）" states nothing


def test_12_basic_data_and_indicator_tables(drafts: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = drafts["unknown-2018"]
    assert (r.staffing.approved, r.staffing.actual, r.staffing.stated_control_rate) == (143, 136, D("95.10"))
    sg = r.sangong
    assert (sg.total.previous, sg.total.budget, sg.total.actual) == (D("29.08"), D("63.46"), D("44.29"))
    assert (sg.vehicle.previous, sg.vehicle.budget, sg.vehicle.actual) == (D("11.86"), D("41.46"), D("39.30"))
    assert (sg.vehicle_purchase.previous, sg.vehicle_purchase.budget, sg.vehicle_purchase.actual) == (
        None, D("29.46"), D("29.46"))
    assert r.annotations["sangong.vehicle_purchase.budget"].inferred  # the digest marks the row 推断
    assert (sg.vehicle_operation.previous, sg.vehicle_operation.budget, sg.vehicle_operation.actual) == (
        D("11.86"), D("12"), D("9.84"))
    assert (sg.reception.previous, sg.reception.budget, sg.reception.actual) == (D("17.22"), D("22"), D("4.99"))
    assert sg.overseas is None
    (project,) = r.projects
    assert (project.name, project.previous, project.budget, project.actual) == ("业务工作专项", D("938.8"), D("320"),
                                                                                D("689.16"))
    assert r.expenditure.project is None  # its total row is blank
    assert [(i.name, i.previous, i.budget, i.actual) for i in r.public_funds.items] == [
        ("办公经费", D("14.44"), D("10"), D("0.68")), ("水费、电费、差旅费", D("17.92"), D("7.50"), D("25.36")),
        ("会议费、培训费", D("0"), D("0.8"), D("0"))]
    assert r.public_funds.total is None
    assert (r.procurement.previous, r.procurement.budget, r.procurement.actual) == (D("16.14"), D("30.66"), D("30.66"))
    # 部门整体支出预算调整 (two values): initial 1922.76, adjusted 2690.62 = 1922.76 + 767.86 追加.
    assert (r.expenditure.total.budget, r.expenditure.total.adjusted) == (D("1922.76"), D("2690.62"))
    assert r.expenditure.total.actual is None
    assert r.adjustment.amount == D("767.86")
    scores = {s.part: (s.weight, s.score) for s in r.self_scores}
    assert scores["在职人员控制率"] == (D(8), D(8))
    assert scores["三公经费变动率"] == (D(8), D(0))
    assert scores["预算完成率"] == (D(8), D(8))
    assert scores["预算控制率"] == (D(8), None)  # its score is cut off


# ----- inconsistencies (README of real-reports) ------------------------------------------------------

def test_audit_02_adds_up(findings: dict[str, list[Finding]]) -> None:
    # 573.36 + 638.53 = 1211.89; 41 of 65 posts filled: nothing to verify, only the recomputed rates (a note).
    assert _rules(findings["yuanling-huochang"], "error") == _rules(findings["yuanling-huochang"], "verify") == []
    # The report speaks of its 绩效目标 (a heading the excerpt cuts after): "no goals" would be an untrue claim.
    assert "goal.missing" not in _rules(findings["yuanling-huochang"])


def test_audit_04(findings: dict[str, list[Finding]]) -> None:
    found = findings["yueyanglou-wenlv"]
    assert _rules(found, "error") == []
    # 2022 project items: 224.55 + 1348.82 + 140 + 0 + 0 = 1713.37 against a stated 2218.71 (gap 505.34);
    # the two rows with two values leave their 2022 cells blank, so it is to verify, not a proven error.
    items = _one(found, "sum.projects")
    assert items.severity == "verify" and items.path == "expenditure.project.previous"
    assert (items.numbers["stated"], items.numbers["computed"], items.numbers["difference"]) == (
        "2218.71", "1713.37", "505.34")
    assert items.numbers["blank"] == "项目6、项目7"
    assert items.source == "项目支出: | 2218.71 | 1731.57 | 1731.57"  # the row of the form, as written
    # Staffing over establishment (16 / 11 = 145.45 %) with the 控制率 left blank.
    staffing = _one(found, "staffing.over")
    assert staffing.severity == "verify" and staffing.numbers["staffing_control_rate"] == "145.45"
    # Budget equals final for every row: a note, as `check` says of the imported record (one rule, one severity).
    assert _one(found, "variance.none").severity == "note"
    # The 2023 items add up (1731.57), 公用经费 and 三公 items add up: nothing else to verify.
    assert _rules(found, "verify") == ["goal.missing", "staffing.over", "sum.projects"]


def test_audit_06(findings: dict[str, list[Finding]]) -> None:
    found = findings["nanxian-zhengxie"]
    # Both growth percentages check out: 189.25 / 602.97 = 31.39 %, 209.28 / 582.94 = 35.90 %.
    assert not [f for f in found if f.rule == "rate.stated"]
    # Expenditure 799.12 above income 792.22 with no carry-over mentioned.
    balance = _one(found, "balance.expenditure_above_income")
    assert balance.severity == "verify" and balance.numbers["difference"] == "6.90"
    # The larger growth of 财政拨款 implies 602.97 − 582.94 = 20.03 of other income in 2020, 0 in 2021.
    implied = _one(found, "change.implied_rest")
    assert implied.severity == "verify" and implied.numbers["previous_rest"] == "20.03"
    assert implied.numbers["current_rest"] == "0.00"
    # Five projects visible, 57.8 of 286.83: the list may be partial (the excerpt is cut), to verify.
    assert _one(found, "sum.projects").numbers["computed"] == "57.8"
    # 434.89 + 77.4 + 286.83 = 799.12: the three-way split adds up.
    assert _rules(found, "error") == [] and "sum.expenditure" not in _rules(found)


def test_audit_07_and_10(findings: dict[str, list[Finding]]) -> None:
    # 07: 38 staff for 36 posts (105.56 %); dated 2022-05-13, after the end of 2021.
    assert _rules(findings["yueyanglou-zhengfuban"], "verify") == ["goal.missing", "staffing.over"]
    assert "report.date_early" not in _rules(findings["yueyanglou-zhengfuban"])
    # 10: every row adds up and the two units add to the 汇总 row; 亿元 in the text, 万元 in the tables.
    found = findings["rongwanhu"]
    assert not [f for f in found if f.rule.startswith("sum.")]
    mixed = _one(found, "text.unit_mixed")
    assert mixed.severity == "note" and mixed.numbers == {"written": "3.5亿元", "as_wan": "35000"}


def test_audit_12(findings: dict[str, list[Finding]]) -> None:
    found = findings["unknown-2018"]
    assert _rules(found, "error") == []  # every subtotal adds up, the control rate 136 / 143 = 95.10 % is right
    # 三公变动率 computed on budgets ((63.46 − 32) ÷ 32 = 98.31 %); 32 is not the table's 2017 final 29.08;
    # on finals (44.29 − 29.08) ÷ 29.08 = 52.30 %.
    basis = _one(found, "form.yoy_basis")
    assert basis.severity == "verify"
    assert (basis.numbers["stated"], basis.numbers["previous_used"], basis.numbers["previous_final"],
            basis.numbers["computed_on_finals"]) == ("98.31", "32", "29.08", "52.30")
    # The numbers after 一/二级指标 are headed 得分 but are weights: 16 = 8 + 8 while the scores are 8 + 0.
    header = _one(found, "form.score_header")
    assert (header.numbers["stated"], header.numbers["children_weights"], header.numbers["children_scores"]) == (
        "16", "16", "8")
    # 追加 767.86 / 年初 1922.76 = 39.94 %: far above the initial budget, and no rate stated by the unit.
    large = _one(found, "adjustment.large")
    assert large.severity == "verify" and large.numbers["adjustment_rate"] == "39.94"
    # 办公经费 final 0.68 against a budget of 10 (and 14.44 the year before): a keying error to verify.
    office = [f for f in found if f.rule == "variance.large" and f.path == "public_funds.items[0].actual"]
    assert office and office[0].numbers["budget"] == "10"
    # The typos 结余未 and 年未.
    assert sorted(f.message for f in found if f.rule == "text.typo") == ["「年未」疑为「年末」之误", "「结余未」疑为「结余为」之误"]


def test_audit_cli_on_a_real_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(REAL / "04_yueyanglou_wenlvguangti.txt")]) == 0  # no error, three to verify
    text = capsys.readouterr().out
    assert "[需核实] sum.projects expenditure.project.previous" in text and "共 错误 0 项，需核实 3 项" in text


# ----- a machine-made PDF and the same report as .docx ----------------------------------------------

@pytest.mark.parametrize("name", ["report.pdf", "report.docx"])
def test_pdf_and_docx_report(name: str, tmp_path: Path) -> None:
    out = tmp_path / "2023" / "shili-nongye.yaml"
    assert main(["import-report", str(PDF / name), "-o", str(out)]) == 0
    r = load_record(out)
    # Figures chosen by hand in tests/fixtures/pdf/make_report_pdf.py.
    assert (r.year, r.unit.name, r.unit.supervisor) == (2023, "示例县农业农村局", "示例县人民政府")
    assert (r.staffing.approved, r.staffing.actual) == (25, 23)
    assert r.income.total.actual == D("845.60") and r.income.appropriation.actual == D("800.10")
    assert r.income.carryover.actual == D("45.50")  # "45.50万" + line break + "元"
    assert (r.expenditure.total.actual, r.expenditure.basic.actual) == (D("830.20"), D("512.30"))
    p = r.expenditure.project
    assert (p.previous, p.budget, p.actual) == (D("300.00"), D("320.00"), D("317.90"))
    assert [(x.name, x.previous, x.budget, x.actual) for x in r.projects] == [
        ("农业技术推广", D("120.00"), D("130.00"), D("128.50")), ("动物防疫", D("180.00"), D("190.00"), D("189.40"))]
    sg = r.sangong
    assert (sg.total.previous, sg.total.budget, sg.total.actual) == (D("6.20"), D("5.00"), D("4.80"))
    assert (sg.vehicle.actual, sg.reception.actual) == (D("3.00"), D("1.80"))
    assert (r.public_funds.total.previous, r.public_funds.total.actual) == (D("60.00"), D("57.10"))
    assert (r.procurement.budget, r.procurement.actual) == (D("35.00"), D("33.60"))
    funds = [(f.nature, f.item, f.initial, f.full_year, f.executed, f.weight, f.stated_rate, f.score) for f in r.self_funds]
    assert funds == [
        (None, "年度资金总额", D("800.10"), D("845.60"), D("830.20"), D("10"), D("98.18"), D("9.82")),
        ("收入性质", "一般公共预算", D("800.10"), D("800.10"), D("784.70"), None, None, None),
        ("支出性质", "基本支出", D("500.00"), D("512.30"), D("512.30"), None, None, None),
        ("支出性质", "项目支出", D("300.10"), D("333.30"), D("317.90"), None, None, None),
    ]
    # Consistent by construction (830.20 / 845.60 = 98.18 %, the expenditure items add up per column), except that
    # 按收入性质 lists only 一般公共预算 (800.10 of 845.60, 784.70 of 830.20): the other sources are to verify.
    found = audit_document(normalize(read_report(PDF / name)))
    assert _rules(found, "error") == []
    assert [(f.rule, f.path, f.numbers["difference"]) for f in found if f.rule.startswith("sum.")] == [
        ("sum.self_funds", "self_funds[0].full_year", "45.50"), ("sum.self_funds", "self_funds[0].executed", "45.50")]


# ----- partial cases of our own -----------------------------------------------------------------------

def _draft(tmp_path: Path, text: str, *extra: str) -> DepartmentYear:
    report = tmp_path / "r.txt"
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "d" / "x.yaml"
    assert main(["import-report", str(report), "-o", str(out), "--force", *extra]) == 0
    return load_record(out)


def test_identity_only(tmp_path: Path) -> None:
    r = _draft(tmp_path, "某县档案馆2022年度部门整体支出绩效自评报告\n一、基本情况\n本馆负责档案收集工作。\n")
    assert (r.code, r.year, r.unit.name) == ("x", 2022, "某县档案馆")
    for section in ("staffing", "income", "expenditure", "sangong", "public_funds", "procurement", "cover"):
        assert getattr(r, section) is None, section
    assert r.projects == [] and r.self_scores == [] and r.self_funds == []


def test_income_and_expenditure_only(tmp_path: Path) -> None:
    r = _draft(tmp_path, "标题：某镇人民政府2023年度部门整体支出绩效自评总结报告\n"
                         "全年收入合计500.00万元，其中：财政拨款收入480.00万元。\n"
                         "全年完成支出498.50万元，其中：基本支出300.50万元；项目支出198.00万元。\n")
    assert r.unit.name == "某镇人民政府" and r.title.startswith("某镇人民政府")  # no "标题：" in either
    assert (r.income.total.actual, r.income.appropriation.actual) == (D("500.00"), D("480.00"))
    assert (r.expenditure.total.actual, r.expenditure.basic.actual, r.expenditure.project.actual) == (
        D("498.50"), D("300.50"), D("198.00"))
    assert r.income.total.budget is None and r.sangong is None and r.carryover is None


def test_basic_data_table_only(tmp_path: Path) -> None:
    # A flattened PDF table: single spaces, a row with one value fewer than the columns, row numbers.
    r = _draft(tmp_path, "2024年度预算单位整体支出绩效评价基础数据表\n预算单位名称：某区统计局\n"
                         "经费控制情况 2023年决算数 2024年预算数 2024年决算数\n"
                         "三公经费 3.10 3.00 2.50\n1、公务接待 3.10 3.00 2.50\n"
                         "项目支出 50.00 60.00 58.00\n1、统计调查 50.00 40.00 38.00\n2、普查经费 20.00 20.00\n")
    assert (r.year, r.unit.name) == (2024, "某区统计局")
    assert (r.sangong.total.previous, r.sangong.total.budget, r.sangong.total.actual) == (D("3.10"), D("3.00"), D("2.50"))
    # "1、" is a row number, never a value; the short row keeps its values in the current-year columns.
    survey, census = r.projects
    assert (survey.name, survey.previous, survey.budget, survey.actual) == ("统计调查", D("50.00"), D("40.00"), D("38.00"))
    assert (census.name, census.previous, census.budget, census.actual) == ("普查经费", None, D("20.00"), D("20.00"))
    assert r.annotations["projects[1].budget"].inferred and not r.annotations.get("projects[0].budget")
    # Columns of other years are never filed as current values: in a 2024 report, "2023年决算数" is the
    # prior year's final and "2022年决算数" / "2023年预算数" fit no column.
    other = _draft(tmp_path, "2024年度预算单位整体支出绩效评价基础数据表\n预算单位名称：某区统计局\n"
                             "经费控制情况 2022年决算数 2023年预算数 2023年决算数\n三公经费 3.10 3.00 2.50\n",
                   "--year", "2024")
    assert other.sangong.total.model_dump() == {"previous": D("2.50"), "budget": None, "adjusted": None, "actual": None}


def test_phrasings(tmp_path: Path) -> None:
    r = _draft(tmp_path, "封面：部门（单位）名称：某县水利局\n某县水利局2023年度部门整体支出绩效评价报告\n"
                         "编制 30人（行政编制10人，事业编制20人），实有 28人（行政8人，事业20人）。\n"
                         "2023年共支出 900.00万元。其中，人员经费 500.00万元，公用经费 100.00万元，项目支出 300.00万元。\n"
                         "全年收入合计 0.09亿元。\n"
                         "“三公”经费支出 12.00万元，同比上年度减少 3.00万元，下降 20%。\n")
    assert r.unit.name == "某县水利局"
    s = r.staffing
    assert (s.approved, s.approved_admin, s.approved_institution, s.actual, s.actual_admin, s.actual_institution) == (
        30, 10, 20, 28, 8, 20)
    e = r.expenditure
    assert e.basic is None and (e.personnel.actual, e.public.actual, e.project.actual) == (
        D("500.00"), D("100.00"), D("300.00"))
    (change,) = r.stated_changes
    assert (change.current, change.change, change.percent) == (D("12.00"), D("-3.00"), D("-20"))
    # 亿元 in the narrative: converted exactly (0.09 × 10000 = 900), the spelling kept.
    assert r.income.total.actual == D("900")
    assert r.annotations["income.total.actual"].as_written == "0.09亿元"


def test_stated_rate_beside_totals_that_differ(tmp_path: Path) -> None:
    # A 自评表 row says 100% although 全年执行 480.00 differs from 全年预算 500.00 (480 / 500 = 96.00 %).
    text = ("某局2023年度部门整体支出绩效自评表\n单位名称：某局\n"
            "年度预算资金\t年初预算\t全年预算\t全年执行\t分值\t执行率\t得分\n"
            "年度资金总额\t500.00\t500.00\t480.00\t10\t100%\t10\n"
            "预算执行率为100%，全年预算500.00万元，实际支出480.00万元。\n")
    found = audit_document(normalize(text))
    rate = _one(found, "rate.stated")
    assert rate.severity == "error" and (rate.numbers["stated"], rate.numbers["computed"]) == ("100", "96.00")
    assert rate.path == "self_funds[0].stated_rate"
    # The sentence says the same of the same figures: one fact, one finding.
    assert not [f for f in found if f.rule == "text.rate"]
    # Said only in a sentence, it is the text rule that finds it.
    (alone,) = [f for f in audit_document(normalize("某局2023年度部门整体支出绩效自评报告\n"
                                                    "预算执行率为100%，全年预算500.00万元，实际支出480.00万元。\n"))
                if f.rule == "text.rate"]
    assert alone.severity == "error" and (alone.numbers["stated"], alone.numbers["computed"]) == ("100", "96")


def test_report_dated_before_the_year_ends(tmp_path: Path) -> None:
    text = ("封面\n岳阳楼区2023年度部门（单位）整体支出绩效评价自评报告\n部门（单位）名称：某局\n"
            "报告日期：2023年11月20日\n")
    (dated,) = [f for f in audit_document(normalize(text)) if f.rule == "report.date_early"]
    assert dated.severity == "error" and dated.numbers == {"report_date": "2023-11-20", "year": "2023"}
    # On the last day of the year the year's accounts are not closed either; the day after is fine.
    for day, early in (("2023年12月31日", True), ("2024年1月1日", False)):
        found = audit_document(normalize(text.replace("2023年11月20日", day)))
        assert any(f.rule == "report.date_early" for f in found) is early, day


def test_header_broken_into_lines_and_side_by_side_funds(tmp_path: Path) -> None:
    # A PDF text layer may give each header cell its own line; a 自评表 may put the income and
    # expenditure natures side by side in one row.
    r = _draft(tmp_path, "某局2023年度部门整体支出绩效自评报告\n"
                         "经费控制情况\n2022年决算数\n2023年预算数\n2023年决算数\n"
                         "三公经费 2.00 3.00 2.80\n"
                         "部门整体支出绩效自评表\n"
                         "年度预算资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
                         "年度资金总额 100.00 110.00 105.00 10 95.45% 9.55\n"
                         "按收入性质分\t按支出性质分\n"
                         "其中：一般公共预算\t100.00\t110.00\t105.00\t其中：基本支出\t60.00\t62.00\t62.00\n"
                         "\t\t\t\t项目支出\t40.00\t48.00\t43.00\n")
    assert (r.sangong.total.previous, r.sangong.total.budget, r.sangong.total.actual) == (D("2.00"), D("3.00"), D("2.80"))
    funds = [(f.nature, f.item, f.initial, f.full_year, f.executed) for f in r.self_funds]
    assert funds == [(None, "年度资金总额", D("100.00"), D("110.00"), D("105.00")),
                     ("收入性质", "一般公共预算", D("100.00"), D("110.00"), D("105.00")),
                     ("支出性质", "基本支出", D("60.00"), D("62.00"), D("62.00")),
                     ("支出性质", "项目支出", D("40.00"), D("48.00"), D("43.00"))]
    assert r.self_funds[0].stated_rate == D("95.45")  # 105 / 110 = 95.4545… → 95.45 %


def test_expenditure_by_sub_unit(tmp_path: Path) -> None:
    text = ("岳阳县2016年度部门（单位）整体支出绩效评价自评报告\n部门（单位）名称：某中心\n年度支出情况（万元）\n"
            "机构名称\t支出合计\t基本支出\t人员经费\t公用经费\t项目支出\n"
            "局机关及二级机构汇总\t200\t120\t100\t20\t80\n"
            "1、局机关\t150\t90\t75\t15\t60\n"
            "2、二级机构1\t40\t30\t25\t5\t10\n")
    r = _draft(tmp_path, text)
    assert [(u.name, u.is_total, u.total, u.basic, u.personnel, u.public, u.project) for u in r.expenditure_by_unit] == [
        ("局机关及二级机构汇总", True, D(200), D(120), D(100), D(20), D(80)),
        ("局机关", False, D(150), D(90), D(75), D(15), D(60)),
        ("二级机构1", False, D(40), D(30), D(25), D(5), D(10))]
    # Each row adds up (基本 + 项目; 人员 + 公用 are inside 基本), but the two units add to 150 + 40 = 190,
    # not the 200 of the 汇总 row, and their 项目支出 to 60 + 10 = 70, not 80.
    found = [f for f in audit_document(normalize(text)) if f.rule == "sum.units"]
    assert sorted((f.severity, f.path, f.numbers["stated"], f.numbers["computed"]) for f in found) == [
        ("error", "expenditure_by_unit[0].project", "80", "70"),
        ("error", "expenditure_by_unit[0].total", "200", "190")]


def test_output_folder_of_another_year_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data" / "2024" / "yueyanglou-wenlv.yaml"  # the report evaluates 2023
    assert main(["import-report", str(REAL / "04_yueyanglou_wenlvguangti.txt"), "-o", str(out)]) == 2
    assert "2023" in capsys.readouterr().err and not out.exists()


def test_sangong_budget_and_actual_in_one_sentence(tmp_path: Path) -> None:
    r = _draft(tmp_path, "某局2023年度部门整体支出绩效自评报告\n"
                         "2023年“三公”经费预算数为20.00万元，实际支出18.00万元，比上年减少2.00万元，"
                         "其中：公务接待费预算5.00万元，实际支出4.00万元；公务用车运行维护费预算15.00万元，实际支出14.00万元。\n")
    sg = r.sangong
    assert (sg.total.budget, sg.total.actual) == (D("20.00"), D("18.00"))  # 2.00 is a change, not a figure
    assert (sg.reception.budget, sg.reception.actual) == (D("5.00"), D("4.00"))
    assert (sg.vehicle_operation.budget, sg.vehicle_operation.actual) == (D("15.00"), D("14.00"))
    assert sg.overseas is None and sg.vehicle_purchase is None


def test_narrative_figures_of_the_year_before_are_not_current(tmp_path: Path) -> None:
    r = _draft(tmp_path, "某局2023年度部门整体支出绩效自评报告\n"
                         "2022年收入合计900.00万元，2023年收入合计1000.00万元。\n"
                         "上年支出合计880.00万元；本年支出合计990.00万元，其中基本支出600.00万元，项目支出390.00万元。\n")
    assert (r.income.total.previous, r.income.total.actual) == (D("900.00"), D("1000.00"))
    assert (r.expenditure.total.previous, r.expenditure.total.actual) == (D("880.00"), D("990.00"))
    assert (r.expenditure.basic.actual, r.expenditure.project.actual) == (D("600.00"), D("390.00"))


# ----- the seven digests of other provinces; 18, 22 and 28 held out, measured in docs/importer.md ---------------

@pytest.fixture(scope="module")
def batch2(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DepartmentYear, dict[str, Any]]]:
    return _import_all(BATCH2_REPORTS, tmp_path_factory.mktemp("batch2") / "data")


def test_batch2_imports_without_unit_or_year_options(batch2: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    # Every one of them states its unit and its year somewhere (title, 单位名称, 评价单位（公章）, 部门, the first
    # sentence); titles carry no cover, contents or attachment words.
    names = {code: record.unit.name for code, (record, _) in batch2.items()}
    assert names == {"huaihua-minzheng": "怀化市民政局", "xiaqiao-zhen": "下桥镇人民政府", "xuwen-gonglu": "徐闻县地方公路局",
                     "xundian-renda": "寻甸回族彝族自治县人民代表大会常务委员会",
                     "xundian-xianweiban": "中共寻甸回族彝族自治县委员会办公室",
                     "jinzhai-chagu": "金寨县茶谷和美丽乡村建设服务中心", "zhouqu-weisheng": "舟曲县城关镇社区卫生服务中心"}
    for code, (record, _) in batch2.items():
        assert not re.search(r"目\s*录|封面|附件", record.title), (code, record.title)


def test_18_guangdong_cover_and_staffing(batch2: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = batch2["xuwen-gonglu"]
    assert (r.cover.evaluated_unit, r.cover.fill_date.isoformat(), r.cover.document_number) == (
        "徐闻县地方公路局", "2025-10-29", "徐财绩[2025]5号")
    s = r.staffing
    assert (s.approved, s.actual, s.retired, s.temporary, s.as_of.isoformat()) == (36, 34, 64, 37, "2023-12-31")
    # "确保全年县道养护路况好路率达95%，优等路率达85%": two targets of the first goal (its results are cut off).
    assert [(i.target.value, i.target.unit, i.actual) for g in r.goals for i in g.indicators] == [
        (D(95), "%", None), (D(85), "%", None)]


def test_22_yunnan_posts_vehicles_and_staff(batch2: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = batch2["xundian-xianweiban"]
    s = r.staffing
    assert (s.approved, s.approved_admin, s.approved_institution) == (None, 39, 5)   # no total is stated
    assert [(p.name, p.count) for p in s.posts] == [("办公室主任", 1), ("办公室副主任", 4), ("督查员", 3), ("内设科室领导", 9)]
    assert (s.actual, s.retirees, s.retired_veteran, s.retired) == (32, 16, 0, 16)
    assert (r.vehicles.approved, r.vehicles.actual) == (6, 6)


def test_28_health_centre(batch2: dict[str, tuple[DepartmentYear, dict[str, Any]]]) -> None:
    r, _ = batch2["zhouqu-weisheng"]
    assert (r.staffing.actual, r.staffing.hired) == (68, 25)
    assert r.stated_counts.projects == 16 and len(r.projects) == 13
    assert r.projects[0].name == "24年乡村医生定额补助项目" and r.projects[0].actual is None
    # "全年预算数为768.833013万元，其中基本支出329.948302万元": 万元 with six decimals kept as written, in the
    # column of the 全年预算 (调整后预算).
    assert r.expenditure.basic.adjusted == D("329.948302") and r.expenditure.basic.budget is None


def test_batch2_audit(tmp_path: Path) -> None:
    found = {code: audit_document(normalize(read_report(REAL / name))) for code, (name, _, _) in BATCH2_REPORTS.items()}
    # 18: staffing dated 截至2023年12月31日 in a 2024 report; 徐财绩[2025]5号 without 六角括号; its history's years
    # (成立于1952年 …) are not year slips.
    assert "staffing.as_of" in _rules(found["xuwen-gonglu"], "verify")
    assert "text.document_number" in _rules(found["xuwen-gonglu"], "note")
    assert "text.year_other" not in _rules(found["xuwen-gonglu"])
    # 22: 摘要（2000字以内） is a template's instruction left in; 32 = 32 + 0 + 0 and 16 = 0 + 16 add up.
    assert _one(found["xundian-xianweiban"], "text.placeholder").numbers == {"placeholder": "（2000字以内）"}
    assert not [f for f in found["xundian-xianweiban"] if f.rule.startswith("sum.")]
    # 28: 共计16个项目 with 13 named.
    counted = _one(found["zhouqu-weisheng"], "counts.stated")
    assert counted.path == "stated_counts.projects" and "16" in counted.message and "13" in counted.message
    # 26: executed 338.31 above the full-year budget 329.77 with no carry-over or other funds.
    assert _one(found["jinzhai-chagu"], "execution.above_budget").numbers["difference"] == "8.54"
    # 20: 48 in post for 38 行政 posts, and 8 internal bodies stated with 9 named.
    assert {"staffing.over_kind", "counts.stated"} <= set(_rules(found["xundian-renda"], "verify"))
