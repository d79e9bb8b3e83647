"""``perfeval changes``: the published releases and what each changed, for the analyst (from the ledger the
build keeps, :mod:`perfeval.book.ledger`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from perfeval.cli.parser import printable


def register(sub: Any) -> None:
    c = sub.add_parser("changes", help="列出各次发布及每次发布更改的内容（版本记录）",
                       description="列出本书各次发布（_build/releases/ 中的发布编号）及每次发布更改了哪些部门的什么内容："
                                   "口径认定、单位回复、数据更正（更正前 → 更正后）。")
    c.add_argument("--since", metavar="发布编号", help="只列出这次发布之后的发布（发布编号见不带 --since 的输出）")
    c.add_argument("--root", metavar="目录", default=".", help="书的项目目录（默认当前目录）")
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text（默认）或 json")
    c.set_defaults(func=cmd_changes)


def cmd_changes(args: argparse.Namespace) -> int:
    from perfeval.book.ledger import LEDGER, Ledger, releases_since

    build_dir = Path(args.root).resolve() / "_build"
    listed = releases_since(Ledger.open(build_dir / LEDGER), args.since, build_dir)
    if args.format == "json":
        print(json.dumps({"releases": listed}, ensure_ascii=False, indent=1))
        return 0
    if not listed:
        print("没有更晚的发布。" if args.since else "本书尚未发布（或发布记录不存在）：先运行 perfeval build。")
        return 0
    for release in listed:
        where = f"网页：{release['path']}" if release["path"] else "网页已不保留（只保留最近十次发布）"
        print(f"{release['date']}  发布编号 {release['id']}  {where}")
        if release["first"]:
            print("  首次发布。")
        elif not release["changes"]:
            print("  没有部门的数据、口径认定或单位回复更改（页面样式或程序更新）。")
        for change in release["changes"]:
            print(f"  {printable(change['department'])}（{change['year']}年）")
            for item in change["items"]:
                print(f"    - {printable(item)}")
    return 0
