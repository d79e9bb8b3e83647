"""Findings: what a data check or a text audit found, in one stable shape.

JSON shape (stable, documented in docs/json.md): ``{"id", "rule", "checks", "severity", "path",
"message", "numbers", "source"}``. The JSON key ``rule`` holds the finding's
*check id* (``Finding.id``, e.g. ``"sum.income"``); it keeps its historical
name so that the JSON stays stable. In code, "rule" means a score shape only.
The JSON key ``id`` is the *finding id* (:attr:`Finding.finding_id`): the check id and the field path
(``adjustment.declared_zero:adjustment.declared_rate``), stable across runs of the same data, the name a
ruling (口径认定, :mod:`perfeval.review.rulings`) and a reply give the finding.

Severities of ``perfeval check``:

- ``error`` (错误): provable from the data alone — a sum that does not add up, a rate
  that cannot be, a claim contradicted by the unit's own figures;
- ``verify`` (需核实): depends on facts the data lacks — a reason the unit gives that
  only the finance bureau can accept, an explanation the report does not contain;
- ``note`` (提示): information (a rounding difference, the recomputed rates).

``warning`` (警告) is used only by the text audit of published reports
(``perfeval audit``), never by ``perfeval check``.

A ``verify`` finding may carry :class:`Override` values: what an input of the
scoring would be if the finding were resolved in the unit's favour. Scoring
re-runs with them to show how much the total depends on the finding
(:mod:`perfeval.review.sensitivity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from perfeval.review.decisions import Reply, Ruling

Severity = Literal["error", "verify", "note", "warning"]
#: The severities of ``perfeval check``, most severe first.
CHECK_SEVERITIES: tuple[str, ...] = ("error", "verify", "note")
SEVERITY_ORDER: dict[str, int] = {"error": 0, "verify": 1, "warning": 2, "note": 3}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "verify": "需核实", "warning": "警告", "note": "提示"}


@dataclass(frozen=True)
class Override:
    """An input value of the scoring "if resolved in the unit's favour" (e.g. adjustment_rate → 0)."""

    input: str                          # input name, e.g. "adjustment_rate"
    value: Decimal | bool | str         # the value the unit's position implies
    detail: str                         # Chinese: why, e.g. "按单位自述，年中追加不计入预算调整"


@dataclass(frozen=True)
class Finding:
    id: str                   # stable check id, e.g. "sum.income" (JSON key "rule")
    severity: Severity
    path: str                 # field path in the record, e.g. "income.total" (JSON/CSV only)
    message: str              # one line of Chinese for readers: no check id, no field path
    numbers: dict[str, str] = field(default_factory=dict)  # the figures involved, as exact decimal text
    source: str = ""          # where it came from (file, or the sentence of a report text)
    overrides: tuple[Override, ...] = ()   # inputs if resolved in the unit's favour (verify findings)
    claim: str = ""           # with overrides: what the unit says that would have to hold, as a phrase that
                              # reads after "若单位关于" (e.g. "年中追加资金不计入预算调整数")
    also: tuple[str, ...] = ()  # the check ids of other checks folded into this one finding (one fact, one finding)
    ruling: Ruling | None = None  # the finance bureau's ruling on it (口径认定), when there is one
    reply: Reply | None = None    # the unit's reply to it, when there is one

    @property
    def rule(self) -> str:
        """The check id under its JSON name (``rule``); prefer :attr:`id` in code."""
        return self.id

    @property
    def finding_id(self) -> str:
        """The stable id of this finding (JSON ``id``): ``<check id>:<field path>``, or the check id alone for
        a finding about the whole record."""
        return f"{self.id}:{self.path}" if self.path else self.id

    @property
    def checks(self) -> tuple[str, ...]:
        """Every check id this finding stands for: its own first, then those folded into it."""
        return (self.id, *self.also)

    @property
    def label(self) -> str:
        """The severity in Chinese: 错误 / 需核实 / 提示 (警告 for the text audit)."""
        return SEVERITY_LABELS[self.severity]

    def with_source(self, source: str) -> "Finding":
        return replace(self, source=source)

    def to_json(self) -> dict[str, Any]:
        """The finding's own shape (``perfeval audit`` prints it as it is)."""
        return {"id": self.finding_id, "rule": self.id, "checks": list(self.checks), "severity": self.severity,
                "path": self.path, "message": self.message, "numbers": dict(self.numbers), "source": self.source}

    def to_check_json(self) -> dict[str, Any]:
        """The shape of ``perfeval check``: :meth:`to_json` with the bureau's ruling and the unit's reply."""
        r, p = self.ruling, self.reply
        return {**self.to_json(),
                "ruling": None if r is None else {"decision": r.decision, "basis": r.basis, "by": r.by,
                                                  "date": r.date.isoformat() if r.date else None},
                "reply": None if p is None else {"explanation": p.explanation, "evidence": p.evidence,
                                                 "agrees": p.agrees, "date": p.date.isoformat() if p.date else None}}

    def full_text(self) -> str:
        """The message, then the ruling and the reply in words (what the page and the Word files show)."""
        parts = [self.message.rstrip("。")]
        if self.ruling is not None:
            parts.append(self.ruling.words())
        if self.reply is not None:
            parts.append(self.reply.words().rstrip("。"))
        return "。".join(parts) + "。"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then 需核实, then notes; stable within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
