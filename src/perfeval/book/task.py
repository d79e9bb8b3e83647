"""The build's per-page step, run in a worker: execute one run and return its notebook and downloads by value.

A :class:`Task` names the page to execute; a :class:`Result` carries back the executed notebook (its file
content) and the page's downloads (path under the downloads folder → content). The worker writes no file of
the book: the client (:mod:`perfeval.book.pipeline`) writes them, so a worker may be anywhere.

A task either reads its inputs where they are (``files`` is None: a process pool on the client's machine) or
carries them by value (``files``: the template, the data files of the page and the framework file, keyed
by the client's paths): the worker places them in a folder of its own (:class:`Workspace`), runs the page
there and maps the paths back, so the result is the same as a run in place. Dask workers that share no
file system with the client run tasks that way.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import os
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from perfeval.book.notebook import DEFAULT_ENGINE, clean_notebook, describe_failure, execute_notebook, notebook_bytes
from perfeval.book.plan import Run


@dataclass(frozen=True)
class Task:
    """One page to execute, picklable (sent to pool workers or Dask)."""

    run: Run
    engine: str = DEFAULT_ENGINE
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # path → sha256
    files: dict[str, bytes] | None = None                 # by value: client path → content (None: read in place)
    stamp: str = ""                                       # the client's code and stack (:func:`worker_stamp`); "": not checked

    @property
    def page(self) -> str:
        return self.run.page


@dataclass
class Result:
    page: str
    status: str            # executed | unchanged (set by the client after writing) | failed
    seconds: float = 0.0
    error: str = ""
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    notebook: bytes = b""                                    # the executed, cleaned notebook (file content)
    downloads: dict[str, bytes] = field(default_factory=dict)  # path under the downloads folder → content

    def manifest_entry(self) -> dict[str, object]:
        return {"status": self.status, "seconds": self.seconds, "error": self.error, "key": self.key,
                "inputs": self.inputs}


def task_files(run: Run, extra: list[Path | str]) -> dict[str, bytes]:
    """The files a run reads, by value: its template, its inputs and ``extra`` (the framework file)."""
    paths = [run.template, *run.inputs, *(str(p) for p in extra)]
    return {str(p): Path(p).read_bytes() for p in dict.fromkeys(paths)}


# --- a worker's own folder for tasks that carry their files -------------------------------------------

class Workspace:
    """A folder of this worker process holding the files of the task it runs, at their client paths under it.

    The folder stays the same from task to task (the warm kernel keeps its working directory, the template's
    folder); each task's files replace the previous task's, so a page that lists a folder sees exactly the
    files it was given.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="perfeval-worker-")).resolve()
        self.placed: set[Path] = set()
        atexit.register(shutil.rmtree, self.root, True)

    def local(self, client_path: str) -> Path:
        """Where a client's file is placed (its absolute POSIX path under the workspace)."""
        parts = PurePosixPath(client_path).parts
        if not parts or parts[0] != "/" or ".." in parts:
            raise ValueError(f"a task file must have an absolute path without '..': {client_path!r}")
        return self.root.joinpath(*parts[1:])

    def place(self, files: Mapping[str, bytes]) -> None:
        wanted = {self.local(path): data for path, data in files.items()}
        for old in self.placed - set(wanted):
            old.unlink(missing_ok=True)
        for path, data in wanted.items():
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        self.placed = set(wanted)

    def parameter(self, value: Any, files: Mapping[str, bytes]) -> Any:
        """A parameter with the client paths it names (a file given, or a folder holding some) made local."""
        if isinstance(value, list):
            return [self.parameter(v, files) for v in value]
        if isinstance(value, str) and value.startswith("/") and any(
                f == value or f.startswith(value.rstrip("/") + "/") for f in files):
            return str(self.local(value))
        return value

    def to_client(self, value: Any) -> Any:
        """``value`` (a notebook, a message) with the workspace's paths turned back into the client's."""
        prefix = str(self.root) + "/"
        if isinstance(value, str):
            return value.replace(prefix, "/") if prefix in value else value
        if isinstance(value, dict):
            for key in list(value):
                value[key] = self.to_client(value[key])
            return value
        if isinstance(value, list):
            value[:] = [self.to_client(v) for v in value]
            return value
        return value


_workspace: Workspace | None = None
#: One task at a time per process, but for the warm engine's tasks without files: papermill changes the working
#: directory for engines other than the warm one, and the workspace is shared (a warm kernel runs one notebook
#: at a time: each lane of pages has its own).
_task_lock = threading.Lock()


def workspace() -> Workspace:
    global _workspace
    if _workspace is None:
        _workspace = Workspace()
    return _workspace


# --- the step ------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def worker_stamp() -> str:
    """This process's perfeval code, version and stack, as one hash (computed once per process)."""
    import perfeval
    from perfeval.book.cache import shared_state, stamp

    return stamp({"perfeval": perfeval.__version__, **shared_state()})


def execute_task(task: Task) -> Result:
    """Run one task (in a worker): a failure is a Result naming the page, the section and the error. A task
    stamped with the client's code and stack is refused by a worker whose own differ: its page would be
    cached under a key that does not describe it."""
    return start_task(task)()


def start_task(task: Task, in_kernel: bool = False) -> Callable[[], Result]:
    """Run a task's notebook and return what finishes it: computing its downloads and its :class:`Result`.
    :func:`execute_task` calls that at once. The build's own process (:class:`perfeval.book.pool.LocalExecutor`)
    calls it in another thread while the kernel runs the next page; with ``in_kernel`` the downloads of a page
    run by the warm engine are computed in its kernel before the next page runs there
    (:func:`perfeval.book.kernels.downloads_in_kernel`), and this process imports none of what they need."""
    if task.stamp and task.stamp != worker_stamp():
        import perfeval

        refused = Result(task.page, "failed", error=(
            f"{task.run.describe()}：工作进程 {socket.gethostname()}（进程 {os.getpid()}）运行的 perfeval "
            f"{perfeval.__version__} 代码或依赖版本与本机不同，拒绝执行；请在工作节点安装与本机相同的 perfeval 及依赖"),
            inputs=task.inputs)
        return lambda: refused
    # The warm engine's pages, reading their files where they are, may run at once in several lanes (threads,
    # each with its own kernel: pool._Background); other tasks one at a time.
    alone = task.files is not None or task.engine != DEFAULT_ENGINE
    with _task_lock if alone else contextlib.nullcontext():
        finish = _execute(task, in_kernel and not alone)
        if task.files is not None:   # its files are in the workspace, which the next task's replace
            result = finish()
            return lambda: result
        return finish


def _execute(task: Task, in_kernel: bool = False) -> Callable[[], Result]:
    run = task.run
    start = time.perf_counter()
    ws = workspace() if task.files is not None else None
    local = run

    def failed(exc: Exception, seconds: float) -> Result:
        message = describe_failure(exc, Path(local.template), run.describe(), run.title)
        if ws is not None:
            message = ws.to_client(message)
        return Result(run.page, "failed", seconds, message, inputs=task.inputs)

    try:
        if ws is not None:
            assert task.files is not None
            ws.place(task.files)
            local = dataclasses.replace(
                run, template=str(ws.local(run.template)),
                parameters={k: ws.parameter(v, task.files) for k, v in run.parameters.items()})
        nb = execute_notebook(Path(local.template), local.parameters, task.engine)
        clean_notebook(nb, run.title, run.drop_tags)
    except Exception as exc:  # noqa: BLE001 - reported per run
        result = failed(exc, time.perf_counter() - start)
        return lambda: result
    ran = time.perf_counter() - start
    if in_kernel:
        done = _finish_in_kernel(task, nb, start, failed)
        if done is not None:
            return lambda: done

    def finish() -> Result:
        from perfeval.book.downloads import run_downloads

        begun = time.perf_counter()
        try:
            downloads = dict(run_downloads(nb, local))
            if ws is not None:
                ws.to_client(nb)
            return Result(run.page, "executed", ran + time.perf_counter() - begun, key=task.key,
                          inputs=task.inputs, notebook=notebook_bytes(nb), downloads=downloads)
        except Exception as exc:  # noqa: BLE001 - reported per run
            return failed(exc, ran + time.perf_counter() - begun)

    return finish


def _finish_in_kernel(task: Task, nb: Any, start: float, failed: Callable[[Exception, float], Result]) -> Result | None:
    """The result of a page the warm engine ran in this thread's kernel, its downloads computed there; None when
    that kernel is not there (the caller computes them)."""
    from perfeval.book.kernels import downloads_in_kernel
    from perfeval.book.notebook import KERNEL_NAME

    run = task.run
    try:
        notebook = notebook_bytes(nb)
        downloads = downloads_in_kernel(KERNEL_NAME, os.path.realpath(Path(run.template).parent), run.kind,
                                        run.parameters, notebook)
    except Exception as exc:  # noqa: BLE001 - reported per run
        return failed(exc, time.perf_counter() - start)
    if downloads is None:
        return None
    return Result(run.page, "executed", time.perf_counter() - start, key=task.key, inputs=task.inputs,
                  notebook=notebook, downloads=downloads)
