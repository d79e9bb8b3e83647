"""Goals and their completion: the numbered 绩效目标, the 目标完成情况 paired to them by content,
and the counted figures of both as indicators (target against actual, by unit)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .extraction import LOOKBACK, MAX_GOALS, MAX_LIST_ITEMS, TextReader, clause_start, split_numbered
from .figures import COUNT, RELATION_WORDS


#: A goal set out under a budget item: its name (ending as budget items do) and a colon, after any numbering.
_BUDGET_ITEM = re.compile(r"\s*(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）])?\s*(?P<name>[^，。；：:、\s]{2,40}?"
                          r"(?:经费|费|支出|资金|工程|项目|补助|补贴|专项))[：:]")


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _category(name: str) -> str:
    if "满意" in name:
        return "满意度"
    if "率" in name or "事件" in name:
        return "效果"
    return "产出"


class GoalReader(TextReader):
    #: Where each counted figure of a goal or its completion stands (id of its quantity → offset).
    _figure_at: dict[int, int]

    def goals(self) -> None:
        self._figure_at = {}
        head = next((b for b in self.doc.blocks if b.heading and "绩效目标" in b.text
                     and not re.search(r"完成|实现|设定", b.text)), None)
        goals: list[dict[str, Any]] = []
        goal_pos: list[int] = []
        if head:
            blocks = self.section_blocks(head)
            body = "\n".join(b.text for b in blocks)
            base = blocks[0].start if blocks else head.end
            parts = list(re.finditer(r"目标\s?(\d{1,3})\s?[：:]", body))[:MAX_GOALS]
            items: list[tuple[int, str, int]] = []
            if parts:
                for i, m in enumerate(parts):
                    end = parts[i + 1].start() if i + 1 < len(parts) else len(body)
                    items.append((int(m.group(1)), body[m.end():end], base + m.end()))
            else:
                for n, text in split_numbered(body)[:MAX_GOALS]:
                    items.append((n, text, base + body.find(text)))
            for n, text, pos in items:
                text = text.strip().rstrip("；;，\n")
                if not text:
                    continue
                goal = {"number": n, "text": text.replace("\n", "")}
                goals.append(goal)
                goal_pos.append(pos)
                self.record(f"goals[{len(goals) - 1}].text", pos)
        if head:
            self._budget_items(self.section_blocks(head))
        inline = None
        if not goals:
            inline = self._inline_list(r"(?:预期目标|年度目标|总体目标|绩效目标)")
            for n, text, pos in (inline or [])[:MAX_GOALS]:
                goals.append({"number": n, "text": text})
                goal_pos.append(pos)
                self.record(f"goals[{len(goals) - 1}].text", pos)
        if not goals:
            return
        self.out.data["goals"] = goals
        completions = self.completions()[:MAX_GOALS] if inline is None else [
            (n, "", text, pos) for n, text, pos in (self._inline_list(r"(?:实际完成情况|实际完成|完成情况)") or [])]
        if not completions:
            self.miss("goals[*].completion", "绩效目标完成情况")
        pairs = []
        goal_bigrams = [_bigrams(g["text"]) for g in goals]
        for ci, (_, title, text, _) in enumerate(completions):
            cb = _bigrams(title + text)
            for gi, gb in enumerate(goal_bigrams):
                score = len(cb & gb) / max(1, min(len(cb), len(gb)))
                pairs.append((score, ci, gi))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        used_c: set[int] = set()
        used_g: set[int] = set()
        assign: dict[int, int] = {}
        for score, ci, gi in pairs:
            if ci in used_c or gi in used_g or score < 0.08:
                continue
            assign[gi] = ci
            used_c.add(ci)
            used_g.add(gi)
        overlap = {(ci, gi): score for score, ci, gi in pairs}
        for ci, (n, _, _, _) in enumerate(completions):
            if ci not in used_c:
                # The same number, unless the two share no words at all (a result that answers no listed goal).
                gi = next((i for i, g in enumerate(goals) if g["number"] == n and i not in used_g), None)
                if gi is not None and overlap.get((ci, gi), 0) > 0:
                    assign[gi] = ci
                    used_g.add(gi)
        paired = set(assign.values())
        for ci, (n, title, text, _) in enumerate(completions):
            if ci not in paired:
                self.out.notes.append(f"完成情况第 {n} 条「{(title or text)[:30]}」与所列绩效目标均不对应，未填入任何目标")
        for gi, goal in enumerate(goals):
            targets = self.quantities(goal["text"], goal_pos[gi])
            actuals: list[tuple[dict[str, Any], str, str]] = []
            if gi in assign:
                n, title, text, pos = completions[assign[gi]]
                if title:
                    goal["completion_title"] = title
                goal["completion"] = text
                self.record(f"goals[{gi}].completion", pos + (len(title) + 1 if title else 0))
                if title:
                    self.record(f"goals[{gi}].completion_title", pos)
                goal["completion_number"] = n      # the report's own number of the completion paired by content
                marker = self.text.rfind(str(n), max(0, pos - 8), pos)
                if marker >= 0:
                    self.out.positions[f"goals[{gi}].completion_number"] = marker
                if n != goal["number"]:
                    self.out.notes.append(f"完成情况第 {n} 条「{title}」按内容对应到目标 {goal['number']}")
                actuals = self.quantities(text, pos + (len(title) + 1 if title else 0))
            elif completions:
                self.miss(f"goals[{gi}].completion", f"目标{goal['number']}的完成情况")
            indicators = self.indicators(targets, actuals)
            if indicators:
                goal["indicators"] = [ind for ind, _ in indicators]
                self.out.arranged["indicators"] = True     # built from the goal and completion sentences
                for ii, (ind, src) in enumerate(indicators):
                    self.out.sources[f"goals[{gi}].indicators[{ii}]"] = src
                    for key in ("target", "actual"):
                        at = self._figure_at.get(id(ind.get(key)))
                        if at is not None:
                            self.out.positions[f"goals[{gi}].indicators[{ii}].{key}"] = at
                            self.out.positions[f"goals[{gi}].indicators[{ii}].{key}.value"] = at
                            self.out.positions.setdefault(f"goals[{gi}].indicators[{ii}]", at)
                            self.out.positions[f"goals[{gi}].indicators[{ii}].name"] = at

    def _budget_items(self, blocks: list[Any]) -> None:
        """Budget items the goals are set out under ("县道公路日常养护费：确保…", "1.危桥改造工程：…"): the names,
        kept to be listed as the unit's projects (names only) once the project readers have run."""
        self._goal_items: list[tuple[str, int]] = []
        for b in blocks[:MAX_LIST_ITEMS]:
            m = _BUDGET_ITEM.match(b.text)
            if m:
                self._goal_items.append((m.group("name"), b.start + m.start("name")))

    def goal_items(self) -> None:
        """The budget items named as goal headings, as projects (names only) unless a project of that name is listed."""
        listed = {p.get("name") for p in self.out.data.get("projects") or []}
        for name, pos in getattr(self, "_goal_items", []):
            if name in listed:
                continue
            listed.add(name)
            k = len(self.out.data.setdefault("projects", []))
            self.out.data["projects"].append({"name": name})
            self.record(f"projects[{k}].name", pos, "绩效目标按此预算项目列示")

    def _inline_list(self, label: str) -> list[tuple[int, str, int]] | None:
        """A numbered list written after a label in one block ("预期目标：1.…；2.…；…"): (number, text, position)."""
        for b in self.doc.blocks:
            m = re.match(label + r"[：:]\s*(?=1[.．、]|[（(]1[)）])", b.text)
            if not m:
                continue
            body = b.text[m.end():]
            items = [(n, text.rstrip("；;。，"), b.start + m.end() + body.find(text))
                     for n, text in split_numbered(body)]
            return [item for item in items if item[1]] or None
        return None

    def completions(self) -> list[tuple[int, str, str, int]]:
        """(number, title, text, position) of each numbered completion statement."""
        for b in self.doc.blocks:
            if not (b.heading and re.search(r"目标完成情况|目标实现情况", b.text)):
                continue
            nxt = self.doc.blocks[b.index + 1] if b.index + 1 < len(self.doc.blocks) else None
            if nxt is None or not re.match(r"\s*(?:1[.．、]|[（(]1[)）]|[（(]一[)）]|一、)", nxt.text):
                continue
            blocks = self.section_blocks(b, stop=r"50万元以上")
            body = "\n".join(x.text for x in blocks)
            out: list[tuple[int, str, str, int]] = []
            for n, text in split_numbered(body):
                pos = blocks[0].start + body.find(text)
                text = text.replace("\n", "").rstrip("；;")
                title = ""
                m = re.match(r"([^，。；]{2,20}?)[。，]", text)
                if m:
                    title = m.group(1)
                    text = text[m.end():]
                out.append((n, title, text, pos))
            if out:
                return out
        return []

    def quantities(self, text: str, pos: int) -> list[tuple[dict[str, Any], str, str]]:
        """Counted figures of a passage: (quantity, name, source sentence)."""
        out: list[tuple[dict[str, Any], str, str]] = []
        for m in COUNT.finditer(text):
            if len(out) >= MAX_LIST_ITEMS:
                break
            rel = "="
            if m.group("rel"):
                rel = RELATION_WORDS[m.group("rel")]
            elif m.group("suffix"):
                rel = m.group("suffix")
            elif m.group("post") == "以上":
                rel = ">="
            elif m.group("post") == "以下":
                rel = "<="
            elif m.group("post") == "左右":
                rel = "约"
            q: dict[str, Any] = {"value": Decimal(m.group("num")), "unit": m.group("unit")}
            if rel != "=":
                q["relation"] = rel
            start = clause_start(text, m.start(), "，。；、：")
            ends = [i for i in (text.find(c, m.end(), m.end() + LOOKBACK) for c in "，。；：") if i >= 0]
            clause = text[start:min(ends) if ends else min(len(text), m.end() + LOOKBACK)]
            name = clause.replace(m.group(0), "").strip("，。；、 ") or clause
            self._figure_at[id(q)] = pos + m.start("num")
            out.append((q, name, self.source(pos + m.start())))
        return out

    def indicators(self, targets: list[tuple[dict[str, Any], str, str]],
                   actuals: list[tuple[dict[str, Any], str, str]]) -> list[tuple[dict[str, Any], str]]:
        """Pair each target with the first unused actual of the same unit."""
        used: set[int] = set()
        out: list[tuple[dict[str, Any], str]] = []
        paired: dict[int, tuple[dict[str, Any], str, str]] = {}
        for t in targets:
            ai = next((i for i, a in enumerate(actuals) if i not in used and a[0]["unit"] == t[0]["unit"]), None)
            if ai is not None:
                used.add(ai)
                paired[ai] = t
        for i, (q, name, src) in enumerate(actuals):
            ind: dict[str, Any] = {"name": name, "category": _category(name)}
            if i in paired:
                ind["target"] = paired[i][0]
            ind["actual"] = q
            out.append((ind, src if i not in paired else f"{paired[i][2]} / {src}"))
        for t in targets:
            if not any(t is p for p in paired.values()):
                out.append(({"name": t[1], "category": _category(t[1]), "target": t[0]}, t[2]))
        return out
