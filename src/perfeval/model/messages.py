"""Validation messages: pydantic errors in Chinese, naming the record, the field key and its label.

Every reader of records (YAML data files, Excel workbooks, report drafts) turns a
``pydantic.ValidationError`` into the same words through this module.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence, get_args

from pydantic import BaseModel, ValidationError

from perfeval.errors import DataError
from perfeval.model.schema import CODE_PATTERN, DepartmentYear


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel class inside an annotation such as ``Optional[X]`` or ``list[X]`` (None if there is none)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def schema_field(path: Sequence[str | int], model: type[BaseModel] = DepartmentYear) -> tuple[str, bool]:
    """(Chinese title, required all the way down) of the field at ``path``; list indexes are skipped."""
    current: type[BaseModel] | None = model
    title = ""
    required = True
    for part in path:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return (title or str(part)), False
        info = current.model_fields[part]
        title = info.title or part
        required = required and info.is_required()
        current = inner_model(info.annotation)
    return title, required


def location_label(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, str, str]:
    """Split a pydantic error location into (record path, field key, Chinese label)."""
    labels: list[str] = []
    current: Any = model
    keys: list[str] = []
    for part in loc:
        if isinstance(part, int):
            keys.append(f"[{part}]")
            continue
        keys.append(("." if keys else "") + str(part))
        field = None
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
        if field is None:
            current = None
            labels.append("")   # not a field of the record (an unknown key): no label
            continue
        labels.append(field.title or str(part))
        current = inner_model(field.annotation)
    path = "".join(keys)
    if loc and isinstance(loc[-1], int) and current is None and labels:
        # An item of a list of plain values (e.g. duties[3]): the field is the list, with its index.
        return "", path, labels[-1]
    if loc and isinstance(loc[-1], int):
        # The error is about a whole list item (a model-level rule): the item is the record.
        return path, "", ""
    # Record = everything before the last key; field = the last key.
    if "." in path:
        record, key = path.rsplit(".", 1)
    else:
        record, key = "", path
    return record, key, (labels[-1] if labels else "")


_MESSAGES = {
    "missing": "缺少必填字段 (missing required field)",
    "extra_forbidden": "未知字段，请检查拼写 (unknown field)",
    "decimal_parsing": "不是有效数值 (not a number)",
    "decimal_type": "不是有效数值 (not a number)",
    "int_parsing": "不是有效整数 (not an integer)",
    "int_type": "不是有效整数 (not an integer)",
    "string_type": "应为文本 (expected text)",
    "list_type": "应为列表 (expected a list)",
    "model_type": "应为键值结构 (expected a mapping)",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
    "date_parsing": "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
    "date_type": "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
    "greater_than_equal": "不能为负数或小于下限 (below the minimum)",
    "less_than_equal": "超过上限，请检查数值或单位 (above the maximum)",
    "int_from_float": "不是有效整数 (not an integer)",
    "bool_parsing": "应为 true 或 false (expected true or false)",
    "bool_type": "应为 true 或 false (expected true or false)",
    "dict_type": "应为键值结构 (expected a mapping)",
    "string_pattern_mismatch": "格式不符 (does not match the required pattern)",
    "literal_error": "取值不在允许范围内 (value not allowed)",
    "finite_number": "必须是有限数值 (must be a finite number)",
    "string_too_short": "不能为空 (must not be empty)",
    "too_short": "不能为空 (must not be empty)",
    "string_too_long": "文本过长 (text too long)",
}


def chinese_message(err: dict[str, Any]) -> str:
    """The Chinese message (with an English gloss) of one pydantic error, quoting the value briefly."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    base = _MESSAGES.get(kind, str(err.get("msg", kind)))
    if kind in ("missing", "extra_forbidden"):
        return base
    value = err.get("input")
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == CODE_PATTERN:
        base = "格式不符：部门代码只能使用小写字母、数字和连字符，如 xiangtan-minzheng (lowercase ASCII letters, digits, hyphens)"
    if kind == "less_than_equal" and (err.get("ctx") or {}).get("le") is not None:
        limit = str(err["ctx"]["le"])   # pydantic gives the bound as its repr: "Decimal('100000000000')"
        limit = limit.removeprefix("Decimal('").removesuffix("')")
        base = f"超过上限 {limit}，请检查数值或单位 (above the maximum)"
    if kind == "too_long" and isinstance(value, (list, dict)):
        limit = (err.get("ctx") or {}).get("max_length")
        return f"条目过多：{len(value)} 条，上限 {limit} 条 (too many items: {len(value)} > {limit})"
    if kind == "string_too_long" and isinstance(value, str):
        limit = (err.get("ctx") or {}).get("max_length")
        return f"文本过长：{len(value)} 个字符，上限 {limit} 个字符 (text too long: {len(value)} > {limit})"
    if isinstance(value, Decimal):
        shown = format(value, "f")
    else:
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{base}，当前值 {shown}"


def _close_field(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, str] | None:
    """(key, label) of the field of the record at ``loc[:-1]`` closest in spelling to the unknown key ``loc[-1]``."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(str(part))
        current = inner_model(info.annotation) if info is not None else None
    if current is None:
        return None
    close = difflib.get_close_matches(str(loc[-1]), list(current.model_fields), n=1, cutoff=0.75)
    if not close:
        return None
    return close[0], current.model_fields[close[0]].title or close[0]


def error_lines(model: type[BaseModel], exc: ValidationError) -> list[str]:
    """One line per error: ``record.field（label）：message`` (for drafts, which list them all)."""
    out: list[str] = []
    for err in exc.errors(include_url=False):
        record, key, label = location_label(model, tuple(err["loc"]))
        where = ".".join(p for p in (record, key) if p)
        out.append(f"{where}（{label}）：{chinese_message(err)}" if label else f"{where}：{chinese_message(err)}")
    return out


def validation_to_error(path: Path, model: type[BaseModel], exc: ValidationError) -> DataError:
    """Turn the first pydantic error into a DataError naming file, record and field.

    An unknown key is reported before anything else (a misspelt key also makes the intended one
    "missing"); when a key of the same record is missing, it is suggested.
    """
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: e.get("type") != "extra_forbidden")   # stable: otherwise pydantic's order
    first = errors[0]
    record, key, label = location_label(model, tuple(first["loc"]))
    message = chinese_message(first)
    if first.get("type") == "extra_forbidden":
        loc = tuple(first["loc"])
        missing = [e for e in errors if e.get("type") == "missing" and tuple(e["loc"])[:-1] == loc[:-1]]
        if missing:
            _, mkey, mlabel = location_label(model, tuple(missing[0]["loc"]))
            message += f"；是否应为 {mkey}（{mlabel}）？ (did you mean {mkey}?)"
        else:
            suggestion = _close_field(model, loc)
            if suggestion is not None:
                message += f"；是否应为 {suggestion[0]}（{suggestion[1]}）？ (did you mean {suggestion[0]}?)"
    more = f"（另有 {len(errors) - 1} 处错误）" if len(errors) > 1 else ""
    return DataError(path, message + more, record=record, field=key, label=label)
