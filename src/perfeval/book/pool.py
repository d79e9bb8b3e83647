"""Executing many notebooks: content-hash cache, local process pool or Dask, progress, manifest.

A run is skipped when nothing it depends on changed: the template notebook, its
parameters and title, the data files it reads (the department's years, or all
departments of an overview), the indicator framework, the package's own code and
the installed versions of the stack. The key of every successful run is recorded
in ``_build/build.json`` with timings, cache hits and failures; a failed run
records no key, so it is retried next time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

STACK = ("perfeval", "papermill", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "mplfonts", "jinja2",
         "pydantic", "jupyter-book", "sphinx", "myst-nb", "jieba")
MANIFEST = "build.json"


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_hash() -> str:
    """Hash of the package's own source (code and templates)."""
    root = Path(__file__).resolve().parents[1]  # the perfeval package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".txt", ".yaml") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in STACK:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


@dataclass(frozen=True)
class Task:
    """One notebook execution, picklable (sent to pool workers or Dask)."""

    page: str
    template: str          # absolute
    output: str            # absolute
    parameters: dict[str, Any]
    title: str
    drop_tags: tuple[str, ...]
    engine: str
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # path → sha256
    downloads_dir: str = ""  # where the page's CSV and Word files go ("" = none)


@dataclass
class Result:
    page: str
    status: str            # executed | unchanged | cached | failed
    seconds: float = 0.0
    error: str = ""
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)


def task_key(template: Path, parameters: dict[str, Any], title: str, drop_tags: Iterable[str],
             inputs: dict[str, str], shared: dict[str, Any]) -> str:
    payload = {
        "template": file_hash(template), "parameters": parameters, "title": title,
        "drop_tags": sorted(drop_tags), "inputs": inputs, **shared,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def execute_task(task: Task) -> Result:
    """Run one task (in a worker process): never raises, a failure is a Result."""
    from perfeval.book.plan import execute

    start = time.perf_counter()
    try:
        changed = execute(Path(task.template), Path(task.output), task.parameters, task.title, task.drop_tags,
                          engine=task.engine, downloads_dir=Path(task.downloads_dir) if task.downloads_dir else None)
        return Result(task.page, "executed" if changed else "unchanged", time.perf_counter() - start,
                      key=task.key, inputs=task.inputs)
    except Exception as exc:  # noqa: BLE001 - reported per run
        return Result(task.page, "failed", time.perf_counter() - start, describe_failure(exc), inputs=task.inputs)


def describe_failure(exc: BaseException) -> str:
    """A one-line Chinese description of why a notebook failed (cell number and exception)."""
    if type(exc).__name__ == "PapermillExecutionError":
        return (f"第 {getattr(exc, 'exec_count', '?')} 个代码单元出错："
                f"{getattr(exc, 'ename', '')}: {getattr(exc, 'evalue', '')}")
    return f"{type(exc).__name__}: {exc}"


def _worker_init() -> None:
    # Pool workers die with the build process (no orphans after a SIGKILL; their kernels follow them)
    # and know the warm engine.
    from perfeval.book import kernels as engine
    from perfeval.book.publish import _die_with_parent

    _die_with_parent()
    engine.register()


class LocalExecutor:
    """A process pool on this machine (processes, never threads: papermill changes the working directory)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.pool: ProcessPoolExecutor | None = None

    def submit_all(self, tasks: list[Task]) -> Iterator[Future[Result]]:
        if self.jobs == 1:
            for task in tasks:
                fut: Future[Result] = Future()
                fut.set_result(execute_task(task))
                yield fut
            return
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init)
        futures = [self.pool.submit(execute_task, t) for t in tasks]
        yield from as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None


class DaskExecutor:
    """Submit runs to a dask.distributed scheduler; workers need the package and see the same paths."""

    def __init__(self, scheduler: str) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is pinned in requirements.txt
            raise RuntimeError("dask.distributed is not installed") from exc
        self.client = Client(scheduler, set_as_default=False)
        self.futures: list[Any] = []

    def submit_all(self, tasks: list[Task]) -> Iterator[Any]:
        from dask.distributed import as_completed as dask_completed

        self.futures = [self.client.submit(execute_task, t, pure=False, key=f"perfeval-{t.page}-{t.key[:12]}")
                        for t in tasks]
        yield from dask_completed(self.futures, loop=self.client.loop)

    def close(self, cancel: bool = False) -> None:
        if cancel and self.futures:
            self.client.cancel(self.futures)
        self.client.close()


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def run_tasks(tasks: list[Task], executor: Any, keep_going: bool,
              on_result: Callable[[Result], None]) -> list[Result]:
    """Execute tasks; stop at the first failure unless ``keep_going`` (pending runs are cancelled)."""
    results: list[Result] = []
    failed = False
    try:
        for fut in executor.submit_all(tasks):
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
        self.bar = tqdm(total=total, initial=cached, unit="页", desc="执行笔记本", disable=True if enabled is False else None,
                        file=sys.stderr, dynamic_ncols=True)
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


def manifest_entry(result: Result) -> dict[str, Any]:
    return {k: v for k, v in asdict(result).items() if k != "page"}


def default_jobs() -> int:
    return os.cpu_count() or 1
