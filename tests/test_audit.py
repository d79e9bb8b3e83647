"""perfeval audit: findings on published reports (values checked by hand against the texts).

Severities: error (a provable contradiction), verify (depends on facts the report does not give), note.
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
    (year,) = _only(seed_findings, "text.year")
    assert year.severity == "error"
    assert year.numbers == {"written": "2023", "report_year": "2024"}
    assert year.source.startswith("2023 年度批复我局部门预算支出预算总数为 2373.85 万元")
    # The other 2023 (the exam year in completion statement 6) is only a note.
    (other,) = _only(seed_findings, "text.year_other")
    assert other.severity == "note" and "2023年社会工作者职业水平考试" in other.source


def test_seed_adjustment_rate_claim(seed_findings: list[Finding]) -> None:
    (claim,) = _only(seed_findings, "text.claim")
    assert claim.severity == "error"
    assert claim.path == "adjustment.declared_rate"
    # 855.52 / 2373.85 = 0.360393… → 36.04 %
    assert claim.numbers == {"declared": "0", "adjustment": "855.52", "initial_budget": "2373.85", "computed": "36.04"}
    assert claim.source.endswith("故预算调整率为零。")
    assert "因财政预算调整下达 855.52 万元" in claim.source


def test_seed_sums(seed_findings: list[Finding]) -> None:
    # Only one stated total differs from its parts: 1595.3 vs 1339.41 + 255.88 = 1595.29 (rounding, a note).
    sums = _only(seed_findings, "text.sum")
    assert [(f.severity, f.numbers["total"], f.numbers["sum"]) for f in sums] == [("note", "1595.3", "1595.29")]
    assert not _only(seed_findings, "text.rate")
    assert sorted(f.rule for f in seed_findings if f.severity == "error") == ["text.claim", "text.unit", "text.year"]
    # Nothing else to verify in the seed: its figures add up and no table contradicts them.
    assert [f.rule for f in seed_findings if f.severity == "verify"] == []


def test_audit_cli_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(SEED_TEXT)]) == 1  # year from the title
    text = capsys.readouterr().out
    assert "[错误] text.unit" in text and "出处：「2. 支出情况：2024 年度财政拨款支出 3229.37 元。」" in text
    assert main(["audit", str(SEED_TEXT), "--year", "2024", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"text.unit", "text.year", "text.claim"} <= {d["rule"] for d in data}
    assert set(data[0]) == {"id", "rule", "checks", "severity", "path", "message", "numbers", "source"}


def test_hunan_county_sum_and_rate() -> None:
    findings = audit_report(REPORTS / "hunan_county_selfeval.txt")
    errors = [f for f in findings if f.severity == "error"]
    assert sorted(f.rule for f in errors) == ["text.rate", "text.sum"]
    (s,) = _only(findings, "text.sum")
    # 1256.30 + 214.20 = 1470.50, stated 1480.50
    assert (s.numbers["total"], s.numbers["sum"], s.numbers["difference"]) == ("1480.50", "1470.50", "10.00")
    assert s.path == "income.appropriation.actual"
    (r,) = _only(findings, "text.rate")
    # 442.12 / 468.10 = 0.94450… → 94.4 % at the stated one decimal, stated 96.5 %
    assert (r.numbers["stated"], r.numbers["computed"]) == ("96.5", "94.4")
    assert r.source.startswith("项目支出预算执行率为96.5%（442.12/468.10）")
    # 98.09 % = 1452.18 / 1480.50 is right, so it is not reported.
    assert not any("98.09" in f.source for f in findings)


def test_city_report_score_table_rate_and_sangong_sum() -> None:
    findings = audit_report(REPORTS / "city_score_table.txt")
    (score,) = _only(findings, "text.score_sum")
    # 19 + 18.5 + 28 + 26 = 91.5, stated 92.5
    assert score.numbers == {"total": "92.5", "sum": "91.5"}
    (rate,) = _only(findings, "text.rate")
    # 590.12 / 620.00 = 0.95180… → 95.18 %, stated 96.18 %
    assert (rate.numbers["stated"], rate.numbers["numerator"], rate.numbers["denominator"],
            rate.numbers["computed"]) == ("96.18", "590.12", "620.00", "95.18")
    (s,) = _only(findings, "text.sum")
    # 3.10 + 7.15 = 10.25, stated 10.35
    assert (s.numbers["total"], s.numbers["sum"]) == ("10.35", "10.25")
    assert s.path == "sangong.total.actual"
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
    assert sorted(f.message for f in found) == ["文中留有模板占位文字「XX」", "文中留有模板占位文字「……」"]
    assert all(f.severity == "verify" for f in found)
    assert "主要包括……" in next(f.source for f in found if "……" in f.message)
    # An editor's mark of a cut is not template text.
    cut = "2024年某局部门整体支出绩效评价报告\n调研协商……（摘录在此截断）\n"
    assert not _only(audit_document(normalize(cut), 2024), "text.placeholder")


def test_year_labelled_headers_and_comparisons_are_not_year_slips() -> None:
    text = ("2023年度某局部门整体支出绩效自评报告\n"
            "经费控制情况\t2022年决算数\t2023年预算数\t2023年决算数\n"
            "三公经费\t1.84\t1.49\t1.49\n"
            "2023年三公经费支出1.49万元，比2022年减少0.35万元。\n"
            "说明：2023年预算安排三公经费1.49万元，2022年预算安排1.84万元，变动率=（1.49-1.84）÷1.84=-19.02%。\n"
            "2022年度批复的项目预算已全部执行。\n")
    findings = audit_document(normalize(text), 2023)
    years = [f for f in findings if f.rule in ("text.year", "text.year_other")]
    # Only the last line is a slip: a 2022 approval inside the 2023 report, with no comparison.
    assert [(f.rule, f.severity) for f in years] == [("text.year", "error")]
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
