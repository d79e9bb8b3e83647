"""Department summaries kept with the cache, and the summaries file each year page reads.

The year overview and 数据核查汇总 are about every department of a year (of the book); they read one
:class:`perfeval.pages.summaries.DepartmentSummary` per department-year, not the records. The build keeps
each summary in ``_build/summaries.json`` under a key of what it is computed from — its chapter's inputs
(its data file, the files beside it: rulings, replies, the source; its earlier years: rectification), the indicator
framework, the package's code and the stack's versions — and computes again only those whose key changed
(a one-department change: one summary, a few milliseconds). Before the year pages are keyed and executed,
the build writes for each the summaries of its departments, in the plan's order
(``_build/summaries/<page>.json``, :func:`perfeval.book.plan.summaries_file`); that file is the page's
input, so a year page runs again exactly when a summary it shows changed.

A summary that cannot be computed (a record the scoring cannot take) fails the pages that need it, with the
department, its data file and the error; the store keeps no entry for it. The pages package (pandas,
matplotlib) is imported only by a build that has year pages, not by planning.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from perfeval.book.cache import FileHashes, read_json, write_json
from perfeval.book.notebook import write_if_changed
from perfeval.book.plan import Run

#: The store of summaries under ``_build``.
STORE = "summaries.json"


@functools.lru_cache(maxsize=1)
def _store_type() -> Any:
    """The validator of the whole store file: {"entries": {data file: {"key", "summary"}}}."""
    from pydantic import BaseModel, TypeAdapter

    from perfeval.pages.summaries import DepartmentSummary

    class Entry(BaseModel):
        key: str
        summary: DepartmentSummary

    return TypeAdapter(dict[str, dict[str, Entry]])


def _entries_that_read(path: Path) -> dict[str, Any]:
    """The entries of a store file that does not validate as a whole, each validated alone."""
    from pydantic import ValidationError

    from perfeval.pages.summaries import DepartmentSummary

    loose = read_json(path)
    entries = loose.get("entries") if isinstance(loose, dict) else None
    out: dict[str, Any] = {}
    for name, entry in (entries.items() if isinstance(entries, dict) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            try:
                out[name] = (entry["key"], DepartmentSummary.model_validate(entry.get("summary")))
            except ValidationError:
                continue
    return out


@dataclass
class SummaryStore:
    """Every department-year's summary with its key (``_build/summaries.json``)."""

    path: Path
    entries: dict[str, tuple[str, Any]] = field(default_factory=dict)   # data file → (key, DepartmentSummary)
    computed: list[str] = field(default_factory=list)                     # data files summarised by this build
    failed: dict[str, str] = field(default_factory=dict)                  # data file → why it has no summary

    @classmethod
    def open(cls, path: Path) -> "SummaryStore":
        """The store as the last build left it; entries that do not read are left out (and recomputed)."""
        store = cls(Path(path))
        try:
            raw = store.path.read_bytes()
        except OSError:
            return store
        try:
            data = {name: (e.key, e.summary) for name, e in _store_type().validate_json(raw)["entries"].items()}
        except (ValueError, KeyError):
            data = _entries_that_read(store.path)
        store.entries = data
        return store

    def update(self, chapters: Iterable[Run], framework_file: Path, hashes: FileHashes, environment: str) -> None:
        """Summarise every chapter's department-year whose key changed (``environment``: the stamp of the
        package's code and the stack's versions)."""
        from perfeval.model import load_department
        from perfeval.pages.summaries import summarize
        from perfeval.review import load_framework

        framework_hash = hashes.sha256(framework_file)
        framework = None
        for run in chapters:
            data_file = run.departments[0]
            key = summary_key([(p, hashes.sha256(p)) for p in run.inputs], framework_hash, environment)
            old = self.entries.pop(data_file, None)
            if old is not None and old[0] == key:
                self.entries[data_file] = old
                continue
            try:
                framework = framework or load_framework(framework_file)
                self.entries[data_file] = (key, summarize(load_department(Path(data_file)), framework,
                                                                 data_file=Path(data_file)))
                self.computed.append(data_file)
            except Exception as exc:  # noqa: BLE001 - reported with the pages that need it
                self.failed[data_file] = " ".join(f"{run.describe()}，无法汇总：{type(exc).__name__}: {exc}".split())[:600]

    def missing(self, run: Run) -> list[str]:
        """Why ``run`` cannot have its summaries file: one line per department without a summary."""
        return [self.failed.get(d, f"{d}：没有汇总") for d in run.departments if d not in self.entries]

    def write_page_file(self, run: Run) -> bool:
        """Write the summaries file of a year page (only when its content changed); returns whether it did."""
        from perfeval.pages.summaries import summaries_json

        return write_if_changed(Path(run.summaries), summaries_json(self.entries[d][1] for d in run.departments))

    def save(self, keep: Iterable[str]) -> None:
        """Keep the entries of ``keep`` (the data files of the book)."""
        wanted = set(keep)
        write_json(self.path, {"entries": {name: {"key": key, "summary": summary.model_dump(mode="json")}
                                           for name, (key, summary) in sorted(self.entries.items()) if name in wanted}})


def summary_key(files: Iterable[tuple[str, str]], framework_hash: str, environment: str) -> str:
    """The key of one summary: its department's own files (path, sha256), the framework and the stamp."""
    h = hashlib.sha256(f"{environment}\0{framework_hash}\n".encode())
    for path, digest in files:
        h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()


def remove_stale_page_files(folder: Path, runs: Iterable[Run]) -> list[Path]:
    """Remove the summaries files under ``folder`` that no page reads any more; returns them."""
    keep = {Path(r.summaries) for r in runs if r.summaries}
    removed = [p for p in folder.rglob("*.json") if p not in keep] if folder.is_dir() else []
    for path in removed:
        path.unlink()
    return removed
