from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from perfeval.cli import main

from .conftest import ROOT, copy_project


def test_run_rejects_an_unknown_parameter(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["run", "xiangtan-minzheng", "2024", "-p", "data_dri", "data", "-o", str(tmp_path / "o.ipynb")])
    err = capsys.readouterr().err
    assert code == 2
    assert "data_dri" in err and "未知参数" in err and "Traceback" not in err
    assert not (tmp_path / "o.ipynb").exists()


def test_run_with_other_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other-data"
    shutil.copytree(ROOT / "data", other)
    path = other / "2024" / "xiangtan-minzheng.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("annual_budget: 2373.85", "annual_budget: 2400.5"),
                    encoding="utf-8")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.ipynb"
    assert main(["run", "xiangtan-minzheng", "2024", "-p", "data_dir", str(other), "-o", str(out)]) == 0
    nb = nbformat.read(out, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "2400.5万元" in html and "年度预算金额2373.85" not in html
    assert nb.cells[0].source == "# 2024年湘潭市民政局部门整体支出绩效评价报告"


def test_missing_data_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["run", "no-such-dept", "2024", "-o", str(tmp_path / "x.ipynb")])
    err = capsys.readouterr().err
    assert code == 2 and "no-such-dept.yaml" in err and "文件不存在" in err


def test_validate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0
    assert "数据校验通过" in capsys.readouterr().out


# --- help, messages and version in Chinese ---------------------------------------------------------

ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help",
                    "show program's version", "the following arguments are required", "invalid choice",
                    "unrecognized arguments", "expected one argument", "invalid int value", "error:",
                    "choose from", "argument ")


def _commands() -> list[str]:
    from perfeval.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(sub.choices)


def _english(text: str) -> list[str]:
    return [phrase for phrase in ARGPARSE_ENGLISH if phrase in text]


def test_help_of_every_command_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _commands()
    assert {"run", "build", "validate", "demo", "score", "check", "excel-template", "import-excel",
            "export-excel", "export-docx", "import-report", "audit"} <= set(commands)
    for argv in [["--help"]] + [[c, "--help"] for c in commands]:
        with pytest.raises(SystemExit) as info:
            main(argv)
        out, err = capsys.readouterr()
        assert info.value.code == 0
        assert out.startswith("用法：perfeval") and "显示本帮助并退出" in out, argv
        assert _english(out + err) == [], (argv, out)
        # Placeholders are Chinese too: no FRAMEWORK / DATA_DIR (argparse's default for an option) and no
        # "code year" (its default for a positional) in the usage lines.
        usage = out.split("\n\n", 1)[0]
        usage = usage.removeprefix("用法：perfeval").removeprefix(f" {argv[0]}" if argv[0] in commands else "")
        assert re.findall(r"(?<![-\w{,])([A-Za-z_]{2,})(?![\w}])", usage) == [], (argv, usage)


@pytest.mark.parametrize("argv", [
    [],                                        # no command
    ["bogus"],                                 # unknown command
    ["build", "--engine", "x"],                # invalid choice
    ["build", "--jobs", "many"],               # invalid int
    ["run", "xiangtan-minzheng"],              # missing arguments
    ["validate", "--nope"],                    # unrecognized argument
    ["run", "a", "2024", "-o"],                # expected one argument
])
def test_argparse_messages_are_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert err.startswith("用法：perfeval") and "perfeval: 参数错误：" in err
    assert _english(out + err) == [], err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import perfeval

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"perfeval {perfeval.__version__}"


# --- no command writes over a file unless told to, nor anything but data into a data folder ---------

def test_run_does_not_overwrite_and_never_writes_into_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path / "p")
    monkeypatch.chdir(root)
    data_file = root / "data/2024/xiangtan-minzheng.yaml"
    original = data_file.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["run", "xiangtan-minzheng", "2024", "-o", "data/2024/xiangtan-minzheng.yaml", *extra]) == 2
        err = capsys.readouterr().err
        assert "数据目录" in err and "--force 也不行" in err
        assert data_file.read_bytes() == original
    # also a data folder given with -p data_dir
    other = tmp_path / "other"
    shutil.copytree(root / "data", other)
    assert main(["run", "xiangtan-minzheng", "2024", "-p", "data_dir", str(other), "-o", str(other / "x.ipynb"),
                 "--force"]) == 2
    assert not (other / "x.ipynb").exists()
    out = tmp_path / "existing.ipynb"
    out.write_text("mine", encoding="utf-8")
    assert main(["run", "xiangtan-minzheng", "2024", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_text(encoding="utf-8") == "mine"
    assert main(["run", "xiangtan-minzheng", "2024", "-o", str(out), "--force"]) == 0
    assert nbformat.read(out, as_version=4).cells[0].source == "# 2024年湘潭市民政局部门整体支出绩效评价报告"


def test_run_with_a_framework_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    framework = tmp_path / "mine.yaml"
    text = (ROOT / "data/frameworks/common.yaml").read_text(encoding="utf-8")
    framework.write_text(text.replace("name: common", "name: mine", 1), encoding="utf-8")
    out = tmp_path / "o.ipynb"
    assert main(["run", "xiangtan-minzheng", "2024", "--framework", str(framework), "-o", str(out)]) == 0
    nb = nbformat.read(out, as_version=4)
    assert str(framework) in nb.metadata["papermill"]["parameters"].values()


def test_export_docx_does_not_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.docx"
    out.write_bytes(b"mine")
    args = ["export-docx", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(ROOT / "data")]
    assert main(args) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"mine"
    assert main([*args[:4], str(ROOT / "data" / "2024" / "x.docx"), *args[5:], "--force"]) == 2
    assert not (ROOT / "data" / "2024" / "x.docx").exists()
    assert main([*args, "--force"]) == 0 and out.read_bytes()[:2] == b"PK"


def test_demo_does_not_replace_a_different_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["demo", "--departments", "2", "--years", "2024", "--seed", "7", "--out", str(tmp_path)]
    assert main(args) == 0
    target = sorted(tmp_path.rglob("*.yaml"))[0]
    generated = target.read_bytes()
    assert main(args) == 0, "writing the same files again changes nothing: allowed"
    target.write_bytes(b"# a real department's data\n")
    assert main(args) == 2
    assert str(target) in capsys.readouterr().err and target.read_bytes() == b"# a real department's data\n"
    assert main([*args, "--force"]) == 0 and target.read_bytes() == generated


def test_import_report_does_not_overwrite_the_sources_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import SEED_TEXT

    out = tmp_path / "xiangtan-minzheng.yaml"
    sources = tmp_path / "xiangtan-minzheng.sources.yml"
    sources.write_text("mine\n", encoding="utf-8")
    argv = ["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "--year", "2024", "-o", str(out)]
    assert main(argv) == 2
    assert "sources.yml" in capsys.readouterr().err
    assert sources.read_text(encoding="utf-8") == "mine\n" and not out.exists()
    assert main([*argv, "--force"]) in (0, 1) and sources.read_text(encoding="utf-8") != "mine\n"


# --- a failed copy of many files is one short line ----------------------------------------------------

def test_disk_full_is_one_short_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from perfeval.cli import build as build_cli

    def full(*args: object, **kwargs: object) -> None:
        failures = [(f"/p/_build/.sphinx-cache/f{i}.html", f"/p/_build/.staging-sphinx/f{i}.html",
                     "[Errno 28] No space left on device") for i in range(5000)]
        raise shutil.Error(failures)

    root = copy_project(tmp_path / "p", data=False)
    monkeypatch.setattr(build_cli, "build", full)
    assert main(["build", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 400, err
    assert "No space left on device" in err and "/p/_build/.sphinx-cache/f0.html" in err and "5000" in err

    def enospc(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", "/p/_build/build.json")

    monkeypatch.setattr(build_cli, "build", enospc)
    assert main(["build", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err == "perfeval: 文件错误：/p/_build/build.json：No space left on device\n"


def test_excel_files_are_not_written_into_a_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert main(["excel-template", "-o", "data/模板.xlsx", "--force"]) == 2
    assert main(["export-excel", "xiangtan-minzheng", "2024", "-o", "data/2024/x.xlsx", "--force"]) == 2
    assert "数据目录" in capsys.readouterr().err
    assert not (root / "data/模板.xlsx").exists() and not (root / "data/2024/x.xlsx").exists()
    assert main(["excel-template", "-o", "模板.xlsx"]) == 0 and (root / "模板.xlsx").is_file()


# --- ending the process ------------------------------------------------------------------------------

def _ending(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "import atexit, sys, threading, time\n"
                           "from perfeval.cli import end_process\n" + code],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_command_ends_with_its_code_its_exit_handlers_and_all_it_printed() -> None:
    """``perfeval`` ends without tearing the interpreter down (:func:`perfeval.cli.end_process`): what it
    printed (buffered, not flushed) is all there, the exit handlers ran, the code is the command's."""
    done = _ending("atexit.register(lambda: print('收尾', flush=True))\n"
                   "print('输出' * 5000, end='')\nsys.stderr.write('提示')\nend_process(3)")
    assert done.returncode == 3
    assert done.stdout == "输出" * 5000 + "收尾\n"
    assert done.stderr == "提示"


def test_the_command_waits_for_a_thread_still_at_work() -> None:
    """A thread other than the main one still running (not a daemon) is waited for: the usual exit."""
    done = _ending("threading.Thread(target=lambda: (time.sleep(0.5), print('线程完成', flush=True))).start()\n"
                   "end_process(4)")
    assert done.returncode == 4
    assert done.stdout == "线程完成\n"


def test_python_m_perfeval_is_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "perfeval", "validate"], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
