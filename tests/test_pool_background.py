"""The in-process executor that runs pages in a thread while the build goes on (pool.LocalExecutor with
``background``): results in the order submitted, a task's second stage run apart, a cancel that drops what has
not begun and stops what runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from perfeval.book.pool import LocalExecutor, run_tasks


@dataclass
class _Result:
    page: str
    status: str = "executed"


def test_results_come_in_the_order_submitted_and_second_stages_run_in_another_thread() -> None:
    first_stage: list[str] = []
    second_stage: list[str] = []

    def start(page: str):  # type: ignore[no-untyped-def]
        first_stage.append(threading.current_thread().name)

        def finish() -> _Result:
            second_stage.append(threading.current_thread().name)
            return _Result(page)
        return finish

    executor = LocalExecutor(1, background=True)
    got: list[str] = []
    run_tasks(start, [["a", "b"], ["c"]], executor, False, lambda r: got.append(r.page))
    assert got == ["a", "b", "c"]
    assert set(first_stage) == {"perfeval-pages"}
    assert second_stage and all(name.startswith("perfeval-finish") for name in second_stage)


def test_a_failure_drops_the_tasks_not_begun_and_stops_the_one_that_runs() -> None:
    ran: list[str] = []
    stopped: list[bool] = []
    release = threading.Event()

    def start(page: str) -> _Result:
        ran.append(page)
        if page == "b":
            release.wait(30)   # "runs" until stopped
        return _Result(page, "failed" if page == "a" else "executed")

    def stop() -> None:
        stopped.append(True)
        release.set()

    executor = LocalExecutor(1, background=True, stop=stop)
    got: list[str] = []
    run_tasks(start, [["a", "b", "c", "d"]], executor, False, lambda r: got.append(r.page))
    assert got == ["a"]
    assert stopped == [True]
    assert "c" not in ran and "d" not in ran


def test_without_background_one_job_runs_when_results_are_asked_for() -> None:
    ran: list[str] = []

    def start(page: str):  # type: ignore[no-untyped-def]
        ran.append(page)
        return lambda: _Result(page)

    executor = LocalExecutor(1)
    executor.submit(start, ["a", "b"])
    assert ran == []
    assert [r.page for r in executor.results()] == ["a", "b"]
    executor.close()
