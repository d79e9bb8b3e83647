"""``perfeval trace``: where every value of a department-year comes from (the JSON is in docs/json.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfeval.cli.parser import printable
from perfeval.model import department_path, load_department

if TYPE_CHECKING:
    from perfeval.provenance import RecordTrace, Trace

#: Version of the JSON ``trace --format json`` prints (docs/json.md).
TRACE_JSON_VERSION = 1
#: How a value was found, in words.
HOW = {"importer": "导入时取自", "matched": "见", "ambiguous": "多处出现，见", "derived": "本书据原文整理，据",
       "not_found": "原报告中未找到", "entered": "录入的分类或口径", "data_file": "手工录入，见数据文件字段"}
#: The same, as the summary line counts them.
SUMMARY = {"importer": "导入时定位", "matched": "匹配到原文", "ambiguous": "多处出现", "derived": "本书据原文整理",
           "not_found": "原报告中未找到", "entered": "录入的分类或口径", "data_file": "手工录入"}
QUOTE_CHARS = 70


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "trace", help="列出一个部门一个年度每个数据的出处（原报告的句子或表格单元格）",
        description="逐项列出数据文件中每个字段的数值及其出处：原报告中的句子或表格单元格（原文、第几段、位置），"
                    "或说明该值为手工录入；并列出原报告中提及但未能提取的部分和未进入任何字段的数字。")
    p.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    p.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    p.add_argument("--data-dir", metavar="目录", default="data", help="数据目录（默认 data）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text（文字）或 json")
    p.set_defaults(func=cmd_trace)


def _quote(text: str) -> str:
    text = printable(text)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def trace_line(t: Trace, data_file: str) -> str:
    value = _quote(t.value)
    head = f"{t.path} = {value}"
    if t.how == "data_file":
        return f"{head}\n    {HOW[t.how]} {printable(data_file)}：{t.path}"
    if not t.places:
        note = f"（{t.note}）" if t.note and t.how != "entered" and not t.note.startswith("原报告中未找到") else ""
        return f"{head}\n    {HOW[t.how]}{note}"
    where = "；".join(f"{p.reference}（位置 {p.start}）「{_quote(p.row if p.cell else p.text)}」" for p in t.places)
    missing = ("\n    未找到的语句：" + "；".join(_quote(m) for m in t.missing)) if t.missing else ""
    return f"{head}\n    {HOW[t.how]}{where}{missing}"


def text_report(rt: RecordTrace) -> str:
    rec = rt.record
    lines = [printable(f"{rec.unit.name} {rec.year}（{rt.data_file}）")]
    if rec.source is None or rt.source is None:
        lines.append("数据文件未注明原报告：各值均为手工录入，出处为数据文件的字段。")
    else:
        lines.append(printable(f"原报告：{rec.source.file}（SHA-256 {rec.source.sha256}，共 {len(rt.source.paragraphs)} 段）"))
    counts: dict[str, int] = {}
    for t in rt.values.values():
        counts[t.how] = counts.get(t.how, 0) + 1
        lines.append(trace_line(t, str(rt.data_file)))
    lines.append("合计：" + "，".join(f"{SUMMARY[k]} {n} 项" for k, n in counts.items()))
    for entry in rt.not_extracted():
        first = entry["sentences"][0]
        lines.append(printable(f"未能从原报告中提取：{entry['label']}（原报告第{first['paragraph']}段等 {len(entry['sentences'])} 处提及）"))
    unmapped = rt.unmapped()
    if unmapped:
        lines.append(f"原报告中未进入任何字段的数字 {len(unmapped)} 个：")
        lines += [f"  {printable(u['figure'])}  原报告第{u['paragraph']}段「{_quote(u['text'])}」" for u in unmapped]
    return "\n".join(lines)


def cmd_trace(args: argparse.Namespace) -> int:
    path = department_path(Path(args.data_dir), args.code, args.year)
    record = load_department(path)
    from perfeval.provenance import RecordTrace

    rt = RecordTrace.of(record, path)
    if args.format == "json":
        json.dump({"version": TRACE_JSON_VERSION, **rt.to_json()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(text_report(rt))
    return 0
