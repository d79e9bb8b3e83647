"""The template notebooks under notebooks/, tested by nbval: their cells are marked ``slow`` (they execute
notebooks). A notebook's cells share one kernel and must run in one process, in order: under pytest-xdist
``--dist=loadfile`` (pyproject.toml) sends every item of a file to the same process. The tests' own markers
are in tests/conftest.py.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
