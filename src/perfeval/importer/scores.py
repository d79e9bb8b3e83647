"""Scores: the level-1 score table (投入/过程/产出/效果 …, flattened or cell by cell) and the unit's own
scores as the narrative states them ("…得分为 N 分"), its total and grade."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .extraction import MAX_LIST_ITEMS, clause_start
from .normalize import Document
from .scoretables import ScoreTableReader

_SCORE_PARTS = ("预算执行", "预算管理", "资产管理", "效果产出", "投入", "过程", "产出", "效果", "部门决策",
                "部门管理", "综合管理", "部门绩效", "部门产出", "部门效果", "满意度")


_TOKEN = re.compile(r"-?\d+(?:\.\d+)?%?|[—/]|-(?!\d)|[^\s\d—/%\-]{1,100}")


def _table_tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]


def _is_num(token: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(?:\.\d+)?", token))


def _clean_label(label: str) -> str:
    label = re.sub(r"^(?:其中[：]?|\d{1,2}、|[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])", "", label)
    return re.sub(r"[“”\"：]", "", label)


@dataclass
class ScoreTable:
    rows: list[tuple[str, Decimal, Decimal, int]]          # part, weight, score, position
    total: tuple[Decimal, Decimal, int] | None             # weight, score, position of the 合计 row
    figures: list[tuple[int, int]] = field(default_factory=list)  # per row: where its weight and score stand


def score_table(doc: Document) -> ScoreTable | None:
    """The level-1 score table (投入/过程/产出/效果 …), flattened or cell by cell."""
    flat = doc.text.replace("\n", " ")
    m = re.compile(r"(?:一级指标|评价指标|指标名称)[^\n]{0,20}?(?:分值|权重)[^\n]{0,6}?(?:自评)?得分").search(flat)
    if not m:
        return None
    tokens = _table_tokens(flat[m.end():m.end() + 800])
    rows: list[tuple[str, Decimal, Decimal, int]] = []
    figures: list[tuple[int, int]] = []
    total = None
    i = 0
    while i + 2 < len(tokens):
        label, pos = tokens[i]
        if not _is_num(label) and _is_num(tokens[i + 1][0]) and _is_num(tokens[i + 2][0]):
            clean = _clean_label(label)
            weight, score = Decimal(tokens[i + 1][0]), Decimal(tokens[i + 2][0])
            abspos = m.end() + pos
            if re.fullmatch(r"合计|总分|总计|综合得分|合计得分", clean):
                total = (weight, score, abspos)
                break
            if clean in _SCORE_PARTS:
                rows.append((clean, weight, score, abspos))
                figures.append((m.end() + tokens[i + 1][1], m.end() + tokens[i + 2][1]))
            i += 3
            continue
        i += 1
    if not rows:
        return None
    return ScoreTable(rows, total, figures)


class ScoreReader(ScoreTableReader):
    def self_scores(self) -> None:
        if self.score_tables():
            self._stated_total()
            return
        scores: list[dict[str, Any]] = []
        table = score_table(self.doc)
        if table:
            for i, (part, weight, score, pos) in enumerate(table.rows):
                scores.append({"part": part, "weight": weight, "score": score})
                self.record(f"self_scores[{i}].part", pos)
                for key, at in zip(("weight", "score"), table.figures[i]):
                    self.record(f"self_scores[{i}].{key}", at, "取自得分表")
        if not table:
            for m in re.finditer(r"得分(?:为)?(\d{1,3}(?:\.\d+)?)分", self.text):
                if len(scores) >= MAX_LIST_ITEMS:
                    break
                start = clause_start(self.text, m.start(), "，。；\n：")
                part = self.text[start:m.start()]
                while True:
                    stripped = re.sub(r"^(?:故|我单位|我局|本单位|本部门|我部门|我委|我办|在|的|单位)", "", part)
                    if stripped == part:
                        break
                    part = stripped
                if (not part or len(part) > 8 or any(s["part"] == part for s in scores)
                        or re.search(r"综合|总|整体|自评|合计|部门整体", part)):
                    continue
                entry: dict[str, Any] = {"part": part}
                i = len(scores)
                score = Decimal(m.group(1))
                sent = self.doc.sentence_at(m.start())
                rest = self.text[m.end():sent.end].strip("，。；")
                w = re.search(r"(?:满分|分值|权重)(?:为)?(\d+(?:\.\d+)?)分?", sent.text)
                src = self.source(m.start())
                if w:
                    entry["weight"] = Decimal(w.group(1))
                    self.record(f"self_scores[{i}].weight", sent.start + w.start(1))
                elif re.search(r"无扣分|未扣分|不扣分|满分", sent.text):
                    entry["weight"] = score
                    self.record(f"self_scores[{i}].weight", m.start(1), "文中称无扣分，分值取得分")
                else:
                    self.miss(f"self_scores[{i}].weight", f"{part}分值")
                entry["score"] = score
                self.record(f"self_scores[{i}].score", m.start(1))
                self.record(f"self_scores[{i}].part", m.start() - len(part))
                if rest:
                    entry["reason"] = rest
                    self.record(f"self_scores[{i}].reason", self.text.find(rest, m.end()))
                del src
                scores.append(entry)
        if scores:
            self.out.data["self_scores"] = scores
            if not table:
                self.out.arranged["self_scores"] = True    # built from sentences stating scores, not a score table
        self._stated_total()

    def _stated_total(self) -> None:
        m = re.search(r"(?:自评|综合|总)得分(?:为)?(\d{1,3}(?:\.\d+)?)分", self.text)
        if m:
            self.set("self_score_total", Decimal(m.group(1)), m.start(1))
        m = re.search(r"等级为?[“\"]?(优|良|中|差|优秀|良好|合格|不合格)[”\"]?", self.text)
        if m:
            self.set("self_grade", m.group(1), m.start(1))
