"""Counts: staff in post by kind against the establishment, vehicles against theirs, the date staff are counted at,
and the number of items a report states against the items it lists ("共16个项目" with 13 named).

Over-establishment is 需核实 (编外 or seconded staff may be counted; the reason is not in the data), as is a
list longer than its stated count; a list shorter than its count is a 提示 — a report may name only some ("…等，
共计16个项目"). The sums of the kinds (23 + 1 + 96 = 120) are in :mod:`~perfeval.review.checks.sums`
(``sum.staffing``); 实有人数 above 编制数 as a whole is ``staffing.over`` (:mod:`~perfeval.review.checks.rates`).
Labels and units come from the forms registry.
"""

from __future__ import annotations

from typing import Callable, Iterator

from perfeval.model import forms
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks.base import CheckRule
from perfeval.review.findings import Finding

#: Stated count → the list it counts.
LISTS: dict[str, Callable[[DepartmentYear], list[object]]] = {
    "internal_units": lambda rec: list(rec.unit.internal_units),
    "sub_units": lambda rec: list(rec.unit.sub_units),
    "projects": lambda rec: list(rec.projects),
    "goals": lambda rec: list(rec.goals),
}


def _over(check_id: str, path: str, approved_path: str, actual: int | None, approved: int | None,
          why: str) -> Iterator[Finding]:
    if actual is None or approved is None or actual <= approved:
        return
    unit = forms.entry(path).unit
    yield Finding(check_id, "verify", path,
                  f"{forms.label(path)}{actual}{unit}超过{forms.label(approved_path)}{approved}{unit}，"
                  f"超出{actual - approved}{unit}，{why}",
                  {"approved": str(approved), "actual": str(actual), "over": str(actual - approved)})


def check_staffing_by_kind(rec: DepartmentYear) -> Iterator[Finding]:
    """Staff in post of a kind (行政 / 事业 / 工勤) above the establishment of that kind."""
    s = rec.staffing
    if s is None:
        return
    for kind in ("admin", "institution", "worker"):
        yield from _over("staffing.over_kind", f"staffing.actual_{kind}", f"staffing.approved_{kind}",
                         getattr(s, f"actual_{kind}"), getattr(s, f"approved_{kind}"),
                         "需核实原因（如编外、借调人员是否计入）")


def check_vehicles(rec: DepartmentYear) -> Iterator[Finding]:
    """Vehicles in use above the vehicle establishment (车辆编制)."""
    v = rec.vehicles
    if v is not None:
        yield from _over("vehicles.over", "vehicles.actual", "vehicles.approved", v.actual, v.approved,
                         "超编制配备公务用车，需核实")


def check_staffing_date(rec: DepartmentYear) -> Iterator[Finding]:
    """Staff counted at a date before the year evaluated (截至2023年12月31日 in a report on 2024)."""
    s = rec.staffing
    if s is None or s.as_of is None or s.as_of.year >= rec.year:
        return
    day = f"{s.as_of.year}年{s.as_of.month}月{s.as_of.day}日"
    yield Finding("staffing.as_of", "verify", "staffing.as_of",
                  f"人员数为截至{day}的数字，早于评价年度{rec.year}年：可能是上年数字或日期未更新，需核实",
                  {"as_of": s.as_of.isoformat(), "year": str(rec.year)})


def check_stated_counts(rec: DepartmentYear) -> Iterator[Finding]:
    """A count the report states beside a list against the items listed (only when it lists some)."""
    counts = rec.stated_counts
    if counts is None:
        return
    for key, items in LISTS.items():
        stated = getattr(counts, key)
        listed = len(items(rec))
        if stated is None or listed == 0 or listed == stated:
            continue
        path = f"stated_counts.{key}"
        entry = forms.entry(path)
        what = entry.label.removesuffix("个数")
        numbers = {"stated": str(stated), "listed": str(listed), "difference": str(stated - listed)}
        if listed < stated:
            yield Finding("counts.stated", "note", path,
                          f"原报告称{what}共{stated}{entry.unit}，列出{listed}{entry.unit}：名单可能只列出了一部分", numbers)
        else:
            yield Finding("counts.stated", "verify", path,
                          f"原报告称{what}共{stated}{entry.unit}，却列出{listed}{entry.unit}，多{listed - stated}"
                          f"{entry.unit}：所述个数与名单不符，需核实", numbers)


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("staffing.over_kind", "按类别：行政、事业、工勤实有人数超过该类编制数", check_staffing_by_kind,
              {"staffing.over_kind": "verify"}),
    CheckRule("vehicles.over", "实有车辆数超过车辆编制数", check_vehicles, {"vehicles.over": "verify"}),
    CheckRule("staffing.as_of", "人员数的统计日期早于评价年度", check_staffing_date, {"staffing.as_of": "verify"}),
    CheckRule("counts.stated", "文中所述个数与所列名单", check_stated_counts,
              {"counts.stated": "note（列出的少于所述：名单可能未列全）；verify（列出的多于所述）"}),
)
