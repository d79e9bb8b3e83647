"""``build()``: from data files to a published book.

Validate the data, plan one run per page, execute the runs whose inputs changed (in parallel), write the
table of contents and generated pages, render with jupyter-book and publish atomically. The whole build
holds the build lock (taken once) and treats SIGTERM like Ctrl-C, so an interrupted build stops cleanly
and leaves the published book as it was.

Pages run in two waves on one executor: first the pages that read data files (the chapters, 评价方法);
while they run, the build brings the department summaries up to date (:mod:`perfeval.book.summaries`),
writes each year page's summaries file, submits the year pages whose summaries changed and then starts the
render (:class:`perfeval.book.rendering.RenderJob`: Sphinx loads and waits). The table of contents follows
from the plan and is written first. Each step's seconds are in ``build.json`` (``phases``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from perfeval.book import cache, kernel_start, spares
from perfeval.book.downloads import write_page_files
from perfeval.book.lock import build_lock, sigterm_as_interrupt
from perfeval.book.notebook import DEFAULT_ENGINE, KERNEL_NAME, write_if_changed
from perfeval.book.plan import DEPARTMENT_TEMPLATE, BookLayout, RecordCache, Run, plan_runs, select
from perfeval.book.pool import (DaskExecutor, Executor, ExecutorError, LocalExecutor, Progress, default_jobs,
                                run_tasks, summary_table)
from perfeval.book.ledger import LEDGER, Ledger
from perfeval.book.publish import cleanup_leftovers, current_release, jupyter_book_command
from perfeval.book.rendering import RenderJob
from perfeval.book.summaries import STORE, SummaryStore, remove_stale_page_files
from perfeval.book.task import Result, Task, execute_task, start_task, task_files, worker_stamp
from perfeval.book.toc import make_toc, navigation, remove_stale_pages, toc_pages, write_toc
from perfeval.errors import UsageError

ENGINES = (DEFAULT_ENGINE, "nbclient")
#: Chapters per process: a process costs a kernel's start (2 s), so a build of a few pages uses fewer processes
#: (a one-change rebuild: one, this process, whose kernel starts while it plans), which leaves a core to the
#: render that starts meanwhile.
TASKS_PER_PROCESS = 3
#: Most lanes of pages in the build's own process (a rebuild's chapter and its year pages at once), when the
#: spare kernel of each lane is there to run them (book.spares): a kernel started for a lane costs more.
LANES = 2
#: Summaries of the data files validated by earlier builds (see :class:`perfeval.book.plan.RecordCache`).
RECORDS = "records.json"
EXECUTORS = ("local", "dask")
#: Dask is an extra, outside the default install (requirements.lock): asked for without it, this message.
DASK_MISSING = ("--executor dask 需要 Dask，但本机未安装。请安装：pip install \"perfeval[dask]\"，"
                "或在源码目录中运行 make venv-dask（requirements-dask.lock）；也可以不用 --executor dask，在本机执行。")

__all__ = ["BuildOptions", "BuildReport", "ENGINES", "EXECUTORS", "ExecutorError", "RECORDS", "build"]


@dataclass(frozen=True)
class BuildOptions:
    """How to build: everything ``perfeval build`` can be told, with the framework already resolved to a file."""

    framework_file: Path
    only: str | None = None            # execute only this department's pages (and those that use it)
    html: bool = True                  # render and publish (False: execute and write the TOC only)
    jobs: int | None = None            # parallel processes (default: all cores)
    keep_going: bool = False           # execute the other pages when one fails
    force: bool = False                # execute every page and render the whole book again
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
    summarised: list[str] = field(default_factory=list)  # data files whose summary this build computed
    phases: dict[str, float] = field(default_factory=dict)  # seconds of each step of the build (build.json)
    html: Path | None = None
    html_skipped: bool = False
    environment: str = ""   # the stamp of the code and stack the pages ran with (cache.stamp)


def build(layout: BookLayout, options: BuildOptions) -> BuildReport:
    """Validate data, execute the notebooks whose inputs changed, write the TOC and render the book."""
    with sigterm_as_interrupt(), build_lock(layout.build_dir):
        cleanup_leftovers(layout.html_dir)   # what killed builds left, whether or not this one renders
        jobs: list[RenderJob] = []
        report: BuildReport | None = None
        try:
            report = _build(layout, options, jobs)
            return report
        except BaseException:
            # Bad input found while planning, an interrupt …: the render child and the kernel started
            # ahead stop (the published book is unchanged).
            for job in jobs:
                job.cancel()
            raise
        finally:
            # The kernels of pages run in this process stop with the build, not with the process (a program
            # that builds many books would keep one per project); after a build that ran pages, the kernel
            # they ran in (or a new one) waits for the next build as its spare (book.spares).
            kernel_start.discard_pending()
            if report is not None:
                _leave_spare(layout, options, report)
                if not report.failed and report.html is not None:
                    for job in jobs:
                        job.leave_spare()
            kernel_start.stop_kernels()


def _lanes(options: BuildOptions) -> int:
    """Lanes of pages a rebuild runs at once in this process, each in its kernel (the chapters, and meanwhile
    the year pages): two when two processes may run."""
    return min(LANES, options.jobs or default_jobs())


def _leave_spare(layout: BookLayout, options: BuildOptions, report: BuildReport, early: bool = False) -> None:
    """After a build that ran pages without failure: the warm kernel of each lane stays for the next build (or
    one is started, when the pages ran in pool processes). ``early``: the pages have run and the render is
    about to start; only the spares to be started anew are started now, so that they load while the render
    runs (a cold build's render takes minutes; a build right after it finds them ready). This process's own
    kernels are handed over at the end."""
    if options.executor != "local" or options.engine != DEFAULT_ENGINE or report.failed or not spares.minutes():
        return
    cwd = str(layout.template(DEPARTMENT_TEMPLATE).resolve().parent)
    for lane in range(_lanes(options)):
        key = kernel_start.kernel_key(KERNEL_NAME, cwd, lane)
        if early:
            if key not in kernel_start.KERNELS and report.executed:
                spares.keep(layout.build_dir, KERNEL_NAME, cwd, report.environment, None, launch_new=True, lane=lane)
            continue
        pair = kernel_start.KERNELS.pop(key, None)
        if pair is not None or report.executed:
            spares.keep(layout.build_dir, KERNEL_NAME, cwd, report.environment, pair, launch_new=True, lane=lane)


@dataclass
class _State:
    """What one build knows while it runs: the layout, the options, the file hashes and the last manifest."""

    layout: BookLayout
    options: BuildOptions
    hashes: cache.FileHashes
    environment: str     # the stamp of the shared state (code, stack)
    entries: dict[str, Any]
    report: BuildReport
    stamp: str = ""      # what Dask workers must run (the client's code and stack)

    @functools.cached_property
    def downloads(self) -> str:
        """The downloads folder as a string (a page's files are looked up by joining strings: 15 000 of them
        at 1000 pages, where building paths cost half a second)."""
        return str(self.layout.downloads_dir)

    def page_intact(self, run: Run, entry: dict[str, Any]) -> bool:
        """Whether the page's notebook and downloads are still what its last run wrote (by content)."""
        try:
            if entry.get("notebook") != self.hashes.sha256(self.layout.notebook_path(run)):
                return False
            downloads = entry.get("downloads")
            folder = self.downloads
            return isinstance(downloads, dict) and all(
                isinstance(rel, str) and self.hashes.sha256(os.path.join(folder, rel)) == digest
                for rel, digest in downloads.items())
        except OSError:
            return False

    def tasks(self, runs: Sequence[Run], forced: set[str]) -> list[Task]:
        """The tasks of the runs whose inputs (or outputs) changed; the others are counted as cached."""
        options, layout = self.options, self.layout
        tasks: list[Task] = []
        for run in runs:
            inputs = cache.input_hashes([*run.inputs, options.framework_file], self.hashes)
            key = cache.task_key(self.hashes.sha256(run.template), run.parameters, run.title, run.drop_tags, inputs,
                                 self.environment)
            old = self.entries.get(run.page, {})
            exists = layout.notebook_path(run).is_file()
            if options.only and run.page not in forced and exists:
                continue  # --only CODE: other pages stay as they are
            if (old.get("key") == key and old.get("status") != "failed" and not options.force
                    and run.page not in forced and self.page_intact(run, old)):
                self.report.cached.append(run.page)
                continue
            # A Dask worker may share no file system with us: its tasks carry their files.
            files = task_files(run, [options.framework_file]) if options.executor == "dask" else None
            tasks.append(Task(run, options.engine, key, inputs, files, self.stamp))
        # Longest first, so that no long page runs alone at the end while the other processes wait: by its
        # time in the last build, else by how many files it reads.
        return sorted(tasks, key=lambda t: -(self.entries.get(t.page, {}).get("seconds") or len(t.run.inputs)))


class _Clock:
    """Records the seconds since the last call under each step's name."""

    def __init__(self, phases: dict[str, float]) -> None:
        self.phases = phases
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(now - self.last, 3)
        self.last = now


def _write_result(layout: BookLayout, runs: dict[str, Run], result: Result) -> dict[str, Any]:
    """Write what a worker returned (the notebook, the downloads) and drop it from memory; a file whose
    content did not change is left as it is. Returns the content hashes of what the page now consists of."""
    if result.status == "failed":
        return {}
    changed = write_if_changed(layout.notebook_path(runs[result.page]), result.notebook)
    write_page_files(result.downloads, layout.downloads_dir)
    written = {"notebook": hashlib.sha256(result.notebook).hexdigest(),
               "downloads": {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(result.downloads.items())}}
    result.status = "executed" if changed else "unchanged"
    result.notebook, result.downloads = b"", {}
    return written


def _executor(options: BuildOptions, jobs: int, stamp: str, lanes: int = 1) -> tuple[Callable[[Task], Any], Executor]:
    """The executor, and the function it runs over the tasks: in this process (one job), ``lanes`` pages run at
    once, each lane in its kernel, which also computes the page's downloads
    (:func:`perfeval.book.task.start_task`)."""
    if options.executor == "dask":
        return execute_task, DaskExecutor(options.scheduler or "", stamp, worker_stamp)
    if jobs == 1:
        return functools.partial(start_task, in_kernel=True), LocalExecutor(jobs, background=options.engine == DEFAULT_ENGINE,
                                         stop=kernel_start.kill_kernels, lanes=lanes, on_lane=kernel_start.set_lane)
    return execute_task, LocalExecutor(jobs)


def _build(layout: BookLayout, options: BuildOptions, render_jobs: list[RenderJob]) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    clock = _Clock(report.phases)
    log = options.log
    build_dir = layout.build_dir
    hashes = cache.FileHashes(build_dir / cache.FILES)
    # A rebuild after a change to the data usually runs a few pages, in this process (one kernel): that
    # kernel starts now, importing its packages while the build plans, writes the table of contents and
    # starts the render. A build that turns out to run its pages elsewhere, or none, stops it.
    templates = layout.template(DEPARTMENT_TEMPLATE).resolve().parent
    ahead = templates if (options.executor == "local" and options.engine == DEFAULT_ENGINE
                          and (build_dir / cache.MANIFEST).is_file()
                          and hashes.any_changed(layout.data_dirs, [options.framework_file, *(
                              p for p in templates.glob("*.ipynb") if str(p) in hashes.entries)])) else None
    # The render's child too: it imports Sphinx now and reads the book once the table of contents is written.
    job = RenderJob(layout.root, layout.html_dir, jupyter_book_command(layout.root, options.jobs or default_jobs()),
                    build_dir / "jupyter-book.log", docnames=(), navigation="",
                    fresh=options.force, say=log, phases=report.phases) if options.html else None
    render_jobs.extend([job] if job is not None else [])
    shared = cache.shared_state(build_dir)
    environment = cache.stamp(shared)
    report.environment = environment
    if job is not None:
        job.environment = environment
        job.spares_dir = build_dir if spares.minutes() else None
    if ahead is not None:
        # The spares the last build left (book.spares) are taken if there are: the kernel, claimed in a thread,
        # and the render's child; else they start now.
        claim = None
        if spares.minutes() and spares.has_registration(build_dir, KERNEL_NAME, str(ahead)):
            claim = functools.partial(spares.claim, build_dir, KERNEL_NAME, str(ahead), environment)
        kernel_start.prestart(KERNEL_NAME, str(ahead), claim)
        for lane in range(1, _lanes(options)):   # the other lanes run only in spares (a kernel's start costs more)
            if spares.minutes() and spares.has_registration(build_dir, KERNEL_NAME, str(ahead), lane):
                kernel_start.prestart(KERNEL_NAME, str(ahead), functools.partial(
                    spares.claim, build_dir, KERNEL_NAME, str(ahead), environment, lane), lane)
        if job is not None:
            job.spawn_early()
            # A rebuild after a change to the data mostly keeps its table of contents: the child loads the book
            # now, on the core planning leaves free (job.start starts it again when the table changed).
            job.load_early()
    runs = plan_runs(layout, options.framework_file, RecordCache(build_dir / RECORDS, shared, hashes))
    # 版本记录: what changed since the last release, an input of each chapter it concerns (book.ledger).
    ledger = Ledger.open(build_dir / LEDGER)
    ledger.update([r for r in runs if r.kind == "department"], hashes)
    runs = ledger.attach(layout, runs)
    manifest_path = build_dir / cache.MANIFEST
    previous = cache.read_manifest(manifest_path)
    state = _State(layout, options, hashes, environment,
                   dict(previous["runs"]) if previous.get("shared") == shared else {}, report)
    if options.executor == "dask":
        import perfeval

        state.stamp = cache.stamp({"perfeval": perfeval.__version__, **shared})
    forced = {r.page for r in select(runs, options.only)} if options.only else set()
    direct = [r for r in runs if not r.summaries]
    year_pages = [r for r in runs if r.summaries]
    store = SummaryStore.open(build_dir / STORE) if year_pages else None
    early: list[Result] = []    # year pages that cannot run: a summary they need could not be computed
    first = state.tasks(direct, forced)
    # The year pages (overview, risk, 数据核查汇总) run after the chapters, in a second kernel only when the
    # chapters fill more than one process: a kernel's start costs more than they take.
    jobs = max(1, min(options.jobs or default_jobs(), -(-len(first) // TASKS_PER_PROCESS)))
    if ahead is not None and not (jobs == 1 and first and Path(first[0].run.template).parent == ahead):
        kernel_start.discard_pending()   # the pages run in pool processes (their own kernels), or none runs here
    clock("plan")
    # The table of contents and its pages follow from the plan: written before the pages run, so that the
    # render can start while they do.
    remove_stale_pages(layout, runs)
    remove_stale_page_files(build_dir / "summaries", runs)
    layout.downloads_dir.mkdir(parents=True, exist_ok=True)
    toc_text = write_toc(layout, runs)
    if job is not None:
        job.docnames, job.navigation = toc_pages(make_toc(runs)), navigation(runs, toc_text)
    clock("toc")
    bar = Progress(len(runs), 0, options.progress)

    walked: dict[str, str] | None = None           # the render's sources before any page was written
    written: set[Path] = set()                      # what pages wrote since: notebooks, their downloads' folders
    folders: set[Path] = set()

    def waves() -> Iterator[list[Task]]:
        nonlocal walked
        yield first
        second: list[Task] = []
        if store is not None:
            store.update([r for r in runs if r.kind == "department"], options.framework_file, hashes, environment)
            report.summarised = list(store.computed)
            ready = []
            for run in year_pages:
                missing = store.missing(run)
                if missing:
                    early.append(Result(run.page, "failed", error=f"{run.describe()}：" + "；".join(missing)))
                    continue
                store.write_page_file(run)
                ready.append(run)
            second = state.tasks(ready, forced)
        bar.plan(len(first) + len(second) + len(early) + len(report.cached), len(report.cached))
        where = f"Dask {options.scheduler}" if options.executor == "dask" else f"{jobs} 个进程"
        log(f"执行 {len(first) + len(second)} 个笔记本（{where}，引擎 {options.engine}），"
            f"{len(report.cached)} 个输入未变化跳过…")
        yield second
        if job is not None:   # the render starts while the pages run, unless nothing is to be rendered
            before = walked = cache.render_sources(layout.root, hashes)
            if first or previous.get("published") != cache.render_key(environment, before):
                job.start(before)

    by_page = {run.page: run for run in runs}
    entries = state.entries
    results: list[Result] = []

    def arrived(result: Result) -> None:
        if result.status != "failed":
            written.add(layout.notebook_path(by_page[result.page]))
            folders.update((layout.downloads_dir / rel).parent for rel in result.downloads)
        hashes_of = _write_result(layout, by_page, result)
        results.append(result)
        report.seconds[result.page] = round(result.seconds, 3)
        entries[result.page] = {**result.manifest_entry(), **hashes_of}
        if result.status == "failed":
            report.failed[result.page] = result.error
        else:
            report.executed.append(result.page)
        bar.update(result)

    def manifest() -> dict[str, Any]:
        return {"shared": shared, "framework_file": str(options.framework_file),
                "runs": {page: entry for page, entry in entries.items() if page in by_page},
                "executed": sorted(report.executed), "cached": sorted(report.cached), "failed": report.failed,
                "seconds": report.seconds, "phases": report.phases, "published": previous.get("published")}

    try:
        lanes = 1
        while ahead is not None and jobs == 1 and lanes < _lanes(options) and kernel_start.claimed(
                KERNEL_NAME, str(ahead), lanes):
            lanes += 1
        fn, executor = _executor(options, jobs, state.stamp, lanes)
        run_tasks(fn, waves(), executor, options.keep_going, arrived)
        for result in early:
            arrived(result)
    except BaseException:
        # Interrupted, or the executor broke down: keep what the pages that came back wrote (the next build
        # does not run them again); the published book is unchanged.
        if job is not None:
            job.cancel()
        cache.write_manifest(manifest_path, manifest())
        hashes.save()
        raise
    finally:
        bar.close()
    clock("execute")
    log(summary_table(results, report.cached, time.perf_counter() - started))
    book_files = {r.departments[0] for r in runs if r.kind == "department"}
    if store is not None and (store.computed or set(store.entries) - book_files):
        store.save(book_files)
    if report.failed or job is None:
        if job is not None:
            job.cancel()
        cache.write_manifest(manifest_path, manifest())
        hashes.save()
        return report
    try:
        # All waves were planned before any page's result was written (run_tasks): the walk made then, with
        # what the pages wrote since looked at again, is the walk now.
        sources = (cache.update_sources(walked, layout.root, hashes, written, folders) if walked is not None
                   else cache.render_sources(layout.root, hashes))
        key = cache.render_key(environment, sources)
        clock("sources")
        if not options.force and previous.get("published") == key and (layout.html_dir / "index.html").is_file():
            job.cancel()
            log("网页内容未变化，跳过 jupyter-book。")
            report.html_skipped = True
        else:
            log("jupyter-book 生成网页…")
            if jobs > 1:
                # Pages ran in pool processes (a cold build, many pages): the render takes minutes; the spares the
                # next build takes start now and load while it runs (else at the end, as the render's child of a
                # rebuild wants both cores).
                _leave_spare(layout, options, report, early=True)
                job.leave_spare(early=True)
            job.finish(sources)
            previous["published"] = key
            release = current_release(layout.html_dir)
            if release is not None:
                ledger.record(release.name)
    except BaseException:
        job.cancel()
        raise
    report.html = layout.html_dir
    cache.write_manifest(manifest_path, manifest())
    hashes.save(prune=True)
    return report
