"""Commands about a book project as a whole: ``init`` (a new book folder) and ``disclosure`` (公开前审查, which
``build`` also runs before it publishes)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from perfeval.book import BookLayout
from perfeval.cli.parser import printable
from perfeval.model.files import discover
from perfeval.review import (ACCEPTED_FILE, DISCLOSURE_CSV, DisclosureReport, describe_item, disclosure_review,
                             write_disclosure_csv)

#: Items printed in the terminal; the CSV lists all of them.
SHOWN_ITEMS = 20


def register(sub: Any) -> None:
    i = sub.add_parser("init", help="新建一本报告书（书的设置、模板、指标体系、空的数据目录、中文说明）",
                       description="在指定文件夹中新建一本报告书：_config.yml、报告模板（notebooks）、指标体系"
                                   "（data/frameworks）、导读与术语表、空的数据目录和中文 README.md。"
                                   "已有内容不同的文件不会被覆盖（加 --force 才覆盖）；数据文件从不改动。")
    i.add_argument("folder", metavar="文件夹", help="新书的文件夹（不存在时创建）")
    i.add_argument("--title", metavar="书名", help="书名（写入 _config.yml 的 title）")
    i.add_argument("--publisher", metavar="发布单位", help="发布单位（写入 _config.yml 的 publisher，显示在每页页脚）")
    i.add_argument("--demo", action="store_true", help="示例书：书名、发布单位和导读标明全书为程序生成的示例数据")
    i.add_argument("--force", action="store_true", help="用 perfeval 自带的版本覆盖已有的同名文件（数据文件不受影响）")
    i.set_defaults(func=cmd_init)

    d = sub.add_parser("disclosure", help="公开前审查：列出不宜公开的内容（个人姓名、电话、证件号、账号、邮箱、敏感词）",
                       description="公开前审查：列出数据中不宜公开的内容，写出分析人员用的清单 "
                                   f"_build/{DISCLOSURE_CSV.as_posix()}（不发布）。有未确认的内容时退出码为 1。"
                                   f"已确认可以公开的内容写在 {ACCEPTED_FILE} 中。")
    d.add_argument("--root", metavar="目录", default=".", help="书的项目目录（含 _config.yml；默认当前目录）")
    d.add_argument("--data-dir", action="append", dest="data_dirs", metavar="目录",
                   help="数据目录（可重复；默认 data）")
    d.set_defaults(func=cmd_disclosure)


def cmd_init(args: argparse.Namespace) -> int:
    from perfeval.skeleton import init_project

    result = init_project(Path(args.folder), force=args.force, title=args.title, publisher=args.publisher,
                          demo=args.demo)
    print(f"已在 {result.root} 写入 {len(result.written)} 个文件"
          + (f"（{len(result.unchanged)} 个文件内容相同，未改动）" if result.unchanged else "") + "。")
    print(f"下一步：把数据文件放进 {result.root / 'data'}（<年度>/<部门代码>.yaml），然后在该文件夹中运行 perfeval build。")
    return 0


def review(layout: BookLayout) -> DisclosureReport:
    """公开前审查 of a project's data folders; writes the analyst's CSV under ``_build``."""
    from perfeval.importer import read_report   # the source documents beside the data (原报告全文)

    files = [path for folder in layout.data_dirs if folder.is_dir() for path in discover(folder)]
    report = disclosure_review(layout.root, files, cache_dir=layout.build_dir, read_source=read_report)
    write_disclosure_csv(report.items, layout.build_dir / DISCLOSURE_CSV)
    return report


def show(report: DisclosureReport, csv_path: Path, say: Callable[[str], None]) -> None:
    """The items in the terminal (the first :data:`SHOWN_ITEMS`; the CSV has all)."""
    if not report.items:
        say(f"公开前审查：{report.files} 个数据文件中没有发现不宜公开的内容。")
        return
    open_count = len(report.unresolved)
    say(f"公开前审查：发现 {len(report.items)} 项不宜公开的内容（未确认 {open_count} 项，"
        f"已确认 {len(report.items) - open_count} 项），清单：{csv_path}")
    ordered = report.unresolved + [i for i in report.items if i.accepted]
    for item in ordered[:SHOWN_ITEMS]:
        say("  " + ("已确认  " if item.accepted else "未确认  ") + printable(describe_item(item)))
    if len(ordered) > SHOWN_ITEMS:
        say(f"  …其余 {len(ordered) - SHOWN_ITEMS} 项见清单")


def refusal(report: DisclosureReport) -> str:
    return (f"公开前审查有 {len(report.unresolved)} 项未确认，未发布（已发布的网页未改变）。请修改数据文件，"
            f"或在 {report.accepted_file} 中逐项确认并写明理由，或确需公开时加 --allow-sensitive。")


def cmd_disclosure(args: argparse.Namespace) -> int:
    layout = BookLayout.at(args.root, args.data_dirs)
    report = review(layout)
    show(report, layout.build_dir / DISCLOSURE_CSV, print)
    return 1 if report.unresolved else 0


def check_before_publishing(layout: BookLayout, *, allow: bool, publish: bool) -> bool:
    """The review ``build`` runs first: False (after saying why) when it must not publish."""
    report = review(layout)
    show(report, layout.build_dir / DISCLOSURE_CSV, print)
    if report.unresolved and publish and not allow:
        print(f"perfeval: {printable(refusal(report))}", file=sys.stderr)
        return False
    if report.unresolved and publish:
        print(f"perfeval: 已按 --allow-sensitive 发布，{len(report.unresolved)} 项未确认的内容将出现在网页上。",
              file=sys.stderr)
    return True
