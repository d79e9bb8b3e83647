"""Failures during a build: a notebook that raises, a build killed midway, two builds at once.

In every case the previously published book (_build/html) stays byte-identical, and the next build
succeeds without manual clean-up. Builds run on a small project (the real department and two demo
departments), built once and copied for each test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from perfeval.book import lock, publish
from perfeval.cli import main
from perfeval.errors import UsageError

from .conftest import ROOT, small_project

DEMO = ("qinghe-jiaoyu", "qinghe-nongye")
MARKER = "perfeval-test-failure-marker"




def digest(folder: Path) -> dict[str, str]:
    """relative path → sha256 of every file under folder (following the _build/html link)."""
    out: dict[str, str] = {}
    for dirpath, _, files in os.walk(folder, followlinks=True):
        for f in files:
            p = Path(dirpath) / f
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    assert out, f"{folder} is empty"
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_project(tmp_path_factory.mktemp("failures") / "base", DEMO)
    assert main(["build", "--root", str(root)]) == 0
    assert (root / "_build/html/book/2024/qinghe-nongye.html").is_file()
    return root


@pytest.fixture()
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project (the html link is relative, so the copy is self-contained)."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    assert (root / "_build/html").is_symlink() and (root / "_build/html/index.html").is_file()
    return root


# --- a notebook that raises -------------------------------------------------------------------------

def _break_template(root: Path, code: str) -> None:
    """The department template raises in its first code cell after the parameters, for one department."""
    path = root / "notebooks/department.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
    cell.source = (f"if code == {code!r}:\n    raise ValueError('{MARKER}: 数据异常')\n"
                   f"# {MARKER}\n" + cell.source)
    nbformat.write(nb, path)


def _has_marker(root: Path, page: str) -> bool:
    path = root / f"book/2024/{page}.ipynb"
    return MARKER in path.read_text(encoding="utf-8")


def test_failing_notebook_stops_the_build_and_keeps_the_book(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(project / "_build/html")
    _break_template(project, "qinghe-jiaoyu")
    capsys.readouterr()
    code = main(["build", "--root", str(project), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    # department (name and code), data file, section and exception
    assert "book/2024/qinghe-jiaoyu" in err and "清河市教育局（qinghe-jiaoyu）2024年" in err
    assert f"数据文件 {project / 'data/demo/2024/qinghe-jiaoyu.yaml'}" in err
    assert "部门整体支出绩效评价报告”一节出错：ValueError" in err and f"{MARKER}: 数据异常" in err
    assert "Traceback" not in err
    assert digest(project / "_build/html") == before
    manifest = json.loads((project / "_build/build.json").read_text(encoding="utf-8"))
    assert list(manifest["failed"]) == ["book/2024/qinghe-jiaoyu"]
    # The build stopped at the failure: whichever chapters ran before it (the order of the runs is not part
    # of the contract) have their new notebook and are recorded as executed; the others never started and
    # keep their previous notebook; the failed one keeps its previous notebook too.
    assert not _has_marker(project, "qinghe-jiaoyu")
    for code in ("xiangtan-minzheng", "qinghe-nongye"):
        assert _has_marker(project, code) == (f"book/2024/{code}" in manifest["executed"]), code


def test_keep_going_builds_the_others(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(project / "_build/html")
    _break_template(project, "qinghe-jiaoyu")
    code = main(["build", "--root", str(project), "--jobs", "1", "--keep-going"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "book/2024/qinghe-jiaoyu" in err and f"{MARKER}: 数据异常" in err and "ValueError" in err
    assert _has_marker(project, "xiangtan-minzheng") and _has_marker(project, "qinghe-nongye")
    assert not _has_marker(project, "qinghe-jiaoyu"), "the failed page keeps its previous notebook"
    assert digest(project / "_build/html") == before, "an incomplete book is not published"
    # Fix the template: the next build publishes a complete book.
    shutil.copy(ROOT / "notebooks/department.ipynb", project / "notebooks/department.ipynb")
    assert main(["build", "--root", str(project)]) == 0
    assert (project / "_build/html/book/2024/qinghe-jiaoyu.html").is_file()


# --- killed builds ---------------------------------------------------------------------------------

def _as_from_a_terminal() -> None:  # pragma: no cover - runs in the child
    """Ctrl-C and SIGTERM as a shell leaves them to a command it starts: default handling, not blocked. (A
    child inherits ignored and blocked signals; the test run's own may not be what a user's shell gives.)"""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _start_build(root: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "perfeval", "build", "--root", str(root), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root,
                            start_new_session=True, preexec_fn=_as_from_a_terminal)


def _wait_for(predicate, proc: subprocess.Popen[str], timeout: float = 240) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"build ended before the kill point: {proc.communicate()}"
        assert time.monotonic() < deadline, "kill point not reached"
        time.sleep(0.05)


def _staging(root: Path) -> list[Path]:
    return sorted((root / "_build").glob(publish.STAGING_PREFIX + "*"))


def _proc_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every live process."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[0] != "Z":
            table[int(entry.name)] = (int(fields[1]), cmdline)
    return table


def _descendants(pid: int) -> dict[int, str]:
    """pid → command line of every process started, directly or not, by ``pid`` (kernels, pool workers)."""
    table = _proc_table()
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, cmd) in table.items():
            if ppid == parent and child not in found:
                found[child] = cmd
                frontier.append(child)
    return found


def _processes_mentioning(text: str) -> list[int]:
    return [pid for pid, (_, cmd) in _proc_table().items() if text in cmd]


def _kernel_running(proc: subprocess.Popen[str]) -> bool:
    """A notebook of this build is executing (an ipykernel started by the build)."""
    if any("ipykernel" in cmd for cmd in _descendants(proc.pid).values()):
        time.sleep(0.5)
        return True
    return False


def _reap(proc: subprocess.Popen[str], family: dict[int, str] | None = None) -> tuple[str, str]:
    """Wait for the build to end, end what is left of the processes this test started (pool workers and
    kernels orphaned by a SIGKILL keep the output pipes open), then collect the output."""
    try:
        proc.wait(timeout=120)
    finally:
        for pid in [proc.pid, *(family or {})]:
            try:
                os.killpg(pid, signal.SIGKILL) if pid == proc.pid else os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    return proc.communicate(timeout=30)


def _change_data(root: Path) -> None:
    """A visible change, so that a completed build would publish a different book."""
    path = root / "data/demo/2024/qinghe-nongye.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("long_term_plan: ", "long_term_plan: 新版本。", 1), encoding="utf-8")


def _next_build_succeeds(root: Path) -> None:
    assert main(["build", "--root", str(root), "--force"]) == 0
    assert _staging(root) == []
    page = (root / "_build/html/book/2024/qinghe-nongye.html").read_text(encoding="utf-8")
    assert "新版本。" in page
    releases = [p for p in (root / "_build/releases").iterdir() if not p.name.startswith(".")]
    assert len(releases) <= 2 and publish.current_release(root / "_build/html") in releases


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
def test_sigkill_during_notebook_execution(project: Path) -> None:
    before = digest(project / "_build/html")
    _change_data(project)
    proc = _start_build(project, "--force", "--jobs", "2")
    _wait_for(lambda: _kernel_running(proc), proc)
    assert proc.poll() is None
    family = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    _reap(proc, family)
    assert digest(project / "_build/html") == before
    _next_build_succeeds(project)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
def test_sigkill_during_jupyter_book(project: Path) -> None:
    before = digest(project / "_build/html")
    _change_data(project)
    proc = _start_build(project, "--force")
    _wait_for(lambda: bool(_staging(project)), proc)
    time.sleep(1.0)
    assert proc.poll() is None, "still rendering"
    staging = _staging(project)[0]
    family = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # The jupyter-book child dies with its parent (no orphan keeps writing into staging).
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(staging)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(staging)) == []
    _reap(proc, family)
    assert digest(project / "_build/html") == before
    assert staging.exists(), "a killed build cannot clean up: the next one must"
    holder = (project / "_build" / lock.LOCK_NAME).read_text().split()
    assert holder and int(holder[0]) == proc.pid, "the lock file names the dead build"
    _next_build_succeeds(project)
    assert not staging.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_during_jupyter_book_is_clean(project: Path, sig: signal.Signals) -> None:
    before = digest(project / "_build/html")
    _change_data(project)
    proc = _start_build(project, "--force")
    _wait_for(lambda: bool(_staging(project)), proc)
    time.sleep(1.0)
    assert proc.poll() is None
    staging = _staging(project)[0]
    family = _descendants(proc.pid)
    os.kill(proc.pid, sig)
    out, err = _reap(proc, family)
    assert proc.returncode == 130, (out, err)
    assert "已中断" in err and "Traceback" not in err
    assert not staging.exists(), "an interrupted build removes its staging folder"
    assert _processes_mentioning(str(staging)) == []
    assert digest(project / "_build/html") == before
    _next_build_succeeds(project)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
def test_sigint_during_notebook_execution(project: Path) -> None:
    before = digest(project / "_build/html")
    _change_data(project)
    proc = _start_build(project, "--force", "--jobs", "1")
    _wait_for(lambda: _kernel_running(proc), proc)
    family = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGINT)
    out, err = _reap(proc, family)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert digest(project / "_build/html") == before
    _next_build_succeeds(project)


# --- the lock, leftovers and the swap ---------------------------------------------------------------

_HOLDER = """
import sys, time
from pathlib import Path
from perfeval.book.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX")
def test_second_build_is_refused_while_one_holds_the_lock(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_dir = project / "_build"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(build_dir)], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(lock.BuildLocked) as info:
            with lock.build_lock(build_dir):
                pass
        assert str(holder.pid) in str(info.value)
        before = digest(project / "_build/html")
        _change_data(project)
        code = main(["build", "--root", str(project), "--force"])
        err = capsys.readouterr().err
        assert code == 2 and "另一个构建" in err and str(holder.pid) in err
        assert digest(project / "_build/html") == before
    finally:
        holder.kill()
        holder.wait()
    # The holder died without releasing: its lock is gone with it, the pid left in the file is stale.
    assert int((build_dir / lock.LOCK_NAME).read_text().split()[0]) == holder.pid
    assert not lock.pid_alive(holder.pid)
    with lock.build_lock(build_dir):
        assert int((build_dir / lock.LOCK_NAME).read_text().split()[0]) == os.getpid()
        with lock.build_lock(build_dir):   # re-entrant in one process
            pass
    _next_build_succeeds(project)


def test_leftovers_are_cleaned_and_a_missing_link_repaired(project: Path) -> None:
    build_dir = project / "_build"
    html = build_dir / "html"
    current = publish.current_release(html)
    assert current is not None
    before = digest(html)
    (build_dir / ".staging-999999999/_build/html").mkdir(parents=True)
    (build_dir / "html.old").mkdir()
    (build_dir / "releases/.incoming-999999999").mkdir()
    os.symlink("releases/nowhere", build_dir / ".html-link-999999999")
    html.unlink()    # as if killed between moving an old folder away and placing the link
    with lock.build_lock(build_dir):
        removed = publish.cleanup_leftovers(html)
    assert {p.name for p in removed} == {".staging-999999999", "html.old", ".incoming-999999999",
                                         ".html-link-999999999"}
    assert publish.current_release(html) == current
    assert digest(html) == before


def test_swap_is_a_single_rename_of_a_link(tmp_path: Path) -> None:
    build_dir = tmp_path / "_build"
    html = build_dir / "html"
    build_dir.mkdir()
    books = []
    for text in [str(n) for n in range(publish.KEEP_RELEASES + 2)]:
        built = tmp_path / f"staging-{text}"
        built.mkdir()
        (built / "index.html").write_text(text, encoding="utf-8")
        books.append(publish.swap_in(built, html))
        assert html.is_symlink() and (html / "index.html").read_text(encoding="utf-8") == text
        assert not os.path.isabs(os.readlink(html)), "relative: the project can be moved"
    remaining = sorted(p.name for p in (build_dir / "releases").iterdir())
    assert remaining == sorted(b.name for b in books[-publish.KEEP_RELEASES:]), "the newest releases are kept"


def test_swap_refuses_a_real_folder_in_place_of_the_link(tmp_path: Path) -> None:
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)              # not made by perfeval: never replaced or moved silently
    (html / "index.html").write_text("mine", encoding="utf-8")
    built = tmp_path / "staging"
    built.mkdir()
    with pytest.raises(UsageError, match="不是发布链接"):
        publish.swap_in(built, html)
    assert (html / "index.html").read_text(encoding="utf-8") == "mine" and built.is_dir()
