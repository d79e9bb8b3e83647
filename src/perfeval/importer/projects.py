"""Projects of the narrative: the numbered 50万元以上 / 重点项目 paragraphs (budget, actual and its label,
outputs) and a "项目支出包括：" list of project lines."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .extraction import LOOKBACK, MAX_LIST_ITEMS, TextReader, clause_start
from .figures import COUNT, PER_HEAD, Money


class ProjectReader(TextReader):
    #: Where each field of a project's output stands (id of the output → field → offset).
    _output_at: dict[int, dict[str, int]]

    def projects(self) -> None:
        self._output_at = {}
        head = next((b for b in self.doc.blocks if re.search(r"50万元以上项目|重点项目|项目支出绩效", b.text)
                     and (b.heading or b.text.endswith("："))), None)
        if head is None:
            return
        intro = self.doc.blocks[head.index + 1] if head.index + 1 < len(self.doc.blocks) else None
        managed = bool(intro and re.search(r"部门预算中无", intro.text) and re.search(r"社保|民生|代管|转移支付|专户", intro.text))
        projects: list[dict[str, Any]] = []
        for b in self.doc.blocks[head.index + 1:]:
            if b.heading and not re.match(r"[（(]\d+[)）]", b.text):
                break
            if len(projects) >= MAX_LIST_ITEMS:
                break
            m = re.match(r"[（(](\d+)[)）]|(\d+)[.、](?!\d)", b.text)
            if not m:
                continue
            amounts = self.money_in(b.start, b.end)
            if not amounts:
                continue
            number = int(m.group(1) or m.group(2))
            i = len(projects)
            path = f"projects[{i}]"
            budget = amounts[0]
            name = self.text[b.start + m.end():budget.start]
            name = re.sub(r"^项目名称[：]?", "", name)
            name = re.sub(r"[，、：]?(?:市本级|本级|县本级|区本级)?(?:预算安排资金|预算安排|安排资金|预算资金|预算金额|预算数|预算)?"
                          r"(?:为|共|：)?$", "", name)
            if not name:
                continue
            project: dict[str, Any] = {"number": number, "name": name}
            self.out.data.setdefault("projects", []).append(project)
            projects.append(project)
            self.record(f"{path}.name", b.start + m.end())
            self.out.positions[f"{path}.number"] = b.start
            if managed and intro is not None:
                self.set(f"{path}.managed_only", True, intro.start, "文中称部门预算中无此类项目，此为代管资金")
            self.set_money(f"{path}.budget", budget, budget.start)
            after = budget.end
            act = re.compile(r"实际拨付|实际到位(?:资金)?|实际使用(?:资金)?|实际支出|执行数|实际完成|已拨付")
            am = act.search(self.text, budget.end, self.clause_end(budget.end, stops="。；\n", limit=40))
            if am:
                found = [x for x in amounts if am.end() <= x.start <= am.end() + 10]
                if found:
                    actual = found[0]
                    label_start = clause_start(self.text, actual.start, "，：；", floor=b.start)
                    label = self.text[label_start:actual.start].rstrip("为：")
                    self.set_money(f"{path}.actual", actual, actual.start)
                    if label:
                        project["actual_label"] = label
                        self.record(f"{path}.actual_label", label_start)
                    after = actual.end
            if "actual" not in project:
                self.miss(f"{path}.actual", f"项目「{name}」实际支出")
            desc = self.text[after:b.end].lstrip("，。；").rstrip("；。") + "。"
            if len(desc) > 1:
                project["description"] = desc
                self.record(f"{path}.description", after)
            outputs = self.outputs(self.text[after:b.end], after)
            if outputs:
                project["outputs"] = [o for o, _ in outputs]
                self.out.arranged["outputs"] = True        # built from the project's paragraph
                for j, (output, opos) in enumerate(outputs):
                    self.record(f"{path}.outputs[{j}]", opos)
                    for key, at in self._output_at.get(id(output), {}).items():
                        self.out.positions[f"{path}.outputs[{j}].{key}"] = at

    def project_list(self) -> None:
        """"项目支出包括：" followed by lines "name amount万元" (a narrative list of project lines)."""
        if self.out.data.get("projects"):
            return
        for i, row in enumerate(self.rows):
            if not re.search(r"项目支出(?:主要)?包括|项目支出明细|项目支出情况如下|项目[^。；\n]{0,12}(?:包括|如下)[：:]?$",
                             row.text) or row.values:
                continue
            found: list[tuple[str, Money, int]] = []
            for nxt in self.rows[i + 1:i + 1 + MAX_LIST_ITEMS]:
                amounts = self.money_in(nxt.start, nxt.end)
                if len(amounts) != 1 or len(nxt.segments) != 1 or not nxt.label or nxt.narrative:
                    break
                name = re.sub(r"[：:]$", "", nxt.label)
                found.append((name, amounts[0], nxt.start))
            for name, amount, pos in found:
                k = len(self.out.data.setdefault("projects", []))
                self.out.data["projects"].append({"name": name})
                self.record(f"projects[{k}].name", pos)
                self.set_money(f"projects[{k}].actual", amount, amount.start)
                self.annotate(f"projects[{k}].actual", inferred=True,
                              note="文中列于项目支出之下，未写明是预算数还是决算数，按本年决算数记录（推断）")
            if found:
                return
            if self._named_projects(i):
                return

    def _named_projects(self, i: int) -> bool:
        """Project names listed one per line without amounts ("…项目支出自评，其中包括：" / "24年医废处理项目" / …
        / "等，共计16个项目"): the names as written, no figure."""
        names: list[tuple[str, int]] = []
        for nxt in self.rows[i + 1:i + 1 + MAX_LIST_ITEMS]:
            text = nxt.text.strip()
            if re.search(r"[\d%]$", text) or not text or len(text) > 40 or re.search(r"[，。；：:,]", text) or self.money_in(nxt.start, nxt.end):
                break
            names.append((text, nxt.start))
        if len(names) < 2:
            return False
        for name, pos in names:
            k = len(self.out.data.setdefault("projects", []))
            self.out.data["projects"].append({"name": name})
            self.record(f"projects[{k}].name", pos)
        return True

    def outputs(self, text: str, base: int) -> list[tuple[dict[str, Any], int]]:
        found: list[tuple[int, str, Any]] = []
        for m in PER_HEAD.finditer(text):
            found.append((m.start(), "rate", m))
        for m in COUNT.finditer(text):
            if m.group("unit") != "%":
                found.append((m.start("num"), "count", m))
        for money in self.money_in(base, base + len(text)):
            found.append((money.start - base, "money", money))
        found.sort(key=lambda f: f[0])
        out: list[tuple[dict[str, Any], int]] = []
        last_count: dict[str, Any] | None = None
        entry: dict[str, Any]
        for pos, kind, m in found[:MAX_LIST_ITEMS]:
            start = clause_start(text, pos, "，。；、")
            if kind == "money":
                if last_count is not None and "amount" not in last_count:
                    last_count["amount"] = m.value
                    self._output_at[id(last_count)]["amount"] = m.start
                    last_count = None
                    continue
                name = text[start:pos].rstrip("为共计累计：")
                entry = {"name": name or "金额", "amount": m.value}
                self._output_at[id(entry)] = {"name": base + start, "amount": m.start}
                out.append((entry, base + pos))
                continue
            ends = [i for i in (text.find(c, pos, pos + LOOKBACK) for c in "，。；") if i >= 0]
            clause = text[start:min(ends) if ends else min(len(text), pos + LOOKBACK)]
            name = clause.replace(m.group(0), "").strip("，。；、 ") or clause
            entry = {"name": name, "value": Decimal(m.group("num")), "unit": m.group("unit")}
            self._output_at[id(entry)] = {"name": base + start, "value": base + m.start("num")}
            if kind == "count":
                if m.group("suffix"):
                    entry["relation"] = m.group("suffix")
                last_count = entry
            out.append((entry, base + pos))
        return out
