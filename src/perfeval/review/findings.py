"""Findings: what a data check or a text audit found, in one stable shape.

JSON shape (stable, documented in docs/json.md): ``{"rule", "severity", "path",
"message", "numbers", "source"}``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "note"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "note": 2}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "note": "提示"}


@dataclass(frozen=True)
class Finding:
    rule: str                 # stable rule id, e.g. "sum.income"
    severity: Severity
    path: str                 # field path in the record, e.g. "income.total"
    message: str              # one line of Chinese for readers
    numbers: dict[str, str] = field(default_factory=dict)  # the figures involved, as exact decimal text
    source: str = ""          # where it came from (file, or the sentence of a report text)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
