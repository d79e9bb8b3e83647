"""Rulings (口径认定): the finance bureau's decisions on findings, and what they change.

A ruling names a finding by its stable id. ``采纳`` accepts the unit's explanation: the finding does not
stand (it is listed as 提示 with the ruling), and the inputs its explanation implies (its ``overrides``) are
taken as established in the score, with the basis in their explanation. ``不采纳`` rejects it: the finding
stands as 错误 and leaves the sensitivity list. A ruling whose finding no longer exists (the data changed)
is kept, and reported (:func:`apply_rulings` returns it; ``perfeval validate`` and the page name it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from perfeval.errors import UsageError
from perfeval.model.schema import DepartmentYear
from perfeval.review.decisions import RulingsFile, Ruling, load_side, write_side
from perfeval.review.findings import Finding, Override, sort_findings


def apply_rulings(findings: Sequence[Finding], rulings: Sequence[Ruling]) -> tuple[list[Finding], list[Ruling]]:
    """The findings as ruled (采纳 → 提示, 不采纳 → 错误, each carrying its ruling), and the rulings whose
    finding is not among ``findings``."""
    by_id = {r.finding: r for r in rulings}
    out = []
    for f in findings:
        ruling = by_id.get(f.finding_id)
        if ruling is None:
            out.append(f)
        else:
            out.append(replace(f, severity="note" if ruling.accepted else "error", ruling=ruling))
    current = {f.finding_id for f in findings}
    return sort_findings(out), [r for r in rulings if r.finding not in current]


def ruled_overrides(findings: Sequence[Finding]) -> tuple[Override, ...]:
    """The inputs established by accepted rulings (采纳), each explained by the ruling."""
    out: list[Override] = []
    for f in findings:
        if f.ruling is not None and f.ruling.accepted:
            basis = f.ruling.basis.rstrip("。；;. ")
            out += [Override(o.input, o.value, f"经认定（依据：{basis}），{f.claim or '单位的说明成立'}")
                    for o in f.overrides]
    return tuple(out)


def add_ruling(data_file: Path | str, rec: DepartmentYear, findings: Sequence[Finding], ruling: Ruling,
               *, force: bool = False) -> Path:
    """Write ``ruling`` into the department-year's rulings file: refused when its finding is not a current
    finding (a note needs no ruling), or when the finding already has a ruling (unless ``force``)."""
    current = {f.finding_id: f for f in findings}
    finding = current.get(ruling.finding)
    if finding is None:
        raise UsageError(f"{rec.code} {rec.year} 年度没有编号为 {ruling.finding} 的核查事项；"
                         "请用 perfeval check 查看当前的编号 (no such finding)")
    if finding.severity == "note" and finding.ruling is None:
        raise UsageError(f"核查事项 {ruling.finding} 是提示，不需要认定 (a note needs no ruling)")
    side = load_side(data_file, rec, RulingsFile)
    others = [r for r in side.rulings if r.finding != ruling.finding]
    if len(others) != len(side.rulings) and not force:
        raise UsageError(f"核查事项 {ruling.finding} 已有认定；如需改写请加 --force (refusing to overwrite a ruling)")
    updated = RulingsFile(code=rec.code, year=rec.year, rulings=[*others, ruling])
    return write_side(data_file, updated, f"{rec.year}年{rec.unit.name}：财政部门的口径认定（由 perfeval rule 写入）。")
