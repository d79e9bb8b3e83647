"""A record with its provenance: its source document, where each value comes from, what was not extracted.

:class:`RecordTrace` is what the chapter, the source page and ``perfeval trace`` use. It reads the source
document the record names (``source.file`` beside the data file) and, for a draft of ``import-report``, the
positions in its sidecar ``<code>.sources.yml`` (``fields``, see ``docs/json.md``), then traces every value
(:func:`perfeval.provenance.trace.trace_values`). It also says what may be said of a section the record
holds nothing of (:meth:`RecordTrace.absence`), lists the sections of the source that went into no field
(:meth:`RecordTrace.not_extracted`) and the figures of the source no field holds (:meth:`RecordTrace.unmapped`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from perfeval.errors import DataError
from perfeval.model import DepartmentYear, read_yaml, source_path
from perfeval.provenance.claims import FIGURE, TOPICS, Topic, absence_sentence, mentions
from perfeval.provenance.source import Place, SourceText
from perfeval.provenance.trace import Trace, trace_values

#: The sidecar ``import-report`` writes beside a draft (``x/2024/code.yaml`` → ``x/2024/code.sources.yml``).
SIDECAR_SUFFIX = ".sources.yml"
#: Units that make a number of the source a figure (money, rates, counts): what ``unmapped`` lists.
FIGURE_UNITS = ("亿元", "万元", "元", "%", "人次", "块次", "户次", "件次", "人", "件", "次", "篇", "个", "处", "家", "名",
                "户", "场", "项", "所", "座", "张", "册", "份", "期", "批", "套", "台", "辆", "条", "起", "平方米", "分")


def sidecar_path(data_file: Path) -> Path:
    name = data_file.name[:-5] if data_file.name.endswith(".yaml") else data_file.stem
    return data_file.with_name(name + SIDECAR_SUFFIX)


def sidecar_positions(path: Path) -> dict[str, int]:
    """Field → offset of the values ``import-report`` placed itself (``fields`` entries with ``how:
    importer``); {} when there is no sidecar or it cannot be read (the values are then matched)."""
    if not path.is_file():
        return {}
    try:
        data = read_yaml(path)
    except DataError:
        return {}
    fields = data.get("fields") if isinstance(data, dict) else None
    out: dict[str, int] = {}
    if isinstance(fields, dict):
        for key, entry in fields.items():
            if isinstance(key, str) and isinstance(entry, dict) and entry.get("how") == "importer":
                start = entry.get("start")
                if isinstance(start, int) and not isinstance(start, bool) and start >= 0:
                    out[key] = start
    return out


def _has(value: Any) -> bool:
    if value is None or value is False or value == "" or value == []:
        return False
    is_empty: Callable[[], bool] | None = getattr(value, "is_empty", None)
    return not (is_empty is not None and is_empty())


def held(record: DepartmentYear, key: str) -> bool:
    """Whether the record holds anything of a topic (see :data:`perfeval.provenance.claims.TOPICS`)."""
    r, m = record, record.management
    exp = r.expenditure
    mgmt = {k: _has(getattr(m, k)) if m is not None else False
            for k in ("budget_management", "asset_management", "outcome_statement")}
    budgets = [getattr(row, "budget", None) for section in (r.income, r.expenditure, r.sangong) if section is not None
               for row in section.__dict__.values()]
    tests: dict[str, Callable[[], bool]] = {
        "duties": lambda: bool(r.duties),
        "long_term_plan": lambda: _has(r.long_term_plan),
        "annual_plan": lambda: _has(r.annual_plan),
        "goals": lambda: bool(r.goals),
        "income": lambda: _has(r.income) or bool(r.income_by_unit) or _has(r.adjustment),
        "expenditure": lambda: _has(exp) or bool(r.expenditure_by_unit),
        "expenditure_split": lambda: exp is not None and any(_has(getattr(exp, k)) for k in
                                                             ("basic", "personnel", "public", "project")),
        "approval": lambda: r.approval is not None,
        "approval_amounts": lambda: any(b is not None for b in budgets),
        "execution": lambda: _has(r.carryover) or _has(r.execution) or _has(r.adjustment),
        "sangong": lambda: _has(r.sangong),
        "public_funds": lambda: _has(r.public_funds),
        "procurement": lambda: _has(r.procurement) or _has(r.basic_budget_adjustment) or _has(r.buildings),
        "budget_management": lambda: mgmt["budget_management"],
        "asset_management": lambda: mgmt["asset_management"],
        "outcome": lambda: mgmt["outcome_statement"],
        "goal_completion": lambda: any(g.completion for g in r.goals),
        "projects": lambda: bool(r.projects),
        "problems": lambda: bool(r.problems),
        "other_notes": lambda: _has(r.other_notes),
        "self_table": lambda: bool(r.self_scores or r.self_funds) or r.self_score_total is not None,
        "totals": lambda: _has(r.income) or _has(exp) or r.self_score_total is not None,
    }
    return tests[key]()


@dataclass
class RecordTrace:
    """A record, its data file, its source document (if any) and where each value comes from."""

    record: DepartmentYear
    data_file: Path
    source: SourceText | None = None
    positions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, record: DepartmentYear, data_file: Path | str) -> "RecordTrace":
        """Read the record's source document (when it names one) and its sidecar positions."""
        data_file = Path(data_file)
        path = source_path(data_file, record)
        source = SourceText.read(path) if path is not None and path.is_file() else None
        return cls(record, data_file, source, sidecar_positions(sidecar_path(data_file)) if source else {})

    @cached_property
    def values(self) -> dict[str, Trace]:
        return trace_values(self.record, self.source, self.positions)

    def place(self, path: str) -> Place | None:
        """Where the value at ``path`` stands in the source (None without a source or when not found)."""
        trace = self.values.get(path)
        return trace.place if trace is not None else None

    def text_place(self, text: str) -> Place | None:
        """Where a passage quoted on a page starts in the source (None when it is not there)."""
        if self.source is None or not text:
            return None
        places, missing = self.source.passage(text)
        return places[0] if places and not missing else None

    # --- what is not in the record ------------------------------------------------------------
    @cached_property
    def _units(self) -> list[tuple[str, int, bool]]:
        """What a topic is looked for in: each sentence of a paragraph, each table row (its cells joined), with
        its offset and whether it is a heading."""
        if self.source is None:
            return []
        out: list[tuple[str, int, bool]] = []
        for row in self.source.paragraphs:
            if any(b.cell for b in row):
                out.append((" | ".join(b.text for b in row), row[0].start, False))
                continue
            block = row[0]
            out += [(s.text, s.start, block.heading) for s in self.source.doc.sentences if s.block == block.index]
        return out

    def mentions(self, topic: Topic) -> list[Place]:
        """The sentences (or table rows) of the source that may state ``topic``: those that do by themselves,
        and a heading with its words followed by figures (a table under a title)."""
        if self.source is None:
            return []
        units = self._units
        found = set(mentions(topic, (text for text, _, _ in units), limit=len(units)))
        if topic.figure:
            plain = dataclasses.replace(topic, figure=False)
            for i, (text, _, heading) in enumerate(units):
                if heading and plain.mentioned_in(text) and any(FIGURE.search(t) for t, _, _ in units[i + 1:i + 6]):
                    found.add(i)
        return [self.source.place(units[i][1]) for i in sorted(found)[:20]]

    def absence(self, key: str, subject: str = "") -> tuple[str, Place | None]:
        """What a page says about a topic the record holds nothing of, and the source sentence it may point to
        (see :func:`perfeval.provenance.claims.absence_sentence`)."""
        topic = TOPICS[key]
        found = self.mentions(topic)
        return absence_sentence(topic, self.source is not None, bool(found), subject), (found[0] if found else None)

    def not_extracted(self) -> list[dict[str, Any]]:
        """The topics the record holds nothing of while the source has sentences that may state them."""
        out = []
        for key, topic in TOPICS.items():
            if key == "totals" or held(self.record, key):
                continue
            found = self.mentions(topic)
            if found:
                out.append({"section": key, "label": topic.what, "sentences": [p.to_json() for p in found]})
        return out

    def unmapped(self) -> list[dict[str, Any]]:
        """Every figure of the source (an amount, a rate, a count) that no figure of the record was traced to."""
        if self.source is None:
            return []
        used = {pos for t in self.values.values() for pos in t.at}
        out = []
        for n in self.source.numbers():
            unit = next((u for u in FIGURE_UNITS if n.after.lstrip().startswith(u)), "")
            if not unit or n.start in used:
                continue
            place = self.source.place(n.start)
            out.append({"figure": self.source.doc.text[n.start:n.end] + unit, **place.to_json(), "start": n.start})
        return out

    # --- output -------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The trace as ``perfeval trace --format json`` prints it (``docs/json.md``)."""
        rec = self.record
        source = None
        if rec.source is not None:
            source = {"file": rec.source.file, "sha256": rec.source.sha256, "url": rec.source.url,
                      "paragraphs": len(self.source.paragraphs) if self.source else 0}
        fields = []
        for t in self.values.values():
            entry: dict[str, Any] = {"path": t.path, "value": t.value, "kind": t.kind, "how": t.how}
            if t.how == "data_file":
                entry["file"] = str(self.data_file)
            if t.places:
                entry["places"] = [p.to_json() for p in t.places]
            if t.missing:
                entry["missing"] = list(t.missing)
            if t.note:
                entry["note"] = t.note
            fields.append(entry)
        return {"code": rec.code, "year": rec.year, "data_file": str(self.data_file), "source": source,
                "fields": fields, "not_extracted": self.not_extracted(), "unmapped": self.unmapped()}
