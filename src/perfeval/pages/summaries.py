"""What the pages about many departments know of each department-year: its summary.

The year overview and 数据核查汇总 rank, count and chart departments; they need a few figures of each (our
score and grade, the unit's own total, the headline rates, the findings), not the records. A
:class:`DepartmentSummary` holds those figures, computed once from a validated record and the indicator
framework (:func:`summarize`). The build keeps every department's summary with its cache and recomputes
only the summaries whose inputs changed (:mod:`perfeval.book.summaries`); a year page reads the summaries of
its departments from one file the build writes (:func:`read_summaries`), so a change in one department
costs one summary, not a review of every department of the year in the page's kernel.

To give the year pages another figure, declare it on :class:`DepartmentSummary` (typed; ``None`` when the
data do not state it: absent is not zero) and fill it in :func:`summarize`. Summaries kept from before are
recomputed by themselves: their cache key includes the package's code.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel, ConfigDict, TypeAdapter

from perfeval.model import DepartmentYear, compute
from perfeval.review import (Finding, Framework, Grade, Severity, assess_file, rectification_counts, run_checks, score,
                             self_total)


class FindingSummary(BaseModel):
    """One finding of a department-year, as the year pages list it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str                 # the check id (CSV only)
    severity: Severity
    path: str                 # the field path (CSV only)
    item: str                 # what it is about, as the page names it (项目3, 收入情况)
    message: str              # the one line readers see
    finding_id: str = ""      # the stable id (rule and field path) rulings and replies name
    text: str = ""            # the message with the bureau's ruling and the unit's reply in words


class DepartmentSummary(BaseModel):
    """The figures of one department-year that pages about many departments show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    year: int
    demo: bool
    name: str                             # the unit's name
    supervisor: str | None                # 主管部门 (None: the report does not name one)
    score_label: str                      # what our score is called (测算得分)
    total: Decimal | None                 # our total (None when no indicator applies)
    grade: Grade | None                   # None: coverage below 60%, 不予评级
    coverage: Decimal                     # applicable leaf weight ÷ total leaf weight
    self_total: Decimal | None            # the unit's own total score
    adjusted_budget: Decimal | None       # 调整后预算 (万元)
    execution_rate: Decimal | None        # 预算执行率 (%)
    sangong_budget: Decimal | None        # 三公经费 budget (万元)
    sangong_actual: Decimal | None        # 三公经费 actual (万元)
    sangong_control_rate: Decimal | None  # 三公经费控制率 (%)
    findings: tuple[FindingSummary, ...]  # our checks' findings (rulings applied), in the checks' order
    rectification: dict[str, int] = {}   # last year's problems by status (empty: no record of last year)

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)


def summarize(record: DepartmentYear, framework: Framework, findings: Iterable[Finding] | None = None,
              data_file: Path | str | None = None) -> DepartmentSummary:
    """The summary of one validated department-year scored under ``framework`` (``findings``: the record's
    checks when already run). With its ``data_file``, as its chapter shows it: the bureau's rulings, the unit's
    replies and last year's record beside it applied (:func:`perfeval.review.assess_file`)."""
    from perfeval.pages.review_tables import finding_item   # (pandas: only when a summary is computed)

    rectification: dict[str, int] = {}
    if data_file is not None:
        assessment = assess_file(record, framework, data_file)
        result, found = assessment.result, list(assessment.findings)
        if assessment.previous is not None:
            rectification = rectification_counts(list(assessment.rectification))
    else:
        result = score(record, framework)
        found = list(run_checks(record) if findings is None else findings)
    facts = compute(record)
    return DepartmentSummary(
        code=record.code, year=record.year, demo=record.demo, name=record.unit.name,
        supervisor=record.unit.supervisor, score_label=result.label, total=result.total,
        grade=result.grade, coverage=result.coverage, self_total=self_total(record),
        adjusted_budget=facts.adjusted_budget, execution_rate=facts.execution_rate,
        sangong_budget=facts.sangong_budget, sangong_actual=facts.sangong_actual,
        sangong_control_rate=facts.sangong_control_rate,
        findings=tuple(FindingSummary(rule=f.id, severity=f.severity, path=f.path, item=finding_item(record, f.path),
                                      message=f.message, finding_id=f.finding_id, text=f.full_text())
                       for f in found),
        rectification=rectification)


class SummaryFile(BaseModel):
    """The file a page reads: the summaries of the departments it covers, in the data's order."""

    model_config = ConfigDict(extra="forbid")

    summaries: list[DepartmentSummary]


_FILE = TypeAdapter(SummaryFile)


def summaries_json(summaries: Iterable[DepartmentSummary]) -> bytes:
    """The content of a page's summaries file (the same bytes for the same summaries)."""
    return _FILE.dump_json(SummaryFile(summaries=list(summaries)), indent=None) + b"\n"


def read_summaries(path: str | Path) -> list[DepartmentSummary]:
    """The summaries in a file written by :func:`summaries_json`."""
    return _FILE.validate_json(Path(path).read_bytes()).summaries
