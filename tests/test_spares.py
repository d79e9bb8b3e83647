"""The spare kernel a build leaves for the next (perfeval.book.spares): claimed once, only by a build of the same
code and environment, handed on, and never left running when nobody claims it or its build is gone.

Every test stops what it started; waiting for a process to end is a poll with a generous limit (the outcome
never depends on how fast the machine is).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import nbformat
import psutil
import pytest

from perfeval.book import kernel_start, spares
from perfeval.book.kernels import register
from perfeval.book.notebook import DEFAULT_ENGINE, KERNEL_NAME, execute_notebook

from .conftest import process_ends

pytestmark = pytest.mark.skipif(os.name != "posix", reason="spares are for POSIX systems")


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(spares.MINUTES_ENV, "5")
    yield


@pytest.fixture
def build_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "_build"
    folder.mkdir()
    yield folder
    spares.stop_all(folder)


def _entry(build_dir: Path) -> dict:
    (path,) = (build_dir / spares.SPARES).glob("kernel-*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nimport os\nprint(x, os.getpid())", metadata={})]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_off_leaves_nothing(build_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for value in ("0", "-3", "soon"):
        monkeypatch.setenv(spares.MINUTES_ENV, value)
        assert spares.minutes() == 0
        assert spares.launch(build_dir, KERNEL_NAME, str(tmp_path), "env") is False
        assert spares.claim(build_dir, KERNEL_NAME, str(tmp_path), "env") is None
    assert not (build_dir / spares.SPARES).exists()


def test_a_spare_is_claimed_once_runs_pages_and_is_handed_on(on: None, build_dir: Path, tmp_path: Path) -> None:
    cwd = str(tmp_path.resolve())
    assert spares.launch(build_dir, KERNEL_NAME, cwd, "env-1")
    pid = _entry(build_dir)["pid"]
    assert oct((build_dir / spares.SPARES / next((build_dir / spares.SPARES).glob("kernel-*.json")).name)
               .stat().st_mode & 0o777) == "0o600"   # it holds the kernel's connection key
    pair = spares.claim(build_dir, KERNEL_NAME, cwd, "env-1")
    assert pair is not None
    assert spares.claim(build_dir, KERNEL_NAME, cwd, "env-1") is None       # taken: nobody else gets it
    # It primed itself at a lower priority, and took its own back where the system allows it.
    assert psutil.Process(pid).nice() == (0 if os.geteuid() == 0 else spares.SPARE_NICENESS)
    kernel_start.KERNELS[(KERNEL_NAME, cwd)] = pair
    try:
        register()
        nb = execute_notebook(_notebook(tmp_path), {}, DEFAULT_ENGINE)
        printed = nb.cells[-1].outputs[0]["text"].split()
        assert printed == ["42", str(pid)]     # the page ran in the spare, in the folder asked for
    finally:
        pair = kernel_start.KERNELS.pop((KERNEL_NAME, cwd))
    spares.keep(build_dir, KERNEL_NAME, cwd, "env-1", pair, launch_new=True)
    entry = _entry(build_dir)
    assert (entry["pid"], entry["builds"]) == (pid, 1)
    again = spares.claim(build_dir, KERNEL_NAME, cwd, "env-1")
    assert again is not None and again[0].pid == pid
    spares.keep(build_dir, KERNEL_NAME, cwd, "env-1", again, launch_new=True)
    assert spares.stop_all(build_dir) == 1
    assert process_ends(pid)
    assert list((build_dir / spares.SPARES).iterdir()) == []


def test_a_spare_of_other_code_or_environment_is_stopped_not_used(on: None, build_dir: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = str(tmp_path.resolve())
    assert spares.launch(build_dir, KERNEL_NAME, cwd, "code-A")
    pid = _entry(build_dir)["pid"]
    assert spares.claim(build_dir, KERNEL_NAME, cwd, "code-B") is None
    assert process_ends(pid)
    assert spares.launch(build_dir, KERNEL_NAME, cwd, "code-A")
    pid = _entry(build_dir)["pid"]
    monkeypatch.setenv("TZ", "Asia/Shanghai" if os.environ.get("TZ") != "Asia/Shanghai" else "UTC")
    assert spares.claim(build_dir, KERNEL_NAME, cwd, "code-A") is None
    assert process_ends(pid)
    assert not list((build_dir / spares.SPARES).glob("kernel-*.json"))


def test_a_spare_nobody_claims_ends_by_itself(build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spares.MINUTES_ENV, "0.001")    # its deadline has passed when it starts
    assert spares.launch(build_dir, KERNEL_NAME, str(tmp_path.resolve()), "env")
    pid = _entry(build_dir)["pid"]
    assert process_ends(pid)
    assert not spares.registered(build_dir, KERNEL_NAME, str(tmp_path.resolve()), "env")


def test_a_claimed_spare_ends_with_the_build_that_claimed_it(on: None, build_dir: Path, tmp_path: Path) -> None:
    cwd = str(tmp_path.resolve())
    assert spares.launch(build_dir, KERNEL_NAME, cwd, "env")
    pid = _entry(build_dir)["pid"]
    # Another process claims it and dies without stopping it (as a build killed by SIGKILL would).
    code = ("import sys, os; from pathlib import Path; from perfeval.book import spares; "
            f"pair = spares.claim(Path({str(build_dir)!r}), 'python3', {cwd!r}, 'env'); "
            "sys.stdout.write('claimed' if pair else 'none'); sys.stdout.flush(); os._exit(0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, spares.MINUTES_ENV: "5"})
    assert done.stdout == "claimed", done.stderr
    assert process_ends(pid)


def test_a_dead_or_garbled_registration_starts_a_kernel_as_before(on: None, build_dir: Path, tmp_path: Path) -> None:
    cwd = str(tmp_path.resolve())
    assert spares.launch(build_dir, KERNEL_NAME, cwd, "env")
    pid = _entry(build_dir)["pid"]
    os.kill(pid, 9)
    assert process_ends(pid)
    assert spares.claim(build_dir, KERNEL_NAME, cwd, "env") is None
    (build_dir / spares.SPARES).mkdir(exist_ok=True)
    path = spares._registration(build_dir, KERNEL_NAME, cwd)
    path.write_text("{not json", encoding="utf-8")
    assert spares.claim(build_dir, KERNEL_NAME, cwd, "env") is None
    assert not path.exists()


# --- the render's child ---------------------------------------------------------------------------------------

def _render_cmd(root: Path) -> list[str]:
    from perfeval.book.render import command

    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n", encoding="utf-8")
    return [*command(root, 1), "--wait", "--imports-first", "--last-render", str(root / "_build/.sphinx-cache"),
            "--path-output", str(root / "_build/.staging-sphinx")]


def test_a_spare_render_child_is_claimed_and_reports_how_it_ended(on: None, build_dir: Path, tmp_path: Path) -> None:
    cmd = _render_cmd(tmp_path)
    assert spares.launch_render(build_dir, cmd, str(tmp_path), "env")
    assert not spares.launch_render(build_dir, cmd, str(tmp_path), "env")    # one is waiting already
    pid = json.loads((build_dir / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))["pid"]
    child = spares.claim_render(build_dir, cmd, str(tmp_path), "env")
    assert child is not None and child.pid == pid
    assert spares.claim_render(build_dir, cmd, str(tmp_path), "env") is None  # taken
    child.say("stop")             # anything but "load": it ends with status 3, on the pipes this process gave it
    child.go()
    done = child.end()
    assert done.returncode == 3
    assert process_ends(pid)


def test_a_spare_render_child_for_another_book_or_code_is_stopped(on: None, build_dir: Path, tmp_path: Path) -> None:
    cmd = _render_cmd(tmp_path)
    assert spares.launch_render(build_dir, cmd, str(tmp_path), "code-A")
    pid = json.loads((build_dir / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))["pid"]
    assert spares.claim_render(build_dir, [*cmd[:-1], "elsewhere"], str(tmp_path), "code-A") is None
    assert process_ends(pid)
    assert spares.launch_render(build_dir, cmd, str(tmp_path), "code-A")
    pid = json.loads((build_dir / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))["pid"]
    assert spares.claim_render(build_dir, cmd, str(tmp_path), "code-B") is None
    assert process_ends(pid)


def test_a_spare_render_child_nobody_claims_ends_by_itself(build_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spares.MINUTES_ENV, "0.001")
    cmd = _render_cmd(tmp_path)
    assert spares.launch_render(build_dir, cmd, str(tmp_path), "env")
    entry = json.loads((build_dir / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))
    assert process_ends(entry["pid"])
    assert not Path(entry["socket"]).exists()     # its private socket folder went with it


def _lines(path: Path, want: int, limit: float = 120) -> list[str]:
    """The lines of ``path`` once it has ``want`` of them (polled; the outcome never depends on speed)."""
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if len(lines) >= want:
            return lines
        time.sleep(0.05)
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_a_spare_started_before_the_render_reads_the_last_render_once_its_build_has_ended(tmp_path: Path) -> None:
    """A spare render child started before its build's render (``--after-build``) waits for that build to end
    before it reads the last render (which that render is still writing): its parent ends, the wait ends."""
    out = tmp_path / "out.txt"
    waiter = ("import sys\nfrom perfeval.book.render import _wait_for_the_build\n"
              "print('waiting', flush=True)\n_wait_for_the_build([])\nprint('ended', flush=True)\n")
    build = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys\n"
         f"subprocess.Popen([sys.executable, '-c', {waiter!r}], stdout=open({str(out)!r}, 'w'))\n"
         "sys.stdin.readline()\n"], stdin=subprocess.PIPE, text=True)
    try:
        assert _lines(out, 1) == ["waiting"]
        assert out.read_text(encoding="utf-8").splitlines() == ["waiting"]   # its build still runs
    finally:
        build.communicate("\n", timeout=120)
    assert _lines(out, 2) == ["waiting", "ended"]


def test_a_spare_started_before_the_render_stops_waiting_when_claimed(on: None, build_dir: Path,
                                                                     tmp_path: Path) -> None:
    """Claimed while the build that started it still runs (a program that builds in its own process), such a
    spare does not wait for that build any longer."""
    cmd = _render_cmd(tmp_path)
    assert spares.launch_render(build_dir, cmd, str(tmp_path), "env", after_build=True)
    pid = json.loads((build_dir / spares.SPARES / spares.RENDER_REGISTRATION).read_text(encoding="utf-8"))["pid"]
    assert "--after-build" in psutil.Process(pid).cmdline()
    child = spares.claim_render(build_dir, cmd, str(tmp_path), "env")
    assert child is not None and child.pid == pid
    child.say("stop")
    child.go()
    done = child.end()
    assert done.returncode == 3
    assert process_ends(pid)
