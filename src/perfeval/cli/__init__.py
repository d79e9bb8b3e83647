"""The ``perfeval`` command line.

Each group of commands lives in its own module with a ``register(subparsers)``
function; every subcommand sets ``func(args) -> int``. User mistakes (bad data,
wrong usage) exit with code 2 and one clear message, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from perfeval.errors import DataError, UsageError

COMMAND_MODULES = (
    "perfeval.cli.build",     # run, build, validate
    "perfeval.cli.review",   # score, check
    "perfeval.cli.data",    # excel-template, import-excel, export-excel, export-docx
    "perfeval.cli.reports",   # import-report, audit
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"perfeval: 参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perfeval", description="部门整体支出绩效评价 books from data.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"perfeval: 数据错误：{exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"perfeval: 参数错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a path the user gave cannot be read or written
        where = f"{exc.filename}：" if exc.filename else ""
        print(f"perfeval: 文件错误：{where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("perfeval: 已中断 (interrupted)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
