"""argparse in Chinese: help headings, the help and version options, and every error message.

argparse writes its own words in English ("usage:", "options", "invalid choice" …). The formatter
translates the headings; :class:`Parser` replaces the help option with a Chinese one and translates
argparse's error messages before printing them (exit code 2, as argparse does).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from typing import Any, Callable, NoReturn

USAGE_PREFIX = "用法："
HEADINGS = {"positional arguments": "位置参数", "options": "选项", "optional arguments": "选项"}
TYPE_NAMES = {"int": "整数", "float": "数字", "Path": "路径", "str": "文本"}


def _typed(match: re.Match[str]) -> str:
    kind = match.group(1)
    return f"应为{TYPE_NAMES.get(kind, kind)}，收到 {match.group(2)}"


#: argparse's messages (Python 3.11–3.13) → Chinese. Applied in order; "argument X: …" recurses.
MESSAGES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^the following arguments are required: (.+)$"), r"缺少必需的参数：\1"),
    (re.compile(r"^unrecognized arguments: (.+)$"), r"无法识别的参数：\1"),
    (re.compile(r"^invalid choice: (.+?) \(choose from (.+)\)$"), r"无效的选择 \1（可选：\2）"),
    (re.compile(r"^invalid (\w+) value: (.+)$"), _typed),
    (re.compile(r"^expected one argument$"), "需要一个值"),
    (re.compile(r"^expected at most one argument$"), "最多只能有一个值"),
    (re.compile(r"^expected at least one argument$"), "至少需要一个值"),
    (re.compile(r"^expected (\d+) arguments?$"), r"需要 \1 个值"),
    (re.compile(r"^one of the arguments (.+) is required$"), r"必须给出以下参数之一：\1"),
    (re.compile(r"^not allowed with argument (.+)$"), r"不能与参数 \1 同时使用"),
    (re.compile(r"^ignored explicit argument (.+)$"), r"不接受值 \1"),
    (re.compile(r"^ambiguous option: (\S+) could match (.+)$"), r"选项 \1 有歧义，可能是：\2"),
    (re.compile(r"^unknown parser (.+?) \(choices: (.+)\)$"), r"未知命令 \1（可选：\2）"),
    (re.compile(r"^can't open '(.+)': (.+)$"), r"无法打开 \1：\2"),
]
_ARGUMENT = re.compile(r"^argument ([^:]+): (.+)$", re.DOTALL)


def translate(message: str) -> str:
    """argparse's English error message in Chinese (messages that are already Chinese pass unchanged)."""
    match = _ARGUMENT.match(message)
    if match:
        return f"参数 {match.group(1)}：{translate(match.group(2))}"
    for pattern, replacement in MESSAGES:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class HelpFormatter(argparse.HelpFormatter):
    """Chinese headings ("用法：", "位置参数", "选项")."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(HEADINGS.get(heading, heading) if heading else heading)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese; subcommand parsers are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"perfeval: 参数错误：{translate(message)}", file=sys.stderr)
        raise SystemExit(2)


def printable(text: str) -> str:
    """Text safe for a terminal: control and format characters (escape codes, bidi overrides) removed,
    line breaks and tabs turned into spaces."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def printable_lines(text: str) -> str:
    """:func:`printable` line by line: a message's own line breaks stay, escape codes from data (a file name,
    a value quoted in an error) do not reach the terminal."""
    return "\n".join(printable(line) for line in text.splitlines())
