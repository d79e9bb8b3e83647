"""The YAML dialect of data files (issue 16): YAML 1.2 core rules, no tags, no key written twice,
and a writer whose text always reads back as written (by our reader and by a YAML 1.1 reader)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.errors import DataError
from perfeval.model import DepartmentYear, dump_record, load_department, read_yaml, records_identical, write_record
from perfeval.model.yaml12 import YamlProblem, comment_lines, dump, parse

from .conftest import SEED_DATA


# --------------------------------------------------------------------------- reading: YAML 1.2 core


@pytest.mark.parametrize(("text", "value"), [
    ("0700", 700),                 # YAML 1.1: octal 448
    ("010", 10),                   # YAML 1.1: octal 8
    ("-0012", -12),
    ("11:40", "11:40"),            # YAML 1.1: sexagesimal 700
    ("1:20:30", "1:20:30"),
    ("1_000", "1_000"),            # YAML 1.1: 1000
    ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"),   # YAML 1.1: booleans
    ("true", True), ("False", False),
    ("2025-05-30", "2025-05-30"),  # YAML 1.1: a date; the schema reads the text (one date policy)
    ("=", "="), ("<<", "<<"),
    ("~", None), ("null", None), ("", None),
    ("1.50", Decimal("1.50")), ("1e3", Decimal("1E+3")), (".5", Decimal("0.5")), ("15.E+2", Decimal("1.5E+3")),
    ("'0700'", "0700"),
])
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    data = parse(f"key: {text}\n")
    assert data == {"key": value}
    assert type(data["key"]) is type(value)


def test_a_leading_zero_amount_loads_as_written_in_decimal(tmp_path: Path) -> None:
    text = SEED_DATA.read_text(encoding="utf-8").replace("  annual_budget: 2373.85\n", "  annual_budget: 0700\n")
    path = tmp_path / "2024" / SEED_DATA.name
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    shutil.copy(SEED_DATA.with_name("xiangtan-minzheng.source.txt"), path.parent)   # the report the seed names
    assert load_department(path).unit.annual_budget == Decimal(700)


@pytest.mark.parametrize("text", ["0o17", "0x1F"])
def test_octal_and_hexadecimal_are_refused(text: str) -> None:
    with pytest.raises(YamlProblem, match="不接受八进制或十六进制数"):
        parse(f"key: {text}\n")


@pytest.mark.parametrize(("text", "shown"), [
    ("!!str 1", "!!str"), ("!!int '1'", "!!int"), ("!!set {a, b}", "!!set"), ("!!binary aGk=", "!!binary"),
    ("!!timestamp 2025-05-30", "!!timestamp"), ("!!python/name:os.system", "!!python/name:os.system"),
    ("!custom x", "!custom"), ("! x", "!"), ("!!map {a: 1}", "!!map"), ("!!seq [1]", "!!seq"),
])
def test_every_explicit_tag_is_refused(text: str, shown: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse(f"a: 1\nkey: {text}\n")
    assert f"不接受 YAML 标签 {shown}，" in info.value.message
    assert "第 2 行" in info.value.message


@pytest.mark.parametrize(("text", "record", "key", "lines"), [
    ("a: 1\nb: 2\na: 3\n", "", "a", (1, 3)),
    ("unit:\n  name: x\nother: 1\nunit:\n  name: y\n", "", "unit", (1, 4)),
    ("goals:\n  - number: 1\n    text: a\n    text: b\n", "goals[0]", "text", (3, 4)),
    ("m:\n  1: a\n  01: b\n", "m", "01", (2, 3)),           # the same integer key
    ("m: {x: 1, x: 2}\n", "m", "x", (1, 1)),
])
def test_a_key_written_twice_is_refused_naming_both_lines(text: str, record: str, key: str,
                                                           lines: tuple[int, int]) -> None:
    with pytest.raises(YamlProblem) as info:
        parse(text)
    assert info.value.record == record and info.value.field == key
    assert f"第 {lines[0]} 行和第 {lines[1]} 行" in info.value.message


def test_the_same_mapping_used_twice_through_an_alias_is_not_a_duplicate() -> None:
    assert parse("a: &x {k: 1}\nb: *x\n") == {"a": {"k": 1}, "b": {"k": 1}}


def test_read_yaml_names_file_record_and_field_for_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("code: a\nincome:\n  total: 1\n  total: 2\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_yaml(path)
    assert info.value.record == "income" and info.value.field == "total"
    assert "第 3 行和第 4 行" in str(info.value)


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("text", ["0700", "010", "11:40", "1_000", "yes", "no", "on", "True", "null", "~", "",
                                  "2025-05-30", "1e3", "0x1F", "0o17", "=", "<<", ".5", "- x", "# x", "a: b",
                                  "@x", "`x", "!x", "&x", "*x", "%x", " x", "x "])
def test_text_that_looks_like_something_else_is_quoted(text: str) -> None:
    out = dump({"key": text})
    assert out != f"key: {text}\n"
    assert parse(out) == {"key": text}
    assert yaml.safe_load(out) == {"key": text}


def test_multi_line_text_is_a_literal_block() -> None:
    out = dump({"a": "第一行\n第二行", "b": 1})
    assert out == "a: |-\n  第一行\n  第二行\n\nb: 1\n"   # a blank line after a top-level block
    assert parse(out) == {"a": "第一行\n第二行", "b": 1}
    assert parse(dump({"a": "x\n  indented\n"})) == {"a": "x\n  indented\n"}


@pytest.mark.parametrize("text", ["a\nb\n\n", "a\r\nb", "a\rb", "a\x85b", "a\u2028b", "a\u2029b", " lead\nx",
                                  "trail \nx", "\nx", "a\tb\nc", "\ufeffa\nb", "a\x07\nb"])
def test_text_a_literal_block_would_change_is_double_quoted_on_one_line(text: str) -> None:
    out = dump({"key": text, "next": 1})
    assert out.count("\n") == 2 and out.startswith('key: "')
    assert parse(out) == {"key": text, "next": 1}


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from([
    "x\nother_notes: y", "a\n\nb", "a\n", "a\n\n", "0700", "11:40", "yes", "2025-05-30", "a\n#b", "- a\n- b"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _TEXT, max_size=3), _TEXT)
def test_any_text_reads_back_as_written(mapping: dict[str, str], text: str) -> None:
    data = {"text": text, "mapping": mapping, "list": [text, {"k": text}], "n": Decimal("1.50"), "i": 3}
    out = dump(data)
    assert parse(out) == data
    assert yaml.safe_load(out) == data     # a YAML 1.1 reader (PyYAML's own) reads the same


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_a_comment_never_ends_early(text: str) -> None:
    out = comment_lines(["header", text]) + "key: 1\n"
    assert parse(out) == {"key": 1}
    assert all(line.startswith("#") for line in out.splitlines()[:-1])


def test_decimals_keep_their_text_and_dates_stay_dates() -> None:
    data = {"a": Decimal("1595.30"), "b": Decimal("1.5E+3"), "c": Decimal("-0.0411"), "d": Decimal(7),
            "e": dt.date(2025, 5, 30)}
    out = dump(data)
    assert "a: 1595.30\n" in out and "b: 15.E+2\n" in out and "d: 7\n" in out and "e: 2025-05-30\n" in out
    back = parse(out)
    assert [str(back[k]) for k in "abcd"] == ["1595.30", "1.5E+3", "-0.0411", "7"]
    assert back["e"] == "2025-05-30"


def _seed_with(**changes: Any) -> DepartmentYear:
    """The seed with some fields changed, written elsewhere without its report (so without its ``source``)."""
    seed = load_department(SEED_DATA)
    data = seed.model_dump()
    data["source"] = None
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return DepartmentYear.model_validate(data)


def test_a_line_break_in_a_name_stays_inside_its_value(tmp_path: Path) -> None:
    """Issue 16: the unit name went unescaped into a '#' header comment; '…\\nother_notes: x' made a stray key."""
    record = _seed_with(unit__name="湘潭市民政局\nother_notes: x", title="标题\n# 不是注释")
    path = tmp_path / "2024" / "xiangtan-minzheng.yaml"
    header = f"{record.year}年{record.unit.name}：由 perfeval import-excel 导入。"
    assert write_record(record, path, header=header)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 2024年湘潭市民政局\n# other_notes: x：由 perfeval import-excel 导入。\ncode:")
    back = load_department(path)
    assert records_identical(back, record)
    assert back.other_notes == record.other_notes
    assert parse(text)["unit"]["name"] == "湘潭市民政局\nother_notes: x"
    assert [line for line in text.splitlines() if line.startswith("other_notes:")] == \
        [line for line in dump_record(load_department(SEED_DATA)).splitlines() if line.startswith("other_notes:")]


@pytest.mark.parametrize("name", ["a\r\nb", "a\rb", "  a", "a\n", "'\"\\", "a: b", "- a", "{a}"])
def test_hostile_text_in_a_record_round_trips(tmp_path: Path, name: str) -> None:
    record = _seed_with(unit__supervisor=name, other_notes=name)
    path = tmp_path / "2024" / "xiangtan-minzheng.yaml"
    assert write_record(record, path, header=name)
    assert records_identical(load_department(path), record)


@pytest.mark.parametrize("name", ["a\u2028b", "a\u2029b", "a\x85b", "a\x9fb"])
def test_unicode_line_separators_and_c1_controls_are_refused_in_a_record(name: str) -> None:
    """Schema 2 refuses them in text (NEL, LS, PS, C1 controls); the writer still keeps them (tested above)."""
    with pytest.raises(ValueError, match=f"控制字符 U\\+{ord(name[1]):04X}"):
        _seed_with(other_notes=name)


# --------------------------------------------------------------------------- reading: libyaml's C parser

def _every_yaml_text() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parents[1]
    paths = sorted({*root.glob("data/**/*.yaml"), *root.glob("tests/bad_input/**/*.yaml")})
    out = []
    for path in paths:
        try:
            out.append((str(path.relative_to(root)), path.read_bytes().decode("utf-8-sig")))
        except UnicodeDecodeError:
            continue   # an encoding case: not a parser matter
    return out


def _outcome(text: str) -> tuple[str, Any]:
    try:
        return "value", parse(text)
    except YamlProblem as exc:
        return "problem", (str(exc), exc.line, exc.column, exc.record, exc.field)


def test_the_c_parser_reads_every_file_as_the_python_parser_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every data file and every case of the bad-input corpus: the same value, or the same problem (worded by
    the pure-Python reader), with libyaml's parser as without it."""
    import perfeval.model.yaml12 as yaml12

    texts = _every_yaml_text()
    assert yaml12._FastLoader is not None and len(texts) > 40
    fast = [_outcome(text) for _, text in texts]
    monkeypatch.setattr(yaml12, "_FastLoader", None)
    slow = [_outcome(text) for _, text in texts]
    assert [name for (name, _), a, b in zip(texts, fast, slow) if repr(a) != repr(b)] == []   # repr: NaN != NaN
    assert sum(kind == "problem" for kind, _ in slow) >= 3 and sum(kind == "value" for kind, _ in slow) > 30


def test_a_document_without_problems_is_read_by_the_c_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfeval.model.yaml12 as yaml12

    def refuse(*args: Any) -> None:
        raise AssertionError("the pure-Python reader was used")

    monkeypatch.setattr(yaml12, "DataLoader", refuse)
    assert parse(SEED_DATA.read_text(encoding="utf-8"))["code"] == "xiangtan-minzheng"
    assert parse("a: 0700\nb: 1.50\n") == {"a": 700, "b": Decimal("1.50")}
