"""Table rows of a report text: flattened tables read back into labelled values.

A table reaches us flattened: cells separated by tabs (Word, web pages, PDF tables),
by ``|`` or runs of spaces (plain-text extractions), or only by single spaces between
numbers (a PDF's text layer). :func:`parse_rows` turns every source line into a
:class:`Row` of segments ``label → values``:

* a value is a number (``1731.57``, ``95.10%``) or a blank cell (``（空）``, ``—``, ``/``);
* row numbers such as ``1、`` / ``（二）`` are numbering, never values; a number that is part
  of a name (``二级机构1``) or of a date or year (``2023年实际在职人数``) is label text;
* ``其中：`` marks a sub-item; a bracketed note (``（一个专项一行）``, ``（万元）``) stays with
  the label but is not part of the name;
* ``（推断）`` marks a row whose column assignment the source itself calls inferred.

:func:`column_tables` finds tables whose header names their columns (``2022年决算数 |
2023年预算数 | 2023年决算数``, ``年初预算数 / 全年预算数 / 全年执行数``, the 自评表's ``分值 / 执行率 /
得分``, or a by-unit table's income/expenditure sources: every name is the forms registry's,
:mod:`perfeval.model.forms`) and maps each header to a column key by the report's year. A year-labelled header is mapped by its year: the year before the
report year's 决算数 is ``previous``, the report year's 预算数 ``budget`` and 决算数 ``actual``;
any other year is left unmapped (never filed as a current value).

Everything here is linear in the size of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval.model import forms

from .normalize import Block, Document, normalize_fragment

MAX_ROW_CHARS = 600

_NUMBERING = re.compile(r"^(?:\d{1,2}[、．](?!\d)|\d{1,2}\.(?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、．.])")
_TOKEN = re.compile(
    r"(?P<blank>[（(]空(?:白)?[)）])"
    r"|(?P<mark>[（(]推断[)）])"
    r"|(?P<paren>[（(][^（）()\n]{0,40}[)）])"
    r"|(?P<num>-?\d+(?:\.\d+)?)(?P<unit>%|万元|亿元|元|人|个|平方米|㎡|m2)?"
    r"|(?P<dash>(?<![^\s|：:])[—–\-/]{1,3}(?![^\s|]))"
    r"|(?P<space>[\s|]+)"
    r"|(?P<text>[^\s\d（()|]{1,200}|[（()])"
)
_KINDS = ("blank", "mark", "paren", "num", "dash", "space", "text")
#: Bracketed notes that are template instructions or units, not part of a name.
_NOTE = re.compile(r"[（(](?:[^（）()]{0,12}一行|[一两二三四五六]个值|合计行为空|推断|空白?|万元|元|人|m2|㎡|平方米|"
                   r"\d{4}年[^（）()]{0,10}|单位[^（）()]{0,8})[)）]")
_DIGEST_NOTE = re.compile(r"[一两二三四五六]个值[：:]?$")


@dataclass
class Value:
    number: Decimal | None     # None: a blank cell
    pos: int
    percent: bool = False
    unit: str = ""
    attached: bool = False     # written right after label text, with no space or cell break
    written: str = ""


@dataclass
class Segment:
    label: str                 # cleaned: numbering, 其中, notes and trailing colons removed
    raw_label: str             # as it stands in the normalized row
    pos: int
    values: list[Value] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Row:
    index: int
    text: str                  # the row's cells joined with "|"
    start: int
    end: int
    numbering: str = ""
    sub: bool = False          # "其中" item
    inferred: bool = False     # the source marks the row as inferred (推断)
    segments: list[Segment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.segments[0].label if self.segments else ""

    @property
    def values(self) -> list[Value]:
        return [v for s in self.segments for v in s.values]

    @property
    def narrative(self) -> bool:
        return bool(re.search(r"[。；]", self.text)) or len(self.text) > 160

    def numbers(self) -> list[Value]:
        return [v for v in self.values if v.number is not None]


_QIZHONG = re.compile(r"^其中[：:，,]?")
_QUOTES = re.compile(r"[“”\"'‘’]")
_LABEL_NEXT = re.compile(r"[年月日号届次期级类A-Za-z\u4e00-\u9fff]")


def clean_label(label: str) -> tuple[str, str, bool, list[str]]:
    """(name, numbering, is_sub_item, notes) of a row label."""
    text = label.strip(" |：:")
    if not text:
        return "", "", False, []
    sub = False
    numbering = ""
    for _ in range(3):
        m = _QIZHONG.match(text)
        if m:
            sub = True
            text = text[m.end():]
            continue
        m = _NUMBERING.match(text)
        if m:
            numbering = m.group(0)
            text = text[m.end():]
            continue
        break
    notes = [m.group(0) for m in _NOTE.finditer(text)] if "（" in text or "(" in text else []
    if notes:
        text = _NOTE.sub("", text)
    text = _DIGEST_NOTE.sub("", text.strip(" ：:"))
    text = _QUOTES.sub("", text).strip(" ：:|")
    return text, numbering, sub, notes


def _row_cells(blocks: list[Block]) -> list[tuple[str, int]]:
    return [(b.text[:MAX_ROW_CHARS], b.start) for b in blocks]


def parse_row(index: int, blocks: list[Block]) -> Row:
    cells = _row_cells(blocks)
    row = Row(index, "|".join(c for c, _ in cells), blocks[0].start, blocks[-1].end)
    current: Segment | None = None
    for cell, base in cells:
        prev_kind = "break"
        for m in _TOKEN.finditer(cell):
            kind = m.lastgroup or "text"
            if kind == "unit":
                kind = "num"
            pos = base + m.start()
            if kind == "space":
                prev_kind = "space"
                continue
            if kind == "mark":
                row.inferred = True
                prev_kind = kind
                continue
            if kind in ("blank", "dash"):
                if current is None:
                    current = Segment("", "", pos)
                    row.segments.append(current)
                current.values.append(Value(None, pos, written=m.group(0)))
                prev_kind = "value"
                continue
            if kind == "num":
                nxt = cell[m.end():m.end() + 1]
                unit = m.group("unit") or ""
                # A number that runs into a date or a year ("2023年…", "5月") or into more text
                # ("3A级", "二级机构1号楼") is label text; so is a numbering "1、" at a label's start.
                if (not unit and nxt and _LABEL_NEXT.match(nxt)) or (
                        m.group(0).isdigit() and nxt in ("、", "．") and (current is None or current.values
                                                                        or not current.raw_label)):
                    kind = "text"
                else:
                    attached = prev_kind == "text"
                    if current is None:
                        current = Segment("", "", pos)
                        row.segments.append(current)
                    number = Decimal(m.group("num"))
                    current.values.append(Value(number, pos, unit == "%", unit, attached, m.group(0)))
                    prev_kind = "value"
                    continue
            # label text (or a bracketed note)
            piece = m.group(0)
            if current is None or current.values:
                current = Segment("", "", pos)
                row.segments.append(current)
            current.raw_label += piece
            prev_kind = "text"
    for seg in row.segments:
        name, numbering, sub, notes = clean_label(seg.raw_label)
        seg.label, seg.notes = name, notes
        if seg is row.segments[0]:
            row.numbering, row.sub = numbering, sub
    return row


def parse_rows(doc: Document) -> list[Row]:
    """Every source line of the document as a :class:`Row` (a table row's cells together)."""
    return [parse_row(i, blocks) for i, blocks in enumerate(doc.rows())]


# ----- tables with named columns ------------------------------------------------------------------

#: The columns of a 自评表's funds rows besides its money columns (the registry's ``self_funds`` fields).
_FUNDS_COLUMNS = {"self_funds.weight": "weight", "self_funds.stated_rate": "rate", "self_funds.score": "score"}
_MONEY_KEYS = ("previous", "budget", "adjusted", "actual")


def _column_pattern() -> re.Pattern[str]:
    """Column headers in a row's text, from the registry: the money columns' names (with a year: 2022年决算数,
    2023年预算), the funds columns' (分值, 执行率, 得分), and any 上年/本年/年初/全年/调整后 + 预算/决算/执行/实际 header
    (one the registry does not name still holds its place in the row: it maps to no column)."""
    money = {normalize_fragment(sp) for c in forms.AMOUNT_COLUMNS for sp in (c.label, *c.synonyms)}
    short = {forms.normalize(sp) for sp in money}
    funds = {normalize_fragment(sp) for path in _FUNDS_COLUMNS for sp in forms.entry(path).spellings()}
    after_year = "|".join(map(re.escape, sorted(money | short, key=len, reverse=True)))
    plain = "|".join(map(re.escape, sorted({sp for sp in money if len(sp) >= 3} | funds, key=len, reverse=True)))
    return re.compile(rf"(?P<year>(?:19|20)\d{{2}}年度?(?:{after_year}))"
                      r"|(?P<rel>(?:上年|本年|当年|年初|全年|调整后)(?:预算数|决算数|执行数|实际数|实际支出数|预算|决算|执行|实际))"
                      rf"|(?P<plain>{plain})")


_COLUMN = _column_pattern()


def _unit_columns(section: str) -> dict[str, str]:
    """Spelling → key of the columns of a by-unit table (收入合计, 上年结转, 公共财政拨款 …: the registry's)."""
    return {normalize_fragment(sp): e.key for e in forms.entries(section=section) for sp in e.spellings()}


_UNIT_HEADER_WORDS = re.compile("|".join(sorted(map(re.escape, set(_unit_columns("income_by_unit"))
                                                       | set(_unit_columns("expenditure_by_unit"))),
                                                key=len, reverse=True)))


@dataclass
class ColumnTable:
    kind: str                       # "years" (上年/本年 columns), "funds" (自评表), "income_units", "expenditure_units"
    header: Row
    columns: list[str | None]       # per column: a key, or None when the column is not mapped
    headers: list[str]              # the header texts as written
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit: str = "万元"                # the money unit the table states (（单位：元）above or in its header)


def _map_year_column(match: re.Match[str], year: int | None) -> tuple[str | None, str]:
    """(column key, note) of a column header: a money column by :func:`perfeval.model.forms.column_key` (a header
    with a year is read against the report's year), or a funds column (分值 → weight, 执行率 → rate, 得分 → score)."""
    text = match.group(0)
    if match.group("year"):
        if year is None:
            return None, f"列「{text}」的年度无法对应（评价年度未知）"
        key = forms.column_key(text, year)
        if key is None:
            return None, f"列「{text}」不是评价年度 {year} 的本年或上年决算数，未取用"
        return key, ""
    funds = next((_FUNDS_COLUMNS[e.path] for e in forms.match(text, section="self_funds") if e.path in _FUNDS_COLUMNS),
                 None)
    return (funds or forms.column_key(text)), ""


def _header_columns(row: Row, year: int | None) -> tuple[list[str | None], list[str], list[str]] | None:
    text = row.text
    matches = list(_COLUMN.finditer(text))
    money = [m for m in matches if not m.group("plain") or forms.column_key(m.group(0)) in _MONEY_KEYS]
    if len(money) < 2 or len(matches) > 12:
        return None
    # A header carries no figures besides the years of its columns.
    if any(v.number is not None for v in row.values):
        return None
    cols: list[str | None] = []
    names: list[str] = []
    notes: list[str] = []
    for m in matches:
        key, note = _map_year_column(m, year)
        cols.append(key)
        names.append(m.group(0))
        if note:
            notes.append(note)
    return cols, names, notes


def _unit_header(row: Row) -> tuple[str, list[str | None], list[str]] | None:
    if any(v.number is not None for v in row.values):
        return None
    cells = [s.raw_label for s in row.segments] if len(row.segments) > 1 else re.split(r"[|]", row.text)
    cells = [c for c in (clean_label(c)[0] for c in cells) if c]
    if len(cells) == 1:
        cells = _UNIT_HEADER_WORDS.findall(cells[0])
    if not cells or not any(e.key == "name" for e in forms.match(cells[0], section=("income_by_unit",
                                                                                       "expenditure_by_unit"))):
        return None
    body = cells[1:]
    for kind, section in (("income_units", "income_by_unit"), ("expenditure_units", "expenditure_by_unit")):
        cols: list[str | None] = []
        for c in body:
            key = next((e.key for e in forms.match(c, section=section) if e.key not in ("name", "is_total")), None)
            cols.append(key)
        if sum(1 for c in cols if c) >= 3 and cols and cols[0] == "total":
            return kind, cols, body
    return None


_TABLE_STOP = re.compile(r"^(?:楼堂馆所|厉行节约|表下说明|说明|备注|注[：:]|填报人|联系人|财政供养人员|部门整体支出绩效评价指标表|"
                         r"绩效指标|年度总体目标|一级指标|评价指标|审核人)")


def _table_unit(rows: list[Row], header: int) -> str:
    """The money unit a table states in its header or in the two lines above it (附表（单位：元）), else 万元."""
    for row in rows[max(0, header - 2):header + 1][::-1]:
        for m in re.finditer(r"[（(][^（）()]{0,8}[)）]|(?:金额)?单位[：:][^\n|，。；]{0,6}", row.text):
            unit = forms.written_unit(m.group(0) if m.group(0).startswith(("（", "(")) else f"（{m.group(0)}）")
            if unit in forms.SOURCE_UNITS:
                return unit
    return "万元"


def column_tables(rows: list[Row], year: int | None) -> list[ColumnTable]:
    """Tables whose header names their columns, with their body rows."""
    tables: list[ColumnTable] = []
    current: ColumnTable | None = None
    empty_run = 0
    skip_to = -1
    for i, row in enumerate(rows):
        if i <= skip_to:
            continue
        header = _header_columns(row, year)
        if header is None and not row.values and len(_COLUMN.findall(row.text)) == 1:
            # A header broken into one cell per line (a PDF's text layer): join the run of such lines.
            j = i + 1
            while j < len(rows) and j - i < 8 and not rows[j].values and len(_COLUMN.findall(rows[j].text)) == 1 \
                    and len(rows[j].text) <= 20:
                j += 1
            if j - i >= 2:
                merged = Row(row.index, "|".join(r.text for r in rows[i:j]), row.start, rows[j - 1].end,
                             segments=[s for r in rows[i:j] for s in r.segments])
                header = _header_columns(merged, year)
                if header:
                    row = merged
                    skip_to = j - 1
        if header:
            cols, names, notes = header
            kind = "funds" if any(c in ("weight", "rate", "score") for c in cols) else "years"
            current = ColumnTable(kind, row, cols, names, notes=notes, unit=_table_unit(rows, i))
            tables.append(current)
            empty_run = 0
            continue
        unit = _unit_header(row)
        if unit:
            kind, cols, names = unit
            current = ColumnTable(kind, row, cols, names, unit=_table_unit(rows, i))
            tables.append(current)
            empty_run = 0
            continue
        if current is None:
            continue
        if (row.narrative and not row.values) or _TABLE_STOP.match(row.label) or re.match(
                r"^[一二三四五六七八九十]{1,3}、", row.text) or (row.narrative and len(row.values) > len(current.columns)):
            current = None
            continue
        if not row.values:
            empty_run += 1
            if empty_run > 3:
                current = None
                continue
        else:
            empty_run = 0
        current.rows.append(row)
    return tables


@dataclass
class Placed:
    """A row's values placed in a table's columns."""

    cells: dict[str, Value]            # column key -> value (blank cells are left out)
    inferred: bool                     # the placement is a guess (fewer values than columns)
    note: str = ""
    label_extra: str = ""              # a number folded back into the name ("二级机构1")


def place(row: Row, table: ColumnTable, align: str = "right") -> Placed:
    """Put a row's values into the table's columns.

    Equal counts: one value per column. More values than columns, the first written right
    after the name: it is part of the name ("二级机构1"). Fewer values than columns: kept with
    an uncertainty mark, aligned by ``align`` ("right": to the last columns, where the current
    year is; "first": only the first column is kept, the rest left out with a note) — never
    moved into a column that the row does not fill.
    """
    values = row.values
    ncols = len(table.columns)
    extra = ""
    first = values[0] if values else None
    if (first is not None and first.attached and first.number is not None and not first.percent and not first.unit
            and first.written.isdigit() and len(values) >= 2 and all(v.number is None for v in values[1:])):
        # "二级机构2 （空）": the number belongs to the name and the row states nothing.
        return Placed({}, False, "", first.written)
    if len(values) > ncols and values and values[0].attached and values[0].number is not None \
            and values[0].number == values[0].number.to_integral_value() and not values[0].percent:
        extra = values[0].written
        values = values[1:]
    if len(values) > ncols:
        return Placed({}, True, f"此行有 {len(values)} 个数值，多于 {ncols} 列，未能对应，未取用", extra)
    cells: dict[str, Value] = {}
    inferred = row.inferred
    note = ""
    if len(values) == ncols:
        pairs = list(zip(table.columns, values))
    elif align == "right":
        pairs = list(zip(table.columns[ncols - len(values):], values))
        if any(v.number is not None for v in values):
            inferred = True
            labels = "、".join(table.headers[ncols - len(values):])
            note = f"原表此行只有 {len(values)} 个数值（共 {ncols} 列），按{labels}记录（推断）"
    else:  # "first"
        pairs = list(zip(table.columns[:1], values[:1]))
        rest = [v.written for v in values[1:] if v.number is not None]
        if rest:
            inferred = True
            note = f"原表此行只有 {len(values)} 个数值（共 {ncols} 列），其余数值 {'、'.join(rest)} 无法确定所属列，未填写（推断）"
    for key, value in pairs:
        if key and value.number is not None:
            cells[key] = value
    return Placed(cells, inferred, note, extra)
