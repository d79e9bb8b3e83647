"""perfeval audit: findings on published reports (values checked by hand against the texts).

Severities: error (a provable contradiction), verify (depends on facts the report does not give), note. The audit
runs the record checks of ``perfeval check`` on the draft it imports, plus the rules only text allows; a fact the
checks report (a sum, a stated rate, the approval year) is not reported again by a text rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfeval.review.findings import Finding
from perfeval.importer import audit_document, audit_report, normalize, normalize_fragment

ROOT = Path(__file__).resolve().parents[1]
from .conftest import SEED_TEXT  # noqa: E402 - the copy of the seed shipped with the tests
from .import_helpers import main  # noqa: E402
REPORTS = Path(__file__).resolve().parent / "reports"


def _only(findings: list[Finding], rule: str, severity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule == rule and (severity is None or f.severity == severity)]


@pytest.fixture(scope="module")
def seed_findings() -> list[Finding]:
    return audit_report(SEED_TEXT, year=2024)


def test_seed_unit_slip(seed_findings: list[Finding]) -> None:
    (unit,) = _only(seed_findings, "text.unit")
    assert unit.severity == "error"
    assert unit.path == "expenditure.total.actual"
    assert unit.numbers == {"written": "3229.37元", "as_wan": "3229.37"}
    assert unit.source == "2. 支出情况：2024 年度财政拨款支出 3229.37 元。"


def test_seed_year_slip(seed_findings: list[Finding]) -> None:
    # "2023 年度批复" inside the 2024 report: the record's approval year, checked as `check` does (需核实: it
    # may be a slip or an approval given in 2023), quoting the sentence; the text rule does not say it again.
    (year,) = _only(seed_findings, "year.as_written")
    assert year.severity == "verify" and not _only(seed_findings, "text.year")
    assert year.numbers == {"year_as_written": "2023", "report_year": "2024"}
    assert year.source.startswith("2023 年度批复我局部门预算支出预算总数为 2373.85 万元")
    # The other 2023 (the exam year in completion statement 6) is only a note.
    (other,) = _only(seed_findings, "text.year_other")
    assert other.severity == "note" and "2023年社会工作者职业水平考试" in other.source


def test_seed_adjustment_rate_claim(seed_findings: list[Finding]) -> None:
    # "故预算调整率为零" beside 855.52 of 2373.85: the check of `check` (the unit gives its reason for not counting
    # the adjustment, so it is 需核实, as on the seed's page), not a second text rule with another severity.
    (claim,) = _only(seed_findings, "adjustment.declared_zero")
    assert claim.severity == "verify"
    assert claim.path == "adjustment.declared_rate"
    # 855.52 / 2373.85 = 0.360393… → 36.04 %
    assert (claim.numbers["adjustment"], claim.numbers["initial_budget"], claim.numbers["adjustment_rate"],
            claim.numbers["declared_adjustment_rate"]) == ("855.52", "2373.85", "36.04", "0")
    assert claim.source.endswith("故预算调整率为零。")
    assert "因财政预算调整下达 855.52 万元" in claim.source
    # The unit's reason is its sentence under 其他需要说明问题, without the text before it that a lost line break
    # joined to it ("…整改完成时限：2025年5月30日其他需要说明问题年中预算调整是由于…").
    assert "单位的理由：“年中预算调整是由于因落实国家政策" in claim.message and "整改" not in claim.message


def test_seed_sums(seed_findings: list[Finding]) -> None:
    # Only one stated total differs from its parts: 1595.3 vs 1339.41 + 255.88 = 1595.29 (rounding, a note), found by
    # the record check on the 批复 column; the sentence's text.sum would say the same and is left out.
    (basic,) = [f for f in seed_findings if f.rule.startswith("sum.")]
    assert (basic.rule, basic.severity, basic.path) == ("sum.basic", "note", "expenditure.basic.budget")
    assert (basic.numbers["stated"], basic.numbers["computed"]) == ("1595.3", "1595.29")
    assert not _only(seed_findings, "text.sum") and not _only(seed_findings, "text.rate")
    # The one error: the 元 slip (text). The projects said to be paid in full below 100% of budget are 需核实,
    # as the chapter's check says of them (paying beneficiaries and using the budget are different things).
    assert [f.rule for f in seed_findings if f.severity == "error"] == ["text.unit"]
    # Errors first, then 需核实, then notes; each finding of a check quotes the report's sentence.
    order = {"error": 0, "verify": 1, "note": 2}
    assert [order[f.severity] for f in seed_findings] == sorted(order[f.severity] for f in seed_findings)
    assert all(f.source for f in seed_findings if f.path and f.rule not in ("rate.summary",))


def test_audit_cli_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(SEED_TEXT)]) == 1  # year from the title
    text = capsys.readouterr().out
    assert "[错误] text.unit" in text and "出处：「2. 支出情况：2024 年度财政拨款支出 3229.37 元。」" in text
    assert main(["audit", str(SEED_TEXT), "--year", "2024", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"text.unit", "year.as_written", "adjustment.declared_zero"} <= {d["rule"] for d in data}
    assert set(data[0]) == {"id", "rule", "checks", "severity", "path", "message", "numbers", "source"}


def test_hunan_county_sum_and_rate() -> None:
    findings = audit_report(REPORTS / "hunan_county_selfeval.txt")
    errors = [f for f in findings if f.severity == "error"]
    assert sorted(f.rule for f in errors) == ["sum.adjusted", "text.rate"]
    (s,) = _only(findings, "sum.adjusted")
    # 1256.30 + 214.20 = 1470.50, stated 1480.50 (the record check; the sentence's text.sum is not repeated)
    assert (s.numbers["stated"], s.numbers["computed"], s.numbers["difference"]) == ("1480.50", "1470.50", "10.00")
    assert s.source == "财政拨款收入 1,256.30 1,480.50 1,480.50"  # the table row that states 调整后预算
    (r,) = _only(findings, "text.rate")
    # 442.12 / 468.10 = 0.94450… → 94.4 % at the stated one decimal, stated 96.5 %
    assert (r.numbers["stated"], r.numbers["computed"]) == ("96.5", "94.4")
    assert r.source.startswith("项目支出预算执行率为96.5%（442.12/468.10）")
    # 98.09 % = 1452.18 / 1480.50 is right, so it is not reported.
    assert not any("98.09" in f.source for f in findings)


def test_city_report_score_table_rate_and_sangong_sum() -> None:
    findings = audit_report(REPORTS / "city_score_table.txt")
    (score,) = _only(findings, "selfscore.sum")
    # 19 + 18.5 + 28 + 26 = 91.5, stated 92.5 (the 合计 row is the unit's stated total)
    assert (score.severity, score.numbers["stated"], score.numbers["computed"]) == ("error", "92.5", "91.5")
    assert not _only(findings, "text.score_sum")
    (rate,) = _only(findings, "text.rate")
    # 590.12 / 620.00 = 0.95180… → 95.18 %, stated 96.18 %
    assert (rate.numbers["stated"], rate.numbers["numerator"], rate.numbers["denominator"],
            rate.numbers["computed"]) == ("96.18", "590.12", "620.00", "95.18")
    (s,) = _only(findings, "sum.sangong")
    # 3.10 + 7.15 = 10.25, stated 10.35: the sentence names two of the four items, so the gap may be in the
    # others (需核实, as `check` says of the imported record); no second text.sum with another severity.
    assert (s.severity, s.numbers["stated"], s.numbers["computed"]) == ("verify", "10.35", "10.25")
    assert s.path == "sangong.total.actual" and not _only(findings, "text.sum")
    assert "实际支出10.35万元" in s.source


def test_consistent_small_report_has_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    findings = audit_report(REPORTS / "small_report.html")
    assert not [f for f in findings if f.severity == "error"]
    # 3458000 元 among 万元 figures, with no evidence of a slip: to verify (a 10,000× slip is possible).
    (mixed,) = _only(findings, "text.unit_mixed")
    assert mixed.severity == "verify" and mixed.numbers["as_wan"] == "345.8"
    assert main(["audit", str(REPORTS / "small_report.html")]) == 0
    capsys.readouterr()


def test_inline_rules() -> None:
    text = ("2024年某单位部门整体支出绩效评价报告\n"
            "三公经费合计 9.00 万元，其中公务接待费 4.00 万元，公务用车运行维护费 5.00 万元。\n"
            "两项补贴分别为 10.5 万元和 20.25 万元，两项补贴共发放 31.00 万元。\n"
            "单位名称：XX局。\n"
            "2024年结转结余率为 5%（6/120）。\n")
    findings = audit_document(normalize(text), 2024)
    sums = _only(findings, "text.sum")
    # 9.00 = 4.00 + 5.00 holds; 10.5 + 20.25 = 30.75 ≠ 31.00
    assert [(f.numbers["total"], f.numbers["sum"]) for f in sums] == [("31.00", "30.75")]
    assert _only(findings, "text.placeholder")
    assert not _only(findings, "text.rate")  # 6 / 120 = 5 %


def test_ellipsis_placeholder_is_found() -> None:
    # NFKC turns "……" into "......"; the normalizer must not make the first "." a full stop.
    assert normalize_fragment("主要包括……") == "主要包括……"
    assert normalize_fragment("主要包括......。") == "主要包括……。"
    text = "2024年某局部门整体支出绩效评价报告\n项目支出主要包括……\n三、存在的问题：XX。\n"
    found = _only(audit_document(normalize(text), 2024), "text.placeholder")
    assert sorted(f.numbers["placeholder"] for f in found) == ["XX", "……"]
    assert all(f.severity == "error" for f in found)  # as `check` says of template text in a data file
    assert "主要包括……" in next(f.source for f in found if "……" in f.message)
    # An editor's mark of a cut is not template text (in a digest it is not even the report's text).
    cut = "2024年某局部门整体支出绩效评价报告\n调研协商……（摘录在此截断）\n"
    assert not _only(audit_document(normalize(cut), 2024), "text.placeholder")
    digest = "来源URL: http://x\n摘录完整度: 开头\n\n2024年某局部门整体支出绩效评价报告\n一、职能\n1.调研协商……（摘录在此截断）\n"
    assert not _only(audit_document(normalize(digest), 2024), "text.placeholder")


def test_year_labelled_headers_and_comparisons_are_not_year_slips() -> None:
    text = ("2023年度某局部门整体支出绩效自评报告\n"
            "经费控制情况\t2022年决算数\t2023年预算数\t2023年决算数\n"
            "三公经费\t1.84\t1.49\t1.49\n"
            "2023年三公经费支出1.49万元，比2022年减少0.35万元。\n"
            "说明：2023年预算安排三公经费1.49万元，2022年预算安排1.84万元，变动率=（1.49-1.84）÷1.84=-19.02%。\n"
            "2022年度批复的项目预算已全部执行。\n")
    findings = audit_document(normalize(text), 2023)
    years = [f for f in findings if f.rule in ("text.year", "text.year_other")]
    # Only the last line is a possible slip: a 2022 approval inside the 2023 report, with no comparison (需核实,
    # as `check` says of an approval year: the approval may really date from 2022).
    assert [(f.rule, f.severity) for f in years] == [("text.year", "verify")]
    assert years[0].source.startswith("2022年度批复的项目预算")
    # (1.49 - 1.84) ÷ 1.84 = -0.190217… → -19.02 %: the stated formula computes.
    assert not _only(findings, "text.rate")


def test_a_stated_share_is_checked_against_the_total_it_names() -> None:
    text = ("2024年度某局部门整体支出绩效评价报告\n"
            "2024年度，某局支出合计120万元，其中基本支出60万元，占支出合计的60%，项目支出60万元，占支出合计的50%。")
    (found,) = _only(audit_document(normalize(text), 2024), "text.share")
    # 60 ÷ 120 = 50%, not the 60% stated (the second share, 50%, holds)
    assert found.severity == "error" and found.numbers == {"stated": "60", "part": "60", "total": "120",
                                                            "computed": "50"}
    assert "占支出合计60%" in found.message
    # a share that does not follow its own figure, or whose total is not given, is not judged
    loose = "2024年度，某局基本支出60万元，主要用于人员工资，占支出合计的60%。"
    assert not _only(audit_document(normalize(loose), 2024), "text.share")
    unnamed = "2024年度，某局基本支出60万元，占支出合计的60%。"
    assert not _only(audit_document(normalize(unnamed), 2024), "text.share")


# ----- rules only text allows ----------------------------------------------------------------------------

def test_duplicate_numbering_but_not_a_table_of_contents() -> None:
    text = ("2024年某局部门整体支出绩效评价报告\n目录\n一、部门概况\n（一）机构\n（二）职能\n二、绩效目标\n"
            "一、部门概况\n（一）机构设置\n本局内设机构3个。\n（二）部门职能\n负责全县工作。\n（二）人员编制\n编制10人。\n"
            "二、绩效目标\n1.完成培训。\n2.完成检查。\n2.完成验收。\n三、存在的问题\n1.执行偏慢。\n")
    found = _only(audit_document(normalize(text), 2024), "text.numbering")
    # "（二）" twice under 一、 and "2." twice under 二、; the contents list repeats the headings and is left out,
    # and 1. under 三、 starts a new run.
    assert [(f.severity, f.numbers["number"], f.source) for f in found] == [
        ("note", "（二）", "（二）人员编制"), ("note", "2.", "2.完成验收。")]


def test_dates_that_do_not_fit() -> None:
    text = ("2024年度某局部门整体支出绩效自评报告\n"
            "截至2023年12月31日，核定编制36人，实有34人。\n"
            "截至2024年12月31日，退休人员64人。\n"
            "整改完成时限：2025年2月30日。\n")
    findings = audit_document(normalize(text), 2024)
    found = _only(findings, "text.date")
    # 2025-02-30 does not exist (error); the end of 2024 is the report year.
    assert [(f.severity, f.numbers["date"]) for f in found] == [("error", "2025年2月30日")]
    # The staffing stated at the end of 2023 describes the year before (需核实): the record check on the staffing's
    # date says it (staffing.as_of), so the text rule does not say it again.
    (before,) = _only(findings, "staffing.as_of")
    assert before.severity == "verify" and before.numbers["as_of"] == "2023-12-31"
    # A 截至 date that is no field's is the text rule's.
    other = _only(audit_document(normalize("2024年度某局部门整体支出绩效自评报告\n截至2023年6月30日，已完成项目验收。\n"),
                                 2024), "text.date")
    assert [(f.severity, f.numbers["date"]) for f in other] == [("verify", "截至2023年6月30日")]


def test_a_table_in_yuan_among_figures_in_wan() -> None:
    text = ("2024年度某局部门整体支出绩效自评报告\n2024年度收入合计120.50万元，支出合计118.20万元。\n"
            "附表 收入支出决算总表（单位：元）\n项目\t金额\n收入合计\t1205000.00\n")
    (mixed,) = _only(audit_document(normalize(text), 2024), "text.unit_mixed")
    assert mixed.severity == "note" and mixed.numbers == {"written": "元", "main": "万元"}
    assert "单位：元" in mixed.source


# ----- checks on what the report states (review/checks/consistency.py), in audit and in check ------------

def _record(**data: object):  # noqa: ANN202 - a test helper
    from perfeval.model.schema import DepartmentYear
    return DepartmentYear.model_validate({"code": "x", "year": 2023, "unit": {"name": "某局"}, **data})


def _checked(**data: object) -> list[Finding]:
    from perfeval.review.checks import run_checks
    return run_checks(_record(**data))


def test_execution_above_budget_without_carry_over_in_audit_and_check() -> None:
    # The Anhui 自评表: 全年预算 329.77, 全年执行 338.31 (102.59%), 上年结转 and 其他资金 blank.
    text = ("部门整体支出绩效自评表\n（2023年度）\n部门：某中心\n"
            "预算资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
            "年度资金总额\t329.77\t329.77\t338.31\t10\t102.59%\t（空）\n"
            "上年结转资金\t（空）\t（空）\t（空）\t—\t（空）\t—\n")
    (above,) = _only(audit_document(normalize(text)), "execution.above_budget")
    # 338.31 − 329.77 = 8.54; 338.31 / 329.77 = 102.589… → 102.59 %
    assert above.severity == "verify" and (above.numbers["difference"], above.numbers["execution_rate"]) == (
        "8.54", "102.59")
    assert above.source.startswith("年度资金总额 | 329.77 | 329.77 | 338.31")
    # The same figures in a data file: the same check, the same severity.
    (same,) = _only(_checked(self_funds=[{"item": "年度资金总额", "initial": "329.77", "full_year": "329.77",
                                          "executed": "338.31"}]), "execution.above_budget")
    assert same.severity == "verify" and same.numbers == above.numbers
    # A carry-over row with figures explains it; so does an income carry-over.
    assert not _only(_checked(self_funds=[
        {"item": "年度资金总额", "full_year": "329.77", "executed": "338.31"},
        {"item": "上年结转资金", "nature": "收入性质", "full_year": "8.54", "executed": "8.54"}]), "execution.above_budget")
    # In the narrative: 支出合计 above 调整后预算 (年初 500 + 调整 20 = 520), no carry-over: 530 is 10 above.
    (narrative,) = _only(_checked(income={"appropriation": {"budget": "500", "actual": "520"}},
                                  adjustment={"amount": "20", "purpose": "追加"},
                                  expenditure={"total": {"actual": "530"}}), "execution.above_budget")
    assert narrative.path == "expenditure.total.actual" and narrative.numbers["difference"] == "10"


def test_large_adjustment_unless_the_unit_states_its_rate() -> None:
    # 追加 767.86 on 年初 1922.76: 39.94 % (> 30 %); 全年 2690.62 = 1922.76 + 767.86.
    (large,) = _only(_checked(expenditure={"total": {"budget": "1922.76", "adjusted": "2690.62"}}), "adjustment.large")
    assert large.severity == "verify" and large.numbers["adjustment_rate"] == "39.94"
    # +135.8 % in a partial 自评表 (年初 100, 全年 235.8).
    (fund,) = _only(_checked(self_funds=[{"item": "年度资金总额", "initial": "100", "full_year": "235.8"}]),
                    "adjustment.large")
    assert fund.path == "self_funds[0].full_year" and fund.numbers["adjustment_rate"] == "135.80"
    # 30 % exactly is not "far above"; a stated rate is compared by adjustment.declared_* instead.
    assert not _only(_checked(expenditure={"total": {"budget": "100", "adjusted": "130"}}), "adjustment.large")
    assert not _only(_checked(expenditure={"total": {"budget": "100", "adjusted": "150"}},
                              adjustment={"declared_rate": "50"}), "adjustment.large")


def test_stated_change_against_the_prior_year_column() -> None:
    # "三公经费支出12.00万元，比上年减少3.00万元" implies 15.00 last year; the table says 16.00.
    found = _checked(sangong={"total": {"previous": "16.00", "actual": "12.00"}},
                     stated_changes=[{"subject": "三公经费支出", "current": "12.00", "change": "-3.00"}])
    (mismatch,) = _only(found, "change.previous_mismatch")
    assert mismatch.severity == "error" and (mismatch.numbers["previous"], mismatch.numbers["previous_in_table"]) == (
        "15.00", "16.00")
    assert not _only(_checked(sangong={"total": {"previous": "15.00", "actual": "12.00"}},
                              stated_changes=[{"subject": "三公经费支出", "current": "12.00", "change": "-3.00"}]),
                     "change.previous_mismatch")


def test_report_date_in_check() -> None:
    (early,) = _only(_checked(cover={"report_date": "2023-12-31"}), "report.date_early")
    assert early.severity == "error" and early.numbers == {"report_date": "2023-12-31", "year": "2023"}
    assert not _only(_checked(cover={"report_date": "2024-01-02"}), "report.date_early")


# ----- issue 21's checks where other provinces' reports state the figures -----------------------------------

_HEAD = "某县民政局2023年度部门整体支出绩效自评报告\n"


@pytest.mark.parametrize(("text", "rule", "severity"), [
    ("单位名称：XXX单位\n", "text.placeholder", "error"),                          # a label line
    ("本单位内设机构××个。\n", "text.placeholder", "error"),                        # a sentence
    ("整改时限：2024年6月31日。\n", "text.date", "error"),                          # no 31 June
    # 180 / 200 = 90 %, stated 95 %: a sentence, and a 自评表 row (Anhui) — the same fact, error in both.
    ("全年预算数为200万元，实际支出180万元，预算执行率为95%。\n", "text.rate", "error"),
    ("项目\t全年预算数\t全年执行数\t执行率\n年度资金总额\t200.00\t180.00\t95.00%\n", "rate.stated", "error"),
    # 100 % beside totals that differ (190 / 200 = 95 %).
    ("全年预算数为200万元，实际支出190万元，预算执行率100%。\n", "text.rate", "error"),
    ("项目\t全年预算数\t全年执行数\t执行率\n年度资金总额\t200.00\t190.00\t100%\n", "rate.stated", "error"),
    # 年初 100, adjusted 260: 160 % far above the initial budget (a sentence of the Hunan form; a table's row).
    ("财政拨款收入260万元，其中：财政年初预算拨款100万元，年中调整预算数160万元。\n", "adjustment.large", "verify"),
    ("收入支出决算总表\n项目\t年初预算数\t调整后预算数\t决算数\n支出合计\t100.00\t260.00\t250.00\n",
     "adjustment.large", "verify"),
    ("报告日期：2023年12月20日\n", "report.date_early", "error"),                  # a cover line
])
def test_issue_21_checks_in_other_phrasings(text: str, rule: str, severity: str) -> None:
    found = [f for f in audit_document(normalize(_HEAD + text), 2023) if f.rule == rule]
    assert found and all(f.severity == severity for f in found), found
