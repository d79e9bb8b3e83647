"""One build at a time, clean interruption, and child processes that die with the build.

* **The build lock** is an operating-system file lock (``filelock``: ``flock`` on Linux and macOS,
  ``msvcrt.locking`` on Windows) on ``_build/.build.lock.flock``: the system drops it when the holder dies,
  so a killed build never blocks the next one. The holder's pid (and process start time, against pid
  reuse) is written into ``_build/.build.lock`` (:data:`LOCK_NAME`), for the message to a second build: a
  file of its own, since taking the lock truncates the locked file. A build takes it once, for the whole
  build (:func:`build_lock` is re-entrant within a process, for callers that nest).
* **SIGTERM is handled like SIGINT** (:func:`sigterm_as_interrupt`): it raises KeyboardInterrupt, so
  ``finally`` clauses remove staging and release the lock; :func:`signals_deferred` blocks both signals
  around the few system calls that must not be split.
* **Children die with the build** (:func:`die_with_parent`, Linux ``PR_SET_PDEATHSIG``): jupyter-book
  and the pool workers (whose kernels follow them) get SIGKILL when the build process dies.

Nothing here imports a Unix-only module: the package imports on Windows (tests/test_portable.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Iterator, Sequence

from filelock import FileLock, Timeout

from perfeval.errors import UsageError

LOCK_NAME = ".build.lock"
#: The file the operating-system lock is taken on (beside :data:`LOCK_NAME`, which names the holder).
FLOCK_NAME = LOCK_NAME + ".flock"


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
    if sys.platform == "win32":   # os.kill(pid, 0) would terminate the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if start and process_start_time(pid) and process_start_time(pid) != start:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)   # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


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
    flock = FileLock(path.with_name(FLOCK_NAME), timeout=0)
    try:
        flock.acquire()
    except Timeout:
        pid, _ = lock_holder(path)
        raise BuildLocked(_locked_message(path, pid)) from None
    try:
        # We hold the lock: whatever pid the file names is a build that died without cleaning up.
        with open(path, "w", encoding="ascii") as holder:
            holder.write(_token() + "\n")
            holder.flush()
            os.fsync(holder.fileno())
    except BaseException:
        flock.release()
        raise

    def release() -> None:
        try:
            path.write_text("", encoding="ascii")   # no holder (the file stays, as the lock file does)
        except OSError:
            pass
        finally:
            flock.release()
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
    """Block SIGINT/SIGTERM for a few system calls that must not be split (delivered right after; where
    signals cannot be blocked, as on Windows, nothing is blocked)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
