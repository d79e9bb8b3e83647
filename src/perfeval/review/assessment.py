"""One department-year's review as every output shows it: the checks (with last year's record for the
rectification checks), the finance bureau's rulings applied, the unit's replies attached, the score with
what the rulings established, and the sensitivity over the 需核实 findings left open.

The chapter, ``perfeval score`` / ``check``, the Word files, the 反馈函, the year overview and the risk list
all take their findings and scores from here, so that a ruling changes every one of them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from perfeval.model.files import load_department
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks import run_checks
from perfeval.review.decisions import RepliesFile, Reply, Ruling, RulingsFile, load_side
from perfeval.review.findings import Finding
from perfeval.review.frameworks import Framework
from perfeval.review.rectification import RectificationRow, match
from perfeval.review.replies import attach_replies
from perfeval.review.rulings import apply_rulings, ruled_overrides
from perfeval.review.scoring import ScoreResult, score
from perfeval.review.sensitivity import Sensitivity, sensitivity


@dataclass(frozen=True)
class Decided:
    """The findings of a department-year after rulings and replies, and the rulings and replies that name no
    current finding (kept, and reported)."""

    findings: list[Finding]
    orphan_rulings: tuple[Ruling, ...] = ()
    orphan_replies: tuple[Reply, ...] = ()


@dataclass(frozen=True)
class Assessment:
    rec: DepartmentYear
    framework: Framework
    result: ScoreResult                        # with what accepted rulings established
    decided: Decided
    sensitivities: list[Sensitivity]          # over the 需核实 findings not ruled on
    rulings: tuple[Ruling, ...] = ()
    previous: DepartmentYear | None = None     # last year's record, when the data holds it
    rectification: tuple[RectificationRow, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        return self.decided.findings

    @property
    def ruled(self) -> list[Finding]:
        """The findings the bureau has ruled on, in the order of the list."""
        return [f for f in self.findings if f.ruling is not None]


def decide(rec: DepartmentYear, rulings: Sequence[Ruling] = (), replies: Sequence[Reply] = (),
           previous: DepartmentYear | None = None, source: str = "") -> Decided:
    """The checks' findings with the rulings applied and the replies attached."""
    ruled, orphan_rulings = apply_rulings(run_checks(rec, source, previous), rulings)
    replied, orphan_replies = attach_replies(ruled, replies)
    return Decided(replied, tuple(orphan_rulings), tuple(orphan_replies))


def assess(rec: DepartmentYear, framework: Framework, *, rulings: Sequence[Ruling] = (),
           replies: Sequence[Reply] = (), previous: DepartmentYear | None = None, source: str = "") -> Assessment:
    decided = decide(rec, rulings, replies, previous, source)
    result = score(rec, framework, ruled_overrides(decided.findings))
    rows, _ = match(rec, previous)
    return Assessment(rec, framework, result, decided, sensitivity(rec, framework, decided.findings, result),
                      tuple(rulings), previous, tuple(rows) if previous is not None else ())


# --- from the data folder --------------------------------------------------------------------------

def previous_record(data_file: Path | str, rec: DepartmentYear) -> DepartmentYear | None:
    """Last year's record of the same department in the same data folder, when there is one."""
    path = Path(data_file).parent.parent / str(rec.year - 1) / f"{rec.code}.yaml"
    return load_department(path) if path.is_file() else None


def decide_file(rec: DepartmentYear, data_file: Path | str, source: str = "") -> Decided:
    """:func:`decide` with the rulings, replies and last year's record found beside ``data_file``."""
    return decide(rec, load_side(data_file, rec, RulingsFile).rulings, load_side(data_file, rec, RepliesFile).replies,
                  previous_record(data_file, rec), source)


def assess_file(rec: DepartmentYear, framework: Framework, data_file: Path | str, source: str = "") -> Assessment:
    """:func:`assess` with the rulings, replies and last year's record found beside ``data_file``."""
    return assess(rec, framework, rulings=load_side(data_file, rec, RulingsFile).rulings,
                  replies=load_side(data_file, rec, RepliesFile).replies,
                  previous=previous_record(data_file, rec), source=source)
