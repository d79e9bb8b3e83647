"""Drafts as partial records: field paths, record order, and validity without invention.

A draft holds only what the report states. :func:`make_valid` makes it a valid
schema-2 record by *leaving out* every value the schema refuses (a score above
its weight, a text over the length limit …) — each with the reason — never by
filling anything in. Only identity (``code``, ``year``, ``unit.name``) cannot be
left out: :class:`MissingIdentity` says which the caller must supply.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from perfeval.model.messages import chinese_message as _chinese_message, location_label as _loc_label
from perfeval.model.schema import DepartmentYear

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
IDENTITY: dict[str, str] = {"code": "--code", "year": "--year", "unit.name": "--unit"}


class MissingIdentity(Exception):
    """The draft lacks identity the report does not give: the caller must supply it."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def split_path(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _PART.findall(path)]


def join_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def get_path(data: Any, path: str) -> Any:
    cur = data
    for part in split_path(path):
        if isinstance(part, int):
            if not isinstance(cur, list) or part >= len(cur):
                return None
            cur = cur[part]
        else:
            if not isinstance(cur, dict) or part not in cur:
                return None
            cur = cur[part]
    return cur


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = split_path(path)
    cur: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            while len(cur) <= part:
                cur.append({} if not isinstance(nxt, int) else [])
            cur = cur[part]
        else:
            if part not in cur or cur[part] is None:
                cur[part] = [] if isinstance(nxt, int) else {}
            cur = cur[part]
    last = parts[-1]
    if isinstance(last, int):
        while len(cur) <= last:
            cur.append(None)
    cur[last] = value


def delete_path(data: dict[str, Any], path: str) -> bool:
    parts = split_path(path)
    cur: Any = data
    for part in parts[:-1]:
        if isinstance(part, int):
            if not isinstance(cur, list) or part >= len(cur):
                return False
        elif not isinstance(cur, dict) or part not in cur:
            return False
        cur = cur[part]
    last = parts[-1]
    if isinstance(last, int):
        if isinstance(cur, list) and last < len(cur):
            del cur[last]
            return True
        return False
    if isinstance(cur, dict) and last in cur:
        del cur[last]
        return True
    return False


def prune(value: Any) -> Any:
    """Drop empty mappings, lists and None (a section with nothing found is left out, not written empty)."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [], None, "")}
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if v not in ({}, None)]
    return value


def ordered(value: Any, model: Any = DepartmentYear) -> Any:
    """Keys in the schema's field order (the order a person reads the record in)."""
    from pydantic import BaseModel

    from perfeval.model.messages import inner_model as _inner_model

    if isinstance(value, dict) and isinstance(model, type) and issubclass(model, BaseModel):
        fields = list(model.model_fields)
        rank = {k: i for i, k in enumerate(fields)}
        out: dict[str, Any] = {}
        for key in sorted(value, key=lambda k: rank.get(k, len(rank))):
            field = model.model_fields.get(key)
            inner = _inner_model(field.annotation) if field is not None else None
            out[key] = ordered(value[key], inner)
        return out
    if isinstance(value, list):
        return [ordered(v, model) for v in value]
    if isinstance(value, Decimal):
        return Decimal(str(value))  # a fresh object: a value shared by two fields must not become a YAML alias
    return value


def missing_identity(data: dict[str, Any]) -> dict[str, str]:
    return {path: option for path, option in IDENTITY.items() if get_path(data, path) in (None, "")}


def make_valid(data: dict[str, Any], max_rounds: int = 200) -> tuple[dict[str, Any], list[str]]:
    """A valid record from a draft by leaving out refused values; returns (data, what was left out)."""
    missing = missing_identity(data)
    if missing:
        raise MissingIdentity(missing)
    dropped: list[str] = []
    for _ in range(max_rounds):
        annotations = data.get("annotations") or {}
        for path in list(annotations):
            if get_path(data, path) is None:
                del annotations[path]
        if "annotations" in data and not annotations:
            del data["annotations"]
        data = prune(data)
        try:
            DepartmentYear.model_validate(data)
            return ordered(data), dropped
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        progress = False
        for err in errors:
            loc = tuple(err["loc"])
            path = join_path(loc)
            if not path:
                continue
            record, key, label = _loc_label(DepartmentYear, loc)
            if path in IDENTITY:
                raise MissingIdentity({path: IDENTITY[path]}) from None
            target = path
            # A required field of a list item (a project's name …): the item goes.
            if err.get("type") == "missing" and any(isinstance(p, int) for p in loc):
                last_index = max(i for i, p in enumerate(loc) if isinstance(p, int))
                target = join_path(loc[:last_index + 1])
            if delete_path(data, target):
                shown = f"{target}（{label}）" if label else target
                dropped.append(f"{shown}：{_chinese_message(err)}，已从草稿中略去")
                progress = True
                break  # paths shift when a list item goes: validate again
        if not progress:
            break
    DepartmentYear.model_validate(data)  # raises: a draft we cannot make valid is a bug
    return ordered(data), dropped
