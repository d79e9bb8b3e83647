"""Units, years and text: 元/万元 slips, years that differ from the report year, template text left in."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from perfeval.model.numbers import fmt_wan
from perfeval.model.schema import DepartmentYear
from perfeval.review.checks.base import SLIP_RATIO, CheckRule, d, iter_text_fields, place
from perfeval.review.findings import Finding


# --- units (元/万元 slips) ---------------------------------------------------------------------

def _amount_groups(rec: DepartmentYear) -> list[tuple[str, list[tuple[str, str, Decimal]]]]:
    """Groups of amounts that should be of the same order of magnitude: (group label, [(path, label, value)])."""
    a = rec.approved_budget
    groups: list[tuple[str, list[tuple[str, str, Decimal]]]] = [
        ("年度总额", [
            ("unit.annual_budget", "年度预算金额", rec.unit.annual_budget),
            ("income.total", "财政拨款收入", rec.income.total),
            ("income.initial_budget", "年初预算拨款", rec.income.initial_budget),
            ("expenditure.total", "财政拨款支出", rec.expenditure.total),
            ("approved_budget.income_total", "批复预算收入", a.income_total),
            ("approved_budget.expenditure_total", "批复预算支出", a.expenditure_total),
        ]),
        ("基本支出", [
            ("expenditure.basic.total", "基本支出", rec.expenditure.basic.total),
            ("approved_budget.basic.total", "批复基本支出", a.basic.total),
        ]),
        ("人员经费", [
            ("expenditure.basic.personnel", "人员经费", rec.expenditure.basic.personnel),
            ("approved_budget.basic.personnel", "批复人员经费", a.basic.personnel),
        ]),
        ("三公经费合计", [
            ("sangong.budget.total", "三公经费预算", rec.sangong.budget.total),
            ("sangong.actual.total", "三公经费实际", rec.sangong.actual.total),
        ] + ([("sangong.previous_actual.total", "上年三公经费实际", rec.sangong.previous_actual.total)]
             if rec.sangong.previous_actual else [])),
    ]
    for i, p in enumerate(rec.projects):
        members = [(f"projects[{i}].budget", f"项目{p.number}预算", p.budget)]
        if p.actual is not None:
            members.append((f"projects[{i}].actual", f"项目{p.number}{p.actual_label}", p.actual))
        groups.append((f"项目{p.number}", members))
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
                              f"{name} {fmt_wan(value)} 比同组金额（{label}，中位数 {fmt_wan(ref)}）{side}约 "
                              f"{factor.quantize(Decimal(1))} 倍，疑为元与万元混用，需核实",
                              {"value": d(value), "reference": d(ref), "ratio": d(ratio.quantize(Decimal("0.01")))})


# --- years and text -------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d.])(20\d{2})\s*年")
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx×]{2,})(?![A-Za-z])|…{2,}|\.{6,}|某某|○○|＊{2,}|\*{3,}")


def check_year_as_written(rec: DepartmentYear) -> Iterator[Finding]:
    written = rec.approved_budget.year_as_written
    if written is not None and written != rec.year:
        yield Finding("year.as_written", "verify", "approved_budget.year_as_written",
                      f"{rec.year} 年度报告中写作“{written} 年度批复”，与报告年度 {rec.year} 不一致，需核实是否笔误",
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
                          f"{place(rec, path)}中出现 {year} 年（“…{context}…”），与报告年度 {rec.year} 不同，请核实",
                          {"year": str(year), "report_year": str(rec.year)})


def check_placeholders(rec: DepartmentYear) -> Iterator[Finding]:
    for path, text in iter_text_fields(rec):
        match = _PLACEHOLDER.search(text)
        if match:
            yield Finding("text.placeholder", "error", path,
                          f"{place(rec, path)}中留有模板占位符“{match.group(0)}”，应替换为实际内容",
                          {"placeholder": match.group(0)})


CHECKS: tuple[CheckRule, ...] = (
    CheckRule("units.slip", "金额与同组金额相差约 1 万倍（元与万元混用）", check_unit_slips, {"units.slip": "verify"}),
    CheckRule("year.as_written", "批复年度与报告年度不一致", check_year_as_written, {"year.as_written": "verify"}),
    CheckRule("year.in_text", "文中年份与报告年度不一致", check_years_in_text, {"year.in_text": "note"}),
    CheckRule("text.placeholder", "模板占位符未替换", check_placeholders, {"text.placeholder": "error"}),
)
