"""The demo generator: deterministic, valid, and its planted faults are found by the checks."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from perfeval.review.checks import run_checks
from perfeval.cli import main
from perfeval.model.demo import FAULTS, generate, parse_years, planted_faults
from perfeval.model.files import load_all

from .conftest import ROOT

YEARS = [2022, 2023, 2024]
# Natural (unplanted) findings in a realistic dataset: some indicators miss their target, some 三公 rise.
NATURAL = {"goal.indicator_not_met", "rate.sangong_change"}


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*.yaml"))}


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    args = ["demo", "--departments", "5", "--years", "2022-2024", "--seed", "11"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(a) == 15 and a == b
    assert main(["demo", "--departments", "5", "--years", "2022-2024", "--seed", "12", "--out", str(tmp_path / "c")]) == 0
    assert _tree(tmp_path / "c") != a  # the seed matters


def test_shipped_demo_data_is_the_generators_output(tmp_path: Path) -> None:
    # data/demo was written by `perfeval demo --departments 12 --years 2022-2024 --seed 7 --out data/demo`.
    assert main(["demo", "--departments", "12", "--years", "2022-2024", "--seed", "7", "--out", str(tmp_path)]) == 0
    cmp = filecmp.dircmp(tmp_path, ROOT / "data" / "demo")
    assert _tree(tmp_path) == _tree(ROOT / "data" / "demo"), cmp.report()


def test_generated_data_validates_and_is_marked_demo(tmp_path: Path) -> None:
    main(["demo", "--departments", "12", "--years", "2022-2024", "--seed", "7", "--out", str(tmp_path)])
    records = load_all(tmp_path)
    assert len(records) == 36 and all(r.demo for r in records)
    assert len({r.code for r in records}) == 12
    assert all(r.code.startswith("qinghe-") for r in records)


def test_planted_faults_are_found_by_the_checks() -> None:
    faults = planted_faults(12, YEARS)
    # every kind of fault is planted at least once
    assert {f.id for f in faults.values()} == {f.id for f in FAULTS}
    for rec in generate(12, YEARS, 7):
        found = {f.rule for f in run_checks(rec) if f.severity != "note"} - NATURAL
        fault = faults.get((rec.code, rec.year))
        expected = set(fault.rules) if fault else set()
        assert found == expected, (rec.code, rec.year)


@pytest.mark.parametrize("text,years", [("2022-2024", [2022, 2023, 2024]), ("2023", [2023]),
                                        ("2022,2024", [2022, 2024])])
def test_parse_years(text: str, years: list[int]) -> None:
    assert parse_years(text) == years
