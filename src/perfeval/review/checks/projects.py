"""Projects and claims: low rates without a reason, claims the unit's own figures contradict, items far above budget.

A project's rate is named by its basis, as the source states the amount: 拨付率
(资金拨付), 到位率 (资金到位), 执行率 (实际支出 / 使用) — they are different figures.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from perfeval.model.facts import indicator_met
from perfeval.model.numbers import HUNDRED, fmt_rate, fmt_wan, rate
from perfeval.model.schema import DepartmentYear, Project
from perfeval.review.checks.base import (ABOVE_BUDGET_SHARE, EXECUTION_THRESHOLD, SLIP_RATIO, CheckRule, d,
                                         goal_label, project_label, project_name, quote, r)
from perfeval.review.findings import Finding

_EXPLANATION_WORDS = ("原因", "结余", "结转", "未到位", "未拨付", "未使用", "未支出", "未执行", "调减", "取消",
                      "由于", "收回")
#: Claims that all the money arrived or was paid in full: contradicted by a rate below 100%.
_MONEY_CLAIM = re.compile(r"及时足额|足额(?:发放|到位|拨付|兑现)?|全部(?:到位|发放|拨付|兑现)|(?:发放|拨付)到位")
#: Claims that all the work was done: questioned by rates below 90%.
_DONE_CLAIM = re.compile(r"全部完成|均已完成|均完成|全面完成")
#: Words that explain an amount above the budget (other funds, other levels, a wider scope).
_ABOVE_WORDS = ("原因", "由于", "含", "包括", "包含", "其他资金", "上级", "中央", "省级", "县", "区级", "另有", "统筹")


def rate_name(project: Project) -> str:
    """The rate as its basis makes it: 拨付率, 到位率, or 执行率."""
    if "拨付" in project.actual_label:
        return "拨付率"
    if "到位" in project.actual_label:
        return "到位率"
    return "执行率"


def _rated(rec: DepartmentYear) -> Iterator[tuple[int, Project, Decimal]]:
    """Projects stating both a budget and an amount, with the amount's rate of the budget."""
    for i, p in enumerate(rec.projects):
        if p.actual is not None and p.budget is not None:
            value = rate(p.actual, p.budget)
            if value is not None:
                yield i, p, value


def check_project_execution(rec: DepartmentYear) -> Iterator[Finding]:
    for i, p, value in _rated(rec):
        if value >= EXECUTION_THRESHOLD or any(word in p.description for word in _EXPLANATION_WORDS):
            continue
        assert p.actual is not None
        yield Finding("execution.project_below_90", "verify", f"projects[{i}].actual",
                      f"{project_name(i, p)}{rate_name(p)}{fmt_rate(value)}（{p.actual_label}{fmt_wan(p.actual)}占"
                      f"预算{fmt_wan(p.budget)}的比例），低于90%，项目说明中未说明原因，需核实",
                      {"actual": d(p.actual), "budget": d(p.budget), "execution_rate": r(value)})
    budget_only = [(i, p) for i, p in enumerate(rec.projects) if p.actual is None and p.budget is not None]
    if budget_only:
        names = "、".join(project_label(i, p) for i, p in budget_only)
        yield Finding("project.actual_missing", "note", "projects",
                      f"{names}只列明预算（" + "，".join(f"{project_label(i, p)}预算{fmt_wan(p.budget)}"
                                                       for i, p in budget_only)
                      + "），未列明实际支出金额，无法计算执行率",
                      {f"budget_{project_label(i, p)[2:]}": d(p.budget) for i, p in budget_only})
    actual_only = [(i, p) for i, p in enumerate(rec.projects) if p.actual is not None and p.budget is None]
    if actual_only:
        names = "、".join(project_label(i, p) for i, p in actual_only)
        yield Finding("project.budget_missing", "note", "projects",
                      f"{names}只列明{'实际金额' if len(actual_only) > 1 else actual_only[0][1].actual_label}，"
                      "未列明预算，无法计算执行率",
                      {f"actual_{project_label(i, p)[2:]}": d(p.actual) for i, p in actual_only})


def check_money_claims(rec: DepartmentYear) -> Iterator[Finding]:
    """A project says the money arrived or was paid in full, while its own figure is below the budget."""
    for i, p, value in _rated(rec):
        match = _MONEY_CLAIM.search(p.description)
        if match is None or value >= HUNDRED:
            continue
        assert p.actual is not None
        yield Finding("project.claim_full", "error", f"projects[{i}].description",
                      f"{project_name(i, p)}说明称“{match.group(0)}”，但{p.actual_label}{fmt_wan(p.actual)}仅为预算"
                      f"{fmt_wan(p.budget)}的{fmt_rate(value)}，文字与数字不符",
                      {"actual": d(p.actual), "budget": d(p.budget), "execution_rate": r(value)})


def check_completion_claims(rec: DepartmentYear) -> Iterator[Finding]:
    """"全部完成" against the figures: projects below 90% (需核实), goal indicators not met (错误)."""
    low = [(i, p, value) for i, p, value in _rated(rec) if value < EXECUTION_THRESHOLD]
    statement = rec.management.large_projects_statement if rec.management is not None else ""
    match = _DONE_CLAIM.search(statement)
    if match and low:
        listing = "，".join(f"{project_label(i, p)}{rate_name(p)}{fmt_rate(value)}" for i, p, value in low)
        yield Finding("claim.completion", "verify", "management.large_projects_statement",
                      f"项目说明称{quote(_sentence(statement, match.start()), 40)}，但{len(low)}个项目资金低于预算的90%"
                      f"（{listing}），需核实目标任务是否确已全部完成",
                      {f"rate_{project_label(i, p)[2:]}": r(value) for i, p, value in low})
    for i, p, value in _rated(rec):
        m = _DONE_CLAIM.search(p.description)
        if m and value < EXECUTION_THRESHOLD:
            yield Finding("claim.completion", "verify", f"projects[{i}].description",
                          f"{project_name(i, p)}说明称“{m.group(0)}”，但{rate_name(p)}仅{fmt_rate(value)}，需核实",
                          {"execution_rate": r(value)})
    outcome = rec.management.outcome_statement if rec.management is not None else ""
    match = _DONE_CLAIM.search(outcome)
    if match:
        unmet = [(gi, g, ind) for gi, g in enumerate(rec.goals) for ind in g.indicators if indicator_met(ind) is False]
        if unmet:
            listing = "、".join(f"{goal_label(gi, g)}的「{ind.name}」" for gi, g, ind in unmet)
            yield Finding("claim.completion", "error", "management.outcome_statement",
                          f"效果产出情况称{quote(_sentence(outcome, match.start()), 40)}，但{listing}未达到目标值",
                          {"unmet": str(len(unmet))})


def _sentence(text: str, at: int) -> str:
    """The clause around position ``at`` (between punctuation marks)."""
    start = max(text.rfind(mark, 0, at) for mark in "。；;，,") + 1
    ends = [i for i in (text.find(mark, at) for mark in "。；;，,") if i != -1]
    return text[start:min(ends) if ends else len(text)]


def check_above_budget(rec: DepartmentYear) -> Iterator[Finding]:
    """An amount stated for a project (its actual, an output's amount) far above its own budget, unexplained."""
    for i, p in enumerate(rec.projects):
        if p.budget is None or p.budget <= 0 or any(word in p.description for word in _ABOVE_WORDS):
            continue
        amounts = [(p.actual_label, p.actual)] if p.actual is not None else []
        amounts += [(o.name, o.amount) for o in p.outputs if o.amount is not None]
        stated = [(label, amount) for label, amount in amounts if amount is not None]
        if not stated:
            continue
        label, top = max(stated, key=lambda pair: pair[1])
        if top <= p.budget * (1 + ABOVE_BUDGET_SHARE) or top >= p.budget * SLIP_RATIO:
            continue    # within budget, or a 元/万元 slip (reported by units.slip)
        times = (top / p.budget).quantize(Decimal("0.01"))
        yield Finding("project.above_budget", "verify", f"projects[{i}]",
                      f"{project_name(i, p)}列出金额{fmt_wan(top)}（{label}），为预算{fmt_wan(p.budget)}的{times}倍，"
                      "说明中未解释差额（如是否含其他资金来源或全市口径），需核实",
                      {"amount": d(top), "budget": d(p.budget), "ratio": d(times)})


_LARGE_PROJECT = Decimal(50)


def check_no_large_projects(rec: DepartmentYear) -> Iterator[Finding]:
    """"无50万元以上项目" stated while a project of the department's own budget is 50 万元 or more."""
    m = rec.management
    if m is None or m.no_large_projects is not True:
        return
    large = [(i, p) for i, p in enumerate(rec.projects) if not p.managed_only
             and any(v is not None and v >= _LARGE_PROJECT for v in (p.budget, p.adjusted, p.actual))]
    if large:
        listing = "、".join(project_name(i, p) for i, p in large)
        yield Finding("claim.no_large_projects", "error", "management.no_large_projects",
                      f"报告称无50万元以上项目，但本部门项目{listing}的金额在50万元以上", {"projects": str(len(large))})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("execution.projects", "项目资金低于预算90%未说明原因；项目未列明实际支出", check_project_execution,
              {"execution.project_below_90": "verify", "project.actual_missing": "note（合为一条）",
               "project.budget_missing": "note（合为一条）"}),
    CheckRule("project.claim_full", "称资金足额或全部到位、发放，而本项目数字低于预算", check_money_claims,
              {"project.claim_full": "error"}),
    CheckRule("claim.completion", "称全部完成，而项目资金低于90%或指标未达成", check_completion_claims,
              {"claim.completion": "verify（项目资金低于90%）；error（绩效指标未达成）"}),
    CheckRule("project.above_budget", "项目列出的金额超过本项目预算10%以上且未说明", check_above_budget,
              {"project.above_budget": "verify"}),
    CheckRule("claim.no_large_projects", "称无50万元以上项目，而本部门项目在50万元以上", check_no_large_projects,
              {"claim.no_large_projects": "error"}),
)
