"""版本记录 and ``perfeval changes``: a small book built, published, changed (one figure of the seed and a
ruling) and built again.

Expectations from the seed's data file as it states them: 年度预算金额 (``unit.annual_budget``) 2373.85万元;
the ruling on the seed's adjustment finding, 采纳 with the basis we give. The demo department is not changed,
so its chapter has no 版本记录.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from perfeval.book.ledger import describe, field_words, finding_words
from perfeval.cli import main
from perfeval.model import forms

from .conftest import small_project

ADJUSTMENT = "adjustment.declared_zero:adjustment.declared_rate"
SEED = "data/2024/xiangtan-minzheng.yaml"


def _build(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    capsys.readouterr()


def _section(root: Path, page: str) -> str:
    soup = BeautifulSoup((root / "_build/html/book" / page).read_text(encoding="utf-8"), "html.parser")
    heading = next((h for h in soup.find_all("h2") if h.get_text(strip=True).startswith("版本记录")), None)
    return "" if heading is None else heading.find_parent("section").get_text(" ", strip=True)


def _changes(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["changes", "--root", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_changed_chapter_carries_its_version_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = small_project(tmp_path / "book", ("qinghe-jiaoyu",))
    seed = root / SEED
    stated = yaml.safe_load(seed.read_text(encoding="utf-8"))["unit"]["annual_budget"]
    assert str(stated) == "2373.85"
    _build(root, capsys)
    assert _section(root, "2024/xiangtan-minzheng.html") == ""          # the first release: no 版本记录
    code, out, _ = _changes(capsys, root, "--format", "json")
    [first] = json.loads(out)["releases"]
    assert code == 0 and first["first"] and first["changes"] == []

    text = seed.read_text(encoding="utf-8")
    seed.write_text(re.sub(r"(?m)^  annual_budget: 2373.85$", "  annual_budget: 2400", text), encoding="utf-8")
    assert main(["rule", "xiangtan-minzheng", "2024", ADJUSTMENT, "--decision", "采纳", "--basis", "财预〔2025〕12号",
                 "--by", "预算绩效管理科", "--date", "2025-06-30", "--data-dir", str(root / "data")]) == 0
    capsys.readouterr()
    _build(root, capsys)
    record = _section(root, "2024/xiangtan-minzheng.html")
    assert "年度预算金额 2373.85万元 → 2400万元" in record
    assert "口径认定" in record and "采纳（依据：财预〔2025〕12号；预算绩效管理科，2025年6月30日）" in record
    assert "adjustment" not in record and "annual_budget" not in record  # no ids, no field paths
    assert _section(root, "2024/qinghe-jiaoyu.html") == ""

    code, out, _ = _changes(capsys, root, "--format", "json")
    releases = json.loads(out)["releases"]
    assert [len(r["changes"]) for r in releases] == [0, 1]
    [change] = releases[1]["changes"]
    assert change["department"] == "湘潭市民政局" and change["year"] == 2024
    assert any("2373.85万元 → 2400万元" in i for i in change["items"]) and any("采纳" in i for i in change["items"])
    assert releases[1]["path"] and Path(releases[1]["path"]).is_file()     # the previous release stays readable
    code, out, _ = _changes(capsys, root, "--since", releases[0]["id"])
    assert code == 0 and "湘潭市民政局（2024年）" in out and "数据更正：年度预算金额 2373.85万元 → 2400万元" in out
    assert releases[0]["id"] not in out
    code, _, err = _changes(capsys, root, "--since", "20000101T000000-bogus")
    assert code == 2 and "未知的发布编号" in err and releases[0]["id"] in err and releases[1]["id"] in err

    # A rebuild with no change runs no page again and adds no release.
    from perfeval.book import BuildOptions, build   # noqa: PLC0415
    from perfeval.book.plan import BookLayout
    report = build(BookLayout.at(root), BuildOptions(root / "data/frameworks/xiangtan-2024.yaml", jobs=2,
                                                     log=lambda _: None))
    assert report.executed == [] and "book/2024/xiangtan-minzheng" in report.cached
    code, out, _ = _changes(capsys, root, "--format", "json")
    assert len(json.loads(out)["releases"]) == 2


# --- the words (no build) -----------------------------------------------------------------------------

def test_changes_are_described_by_form_labels_and_rulings_in_words() -> None:
    old = {"values": {"unit.annual_budget": "2373.85", "income.appropriation.budget": "2373.85",
                      "projects[0].name": "低保员工资", "projects[0].budget": "1700"},
           "rulings": {}, "replies": {}}
    new = {"values": {**old["values"], "income.appropriation.budget": "2400", "projects[0].budget": "1800"},
           "rulings": {"x:y": {"decision": "不采纳", "basis": "<b>依据</b>", "by": "", "date": "", "about": "某事"}},
           "replies": {}}
    items = describe(old, new)
    assert items[0] == "口径认定：“某事”，不采纳（依据：<b>依据</b>）"     # escaped where shown, not here
    assert f"数据更正：{forms.label('income.appropriation')}（本年预算数） 2373.85万元 → 2400万元" in items
    assert "数据更正：项目支出「低保员工资」·预算安排 1700万元 → 1800万元" in items
    assert describe(new, new) == []
    assert field_words("cover.report_date", {}) != "cover.report_date"
    assert finding_words("甲；乙") == "甲"
