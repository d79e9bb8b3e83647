"""Shared fixtures: paths of the project and the seed department's record."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]
# Builds in tests leave no spare kernel behind (perfeval.book.spares), in this process and in the perfeval commands
# tests run; tests of spares turn them on themselves (and stop what they started).
os.environ["PERFEVAL_SPARE_MINUTES"] = "0"
SEED_DATA = ROOT / "data" / "2024" / "xiangtan-minzheng.yaml"
# A copy of ../shared/seed/000_9e2d80230763505a.txt (the published report the data was extracted from).
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed-xiangtan-minzheng-2024.txt"


#: Tests that build a book or execute notebooks (``pytest -m "not slow"`` leaves them out), by file or by
#: file::test; the template notebooks (nbval) are slow too (../conftest.py). ``browser`` tests drive headless Chromium.
SLOW = {"test_book.py", "test_browser.py", "test_build_cache.py", "test_build_engine.py", "test_cluster.py", "test_determinism.py", "test_failures.py",
        "test_hostile.py", "test_overview.py", "test_import_to_book.py", "test_publish.py",
        "test_bad_input.py::test_failed_build_leaves_the_book_unchanged",
        "test_versions.py::test_a_changed_chapter_carries_its_version_record",
        *(f"test_book_scale.py::{name}" for name in (
            "test_parallel_render_with_derived_sidebars_equals_the_plain_render",
            "test_sidebars_are_derived_exactly_from_a_sibling",
            "test_every_page_shows_every_part_and_search_finds_pages_of_every_part",
            "test_a_scaled_build_produces_every_page_with_every_link",
            "test_one_changed_department_reexecutes_its_pages_and_republishes_only_what_changed",
            "test_dask_workers_without_the_project_folder_build_the_same_book"))}
#: Fixtures that build a book: every test using one is slow, wherever it is.
SLOW_FIXTURES = {"built_book", "scaled", "draft_book", "reader_book"}
BROWSER = {"test_browser.py", "test_search.py", "test_accessibility.py",
           "test_hostile.py::test_no_script_from_data_runs_and_text_is_literal"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.path.name
        test = f"{name}::{getattr(item, 'originalname', item.name)}"
        fixtures = set(getattr(item, "fixturenames", ()))
        if name in SLOW or test in SLOW or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if name in BROWSER or test in BROWSER or "browser" in fixtures:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed() -> DepartmentYear:
    return load_department(SEED_DATA)


#: Test books hold the seed and demo departments in one book on purpose (a real book reads data/ alone).
MIXED_BOOK = "\ndata_dirs: [data, data/demo]\n"


def copy_project(dest: Path, data: bool = True) -> Path:
    """A fresh copy of the book project (config, pages, templates and, optionally, all data); its
    ``_config.yml`` reads data/ and data/demo/ (:data:`MIXED_BOOK`)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "_config.yml", dest / "_config.yml")
    with open(dest / "_config.yml", "a", encoding="utf-8") as config:
        config.write(MIXED_BOOK)
    shutil.copytree(ROOT / "notebooks", dest / "notebooks")
    shutil.copytree(ROOT / "book", dest / "book",
                    ignore=shutil.ignore_patterns("[0-9][0-9][0-9][0-9]", "_extra", "findings.ipynb"))
    if data:
        shutil.copytree(ROOT / "data", dest / "data")
    else:
        shutil.copytree(ROOT / "data" / "frameworks", dest / "data" / "frameworks")
    (dest / "data" / "demo").mkdir(exist_ok=True)
    return dest


def copy_seed(folder: Path) -> Path:
    """The seed's data file and the report it names (its ``source``) copied into ``folder``; returns the data file."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "2024").glob("xiangtan-minzheng.*")):
        shutil.copy(path, folder)
    return folder / SEED_DATA.name


def small_project(dest: Path, demo: tuple[str, ...]) -> Path:
    """A project with the seed department and the given 2024 demo departments (codes)."""
    root = copy_project(dest, data=False)
    copy_seed(root / "data/2024")
    (root / "data/demo/2024").mkdir(parents=True)
    for code in demo:
        shutil.copy(ROOT / f"data/demo/2024/{code}.yaml", root / "data/demo/2024")
    return root


#: A township's published report (a copy of a real-report digest): its chapter is a partial draft.
TOWNSHIP_REPORT = ROOT / "tests" / "fixtures" / "real-reports" / "02_yuanling_huochangxiang.txt"
TOWNSHIP = "yuanling-huochang"


def seed_and_draft_project(dest: Path) -> Path:
    """A project with the seed (湘潭市民政局 2024) and a township's draft imported from its published report
    (沅陵县火场土家族乡人民政府 2024, ``import-report``), and no demo data."""
    from .import_helpers import main as import_main

    root = copy_project(dest, data=False)
    copy_seed(root / "data/2024")
    draft = root / "data/2024" / f"{TOWNSHIP}.yaml"
    assert import_main(["import-report", str(TOWNSHIP_REPORT), "--code", TOWNSHIP, "-o", str(draft)]) == 0
    return root


@pytest.fixture(scope="session")
def reader_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and the township's draft in one small book (guide pages, two chapters, their group pages, the
    year overview, 数据核查汇总, 评价方法), built once per session: the search and accessibility tests."""
    from perfeval.cli import main

    root = seed_and_draft_project(tmp_path_factory.mktemp("reader-book"))
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    return root


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default book (real department and the demo set), built once per test session."""
    from perfeval.cli import main

    root = copy_project(tmp_path_factory.mktemp("book"))
    assert main(["build", "--root", str(root)]) == 0
    return root


def pytest_configure(config: pytest.Config) -> None:
    # Also registered by the packaging (pyproject); here so this tree runs without warnings.
    config.addinivalue_line("markers", "browser: opens the built book in headless Chromium")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def process_ends(pid: int, limit: float = 120) -> bool:
    """Whether process ``pid`` ends (or is left a zombie) within ``limit`` seconds, polled: the outcome never
    depends on how fast the machine is."""
    import time

    import psutil

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False
