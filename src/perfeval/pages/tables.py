"""Tables of a department-year as pandas DataFrames (Chinese headers, typed cells).

Cells are typed (see :mod:`perfeval.pages.cells`): amounts are the source's exact Decimals, rates are
:class:`~perfeval.pages.cells.Pct`, missing values :class:`~perfeval.pages.cells.Absent` with the word
that says why. The page, the Word file and the CSV download render the same cells.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from perfeval.model import Facts, indicator_met
from perfeval.model.numbers import fmt_quantity, fmt_wan, rate
from perfeval.model import SANGONG_ITEMS, DepartmentYear
from perfeval.pages.cells import Absent, number_or, pct

NONE = Absent()


def unit_table(rec: DepartmentYear) -> pd.DataFrame:
    return pd.DataFrame(
        [("单位名称", rec.unit.name), ("年度预算金额", fmt_wan(rec.unit.annual_budget)),
         ("主管部门", rec.unit.supervisor), ("评价年度", f"{rec.year}年"),
         ("单位基本职能", f"{len(rec.duties)}项"), ("部门整体支出绩效目标", f"{len(rec.goals)}个")],
        columns=["项目", "内容"],
    )


def budget_table(rec: DepartmentYear, facts: Facts) -> pd.DataFrame:
    """收支: item, 年初预算, 调整, 调整后预算, 实际, 执行率, 占总支出比重."""
    app, exp, inc = rec.approved_budget, rec.expenditure, rec.income
    rows = [
        ("基本支出", app.basic.total, NONE, NONE, exp.basic.total, NONE, pct(rate(exp.basic.total, exp.total))),
        ("　其中：人员经费", app.basic.personnel, NONE, NONE, exp.basic.personnel, NONE, pct(facts.personnel_share)),
        ("　　　　公用经费（批复为商品服务支出）", app.basic.goods_services, NONE, NONE, exp.basic.public, NONE,
         pct(facts.public_share)),
        ("项目支出", app.project, NONE, NONE, exp.project, NONE, pct(facts.project_share)),
        ("合计", inc.initial_budget, inc.adjustment, facts.adjusted_budget, exp.total, pct(facts.execution_rate),
         pct(Decimal(100))),
    ]
    return pd.DataFrame(rows, columns=["项目", "年初预算（万元）", "年中调整（万元）", "调整后预算（万元）",
                                       "实际支出（万元）", "预算执行率", "占总支出比重"])


def sangong_table(rec: DepartmentYear) -> pd.DataFrame:
    budget, actual = rec.sangong.budget.items(), rec.sangong.actual.items()
    prev = rec.sangong.previous_actual.items() if rec.sangong.previous_actual else None
    rows = []
    for key, label in SANGONG_ITEMS.items():
        b, a = budget[key], actual[key]
        row = [label, number_or(b, "未列示"), number_or(a, "未列示"),
               pct(rate(a, b)) if (a is not None and b not in (None, 0)) else NONE]
        if prev is not None:
            row.append(number_or(prev[key], "未列示"))
        rows.append(row)
    total = ["合计", rec.sangong.budget.total, rec.sangong.actual.total,
             pct(rate(rec.sangong.actual.total, rec.sangong.budget.total))]
    columns = ["项目", "预算数（万元）", "实际支出（万元）", "控制率"]
    if prev is not None:
        total.append(rec.sangong.previous_actual.total)  # type: ignore[union-attr]
        columns.append("上年实际（万元）")
    rows.append(total)
    return pd.DataFrame(rows, columns=columns)


def self_score_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = [(s.part, s.weight, s.score, pct(rate(s.score, s.weight)), s.reason) for s in rec.self_scores]
    total_w = sum((s.weight for s in rec.self_scores), start=Decimal(0))
    total_s = sum((s.score for s in rec.self_scores), start=Decimal(0))
    rows.append(("合计", total_w, total_s, pct(rate(total_s, total_w)), ""))
    return pd.DataFrame(rows, columns=["评价指标", "分值", "自评得分", "得分率", "得分说明"])


def indicator_table(rec: DepartmentYear, goal_number: int) -> pd.DataFrame:
    goal = next(g for g in rec.goals if g.number == goal_number)
    rows = []
    for ind in goal.indicators:
        met = indicator_met(ind)
        rows.append((
            ind.name, ind.category,
            Absent("未设定") if ind.target is None else fmt_quantity(ind.target.value, ind.target.unit,
                                                                   ind.target.relation),
            Absent("未填报") if ind.actual is None else fmt_quantity(ind.actual.value, ind.actual.unit,
                                                                   ind.actual.relation),
            {True: "已达成", False: "未达成", None: NONE}[met],
        ))
    return pd.DataFrame(rows, columns=["绩效指标", "类别", "目标值", "实际完成值", "是否达成"])


def goals_overview_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = []
    for g in rec.goals:
        mets = [indicator_met(i) for i in g.indicators]
        rows.append((f"目标{g.number}", g.completion_title or NONE, len(g.indicators),
                     sum(1 for m in mets if m is not None), sum(1 for m in mets if m),
                     "有" if g.completion else "缺失"))
    return pd.DataFrame(rows, columns=["目标", "完成情况", "指标数", "设定目标值的指标", "已达成", "完成情况说明"])


def project_table(rec: DepartmentYear, facts: Facts) -> pd.DataFrame:
    rows = []
    for p, pf in zip(rec.projects, facts.projects):
        rows.append((f"（{p.number}）{p.name}", p.budget, number_or(p.actual, "未披露"), pct(pf.execution_rate),
                     p.actual_label if p.actual is not None else NONE))
    rows.append(("合计（预算）", facts.projects_budget_total, NONE, NONE, ""))
    return pd.DataFrame(rows, columns=["项目名称", "预算（万元）", "实际（万元）", "执行率（实际÷预算）", "实际数口径"])


def problem_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = [(p.problem, p.cause or NONE, p.measures or Absent("未填报"), p.responsible or Absent("未填报"),
             p.deadline.strftime("%Y年%-m月%-d日") if p.deadline else Absent("未填报")) for p in rec.problems]
    return pd.DataFrame(rows, columns=["存在的问题", "原因分析", "整改措施", "整改责任人", "整改完成时限"])
