"""Nothing stale, nothing dropped (issue 24, issue 25): what the cache decides, and that it decides by content.

- A change of the code, theme or stack that the render reads is rendered (a theme file edited in a copy of
  the package; a stack version changed).
- A hand-written page edited but keeping its modification time (``cp -p``) is rendered again, and
  ``--force`` always renders the whole book.
- Cache files under ``_build`` that do not read (entries of the wrong type, garbage) are rebuilt.
- Year pages read the departments' summaries: a change their summaries do not show leaves them alone, one
  they show executes them again, and a one-change rebuild publishes the same book, byte for byte, as a
  cold build of the same data.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from perfeval.book import BookLayout, BuildOptions, build, cache, publish, spares
from perfeval.cli import main
from perfeval.pages import search_text
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, process_ends, small_project

DEMO = ("qinghe-jiaoyu", "qinghe-weijian")


def _options(root: Path, **kwargs: Any) -> BuildOptions:
    kwargs.setdefault("log", lambda *_: None)
    return BuildOptions(framework_file=resolve_framework(DEFAULT_FRAMEWORK, root / "data"), **kwargs)


def _release(root: Path) -> Path:
    release = publish.current_release(root / "_build/html")
    assert release is not None
    return release


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length in bytes) and put the modification time back, as ``cp -p`` of an
    edited copy would: size and time say nothing changed."""
    assert len(old.encode()) == len(new.encode())
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_project(tmp_path_factory.mktemp("cache") / "book", DEMO)
    report = build(BookLayout.at(root), _options(root, jobs=2))
    assert not report.failed and report.html is not None
    return root


# --- what the render reads ----------------------------------------------------------------------------

def test_a_page_edited_with_its_old_time_is_rendered_again(built: Path) -> None:
    intro = built / "book/intro.md"
    assert "本书收录部门" not in (_release(built) / "book/intro.html").read_text(encoding="utf-8")
    _same_size_edit(intro, "本书汇编部门", "本书收录部门")
    report = build(BookLayout.at(built), _options(built))
    assert not report.html_skipped
    assert "本书收录部门" in (_release(built) / "book/intro.html").read_text(encoding="utf-8")
    # The next build has nothing to do: the content was recorded.
    assert build(BookLayout.at(built), _options(built)).html_skipped


def test_force_executes_and_renders_the_whole_book_again(built: Path) -> None:
    # A render cache holding a page that its record does not describe (as if an older build had left it):
    # a build that knows of no change keeps the book; --force renders everything again.
    cache_html = built / "_build" / publish.SPHINX_CACHE / "_build/html/book/glossary.html"
    cache_html.write_text(cache_html.read_text(encoding="utf-8").replace("</main>", "<p>陈旧内容</p></main>", 1),
                          encoding="utf-8")
    assert build(BookLayout.at(built), _options(built)).html_skipped
    report = build(BookLayout.at(built), _options(built, force=True, jobs=2))
    assert not report.html_skipped and report.cached == [] and not report.failed
    assert "陈旧内容" not in (_release(built) / "book/glossary.html").read_text(encoding="utf-8")
    assert "陈旧内容" not in cache_html.read_text(encoding="utf-8")


# --- caches that do not read ---------------------------------------------------------------------------

DAMAGE = {
    "records.json": lambda data: {**data, "files": {k: "not an entry" for k in data["files"]}},
    "build.json": lambda data: {**data, "runs": {k: [1, 2] for k in data["runs"]}, "published": 7},
    "files.json": lambda data: {"files": {k: {"sha": 1} for k in data["files"]}},
    "summaries.json": lambda data: {"entries": {k: {"key": 5, "summary": "x"} for k in data["entries"]}},
    "stack.json": lambda data: {**data, "versions": ["sphinx"]},
}


def test_cache_files_that_do_not_read_are_rebuilt(built: Path) -> None:
    """Entries of the wrong type in every cache file (the build of issue 24 failed on one in records.json,
    --force included), then garbage instead of JSON: each build succeeds and publishes the book."""
    for name, damage in DAMAGE.items():
        path = built / "_build" / name
        path.write_text(json.dumps(damage(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
    for name in (publish.RENDER_FILE, publish.PUBLISHED_FILE):
        (built / "_build" / publish.SPHINX_CACHE / name).write_text('{"environment": 1, "files": [', encoding="utf-8")
    assert main(["build", "--root", str(built), "--jobs", "2", "--force"]) == 0
    for name in DAMAGE:   # each readable again
        assert isinstance(json.loads((built / "_build" / name).read_text(encoding="utf-8")), dict), name
    assert "清河市教育局" in (_release(built) / "book/2024/qinghe-jiaoyu.html").read_text(encoding="utf-8")
    for name in DAMAGE:
        (built / "_build" / name).write_bytes(b"\x00\xff garbage")
    assert main(["build", "--root", str(built), "--jobs", "2"]) == 0
    assert "清河市教育局" in (_release(built) / "book/2024/qinghe-jiaoyu.html").read_text(encoding="utf-8")
    # Rebuilt, they serve the next build: nothing to execute or render.
    report = build(BookLayout.at(built), _options(built, jobs=2))
    assert report.executed == [] and report.html_skipped


# --- year pages from summaries; a one-change rebuild equals a cold build ---------------------------------

def _executed(root: Path) -> set[str]:
    return set(json.loads((root / "_build/build.json").read_text(encoding="utf-8"))["executed"])


def test_year_pages_run_again_exactly_when_a_summary_changes(built: Path) -> None:
    path = built / "data/demo/2024/qinghe-weijian.yaml"
    text = path.read_text(encoding="utf-8")
    # Text that only the chapter shows (no figure, check or name of the year pages depends on it).
    path.write_text(text.rstrip("\n") + "\nother_notes: 本年度无其他需要说明的问题（测试）。\n"
                    if "\nother_notes:" not in text else text.replace("\nother_notes: ", "\nother_notes: （测试）", 1),
                    encoding="utf-8")
    report = build(BookLayout.at(built), _options(built, jobs=2))
    assert report.summarised == [str(path)]
    assert _executed(built) == {"book/2024/qinghe-weijian"}
    assert (built / "_build/summaries/2024/overview-demo.json").is_file()
    # The unit's name is shown by the overview, the risk list and 数据核查汇总.
    path.write_text(path.read_text(encoding="utf-8").replace("清河市卫生健康委员会", "清河市卫生健康委", 1), encoding="utf-8")
    build(BookLayout.at(built), _options(built, jobs=2))
    assert _executed(built) == {"book/2024/qinghe-weijian", "book/2024/overview-demo", "book/2024/risk-demo",
                                "book/findings"}
    assert "清河市卫生健康委<" in (_release(built) / "book/2024/overview-demo.html").read_text(encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _cuts_file(root: Path) -> Path:
    return root / "_build" / publish.SPHINX_CACHE / "_build/.doctrees" / search_text.CUTS_FILE


def _cold_build(root: Path) -> None:
    """The same data built cold at the same place (paths in the pages' parameters stay the same), with the same
    publication history (the ledger of releases: a changed chapter's 版本记录 is part of the book)."""
    ledger = (root / "_build/ledger.json").read_bytes()
    shutil.rmtree(root / "_build")
    (root / "_build").mkdir()
    (root / "_build/ledger.json").write_bytes(ledger)
    for generated in [*root.glob("book/[0-9][0-9][0-9][0-9]"), root / "book/_extra", root / "book/findings.ipynb",
                      root / "book/method.ipynb", root / "book/how-to-read.md", root / "_toc.yml"]:
        shutil.rmtree(generated) if generated.is_dir() else generated.unlink()
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0


def _search_files(root: Path) -> dict[str, bytes]:
    return {name: data for name, data in _tree(_release(root)).items()
            if name == "searchindex.js" or name.startswith("_search/")}


def _spares(root: Path) -> dict[int, int]:
    """The spare kernels registered: process id → builds served."""
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "_build" / spares.SPARES).glob("kernel-*.json")]
    return {entry["pid"]: entry["builds"] for entry in entries}


#: One change to one department's data: a name (the navigation changes: every page is written again, every
#: download copied), an amount (the pages and downloads of the change only; the render copies the downloads the
#: build says changed), and an amount that brings a data check's finding of another kind (the chapter's tables
#: are numbered anew: a download goes, after the render folder was pruned).
CHANGES = {"name": ("qinghe-nongye", "清河市农业农村局", "清河市农业农村事务局"),
           "amount": ("qinghe-nongye", "total: {budget: 5722.56, actual: 6349.18}",
                      "total: {budget: 5722.56, actual: 6349.19}"),
           "findings": ("qinghe-jiaoyu", "actual: 4552.16}", "actual: 4321.09}")}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_a_one_change_rebuild_publishes_what_a_cold_build_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               kind: str) -> None:
    changed, old, new = CHANGES[kind]
    root = small_project(tmp_path / "book", ("qinghe-jiaoyu", "qinghe-weijian", "qinghe-nongye"))
    # The cold build leaves spare kernels (its pages ran in pool processes: new ones) and a spare render child; the
    # rebuild runs its chapter and its year pages at once in the two kernels, renders in the child and hands the
    # kernels on (book.spares): the book it publishes is still the cold build's, byte for byte.
    monkeypatch.setenv(spares.MINUTES_ENV, "10")
    try:
        assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
        cold_cuts = search_text.read_cuts(_cuts_file(root))
        assert cold_cuts is not None and cold_cuts["hits"] == 0 and cold_cuts["misses"] > 500
        left = _spares(root)
        before_tables = {n for n in _tree(_release(root)) if n.startswith(f"downloads/2024/{changed}/")}
        assert len(left) == 2 and set(left.values()) == {0}    # one per lane: the chapter, and the year pages
        render = json.loads((root / "_build" / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))
        _replace(root / f"data/demo/2024/{changed}.yaml", old, new)
        assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
        # The render took the search's word cuts of the render before (the demo chapters of a mixed book are not
        # searched: their names are not in the dictionary), cutting only what it had not seen.
        cuts = search_text.read_cuts(_cuts_file(root))
        assert cuts is not None and cuts["stamp"] == cold_cuts["stamp"] and cuts["hits"] > 10 * cuts["misses"] > 0
        # What the rebuild rendered from (the walk before the pages ran, updated with what they wrote) is what
        # a walk of the project finds now.
        record = json.loads((root / "_build" / publish.SPHINX_CACHE / publish.RENDER_FILE).read_text(encoding="utf-8"))
        assert record["sources"] == cache.render_sources(root, cache.FileHashes(None))
        assert _spares(root) == {pid: 1 for pid in left}       # both ran pages and were handed on
        # The render child that waited rendered the book and ended; another waits for the next build.
        again = json.loads((root / "_build" / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))
        assert again["pid"] != render["pid"]
        assert process_ends(render["pid"])
    finally:
        spares.stop_all(root / "_build")
    monkeypatch.setenv(spares.MINUTES_ENV, "0")
    assert _executed(root) == {f"book/2024/{changed}", "book/2024/overview-demo", "book/2024/risk-demo",
                               "book/findings"}     # the total spent is in the summaries: the year pages run
    incremental = _tree(_release(root))
    sources = _tree(root / "book")
    # The render of a few pages pickled its environment in a forked process, while it wrote the pages: the
    # next render starts from it (every page known, the changed one as read now).
    with (root / "_build/.sphinx-cache/_build/.doctrees/environment.pickle").open("rb") as f:
        env = pickle.load(f)
    assert set(env.all_docs) == {p.removesuffix(".html") for p in incremental if p.startswith("book/")
                                 and p.endswith(".html") and not p.startswith("book/_")}
    if kind == "name":
        assert "清河市农业农村事务局" in env.titles["book/2024/qinghe-nongye"].astext() or "清河市农业农村事务局" in str(
            env.metadata.get("book/2024/qinghe-nongye", {}))
    _cold_build(root)
    cold = _tree(_release(root))
    if kind == "name":
        assert "清河市农业农村事务局" in cold["book/2024/qinghe-nongye.html"].decode("utf-8")
    elif kind == "amount":
        assert any(b"6349.19" in data for name, data in incremental.items()
                   if name.startswith("downloads/2024/qinghe-nongye/") and name.endswith(".csv"))
    else:
        assert before_tables - {n for n in cold if n.startswith("downloads/2024/qinghe-jiaoyu/")}   # one went
    assert "版本记录" in incremental[f"book/2024/{changed}.html"].decode("utf-8")
    assert sorted(cold) == sorted(incremental)
    assert {"searchindex.js", "_search/_departments.js", "_search/book/2024/xiangtan-minzheng.js"} <= set(cold)
    assert [name for name in cold if cold[name] != incremental[name]] == []
    assert _tree(root / "book") == sources


def test_a_renamed_searchable_department_is_searched_as_after_a_cold_build(tmp_path: Path) -> None:
    """Renaming the department of a searchable chapter changes the search's dictionary: the word cuts of the
    render before are dropped whole (a damaged file of them is ignored), every searchable page is indexed and
    cut into sentences again, and a word no page holds any more leaves the index. The search files are those a
    cold build of the same data writes."""
    root = small_project(tmp_path / "book", ())
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    cold_cuts = search_text.read_cuts(_cuts_file(root))
    assert cold_cuts is not None
    _cuts_file(root).write_bytes(_cuts_file(root).read_bytes()[:-100])
    _replace(root / "data/2024/xiangtan-minzheng.yaml", "  name: 湘潭市民政局", "  name: 湘潭市民政事务局")
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    cuts = search_text.read_cuts(_cuts_file(root))
    assert cuts is not None and cuts["stamp"] != cold_cuts["stamp"] and cuts["hits"] == 0
    incremental = _search_files(root)
    assert "湘潭市民政事务局" in incremental["_search/_departments.js"].decode("utf-8")
    _cold_build(root)
    cold = _search_files(root)
    assert {"searchindex.js", "_search/book/method.js", "_search/book/2024/xiangtan-minzheng.js"} <= set(cold)
    assert sorted(cold) == sorted(incremental)
    assert [name for name in cold if cold[name] != incremental[name]] == []


# --- the code and the stack -----------------------------------------------------------------------------

def test_a_changed_stack_renders_from_scratch(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_record = built / "_build" / publish.SPHINX_CACHE / publish.RENDER_FILE
    before = json.loads(render_record.read_text(encoding="utf-8"))["environment"]
    real = cache.stack_versions

    def upgraded(build_dir: Path | None = None) -> dict[str, str | None]:
        return {**real(build_dir), "sphinx": "99.0"}

    monkeypatch.setattr(cache, "stack_versions", upgraded)
    doctrees = built / "_build" / publish.SPHINX_CACHE / "_build/.doctrees"
    marker = doctrees / "perfeval-test-marker"
    marker.write_text("from an older render", encoding="utf-8")
    report = build(BookLayout.at(built), _options(built, jobs=2))
    assert not report.failed and not report.html_skipped
    assert set(report.cached) == set(), "every page depends on the stack: all executed again"
    assert json.loads(render_record.read_text(encoding="utf-8"))["environment"] != before
    assert not marker.exists(), "the render did not start from the old cache"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="runs perfeval from a copy of its source")
def test_an_edited_theme_file_is_published(tmp_path: Path) -> None:
    """The footer template of the theme, edited in a copy of the package: the next build shows it."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src/perfeval", src / "perfeval", ignore=shutil.ignore_patterns("__pycache__"))
    root = small_project(tmp_path / "book", ())
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "perfeval", "build", "--root", str(root), "--jobs", "2"]

    def run() -> None:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
        assert proc.returncode == 0, proc.stderr[-3000:]

    run()
    footer = src / "perfeval/pages/theme/pe-footer.html"
    assert "发布单位" in footer.read_text(encoding="utf-8")
    assert "发布机关" not in (_release(root) / "book/intro.html").read_text(encoding="utf-8")
    footer.write_text(footer.read_text(encoding="utf-8").replace("发布单位", "发布机关"), encoding="utf-8")
    run()
    for page in ("book/intro.html", "book/2024/xiangtan-minzheng.html", "book/method.html"):
        assert "发布机关" in (_release(root) / page).read_text(encoding="utf-8"), page
