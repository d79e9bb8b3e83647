"""The table of contents and the generated pages that go with it (主管部门 group pages, 如何阅读).

Generated files (``_toc.yml``, ``book/<year>/group-*.md``, ``book/how-to-read.md``) are written only when
their content changes (Sphinx rebuilds by mtime); pages whose data are gone are deleted.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import yaml

from perfeval.book.markdown import md_escape
from perfeval.book.notebook import write_if_changed
from perfeval.book.plan import BookLayout, Run

ROOT_PAGE = "book/intro"
HOW_TO_READ = "book/how-to-read"
GUIDE_PAGES = (HOW_TO_READ, "book/method", "book/glossary")


def group_slug(supervisor: str) -> str:
    """A stable ASCII page name for a 主管部门 group (its name is Chinese)."""
    return "group-" + hashlib.sha1(supervisor.encode("utf-8")).hexdigest()[:8]


def _groups(runs: list[Run]) -> Iterator[tuple[int, bool, str, list[Run]]]:
    """(year, demo, supervisor, member chapters sorted by code): every year of real data (newest first), then
    every year of demo data, so that all demo parts come after all real parts."""
    chapters = [r for r in runs if r.kind == "department"]
    for demo in (False, True):
        for year in sorted({r.year for r in chapters}, reverse=True):
            group = [r for r in chapters if r.year == year and r.demo == demo]
            for supervisor in sorted({r.supervisor for r in group}):
                yield year, demo, supervisor, sorted((r for r in group if r.supervisor == supervisor),
                                                     key=lambda r: r.code)


def _group_page(year: int, demo: bool, supervisor: str) -> str:
    return f"book/{year}/{group_slug(supervisor)}{'-demo' if demo else ''}"


def _chapter(run: Run, pages: set[str]) -> dict[str, Any]:
    """A chapter's entry: its 原报告全文 page (``book/<year>/source/<code>``), when it has one, below it."""
    source = f"book/{run.year}/source/{run.code}"
    return {"file": run.page, "sections": [{"file": source}]} if source in pages else {"file": run.page}


def make_toc(runs: list[Run]) -> dict[str, Any]:
    """The jupyter-book TOC: guide pages, then one part per year of real data, then one part per year of demo
    data (every demo part after every real part), each with its overview and risk list, then one chapter per
    主管部门 with its departments as sections."""
    parts: list[dict[str, Any]] = [{
        "caption": "阅读指南",
        "chapters": [{"file": page} for page in GUIDE_PAGES]
                    + ([{"file": "book/findings"}] if any(r.page == "book/findings" for r in runs) else []),
    }]
    pages = {r.page for r in runs}
    by_part: dict[tuple[int, bool], list[dict[str, Any]]] = {}
    for year, demo, supervisor, members in _groups(runs):
        entries = by_part.setdefault((year, demo), [])
        if not entries:
            year_pages = (f"book/{year}/{name}{'-demo' if demo else ''}" for name in ("overview", "risk"))
            entries += [{"file": page} for page in year_pages if page in pages]
        entries.append({"file": _group_page(year, demo, supervisor), "sections": [_chapter(r, pages) for r in members]})
    for (year, demo), entries in by_part.items():
        parts.append({"caption": f"{year}年度" + ("（示例数据）" if demo else ""), "chapters": entries})
    return {"format": "jb-book", "root": ROOT_PAGE, "parts": parts}


def toc_pages(toc: dict[str, Any]) -> list[str]:
    """Every page (Sphinx docname) a TOC lists, in order."""
    out = [toc["root"]]

    def visit(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            out.append(entry["file"])
            visit(entry.get("sections", []))

    for part in toc.get("parts", []):
        visit(part.get("chapters", []))
    return out


def group_pages(runs: list[Run]) -> dict[str, str]:
    """The small generated pages that head each 主管部门 group: path → markdown."""
    pages: dict[str, str] = {}
    for year, demo, supervisor, members in _groups(runs):
        label = "（示例数据）" if demo else ""
        lines = [f"# {md_escape(supervisor)}{label}", "",
                 f"{year}年度本主管部门下共{len(members)}个部门的整体支出绩效评价报告：", ""]
        lines += [f"- [{md_escape(r.title)}]({r.code}.ipynb)" for r in members]
        pages[f"{_group_page(year, demo, supervisor)}.md"] = "\n".join(lines) + "\n"
    return pages


def navigation(runs: list[Run], toc_text: str) -> str:
    """What every page's navigation shows: the TOC and the page titles (a change means every page is
    written again)."""
    titles = "".join(f"{r.page}\t{r.title}\n" for r in sorted(runs, key=lambda r: r.page))
    return hashlib.sha256((toc_text + "\n" + titles).encode("utf-8")).hexdigest()


#: Under ``_build``: the last table of contents as YAML, under the key of its data (PyYAML's pure-Python writer
#: takes 0.2 s for 1000 pages; most builds write the same table of contents again).
TOC_MEMO = "toc.json"


def _toc_text(layout: BookLayout, toc: Any) -> str:
    from perfeval.book.cache import read_json, write_json

    key = hashlib.sha256(json.dumps([yaml.__version__, toc], ensure_ascii=False).encode("utf-8")).hexdigest()
    memo = read_json(layout.build_dir / TOC_MEMO)
    if isinstance(memo, dict) and memo.get("key") == key and isinstance(memo.get("text"), str):
        return str(memo["text"])
    text = "# Generated by `perfeval build` from the data files: do not edit.\n" + yaml.safe_dump(
        toc, allow_unicode=True, sort_keys=False)
    write_json(layout.build_dir / TOC_MEMO, {"key": key, "text": text})
    return text


def write_toc(layout: BookLayout, runs: list[Run]) -> str:
    """Write ``_toc.yml``, the group pages and 如何阅读; returns the TOC text."""
    from perfeval.pages import how_to_read_markdown   # (pandas, matplotlib: not needed to plan a build)

    text = _toc_text(layout, make_toc(runs))
    write_if_changed(layout.toc_path, text)
    for rel, page in group_pages(runs).items():
        write_if_changed(layout.root / rel, page)
    write_if_changed(layout.root / f"{HOW_TO_READ}.md", how_to_read_markdown())
    return text


def remove_stale_pages(layout: BookLayout, runs: list[Run]) -> list[Path]:
    """Delete generated pages (and downloads) whose data no longer exist; returns what was removed."""
    wanted = {layout.notebook_path(r) for r in runs} | {layout.root / p for p in group_pages(runs)}
    removed: list[Path] = []
    book = layout.root / "book"
    for path in [*book.glob("[0-9][0-9][0-9][0-9]/*.ipynb"), *book.glob("[0-9][0-9][0-9][0-9]/source/*.ipynb"),
                 *book.glob("[0-9][0-9][0-9][0-9]/group-*.md")]:
        if path not in wanted:
            path.unlink()
            removed.append(path)
    folders = {(str(r.year), r.code or Path(r.page).name) for r in runs}
    for folder in layout.downloads_dir.glob("[0-9][0-9][0-9][0-9]/*"):
        if (folder.parent.name, folder.name) not in folders:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for year in layout.downloads_dir.glob("[0-9][0-9][0-9][0-9]"):
        if year.is_dir() and not any(year.iterdir()):
            year.rmdir()
    return removed
