"""`perfeval init DIR` and the wheel: a new book folder from the installed package, and (slow) the wheel
pip-installed into a fresh venv that starts a book, imports a report, builds and opens it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from perfeval.cli import main
from perfeval.skeleton import DEMO_TITLE, INTRO_DATA_LINE, init_project, source_root
from perfeval.skeleton.manifest import project_files

from .conftest import ROOT

REPORT = ROOT / "tests" / "fixtures" / "real-reports" / "02_yuanling_huochangxiang.txt"


def test_the_project_files_are_the_repository_s_own() -> None:
    files = project_files(ROOT)
    for expected in ("_config.yml", "notebooks/department.ipynb", "notebooks/overview.ipynb",
                     "notebooks/findings.ipynb", "notebooks/method.ipynb", "data/frameworks/xiangtan-2024.yaml",
                     "data/frameworks/common.yaml", "book/intro.md", "book/glossary.md", "book/search-dict.txt",
                     "book/_static/perfeval.css", "disclosure-accepted.yaml", "docs/使用说明.md"):
        assert expected in files, expected
    assert not [f for f in files if f.startswith(("data/20", "data/demo", "book/20")) or f == "book/how-to-read.md"]
    assert source_root() == ROOT     # running from the checkout: one source of truth


def test_init_creates_a_working_book_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "新书"
    assert main(["init", str(dest), "--publisher", "某市财政局预算绩效管理科"]) == 0
    assert "写入" in capsys.readouterr().out
    for rel in project_files(ROOT):
        if rel != "_config.yml":
            assert (dest / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    assert config["publisher"] == "某市财政局预算绩效管理科"
    assert config["title"] == yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert (dest / "data").is_dir() and not [p for p in (dest / "data").iterdir() if p.name != "frameworks"]
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 部门整体支出绩效评价") and "perfeval build" in readme and "{" not in readme
    assert "_build/" in (dest / ".gitignore").read_text(encoding="utf-8")
    # The new folder is a book: validate reads its (empty) data, the plan has the guide pages.
    cwd = os.getcwd()
    os.chdir(dest)
    try:
        assert main(["validate"]) == 0
    finally:
        os.chdir(cwd)
    assert "0 个部门-年度" in capsys.readouterr().out


def test_init_never_overwrites_without_force_and_never_touches_data(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "book"
    init_project(dest)
    again = init_project(dest)
    assert again.written == [] and len(again.unchanged) == len(project_files(ROOT)) + 2
    config = dest / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\npublisher: 我们\n", encoding="utf-8")
    (dest / "data/2024").mkdir()
    data = dest / "data/2024/x.yaml"
    data.write_text("code: x\n", encoding="utf-8")
    assert main(["init", str(dest)]) == 2
    assert "_config.yml" in capsys.readouterr().err and "我们" in config.read_text(encoding="utf-8")
    assert main(["init", str(dest), "--force"]) == 0
    assert "我们" not in config.read_text(encoding="utf-8") and data.read_text(encoding="utf-8") == "code: x\n"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["init", str(tmp_path / "file")]) == 2


def test_a_title_is_written_as_yaml_text_whatever_it_holds(tmp_path: Path) -> None:
    title = '2025年"某县": 部门 # 整体支出 {评价}'
    init_project(tmp_path / "b", title=title)
    assert yaml.safe_load((tmp_path / "b/_config.yml").read_text(encoding="utf-8"))["title"] == title
    assert main(["init", str(tmp_path / "c"), "--title", "a\x1bb"]) == 2


def test_the_demo_book_says_it_is_generated(tmp_path: Path) -> None:
    init_project(tmp_path / "demo", demo=True)
    config = yaml.safe_load((tmp_path / "demo/_config.yml").read_text(encoding="utf-8"))
    assert config["title"] == DEMO_TITLE and "示例" in config["publisher"]
    intro = (tmp_path / "demo/book/intro.md").read_text(encoding="utf-8")
    assert intro.splitlines()[0] == "# 导读" and "{admonition} 示例数据" in intro.split("## 书中有什么")[0]
    assert INTRO_DATA_LINE not in intro and INTRO_DATA_LINE in (ROOT / "book/intro.md").read_text(encoding="utf-8")


# --- the wheel in a fresh venv (slow: builds a wheel, installs the locked stack, builds a book) ---------------

def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def _source_copy(dest: Path) -> Path:
    """The repository as a clean checkout has it (no venv, no builds, no generated pages)."""
    skip = {".git", ".venv", "_build", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
            "_toc.yml", "tests", "benchmarks"}
    generated = {"_extra", "findings.ipynb", "method.ipynb", "how-to-read.md"}   # book/: written by `build`

    def ignore(folder: str, names: list[str]) -> set[str]:
        out = {n for n in names if n in skip or n.endswith(".egg-info")}
        if Path(folder).name == "book":
            out |= {n for n in names if n in generated or (len(n) == 4 and n.isdigit())}
        if Path(folder).name == "skeleton":
            out |= {"files"}
        return out

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_makes_a_book(tmp_path: Path) -> None:
    # 1. The sdist carries what the wheel needs (MANIFEST.in), and the wheel is built from the sdist.
    src = _source_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    _run([sys.executable, "setup.py", "-q", "sdist", "-d", str(dist)], cwd=src)
    [sdist] = dist.glob("perfeval-*.tar.gz")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
          str(sdist)], cwd=tmp_path)
    [wheel] = dist.glob("perfeval-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for rel in project_files(ROOT):   # every project file, byte for byte the repository's
            assert zf.read(f"perfeval/skeleton/files/{rel}") == (ROOT / rel).read_bytes(), rel
        assert "perfeval/pages/cjkfont/NotoSansCJKsc-Regular.otf" in names
        assert any(n.endswith("licenses/LICENSE") for n in names) and any(n.endswith("licenses/NOTICE") for n in names)
        assert not [n for n in names if "demo/" in n or "/2024/" in n]   # no data of ours

    # 2. A fresh venv: the locked stack, then the wheel (not editable).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")], cwd=tmp_path, timeout=1800)
    _run([*pip, "--no-deps", str(wheel)], cwd=tmp_path)
    where = _run([str(py), "-c", "import perfeval, importlib.util; print(perfeval.__file__); "
                  "print(importlib.util.find_spec('mplfonts'), importlib.util.find_spec('dask'))"], cwd=tmp_path)
    assert str(env_dir) in where.splitlines()[0] and "None None" in where

    # 3. init, import a township's report, build, in a folder that knows nothing of this repository.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    perfeval = str(env_dir / "bin" / "perfeval")
    _run([perfeval, "init", "乡镇报告"], cwd=tmp_path, env=env)
    book = tmp_path / "乡镇报告"
    (book / "data/2024").mkdir()
    _run([perfeval, "import-report", str(REPORT), "--code", "yuanling-huochang", "-o",
          "data/2024/yuanling-huochang.yaml"], cwd=book, env=env)
    out = _run([perfeval, "build", "--jobs", "2"], cwd=book, env=env, timeout=1800)
    assert "公开前审查" in out and "网页已生成" in out

    # 4. Open it: the chapter is there, the analyst's list is not published.
    html = book / "_build" / "html"
    chapter = html / "book/2024/yuanling-huochang.html"
    text = BeautifulSoup(chapter.read_text(encoding="utf-8"), "html.parser").get_text()
    assert "沅陵县火场土家族乡人民政府" in text and "测算" in text
    assert (book / "_build/analyst/disclosure.csv").is_file()
    assert not [p for p in html.resolve().rglob("*") if "disclosure" in p.name]
    _open_in_chromium(html / "index.html", "导读")
    _open_in_chromium(chapter, "火场土家族乡")


def _open_in_chromium(page: Path, expected: str) -> None:
    from .browsing import chromium

    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(page.resolve().as_uri())
        assert expected in tab.inner_text("main")
        tab.close()
