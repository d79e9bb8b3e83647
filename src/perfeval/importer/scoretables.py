"""Score tables of any province, read by their header: the unit's 自评表 (``self_scores``).

A header row names its columns in the registry's words for the 自评表 (一级指标 / 二级指标 / 三级指标 or
指标名称, 分值 / 权重, 评分标准, 年度指标值, 实际完成值, 得分, 偏差原因 …: :mod:`perfeval.model.forms`, section
``self_scores``). Each body row is placed under the header:

* a row with fewer cells than the header lost its merged cells on the left (the indicator names it shares
  with the rows above: a Word or web table with merged cells, a digest that leaves them empty): its cells
  are placed from the right, and the names it lacks are the ones above;
* a row with only names (fewer cells than the figures need) names indicators without figures;
* a blank cell (（空）, —, /) stays blank: a score left blank is not 0;
* a 合计 / 总分 row is the unit's stated total (``self_score_total``).

Indicators of every level are kept as the table has them (level 1–3, each with its parent); the figures of
a row go to its deepest named indicator. ``指标1:`` and similar numbering is not part of a name.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from perfeval.model import forms

from .extraction import MAX_LIST_ITEMS, TextReader
from .normalize import Block

#: Registry fields of the 自评表 → the key of the row's column.
_FIELDS = {"self_scores.part": "part", "self_scores.weight": "weight", "self_scores.score": "score",
           "self_scores.target": "target", "self_scores.actual": "actual", "self_scores.criteria": "criteria",
           "self_scores.reason": "reason"}
_LEVEL = re.compile(r"([一二三])级")
_BLANK = re.compile(r"^(?:[（(]空(?:白)?[)）]|[—–\-/／]{1,3}|无)?$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:分)?$")
_NUMBERING = re.compile(r"^(?:指标\s?\d{1,2}[：:]|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[)）])\s*")
_TOTAL = re.compile(r"^(?:合计|总计|总分|综合得分|合计得分)$")


def _column(header: str) -> tuple[str, int] | None:
    """(key, level) a header cell names; the level of a name column (一级 → 1), 0 for the others."""
    found = [e for e in forms.match(header, section="self_scores") if e.path in _FIELDS]
    if not found:
        return None
    key = _FIELDS[found[0].path]
    level = 0
    if key == "part":
        m = _LEVEL.search(header)
        level = "一二三".index(m.group(1)) + 1 if m else 1
    return key, level


class ScoreTableReader(TextReader):
    def score_tables(self) -> bool:
        """Every header-named score table of the report into ``self_scores``; whether one was found."""
        found = False
        rows = self.doc.rows()
        i = 0
        while i < len(rows):
            header = self._header(rows[i])
            if header is None:
                i += 1
                continue
            i = self._table(header, rows, i + 1)
            found = True
        return found

    def _header(self, cells: list[Block]) -> list[tuple[str, int]] | None:
        if len(cells) < 3 or len(cells) > 12:
            return None
        columns = [_column(c.text) for c in cells]
        keys = [c[0] for c in columns if c]
        if None in columns or "part" not in keys or not ({"weight", "score"} & set(keys)) or len(set(keys)) < 3:
            return None
        return [c for c in columns if c]

    def _table(self, header: list[tuple[str, int]], rows: list[list[Block]], start: int) -> int:
        levels = sorted({level for key, level in header if key == "part"})
        names: dict[int, str] = {}
        figures = [k for k, _ in header if k != "part"]
        empty = 0
        i = start
        while i < len(rows) and len(self.out.data.get("self_scores") or []) < MAX_LIST_ITEMS:
            cells = rows[i]
            text = cells[0].text
            if len(cells) == 1 and (re.match(r"^[一二三四五六七八九十]{1,3}、", text) or re.search(r"[。；]", text)
                                    or self._header(cells) is not None):
                break
            if self._header(cells) is not None:
                break
            if len(cells) > len(header):
                empty += 1
                if empty > 3:
                    break
                i += 1
                continue
            if len(cells) >= len(figures) + 1:
                placed = list(zip(header[len(header) - len(cells):], cells))
            else:   # names only: the deepest name columns, from the right
                parts = [h for h in header if h[0] == "part"]
                placed = list(zip(parts[max(0, len(parts) - len(cells)):], cells))
            if self._total(placed):
                i += 1
                continue
            self._row(placed, levels, names)
            i += 1
        return i

    def _total(self, placed: list[tuple[tuple[str, int], Block]]) -> bool:
        """A 合计 row: the unit's stated total score."""
        name = next((b.text for (key, _), b in placed if key == "part" and b.text.strip()), "")
        if not _TOTAL.match(name.strip()):
            return False
        score = next((b for (key, _), b in placed if key == "score" and _NUMBER.match(b.text)), None)
        if score is not None:
            self.set("self_score_total", Decimal(score.text.rstrip("分")), score.start, "取自自评表合计行")
        return True

    def _row(self, placed: list[tuple[tuple[str, int], Block]], levels: list[int], names: dict[int, str]) -> None:
        deepest: int | None = None
        for (key, level), block in placed:
            if key != "part":
                continue
            name = _NUMBERING.sub("", block.text.strip()).strip("：: ")
            if not name or _BLANK.match(name):
                continue
            if names.get(level) != name or level == levels[-1]:
                names[level] = name
                for lower in [lv for lv in names if lv > level]:
                    del names[lower]
                self._indicator(level, name, names, block.start, levels)
            deepest = level
        if deepest is None:
            return
        k = len(self.out.data["self_scores"]) - 1
        entry = self.out.data["self_scores"][k]
        for (key, _), block in placed:
            text = block.text.strip()
            if key == "part" or _BLANK.match(text):
                continue
            if key in ("weight", "score"):
                if _NUMBER.match(text):
                    self.set(f"self_scores[{k}].{key}", Decimal(text.rstrip("分")), block.start, "取自自评表")
            elif key in ("target", "actual", "criteria", "reason") and not entry.get(key):
                self.set(f"self_scores[{k}].{key}", text, block.start, "取自自评表")

    def _indicator(self, level: int, name: str, names: dict[int, str], pos: int, levels: list[int]) -> None:
        entry: dict[str, Any] = {"part": name, "level": min(3, levels.index(level) + 1)}
        parents = [lv for lv in names if lv < level]
        if parents:
            entry["parent"] = names[max(parents)]
        scores = self.out.data.setdefault("self_scores", [])
        scores.append(entry)
        k = len(scores) - 1
        self.out.sources[f"self_scores[{k}].part"] = self.source(pos)
        self.out.positions[f"self_scores[{k}].part"] = pos
