"""Extracting a draft department-year record from a normalized report text.

Every value set here is read from the text; each records the original sentence
it came from (``Extraction.sources``). What cannot be found is listed in
``Extraction.missing`` and left out of the draft, never invented. Amounts are
converted to 万元; a figure whose written unit is a slip (see
:func:`perfeval.importer.figures.money_mentions`) is taken in the unit of the
other figures and the sidecar says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .figures import COUNT, MONEY, PER_HEAD, RELATION_WORDS, Money, convert, money_mentions
from .normalize import Block, Document

_CLAUSE_END = "，。；\n"
_SCORE_PARTS = ("预算执行", "预算管理", "资产管理", "效果产出", "投入", "过程", "产出", "效果", "部门决策",
                "部门管理", "综合管理", "部门绩效", "部门产出", "部门效果", "满意度")


@dataclass
class Extraction:
    """A draft record (plain data, schema key order) with where each field came from."""

    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)   # field path -> Chinese label
    notes: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field path -> offset in the normalized text


def _num(text: str) -> Decimal:
    return Decimal(text)


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def split_numbered(text: str) -> list[tuple[int, str]]:
    """Split ``1.xx 2.xx`` / ``1、xx`` / ``（1）xx`` runs, accepting only consecutive numbers."""
    marker = re.compile(r"(?:^|(?<=[\n。；]))\s*(?:(?P<a>\d{1,2})[.．、](?!\d)|[（(](?P<b>\d{1,2})[)）])")
    items: list[tuple[int, int, int]] = []  # number, marker start, text start
    expected = 1
    for m in marker.finditer(text):
        n = int(m.group("a") or m.group("b"))
        if n == expected:
            items.append((n, m.start(), m.end()))
            expected += 1
    out: list[tuple[int, str]] = []
    for i, (n, _, begin) in enumerate(items):
        end = items[i + 1][1] if i + 1 < len(items) else len(text)
        out.append((n, text[begin:end].strip()))
    return out


class Extractor:
    def __init__(self, doc: Document, code: str | None = None, year: int | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.money = money_mentions(doc)
        self.out = Extraction()
        self.code = code
        self.year = year
        self.pending_notes: dict[str, str] = {}

    # ----- low-level helpers -------------------------------------------------------------
    def source(self, pos: int) -> str:
        return self.doc.original_at(pos)

    def put(self, target: dict[str, Any], key: str, path: str, value: Any, pos: int | None,
            note: str = "") -> None:
        target[key] = value
        if pos is not None:
            self.out.positions[path] = pos
            src = self.source(pos)
            self.out.sources[path] = src + (f"  〔{note}〕" if note else "")

    def miss(self, path: str, label: str) -> None:
        self.out.missing[path] = label

    def clause_end(self, pos: int, stops: str = "。；\n", limit: int = 60) -> int:
        end = min(len(self.text), pos + limit)
        for i in range(pos, end):
            if self.text[i] in stops:
                return i
        return end

    def money_in(self, start: int, end: int) -> list[Money]:
        return [m for m in self.money if start <= m.start < end]

    def amount_after(self, label: str, start: int = 0, end: int | None = None, window: int = 30,
                     bare: bool = False, stop_at: str | None = None) -> tuple[Money | Decimal, int] | None:
        """First amount after ``label`` in [start, end), within the label's clause run."""
        end = len(self.text) if end is None else end
        for m in re.compile(label).finditer(self.text, start, end):
            after = m.end()
            # A table cell: the value is the next cell (next line).
            cell = re.compile(r"[：]?\n").match(self.text, after)
            if cell:
                after = cell.end()
            stop = min(self.clause_end(after, limit=window), end)
            if stop_at:
                other = re.compile(stop_at).search(self.text, after, stop)
                if other:
                    stop = other.start()
            found = self.money_in(after, stop)
            if bare:
                b = re.compile(r"[^\d，。；\n]{0,6}?(?<![\d.])(-?\d+(?:\.\d+)?)(?![\d.%A-Za-z])(?=[，。；）\n]|$)").match(
                    self.text, after, stop)
                if (b and not re.match(r"[年月日个人次件]", self.text[b.end(1):b.end(1) + 1])
                        and (not found or b.start(1) < found[0].start)):
                    return _num(b.group(1)), b.start(1)
            if found:
                return found[0], found[0].start
        return None

    def set_amount(self, target: dict[str, Any], key: str, path: str, label_cn: str, label: str,
                   start: int = 0, end: int | None = None, bare: bool = False, window: int = 30,
                   stop_at: str | None = None) -> int | None:
        found = self.amount_after(label, start, end, window=window, bare=bare, stop_at=stop_at)
        if found is None:
            self.miss(path, label_cn)
            return None
        value, pos = found
        if isinstance(value, Money):
            note = ""
            if value.slip:
                note = f"文中写作「{value.written}{value.unit}」，{value.evidence}，按万元记录"
            elif value.unit != "万元":
                note = f"文中写作「{value.written}{value.unit}」，已换算为万元"
            self.put(target, key, path, value.value, pos, note)
        else:
            self.put(target, key, path, value, pos, "文中未注明单位，按万元记录")
        return pos

    def sentence_with(self, *must: str, avoid: tuple[str, ...] = (), start: int = 0) -> tuple[int, int] | None:
        for s in self.doc.sentences:
            if s.start < start:
                continue
            if all(re.search(p, s.text) for p in must) and not any(re.search(p, s.text) for p in avoid):
                return s.start, s.end
        return None

    def heading(self, pattern: str, after: int = 0) -> Block | None:
        for b in self.doc.blocks:
            if b.index >= after and b.heading and re.search(pattern, b.text):
                return b
        return None

    def section_blocks(self, head: Block, stop: str | None = None) -> list[Block]:
        out: list[Block] = []
        for b in self.doc.blocks[head.index + 1:]:
            if b.heading or (stop and re.search(stop, b.text)):
                break
            out.append(b)
        return out

    def cell_after(self, label: str) -> tuple[str, int] | None:
        m = re.compile(rf"(?:{label})\s*[：]?\s*\n([^\n]+)").search(self.text)
        if m and not re.search(r"[。；]", m.group(1)) and len(m.group(1)) <= 40:
            return m.group(1).strip(), m.start(1)
        m = re.compile(rf"(?:{label})[：为是]([^，。；\n]+)").search(self.text)
        if m:
            return m.group(1).strip(), m.start(1)
        return None

    # ----- the record, in schema order ---------------------------------------------------
    def run(self) -> Extraction:
        d = self.out.data
        title_block = next((b for b in self.doc.blocks[:8] if re.search(r"绩效(?:自)?评价报告|自评报告", b.text)), None)
        if self.code:
            d["code"] = self.code
        else:
            self.miss("code", "部门代码（请用 --code 指定）")
        if self.year is None:
            m = re.search(r"(20\d{2})年", title_block.text) if title_block else None
            if m:
                self.year = int(m.group(1))
                self.put(d, "year", "year", self.year, title_block.start + m.start() if title_block else 0)
            else:
                self.miss("year", "评价年度（请用 --year 指定）")
        else:
            d["year"] = self.year
        if title_block:
            self.put(d, "title", "title", title_block.text, title_block.start)
        self.unit(title_block)
        self.duties()
        self.plans()
        self.goals()
        self.income()
        self.expenditure()
        self.approved()
        self.sangong()
        self.carryover()
        self.execution()
        self.management()
        self.self_scores()
        self.projects()
        self.problems()
        self.other_notes()
        BasicTable(self).fill()
        for path, note in self.pending_notes.items():
            if path not in self.out.sources:
                self.out.notes.append(note)
        return self.out

    def unit(self, title_block: Block | None) -> None:
        unit: dict[str, Any] = {}
        self.out.data["unit"] = unit
        name = self.cell_after("单位名称|部门名称")
        if name:
            self.put(unit, "name", "unit.name", name[0], name[1])
        elif title_block:
            m = re.search(r"^(?:\d{4}年度?)?(.+?)(?:\d{4}年度?)?部门整体支出", title_block.text)
            if m:
                self.put(unit, "name", "unit.name", m.group(1), title_block.start, "取自报告标题")
        if "name" not in unit:
            self.miss("unit.name", "单位名称")
        sup = self.cell_after("主管部门|主管单位")
        if sup:
            self.put(unit, "supervisor", "unit.supervisor", sup[0], sup[1])
        else:
            self.miss("unit.supervisor", "主管部门")
        self.set_amount(unit, "annual_budget", "unit.annual_budget", "年度预算金额",
                        r"年度预算金额|年度预算总额|部门预算金额", window=20)

    def duties(self) -> None:
        heads = [b for b in self.doc.blocks if b.heading and re.search(r"职能职责|基本职能|部门职能|主要职能|单位职能", b.text)]
        head = next((h for h in heads if self.section_blocks(h)), None)
        duties: list[str] = []
        if head:
            body = "\n".join(b.text for b in self.section_blocks(head))
            base = self.doc.blocks[head.index + 1].start if head.index + 1 < len(self.doc.blocks) else head.start
            items = split_numbered(body)
            for i, (_, text) in enumerate(items):
                duties.append(text.replace("\n", ""))
                self.out.sources[f"duties[{i}]"] = self.source(base + body.find(text))
        if duties:
            self.out.data["duties"] = duties
        else:
            self.miss("duties", "单位基本职能")

    def _section_text(self, pattern: str, key: str, label: str) -> None:
        head = self.heading(pattern)
        blocks = self.section_blocks(head) if head else []
        if blocks:
            self.put(self.out.data, key, key, "".join(b.text for b in blocks), blocks[0].start)
        else:
            self.miss(key, label)

    def plans(self) -> None:
        self._section_text(r"长期规划|中长期规划|发展规划", "long_term_plan", "长期规划")
        self._section_text(r"年度(?:工作)?计划|年度重点工作", "annual_plan", "年度计划")

    # ----- goals and their completion ----------------------------------------------------
    def goals(self) -> None:
        head = next((b for b in self.doc.blocks if b.heading and "绩效目标" in b.text
                     and not re.search(r"完成|实现", b.text)), None)
        goals: list[dict[str, Any]] = []
        goal_pos: list[int] = []
        if head:
            blocks = self.section_blocks(head)
            body = "\n".join(b.text for b in blocks)
            base = blocks[0].start if blocks else head.end
            parts = list(re.finditer(r"目标\s*(\d+)\s*[：:]", body))
            items: list[tuple[int, str, int]] = []
            if parts:
                for i, m in enumerate(parts):
                    end = parts[i + 1].start() if i + 1 < len(parts) else len(body)
                    items.append((int(m.group(1)), body[m.end():end], base + m.end()))
            else:
                for n, text in split_numbered(body):
                    items.append((n, text, base + body.find(text)))
            for n, text, pos in items:
                text = text.strip().rstrip("；;，\n")
                goal = {"number": n, "text": text.replace("\n", "")}
                goals.append(goal)
                goal_pos.append(pos)
                self.out.sources[f"goals[{len(goals) - 1}].text"] = self.source(pos)
        if not goals:
            self.miss("goals", "部门整体支出绩效目标")
            return
        self.out.data["goals"] = goals
        completions = self.completions()
        if not completions:
            self.miss("goals[*].completion", "绩效目标完成情况")
        # Attach each completion statement to the goal it talks about (shared character pairs),
        # best pairs first; a weak match falls back to the same number.
        pairs = []
        for ci, (_, title, text, _) in enumerate(completions):
            cb = _bigrams(title + text)
            for gi, g in enumerate(goals):
                gb = _bigrams(g["text"])
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
        for ci, (n, _, _, _) in enumerate(completions):
            if ci not in used_c:
                gi = next((i for i, g in enumerate(goals) if g["number"] == n and i not in used_g), None)
                if gi is not None:
                    assign[gi] = ci
                    used_g.add(gi)
        for gi, goal in enumerate(goals):
            targets = self.quantities(goal["text"], goal_pos[gi])
            actuals: list[dict[str, Any]] = []
            if gi in assign:
                n, title, text, pos = completions[assign[gi]]
                if title:
                    goal["completion_title"] = title
                goal["completion"] = text
                self.out.sources[f"goals[{gi}].completion"] = self.source(pos)
                if n != goal["number"]:
                    self.out.notes.append(f"完成情况第 {n} 条「{title}」按内容对应到目标 {goal['number']}")
                actuals = self.quantities(text, pos + (len(title) + 1 if title else 0))
            else:
                self.miss(f"goals[{gi}].completion", f"目标{goal['number']}的完成情况")
            indicators = self.indicators(targets, actuals)
            if indicators:
                goal["indicators"] = [ind for ind, _ in indicators]
                for ii, (_, src) in enumerate(indicators):
                    self.out.sources[f"goals[{gi}].indicators[{ii}]"] = src

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
            q: dict[str, Any] = {"value": _num(m.group("num")), "unit": m.group("unit")}
            if rel != "=":
                q["relation"] = rel
            start = max(text.rfind(c, 0, m.start()) for c in "，。；、：") + 1
            ends = [i for i in (text.find(c, m.end()) for c in "，。；：") if i >= 0]
            clause = text[start:min(ends) if ends else len(text)]
            name = clause.replace(m.group(0), "").strip("，。；、 ") or clause
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

    # ----- money -------------------------------------------------------------------------
    def income(self) -> None:
        inc: dict[str, Any] = {}
        self.out.data["income"] = inc
        span = self.sentence_with(r"财政拨款收入|本年收入合计|收入合计", avoid=(r"批复",))
        s, e = span if span else (0, 0)
        if span:
            self.set_amount(inc, "total", "income.total", "财政拨款收入", r"财政拨款收入|本年收入合计|收入合计", s, e)
            self.set_amount(inc, "initial_budget", "income.initial_budget", "年初预算拨款",
                            r"年初预算(?:拨款|数)?", s, e)
            adj = self.set_amount(inc, "adjustment", "income.adjustment", "年中调整预算数",
                                  r"年中(?:调整|追加)(?:预算)?数?|预算调整数|追加预算", s, e)
            if adj is not None:
                m = re.compile(r"(?:主要为|主要)?(用于[^。]+)").search(self.text, adj, e)
                if m:
                    self.put(inc, "adjustment_purpose", "income.adjustment_purpose", m.group(1).rstrip("；。"), m.start(1))
        else:
            for key, label in (("total", "财政拨款收入"), ("initial_budget", "年初预算拨款"), ("adjustment", "年中调整预算数")):
                self.miss(f"income.{key}", label)

    def expenditure(self) -> None:
        exp: dict[str, Any] = {}
        self.out.data["expenditure"] = exp
        total_span = self.sentence_with(r"财政拨款支出|本年支出合计|支出合计", avoid=(r"批复", r"收入与支出"))
        if total_span:
            self.set_amount(exp, "total", "expenditure.total", "财政拨款支出", r"财政拨款支出|本年支出合计|支出合计",
                            *total_span)
        else:
            self.miss("expenditure.total", "财政拨款支出")
        basic: dict[str, Any] = {}
        exp["basic"] = basic
        span = self.sentence_with(r"基本支出", r"人员经费", r"公用经费", avoid=(r"批复",))
        pos: int | None = None
        if span:
            s, e = span
            found = self.amount_after(r"基本支出", s, e, stop_at=r"人员经费|公用经费")
            if found is None and total_span:
                span2 = total_span
            else:
                span2 = span
            pos = self.set_amount(basic, "total", "expenditure.basic.total", "基本支出合计", r"基本支出", *span2,
                                  stop_at=r"人员经费|公用经费")
            self.set_amount(basic, "personnel", "expenditure.basic.personnel", "人员经费", r"人员经费", s, e)
            self.set_amount(basic, "public", "expenditure.basic.public", "公用经费", r"公用经费", s, e)
        else:
            for key, label in (("basic.total", "基本支出合计"), ("basic.personnel", "人员经费"),
                               ("basic.public", "公用经费")):
                self.miss(f"expenditure.{key}", label)
        # 项目支出: in the sentence of the total, else after the basic figures in their paragraph.
        found = self.amount_after(r"项目支出", *total_span) if total_span else None
        if found is not None and total_span:
            self.set_amount(exp, "project", "expenditure.project", "项目支出", r"项目支出", *total_span)
        elif span:
            self.set_amount(exp, "project", "expenditure.project", "项目支出", r"项目支出",
                            pos if pos is not None else span[0], self.doc.block_at(span[0]).end)
        else:
            self.miss("expenditure.project", "项目支出")

    def approved(self) -> None:
        ab: dict[str, Any] = {}
        self.out.data["approved_budget"] = ab
        span_in = self.sentence_with(r"批复", r"收入")
        span_out = self.sentence_with(r"批复", r"支出(?:预算)?总数|预算支出|支出预算")
        for span in (span_in, span_out):
            if span:
                m = re.compile(r"([省市县区]?财政(?:局|厅|部门|部))批复").search(self.text, *span)
                if m:
                    self.put(ab, "approver", "approved_budget.approver", m.group(1), m.start())
                    break
        for span in (span_in, span_out):
            if span and self.year:
                m = re.compile(r"(?<![\d.])(\d{4})年度?批复").search(self.text, *span)
                if m and int(m.group(1)) != self.year:
                    self.put(ab, "year_as_written", "approved_budget.year_as_written", int(m.group(1)), m.start(),
                             f"文中批复年度为 {m.group(1)}，与评价年度 {self.year} 不同")
        if span_in:
            s, e = span_in
            self.set_amount(ab, "income_total", "approved_budget.income_total", "预算收入总数",
                            r"预算收入(?:预算)?总[数额]|收入预算总[数额]", s, e)
            self.set_amount(ab, "fiscal", "approved_budget.fiscal", "财政预算拨款",
                            r"财政预算拨款|一般公共预算拨款|财政拨款", s, e)
            self.set_amount(ab, "non_tax", "approved_budget.non_tax", "非税收入拨款", r"非税收入(?:拨款)?", s, e,
                            bare=True)
            self.set_amount(ab, "other", "approved_budget.other", "其他收入", r"其他收入", s, e, bare=True)
        else:
            for key, label in (("income_total", "预算收入总数"), ("fiscal", "财政预算拨款"),
                               ("non_tax", "非税收入拨款"), ("other", "其他收入")):
                self.miss(f"approved_budget.{key}", label)
        basic: dict[str, Any] = {}
        ab["basic"] = basic
        if span_out:
            s, e = span_out
            self.set_amount(ab, "expenditure_total", "approved_budget.expenditure_total", "预算支出总数",
                            r"支出预算总[数额]|预算支出(?:预算)?总[数额]|支出总[数额]", s, e)
            self.set_amount(basic, "total", "approved_budget.basic.total", "基本支出", r"基本支出", s, e)
            self.set_amount(basic, "personnel", "approved_budget.basic.personnel", "人员经费", r"人员经费", s, e)
            self.set_amount(basic, "goods_services", "approved_budget.basic.goods_services", "商品服务支出",
                            r"商品(?:和)?服务支出|公用经费", s, e)
            pos = self.set_amount(ab, "project", "approved_budget.project", "项目支出", r"项目支出", s, e)
            if pos is not None:
                m = re.compile(r"[\d.]+万元（([^）]{2,40})）").match(self.text, pos)
                if m:
                    self.put(ab, "project_note", "approved_budget.project_note", m.group(1), pos)
        else:
            for key, label in (("expenditure_total", "预算支出总数"), ("basic.total", "基本支出"),
                               ("basic.personnel", "人员经费"), ("basic.goods_services", "商品服务支出"),
                               ("project", "项目支出")):
                self.miss(f"approved_budget.{key}", label)

    _SANGONG_LABELS = {
        "overseas": ("因公出国（境）费", r"因公出国|出国（境）|出国经费|出国费"),
        "vehicle_purchase": ("公务用车购置费", r"公务用车购置|公车购置|车辆购置"),
        "vehicle_operation": ("公务用车运行维护费", r"公务用?车运行维护|公车运行维护|公务用车运行"),
        "reception": ("公务接待费", r"公务接待"),
    }

    def sangong(self) -> None:
        sg: dict[str, Any] = {}
        self.out.data["sangong"] = sg
        total_label = r"三公[”\"]?经费[”\"]?|三公[”\"]"
        for key, must, avoid, cn in (
            ("budget", (r"三公", r"批复|预算数|预算为|预算安排"), (r"执行|总额|实际|决算",), "三公经费预算"),
            ("actual", (r"三公", r"总额|实际|决算|支出|执行"), (r"批复",), "三公经费实际支出"),
        ):
            span = self.sentence_with(*must, avoid=avoid)
            part: dict[str, Any] = {}
            if not span:
                self.miss(f"sangong.{key}", cn)
                continue
            sg[key] = part
            s, e = span
            self.set_amount(part, "total", f"sangong.{key}.total", cn + "合计", total_label, s, e)
            for item, (label_cn, label) in self._SANGONG_LABELS.items():
                found = self.amount_after(label, s, e, window=20)
                if found:
                    value, pos = found
                    self.put(part, item, f"sangong.{key}.{item}", value.value if isinstance(value, Money) else value, pos)
                else:
                    self.pending_notes[f"sangong.{key}.{item}"] = f"{cn}未提及{label_cn}（留空，不记为 0）"

    def carryover(self) -> None:
        co: dict[str, Any] = {}
        self.out.data["carryover"] = co
        self.set_amount(co, "fiscal", "carryover.fiscal", "财政拨款结转结余",
                        r"(?<!非)财政拨款结转(?:和)?结余(?:资金)?", bare=True)
        self.set_amount(co, "non_fiscal", "carryover.non_fiscal", "非财政拨款结转结余",
                        r"非财政拨款结转(?:和)?(?:结余)?(?:资金)?", bare=True)

    def execution(self) -> None:
        ex: dict[str, Any] = {}
        m = re.compile(r"预算调整率(?:为|是|：)?(零|0(?:\.0+)?%?|\d+(?:\.\d+)?%)").search(self.text)
        if m:
            value = Decimal(0) if m.group(1) == "零" else Decimal(m.group(1).rstrip("%"))
            self.put(ex, "declared_adjustment_rate", "execution.declared_adjustment_rate", value, m.start())
            sent = self.doc.sentence_at(m.start())
            s_text = sent.text
            cut = s_text.find("因")
            explanation = s_text[cut:] if 0 <= cut < m.start() - sent.start else s_text
            self.put(ex, "adjustment_explanation", "execution.adjustment_explanation", explanation, m.start())
        else:
            self.miss("execution.declared_adjustment_rate", "自述预算调整率")
        m = re.search(r"收支[^，。；]{0,6}(?:持平|平衡)", self.text)
        if m:
            self.put(ex, "balance_statement", "execution.balance_statement", m.group(0), m.start())
        self.out.data["execution"] = ex

    def _statement(self, pattern: str) -> tuple[str, int] | None:
        head = self.heading(pattern)
        if not head:
            return None
        blocks = self.section_blocks(head)
        if not blocks:
            return None
        text = "".join(blocks_text for blocks_text in (b.text for b in blocks))
        clauses = re.split(r"(?<=[，。；])", text)
        kept = "".join(c for c in clauses if not re.search(r"得分|扣分", c)).rstrip("，；")
        if kept and kept[-1] not in "。":
            kept += "。"
        return kept, blocks[0].start

    def management(self) -> None:
        mg: dict[str, Any] = {}
        self.out.data["management"] = mg
        for key, pattern in (("budget_management", r"预算管理情况"), ("asset_management", r"资产管理情况"),
                             ("outcome_statement", r"效果产出情况|产出效果情况")):
            found = self._statement(pattern)
            if found:
                self.put(mg, key, f"management.{key}", found[0], found[1])
        found = self.amount_after(r"福彩公益金[^，。；]{0,8}?", window=20)
        if found:
            value, pos = found
            self.put(mg, "lottery_fund", "management.lottery_fund", value.value if isinstance(value, Money) else value, pos)
        m = re.search(r"[^，。；\n]*50万元以上项目[^。\n]*", self.text)
        if m:
            self.put(mg, "large_projects_statement", "management.large_projects_statement", m.group(0), m.start())

    def self_scores(self) -> None:
        scores: list[dict[str, Any]] = []
        table = score_table(self.doc)
        if table:
            for i, (part, weight, score, pos) in enumerate(table.rows):
                entry: dict[str, Any] = {"part": part}
                self.put(entry, "weight", f"self_scores[{i}].weight", weight, pos, "取自得分表")
                self.put(entry, "score", f"self_scores[{i}].score", score, pos, "取自得分表")
                scores.append(entry)
        for m in re.finditer(r"得分(?:为)?(\d+(?:\.\d+)?)分", self.text if not table else ""):
            start = max(self.text.rfind(c, 0, m.start()) for c in "，。；\n：") + 1
            part = self.text[start:m.start()]
            while True:
                stripped = re.sub(r"^(?:故|我单位|我局|本单位|本部门|我部门|我委|我办|在|的|单位)", "", part)
                if stripped == part:
                    break
                part = stripped
            if (not part or len(part) > 8 or any(s["part"] == part for s in scores)
                    or re.search(r"综合|总|整体|自评|合计|部门整体", part)):
                continue
            entry = {"part": part}
            i = len(scores)
            score = _num(m.group(1))
            sent = self.doc.sentence_at(m.start())
            rest_end = sent.end
            rest = self.text[m.end():rest_end].strip("，。；")
            w = re.search(r"(?:满分|分值|权重)(?:为)?(\d+(?:\.\d+)?)分?", sent.text)
            if w:
                self.put(entry, "weight", f"self_scores[{i}].weight", _num(w.group(1)), m.start())
            elif re.search(r"无扣分|未扣分|不扣分|满分", sent.text):
                self.put(entry, "weight", f"self_scores[{i}].weight", score, m.start(), "文中称无扣分，分值取得分")
            else:
                self.miss(f"self_scores[{i}].weight", f"{part}分值")
            self.put(entry, "score", f"self_scores[{i}].score", score, m.start())
            if rest:
                entry["reason"] = rest
            scores.append(entry)
        if scores:
            self.out.data["self_scores"] = scores
        else:
            self.miss("self_scores", "自评得分")

    # ----- projects ----------------------------------------------------------------------
    def projects(self) -> None:
        head = next((b for b in self.doc.blocks if re.search(r"50万元以上项目|重点项目|项目支出绩效", b.text)
                     and (b.heading or b.text.endswith("："))), None)
        if head is None:
            self.miss("projects", "50万元以上项目")
            return
        projects: list[dict[str, Any]] = []
        for b in self.doc.blocks[head.index + 1:]:
            if b.heading and not re.match(r"[（(]\d+[)）]", b.text):
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
            name = re.sub(r"[，、：]?(?:市本级|本级|县本级|区本级)?(?:预算安排资金|预算安排|安排资金|预算资金|预算金额|预算数|预算)?(?:为|共|：)?$", "", name)
            project: dict[str, Any] = {"number": number, "name": name}
            self.out.sources[f"{path}.name"] = self.source(b.start)
            self.put(project, "budget", f"{path}.budget", budget.value, budget.start)
            after = budget.end
            act = re.compile(r"实际拨付|实际到位(?:资金)?|实际使用(?:资金)?|实际支出|执行数|实际完成|已拨付")
            am = act.search(self.text, budget.end, self.clause_end(budget.end, stops="。；\n", limit=40))
            if am:
                found = [x for x in amounts if am.end() <= x.start <= am.end() + 10]
                if found:
                    actual = found[0]
                    label_start = max(self.text.rfind(c, b.start, actual.start) for c in "，：；") + 1
                    label = self.text[label_start:actual.start].rstrip("为：")
                    self.put(project, "actual", f"{path}.actual", actual.value, actual.start)
                    if label:
                        project["actual_label"] = label
                    after = actual.end
            if "actual" not in project:
                self.miss(f"{path}.actual", f"项目「{name}」实际支出")
            desc = self.text[after:b.end].lstrip("，。；").rstrip("；。") + "。"
            if len(desc) > 1:
                project["description"] = desc
            outputs = self.outputs(self.text[after:b.end], after, exclude={id(budget)})
            if outputs:
                project["outputs"] = [o for o, _ in outputs]
                for j, (_, opos) in enumerate(outputs):
                    self.out.sources[f"{path}.outputs[{j}]"] = self.source(opos)
            projects.append(project)
        if projects:
            self.out.data["projects"] = projects
        else:
            self.miss("projects", "50万元以上项目")

    def outputs(self, text: str, base: int, exclude: set[int]) -> list[tuple[dict[str, Any], int]]:
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
        for pos, kind, m in found:
            start = max(text.rfind(c, 0, pos) for c in "，。；、") + 1
            if kind == "money":
                if last_count is not None and "amount" not in last_count:
                    last_count["amount"] = m.value
                    last_count = None
                    continue
                name = text[start:pos].rstrip("为共计累计：")
                out.append(({"name": name or "金额", "amount": m.value}, base + pos))
                continue
            ends = [i for i in (text.find(c, pos) for c in "，。；") if i >= 0]
            clause = text[start:min(ends) if ends else len(text)]
            name = clause.replace(m.group(0), "").strip("，。；、 ") or clause
            entry: dict[str, Any] = {"name": name, "value": _num(m.group("num")), "unit": m.group("unit")}
            if kind == "count":
                if m.group("suffix"):
                    entry["relation"] = m.group("suffix")
                last_count = entry
            out.append((entry, base + pos))
        return out

    # ----- problems ----------------------------------------------------------------------
    def problems(self) -> None:
        p_head = None
        for b in self.doc.blocks:
            if b.heading and re.search(r"存在的?(?:主要)?问题|主要问题", b.text) and not re.search(r"改进|措施|建议", b.text):
                p_head = b
        if p_head is None:
            self.miss("problems", "存在的问题")
            return
        p_blocks = self.section_blocks(p_head)
        m_head = self.heading(r"改进措施|整改措施|改进意见|下一步|整改建议|措施及建议", after=p_head.index)
        m_blocks = self.section_blocks(m_head) if m_head else []
        p_text = "\n".join(b.text for b in p_blocks)
        m_text = "\n".join(b.text for b in m_blocks)
        p_items = [t for _, t in split_numbered(p_text)] or ([p_text] if p_text else [])
        m_items = [t for _, t in split_numbered(m_text)] or ([m_text] if m_text else [])
        problems: list[dict[str, Any]] = []
        for i, text in enumerate(p_items):
            text = text.replace("\n", "")
            entry: dict[str, Any] = {}
            pos = self.text.find(text[:20])
            cm = re.search(r"(?:原因是|原因分析|原因)[：]?", text)
            if cm:
                entry["problem"] = text[:cm.start()].strip()
                entry["cause"] = text[cm.end():].strip().rstrip("；")
            else:
                entry["problem"] = text.strip().rstrip("；")
            self.out.sources[f"problems[{i}].problem"] = self.source(pos if pos >= 0 else p_head.end)
            measure = m_items[i] if i < len(m_items) else (m_items[0] if len(m_items) == 1 else "")
            measure = measure.replace("\n", "")
            if measure:
                mpos = self.text.find(measure[:20])
                mm = re.search(r"整改措施[：]?(.*?)(?=整改责任人|责任人|整改完成时限|完成时限|$)", measure)
                entry["measures"] = (mm.group(1) if mm else re.split(r"整改责任人|责任人", measure)[0]).strip()
                self.out.sources[f"problems[{i}].measures"] = self.source(mpos)
                rm = re.search(r"(?:整改)?责任人[：]?(.*?)(?=整改完成时限|完成时限|时限|[。；]|$)", measure)
                if rm and rm.group(1).strip():
                    entry["responsible"] = rm.group(1).strip()
                    self.out.sources[f"problems[{i}].responsible"] = self.source(mpos + measure.find(rm.group(0)))
                else:
                    self.miss(f"problems[{i}].responsible", "整改责任人")
                dm = re.search(r"时限[：]?(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?", measure)
                if dm:
                    y, mo = int(dm.group(1)), int(dm.group(2))
                    day = int(dm.group(3)) if dm.group(3) else _month_end(y, mo)
                    entry["deadline"] = dt.date(y, mo, day)
                    self.out.sources[f"problems[{i}].deadline"] = self.source(mpos + measure.find(dm.group(0)))
                else:
                    self.miss(f"problems[{i}].deadline", "整改完成时限")
            else:
                self.miss(f"problems[{i}].measures", "整改措施")
            problems.append(entry)
        if problems:
            self.out.data["problems"] = problems

    def other_notes(self) -> None:
        head = self.heading(r"其他需要说明")
        blocks = self.section_blocks(head) if head else []
        if blocks:
            self.put(self.out.data, "other_notes", "other_notes", "".join(b.text for b in blocks), blocks[0].start)


def _month_end(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _category(name: str) -> str:
    if "满意" in name:
        return "满意度"
    if "率" in name or "事件" in name:
        return "效果"
    return "产出"


# ----- flattened tables ------------------------------------------------------------------

_TOKEN = re.compile(r"-?\d+(?:\.\d+)?%?|[—/]|-(?!\d)|[^\s\d—/%\-]+")


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


def score_table(doc: Document) -> ScoreTable | None:
    """The level-1 score table (投入/过程/产出/效果 …), flattened or cell by cell."""
    m = re.compile(r"(?:一级指标|评价指标|指标名称)[^\n]{0,20}?(?:分值|权重)[^\n]{0,6}?(?:自评)?得分").search(
        doc.text.replace("\n", " "))
    if not m:
        return None
    flat = doc.text.replace("\n", " ")
    tokens = _table_tokens(flat[m.end():m.end() + 800])
    rows: list[tuple[str, Decimal, Decimal, int]] = []
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
            i += 3
            continue
        i += 1
    if not rows:
        return None
    return ScoreTable(rows, total)


_ROW_FIELDS: list[tuple[str, str]] = [
    ("income", r"财政拨款收入|收入合计|本年收入"),
    ("spend", r"支出合计|本年支出|财政拨款支出"),
    ("basic", r"基本支出"),
    ("personnel", r"人员经费|工资福利支出"),
    ("public", r"公用经费"),
    ("goods", r"商品和服务支出|商品服务支出"),
    ("project", r"项目支出"),
    ("sangong", r"三公经费"),
    ("overseas", r"因公出国（境）费?|出国经费|因公出国"),
    ("vehicle_purchase", r"公务用车购置费?|公车购置"),
    ("vehicle_operation", r"公务用车运行维护费?|公车运行维护"),
    ("reception", r"公务接待费?"),
]


class BasicTable:
    """A Hunan-style 基础数据表 flattened into text: fills fields the narrative did not give."""

    COLUMNS = (("initial", r"年初预算数"), ("full", r"全年预算数|调整后预算数"), ("executed", r"全年执行数|决算数|实际支出数"))

    def __init__(self, ex: Extractor) -> None:
        self.ex = ex

    def parse(self) -> tuple[dict[str, dict[str, tuple[Money | Decimal, int]]], Decimal] | None:
        text = self.ex.text
        head = re.search(r"基础数据表", text)
        if not head:
            return None
        start = head.end()
        end_m = re.compile(r"\n(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])").search(text, start)
        end = end_m.start() if end_m else min(len(text), start + 3000)
        area = text[start:end].replace("\n", " ")
        factor = Decimal(1)
        um = re.search(r"单位[：:]?(亿元|万元|元)", area)
        if um:
            factor = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}[um.group(1)]
        cols: list[tuple[int, str]] = []
        for key, pattern in self.COLUMNS:
            cm = re.search(pattern, area)
            if cm:
                cols.append((cm.start(), key))
        if not cols:
            return None
        cols.sort()
        names = [k for _, k in cols]
        body_start = max(p for p, _ in cols)
        tokens = _table_tokens(area[body_start:])
        rows: dict[str, dict[str, tuple[Money | Decimal, int]]] = {}
        i = 0
        while i < len(tokens):
            label = tokens[i][0]
            values = tokens[i + 1:i + 1 + len(names)]
            if (not _is_num(label) and not re.fullmatch(r"[—/\-]", label) and len(values) == len(names)
                    and all(_is_num(v) or re.fullmatch(r"[—/\-]", v) for v, _ in values)):
                clean = _clean_label(label)
                for key, pattern in _ROW_FIELDS:
                    if re.fullmatch(f"(?:{pattern})(?:合计|情况)?", clean) and key not in rows:
                        rows[key] = {}
                        for col, (v, p) in zip(names, values):
                            if _is_num(v):
                                rows[key][col] = (Decimal(v) * factor if factor != 1 else Decimal(v),
                                                  start + body_start + p)
                        break
                i += 1 + len(names)
                continue
            i += 1
        return rows, factor

    def fill(self) -> None:
        parsed = self.parse()
        if not parsed:
            return
        rows, _ = parsed
        d = self.ex.out.data
        plan: list[tuple[str, str, str, str]] = [
            ("income.total", "income", "full", "财政拨款收入"),
            ("income.initial_budget", "income", "initial", "年初预算拨款"),
            ("expenditure.total", "spend", "executed", "财政拨款支出"),
            ("expenditure.basic.total", "basic", "executed", "基本支出合计"),
            ("expenditure.basic.personnel", "personnel", "executed", "人员经费"),
            ("expenditure.basic.public", "public", "executed", "公用经费"),
            ("expenditure.project", "project", "executed", "项目支出"),
            ("approved_budget.income_total", "income", "initial", "预算收入总数"),
            ("approved_budget.fiscal", "income", "initial", "财政预算拨款"),
            ("approved_budget.expenditure_total", "spend", "initial", "预算支出总数"),
            ("approved_budget.basic.total", "basic", "initial", "基本支出"),
            ("approved_budget.basic.personnel", "personnel", "initial", "人员经费"),
            ("approved_budget.basic.goods_services", "goods", "initial", "商品服务支出"),
            ("approved_budget.project", "project", "initial", "项目支出"),
            ("sangong.budget.total", "sangong", "initial", "三公经费预算合计"),
            ("sangong.actual.total", "sangong", "executed", "三公经费实际支出合计"),
        ]
        for item in ("overseas", "vehicle_purchase", "vehicle_operation", "reception"):
            plan.append((f"sangong.budget.{item}", item, "initial", ""))
            plan.append((f"sangong.actual.{item}", item, "executed", ""))
        for path, row, col, _ in plan:
            if _get(d, path) is not None:
                continue
            cell = rows.get(row, {}).get(col)
            if cell is None:
                continue
            value, pos = cell
            parent = _ensure(d, path.rsplit(".", 1)[0])
            self.ex.put(parent, path.rsplit(".", 1)[1], path, value, pos, "取自基础数据表")
            self.ex.out.missing.pop(path, None)
            head = path.rsplit(".", 1)[0]
            self.ex.out.missing.pop(head, None)
        if "adjustment" not in d.get("income", {}) and "income" in rows and {"initial", "full"} <= set(rows["income"]):
            self.ex.out.notes.append("年中调整预算数文中未写明，可由基础数据表「全年预算数 − 年初预算数」算出，草稿不代填")


def _get(d: dict[str, Any], path: str) -> Any:
    cur: Any = d
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _ensure(d: dict[str, Any], path: str) -> dict[str, Any]:
    cur = d
    for part in path.split("."):
        cur = cur.setdefault(part, {})
    return cur


def extract(doc: Document, code: str | None = None, year: int | None = None) -> Extraction:
    """Extract a draft record from a normalized report."""
    return Extractor(doc, code=code, year=year).run()


__all__ = ["Extraction", "extract", "split_numbered", "score_table", "ScoreTable", "convert", "MONEY"]
