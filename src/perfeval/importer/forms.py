"""The official forms in a report: 基础数据表, 自评表, tables by sub-unit, 楼堂馆所, the indicator table.

Read from the rows of :mod:`perfeval.importer.tables` into the record's form-shaped fields:

* the 预算单位整体支出绩效评价基础数据表 (columns 上年决算数 / 本年预算数 / 本年决算数, or 年初预算数 /
  全年预算数 / 全年执行数): 三公经费 and its items, 项目支出 with one project per item row (grouped
  under 业务工作经费 / 区级专项资金 / 上级转移支付 …), 公用经费 with its 其中 items, 政府采购金额,
  部门基本支出预算调整, and the income/expenditure rows some variants carry;
* the 部门整体支出绩效自评表 (年初预算 / 全年预算 / 全年执行 / 分值 / 执行率 / 得分, 按收入性质 and
  按支出性质) → ``self_funds``;
* income and expenditure tables by sub-unit (局机关 / 二级机构 / 汇总) → ``income_by_unit`` /
  ``expenditure_by_unit``;
* 楼堂馆所控制情况 → ``buildings``; the indicator table's rows (分值 … 得分) → ``self_scores``.

Row labels are the forms registry's (:func:`perfeval.model.forms.match`): a row is the money row one of its
spellings names, and the rows under a total are its items (三公经费's parts, 项目支出's projects, 公用经费's
其中). A row with fewer values than its table has columns is kept with an uncertainty mark
(``annotations[path].inferred``) and never shifted into a column it does not fill. Narrative figures come
first: a form only fills what the narrative did not state, and a form value that differs from the narrative
is noted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from perfeval.model import forms

from .extraction import TextReader
from .partial import get_path
from .tables import ColumnTable, Placed, Row, Value, column_tables, place

#: The one row of the 基础数据表 whose meaning is a pair of columns: 部门整体支出预算调整 gives the year's budget
#: before and after adjustment (年初预算, 调整后预算 of 支出合计).
_TOTAL_ADJUSTMENT = re.compile(r"^(?:部门)?整体支出预算调整(?:情况|数)?$|^预算调整(?:情况|数)?$")
#: Sections a total row opens: the rows under it are its items (the registry's ``parts`` and ``items``).
_OPENS = {"sangong.total": "sangong", "expenditure.project": "project", "public_funds.total": "public",
          "expenditure.basic": "basic"}


def _form_row(label: str, section: str | None) -> str | None:
    """The money row of the forms a row label names (registry spellings); inside the 三公 section, its items."""
    if _TOTAL_ADJUSTMENT.match(label):
        return "expenditure.total"
    rows = [e for e in forms.match(label, kind="money") if e.is_row and e.path != "public_funds.items"]
    if section == "sangong":
        item = next((e.path for e in rows if e.path.startswith("sangong.") and e.path != "sangong.total"), None)
        if item:
            return item
    # A label two rows share (公用经费: 支出情况's and the form's own total): the row that opens a section.
    rows.sort(key=lambda e: e.path not in _OPENS)
    return rows[0].path if rows else None


#: The 自评表's funds rows.
FUND_NATURE = [(r"按收入性质", "收入性质"), (r"按支出性质", "支出性质")]
BUILDING_KEYS: list[tuple[str, str]] = [
    (r"批复规模", "approved_area"), (r"实际规模", "actual_area"), (r"规模控制率?", "stated_area_control_rate"),
    (r"预算投资", "budget"), (r"实际投资", "actual"), (r"投资概算控制率?", "stated_investment_control_rate"),
]


class FormReader:
    def __init__(self, ex: TextReader) -> None:
        self.ex = ex
        self.year = ex.year
        self.unit = "万元"         # the money unit of the table being read
        self.table_start = 0

    # ----- helpers ----------------------------------------------------------------------
    def put_amounts(self, path: str, placed: Placed, label: str, row: Row, *, columns: dict[str, str] | None = None) -> bool:
        """Put a row's placed values into an Amounts path (``columns`` renames column keys)."""
        wrote = False
        for key, value in placed.cells.items():
            if key not in ("previous", "budget", "adjusted", "actual"):
                continue
            target = f"{path}.{(columns or {}).get(key, key)}"
            current = get_path(self.ex.out.data, target)
            if current is not None:
                if current != self.wan(value):
                    self.ex.out.notes.append(f"{label}：表中 {self.wan(value)} 与正文 {current} 不同，保留正文数字")
                continue
            self.put(target, value, "取自表格")
            wrote = True
            if placed.inferred:
                self.ex.annotate(target, inferred=True, note=placed.note or "原表此行的列归属为推断")
        return wrote

    def wan(self, value: Value) -> Decimal | None:
        """A table cell's amount in 万元 (converted exactly from the unit the table states)."""
        if value.number is None or self.unit == "万元":
            return value.number
        return forms.to_wan(value.number, self.unit)

    def put(self, path: str, value: Value, note: str) -> None:
        """Set a money field from a table cell; a table stated in 元 (千元, 亿元) is converted and says so."""
        if not self.ex.set(path, self.wan(value), value.pos, note) or self.unit == "万元":
            return
        self.ex.annotate(path, as_written=f"{value.written}{self.unit}", note=f"原表以{self.unit}为单位，已换算为万元")
        section = path.split(".")[0].split("[")[0]
        if forms.find(f"source_units.{section}") is not None:
            self.ex.set(f"source_units.{section}", self.unit, self.table_start, "原表单位")

    # ----- the forms ----------------------------------------------------------------------
    def fill(self) -> None:
        tables = column_tables(self.ex.rows, self.year)
        for table in tables:
            self.unit, self.table_start = table.unit, table.header.start
            self.ex.out.notes.extend(table.notes)
            if table.kind == "years":
                self.basic_table(table)
            elif table.kind == "funds":
                self.funds_table(table)
            else:
                self.unit_table(table)
        self.buildings()
        self.indicator_table()

    def basic_table(self, table: ColumnTable) -> None:
        section: str | None = None
        group: str | None = None
        ex = self.ex
        for row in table.rows:
            segments = row.segments if len(row.segments) > 1 and all(s.label for s in row.segments) else [None]
            for seg in segments:
                label = seg.label if seg else row.label
                values = seg.values if seg else row.values
                sub_row = Row(row.index, row.text, row.start, row.end, row.numbering, row.sub, row.inferred,
                              [seg] if seg else row.segments)
                placed = place(sub_row, table, align="right") if values else Placed({}, False)
                if placed.label_extra:
                    label += placed.label_extra
                if not label:
                    continue
                found = _form_row(label, section)
                if section == "sangong" and found and found.startswith("sangong.") and found != "sangong.total":
                    self.put_amounts(found, placed, label, row)
                    continue
                if found and not found.startswith("sangong.") or found == "sangong.total":
                    path, opens = found, _OPENS.get(found)
                    if path == "expenditure.total" and _TOTAL_ADJUSTMENT.match(label):
                        # "部门整体支出预算调整": the year's budget before and after adjustment.
                        self.put_amounts(path, placed, label, row, columns={"actual": "adjusted"})
                        for key in placed.cells:
                            target = f"{path}.{'adjusted' if key == 'actual' else key}"
                            if get_path(ex.out.data, target) is not None:
                                ex.annotate(target, inferred=True,
                                            note="取自基础数据表「部门整体支出预算调整」行，按年初预算、调整后预算记录（推断）")
                    else:
                        self.put_amounts(path, placed, label, row)
                    section, group = opens, None
                    continue
                if section == "project":
                    if not values or all(v.number is None for v in values):
                        if row.numbering:
                            group = label  # "2、区级专项资金（一个专项一行）": a group heading
                        continue
                    k = len(ex.out.data.get("projects") or [])
                    if k >= 500:
                        continue
                    ex.out.data.setdefault("projects", []).append({"name": label})
                    ex.record(f"projects[{k}].name", row.start)
                    if group and not row.numbering:
                        ex.out.data["projects"][k]["group"] = group
                    self.put_amounts(f"projects[{k}]", placed, label, row)
                    continue
                if section == "public" and values:
                    k = len(get_path(ex.out.data, "public_funds.items") or [])
                    ex.out.data.setdefault("public_funds", {}).setdefault("items", []).append({"name": label})
                    ex.record(f"public_funds.items[{k}].name", row.start)
                    self.put_amounts(f"public_funds.items[{k}]", placed, label, row)
                    continue

    def funds_table(self, table: ColumnTable) -> None:
        nature: str | None = None
        rows: list[dict[str, Any]] = []
        side_by_side = False
        for row in table.rows:
            # Side by side (按收入性质分 … | 按支出性质分 …): each labelled part of the row is an item.
            natures = [n for p, n in FUND_NATURE if re.search(p, row.text)]
            if len(natures) == 2:
                side_by_side = True
            parts = [s for s in row.segments if s.label] if len(row.segments) > 1 and all(
                s.label for s in row.segments) else [None]
            for index, seg in enumerate(parts):
                label = seg.label if seg else row.label
                values = seg.values if seg else row.values
                hit = next((n for p, n in FUND_NATURE if re.search(p, label)), None)
                if hit:
                    nature = hit
                    label = re.sub(r"^按(?:收入|支出)性质分?[：:]?", "", label)
                elif side_by_side and seg is not None:
                    nature = "收入性质" if index == 0 else "支出性质"
                label = re.sub(r"^其中[：:]?", "", label).rstrip("：:")
                if not values or not label or all(v.number is None for v in values):
                    continue
                self._fund_row(label, nature, values, table, rows, seg.pos if seg else row.start)

    def _fund_row(self, label: str, nature: str | None, values: list[Value], table: ColumnTable,
                  rows: list[dict[str, Any]], pos: int) -> None:
        ex = self.ex
        cells, inferred, note = _place_funds(values, table.columns)
        k = len(ex.out.data.get("self_funds") or [])
        entry: dict[str, Any] = {"item": label}
        if nature and not re.search(r"资金总额|合计|总计", label):
            entry["nature"] = nature
        ex.out.data.setdefault("self_funds", []).append(entry)
        ex.record(f"self_funds[{k}].item", pos)
        keys = {"budget": "initial", "adjusted": "full_year", "actual": "executed", "weight": "weight",
                "rate": "stated_rate", "score": "score"}
        for col, value in cells.items():
            key = keys.get(col)
            if key is None or value.number is None:
                continue
            path = f"self_funds[{k}].{key}"
            if key in ("initial", "full_year", "executed"):
                self.put(path, value, "取自自评表")
            else:
                ex.set(path, value.number, value.pos, "取自自评表")
            if inferred and key in ("initial", "full_year", "executed"):
                ex.annotate(path, inferred=True, note=note)
        rows.append(entry)

    def unit_table(self, table: ColumnTable) -> None:
        ex = self.ex
        field = "income_by_unit" if table.kind == "income_units" else "expenditure_by_unit"
        for row in table.rows:
            if not row.values or all(v.number is None for v in row.values):
                continue
            placed = place(row, table, align="first")
            name = row.label + placed.label_extra
            if not name or not placed.cells:
                continue
            k = len(ex.out.data.get(field) or [])
            entry: dict[str, Any] = {"name": name}
            is_total = bool(re.search(r"汇总|合计|总计", name))
            if is_total:
                entry["is_total"] = True
            ex.out.data.setdefault(field, []).append(entry)
            ex.record(f"{field}[{k}].name", row.start)
            for key, value in placed.cells.items():
                path = f"{field}[{k}].{key}"
                self.put(path, value, "取自分机构表")
                if placed.inferred:
                    ex.annotate(path, inferred=True, note=placed.note)

    def buildings(self) -> None:
        ex = self.ex
        for i, row in enumerate(ex.rows):
            if "楼堂馆所" not in row.text:
                continue
            pairs: list[tuple[str, Value]] = [(s.label, s.values[0]) for s in row.segments if len(s.values) == 1]
            if not pairs and i + 1 < len(ex.rows):
                # Names in one row, figures in the next.
                names = [s.label for s in row.segments if s.label]
                names = names[-1:] and re.findall(r"批复规模|实际规模|规模控制率?|预算投资|实际投资|投资概算控制率?", row.text)
                values = ex.rows[i + 1].values
                if names and len(values) == len(names):
                    pairs = list(zip(names, values))
            for label, value in pairs:
                key = next((k for p, k in BUILDING_KEYS if re.search(p + "$", label)), None)
                if key and value.number is not None:
                    ex.set(f"buildings.{key}", value.number, value.pos, "取自楼堂馆所控制情况")
            if pairs:
                return

    def indicator_table(self) -> None:
        """Rows "指标 分值N … 得分M" (and "一级 N ─ 二级 N" lines) of an indicator table → self_scores."""
        ex = self.ex
        if ex.out.data.get("self_scores"):
            return
        head = next((r for r in ex.rows if re.search(r"指标表|自评表|评分表", r.text) and "基础数据表" not in r.text), None)
        if head is None:
            return
        header_scores = bool(re.search(r"(?:一级|二级)[^\n|]{0,20}得分", head.text))
        scores: list[dict[str, Any]] = []
        parents: dict[int, str] = {}
        for row in ex.rows[head.index + 1:head.index + 400]:
            if re.match(r"^[一二三四五六七八九十]{1,3}、", row.text):
                break
            m = re.match(r"^([\u4e00-\u9fff“”]{2,12})(\d{1,3}(?:\.\d+)?)[─—\-–]+([\u4e00-\u9fff“”]{2,12})(\d{1,3}(?:\.\d+)?)$",
                         row.text)
            if m:
                for level, (name, number, pos) in ((1, (m.group(1), m.group(2), row.start + m.start(2))),
                                                    (2, (m.group(3), m.group(4), row.start + m.start(4)))):
                    name = name.strip("“”")
                    k = len(scores)
                    entry: dict[str, Any] = {"part": name, "level": level}
                    if level == 2:
                        entry["parent"] = parents[1]
                    scores.append(entry)
                    parents[level] = name
                    path = f"self_scores[{k}].weight"
                    ex.out.data.setdefault("self_scores", []).append(entry)
                    ex.record(f"self_scores[{k}].part", row.start + m.start(1 if level == 1 else 3))
                    ex.set(path, Decimal(number), pos, "取自指标表")
                    if header_scores:
                        ex.annotate(path, as_written=f"{name} {number}（表头标为“得分”）", inferred=True,
                                    note="表头标为得分，数值等于下级分值之和，按分值记录（推断）")
                continue
            wm = re.search(r"分值[：:]?(\d{1,3}(?:\.\d+)?)", row.text)
            sm = re.search(r"得分[：:]?(\d{1,3}(?:\.\d+)?)(?!.*得分)", row.text)
            if not wm:
                continue
            name = re.sub(r"[“”\"]", "", row.text[:wm.start()]).strip("|：: ")
            if not name or len(name) > 30:
                continue
            k = len(scores)
            entry = {"part": name, "level": 3 if 2 in parents else 2}
            if parents:
                entry["parent"] = parents[max(parents)]
            reason = re.search(r"说明[：:]([^|]{1,400})", row.text)
            if reason:
                entry["reason"] = reason.group(1).strip()
            scores.append(entry)
            ex.out.data.setdefault("self_scores", []).append(entry)
            ex.record(f"self_scores[{k}].part", row.start)
            if reason:
                ex.record(f"self_scores[{k}].reason", row.start + reason.start(1))
            ex.set(f"self_scores[{k}].weight", Decimal(wm.group(1)), row.start + wm.start(1), "取自指标表")
            if sm:
                ex.set(f"self_scores[{k}].score", Decimal(sm.group(1)), row.start + sm.start(1), "取自指标表")


def _place_funds(values: list[Value], columns: list[str | None]) -> tuple[dict[str, Value], bool, str]:
    """Place a 自评表 funds row: money columns, then 分值, 执行率 (the value with %), 得分."""
    if len(values) == len(columns):
        return {c: v for c, v in zip(columns, values) if c}, False, ""
    money_cols = [c for c in columns if c in ("budget", "adjusted", "actual")]
    rate_at = next((i for i, v in enumerate(values) if v.percent), None)
    cells: dict[str, Value] = {}
    head = values[:rate_at] if rate_at is not None else values
    tail = values[rate_at + 1:] if rate_at is not None else []
    if rate_at is not None:
        cells["rate"] = values[rate_at]
        if tail:
            cells["score"] = tail[0]
        if len(head) > len(money_cols):
            cells["weight"] = head[len(money_cols)]
            head = head[:len(money_cols)]
    if len(head) > len(money_cols):
        return {}, True, "此行数值多于资金列，未能对应"
    inferred = 0 < len(head) < len(money_cols)
    placed_cols = money_cols[len(money_cols) - len(head):] if inferred and rate_at is None and len(head) < 3 and \
        len(head) != len(money_cols) else money_cols[:len(head)]
    if inferred and len(head) == 2:
        placed_cols = money_cols[-2:]
    for c, v in zip(placed_cols, head):
        cells[c] = v
    note = f"原表此行只有 {len(head)} 个资金数值，按{'、'.join(_FUND_LABELS[c] for c in placed_cols)}记录（推断）" if inferred else ""
    return cells, inferred, note


_FUND_LABELS = {"budget": "年初预算", "adjusted": "全年预算", "actual": "全年执行"}
