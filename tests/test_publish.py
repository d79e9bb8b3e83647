"""A release holds exactly the current book: removed pages leave nothing behind; a corrupt render cache and
the leftovers of a killed render are dealt with by the next build.

The tests share one project and run in file order (each leaves it built and consistent): a copy would
re-execute and re-render everything, since its pages' parameters name the copy's own paths.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from perfeval.book import publish
from perfeval.cli import main

from .conftest import ROOT, small_project

DEMO = ("qinghe-jiaoyu", "qinghe-nongye", "qinghe-weijian")
GONE = "qinghe-nongye"
GONE_NAME = "清河市农业农村局"
TEXT_SUFFIXES = {".html", ".js", ".json", ".txt", ".csv", ".md", ".ipynb", ".yml", ".yaml", ".xml"}




@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_project(tmp_path_factory.mktemp("publish") / "base", DEMO)
    assert GONE_NAME in (root / f"data/demo/2024/{GONE}.yaml").read_text(encoding="utf-8")
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    return root


@pytest.fixture()
def project(built: Path) -> Path:
    return built


def _release(root: Path) -> Path:
    release = publish.current_release(root / "_build/html")
    assert release is not None
    return release


def _mentions(folder: Path, *needles: str) -> list[str]:
    """Files under ``folder`` whose path or (text) content mentions one of ``needles``."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if any(n in rel for n in needles):
            found.append(rel)
        elif path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(n in text for n in needles):
                found.append(rel)
    return found


def test_a_no_change_build_removes_a_killed_renders_staging(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staging = project / "_build" / publish.SPHINX_STAGING
    (staging / "_build/html").mkdir(parents=True)
    (staging / "_build/html/index.html").write_text("half a book", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(project)]) == 0
    assert "网页内容未变化，跳过 jupyter-book" in capsys.readouterr().out
    assert not staging.exists()


def _images(release: Path) -> tuple[set[str], set[str]]:
    """(files in _images, images the pages reference)."""
    files = {p.name for p in (release / "_images").iterdir()}
    used = {m.group(1) for page in release.rglob("*.html")
            for m in re.finditer(r'_images/([^"\'?#]+)', page.read_text(encoding="utf-8"))}
    return files, used


def test_a_changed_chart_leaves_no_stale_image(project: Path) -> None:
    before, used = _images(_release(project))
    assert before == used and len(before) > 5
    path = project / "data/demo/2024/qinghe-jiaoyu.yaml"
    text = path.read_text(encoding="utf-8")
    # 三公经费 actual, the total and its 公务接待 item: its chart changes.
    changes = {"  total: {previous: 9.24, budget: 9.41, actual: 7.98}\n": "  total: {previous: 9.24, budget: 9.41, actual: 6.98}\n",
               "  reception: {previous: 3.61, budget: 5.17, actual: 4.31}\n": "  reception: {previous: 3.61, budget: 5.17, actual: 3.31}\n"}
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    assert main(["build", "--root", str(project)]) == 0
    after, used = _images(_release(project))
    assert after - before, "a chart changed: a new image"
    assert after == used, "every image is used by a page, and no page lacks one"
    executed = {p.name for p in (project / "_build" / publish.SPHINX_CACHE / "_build/jupyter_execute").glob("*.png")}
    assert executed == {n for n in used if n.endswith(".png")}


def test_a_corrupt_render_cache_is_rebuilt_from_scratch(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = project / "_build" / publish.SPHINX_CACHE
    doctrees = list((cache / "_build/.doctrees").rglob("*.doctree"))
    assert len(doctrees) > 5
    for path in doctrees:
        path.write_bytes(b"\x80\x04garbage, not a pickle")
    # A new department: the navigation changes, so every page is written again from its doctree.
    shutil.copy(ROOT / "data/demo/2024/qinghe-zhujian.yaml", project / "data/demo/2024")
    capsys.readouterr()
    assert main(["build", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert "从上次的网页缓存生成失败，丢弃缓存，从头重新生成网页" in out
    assert (_release(project) / "book/2024/qinghe-zhujian.html").is_file()
    assert (_release(project) / "book/2024/qinghe-jiaoyu.html").is_file()
    # The cache is sound again: the next render starts from it without a retry.
    (project / "data/demo/2024/qinghe-zhujian.yaml").unlink()
    assert main(["build", "--root", str(project)]) == 0
    assert "丢弃缓存" not in capsys.readouterr().out
    assert not (_release(project) / "book/2024/qinghe-zhujian.html").exists()


def test_a_removed_department_leaves_nothing_in_the_new_release(project: Path) -> None:
    before = _release(project)
    # Not vacuous: the department has a page, tables as CSV, a Word file, and other pages link to it.
    assert (before / f"book/2024/{GONE}.html").is_file()
    assert list((before / f"downloads/2024/{GONE}").glob("*.csv"))
    assert list((before / f"downloads/2024/{GONE}").glob("*.docx"))
    linking = [p for p in _mentions(before, f"{GONE}.html") if GONE not in p]
    assert "book/2024/qinghe-jiaoyu.html" in linking and "book/2024/overview-demo.html" in linking

    (project / f"data/demo/2024/{GONE}.yaml").unlink()
    assert main(["build", "--root", str(project)]) == 0
    after = _release(project)
    assert after != before
    assert _mentions(after, GONE, GONE_NAME) == []
    assert (after / "book/2024/qinghe-jiaoyu.html").is_file() and (after / "book/2024/overview-demo.html").is_file()
    # Nor in what the next render starts from, nor among the sources.
    cache = project / "_build" / publish.SPHINX_CACHE
    assert _mentions(cache / "_build", GONE) == []
    assert _mentions(project / "book", GONE, GONE_NAME) == []
