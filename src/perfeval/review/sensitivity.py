"""Sensitivity: the computed score if ``verify`` findings were resolved in the unit's favour.

A ``verify`` finding (需核实) may carry :class:`perfeval.review.findings.Override`
values — e.g. the unit says its mid-year adjustment does not count as a budget
adjustment, so ``adjustment_rate`` would be the rate the unit declares. Scoring
re-runs with each finding's overrides, then with all of them together. Only
findings that change the total are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from perfeval.model.numbers import plain, round_score
from perfeval.model.schema import DepartmentYear
import perfeval.review.rules as rules
from perfeval.review.findings import Finding, Override
from perfeval.review.frameworks import Framework
from perfeval.review.scoring import ScoreResult, score


@dataclass(frozen=True)
class Sensitivity:
    """The score with one finding (or, when ``finding`` is None, all of them) resolved in the unit's favour."""

    finding: Finding | None
    result: ScoreResult

    @property
    def total(self) -> Decimal | None:
        return self.result.total

    @property
    def grade(self) -> rules.Grade | None:
        return self.result.grade


def sensitivity(rec: DepartmentYear, framework: Framework, findings: Sequence[Finding],
                base: ScoreResult | None = None) -> list[Sensitivity]:
    """One entry per ``verify`` finding (not ruled on) whose resolution changes the total, then one for all of
    them together. ``base`` may already hold inputs established by rulings (its ``overrides``).

    Empty when no verify finding changes the score.
    """
    base = base or score(rec, framework)
    entries: list[Sensitivity] = []
    for finding in findings:
        if finding.severity != "verify" or not finding.overrides or finding.ruling is not None:
            continue
        # On top of what rulings have established (the base's overrides), this finding resolved as well.
        result = score(rec, framework, (*finding.overrides, *base.overrides))
        if result.total != base.total:
            entries.append(Sensitivity(finding, result))
    if entries:
        merged: dict[str, Override] = {o.input: o for o in base.overrides}
        for entry in entries:
            assert entry.finding is not None
            for override in entry.finding.overrides:
                merged.setdefault(override.input, override)   # what rulings established stands
        entries.append(Sensitivity(None, score(rec, framework, tuple(merged.values()))))
    return entries


def _what(finding: Finding) -> str:
    """What would have to hold, read after "若单位关于"."""
    return finding.claim or "该事项"


def sensitivity_sentence(entries: Sequence[Sensitivity]) -> str:
    """The chapter's sentence naming what would have to hold, and what the score would then be ("" when
    nothing changes the score): "若单位关于年中追加资金不计入预算调整数的说明经核实成立，测算得分为97.34分，
    等级为优。" With several findings, each alone and then all of them together. Never "若需核实事项成立"
    (which reads as if confirming a problem raised the score)."""
    singles = [e for e in entries if e.finding is not None and e.result.shown_total is not None]
    together = next((e for e in entries if e.finding is None), None)
    if not singles or together is None:
        return ""
    label = together.result.label
    parts = [f"若单位关于{_what(e.finding)}的说明经核实成立，{label}为{_score(e)}" for e in singles  # type: ignore[union-attr]
             if e.finding is not None]
    if len(singles) > 1 and together.result.shown_total is not None:
        named = "、".join(dict.fromkeys(_what(e.finding) for e in singles if e.finding is not None))
        parts.append(f"若单位关于{named}的说明均经核实成立，{label}为{_score(together)}")
    return "；".join(parts) + "。"


def _score(entry: Sensitivity) -> str:
    total = entry.result.shown_total
    assert total is not None
    return f"{plain(round_score(total))}分，等级为{entry.grade}"
