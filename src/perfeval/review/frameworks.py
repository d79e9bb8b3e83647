"""Indicator frameworks (指标体系) as data: resolving, loading and validation.

A framework file ``data/frameworks/<name>.yaml`` describes the indicator tree
(level 1, 2, 3): each indicator's code, Chinese name, weight (分值), and for a
leaf its rule shape, input and rule parameters. Loading validates everything
and raises :class:`perfeval.errors.DataError` naming the file and the
indicator: weights of children sum to their parent and level-1 weights to 100,
every rule shape and input exists, parameters fit the shape (each shape reads
its own, see :mod:`perfeval.review.shapes`), and the file says where it comes
from (``source``).

File shape::

    name: xiangtan-2024            # must equal the file name
    title: 湘潭市部门整体支出绩效评价指标体系（2024）
    jurisdiction: 湘潭市
    year: 2024
    official: false                # true only for a framework published by a finance bureau (needs source.document)
    source:
      document: 《…》              # the published document (name and number) the framework follows, and/or
      reconstructed: true          # what is our own reconstruction, with
      reasoning: …                 # why it was built this way
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
                rule: proportional        # see perfeval.review.shapes.rule_shapes
                input: execution_rate     # see perfeval.review.inputs.INPUTS
                params: {target: 100}

An indicator whose input is absent from the data is not applicable: it is
dropped and the rest rescaled to 100 (``missing: na``, the only behaviour, may
still be written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from perfeval.errors import DataError
from perfeval.model import read_yaml
from perfeval.model.numbers import HUNDRED, trimmed
from perfeval.review.params import LeafReader, read_number, read_text
from perfeval.review.shapes import ChecklistItem, RuleShape, rule_shapes

#: The framework used when none is named: the only place that names it.
DEFAULT_FRAMEWORK = "xiangtan-2024"
MAX_LEVEL = 3
_TOP_KEYS = {"name", "title", "jurisdiction", "year", "description", "indicators", "source", "official"}
_SOURCE_KEYS = {"document", "number", "reconstructed", "reasoning"}
_NODE_KEYS = {"code", "name", "weight", "children", "rule", "input", "params", "items", "missing", "criteria"}

#: What our computed score is called, and what an official framework's score is called.
COMPUTED_LABEL = "测算得分"
OFFICIAL_LABEL = "复核得分"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    level: int
    weight: Decimal
    parent: str | None = None
    rule: str | None = None             # shape name; None for a parent indicator
    input: str | None = None            # None for a parent or a checklist
    params: dict[str, Any] = field(default_factory=dict)
    items: tuple[ChecklistItem, ...] = ()
    criteria: str = ""                  # 评分标准 as shown to readers (overrides the shape's description)
    children: tuple["IndicatorSpec", ...] = ()
    shape: RuleShape | None = field(default=None, compare=False, repr=False)

    def inputs(self) -> list[str]:
        return list(self.shape.inputs()) if self.shape else []


@dataclass(frozen=True)
class FrameworkSource:
    """Where a framework comes from: a published document, our reconstruction, or both."""

    document: str = ""          # e.g. 《2024年湘潭市民政局部门整体支出绩效评价报告》
    number: str = ""            # document number, e.g. 湘财绩〔2020〕7号
    reconstructed: bool = False
    reasoning: str = ""

    def text(self) -> str:
        """One paragraph of Chinese for the 评价方法 page."""
        parts: list[str] = []
        if self.document:
            parts.append(f"依据：{self.document}" + (f"（{self.number}）" if self.number else ""))
        if self.reconstructed:
            parts.append(f"本书重构：{self.reasoning}")
        return "；".join(parts)


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    description: str
    indicators: tuple[IndicatorSpec, ...]   # level 1
    jurisdiction: str = ""
    year: int | None = None
    path: Path | None = None
    source: FrameworkSource = field(default_factory=FrameworkSource)
    official: bool = False

    @property
    def score_label(self) -> str:
        """测算得分 (our computation), or 复核得分 for a framework that declares itself official."""
        return OFFICIAL_LABEL if self.official else COMPUTED_LABEL

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


# --- resolving --------------------------------------------------------------------------------

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
    """Load a framework by name (from ``<data_dir>/frameworks``) or by path (via :func:`resolve_framework`)."""
    return load_framework(resolve_framework(name, data_dir))


# --- loading ----------------------------------------------------------------------------------

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
    description = read_text(path, data.get("description"), "", "description", "说明")
    jurisdiction = read_text(path, data.get("jurisdiction"), "", "jurisdiction", "适用地区", one_line=True)
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
    official = data.get("official", False)
    if not isinstance(official, bool):
        raise DataError(path, f"official 应为 true 或 false，当前值 {official!r} (official must be a boolean)",
                        field="official", label="官方指标体系")
    source = _source(path, data.get("source"), official)
    return Framework(name=name, title=title, description=description, indicators=tops,
                     jurisdiction=jurisdiction, year=year, path=path, source=source, official=official)


def _source(path: Path, raw: Any, official: bool) -> FrameworkSource:
    """Validate ``source``: a document, or ``reconstructed: true`` with the reasoning (or both)."""
    def fail(message: str, key: str = "source", label: str = "来源") -> DataError:
        return DataError(path, message, field=key, label=label)

    if raw is None:
        raise fail("缺少来源：写明依据的文件（document，名称和文号），或 reconstructed: true 并写明 reasoning "
                   "(source is required)")
    if not isinstance(raw, dict):
        raise fail("来源应为键值结构 (source must be a mapping)")
    unknown = sorted(set(map(str, raw)) - _SOURCE_KEYS)
    if unknown:
        raise fail(f"来源中有未知字段 {', '.join(unknown)}；可用：{', '.join(sorted(_SOURCE_KEYS))} (unknown field)",
                   f"source.{unknown[0]}")
    texts: dict[str, str] = {}
    for key in ("document", "number", "reasoning"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(f"source.{key} 应为非空文本 (must be text)", f"source.{key}")
        texts[key] = read_text(path, value, "", f"source.{key}", "来源")
    reconstructed = raw.get("reconstructed", False)
    if not isinstance(reconstructed, bool):
        raise fail(f"source.reconstructed 应为 true 或 false，当前值 {reconstructed!r}", "source.reconstructed", "重构")
    if reconstructed and not texts["reasoning"]:
        raise fail("重构的指标体系须写明理由 (reconstructed: true needs reasoning)", "source.reasoning", "重构理由")
    if not reconstructed and not texts["document"]:
        raise fail("来源须写明依据的文件（document），或写 reconstructed: true 和 reasoning "
                   "(source needs a document or reconstructed: true)", "source.document", "依据文件")
    if texts["number"] and not texts["document"]:
        raise fail("有文号（number）时须写明文件名称（document）(number needs document)", "source.document", "依据文件")
    if official and (reconstructed or not texts["document"]):
        raise fail("官方指标体系（official: true）须写明依据的文件且不能是重构 "
                   "(an official framework needs source.document and no reconstruction)", "official", "官方指标体系")
    return FrameworkSource(document=texts["document"], number=texts["number"], reconstructed=reconstructed,
                           reasoning=texts["reasoning"])


def _where(code: str, name: str) -> str:
    return f"指标 {code} {name}".strip()


def _text(path: Path, raw: dict[str, Any], key: str, where: str, label: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(path, f"缺少{label}或不是文本 (missing or not text)", record=where, field=key, label=label)
    return read_text(path, value.strip(), where, key, label, one_line=True)


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
    weight = read_number(path, raw.get("weight"), where, "weight", "分值", positive=True)
    criteria = read_text(path, raw.get("criteria"), where, "criteria", "评分标准")
    children_raw = raw.get("children")
    if children_raw is not None:
        if raw.get("rule") is not None or raw.get("input") is not None:
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
    try:
        shape_class = rule_shapes.get(str(rule))
    except KeyError:
        raise DataError(path, f"未知评分规则 {rule!r}；可用：{', '.join(rule_shapes.names())} (unknown rule)",
                        record=where, field="rule", label="评分规则") from None
    missing = raw.get("missing", "na")
    if missing != "na":
        raise DataError(path, f"missing 只能是 na（无数据的指标一律不适用，剔除后按 100 分折算；不再按 0 分计），"
                              f"当前值 {missing!r} (absent data is never scored 0)",
                        record=where, field="missing", label="无数据时")
    shape = shape_class.parse(str(rule), LeafReader(path, raw, where, str(rule)), weight)
    return IndicatorSpec(code=code, name=name, level=level, weight=weight, parent=parent, rule=str(rule),
                         input=shape.input, params=shape.params, items=shape.items, criteria=criteria, shape=shape)


# --- description for readers -------------------------------------------------------------------

def rule_text(spec: IndicatorSpec) -> str:
    """One line of Chinese describing how a leaf is scored (评分标准), from its rule and parameters."""
    if spec.criteria:
        return spec.criteria
    return spec.shape.describe(spec.weight) if spec.shape else ""


def rule_label(spec: IndicatorSpec) -> str:
    """The Chinese label of a leaf's rule shape (下级指标得分合计 for a parent)."""
    return type(spec.shape).label if spec.shape else "下级指标得分合计"
