"""Where each value of a record comes from: the sentence or table cell of its source document.

:func:`trace_values` walks every value a data file states (:func:`leaves`) and finds it in the source
(:class:`perfeval.provenance.source.SourceText`):

- a value ``import-report`` took from a known offset (``positions``: ``Extraction.positions``, or the
  sidecar's ``fields``) is placed there when the figure at that offset is still the record's (``importer``);
- a figure (amount, count, rate, score) is matched against the numbers of the source: equal value, then
  the words before it (the field's Chinese titles, the item's name) and the unit after it decide; one best
  place is ``matched``, several equally good ones ``ambiguous`` (all listed);
- a text is found sentence by sentence (whitespace and half/full-width forms aside): ``matched`` when every
  sentence is in the source, else ``not_found`` with the sentences that are not;
- what this book built from the text (``arranged``: indicators, a 自评表 from sentences) or marks as inferred
  and cannot find as written is ``derived``: the sentence it was read from, by its words;
- classifications the analyst entered (a category, a relation, 代管资金 …) are ``entered``.

Without a source document every value is ``data_file``: entered in the data file, at its field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator, Mapping

from pydantic import BaseModel

from perfeval.model import DepartmentYear, inner_model
from perfeval.model.numbers import plain
from perfeval.provenance.source import Place, SourceText, pieces

#: Top-level fields that are about the file, not stated by the report.
META = ("code", "year", "demo", "source", "arranged", "annotations")
#: Leaf fields that classify or number rather than state (entered by the analyst).
LABELS = {"number", "completion_number", "level", "category", "relation", "nature", "managed_only", "is_total",
          "carryover_mentioned", "no_large_projects", "inferred"}
#: Words a report uses for each column of a money row.
COLUMN_WORDS = {"previous": "上年决算 上年", "budget": "预算 批复 年初预算 预算安排",
                "adjusted": "调整后预算 全年预算", "actual": "实际 决算 执行 拨付 到位"}
#: Words a report uses for some fields besides their titles.
FIELD_WORDS = {"total": "合计 总数 总额 总计", "appropriation": "财政拨款", "special_account": "非税收入", "public": "公用经费 商品服务支出",
               "reception": "公务接待", "vehicle_operation": "公务用车运行维护 公车", "overseas": "出国（境）",
               "lottery_fund": "福彩公益金", "fiscal": "财政拨款结转结余", "non_fiscal": "非财政拨款结转",
               "annual_budget": "年度预算金额", "declared_rate": "预算调整率", "amount": "调整 金额",
               "weight": "分值 满分 权重", "score": "得分", "year_as_written": "年度批复"}


@dataclass(frozen=True)
class Leaf:
    path: str
    value: Any
    kind: str        # figure | text | date | label
    unit: str = ""   # what a figure is measured in: 万元, %, 分, a count's unit, 年, 平方米


@dataclass(frozen=True)
class Trace:
    """Where one value of a record comes from."""

    path: str
    value: str                      # as the data file holds it
    kind: str                       # figure | text | date | label
    how: str                        # importer | matched | ambiguous | derived | not_found | entered | data_file
    places: tuple[Place, ...] = ()  # the sentence(s) or cell(s); several when ambiguous
    missing: tuple[str, ...] = ()   # sentences of a text that are not in the source
    note: str = ""
    at: tuple[int, ...] = ()        # offsets of the figure itself in the normalized text (each candidate)

    @property
    def place(self) -> Place | None:
        """The one place a page links to (the first of several equally good ones), or None."""
        return self.places[0] if self.places and self.how in ("importer", "matched", "ambiguous", "derived") else None


def value_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- the values a record states ---------------------------------------------------------------

def _unit_of(model: BaseModel, name: str, annotation: Any) -> str:
    text = str(annotation)
    if "_wan_in" in text or name in ("amount", "initial", "full_year", "executed", "current", "change", "lottery_fund",
                                 "fiscal", "non_fiscal", "annual_budget") and not hasattr(model, "relation"):
        return "万元"
    if name in ("approved_area", "actual_area"):
        return "平方米"
    if "rate" in name or name == "percent":
        return "%"
    if name in ("weight", "score", "self_score_total"):
        return "分"
    if name == "year_as_written":
        return "年"
    unit = getattr(model, "unit", "")
    return unit if isinstance(unit, str) else ""


def leaves(record: DepartmentYear) -> list[Leaf]:
    """Every value the data file states, in the order of the schema (explicitly set fields only)."""
    out: list[Leaf] = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            if name not in model.model_fields_set or (not prefix and name in META):
                continue
            value = getattr(model, name)
            path = f"{prefix}.{name}" if prefix else name
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, BaseModel):
                walk(value, path)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        walk(item, f"{path}[{i}]")
                    else:
                        out.append(Leaf(f"{path}[{i}]", item, "text"))
            elif name in LABELS or isinstance(value, bool) or (name == "unit" and isinstance(value, str)):
                out.append(Leaf(path, value, "label"))
            elif isinstance(value, (Decimal, int)):
                out.append(Leaf(path, value, "figure", _unit_of(model, name, info.annotation)))
            elif isinstance(value, dt.date):
                out.append(Leaf(path, value, "date"))
            else:
                out.append(Leaf(path, value, "text" if len(str(value).strip()) >= 2 else "label"))

    walk(record, "")
    return out


_SEGMENT = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


def _steps(record: DepartmentYear, path: str) -> Iterator[tuple[str, Any, Any]]:
    """(field name, field info, the value there) along a path."""
    current: Any = record
    for m in _SEGMENT.finditer(path):
        name, index = m.group(1), m.group(2)
        if not isinstance(current, BaseModel) or name not in type(current).model_fields:
            return
        info = type(current).model_fields[name]
        current = getattr(current, name)
        if index is not None and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        yield name, info, current


def label_words(record: DepartmentYear, path: str) -> str:
    """The words that label a value: the Chinese titles along its path, the name of the item it belongs to,
    and the words reports use for its column."""
    words: list[str] = []
    for name, info, value in _steps(record, path):
        words.append(info.title or "")
        words.append(FIELD_WORDS.get(name, ""))
        words.append(COLUMN_WORDS.get(name, "") if inner_model(info.annotation) is None else "")
        for attr in ("name", "part", "item"):
            item_name = getattr(value, attr, None) if isinstance(value, BaseModel) else None
            if isinstance(item_name, str):
                words.append(item_name)
    return " ".join(w for w in words if w)


def field_label(record: DepartmentYear, path: str) -> str:
    """A field in words for readers: its Chinese titles along the path, a list item by its name or number
    (收入情况·一般公共预算财政拨款·本年决算数（实际）, 项目支出「低保员工资」·预算安排)."""
    parts: list[str] = []
    for m, (name, info, value) in zip(_SEGMENT.finditer(path), _steps(record, path)):
        title = info.title or name
        if m.group(2) is not None:
            item = next((getattr(value, a) for a in ("name", "part", "item", "problem") if
                         isinstance(getattr(value, a, None), str)), None) if isinstance(value, BaseModel) else None
            title += f"「{item}」" if item and len(item) <= 30 else f"第{int(m.group(2)) + 1}项"
        parts.append(title)
    return "·".join(parts)


def bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


# --- matching ---------------------------------------------------------------------------------

@dataclass
class Matcher:
    """Finds a record's values in its source document."""

    record: DepartmentYear
    src: SourceText
    positions: Mapping[str, int] = field(default_factory=dict)
    _scopes: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def trace(self, leaf: Leaf) -> Trace:
        value = value_text(leaf.value)
        if leaf.kind == "label":
            return Trace(leaf.path, value, leaf.kind, "entered", note="分类或口径，录入时确定")
        at = self.positions.get(leaf.path)
        if at is not None and 0 <= at <= len(self.src.doc.text) and self._still_there(leaf, at):
            return Trace(leaf.path, value, leaf.kind, "importer", (self.src.place(at),), at=(at,))
        if leaf.kind == "figure":
            return self._figure(leaf, value)
        if leaf.kind == "date":
            return self._date(leaf, value)
        return self._text(leaf, value)

    def _still_there(self, leaf: Leaf, at: int) -> bool:
        """The value ``import-report`` took from offset ``at`` is still the record's (not edited since)."""
        if leaf.kind == "figure":
            for n in self.src.numbers():
                if n.start <= at < max(n.end, at + 1) and n.value in _forms(Decimal(leaf.value)):
                    return True
                if n.start > at:
                    break
            return False
        if leaf.kind == "text":
            first = pieces(str(leaf.value))
            return bool(first) and self.src.find(first[0][:20], max(0, at - 400)) >= 0
        return True

    # figures
    def _figure(self, leaf: Leaf, value: str) -> Trace:
        target = Decimal(leaf.value)
        labels = bigrams(label_words(self.record, leaf.path))
        scope = self._scope(leaf.path)
        note = self.record.annotations.get(leaf.path)
        written = "".join(pieces(note.as_written)) if note is not None and note.as_written else ""
        text = self.src.doc.text
        scored: list[tuple[float, int]] = []
        for n in self.src.numbers():
            if n.value not in _forms(target):
                continue
            score = _unit_score(leaf, n.after, n.value == target)
            score += len(labels & bigrams(self.src.context(n.start, 40)))
            score += len(labels & bigrams(self.src.context(n.start, 12)))
            if text[max(0, n.start - 2):n.start].endswith(("目标", "第", "（", "(")):
                score -= 4      # a number that numbers an item (目标3, 第2条, (3))
            if scope and not any(a <= n.start < b for a, b in scope):
                score -= 20
            if written and written in "".join(pieces(self.src.place(n.start).text)):
                score += 10     # the annotation quotes how the report wrote it
            scored.append((score, n.start))
        if scored:
            best = max(s for s, _ in scored)
            if best > -10:
                chosen = tuple(pos for s, pos in scored if s == best)
                places = _distinct(self.src.place(pos) for pos in chosen)
                return Trace(leaf.path, value, leaf.kind, "matched" if len(places) == 1 else "ambiguous", places,
                             at=chosen)
        return self._derived(leaf, value, labels)

    def _derived(self, leaf: Leaf, value: str, labels: set[str]) -> Trace:
        """A value not written as such: the sentence it was read from, when this book arranged it or the data
        marks it inferred; else not found."""
        by_us = arranged_path(self.record, leaf.path)
        note = self.record.annotations.get(leaf.path)
        if not (by_us or (note is not None and note.inferred)):
            return Trace(leaf.path, value, leaf.kind, "not_found", note="原报告中未找到此数")
        scope = self._scope(leaf.path) or [(0, len(self.src.doc.text))]
        best, where = 0, -1
        for s in self.src.doc.sentences:
            if any(s.start < b and s.end > a for a, b in scope):
                overlap = len(labels & bigrams(s.text))
                if overlap > best:
                    best, where = overlap, s.start
        why = "本书据原文整理" if by_us else "推断"
        if where < 0:
            return Trace(leaf.path, value, leaf.kind, "not_found", note=f"{why}，原报告中未找到所据的句子")
        return Trace(leaf.path, value, leaf.kind, "derived", (self.src.place(where),), note=why)

    # dates and texts
    def _date(self, leaf: Leaf, value: str) -> Trace:
        day = leaf.value
        for form in (f"{day.year}年{day.month}月{day.day}日", f"{day.year}-{day.month:02d}-{day.day:02d}",
                     f"{day.year}-{day.month}-{day.day}"):
            pos = self.src.find(form)
            if pos >= 0:
                return Trace(leaf.path, value, leaf.kind, "matched", (self.src.place(pos),))
        return Trace(leaf.path, value, leaf.kind, "not_found", note="原报告中未找到此日期")

    def _text(self, leaf: Leaf, value: str) -> Trace:
        places, missing = self.src.passage(str(leaf.value))
        if places and not missing:
            return Trace(leaf.path, value, leaf.kind, "matched", (places[0],))
        if arranged_path(self.record, leaf.path):
            return self._derived(leaf, value, bigrams(str(leaf.value)))
        if places:
            return Trace(leaf.path, value, leaf.kind, "not_found", (places[0],), tuple(missing),
                         "部分语句在原报告中未找到")
        return Trace(leaf.path, value, leaf.kind, "not_found", missing=tuple(missing), note="原报告中未找到此文字")

    # where an item's values stand
    def _scope(self, path: str) -> list[tuple[int, int]]:
        """The stretches of the source an item's figures should come from (its name's paragraph and the next
        one; a goal's text and completion); empty when not known."""
        m = re.match(r"(projects|goals)\[(\d+)\]", path)
        if not m:
            return []
        side = "target" if ".target" in path else "actual" if ".actual" in path else ""
        key = m.group(0) + side
        if key in self._scopes:
            return self._scopes[key]
        item: Any = None
        for _, _, item in _steps(self.record, m.group(0)):
            pass
        texts: list[str] = []
        if m.group(1) == "goals" and item is not None:
            # a goal's targets are in its text, what it achieved in its completion statement
            texts = [item.text] if side == "target" else [item.completion] if side == "actual" and item.completion \
                else [item.text, item.completion]
        elif item is not None:
            texts = [getattr(item, "name", "") or getattr(item, "part", "")]
        spans: list[tuple[int, int]] = []
        for text in texts:
            first = pieces(text) if text else []
            if not first:
                continue
            pos = self.src.find(first[0])
            if pos < 0:
                continue
            block = self.src.doc.block_at(pos)
            if m.group(1) == "goals":      # the goal's own words (a list of goals is one paragraph)
                spans.append((pos, pos + len("".join(pieces(text))) + 12))
            else:                          # the project's paragraph and the next (a page break may split it)
                nxt = self.src.doc.blocks[block.index + 1] if block.index + 1 < len(self.src.doc.blocks) else block
                spans.append((block.start, nxt.end))
        self._scopes[key] = spans
        return spans


def arranged_path(record: DepartmentYear, path: str) -> bool:
    """Whether the value at ``path`` is one this book arranged from the report's text (``record.arranged``)."""
    arranged = record.arranged
    return arranged is not None and (
        (arranged.indicators and ".indicators[" in path) or (arranged.outputs and ".outputs[" in path)
        or (arranged.self_scores and path.startswith("self_scores")))


def _forms(value: Decimal) -> set[Decimal]:
    """The numbers a value in 万元 may be written as (万元, 元, 亿元)."""
    return {value, value * 10000, value / 10000}


def _unit_score(leaf: Leaf, after: str, same: bool) -> float:
    after = after.lstrip()
    unit = leaf.unit
    score = 0.0
    if after.startswith("年") and unit != "年":
        score -= 6
    if after[:1] in (".", "、") and not after[1:2].isdigit():
        score -= 2
    if unit == "万元":
        if after.startswith("万元") and same:
            score += 4
        elif after.startswith(("元", "亿元")):
            score += 1 if not same else 2
        elif not same:
            score -= 30
        elif after[:1] and not after[:1] in "，。；、）\n":
            score -= 3
    elif not same:
        score -= 30
    elif unit and after.startswith(unit):
        score += 4
    elif unit in ("%", "分") and after[:1] and after[:1] not in "，。；、）\n":
        score -= 2
    return score


def _distinct(places: Iterator[Place]) -> tuple[Place, ...]:
    seen: dict[str, Place] = {}
    for p in places:
        seen.setdefault(p.anchor, p)
    return tuple(seen.values())


def trace_values(record: DepartmentYear, src: SourceText | None,
                 positions: Mapping[str, int] | None = None) -> dict[str, Trace]:
    """Every stated value of ``record`` (path → :class:`Trace`); without a source, each is ``data_file``."""
    if src is None:
        return {leaf.path: Trace(leaf.path, value_text(leaf.value), leaf.kind, "data_file")
                for leaf in leaves(record)}
    matcher = Matcher(record, src, dict(positions or {}))
    return {leaf.path: matcher.trace(leaf) for leaf in leaves(record)}
