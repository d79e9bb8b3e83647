"""The data model: typed department-year records, data files, numbers and the facts computed from them.

This is the public face other subpackages import from (``from perfeval.model import DepartmentYear,
load_department``). Numbers are parsed and formatted by :mod:`perfeval.model.numbers` (import its functions
from there); the demo generator is :mod:`perfeval.model.demo`.

Modules: ``forms`` (the forms registry: every form row and field with its labels, synonyms, kind and unit;
``from perfeval.model import forms``), ``schema`` (records; ``source_document``: a record's source document and what the book arranged), ``limits`` and ``paths`` (a record's limits and field
paths), ``numbers`` (parsing and formatting numbers and dates), ``yaml12`` (the YAML
dialect), ``files`` (what a data file is; reading, validating and writing them), ``messages`` (validation
errors in Chinese), ``migrate`` (schema 1 → 2), ``facts`` (derived figures), ``wording`` (judging a result stated in words), ``demo`` and ``demo_catalogue`` (synthetic data).
"""

from __future__ import annotations

import perfeval.model.forms as forms
import perfeval.model.numbers as numbers
from perfeval.model.facts import (Facts, ProjectFacts, achieved, compute, indicator_met, qualitative_met,
                                  qualitative_unclear, quantity_meets)
from perfeval.model.files import (
    MAX_FILE_BYTES,
    Migration,
    canonical,
    check_place,
    check_source,
    department_path,
    discover,
    dump_record,
    dump_yaml,
    load_all,
    load_department,
    load_records,
    migrate_file,
    read_text,
    read_yaml,
    record_data,
    source_path,
    records_identical,
    write_record,
    write_yaml,
)
from perfeval.model.messages import (
    chinese_message,
    error_lines,
    inner_model,
    location_label,
    schema_field,
    validation_to_error,
)
from perfeval.model.migrate import is_schema1, migrate_record
from perfeval.model.source_document import SOURCE_SUFFIXES, Arranged, SourceDocument
from perfeval.model.schema import (
    CODE_PATTERN,
    COLUMNS,
    INCOME_SOURCES,
    MAX_AMOUNT,
    MAX_ITEMS,
    MAX_NESTED_ITEMS,
    MAX_TEXT_CHARS,
    SANGONG_ITEMS,
    Adjustment,
    Amounts,
    Annotation,
    Approval,
    Buildings,
    Carryover,
    Cover,
    DepartmentYear,
    Exclusion,
    Execution,
    Expenditure,
    FundRow,
    Goal,
    Income,
    Indicator,
    Item,
    Management,
    Problem,
    Project,
    ProjectOutput,
    Post,
    PublicFunds,
    Quantity,
    Rectification,
    Record,
    Relation,
    Sangong,
    SelfScore,
    SourceUnit,
    SourceUnits,
    Staffing,
    StatedChange,
    StatedCounts,
    Unit,
    UnitExpenditure,
    UnitIncome,
    Vehicles,
    value_at,
)

__all__ = [
    "forms", "numbers",
    # records
    "CODE_PATTERN", "COLUMNS", "INCOME_SOURCES", "MAX_AMOUNT", "MAX_ITEMS", "MAX_NESTED_ITEMS", "MAX_TEXT_CHARS", "SANGONG_ITEMS", "SOURCE_SUFFIXES", "Adjustment",
    "Amounts", "Annotation", "Approval", "Arranged", "Buildings", "Carryover", "Cover", "DepartmentYear", "Exclusion",
    "Execution", "Expenditure", "FundRow", "Goal", "Income", "Indicator", "Item", "Management", "Problem",
    "Post", "Project", "ProjectOutput", "PublicFunds", "Quantity", "Rectification", "Record", "Relation", "Sangong",
    "SelfScore", "SourceDocument", "SourceUnit", "SourceUnits", "Staffing", "StatedChange", "StatedCounts", "Unit",
    "UnitExpenditure", "UnitIncome", "Vehicles", "value_at",
    # schema 1
    "is_schema1", "migrate_record",
    # data files
    "MAX_FILE_BYTES", "Migration", "canonical", "check_place", "check_source", "department_path", "discover", "dump_record",
    "dump_yaml", "load_all", "load_department", "load_records", "migrate_file", "read_text", "read_yaml",
    "record_data", "source_path", "records_identical", "write_record", "write_yaml",
    # messages
    "chinese_message", "error_lines", "inner_model", "location_label", "schema_field", "validation_to_error",
    # facts
    "Facts", "ProjectFacts", "achieved", "compute", "indicator_met", "qualitative_met", "qualitative_unclear", "quantity_meets",
]
