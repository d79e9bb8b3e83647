"""Goals and problems: completion statements, indicator values, rectification measures, owners and deadlines.

What the report does not say (a goal without a completion statement, a problem
without an owner) is ``verify``: the fact may exist, the data lacks it. A
deadline that cannot be right (before the report year) is an ``error``.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from perfeval.model.facts import indicator_met, qualitative_met, qualitative_unclear
from perfeval.model.numbers import quantity_words
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks.base import CheckRule, d, goal_label, problem_name
from perfeval.review.findings import Finding

#: A rectification deadline later than this many years after the report year is questioned.
DEADLINE_YEARS_AHEAD = 3


def check_goals(rec: DepartmentYear) -> Iterator[Finding]:
    if not rec.goals:
        yield Finding("goal.missing", "verify", "goals", "报告未列出部门整体支出绩效目标，需核实")
        return
    for gi, goal in enumerate(rec.goals):
        path, label = f"goals[{gi}]", goal_label(gi, goal)
        if not goal.completion.strip():
            yield Finding("goal.no_completion", "verify", f"{path}.completion",
                          f"{label}没有完成情况说明，需核实是否完成", {"goal": label[2:]})
        for ii, ind in enumerate(goal.indicators):
            ipath = f"{path}.indicators[{ii}]"
            named = f"指标「{ind.name}」" if ind.name else f"第{ii + 1}个指标"   # (a name the report does not give)
            if ind.actual is None and not (ind.actual_text or "").strip():
                yield Finding("goal.indicator_no_actual", "verify", f"{ipath}.actual",
                              f"{label}的{named}没有填报实际完成值，需核实", {"goal": label[2:]})
            elif indicator_met(ind) is False:
                assert ind.target is not None and ind.actual is not None
                yield Finding("goal.indicator_not_met", "verify", f"{ipath}.actual",
                              f"{label}的{named}实际完成"
                              f"{quantity_words(ind.actual.value, ind.actual.unit, ind.actual.relation)}，未达到目标值"
                              f"{quantity_words(ind.target.value, ind.target.unit, ind.target.relation)}，需核实原因",
                              {"goal": label[2:], "target": d(ind.target.value), "actual": d(ind.actual.value)})
            elif qualitative_met(ind) is False:
                yield Finding("goal.indicator_not_met", "verify", f"{ipath}.actual_text",
                              f"{label}的{named}原报告写明完成情况为「{ind.actual_text}」，未达成，需核实原因",
                              {"goal": label[2:]})
            elif qualitative_unclear(ind):
                yield Finding("goal.indicator_unclear", "verify", f"{ipath}.actual_text",
                              f"{label}的{named}完成情况为「{ind.actual_text}」，未说明是否达成，需核实；"
                              "测算时不计入达成率", {"goal": label[2:]})


def check_problems(rec: DepartmentYear) -> Iterator[Finding]:
    for i, p in enumerate(rec.problems):
        path, name = f"problems[{i}]", problem_name(i, p)
        if not p.measures.strip():
            yield Finding("problem.no_measures", "verify", f"{path}.measures", f"{name}没有整改措施")
        if not p.responsible.strip():
            yield Finding("problem.no_responsible", "verify", f"{path}.responsible", f"{name}没有整改责任人")
        if p.deadline is None:
            yield Finding("problem.no_deadline", "verify", f"{path}.deadline", f"{name}没有整改完成时限")


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_deadlines(rec: DepartmentYear) -> Iterator[Finding]:
    """Deadlines before the report year (impossible) or more than three years after it (questionable)."""
    earliest = dt.date(rec.year, 1, 1)
    latest = dt.date(rec.year + DEADLINE_YEARS_AHEAD, 12, 31)
    for i, p in enumerate(rec.problems):
        if p.deadline is None:
            continue
        numbers = {"deadline": p.deadline.isoformat(), "report_year": str(rec.year)}
        if p.deadline < earliest:
            yield Finding("problem.deadline_range", "error", f"problems[{i}].deadline",
                          f"{problem_name(i, p)}的整改完成时限{_date(p.deadline)}早于报告年度{rec.year}年，"
                          "不可能是本次评价发现问题的整改时限", numbers)
        elif p.deadline > latest:
            yield Finding("problem.deadline_range", "verify", f"problems[{i}].deadline",
                          f"{problem_name(i, p)}的整改完成时限{_date(p.deadline)}晚于报告年度后"
                          f"{DEADLINE_YEARS_AHEAD}年，需核实是否笔误", numbers)


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("goal", "目标缺少完成情况，指标缺少实际值或未达成", check_goals, {
        "goal.missing": "verify", "goal.no_completion": "verify", "goal.indicator_no_actual": "verify",
        "goal.indicator_not_met": "verify", "goal.indicator_unclear": "verify"}),
    CheckRule("problem", "问题缺少整改措施、责任人或时限", check_problems, {
        "problem.no_measures": "verify", "problem.no_responsible": "verify", "problem.no_deadline": "verify"}),
    CheckRule("problem.deadline_range", "整改时限早于报告年度或晚于其后3年", check_deadlines,
              {"problem.deadline_range": "error（早于报告年度）；verify（晚于报告年度后3年）"}),
)
