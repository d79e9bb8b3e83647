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
    """One entry per ``verify`` finding whose resolution changes the total, then one for all of them together.

    Empty when no verify finding changes the score.
    """
    base = base or score(rec, framework)
    entries: list[Sensitivity] = []
    for finding in findings:
        if finding.severity != "verify" or not finding.overrides:
            continue
        result = score(rec, framework, finding.overrides)
        if result.total != base.total:
            entries.append(Sensitivity(finding, result))
    if entries:
        merged: dict[str, Override] = {}
        for entry in entries:
            assert entry.finding is not None
            for override in entry.finding.overrides:
                merged.setdefault(override.input, override)
        entries.append(Sensitivity(None, score(rec, framework, tuple(merged.values()))))
    return entries


def sensitivity_sentence(entries: Sequence[Sensitivity]) -> str:
    """One sentence for the chapter: "若上述需核实事项均成立，测算得分为97.34分，等级“优”。" ("" when none)."""
    together = next((e for e in entries if e.finding is None), None)
    if together is None or together.result.shown_total is None:
        return ""
    label = together.result.label
    return f"若上述需核实事项均成立，{label}为{plain(round_score(together.result.shown_total))}分，等级“{together.grade}”。"
