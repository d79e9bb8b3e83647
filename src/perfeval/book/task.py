"""The build's per-page step: execute one run, write its notebook and downloads; never raises."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from perfeval.book.downloads import write_downloads
from perfeval.book.notebook import DEFAULT_ENGINE, clean_notebook, describe_failure, execute_notebook, write_notebook
from perfeval.book.plan import Run


@dataclass(frozen=True)
class Task:
    """One page to execute, picklable (sent to pool workers or Dask)."""

    run: Run
    output: str            # the executed notebook (absolute)
    downloads_dir: str     # where the page's downloads go (absolute)
    engine: str = DEFAULT_ENGINE
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # path → sha256

    @property
    def page(self) -> str:
        return self.run.page


@dataclass
class Result:
    page: str
    status: str            # executed | unchanged | failed
    seconds: float = 0.0
    error: str = ""
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)

    def manifest_entry(self) -> dict[str, object]:
        return {"status": self.status, "seconds": self.seconds, "error": self.error, "key": self.key,
                "inputs": self.inputs}


def execute_task(task: Task) -> Result:
    """Run one task (in a worker process): a failure is a Result naming the page, the section and the error."""
    run = task.run
    start = time.perf_counter()
    try:
        nb = execute_notebook(Path(run.template), run.parameters, task.engine)
        clean_notebook(nb, run.title, run.drop_tags)
        changed = write_notebook(nb, Path(task.output))
        write_downloads(nb, run, Path(task.downloads_dir))
        return Result(run.page, "executed" if changed else "unchanged", time.perf_counter() - start,
                      key=task.key, inputs=task.inputs)
    except Exception as exc:  # noqa: BLE001 - reported per run
        return Result(run.page, "failed", time.perf_counter() - start,
                      describe_failure(exc, Path(run.template), run.describe(), run.title), inputs=task.inputs)
