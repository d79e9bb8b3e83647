"""Reading department-year data files: safe YAML, exact numbers, precise errors."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from perfeval.errors import DataError, UsageError
from perfeval.model.schema import CODE_PATTERN, DepartmentYear

MAX_FILE_BYTES = 2_000_000


class _DecimalSafeLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML floats as Decimal from their exact text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan",):
        return Decimal("NaN")
    if lowered in (".inf", "+.inf"):
        return Decimal("Infinity")
    if lowered == "-.inf":
        return Decimal("-Infinity")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - YAML's resolver only hands valid floats
        raise yaml.constructor.ConstructorError(None, None, f"bad number {text!r}", node.start_mark) from exc


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """YAML dates such as 2025-02-30 match the date pattern but do not exist (PyYAML raises ValueError)."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        # Kept as text: the schema's date field then names the record and field ("日期「…」不存在").
        return str(node.value)


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

#: Limits against YAML alias bombs ("billion laughs"): aliases in one file, and nodes after expanding them.
MAX_ALIASES = 200
MAX_EXPANDED_NODES = 200_000


class _AliasBomb(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class _LimitedLoader(_DecimalSafeLoader):
    """Counts aliases while composing, so that a bomb is refused before anything is expanded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _AliasBomb(f"YAML 别名（*引用）超过 {MAX_ALIASES} 个，拒绝展开 (too many aliases)",
                                 mark.line + 1)
        return super().compose_node(parent, index)


def _expanded_size(root: yaml.Node) -> int:
    """The number of nodes once every alias is expanded (shared nodes counted at each use), bounded."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _AliasBomb("YAML 别名引用了自身（循环引用）(recursive alias)", node.start_mark.line + 1)
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise _AliasBomb(f"YAML 别名展开后超过 {MAX_EXPANDED_NODES} 个节点，拒绝展开 "
                                 "(alias expansion too large)", node.start_mark.line + 1)
        active.discard(key)
        sizes[key] = total
        return total

    return size(root)


def read_text(path: Path) -> str:
    """Read a text file: UTF-8 (with or without BOM); GB18030 when it is not UTF-8."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(path, "文件是 UTF-16 编码，请另存为 UTF-8 (UTF-16 is not supported: save as UTF-8)")
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(path, f"文件过大（{len(raw)} 字节，上限 {MAX_FILE_BYTES}）(file too large)")
    if not raw.strip():
        raise DataError(path, "文件为空 (empty file)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"无法识别文件编码，请另存为 UTF-8 (not UTF-8 or GB18030: byte {exc.start})") from None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file safely (no object construction, numbers as Decimal)."""
    text = read_text(path)
    loader = _LimitedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node)
        data = loader.construct_document(node) if node is not None else None
    except _AliasBomb as exc:
        where = f"第 {exc.line} 行附近：" if exc.line else ""
        raise DataError(path, f"{where}{exc}") from None
    except RecursionError:
        raise DataError(path, "YAML 嵌套层级过深 (nesting too deep)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise DataError(path, f"YAML 格式错误 {line}：{exc.problem} (malformed YAML)") from None
    except yaml.YAMLError as exc:
        raise DataError(path, f"YAML 格式错误：{exc} (malformed YAML)") from None
    finally:
        loader.dispose()
    if data is None:
        raise DataError(path, "文件为空 (empty file)")
    return data


def _loc_label(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, str, str]:
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
        current = _inner_model(field.annotation)
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


def _inner_model(annotation: Any) -> Any:
    """Find the BaseModel class inside Optional[...] / list[...] annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validation_to_error(path: Path, model: type[BaseModel], exc: ValidationError) -> DataError:
    """Turn the first pydantic error into a DataError naming file, record and field.

    An unknown key is reported before anything else (a misspelt key also makes the intended one
    "missing"); when a key of the same record is missing, it is suggested.
    """
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: e.get("type") != "extra_forbidden")   # stable: otherwise pydantic's order
    first = errors[0]
    record, key, label = _loc_label(model, tuple(first["loc"]))
    message = _chinese_message(first)
    if first.get("type") == "extra_forbidden":
        loc = tuple(first["loc"])
        missing = [e for e in errors if e.get("type") == "missing" and tuple(e["loc"])[:-1] == loc[:-1]]
        if missing:
            _, mkey, mlabel = _loc_label(model, tuple(missing[0]["loc"]))
            message += f"；是否应为 {mkey}（{mlabel}）？ (did you mean {mkey}?)"
    more = f"（另有 {len(errors) - 1} 处错误）" if len(errors) > 1 else ""
    return DataError(path, message + more, record=record, field=key, label=label)


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
    "string_pattern_mismatch": "格式不符 (does not match the required pattern)",
    "literal_error": "取值不在允许范围内 (value not allowed)",
    "finite_number": "必须是有限数值 (must be a finite number)",
    "string_too_short": "不能为空 (must not be empty)",
    "too_short": "不能为空 (must not be empty)",
    "string_too_long": "文本过长 (text too long)",
}


def _chinese_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    base = _MESSAGES.get(kind, str(err.get("msg", kind)))
    if kind in ("missing", "extra_forbidden"):
        return base
    value = err.get("input")
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == CODE_PATTERN:
        base = "格式不符：部门代码只能使用小写字母、数字和连字符，如 xiangtan-minzheng (lowercase ASCII letters, digits, hyphens)"
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


def load_department(path: Path) -> DepartmentYear:
    """Load and validate one department-year file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "文件不存在 (file not found)")
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "顶层应为键值结构 (top level must be a mapping)")
    try:
        record = DepartmentYear.model_validate(data)
    except ValidationError as exc:
        raise validation_to_error(path, DepartmentYear, exc) from None
    expected = f"{record.code}.yaml"
    if path.name != expected:
        raise DataError(path, f"文件名应为 {expected}，与部门代码一致 (file name must match code)", field="code", label="部门代码")
    if path.parent.name.isdigit() and int(path.parent.name) != record.year:
        raise DataError(path, f"评价年度 {record.year} 与所在目录 {path.parent.name} 不一致 (year does not match folder)",
                        field="year", label="评价年度")
    return record


def department_path(data_dir: Path, code: str, year: int) -> Path:
    """``data_dir/<year>/<code>.yaml``; a code that is not lowercase ASCII/digits/hyphens is refused
    (it could name a file outside the data folder, e.g. ``../x``)."""
    if not re.fullmatch(CODE_PATTERN, str(code)):
        raise UsageError(f"部门代码 {code!r} 不合法：只能使用小写字母、数字和连字符 (invalid department code)")
    return Path(data_dir) / str(year) / f"{code}.yaml"


def discover(data_dir: Path) -> Iterator[Path]:
    """All department-year files under ``data_dir/<year>/<code>.yaml``, sorted."""
    data_dir = Path(data_dir)
    for year_dir in sorted(p for p in data_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        yield from sorted(year_dir.glob("*.yaml"))


def load_all(data_dir: Path) -> list[DepartmentYear]:
    """Load every department-year; duplicate (code, year) pairs are an error."""
    records: list[DepartmentYear] = []
    seen: dict[tuple[str, int], Path] = {}
    for path in discover(data_dir):
        rec = load_department(path)
        key = (rec.code, rec.year)
        if key in seen:
            raise DataError(path, f"部门代码 {rec.code} 在 {rec.year} 年重复（另见 {seen[key]}）(duplicate code)",
                            field="code", label="部门代码")
        seen[key] = path
        records.append(rec)
    return records


def load_records(data_dirs: Iterable[Path | str]) -> list[tuple[DepartmentYear, Path]]:
    """Load every department-year of several data folders, each with the folder it came from.

    A missing folder is an error; (code, year) must be unique across the folders.
    """
    out: list[tuple[DepartmentYear, Path]] = []
    seen: dict[tuple[str, int], Path] = {}
    for data_dir in map(Path, data_dirs):
        if not data_dir.is_dir():
            raise DataError(data_dir, "数据目录不存在 (data directory not found)")
        for rec in load_all(data_dir):
            key = (rec.code, rec.year)
            path = department_path(data_dir, rec.code, rec.year)
            if key in seen:
                raise DataError(path, f"部门代码 {rec.code} 在 {rec.year} 年重复（另见 {seen[key]}）(duplicate code)",
                                field="code", label="部门代码")
            seen[key] = path
            out.append((rec, data_dir))
    return out
