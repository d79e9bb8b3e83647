"""Projects and claims: low rates without a reason, claims beside lower figures, items far above budget.

One fact is one finding: whatever the checks find about a project (its rate below 90% unexplained, "及时足额"
or "全部完成" said of it, the statement on all projects saying they were all done, an amount far above its
budget) is one finding of that project, with the check ids of every part (``Finding.also``).

A claim in words beside a figure is a reading, not a proof: paying beneficiaries in full ("及时足额发放") and
spending the whole budget are different things, so such a finding is 需核实, never 错误.

A project's rate is named by its basis, as the source states the amount: 拨付率
(资金拨付), 到位率 (资金到位), 执行率 (实际支出 / 使用) — they are different figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
_MONEY_CLAIM = re.compile(r"(?:及时)?足额(?:发放|到位|拨付|兑现)?|全部(?:到位|发放|拨付|兑现)|(?:发放|拨付)到位")
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


@dataclass(frozen=True)
class _Part:
    """One thing a check found about a project: its check id and field path, the clause it adds to the
    project's finding, the question it leaves, its severity and figures."""

    check: str
    path: str
    clause: str
    question: str
    numbers: dict[str, str]
    severity: str = "verify"
    rated: bool = True      # the clause leans on the project's rate (stated once, at the head)


def _rate_head(p: Project, value: Decimal) -> str:
    assert p.actual is not None
    return f"{rate_name(p)}{fmt_rate(value)}（{p.actual_label}{fmt_wan(p.actual)}占预算{fmt_wan(p.budget)}的比例）"


def _parts(rec: DepartmentYear) -> dict[int, list[_Part]]:
    """What each project's figures and words give, by project: the rate below 90% without a reason, a claim of
    money paid in full or of work all done beside a lower figure, an amount far above the budget."""
    parts: dict[int, list[_Part]] = {}
    rated = {i: (p, value) for i, p, value in _rated(rec)}
    statement = rec.management.large_projects_statement if rec.management is not None else ""
    done = _DONE_CLAIM.search(statement)
    for i, (p, value) in rated.items():
        own = parts.setdefault(i, [])
        numbers = {"actual": d(p.actual), "budget": d(p.budget), "execution_rate": r(value)}
        if value < EXECUTION_THRESHOLD and not any(word in p.description for word in _EXPLANATION_WORDS):
            own.append(_Part("execution.project_below_90", f"projects[{i}].actual", "低于90%，项目说明中未说明原因",
                             "资金低于预算的原因", numbers))
        money = _MONEY_CLAIM.search(p.description)
        if money is not None and value < HUNDRED:
            # Paying the beneficiaries in full and spending the whole budget are different things: a reading of
            # the words, not a contradiction the figures prove (需核实, not 错误).
            said = money.group(0)
            why = ("足额发放到对象与预算资金全部拨付、使用不是一回事" if "发放" in said or "兑现" in said
                   else "文字所指的资金与预算的口径不一定相同")
            own.append(_Part("project.claim_full", f"projects[{i}].description",
                             f"项目说明称“{said}”，而{rate_name(p)}不到100%（{why}）", f"是否确如所称“{said}”",
                             numbers))
        claim = _DONE_CLAIM.search(p.description)
        if claim is not None and value < EXECUTION_THRESHOLD:
            own.append(_Part("claim.completion", f"projects[{i}].description", f"项目说明称“{claim.group(0)}”",
                             "目标任务是否确已全部完成", numbers))
        if done is not None and value < EXECUTION_THRESHOLD:
            own.append(_Part("claim.completion", "management.large_projects_statement",
                             f"项目总体说明称{quote(_sentence(statement, done.start()), 40)}",
                             "目标任务是否确已全部完成", numbers))
    for i, p in enumerate(rec.projects):
        above = _above_budget(p)
        if above is not None:
            label, top, times = above
            parts.setdefault(i, []).append(_Part(
                "project.above_budget", f"projects[{i}]",
                f"列出金额{fmt_wan(top)}（{label}），为预算{fmt_wan(p.budget)}的{times}倍，说明中未解释差额"
                "（如是否含其他资金来源或全市口径）", "差额的来源",
                {"amount": d(top), "budget": d(p.budget), "ratio": d(times)}, rated=False))
    return {i: found for i, found in parts.items() if found}


def check_projects(rec: DepartmentYear) -> Iterator[Finding]:
    """One finding per project with everything found about it (one fact, one finding): its check id is that of
    the first part, the others are in ``also``; the path is the part's own field of the project, or the project's
    when there are several parts (or the part is the statement on all projects)."""
    for i, found in sorted(_parts(rec).items()):
        p = rec.projects[i]
        rated = [part for part in found if part.rated]
        head = project_name(i, p)
        if rated:
            value = rate(p.actual, p.budget) if p.actual is not None and p.budget is not None else None
            assert value is not None
            head += _rate_head(p, value)
        clauses = [part.clause for part in found]
        questions = list(dict.fromkeys(part.question for part in found))
        numbers: dict[str, str] = {}
        for part in found:
            numbers.update(part.numbers)
        checks = list(dict.fromkeys(part.check for part in found))
        severity = "error" if any(part.severity == "error" for part in found) else "verify"
        own_path = f"projects[{i}]"
        path = found[0].path if len(found) == 1 and found[0].path.startswith(own_path) else own_path
        sep = "，" if rated and found[0].rated else ""
        yield Finding(checks[0], severity, path, f"{head}{sep}{'；'.join(clauses)}。需核实{'、'.join(questions)}",  # type: ignore[arg-type]
                      numbers, also=tuple(checks[1:]))
    yield from check_outcome_claim(rec)


def check_project_amounts(rec: DepartmentYear) -> Iterator[Finding]:
    """Projects stating only a budget, or only an amount: no rate can be computed (one note each)."""
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


def check_outcome_claim(rec: DepartmentYear) -> Iterator[Finding]:
    """"目标均已完成" in 效果产出情况 beside a goal indicator that missed its target (错误)."""
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


def _above_budget(p: Project) -> tuple[str, Decimal, Decimal] | None:
    """An amount stated for a project (its actual, an output's amount) far above its own budget, unexplained:
    (its label, the amount, how many times the budget)."""
    if p.budget is None or p.budget <= 0 or any(word in p.description for word in _ABOVE_WORDS):
        return None
    amounts = [(p.actual_label, p.actual)] if p.actual is not None else []
    amounts += [(o.name, o.amount) for o in p.outputs if o.amount is not None]
    stated = [(label, amount) for label, amount in amounts if amount is not None]
    if not stated:
        return None
    label, top = max(stated, key=lambda pair: pair[1])
    if top <= p.budget * (1 + ABOVE_BUDGET_SHARE) or top >= p.budget * SLIP_RATIO:
        return None     # within budget, or a 元/万元 slip (reported by units.slip)
    return label, top, (top / p.budget).quantize(Decimal("0.01"))


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
    CheckRule("project", "每个项目一条：资金低于预算90%未说明原因；称资金足额或全部到位、发放，或称全部完成，而本项目"
              "数字较低；列出的金额超过本项目预算10%以上且未说明。称目标均已完成，而绩效指标未达成", check_projects,
              {"execution.project_below_90": "verify", "project.claim_full": "verify",
               "claim.completion": "verify（项目资金低于90%）；error（绩效指标未达成）",
               "project.above_budget": "verify"}),
    CheckRule("project.amounts", "项目未列明实际支出或预算", check_project_amounts,
              {"project.actual_missing": "note（合为一条）", "project.budget_missing": "note（合为一条）"}),
    CheckRule("claim.no_large_projects", "称无50万元以上项目，而本部门项目在50万元以上", check_no_large_projects,
              {"claim.no_large_projects": "error"}),
)
