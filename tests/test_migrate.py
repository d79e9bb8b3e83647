"""Schema 1 → schema 2: every value moves to its new place, nothing is invented, old files get a message."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.errors import DataError
from perfeval.model.files import load_department, read_yaml
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
    added = {"annotations", "adjustment", "management", "projects"}
    assert migrated.model_dump(exclude=added) == current.model_dump(exclude=added)
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
