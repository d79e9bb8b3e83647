"""Display tables of a department-year as pandas DataFrames (Chinese headers).

Cells hold formatted text (amounts with the source's precision, rates with two
decimals), so what the reader sees is exactly what the CSV download holds.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from perfeval.model import Facts, indicator_met
from perfeval.model.numbers import fmt_number, fmt_quantity, fmt_rate, fmt_wan, rate
from perfeval.model import SANGONG_ITEMS, DepartmentYear


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
        ("基本支出", fmt_wan(app.basic.total, False), "—", "—", fmt_wan(exp.basic.total, False), "—",
         fmt_rate(rate(exp.basic.total, exp.total))),
        ("　其中：人员经费", fmt_wan(app.basic.personnel, False), "—", "—", fmt_wan(exp.basic.personnel, False), "—",
         fmt_rate(facts.personnel_share)),
        ("　　　　公用经费（批复为商品服务支出）", fmt_wan(app.basic.goods_services, False), "—", "—",
         fmt_wan(exp.basic.public, False), "—", fmt_rate(facts.public_share)),
        ("项目支出", fmt_wan(app.project, False), "—", "—", fmt_wan(exp.project, False), "—",
         fmt_rate(facts.project_share)),
        ("合计", fmt_wan(inc.initial_budget, False), fmt_wan(inc.adjustment, False),
         fmt_wan(facts.adjusted_budget, False), fmt_wan(exp.total, False), fmt_rate(facts.execution_rate), "100.00%"),
    ]
    return pd.DataFrame(rows, columns=["项目", "年初预算（万元）", "年中调整（万元）", "调整后预算（万元）",
                                       "实际支出（万元）", "预算执行率", "占总支出比重"])


def sangong_table(rec: DepartmentYear) -> pd.DataFrame:
    budget, actual = rec.sangong.budget.items(), rec.sangong.actual.items()
    prev = rec.sangong.previous_actual.items() if rec.sangong.previous_actual else None
    rows = []
    for key, label in SANGONG_ITEMS.items():
        b, a = budget[key], actual[key]
        row = [label, "未列示" if b is None else fmt_wan(b, False), "未列示" if a is None else fmt_wan(a, False),
               fmt_rate(rate(a, b)) if (a is not None and b not in (None, 0)) else "—"]
        if prev is not None:
            row.append("未列示" if prev[key] is None else fmt_wan(prev[key], False))
        rows.append(row)
    total = ["合计", fmt_wan(rec.sangong.budget.total, False), fmt_wan(rec.sangong.actual.total, False),
             fmt_rate(rate(rec.sangong.actual.total, rec.sangong.budget.total))]
    columns = ["项目", "预算数（万元）", "实际支出（万元）", "控制率"]
    if prev is not None:
        total.append(fmt_wan(rec.sangong.previous_actual.total, False))  # type: ignore[union-attr]
        columns.append("上年实际（万元）")
    rows.append(total)
    return pd.DataFrame(rows, columns=columns)


def self_score_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = [(s.part, fmt_number(s.weight), fmt_number(s.score), fmt_rate(rate(s.score, s.weight)), s.reason)
            for s in rec.self_scores]
    total_w = sum((s.weight for s in rec.self_scores), start=0)
    total_s = sum((s.score for s in rec.self_scores), start=0)
    rows.append(("合计", fmt_number(total_w), fmt_number(total_s), fmt_rate(rate(total_s, total_w)) if total_w else "—", ""))
    return pd.DataFrame(rows, columns=["评价指标", "分值", "自评得分", "得分率", "得分说明"])


def indicator_table(rec: DepartmentYear, goal_number: int) -> pd.DataFrame:
    goal = next(g for g in rec.goals if g.number == goal_number)
    rows = []
    for ind in goal.indicators:
        met = indicator_met(ind)
        rows.append((
            ind.name, ind.category,
            "未设定" if ind.target is None else fmt_quantity(ind.target.value, ind.target.unit, ind.target.relation),
            "未填报" if ind.actual is None else fmt_quantity(ind.actual.value, ind.actual.unit, ind.actual.relation),
            {True: "已达成", False: "未达成", None: "—"}[met],
        ))
    return pd.DataFrame(rows, columns=["绩效指标", "类别", "目标值", "实际完成值", "是否达成"])


def goals_overview_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = []
    for g in rec.goals:
        mets = [indicator_met(i) for i in g.indicators]
        rows.append((f"目标{g.number}", g.completion_title or "—", len(g.indicators),
                     sum(1 for m in mets if m is not None), sum(1 for m in mets if m),
                     "有" if g.completion else "缺失"))
    return pd.DataFrame(rows, columns=["目标", "完成情况", "指标数", "设定目标值的指标", "已达成", "完成情况说明"])


def project_table(rec: DepartmentYear, facts: Facts) -> pd.DataFrame:
    rows = []
    for p, pf in zip(rec.projects, facts.projects):
        rows.append((f"（{p.number}）{p.name}", fmt_wan(p.budget, False),
                     "未披露" if p.actual is None else fmt_wan(p.actual, False),
                     fmt_rate(pf.execution_rate) if pf.execution_rate is not None else "—",
                     p.actual_label if p.actual is not None else "—"))
    rows.append(("合计（预算）", fmt_wan(facts.projects_budget_total, False), "—", "—", ""))
    return pd.DataFrame(rows, columns=["项目名称", "预算（万元）", "实际（万元）", "执行率（实际 ÷ 预算）", "实际数口径"])


def problem_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = [(p.problem, p.cause or "—", p.measures or "未填报", p.responsible or "未填报",
             p.deadline.strftime("%Y年%-m月%-d日") if p.deadline else "未填报") for p in rec.problems]
    return pd.DataFrame(rows, columns=["存在的问题", "原因分析", "整改措施", "整改责任人", "整改完成时限"])


def to_html(df: pd.DataFrame, links: dict[str, list[str]] | None = None) -> str:
    """Escaped HTML table (text from data is never interpreted).

    ``links`` maps a column to one href per row: those cells become links (href escaped too).
    """
    links = links or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for col, value in zip(df.columns, row):
            text = "—" if value is None or (isinstance(value, float) and value != value) else str(value)
            cell = escape(text)
            if col in links and links[col][i]:
                cell = f'<a href="{escape(links[col][i], quote=True)}">{cell}</a>'
            # Short cells (figures, names) stay on one line; long text wraps.
            cells.append(f'<td class="pe-wrap">{cell}</td>' if len(text) > 24 else f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="pe-scroll"><table class="pe-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def write_csv(df: pd.DataFrame, path: Path) -> bool:
    """Write a table as CSV in UTF-8 with BOM (Excel opens Chinese correctly); skip identical content."""
    text = df.to_csv(index=False, lineterminator="\r\n")
    data = ("\ufeff" + text).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True
