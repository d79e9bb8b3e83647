"""Determinism: two builds of the same inputs, in two folders, give the same notebooks and chart images.

The executed notebooks are compared after removing volatile metadata (timestamps, durations) and
replacing each project's own path by a placeholder; the PNG images in _build/html/_images must be
byte-identical (same names, same bytes). The two builds use different numbers of processes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from perfeval.cli import main

from .conftest import ROOT, copy_project, copy_seed

VOLATILE_KEYS = {"start_time", "end_time", "duration", "execution", "iopub.execute_input", "iopub.status.busy",
                 "iopub.status.idle", "shell.execute_reply", "exception"}


def _project(dest: Path) -> Path:
    root = copy_project(dest, data=False)
    copy_seed(root / "data/2024")
    for year in (2023, 2024):   # two years: the 历年对比 section and its chart
        (root / f"data/demo/{year}").mkdir(parents=True)
        for code in ("qinghe-jiaoyu", "qinghe-nongye"):
            shutil.copy(ROOT / f"data/demo/{year}/{code}.yaml", root / f"data/demo/{year}")
    return root


def _scrub(value: Any, root: str) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, root) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_scrub(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(root, "<ROOT>")
    return value


def _notebooks(root: Path) -> dict[str, Any]:
    out = {}
    for path in sorted((root / "book").rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out[str(path.relative_to(root))] = _scrub(nb, str(root))
    return out


def _images(root: Path) -> dict[str, bytes]:
    folder = root / "_build/html/_images"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = _project(tmp_path_factory.mktemp("determinism") / "first")
    second = _project(tmp_path_factory.mktemp("determinism") / "second-with-a-longer-path")
    assert main(["build", "--root", str(first), "--jobs", "2"]) == 0
    assert main(["build", "--root", str(second), "--jobs", "1"]) == 0
    return first, second


def test_executed_notebooks_are_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    a, b = _notebooks(first), _notebooks(second)
    assert len(a) >= 6 and sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name
    # Not vacuous: the notebooks carry their outputs, charts included.
    chapter = a["book/2024/qinghe-jiaoyu.ipynb"]
    outputs = [o for c in chapter["cells"] for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_chart_images_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    a, b = _images(first), _images(second)
    assert len(a) >= 4, "the chapters have charts"
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert differing == []


def test_notebooks_carry_no_timestamps(two_builds: tuple[Path, Path]) -> None:
    """clean_notebook already removes the volatile metadata: the raw files match once paths are replaced."""
    first, second = two_builds
    for path in sorted((first / "book").rglob("*.ipynb")):
        rel = path.relative_to(first)
        raw_a = path.read_text(encoding="utf-8").replace(str(first), "<ROOT>")
        raw_b = (second / rel).read_text(encoding="utf-8").replace(str(second), "<ROOT>")
        assert raw_a == raw_b, rel
