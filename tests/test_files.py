"""What a data file is, and reading and writing them (perfeval.model.files).

The corpus (tests/bad_input) covers the messages through `perfeval validate`; these tests cover the
rule itself, folders that cannot be listed, several data folders and the writers.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.model import (
    DepartmentYear,
    discover,
    dump_record,
    load_all,
    load_department,
    load_records,
    read_yaml,
    records_identical,
    write_record,
    write_yaml,
)

from .conftest import SEED_DATA
from .strategies import PARTIAL_RECORDS, records


def _data(tmp_path: Path, *files: str) -> Path:
    """A data folder holding the seed file (and the report it names) at each relative path given."""
    root = tmp_path / "data"
    root.mkdir(parents=True, exist_ok=True)
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED_DATA, root / rel)
        shutil.copy(SEED_DATA.with_name("xiangtan-minzheng.source.txt"), (root / rel).parent)
    return root


def test_discover_finds_four_digit_year_folders_only(tmp_path: Path) -> None:
    root = _data(tmp_path, "2024/xiangtan-minzheng.yaml", "2023/xiangtan-minzheng.yaml")
    (root / "frameworks").mkdir()
    (root / "frameworks" / "common.yaml").write_text("name: common\n", encoding="utf-8")
    (root / "demo" / "2024").mkdir(parents=True)
    (root / "demo" / "2024" / "x.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    assert [p.relative_to(root).as_posix() for p in discover(root)] == [
        "2023/xiangtan-minzheng.yaml", "2024/xiangtan-minzheng.yaml"]


@pytest.mark.parametrize("folder", ["２０２４", "02024", "٢٠٢٤", "²⁰²⁴", "2024 ", " 2024", "2024-old", "FY2024", "२०२४"])
def test_a_folder_with_digits_that_is_not_a_year_is_an_error(tmp_path: Path, folder: str) -> None:
    root = _data(tmp_path, "2024/xiangtan-minzheng.yaml", f"{folder}/xiangtan-minzheng.yaml")
    with pytest.raises(DataError) as info:
        list(discover(root))
    assert Path(info.value.file) == root / folder
    assert "年度目录名应为四位半角数字" in info.value.message


@pytest.mark.parametrize("name", [".#xiangtan-minzheng.yaml", ".perfeval-abc123.yaml", ".hidden.yaml",
                                  "_old.yaml", "xiangtan-minzheng.sources.yml", "模板.xlsx", "notes.md"])
def test_editor_locks_leftovers_hidden_files_and_sidecars_are_ignored(tmp_path: Path, name: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = _data(tmp_path, "2024/xiangtan-minzheng.yaml")
    (root / "2024" / name).write_text("not: [valid yaml\n", encoding="utf-8")
    assert [p.name for p in discover(root)] == ["xiangtan-minzheng.yaml"]
    assert main(["validate", "--data-dir", str(root)]) == 0
    assert "数据校验通过：1 个部门-年度" in capsys.readouterr().out


def test_a_dangling_editor_lock_link_is_ignored(tmp_path: Path) -> None:
    root = _data(tmp_path, "2024/xiangtan-minzheng.yaml")
    os.symlink("user@host.1234:1700000000", root / "2024" / ".#xiangtan-minzheng.yaml")   # what Emacs leaves
    assert len(load_all(root)) == 1


@pytest.mark.parametrize("name", ["xiangtan-minzheng.yml", "xiangtan-minzheng.YAML", "xiangtan-minzheng.Yml"])
def test_other_yaml_suffixes_are_an_error_asking_to_rename(tmp_path: Path, name: str) -> None:
    root = _data(tmp_path, f"2024/{name}")
    with pytest.raises(DataError) as info:
        list(discover(root))
    assert Path(info.value.file) == root / "2024" / name
    assert "请改名为 xiangtan-minzheng.yaml" in info.value.message


def test_a_folder_that_cannot_be_listed_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = _data(tmp_path, "2024/xiangtan-minzheng.yaml")
    locked = root / "2024"
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)   # type: ignore[arg-type]

    # Tests may run as root, for whom chmod 000 does not stop listing: the refusal is simulated.
    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["validate", "--data-dir", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"{locked}：无法读取目录" in err and "Traceback" not in err


def test_the_year_folder_check_only_compares_four_digit_folders(tmp_path: Path) -> None:
    path = _data(tmp_path, "２０２４/xiangtan-minzheng.yaml") / "２０２４" / "xiangtan-minzheng.yaml"
    assert load_department(path).year == 2024        # loading one file by its path is not discovery


def test_load_records_refuses_the_same_department_year_in_two_folders(tmp_path: Path) -> None:
    a = _data(tmp_path / "a", "2024/xiangtan-minzheng.yaml")
    b = _data(tmp_path / "b", "2024/xiangtan-minzheng.yaml")
    assert [(r.code, d) for r, d in load_records([a])] == [("xiangtan-minzheng", a)]
    with pytest.raises(DataError) as info:
        load_records([a, b])
    assert Path(info.value.file) == b / "2024" / "xiangtan-minzheng.yaml"
    assert str(a / "2024" / "xiangtan-minzheng.yaml") in info.value.message
    with pytest.raises(DataError, match="数据目录不存在"):
        load_records([tmp_path / "missing"])


# --------------------------------------------------------------------------- writing


def test_write_record_never_replaces_different_data_unless_forced(tmp_path: Path) -> None:
    seed = load_department(SEED_DATA)
    path = tmp_path / "2024" / "xiangtan-minzheng.yaml"
    path.parent.mkdir()
    shutil.copy(SEED_DATA.with_name("xiangtan-minzheng.source.txt"), path.parent)   # the report the seed names
    assert write_record(seed, path, header="首行\n次行") is True
    assert path.read_text(encoding="utf-8") == "# 首行\n# 次行\n" + dump_record(seed)
    assert write_record(seed, path) is False                       # identical data: not rewritten
    changed = seed.model_copy(update={"other_notes": "改过"})
    with pytest.raises(DataError, match="--force"):
        write_record(changed, path)
    assert load_department(path).other_notes == seed.other_notes
    assert write_record(changed, path, force=True) is True
    assert load_department(path).other_notes == "改过"
    assert sorted(p.name for p in path.parent.iterdir()) == [  # no temporary file left
        "xiangtan-minzheng.source.txt", "xiangtan-minzheng.yaml"]


def test_write_yaml_writes_plain_data_that_reads_back(tmp_path: Path) -> None:
    data = {"code": "x", "amount": Decimal("12.30"), "whole": Decimal("1700"), "deadline": dt.date(2025, 5, 30),
            "notes": ["a\nb", "0700"], "empty": None}
    path = write_yaml(tmp_path / "draft.yaml", data, header=["草稿", "状态：未通过"])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 草稿\n# 状态：未通过\ncode: x\n")
    back = read_yaml(path)
    assert back == {"code": "x", "amount": Decimal("12.30"), "whole": 1700, "deadline": "2025-05-30",
                    "notes": ["a\nb", "0700"], "empty": None}
    assert str(back["amount"]) == "12.30"


# --------------------------------------------------------------------------- partial records and any valid record


@pytest.mark.parametrize("name", sorted(PARTIAL_RECORDS))
def test_partial_records_load_and_round_trip_through_the_writer(tmp_path: Path, name: str) -> None:
    record = PARTIAL_RECORDS[name]()
    path = tmp_path / str(record.year) / f"{record.code}.yaml"
    assert write_record(record, path)
    back = load_department(path)
    assert records_identical(back, record)
    text = path.read_text(encoding="utf-8")
    # Absent is left out of the file, never written as 0 or null.
    assert "null" not in text and ": ~" not in text and "{}" not in text
    assert load_all(tmp_path) == [back]


def test_an_identity_only_record_is_three_lines_of_data(tmp_path: Path) -> None:
    record = PARTIAL_RECORDS["identity"]()
    assert dump_record(record) == "code: yueyanglou-zhengfuban\nyear: 2021\n\nunit:\n  name: 岳阳楼区人民政府办公室\n"


def test_a_basic_table_is_written_as_rows_of_the_form(tmp_path: Path) -> None:
    text = dump_record(PARTIAL_RECORDS["basic_table"]())
    assert "  total: {previous: 1.84, budget: 1.49, actual: 1.49}\n" in text
    assert "  total: {previous: 30.05, budget: 28.90, actual: 28.90}\n" in text     # precision as written
    assert "procurement: {budget: 1551.4, actual: 1551.4}\n" in text               # no previous column: left out
    assert "  projects[5].actual:\n    inferred: true\n" in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_any_valid_record_round_trips_through_the_writer(record: DepartmentYear) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / str(record.year) / f"{record.code}.yaml"
        assert write_record(record, path, header=record.unit.name)
        assert records_identical(load_department(path), record)
        assert not write_record(record, path)          # identical data: not rewritten
