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
from perfeval.model.numbers import money_sum, rate
from perfeval.pages.items import finding_item
from perfeval.review import (Assessment, Finding, Framework, Grade, ScoreResult, Severity, assess_file,
                             rectification_counts, run_checks, score, self_total)


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
    ruled: bool = False       # the bureau has ruled on it (口径认定)


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
    # What the risk list (:mod:`perfeval.pages.risk`) weighs besides the findings:
    adjustment_rate: Decimal | None = None        # 预算调整率 (%) as the score took it (after the rulings)
    managed_execution_rate: Decimal | None = None  # 代管资金 (managed-only projects) executed ÷ budget (%)
    sangong_change_rate: Decimal | None = None    # 三公经费 change on last year's (%)
    rectification_overdue: int = 0               # last year's problems overdue or late (standing findings)

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)


def summarize(record: DepartmentYear, framework: Framework, findings: Iterable[Finding] | None = None,
              data_file: Path | str | None = None) -> DepartmentSummary:
    """The summary of one validated department-year scored under ``framework`` (``findings``: the record's
    checks when already run). With its ``data_file``, as its chapter shows it: the bureau's rulings, the unit's
    replies and last year's record beside it applied (:func:`perfeval.review.assess_file`)."""
    if data_file is not None:
        return summary_of(assess_file(record, framework, data_file))
    return _summary(record, score(record, framework), list(run_checks(record) if findings is None else findings), {})


def summary_of(assessment: Assessment) -> DepartmentSummary:
    """The summary of a department-year's assessment (rulings, replies and rectification as it holds them)."""
    rectification = (rectification_counts(list(assessment.rectification))
                     if assessment.previous is not None else {})
    return _summary(assessment.rec, assessment.result, list(assessment.findings), rectification)


def scored_adjustment(record: DepartmentYear, result: ScoreResult) -> Decimal | None:
    """The 预算调整率 the score took (a ruling may have established another than the figures give)."""
    for leaf in result.leaves():
        for value in leaf.inputs:
            if value.name == "adjustment_rate" and isinstance(value.value, Decimal):
                return value.value
    return compute(record).adjustment_rate


def managed_execution_rate(record: DepartmentYear) -> Decimal | None:
    """Executed ÷ budget (%) of the projects the department only manages (代管资金) that state both."""
    paired = [p for p in record.projects if p.managed_only and p.budget is not None and p.actual is not None]
    if not paired:
        return None
    return rate(money_sum([p.actual for p in paired if p.actual is not None]),
                money_sum([p.budget for p in paired if p.budget is not None]))


#: The findings that count last year's problems past their deadline (their ``problems`` figure: how many).
OVERDUE_CHECKS = ("rectification.overdue", "rectification.late")


def _summary(record: DepartmentYear, result: ScoreResult, found: list[Finding],
             rectification: dict[str, int]) -> DepartmentSummary:
    facts = compute(record)
    overdue = sum(int(f.numbers.get("problems", "1")) for f in found
                  if f.id in OVERDUE_CHECKS and f.severity != "note")
    return DepartmentSummary(
        code=record.code, year=record.year, demo=record.demo, name=record.unit.name,
        supervisor=record.unit.supervisor, score_label=result.label, total=result.total,
        grade=result.grade, coverage=result.coverage, self_total=self_total(record),
        adjusted_budget=facts.adjusted_budget, execution_rate=facts.execution_rate,
        sangong_budget=facts.sangong_budget, sangong_actual=facts.sangong_actual,
        sangong_control_rate=facts.sangong_control_rate,
        findings=tuple(FindingSummary(rule=f.id, severity=f.severity, path=f.path, item=finding_item(record, f.path),
                                      message=f.message, finding_id=f.finding_id, text=f.full_text(),
                                      ruled=f.ruling is not None)
                       for f in found),
        rectification=rectification, adjustment_rate=scored_adjustment(record, result),
        managed_execution_rate=managed_execution_rate(record), sangong_change_rate=facts.sangong_change_rate,
        rectification_overdue=overdue)


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
