"""Review results for the book: pandas tables and short Chinese text.

Pure functions, no I/O.
Text coming from data (names, explanations) is put into cells and sentences as
plain text; escaping it for markdown is the caller's job.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from perfeval.model import DepartmentYear
from perfeval.model import schema_field
from perfeval.model.numbers import fmt_number, fmt_score
from perfeval.pages.cells import Absent, Delta, Score, number_or, score_or, score_text
from perfeval.review import rules
from perfeval.review import (SEVERITY_LABELS, Finding, Framework, IndicatorScore, IndicatorSpec,
                             ScoreResult, compare_self_scores, grade, rule_label, rule_text, score,
                             sort_findings)

SCORE_COLUMNS = ["一级指标", "二级指标", "三级指标", "分值", "复核得分", "指标值", "说明"]
SELF_COLUMNS = ["一级指标", "分值", "自评得分", "复核得分", "差异", "说明"]
FINDING_COLUMNS = ["严重程度", "涉及项目", "说明", "规则", "字段"]
#: Columns of the findings tables that only the CSV download holds (check ids and field paths).
FINDING_CSV_ONLY = ("规则", "字段")
_ITEMS = {"goals": "目标", "projects": "项目", "problems": "问题"}
_PATH = re.compile(r"([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+)(?:\[(\d+)\])?)?")


def _values_text(ind: IndicatorScore) -> str:
    return "；".join(v.display if len(ind.inputs) == 1 else f"{v.label} {v.display}" for v in ind.inputs)


def scores_table(result: ScoreResult) -> pd.DataFrame:
    """One row per scored (leaf) indicator with its level-1/2/3 names, then a 合计 row.

    分值 and 复核得分 are Decimal (复核得分 None when not applicable); 指标值 and 说明 are text.
    """
    names: dict[str, IndicatorScore] = {i.code: i for i in result.indicators}
    rows: list[dict[str, object]] = []
    for leaf in result.leaves():
        chain: list[IndicatorScore] = [leaf]
        while chain[0].parent is not None:
            chain.insert(0, names[chain[0].parent])
        levels = [c.name for c in chain] + [""] * (3 - len(chain))
        rows.append({
            "一级指标": levels[0], "二级指标": levels[1], "三级指标": levels[2],
            "分值": leaf.weight, "指标值": _values_text(leaf),
            "复核得分": score_or(leaf.score), "说明": leaf.explanation,
        })
    total_note = f"等级：{result.grade}"
    if result.notes:
        total_note += "；" + "；".join(result.notes)
    rows.append({"一级指标": "合计", "二级指标": "", "三级指标": "", "分值": Decimal(100), "指标值": "",
                 "复核得分": Score(result.total), "说明": total_note})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def self_vs_recomputed_table(result: ScoreResult, record: DepartmentYear) -> pd.DataFrame:
    """Level-1 indicators: weight, the unit's self-score, the recomputed score, the difference and why."""
    rows: list[dict[str, object]] = []
    for c in compare_self_scores(result, record):
        rows.append({"一级指标": c.part, "分值": c.weight, "自评得分": number_or(c.self_score),
                     "复核得分": score_or(c.recomputed),
                     "差异": Absent() if c.difference is None else Delta(c.difference), "说明": c.explanation})
    self_total = record.self_score_total if record.self_scores else None
    diff = None if self_total is None else result.total - self_total
    note = f"复核等级“{result.grade}”"
    if self_total is not None:
        note += f"，自评等级“{grade(self_total)}”" if self_total <= 100 else ""
    if result.notes:
        note += "；" + "；".join(result.notes)
    rows.append({"一级指标": "合计", "分值": Decimal(100), "自评得分": number_or(self_total),
                 "复核得分": Score(result.total), "差异": Absent() if diff is None else Delta(diff), "说明": note})
    return pd.DataFrame(rows, columns=SELF_COLUMNS)


def score_summary_markdown(result: ScoreResult, record: DepartmentYear) -> str:
    """A short Chinese paragraph: recomputed total and grade, compared with the unit's self-score.
    Computed scores with two decimals, the unit's own as written; no space between Chinese and figures."""
    fw = result.framework
    text = (f"按“{fw.title}”复核，{record.unit.name}{record.year}年度部门整体支出绩效"
            f"得分{score_text(result.total)}分，等级为“{result.grade}”。")
    if result.notes:
        text += "".join(n + "。" for n in result.notes)
    if record.self_scores:
        own = record.self_score_total
        own_grade = f"，等级“{grade(own)}”" if 0 <= own <= 100 else ""
        diff = result.total - own
        if diff == 0:
            text += f"单位自评{fmt_number(own)}分{own_grade}，与复核一致。"
        else:
            word = "低" if diff < 0 else "高"
            text += f"单位自评{fmt_number(own)}分{own_grade}；复核得分比自评{word}{score_text(abs(diff))}分"
            gaps = [c for c in compare_self_scores(result, record)
                    if c.difference is not None and c.difference != 0]
            if gaps:
                text += "，差异主要在" + "；".join(
                    f"{c.part}（自评{fmt_number(c.self_score)}分，复核{score_text(c.recomputed)}分）"  # type: ignore[arg-type]
                    for c in gaps)
            elif any(c.recomputed is None or c.self_score is None for c in compare_self_scores(result, record)):
                text += "，自评指标与本指标体系的一级指标不能一一对应"
            text += "。"
    else:
        text += "单位未列出自评得分。"
    lost = sorted((leaf for leaf in result.leaves() if leaf.score is not None and leaf.lost > 0),
                  key=lambda leaf: leaf.lost, reverse=True)[:3]
    if lost:
        text += "扣分最多的指标：" + "；".join(f"{leaf.name}扣{score_text(leaf.lost)}分" for leaf in lost) + "。"
    return text


def finding_item(record: DepartmentYear, path: str) -> str:
    """What a finding is about, as the page names it: ``projects[2].actual`` → 项目3,
    ``goals[0].indicators[1].actual`` → 目标1指标2, ``income.total`` → 收入情况 (the section's title)."""
    m = _PATH.match(path)
    if m is None:
        return "—"
    top, index, sub, sub_index = m.groups()
    if top in _ITEMS and index is not None:
        items = getattr(record, top, [])
        i = int(index)
        number = getattr(items[i], "number", i + 1) if i < len(items) else i + 1
        label = f"{_ITEMS[top]}{number}"
        if sub == "indicators" and sub_index is not None:
            label += f"指标{int(sub_index) + 1}"
        return label
    title, _ = schema_field([top])
    return title


def findings_table(findings: list[Finding], record: DepartmentYear) -> pd.DataFrame:
    """Findings sorted errors first: 严重程度 (错误/需核实/提示), 涉及项目, 说明; then the check id (规则) and
    the field path (字段), which only the CSV shows (:data:`FINDING_CSV_ONLY`)."""
    rows = [{"严重程度": SEVERITY_LABELS[f.severity], "涉及项目": finding_item(record, f.path), "说明": f.message,
             "规则": f.id, "字段": f.path}
            for f in sort_findings(list(findings))]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


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
