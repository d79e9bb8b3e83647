"""Schema 1 → schema 2: every value moves to its new place, nothing is invented, old files get a message."""

from __future__ import annotations

from typing import Any

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from pydantic import ValidationError

from perfeval.errors import DataError
from perfeval.cli import main
from perfeval.model.files import Migration, load_department, migrate_file, read_yaml, records_identical
from perfeval.model.migrate import is_schema1, migrate_record
from perfeval.model.schema import DepartmentYear

from tests.conftest import ROOT, SEED_DATA

SCHEMA1_SEED = ROOT / "tests" / "fixtures" / "schema1" / "2024" / "xiangtan-minzheng.yaml"


def test_a_schema1_file_is_refused_with_a_pointer_to_migrate() -> None:
    with pytest.raises(DataError) as err:
        load_department(SCHEMA1_SEED)
    assert "perfeval migrate" in str(err.value) and "xiangtan-minzheng.yaml" in str(err.value)


def test_the_current_seed_is_not_schema1() -> None:
    assert not is_schema1(read_yaml(SEED_DATA))
    assert is_schema1(read_yaml(SCHEMA1_SEED))


def test_seed_migrates_with_every_value_in_its_new_place() -> None:
    old = read_yaml(SCHEMA1_SEED)
    new = DepartmentYear.model_validate(migrate_record(old))
    assert new.income is not None and new.expenditure is not None and new.sangong is not None
    assert new.adjustment is not None and new.approval is not None
    # income / adjustment (schema 1: income.total, initial_budget, adjustment, adjustment_purpose)
    assert new.income.appropriation is not None
    assert (new.income.appropriation.actual, new.income.appropriation.budget) == (D("3229.37"), D("2373.85"))
    assert new.adjustment.amount == D("855.52")
    assert new.adjustment.purpose == old["income"]["adjustment_purpose"]
    assert new.adjustment.declared_rate == 0
    assert new.adjustment.explanation == old["execution"]["adjustment_explanation"]
    # approved budget → the budget column of the rows
    assert new.income.total is not None and new.income.total.budget == D("2373.85")
    exp = new.expenditure
    assert exp.total is not None and (exp.total.budget, exp.total.actual) == (D("2373.85"), D("3229.37"))
    assert exp.basic is not None and (exp.basic.budget, exp.basic.actual) == (D("1595.3"), D("1723.59"))
    assert exp.personnel is not None and (exp.personnel.budget, exp.personnel.actual) == (D("1339.41"), D("1581.75"))
    assert exp.public is not None and (exp.public.budget, exp.public.actual) == (D("255.88"), D("141.84"))
    assert exp.project is not None and (exp.project.budget, exp.project.actual) == (D("778.55"), D("1505.78"))
    assert (new.approval.approver, new.approval.year_as_written) == ("市财政局", 2023)
    # 三公: budget and actual by item; an item schema 1 did not hold stays absent
    sg = new.sangong
    assert sg.total is not None and (sg.total.budget, sg.total.actual, sg.total.previous) == (D("15.61"), D("9.32"), None)
    assert sg.overseas is not None and (sg.overseas.budget, sg.overseas.actual) == (None, D("0"))
    assert sg.vehicle_purchase is None
    # unchanged sections
    assert [p.name for p in new.projects] == [p["name"] for p in old["projects"]]
    assert new.execution is not None and new.execution.balance_statement == "收支金额基本持平"


def test_migration_invents_nothing_beyond_what_the_hand_converted_seed_adds() -> None:
    """The hand-converted seed equals the migrated schema-1 seed, except the facts added by reading the source again."""
    migrated = DepartmentYear.model_validate(migrate_record(read_yaml(SCHEMA1_SEED)))
    current = load_department(SEED_DATA)
    # (and 目标3's qualitative result, stated in words in the source: 同比…均有所提高)
    # (and, issue 20, the report itself with what the book arranged from it, the report's own numbering of the
    # completion statements and a self-score reason quoted as written)
    added: dict[str, Any] = {"annotations": True, "adjustment": True, "management": True, "projects": True,
                             "source": True, "arranged": True, "self_scores": {3: {"reason"}},
                             "goals": {i: ({"completion_number": True, "indicators": {0: {"actual_text"}}} if i == 2
                                           else {"completion_number"}) for i in range(8)}}
    assert migrated.model_dump(exclude=added) == current.model_dump(exclude=added)
    assert migrated.goals[2].indicators[0].actual_text is None
    assert current.goals[2].indicators[0].actual_text == "均有所提高"
    assert migrated.annotations == {}
    assert all(not p.managed_only for p in migrated.projects)
    assert current.adjustment is not None and migrated.adjustment is not None
    assert current.adjustment.model_dump(exclude={"exclusions", "carryover_mentioned"}) == \
        migrated.adjustment.model_dump(exclude={"exclusions", "carryover_mentioned"})


def test_a_schema2_record_is_returned_unchanged() -> None:
    data = read_yaml(SEED_DATA)
    assert migrate_record(data) == data


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "fixtures" / "schema1" / "demo").rglob("*.yaml")),
                         ids=lambda p: p.stem)
def test_demo_files_of_schema1_migrate(path: Path) -> None:
    """Schema-1 files as the demo generator wrote them validate after migration, with their figures kept."""
    old = read_yaml(path)
    new = DepartmentYear.model_validate(migrate_record(old))
    assert new.expenditure is not None and new.expenditure.total is not None
    assert new.expenditure.total.actual == old["expenditure"]["total"]
    assert new.sangong is not None and new.sangong.total is not None
    assert new.sangong.total.actual == old["sangong"]["actual"]["total"]
    if old["sangong"].get("previous_actual"):
        assert new.sangong.total.previous == old["sangong"]["previous_actual"]["total"]


# --------------------------------------------------------------------------- perfeval migrate (the command)

SCHEMA1_DEMO = ROOT / "tests" / "fixtures" / "schema1" / "demo" / "2023"


def _schema1_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "2023").mkdir(parents=True)
    for path in sorted(SCHEMA1_DEMO.glob("*.yaml")):
        shutil.copy(path, data / "2023" / path.name)
    (data / "2024").mkdir()
    shutil.copy(SEED_DATA, data / "2024" / SEED_DATA.name)
    return data


def test_migrate_rewrites_schema1_files_in_place_and_leaves_schema2_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _schema1_folder(tmp_path)
    seed_bytes = (data / "2024" / SEED_DATA.name).read_bytes()
    assert main(["migrate", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.count("转换：") == 3 and out.count("已是新格式：") == 1
    assert "共 4 个文件：转换 3 个，已是新格式 1 个，未转换 0 个。" in out
    assert (data / "2024" / SEED_DATA.name).read_bytes() == seed_bytes
    for path in sorted((data / "2023").glob("*.yaml")):
        old = read_yaml(SCHEMA1_DEMO / path.name)
        new = load_department(path)
        assert records_identical(new, DepartmentYear.model_validate(migrate_record(old)))
        # the file's leading comment is kept as the new file's header
        assert path.read_text(encoding="utf-8").startswith(
            "# 示例数据 (demo data) generated by `perfeval demo`: not a real department.\ncode: ")
    before = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    assert main(["migrate", str(data / "2023"), str(data / "2024" / SEED_DATA.name)]) == 0
    assert capsys.readouterr().out.count("已是新格式：") == 4
    assert {p: p.read_bytes() for p in data.rglob("*.yaml")} == before


def test_comments_inside_a_file_are_not_lost_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "2024" / SCHEMA1_SEED.name
    path.parent.mkdir()
    shutil.copy(SCHEMA1_SEED, path)
    original = path.read_bytes()
    assert main(["migrate", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"未转换：{path} 含 20 行注释（第 38、42、43、44、45、54、80、124、138、150… 行）" in captured.err
    assert "--force" in captured.err and "未转换 1 个" in captured.out
    assert path.read_bytes() == original

    assert main(["migrate", "--force", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"转换：{path}（第 38、42" in out and "20 行注释已删除" in out
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in SCHEMA1_SEED.read_text(encoding="utf-8").splitlines()[:4])
    assert text.startswith(header + "code: xiangtan-minzheng\n")
    assert records_identical(load_department(path),
                             DepartmentYear.model_validate(migrate_record(read_yaml(SCHEMA1_SEED))))


def test_a_file_invalid_after_migration_is_named_and_left_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _schema1_folder(tmp_path)
    bad = data / "2023" / "qinghe-jiaotong.yaml"
    text = bad.read_text(encoding="utf-8")
    broken = text.replace("  basic:\n    total:", "  basic:\n    totl:", 1)
    assert broken != text
    bad.write_text(broken, encoding="utf-8")
    assert main(["migrate", str(data)]) == 2
    captured = capsys.readouterr()
    assert bad.read_text(encoding="utf-8") == broken
    assert (f"{bad} 记录 expenditure.basic 字段 totl：转换为新格式后数据不合格，文件未改动：未知字段，请检查拼写"
            in captured.err)
    assert "Traceback" not in captured.err
    assert "转换 2 个，已是新格式 1 个，未转换 1 个" in captured.out


def test_migrate_file_refuses_a_record_whose_file_name_is_not_its_code(tmp_path: Path) -> None:
    path = tmp_path / "2023" / "other-name.yaml"
    path.parent.mkdir()
    shutil.copy(SCHEMA1_DEMO / "qinghe-jiaoyu.yaml", path)
    with pytest.raises(DataError, match="文件名应为 qinghe-jiaoyu.yaml"):
        migrate_file(path)
    assert path.read_bytes() == (SCHEMA1_DEMO / "qinghe-jiaoyu.yaml").read_bytes()


def test_migration_message_counts_comments() -> None:
    result = Migration(Path("x.yaml"), "migrated", (3, 9))
    assert result.message == "转换：x.yaml（第 3、9 行的 2 行注释已删除）"
    assert Migration(Path("x.yaml"), "current").message == "已是新格式：x.yaml"


@pytest.mark.parametrize(("section", "record", "key"), [
    (("expenditure", "basic"), "expenditure.basic", "totl"),
    (("income",), "income", "adjustmnet"),
    (("approved_budget", "basic"), "approval", "personel"),
    (("sangong", "actual"), "sangong", "receptoin"),
])
def test_an_unknown_schema1_key_is_reported_not_dropped(section: tuple[str, ...], record: str, key: str) -> None:
    data = read_yaml(SCHEMA1_SEED)
    target = data
    for part in section:
        target = target[part]
    target[key] = 1
    with pytest.raises(ValidationError) as info:
        DepartmentYear.model_validate(migrate_record(data))
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [((*record.split("."), key), "extra_forbidden")]


# --------------------------------------------------------------------------- a migration never loses a value

def _with_new_sections(text: str) -> str:
    """The schema-1 seed that also carries new-layout sections: adjustment exclusions and carryover, and who
    approved (the same approver, and a project note the old layout did not hold)."""
    return text + ("\nadjustment:\n  carryover: 120.5\n  exclusions:\n    - {amount: 30, reason: 上级追加专项，不属预算调整}\n"
                   "approval:\n  approver: 市财政局\n")


def test_new_layout_sections_of_a_schema1_file_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "2024" / SCHEMA1_SEED.name
    path.parent.mkdir()
    path.write_text(_with_new_sections(SCHEMA1_SEED.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["migrate", "--force", str(path)]) == 0
    assert "转换 1 个" in capsys.readouterr().out
    new = load_department(path)
    assert new.adjustment is not None and new.approval is not None
    # what the file stated in the new layout …
    assert new.adjustment.carryover == D("120.5")
    assert [(e.amount, e.reason) for e in new.adjustment.exclusions] == [(D("30"), "上级追加专项，不属预算调整")]
    # … and what the old layout held, both
    assert new.adjustment.amount == D("855.52") and new.adjustment.declared_rate == 0
    assert (new.approval.approver, new.approval.year_as_written) == ("市财政局", 2023)


@pytest.mark.parametrize(("extra", "where", "kept", "derived"), [
    ("adjustment:\n  amount: 800\n", "记录 adjustment 字段 amount", "800", "855.52"),
    ("approval:\n  approver: 省财政厅\n", "记录 approval 字段 approver", "省财政厅", "市财政局"),
])
def test_a_value_given_twice_differently_stops_the_migration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, where: str, kept: str, derived: str) -> None:
    path = tmp_path / "2024" / SCHEMA1_SEED.name
    path.parent.mkdir()
    path.write_text(SCHEMA1_SEED.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    original = path.read_bytes()
    assert main(["migrate", "--force", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"{path} {where}：" in captured.err
    assert f"为 {derived}，而文件中已有的" in captured.err and f"为 {kept}，两者不一致，无法自动转换" in captured.err
    assert "Traceback" not in captured.err and "未转换 1 个" in captured.out
    assert path.read_bytes() == original
