"""Tables of the unit's report as pandas DataFrames (Chinese headers, typed cells), figures as stated.

Cells are typed (see :mod:`perfeval.pages.cells`): amounts are the source's exact Decimals, missing
values :class:`~perfeval.pages.cells.Absent` (shown "—"). A row is shown only when it states something,
and a column that is empty in every row is dropped (:func:`drop_empty_columns`), so a partial record
gives a short table, never a table of dashes. Where a row holds an annotated figure, a 注 column names
its footnote (``mark``: a :meth:`perfeval.pages.notes.Footnotes.mark_row`). The page, the Word file and
the CSV download render the same cells. A table of stated figures carries, in ``df.attrs["paths"]``, the field
path of each figure by (row label, column) (:func:`cell_paths`), so that the page can link each cell to
where it comes from (:mod:`perfeval.pages.citations`). Nothing here computes a rate: rates are ours, in
:mod:`perfeval.pages.review_tables`. Row and column labels of the forms are the forms registry's
(:mod:`perfeval.model.forms`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, Sequence

import pandas as pd

from perfeval.model import COLUMNS, SANGONG_ITEMS, Amounts, DepartmentYear, Facts, Quantity, Staffing, forms
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


#: Tables of the unit's report (by the name they are shown under) → the sections whose source unit they carry.
SOURCE_UNIT_TABLES: dict[str, tuple[str, ...]] = {
    "收入情况": ("income",), "分机构收入": ("income_by_unit",), "支出情况": ("expenditure",),
    "分机构支出": ("expenditure_by_unit",), "三公经费": ("sangong",), "公用经费": ("public_funds",),
    "政府采购": ("procurement", "basic_budget_adjustment"), "本部门项目": ("projects",), "代管资金": ("projects",),
    "自评表资金情况": ("self_funds",),
}
_CONVERSION = {"元": "1万元＝10000元", "千元": "1万元＝10千元", "亿元": "1亿元＝10000万元"}


def source_unit_note(rec: DepartmentYear, table: str) -> tuple[str, str] | None:
    """The note under a table whose source states its amounts in another unit than 万元 (``source_units``):
    ("原表单位", "元；本表金额已按1万元＝10000元换算为万元，未经舍入")."""
    units = rec.source_units
    if units is None:
        return None
    stated = [(key, getattr(units, key)) for key in SOURCE_UNIT_TABLES.get(table, ())
              if getattr(units, key) not in (None, "万元")]
    if not stated:
        return None
    kinds = sorted({u for _, u in stated}, key=forms.SOURCE_UNITS.index)
    which = kinds[0] if len(kinds) == 1 else "，".join(
        f"{forms.label(f'source_units.{key}').removesuffix('原表单位')}为{u}" for key, u in stated)
    rules = "、".join(_CONVERSION[u] for u in kinds)
    return "原表单位", f"{which}；本表金额已按{rules}换算为万元，未经舍入"


def quantity_words(q: Quantity) -> str:
    """A target or achieved value in words (no formula signs): 不少于15件, 不高于5%, 400多篇, 120余人."""
    return words(q.value, q.unit, q.relation)


# --- 部门概况 ----------------------------------------------------------------------------------------

_KINDS = ("admin", "institution", "worker")


def _people(n: int, unit: str = "人") -> str:
    return f"{n}{unit}"


def _staff(rec: DepartmentYear, side: str) -> str | None:
    """编制数 or 实有人数 as stated: the total with its split by kind (行政 / 事业 / 工勤), or the split alone when the
    report gives no total (never a total we add up). 工勤 counted inside 行政 is shown so: 行政38人（含工勤7人）."""
    s = rec.staffing
    assert s is not None
    total = getattr(s, side)
    kinds = {k: getattr(s, f"{side}_{k}") for k in _KINDS}
    names = {k: forms.label(f"staffing.{side}_{k}").removesuffix("编制数").removesuffix("实有人数") for k in _KINDS}
    within = s.worker_within_admin and kinds["admin"] is not None and kinds["worker"] is not None
    parts = []
    for k in _KINDS:
        if kinds[k] is None or (within and k == "worker"):
            continue
        extra = f"（含{names['worker']}{_people(kinds['worker'])}）" if within and k == "admin" else ""
        parts.append(f"{names[k]}{_people(kinds[k])}{extra}")
    split = "、".join(parts)
    if total is None:
        return split or None
    if not split:
        return _people(total)
    return _people(total) + (f"，其中{split}" if "（" in split else f"（其中{split}）")


def _retirees(s: Staffing) -> list[tuple[str, str]]:
    """离退休人员 with 退休 / 离休 when stated; either alone under its own label."""
    total, retired, veteran = (getattr(s, k) for k in ("retirees", "retired", "retired_veteran"))
    split = [(forms.label(f"staffing.{k}").removesuffix("人员"), n) for k, n in (("retired", retired),
                                                                              ("retired_veteran", veteran))]
    if total is not None:
        inner = "、".join(f"{name}{_people(n)}" for name, n in split if n is not None)
        return [("staffing.retirees", _people(total) + (f"（其中{inner}）" if inner else ""))]
    return [(f"staffing.{k}", _people(n)) for k, n in (("retired", retired), ("retired_veteran", veteran))
            if n is not None]


def _listed(rec: DepartmentYear, key: str, items: list[str]) -> tuple[str, str] | None:
    """内设机构 / 下属单位: the names listed, with the count the report states when it differs."""
    stated = getattr(rec.stated_counts, key, None) if rec.stated_counts is not None else None
    label = forms.label(f"unit.{key}")
    if not items:
        return (label, f"{stated}个（原报告未列出名称）") if stated is not None else None
    if stated is None or stated == len(items):
        return f"{label}（{len(items)}个）", "、".join(items)
    return f"{label}（原报告称{stated}个，列出{len(items)}个）", "、".join(items)


def cover_lines(rec: DepartmentYear) -> list[tuple[str, str, str]]:
    """(path, label, text) of the cover and disclosure lines the report states, in the registry's order (评价单位
    only where it differs from 单位名称: a seal's name, not the same name twice)."""
    cover = rec.cover
    if cover is None:
        return []
    return [(e.path, e.label, date_text(getattr(cover, e.key)) if e.kind == "date" else getattr(cover, e.key))
            for e in forms.entries(section="cover") if getattr(cover, e.key) not in (None, "")
            and not (e.key == "evaluated_unit" and cover.evaluated_unit == rec.unit.name)]


def unit_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    """部门基本情况: only what the report states (单位名称 and 评价年度 always); labels from the forms registry."""
    unit, staff = rec.unit, rec.staffing
    label = forms.label
    rows: list[tuple[str, object, str]] = [(label("unit.name"), unit.name, ""), (label("year"), f"{rec.year}年", "")]
    paths = {(label("unit.name"), "内容"): "unit.name"}
    if unit.supervisor:
        rows.append((label("unit.supervisor"), unit.supervisor, ""))
        paths[(label("unit.supervisor"), "内容")] = "unit.supervisor"
    if unit.annual_budget is not None:
        rows.append((label("unit.annual_budget"), fmt_wan(unit.annual_budget), mark("unit.annual_budget")))
        paths[(label("unit.annual_budget"), "内容")] = "unit.annual_budget"
    for path, label_, value in cover_lines(rec):
        rows.append((label_, value, mark(path)))
        paths[(label_, "内容")] = path
    if staff is not None:
        for side in ("approved", "actual"):
            text = _staff(rec, side)
            if text:
                rows.append((label(f"staffing.{side}"), text, mark(f"staffing.{side}")))
                paths[(label(f"staffing.{side}"), "内容")] = f"staffing.{side}"
        if staff.stated_control_rate is not None:
            rows.append(("在职人员控制率（原报告所述）", f"{fmt_number(staff.stated_control_rate)}%",
                         mark("staffing.stated_control_rate")))
        if staff.as_of is not None:
            rows.append((label("staffing.as_of"), date_text(staff.as_of), mark("staffing.as_of")))
        rows += [(label(path), text, mark(path)) for path, text in _retirees(staff)]
        for key in ("temporary", "hired"):
            if getattr(staff, key) is not None:
                rows.append((label(f"staffing.{key}"), _people(getattr(staff, key)), mark(f"staffing.{key}")))
        if staff.posts:
            rows.append((Staffing.model_fields["posts"].title or "",
                         "、".join(p.name + ("" if p.count is None else _people(p.count, forms.entry("staffing.posts.count").unit))
                                  for p in staff.posts),
                         ""))
    vehicles = rec.vehicles
    if vehicles is not None and not vehicles.is_empty():
        stated = [f"{e.label.removesuffix('数')}{getattr(vehicles, e.key)}{e.unit}"
                  for e in forms.entries(section="vehicles") if getattr(vehicles, e.key) is not None]
        rows.append((forms.section("vehicles").title, "，".join(stated),
                     mark("vehicles.approved") + mark("vehicles.actual")))
    for key, items in (("internal_units", unit.internal_units), ("sub_units", unit.sub_units)):
        row = _listed(rec, key, items)
        if row is not None:
            rows.append((*row, ""))
    counts = rec.stated_counts
    for key, listed in (("projects", len(rec.projects)), ("goals", len(rec.goals))):
        stated = getattr(counts, key) if counts is not None else None
        if stated is not None:
            rows.append((f"{label(f'stated_counts.{key}')}（原报告所述）",
                         f"{stated}个" + (f"（列出{listed}个）" if listed and listed != stated else ""), ""))
    df = pd.DataFrame(rows, columns=["项目", "内容", NOTE_COLUMN])
    return cell_paths(drop_empty_columns(df), paths)


def date_text(day: object) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


# --- 收入、支出 ----------------------------------------------------------------------------------

INCOME_ROWS: tuple[tuple[str, str], ...] = tuple(forms.labels("income").items())


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
    label = forms.labels("expenditure")
    inner = exp.basic is not None
    rows = [(label["total"], exp.total, "expenditure.total"), (label["basic"], exp.basic, "expenditure.basic"),
            (("　其中：" if inner else "") + label["personnel"], exp.personnel, "expenditure.personnel"),
            (("　　　　" if inner else "") + label["public"], exp.public, "expenditure.public"),
            (label["project"], exp.project, "expenditure.project")]
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
    table = f"{kind}_by_unit"
    fields = [(k, v) for k, v in forms.labels(table).items() if k not in ("name", "is_total")]
    items = rec.income_by_unit if kind == "income" else rec.expenditure_by_unit
    rows = [[row.name + ("（汇总）" if row.is_total and "汇总" not in row.name else ""),
             *(_cell(getattr(row, key)) for key, _ in fields)] for row in items]
    df = pd.DataFrame(rows, columns=[forms.label(f"{table}.name"), *(f"{label}（万元）" for _, label in fields)])
    return drop_empty_columns(df)


# --- 三公、公用经费、其他 ----------------------------------------------------------------------------

def sangong_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    sg = rec.sangong
    if sg is None:
        return amounts_table([])
    label = forms.labels("sangong")
    rows = [(label[key], getattr(sg, key), f"sangong.{key}") for key in ("vehicle", *SANGONG_ITEMS)]
    rows.append((label["total"], sg.total, "sangong.total"))    # the total last, as the forms print it
    return amounts_table(rows, mark)


def public_funds_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    pf = rec.public_funds
    if pf is None:
        return amounts_table([])
    rows = [(item.name, item, f"public_funds.items[{i}]") for i, item in enumerate(pf.items)]
    rows.append((forms.label("public_funds.total"), pf.total, "public_funds.total"))
    return amounts_table(rows, mark)


def other_table(rec: DepartmentYear, mark: Mark = no_marks) -> pd.DataFrame:
    """政府采购金额 and 部门基本支出预算调整 in their columns."""
    return amounts_table([(forms.label(path), getattr(rec, path), path)
                          for path in ("procurement", "basic_budget_adjustment")], mark)


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
    """The unit's 自评表 as it stands: its rows (indented by level), weights, scoring rules, targets, actuals and
    scores."""
    rows = []
    paths: dict[tuple[str, str], str] = {}
    weight_label, score_label = forms.label("self_scores.weight"), forms.label("self_scores.score")
    for i, s in enumerate(rec.self_scores):
        part = "　" * (s.level - 1) + s.part
        rows.append((part, _cell(s.weight), s.criteria or NONE, s.target or NONE,
                     s.actual or NONE, _cell(s.score), s.reason or NONE))
        paths.update({(part, weight_label): f"self_scores[{i}].weight", (part, score_label): f"self_scores[{i}].score"})
    keys = ("part", "weight", "criteria", "target", "actual", "score", "reason")
    df = pd.DataFrame(rows, columns=[forms.label(f"self_scores.{k}") for k in keys])
    return cell_paths(drop_empty_columns(df), paths)


def self_funds_table(rec: DepartmentYear) -> pd.DataFrame:
    """The funds rows of the unit's 自评表 (按收入性质 / 按支出性质), as stated."""
    rows = [(f.nature or NONE, f.item, _cell(f.initial), _cell(f.full_year), _cell(f.executed), _cell(f.weight),
             NONE if f.stated_rate is None else f"{fmt_number(f.stated_rate)}%", _cell(f.score))
            for f in rec.self_funds]
    label = forms.labels("self_funds")
    df = pd.DataFrame(rows, columns=[label["nature"], label["item"],
                                     *(f"{label[k]}（万元）" for k in ("initial", "full_year", "executed")),
                                     label["weight"], f"{label['stated_rate']}（原报告所述）", label["score"]])
    return drop_empty_columns(df, keep=0)
