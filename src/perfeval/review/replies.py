"""The unit's replies (单位回复) to the questions of the 反馈函: stored apart from the unit's report data, shown
beside their findings. A reply alone changes no score and no severity: only a ruling does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from perfeval.errors import UsageError
from perfeval.model.schema import DepartmentYear
from perfeval.review.decisions import RepliesFile, Reply, load_side, write_side
from perfeval.review.findings import Finding


def questions(findings: Sequence[Finding]) -> list[Finding]:
    """The findings the unit is asked about: every 需核实 finding not yet ruled on."""
    return [f for f in findings if f.severity == "verify" and f.ruling is None]


def attach_replies(findings: Sequence[Finding], replies: Sequence[Reply]) -> tuple[list[Finding], list[Reply]]:
    """The findings with their replies, and the replies whose finding is not among ``findings``."""
    by_id = {r.finding: r for r in replies}
    out = [replace(f, reply=by_id[f.finding_id]) if f.finding_id in by_id else f for f in findings]
    current = {f.finding_id for f in findings}
    return out, [r for r in replies if r.finding not in current]


def store_replies(data_file: Path | str, rec: DepartmentYear, replies: Sequence[Reply], *,
                  force: bool = False) -> tuple[Path, int]:
    """Merge ``replies`` into the department-year's replies file; a different reply already stored for the same
    finding is replaced only with ``force``. Returns the file and how many replies were new or changed."""
    side = load_side(data_file, rec, RepliesFile)
    stored = {r.finding: r for r in side.replies}
    clash = [r.finding for r in replies if r.finding in stored and stored[r.finding] != r]
    if clash and not force:
        raise UsageError(f"以下核查事项已有不同的单位回复：{'、'.join(clash)}；如需改写请加 --force "
                         "(refusing to overwrite replies)")
    changed = sum(1 for r in replies if stored.get(r.finding) != r)
    merged = {**stored, **{r.finding: r for r in replies}}
    updated = RepliesFile(code=rec.code, year=rec.year, replies=list(merged.values()))
    path = write_side(data_file, updated, f"{rec.year}年{rec.unit.name}：单位对反馈函的回复（由 perfeval import-reply 导入）。")
    return path, changed
