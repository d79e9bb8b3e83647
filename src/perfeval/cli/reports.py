"""Commands ``import-report`` (report → partial data file, the report kept beside it) and ``audit`` (findings
in a report)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from perfeval.cli.outputs import DATA, check_data_output, check_new_files, refuse_project_files
from perfeval.cli.parser import printable
from perfeval.errors import UsageError
from perfeval.review import SEVERITY_LABELS, Finding
from perfeval.importer import MissingIdentity, audit_document, import_report, normalize, read_report, write_draft
from perfeval.importer.draft import sources_path_for
from perfeval.importer.extract import extract
from perfeval.model import CODE_PATTERN
from perfeval.model.schema import MAX_YEAR, MIN_YEAR, no_control_characters

#: The form a report is kept in beside its draft (``<code>.source.<suffix>``), by the suffix it came with.
SOURCE_SUFFIX = {".txt": "txt", ".text": "txt", ".md": "txt", "": "txt", ".html": "html", ".htm": "html",
                 ".xhtml": "html", ".docx": "docx", ".pdf": "pdf"}

#: Labels of the severities audit uses (error / verify / note); the shared table may not know all yet.
LABELS: dict[str, str] = {"error": "错误", "verify": "待核实", "note": "提示", "warning": "警告"}
LABELS.update(SEVERITY_LABELS)
ORDER = ("error", "verify", "warning", "note")
_OPTIONS = {"code": "--code 部门代码", "year": "--year 评价年度", "unit.name": "--unit 单位名称"}
_WHY = {"code": "未指定部门代码", "year": "报告中没有写明评价年度（标题、“××年度”或表头年度）",
        "unit.name": "报告中没有写明单位名称（已查看标题、封面、单位名称/部门名称/评价单位等行和正文首句）"}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import-report", help="从已发布的评价报告（.txt/.docx/.html/.pdf）提取数据草稿",
        description="从已发布的部门整体支出绩效评价报告提取数据草稿（YAML，只含文中写明的数字，其余留空），并写出字段出处文件 "
                    "<草稿名>.sources.yml，并把报告原件存为草稿旁的 <部门代码>.source.<扩展名>（草稿的 source 一节记其 SHA-256）。"
                    "草稿是通过校验的部分数据；报告未写明评价年度或单位名称时请用 --year / --unit 指定。")
    p.add_argument("file", metavar="报告", type=Path, help="报告文件（.txt、.docx、.html、.pdf）")
    p.add_argument("--code", metavar="部门代码", help="部门代码（小写字母、数字、连字符），如 xiangtan-minzheng；缺省取输出文件名")
    p.add_argument("--year", metavar="年度", type=int, help="评价年度（缺省取报告自述的年度：标题、“××年度”或表头年度）")
    p.add_argument("--unit", metavar="单位名称", help="单位名称（报告中未写明时指定）")
    p.add_argument("-o", "--output", metavar="文件", type=Path, help="草稿输出路径（缺省 <部门代码>.yaml 或 <报告名>.draft.yaml）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件、出处文件及存放在旁的报告原件")
    p.set_defaults(func=run_import)

    a = subparsers.add_parser(
        "audit", help="检查报告中的单位、年度、合计、比率、表格各项之和与自相矛盾之处（不写数据）",
        description="对已发布报告做检查：按 import-report 的方式读出报告中的数字，运行与 check 相同的全部数据检查"
                    "（合计与分项、比率、支出高于收入、同比变动、报告日期等，同一事实的级别与 check 相同），再检查只有原文才能"
                    "看出的问题：单位笔误与混用、年度笔误、句中合计与百分比、模板文字残留、序号重复、日期不符等。"
                    "存在“错误”级问题时退出码为 1。")
    a.add_argument("file", metavar="报告", type=Path, help="报告文件（.txt、.docx、.html、.pdf）")
    a.add_argument("--year", metavar="年度", type=int, help="评价年度（缺省取报告自述的年度）")
    a.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    a.set_defaults(func=run_audit)


def _default_output(file: Path, code: str | None) -> Path:
    if code:
        return Path(f"{code}.yaml")
    return file.with_name(file.stem + ".draft.yaml")


def _ask(missing: dict[str, str]) -> UsageError:
    reasons = "；".join(_WHY[p] for p in missing)
    options = " ".join(_OPTIONS[p] for p in missing)
    return UsageError(f"{reasons}，无法确定{'、'.join(missing)}：请用 {options} 指定")


_HOW = {"cover": "封面评价年度", "title": "报告标题", "header": "表头年度", "body": "正文所述年度"}


def _checked_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    if not unit.strip():
        raise UsageError("--unit 不能为空")
    try:
        no_control_characters(unit)
    except ValueError as exc:
        raise UsageError(f"--unit {exc}") from None
    return unit.strip()


def stored_source_path(out: Path, code: str, report: Path) -> Path:
    """Where the report is kept beside its draft: ``<draft folder>/<code>.source.<txt|docx|pdf|html>``."""
    return out.with_name(f"{code}.source.{SOURCE_SUFFIX.get(report.suffix.lower(), 'txt')}")


def store_source(report: Path, target: Path) -> tuple[str, str]:
    """Copy the report to ``target`` (atomically; nothing to do when it is that file) → (file name, SHA-256)."""
    try:
        data = report.read_bytes()
        if target.resolve() != report.resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
    except OSError as exc:
        raise UsageError(f"无法把报告存放到 {target}：{exc.strerror or exc} (cannot store the report)") from None
    return target.name, hashlib.sha256(data).hexdigest()


def run_import(args: argparse.Namespace) -> int:
    code = args.code
    if code is not None and not re.fullmatch(CODE_PATTERN, code):
        raise UsageError(f"部门代码「{code}」只能使用小写字母、数字和连字符")
    if args.year is not None and not MIN_YEAR <= args.year <= MAX_YEAR:
        raise UsageError(f"--year 应在 {MIN_YEAR} 到 {MAX_YEAR} 之间，当前为 {args.year}")
    out: Path = args.output or _default_output(args.file, code)
    if code is None and out.name.endswith(".yaml") and re.fullmatch(CODE_PATTERN, out.name[:-5]):
        code = out.name[:-5]
    check_data_output(out, code, args.year, [DATA])
    refuse_project_files(out, data_ok=True)
    refuse_project_files(sources_path_for(out), data_ok=True)
    stored = stored_source_path(out, code, args.file) if code else None
    targets = [out, sources_path_for(out)]
    if stored is not None and stored.resolve() != args.file.resolve():
        refuse_project_files(stored, data_ok=True)
        targets.append(stored)
    check_new_files(targets, force=args.force)
    if out.resolve() == args.file.resolve() or sources_path_for(out).resolve() == args.file.resolve():
        raise UsageError("输出文件不能与报告文件相同")
    unit = _checked_unit(args.unit)
    doc, extraction = import_report(args.file, code=code, year=args.year, unit_name=unit)
    year = extraction.data.get("year")
    if isinstance(year, int) and not MIN_YEAR <= year <= MAX_YEAR:
        how = _HOW.get(str(extraction.year_source), "报告")
        raise UsageError(f"报告所述评价年度为 {year} 年（取自{how}），不在 {MIN_YEAR}–{MAX_YEAR} 年之间，可能是笔误；"
                         "请核对后用 --year 评价年度 指定")
    check_data_output(out, code, year, [DATA])
    copied = stored is not None and stored.resolve() != args.file.resolve() and not stored.exists()
    kept = store_source(args.file, stored) if stored is not None else None
    try:
        result = write_draft(extraction, out, args.file.name, doc, kept)
    except MissingIdentity as exc:
        if copied and stored is not None:
            stored.unlink(missing_ok=True)   # nothing is left behind when no draft is written
        raise _ask(exc.missing) from None
    lines = [f"已写出草稿：{result.path}"]
    if kept is not None:
        lines.append(f"报告原件：{stored}（SHA-256 {kept[1]}）")
    lines.append(f"字段出处：{result.sources_path}（{len(extraction.sources)} 项）")
    if result.missing:
        lines.append(f"文中未找到 {len(result.missing)} 项（未填写，不作推测）：")
        lines += [f"  - {path}（{label}）" for path, label in result.missing.items()]
    if result.not_extracted:
        lines.append(f"原报告中提及、未能提取的部分：{'、'.join(result.not_extracted)}（见 {result.sources_path.name} 的 not_extracted）")
    if result.unmapped:
        lines.append(f"原报告中未进入任何字段的数字 {result.unmapped} 个（见 {result.sources_path.name} 的 unmapped）")
    lines += [f"略去：{line}" for line in result.dropped]
    lines += [f"说明：{note}" for note in extraction.notes]
    if result.valid:
        lines.append("数据校验：通过（部分数据）。")
    else:  # pragma: no cover - make_valid guarantees validity
        lines.append(f"数据校验：草稿尚未通过（{len(result.errors)} 处）：")
        lines += [f"  - {err}" for err in result.errors]
    # Text from the report (a dropped line, a note) never reaches the terminal as escape codes.
    sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    return 0 if result.valid else 1


def format_findings(findings: list[Finding]) -> str:
    if not findings:
        return "未发现问题。"
    lines: list[str] = []
    for f in findings:
        lines.append(f"[{LABELS.get(f.severity, f.severity)}] {f.rule} {f.path}：{f.message}")
        if f.source:
            lines.append(f"    出处：「{f.source}」")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ORDER}
    lines.append("共 " + "，".join(f"{LABELS[s]} {n} 项" for s, n in counts.items() if n or s != "warning") + "。")
    return "\n".join(lines)


def run_audit(args: argparse.Namespace) -> int:
    doc = normalize(read_report(args.file))
    extraction = extract(doc, year=args.year)
    year = args.year if args.year is not None else extraction.data.get("year")
    if year is None:
        raise _ask({"year": "--year"})
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"评价年度 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 年之间，可能是笔误；请核对后用 --year 评价年度 指定")
    findings = audit_document(doc, year, extraction)
    if args.format == "json":
        json.dump([f.to_json() for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:   # a report's own text (出处, quoted values) never reaches the terminal as escape codes
        sys.stdout.write("".join(printable(line) + "\n" for line in format_findings(findings).split("\n")))
    return 1 if any(f.severity == "error" for f in findings) else 0
