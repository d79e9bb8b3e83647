"""Writing an extraction as a draft data file, with its sources sidecar.

A draft holds everything that was found and nothing else (nothing is invented
to fill a gap). It is a *partial record*: schema 2 requires only identity
(``code``, ``year``, ``unit.name``), so a draft validates as soon as identity is
known (:func:`perfeval.importer.partial.make_valid` leaves out, with the reason,
any value the schema refuses). The sidecar ``<code>.sources.yml`` keeps field →
sentence, the fields not found, and what was left out; given the report's
normalized text it also keeps where each value stands (``fields``), the figures
that went into no field (``unmapped``) and the sections not read
(``not_extracted``): see :mod:`perfeval.provenance.sidecar` and docs/json.md.

When the report itself is stored beside the draft (``stored``: its file name and
SHA-256, see ``import-report``), the draft names it in its ``source`` section.
What the importer built from the text rather than read from a form of the report
is marked ``arranged`` (the goals' indicators; a 自评表 read from sentences).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from perfeval.model import DepartmentYear, error_lines, write_yaml
from .extract import Extraction
from .normalize import Document

def prune(value: Any) -> Any:
    """Drop empty mappings and lists (a section with nothing found is left out, not written empty)."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def sources_path_for(out: Path) -> Path:
    """``x/2024/code.yaml`` → ``x/2024/code.sources.yml`` (``.yml``, so data discovery skips it)."""
    name = out.name[:-5] if out.name.endswith(".yaml") else out.stem
    return out.with_name(f"{name}.sources.yml")


def validation_errors(data: dict[str, Any]) -> list[str]:
    """Chinese one-line messages for every schema error of a draft (empty: it validates)."""
    try:
        DepartmentYear.model_validate(data)
    except ValidationError as exc:
        return error_lines(DepartmentYear, exc)
    return []


@dataclass
class DraftResult:
    path: Path
    sources_path: Path
    missing: dict[str, str]
    errors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    not_extracted: list[str] = field(default_factory=list)   # sections of the report not read (Chinese labels)
    unmapped: int = 0                                         # figures of the report that went into no field

    @property
    def valid(self) -> bool:
        return not self.errors


def arranged_flags(data: dict[str, Any], arranged: dict[str, bool]) -> dict[str, bool]:
    """What the importer built from the report's text, as its readers said (``Extraction.arranged``: the goals'
    indicators from goal and completion sentences, projects' outputs from their paragraphs, a 自评表 from sentences
    stating scores), for the parts the draft still holds after :func:`make_valid`."""
    held = {"indicators": any(isinstance(g, dict) and g.get("indicators") for g in data.get("goals") or []),
            "outputs": any(isinstance(p, dict) and p.get("outputs") for p in data.get("projects") or []),
            "self_scores": bool(data.get("self_scores"))}
    return {key: True for key, flag in arranged.items() if flag and held.get(key)}


def _with_provenance(data: dict[str, Any], stored: tuple[str, str] | None,
                     arranged: dict[str, bool]) -> dict[str, Any]:
    """The draft with its ``source`` and ``arranged`` sections, in the schema's order of fields."""
    extra: dict[str, Any] = {}
    if stored is not None:
        extra["source"] = {"file": stored[0], "sha256": stored[1]}
    if arranged:
        extra["arranged"] = arranged
    merged = {**data, **extra}
    order = list(DepartmentYear.model_fields)
    return {k: merged[k] for k in sorted(merged, key=lambda k: order.index(k) if k in order else len(order))}


def write_draft(extraction: Extraction, out: Path, source_name: str, doc: Document | None = None,
                stored: tuple[str, str] | None = None) -> DraftResult:
    """Write ``out`` (YAML draft) and its sources sidecar; the draft is a valid partial record.

    ``doc`` is the report's normalized text (for the sidecar's ``fields``, ``unmapped`` and ``not_extracted``);
    ``stored`` the file name and SHA-256 of the report's copy beside the draft (the draft's ``source``).
    Raises :class:`perfeval.importer.partial.MissingIdentity` (nothing written) when code, year or
    unit name is not known.
    """
    from .partial import make_valid

    out = Path(out)
    data, dropped = make_valid(copy.deepcopy(extraction.data))
    data = _with_provenance(data, stored, arranged_flags(data, extraction.arranged))
    errors = validation_errors(data)
    header = [
        f"草稿：由 perfeval import-report 自 {source_name} 提取。",
        "每个字段的出处见 " + sources_path_for(out).name + "；请逐项核对后再使用。",
        "金额单位：万元。",
    ]
    header.append("状态：" + ("已通过数据校验（部分数据：文中未写明的字段一律留空）。" if not errors
                           else "草稿，尚未通过校验。"))
    if stored is not None:
        header.append(f"原报告已存放在数据文件旁：{stored[0]}（SHA-256 {stored[1]}）。")
    if extraction.missing:
        header.append("文中未找到（未填写，不作推测）：")
        header += [f"  - {path}（{label}）" for path, label in extraction.missing.items()]
    if dropped:
        header.append("不符合数据格式而略去：")
        header += [f"  - {line}" for line in dropped]
    if extraction.notes:
        header.append("提取说明：")
        header += [f"  - {note}" for note in extraction.notes]
    write_yaml(out, data, header=header)
    sidecar = {
        "source_file": source_name,
        "valid": not errors,
        "sources": extraction.sources,
        "missing": extraction.missing,
        "dropped": dropped,
        "notes": extraction.notes,
        "validation_errors": errors,
    }
    if stored is not None:
        sidecar["stored_as"] = stored[0]
    if doc is not None and not errors:
        from perfeval.provenance.sidecar import sidecar_fields

        record = DepartmentYear.model_validate(data)
        sidecar.update(sidecar_fields(record, doc, extraction.positions, out, stored[0] if stored else source_name))
    spath = write_yaml(sources_path_for(out), sidecar)
    return DraftResult(out, spath, dict(extraction.missing), errors, dropped,
                       [entry["label"] for entry in sidecar.get("not_extracted", [])], len(sidecar.get("unmapped", [])))
