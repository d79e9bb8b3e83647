"""Data checks a reviewer applies to a department-year record, by theme, in one registry.

Each check has a name, a Chinese title and a function yielding
:class:`perfeval.review.findings.Finding` objects (check id, severity, field path,
one line of Chinese, the numbers involved as exact decimal text). Themes:
:mod:`~perfeval.review.checks.sums`, :mod:`~perfeval.review.checks.rates`,
:mod:`~perfeval.review.checks.changes` (variance, year on year, 支出 vs 收入),
:mod:`~perfeval.review.checks.projects` (claims against figures),
:mod:`~perfeval.review.checks.goals`, :mod:`~perfeval.review.checks.text`,
:mod:`~perfeval.review.checks.counts` (staff and vehicles by establishment, stated counts against lists),
:mod:`~perfeval.review.checks.consistency` (what a report's statements imply about each other); and, given
last year's record, the cross-year checks of :mod:`perfeval.review.rectification`.
A new check is a function and a :class:`CheckRule` in its theme's ``CHECKS``.
"""

from __future__ import annotations

from perfeval.model.schema import DepartmentYear
from perfeval.review.checks import changes, consistency, counts, goals, projects, rates, sums, text
from perfeval.review.checks.base import CheckRule
from perfeval.review.findings import Finding, sort_findings
from perfeval.review.rectification import RECTIFICATION_IDS, rectification_findings

#: Every check, in the order their findings are listed within a severity.
CHECKS: tuple[CheckRule, ...] = (sums.CHECKS + rates.CHECKS + changes.CHECKS + projects.CHECKS + goals.CHECKS
                                 + text.CHECKS + counts.CHECKS + consistency.CHECKS)

#: Every check id a finding may carry, with its severity (and the condition when it varies); the cross-year
#: checks of rectification last.
CHECK_IDS: dict[str, str] = {**{check_id: severity for check in CHECKS for check_id, severity in check.ids.items()},
                             **RECTIFICATION_IDS}


def run_checks(rec: DepartmentYear, source: str = "", previous: DepartmentYear | None = None) -> list[Finding]:
    """Run every check on a record (and, given last year's record, the rectification checks across the two
    years); findings sorted by severity (errors first)."""
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check.fn(rec))
    found.extend(rectification_findings(rec, previous))
    return sort_findings([f.with_source(source) if source and not f.source else f for f in found])


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["CHECKS", "CHECK_IDS", "CheckRule", "has_errors", "run_checks", "sort_findings"]
