"""What every data check shares: the check declaration, number text for ``Finding.numbers``, item names.

Messages name items as the chapter does (项目1「…」, 目标3, 问题2); field paths and
check ids go into ``Finding.path`` and ``Finding.id`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator

from pydantic import BaseModel

from perfeval.model.numbers import plain, round_rate
from perfeval.model.schema import DepartmentYear, Problem, Project
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


def project_name(p: Project) -> str:
    return f"项目{p.number}「{p.name}」"


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
                "adjustment_explanation": "预算调整说明", "adjustment_purpose": "调整用途",
                "balance_statement": "收支情况说明", "project_note": "项目支出说明", "approver": "批复机关",
                "supervisor": "主管部门", "actual_label": "实际支出口径", "unit": "计量单位", "part": "评价指标"}
_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def place(rec: BaseModel, path: str) -> str:
    """Where a field is, in the reader's words: ``goals[5].completion`` → 目标6的完成情况, ``duties[2]`` → 职能3."""
    words: list[str] = []
    node: Any = rec
    for depth, (name, index) in enumerate(_PATH_PART.findall(path)):
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
            elif name == "indicators":
                words.append(f"指标「{getattr(item, 'name', i + 1)}」")
            elif name == "outputs":
                words.append(f"产出「{getattr(item, 'name', i + 1)}」")
            elif name == "duties":
                words.append(f"职能{i + 1}")
            elif name == "self_scores":
                words.append(f"自评指标「{getattr(item, 'part', i + 1)}」")
            node = item
        elif name in _FIELD_NAMES:
            words.append(_FIELD_NAMES[name])
    return "的".join(words) if words else "文中"
