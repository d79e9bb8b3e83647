"""Executing many tasks: a local process pool or a Dask cluster, one progress bar, the closing summary.

Executors run any picklable module-level function over the tasks (the build passes
:func:`perfeval.book.task.execute_task`); they know nothing of pages or books.
"""

from __future__ import annotations

import os
import sys
import uuid
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Protocol, Sequence, TypeVar

from perfeval.book.lock import die_with_parent
from perfeval.book.task import Result

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def submit_all(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]: ...
    def close(self, cancel: bool = False) -> None: ...


class LocalExecutor:
    """A process pool on this machine (processes, never threads: papermill changes the working directory).

    Pool workers die with the build process (no orphans after a SIGKILL; their kernels follow them).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.pool: ProcessPoolExecutor | None = None

    def submit_all(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[Future[R]]:
        if self.jobs == 1:
            for task in tasks:
                fut: Future[R] = Future()
                fut.set_result(fn(task))
                yield fut
            return
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=die_with_parent)
        futures = [self.pool.submit(fn, t) for t in tasks]
        yield from as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None


class DaskExecutor:
    """Submit tasks to a dask.distributed scheduler (the ``perfeval[dask]`` extra).

    Workers need perfeval and its stack installed (the same versions: they are part of every page's cache
    key) and nothing else: the build gives each task its files by value and writes what comes back
    (:mod:`perfeval.book.task`), so workers may run on machines that share no file system with the build.
    A worker process runs one task at a time (``dask worker --nthreads 1``; see ``docs/cluster.md``)."""

    def __init__(self, scheduler: str) -> None:
        from dask.distributed import Client

        self.client = Client(scheduler, set_as_default=False)
        self.futures: list[Any] = []

    def submit_all(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[Any]:
        from dask.distributed import as_completed as dask_completed

        self.futures = [self.client.submit(fn, t, pure=False, key=_dask_key(t)) for t in tasks]
        yield from dask_completed(self.futures, loop=self.client.loop)

    def close(self, cancel: bool = False) -> None:
        if cancel and self.futures:
            self.client.cancel(self.futures)
        self.client.close()


def _dask_key(task: Any) -> str:
    """A key unique to the task's content (its cache key), so that builds sharing a cluster never share results."""
    return f"perfeval-{getattr(task, 'page', 'task')}-{getattr(task, 'key', '')[:16] or uuid.uuid4().hex}"


def run_tasks(fn: Callable[[Any], Result], tasks: Sequence[Any], executor: Executor, keep_going: bool,
              on_result: Callable[[Result], None]) -> list[Result]:
    """Execute tasks; stop at the first failure unless ``keep_going`` (pending tasks are cancelled)."""
    results: list[Result] = []
    failed = False
    try:
        for fut in executor.submit_all(fn, tasks):
            result = fut.result()
            results.append(result)
            on_result(result)
            if result.status == "failed" and not keep_going:
                failed = True
                break
    finally:
        executor.close(cancel=failed)
    return results


class Progress:
    """One progress bar for the whole build: done / cached / failed and ETA (tqdm)."""

    def __init__(self, total: int, cached: int, enabled: bool | None = None) -> None:
        from tqdm import tqdm

        self.counts = {"done": 0, "cached": cached, "failed": 0}
        self.bar = tqdm(total=total, initial=cached, unit="页", desc="执行笔记本",
                        disable=True if enabled is False else None, file=sys.stderr, dynamic_ncols=True)
        self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix(完成=self.counts["done"], 缓存=self.counts["cached"], 失败=self.counts["failed"])

    def update(self, result: Result) -> None:
        self.counts["failed" if result.status == "failed" else "done"] += 1
        self.bar.update(1)
        self._postfix()

    def close(self) -> None:
        self.bar.close()


def summary_table(results: list[Result], cached: list[str], seconds: float) -> str:
    """The closing summary: counts, wall time, slowest runs, failures."""
    executed = [r for r in results if r.status in ("executed", "unchanged")]
    failed = [r for r in results if r.status == "failed"]
    lines = [f"执行 {len(executed)} 页（其中内容未变 {sum(r.status == 'unchanged' for r in executed)} 页），"
             f"缓存命中 {len(cached)} 页，失败 {len(failed)} 页，用时 {seconds:.1f} 秒"]
    for r in sorted(executed, key=lambda r: -r.seconds)[:5]:
        lines.append(f"  {r.seconds:6.1f} 秒  {r.page}")
    for r in failed:
        lines.append(f"  失败  {r.page}：{r.error}")
    return "\n".join(lines)


def default_jobs() -> int:
    return os.cpu_count() or 1
