"""Our part of a chapter, 测算与核查, as pandas tables and short Chinese text: computed scores, the rates
recomputed from the unit's figures, the comparison with the unit's self-score, findings by severity; and
the method page's tables (grade bands, indicator trees).

Pure functions, no I/O. Text coming from data (names, explanations) is put into cells and sentences as
plain text; escaping is the caller's job. Our score is called by its label (:attr:`ScoreResult.label`:
测算得分 unless the framework is an official one). Computed scores have two decimals, the unit's own
scores are shown as written; no formula signs, no space between Chinese and figures.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from perfeval.model import DepartmentYear, Facts
from perfeval.model.numbers import HUNDRED, fmt_number, fmt_rate, fmt_score, fmt_wan
from perfeval.pages.cells import Absent, Delta, number_or, pct, score_or, score_text
from perfeval.pages.items import finding_item
from perfeval.pages.tables import drop_empty_columns
from perfeval.review import rules
from perfeval.review import (SEVERITY_LABELS, Finding, Framework, IndicatorScore, IndicatorSpec, RectificationRow,
                             ScoreResult, compare_self_scores, date_words, grade, input_value, mid_year_adjustment, rule_label, rule_text,
                             self_scores_comparable, self_total, sort_findings)

FINDING_COLUMNS = ["严重程度", "涉及项目", "说明", "编号", "规则", "字段"]
#: Columns of the findings tables that only the CSV download holds (check ids and field paths).
FINDING_CSV_ONLY = ("编号", "规则", "字段")
#: A findings table of one severity group shows 涉及项目 and 说明; its CSV keeps the rest (the chapter lists
#: the ids, 编号, apart, folded away from the reader's text).
GROUP_CSV_ONLY = ("严重程度", "规则", "字段")


def _values_text(ind: IndicatorScore) -> str:
    return "；".join(v.display if len(ind.inputs) == 1 else f"{v.label}{v.display}" for v in ind.inputs)


def score_columns(result: ScoreResult) -> list[str]:
    return ["一级指标", "二级指标", "三级指标", "分值", result.label, "指标值", "说明"]


def scores_table(result: ScoreResult) -> pd.DataFrame:
    """One row per scored (leaf) indicator with its level-1/2/3 names, then a 合计 row.

    分值 is Decimal, the score a :class:`Score` (or 不适用 when the indicator's data are not stated);
    指标值 and 说明 are text.
    """
    label = result.label
    names: dict[str, IndicatorScore] = {i.code: i for i in result.indicators}
    rows: list[dict[str, object]] = []
    for leaf in result.leaves():
        chain: list[IndicatorScore] = [leaf]
        while chain[0].parent is not None:
            chain.insert(0, names[chain[0].parent])
        levels = [c.name for c in chain] + [""] * (3 - len(chain))
        rows.append({"一级指标": levels[0], "二级指标": levels[1], "三级指标": levels[2], "分值": leaf.weight,
                     "指标值": _values_text(leaf), label: score_or(leaf.score, "不适用"), "说明": leaf.explanation})
    rows += total_rows(result)
    return pd.DataFrame(rows, columns=score_columns(result))


def total_rows(result: ScoreResult) -> list[dict[str, object]]:
    """The rows under the indicators, so that the column adds up on the page: the points earned over the
    applicable points, then (graded only) the rescaling to 100 as its own row (seed: 83.50 of 94 → 88.83).
    An ungraded table rescales nothing and names no grade."""
    label = result.label

    def row(name: str, weight: Decimal, value: object, note: str) -> dict[str, object]:
        return {"一级指标": name, "二级指标": "", "三级指标": "", "分值": weight, "指标值": "", label: value,
                "说明": note}

    if result.total is None:
        return [row("合计", Decimal(100), score_or(None), "各项指标均缺少所需数据，未计算总分，不予评级")]
    full = sum((leaf.weight for leaf in result.leaves()), Decimal(0))
    dropped = full - result.applicable_weight
    if result.grade is None:
        return [row("适用指标合计", result.applicable_weight, score_or(result.raw_total),
                    f"不适用指标共{fmt_number(dropped)}分已剔除；适用指标覆盖率{fmt_rate(result.coverage * HUNDRED)}，"
                    "数据不足，不予评级，不折算总分")]
    if dropped == 0:
        return [row("合计", result.applicable_weight, score_or(result.total), f"等级“{result.grade}”")]
    return [row("适用指标合计", result.applicable_weight, score_or(result.raw_total),
                f"不适用指标共{fmt_number(dropped)}分已剔除"),
            row("按100分折算", Decimal(100), score_or(result.total),
                f"适用指标得分{score_text(result.raw_total)}分按其分值{fmt_number(result.applicable_weight)}分"
                f"折合为百分制，等级“{result.grade}”")]


def self_vs_computed_table(result: ScoreResult, record: DepartmentYear) -> pd.DataFrame:
    """Level-1 indicators: weight, the unit's self-score, our score, the difference and why (call only when
    :func:`perfeval.review.self_scores_comparable`)."""
    label = result.label
    rows: list[dict[str, object]] = []
    for c in compare_self_scores(result, record):
        rows.append({"一级指标": c.part, "分值": number_or(c.weight), "自评得分": number_or(c.self_score),
                     label: score_or(c.recomputed, "不适用"),
                     "差异": Absent() if c.difference is None else Delta(c.difference), "说明": c.explanation})
    own = self_total(record)
    diff = None if own is None or result.shown_total is None else result.shown_total - own
    rows.append({"一级指标": "合计", "分值": Decimal(100), "自评得分": number_or(own), label: score_or(result.shown_total),
                 "差异": Absent() if diff is None else Delta(diff), "说明": ""})
    return pd.DataFrame(rows, columns=["一级指标", "分值", "自评得分", label, "差异", "说明"])


def comparison_text(result: ScoreResult, record: DepartmentYear, absent: str = "数据文件未填写单位自评表。") -> str:
    """How our score compares with the unit's self-score, in one or two sentences. A partial table is not
    compared: no difference is derived from it. ``absent`` is what is true of a record without a 自评表 (the
    chapter's :meth:`~perfeval.pages.unit_report.UnitReport.absence` of ``self_table``: 原报告未附…, 未能从原报告中
    提取… or 数据文件未填写…); a total the report states is still compared."""
    label = result.label
    level1 = [s for s in record.self_scores if s.level == 1]
    if not record.self_scores:
        missing = absent.rstrip("。")
        if record.self_score_total is None:
            return f"{missing}，无自评得分可以对照。"
        return f"{missing}，只对照总分：" + _total_comparison(result, record, record.self_score_total)
    if not self_scores_comparable(record):
        if not level1 or any(s.weight is None for s in level1):
            why = "未列全一级指标的分值"
        else:
            why = f"一级指标分值合计{fmt_score(sum((s.weight for s in level1 if s.weight is not None), Decimal(0)))}分，不是100分"
        return f"单位自评表{why}，不与{label}对照，自评表按原样列于单位自评报告的“单位自评表”一节。"
    own = self_total(record)
    if own is None:
        return f"单位自评表未列全一级指标的得分，不与{label}对照。"
    return _total_comparison(result, record, own)


def _total_comparison(result: ScoreResult, record: DepartmentYear, own: Decimal) -> str:
    """"单位自评X分，等级…；测算得分比自评低Y分，差异主要在…。" """
    label = result.label
    own_grade = f"，等级“{record.self_grade or grade(own)}”" if 0 <= own <= 100 else ""
    text = f"单位自评{fmt_number(own)}分{own_grade}"
    if result.shown_total is None:
        return text + "。"
    diff = result.shown_total - own
    if diff == 0:
        return text + f"，与{label}一致。"
    word = "低" if diff < 0 else "高"
    text += f"；{label}比自评{word}{score_text(abs(diff))}分"
    gaps = [c for c in compare_self_scores(result, record) if c.difference is not None and c.difference != 0]
    if gaps:
        text += "，差异主要在" + "、".join(
            f"{c.part}（自评{fmt_number(c.self_score)}分，测算{score_text(c.recomputed)}分）"  # type: ignore[arg-type]
            for c in gaps)
    elif any(c.recomputed is None or c.self_score is None for c in compare_self_scores(result, record)):
        text += "，自评指标与本指标体系的一级指标不能一一对应"
    return text + "。"


def deductions_text(result: ScoreResult) -> str:
    """The indicators that lost most points ("" when none lost any, and on an ungraded page, where no score
    stands to lose points from)."""
    if not result.graded:
        return ""
    lost = sorted((leaf for leaf in result.leaves() if leaf.score is not None and leaf.lost > 0),
                  key=lambda leaf: leaf.lost, reverse=True)[:3]
    if not lost:
        return ""
    return "扣分最多的指标：" + "；".join(f"{leaf.name}扣{score_text(leaf.lost)}分" for leaf in lost) + "。"


# --- rates ----------------------------------------------------------------------------------------

def rates_table(rec: DepartmentYear, f: Facts) -> pd.DataFrame:
    """The rates recomputed from the unit's figures, each with what it is the share of; a rate whose
    figures are not stated is left out."""
    rows: list[tuple[str, object, str]] = []

    def add(name: str, value: Decimal | None, how: str, signed: bool = False) -> None:
        if value is not None:
            rows.append((name, pct(value, signed), how))

    adjusted = fmt_wan(f.adjusted_budget)
    if not f.adjusted_budget_stated and f.adjusted_budget is not None:
        adjusted += "（年初预算与年中调整之和）"
    if f.execution_rate is not None:
        add("预算执行率", f.execution_rate, f"支出合计{fmt_wan(f.expenditure_total)}占调整后预算{adjusted}的比例")
    else:   # a partial record: the 自评表's 全年执行 and 全年预算, when it gives them
        executed = input_value("execution_rate", rec)
        add("预算执行率", executed.value if isinstance(executed.value, Decimal) else None, executed.detail)
    if f.adjustment_rate is not None:
        add("预算调整率", f.adjustment_rate, f"年中调整预算数{fmt_wan(f.adjustment)}占年初预算{fmt_wan(f.initial_budget)}的比例")
    else:   # derived from the rows that state both budgets (or from the 自评表's 年初 and 全年预算)
        adj = mid_year_adjustment(rec, f)
        add("预算调整率", adj.rate, adj.detail())
    if f.counted_adjustment is not None and f.counted_adjustment != f.adjustment:
        add("预算调整率（扣除上年结转和单位所述不计入部分）", f.counted_adjustment_rate,
            f"扣除后的年中调整{fmt_wan(f.counted_adjustment)}占年初预算{fmt_wan(f.initial_budget)}的比例")
    fiscal = rec.carryover.fiscal if rec.carryover is not None else None
    add("财政拨款结转结余率", f.fiscal_carryover_rate, f"财政拨款结转结余{fmt_wan(fiscal)}占调整后预算{adjusted}的比例")
    exp = rec.expenditure
    if exp is not None and exp.public is not None:
        add("公用经费控制率", f.public_control_rate,
            f"公用经费决算数{fmt_wan(exp.public.actual)}占预算数{fmt_wan(exp.public.budget)}的比例")
    if exp is not None and exp.personnel is not None:
        add("人员经费超出预算的比例", f.personnel_over_budget_rate,
            f"人员经费决算数{fmt_wan(exp.personnel.actual)}超出预算数{fmt_wan(exp.personnel.budget)}的部分占预算数的比例",
            signed=True)
    add("“三公”经费控制率", f.sangong_control_rate,
        f"“三公”经费决算数{fmt_wan(f.sangong_actual)}占预算数{fmt_wan(f.sangong_budget)}的比例")
    add("“三公”经费较上年变动率", f.sangong_change_rate,
        f"“三公”经费决算数{fmt_wan(f.sangong_actual)}较上年决算数{fmt_wan(f.sangong_previous)}的增减占上年的比例",
        signed=True)
    if rec.staffing is not None:
        add("在职人员控制率", f.staffing_control_rate,
            f"实有人数{rec.staffing.actual}人占编制数{rec.staffing.approved}人的比例")
    paired = [p for p in f.projects if not p.managed_only and p.execution_rate is not None]
    add("本部门项目预算执行率", f.own_project_execution_rate,
        f"{len(paired)}个同时列明预算和实际金额的本部门项目，实际金额合计占预算合计的比例")
    return pd.DataFrame(rows, columns=["比率", "测算值", "口径"])


def project_rates_table(rec: DepartmentYear, f: Facts) -> pd.DataFrame:
    """Each project with a budget and an actual figure: its execution rate, and whose budget it is."""
    rows = []
    for pf in f.projects:
        if pf.execution_rate is None:
            continue
        p = rec.projects[pf.index]
        rows.append((pf.label, p.name, "代管资金" if pf.managed_only else "本部门", p.budget, p.actual, p.actual_label,
                     pct(pf.execution_rate)))
    return pd.DataFrame(rows, columns=["项目", "项目名称", "资金性质", "预算（万元）", "实际（万元）", "实际数口径", "执行率"])


# --- findings -------------------------------------------------------------------------------------

def findings_table(findings: list[Finding], record: DepartmentYear) -> pd.DataFrame:
    """Findings sorted errors first: 严重程度 (错误/需核实/提示), 涉及项目, 说明 (with the bureau's ruling and the
    unit's reply, when there are), 编号 (the finding id a ruling or a reply names); then the check id (规则) and
    the field path (字段), which only the CSV shows (:data:`FINDING_CSV_ONLY`). A finding about the record as a
    whole (a summary note) concerns no item; when no finding of the table does, 涉及项目 is dropped, as any column
    empty in every row."""
    rows = [{"严重程度": SEVERITY_LABELS[f.severity], "涉及项目": _item_cell(record, f.path), "说明": f.full_text(),
             "编号": f.finding_id, "规则": f.id, "字段": f.path}
            for f in sort_findings(list(findings))]
    table = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    if table.empty:
        return table
    shown = drop_empty_columns(table.drop(columns=list(FINDING_CSV_ONLY)))
    return table[[*shown.columns, *FINDING_CSV_ONLY]]


def _item_cell(record: DepartmentYear, path: str) -> str | Absent:
    item = finding_item(record, path)
    return Absent() if item == "—" else item


def finding_groups(findings: list[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(severity, label, findings) for each severity that has findings, errors first."""
    out = []
    for severity in ("error", "verify", "note", "warning"):
        group = [f for f in findings if f.severity == severity]
        if group:
            out.append((severity, SEVERITY_LABELS[severity], group))
    return out


# --- rectification ---------------------------------------------------------------------------------

def rectification_table(rows: list[RectificationRow]) -> pd.DataFrame:
    """Last year's problems (as last year's report states them) with this year's status and words."""
    out = []
    for r in rows:
        p, e = r.problem, r.entry
        out.append({"上年问题": f"{r.label}：{p.problem}", "整改措施": p.measures or Absent(),
                    "整改责任人": p.responsible or Absent(),
                    "整改完成时限": date_words(p.deadline) or Absent(), "整改状态": r.status,
                    "整改情况（本年报告所述）": (e.description if e is not None and e.description else Absent()),
                    "完成时间": date_words(e.completed if e is not None else None) or Absent()})
    return drop_empty_columns(pd.DataFrame(out, columns=["上年问题", "整改措施", "整改责任人", "整改完成时限", "整改状态",
                                                        "整改情况（本年报告所述）", "完成时间"]))


# --- the method page ------------------------------------------------------------------------------

TREE_COLUMNS = ["一级指标", "二级指标", "三级指标", "分值", "评分规则", "评分标准"]


def framework_tree_table(framework: Framework) -> pd.DataFrame:
    """The indicator tree as rows (一级 / 二级 / 三级指标, 分值, 评分规则, 评分标准), then a 合计 row.

    Each indicator's name stands only in its own level's column, so the table reads as a tree.
    """
    rows: list[list[object]] = []

    def visit(node: IndicatorSpec) -> None:
        shown = ["", "", ""]
        shown[node.level - 1] = f"{node.code} {node.name}"
        if node.rule is None:
            rule, criteria = "下级指标得分合计", ""
        else:
            rule, criteria = rule_label(node), rule_text(node)
        rows.append([*shown, node.weight, rule, criteria])
        for child in node.children:
            visit(child)

    for top in framework.indicators:
        visit(top)
    rows.append(["合计", "", "", Decimal(100), "", ""])
    return pd.DataFrame(rows, columns=TREE_COLUMNS)


def grade_band_labels() -> list[tuple[str, str]]:
    """(grade, interval) from the grade bands, highest first: 优 [90, 100], 良 [80, 90), …"""
    out = []
    upper: Decimal = Decimal(100)
    for lower, label in rules.GRADE_BANDS:
        close = "]" if upper == 100 else ")"
        out.append((str(label), f"[{fmt_number(lower)}, {fmt_number(upper)}{close}"))
        upper = lower
    return out


def grade_bands_table() -> pd.DataFrame:
    """评价等级: each grade with its score interval and the same in words (from ``rules.GRADE_BANDS``)."""
    rows = []
    upper: Decimal = Decimal(100)
    for (label, interval), (lower, _) in zip(grade_band_labels(), rules.GRADE_BANDS):
        if upper == 100:
            words = f"{fmt_number(lower)}分（含）以上"
        elif lower == 0:
            words = f"{fmt_number(upper)}分以下"
        else:
            words = f"{fmt_number(lower)}分（含）至{fmt_number(upper)}分"
        rows.append((label, interval, words))
        upper = lower
    return pd.DataFrame(rows, columns=["等级", "总分区间", "说明"])


def level_one_weights(framework: Framework) -> str:
    """The level-1 indicators and their weights in words: 预算执行30分、预算管理20分…，合计100分."""
    parts = "、".join(f"{top.name}{fmt_score(top.weight)}分" for top in framework.indicators)
    total = sum((top.weight for top in framework.indicators), start=Decimal(0))
    return f"{parts}，合计{fmt_score(total)}分"
