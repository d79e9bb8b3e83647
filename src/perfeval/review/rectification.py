"""Rectification across years (上年问题整改情况): last year's problems followed into this year's report.

Last year's record lists its problems with 整改措施, 整改责任人 and 整改完成时限; this year's record says, in
its ``rectification`` list, how each was rectified (已整改 / 整改中 / 未整改; not said: 未说明). An entry is
matched to last year's problem by ``number`` (问题N of last year's list), else by the problem's text (the
same words, punctuation and spaces aside, or one containing the other when only one problem does).

Checks (needing both years, run by :func:`perfeval.review.run_checks` when given last year's record):

- ``rectification.overdue`` (需核实): last year's problems whose deadline has passed by this report's date
  (its 报告日期, else the end of the evaluation year) and whose rectification this year's report does not state;
- ``rectification.late`` (需核实): an entry still 整改中 or 未整改 after its deadline;
- ``rectification.unmatched`` (提示): entries that match none of last year's problems.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from perfeval.model.schema import RECTIFICATION_STATUSES, DepartmentYear, Problem, Rectification
from perfeval.review.decisions import date_words
from perfeval.review.findings import Finding

#: The check ids of the cross-year checks, with their severity (as ``CheckRule.ids``).
RECTIFICATION_IDS: dict[str, str] = {"rectification.overdue": "verify", "rectification.late": "verify",
                                     "rectification.unmatched": "note"}
UNSTATED = "未说明"
#: Every status a row may have, in the order tables and counts show them.
STATUSES: tuple[str, ...] = (*RECTIFICATION_STATUSES, UNSTATED)


@dataclass(frozen=True)
class RectificationRow:
    """One of last year's problems with what this year's report says of its rectification."""

    index: int                         # 0-based position in last year's problems
    problem: Problem
    entry: Rectification | None        # this year's entry, when one matches
    entry_index: int | None = None     # its position in this year's ``rectification`` list

    @property
    def label(self) -> str:
        return f"问题{self.index + 1}"

    @property
    def status(self) -> str:
        return self.entry.status if self.entry is not None and self.entry.status else UNSTATED

    def overdue(self, on: dt.date) -> bool:
        """The deadline has passed by ``on``."""
        return self.problem.deadline is not None and self.problem.deadline < on


def _plain(text: str) -> str:
    """Text compared without spaces, punctuation or width differences."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if not unicodedata.category(ch).startswith(("P", "Z", "C", "S")))


def _find(entry: Rectification, problems: list[Problem]) -> int | None:
    if entry.number is not None:
        return entry.number - 1 if entry.number <= len(problems) else None
    words = _plain(entry.problem)
    same = [i for i, p in enumerate(problems) if _plain(p.problem) == words]
    if len(same) == 1:
        return same[0]
    near = [i for i, p in enumerate(problems) if words and (words in _plain(p.problem) or _plain(p.problem) in words)]
    return near[0] if len(near) == 1 else None


def match(rec: DepartmentYear, previous: DepartmentYear | None) -> tuple[list[RectificationRow], list[int]]:
    """Last year's problems, each with this year's matching entry; and the positions of this year's entries
    that match none (or a problem another entry already matched)."""
    problems = list(previous.problems) if previous is not None else []
    taken: dict[int, int] = {}
    unmatched: list[int] = []
    for j, entry in enumerate(rec.rectification):
        i = _find(entry, problems)
        if i is None or i in taken:
            unmatched.append(j)
        else:
            taken[i] = j
    rows = [RectificationRow(i, p, rec.rectification[taken[i]] if i in taken else None, taken.get(i))
            for i, p in enumerate(problems)]
    return rows, unmatched


def reference_date(rec: DepartmentYear) -> dt.date:
    """The day deadlines are held against: this report's date, else the last day of its evaluation year."""
    if rec.cover is not None and rec.cover.report_date is not None:
        return rec.cover.report_date
    return dt.date(rec.year, 12, 31)


def counts(rows: list[RectificationRow]) -> dict[str, int]:
    """How many of last year's problems have each status (every status listed, zeros included)."""
    found = Counter(r.status for r in rows)
    return {status: found.get(status, 0) for status in STATUSES}


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def rectification_findings(rec: DepartmentYear, previous: DepartmentYear | None) -> Iterator[Finding]:
    """The cross-year checks (module docstring); nothing without last year's record."""
    if previous is None:
        if rec.rectification:
            yield Finding("rectification.unmatched", "note", "rectification",
                          f"本年报告列出{len(rec.rectification)}项上年问题的整改情况，本书没有该部门{rec.year - 1}年的数据，"
                          "无法与上年问题逐项对照", {"entries": str(len(rec.rectification))})
        return
    rows, unmatched = match(rec, previous)
    on = reference_date(rec)
    when = "报告日期" if rec.cover is not None and rec.cover.report_date is not None else "年末"
    silent = [r for r in rows if r.status == UNSTATED and r.overdue(on)]
    if silent:
        listing = "；".join(f"{r.label}「{_short(r.problem.problem)}」（时限{date_words(r.problem.deadline)}）"
                           for r in silent)
        yield Finding("rectification.overdue", "verify", "rectification",
                      f"{previous.year}年报告所列{listing}，整改完成时限在本年{when}（{date_words(on)}）前已到，"
                      "本年报告未说明整改情况，需核实是否已整改", {"problems": str(len(silent))})
    for r in rows:
        if r.entry is not None and r.entry.status in ("整改中", "未整改") and r.overdue(on):
            yield Finding("rectification.late", "verify", f"rectification[{r.entry_index}].status",
                          f"{previous.year}年报告所列{r.label}「{_short(r.problem.problem)}」整改完成时限为"
                          f"{date_words(r.problem.deadline)}，本年报告称“{r.entry.status}”，时限已过，需核实原因",
                          {"problem": str(r.index + 1)})
    if unmatched:
        names = "、".join(f"「{_short(rec.rectification[j].problem)}」" for j in unmatched)
        yield Finding("rectification.unmatched", "note", "rectification",
                      f"本年报告所列整改事项{names}与{previous.year}年报告所列问题无法一一对应，未列入上年问题整改情况表",
                      {"entries": str(len(unmatched))})
