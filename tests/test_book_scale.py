"""A province in one book: the render in parallel processes with sidebars derived per part, cheap
rebuilds and releases, cached data validation, and Dask workers that share no file system with the build.

No test here measures time (``benchmarks/build_bench.py`` does): they check that the fast paths give the
same book as the plain ones, and that they are taken.
"""

from __future__ import annotations

import filecmp
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from perfeval.book import BookLayout, BuildOptions, build, plan_runs
from perfeval.book import publish, render
from perfeval.book.plan import RecordCache, summaries
from perfeval.book.sphinx_nav import SIDEBARS_FILE, move_current, move_expanded
from perfeval.errors import DataError
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, copy_project

NAV = re.compile(r'<nav class="bd-links bd-docs-nav".*?</nav>', re.DOTALL)


def _options(root: Path, **kwargs: Any) -> BuildOptions:
    kwargs.setdefault("log", lambda *_: None)
    return BuildOptions(framework_file=resolve_framework(DEFAULT_FRAMEWORK, root / "data"), **kwargs)


def _tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}


def _sources(built: Path, dest: Path) -> Path:
    """The render's sources of a built project (config, TOC, pages and notebooks, static files)."""
    dest.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(built / name, dest / name)
    shutil.copytree(built / "book", dest / "book")
    return dest


def _render(source: Path, out: Path, jobs: int) -> None:
    proc = subprocess.run([*render.command(source, jobs), "--path-output", str(out)], capture_output=True,
                          text=True, cwd=source)
    assert proc.returncode == 0, proc.stderr[-3000:]


# --- the render ------------------------------------------------------------------------------------------

def test_parallel_render_with_derived_sidebars_equals_the_plain_render(built_book: Path, tmp_path: Path) -> None:
    """Sphinx in two processes with the sidebar cache gives, byte for byte, the book of one process with the
    theme's own sidebar on every page."""
    plain = _sources(built_book, tmp_path / "plain")
    config = (plain / "_config.yml").read_text(encoding="utf-8")
    assert "    language: zh_CN\n" in config
    (plain / "_config.yml").write_text(config.replace("    language: zh_CN\n",
                                                      "    language: zh_CN\n    perfeval_nav_cache: false\n"),
                                       encoding="utf-8")
    fast = _sources(built_book, tmp_path / "fast")
    _render(plain, tmp_path / "plain-out", jobs=1)
    _render(fast, tmp_path / "fast-out", jobs=2)
    a = _tree(tmp_path / "plain-out/_build/html", skip=(".buildinfo",))
    b = _tree(tmp_path / "fast-out/_build/html", skip=(".buildinfo",))
    assert len(a) > 50 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_the_next_render_starts_with_the_sidebars_of_the_last(built_book: Path, tmp_path: Path) -> None:
    """A render keeps the sidebars it computed (those of the processes that wrote pages for it too); the next
    render of the same navigation starts with them, and writes what a render from scratch writes. A render of
    another navigation does not use them."""
    fast = _sources(built_book, tmp_path / "fast")
    out = tmp_path / "fast-out"
    _render(fast, out, jobs=2)
    kept = out / "_build" / SIDEBARS_FILE
    assert kept.is_file() and not list((out / "_build").glob(".perfeval-sidebars-*.part"))
    with kept.open("rb") as f:
        data = pickle.load(f)
    assert len(data["by_family"]) >= 3
    # The pages that fit no family (the search page, the index) keep theirs by page.
    assert {"search", "genindex"} <= {page for page, _ in data["by_page"]}
    # A page's text changes (not its title): the navigation is the same, the kept sidebars are used.
    page = fast / "book" / "how-to-read.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n补充说明。\n", encoding="utf-8")
    _render(fast, out, jobs=1)
    with kept.open("rb") as f:
        assert pickle.load(f)["signature"] == data["signature"]
    plain = _sources(fast, tmp_path / "plain")
    _render(plain, tmp_path / "plain-out", jobs=1)
    a = _tree(tmp_path / "plain-out/_build/html", skip=(".buildinfo",))
    b = _tree(out / "_build/html", skip=(".buildinfo",))
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    # A title changes: another navigation, the kept sidebars are not used (and are replaced).
    text = page.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# ")
    page.write_text(text.replace(first, first + "（修订）", 1), encoding="utf-8")
    _render(fast, out, jobs=1)
    with kept.open("rb") as f:
        assert pickle.load(f)["signature"] != data["signature"]
    assert "（修订）" in (out / "_build/html/book/how-to-read.html").read_text(encoding="utf-8")
    assert "（修订）" in _nav(out / "_build/html/book/intro.html")


def _nav(page: Path) -> str:
    found = NAV.search(page.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(0)


def test_sidebars_are_derived_exactly_from_a_sibling(built_book: Path) -> None:
    """The derivations reproduce the theme's sidebars of the built book (not vacuous: they differ)."""
    html = built_book / "_build/html/book/2024"
    groups = sorted(p.stem for p in html.glob("group-*-demo.html"))
    assert len(groups) >= 2
    member = re.compile(r'<li class="toctree-l2"><a class="reference internal" href="([^"]+)\.html">')
    pairs = 0
    for group in groups:
        nav = _nav(html / f"{group}.html")
        members = member.findall(nav)
        assert members
        # A group page and its member: the member is marked, the list of members too.
        first = members[0]
        assert move_current(nav, f"{group}.html", False, f"{first}.html", True) == _nav(html / f"{first}.html") != nav
        # Two members of one group.
        for a, b in zip(members, members[1:]):
            assert move_current(_nav(html / f"{a}.html"), f"{a}.html", True, f"{b}.html", True) == \
                _nav(html / f"{b}.html") != _nav(html / f"{a}.html")
            pairs += 1
    assert pairs >= 3
    # From one group's sidebar to another's: the other group's members listed, the first one's folded.
    a, b = groups[0], groups[1]
    nav_b = _nav(html / f"{b}.html")
    listed = re.findall(r'<li class="toctree-l2"><a class="reference internal" href="([^"]+)">([^<]*)</a></li>', nav_b)
    assert listed
    assert move_expanded(_nav(html / f"{a}.html"), f"{a}.html", f"{b}.html", listed) == nav_b != _nav(html / f"{a}.html")


def test_move_current_refuses_what_it_cannot_place() -> None:
    html = ('<ul><li class="toctree-l1 current active"><a class="current reference internal" href="#">甲</a></li>\n'
            '<li class="toctree-l1"><a class="reference internal" href="b.html">乙</a></li></ul>')
    assert move_current(html, "a.html", True, "b.html", True) == (
        '<ul><li class="toctree-l1"><a class="reference internal" href="a.html">甲</a></li>\n'
        '<li class="toctree-l1 current active"><a class="current reference internal" href="#">乙</a></li></ul>')
    assert move_current(html, "a.html", True, "c.html", True) is None       # no such entry
    assert move_current(html + html, "a.html", True, "b.html", True) is None   # two current marks
    assert move_current(html, "a.html", True, "b&c.html", True) is None       # a link the theme would escape


def test_derivations_keep_the_named_expand_button() -> None:
    """The published sidebar names its expand buttons (``<summary aria-label=…>``): a parent page's sidebar
    still turns into its member's, and into a sibling parent's, with the name kept."""
    summary = '<summary aria-label="展开或收起下级目录"><span class="toctree-toggle"></span></summary>'
    group = ('<li class="toctree-l1 current active has-children"><a class="current reference internal" href="#">甲组</a>'
             f'<details open="open">{summary}<ul>\n'
             '<li class="toctree-l2"><a class="reference internal" href="a1.html">甲一</a></li>\n</ul>\n</details></li>\n'
             '<li class="toctree-l1"><a class="reference internal" href="g2.html">乙组</a></li>')
    member = move_current(group, "g1.html", False, "a1.html", True)
    assert member == group.replace('class="current reference internal" href="#">甲组',
                                   'class="reference internal" href="g1.html">甲组').replace("<ul>\n", '<ul class="current">\n', 1) \
        .replace('<li class="toctree-l2"><a class="reference internal" href="a1.html">',
                 '<li class="toctree-l2 current active"><a class="current reference internal" href="#">')
    sibling = move_expanded(group, "g1.html", "g2.html", [("b1.html", "乙一")])
    assert sibling is not None and sibling.count(summary) == 1 and "甲一" not in sibling
    assert '<a class="current reference internal" href="#">乙组</a><details open="open">' + summary in sibling


def _parts(toc_file: Path) -> dict[str, list[str]]:
    import yaml

    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))

    def files(entries: list[dict[str, Any]]) -> list[str]:
        return [f for e in entries for f in [e["file"], *files(e.get("sections", []))]]

    return {part["caption"]: files(part["chapters"]) for part in toc["parts"]}


def test_every_page_shows_every_part_and_search_finds_pages_of_every_part(built_book: Path) -> None:
    """The book was rendered by two processes: one navigation and one search index hold every part."""
    html = built_book / "_build/html"
    parts = _parts(built_book / "_toc.yml")
    assert len(parts) >= 4
    for page in ("book/intro.html", "book/2024/xiangtan-minzheng.html", "book/2022/overview-demo.html",
                 "book/method.html"):
        text = BeautifulSoup(_nav(html / page), "html.parser").get_text()
        assert all(caption in text for caption in parts), page
    raw = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1: raw.rindex(")")])
    found: set[str] = set()
    for table in ("terms", "titleterms"):
        for hits in index[table].values():
            found |= {index["docnames"][i] for i in (hits if isinstance(hits, list) else [hits])}
    for caption, pages in parts.items():
        if "示例数据" in caption and not found & set(pages):
            continue   # demo parts may be left out of the search index (the reader interface)
        assert found & set(pages), caption
    # A department's name finds its chapter.
    doc = index["docnames"].index("book/2024/xiangtan-minzheng")
    hits = [h for table in ("terms", "titleterms") for found_in in [index[table].get("民政局", [])]
            for h in (found_in if isinstance(found_in, list) else [found_in])]
    assert doc in hits


# --- rebuilding and publishing ---------------------------------------------------------------------------

def test_a_release_links_what_was_not_written_since_the_previous_one(tmp_path: Path) -> None:
    source = tmp_path / "html"
    (source / "book").mkdir(parents=True)
    (source / "book/same.html").write_text("same", encoding="utf-8")
    (source / "book/changed.html").write_text("old text", encoding="utf-8")
    (source / "book/restored.html").write_text("old page", encoding="utf-8")
    first = tmp_path / "release1"
    linked, copied, record = publish.link_or_copy_tree(source, first, None)
    assert (linked, copied) == (0, 3) and sorted(record) == ["book/changed.html", "book/restored.html", "book/same.html"]
    (source / "book/changed.html").write_text("newer text", encoding="utf-8")
    (source / "new.html").write_text("new page", encoding="utf-8")
    # Same size, and the old modification time put back (what cp -p, rsync or tar do): still a change.
    restored = source / "book/restored.html"
    stat = restored.stat()
    restored.write_text("new page", encoding="utf-8")
    os.utime(restored, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (restored.stat().st_size, restored.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    second = tmp_path / "release2"
    linked, copied, record2 = publish.link_or_copy_tree(source, second, first, record)
    assert (linked, copied) == (1, 3)
    assert os.path.samefile(second / "book/same.html", first / "book/same.html")
    for name in ("book/changed.html", "book/restored.html"):
        assert not os.path.samefile(second / name, first / name)
    assert (second / "book/restored.html").read_text(encoding="utf-8") == "new page"
    assert filecmp.dircmp(source, second).diff_files == [] and (first / "book/restored.html").read_text(
        encoding="utf-8") == "old page", "a published release is never written"
    # The next publish links everything (nothing was written since), and nothing without a record.
    assert publish.link_or_copy_tree(source, tmp_path / "release3", second, record2)[:2] == (4, 0)
    assert publish.link_or_copy_tree(source, tmp_path / "release4", second, {})[:2] == (0, 4)
    # The oldest release, which no reader is on any more, recycled as the next one: what it holds of the
    # previous release stays, the rest is replaced (never written into: the previous release keeps its
    # content) or removed.
    (source / "book/changed.html").write_text("newest text", encoding="utf-8")
    (source / "new.html").unlink()
    (first / "book/stale.html").write_text("from long ago", encoding="utf-8")
    recycled = tmp_path / "release5"
    os.replace(first, recycled)
    linked, copied, _ = publish.link_or_copy_tree(source, recycled, second, record2)
    assert (linked, copied) == (2, 1)
    assert _tree(recycled) == _tree(source)
    assert os.path.samefile(recycled / "book/same.html", second / "book/same.html")
    assert (second / "book/changed.html").read_text(encoding="utf-8") == "newer text"
    assert (second / "book/restored.html").read_text(encoding="utf-8") == "new page"


def test_a_staged_release_is_published_only_when_made_from_the_current_one(tmp_path: Path) -> None:
    """A release staged while the render's child writes its environment's pickle is what gets published; one
    staged from a release that is no longer the current one is made again (another build published meanwhile)."""
    staging = tmp_path / "_build/.staging-sphinx"
    html = staging / "_build/html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("one", encoding="utf-8")
    link = tmp_path / "_build/html"
    first = publish.publish_render(staging, link)
    (html / "index.html").write_text("two", encoding="utf-8")
    staged = publish.stage_release(staging, link)
    assert staged.previous == first.name and (staged.folder / "index.html").read_text(encoding="utf-8") == "two"
    assert (link / "index.html").read_text(encoding="utf-8") == "one"   # staged, not published
    second = publish.publish_render(staging, link, staged=staged)
    assert second.parent.name == "releases"
    assert (link / "index.html").read_text(encoding="utf-8") == "two" and not staged.folder.exists()
    # Staged from the first release, which is no longer the current one: made again, from the render.
    (html / "index.html").write_text("three", encoding="utf-8")
    stale = publish.StagedRelease(tmp_path / "elsewhere", first.name, {})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/index.html").write_text("stale", encoding="utf-8")
    publish.publish_render(staging, link, staged=stale)
    assert (link / "index.html").read_text(encoding="utf-8") == "three"
    assert (second / "index.html").read_text(encoding="utf-8") == "two", "a published release is never written"


def test_the_render_child_says_when_the_html_is_written(tmp_path: Path) -> None:
    """Told ``go TOKEN``, the render child writes the line for that token once the HTML is complete (before it
    ends, and after its pages are written); told ``go`` alone, no such line."""
    import subprocess

    from perfeval.book.render import command
    from perfeval.book.render_state import written_mark

    root = tmp_path / "book"
    root.mkdir()
    (root / "_config.yml").write_text("title: t\nexecute:\n  execute_notebooks: 'off'\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n", encoding="utf-8")
    (root / "intro.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    for told, marked in (("go 0123abcd", True), ("go", False)):
        out = tmp_path / f"out-{marked}"
        done = subprocess.run([*command(root, 1), "--wait", "--path-output", str(out)], input=told + "\n",
                              capture_output=True, text=True, cwd=root, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        lines = done.stdout.splitlines()
        assert (written_mark("0123abcd") in lines) is marked
        assert (out / "_build/html/intro.html").is_file()
        if marked:   # after every page was written
            assert lines.index(written_mark("0123abcd")) > max(i for i, line in enumerate(lines) if "intro" in line)


def _scaled_project(dest: Path, departments: int) -> Path:
    from perfeval.model.demo import generate, write

    root = copy_project(dest, data=False)
    write(generate(departments, [2024, 2025], 3), root / "data" / "demo")
    return root


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _scaled_project(tmp_path_factory.mktemp("scaled") / "book", 24)
    report = build(BookLayout.at(root), _options(root, jobs=2))
    assert not report.failed and report.html is not None
    return root


def test_a_scaled_build_produces_every_page_with_every_link(scaled: Path) -> None:
    layout = BookLayout.at(scaled)
    runs = plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root))
    assert sum(r.kind == "department" for r in runs) == 48
    html = scaled / "_build/html"
    missing = [r.page for r in runs if not (html / f"{r.page}.html").is_file()]
    assert missing == []
    # Each chapter is listed by its group page and reached by previous/next from its neighbours (another
    # chapter, or the page of its 主管部门 group, which precedes the group's first chapter).
    toc = (scaled / "_toc.yml").read_text(encoding="utf-8")
    for run in runs:
        assert f"file: {run.page}\n" in toc
    chapters = [r for r in runs if r.kind == "department" and r.year == 2025]
    year_pages = sorted((html / "book" / "2025").glob("*.html"))
    assert any(p.name.startswith("group-") for p in year_pages)
    reached = set()
    for page in year_pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a.left-prev, a.right-next"):
            reached.add(page.parent.joinpath(link["href"]).resolve())
    assert {(html / f"{r.page}.html").resolve() for r in chapters} <= reached | {
        (html / f"{chapters[0].page}.html").resolve()}


def test_one_changed_department_reexecutes_its_pages_and_republishes_only_what_changed(scaled: Path) -> None:
    layout = BookLayout.at(scaled)
    before = publish.current_release(layout.html_dir)
    assert before is not None
    changed = sorted((scaled / "data/demo/2025").glob("*.yaml"))[5]
    text = changed.read_text(encoding="utf-8")
    assert "annual_plan: " in text
    changed.write_text(text.replace("annual_plan: ", "annual_plan: （修订）", 1), encoding="utf-8")
    report = build(layout, _options(scaled, jobs=2))
    # A sentence of the report: its summary (what the year overview and 数据核查汇总 show) is the same.
    assert report.executed == [f"book/2025/{changed.stem}"] and report.summarised == [str(changed)]
    after = publish.current_release(layout.html_dir)
    assert after is not None and after != before
    assert "（修订）" in (after / f"book/2025/{changed.stem}.html").read_text(encoding="utf-8")
    # Pages that did not change are the previous release's files (hard links), the changed one is new.
    others = [p for p in (after / "book/2024").glob("qinghe-*.html")]
    assert others and all(os.path.samefile(p, before / p.relative_to(after)) for p in others)
    assert not os.path.samefile(after / f"book/2025/{changed.stem}.html", before / f"book/2025/{changed.stem}.html")


def test_data_files_validated_before_are_not_read_again(tmp_path: Path) -> None:
    from perfeval.book.cache import shared_state

    root = _scaled_project(tmp_path / "p", 6)
    layout = BookLayout.at(root)
    shared = shared_state()
    first = RecordCache(root / "_build/records.json", shared)
    plain = plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root))
    cached = plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root), first)
    assert first.hits == 0 and cached == plain
    second = RecordCache(root / "_build/records.json", shared)
    again = plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root), second)
    assert again == plain
    assert second.hits == 12
    # The parameters kept for each template keep its order (papermill injects them in that order).
    assert [list(r.parameters) for r in again] == [list(r.parameters) for r in plain]
    # Another package version: every file is validated again.
    other = RecordCache(root / "_build/records.json", {**shared, "code": "other"})
    summaries(layout.data_dirs, other)
    assert other.hits == 0
    # A file that changed is validated again, with the same error as without the cache.
    path = sorted((root / "data/demo/2024").glob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2024", "year: 2023", 1), encoding="utf-8")
    with pytest.raises(DataError) as cached_error:
        summaries(layout.data_dirs, RecordCache(root / "_build/records.json", shared))
    with pytest.raises(DataError) as plain_error:
        plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root))
    assert str(cached_error.value) == str(plain_error.value)


# --- a Dask cluster that shares no file system with the build -------------------------------------------

#: Installed in every worker process and every kernel they start (Python imports ``sitecustomize`` at
#: start-up): any use of the project folder fails, and the working directory is elsewhere.
SITECUSTOMIZE = '''
import os, sys
_root = os.environ.get("PERFEVAL_TEST_FORBIDDEN")
if _root:
    _root = os.path.realpath(_root)

    def _perfeval_forbid(event, args):
        if event in ("open", "os.listdir", "os.scandir", "os.chdir") and args:
            path = args[0]
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if isinstance(path, str) and path:
                path = os.path.abspath(path)
                if path == _root or path.startswith(_root + os.sep):
                    raise PermissionError("a worker may not use the build's files: " + path)

    os.chdir(os.environ["PERFEVAL_TEST_WORKER_CWD"])
    sys.addaudithook(_perfeval_forbid)
'''


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except PermissionError as exc:
        return str(exc)


def test_dask_workers_without_the_project_folder_build_the_same_book(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks carry their files and bring back the notebook and downloads: workers that cannot open, list or
    enter the project folder (an audit hook in each worker and kernel) build the book a local build does."""
    distributed = pytest.importorskip("dask.distributed")
    root = copy_project(tmp_path / "project", data=False)
    shutil.copytree(ROOT / "data/2024", root / "data/2024")
    for year in ("2023", "2024"):
        (root / f"data/demo/{year}").mkdir(parents=True)
        for code in ("qinghe-jiaoyu", "qinghe-weijian"):
            shutil.copy(ROOT / f"data/demo/{year}/{code}.yaml", root / f"data/demo/{year}")
    layout = BookLayout.at(root)
    local = build(layout, _options(root, jobs=1))
    assert not local.failed and local.html is not None
    local_book = _tree(publish.current_release(layout.html_dir) or Path("/nonexistent"), skip=(".buildinfo",))
    local_notebooks = _tree(root / "book", skip=())

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    worker_env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
                  "PERFEVAL_TEST_FORBIDDEN": str(root), "PERFEVAL_TEST_WORKER_CWD": str(cwd)}
    # The guard works: a process started so cannot read the project (checked before trusting the build below).
    probe = subprocess.run([sys.executable, "-c", f"open({str(root / '_config.yml')!r})"], capture_output=True,
                           text=True, env={**os.environ, **worker_env})
    assert probe.returncode != 0 and "a worker may not use the build's files" in probe.stderr

    with monkeypatch.context() as env:   # only the worker processes (and their kernels) start with the guard
        for name, value in worker_env.items():
            env.setenv(name, value)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, local_directory=str(cwd))
    with cluster:
        with distributed.Client(cluster.scheduler_address) as client:   # the workers do have the guard
            probe_future = client.submit(_read, str(root / "_config.yml"), pure=False)
            assert "a worker may not use the build's files" in client.gather(probe_future)
        remote = build(layout, _options(root, executor="dask", scheduler=cluster.scheduler_address, force=True))
    assert not remote.failed, remote.failed
    assert sorted(remote.executed) == sorted(local.executed)
    assert _tree(root / "book", skip=()) == local_notebooks
    remote_book = _tree(publish.current_release(layout.html_dir) or Path("/nonexistent"), skip=(".buildinfo",))
    assert remote_book.keys() == local_book.keys()
    assert [name for name in local_book if local_book[name] != remote_book[name]] == []
