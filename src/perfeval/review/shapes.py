"""Rule shapes: one class per shape, registered in :data:`rule_shapes` (as papermill registers engines).

A framework leaf names its shape (``rule: banded``). The shape class

- **parses** and validates the leaf's input(s) and parameters (:meth:`RuleShape.parse`),
- **scores** the input values exactly, or returns None when not applicable (:meth:`RuleShape.score`),
- **explains** a score in one line of Chinese (:meth:`RuleShape.explain`),
- **describes** itself for readers, the 评分标准 of the 评价方法 page (:meth:`RuleShape.describe`).

:mod:`perfeval.review.frameworks` and :mod:`perfeval.review.scoring` only look
shapes up in the registry: adding a shape means adding a class here and one
``rule_shapes.register`` line. The arithmetic itself is in :mod:`perfeval.review.rules`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Iterator, Sequence

from perfeval.model.numbers import fmt_score, plain, round_score, trimmed
import perfeval.review.rules as rules
from perfeval.review.inputs import INPUTS, InputKind, InputValue
from perfeval.review.params import FORBIDDEN_TEXT, LeafReader

PERCENT = frozenset({"percent"})


def bound_text(value: Decimal) -> str:
    """A threshold as written in a framework: 100 → "100%", 5.5 → "5.5%"."""
    return fmt_score(value) + "%"


def score_words(score: Decimal | None) -> str:
    """A computed score as readers see it: two decimals (1.5 → "1.50"); "—" when there is none."""
    return "—" if score is None else plain(round_score(score))


def _points(score: Decimal | None, weight: Decimal) -> str:
    """"得1.50分（满分4分）": the score with two decimals, the weight as the framework writes it."""
    return f"得{score_words(score)}分（满分{fmt_score(weight)}分）"


#: How a reader is told that an indicator without data is left out.
NOT_APPLICABLE = "不适用，剔除后其余指标按100分折算"
#: The same on an ungraded page (coverage below the threshold): nothing is rescaled there.
NOT_APPLICABLE_UNGRADED = "不适用，已剔除"


class RuleShape:
    """Base of all rule shapes. Instances are immutable once parsed."""

    label: ClassVar[str] = ""

    def __init__(self, name: str, input_name: str | None, params: dict[str, Any],
                 items: tuple["ChecklistItem", ...] = ()) -> None:
        self.name = name
        self.input = input_name
        self.params = params
        self.items = items          # yes/no items (checklist shapes only)

    @classmethod
    def parse(cls, name: str, reader: LeafReader, weight: Decimal) -> "RuleShape":
        raise NotImplementedError

    def inputs(self) -> tuple[str, ...]:
        return (self.input,) if self.input else ()

    def score(self, values: Sequence[InputValue], weight: Decimal) -> Decimal | None:
        raise NotImplementedError

    def explain(self, head: str, values: Sequence[InputValue], weight: Decimal, score: Decimal | None) -> str:
        raise NotImplementedError

    def describe(self, weight: Decimal) -> str:
        raise NotImplementedError


class SingleInputShape(RuleShape):
    """A shape scoring one input: None (absent) is not applicable; the subclass scores a present value."""

    kinds: ClassVar[frozenset[str]] = PERCENT

    @classmethod
    def parse(cls, name: str, reader: LeafReader, weight: Decimal) -> "RuleShape":
        input_name, kind = reader.single_input(cls.kinds)
        return cls(name, input_name, cls.parse_params(reader, weight, kind))

    @classmethod
    def parse_params(cls, reader: LeafReader, weight: Decimal, kind: InputKind) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def input_label(self) -> str:
        return INPUTS[self.input].label if self.input else ""

    def score(self, values: Sequence[InputValue], weight: Decimal) -> Decimal | None:
        (value,) = values
        if value.value is None:
            return None
        return self.compute(value, weight)

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        raise NotImplementedError

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        raise NotImplementedError

    def explain(self, head: str, values: Sequence[InputValue], weight: Decimal, score: Decimal | None) -> str:
        (value,) = values
        if value.value is None or score is None:
            return f"{head}：{value.detail or '无数据'}，{NOT_APPLICABLE}"
        if value.kind == "tier":
            shown = f"{head}：{value.detail}" if value.detail else head
        elif value.label == head:
            shown = f"{head}{value.text}"
        else:
            shown = f"{head}：{value.label}{value.text}"
        return f"{shown}，{self.how(value, weight, score)}"


class TargetShape(SingleInputShape):
    """A shape with one parameter, a positive ``target`` (目标值)."""

    @classmethod
    def parse_params(cls, reader: LeafReader, weight: Decimal, kind: InputKind) -> dict[str, Any]:
        reader.allowed("target")
        return {"target": reader.need("target", "目标值", positive=True)}


class Proportional(TargetShape):
    label = "比例得分（按实际值占目标值的比例，封顶满分）"

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        assert isinstance(value.value, Decimal)
        return rules.proportional(value.value, self.params["target"], weight)

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        assert isinstance(value.value, Decimal)
        target = self.params["target"]
        if value.value >= target:
            return f"达到目标{bound_text(target)}，{_points(score, weight)}"
        return f"低于目标{bound_text(target)}，按比例{_points(score, weight)}"

    def describe(self, weight: Decimal) -> str:
        w = trimmed(weight)
        return (f"{self.input_label}达到{trimmed(self.params['target'])}%得满分{w}分，"
                f"未达到时按{self.input_label}占{trimmed(self.params['target'])}%的比例计分")


class Reverse(TargetShape):
    label = "反向比例得分（按目标值与实际值之比，不超过目标得满分）"

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        assert isinstance(value.value, Decimal)
        return rules.reverse(value.value, self.params["target"], weight)

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        assert isinstance(value.value, Decimal)
        target = self.params["target"]
        if value.value <= target:
            return f"不高于{bound_text(target)}，{_points(score, weight)}"
        return f"高于{bound_text(target)}，按{bound_text(target)}与实际值之比{_points(score, weight)}"

    def describe(self, weight: Decimal) -> str:
        t, label = trimmed(self.params["target"]), self.input_label
        return f"{label}不高于{t}%得满分{trimmed(weight)}分，超过时按{t}%与{label}之比计分"


class Deduction(SingleInputShape):
    label = "超出阈值按百分点扣分"

    @classmethod
    def parse_params(cls, reader: LeafReader, weight: Decimal, kind: InputKind) -> dict[str, Any]:
        reader.allowed("threshold", "per_point", "direction")
        direction = reader.choice("direction", ("over", "under"), "扣分方向")
        return {"threshold": reader.need("threshold", "阈值", signed=True),
                "per_point": reader.need("per_point", "每百分点扣分", positive=True), "direction": direction}

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        assert isinstance(value.value, Decimal)
        p = self.params
        return rules.deduction(value.value, p["threshold"], p["per_point"], weight, p["direction"])

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        assert isinstance(value.value, Decimal)
        threshold, per_point, direction = self.params["threshold"], self.params["per_point"], self.params["direction"]
        beyond = rules.points_beyond(value.value, threshold, direction)
        side = "超过" if direction == "over" else "低于"
        if beyond == 0:
            return f"未{side}{bound_text(threshold)}，{_points(score, weight)}"
        return (f"{side}{bound_text(threshold)}{fmt_score(round_score(beyond))}个百分点，"
                f"每个百分点扣{fmt_score(per_point)}分，{_points(score, weight)}")

    def describe(self, weight: Decimal) -> str:
        side = "超过" if self.params["direction"] == "over" else "低于"
        return (f"{self.input_label}未{side}{trimmed(self.params['threshold'])}%得满分，每{side}1个百分点扣"
                f"{trimmed(self.params['per_point'])}分，扣完为止")


class Banded(SingleInputShape):
    label = "分档得分"

    @classmethod
    def parse_params(cls, reader: LeafReader, weight: Decimal, kind: InputKind) -> dict[str, Any]:
        reader.allowed("bands", "direction", "otherwise")
        direction = reader.choice("direction", ("at_most", "at_least"), "分档方向")
        raw_bands = reader.params.get("bands")
        if not isinstance(raw_bands, list) or not raw_bands:
            reader.fail("分档规则需要非空的 bands 列表 (banded needs bands)", "params.bands", "分档")
        bands: list[rules.Band] = []
        for i, raw in enumerate(raw_bands):
            key = f"params.bands[{i}]"
            if not isinstance(raw, dict) or set(map(str, raw)) != {"bound", "points"}:
                reader.fail("每档应为 {bound, points} (band must have bound and points)", key, "分档")
            band = rules.Band(reader.number(raw["bound"], f"{key}.bound", "分档界限", signed=True),
                              reader.number(raw["points"], f"{key}.points", "分档得分"))
            if band.points > weight:
                reader.fail(f"分档得分 {trimmed(band.points)} 超过指标分值 {trimmed(weight)} (band points above weight)",
                            f"{key}.points", "分档得分")
            if bands:
                prev = bands[-1].bound
                if (direction == "at_most" and band.bound <= prev) or (direction == "at_least" and band.bound >= prev):
                    order = "递增" if direction == "at_most" else "递减"
                    reader.fail(f"分档界限应{order}排列 (band bounds out of order)", f"{key}.bound", "分档界限")
            bands.append(band)
        otherwise = reader.number(reader.params.get("otherwise", 0), "params.otherwise", "其余得分")
        if otherwise > weight:
            reader.fail("其余得分超过指标分值 (otherwise above weight)", "params.otherwise", "其余得分")
        return {"bands": tuple(bands), "direction": direction, "otherwise": otherwise}

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        assert isinstance(value.value, Decimal)
        p = self.params
        return rules.banded(value.value, p["bands"], weight, p["direction"], p["otherwise"])

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        assert isinstance(value.value, Decimal)
        p = self.params
        band, _points_met = rules.band_points(value.value, p["bands"], p["direction"], p["otherwise"])
        if band is not None:
            word = "不高于" if p["direction"] == "at_most" else "不低于"
            return f"{word}{bound_text(band.bound)}，{_points(score, weight)}"
        word = "高于" if p["direction"] == "at_most" else "低于"
        return f"{word}{bound_text(p['bands'][-1].bound)}，{_points(score, weight)}"

    def describe(self, weight: Decimal) -> str:
        word = "不高于" if self.params["direction"] == "at_most" else "不低于"
        parts = [f"{word}{trimmed(b.bound)}%得{trimmed(b.points)}分" for b in self.params["bands"]]
        return f"{self.input_label}" + "，".join(parts) + f"，其余得{trimmed(self.params['otherwise'])}分"


class Qualitative(SingleInputShape):
    label = "三档定性评价（达成 / 部分达成 / 未达成）"
    kinds = frozenset({"percent", "bool", "tier"})

    @classmethod
    def parse_params(cls, reader: LeafReader, weight: Decimal, kind: InputKind) -> dict[str, Any]:
        reader.allowed("fractions", "met_at", "partly_at")
        raw = reader.params.get("fractions") or {}
        if not isinstance(raw, dict) or set(map(str, raw)) - set(rules.TIERS):
            reader.fail("fractions 只能包含 met、partly、not_met (fractions keys)", "params.fractions", "档次比例")
        fractions = {str(k): reader.number(v, f"params.fractions.{k}", "档次比例") for k, v in raw.items()}
        for tier, value in fractions.items():
            low, high = rules.TIER_BANDS[tier]
            if not low <= value <= high:
                reader.fail(f"{rules.TIER_LABELS[tier]}的比例 {trimmed(value)} 应在 {trimmed(low)}–{trimmed(high)} 之间 "
                            "(tier fraction outside its band)", f"params.fractions.{tier}", "档次比例")
        out: dict[str, Any] = {"fractions": fractions}
        if kind == "percent":
            out["met_at"] = reader.need("met_at", "达成界限", signed=True)
            out["partly_at"] = reader.need("partly_at", "部分达成界限", signed=True)
            if out["partly_at"] > out["met_at"]:
                reader.fail("部分达成界限不能高于达成界限 (partly_at above met_at)", "params.partly_at", "部分达成界限")
        elif "met_at" in reader.params or "partly_at" in reader.params:
            reader.fail("met_at / partly_at 只用于数值型输入 (thresholds only for numeric inputs)", "params.met_at",
                        "达成界限")
        return out

    @property
    def fractions(self) -> dict[str, Decimal]:
        return {**rules.DEFAULT_TIER_FRACTIONS, **self.params.get("fractions", {})}

    def tier(self, value: InputValue) -> rules.Tier:
        if value.kind == "percent":
            assert isinstance(value.value, Decimal)
            return rules.tier_of(value.value, self.params["met_at"], self.params["partly_at"])
        if value.kind == "bool":
            return "met" if value.value else "not_met"
        tier = str(value.value)
        assert tier in rules.TIERS, tier
        return tier  # type: ignore[return-value]

    def compute(self, value: InputValue, weight: Decimal) -> Decimal:
        return rules.qualitative(self.tier(value), weight, self.params.get("fractions") or None)

    def how(self, value: InputValue, weight: Decimal, score: Decimal) -> str:
        tier = self.tier(value)
        basis = ""
        if value.kind == "percent":
            bound = self.params["met_at"] if tier == "met" else self.params["partly_at"]
            basis = f"{'不低于' if tier != 'not_met' else '低于'}{bound_text(bound)}，"
        return (f"{basis}评为{rules.TIER_LABELS[tier]}，按分值的{fmt_score(self.fractions[tier] * 100)}%"
                f"{_points(score, weight)}")

    def describe(self, weight: Decimal) -> str:
        tiers = "、".join(f"{rules.TIER_LABELS[t]}{trimmed(self.fractions[t] * 100)}%" for t in rules.TIERS)
        label = self.input_label
        basis = (f"{label}不低于{trimmed(self.params['met_at'])}%为达成，不低于{trimmed(self.params['partly_at'])}%"
                 "为部分达成；" if "met_at" in self.params else f"{label}：")
        return f"{basis}按分值的{tiers}计分"


class ChecklistItem:
    """One yes/no item of a checklist leaf."""

    def __init__(self, name: str, input_name: str, points: Decimal) -> None:
        self.name = name
        self.input = input_name
        self.points = points

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ChecklistItem({self.name!r}, {self.input!r}, {self.points})"


class Checklist(RuleShape):
    """Yes/no items, each worth its points. Items without data are dropped and the rest rescaled to the weight;
    with no item answerable the indicator is not applicable."""

    label = "是否项清单"

    @classmethod
    def parse(cls, name: str, reader: LeafReader, weight: Decimal) -> "RuleShape":
        if reader.raw.get("input") is not None:
            reader.fail("是否项清单的输入写在各项 items 中 (checklist inputs go in items)", "input", "输入")
        if reader.raw.get("params"):
            reader.fail(f"规则 {name} 不认识参数 {', '.join(map(str, reader.params))} (unknown parameter)", "params",
                        "规则参数")
        raw_items = reader.raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            reader.fail("是否项清单需要非空的 items 列表 (checklist needs items)", "items", "清单项")
        items: list[ChecklistItem] = []
        for i, raw in enumerate(raw_items):
            key = f"items[{i}]"
            if not isinstance(raw, dict) or set(map(str, raw)) - {"name", "input", "points"}:
                reader.fail("清单项应为 {name, input, points} (item must have name, input, points)", key, "清单项")
            if reader.input_kind(raw.get("input"), f"{key}.input") != "bool":
                reader.fail(f"清单项输入 {raw.get('input')} 不是是否型 (checklist inputs must be yes/no)",
                            f"{key}.input", "输入")
            item_name = raw.get("name") or INPUTS[str(raw["input"])].label
            if not isinstance(item_name, str) or any(ch in item_name for ch in FORBIDDEN_TEXT):
                reader.fail("清单项名称应为单行文本 (item name must be one line of text)", f"{key}.name", "清单项名称")
            item_name = reader.text(item_name, f"{key}.name", "清单项名称")
            points = reader.number(raw.get("points"), f"{key}.points", "清单项分值", positive=True)
            items.append(ChecklistItem(item_name.strip(), str(raw["input"]), points))
        total = sum((it.points for it in items), Decimal(0))
        if total != weight:
            reader.fail(f"清单项分值合计 {trimmed(total)}，与指标分值 {trimmed(weight)} 不符 "
                        "(checklist points must sum to the weight)", "items", "清单项")
        return cls(name, None, {}, tuple(items))

    def inputs(self) -> tuple[str, ...]:
        return tuple(item.input for item in self.items)

    def _answered(self, values: Sequence[InputValue]) -> Iterator[tuple[ChecklistItem, InputValue]]:
        return ((item, v) for item, v in zip(self.items, values) if v.value is not None)

    def score(self, values: Sequence[InputValue], weight: Decimal) -> Decimal | None:
        answered = list(self._answered(values))
        if not answered:
            return None
        applicable = sum((item.points for item, _ in answered), Decimal(0))
        passed = rules.checklist([rules.Check(item.name, item.points, bool(v.value)) for item, v in answered], weight)
        return rules.rescale(passed, applicable, weight)

    def explain(self, head: str, values: Sequence[InputValue], weight: Decimal, score: Decimal | None) -> str:
        parts = []
        for item, v in zip(self.items, values):
            if v.value is None:
                parts.append(f"{item.name}：无数据")
            elif v.value:
                parts.append(f"{item.name}：是，计{fmt_score(item.points)}分")
            else:
                parts.append(f"{item.name}：否，不计分（该项{fmt_score(item.points)}分）")
        text = f"{head}：" + "；".join(parts)
        if score is None:
            return f"{text}，{NOT_APPLICABLE}"
        if any(v.value is None for v in values):
            text += f"；无数据的清单项剔除后按{fmt_score(weight)}分折算"
        return text + f"，{_points(score, weight)}"

    def describe(self, weight: Decimal) -> str:
        return "；".join(f"{it.name}（{trimmed(it.points)}分）" for it in self.items) + "：是得分，否不得分"


class ShapeRegistry:
    """Rule shapes by name (like papermill's engine registry): ``register(name, cls)``, ``get(name)``."""

    def __init__(self) -> None:
        self._shapes: dict[str, type[RuleShape]] = {}

    def register(self, name: str, cls: type[RuleShape]) -> None:
        if name in self._shapes:
            raise ValueError(f"rule shape {name!r} is already registered")
        self._shapes[name] = cls

    def get(self, name: str) -> type[RuleShape]:
        """The class of a shape; KeyError for an unknown name."""
        return self._shapes[name]

    def names(self) -> list[str]:
        return list(self._shapes)

    def labels(self) -> dict[str, str]:
        """Shape name → Chinese label, in registration order."""
        return {name: cls.label for name, cls in self._shapes.items()}


rule_shapes = ShapeRegistry()
rule_shapes.register("proportional", Proportional)
rule_shapes.register("reverse", Reverse)
rule_shapes.register("deduction", Deduction)
rule_shapes.register("banded", Banded)
rule_shapes.register("qualitative", Qualitative)
rule_shapes.register("checklist", Checklist)

#: Rule names a framework may use, with their Chinese labels.
RULE_LABELS: dict[str, str] = rule_shapes.labels()
