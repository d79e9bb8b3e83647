"""Figures and values read by their label, wherever the report writes them: the labels are the forms
registry's (:mod:`perfeval.model.forms`), never a report's phrasing.

A value goes into a field only when its label (any synonym of the field), its unit and its kind agree:

* **key-value lines and cells** — ``单位名称：…``, ``评价单位（公章）：…``, ``填报日期：2025年10月29日``,
  ``人员编制: 36   实有人数: 38``, ``内设机构8个：…``: a text, date, code, head count, count, rate or
  money field (a money field takes an amount in 万元/元/亿元, a head count a number of 人/名 or a bare
  number in a cell, never the reverse);
* **clauses of sentences** — the figure right after its label ("…财政拨款收入合计2024.05万元",
  "核定行政编制26名，机关工勤编制1名、事业编制103名", "其中：在职行政编23名"), or a count right before it
  ("共16个项目", "内设机构8个"); the column of a money row from the clause's words (上年 / 年初预算 /
  调整后预算 / 实际 …, else this year's actual); a clause about a change (增加、减少、调入、调出、原因 …)
  never gives a level; people in post qualified by 核定 / 编制 ("财政核定编制在职人员36人") are the establishment;
* **a figure for the unit as a whole** — named only by a column ("全年预算数为768.833013万元") and followed by
  "其中" and items of one total of the registry (基本支出 …): that total in that column, marked inferred; any
  other such figure stays in the sidecar's ``unmapped``;
* **spellings the registry implies** — a spelling without what the registry's ``normalize`` drops at its end
  (实有车辆数 → 实有车辆) and a head count's noun for people swapped for another (临时人员 → 临时工人);
* lists under a label (``内设机构：A、B和C``) are read by :mod:`perfeval.importer.lists`.

These readers run after the narrative readers of :mod:`perfeval.importer.extract` and only fill what
those left empty: a field is set once, from the first statement that fits.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any

from perfeval.model import forms
from perfeval.model.forms import FormEntry

from .extraction import TextReader, parse_report_date
from .normalize import normalize_fragment

#: Kinds of single fields a label may name outside a table (list fields and money rows' columns aside).
_VALUE_KINDS = ("text", "date", "code", "headcount", "count", "rate", "money", "year")
#: Fields the generic readers never set (read by their own readers, or not a value a line states).
_SKIP = frozenset({"year", "title", "approval.year_as_written", "adjustment.exclusions.reason",
                   "adjustment.exclusions.amount", "adjustment.purpose", "adjustment.explanation",
                   "staffing.worker_within_admin", "self_score_total", "self_grade", "unit.internal_units",
                   "unit.sub_units", "management.no_large_projects", "adjustment.carryover_mentioned",
                   "adjustment.carryover"})
#: A figure with its unit (money units first: 万元 before 元 and 万).
_FIGURE = re.compile(r"(?<![\d.A-Za-z])(?P<num>-?\d+(?:\.\d+)?)\s?(?P<unit>亿元|千元|万元|元|人次|人|名|个|辆|家|项|条|%|分|"
                     r"平方米|㎡)(?![/\dA-Za-z])")
#: Words that make a clause a change or a flow, not a level ("比上年增加", "本年退休3人、调入2人").
_CHANGE = re.compile(r"增加|减少|增长|下降|降低|上升|节约|超支|变动|调入|调出|新进|新增|减员|原因|退休\d|较上年|比上年|同比")
#: Words between a label and its figure.
_FILLER = re.compile(r"(?:[：:，]|为|是|共|计|达到?|约|合计|总计|共计|累计|(?<![实现])有|总额为?|总数为?|数为|金额为?)*$")
#: Who a figure stated for the unit as a whole is about, before its column word ("2024年本单位全年预算数").
_SUBJECT = re.compile(r"(?:(?:19|20)\d{2}年度?)?(?:本|我|该)?(?:单位|部门|局|委|办|中心|院|所|站|镇|乡|街道)?(?:整体)?的?")
_YEAR_WORD = re.compile(r"(?<![\d.])((?:19|20)\d{2})年")
#: Column words of a money row in running text, nearest the figure first.
_COLUMN_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("adjusted", re.compile(r"(?:调整后预算|全年预算|调整预算)数?")),
    ("budget", re.compile(r"年初预算|预算数|预算安排|预算为|批复|预算(?:收入|支出)|安排")),
    ("actual", re.compile(r"实际|决算|执行数|完成")),
)
#: Endings of the name of a body (a unit, an internal office, a sub-unit).
ORG_SUFFIX = (r"(?:人民政府|街道办事处|办事处|政府|委员会|常委会|管委会|委|局|办公室|办|中心|院|站|所|馆|队|会|处|部|室|科|股|厅|"
              r"公司|学校|小学|中学|大学|医院|卫生院|党校|社|台|团|宫|园|场|署|司|组|政协|监狱)")
_ORG_NAME = re.compile(r"(?![我本该其各全此])[\u4e00-\u9fff（）()“”·\d]{1,60}" + ORG_SUFFIX)


@functools.lru_cache(maxsize=256)
def label_pattern(*paths: str) -> str:
    """A regex (text) of every spelling of the given fields in the normalized text, longest first, that does not
    match inside another field's longer spelling: ``收入`` is not found in ``财政拨款收入`` or ``其他收入``, and
    ``财政拨款`` not in ``财政拨款支出`` (the registry's spellings decide, not a list of phrasings)."""
    own = {normalize_fragment(sp) for p in paths for sp in forms.entry(p).spellings()}
    return _distinct(frozenset(own), frozenset(paths))


@functools.lru_cache(maxsize=256)
def column_pattern(path: str, column: str) -> str:
    """A regex of the spellings that name one column of a money row (``年初预算拨款``, ``年初预算数`` … for the
    budget of 财政拨款收入; ``部门预算支出总数`` for the budget of 支出合计): the row's own spellings of that column,
    and for a source of income the column's own names, none inside another field's spelling (``年中调整预算数``)."""
    own = {normalize_fragment(sp) for col, sp in forms.entry(path).by_column if col == column}
    if path.startswith("income.") and path != "income.total":
        own |= {normalize_fragment(sp) for c in forms.AMOUNT_COLUMNS if c.key == column
                for sp in (c.label, *c.synonyms) if sp.startswith(("年初", "全年", "调整后", "上年"))}
    return _distinct(frozenset(own), frozenset((path,)))


def _distinct(own: frozenset[str], paths: frozenset[str]) -> str:
    others = {normalize_fragment(sp) for e in forms.ENTRIES if e.path not in paths for sp in e.spellings()} - own
    alternatives = []
    for spelling in sorted(own, key=len, reverse=True):
        before = sorted({o[:o.index(spelling)] for o in others if spelling in o and o.index(spelling) > 0})
        after = sorted({o[len(spelling):] for o in others if o.startswith(spelling) and len(o) > len(spelling)},
                       key=len, reverse=True)
        body = "".join(f"(?<!{re.escape(b)})" for b in before) + re.escape(spelling).replace("三公", "[“\"]?三公[”\"]?")
        if after:
            body += "(?!" + "|".join(re.escape(a) for a in after) + ")"
        alternatives.append(body)
    return "(?:" + "|".join(alternatives) + ")"


def generic_path(path: str) -> str:
    """A field path without list indices (``projects[2].actual`` → ``projects.actual``): the registry's key."""
    return re.sub(r"\[\d+\]", "", path)


def org_name(text: str) -> str | None:
    """``text`` as the name of a body when it reads as one (ends with 局, 委员会, 中心, 人民政府 …)."""
    name = text.strip(" ：:，。；、|")
    if 2 <= len(name) <= 60 and _ORG_NAME.fullmatch(name) and not re.search(r"\d{4}年|万元|^[\d（）()]", name):
        return name
    return None


def _list_path(entry: FormEntry) -> bool:
    """A field of list items (``projects.actual``, ``self_scores.weight``): read by the list's own reader."""
    head = entry.path.split(".")[0]
    return head in ("projects", "self_scores", "self_funds", "public_funds", "income_by_unit", "expenditure_by_unit",
                    "goals", "problems", "stated_changes") or ".posts." in entry.path or ".exclusions." in entry.path


#: The head counts of ``staffing`` whose sentence may give their date or say 工勤 is inside 行政.
_STAFF_FIGURES = frozenset(e.key for e in forms.entries(section="staffing", kind="headcount"))
#: Single fields a form states as a figure in a cell (head counts, counts, rates).
_SINGLE_FIGURES = tuple(e.path for e in forms.entries(kind=("headcount", "count", "rate"))
                        if not _list_path(e) and e.path not in _SKIP)


def value_entries(label: str, unit: str | None = None, kinds: tuple[str, ...] = _VALUE_KINDS) -> list[FormEntry]:
    """The single fields a label names (registry synonyms), of the given kinds and accepting ``unit``."""
    found = forms.match(label, kind=kinds, unit=unit or None)
    return [e for e in found if e.path not in _SKIP and not _list_path(e) and not e.is_row]


@functools.lru_cache(maxsize=1)
def _column_suffix() -> re.Pattern[str]:
    """The spellings of the money columns (全年预算数, 年初预算, 决算数 …), anchored at the end of a text."""
    spellings = {normalize_fragment(s) for c in forms.AMOUNT_COLUMNS for s in (c.label, *c.synonyms)}
    return re.compile("(?:" + "|".join(map(re.escape, sorted(spellings, key=len, reverse=True))) + ")$")


_SUFFIXES: dict[tuple[tuple[str, ...], bool], re.Pattern[str]] = {}


def _suffix_pattern(kinds: tuple[str, ...], rows: bool) -> re.Pattern[str]:
    """One regex of every spelling of the fields of ``kinds`` (money rows when ``rows``), anchored at the end:
    its leftmost match is the longest spelling that ends a text."""
    key = (kinds, rows)
    if key not in _SUFFIXES:
        paths = [e.path for e in forms.entries(kind=kinds) if e.is_row == rows and not _list_path(e)
                 and e.path not in _SKIP]
        implied = sorted((re.escape(v) for v, found in _variants().items() if any(e.path in paths for e in found)),
                         key=len, reverse=True)
        _SUFFIXES[key] = re.compile(f"(?:{'|'.join([forms.pattern(paths).pattern, *implied])})$")
    return _SUFFIXES[key]


#: Nouns for people a head count's label may end with, each standing for the others (临时人员, 临时工人, 临时职工).
_PEOPLE = ("人员", "职工", "工人", "员工")


@functools.lru_cache(maxsize=1)
def _variants() -> dict[str, tuple[FormEntry, ...]]:
    """Spellings the registry's spellings of single figures imply, each → its fields: the spelling without what
    :func:`perfeval.model.forms.normalize` drops at its end (实有车辆数 → 实有车辆), and a head count's noun for
    people swapped for another (临时人员 → 临时工人; not for an establishment, 编制人员). A variant that is another
    field's spelling is left to that field."""
    taken = {forms.normalize(sp) for e in forms.ENTRIES for sp in e.spellings()}
    out: dict[str, list[FormEntry]] = {}
    for e in forms.entries(kind=("headcount", "count", "rate")):
        if _list_path(e) or e.path in _SKIP:
            continue
        for spelling in map(normalize_fragment, e.spellings()):
            short = forms.normalize(spelling)
            variants = {short} if short != spelling and spelling.startswith(short) else set()
            if e.kind == "headcount" and "编制" not in spelling:
                stem = next((spelling[:-len(n)] for n in _PEOPLE if spelling.endswith(n) and len(spelling) > len(n) + 1), "")
                variants |= {stem + n for n in _PEOPLE} if stem else set()
            for v in variants:
                if v != spelling and (v == short or forms.normalize(v) not in taken):
                    found = out.setdefault(v, [])
                    if e not in found:
                        found.append(e)
    return {k: tuple(v) for k, v in out.items()}


def suffix_entries(text: str, unit: str | None, kinds: tuple[str, ...], rows: bool = False,
                   ) -> tuple[list[FormEntry], int] | None:
    """The fields whose spelling ends ``text`` (the words right before a figure, fillers such as 为/共/合计
    aside), the longest spelling first, with where that spelling starts in ``text``."""
    clean = _FILLER.sub("", text)
    m = _suffix_pattern(kinds, rows).search(clean, max(0, len(clean) - 30))
    while m is not None:
        matched = forms.match(m.group(0), kind=kinds, unit=unit or None) or [
            e for e in _variants().get(m.group(0), ()) if e.kind in kinds and (not unit or e.accepts(unit))]
        found = [e for e in matched if e.is_row == rows and not _list_path(e) and e.path not in _SKIP]
        if found:
            return found, m.start()
        m = _suffix_pattern(kinds, rows).search(clean, m.start() + 1)
    return None


def establishment_words(before: str) -> bool:
    """Whether the words of a clause before a label of people in post make it the establishment (核定, or 编制 right
    before it: "财政核定编制在职人员"), 实有 / 实际 / 现有 aside."""
    return bool(re.search(r"核定|编制$", before)) and not re.search(r"实有|实际|现有", before)


def _establishment(head: str, entries: list[FormEntry], at: int) -> list[FormEntry]:
    """People in post qualified as the establishment ("财政核定编制在职人员36人", "编制在职人员"): the 核定 / 编制 before
    the label makes it the establishment of that kind (staffing.actual → staffing.approved), unless 实有/现有 says
    it is the head count."""
    if not establishment_words(_FILLER.sub("", head)[:at]):
        return entries
    out = []
    for e in entries:
        approved = forms.find(e.path.replace(".actual", ".approved", 1)) if ".actual" in e.path else None
        out.append(approved or e)
    return out


class LabelledReader(TextReader):
    # ----- key-value lines and cells ------------------------------------------------------------------------
    def key_values(self) -> None:
        """``label：value`` in a line or a row's cells (a label cell followed by its value cell)."""
        for label, value, pos in self.pairs():
            self._key_value(label, value, pos)
        # A row of names and the row of figures under it ("编制数 | 实际在职人数 | 控制率" / "143 | 136 | 95.10%").
        for row, nxt in zip(self.rows, self.rows[1:]):
            names = [seg.label for seg in row.segments if not seg.values]
            if len(row.segments) == 1 and not row.values:
                names = [m.group(0) for m in re.finditer(label_pattern(*_SINGLE_FIGURES), row.text)]
            if len(names) < 2 or row.values or any(seg.label for seg in nxt.segments) or len(nxt.values) != len(names):
                continue
            for name, v in zip(names, nxt.values):
                if v.number is not None:
                    self._cell_figure(name, v.number, v.pos, v.unit, v.percent)
        for row in self.rows:
            # Cells: "人员编制 | 36 | 实有人数 | 38", "编制数 11" (a label and its figure in one cell).
            for seg in row.segments:
                if len(seg.values) == 1 and seg.label and seg.values[0].number is not None:
                    v = seg.values[0]
                    self._cell_figure(seg.label, v.number, v.pos, v.unit, v.percent)

    def _key_value(self, label: str, value: str, pos: int) -> None:
        value = value.strip()
        if not value or re.fullmatch(r"[（(]?(?:空|略|无|不详|/|—|-)[)）]?", value):
            return
        for e in value_entries(label):
            if self.has(e.path):
                continue
            if e.kind in ("text", "code"):
                if self._set_text(e, value, pos):
                    return
            elif e.kind == "date":
                date = parse_report_date(value)
                if date is not None:
                    self.set(e.path, date, pos)
                    return

    def _set_text(self, e: FormEntry, value: str, pos: int) -> bool:
        value = re.sub(r"[（(](?:公章|盖章|签章)[)）]$", "", value).strip()
        if e.path in ("unit.name", "cover.evaluated_unit", "unit.supervisor"):
            name = org_name(value)
            if name is None:
                return False
            return self.set(e.path, name, pos)
        if e.kind == "code":
            if not re.fullmatch(r"[A-Za-z0-9\-〔〕\[\]（）()\u4e00-\u9fff]{1,40}", value) or e.choices:
                return False
            return self.set(e.path, value, pos)
        if len(value) < 2 or re.fullmatch(r"[\d.\s%万元人个]+", value):
            return False
        return self.set(e.path, value, pos)

    def _cell_figure(self, label: str, number: Decimal, pos: int, unit: str, percent: bool) -> None:
        written = "%" if percent else unit
        kinds = ("headcount", "count", "rate", "money")
        found = value_entries(label, kinds=kinds)
        if not found:   # "财政供养人员情况：编制数 11": the label right before the figure
            tail = suffix_entries(label, written or None, kinds)
            found = tail[0] if tail else []
        for e in found:
            if self.has(e.path) or _CHANGE.search(label):
                continue
            if written and not e.accepts(written):
                continue
            if not written and e.kind == "money":
                continue  # a bare number is not money unless its column says so (the forms reader)
            if self._put(e, number, pos, written):
                return

    def _put(self, e: FormEntry, number: Decimal, pos: int, unit: str, note: str = "") -> bool:
        """Set a single field from a figure whose unit fits it (counts are whole numbers)."""
        if e.kind in ("headcount", "count"):
            if number != number.to_integral_value() or number < 0:
                return False
            return self.set(e.path, int(number), pos, note)
        if e.kind == "money":
            value = number if unit in ("", "万元") else forms.to_wan(number, unit)
            annotate = None if unit in ("", "万元") else {"as_written": f"{number}{unit}",
                                                          "note": f"原文以{unit}计，已换算为万元"}
            return self.set(e.path, value, pos, note, annotate=annotate)
        return self.set(e.path, number, pos, note)

    # ----- clauses of sentences ------------------------------------------------------------------------------
    def clauses(self) -> None:
        """Every figure of the running text whose label (a registry spelling) comes right before it, or, for a
        count, right after it ("16个项目")."""
        count = 0
        for m in _FIGURE.finditer(self.text):
            count += 1
            if count > 20_000:
                break
            block = self.doc.block_at(m.start())
            if block.cell:
                continue  # table cells: the forms reader and key_values
            unit = m.group("unit")
            number = Decimal(m.group("num"))
            start = max(block.start, m.start() - 40)
            before = self.text[start:m.start()]
            cut = max(before.rfind(c) for c in "，。；\n（(")
            head = before[cut + 1:] if cut >= 0 else before
            if _CHANGE.search(self._clause_context(m.start(), block.start)):
                continue
            if unit in ("亿元", "千元", "万元", "元"):
                self._money_clause(m, head, block.start)
                continue
            kinds = ("headcount",) if unit in ("人", "名") else ("count",) if unit not in ("%", "分") else ("rate",)
            found = suffix_entries(head, unit, kinds)
            if found is not None and kinds == ("headcount",):
                found = (_establishment(head, *found), found[1])
            if found is None:
                found = self._bare(head, unit)
            if found is None and kinds == ("count",):
                after = self.text[m.end():m.end() + 12]
                am = re.match(r"[\u4e00-\u9fff]{2,12}", after)
                if am:
                    found = next(((value_entries(am.group(0)[:k], unit, kinds), 0) for k in range(len(am.group(0)), 1, -1)
                                  if value_entries(am.group(0)[:k], unit, kinds)), None)
            if found is None:
                continue
            for e in found[0]:
                if not self.has(e.path) and self._put(e, number, m.start("num"), unit):
                    break
        for path, pos in sorted(self.out.positions.items(), key=lambda item: item[1]):
            if path.startswith("staffing.") and path.rsplit(".", 1)[-1] in _STAFF_FIGURES:
                self._staffing_context(path, pos, self.doc.block_at(pos).start)

    _AS_OF = re.compile(r"(?:截至|截止(?:到|至)?)((?:19|20)\d{2})年(?:(\d{1,2})月(\d{1,2})日|年?末|年?底)")

    def _staffing_context(self, path: str, pos: int, floor: int) -> None:
        """What a staffing figure's sentence says of it: the date it is stated at ("截至2024年12月31日", "截至2024年年末"),
        and 工勤 counted inside 行政 ("行政编制38人（含行政工勤编制7人）")."""
        sentence = self.doc.sentence_at(pos)
        m = self._AS_OF.search(self.text, max(floor, sentence.start), pos)
        if m and not self.has("staffing.as_of"):
            try:
                day = dt.date(int(m.group(1)), int(m.group(2) or 12), int(m.group(3) or 31))
            except ValueError:
                day = None
            if day is not None:
                self.set("staffing.as_of", day, m.start(1))
        if path in ("staffing.approved_worker", "staffing.actual_worker") and re.search(
                r"行政[^，。；（(]{0,10}\d{1,7}\s?[人名][（(]含[^）)，。；]{0,10}$", self.text[max(floor, pos - 30):pos]):
            self.set("staffing.worker_within_admin", True, pos)

    _BARE = {("人", "actual"): "staffing.actual", ("人", "approved"): "staffing.approved",
             ("辆", "actual"): "vehicles.actual", ("辆", "approved"): "vehicles.approved"}

    def _bare(self, head: str, unit: str) -> tuple[list[FormEntry], int] | None:
        """A bare 实有 / 编制 whose unit says what it counts: "车辆编制6辆，实有6辆", "在职32人"."""
        m = re.search(r"(?:(实有|在职|现有|(?:共有|现有|在职)(?:干部)?职工)|(编制|核定))(?:为|共|共计|计|有|[：:])*$", head)
        unit = "人" if unit == "名" else unit
        if m is None or (unit, "actual" if m.group(1) else "approved") not in self._BARE:
            return None
        return [forms.entry(self._BARE[(unit, "actual" if m.group(1) else "approved")])], m.start()

    def _clause_context(self, pos: int, floor: int) -> str:
        """The words of the clause before a figure, back to the previous figure or clause mark."""
        start = max(floor, pos - 40)
        before = self.text[start:pos]
        cut = max(before.rfind(c) for c in "，。；\n、")
        before = before[cut + 1:] if cut >= 0 else before
        prev = list(re.finditer(r"\d(?:人|名|个|万元|元|%)", before))
        return before[prev[-1].end():] if prev else before

    def _money_clause(self, m: re.Match[str], head: str, floor: int) -> None:
        money = next((x for x in self.money_in(m.start("num"), m.start("num") + 1)), None)
        if money is None:
            return
        found = suffix_entries(head, money.unit, ("money",))
        if found is None:
            found = self._row_suffix(head)
        if found is None:
            total = self._unit_total(head, money)
            if total is not None:
                path, column, items = total
                if not self.has(f"{path}.{column}") and self.set_money(f"{path}.{column}", money, money.start):
                    words = re.sub(r"[为是：:，]+$", "", head)
                    self.annotate(f"{path}.{column}", inferred=True,
                                  note=f"原文只写“{words}”，未写行名；按其后“其中”所列{'、'.join(items)}归入"
                                       f"{forms.label(path)}")
            return
        entries, at = found
        label = _FILLER.sub("", head)[at:]
        column = self._column(head, label, entries[0], money.start, floor)
        if column is None:
            return
        for e in entries:
            path = f"{e.path}.{column}" if e.is_row else e.path
            if self.has(path):
                continue
            if self.set_money(path, money, money.start):
                return

    def _unit_total(self, head: str, money: Any) -> tuple[str, str, list[str]] | None:
        """A figure named only by a column of the forms, for the unit as a whole ("全年预算数为768.833013万元"),
        and followed in its sentence by "其中" and items that are parts of one total of the registry (其中基本支出…:
        支出合计): that total, the column and the items' labels. Otherwise None: the figure stays in the sidecar's
        ``unmapped``."""
        clean = _FILLER.sub("", head)
        m = _column_suffix().search(clean)
        if m is None:
            return None
        subject = clean[:m.start()]
        if subject and not _SUBJECT.fullmatch(subject) and org_name(subject) is None:
            return None
        column = forms.column_key(m.group(0))
        end = self.clause_end(money.end, stops="。\n", limit=300)
        if column is None or not re.match(r"[，,：:；]?其中", self.text[money.end:end]):
            return None
        rows, prev = [], money.end
        for item in self.money_in(money.end, end):
            words = self.text[prev:item.start]
            words = words[max(words.rfind(c) for c in "，、；：（(") + 1:]
            prev = item.end
            found = suffix_entries(words, None, ("money",), rows=True)
            if found is None:
                return None      # an item the registry does not know: the total is not read from its items
            rows.append(found[0][0].path)
        totals = set.intersection(*(set(forms.totals_of(r)) for r in rows)) if rows else set()
        return (totals.pop(), column, [forms.label(r) for r in rows]) if len(totals) == 1 else None

    def _row_suffix(self, head: str) -> tuple[list[FormEntry], int] | None:
        """Money rows (收入合计, 三公经费 …) whose spelling ends the words before a figure."""
        return suffix_entries(head, None, ("money",), rows=True)

    def _column(self, head: str, label: str, e: FormEntry, pos: int, floor: int) -> str | None:
        """The column of a money row a clause states: its label's own (``年初预算拨款``), a column word of the
        clause, the year before (上年, 2023年 in a 2024 report: ``previous``), else this year's actual."""
        if not e.is_row:
            return "value"
        own = forms.match_column(label, e.path)
        if own:
            return own
        context = self.text[max(floor, pos - 40):pos]
        context = context[max(context.rfind(c) for c in "，。；\n") + 1:]
        context = context.replace(label, "")   # 上年结转 is this year's income: its own words say no column
        years = [int(y) for y in _YEAR_WORD.findall(context)]
        if re.search(r"上年|去年|上一年", context) or (self.year and years and years[-1] == self.year - 1):
            return "previous"
        if self.year and years and years[-1] not in (self.year, self.year - 1):
            return None
        # The column words of the sentence (a 其中 item is in the column of its total: "批复…收入预算总数…，其中：…").
        sentence = self.text[max(floor, pos - 160):pos]
        context = sentence[max(sentence.rfind(c) for c in "。；\n") + 1:].replace(label, "")
        best: tuple[int, int, str] | None = None
        for key, pattern in _COLUMN_WORDS:
            for w in pattern.finditer(context):
                # The word nearest the figure; of two that end together (全年预算数 / 预算数), the longer.
                if best is None or (w.end(), -w.start()) > (best[0], -best[1]):
                    best = (w.end(), w.start(), key)
        return best[2] if best else "actual"


__all__ = ["LabelledReader", "ORG_SUFFIX", "column_pattern", "establishment_words", "generic_path", "label_pattern",
           "org_name", "suffix_entries", "value_entries"]
