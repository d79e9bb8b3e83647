"""Executing many tasks: a local process pool or a Dask cluster, one progress bar, the closing summary.

Executors run any picklable module-level function over the tasks (the build passes
:func:`perfeval.book.task.execute_task`); they know nothing of pages or books. Tasks may be submitted in
several waves (the build submits the chapters, then, while they run, works out the year pages); results come
back in the order they finish. An executor that breaks down (a pool process killed, a Dask scheduler lost)
raises :class:`ExecutorError` with a message in Chinese, not a traceback.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import uuid
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from perfeval.book.lock import die_with_parent
from perfeval.book.task import Result


class ExecutorError(Exception):
    """The executor stopped working mid-build (the message says what to do); the published book is unchanged."""


class Executor(Protocol):
    def submit(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> None: ...
    def results(self) -> Iterator[Any]: ...
    def close(self, cancel: bool = False) -> None: ...


class LocalExecutor:
    """A process pool on this machine (processes, never threads: papermill changes the working directory).

    Pool workers die with the build process (no orphans after a SIGKILL; their kernels follow them). With one
    job the tasks run in this process, in the order they were submitted: when their results are asked for, or,
    with ``background`` (the warm engine, which leaves the working directory alone), in a thread that starts
    on the first task while the build goes on (:class:`_Background`)."""

    def __init__(self, jobs: int, background: bool = False, stop: Callable[[], None] | None = None,
                 lanes: int = 1, on_lane: Callable[[int], None] | None = None) -> None:
        self.jobs = max(1, jobs)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[Any]] = []
        self.serial: list[tuple[Callable[[Any], Any], Any]] = []
        self.background = _Background(stop, lanes, on_lane) if background and self.jobs == 1 else None

    def submit(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> None:
        if self.background is not None:
            self.background.submit(fn, tasks)
            return
        if self.jobs == 1:
            self.serial.extend((fn, t) for t in tasks)
            return
        if self.pool is None and tasks:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=die_with_parent)
        try:
            self.futures += [self.pool.submit(fn, t) for t in tasks] if self.pool is not None else []
        except BrokenProcessPool:
            raise ExecutorError(_BROKEN) from None

    def results(self) -> Iterator[Any]:
        if self.background is not None:
            yield from self.background.results()
            return
        if self.jobs == 1:
            while self.serial:
                fn, task = self.serial.pop(0)
                yield _finished(fn(task))
            return
        try:
            for fut in as_completed(self.futures):
                yield fut.result()
        except BrokenProcessPool:
            raise ExecutorError(_BROKEN) from None

    def close(self, cancel: bool = False) -> None:
        self.serial.clear()
        if self.background is not None:
            self.background.close(cancel)
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None


def _finished(value: Any) -> Any:
    """A task function may return its result, or what computes it (a callable: see :class:`_Background`)."""
    return value() if callable(value) else value


class _Background:
    """Tasks run one after another in a thread of this process, from the moment they are submitted: the build
    goes on planning (the year pages, the render's start) while the first page runs. With ``lanes`` > 1, that
    many threads take tasks from the same queue (each tells ``on_lane`` its number first: the build gives each
    lane a kernel of its own). A task function that returns a callable (:func:`perfeval.book.task.start_task`:
    the page ran, its downloads are yet to be computed) has it called in one more thread, while the lane runs
    the next page. Results come back in the order the pages finished running (with one lane: the order they
    were submitted). Cancelled, it calls ``stop`` (which ends the pages that run: the build kills their
    kernels) and waits for the threads."""

    def __init__(self, stop: Callable[[], None] | None = None, lanes: int = 1,
                 on_lane: Callable[[int], None] | None = None) -> None:
        self.stop = stop
        self.lanes, self.on_lane = max(1, lanes), on_lane
        self.todo: queue.SimpleQueue[tuple[Callable[[Any], Any], Any] | None] = queue.SimpleQueue()
        self.done: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        self.finisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfeval-finish")
        self.runners: list[threading.Thread] = []
        self.stopped = threading.Event()
        self.submitted = self.returned = 0

    def submit(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> None:
        for task in tasks:
            self.todo.put((fn, task))
            self.submitted += 1
        if not self.runners and self.submitted:
            for lane in range(self.lanes):
                name = "perfeval-pages" if lane == 0 else f"perfeval-pages-{lane + 1}"
                runner = threading.Thread(target=self._run, args=(lane,), name=name, daemon=True)
                runner.start()
                self.runners.append(runner)

    def _run(self, lane: int) -> None:
        if self.on_lane is not None:
            self.on_lane(lane)
        while (item := self.todo.get()) is not None:
            fn, task = item
            if self.stopped.is_set():
                continue
            try:
                value = fn(task)
            except BaseException as exc:  # noqa: BLE001 - handed to the thread that asks for the results
                failed: Future[Any] = Future()
                failed.set_exception(exc)
                self.done.put(failed)
                continue
            self.done.put(self.finisher.submit(_finished, value))

    def results(self) -> Iterator[Any]:
        while self.returned < self.submitted:
            future = self.done.get()
            self.returned += 1
            yield future.result()

    def close(self, cancel: bool) -> None:
        """Wait for the threads; with ``cancel``, after the tasks not yet begun are dropped and those that
        run are stopped."""
        if cancel:
            self.stopped.set()
            if self.stop is not None and self.runners:
                self.stop()
        for _ in self.runners:
            self.todo.put(None)
        for runner in self.runners:
            runner.join()
        self.finisher.shutdown(wait=True, cancel_futures=cancel)


_BROKEN = "执行页面的进程意外退出（可能是内存不足或被终止），构建已停止，已发布的网页未改变；请重新运行 perfeval build"


class DaskExecutor:
    """Submit tasks to a dask.distributed scheduler (the ``perfeval[dask]`` extra).

    Workers need perfeval and its stack installed, the client's versions exactly (they are part of every
    page's cache key): a worker whose perfeval code, version or stack differs refuses each task
    (:func:`perfeval.book.task.execute_task` compares the task's stamp with its own), and the executor checks
    every worker when it connects. Workers need nothing else: the build gives each task its files by value
    and writes what comes back (:mod:`perfeval.book.task`), so workers may run on machines that share no file
    system with the build. A worker process runs one task at a time (``dask worker --nthreads 1``; see
    ``docs/cluster.md``). A scheduler that cannot be reached, or is lost mid-build, stops the build with a
    message (:class:`ExecutorError`)."""

    def __init__(self, scheduler: str, expected: str = "", check: Callable[[], str] | None = None) -> None:
        from dask.distributed import Client

        self.scheduler = scheduler
        try:
            self.client = Client(scheduler, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"无法连接 Dask 调度器 {scheduler}：{_reason(exc)}。请确认调度器已启动、地址和端口正确") from None
        self.futures: list[Any] = []
        if expected and check is not None:
            self._check_workers(expected, check)

    def _check_workers(self, expected: str, check: Callable[[], str]) -> None:
        """Refuse to start when a connected worker runs other perfeval code or another stack."""
        try:
            stamps = self.client.run(check)
        except Exception as exc:  # noqa: BLE001 - any failure here is the cluster's
            self.client.close()
            raise ExecutorError(f"无法检查 Dask 工作进程的 perfeval 版本：{_reason(exc)}") from None
        wrong = sorted(addr for addr, value in stamps.items() if value != expected)
        if wrong:
            self.client.close()
            raise ExecutorError(
                f"{len(wrong)} 个 Dask 工作进程运行的 perfeval 代码或依赖版本与本机不同（{'、'.join(wrong[:5])}"
                f"{' 等' if len(wrong) > 5 else ''}），构建未开始。请在工作节点安装与本机相同的 perfeval 及依赖"
                "（见 docs/cluster.md）后重试")

    def submit(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> None:
        try:
            self.futures += [self.client.submit(fn, t, pure=False, key=_dask_key(t)) for t in tasks]
        except Exception as exc:  # noqa: BLE001 - the scheduler is gone
            raise ExecutorError(self._lost(exc)) from None

    def results(self) -> Iterator[Any]:
        from dask.distributed import as_completed as dask_completed

        try:
            for fut in dask_completed(self.futures, loop=self.client.loop):
                yield fut.result()
        except Exception as exc:  # noqa: BLE001 - scheduler lost, worker killed again and again …
            raise ExecutorError(self._lost(exc)) from None

    def _lost(self, exc: BaseException) -> str:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker
        from distributed.comm import CommClosedError

        if isinstance(exc, KilledWorker):
            what = "执行页面的 Dask 工作进程反复意外退出（可能是内存不足）"
        elif isinstance(exc, (CancelledError, CommClosedError, OSError, TimeoutError)):
            what = f"与 Dask 调度器 {self.scheduler} 的连接中断"
        else:
            what = "Dask 任务出错"
        return (f"{what}（{_reason(exc)}），构建已停止，已发布的网页未改变；"
                "请检查调度器和工作进程后重新运行 perfeval build")

    def close(self, cancel: bool = False) -> None:
        try:
            if cancel and self.futures:
                self.client.cancel(self.futures)
        except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone
            pass
        finally:
            self.client.close()


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _dask_key(task: Any) -> str:
    """A key unique to the task's content (its cache key), so that builds sharing a cluster never share results."""
    return f"perfeval-{getattr(task, 'page', 'task')}-{getattr(task, 'key', '')[:16] or uuid.uuid4().hex}"


def run_tasks(fn: Callable[[Any], Any], waves: Iterable[Sequence[Any]], executor: Executor, keep_going: bool,
              on_result: Callable[[Result], None]) -> list[Result]:
    """Execute tasks, wave after wave (a wave is worked out while the ones before it run); stop at the first
    failure unless ``keep_going`` (pending tasks are cancelled). ``fn`` returns a task's result, or, for an
    executor of this process, what computes it."""
    results: list[Result] = []
    complete = False
    try:
        for wave in waves:
            executor.submit(fn, wave)
        for result in executor.results():
            results.append(result)
            on_result(result)
            if result.status == "failed" and not keep_going:
                break
        else:
            complete = True
    finally:
        executor.close(cancel=not complete)   # a failure, an interrupt: the pending tasks are dropped
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

    def plan(self, total: int, cached: int) -> None:
        """Set the number of pages (when it is known only after the bar was started) and count the pages
        found unchanged."""
        self.bar.total = total
        self.counts["cached"] += cached
        self.bar.update(cached)
        self._postfix()

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
