"""Shared fixtures: paths of the project and the seed department's record."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval.load import load_department
from perfeval.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]
SEED_DATA = ROOT / "data" / "2024" / "xiangtan-minzheng.yaml"
# A copy of ../shared/seed/000_9e2d80230763505a.txt (the published report the data was extracted from).
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed-xiangtan-minzheng-2024.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed() -> DepartmentYear:
    return load_department(SEED_DATA)
