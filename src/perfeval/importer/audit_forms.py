"""Audit rules on how a report's forms are headed (what only the text of a form shows).

``form.score_header`` (verify): numbers an indicator table heads 得分 that equal the children's weights (the
column holds weights, not scores): see :mod:`perfeval.importer.audit`.
"""

from __future__ import annotations

from decimal import Decimal

from .audit_base import AuditBase, fmt


class FormRules(AuditBase):
    def score_header(self) -> None:
        scores = self.data.get("self_scores") or []
        notes = self.data.get("annotations") or {}
        for i, row in enumerate(scores):
            note = notes.get(f"self_scores[{i}].weight") or {}
            if "得分" not in (note.get("as_written") or ""):
                continue
            children = [s for s in scores if s.get("parent") == row["part"]]
            if not children or any(c.get("weight") is None for c in children):
                continue
            weights = sum((c["weight"] for c in children), Decimal(0))
            known_scores = [c["score"] for c in children if c.get("score") is not None]
            if weights != row.get("weight") or len(known_scores) != len(children):
                continue
            scored = sum(known_scores, Decimal(0))
            if scored == weights:
                continue
            path = f"self_scores[{i}]"
            self.add("form.score_header", "verify", self.pos_of(f"{path}.weight"),
                     f"指标表中「{row['part']}」后的 {fmt(row['weight'])} 标为得分，但等于下级分值之和 {fmt(weights)}，"
                     f"而下级得分之和为 {fmt(scored)}：此列实为分值",
                     {"stated": fmt(row["weight"]), "children_weights": fmt(weights), "children_scores": fmt(scored)},
                     path)
