"""The ``perfeval`` command line.

Commands, by module: ``build`` (run, build, validate, demo), ``releases`` (changes: the 版本记录), ``review`` (score, check), ``bureau`` (rule,
feedback, import-reply: the finance bureau's loop), ``data``
(excel-template, import-excel, export-excel, export-docx), ``reports`` (import-report, audit), ``provenance``
(trace), ``project`` (init, disclosure). Each module
has ``register(subparsers)``; every subcommand sets ``func(args) -> int``. Help and messages are Chinese
(:mod:`perfeval.cli.parser`). User mistakes (bad data, wrong usage, a path that cannot be read or written)
exit with code 2 and one clear line, never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import threading
from typing import NoReturn, Sequence

from perfeval import __version__
from perfeval.cli import build, bureau, data, project, provenance, releases, reports, review
from perfeval.cli.parser import Parser, printable_lines
from perfeval.errors import DataError, UsageError

COMMAND_MODULES = (build, releases, review, bureau, data, reports, provenance, project)
MAX_MESSAGE = 300


def build_parser() -> Parser:
    parser = Parser(prog="perfeval", description="由数据生成部门整体支出绩效评价报告（网页版、Word、Excel）。")
    parser.add_argument("--version", action="version", version=f"perfeval {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _short(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "…"


def os_error_message(exc: OSError) -> str:
    """One short line saying what failed and where (a failed copy of many files is one line too)."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        failures = exc.args[0]
        src, dst, why = (list(failures[0]) + ["", "", ""])[:3]
        more = f"（共 {len(failures)} 个文件失败）" if len(failures) > 1 else ""
        return _short(f"复制 {src} 到 {dst} 失败：{why}{more}")
    where = f"{exc.filename}" + (f" → {exc.filename2}" if exc.filename2 else "") if exc.filename else ""
    return _short(f"{where}：{exc.strerror or exc}" if where else (exc.strerror or exc))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"perfeval: 数据错误：{printable_lines(str(exc))}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"perfeval: 参数错误：{printable_lines(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a path cannot be read or written (missing, no permission, disk full …)
        print(f"perfeval: 文件错误：{printable_lines(os_error_message(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("perfeval: 已中断 (interrupted)", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The ``perfeval`` command (and ``python -m perfeval``): :func:`main`, then :func:`end_process`."""
    end_process(main())


def end_process(code: int) -> NoReturn:
    """End the process with ``code`` without tearing the interpreter down: the exit handlers run and the standard
    streams are flushed, then the process ends at once. A build's process holds millions of objects (the caches
    of 1000 pages, pandas, matplotlib, Sphinx's pieces) whose one-by-one release took a third of a second after
    the book was published. When a thread other than this one must still be waited for, the usual exit."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
