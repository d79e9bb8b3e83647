"""``perfeval migrate``: turn data files of the first layout (2024, schema 1) into the form-shaped layout.

Schema 1 had required sections with single amounts (``income.total``, ``expenditure.basic.total``,
``approved_budget``, ``sangong.budget/actual/previous_actual``, ``execution.declared_adjustment_rate``).
The current layout keeps every money line as a row with columns (上年决算 / 本年预算 / 调整后预算 /
本年决算), see :mod:`perfeval.model.schema`. The migration moves every value to its new place and
invents nothing: a value that schema 1 did not hold stays absent. A file may already hold some sections of
the new layout (``adjustment`` with its exclusions, ``approval``, a row of ``income``): what the migration
derives is merged into them, and a value it would have to replace by a different one stops it
(:class:`MigrationConflict`): a migration never loses a value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class MigrationConflict(ValueError):
    """The old layout gives a value that the file's own new-layout section states differently."""

    def __init__(self, path: str, kept: Any, derived: Any) -> None:
        self.path = path
        super().__init__(f"旧格式的数据转换到 {path} 时为 {_shown(derived)}，而文件中已有的 {path} 为 {_shown(kept)}，"
                         "两者不一致，无法自动转换；请先手工合并为一个值，文件未改动 "
                         f"(cannot migrate: {path} is given twice with different values)")


def _shown(value: Any) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _same(a: Any, b: Any) -> bool:
    """Equal values, Decimals with the same text (1595.3 and 1595.30 are two spellings)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b and str(a) == str(b)


def _merge(target: dict[str, Any], key: str, value: Any, path: str = "") -> None:
    """Put ``value`` at ``target[key]``; mappings are merged key by key, and an existing different value
    raises :class:`MigrationConflict` (nothing is replaced)."""
    where = f"{path}.{key}" if path else key
    if key not in target:
        target[key] = value
    elif isinstance(target[key], dict) and isinstance(value, dict):
        merged = dict(target[key])
        for inner, item in value.items():
            _merge(merged, inner, item, where)
        target[key] = merged
    elif not _same(target[key], value):
        raise MigrationConflict(where, target[key], value)

#: Keys that only schema 1 has at the top level or inside its sections.
_V1_MARKERS = ("approved_budget",)


def is_schema1(data: dict[str, Any]) -> bool:
    """Whether a parsed data file is in the first layout."""
    if any(key in data for key in _V1_MARKERS):
        return True
    sangong = data.get("sangong")
    if isinstance(sangong, dict) and ("actual" in sangong and isinstance(sangong["actual"], dict)):
        return True
    income = data.get("income")
    if isinstance(income, dict) and ("initial_budget" in income or "adjustment" in income):
        return True
    expenditure = data.get("expenditure")
    basic = expenditure.get("basic") if isinstance(expenditure, dict) else None
    return isinstance(basic, dict) and bool({"total", "personnel", "public"} & set(basic))


def _row(**columns: Any) -> dict[str, Any] | None:
    row = {k: v for k, v in columns.items() if v is not None}
    return row or None


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != {} and value != []:
        _merge(target, key, value)


def migrate_record(data: dict[str, Any]) -> dict[str, Any]:
    """The same record in the current layout (a new dict; ``data`` is not changed).

    Raises :class:`MigrationConflict` when a value would have to replace a different one."""
    if not is_schema1(data):
        return dict(data)
    out: dict[str, Any] = {}
    v1_income = dict(data.get("income") or {})
    v1_exp = dict(data.get("expenditure") or {})
    v1_basic = dict(v1_exp.get("basic") or {})
    v1_app = dict(data.get("approved_budget") or {})
    v1_app_basic = dict(v1_app.get("basic") or {})
    v1_exec = dict(data.get("execution") or {})
    for key, value in data.items():
        if key in ("income", "expenditure", "approved_budget", "sangong", "execution"):
            continue
        out[key] = value

    income: dict[str, Any] = {}
    # Schema 1 held 年初预算拨款 (income.initial_budget) and the 批复 财政预算拨款 (approved_budget.fiscal):
    # both are the budget column of the appropriation row; when they differ the second one is kept as a note.
    initial, fiscal = v1_income.get("initial_budget"), v1_app.get("fiscal")
    _put(income, "total", _row(budget=v1_app.get("income_total")))
    _put(income, "appropriation", _row(budget=initial if initial is not None else fiscal,
                                       actual=v1_income.get("total")))
    _put(income, "special_account", _row(budget=v1_app.get("non_tax")))
    _put(income, "other", _row(budget=v1_app.get("other")))
    if initial is not None and fiscal is not None and initial != fiscal:
        _merge(out, "annotations", {"income.appropriation.budget": {"note": f"原数据另记批复财政预算拨款 {fiscal} 万元"}})
    _put(out, "income", income)

    adjustment: dict[str, Any] = {}
    _put(adjustment, "amount", v1_income.get("adjustment"))
    if v1_income.get("adjustment_purpose"):
        adjustment["purpose"] = v1_income["adjustment_purpose"]
    _put(adjustment, "declared_rate", v1_exec.get("declared_adjustment_rate"))
    if v1_exec.get("adjustment_explanation"):
        adjustment["explanation"] = v1_exec["adjustment_explanation"]
    _put(out, "adjustment", adjustment)

    expenditure: dict[str, Any] = {}
    _put(expenditure, "total", _row(budget=v1_app.get("expenditure_total"), actual=v1_exp.get("total")))
    _put(expenditure, "basic", _row(budget=v1_app_basic.get("total"), actual=v1_basic.get("total")))
    _put(expenditure, "personnel", _row(budget=v1_app_basic.get("personnel"), actual=v1_basic.get("personnel")))
    _put(expenditure, "public", _row(budget=v1_app_basic.get("goods_services"), actual=v1_basic.get("public")))
    _put(expenditure, "project", _row(budget=v1_app.get("project"), actual=v1_exp.get("project")))
    _put(out, "expenditure", expenditure)

    approval: dict[str, Any] = {}
    for key in ("approver", "year_as_written", "project_note"):
        if v1_app.get(key) not in (None, ""):
            approval[key] = v1_app[key]
    _put(out, "approval", approval)

    v1_sg = dict(data.get("sangong") or {})
    if v1_sg:
        budget = dict(v1_sg.get("budget") or {})
        actual = dict(v1_sg.get("actual") or {})
        previous = dict(v1_sg.get("previous_actual") or {})
        sangong: dict[str, Any] = {}
        for key in ("total", "overseas", "vehicle_purchase", "vehicle_operation", "reception"):
            _put(sangong, key, _row(previous=previous.get(key), budget=budget.get(key), actual=actual.get(key)))
        _put(out, "sangong", sangong)

    execution = {k: v for k, v in v1_exec.items()
                 if k not in ("declared_adjustment_rate", "adjustment_explanation") and v not in (None, "")}
    _put(out, "execution", execution)
    _carry_unknown_keys(data, out)
    return _ordered(out)


#: The keys schema 1 had inside the sections that move (section path → keys).
_V1_KEYS: dict[tuple[str, ...], frozenset[str]] = {
    ("income",): frozenset({"total", "initial_budget", "adjustment", "adjustment_purpose"}),
    ("expenditure",): frozenset({"total", "basic", "project"}),
    ("expenditure", "basic"): frozenset({"total", "personnel", "public"}),
    ("approved_budget",): frozenset({"approver", "year_as_written", "income_total", "fiscal", "non_tax", "other",
                                     "expenditure_total", "basic", "project", "project_note"}),
    ("approved_budget", "basic"): frozenset({"total", "personnel", "goods_services"}),
    ("sangong",): frozenset({"budget", "actual", "previous_actual"}),
    ("sangong", "budget"): frozenset({"total", "overseas", "vehicle_purchase", "vehicle_operation", "reception"}),
    ("sangong", "actual"): frozenset({"total", "overseas", "vehicle_purchase", "vehicle_operation", "reception"}),
    ("sangong", "previous_actual"): frozenset({"total", "overseas", "vehicle_purchase", "vehicle_operation",
                                               "reception"}),
}
#: Where a section's content lives in schema 2 (an unknown key found in it is put there).
_V2_PLACE: dict[tuple[str, ...], tuple[str, ...]] = {
    ("approved_budget",): ("approval",), ("approved_budget", "basic"): ("approval",),
    ("sangong", "budget"): ("sangong",), ("sangong", "actual"): ("sangong",),
    ("sangong", "previous_actual"): ("sangong",),
}


def _carry_unknown_keys(data: dict[str, Any], out: dict[str, Any]) -> None:
    """A key schema 1 did not know (a typo such as ``totl``) is put where validation reports it as unknown,
    never dropped silently."""
    for section, known in _V1_KEYS.items():
        value: Any = data
        for part in section:
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            continue
        for key in value:
            if key in known:
                continue
            place = _V2_PLACE.get(section, section)
            nested: Any = {key: value[key]}
            for part in reversed(place[1:]):
                nested = {part: nested}
            _merge(out, place[0], nested)


_ORDER = ("code", "year", "demo", "title", "unit", "cover", "staffing", "duties", "long_term_plan", "annual_plan",
          "goals", "income", "income_by_unit", "adjustment", "expenditure", "expenditure_by_unit", "approval",
          "sangong", "public_funds", "procurement", "basic_budget_adjustment", "buildings", "carryover",
          "execution", "management", "self_scores", "self_score_total", "self_grade", "self_funds", "projects",
          "problems", "other_notes", "stated_changes", "annotations")


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    rank = {key: i for i, key in enumerate(_ORDER)}
    return dict(sorted(data.items(), key=lambda kv: rank.get(kv[0], len(rank))))
