"""``perfeval score`` and ``perfeval check``: computed scores and data checks on the command line.

JSON output shapes are documented in docs/json.md. Terminal (text) output strips
control characters that come from the data (escape codes must not reach the
terminal); JSON keeps them, escaped by ``json.dumps``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfeval.cli.parser import printable
from perfeval.errors import UsageError
from perfeval.model import department_path, discover, load_all, load_department
from perfeval.model.numbers import fmt_rate, fmt_score
from perfeval.model import DepartmentYear
from perfeval.review import (CHECK_SEVERITIES, DEFAULT_FRAMEWORK, DISCLAIMER, SEVERITY_LABELS, Finding, ScoreResult,
                             Sensitivity, assess_file, compare_self_scores, decide_file, has_errors, load_framework,
                             resolve_framework, self_scores_comparable, self_total, sensitivity_sentence)

#: Version 2: severities error / verify / note (``warning`` retired), ``grade`` may be null, ``coverage``,
#: ``label``, ``sensitivity`` and the framework's ``source`` added. Version 3: records of schema 2 — finding
#: paths follow it, totals are checked per column (``sum.approved_*`` folded into ``sum.*``), new check ids,
#: ``self_score_total`` is the stated total (or a complete table's sum) and may be null.
JSON_VERSION = 3


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("score", help="按指标体系测算得分",
                              description="按指标体系计算一个部门一个年度的各级指标得分（测算得分，不代表财政部门的正式评价结果）。")
    p.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    p.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    p.add_argument("--framework", metavar="指标体系", default=DEFAULT_FRAMEWORK,
                   help=f"指标体系名称或 YAML 文件路径（默认 {DEFAULT_FRAMEWORK}）")
    p.add_argument("--data-dir", metavar="目录", default="data", help="数据目录（默认 data）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text（文字）或 json")
    p.set_defaults(func=cmd_score)

    c = subparsers.add_parser("check", help="数据检查（有错误时退出码为 1）",
                              description="检查部门数据：合计、比率、文字与数字是否相符、说明、单位、年份、占位符。"
                                          "结果分为错误、需核实、提示三类；有错误时退出码为 1。")
    c.add_argument("code", metavar="部门代码", nargs="?", help="部门代码；省略时检查数据目录下的全部部门")
    c.add_argument("--year", metavar="年度", type=int, help="评价年度；省略时检查全部年度")
    c.add_argument("--data-dir", metavar="目录", default="data", help="数据目录（默认 data）")
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text（文字）或 json")
    c.set_defaults(func=cmd_check)


def _dec(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return "0" if text == "-0" else text


def _value_json(value: object) -> object:
    if isinstance(value, Decimal):
        return _dec(value)
    return value


def _sensitivity_json(entry: Sensitivity) -> dict[str, Any]:
    f = entry.finding
    overrides = entry.result.overrides
    return {
        "finding": f.id if f else None,
        "id": f.finding_id if f else None,
        "claim": f.claim if f else None,
        "path": f.path if f else None,
        "message": f.message if f else "全部需核实事项均按单位的说法成立",
        "overrides": [{"input": o.input, "value": _value_json(o.value), "detail": o.detail} for o in overrides],
        "total": _dec(entry.total),
        "grade": entry.grade,
    }


def score_to_json(result: ScoreResult, record: DepartmentYear, sensitivities: list[Sensitivity] | None = None,
                  ruled: list[Finding] | None = None) -> dict[str, Any]:
    """The stable JSON shape of ``perfeval score --format json`` (docs/json.md)."""
    fw = result.framework
    src = fw.source
    return {
        "version": JSON_VERSION,
        "department": record.code,
        "year": record.year,
        "unit": record.unit.name,
        "framework": {"name": fw.name, "title": fw.title, "description": fw.description, "official": fw.official,
                      "source": {"document": src.document or None, "number": src.number or None,
                                 "reconstructed": src.reconstructed, "reasoning": src.reasoning or None}},
        "label": result.label,
        "disclaimer": DISCLAIMER,
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "level": i.level,
                "parent": i.parent,
                "weight": _dec(i.weight),
                "rule": i.rule,
                "rule_label": i.rule_label,
                "values": [{"input": v.name, "label": v.label, "kind": v.kind, "value": _value_json(v.value),
                            "display": v.display, "detail": v.detail} for v in i.inputs],
                "score": _dec(i.score),
                "applicable": i.applicable,
                "explanation": i.explanation,
            }
            for i in result.indicators
        ],
        "raw_total": _dec(result.raw_total),
        "applicable_weight": _dec(result.applicable_weight),
        "coverage": _dec(result.coverage),
        "total": _dec(result.total),
        "grade": result.grade,
        "notes": list(result.notes),
        "sensitivity": [_sensitivity_json(s) for s in (sensitivities or [])],
        "rulings": [{"id": f.finding_id, "finding": f.id, "decision": f.ruling.decision, "basis": f.ruling.basis,
                     "by": f.ruling.by, "date": f.ruling.date.isoformat() if f.ruling.date else None,
                     "overrides": [o.input for o in f.overrides] if f.ruling.accepted else []}
                    for f in (ruled or []) if f.ruling is not None],
        "self_scores": [
            {"part": c.part, "weight": _dec(c.weight), "self_score": _dec(c.self_score),
             "recomputed": _dec(c.recomputed), "difference": _dec(c.difference), "explanation": c.explanation}
            for c in compare_self_scores(result, record)
        ],
        "self_score_total": _dec(self_total(record)),
        "self_scores_comparable": self_scores_comparable(record),
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_score(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    path = department_path(data_dir, args.code, args.year)
    record = load_department(path)
    framework = load_framework(resolve_framework(args.framework, data_dir))
    assessment = assess_file(record, framework, path)
    result, sensitivities = assessment.result, assessment.sensitivities
    if args.format == "json":
        _print_json(score_to_json(result, record, sensitivities, assessment.ruled))
        return 0
    lines = [f"{record.unit.name} {record.year} 年度 · 指标体系 {framework.name}（{framework.title}）"]
    for i in result.indicators:
        indent = "  " * (i.level - 1)
        lines.append(f"{indent}{i.code} {i.name}  {fmt_score(i.score)}/{fmt_score(i.weight)}")
        if i.rule is not None:
            lines.append(f"{indent}  {i.explanation}")
    lines += [f"说明：{note}" for note in result.notes]
    lines += [f"口径认定：{f.finding_id}：{f.ruling.words()}" for f in assessment.ruled if f.ruling is not None]
    grade = f"等级 {result.grade}" if result.grade else "数据不足，不予评级"
    if result.total is None:
        lines.append(f"没有适用的指标：不计算{result.label[:2]}总分，数据不足，不予评级")
    elif result.shown_total is None:   # no grade: the total rescaled from a few indicators is not a score
        lines.append(f"适用指标得分 {fmt_score(result.raw_total)} 分（满分 {fmt_score(result.applicable_weight)} 分），"
                     f"适用指标覆盖率 {fmt_rate(result.coverage * 100)}，数据不足，不予评级，不折算总分")
    else:
        lines.append(f"{result.label[:2]}总分 {fmt_score(result.total)} 分，{grade}"
                     f"（适用指标覆盖率 {fmt_rate(result.coverage * 100)}）")
    sentence = sensitivity_sentence(sensitivities)
    if sentence:
        lines.append(sentence)
    if record.self_scores:
        own_total = self_total(record)
        lines.append(f"自评总分 {fmt_score(own_total)} 分" if own_total is not None else "自评总分：自评表不完整，未列总分")
        word = result.label[:2]
        for c in compare_self_scores(result, record):
            lines.append(f"  {c.part}：自评 {fmt_score(c.self_score)}，{word} {fmt_score(c.recomputed)}，"
                         f"差异 {fmt_score(c.difference)}。{c.explanation}")
    lines.append(DISCLAIMER)
    sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    return 0


def _select(args: argparse.Namespace) -> list[tuple[DepartmentYear, str]]:
    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        raise UsageError(f"数据目录不存在：{data_dir}")
    if args.code and args.year is not None:
        path = department_path(data_dir, args.code, args.year)
        return [(load_department(path), str(path))]
    if args.code:
        paths = [p for p in discover(data_dir) if p.stem == args.code]
        if not paths:
            raise UsageError(f"数据目录 {data_dir} 中没有部门 {args.code}")
        return [(load_department(p), str(p)) for p in paths]
    records = load_all(data_dir)
    if args.year is not None:
        records = [r for r in records if r.year == args.year]
        if not records:
            raise UsageError(f"数据目录 {data_dir} 中没有 {args.year} 年的部门数据")
    return [(r, str(department_path(data_dir, r.code, r.year))) for r in records]


def cmd_check(args: argparse.Namespace) -> int:
    selected = _select(args)
    results: list[tuple[DepartmentYear, str, list[Finding]]] = [
        (rec, path, decide_file(rec, path, source=path).findings) for rec, path in selected
    ]
    counts: Counter[str] = Counter(f.severity for _, _, found in results for f in found)
    failed = any(has_errors(found) for _, _, found in results)
    if args.format == "json":
        _print_json({
            "version": JSON_VERSION,
            "results": [{"department": rec.code, "year": rec.year, "unit": rec.unit.name, "file": path,
                         "findings": [f.to_check_json() for f in found]} for rec, path, found in results],
            "counts": {s: counts.get(s, 0) for s in CHECK_SEVERITIES},
            "ok": not failed,
        })
        return 1 if failed else 0
    lines: list[str] = []
    if not results:
        lines.append("没有找到部门数据")
    for rec, path, found in results:
        lines.append(f"{rec.unit.name} {rec.year} 年度（{path}）")
        for f in found:
            lines.append(f"  [{SEVERITY_LABELS[f.severity]}] {f.finding_id}：{f.full_text()}")
        if not found:
            lines.append("  未发现问题")
    lines.append("共 " + "，".join(f"{counts.get(s, 0)} 个{SEVERITY_LABELS[s]}" for s in CHECK_SEVERITIES))
    sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    return 1 if failed else 0
