"""One build at a time, clean interruption, and child processes that die with the build.

* **The build lock** is ``fcntl.flock`` on ``_build/.build.lock``: the kernel drops it when the holder
  dies, so a killed build never blocks the next one. The holder's pid (and process start time, against
  pid reuse) is written into the file, for the message to a second build. A build takes it once, for
  the whole build (:func:`build_lock` is re-entrant within a process, for callers that nest).
* **SIGTERM is handled like SIGINT** (:func:`sigterm_as_interrupt`): it raises KeyboardInterrupt, so
  ``finally`` clauses remove staging and release the lock; :func:`signals_deferred` blocks both signals
  around the few system calls that must not be split.
* **Children die with the build** (:func:`die_with_parent`, Linux ``PR_SET_PDEATHSIG``): jupyter-book
  and the pool workers (whose kernels follow them) get SIGKILL when the build process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Iterator, Sequence

from perfeval.errors import UsageError

LOCK_NAME = ".build.lock"


class BuildLocked(UsageError):
    """Another build of the same project is running (exit code 2)."""


# --- processes ----------------------------------------------------------------------------------

def process_start_time(pid: int) -> str:
    """The start time of a process (Linux: /proc/<pid>/stat field 22), "" when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may contain spaces.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else ""


def pid_alive(pid: int, start: str = "") -> bool:
    """Is process ``pid`` running (and, when ``start`` is given, the same process, not a reused pid)?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if start and process_start_time(pid) and process_start_time(pid) != start:
        return False
    return True


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In a child process: get SIGKILL when the process that started it dies (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_child(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a child process, capturing its output; it is killed when we are interrupted or die."""
    preexec: Callable[[], None] | None = die_with_parent if sys.platform.startswith("linux") else None
    # subprocess.run kills the child when an exception (KeyboardInterrupt) interrupts the wait.
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, preexec_fn=preexec)


# --- lock ---------------------------------------------------------------------------------------

_held: dict[Path, int] = {}   # lock files this process holds → nesting depth
_held_guard = threading.Lock()


def _token() -> str:
    return f"{os.getpid()} {process_start_time(os.getpid())}".strip()


def lock_holder(path: Path) -> tuple[int, str]:
    """(pid, start time) written in a lock file by the build that took it; (0, "") when unreadable."""
    try:
        parts = path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return 0, ""
    try:
        return int(parts[0]), (parts[1] if len(parts) > 1 else "")
    except (IndexError, ValueError):
        return 0, ""


def _locked_message(path: Path, pid: int) -> str:
    who = f"（进程 {pid}）" if pid else ""
    return (f"另一个构建{who}正在使用 {path.parent}，请等它结束后再试 "
            f"(another build is running; lock {path})")


@contextlib.contextmanager
def build_lock(build_dir: Path) -> Iterator[Path]:
    """Hold the build lock of ``build_dir`` (``_build``) for the ``with`` block; re-entrant in a process.

    Raises :class:`BuildLocked` at once when another live process holds it.
    """
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    path = (build_dir / LOCK_NAME).resolve()
    with _held_guard:
        reentered = path in _held
        if reentered:
            _held[path] += 1
    if reentered:
        try:
            yield path
        finally:
            with _held_guard:
                _held[path] -= 1
        return
    release = _acquire(path)
    with _held_guard:
        _held[path] = 1
    try:
        yield path
    finally:
        with _held_guard:
            _held.pop(path, None)
        release()


def _acquire(path: Path) -> Callable[[], None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid, _ = lock_holder(path)
        raise BuildLocked(_locked_message(path, pid)) from None
    # We hold the lock: whatever pid the file names is a build that died without cleaning up.
    os.ftruncate(fd, 0)
    os.write(fd, (_token() + "\n").encode("ascii"))
    os.fsync(fd)

    def release() -> None:
        try:
            os.ftruncate(fd, 0)   # the file stays (unlinking it would let two builds lock two inodes)
        finally:
            os.close(fd)          # closing drops the flock
    return release


# --- signals ------------------------------------------------------------------------------------

@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt (like Ctrl-C), so ``finally`` clauses run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM for a few system calls that must not be split (delivered right after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
