"""Real data only, by default: a book reads data/<year>/ (real and imported department-years), never the demo,
and 导读 promises what the plan builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from perfeval.book import BookLayout, plan_runs
from perfeval.book.toc import make_toc
from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.review import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, copy_seed

FRAMEWORK = resolve_framework(DEFAULT_FRAMEWORK, ROOT / "data")


def _project(tmp_path: Path, config_extra: str = "") -> Path:
    root = tmp_path / "p"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data" / "frameworks", root / "data" / "frameworks")
    (root / "_config.yml").write_text((ROOT / "_config.yml").read_text(encoding="utf-8") + config_extra,
                                      encoding="utf-8")
    copy_seed(root / "data/2024")
    (root / "data/demo/2024").mkdir(parents=True)
    for path in sorted((ROOT / "data/demo/2024").glob("*.yaml"))[:3]:
        shutil.copy(path, root / "data/demo/2024")
    return root


def test_the_repository_book_reads_data_only() -> None:
    layout = BookLayout.at(ROOT)
    assert layout.data_dirs == ((ROOT / "data").resolve(),)
    assert (ROOT / "data" / "demo").is_dir()        # the demo is there, and not read


def test_a_book_with_demo_data_beside_it_shows_none_of_it(tmp_path: Path) -> None:
    runs = plan_runs(BookLayout.at(_project(tmp_path)), FRAMEWORK)
    assert not [r for r in runs if r.demo or "demo" in r.page]
    assert [r.page for r in runs if r.code] == ["book/2024/xiangtan-minzheng", "book/2024/source/xiangtan-minzheng"]
    findings = next(r for r in runs if r.page == "book/findings")
    seed = (tmp_path / "p/data/2024").resolve()     # real totals only: the seed's summary
    assert findings.departments == (str(seed / "xiangtan-minzheng.yaml"),)
    captions = [part["caption"] for part in make_toc(runs)["parts"]]
    assert captions == ["阅读指南", "2024年度"] and not any("示例" in c for c in captions)


def test_intro_promises_an_overview_exactly_for_years_of_two_or_more_departments(tmp_path: Path) -> None:
    intro = (ROOT / "book/intro.md").read_text(encoding="utf-8")
    assert "一个年度有两个及以上部门时" in intro and "只有一个部门的年度不设总览" in intro
    assert "示例数据" not in intro.replace("不含程序生成的示例数据", "")   # no promise about demo parts
    root = _project(tmp_path)
    one = plan_runs(BookLayout.at(root), FRAMEWORK)
    assert not [r for r in one if r.kind == "overview"]
    text = (root / "data/2024/xiangtan-minzheng.yaml").read_text(encoding="utf-8")
    second = text.replace("code: xiangtan-minzheng", "code: second-dept").replace("source:\n  file:", "x_source:\n  file:")
    (root / "data/2024/second-dept.yaml").write_text(re.sub(r"x_source:\n(  .*\n)+", "", second), encoding="utf-8")
    two = plan_runs(BookLayout.at(root), FRAMEWORK)
    assert [r.page for r in two if r.kind == "overview"] == ["book/2024/overview"]


def test_a_project_may_name_its_data_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "\ndata_dirs: [data, data/demo]\n")
    runs = plan_runs(BookLayout.at(root), FRAMEWORK)
    assert len([r for r in runs if r.demo and r.code]) == 3
    # --data-dir overrides the configuration.
    assert BookLayout.at(root, ["data"]).data_dirs == ((root / "data").resolve(),)
    bad = _project(tmp_path / "bad", "\ndata_dirs: data\n")
    with pytest.raises(DataError) as info:
        BookLayout.at(bad)
    assert "data_dirs" in str(info.value) and "_config.yml" in str(info.value)
    assert main(["build", "--root", str(bad)]) == 2
    assert "数据目录" in capsys.readouterr().err
