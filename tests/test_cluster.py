"""The Dask executor: workers run the client's code or are refused; a scheduler that cannot be reached or is
lost mid-build stops the build with a message in Chinese, not a traceback (issue 24)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

import perfeval
from perfeval.book import BookLayout, cache, department_run
from perfeval.book.pool import DaskExecutor, ExecutorError
from perfeval.book.task import Task, execute_task, worker_stamp
from perfeval.cli import main
from perfeval.model.files import load_department
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, small_project

distributed = pytest.importorskip("dask.distributed")
DASK = Path(sys.executable).parent / "dask"


def test_a_worker_running_other_code_refuses_its_task() -> None:
    data = ROOT / "data/demo"
    run = department_run(BookLayout.at(ROOT), load_department(data / "2024/qinghe-jiaoyu.yaml"), data,
                         resolve_framework(DEFAULT_FRAMEWORK, ROOT / "data"))
    ours = cache.stamp({"perfeval": perfeval.__version__, **cache.shared_state()})
    assert worker_stamp() == ours
    result = execute_task(Task(run, stamp="0" * 64))
    assert result.status == "failed" and not result.key and not result.notebook
    assert "清河市教育局（qinghe-jiaoyu）2024年" in result.error and "与本机不同，拒绝执行" in result.error


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
def test_workers_with_other_perfeval_code_are_refused_before_the_build_starts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other-src"
    shutil.copytree(ROOT / "src/perfeval", other / "perfeval", ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "perfeval/book/markdown.py").open("a", encoding="utf-8") as f:
        f.write("\n# another version of perfeval\n")
    root = small_project(tmp_path / "book", ())
    with _cluster(tmp_path, {**os.environ, "PYTHONPATH": str(other)}) as (address, _):
        with distributed.Client(address) as client:   # the worker does run the other code
            client.wait_for_workers(1, timeout=120)
            paths = list(client.run(lambda: __import__("perfeval").__file__).values())
            assert paths == [str(other / "perfeval/__init__.py")]
        capsys.readouterr()
        code = main(["build", "--root", str(root), "--executor", "dask", "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 1
    assert "Dask 工作进程运行的 perfeval 代码或依赖版本与本机不同" in err and "构建未开始" in err
    assert "Traceback" not in err
    assert not (root / "_build/html").exists() and not list(root.glob("book/2024/*.ipynb"))


def test_an_unreachable_scheduler_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    root = small_project(tmp_path / "book", ())
    capsys.readouterr()
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(["build", "--root", str(root), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1 and "无法连接 Dask 调度器 tcp://127.0.0.1:9" in err and "Traceback" not in err


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(DASK), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=env)


@contextlib.contextmanager
def _cluster(tmp: Path, worker_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A scheduler and one worker process (one thread) of their own, ended afterwards: (address, scheduler)."""
    address_file = tmp / "scheduler.json"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(address_file))
    worker = None
    try:
        deadline = time.monotonic() + 120
        while not address_file.is_file():
            assert scheduler.poll() is None and time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        worker = _start("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard", env=worker_env)
        yield address, scheduler
    finally:
        for proc in (scheduler, worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
def test_a_scheduler_lost_mid_build_is_a_message(tmp_path: Path) -> None:
    with _cluster(tmp_path) as (address, scheduler):
        executor = DaskExecutor(address)
        executor.client.wait_for_workers(1, timeout=120)
        executor.submit(time.sleep, [0, 3600])
        results = executor.results()
        assert next(results) is None              # the short task came back; the long one is running
        os.killpg(scheduler.pid, signal.SIGKILL)
        scheduler.wait(timeout=30)
        with pytest.raises(ExecutorError) as lost:
            next(results)
        assert f"与 Dask 调度器 {address} 的连接中断" in str(lost.value) and "已发布的网页未改变" in str(lost.value)
        executor.close(cancel=True)
