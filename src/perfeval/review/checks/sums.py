"""Sums: stated totals against their parts, per column; the self-score table; project budgets against the whole.

Every money line of the forms has up to four columns (上年决算数 / 本年预算数 / 调整后预算数 / 本年决算数); a
total is compared with its parts column by column, and only on what is stated:

- a part above its total (其中 items above their total) is an ``error`` (``item.above_total``);
- all parts stated: a difference within 0.01 万元 is a rounding ``note`` (1339.41 + 255.88 = 1595.29 against
  a stated 1595.3), a larger one an ``error``;
- some parts blank: stated parts already above the total are an ``error`` (amounts are never negative); a
  gap is ``verify`` — the difference may be in the blank cells, nothing proves it wrong.

Lists that need not be complete prove only an excess: a shortfall of 项目支出 items is ``verify`` (projects
may be left out, added mid-year or ended last year); 公用经费 其中 items (kinds of spending, the same in every
column) prove a shortfall when they add up to the total in another column, else it is a ``note`` (其中 lists
only some kinds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator, Literal, Sequence

from perfeval.model import forms
from perfeval.model.facts import compute
from perfeval.model.numbers import HUNDRED, fmt_wan, money_sum
from perfeval.model.schema import COLUMNS, Amounts, DepartmentYear
from perfeval.review.checks.base import (COLUMN_LABELS, EXPENDITURE_LABELS, INCOME_LABELS, SANGONG_LABELS, SLIP_RATIO,
                                         TOLERANCE,
                                         CheckFn, CheckRule, d, labelled, project_label)
from perfeval.review.findings import Finding
from perfeval.review.inputs import fund_total_row


@dataclass(frozen=True)
class Part:
    key: str                    # key in Finding.numbers
    label: str                  # Chinese label
    value: Decimal | None       # None: not stated (blank)


def compare_parts(check_id: str, path: str, label: str, total: Decimal, parts: Sequence[Part], *,
                  complete: bool = True, open_gap: Literal["verify", "note"] = "verify",
                  open_reason: str = "", count: bool = False) -> Iterator[Finding]:
    """Compare one stated total with its parts (one column). See the module docstring for the severities.

    ``complete``: the parts are the whole of the total (False for lists that may leave items out; then a gap
    with every part stated is ``open_gap``, explained by ``open_reason``). ``count``: head counts, not 万元.
    """
    stated = [p for p in parts if p.value is not None]
    blank = [p for p in parts if p.value is None]
    if not stated:
        return
    unit = "人" if count else "万元"

    def show(value: Decimal) -> str:
        return f"{d(value)}{unit}" if count else fmt_wan(value)

    if not count and total > 0 and any(p.value is not None and p.value >= total * SLIP_RATIO for p in stated):
        return      # a part ~1000× its total is a 元/万元 slip, reported by units.slip (one fact, one finding)
    above = [p for p in stated if p.value is not None and p.value > total + (0 if count else TOLERANCE)]
    if above:
        listing = "、".join(labelled(p.label, show(p.value)) for p in above if p.value is not None)
        yield Finding("item.above_total", "error", path, f"{label}：其中{listing}大于合计{show(total)}，"
                      "其中项不可能大于合计", {**{p.key: d(p.value) for p in above}, "total": d(total)})
        return
    computed = money_sum([p.value for p in stated if p.value is not None])
    diff = total - computed
    if diff == 0:
        return
    expr = "、".join(labelled(p.label, show(p.value)) for p in stated if p.value is not None) + f"合计{show(computed)}"
    numbers = {**{p.key: d(p.value) for p in stated}, "computed": d(computed), "stated": d(total),
               "difference": d(diff)}
    if blank:
        numbers["blank"] = "、".join(p.label for p in blank)
    tolerance = Decimal(0) if count else TOLERANCE
    if abs(diff) <= tolerance:
        if not blank:
            yield Finding(check_id, "note", path,
                          f"{label}：{expr}，文中为{show(total)}，相差{show(diff)}，"
                          f"在0.01万元容差内，属四舍五入差异", numbers)
        return
    if diff < 0:
        rest = f"（另有{'、'.join(p.label for p in blank)}未填）" if blank else ""
        yield Finding(check_id, "error", path,
                      f"{label}：{expr}，已超过文中合计{show(total)}{rest}，相差{show(diff)}", numbers)
    elif blank:
        if len(stated) < 2 and complete:
            return      # one stated part of several: the report simply does not give the split
        yield Finding(check_id, "verify", path,
                      f"{label}：{expr}，与合计{show(total)}相差{show(diff)}；"
                      f"{'、'.join(p.label for p in blank)}未填，差额可能在其中，需核实", numbers)
    elif not complete:
        yield Finding(check_id, open_gap, path,
                      f"{label}：{expr}，比合计{show(total)}少{show(diff)}；{open_reason}", numbers)
    else:
        yield Finding(check_id, "error", path,
                      f"{label}：{expr}，与文中合计{show(total)}相差{show(diff)}，"
                      f"超过0.01万元容差" if not count else
                      f"{label}：{expr}，与文中合计{show(total)}不符", numbers)


def _columns(total: Amounts | None) -> Iterator[tuple[str, str]]:
    """The columns (key, label) in which a total row states a value."""
    if total is None:
        return
    for key, label in COLUMN_LABELS.items():
        if getattr(total, key) is not None:
            yield key, label


def _value(row: Amounts | None, key: str) -> Decimal | None:
    return None if row is None else getattr(row, key)


def split_of(path: str, stated: Callable[[str], bool]) -> tuple[str, ...]:
    """The keys of the split of the total at ``path`` (the registry's alternatives) that the record states: of the
    alternatives whose own parts (those not in every alternative) are partly stated, the one with the fewest blank
    parts, then the fewest parts (a stated subtotal rather than its items: one fault, one finding); the first when
    none is. 支出合计: 基本 + 项目, or 人员 + 公用 + 项目 when only those are stated."""
    alternatives = [tuple(p.rsplit(".", 1)[-1] for p in alt) for alt in forms.entry(path).parts]
    common = set.intersection(*(set(alt) for alt in alternatives))
    candidates = [alt for alt in alternatives if any(stated(k) for k in alt if k not in common)]
    if not candidates:
        return alternatives[0]
    return min(candidates, key=lambda alt: (sum(not stated(k) for k in alt), len(alt)))


# --- income, expenditure ----------------------------------------------------------------------

def check_sum_income(rec: DepartmentYear) -> Iterator[Finding]:
    """收入合计 = 上年结转 + 财政拨款 + 政府性基金 + 财政专户 + 其他收入, per column; and 财政拨款收入 = 年初预算 +
    年中调整 when the report gives no 调整后预算 (the seed: "财政拨款收入3229.37万元，其中：年初预算数2373.85万元，
    年中调整855.52万元").

    A 收入合计 that leaves 上年结转 out (本年收入合计) is accepted when the other sources add up to it."""
    inc = rec.income
    if inc is None:
        return
    app, adj = inc.appropriation, rec.adjustment
    if (app is not None and app.actual is not None and app.budget is not None and app.adjusted is None
            and adj is not None and adj.amount is not None):
        yield from _bridge("sum.income", "income.appropriation.actual", "财政拨款收入",
                           app.budget, adj.amount, app.actual)
    sources = list(forms.items_of("income.total"))
    for col, col_label in _columns(inc.total):
        total = _value(inc.total, col)
        assert total is not None
        parts = [Part(k, INCOME_LABELS[k], _value(getattr(inc, k), col)) for k in sources]
        if not any(p.value is not None for p in parts if p.key != "carryover"):
            continue
        label = f"收入合计（{col_label}）"
        found = list(compare_parts("sum.income", f"income.total.{col}", label, total, parts))
        carry = _value(inc.carryover, col)
        if found and carry is not None:
            without = [p for p in parts if p.key != "carryover"]
            if not list(compare_parts("sum.income", f"income.total.{col}", label, total, without)):
                continue    # 收入合计 without 上年结转: the other sources add up to it
        yield from found


def _bridge(check_id: str, path: str, label: str, initial: Decimal, adjustment: Decimal,
            stated: Decimal) -> Iterator[Finding]:
    """A stated figure against 年初预算 + 年中调整 (the adjustment may be negative: not a sum of 其中 items)."""
    computed = initial + adjustment
    diff = stated - computed
    if diff == 0:
        return
    numbers = {"initial_budget": d(initial), "adjustment": d(adjustment), "computed": d(computed),
               "stated": d(stated), "difference": d(diff)}
    expr = f"年初预算{fmt_wan(initial)}与年中调整{fmt_wan(adjustment)}之和为{fmt_wan(computed)}"
    if abs(diff) <= TOLERANCE:
        yield Finding(check_id, "note", path, f"{label}：{expr}，文中为{fmt_wan(stated)}，相差{fmt_wan(diff)}，"
                      "在0.01万元容差内，属四舍五入差异", numbers)
    else:
        yield Finding(check_id, "error", path, f"{label}：{expr}，与文中{fmt_wan(stated)}相差{fmt_wan(diff)}，"
                      "超过0.01万元容差", numbers)


def check_sum_adjusted(rec: DepartmentYear) -> Iterator[Finding]:
    """A stated 调整后预算 = 年初预算 + 年中调整 (stated), on the 财政拨款 row, else the 收入合计 row."""
    inc, adj = rec.income, rec.adjustment
    amount = adj.amount if adj is not None else None
    if inc is None or amount is None:
        return
    for key in ("appropriation", "total"):
        row = getattr(inc, key)
        if row is not None and row.adjusted is not None and row.budget is not None:
            yield from _bridge("sum.adjusted", f"income.{key}.adjusted",
                               f"{INCOME_LABELS[key]}调整后预算", row.budget, amount, row.adjusted)
            return


def check_sum_expenditure(rec: DepartmentYear) -> Iterator[Finding]:
    """支出合计 = 基本支出 + 项目支出 (or 人员经费 + 公用经费 + 项目支出 when 基本支出 is not stated), per column."""
    exp = rec.expenditure
    if exp is None:
        return
    for col, col_label in _columns(exp.total):
        total = _value(exp.total, col)
        assert total is not None
        keys = split_of("expenditure.total", lambda k, col=col: _value(getattr(exp, k), col) is not None)
        parts = [Part(k, EXPENDITURE_LABELS[k], _value(getattr(exp, k), col)) for k in keys]
        yield from compare_parts("sum.expenditure", f"expenditure.total.{col}", f"支出合计（{col_label}）",
                                 total, parts)


def check_sum_basic(rec: DepartmentYear) -> Iterator[Finding]:
    exp = rec.expenditure
    if exp is None:
        return
    for col, col_label in _columns(exp.basic):
        total = _value(exp.basic, col)
        assert total is not None
        parts = [Part(k, EXPENDITURE_LABELS[k], _value(getattr(exp, k), col)) for k in forms.items_of("expenditure.basic")]
        yield from compare_parts("sum.basic", f"expenditure.basic.{col}", f"基本支出（{col_label}）",
                                 total, parts)


# --- 三公, 公用经费, projects -------------------------------------------------------------------

def check_sum_sangong(rec: DepartmentYear) -> Iterator[Finding]:
    """三公经费合计 = 出国 + 公车（购置 + 运行维护）+ 接待, and 公车 = 购置 + 运行维护, per column."""
    sg = rec.sangong
    if sg is None:
        return
    for col, col_label in _columns(sg.total):
        total = _value(sg.total, col)
        assert total is not None
        keys = split_of("sangong.total", lambda k, col=col: _value(getattr(sg, k), col) is not None)
        parts = [Part(k, SANGONG_LABELS[k], _value(getattr(sg, k), col)) for k in keys]
        yield from compare_parts("sum.sangong", f"sangong.total.{col}", f"三公经费合计（{col_label}）",
                                 total, parts)
    for col, col_label in _columns(sg.vehicle):
        total = _value(sg.vehicle, col)
        assert total is not None
        parts = [Part(k, SANGONG_LABELS[k], _value(getattr(sg, k), col)) for k in forms.items_of("sangong.vehicle")]
        yield from compare_parts("sum.sangong", f"sangong.vehicle.{col}",
                                 f"{SANGONG_LABELS['vehicle']}（{col_label}）", total, parts)


def _shown_complete(total: Amounts | None, items: Sequence[Amounts]) -> bool:
    """Items add up to their total (within 0.01) in some column where every item states a value."""
    for key in COLUMNS:
        t = _value(total, key)
        values = [getattr(item, key) for item in items]
        if t is not None and values and all(v is not None for v in values):
            if abs(t - money_sum([v for v in values if v is not None])) <= TOLERANCE:
                return True
    return False


def check_sum_public_funds(rec: DepartmentYear) -> Iterator[Finding]:
    """公用经费 其中 items against 公用经费 (the table's total, else 支出情况's), per column."""
    pf = rec.public_funds
    if pf is None or not pf.items:
        return
    total_row, path = pf.total, "public_funds.total"
    if total_row is None and rec.expenditure is not None and rec.expenditure.public is not None:
        total_row, path = rec.expenditure.public, "expenditure.public"
    complete = _shown_complete(total_row, pf.items)
    for col, col_label in _columns(total_row):
        total = _value(total_row, col)
        assert total is not None
        parts = [Part(f"item_{i + 1}", f"「{item.name}」", getattr(item, col)) for i, item in enumerate(pf.items)]
        yield from compare_parts("sum.public_funds", f"{path}.{col}", f"公用经费（{col_label}）", total, parts,
                                 complete=complete, open_gap="note",
                                 open_reason="其中项只列出部分经费类别，其余为未列出的其他公用经费")


def check_sum_projects(rec: DepartmentYear) -> Iterator[Finding]:
    """The department's own project items (代管资金 left out) against 项目支出, per column.

    Items above 项目支出 are an error. A shortfall never proves one: a report may list only some projects, a
    project may be added mid-year (in 本年决算, not in 本年预算) or have ended last year (in 上年决算, not in this
    year's list) — even a list that adds up in one column need not be complete in another.
    """
    exp = rec.expenditure
    own = [(i, p) for i, p in enumerate(rec.projects) if not p.managed_only]
    if exp is None or exp.project is None or not own:
        return
    for col, col_label in _columns(exp.project):
        total = _value(exp.project, col)
        assert total is not None
        parts = [Part(f"project_{i + 1}", project_label(i, p), getattr(p, col)) for i, p in own]
        yield from compare_parts("sum.projects", f"expenditure.project.{col}", f"项目支出（{col_label}）",
                                 total, parts, complete=False,
                                 open_reason="报告可能只列出了部分项目（或有年中追加、上年已结束的项目），需核实")


# --- sub-units, staffing, the 自评表 ---------------------------------------------------------

_UNIT_INCOME = tuple(forms.items_of("income_by_unit.total"))


def check_sum_units(rec: DepartmentYear) -> Iterator[Finding]:
    """Tables by sub-unit: each row adds up, and the units add up to the 汇总 row, per column."""
    for table, fields, labels, name in (
            ("income_by_unit", ("total",) + _UNIT_INCOME, INCOME_LABELS, "分机构收入"),
            ("expenditure_by_unit", tuple(EXPENDITURE_LABELS), EXPENDITURE_LABELS, "分机构支出")):
        rows = getattr(rec, table)
        for i, row in enumerate(rows):
            if row.total is None:
                continue
            if table == "income_by_unit":
                parts = [Part(k, labels[k], getattr(row, k)) for k in _UNIT_INCOME]
                found = list(compare_parts("sum.units", f"{table}[{i}].total", f"{name}「{row.name}」收入合计", row.total,
                                           parts))
                if found and row.carryover is not None:
                    without = [p for p in parts if p.key != "carryover"]
                    if not list(compare_parts("sum.units", "", "", row.total, without)):
                        found = []
                yield from found
            else:
                keys = split_of("expenditure_by_unit.total", lambda k, row=row: getattr(row, k) is not None)
                parts = [Part(k, labels[k], getattr(row, k)) for k in keys]
                yield from compare_parts("sum.units", f"{table}[{i}].total", f"{name}「{row.name}」支出合计", row.total,
                                         parts)
                if row.basic is not None:
                    yield from compare_parts("sum.units", f"{table}[{i}].basic", f"{name}「{row.name}」基本支出",
                                             row.basic, [Part(k, labels[k], getattr(row, k))
                                                         for k in forms.items_of("expenditure_by_unit.basic")])
        totals = [(i, r) for i, r in enumerate(rows) if r.is_total]
        units = [(i, r) for i, r in enumerate(rows) if not r.is_total]
        if len(totals) != 1 or not units:
            continue
        ti, total_row = totals[0]
        for key in fields:
            total = getattr(total_row, key)
            if total is None:
                continue
            parts = [Part(f"unit_{i + 1}", f"「{r.name}」", getattr(r, key)) for i, r in units]
            yield from compare_parts("sum.units", f"{table}[{ti}].{key}",
                                     f"{name}{labels[key]}「{total_row.name}」行", total, parts)


def check_sum_staffing(rec: DepartmentYear) -> Iterator[Finding]:
    """Head counts against their split by kind: 编制数 = 行政 + 事业 + 工勤编制, 实有人数 = 行政 + 事业 + 工勤
    (工勤 left out of the sum when the report counts it inside 行政: "行政编制38人（含工勤编制7人）", and then not
    above 行政); 离退休人员 = 退休 + 离休. A blank kind may hold the difference: a shortfall is 需核实."""
    s = rec.staffing
    if s is None:
        return
    for total_path in ("staffing.approved", "staffing.actual", "staffing.retirees"):
        key = total_path.split(".")[1]
        total = getattr(s, key)
        parts = [Part(k.removeprefix(f"{key}_"), label, None if getattr(s, k) is None else Decimal(getattr(s, k)))
                 for k, label in forms.items_of(total_path).items()]
        worker = next((p for p in parts if p.key == "worker"), None)
        if s.worker_within_admin and worker is not None:
            parts.remove(worker)
            admin = next(p for p in parts if p.key == "admin")
            if worker.value is not None and admin.value is not None and worker.value > admin.value:
                yield from compare_parts("sum.staffing", f"{total_path}_admin", forms.label(f"{total_path}_admin"),
                                         admin.value, [worker], count=True)
        if total is None or all(p.value is None for p in parts):
            continue
        yield from compare_parts("sum.staffing", total_path, forms.label(total_path), Decimal(total), parts,
                                 count=True)


def check_sum_self_funds(rec: DepartmentYear) -> Iterator[Finding]:
    """自评表 资金: the rows of each nature (按收入性质 / 按支出性质) against the 年度资金总额 row, per column."""
    total_row = fund_total_row(rec)
    if total_row is None:
        return
    ti = next(i for i, f in enumerate(rec.self_funds) if f is total_row)
    for nature in ("收入性质", "支出性质"):
        rows = [(i, f) for i, f in enumerate(rec.self_funds) if f.nature == nature]
        if not rows:
            continue
        for key, label in (("initial", "年初预算"), ("full_year", "全年预算"), ("executed", "全年执行")):
            total = getattr(total_row, key)
            if total is None:
                continue
            parts = [Part(f"row_{i + 1}", f"「{f.item}」", getattr(f, key)) for i, f in rows]
            # The form's rows of a nature are fixed, but a report lists only those it fills in: a gap is 需核实.
            yield from compare_parts("sum.self_funds", f"self_funds[{ti}].{key}",
                                     f"自评表{label}「{total_row.item}」（按{nature}）", total, parts,
                                     complete=False, open_reason="自评表可能未列出全部资金来源或支出类别，需核实")


def check_self_scores(rec: DepartmentYear) -> Iterator[Finding]:
    if not rec.self_scores:
        yield Finding("selfscore.missing", "note", "self_scores", "未列出自评得分，无法与测算得分对照")
        return
    level1 = [s for s in rec.self_scores if s.level == 1]
    weighted = [s for s in level1 if s.weight is not None]
    blank = [s for s in level1 if s.weight is None]
    weights = money_sum([s.weight for s in weighted if s.weight is not None])
    if level1 and not blank and weights == HUNDRED:
        return
    expr = "、".join(f"{s.part}{d(s.weight)}分" for s in weighted if s.weight is not None)
    numbers = {"weights_total": d(weights), "expected": "100"}
    if weights > HUNDRED:
        yield Finding("selfscore.weights", "error", "self_scores",
                      f"自评一级指标分值合计{d(weights)}分（{expr}），超过100分", numbers)
        return
    if not weighted:
        what = "自评表未列出一级指标的分值" if level1 else "自评表只列出下级指标，未列出一级指标"
    else:
        what = f"自评一级指标分值合计{d(weights)}分（{expr}）" + (
            f"，另有{'、'.join(s.part for s in blank)}未列分值" if blank else "") + "，不足100分"
    yield Finding("selfscore.weights", "verify", "self_scores",
                  f"{what}：自评表可能只列出了一部分，不与测算得分对照", numbers)


def check_self_score_total(rec: DepartmentYear) -> Iterator[Finding]:
    """The stated 自评总分 against the sum of the level-1 scores (only when every level-1 score is stated)."""
    stated = rec.self_score_total
    level1 = [s for s in rec.self_scores if s.level == 1]
    if stated is None or not level1 or any(s.score is None for s in level1):
        return
    computed = money_sum([s.score for s in level1 if s.score is not None])
    if computed == stated:
        return
    complete = all(s.weight is not None for s in level1) and money_sum(
        [s.weight for s in level1 if s.weight is not None]) == HUNDRED
    expr = "、".join(f"{s.part}{d(s.score)}分" for s in level1)
    numbers = {"computed": d(computed), "stated": d(stated), "difference": d(stated - computed)}
    if complete or computed > stated:
        yield Finding("selfscore.sum", "error", "self_score_total",
                      f"自评总分{d(stated)}分与一级指标得分之和{d(computed)}分（{expr}）不符", numbers)
    else:
        yield Finding("selfscore.sum", "verify", "self_score_total",
                      f"自评总分{d(stated)}分高于所列一级指标得分之和{d(computed)}分（{expr}）：自评表可能只列出了一部分，"
                      "需核实", numbers)


def check_projects_within_total(rec: DepartmentYear) -> Iterator[Finding]:
    """Stated project budgets above the department's whole 收入 (本年决算): its own projects cannot exceed it."""
    budgeted = [p for p in rec.projects if p.budget is not None]
    total = compute(rec).income_actual
    if not budgeted or total is None:
        return
    listed = money_sum([p.budget for p in budgeted if p.budget is not None])
    if listed <= total:
        return
    own = [p for p in budgeted if not p.managed_only]
    managed = [(i, p) for i, p in enumerate(rec.projects) if p.managed_only and p.budget is not None]
    own_budget = money_sum([p.budget for p in own if p.budget is not None])
    numbers = {"projects_budget": d(listed), "own_projects_budget": d(own_budget), "income_total": d(total),
               "difference": d(listed - total)}
    head = (f"所列{len(budgeted)}个项目预算合计{fmt_wan(listed)}，超过部门收入{fmt_wan(total)}"
            f"（多{fmt_wan(listed - total)}）")
    if own_budget > total:
        yield Finding("projects.above_total", "error", "projects",
                      f"{head}；本部门自己的项目不可能超过部门全部收入，其中代管、转拨的资金应标为代管资金", numbers)
    else:
        names = ("这些项目均" if len(managed) == len(budgeted)
                 else "其中" + "、".join(project_label(i, p) for i, p in managed))
        yield Finding("projects.above_total", "note", "projects",
                      f"{head}；{names}为代管资金（部门只负责管理或转拨），不计入本部门预算执行", numbers)


def _without_above(fn: CheckFn) -> CheckFn:
    def run(rec: DepartmentYear) -> Iterator[Finding]:
        return (f for f in fn(rec) if f.id != "item.above_total")
    return run


def check_items_above_total(rec: DepartmentYear) -> Iterator[Finding]:
    """其中 items above their total, in every comparison of totals and parts above (one check id for all)."""
    for fn in _PART_CHECKS:
        yield from (f for f in fn(rec) if f.id == "item.above_total")


_PART_CHECKS: tuple[CheckFn, ...] = (check_sum_income, check_sum_expenditure, check_sum_basic, check_sum_sangong,
                                     check_sum_public_funds, check_sum_projects, check_sum_units, check_sum_staffing,
                                     check_sum_self_funds)

_SUM = "error（差额在0.01万元容差内为 note；有未填的项且差额可能在其中时为 verify）"

CHECKS: tuple[CheckRule, ...] = (
    CheckRule("item.above_total", "其中项大于合计（逐列）", check_items_above_total, {"item.above_total": "error"}),
    CheckRule("sum.income", "收入合计 = 各项收入之和（逐列）", _without_above(check_sum_income), {"sum.income": _SUM}),
    CheckRule("sum.adjusted", "调整后预算 = 年初预算 + 年中调整", check_sum_adjusted,
              {"sum.adjusted": "error（差额在0.01万元容差内为 note）"}),
    CheckRule("sum.expenditure", "支出合计 = 基本支出 + 项目支出（或人员 + 公用 + 项目）（逐列）",
              _without_above(check_sum_expenditure), {"sum.expenditure": _SUM}),
    CheckRule("sum.basic", "基本支出 = 人员经费 + 公用经费（逐列）", _without_above(check_sum_basic), {"sum.basic": _SUM}),
    CheckRule("sum.sangong", "三公经费合计 = 各项之和；公务用车 = 购置 + 运行维护（逐列）", _without_above(check_sum_sangong),
              {"sum.sangong": _SUM}),
    CheckRule("sum.public_funds", "公用经费其中各项与合计（逐列）", _without_above(check_sum_public_funds),
              {"sum.public_funds": _SUM + "；其中项未列全且各项均已填写时差额为 note"}),
    CheckRule("sum.projects", "所列本部门项目与项目支出（逐列）", _without_above(check_sum_projects),
              {"sum.projects": "error（所列项目合计超过项目支出）；verify（少于项目支出：项目可能未列全）"}),
    CheckRule("sum.units", "分机构表：各行自身合计、各机构之和与汇总行（逐列）", _without_above(check_sum_units),
              {"sum.units": _SUM}),
    CheckRule("sum.staffing", "编制数、实有人数 = 行政 + 事业 + 工勤；离退休 = 退休 + 离休",
              _without_above(check_sum_staffing),
              {"sum.staffing": "error（各类均已填写，或已填各类超过合计）；verify（有未填的类别且差额可能在其中）"}),
    CheckRule("sum.self_funds", "自评表资金：按收入性质、按支出性质各项之和与年度资金总额（逐列）",
              _without_above(check_sum_self_funds), {"sum.self_funds": _SUM + "；所列各项少于总额时为 verify"}),
    CheckRule("selfscore", "自评一级指标分值合计为100", check_self_scores,
              {"selfscore.missing": "note", "selfscore.weights": "error（超过100）；verify（不足100，自评表可能不完整）"}),
    CheckRule("selfscore.sum", "自评总分与一级指标得分之和", check_self_score_total,
              {"selfscore.sum": "error；verify（自评表不完整且总分高于所列得分之和）"}),
    CheckRule("projects.above_total", "项目预算合计超过部门收入", check_projects_within_total,
              {"projects.above_total": "error（本部门项目超过）；note（超出部分为代管资金）"}),
)
