"""Tables of the unit's report as pandas DataFrames (Chinese headers, typed cells), figures as stated.

Cells are typed (see :mod:`perfeval.pages.cells`): amounts are the source's exact Decimals, missing
values :class:`~perfeval.pages.cells.Absent` (shown "—"). A row is shown only when it states something,
and a column that is empty in every row is dropped (:func:`drop_empty_columns`), so a partial record
gives a short table, never a table of dashes. Where a row holds an annotated figure, a 注 column names
its footnote (``mark``: a :meth:`perfeval.pages.notes.Footnotes.mark_row`). The page, the Word file and
the CSV download render the same cells. A table of stated figures carries, in ``df.attrs["paths"]``, the field
path of each figure by (row label, column) (:func:`cell_paths`), so that the page can link each cell to
where it comes from (:mod:`perfeval.pages.citations`). Nothing here computes a rate: rates are ours, in
:mod:`perfeval.pages.review_tables`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, Sequence

import pandas as pd

from perfeval.model import COLUMNS, SANGONG_ITEMS, Amounts, DepartmentYear, Facts, Quantity
from perfeval.model.numbers import fmt_number, fmt_wan
from perfeval.model.numbers import quantity_words as words
from perfeval.pages.cells import Absent, is_absent, pct

NONE = Absent()
#: A row's footnote markers by the row's field path ("" when it carries none).
Mark = Callable[[str], str]
NOTE_COLUMN = "注"


def no_marks(path: str) -> str:
    return ""


def cell_paths(df: pd.DataFrame, paths: dict[tuple[str, str], str]) -> pd.DataFrame:
    """``df`` with the field path of each figure, by (row label, column header), in ``df.attrs["paths"]``."""
    df.attrs["paths"] = paths
    return df


def drop_empty_columns(df: pd.DataFrame, keep: int = 1) -> pd.DataFrame:
    """The table without the columns that are empty in every row (the first ``keep`` columns stay)."""
    empty = [col for i, col in enumerate(df.columns)
             if i >= keep and all(is_absent(v) or v == "" for v in df[col])]
    return df.drop(columns=empty)


def column_header(key: str) -> str:
    return f"{COLUMNS[key]}（万元）"


def _cell(value: Decimal | None) -> Decimal | Absent:
    return NONE if value is None else value


def amounts_table(rows: Iterable[tuple[str, Amounts | None, str]], mark: Mark = no_marks,
                  first: str = "项目") -> pd.DataFrame:
    """Rows of the forms (label, row, field path) in their four columns; rows that state nothing are left
    out, then empty columns. A 注 column when a row holds an annotated figure."""
    out = []
    paths: dict[tuple[str, str], str] = {}
    for label, row, path in rows:
        if row is None or row.is_empty():
            continue
        out.append([label, *(_cell(getattr(row, key)) for key in COLUMNS), mark(path)])
        paths.update({(label, column_header(key)): f"{path}.{key}" for key in COLUMNS})
    df = pd.DataFrame(out, columns=[first, *(column_header(k) for k in COLUMNS), NOTE_COLUMN])
    return cell_paths(drop_empty_columns(df), paths)


def quantity_words(q: Quantity) -> str:
    """A target or achieved value in words (no formula signs): 不少于15件, 不高于5%, 400多篇, 120余人."""
    return words(q.value, q.unit, q.relation)


# --- 部门概况 ----------------------------------------------------------------------------------------

def _staff(total: int | None, admin: int | None, institution: int | None) -> str | None:
    if total is None:
        return None
    split = "、".join(f"{name}{n}人" for name, n in (("行政", admin), ("事业", institution)) if n is not None)
    return f"{total}人" + (f"（其中{split}）" if split else "")


def unit_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    """部门基本情况: only what the report states (单位名称 and 评价年度 always)."""
    unit, cover, staff = rec.unit, rec.cover, rec.staffing
    rows: list[tuple[str, object, str]] = [("单位名称", unit.name, ""), ("评价年度", f"{rec.year}年", "")]
    paths = {("单位名称", "内容"): "unit.name"}
    if unit.supervisor:
        rows.append(("主管部门", unit.supervisor, ""))
        paths[("主管部门", "内容")] = "unit.supervisor"
    if unit.annual_budget is not None:
        rows.append(("年度预算金额", fmt_wan(unit.annual_budget), mark("unit.annual_budget")))
        paths[("年度预算金额", "内容")] = "unit.annual_budget"
    if cover is not None:
        for label, value, key in (("预算编码", cover.budget_code, "budget_code"),
                                  ("评价方式", cover.evaluation_method, "evaluation_method"),
                                  ("评价机构", cover.evaluator, "evaluator")):
            if value:
                rows.append((label, value, mark(f"cover.{key}")))
                paths[(label, "内容")] = f"cover.{key}"
        if cover.report_date is not None:
            rows.append(("报告日期", date_text(cover.report_date), mark("cover.report_date")))
            paths[("报告日期", "内容")] = "cover.report_date"
    if staff is not None:
        approved = _staff(staff.approved, staff.approved_admin, staff.approved_institution)
        actual = _staff(staff.actual, staff.actual_admin, staff.actual_institution)
        if approved:
            rows.append(("编制数", approved, mark("staffing.approved")))
            paths[("编制数", "内容")] = "staffing.approved"
        if actual:
            rows.append(("实有人数", actual, mark("staffing.actual")))
            paths[("实有人数", "内容")] = "staffing.actual"
        if staff.stated_control_rate is not None:
            rows.append(("在职人员控制率（原报告所述）", f"{fmt_number(staff.stated_control_rate)}%",
                         mark("staffing.stated_control_rate")))
    if unit.internal_units:
        rows.append((f"内设机构（{len(unit.internal_units)}个）", "、".join(unit.internal_units), ""))
    if unit.sub_units:
        rows.append((f"下属单位（{len(unit.sub_units)}个）", "、".join(unit.sub_units), ""))
    df = pd.DataFrame(rows, columns=["项目", "内容", NOTE_COLUMN])
    return cell_paths(drop_empty_columns(df), paths)


def date_text(day: object) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


# --- 收入、支出 ----------------------------------------------------------------------------------

INCOME_ROWS = (("total", "收入合计"), ("carryover", "上年结转"), ("appropriation", "一般公共预算财政拨款"),
               ("government_fund", "政府性基金"), ("special_account", "财政专户管理资金"), ("other", "其他收入"))


def income_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    inc = rec.income
    if inc is None:
        return amounts_table([])
    return amounts_table(((label, getattr(inc, key), f"income.{key}") for key, label in INCOME_ROWS), mark)


def expenditure_table(rec: DepartmentYear, facts: Facts, mark: Mark = no_marks) -> pd.DataFrame:
    """支出 in the split the report gives, then 支出合计; a share column over the split's own sum (the
    denominator of the chart beside it), shown when the report gives a split."""
    exp = rec.expenditure
    if exp is None:
        return amounts_table([])
    split = facts.expenditure_split
    three_way = "人员经费" in split
    rows = [("支出合计", exp.total, "expenditure.total"), ("基本支出", exp.basic, "expenditure.basic"),
            ("　其中：人员经费" if exp.basic is not None else "人员经费", exp.personnel, "expenditure.personnel"),
            ("　　　　公用经费" if exp.basic is not None else "公用经费", exp.public, "expenditure.public"),
            ("项目支出", exp.project, "expenditure.project")]
    df = amounts_table(rows, mark)
    if split and facts.expenditure_parts_sum:
        shares = {"基本支出": facts.basic_share, "人员经费": facts.personnel_share, "公用经费": facts.public_share,
                  "项目支出": facts.project_share}
        column = []
        for label in df["项目"]:
            name = label.split("：")[-1].strip("　")
            counted = name in split or (name == "基本支出" and three_way)
            column.append(pct(shares.get(name)) if counted else NONE)
        df.insert(len(df.columns) - (NOTE_COLUMN in df.columns), "占分项合计比重", column)
    return df


def by_unit_table(rec: DepartmentYear, kind: str) -> pd.DataFrame:
    """Income or expenditure by sub-unit (局机关 / 二级机构 / 汇总), as stated."""
    if kind == "income":
        fields = [("total", "收入合计"), ("carryover", "上年结转"), ("appropriation", "一般公共预算财政拨款"),
                  ("government_fund", "政府性基金"), ("special_account", "财政专户管理资金"), ("other", "其他收入")]
        items = rec.income_by_unit
    else:
        fields = [("total", "支出合计"), ("basic", "基本支出"), ("personnel", "人员经费"), ("public", "公用经费"),
                  ("project", "项目支出")]
        items = rec.expenditure_by_unit
    rows = [[row.name + ("（汇总）" if row.is_total and "汇总" not in row.name else ""),
             *(_cell(getattr(row, key)) for key, _ in fields)] for row in items]
    df = pd.DataFrame(rows, columns=["机构", *(f"{label}（万元）" for _, label in fields)])
    return drop_empty_columns(df)


# --- 三公、公用经费、其他 ----------------------------------------------------------------------------

def sangong_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    sg = rec.sangong
    if sg is None:
        return amounts_table([])
    rows = [("合计", sg.total, "sangong.total"), ("公务用车购置和运行维护费", sg.vehicle, "sangong.vehicle")]
    rows += [(label, getattr(sg, key), f"sangong.{key}") for key, label in SANGONG_ITEMS.items()]
    df = amounts_table(rows, mark)
    paths = df.attrs.get("paths", {})
    if len(df):   # the total last, as the forms print it
        df = pd.concat([df.iloc[1:], df.iloc[:1]]) if df.iloc[0]["项目"] == "合计" else df
    return cell_paths(df.reset_index(drop=True), paths)


def public_funds_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    pf = rec.public_funds
    if pf is None:
        return amounts_table([])
    rows = [(item.name, item, f"public_funds.items[{i}]") for i, item in enumerate(pf.items)]
    rows.append(("合计", pf.total, "public_funds.total"))
    return amounts_table(rows, mark)


def other_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    """政府采购金额 and 部门基本支出预算调整 in their columns."""
    return amounts_table([("政府采购金额", rec.procurement, "procurement"),
                          ("部门基本支出预算调整", rec.basic_budget_adjustment, "basic_budget_adjustment")], mark)


def buildings_table(rec: DepartmentYear) -> pd.DataFrame:
    b = rec.buildings
    rows = []
    if b is not None:
        if b.approved_area is not None or b.actual_area is not None:
            rows.append(("建设规模（平方米）", _cell(b.approved_area), _cell(b.actual_area),
                         NONE if b.stated_area_control_rate is None else f"{fmt_number(b.stated_area_control_rate)}%"))
        if b.budget is not None or b.actual is not None:
            rows.append(("投资（万元）", _cell(b.budget), _cell(b.actual),
                         NONE if b.stated_investment_control_rate is None
                         else f"{fmt_number(b.stated_investment_control_rate)}%"))
    df = pd.DataFrame(rows, columns=["项目", "批复（预算）", "实际", "控制率（原报告所述）"])
    return drop_empty_columns(df)


# --- 目标、项目、问题、自评表 ----------------------------------------------------------------------

def indicator_table(rec: DepartmentYear, goal_index: int) -> pd.DataFrame:
    """A goal's indicators: name, category, target and achieved value as stated (in words when so given)."""
    goal = rec.goals[goal_index]
    rows = []
    paths: dict[tuple[str, str], str] = {}
    for j, ind in enumerate(goal.indicators):
        target = quantity_words(ind.target) if ind.target is not None else (ind.target_text or NONE)
        actual = quantity_words(ind.actual) if ind.actual is not None else (ind.actual_text or NONE)
        rows.append((ind.name, ind.category, target, actual))
        base = f"goals[{goal_index}].indicators[{j}]"
        paths[(ind.name, "目标值")] = f"{base}.target.value" if ind.target is not None else f"{base}.target_text"
        paths[(ind.name, "实际完成值")] = f"{base}.actual.value" if ind.actual is not None else f"{base}.actual_text"
    df = pd.DataFrame(rows, columns=["绩效指标", "类别", "目标值", "实际完成值"])
    return cell_paths(drop_empty_columns(df), paths)


def project_table(rec: DepartmentYear, indices: Sequence[int], mark: Mark = no_marks) -> pd.DataFrame:
    """Projects (by index) with their group and the columns they state, and what their actual figure is."""
    rows = []
    paths: dict[tuple[str, str], str] = {}
    for i in indices:
        p = rec.projects[i]
        label = rec.project_label(i)
        rows.append((label, p.name, p.group or NONE, _cell(p.previous), _cell(p.budget),
                     _cell(p.adjusted), _cell(p.actual), p.actual_label if p.actual is not None else NONE,
                     mark(f"projects[{i}]")))
        paths.update({(label, head): f"projects[{i}].{key}" for head, key in (
            (column_header("previous"), "previous"), ("预算（万元）", "budget"), ("调整后预算（万元）", "adjusted"),
            ("实际（万元）", "actual"), ("项目名称", "name"))})
    df = pd.DataFrame(rows, columns=["项目", "项目名称", "类别", column_header("previous"), "预算（万元）",
                                     "调整后预算（万元）", "实际（万元）", "实际数口径", NOTE_COLUMN])
    return cell_paths(drop_empty_columns(df, keep=2), paths)


def problem_table(rec: DepartmentYear) -> pd.DataFrame:
    rows = [(p.problem, p.cause or NONE, p.measures or NONE, p.responsible or NONE,
             date_text(p.deadline) if p.deadline else NONE) for p in rec.problems]
    df = pd.DataFrame(rows, columns=["存在的问题", "原因分析", "整改措施", "整改责任人", "整改完成时限"])
    return drop_empty_columns(df)


def self_score_table(rec: DepartmentYear) -> pd.DataFrame:
    """The unit's 自评表 as it stands: its rows (indented by level), weights, targets, actuals and scores."""
    rows = []
    paths: dict[tuple[str, str], str] = {}
    for i, s in enumerate(rec.self_scores):
        label = "　" * (s.level - 1) + s.part
        rows.append((label, _cell(s.weight), s.target or NONE, s.actual or NONE, _cell(s.score), s.reason or NONE))
        paths.update({(label, "分值"): f"self_scores[{i}].weight", (label, "自评得分"): f"self_scores[{i}].score"})
    df = pd.DataFrame(rows, columns=["评价指标", "分值", "指标值", "实际完成值", "自评得分", "得分说明"])
    return cell_paths(drop_empty_columns(df), paths)


def self_funds_table(rec: DepartmentYear) -> pd.DataFrame:
    """The funds rows of the unit's 自评表 (按收入性质 / 按支出性质), as stated."""
    rows = [(f.nature or NONE, f.item, _cell(f.initial), _cell(f.full_year), _cell(f.executed), _cell(f.weight),
             NONE if f.stated_rate is None else f"{fmt_number(f.stated_rate)}%", _cell(f.score))
            for f in rec.self_funds]
    df = pd.DataFrame(rows, columns=["分类", "项目", "年初预算（万元）", "全年预算（万元）", "全年执行（万元）", "分值",
                                     "执行率（原报告所述）", "得分"])
    return drop_empty_columns(df, keep=0)
