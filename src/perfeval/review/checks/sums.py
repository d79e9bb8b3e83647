"""Sums: stated totals against their parts; the self-score table; project budgets against the whole budget.

Sums use a tolerance of 0.01 万元: a non-zero difference within it is a rounding
``note`` (1339.41 + 255.88 = 1595.29 against a stated 1595.3), a larger one an
``error`` — unless some parts are not stated at all, then the difference may be
in them (``verify``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from perfeval.model.numbers import HUNDRED, fmt_wan, money_sum
from perfeval.model.schema import SANGONG_ITEMS, DepartmentYear, SangongAmounts
from perfeval.review.checks.base import TOLERANCE, CheckRule, d
from perfeval.review.findings import Finding


def sum_finding(check_id: str, path: str, label: str, stated: Decimal, parts: dict[str, tuple[str, Decimal]],
                incomplete: str = "") -> Iterator[Finding]:
    """Compare a stated total with the sum of its parts (parts: key → (Chinese label, value))."""
    computed = money_sum([v for _, v in parts.values()])
    diff = stated - computed
    if diff == 0:
        return
    expr = " + ".join(f"{lab} {fmt_wan(v)}" for lab, v in parts.values())
    numbers = {**{k: d(v) for k, (_, v) in parts.items()}, "computed": d(computed), "stated": d(stated),
               "difference": d(diff)}
    if abs(diff) <= TOLERANCE:
        yield Finding(check_id, "note", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，文中为 {fmt_wan(stated)}，相差 {fmt_wan(diff)}，"
                      f"在 0.01 万元容差内，属四舍五入差异", numbers)
    elif incomplete:
        yield Finding(check_id, "verify", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，与合计 {fmt_wan(stated)} 相差 {fmt_wan(diff)}；"
                      f"{incomplete}", numbers)
    else:
        yield Finding(check_id, "error", path,
                      f"{label}：{expr} = {fmt_wan(computed)}，与文中合计 {fmt_wan(stated)} 相差 {fmt_wan(diff)}，"
                      f"超过 0.01 万元容差", numbers)


def check_sum_income(rec: DepartmentYear) -> Iterator[Finding]:
    inc = rec.income
    yield from sum_finding("sum.income", "income.total", "财政拨款收入 = 年初预算 + 年中调整", inc.total,
                           {"initial_budget": ("年初预算", inc.initial_budget),
                            "adjustment": ("年中调整", inc.adjustment)})


def check_sum_expenditure(rec: DepartmentYear) -> Iterator[Finding]:
    exp = rec.expenditure
    yield from sum_finding("sum.expenditure", "expenditure.total", "财政拨款支出 = 基本支出 + 项目支出", exp.total,
                           {"basic": ("基本支出", exp.basic.total), "project": ("项目支出", exp.project)})


def check_sum_basic(rec: DepartmentYear) -> Iterator[Finding]:
    b = rec.expenditure.basic
    yield from sum_finding("sum.basic", "expenditure.basic.total", "基本支出 = 人员经费 + 公用经费", b.total,
                           {"personnel": ("人员经费", b.personnel), "public": ("公用经费", b.public)})


def check_sum_approved_income(rec: DepartmentYear) -> Iterator[Finding]:
    a = rec.approved_budget
    yield from sum_finding("sum.approved_income", "approved_budget.income_total",
                           "批复预算收入 = 财政预算拨款 + 非税收入拨款 + 其他收入", a.income_total,
                           {"fiscal": ("财政预算拨款", a.fiscal), "non_tax": ("非税收入拨款", a.non_tax),
                            "other": ("其他收入", a.other)})


def check_sum_approved_expenditure(rec: DepartmentYear) -> Iterator[Finding]:
    a = rec.approved_budget
    yield from sum_finding("sum.approved_expenditure", "approved_budget.expenditure_total",
                           "批复预算支出 = 基本支出 + 项目支出", a.expenditure_total,
                           {"basic": ("基本支出", a.basic.total), "project": ("项目支出", a.project)})


def check_sum_approved_basic(rec: DepartmentYear) -> Iterator[Finding]:
    b = rec.approved_budget.basic
    yield from sum_finding("sum.approved_basic", "approved_budget.basic.total",
                           "批复基本支出 = 人员经费 + 商品服务支出", b.total,
                           {"personnel": ("人员经费", b.personnel), "goods_services": ("商品服务支出", b.goods_services)})


def _sangong_sum(path: str, label: str, amounts: SangongAmounts | None) -> Iterator[Finding]:
    if amounts is None:
        return
    items = amounts.items()
    given = {k: (SANGONG_ITEMS[k], v) for k, v in items.items() if v is not None}
    if not given:
        return
    missing = [SANGONG_ITEMS[k] for k, v in items.items() if v is None]
    incomplete = f"文中未列出{'、'.join(missing)}，差额可能在未列出的项目中" if missing else ""
    yield from sum_finding("sum.sangong", path, f"{label} = 各项之和", amounts.total, given, incomplete)


def check_sum_sangong(rec: DepartmentYear) -> Iterator[Finding]:
    sg = rec.sangong
    yield from _sangong_sum("sangong.budget.total", "三公经费预算", sg.budget)
    yield from _sangong_sum("sangong.actual.total", "三公经费实际支出", sg.actual)
    yield from _sangong_sum("sangong.previous_actual.total", "上年三公经费实际支出", sg.previous_actual)


def check_self_scores(rec: DepartmentYear) -> Iterator[Finding]:
    if not rec.self_scores:
        yield Finding("selfscore.missing", "note", "self_scores", "未列出自评得分，无法与测算得分对照")
        return
    weights = money_sum([s.weight for s in rec.self_scores])
    if weights == HUNDRED:
        return
    expr = " + ".join(f"{s.part} {d(s.weight)}" for s in rec.self_scores)
    numbers = {"weights_total": d(weights), "expected": "100"}
    if weights > HUNDRED:
        yield Finding("selfscore.weights", "error", "self_scores",
                      f"自评指标分值合计 {d(weights)}（{expr}），超过 100", numbers)
    else:
        yield Finding("selfscore.weights", "verify", "self_scores",
                      f"自评指标分值合计 {d(weights)}（{expr}），不足 100：自评表可能只列出了一部分，"
                      "不与测算得分对照", numbers)


def check_projects_within_total(rec: DepartmentYear) -> Iterator[Finding]:
    """Project budgets above the department's whole 财政拨款收入: its own projects cannot exceed it."""
    if not rec.projects:
        return
    total = rec.income.total
    listed = money_sum([p.budget for p in rec.projects])
    if listed <= total:
        return
    own = [p for p in rec.projects if not p.managed_only]
    managed = [p for p in rec.projects if p.managed_only]
    own_budget = money_sum([p.budget for p in own])
    numbers = {"projects_budget": d(listed), "own_projects_budget": d(own_budget), "income_total": d(total),
               "difference": d(listed - total)}
    head = (f"所列 {len(rec.projects)} 个项目预算合计 {fmt_wan(listed)}，超过部门财政拨款收入 {fmt_wan(total)}"
            f"（多 {fmt_wan(listed - total)}）")
    if own_budget > total:
        yield Finding("projects.above_total", "error", "projects",
                      f"{head}；本部门自己的项目不可能超过部门全部预算，其中代管、转拨的资金应标为代管资金", numbers)
    else:
        names = "这些项目均" if len(managed) == len(rec.projects) else "其中" + "、".join(f"项目{p.number}" for p in managed)
        yield Finding("projects.above_total", "note", "projects",
                      f"{head}；{names}为代管资金（部门只负责管理或转拨），不计入本部门预算执行", numbers)


_SUM = "error（差额在 0.01 万元容差内为 note）"

CHECKS: tuple[CheckRule, ...] = (
    CheckRule("sum.income", "财政拨款收入 = 年初预算 + 年中调整", check_sum_income, {"sum.income": _SUM}),
    CheckRule("sum.expenditure", "财政拨款支出 = 基本支出 + 项目支出", check_sum_expenditure,
              {"sum.expenditure": _SUM}),
    CheckRule("sum.basic", "基本支出 = 人员经费 + 公用经费", check_sum_basic, {"sum.basic": _SUM}),
    CheckRule("sum.approved_income", "批复预算收入 = 各项收入之和", check_sum_approved_income,
              {"sum.approved_income": _SUM}),
    CheckRule("sum.approved_expenditure", "批复预算支出 = 基本支出 + 项目支出", check_sum_approved_expenditure,
              {"sum.approved_expenditure": _SUM}),
    CheckRule("sum.approved_basic", "批复基本支出 = 人员经费 + 商品服务支出", check_sum_approved_basic,
              {"sum.approved_basic": _SUM}),
    CheckRule("sum.sangong", "三公经费合计 = 各项之和", check_sum_sangong,
              {"sum.sangong": _SUM + "；有未列出的项目时为 verify"}),
    CheckRule("selfscore", "自评分值合计为 100", check_self_scores,
              {"selfscore.missing": "note", "selfscore.weights": "error（超过 100）；verify（不足 100，自评表可能不完整）"}),
    CheckRule("projects.above_total", "项目预算合计超过部门财政拨款收入", check_projects_within_total,
              {"projects.above_total": "error（本部门项目超过）；note（超出部分为代管资金）"}),
)
