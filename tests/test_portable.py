"""Installable anywhere: no Unix-only import at start-up, a cross-platform build lock, the chart font under a
publishing licence, Dask as an extra, one version."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perfeval import __version__
from perfeval.book import lock

from .conftest import ROOT

PACKAGE = ROOT / "src" / "perfeval"
#: Modules Windows does not have (fcntl is the one perfeval used; the others are the usual suspects).
UNIX_ONLY = ("fcntl", "termios", "resource")


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_every_module_imports_without_unix_only_modules() -> None:
    modules = _modules()
    assert "perfeval.book.lock" in modules and "perfeval.cli" in modules and len(modules) > 80
    done = _python(f"""
        import sys
        for name in {UNIX_ONLY!r}:
            sys.modules[name] = None        # `import fcntl` now raises ImportError, as on Windows
        import os
        for name in ("fork", "register_at_fork"):   # nor does Windows fork
            if hasattr(os, name):
                delattr(os, name)
        import importlib
        for name in {modules!r}:
            importlib.import_module(name)
        from perfeval.cli import main
        assert main(["--help"]) == 0
        """)
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_blocking_works(tmp_path: Path) -> None:
    # Not vacuous: a module that imports fcntl at the top fails under the same blocking.
    done = _python("""
        import sys
        sys.modules["fcntl"] = None
        import fcntl
        """)
    assert done.returncode != 0 and "ModuleNotFoundError: import of fcntl halted" in done.stderr


HOLDER = """
import sys, time
from pathlib import Path
from perfeval.book.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_build_is_refused_and_a_dead_holder_releases_the_lock(tmp_path: Path) -> None:
    build_dir = tmp_path / "_build"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(build_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(lock.BuildLocked) as info:
            with lock.build_lock(build_dir):
                pass
        assert f"进程 {holder.pid}" in str(info.value)           # the holder's pid, read from .build.lock
    finally:
        holder.kill()
        holder.wait()
    assert int((build_dir / lock.LOCK_NAME).read_text().split()[0]) == holder.pid   # it died holding the lock
    with lock.build_lock(build_dir):                            # the system released it with the process
        assert int((build_dir / lock.LOCK_NAME).read_text().split()[0]) == os.getpid()
        with lock.build_lock(build_dir):                        # re-entrant within a process
            pass
    assert (build_dir / lock.LOCK_NAME).read_text() == ""      # released: no holder named


def test_lock_module_uses_filelock_not_fcntl() -> None:
    source = (PACKAGE / "book" / "lock.py").read_text(encoding="utf-8")
    assert "import fcntl" not in source and "from filelock import" in source


# --- the chart font ----------------------------------------------------------------------------------

def test_charts_use_the_ofl_font_shipped_in_the_package() -> None:
    from matplotlib import font_manager

    from perfeval.pages import fonts

    fonts.use_cjk_font()
    path = Path(font_manager.findfont(fonts.FONT_FAMILY, fallback_to_default=False))
    assert path == fonts.font_path() and path.is_relative_to(PACKAGE)
    licence = (path.parent / fonts.FONT_LICENCE).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Sans CJK SC" in licence
    # Only OFL fonts in the package; no proprietary font anywhere in it.
    shipped = [p.name.lower() for p in PACKAGE.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc")]
    assert shipped == ["notosanscjksc-regular.otf"]


def test_no_font_package_with_a_proprietary_font_is_locked() -> None:
    for lock_file in ("requirements.lock", "requirements-test.lock", "requirements-dask.lock"):
        names = _locked(ROOT / lock_file)
        assert "mplfonts" not in names, lock_file   # it installs SimHei.ttf (proprietary)
    assert "mplfonts" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# --- Dask as an extra --------------------------------------------------------------------------------

def _locked(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    return {name.lower(): version for name, version in pins}


def test_dask_is_outside_the_default_lock_and_in_its_own() -> None:
    default, dask, tests = (_locked(ROOT / f) for f in
                            ("requirements.lock", "requirements-dask.lock", "requirements-test.lock"))
    assert "dask" not in default and "distributed" not in default
    assert {"dask", "distributed"} <= set(dask) and {"dask", "distributed"} <= set(tests)
    # The Dask lock is the default stack plus Dask, at the same versions.
    assert all(dask.get(name) == version for name, version in default.items())
    assert "filelock" in default


def test_dask_asked_for_without_dask_is_a_chinese_message(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: x\n", encoding="utf-8")
    shutil.copytree(ROOT / "data" / "frameworks", tmp_path / "data" / "frameworks")
    done = _python("""
        import sys
        sys.modules["dask"] = None
        sys.modules["distributed"] = None
        from perfeval.cli import main
        sys.exit(main(["build", "--root", sys.argv[1], "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"]))
        """, str(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "需要 Dask" in done.stderr and 'pip install "perfeval[dask]"' in done.stderr


# --- licence, changelog, version ----------------------------------------------------------------------

def test_one_version_and_a_changelog_entry_for_it() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'version = {attr = "perfeval.__version__"}' in pyproject
    assert not re.search(r"^version\s*=\s*[\"']", pyproject, re.MULTILINE)   # no second, static version
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(__version__)}\]?", changelog, re.MULTILINE)
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "SIL Open Font License" in (ROOT / "NOTICE").read_text(encoding="utf-8")
    version = _python("from perfeval.cli import main; main(['--version'])")
    assert json.dumps(__version__)[1:-1] in version.stdout
