"""Extracting a draft department-year record (schema 2) from a normalized report text.

Every value set here is read from the text; each records the original sentence
it came from (``Extraction.sources``). What cannot be found is listed in
``Extraction.missing`` and left out of the draft, never invented. Amounts are
converted to 万元; a figure whose written unit is a slip (see
:func:`perfeval.importer.figures.money_mentions`) is taken in the unit of the
other figures, and a figure written in 元 or 亿元 keeps its spelling in
``annotations`` (``as_written``).

The narrative phrasings read here (Hunan 自评报告 and its variants):
收入 "财政拨款收入…其中：年初预算…年中调整…", "收入：…万元，同比上年度增加…"; 支出 "财政拨款支出…",
"完成支出…其中：基本支出…；项目支出…", "共支出…。其中，基本支出…", 人员/公用/项目 as a three-way
split; 批复 "…批复…预算收入总数…"; 三公; 结转结余; "预算调整率为零"; staffing "编制 N人（行政编制 a人，
事业编制 b人）", "实有 N人 …"; the cover (预算编码, 评价方式, 评价机构, 报告日期); stated year-on-year
changes. The forms (基础数据表, 自评表, tables by sub-unit) are read by :mod:`perfeval.importer.forms`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .figures import COUNT, PER_HEAD, RELATION_WORDS, Money, convert, money_mentions
from .normalize import Block, Document
from .partial import get_path, set_path
from .tables import Row, parse_rows
from .year import report_year

_SCORE_PARTS = ("预算执行", "预算管理", "资产管理", "效果产出", "投入", "过程", "产出", "效果", "部门决策",
                "部门管理", "综合管理", "部门绩效", "部门产出", "部门效果", "满意度")
#: Longest list read from one sentence (内设机构 …) and most goals/completions paired.
MAX_LIST_ITEMS = 200
MAX_GOALS = 100
#: How far back a clause boundary is looked for (keeps every search local: linear in the text).
LOOKBACK = 200

_TITLE_PREFIX = re.compile(r"^(?:页面标题|正文标题|报告标题|文件标题|标题|封面)[：:]\s*")
_TITLE = re.compile(r"(?:绩效(?:自评|评价)|自评|评价)(?:总结)?报告|绩效自评$|整体(?:（项目）)?支出绩效自评")

#: Fields a report usually states; those not found are listed in the sidecar (never filled in).
EXPECTED: dict[str, str] = {
    "unit.supervisor": "主管部门",
    "unit.annual_budget": "年度预算金额",
    "staffing.approved": "编制数",
    "staffing.actual": "实有人数",
    "duties": "单位基本职能",
    "long_term_plan": "长期规划",
    "annual_plan": "年度计划",
    "goals": "部门整体支出绩效目标",
    "income.total.actual": "收入合计",
    "income.appropriation.actual": "财政拨款收入",
    "income.appropriation.budget": "年初预算（财政拨款）",
    "adjustment.amount": "年中预算调整数",
    "adjustment.declared_rate": "自述预算调整率",
    "expenditure.total.actual": "支出合计（决算）",
    "expenditure.total.budget": "支出预算（批复）",
    "expenditure.basic.actual": "基本支出",
    "expenditure.personnel.actual": "人员经费",
    "expenditure.public.actual": "公用经费",
    "expenditure.project.actual": "项目支出",
    "expenditure.basic.budget": "基本支出（批复）",
    "expenditure.personnel.budget": "人员经费（批复）",
    "expenditure.public.budget": "公用经费（批复为商品服务支出）",
    "expenditure.project.budget": "项目支出（批复）",
    "sangong.total.budget": "三公经费预算",
    "sangong.total.actual": "三公经费决算",
    "carryover.fiscal": "财政拨款结转结余",
    "carryover.non_fiscal": "非财政拨款结转结余",
    "self_scores": "自评得分",
    "projects": "项目支出明细",
    "problems": "存在的问题",
}


@dataclass
class Breakdown:
    """A stated total and the items the source lists under it (checked per column by audit)."""

    total: str                 # field path of the total row (an Amounts or a by-unit row)
    items: list[str]           # field paths of the items
    label: str                 # Chinese name of the total, for messages
    complete: bool = True      # the items are meant to add up to the total (a full breakdown)
    columns: tuple[str, ...] = ("previous", "budget", "adjusted", "actual")


@dataclass
class Extraction:
    """A draft record (plain data) with where each field came from."""

    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)   # field path -> Chinese label
    notes: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field path -> offset in the normalized text
    breakdowns: list[Breakdown] = field(default_factory=list)
    year_source: str = ""                                    # how the year was told: title/header/body/option


def _num(text: str) -> Decimal:
    return Decimal(text)


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def clause_start(text: str, pos: int, chars: str = "，。；\n", limit: int = LOOKBACK, floor: int = 0) -> int:
    """Start of the clause that contains ``pos`` (looking back at most ``limit`` characters)."""
    lo = max(floor, pos - limit)
    best = lo - 1 if lo > floor else floor - 1
    for c in chars:
        i = text.rfind(c, lo, pos)
        if i > best:
            best = i
    return best + 1


def split_numbered(text: str) -> list[tuple[int, str]]:
    """Split ``1.xx 2.xx`` / ``1、xx`` / ``（1）xx`` runs, accepting only consecutive numbers."""
    marker = re.compile(r"(?:^|(?<=[\n。；]))[ \t]{0,4}(?:(?P<a>\d{1,2})[.．、](?!\d)|[（(](?P<b>\d{1,2})[)）])")
    items: list[tuple[int, int, int]] = []  # number, marker start, text start
    expected = 1
    for m in marker.finditer(text):
        n = int(m.group("a") or m.group("b"))
        if n == expected:
            items.append((n, m.start(), m.end()))
            expected += 1
            if len(items) >= MAX_LIST_ITEMS:
                break
    out: list[tuple[int, str]] = []
    for i, (n, _, begin) in enumerate(items):
        end = items[i + 1][1] if i + 1 < len(items) else len(text)
        out.append((n, text[begin:end].strip()))
    return out


def parse_report_date(text: str) -> dt.date | None:
    m = re.search(r"((?:19|20)\d{2})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class Extractor:
    def __init__(self, doc: Document, code: str | None = None, year: int | None = None,
                 unit_name: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.money = money_mentions(doc)
        self._money_starts = [m.start for m in self.money]
        self.rows: list[Row] = parse_rows(doc)
        self.out = Extraction()
        self.code = code
        self.year = year
        self.unit_name = unit_name
        self.pending_notes: dict[str, str] = {}
        self._row_cells: dict[int, list[str]] | None = None

    # ----- low-level helpers -------------------------------------------------------------
    def source(self, pos: int) -> str:
        """The original sentence at ``pos``; for a table cell, its whole row (cells joined by " | ")."""
        block = self.doc.block_at(pos) if self.doc.blocks else None
        if block is not None and block.cell and block.start <= pos <= block.end:
            if self._row_cells is None:
                self._row_cells = {}
                for b in self.doc.blocks:
                    if b.cell:
                        self._row_cells.setdefault(b.row, []).append(b.original)
            cells = self._row_cells.get(block.row, [])
            return " | ".join(cells)[:400]
        return self.doc.original_at(pos)

    def has(self, path: str) -> bool:
        return get_path(self.out.data, path) is not None

    def set(self, path: str, value: Any, pos: int | None, note: str = "", *, replace: bool = False,
            annotate: dict[str, Any] | None = None) -> bool:
        """Set a field (once: the first statement found wins unless ``replace``); record its source."""
        if value is None or (self.has(path) and not replace):
            return False
        set_path(self.out.data, path, value)
        if pos is not None:
            self.out.positions[path] = pos
            self.out.sources[path] = self.source(pos) + (f"  〔{note}〕" if note else "")
        if annotate:
            self.annotate(path, **annotate)
        return True

    def annotate(self, path: str, as_written: str | None = None, inferred: bool = False, note: str = "") -> None:
        notes = self.out.data.setdefault("annotations", {})
        entry: dict[str, Any] = dict(notes.get(path) or {})
        if as_written:
            entry["as_written"] = as_written
        if inferred:
            entry["inferred"] = True
        if note:
            entry["note"] = (entry["note"] + "；" + note) if entry.get("note") and note not in entry["note"] else note
        notes[path] = entry

    def set_money(self, path: str, value: Money | Decimal, pos: int, note: str = "", *, replace: bool = False) -> bool:
        if isinstance(value, Money):
            annotate = None
            if value.slip:
                note = note or f"文中写作「{value.written}{value.unit}」，{value.evidence}，按万元记录"
                annotate = {"as_written": self.source(value.start),
                            "note": f"原文单位写作“{value.unit}”，{value.evidence}，按万元记录"}
            elif value.unit != "万元":
                note = note or f"文中写作「{value.written}{value.unit}」，已换算为万元"
                annotate = {"as_written": f"{value.written}{value.unit}",
                            "note": f"原文以{value.unit}计，已换算为万元"}
            return self.set(path, value.value, pos, note, replace=replace, annotate=annotate)
        return self.set(path, value, pos, note or "文中未注明单位，按万元记录", replace=replace)

    def miss(self, path: str, label: str) -> None:
        self.out.missing[path] = label

    def clause_end(self, pos: int, stops: str = "。；\n", limit: int = 60) -> int:
        end = min(len(self.text), pos + limit)
        best = end
        for c in stops:
            i = self.text.find(c, pos, end)
            if 0 <= i < best:
                best = i
        return best

    def money_in(self, start: int, end: int) -> list[Money]:
        lo = bisect.bisect_left(self._money_starts, start)
        hi = bisect.bisect_left(self._money_starts, end)
        return self.money[lo:hi]

    def amount_after(self, label: str, start: int = 0, end: int | None = None, window: int = 30,
                     bare: bool = False, stop_at: str | None = None,
                     max_matches: int = 50) -> tuple[Money | Decimal, int] | None:
        """First amount after ``label`` in [start, end), within the label's clause."""
        end = len(self.text) if end is None else end
        for count, m in enumerate(re.compile(label).finditer(self.text, start, end)):
            if count >= max_matches:
                break
            after = m.end()
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

    def take(self, path: str, label: str, start: int = 0, end: int | None = None, **kw: Any) -> int | None:
        """Set ``path`` from the first amount after ``label``; the position, or None when not found.

        For a current-year column (``.actual``), a figure its clause dates to the year before ("2022年…",
        "上年…") goes to ``.previous`` and the search goes on; one dated to another year is left out.
        """
        for _ in range(8):
            found = self.amount_after(label, start, end, **kw)
            if found is None:
                return None
            value, pos = found
            if not (path.endswith(".actual") and self.year):
                break
            clause = self.text[clause_start(self.text, pos, "，。；\n", limit=60):pos]
            clause = re.sub(r"上年(?:度)?(?:结转|结余)", "", clause)  # 上年结转 is this year's income
            years = [int(y) for y in re.findall(r"(?<![\d.])((?:19|20)\d{2})(?=年)", clause)]
            if years and years[-1] not in (self.year, self.year - 1):
                self.out.notes.append(f"「{clause}」所述为 {years[-1]} 年的数字，未作为本年数记录")
            elif re.search(r"上年|去年|上一年", clause) or (years and years[-1] == self.year - 1):
                self.set_money(path[: -len(".actual")] + ".previous", value, pos)
            else:
                break
            start = (value.end if isinstance(value, Money) else pos + 1)
        else:
            return None
        self.set_money(path, value, pos)
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
        m = re.compile(rf"(?:{label})[ \t]{{0,3}}[：]?[ \t]{{0,3}}\n([^\n]{{1,80}})").search(self.text)
        if m and not re.search(r"[。；]", m.group(1)) and len(m.group(1)) <= 60:
            return m.group(1).strip(), m.start(1)
        m = re.compile(rf"(?:{label})[：为是]([^，。；\n|]{{1,80}})").search(self.text)
        if m:
            return m.group(1).strip(), m.start(1)
        return None

    # ----- the record --------------------------------------------------------------------
    def run(self) -> Extraction:
        title = self.find_title()
        if self.code:
            self.out.data["code"] = self.code
        if self.year is None:
            found = report_year(self.doc)
            if found:
                self.year = found.year
                self.out.year_source = found.how
                self.set("year", found.year, found.pos, {"title": "取自报告标题", "header": "取自表头年度",
                                                         "body": "取自正文所述年度"}[found.how])
        else:
            self.out.data["year"] = self.year
            self.out.year_source = "option"
            found = report_year(self.doc)
            if found and found.year != self.year:
                self.out.notes.append(f"报告自述年度为 {found.year}，按指定的评价年度 {self.year} 提取")
        if title:
            self.set("title", title[0], title[1])
        self.unit(title)
        self.cover()
        self.staffing()
        self.internal_units()
        self.duties()
        self.plans()
        self.goals()
        self.income()
        self.expenditure()
        self.approved()
        self.sangong()
        self.carryover()
        self.adjustment()
        self.execution()
        self.management()
        self.self_scores()
        self.projects()
        self.project_list()
        self.problems()
        self.other_notes()
        self.stated_changes()
        from .forms import FormReader
        FormReader(self).fill()
        for path, note in self.pending_notes.items():
            if path not in self.out.sources:
                self.out.notes.append(note)
        for path, label in EXPECTED.items():
            if not self.has(path) and path not in self.out.missing:
                self.miss(path, label)
        self.out.missing = {p: label for p, label in self.out.missing.items() if not self.has(p)}
        return self.out

    def find_title(self) -> tuple[str, int] | None:
        candidates: list[tuple[int, str, int]] = []
        for b in self.doc.blocks[:20]:
            text = _TITLE_PREFIX.sub("", b.text)
            if len(text) > 80 or re.search(r"报告日期|报告期|发布", text):
                continue
            if _TITLE.search(text):
                rank = 0 if re.search(r"(?:19|20)\d{2}年", text) else 1
                candidates.append((rank, text, b.start))
        if not candidates:
            return None
        candidates.sort(key=lambda c: c[0])
        return candidates[0][1], candidates[0][2]

    def unit(self, title: tuple[str, int] | None) -> None:
        if self.unit_name:
            self.out.data.setdefault("unit", {})["name"] = self.unit_name
        else:
            m = re.compile(r"(?:预算单位名称|部门（单位）名称|部门\(单位\)名称|单位名称|部门名称|填报单位(?:（盖章）)?)"
                           r"[ \t]{0,3}[：:]?[ \t]{0,3}\n?([^\n|，。；]{1,60})").search(self.text)
            name = m.group(1).strip() if m else ""
            name = _TITLE_PREFIX.sub("", name)
            if m and name and not re.fullmatch(r"[（(]?(?:空|略|无|不详)[)）]?|[\d.\s]+", name):
                self.set("unit.name", name, m.start(1))
            elif title:
                tm = re.search(r"^(?:(?:19|20)\d{2}年度?)?(?P<name>.+?)(?:(?:19|20)\d{2}年度?)?(?:部门|单位)?"
                               r"(?:整体|（项目）|项目|及)*支出", title[0])
                if tm:
                    name = tm.group("name").strip()
                    if (2 <= len(name) <= 60 and "（单位）" not in name and not re.search(r"\d{4}年", name)
                            and not re.fullmatch(r"部门|单位|本部门|本单位", name)):
                        self.set("unit.name", name, title[1], "取自报告标题")
        sup = self.cell_after("主管部门|主管单位")
        if sup and not re.fullmatch(r"[（(]?(?:空|略|无)[)）]?", sup[0]):
            self.set("unit.supervisor", sup[0], sup[1])
        self.take("unit.annual_budget", r"年度预算金额|年度预算总额|部门预算金额", window=20)

    def cover(self) -> None:
        m = re.compile(r"预算编码[ \t]{0,3}[：:]?[ \t]{0,3}\n?([A-Za-z0-9\-]{1,30})").search(self.text)
        if m:
            self.set("cover.budget_code", m.group(1), m.start(1))
        for key, label in (("evaluation_method", r"评价方式"), ("evaluator", r"评价机构")):
            m = re.compile(rf"{label}[ \t]{{0,3}}[：:][ \t]{{0,3}}\n?([^\n|，。；]{{2,40}})").search(self.text)
            if m:
                self.set(f"cover.{key}", m.group(1).strip(), m.start(1))
        m = re.compile(r"(?:报告日期|报告期|报告时间|评价报告日期)[ \t]{0,3}[：:]?[ \t]{0,3}\n?([^\n|]{6,20})").search(self.text)
        if m:
            date = parse_report_date(m.group(1))
            if date:
                self.set("cover.report_date", date, m.start(1))

    # ----- staffing and organisation ----------------------------------------------------
    def staffing(self) -> None:
        # Key-value cells of a form first ("编制数 11 | 2023年实际在职人数 16 | 控制率 （空）").
        keys = [("staffing.approved", r"(?:核定|人员|批复)?编制(?:数|人数)?$"),
                ("staffing.actual", r"(?:实际在职人数|实有人数|在职人数|实有人员|实际人数|在职人员|实有|在编人数)$"),
                ("staffing.stated_control_rate", r"(?:在职人员)?控制率$")]
        for row in self.rows:
            if not re.search(r"编制|在职|实有", row.text) or row.narrative:
                continue
            for seg in row.segments:
                for path, pattern in keys:
                    if len(seg.values) == 1 and re.search(pattern, seg.label) and not re.search(r"行政|事业", seg.label):
                        v = seg.values[0]
                        if v.number is None:
                            continue
                        if path.endswith("control_rate"):
                            self.set(path, v.number, v.pos)
                        elif v.number == v.number.to_integral_value() and not v.percent:
                            self.set(path, int(v.number), v.pos)
        # A header row of names and a row of figures under it ("编制数 | 实际在职人数 | 控制率" / "143 | 136 | 95.10%").
        for i, row in enumerate(self.rows[:-1]):
            names = [s.label for s in row.segments if not s.values]
            if len(row.segments) == 1 and not row.values:
                names = re.findall(r"编制数|(?:\d{4}年)?实际在职人数|实有人数|在职人数|控制率", row.text)
            if not names or not any("编制" in n for n in names) or row.values:
                continue
            nxt = self.rows[i + 1]
            vals = nxt.values
            if len(vals) == len(names) and all(not s.label for s in nxt.segments):
                for name, v in zip(names, vals):
                    for path, pattern in keys:
                        if v.number is not None and re.search(pattern, name):
                            value: Any = v.number if path.endswith("control_rate") else int(v.number)
                            self.set(path, value, v.pos)
        t = self.text
        approved = re.compile(r"(?<!行政)(?<!事业)(?<!预算)(?:核定|批复)?(?:人员)?编制(?:数|人数)?(?:为|共|是)?[：:]?\s?(\d{1,7})\s?(?:人|名)"
                              r"(?:[（(]行政编制(\d{1,7})(?:人|名)?[，、,]事业编制(\d{1,7})(?:人|名)?[)）])?")
        m = approved.search(t)
        if m:
            self.set("staffing.approved", int(m.group(1)), m.start(1))
            if m.group(2):
                self.set("staffing.approved_admin", int(m.group(2)), m.start(2))
                self.set("staffing.approved_institution", int(m.group(3)), m.start(3))
        actual = re.compile(r"(?:年末|期末)?(?:实有在编人数|在编人数|实有人数|实有人员|实有|实际在职人数|实际在职|在职人数|在职人员)(?!控制)(?:为|共|是)?[：:]?\s?"
                            r"(\d{1,7})\s?(?:人|名)(?:[（(](?:行政(?:编制)?|行政人员)(\d{1,7})(?:人|名)?[，、,]"
                            r"(?:事业(?:编制)?|事业人员)(\d{1,7})(?:人|名)?[)）])?")
        m = actual.search(t)
        if m:
            self.set("staffing.actual", int(m.group(1)), m.start(1))
            if m.group(2):
                self.set("staffing.actual_admin", int(m.group(2)), m.start(2))
                self.set("staffing.actual_institution", int(m.group(3)), m.start(3))
        m = re.compile(r"在职人员控制率(?:为|是|：)?(\d{1,3}(?:\.\d+)?)%").search(t)
        if m:
            self.set("staffing.stated_control_rate", Decimal(m.group(1)), m.start(1))

    def internal_units(self) -> None:
        for path, label in (("unit.internal_units", r"内设机构"), ("unit.sub_units", r"(?:下属|所属)(?:事业)?单位|二级机构|事业单位")):
            m = re.compile(rf"(?:{label})(?:有|包括|为)?[：:]([^\n。；]{{2,4000}})").search(self.text)
            if not m:
                continue
            items: list[str] = []
            for piece in re.split(r"[、，,]", m.group(1)):
                piece = re.sub(r"^(?:和|及|以及)", "", piece.strip()).rstrip("等")
                if not piece or len(piece) > 40 or re.search(r"\d+(?:\.\d+)?万元", piece):
                    items = []
                    break
                items.append(piece)
                if len(items) > MAX_LIST_ITEMS:
                    items = []
                    break
            if len(items) >= 1:
                self.set(path, items, m.start(1))

    # ----- duties, plans, goals ----------------------------------------------------------
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

    def _section_text(self, pattern: str, key: str) -> None:
        head = self.heading(pattern)
        blocks = self.section_blocks(head) if head else []
        if blocks:
            self.set(key, "".join(b.text for b in blocks), blocks[0].start)

    def plans(self) -> None:
        self._section_text(r"长期规划|中长期规划|发展规划", "long_term_plan")
        self._section_text(r"年度(?:工作)?计划|年度重点工作", "annual_plan")

    def goals(self) -> None:
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
                self.out.sources[f"goals[{len(goals) - 1}].text"] = self.source(pos)
        if not goals:
            return
        self.out.data["goals"] = goals
        completions = self.completions()[:MAX_GOALS]
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
        for ci, (n, _, _, _) in enumerate(completions):
            if ci not in used_c:
                gi = next((i for i, g in enumerate(goals) if g["number"] == n and i not in used_g), None)
                if gi is not None:
                    assign[gi] = ci
                    used_g.add(gi)
        for gi, goal in enumerate(goals):
            targets = self.quantities(goal["text"], goal_pos[gi])
            actuals: list[tuple[dict[str, Any], str, str]] = []
            if gi in assign:
                n, title, text, pos = completions[assign[gi]]
                if title:
                    goal["completion_title"] = title
                goal["completion"] = text
                self.out.sources[f"goals[{gi}].completion"] = self.source(pos)
                if n != goal["number"]:
                    self.out.notes.append(f"完成情况第 {n} 条「{title}」按内容对应到目标 {goal['number']}")
                actuals = self.quantities(text, pos + (len(title) + 1 if title else 0))
            elif completions:
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
            q: dict[str, Any] = {"value": _num(m.group("num")), "unit": m.group("unit")}
            if rel != "=":
                q["relation"] = rel
            start = clause_start(text, m.start(), "，。；、：")
            ends = [i for i in (text.find(c, m.end(), m.end() + LOOKBACK) for c in "，。；：") if i >= 0]
            clause = text[start:min(ends) if ends else min(len(text), m.end() + LOOKBACK)]
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

    # ----- money: income, expenditure, approval, 三公, carry-over ----------------------------
    def _window(self, pos: int, size: int = 320) -> int:
        """End of the passage that follows a stated total: its breakdown, up to the next section."""
        end = min(len(self.text), pos + size)
        m = re.compile(r"\n(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d)|"
                       r"第[一二三四五六七八九十]|[^\n]{0,12}批复|[^\n]{0,6}三公|[^\n]{0,8}预算执行)").search(self.text, pos, end)
        return m.start() if m else end

    def income(self) -> None:
        span = self.sentence_with(r"财政拨款收入|本年收入合计|收入合计|总收入|收入总[额计]|(?<![^\n])(?:\d{1,2}、)?收入(?:情况)?：\d",
                                  avoid=(r"批复", r"预算收入", r"收入与支出"))
        if not span:
            return
        s, e = span
        sentence = self.text[s:e]
        total_label = r"本年收入合计|收入合计|总收入|收入总[额计]|(?<![^\n])(?:\d{1,2}、)?收入(?:情况)?："
        end = max(e, self._window(s))
        if re.search(total_label, sentence) and not re.search(r"财政拨款收入", sentence[:sentence.find("收入") + 2]):
            self.take("income.total.actual", r"本年收入合计|收入合计|总收入|收入总[额计]|收入(?:情况)?：", s, e)
            self.take("income.appropriation.actual", r"财政拨款收入|一般公共预算(?:财政)?拨款(?:收入)?", s, end)
        else:
            self.take("income.appropriation.actual", r"财政拨款收入", s, e)
        self.take("income.appropriation.budget", r"年初预算(?:拨款|数)?", s, e)
        self.take("income.carryover.actual", r"上年结转(?:结余)?(?:收入)?", s, e)
        pos = self.take("adjustment.amount", r"年中(?:调整|追加)(?:预算)?数?|预算调整数|追加预算|年中追加", s, e)
        if pos is not None:
            m = re.compile(r"(?:主要为|主要)?(用于[^。]{2,300})").search(self.text, pos, e)
            if m:
                self.set("adjustment.purpose", m.group(1).rstrip("；。"), m.start(1))

    _EXP_TOTAL = (r"财政拨款支出|本年支出合计|支出合计|总支出|支出总[额计]|共支出|完成支出|全年支出|支出决算总?[数额]|"
                  r"(?<![^\n])(?:\d{1,2}[、.．])?支出(?:情况)?：(?=\d)")

    def expenditure(self) -> None:
        span = self.sentence_with(self._EXP_TOTAL, avoid=(r"批复", r"收入与支出", r"预算支出", r"支出预算"))
        if span:
            s, e = span
            pos = self.take("expenditure.total.actual", self._EXP_TOTAL, s, e)
            start = pos if pos is not None else s
        else:
            s = e = start = -1
        # The breakdown: in the passage after the total, else in the sentence that names 基本支出 with its parts.
        if start >= 0:
            end = max(e, self._window(start))
        else:
            b = self.sentence_with(r"基本支出", r"人员经费|公用经费", avoid=(r"批复", r"预算数|预算为|年初预算"))
            if not b:
                b = self.sentence_with(r"人员经费", r"公用经费", r"项目支出", avoid=(r"批复",))
            if not b:
                return
            start, end = b[0], max(b[1], self._window(b[0]))
        self.take("expenditure.basic.actual", r"基本支出(?:情况)?(?:[：:])?(?:合计数?)?(?:为)?", start, end,
                  stop_at=r"人员经费|公用经费|其中")
        if not self.has("expenditure.basic.actual"):
            self.take("expenditure.basic.actual", r"基本支出", start, end, stop_at=r"人员经费|公用经费")
        self.take("expenditure.personnel.actual", r"人员经费(?:支出)?|工资福利支出", start, end)
        self.take("expenditure.public.actual", r"(?:日常)?公用经费(?:支出)?|商品和服务支出", start, end)
        self.take("expenditure.project.actual", r"项目支出", start, end)

    def approved(self) -> None:
        span_in = self.sentence_with(r"批复", r"收入")
        span_out = self.sentence_with(r"批复", r"支出(?:预算)?总数|预算支出|支出预算")
        for span in (span_in, span_out):
            if span:
                m = re.compile(r"([省市县区]?财政(?:局|厅|部门|部))批复").search(self.text, *span)
                if m:
                    self.set("approval.approver", m.group(1), m.start())
                    break
        for span in (span_in, span_out):
            if span and self.year:
                m = re.compile(r"(?<![\d.])(\d{4})年度?批复").search(self.text, *span)
                if m and int(m.group(1)) != self.year:
                    self.set("approval.year_as_written", int(m.group(1)), m.start(),
                             f"文中批复年度为 {m.group(1)}，与评价年度 {self.year} 不同")
        if span_in:
            s, e = span_in
            self.take("income.total.budget", r"预算收入(?:预算)?总[数额]|收入预算总[数额]", s, e)
            found = self.amount_after(r"财政预算拨款|一般公共预算拨款|财政拨款", s, e)
            if found:
                value, pos = found
                number = value.value if isinstance(value, Money) else value
                current = get_path(self.out.data, "income.appropriation.budget")
                if current is None:
                    self.set_money("income.appropriation.budget", value, pos)
                elif current != number:
                    self.annotate("income.appropriation.budget", note=f"批复财政预算拨款另记为 {number} 万元")
            self.take("income.special_account.budget", r"非税收入(?:拨款)?|财政专户", s, e, bare=True)
            self.take("income.other.budget", r"其他收入", s, e, bare=True)
        if span_out:
            s, e = span_out
            self.take("expenditure.total.budget", r"支出预算总[数额]|预算支出(?:预算)?总[数额]|支出总[数额]", s, e)
            self.take("expenditure.basic.budget", r"基本支出", s, e)
            self.take("expenditure.personnel.budget", r"人员经费", s, e)
            self.take("expenditure.public.budget", r"商品(?:和)?服务支出|公用经费", s, e)
            pos = self.take("expenditure.project.budget", r"项目支出", s, e)
            if pos is not None:
                m = re.compile(r"[\d.]+万元（([^）]{2,40})）").match(self.text, pos)
                if m:
                    self.set("approval.project_note", m.group(1), pos)

    _SANGONG_LABELS = {
        "overseas": ("因公出国（境）费", r"因公出国|出国（境）|出国经费|出国费"),
        "vehicle_purchase": ("公务用车购置费", r"公务用车购置(?!和|及)|公车购置|车辆购置"),
        "vehicle_operation": ("公务用车运行维护费", r"公务用?车运行维护|公车运行维护|公务用车运行"),
        "reception": ("公务接待费", r"公务接待"),
    }

    _SG_BUDGET = re.compile(r"预算|批复|安排")
    _SG_ACTUAL = re.compile(r"实际|决算|执行|支出|总额|开支|使用")
    _SG_CHANGE = re.compile(r"比上年|较上年|同比|上年度?|增加|减少|增长|下降|节约|变动率|控制率|占")

    def sangong(self) -> None:
        """三公 figures of the narrative, clause by clause: each clause's column (预算/批复 → budget,
        实际/决算/执行/支出 → actual; else as the clause before) and item (公务接待 …; none named → the
        item of the clause before, or the total)."""
        sentences = 0
        for sent in self.doc.sentences:
            if "三公" not in sent.text or not self.money_in(sent.start, sent.end) or re.search(r"变动率|=", sent.text):
                continue
            sentences += 1
            if sentences > MAX_LIST_ITEMS:
                break
            column: str | None = None
            item: str | None = None
            pos = sent.start
            for clause in re.split(r"(?<=[，；：])", sent.text):
                start, pos = pos, pos + len(clause)
                before_money = clause
                amounts = self.money_in(start, pos)
                if amounts:
                    before_money = self.text[start:amounts[0].start]
                budget = bool(self._SG_BUDGET.search(before_money)) and not re.search(r"预算执行", before_money)
                actual = bool(self._SG_ACTUAL.search(before_money))
                if budget and not actual:
                    column = "budget"
                elif actual and not budget:
                    column = "actual"
                elif budget and actual:
                    # "预算执行数" / "实际支出…预算" : the word nearest the figure decides.
                    last_b = max(m.end() for m in self._SG_BUDGET.finditer(before_money))
                    last_a = max(m.end() for m in self._SG_ACTUAL.finditer(before_money))
                    column = "budget" if last_b > last_a else "actual"
                named = next((key for key, (_, label) in self._SANGONG_LABELS.items() if re.search(label, clause)), None)
                if named:
                    item = named
                elif "三公" in clause:
                    item = None
                if not amounts or column is None or self._SG_CHANGE.search(before_money):
                    continue
                path = f"sangong.{item or 'total'}.{column}"
                self.set_money(path, amounts[0], amounts[0].start)
        for column, cn in (("budget", "三公经费预算"), ("actual", "三公经费实际支出")):
            if not self.has(f"sangong.total.{column}"):
                continue
            for item, (label_cn, _) in self._SANGONG_LABELS.items():
                if not self.has(f"sangong.{item}.{column}"):
                    self.pending_notes[f"sangong.{item}.{column}"] = f"{cn}未提及{label_cn}（留空，不记为 0）"

    def carryover(self) -> None:
        self.take("carryover.fiscal", r"(?<!非)财政拨款结转(?:和)?结余(?:资金)?", bare=True)
        self.take("carryover.non_fiscal", r"非财政拨款结转(?:和)?(?:结余)?(?:资金)?", bare=True)

    def adjustment(self) -> None:
        if not self.has("adjustment.amount"):
            self.take("adjustment.amount", r"年中(?:调整|追加)(?:预算)?数?|预算调整数|(?:本年)?追加预算", window=20)
        m = re.compile(r"预算调整率(?:为|是|：)?(零|0(?:\.0+)?%?|\d{1,3}(?:\.\d+)?%)").search(self.text)
        if m:
            value = Decimal(0) if m.group(1) == "零" else Decimal(m.group(1).rstrip("%"))
            self.set("adjustment.declared_rate", value, m.start())
            sent = self.doc.sentence_at(m.start())
            s_text = sent.text
            cut = s_text.find("因")
            explanation = s_text[cut:] if 0 <= cut < m.start() - sent.start else s_text
            self.set("adjustment.explanation", explanation, m.start())
        if self.has("adjustment.amount"):
            pos = self.out.positions.get("adjustment.amount", 0)
            around = self.text[max(0, pos - 30):pos]
            m2 = re.compile(r"上年结转[、和及与]年中调整|上年结转[、和及与](?:年中)?追加").search(self.text)
            if m2 or "上年结转" in around:
                self.set("adjustment.carryover_mentioned", True, m2.start() if m2 else pos)
        m = re.compile(r"[^。；\n]{0,120}未[记计]入(?:预算)?调整(?:数|率)?[^。；\n]{0,60}[。；]?").search(self.text)
        if m:
            reason = m.group(0).strip()
            self.out.data.setdefault("adjustment", {}).setdefault("exclusions", []).append({"reason": reason})
            self.out.sources["adjustment.exclusions[0].reason"] = self.source(m.start())

    def execution(self) -> None:
        m = re.search(r"收支[^，。；]{0,6}(?:持平|平衡)", self.text)
        if m:
            self.set("execution.balance_statement", m.group(0), m.start())

    def _statement(self, pattern: str) -> tuple[str, int] | None:
        head = self.heading(pattern)
        if not head:
            return None
        blocks = self.section_blocks(head)
        if not blocks:
            return None
        text = "".join(b.text for b in blocks)
        clauses = re.split(r"(?<=[，。；])", text)
        kept = "".join(c for c in clauses if not re.search(r"得分|扣分", c)).rstrip("，；")
        if kept and kept[-1] not in "。":
            kept += "。"
        return kept, blocks[0].start

    def management(self) -> None:
        for key, pattern in (("budget_management", r"预算管理情况"), ("asset_management", r"资产管理情况"),
                             ("outcome_statement", r"效果产出情况|产出效果情况")):
            found = self._statement(pattern)
            if found:
                self.set(f"management.{key}", found[0], found[1])
        found = self.amount_after(r"福彩公益金[^，。；]{0,8}?", window=20)
        if found:
            value, pos = found
            self.set_money("management.lottery_fund", value, pos)
        m = re.search(r"[^，。；\n]{0,80}50万元以上项目[^。\n]{0,200}", self.text)
        if m:
            statement = m.group(0)
            self.set("management.large_projects_statement", statement, m.start())
            if re.search(r"无50万元以上项目", statement):
                self.set("management.no_large_projects", True, m.start())
        m = re.search(r"厉行节约(?:保障)?措施[：:]([^\n]{2,300})", self.text)
        if m:
            self.set("management.thrift_measures", m.group(1).strip(), m.start(1))

    def self_scores(self) -> None:
        scores: list[dict[str, Any]] = []
        table = score_table(self.doc)
        if table:
            for i, (part, weight, score, pos) in enumerate(table.rows):
                scores.append({"part": part, "weight": weight, "score": score})
                for key in ("weight", "score"):
                    self.out.positions[f"self_scores[{i}].{key}"] = pos
                    self.out.sources[f"self_scores[{i}].{key}"] = self.source(pos) + "  〔取自得分表〕"
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
                score = _num(m.group(1))
                sent = self.doc.sentence_at(m.start())
                rest = self.text[m.end():sent.end].strip("，。；")
                w = re.search(r"(?:满分|分值|权重)(?:为)?(\d+(?:\.\d+)?)分?", sent.text)
                src = self.source(m.start())
                if w:
                    entry["weight"] = _num(w.group(1))
                    self.out.sources[f"self_scores[{i}].weight"] = src
                elif re.search(r"无扣分|未扣分|不扣分|满分", sent.text):
                    entry["weight"] = score
                    self.out.sources[f"self_scores[{i}].weight"] = src + "  〔文中称无扣分，分值取得分〕"
                else:
                    self.miss(f"self_scores[{i}].weight", f"{part}分值")
                entry["score"] = score
                self.out.sources[f"self_scores[{i}].score"] = src
                self.out.positions[f"self_scores[{i}].score"] = m.start()
                if rest:
                    entry["reason"] = rest
                scores.append(entry)
        if scores:
            self.out.data["self_scores"] = scores
        m = re.search(r"(?:自评|综合|总)得分(?:为)?(\d{1,3}(?:\.\d+)?)分", self.text)
        if m:
            self.set("self_score_total", Decimal(m.group(1)), m.start(1))
        m = re.search(r"等级为?[“\"]?(优|良|中|差|优秀|良好|合格|不合格)[”\"]?", self.text)
        if m:
            self.set("self_grade", m.group(1), m.start(1))

    # ----- projects ----------------------------------------------------------------------
    def projects(self) -> None:
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
            self.out.sources[f"{path}.name"] = self.source(b.start)
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
                    after = actual.end
            if "actual" not in project:
                self.miss(f"{path}.actual", f"项目「{name}」实际支出")
            desc = self.text[after:b.end].lstrip("，。；").rstrip("；。") + "。"
            if len(desc) > 1:
                project["description"] = desc
            outputs = self.outputs(self.text[after:b.end], after)
            if outputs:
                project["outputs"] = [o for o, _ in outputs]
                for j, (_, opos) in enumerate(outputs):
                    self.out.sources[f"{path}.outputs[{j}]"] = self.source(opos)

    def project_list(self) -> None:
        """"项目支出包括：" followed by lines "name amount万元" (a narrative list of project lines)."""
        if self.out.data.get("projects"):
            return
        for i, row in enumerate(self.rows):
            if not re.search(r"项目支出(?:主要)?包括|项目支出明细|项目支出情况如下", row.text) or row.values:
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
                self.out.sources[f"projects[{k}].name"] = self.source(pos)
                self.set_money(f"projects[{k}].actual", amount, amount.start)
                self.annotate(f"projects[{k}].actual", inferred=True,
                              note="文中列于项目支出之下，未写明是预算数还是决算数，按本年决算数记录（推断）")
            if found:
                self.out.breakdowns.append(Breakdown("expenditure.project", [f"projects[{k}]" for k in range(len(found))],
                                                     "项目支出", complete=False))
                return

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
        for pos, kind, m in found[:MAX_LIST_ITEMS]:
            start = clause_start(text, pos, "，。；、")
            if kind == "money":
                if last_count is not None and "amount" not in last_count:
                    last_count["amount"] = m.value
                    last_count = None
                    continue
                name = text[start:pos].rstrip("为共计累计：")
                out.append(({"name": name or "金额", "amount": m.value}, base + pos))
                continue
            ends = [i for i in (text.find(c, pos, pos + LOOKBACK) for c in "，。；") if i >= 0]
            clause = text[start:min(ends) if ends else min(len(text), pos + LOOKBACK)]
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
            return
        p_blocks = self.section_blocks(p_head)
        m_head = self.heading(r"改进措施|整改措施|改进意见|下一步|整改建议|措施及建议", after=p_head.index)
        m_blocks = self.section_blocks(m_head) if m_head else []
        p_text = "\n".join(b.text for b in p_blocks)
        m_text = "\n".join(b.text for b in m_blocks)
        p_items = [t for _, t in split_numbered(p_text)] or ([p_text] if p_text else [])
        m_items = [t for _, t in split_numbered(m_text)] or ([m_text] if m_text else [])
        problems: list[dict[str, Any]] = []
        for i, text in enumerate(p_items[:MAX_LIST_ITEMS]):
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
                    try:
                        day = int(dm.group(3)) if dm.group(3) else _month_end(y, mo)
                        entry["deadline"] = dt.date(y, mo, day)
                        self.out.sources[f"problems[{i}].deadline"] = self.source(mpos + measure.find(dm.group(0)))
                    except ValueError:
                        self.out.notes.append(f"整改完成时限「{dm.group(0)}」不是有效日期，未填写")
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
            self.set("other_notes", "".join(b.text for b in blocks), blocks[0].start)

    # ----- stated year-on-year changes ---------------------------------------------------
    _CHANGE = re.compile(
        r"(?:同比|比上年度?|较上年度?|与上年(?:度)?相比|比去年|较去年|同比上年度?)[，]?(?P<dir>增加|减少|增长|下降|上升|降低|减)了?"
        r"(?:(?P<amount>\d{1,12}(?:\.\d+)?)(?P<unit>万元|元|亿元))?"
        r"(?:[，、]?(?:(?:增加|减少|增长|下降|上升|降低|增幅|降幅|幅度为?)了?)?(?P<pct>\d{1,4}(?:\.\d+)?)%)?")

    def stated_changes(self) -> None:
        changes: list[dict[str, Any]] = []
        for m in self._CHANGE.finditer(self.text):
            if len(changes) >= MAX_LIST_ITEMS:
                break
            if not m.group("amount") and not m.group("pct"):
                continue
            sign = -1 if m.group("dir") in ("减少", "下降", "降低", "减") else 1
            before = self.money_in(clause_start(self.text, m.start(), "。；\n", limit=80), m.start())
            current = before[-1] if before else None
            start = clause_start(self.text, current.start if current else m.start(), "，。；\n", limit=40)
            subject = self.text[start:current.start if current else m.start()]
            subject = re.sub(r"^(?:其中[：]?|\d{1,2}、|(?:19|20)\d{2}年度?|本年|全年|我局|我单位|本单位|部门)+", "", subject)
            subject = re.sub(r"[“”\"：:为共计]", "", subject).strip() or "金额"
            entry: dict[str, Any] = {"subject": subject[:40]}
            if current is not None:
                entry["current"] = current.value
            if m.group("amount"):
                entry["change"] = sign * convert(Decimal(m.group("amount")), m.group("unit"))
            if m.group("pct"):
                entry["percent"] = sign * Decimal(m.group("pct"))
            entry["as_written"] = self.text[current.start if current else m.start():m.end()]
            k = len(changes)
            changes.append(entry)
            self.out.sources[f"stated_changes[{k}]"] = self.source(m.start())
            self.out.positions[f"stated_changes[{k}]"] = m.start()
        if changes:
            self.out.data["stated_changes"] = changes


def _month_end(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _category(name: str) -> str:
    if "满意" in name:
        return "满意度"
    if "率" in name or "事件" in name:
        return "效果"
    return "产出"


# ----- the level-1 score table (投入/过程/产出/效果 …) ---------------------------------------------

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


def score_table(doc: Document) -> ScoreTable | None:
    """The level-1 score table (投入/过程/产出/效果 …), flattened or cell by cell."""
    flat = doc.text.replace("\n", " ")
    m = re.compile(r"(?:一级指标|评价指标|指标名称)[^\n]{0,20}?(?:分值|权重)[^\n]{0,6}?(?:自评)?得分").search(flat)
    if not m:
        return None
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


def extract(doc: Document, code: str | None = None, year: int | None = None, unit_name: str | None = None) -> Extraction:
    """Extract a draft record from a normalized report."""
    return Extractor(doc, code=code, year=year, unit_name=unit_name).run()


__all__ = ["Breakdown", "Extraction", "extract", "split_numbered", "score_table", "ScoreTable", "convert"]
