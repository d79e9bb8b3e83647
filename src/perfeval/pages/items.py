"""What a finding is about, as pages name it (项目3, 目标1指标2, a section's title): light enough for the
build's planning, which summarises a department without the table machinery (pandas) of the pages."""

from __future__ import annotations

import re

from perfeval.model import DepartmentYear, schema_field

_ITEMS = {"goals": "目标", "projects": "项目", "problems": "问题"}
_PATH = re.compile(r"([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+)(?:\[(\d+)\])?)?")


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
        number = getattr(items[i], "number", None) if i < len(items) else None
        label = f"{_ITEMS[top]}{number if number is not None else i + 1}"
        if sub == "indicators" and sub_index is not None:
            label += f"指标{int(sub_index) + 1}"
        return label
    title, _ = schema_field([top])
    return title
