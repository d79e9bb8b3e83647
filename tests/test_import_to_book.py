"""Issue 8, end to end: a draft imported from a report's text builds into a book chapter."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from perfeval.cli import main

from .conftest import SEED_TEXT, copy_project


def test_imported_seed_draft_builds_into_a_chapter(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p", data=False)
    draft = root / "data" / "2024" / "xiangtan-minzheng.yaml"
    draft.parent.mkdir(parents=True)
    assert main(["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "--year", "2024",
                 "-o", str(draft)]) == 0
    assert main(["build", "--root", str(root), "--jobs", "1"]) == 0
    page = root / "_build/html/book/2024/xiangtan-minzheng.html"
    text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
    for figure in ("湘潭市民政局", "3229.37万元", "2373.85万元", "855.52万元", "1581.75万元", "9.32万元", "59.71%",
                   "655.0411万元", "2025年5月30日"):
        assert figure in text, figure
