"""Reading a framework leaf's raw YAML (rule parameters, input, checklist items) with precise errors.

A :class:`LeafReader` wraps one leaf indicator of a framework file. Rule shapes
(:mod:`perfeval.review.shapes`) use it to read and validate what they need;
every problem is a :class:`perfeval.errors.DataError` naming the file, the
indicator (``指标 A21 预算调整率``) and the field (``params.bands[1].bound``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from perfeval.errors import DataError
from perfeval.model.numbers import check_places
from perfeval.model.schema import MAX_TEXT_CHARS, no_control_characters
from perfeval.review.inputs import INPUTS, InputKind

#: Characters a one-line framework text (names, item names) must not contain.
FORBIDDEN_TEXT = ("|", "\n", "\r")
#: The largest magnitude a framework number may have (weights are at most 100; thresholds are percentages).
MAX_PARAMETER = Decimal(1_000_000)


def read_number(path: Path, value: Any, where: str, key: str, label: str, positive: bool = False,
                signed: bool = False) -> Decimal:
    """A number from a framework file (YAML int or Decimal), non-negative unless ``signed``, validated like
    data: finite, at most :data:`MAX_PARAMETER` in magnitude and :data:`~perfeval.model.numbers.MAX_PLACES`
    decimals (``1e-999999`` would be a million digits in the 评分标准 text)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise DataError(path, f"{label}应为数值，当前值 {shown} (not a number)", record=where, field=key, label=label)
    number = Decimal(value)
    if not number.is_finite() or (number < 0 and not signed) or (positive and number <= 0):
        raise DataError(path, f"{label}应为{'正数' if positive else '非负数'}，当前值 {_short(number)} (out of range)",
                        record=where, field=key, label=label)
    if abs(number) > MAX_PARAMETER:
        raise DataError(path, f"{label} {_short(number)} 超过上限 {MAX_PARAMETER}，请检查数值 (above the maximum)",
                        record=where, field=key, label=label)
    try:
        return check_places(number, label)
    except ValueError as exc:
        raise DataError(path, str(exc), record=where, field=key, label=label) from None


def read_text(path: Path, value: Any, where: str, key: str, label: str, one_line: bool = False) -> str:
    """A text of a framework file ("" when absent), validated like a data file's text: at most
    MAX_TEXT_CHARS characters, no invisible control or direction characters, one line when ``one_line``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DataError(path, f"{label}应为文本 (expected text)", record=where, field=key, label=label)
    if len(value) > MAX_TEXT_CHARS:
        raise DataError(path, f"文本过长：{len(value)} 个字符，上限 {MAX_TEXT_CHARS} 个字符 (text too long)",
                        record=where, field=key, label=label)
    try:
        no_control_characters(value)
    except ValueError as exc:
        raise DataError(path, str(exc), record=where, field=key, label=label) from None
    if one_line and any(ch in value for ch in FORBIDDEN_TEXT):
        raise DataError(path, f"{label}不能包含竖线或换行 (no '|' or line breaks)", record=where, field=key, label=label)
    return value.strip()


def _short(number: Decimal) -> str:
    text = str(number)
    return text if len(text) <= 30 else text[:27] + "..."


class LeafReader:
    """The raw mapping of one leaf indicator, read on behalf of its rule shape."""

    def __init__(self, path: Path, raw: dict[str, Any], where: str, rule: str) -> None:
        self.path = path
        self.raw = raw
        self.where = where          # "指标 A21 预算调整率"
        self.rule = rule
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            self.fail("params 应为键值结构 (params must be a mapping)", "params", "规则参数")
        self.params: dict[str, Any] = params

    # --- errors -------------------------------------------------------------------------------

    def fail(self, message: str, field: str = "", label: str = "") -> NoReturn:
        raise DataError(self.path, message, record=self.where, field=field, label=label)

    # --- input and items ------------------------------------------------------------------------

    def input_kind(self, name: Any, key: str = "input") -> InputKind:
        """Validate an input name (as written under ``key``) and return its kind."""
        if not isinstance(name, str) or not name:
            self.fail("缺少输入 (missing input)", key, "输入")
        if name not in INPUTS:
            self.fail(f"未知输入 {name!r}；可用：{', '.join(INPUTS)} (unknown input)", key, "输入")
        return INPUTS[name].kind

    def single_input(self, kinds: frozenset[str]) -> tuple[str, InputKind]:
        """The leaf's one ``input``, of one of ``kinds``; ``items`` are refused."""
        if self.raw.get("items") is not None:
            self.fail("只有 checklist 规则可以有 items (items only for checklist)", "items", "清单项")
        name = self.raw.get("input")
        kind = self.input_kind(name)
        if kind not in kinds:
            wanted = "数值型" if kinds == frozenset({"percent"}) else "、".join(sorted(kinds))
            self.fail(f"规则 {self.rule} 需要{wanted}输入 (rule {self.rule} needs a {'/'.join(sorted(kinds))} input)",
                      "input", "输入")
        return str(name), kind

    # --- parameters -----------------------------------------------------------------------------

    def allowed(self, *keys: str) -> None:
        extra = sorted(set(map(str, self.params)) - set(keys))
        if extra:
            self.fail(f"规则 {self.rule} 不认识参数 {', '.join(extra)} (unknown parameter)", f"params.{extra[0]}",
                      "规则参数")

    def need(self, key: str, label: str, positive: bool = False, signed: bool = False) -> Decimal:
        if key not in self.params:
            self.fail(f"规则 {self.rule} 需要参数 {key}（{label}）(missing parameter)", f"params.{key}", label)
        return self.number(self.params[key], f"params.{key}", label, positive, signed)

    def number(self, value: Any, key: str, label: str, positive: bool = False, signed: bool = False) -> Decimal:
        return read_number(self.path, value, self.where, key, label, positive, signed)

    def text(self, value: Any, key: str, label: str) -> str:
        return read_text(self.path, value, self.where, key, label, one_line=True)

    def choice(self, key: str, options: tuple[str, ...], label: str) -> str:
        """A parameter that must be one of ``options`` (the first is the default)."""
        value = self.params.get(key, options[0])
        if value not in options:
            self.fail(f"{key} 只能是 {' 或 '.join(options)}，当前值 {value!r}", f"params.{key}", label)
        return str(value)
