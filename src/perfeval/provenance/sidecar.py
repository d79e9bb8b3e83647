"""The provenance entries of the sidecar ``import-report`` writes beside a draft (``<code>.sources.yml``).

Besides ``sources`` (field → sentence), ``missing``, ``dropped`` and ``notes`` (kept as they were), the sidecar
holds (documented in ``docs/json.md``):

- ``fields``: field path → ``{value, how, text, anchor, paragraph, start, end}``: where the draft's value
  stands in the report. ``how`` is ``importer`` when the importer took it from that offset (``start``/``end``
  are then the figure's own offsets in the normalized text), else how it was found (``matched``,
  ``ambiguous`` with every ``places``, ``derived``, ``not_found``); ``text`` is the sentence or table cell as
  written, ``anchor`` its id on the source page, ``paragraph`` its number (原报告第N段);
- ``unmapped``: every figure of the report (an amount, a rate, a count) that went into no field, with its
  sentence;
- ``not_extracted``: the sections of the report whose figures were not read: the sentences that may state
  them, so that the page says 未能从原报告中提取… (never 原报告未…) and the analyst sees what to add.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from perfeval.importer.normalize import Document
from perfeval.model import DepartmentYear
from perfeval.provenance.record import RecordTrace
from perfeval.provenance.source import SourceText


def sidecar_fields(record: DepartmentYear, doc: Document, positions: Mapping[str, int], data_file: Path,
                   source_file: str = "") -> dict[str, Any]:
    """``fields``, ``unmapped`` and ``not_extracted`` of a draft read from ``doc`` (see the module docstring)."""
    src = SourceText.of(doc, source_file)
    trace = RecordTrace(record, Path(data_file), src, dict(positions))
    ends = {n.start: n.end for n in src.numbers()}
    fields: dict[str, Any] = {}
    for t in trace.values.values():
        if t.kind == "label":
            continue
        entry: dict[str, Any] = {"value": t.value, "how": t.how}
        if t.places:
            place = t.places[0].to_json()
            entry.update(text=place["text"], anchor=place["anchor"], paragraph=place["paragraph"],
                         start=place["start"], end=place["end"])
        if t.at:
            entry.update(start=t.at[0], end=ends.get(t.at[0], t.at[0]))
        if len(t.places) > 1:
            entry["places"] = [p.to_json() for p in t.places]
        if t.missing:
            entry["missing"] = list(t.missing)
        if t.note:
            entry["note"] = t.note
        fields[t.path] = entry
    return {"fields": fields, "unmapped": trace.unmapped(), "not_extracted": trace.not_extracted()}
