"""``build()``: from data files to a published book.

Validate the data, plan one run per page, execute the runs whose inputs changed (in parallel), write the
table of contents and generated pages, render with jupyter-book and publish atomically. The whole build
holds the build lock (taken once) and treats SIGTERM like Ctrl-C, so an interrupted build stops cleanly
and leaves the published book as it was.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from perfeval.book import cache
from perfeval.book.lock import build_lock, sigterm_as_interrupt
from perfeval.book.notebook import DEFAULT_ENGINE, write_if_changed
from perfeval.book.plan import BookLayout, RecordCache, Run, plan_runs, select
from perfeval.book.pool import DaskExecutor, Executor, LocalExecutor, Progress, default_jobs, run_tasks, summary_table
from perfeval.book.publish import cleanup_leftovers, jupyter_book_command, render_and_publish
from perfeval.book.downloads import write_page_files
from perfeval.book.task import Result, Task, execute_task, task_files
from perfeval.book.toc import make_toc, navigation, remove_stale_pages, toc_pages, write_toc
from perfeval.errors import UsageError

ENGINES = (DEFAULT_ENGINE, "nbclient")
#: Summaries of the data files validated by earlier builds (see :class:`perfeval.book.plan.RecordCache`).
RECORDS = "records.json"
EXECUTORS = ("local", "dask")
#: Dask is an extra, outside the default install (requirements.lock): asked for without it, this message.
DASK_MISSING = ("--executor dask 需要 Dask，但本机未安装。请安装：pip install \"perfeval[dask]\"，"
                "或在源码目录中运行 make venv-dask（requirements-dask.lock）；也可以不用 --executor dask，在本机执行。")


@dataclass(frozen=True)
class BuildOptions:
    """How to build: everything ``perfeval build`` can be told, with the framework already resolved to a file."""

    framework_file: Path
    only: str | None = None            # execute only this department's pages (and those that use it)
    html: bool = True                  # render and publish (False: execute and write the TOC only)
    jobs: int | None = None            # parallel processes (default: all cores)
    keep_going: bool = False           # execute the other pages when one fails
    force: bool = False                # execute every page even when its inputs did not change
    engine: str = DEFAULT_ENGINE       # the papermill engine
    executor: str = "local"            # local process pool or Dask
    scheduler: str | None = None       # Dask scheduler address
    progress: bool | None = None       # progress bar (None: when stderr is a terminal)
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise UsageError(f"未知的执行方式 {self.executor}，可选 {'、'.join(EXECUTORS)}")
        if self.executor == "dask" and not all(importlib.util.find_spec(m) for m in ("dask", "distributed")):
            raise UsageError(DASK_MISSING)
        if self.executor == "dask" and not self.scheduler:
            raise UsageError("--executor dask 需要 --scheduler 地址")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"--jobs 应为正整数：{self.jobs}")


@dataclass
class BuildReport:
    executed: list[str] = field(default_factory=list)   # pages whose notebook ran (changed or not)
    cached: list[str] = field(default_factory=list)     # pages skipped: nothing they depend on changed
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    html: Path | None = None
    html_skipped: bool = False


def build(layout: BookLayout, options: BuildOptions) -> BuildReport:
    """Validate data, execute the notebooks whose inputs changed, write the TOC and render the book."""
    with sigterm_as_interrupt(), build_lock(layout.build_dir):
        cleanup_leftovers(layout.html_dir)   # what killed builds left, whether or not this one renders
        return _build(layout, options)


def _tasks(layout: BookLayout, runs: list[Run], options: BuildOptions, entries: dict[str, Any],
           shared: dict[str, Any], report: BuildReport) -> list[Task]:
    forced = {r.page for r in select(runs, options.only)} if options.only else set()
    tasks: list[Task] = []
    hashed: dict[str, str] = {}   # a data file is read by its chapter, its overview and the findings page
    for run in runs:
        inputs = cache.input_hashes([*run.inputs, options.framework_file], hashed)
        key = cache.task_key(Path(run.template), run.parameters, run.title, run.drop_tags, inputs, shared)
        old = entries.get(run.page, {})
        exists = layout.notebook_path(run).is_file()
        if options.only and run.page not in forced and exists:
            continue  # --only CODE: other pages stay as they are
        if old.get("key") == key and old.get("status") != "failed" and exists and not options.force \
                and run.page not in forced:
            report.cached.append(run.page)
            continue
        # A Dask worker may share no file system with us: its tasks carry their files.
        files = task_files(run, [options.framework_file]) if options.executor == "dask" else None
        tasks.append(Task(run, options.engine, key, inputs, files))
    # Longest first, so that no long page (a year overview of 1000 departments: 30 s) runs alone at the end
    # while the other processes wait: by its time in the last build, else by how many files it reads.
    return sorted(tasks, key=lambda t: -(entries.get(t.page, {}).get("seconds") or len(t.run.inputs)))


def _write_result(layout: BookLayout, runs: dict[str, Run], result: Result) -> None:
    """Write what a worker returned (the notebook, the downloads) and drop it from memory; a notebook whose
    content did not change is left as it is (the render rebuilds by file time)."""
    if result.status == "failed":
        return
    changed = write_if_changed(layout.notebook_path(runs[result.page]), result.notebook)
    write_page_files(result.downloads, layout.downloads_dir)
    result.status = "executed" if changed else "unchanged"
    result.notebook, result.downloads = b"", {}


def _build(layout: BookLayout, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    log = options.log
    shared = cache.shared_state()
    runs = plan_runs(layout, options.framework_file, RecordCache(layout.build_dir / RECORDS, shared))
    manifest_path = layout.build_dir / cache.MANIFEST
    previous = cache.read_manifest(manifest_path)
    report = BuildReport()
    entries: dict[str, Any] = dict(previous.get("runs", {})) if previous.get("shared") == shared else {}
    tasks = _tasks(layout, runs, options, entries, shared, report)
    jobs = max(1, min(options.jobs or default_jobs(), len(tasks) or 1))
    where = f"Dask {options.scheduler}" if options.executor == "dask" else f"{jobs} 个进程"
    log(f"执行 {len(tasks)} 个笔记本（{where}，引擎 {options.engine}），{len(report.cached)} 个输入未变化跳过…")
    executor: Executor = DaskExecutor(options.scheduler or "") if options.executor == "dask" else LocalExecutor(jobs)
    bar = Progress(len(tasks) + len(report.cached), len(report.cached), options.progress)
    by_page = {run.page: run for run in runs}

    def arrived(result: Result) -> None:
        _write_result(layout, by_page, result)
        bar.update(result)

    try:
        results = run_tasks(execute_task, tasks, executor, options.keep_going, arrived)
    finally:
        bar.close()
    for result in results:
        report.seconds[result.page] = round(result.seconds, 3)
        entries[result.page] = result.manifest_entry()
        if result.status == "failed":
            report.failed[result.page] = result.error
        else:
            report.executed.append(result.page)
    log(summary_table(results, report.cached, time.perf_counter() - started))
    manifest: dict[str, Any] = {
        "shared": shared, "framework_file": str(options.framework_file), "runs": entries,
        "executed": sorted(report.executed), "cached": sorted(report.cached), "failed": report.failed,
        "seconds": report.seconds, "published": previous.get("published"),
    }
    if report.failed:
        cache.write_manifest(manifest_path, manifest)
        return report
    remove_stale_pages(layout, runs)
    layout.downloads_dir.mkdir(parents=True, exist_ok=True)
    toc_text = write_toc(layout, runs)
    if options.html:
        sources = cache.sources_hash(layout.root)
        if not options.force and previous.get("published") == sources and (layout.html_dir / "index.html").is_file():
            log("网页内容未变化，跳过 jupyter-book。")
            report.html_skipped = True
        else:
            log("jupyter-book 生成网页…")
            render_jobs = options.jobs or default_jobs()
            render_and_publish(layout.root, layout.html_dir, jupyter_book_command(layout.root, render_jobs),
                               layout.build_dir / "jupyter-book.log", docnames=toc_pages(make_toc(runs)),
                               navigation=navigation(runs, toc_text), downloads_dir=layout.downloads_dir, say=log)
            manifest["published"] = sources
        report.html = layout.html_dir
    cache.write_manifest(manifest_path, manifest)
    return report
