"""Units, years and text: 元/万元 slips, years that differ from the report year, template text left in."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from perfeval.model.numbers import fmt_wan
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks.base import (COLUMN_LABELS, SLIP_RATIO, CheckRule, amount_rows, d, iter_text_fields, place,
                                         project_label)
from perfeval.review.findings import Finding


# --- units (元/万元 slips) ---------------------------------------------------------------------

_TOTAL_ROWS = (("income.total", "收入合计"), ("income.appropriation", "财政拨款收入"), ("expenditure.total", "支出合计"))


def _amount_groups(rec: DepartmentYear) -> list[tuple[str, list[tuple[str, str, Decimal]]]]:
    """Groups of amounts that should be of the same order of magnitude: (group label, [(path, label, value)]).

    The year's totals (年度预算金额, 收入合计, 财政拨款收入, 支出合计, every column) form one group; every other
    money row forms a group of its own columns. Only stated values take part.
    """
    totals: list[tuple[str, str, Decimal]] = []
    if rec.unit.annual_budget is not None:
        totals.append(("unit.annual_budget", "年度预算金额", rec.unit.annual_budget))
    rows = {row.path: row for row in amount_rows(rec, projects=False)}
    for path, label in _TOTAL_ROWS:
        row = rows.pop(path, None)
        if row is None:
            continue
        for key, column in COLUMN_LABELS.items():
            value = row.get(key)
            if value is not None:
                totals.append((f"{path}.{key}", f"{label}{column}", value))
    groups: list[tuple[str, list[tuple[str, str, Decimal]]]] = [("年度总额", totals)]
    for row in rows.values():
        members = [(f"{row.path}.{key}", f"{row.label}{column}", row.get(key)) for key, column in COLUMN_LABELS.items()]
        groups.append((row.label, [(p, n, v) for p, n, v in members if v is not None]))
    for i, p in enumerate(rec.projects):
        label = project_label(i, p)
        members = [(f"projects[{i}].{key}", f"{label}{column}", getattr(p, key)) for key, column in
                   (("previous", "上年决算数"), ("budget", "预算"), ("adjusted", "调整后预算"), ("actual", p.actual_label))]
        groups.append((label, [(path, n, v) for path, n, v in members if v is not None]))
    return groups


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def check_unit_slips(rec: DepartmentYear) -> Iterator[Finding]:
    for label, members in _amount_groups(rec):
        for path, name, value in members:
            others = [v for p, _, v in members if p != path and v > 0]
            if value <= 0 or not others:
                continue
            ref = _median(others)
            ratio = value / ref
            # In a pair only the larger amount is suspect (an amount written in 元 is the larger one);
            # with two or more others, a value far below their median is flagged too.
            if ratio >= SLIP_RATIO or (ratio <= 1 / SLIP_RATIO and len(others) >= 2):
                side = "大" if ratio >= 1 else "小"
                factor = ratio if ratio >= 1 else 1 / ratio
                yield Finding("units.slip", "verify", path,
                              f"{name}{fmt_wan(value)}比同组金额（{label}，中位数{fmt_wan(ref)}）{side}约"
                              f"{factor.quantize(Decimal(1))}倍，疑为元与万元混用，需核实",
                              {"value": d(value), "reference": d(ref), "ratio": d(ratio.quantize(Decimal("0.01")))})


# --- years and text -------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d.])(20\d{2})\s*年")
#: Template text left in (also the rule of ``perfeval audit`` over a report's whole text).
PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx×]{2,})(?![A-Za-z])|…{2,}|\.{6,}|某某|○○|＊{2,}|\*{3,}"
                         r"|[（(](?:\d+字以内|不超过\d+字|限\d+字|请填写[^（）()]{0,20}|此处填写[^（）()]{0,20})[)）]")


def check_year_as_written(rec: DepartmentYear) -> Iterator[Finding]:
    written = rec.approval.year_as_written if rec.approval is not None else None
    if written is not None and written != rec.year:
        yield Finding("year.as_written", "verify", "approval.year_as_written",
                      f"{rec.year}年度报告中写作“{written}年度批复”，与报告年度{rec.year}不一致，需核实是否笔误",
                      {"year_as_written": str(written), "report_year": str(rec.year)})


def check_years_in_text(rec: DepartmentYear) -> Iterator[Finding]:
    """Years (20xx年) in text that differ from the report year; next year (plans, deadlines) is expected."""
    for path, text in iter_text_fields(rec):
        seen: set[int] = set()
        for match in _YEAR.finditer(text):
            year = int(match.group(1))
            if year in (rec.year, rec.year + 1) or year in seen:
                continue
            seen.add(year)
            start = max(0, match.start() - 12)
            context = " ".join(text[start:match.end() + 12].split())
            yield Finding("year.in_text", "note", path,
                          f"{place(rec, path)}中出现{year}年（“…{context}…”），与报告年度{rec.year}不同，请核实",
                          {"year": str(year), "report_year": str(rec.year)})


def check_placeholders(rec: DepartmentYear) -> Iterator[Finding]:
    for path, text in iter_text_fields(rec):
        match = PLACEHOLDER.search(text)
        if match:
            yield Finding("text.placeholder", "error", path,
                          f"{place(rec, path)}中留有模板占位符“{match.group(0)}”，应替换为实际内容",
                          {"placeholder": match.group(0)})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("units.slip", "金额与同组金额相差约1万倍（元与万元混用）", check_unit_slips, {"units.slip": "verify"}),
    CheckRule("year.as_written", "批复年度与报告年度不一致", check_year_as_written, {"year.as_written": "verify"}),
    CheckRule("year.in_text", "文中年份与报告年度不一致", check_years_in_text, {"year.in_text": "note"}),
    CheckRule("text.placeholder", "模板占位符未替换", check_placeholders, {"text.placeholder": "error"}),
)
