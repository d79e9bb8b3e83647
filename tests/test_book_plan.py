"""The book's plan without executing anything: run factory, parameters, TOC, generated pages, downloads,
pruning a render folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from perfeval.book import BookLayout, department_run, fill_parameters, plan_runs, select
from perfeval.book.downloads import write_downloads
from perfeval.book.markdown import md_escape
from perfeval.book.plan import Run, history_files
from perfeval.book.publish import NAVIGATION_FILE, prune_staging, remove_published_extra
from perfeval.book.toc import group_pages, make_toc, navigation, toc_pages
from perfeval.errors import UsageError
from perfeval.model.files import load_department
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, copy_project

FRAMEWORK = resolve_framework(DEFAULT_FRAMEWORK, ROOT / "data")


def _template(tmp: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    path = tmp / "t.ipynb"
    nbformat.write(nb, path)
    return path


# --- parameters and the run factory -------------------------------------------------------------------

def test_only_declared_parameters_are_filled(tmp_path: Path) -> None:
    template = _template(tmp_path, 'code = "x"\nyear = 2000\n')
    params = fill_parameters(template, {"code": "a", "year": 2024, "data_dir": "/d", "framework_file": "/f"})
    assert params == {"code": "a", "year": 2024}
    assert fill_parameters(template, {"code": "a"}, {"year": 2023}) == {"code": "a", "year": 2023}


def test_an_undeclared_override_is_refused(tmp_path: Path) -> None:
    template = _template(tmp_path, 'code = "x"\n')
    with pytest.raises(UsageError, match="未知参数 data_dri"):
        fill_parameters(template, {"code": "a"}, {"data_dri": "data"})


def test_history_is_every_earlier_year_folder_of_four_digits(tmp_path: Path) -> None:
    for folder in ("2021", "2023", "2024", "2025", "02023", "２０２２", "2022 "):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.yaml").write_text("", encoding="utf-8")
    (tmp_path / "2020").mkdir()   # another department only
    (tmp_path / "2020" / "y.yaml").write_text("", encoding="utf-8")
    assert history_files(tmp_path, "x", 2024) == [tmp_path / "2021" / "x.yaml", tmp_path / "2023" / "x.yaml"]


def test_run_and_build_get_the_same_chapter_run(tmp_path: Path) -> None:
    """`perfeval run` (department_run) and `perfeval build` (plan_runs) describe the seed chapter alike."""
    root = copy_project(tmp_path / "p")
    layout = BookLayout.at(root)
    built = next(r for r in plan_runs(layout, FRAMEWORK) if r.page == "book/2024/xiangtan-minzheng")
    record = load_department(root / "data/2024/xiangtan-minzheng.yaml")
    single = department_run(layout, record, root / "data", FRAMEWORK, book=False)
    assert single.parameters == {k: v for k, v in built.parameters.items() if k != "downloads_dir"}
    assert (single.title, single.drop_tags, single.inputs) == (built.title, built.drop_tags, built.inputs)
    assert single.parameters["code"] == "xiangtan-minzheng" and single.parameters["year"] == 2024
    assert str(FRAMEWORK) in single.parameters.values()


def test_plan_pages_and_only(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    runs = plan_runs(BookLayout.at(root), FRAMEWORK)
    pages = {r.page for r in runs}
    assert {"book/2024/xiangtan-minzheng", "book/2024/overview-demo", "book/method", "book/findings"} <= pages
    chosen = {r.page for r in select(runs, "qinghe-jiaoyu")}
    assert chosen == {"book/2022/qinghe-jiaoyu", "book/2023/qinghe-jiaoyu", "book/2024/qinghe-jiaoyu",
                      "book/2022/overview-demo", "book/2023/overview-demo", "book/2024/overview-demo",
                      "book/2022/risk-demo", "book/2023/risk-demo", "book/2024/risk-demo", "book/findings"}
    with pytest.raises(UsageError, match="no-such"):
        select(runs, "no-such")


# --- TOC and generated pages --------------------------------------------------------------------------

def _chapter(code: str, title: str, supervisor: str) -> Run:
    return Run(page=f"book/2024/{code}", template="/t/department.ipynb", parameters={}, title=title, code=code,
               name=title, year=2024, supervisor=supervisor, inputs=(f"/d/2024/{code}.yaml",))


def test_markdown_escape_keeps_text_on_one_line() -> None:
    assert md_escape("甲\n    乙\r\n丙\t丁\x1b[31m") == r"甲 乙 丙 丁 \[31m"
    assert md_escape("  前后空白\n") == "前后空白"


def test_a_line_break_in_title_or_supervisor_keeps_the_group_page_intact() -> None:
    runs = [_chapter("a", "第一行\n    缩进的第二行 `代码`", "主管\n    部门"),
            _chapter("b", "正常标题", "主管\n    部门")]
    (path, text), = group_pages(runs).items()
    tokens = MarkdownIt("commonmark").parse(text)
    types = [t.type for t in tokens]
    assert "code_block" not in types and "fence" not in types
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [md_escape("主管\n    部门")]
    links = [c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]
    assert links == ["a.ipynb", "b.ipynb"]
    assert "缩进的第二行" in text


def test_toc_pages_and_navigation() -> None:
    runs = [_chapter("a", "甲", "主管"), _chapter("b", "乙", "主管")]
    toc = make_toc(runs)
    pages = toc_pages(toc)
    assert pages[0] == "book/intro" and pages[-2:] == ["book/2024/a", "book/2024/b"]
    nav = navigation(runs, "toc")
    assert navigation(runs, "toc") == nav
    assert navigation(runs[:1], "toc") != nav            # a page removed
    assert navigation([_chapter("a", "甲'", "主管"), runs[1]], "toc") != nav   # a title changed


def test_the_table_of_contents_is_written_again_only_when_its_data_change(tmp_path: Path) -> None:
    import yaml

    from perfeval.book.toc import TOC_MEMO, write_toc

    root = copy_project(tmp_path / "p")
    layout = BookLayout.at(root)
    runs = plan_runs(layout, FRAMEWORK)
    text = write_toc(layout, runs)
    assert yaml.safe_load(text) == make_toc(runs)
    assert (root / "_toc.yml").read_text(encoding="utf-8") == text
    assert (layout.build_dir / TOC_MEMO).is_file()
    assert write_toc(layout, runs) == text                    # from the memo: the same text
    fewer = [r for r in runs if r.page != "book/2024/qinghe-jiaoyu"]
    changed = write_toc(layout, fewer)
    assert changed != text and yaml.safe_load(changed) == make_toc(fewer)
    assert (root / "_toc.yml").read_text(encoding="utf-8") == changed
    (layout.build_dir / TOC_MEMO).write_text("{broken", encoding="utf-8")
    assert write_toc(layout, runs) == text


def test_demo_parts_come_after_every_real_part() -> None:
    def run(code: str, year: int, demo: bool) -> Run:
        return Run(page=f"book/{year}/{code}", template="/t/department.ipynb", parameters={}, title=code, code=code,
                   name=code, year=year, supervisor="主管", demo=demo)

    runs = [run("a", 2024, False), run("b", 2023, False), run("x", 2024, True), run("y", 2023, True)]
    captions = [p["caption"] for p in make_toc(runs)["parts"]]
    assert captions == ["阅读指南", "2024年度", "2023年度", "2024年度（示例数据）", "2023年度（示例数据）"]


def test_a_chapter_without_supervisor_is_grouped_under_unknown(tmp_path: Path) -> None:
    from perfeval.book.plan import UNKNOWN_SUPERVISOR
    from perfeval.model.schema import DepartmentYear

    rec = DepartmentYear.model_validate({"code": "x", "year": 2024, "unit": {"name": "某单位"}})
    chapter = department_run(BookLayout(ROOT), rec, ROOT / "data", FRAMEWORK)
    assert chapter.supervisor == UNKNOWN_SUPERVISOR == "未注明主管部门"
    (path, text), = group_pages([chapter]).items()
    assert text.startswith("# 未注明主管部门\n") and "None" not in text


# --- downloads ----------------------------------------------------------------------------------------

def test_downloads_are_written_when_changed_and_stale_ones_removed(tmp_path: Path) -> None:
    page = _chapter("a", "甲", "主管")
    offered = {"2024/a/表1.csv": b"x,y\n", "2024/a/a-2024.docx": b"PK"}

    def compute(nb: object, run: Run) -> dict[str, bytes]:
        assert run is page
        return offered

    assert write_downloads(None, page, tmp_path, compute) == [tmp_path / "2024/a/a-2024.docx",
                                                             tmp_path / "2024/a/表1.csv"]
    mtime = (tmp_path / "2024/a/表1.csv").stat().st_mtime_ns
    assert write_downloads(None, page, tmp_path, compute) == []
    assert (tmp_path / "2024/a/表1.csv").stat().st_mtime_ns == mtime
    (tmp_path / "2024/b").mkdir()
    (tmp_path / "2024/b/other.csv").write_text("other page", encoding="utf-8")
    offered = {"2024/a/表1.csv": b"x,y\n1,2\n"}
    assert write_downloads(None, page, tmp_path, compute) == [tmp_path / "2024/a/表1.csv"]
    assert sorted(p.name for p in (tmp_path / "2024/a").iterdir()) == ["表1.csv"]
    assert (tmp_path / "2024/b/other.csv").is_file(), "another page's folder is not touched"
    offered = {"../escape.csv": b""}
    with pytest.raises(ValueError):
        write_downloads(None, page, tmp_path, compute)


# --- pruning a render folder ---------------------------------------------------------------------------

def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _staging(tmp: Path, navigation_text: str) -> Path:
    staging = tmp / "staging"
    out = staging / "_build"
    for doc in ("book/2024/a", "book/2024/b"):
        _touch(out / ".doctrees" / f"{doc}.doctree")
        _touch(out / "jupyter_execute" / f"{doc}.ipynb")
        _touch(out / "html" / f"{doc}.html")
    _touch(out / "html/downloads/2024/a/表1.csv")
    _touch(out / "html/downloads/2024/a/old.csv")
    _touch(out / "html/downloads/2024/b/表1.csv")
    _touch(staging / NAVIGATION_FILE, navigation_text)
    return staging


def test_prune_removes_what_is_not_in_the_book(tmp_path: Path) -> None:
    staging = _staging(tmp_path, "nav")
    assert prune_staging(staging, ["book/intro", "book/2024/a"], "nav")
    out = staging / "_build"
    assert not (out / ".doctrees/book/2024/b.doctree").exists() and (out / ".doctrees/book/2024/a.doctree").exists()
    assert not (out / "jupyter_execute/book/2024/b.ipynb").exists()
    assert (out / "html/book/2024/a.html").exists()
    # The published downloads whose sources are gone (said by the build: the last render's sources against
    # this one's), and a folder left empty; the others stay.
    remove_published_extra(staging, ["book/_extra/downloads/2024/a/old.csv", "book/_extra/downloads/2024/b/表1.csv",
                                     "book/2024/b.ipynb"])
    assert sorted(p.relative_to(out / "html/downloads").as_posix()
                  for p in (out / "html/downloads").rglob("*")) == ["2024", "2024/a", "2024/a/表1.csv"]
    assert (out / "html/book/2024/b.html").exists(), "a page is Sphinx's to remove, not a download"


def test_prune_drops_the_html_when_the_navigation_changed(tmp_path: Path) -> None:
    staging = _staging(tmp_path, "old navigation")
    assert not prune_staging(staging, ["book/2024/a", "book/2024/b"], "new navigation")
    assert not (staging / "_build/html").exists()
    assert (staging / "_build/.doctrees/book/2024/b.doctree").exists(), "doctrees stay: Sphinx re-reads nothing"
    shutil.rmtree(staging)
