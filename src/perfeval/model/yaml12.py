"""The YAML dialect of data files: YAML 1.2 core rules, safe and exact, in both directions.

Reading (:func:`parse`):

- Plain scalars are resolved by the YAML 1.2 *core* schema, not PyYAML's YAML 1.1 rules:
  ``0700`` and ``010`` are the decimal integers 700 and 10 (not octal 448 and 8), ``11:40`` is
  the text "11:40" (not the sexagesimal 700), ``yes``/``no``/``on``/``off`` are text, dates are
  text (the schema reads them, see :func:`perfeval.model.numbers.parse_date`), ``1_000`` is text.
  Octal and hexadecimal forms (``0o17``, ``0x1F``) are refused: amounts are decimal.
- Numbers with a fraction or exponent are read as ``Decimal`` from their exact text.
- Explicit tags (``!!str``, ``!!set``, ``!!binary``, ``!!python/…``, ``!foo``, ``!``) are refused.
- A key written twice in one mapping is refused, naming both lines.
- Alias bombs are refused before anything is expanded (count of aliases, size after expansion).

Writing (:func:`dump`): block style, lists indented under their key, keys in the order given,
Chinese unescaped, Decimals as plain numbers with their exact text, never anchors or aliases.
Text is always a YAML scalar chosen by the emitter: multi-line text is a literal block (``|``) only
when that reads back identically, otherwise a double-quoted scalar with escapes; text that a YAML 1.1
or 1.2 reader would take for something else (``0700``, ``11:40``, ``yes``, ``2025-05-30``, ``=``)
is quoted. :func:`comment_lines` turns any text into ``#`` comment lines that cannot end early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

#: Limits against YAML alias bombs ("billion laughs"): aliases in one file, and nodes after expanding them.
MAX_ALIASES = 200
MAX_EXPANDED_NODES = 200_000

_STANDARD = "tag:yaml.org,2002:"


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


@dataclass
class YamlProblem(Exception):
    """A file that is not acceptable YAML: a Chinese message and, when known, the line (1-based)."""

    message: str
    line: int | None = None
    column: int | None = None
    record: str = ""
    field: str = ""

    def __str__(self) -> str:
        return self.message


class Core12Resolver(BaseResolver):
    """Implicit types of the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#103-core-schema)."""


Core12Resolver.add_implicit_resolver(
    _STANDARD + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Core12Resolver.add_implicit_resolver(
    _STANDARD + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Core12Resolver.add_implicit_resolver(
    _STANDARD + "float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
Core12Resolver.add_implicit_resolver(
    _STANDARD + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Constructor(SafeConstructor):
    """Core-schema values: decimal ints, exact Decimals; keys written twice are refused."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:  # type: ignore[override]
        text = str(self.construct_scalar(node))
        if text[:2] in ("0o", "0x"):
            mark = node.start_mark
            raise YamlProblem(f"YAML 格式错误 第 {mark.line + 1} 行第 {mark.column + 1} 列：不接受八进制或十六进制数"
                              f"「{text}」，请写成十进制数 (octal and hexadecimal numbers are not accepted)",
                              mark.line + 1, mark.column + 1)
        return int(text, 10)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Decimal:  # type: ignore[override]
        text = str(self.construct_scalar(node))
        lowered = text.lower()
        if lowered == ".nan":
            return Decimal("NaN")
        if lowered in (".inf", "+.inf"):
            return Decimal("Infinity")
        if lowered == "-.inf":
            return Decimal("-Infinity")
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the resolver only hands valid floats
            raise ConstructorError(None, None, f"bad number {text!r}", node.start_mark) from exc


_Constructor.add_constructor(_STANDARD + "int", _Constructor.construct_yaml_int)
_Constructor.add_constructor(_STANDARD + "float", _Constructor.construct_yaml_float)


class DataLoader(Reader, Scanner, Parser, Composer, _Constructor, Core12Resolver):
    """Safe YAML 1.2 core loader that counts aliases and refuses explicit tags while composing."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Constructor.__init__(self)
        Core12Resolver.__init__(self)
        self.alias_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        _check_event(self, self.peek_event())
        return super().compose_node(parent, index)


def _check_event(loader: Any, event: Any) -> None:
    """Count aliases and refuse explicit tags, before a node is composed."""
    if isinstance(event, yaml.AliasEvent):
        loader.alias_count += 1
        if loader.alias_count > MAX_ALIASES:
            line = event.start_mark.line + 1
            raise YamlProblem(f"第 {line} 行附近：YAML 别名（*引用）超过 {MAX_ALIASES} 个，拒绝展开 "
                              "(too many aliases)", line)
    else:
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag[len(_STANDARD):] if tag.startswith(_STANDARD) else tag
            mark = event.start_mark
            raise YamlProblem(f"YAML 格式错误 第 {mark.line + 1} 行第 {mark.column + 1} 列：不接受 YAML 标签 "
                              f"{shown}，请删除标签，直接写值 (explicit tags are not allowed)",
                              mark.line + 1, mark.column + 1)


try:
    from yaml._yaml import CParser as _CParser   # libyaml, PyYAML's C extension
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

if _CParser is not None:
    class _FastLoader(Composer, _CParser, _Constructor, Core12Resolver):  # type: ignore[misc, valid-type]
        """:class:`DataLoader` with libyaml's scanner and parser (about 4× faster; a book of 1000 departments
        reads every file on each build and in several pages). Only used for documents it reads without any
        problem: every problem is found and worded by :class:`DataLoader`."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            _Constructor.__init__(self)
            Core12Resolver.__init__(self)
            self.alias_count = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            _check_event(self, self.peek_event())
            return Composer.compose_node(self, parent, index)
else:  # pragma: no cover
    _FastLoader = None  # type: ignore[assignment, misc]


def _expanded_size(root: yaml.Node) -> int:
    """The number of nodes once every alias is expanded (shared nodes counted at each use), bounded."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            line = node.start_mark.line + 1
            raise YamlProblem(f"第 {line} 行附近：YAML 别名引用了自身（循环引用）(recursive alias)", line)
        active.add(key)
        total = 1
        for child in _children(node):
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                line = node.start_mark.line + 1
                raise YamlProblem(f"第 {line} 行附近：YAML 别名展开后超过 {MAX_EXPANDED_NODES} 个节点，拒绝展开 "
                                  "(alias expansion too large)", line)
        active.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _key_identity(node: yaml.Node) -> tuple[str, Any] | None:
    """What makes two keys the same key (``1`` and ``01`` are both the integer 1); None: not a scalar key."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    text = str(node.value)
    if node.tag == _STANDARD + "int" and text[:2] not in ("0o", "0x"):
        return node.tag, int(text, 10)
    if node.tag == _STANDARD + "float":
        try:
            return node.tag, Decimal(text)
        except InvalidOperation:
            return node.tag, text.lower()
    if node.tag in (_STANDARD + "bool", _STANDARD + "null"):
        return node.tag, text.lower().replace("~", "null")
    return node.tag, text


def _check_keys(root: yaml.Node) -> None:
    """Refuse a mapping in which a key is written twice, naming the record, the key and both lines."""
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            lines: dict[tuple[str, Any], int] = {}
            for key_node, value_node in node.value:
                identity = _key_identity(key_node)
                name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                line = key_node.start_mark.line + 1
                if identity is not None:
                    if identity in lines:
                        raise YamlProblem(f"键「{name}」重复：第 {lines[identity]} 行和第 {line} 行都写了它，"
                                          f"请合并为一处 (duplicate key, lines {lines[identity]} and {line})",
                                          line, record=path, field=name)
                    lines[identity] = line
                stack.append((value_node, f"{path}.{name}" if path else name))


def parse(text: str) -> Any:
    """The data of one YAML document (None when it holds nothing).

    Raises :class:`YamlProblem` for malformed YAML, tags, keys written twice and alias bombs.
    """
    if _FastLoader is not None:
        try:
            return _load(_FastLoader(text))
        except Exception:  # noqa: BLE001 - any problem: the pure-Python reader finds it and words it
            pass
    try:
        return _load(DataLoader(text))
    except RecursionError:
        raise YamlProblem("YAML 嵌套层级过深 (nesting too deep)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise YamlProblem(f"YAML 格式错误 {where}：{exc.problem} (malformed YAML)",
                          mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML 格式错误：{exc} (malformed YAML)") from None


def _load(loader: Any) -> Any:
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        _check_keys(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Comment:
    """A ``#`` comment of a YAML text: its line (1-based), its text, and whether it comes before any data."""

    line: int
    text: str
    leading: bool


_COMMENT = re.compile(r"#[^\n\r\x85\u2028\u2029]*")


def comments(text: str) -> list[Comment]:
    """The comments of a YAML text, in order (a ``#`` inside a value is not one).

    PyYAML's scanner skips comments; what lies between two tokens is white space and comments only, so
    every ``#`` found there starts a comment. Raises :class:`YamlProblem` for malformed YAML.
    """
    out: list[Comment] = []
    position = 0
    seen_data = False
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start = token.start_mark.index
            for match in _COMMENT.finditer(text, position, max(position, start)):
                line = text.count("\n", 0, match.start()) + 1
                out.append(Comment(line, match.group(0)[1:].strip(), not seen_data))
            position = max(position, token.end_mark.index)
            if not isinstance(token, (yaml.StreamStartToken, yaml.StreamEndToken)):
                seen_data = True
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise YamlProblem(f"YAML 格式错误：{exc.problem} (malformed YAML)", mark.line + 1 if mark else None) from None
    return out


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


class FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written in flow style (``{value: 15, unit: 件}``)."""


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, Decimals as plain numbers, never aliases.

    Its resolver knows YAML 1.1 *and* 1.2 core types, so that a text either kind of reader would take
    for a non-text (``0700``, ``11:40``, ``1e3``, ``yes``, ``2025-05-30``) is written quoted.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        # Never write anchors/aliases (&id001 / *id001): a hand-edited file must show every value.
        return True


def decimal_yaml_text(value: Decimal) -> str:
    """YAML text of a Decimal that :func:`parse` reads back with the same ``str()``."""
    sign, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent > 0:
        # "15.E+2" is a YAML float (1.1 and 1.2) whose Decimal is exactly Decimal("1.5E+3").
        return ("-" if sign else "") + "".join(map(str, digits)) + f".E+{exponent}"
    return format(value, "f")


def _represent_decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = decimal_yaml_text(value)
    tag = _STANDARD + ("int" if re.fullmatch(r"-?[0-9]+", text) else "float")
    return dumper.represent_scalar(tag, text)


#: Characters that a literal block (``|``) would not give back as written.
_NOT_LITERAL = re.compile("[\r\x85\u2028\u2029\ufeff\t]|[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _literal_safe(text: str) -> bool:
    """A literal block keeps this multi-line text exactly (no special breaks, no trailing spaces, ≤ 1 final break)."""
    return (not _NOT_LITERAL.search(text) and not text.endswith("\n\n") and not text.startswith((" ", "\n"))
            and not re.search(r" (\n|$)", text))


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if re.search("[\n\r\x85\u2028\u2029]", value):
        style = "|" if _literal_safe(value) else '"'
    return dumper.represent_scalar(_STANDARD + "str", value, style=style)


def _represent_flow(dumper: _Dumper, value: FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping(_STANDARD + "map", value.items(), flow_style=True)


for _first, _resolvers in list(Core12Resolver.yaml_implicit_resolvers.items()):
    for _tag, _regexp in _resolvers:
        _Dumper.add_implicit_resolver(_tag, _regexp, [_first])

_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(FlowMap, _represent_flow)


def dump(data: Any) -> str:
    """YAML text of ``data`` (mappings, lists, text, int, Decimal, bool, date, None), one blank line around
    each top-level block (a key whose value is nested), loadable by :func:`parse` to the same data."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=1_000_000, indent=2)
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        # A line at column 0 is always a new top-level key: text never spans such a line (multi-line
        # text is an indented literal block that cannot end in blank lines, or one double-quoted line).
        if i and line and not line[0].isspace() and (lines[i - 1][:1] in (" ", "-") or line.endswith(":")):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


_COMMENT_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_UNPRINTABLE = re.compile("[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def comment_lines(text: str | Iterable[str]) -> str:
    """``#`` comment lines for ``text`` (a string or lines): every line break of the text starts a new
    comment line, and characters a YAML reader refuses are replaced by U+FFFD, so that no text can end
    the comment and become data."""
    parts = [text] if isinstance(text, str) else list(text)
    out: list[str] = []
    for part in parts:
        for line in _COMMENT_BREAKS.split(part):
            line = _UNPRINTABLE.sub("\ufffd", line).rstrip()
            out.append(f"# {line}" if line else "#")
    return "".join(line + "\n" for line in out)
