"""What every data check shares: the check declaration, number text for ``Finding.numbers``, item names,
the money rows of a record.

Messages name items as the chapter does (项目1「…」, 目标3, 问题2); field paths and
check ids go into ``Finding.path`` and ``Finding.id`` only. A value the record does not
state is never written as 0 in a message: checks run only on stated values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator

from pydantic import BaseModel

from perfeval.model import forms
from perfeval.model.numbers import plain, round_rate
from perfeval.model.schema import COLUMNS, Amounts, DepartmentYear, Goal, Problem, Project
from perfeval.review.findings import Finding

TOLERANCE = Decimal("0.01")  # 万元
EXECUTION_THRESHOLD = Decimal(90)  # %
#: 人员经费 (or an item) more than this share above its approved budget is flagged.
ABOVE_BUDGET_SHARE = Decimal("0.10")
#: A value ≥ 1000× (or ≤ 1/1000 of) its comparable amounts: a 元/万元 slip (checks.text), not an overspend.
SLIP_RATIO = Decimal(1000)

CheckFn = Callable[[DepartmentYear], Iterator[Finding]]


@dataclass(frozen=True)
class CheckRule:
    """A data check: a name, a Chinese title, its function and the check ids (→ severity) its findings carry."""

    name: str
    title: str
    fn: CheckFn
    ids: dict[str, str]     # check id → severity (with the condition when it varies)


def d(value: Decimal | None) -> str:
    """Exact decimal text for Finding.numbers ("" when absent)."""
    return "" if value is None else plain(value)


def r(value: Decimal | None) -> str:
    """A percentage for Finding.numbers: rounded half-up to two decimals."""
    return "" if value is None else format(round_rate(value), "f")


def project_label(i: int, p: Project) -> str:
    """项目N as the page names it: its number, else its position."""
    return f"项目{p.number if p.number is not None else i + 1}"


def labelled(label: str, figure: str) -> str:
    """A label followed by its figure, as one reads it: 人员经费1581.75万元, but 项目1为36.3万元 (a label ending
    in a number would run into the figure: 项目136.3万元)."""
    return f"{label}为{figure}" if label[-1:].isdigit() and figure[:1].isdigit() else f"{label}{figure}"


def project_name(i: int, p: Project) -> str:
    return f"{project_label(i, p)}「{p.name}」"


def goal_label(i: int, g: Goal) -> str:
    """目标N as the page names it: its number, else its position."""
    return f"目标{g.number if g.number is not None else i + 1}"


def short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def problem_name(i: int, p: Problem) -> str:
    return f"问题{i + 1}「{short(p.problem)}」"


def quote(text: str, limit: int = 80) -> str:
    """A passage of the unit's text in quotation marks (shortened; a final 。 dropped)."""
    text = " ".join(text.split()).rstrip("。；;")
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def iter_text_fields(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every text field of a record with its path (e.g. ``goals[5].completion``)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        yield from _iter_value(value, path)


def _iter_value(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_text_fields(value, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _iter_value(item, f"{path}[{i}]")


_FIELD_NAMES = {"completion": "完成情况", "completion_title": "完成情况标题", "text": "绩效目标",
                "description": "完成情况说明", "measures": "整改措施", "cause": "原因分析", "problem": "问题",
                "responsible": "整改责任人", "other_notes": "其他需要说明问题", "name": "名称",
                "annual_plan": "年度计划", "long_term_plan": "长期规划", "title": "报告标题", "reason": "得分说明",
                "budget_management": "预算管理情况", "asset_management": "资产管理情况",
                "outcome_statement": "效果产出情况", "large_projects_statement": "50万元以上项目说明",
                "thrift_measures": "厉行节约保障措施", "explanation": "预算调整说明", "purpose": "调整用途",
                "balance_statement": "收支情况说明", "project_note": "项目支出说明", "approver": "批复机关",
                "supervisor": "主管部门", "actual_label": "实际支出口径", "unit": "计量单位", "part": "评价指标",
                "as_written": "原文", "subject": "比较项目", "item": "项目", "group": "项目类别",
                "target_text": "目标值", "actual_text": "实际完成情况", "target": "指标值", "actual": "实际完成值",
                "evaluator": "评价机构", "evaluation_method": "评价方式", "budget_code": "预算编码"}
#: List items named by a field of theirs: list field → (what to call an item, the naming field).
_NAMED_ITEMS = {"indicators": ("指标", "name"), "outputs": ("产出", "name"), "self_scores": ("自评指标", "part"),
                "self_funds": ("自评表资金", "item"), "stated_changes": ("同比变动", "subject"),
                "income_by_unit": ("收入机构", "name"), "expenditure_by_unit": ("支出机构", "name"),
                "items": ("其中项", "name")}
_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def place(rec: BaseModel, path: str) -> str:
    """Where a field is, in the reader's words: ``goals[5].completion`` → 目标6的完成情况, ``duties[2]`` → 职能3."""
    words: list[str] = []
    node: Any = rec
    for depth, (name, index) in enumerate(_PATH_PART.findall(path)):
        parent = node
        node = getattr(node, name, None)
        if depth == 0 and name == "unit":
            words.append("部门概况")
            continue
        if index:
            i = int(index)
            item = node[i] if isinstance(node, list) and i < len(node) else None
            number = getattr(item, "number", None)
            if name == "goals":
                words.append(f"目标{number if number is not None else i + 1}")
            elif name == "projects":
                words.append(f"项目{number if number is not None else i + 1}")
            elif name == "problems":
                words.append(f"问题{i + 1}")
            elif name == "duties":
                words.append(f"职能{i + 1}")
            elif name == "exclusions":
                words.append("未计入预算调整的理由" if len(node or []) < 2 else f"未计入预算调整的理由{i + 1}")
                node = None     # its "reason" is the whole of it
                continue
            elif name in _NAMED_ITEMS:
                what, key = _NAMED_ITEMS[name]
                words.append(f"{what}「{getattr(item, key, i + 1)}」")
            node = item
        elif name in _FIELD_NAMES and parent is not None:
            words.append(_FIELD_NAMES[name])
    return "的".join(words) if words else "文中"


# --- the money rows of a record ---------------------------------------------------------------

#: Column key → the form's column name (上年决算数 / 本年预算数 / 调整后预算数 / 本年决算数).
COLUMN_LABELS: dict[str, str] = dict(COLUMNS)

#: Row key → label of the money rows of each section, as the forms registry names them.
INCOME_LABELS: dict[str, str] = forms.labels("income")
EXPENDITURE_LABELS: dict[str, str] = forms.labels("expenditure")
SANGONG_LABELS: dict[str, str] = forms.labels("sangong")


@dataclass(frozen=True)
class Row:
    """One money line of the record (a row of the official forms) with its columns."""

    path: str           # field path of the row, e.g. "sangong.reception", "public_funds.items[0]", "projects[2]"
    label: str          # how a reader names it, e.g. "公务接待费", "公用经费「办公经费」", "项目3「…」"
    kind: str           # income, expenditure, sangong, public, public_item, procurement, basic_adjustment, project
    amounts: Amounts

    def get(self, column: str) -> Decimal | None:
        value: Decimal | None = getattr(self.amounts, column)
        return value


def amount_rows(rec: DepartmentYear, projects: bool = True) -> list[Row]:
    """Every stated money row of a record, in the order of the forms (代管资金 projects left out)."""
    rows: list[Row] = []
    for section, labels in (("income", INCOME_LABELS), ("expenditure", EXPENDITURE_LABELS),
                            ("sangong", SANGONG_LABELS)):
        block = getattr(rec, section)
        if block is None:
            continue
        for key, label in labels.items():
            row = getattr(block, key)
            if row is not None:
                rows.append(Row(f"{section}.{key}", label, section, row))
    if rec.public_funds is not None:
        if rec.public_funds.total is not None:
            rows.append(Row("public_funds.total", forms.label("public_funds.total"), "public", rec.public_funds.total))
        for i, item in enumerate(rec.public_funds.items):
            rows.append(Row(f"public_funds.items[{i}]", f"公用经费「{item.name}」", "public_item", item))
    if rec.procurement is not None:
        rows.append(Row("procurement", forms.label("procurement"), "procurement", rec.procurement))
    if rec.basic_budget_adjustment is not None:
        rows.append(Row("basic_budget_adjustment", forms.label("basic_budget_adjustment"), "basic_adjustment",
                        rec.basic_budget_adjustment))
    if projects:
        for i, p in enumerate(rec.projects):
            if not p.managed_only:
                rows.append(Row(f"projects[{i}]", project_name(i, p), "project", p))
    return rows
