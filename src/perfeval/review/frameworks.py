"""Indicator frameworks (指标体系) as data: loading and validation.

A framework file ``data/frameworks/<name>.yaml`` describes the indicator tree
(level 1, 2, 3): each indicator's code, Chinese name, weight (分值), and for a
leaf its rule, input and rule parameters. Loading validates everything and
raises :class:`perfeval.errors.DataError` naming the file and the indicator:
weights of children sum to their parent and level-1 weights to 100, every rule
and input exists, parameters fit the rule.

File shape::

    name: xiangtan-2024            # must equal the file name
    title: 湘潭市部门整体支出绩效评价指标体系（2024）
    jurisdiction: 湘潭市
    year: 2024
    description: 说明（评价方法页显示）
    indicators:
      - code: A
        name: 预算执行
        weight: 30
        children:
          - code: A1
            name: 预算执行进度
            weight: 12
            children:
              - code: A11
                name: 预算执行率
                weight: 6
                rule: proportional        # see perfeval.rules.RULE_LABELS
                input: execution_rate     # see perfeval.scoring.INPUTS
                params: {target: 100}
                missing: zero             # zero (default) or na: no data → not applicable
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Literal

from perfeval.review import rules
from perfeval.errors import DataError
from perfeval.model.numbers import HUNDRED, trimmed
from perfeval.model import read_yaml
from perfeval.review.scoring import INPUTS

DEFAULT_FRAMEWORK = "xiangtan-2024"
MAX_LEVEL = 3
_TOP_KEYS = {"name", "title", "jurisdiction", "year", "description", "indicators"}
_NODE_KEYS = {"code", "name", "weight", "children", "rule", "input", "params", "items", "missing", "criteria"}
_FORBIDDEN_TEXT = ("|", "\n", "\r")


@dataclass(frozen=True)
class ChecklistItem:
    name: str
    input: str
    points: Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    level: int
    weight: Decimal
    parent: str | None = None
    rule: str | None = None             # None for a parent indicator
    input: str | None = None            # None for a parent or a checklist
    params: dict[str, Any] = field(default_factory=dict)
    items: tuple[ChecklistItem, ...] = ()
    missing: Literal["zero", "na"] = "zero"
    criteria: str = ""                  # 评分标准 as shown to readers
    children: tuple["IndicatorSpec", ...] = ()

    def inputs(self) -> list[str]:
        if self.rule == "checklist":
            return [item.input for item in self.items]
        return [self.input] if self.input else []


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    description: str
    indicators: tuple[IndicatorSpec, ...]   # level 1
    jurisdiction: str = ""
    year: int | None = None
    path: Path | None = None

    def walk(self) -> Iterator[IndicatorSpec]:
        """All indicators in pre-order (level 1, its level 2, their level 3 …)."""
        def visit(node: IndicatorSpec) -> Iterator[IndicatorSpec]:
            yield node
            for child in node.children:
                yield from visit(child)
        for top in self.indicators:
            yield from visit(top)

    def leaves(self) -> list[IndicatorSpec]:
        return [n for n in self.walk() if n.rule is not None]

    def find(self, code: str) -> IndicatorSpec:
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)


# --- loading ----------------------------------------------------------------------------------

def frameworks_dir(data_dir: Path | str = "data") -> Path:
    return Path(data_dir) / "frameworks"


def framework_path(name: str, data_dir: Path | str = "data") -> Path:
    """The file of a named framework, or ``name`` itself when it is a path to a .yaml file."""
    if name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name:
        return Path(name)
    return frameworks_dir(data_dir) / f"{name}.yaml"


def resolve_framework(name_or_path: str | Path, data_dir: Path | str = "data") -> Path:
    """The ONE framework resolver: a name (looked up in ``<data_dir>/frameworks``) or a path to a .yaml file.

    Called once, where the user names the framework (the CLI); everything downstream receives the path.
    A framework that does not exist is a DataError listing the available names.
    """
    path = framework_path(str(name_or_path), data_dir)
    if not path.is_file():
        known = available(data_dir)
        hint = f"；可用：{'、'.join(known)}" if known else ""
        raise DataError(path, f"指标体系文件不存在{hint} (framework not found)")
    return path


def available(data_dir: Path | str = "data") -> list[str]:
    folder = frameworks_dir(data_dir)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_named(name: str = DEFAULT_FRAMEWORK, data_dir: Path | str = "data") -> Framework:
    """Load a framework by name (from ``<data_dir>/frameworks``) or by path."""
    return load_framework(resolve_framework(name, data_dir))


def load_framework(path: Path | str) -> Framework:
    """Load and validate one framework file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "指标体系文件不存在 (framework not found)")
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "顶层应为键值结构 (top level must be a mapping)")
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise DataError(path, f"未知字段 {', '.join(unknown)}，请检查拼写 (unknown field)", field=unknown[0])
    name = _text(path, data, "name", "", "指标体系名称")
    if name != path.stem:
        raise DataError(path, f"指标体系名称 {name} 应与文件名 {path.stem} 一致 (name must match file name)",
                        field="name", label="指标体系名称")
    title = _text(path, data, "title", "", "指标体系标题")
    description = str(data.get("description") or "").strip()
    jurisdiction = str(data.get("jurisdiction") or "").strip()
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise DataError(path, f"年度应为整数，当前值 {year!r} (year must be an integer)", field="year", label="年度")
    raw_nodes = data.get("indicators")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise DataError(path, "缺少一级指标列表 (indicators must be a non-empty list)", field="indicators",
                        label="指标")
    seen: set[str] = set()
    tops = tuple(_node(path, raw, 1, None, seen, f"indicators[{i}]") for i, raw in enumerate(raw_nodes))
    total = sum((t.weight for t in tops), Decimal(0))
    if total != HUNDRED:
        listing = " + ".join(f"{t.name} {trimmed(t.weight)}" for t in tops)
        raise DataError(path, f"一级指标分值合计 {trimmed(total)}（{listing}），应为 100 (level-1 weights must sum to 100)",
                        record="indicators", field="weight", label="分值")
    return Framework(name=name, title=title, description=description, indicators=tops,
                     jurisdiction=jurisdiction, year=year, path=path)


def _where(code: str, name: str) -> str:
    return f"指标 {code} {name}".strip()


def _text(path: Path, raw: dict[str, Any], key: str, where: str, label: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(path, f"缺少{label}或不是文本 (missing or not text)", record=where, field=key, label=label)
    value = value.strip()
    if any(ch in value for ch in _FORBIDDEN_TEXT):
        raise DataError(path, f"{label}不能包含竖线或换行 (no '|' or line breaks)", record=where, field=key, label=label)
    return value


def _number(path: Path, value: Any, where: str, key: str, label: str, positive: bool = False,
            signed: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise DataError(path, f"{label}应为数值，当前值 {value!r} (not a number)", record=where, field=key, label=label)
    number = Decimal(value)
    if not number.is_finite() or (number < 0 and not signed) or (positive and number <= 0):
        raise DataError(path, f"{label}应为{'正数' if positive else '非负数'}，当前值 {value} (out of range)",
                        record=where, field=key, label=label)
    return number


def _node(path: Path, raw: Any, level: int, parent: str | None, seen: set[str], loc: str) -> IndicatorSpec:
    if not isinstance(raw, dict):
        raise DataError(path, "指标应为键值结构 (indicator must be a mapping)", record=loc)
    code = raw.get("code")
    code_text = str(code).strip() if code is not None else ""
    name_guess = str(raw.get("name") or "").strip()
    where = _where(code_text, name_guess) if code_text else loc
    code_text = _text(path, {"code": code_text}, "code", loc, "指标代码")
    name = _text(path, raw, "name", where, "指标名称")
    where = _where(code_text, name)
    unknown = sorted(set(map(str, raw)) - _NODE_KEYS)
    if unknown:
        raise DataError(path, f"未知字段 {', '.join(unknown)}，请检查拼写 (unknown field)", record=where, field=unknown[0])
    if code_text in seen:
        raise DataError(path, f"指标代码 {code_text} 重复 (duplicate code)", record=where, field="code", label="指标代码")
    seen.add(code_text)
    if level > MAX_LEVEL:
        raise DataError(path, f"指标层级超过 {MAX_LEVEL} 级 (at most {MAX_LEVEL} levels)", record=where)
    weight = _number(path, raw.get("weight"), where, "weight", "分值", positive=True)
    criteria = str(raw.get("criteria") or "").strip()
    children_raw = raw.get("children")
    rule = raw.get("rule")
    if children_raw is not None:
        if rule is not None or raw.get("input") is not None:
            raise DataError(path, "有下级指标的指标不能再设评分规则或输入 (a parent has no rule)", record=where,
                            field="rule", label="评分规则")
        if not isinstance(children_raw, list) or not children_raw:
            raise DataError(path, "下级指标应为非空列表 (children must be a non-empty list)", record=where,
                            field="children", label="下级指标")
        children = tuple(_node(path, c, level + 1, code_text, seen, f"{where} children[{i}]")
                         for i, c in enumerate(children_raw))
        total = sum((c.weight for c in children), Decimal(0))
        if total != weight:
            listing = " + ".join(f"{c.name} {trimmed(c.weight)}" for c in children)
            raise DataError(path, f"下级指标分值合计 {trimmed(total)}（{listing}），与本指标分值 {trimmed(weight)} 不符 "
                                  "(children's weights must sum to the parent)",
                            record=where, field="weight", label="分值")
        return IndicatorSpec(code=code_text, name=name, level=level, weight=weight, parent=parent,
                             criteria=criteria, children=children)
    return _leaf(path, raw, code_text, name, level, weight, parent, criteria, where)


def _leaf(path: Path, raw: dict[str, Any], code: str, name: str, level: int, weight: Decimal,
          parent: str | None, criteria: str, where: str) -> IndicatorSpec:
    rule = raw.get("rule")
    if rule is None:
        raise DataError(path, "末级指标缺少评分规则 (a leaf needs a rule)", record=where, field="rule", label="评分规则")
    if rule not in rules.RULE_LABELS:
        raise DataError(path, f"未知评分规则 {rule!r}；可用：{', '.join(rules.RULE_LABELS)} (unknown rule)",
                        record=where, field="rule", label="评分规则")
    missing = raw.get("missing", "zero")
    if missing not in ("zero", "na"):
        raise DataError(path, f"missing 只能是 zero 或 na，当前值 {missing!r} (missing must be zero or na)",
                        record=where, field="missing", label="无数据时")
    params_raw = raw.get("params") or {}
    if not isinstance(params_raw, dict):
        raise DataError(path, "params 应为键值结构 (params must be a mapping)", record=where, field="params",
                        label="规则参数")
    items: tuple[ChecklistItem, ...] = ()
    input_name: str | None = None
    if rule == "checklist":
        if raw.get("input") is not None:
            raise DataError(path, "是否项清单的输入写在各项 items 中 (checklist inputs go in items)",
                            record=where, field="input", label="输入")
        items = _items(path, raw.get("items"), weight, where)
        params: dict[str, Any] = {}
    else:
        if raw.get("items") is not None:
            raise DataError(path, "只有 checklist 规则可以有 items (items only for checklist)", record=where,
                            field="items", label="清单项")
        input_name = raw.get("input")
        kind = _input_kind(path, input_name, where, "input")
        params = _params(path, str(rule), params_raw, weight, kind, where)
    return IndicatorSpec(code=code, name=name, level=level, weight=weight, parent=parent, rule=str(rule),
                         input=input_name, params=params, items=items, missing=missing, criteria=criteria)


def _input_kind(path: Path, input_name: Any, where: str, key: str) -> str:
    if not isinstance(input_name, str) or not input_name:
        raise DataError(path, "缺少输入 (missing input)", record=where, field=key, label="输入")
    if input_name not in INPUTS:
        raise DataError(path, f"未知输入 {input_name!r}；可用：{', '.join(INPUTS)} (unknown input)",
                        record=where, field=key, label="输入")
    return INPUTS[input_name].kind


def _items(path: Path, raw_items: Any, weight: Decimal, where: str) -> tuple[ChecklistItem, ...]:
    if not isinstance(raw_items, list) or not raw_items:
        raise DataError(path, "是否项清单需要非空的 items 列表 (checklist needs items)", record=where,
                        field="items", label="清单项")
    items: list[ChecklistItem] = []
    for i, raw in enumerate(raw_items):
        key = f"items[{i}]"
        if not isinstance(raw, dict) or set(map(str, raw)) - {"name", "input", "points"}:
            raise DataError(path, "清单项应为 {name, input, points} (item must have name, input, points)",
                            record=where, field=key, label="清单项")
        kind = _input_kind(path, raw.get("input"), where, f"{key}.input")
        if kind != "bool":
            raise DataError(path, f"清单项输入 {raw.get('input')} 不是是否型 (checklist inputs must be yes/no)",
                            record=where, field=f"{key}.input", label="输入")
        item_name = raw.get("name") or INPUTS[str(raw["input"])].label
        if not isinstance(item_name, str) or any(ch in item_name for ch in _FORBIDDEN_TEXT):
            raise DataError(path, "清单项名称应为单行文本 (item name must be one line of text)", record=where,
                            field=f"{key}.name", label="清单项名称")
        points = _number(path, raw.get("points"), where, f"{key}.points", "清单项分值", positive=True)
        items.append(ChecklistItem(name=item_name.strip(), input=str(raw["input"]), points=points))
    total = sum((it.points for it in items), Decimal(0))
    if total != weight:
        raise DataError(path, f"清单项分值合计 {trimmed(total)}，与指标分值 {trimmed(weight)} 不符 "
                              "(checklist points must sum to the weight)", record=where, field="items", label="清单项")
    return tuple(items)


def _params(path: Path, rule: str, raw: dict[str, Any], weight: Decimal, kind: str, where: str) -> dict[str, Any]:
    def need(key: str, label: str, positive: bool = False, signed: bool = False) -> Decimal:
        if key not in raw:
            raise DataError(path, f"规则 {rule} 需要参数 {key}（{label}）(missing parameter)", record=where,
                            field=f"params.{key}", label=label)
        return _number(path, raw[key], where, f"params.{key}", label, positive, signed)

    def allowed(*keys: str) -> None:
        extra = sorted(set(map(str, raw)) - set(keys))
        if extra:
            raise DataError(path, f"规则 {rule} 不认识参数 {', '.join(extra)} (unknown parameter)", record=where,
                            field=f"params.{extra[0]}", label="规则参数")

    if rule in ("proportional", "reverse", "deduction", "banded") and kind != "percent":
        raise DataError(path, f"规则 {rule} 需要数值型输入 (rule {rule} needs a numeric input)", record=where,
                        field="input", label="输入")
    if rule in ("proportional", "reverse"):
        allowed("target")
        return {"target": need("target", "目标值", positive=True)}
    if rule == "deduction":
        allowed("threshold", "per_point", "direction")
        direction = raw.get("direction", "over")
        if direction not in ("over", "under"):
            raise DataError(path, f"direction 只能是 over 或 under，当前值 {direction!r}", record=where,
                            field="params.direction", label="扣分方向")
        return {"threshold": need("threshold", "阈值", signed=True), "per_point": need("per_point", "每百分点扣分", positive=True),
                "direction": direction}
    if rule == "banded":
        allowed("bands", "direction", "otherwise")
        direction = raw.get("direction", "at_most")
        if direction not in ("at_most", "at_least"):
            raise DataError(path, f"direction 只能是 at_most 或 at_least，当前值 {direction!r}", record=where,
                            field="params.direction", label="分档方向")
        bands_raw = raw.get("bands")
        if not isinstance(bands_raw, list) or not bands_raw:
            raise DataError(path, "分档规则需要非空的 bands 列表 (banded needs bands)", record=where,
                            field="params.bands", label="分档")
        bands: list[rules.Band] = []
        for i, b in enumerate(bands_raw):
            key = f"params.bands[{i}]"
            if not isinstance(b, dict) or set(map(str, b)) != {"bound", "points"}:
                raise DataError(path, "每档应为 {bound, points} (band must have bound and points)", record=where,
                                field=key, label="分档")
            band = rules.Band(_number(path, b["bound"], where, f"{key}.bound", "分档界限", signed=True),
                              _number(path, b["points"], where, f"{key}.points", "分档得分"))
            if band.points > weight:
                raise DataError(path, f"分档得分 {trimmed(band.points)} 超过指标分值 {trimmed(weight)} "
                                      "(band points above weight)", record=where, field=f"{key}.points", label="分档得分")
            if bands:
                prev = bands[-1].bound
                if (direction == "at_most" and band.bound <= prev) or (direction == "at_least" and band.bound >= prev):
                    order = "递增" if direction == "at_most" else "递减"
                    raise DataError(path, f"分档界限应{order}排列 (band bounds out of order)", record=where,
                                    field=f"{key}.bound", label="分档界限")
            bands.append(band)
        otherwise = _number(path, raw.get("otherwise", 0), where, "params.otherwise", "其余得分")
        if otherwise > weight:
            raise DataError(path, "其余得分超过指标分值 (otherwise above weight)", record=where,
                            field="params.otherwise", label="其余得分")
        return {"bands": tuple(bands), "direction": direction, "otherwise": otherwise}
    if rule == "qualitative":
        allowed("fractions", "met_at", "partly_at")
        out: dict[str, Any] = {}
        fractions_raw = raw.get("fractions") or {}
        if not isinstance(fractions_raw, dict) or set(map(str, fractions_raw)) - set(rules.TIERS):
            raise DataError(path, "fractions 只能包含 met、partly、not_met (fractions keys)", record=where,
                            field="params.fractions", label="档次比例")
        fractions = {str(k): _number(path, v, where, f"params.fractions.{k}", "档次比例")
                     for k, v in fractions_raw.items()}
        for tier, value in fractions.items():
            low, high = rules.TIER_BANDS[tier]
            if not low <= value <= high:
                raise DataError(path, f"{rules.TIER_LABELS[tier]}的比例 {trimmed(value)} 应在 {trimmed(low)}–"
                                      f"{trimmed(high)} 之间 (tier fraction outside its band)", record=where,
                                field=f"params.fractions.{tier}", label="档次比例")
        out["fractions"] = fractions
        if kind == "percent":
            out["met_at"] = need("met_at", "达成界限", signed=True)
            out["partly_at"] = need("partly_at", "部分达成界限", signed=True)
            if out["partly_at"] > out["met_at"]:
                raise DataError(path, "部分达成界限不能高于达成界限 (partly_at above met_at)", record=where,
                                field="params.partly_at", label="部分达成界限")
        elif "met_at" in raw or "partly_at" in raw:
            raise DataError(path, "met_at / partly_at 只用于数值型输入 (thresholds only for numeric inputs)",
                            record=where, field="params.met_at", label="达成界限")
        return out
    raise DataError(path, f"未知评分规则 {rule!r} (unknown rule)", record=where, field="rule", label="评分规则")  # pragma: no cover


# --- description for readers -------------------------------------------------------------------

def rule_text(spec: IndicatorSpec) -> str:
    """One line of Chinese describing how a leaf is scored (评分标准), from its rule and parameters."""
    if spec.criteria:
        return spec.criteria
    p, w = spec.params, trimmed(spec.weight)
    label = INPUTS[spec.input].label if spec.input else ""
    if spec.rule == "proportional":
        text = f"{label} ÷ 目标值 {trimmed(p['target'])}% × {w} 分，封顶 {w} 分"
    elif spec.rule == "reverse":
        text = f"{label} 不高于 {trimmed(p['target'])}% 得满分，超过时按 {trimmed(p['target'])}% ÷ {label} × {w} 分"
    elif spec.rule == "deduction":
        side = "超过" if p["direction"] == "over" else "低于"
        text = (f"{label} 未{side} {trimmed(p['threshold'])}% 得满分，每{side} 1 个百分点扣 "
                f"{trimmed(p['per_point'])} 分，扣完为止")
    elif spec.rule == "banded":
        word = "≤" if p["direction"] == "at_most" else "≥"
        parts = [f"{word}{trimmed(b.bound)}% 得 {trimmed(b.points)} 分" for b in p["bands"]]
        text = f"{label}：" + "，".join(parts) + f"，其余得 {trimmed(p['otherwise'])} 分"
    elif spec.rule == "qualitative":
        fr = {**rules.DEFAULT_TIER_FRACTIONS, **p.get("fractions", {})}
        tiers = "、".join(f"{rules.TIER_LABELS[t]} {trimmed(fr[t] * 100)}%" for t in rules.TIERS)
        basis = (f"{label} ≥{trimmed(p['met_at'])}% 为达成，≥{trimmed(p['partly_at'])}% 为部分达成；"
                 if "met_at" in p else f"{label}：")
        text = f"{basis}按分值的 {tiers} 计分"
    elif spec.rule == "checklist":
        text = "；".join(f"{it.name}（{trimmed(it.points)} 分）" for it in spec.items) + "：是得分，否不得分"
    else:  # pragma: no cover
        text = ""
    if spec.missing == "na":
        text += "；无数据时不适用，剔除后按 100 分折算"
    return text
