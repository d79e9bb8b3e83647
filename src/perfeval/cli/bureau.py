"""The finance bureau's loop: ``rule`` (口径认定), ``feedback`` (反馈函 and 回复表), ``import-reply`` (the unit's
answers). Rulings and replies are stored beside the data file, apart from the unit's data
(``<code>.rulings.yaml``, ``<code>.replies.yaml``); nothing is overwritten without ``--force``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from perfeval.cli.outputs import check_new_files, refuse_data_folder
from perfeval.cli.parser import printable
from perfeval.errors import UsageError
from perfeval.model import DepartmentYear, chinese_message, department_path, load_department
from perfeval.model.numbers import parse_date
from perfeval.review import (DECISIONS, DEFAULT_FRAMEWORK, RepliesFile, Ruling, RulingsFile, add_ruling, assess_file,
                             decide_file, load_framework, questions, resolve_framework, side_path, store_replies)

DATA = Path("data")


def date_argument(text: str) -> dt.date:
    """A date on the command line: 2025-06-30 or 2025年6月30日."""
    try:
        value = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not isinstance(value, dt.date):
        raise argparse.ArgumentTypeError(f"应为日期，如 2025-06-30：{text}")
    return value


def register(subparsers: Any) -> None:
    r = subparsers.add_parser(
        "rule", help="记录财政部门对一项核查事项的口径认定（采纳或不采纳单位的说明）",
        description="把财政部门的口径认定写入 <数据目录>/<年度>/<部门代码>.rulings.yaml（与单位数据分开保存）。"
                    "采纳：单位的说明成立，该事项不作为问题，测算得分按其说明计算；不采纳：该事项作为错误。"
                    "核查事项编号见 perfeval check 的输出（JSON 中的 id）。")
    r.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    r.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    r.add_argument("finding", metavar="核查事项编号", help="如 adjustment.declared_zero:adjustment.declared_rate")
    r.add_argument("--decision", required=True, choices=DECISIONS, help="采纳 或 不采纳")
    r.add_argument("--basis", metavar="依据", required=True, help="认定依据：文号或一句说明")
    r.add_argument("--by", metavar="认定人", default="", help="作出认定的科室或人员")
    r.add_argument("--date", metavar="日期", type=date_argument, default=None, help="认定日期，如 2025-06-30（默认今天）")
    r.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    r.add_argument("--framework", metavar="指标体系", default=DEFAULT_FRAMEWORK,
                   help=f"报告认定后得分所用的指标体系（默认 {DEFAULT_FRAMEWORK}）")
    r.add_argument("--force", action="store_true", help="改写该事项已有的认定")
    r.set_defaults(func=cmd_rule)

    f = subparsers.add_parser(
        "feedback", help="生成反馈函（Word）和回复表（Excel）",
        description="把尚未认定的需核实事项写成反馈函（公文格式）和回复表，写入输出目录："
                    "<部门代码>-<年度>-反馈函.docx、<部门代码>-<年度>-回复表.xlsx。")
    f.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    f.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    f.add_argument("-o", "--output", metavar="目录", type=Path, required=True, help="输出目录（不能在数据目录下）")
    f.add_argument("--deadline", metavar="日期", type=date_argument, default=None,
                   help="回复截止日期（默认发函日期后 15 天）")
    f.add_argument("--issuer", metavar="单位", default=None, help="发函单位（默认 _config.yml 的 opinion.issuer 或 publisher）")
    f.add_argument("--date", metavar="日期", type=date_argument, default=None, help="发函日期（默认 _config.yml 的 opinion.date）")
    f.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    f.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    f.set_defaults(func=cmd_feedback)

    i = subparsers.add_parser(
        "import-reply", help="导入单位填好的回复表",
        description="读取 perfeval feedback 生成、单位填好的回复表，校验后写入 <数据目录>/<年度>/<部门代码>.replies.yaml"
                    "（与单位数据分开保存）。回复只列示在对应事项旁，不改变测算得分；改变得分的是口径认定（perfeval rule）。")
    i.add_argument("file", metavar="回复表", type=Path, help="填好的 .xlsx 回复表")
    i.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    i.add_argument("--force", action="store_true", help="改写已导入的不同回复")
    i.set_defaults(func=cmd_import_reply)


def cmd_rule(args: argparse.Namespace) -> int:
    path = department_path(args.data_dir, args.code, args.year)
    record = load_department(path)
    try:
        ruling = Ruling(finding=args.finding.strip(), decision=args.decision, basis=args.basis, by=args.by,
                        date=args.date or dt.date.today())
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = {"finding": "核查事项编号", "basis": "--basis", "by": "--by"}.get(str(error["loc"][0]), str(error["loc"][0]))
        raise UsageError(f"{field}：{chinese_message(error)}") from None
    written = add_ruling(path, record, decide_file(record, path).findings, ruling, force=args.force)
    framework = load_framework(resolve_framework(args.framework, args.data_dir))
    result = assess_file(record, framework, path).result
    grade = f"等级 {result.grade}" if result.grade else "不予评级"
    total = f"{result.label} {result.shown_total} 分，{grade}" if result.shown_total is not None else grade
    print(printable(f"已写入 {written}：{ruling.finding} {ruling.decision}。认定后{total}。"))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from perfeval.pages.feedback import REPLY_DAYS, file_names, write_feedback
    from perfeval.review import config_signature, find_config

    folder: Path = args.output
    refuse_data_folder(folder, [DATA, args.data_dir])
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"输出位置 {folder} 不是目录 (output is not a folder)")
    path = department_path(args.data_dir, args.code, args.year)
    record = load_department(path)
    findings = decide_file(record, path).findings
    asked = questions(findings)
    if not asked:
        print(printable(f"{record.unit.name} {record.year} 年度没有尚未认定的需核实事项，未生成反馈函。"))
        return 0
    check_new_files([folder / name for name in file_names(record.code, record.year)], force=args.force)
    signature = config_signature(find_config(Path.cwd()), args.issuer, args.date)
    deadline = args.deadline or (signature.date or dt.date.today()) + dt.timedelta(days=REPLY_DAYS)
    files = write_feedback(record, findings, folder, signature, deadline)
    print(printable(f"已生成反馈函 {files.letter} 和回复表 {files.form}（{files.questions} 项需核实事项）"))
    return 0


def cmd_import_reply(args: argparse.Namespace) -> int:
    from perfeval.excel.reply_form import read_reply_form

    def known(code: str, year: int) -> set[str] | None:
        try:
            path = department_path(args.data_dir, code, year)
        except UsageError:
            return None
        if not path.is_file():
            return None
        rec = load_department(path)
        return {f.finding_id for f in decide_file(rec, path).findings}

    form = read_reply_form(args.file, known)
    path = department_path(args.data_dir, form.code, form.year)
    record = load_department(path)
    written, changed = store_replies(path, record, form.replies, force=args.force)
    print(printable(f"已导入 {len(form.replies)} 条单位回复（新增或改动 {changed} 条）到 {written}"))
    return 0


def side_file_problems(records: list[tuple[DepartmentYear, Path]]) -> list[str]:
    """For ``validate``: each ruling or reply (beside a data file of ``records``: record and data folder) whose
    finding no longer exists — kept in its file, never dropped; the analyst decides what to do with it."""
    lines = []
    for rec, data_dir in records:
        path = department_path(data_dir, rec.code, rec.year)
        decided = decide_file(rec, path)
        for ruling in decided.orphan_rulings:
            lines.append(f"{side_path(path, RulingsFile)}：认定 {ruling.finding}（{ruling.decision}）所指的核查事项已不存在，"
                         "请核对数据，或删除、改写该认定 (ruling of a finding that no longer exists)")
        for reply in decided.orphan_replies:
            lines.append(f"{side_path(path, RepliesFile)}：回复 {reply.finding} 所指的核查事项已不存在，"
                         "请核对数据 (reply to a finding that no longer exists)")
    return lines
