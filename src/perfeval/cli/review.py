"""``perfeval score`` and ``perfeval check``: recomputed scores and data checks on the command line.

JSON output shapes are documented in docs/json.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfeval.review.checks import has_errors, run_checks
from perfeval.errors import UsageError
from perfeval.review.findings import SEVERITY_LABELS, Finding
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, load_named
from perfeval.model import department_path, discover, load_all, load_department
from perfeval.model import DepartmentYear
from perfeval.review.scoring import ScoreResult, compare_self_scores, score
from perfeval.model.numbers import fmt_score

JSON_VERSION = 1


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("score", help="按指标体系复核得分 (recompute indicator scores)",
                              description="按指标体系重新计算一个部门一个年度的各级指标得分。")
    p.add_argument("code", help="部门代码，如 xiangtan-minzheng")
    p.add_argument("year", type=int, help="评价年度，如 2024")
    p.add_argument("--framework", default=DEFAULT_FRAMEWORK,
                   help=f"指标体系名称或 YAML 文件路径（默认 {DEFAULT_FRAMEWORK}）")
    p.add_argument("--data-dir", default="data", help="数据目录（默认 data）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    p.set_defaults(func=cmd_score)

    c = subparsers.add_parser("check", help="数据检查 (data checks; exit 1 on errors)",
                              description="检查部门数据：合计、比率、说明、单位、年份、占位符。有错误时退出码为 1。")
    c.add_argument("code", nargs="?", help="部门代码；省略时检查数据目录下的全部部门")
    c.add_argument("--year", type=int, help="评价年度；省略时检查全部年度")
    c.add_argument("--data-dir", default="data", help="数据目录（默认 data）")
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
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


def score_to_json(result: ScoreResult, record: DepartmentYear) -> dict[str, Any]:
    """The stable JSON shape of ``perfeval score --format json`` (docs/json.md)."""
    fw = result.framework
    return {
        "version": JSON_VERSION,
        "department": record.code,
        "year": record.year,
        "unit": record.unit.name,
        "framework": {"name": fw.name, "title": fw.title, "description": fw.description},
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
        "total": _dec(result.total),
        "grade": result.grade,
        "notes": list(result.notes),
        "self_scores": [
            {"part": c.part, "weight": _dec(c.weight), "self_score": _dec(c.self_score),
             "recomputed": _dec(c.recomputed), "difference": _dec(c.difference), "explanation": c.explanation}
            for c in compare_self_scores(result, record)
        ],
        "self_score_total": _dec(record.self_score_total) if record.self_scores else None,
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_score(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    record = load_department(department_path(data_dir, args.code, args.year))
    framework = load_named(args.framework, data_dir)
    result = score(record, framework)
    if args.format == "json":
        _print_json(score_to_json(result, record))
        return 0
    out = sys.stdout
    out.write(f"{record.unit.name} {record.year} 年度 · 指标体系 {framework.name}（{framework.title}）\n")
    for i in result.indicators:
        indent = "  " * (i.level - 1)
        out.write(f"{indent}{i.code} {i.name}  {fmt_score(i.score)}/{fmt_score(i.weight)}\n")
        if i.rule is not None:
            out.write(f"{indent}  {i.explanation}\n")
    for note in result.notes:
        out.write(f"说明：{note}\n")
    out.write(f"复核总分 {fmt_score(result.total)} 分，等级 {result.grade}\n")
    if record.self_scores:
        out.write(f"自评总分 {fmt_score(record.self_score_total)} 分\n")
        for c in compare_self_scores(result, record):
            out.write(f"  {c.part}：自评 {fmt_score(c.self_score)}，复核 {fmt_score(c.recomputed)}，"
                      f"差异 {fmt_score(c.difference)}。{c.explanation}\n")
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
        (rec, path, run_checks(rec, source=path)) for rec, path in selected
    ]
    counts: Counter[str] = Counter(f.severity for _, _, found in results for f in found)
    failed = any(has_errors(found) for _, _, found in results)
    if args.format == "json":
        _print_json({
            "version": JSON_VERSION,
            "results": [{"department": rec.code, "year": rec.year, "unit": rec.unit.name, "file": path,
                         "findings": [f.to_json() for f in found]} for rec, path, found in results],
            "counts": {s: counts.get(s, 0) for s in ("error", "warning", "note")},
            "ok": not failed,
        })
        return 1 if failed else 0
    out = sys.stdout
    if not results:
        out.write("没有找到部门数据\n")
    for rec, path, found in results:
        out.write(f"{rec.unit.name} {rec.year} 年度（{path}）\n")
        for f in found:
            out.write(f"  [{SEVERITY_LABELS[f.severity]}] {f.rule} {f.path}：{f.message}\n")
        if not found:
            out.write("  未发现问题\n")
    out.write(f"共 {counts.get('error', 0)} 个错误，{counts.get('warning', 0)} 个警告，{counts.get('note', 0)} 个提示\n")
    return 1 if failed else 0
