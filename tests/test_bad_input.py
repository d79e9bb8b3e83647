"""The bad-input corpus (tests/bad_input): every malformed input gets its intended message and exit code.

Each case is a small data folder; tests/bad_input/cases.yaml says, by hand, which command to run,
the exit code, and the substrings the message must contain (file, record, field key and Chinese
label, reason). Accepted spellings (thousands separators, full-width digits, 万元 suffix, GBK, BOM,
Chinese dates) must load to the exact value given. A sample of cases is also fed to `perfeval build`
on a project whose book is already built: the build must fail with exit 2 and change nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor

from perfeval.cli import main
from perfeval.model.files import load_department

from .conftest import ROOT, copy_project, copy_seed

CORPUS = ROOT / "tests" / "bad_input"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
PWNED = Path("/tmp/perfeval-pwned")


def _folder(name: str) -> Path:
    return CORPUS / CASES[name].get("folder", name)


def _args(name: str) -> list[str]:
    spec = CASES[name]
    args = spec.get("args") or ["validate", "--data-dir", "{case}"]
    return [str(a).replace("{case}", str(_folder(name))).replace("{data}", str(ROOT / "data")) for a in args]


def _data_files(name: str) -> list[Path]:
    return sorted(p for p in _folder(name).rglob("*.yaml"))


def _get(record: Any, path: str) -> Any:
    value = record
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value


def test_corpus_is_complete() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    used = {spec.get("folder", name) for name, spec in CASES.items()
            if "args" not in spec or any("{case}" in str(a) for a in spec["args"])}
    assert folders == used, "every case folder has an entry in cases.yaml and vice versa"
    assert len(CASES) >= 40
    rejected = [n for n, s in CASES.items() if s["exit"] == 2]
    assert len(rejected) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec = CASES[name]
    PWNED.unlink(missing_ok=True)
    code = main(_args(name))     # any exception escaping main would be a traceback for the user
    out, err = capsys.readouterr()
    assert code == spec["exit"], (out, err)
    stream = spec.get("stream") or ("stderr" if spec["exit"] == 2 else "stdout")
    text = err if stream == "stderr" else out
    for fragment in spec["expect"]:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert "Traceback" not in out + err
    if spec["exit"] == 2:
        assert out == ""
        assert len(err.strip().splitlines()) == 1, "one message, one line"
        assert err.startswith(("perfeval: 数据错误：", "perfeval: 参数错误：")), err
        assert len(err) < 2000, "the message quotes the bad value only briefly"
    assert not PWNED.exists(), "nothing from a data file is executed"
    if "value" in spec:
        (path,) = _data_files(name)
        assert str(_get(load_department(path), spec["value"]["path"])) == spec["value"]["equals"]


def test_alias_bomb_is_refused_without_expanding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A work bound, not a time bound: the reader composes each node written in the file at most once (an alias
    is not copied) and builds no value at all before it refuses the 9^9 expansion."""
    from perfeval.errors import DataError
    from perfeval.model.files import read_yaml

    (path,) = _data_files("yaml-billion-laughs")
    counts = {"composed": 0, "constructed": 0}

    def counted(method: Any, key: str) -> Any:
        def wrapper(self: Any, *args: Any) -> Any:
            counts[key] += 1
            return method(self, *args)
        return wrapper

    monkeypatch.setattr(Composer, "compose_node", counted(Composer.compose_node, "composed"))
    monkeypatch.setattr(BaseConstructor, "construct_object", counted(BaseConstructor.construct_object, "constructed"))
    with pytest.raises(DataError) as info:
        read_yaml(path)
    assert "拒绝展开" in str(info.value)
    # Both readers (libyaml's, then the pure-Python one that words the message) compose the file once each: a
    # node or an alias written takes at least two characters (`*a` and its separator), so at most one call per
    # character in all, where expanding would take 9^9.
    written = len(path.read_text(encoding="utf-8"))
    assert 0 < counts["composed"] <= written and counts["constructed"] == 0, (counts, written)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfeval.errors import DataError
    from perfeval.model import files

    def never(text: str) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(files, "parse", never)
    (path,) = _data_files("file-too-large")
    with pytest.raises(DataError) as info:
        files.read_yaml(path)
    assert "文件过大" in str(info.value)


def test_a_file_with_a_few_aliases_still_loads() -> None:
    # The base of the corpus (a demo file as the generator once wrote it) uses YAML anchors (&id001) and aliases.
    base = CORPUS / "_base/2024/qinghe-jiaoyu.yaml"
    assert "*id001" in base.read_text(encoding="utf-8")
    rec = load_department(base)
    assert rec.income is not None and rec.income.total is not None
    assert rec.income.total.budget == rec.unit.annual_budget


@pytest.mark.parametrize("name", ["missing-required", "yaml-billion-laughs", "not-text"])
def test_subprocess_exit_code_and_no_traceback(name: str) -> None:
    """The same through `python -m perfeval` (real stderr, real exit status)."""
    proc = subprocess.run([sys.executable, "-m", "perfeval", *_args(name)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    for fragment in CASES[name]["expect"]:
        assert fragment in proc.stderr


# --- a built book is never touched by a build that fails on bad data ------------------------------------

def _tree_digest(folder: Path) -> dict[str, str]:
    """relative path → sha256 of every file under folder (following the _build/html link)."""
    out: dict[str, str] = {}
    for dirpath, _, files in os.walk(folder, followlinks=True):
        for f in files:
            p = Path(dirpath) / f
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def built_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project (the real department and one demo department) with its book built."""
    root = copy_project(tmp_path_factory.mktemp("bad-input-book"), data=False)
    copy_seed(root / "data/2024")
    (root / "data/demo/2024").mkdir(parents=True)
    shutil.copy(ROOT / "data/demo/2024/qinghe-jiaoyu.yaml", root / "data/demo/2024")
    assert main(["build", "--root", str(root)]) == 0
    assert (root / "_build/html/book/2024/qinghe-jiaoyu.html").is_file()
    return root


BUILD_CASES = sorted(n for n, s in CASES.items() if s.get("build"))


@pytest.mark.parametrize("name", BUILD_CASES + ["duplicate-code"])
def test_failed_build_leaves_the_book_unchanged(name: str, built_small: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = built_small
    before_html = _tree_digest(root / "_build/html")
    before_pages = _tree_digest(root / "book")
    demo = root / "data/demo/2024/qinghe-jiaoyu.yaml"
    original = demo.read_bytes()
    if name == "duplicate-code":
        # The same code and year in the two data folders of the project.
        target = root / "data/2024/qinghe-jiaoyu.yaml"
        shutil.copy(CORPUS / "duplicate-code/a/2024/qinghe-jiaoyu.yaml", target)
        expect = ["data/demo/2024/qinghe-jiaoyu.yaml", "data/2024/qinghe-jiaoyu.yaml", "重复"]
    else:
        (bad,) = _data_files(name)
        target = root / "data/demo/2024" / bad.name
        if target != demo:
            demo.unlink()
        shutil.copy(bad, target)
        expect = [bad.name] + [e for e in CASES[name]["expect"] if not e.endswith(".yaml")]
    capsys.readouterr()
    try:
        code = main(["build", "--root", str(root)])
        out, err = capsys.readouterr()
    finally:
        if target != demo:
            target.unlink()
        demo.write_bytes(original)
    assert code == 2
    assert "Traceback" not in err
    for fragment in expect:
        assert fragment in err, (fragment, err)
    assert _tree_digest(root / "_build/html") == before_html
    assert _tree_digest(root / "book") == before_pages
