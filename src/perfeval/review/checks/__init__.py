"""Data checks a reviewer applies to a department-year record, by theme, in one registry.

Each check has a name, a Chinese title and a function yielding
:class:`perfeval.review.findings.Finding` objects (check id, severity, field path,
one line of Chinese, the numbers involved as exact decimal text). Themes:
:mod:`~perfeval.review.checks.sums`, :mod:`~perfeval.review.checks.rates`,
:mod:`~perfeval.review.checks.changes` (variance, year on year, 支出 vs 收入),
:mod:`~perfeval.review.checks.projects` (claims against figures),
:mod:`~perfeval.review.checks.goals`, :mod:`~perfeval.review.checks.text`,
:mod:`~perfeval.review.checks.counts` (staff and vehicles by establishment, stated counts against lists),
:mod:`~perfeval.review.checks.consistency` (what a report's statements imply about each other).
A new check is a function and a :class:`CheckRule` in its theme's ``CHECKS``.
"""

from __future__ import annotations

from perfeval.model.schema import DepartmentYear
from perfeval.review.checks import changes, consistency, counts, goals, projects, rates, sums, text
from perfeval.review.checks.base import CheckRule
from perfeval.review.findings import Finding, sort_findings

#: Every check, in the order their findings are listed within a severity.
CHECKS: tuple[CheckRule, ...] = (sums.CHECKS + rates.CHECKS + changes.CHECKS + projects.CHECKS + goals.CHECKS
                                 + text.CHECKS + counts.CHECKS + consistency.CHECKS)

#: Every check id a finding may carry, with its severity (and the condition when it varies).
CHECK_IDS: dict[str, str] = {check_id: severity for check in CHECKS for check_id, severity in check.ids.items()}


def run_checks(rec: DepartmentYear, source: str = "") -> list[Finding]:
    """Run every check on a record; findings sorted by severity (errors first)."""
    found: list[Finding] = []
    for check in CHECKS:
        for finding in check.fn(rec):
            found.append(finding.with_source(source) if source and not finding.source else finding)
    return sort_findings(found)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["CHECKS", "CHECK_IDS", "CheckRule", "has_errors", "run_checks", "sort_findings"]
