"""Commands ``import-report`` (report text → draft data file) and ``audit`` (text-level findings)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from perfeval.cli.outputs import check_new_files
from perfeval.errors import UsageError
from perfeval.review import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from perfeval.importer import audit_document, import_report, write_draft
from perfeval.importer.draft import sources_path_for
from perfeval.model import CODE_PATTERN


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import-report", help="从已发布的评价报告（.txt/.docx/.html）提取数据草稿",
        description="从已发布的部门整体支出绩效评价报告提取数据草稿（YAML），并写出字段出处文件 <草稿名>.sources.yml。"
                    "找不到的字段不填写并列出；草稿未通过数据校验时仍写出，退出码为 1。")
    p.add_argument("file", metavar="报告", type=Path, help="报告文件（.txt、.docx、.html）")
    p.add_argument("--code", metavar="部门代码", help="部门代码（小写字母、数字、连字符），如 xiangtan-minzheng")
    p.add_argument("--year", metavar="年度", type=int, help="评价年度（缺省取报告标题中的年份）")
    p.add_argument("-o", "--output", metavar="文件", type=Path, help="草稿输出路径（缺省 <部门代码>.yaml 或 <报告名>.draft.yaml）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的草稿和字段出处文件")
    p.set_defaults(func=run_import)

    a = subparsers.add_parser(
        "audit", help="检查报告文字中的单位、年度、合计、比率和自相矛盾之处（不写数据）",
        description="对已发布报告的文字做检查：单位笔误、年度笔误、合计与分项不符、百分比与分子分母不符、"
                    "与数字矛盾的表述。存在“错误”级问题时退出码为 1。")
    a.add_argument("file", metavar="报告", type=Path, help="报告文件（.txt、.docx、.html）")
    a.add_argument("--year", metavar="年度", type=int, help="评价年度（缺省取报告标题中的年份）")
    a.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    a.set_defaults(func=run_audit)


def _default_output(file: Path, code: str | None) -> Path:
    if code:
        return Path(f"{code}.yaml")
    return file.with_name(file.stem + ".draft.yaml")


def run_import(args: argparse.Namespace) -> int:
    code = args.code
    if code is not None and not re.fullmatch(CODE_PATTERN, code):
        raise UsageError(f"部门代码「{code}」只能使用小写字母、数字和连字符")
    out: Path = args.output or _default_output(args.file, code)
    if code is None and out.name.endswith(".yaml") and re.fullmatch(CODE_PATTERN, out.name[:-5]):
        code = out.name[:-5]
    check_new_files([out, sources_path_for(out)], force=args.force)
    if out.resolve() == args.file.resolve():
        raise UsageError("输出文件不能与报告文件相同")
    doc, extraction = import_report(args.file, code=code, year=args.year)
    result = write_draft(extraction, out, args.file.name)
    print(f"已写出草稿：{result.path}")
    print(f"字段出处：{result.sources_path}（{len(extraction.sources)} 项）")
    if result.missing:
        print(f"文中未找到 {len(result.missing)} 项（未填写）：")
        for path, label in result.missing.items():
            print(f"  - {path}（{label}）")
    for note in extraction.notes:
        print(f"说明：{note}")
    if result.valid:
        print("数据校验：通过。")
        return 0
    print(f"数据校验：草稿尚未通过（{len(result.errors)} 处），请补全后再使用：")
    for err in result.errors:
        print(f"  - {err}")
    return 1


def format_findings(findings: list[Finding]) -> str:
    if not findings:
        return "未发现问题。"
    lines: list[str] = []
    for f in findings:
        lines.append(f"[{SEVERITY_LABELS[f.severity]}] {f.rule} {f.path}：{f.message}")
        if f.source:
            lines.append(f"    出处：「{f.source}」")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    lines.append("共 " + "，".join(f"{SEVERITY_LABELS[s]} {n} 项" for s, n in counts.items()) + "。")
    return "\n".join(lines)


def run_audit(args: argparse.Namespace) -> int:
    from perfeval.importer import normalize, read_report

    doc = normalize(read_report(args.file))
    findings = audit_document(doc, args.year)
    if args.format == "json":
        json.dump([f.to_json() for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_findings(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0
