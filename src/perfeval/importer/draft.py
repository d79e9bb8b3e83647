"""Writing an extraction as a draft data file, with its sources sidecar.

A draft holds everything that was found and nothing else (nothing is invented
to fill a gap). It is a *partial record*: schema 2 requires only identity
(``code``, ``year``, ``unit.name``), so a draft validates as soon as identity is
known (:func:`perfeval.importer.partial.make_valid` leaves out, with the reason,
any value the schema refuses). The sidecar ``<code>.sources.yml`` keeps field →
sentence, the fields not found, and what was left out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from perfeval.model import DepartmentYear, error_lines, write_yaml
from .extract import Extraction


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

    @property
    def valid(self) -> bool:
        return not self.errors


def write_draft(extraction: Extraction, out: Path, source_name: str) -> DraftResult:
    """Write ``out`` (YAML draft) and its sources sidecar; the draft is a valid partial record.

    Raises :class:`perfeval.importer.partial.MissingIdentity` (nothing written) when code, year or
    unit name is not known.
    """
    from .partial import make_valid

    out = Path(out)
    data, dropped = make_valid(copy.deepcopy(extraction.data))
    errors = validation_errors(data)
    header = [
        f"草稿：由 perfeval import-report 自 {source_name} 提取。",
        "每个字段的出处见 " + sources_path_for(out).name + "；请逐项核对后再使用。",
        "金额单位：万元。",
    ]
    header.append("状态：" + ("已通过数据校验（部分数据：文中未写明的字段一律留空）。" if not errors
                           else "草稿，尚未通过校验。"))
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
    spath = write_yaml(sources_path_for(out), sidecar)
    return DraftResult(out, spath, dict(extraction.missing), errors, dropped)
