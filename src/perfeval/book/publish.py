"""Publishing the HTML book safely: build lock, staging, atomic swap, clean interruption.

Layout under ``_build/``::

    _build/html              -> releases/<id>   (a relative symlink: what readers and tests open)
    _build/releases/<id>/    complete books; the current one and the one before it are kept
    _build/.staging-<pid>/   jupyter-book's output while it runs (removed afterwards, or by the next build)
    _build/.build.lock       the build lock; holds "<pid> <start time>" of the build that has it

Guarantees:

* **Only a complete book is ever published.** jupyter-book renders into a staging folder; when it
  succeeded, the folder is renamed into ``releases/<id>`` and ``_build/html`` is switched to it by
  ``os.replace`` of a temporary symlink, which is atomic: a reader sees either the old or the new
  book, never a mix, and a build killed at any moment leaves the old book untouched.
* **One build at a time.** The lock is ``fcntl.flock`` on ``_build/.build.lock``: the kernel drops it
  when the holder dies, so a killed build never blocks the next one. The holder's pid (and process
  start time, against pid reuse) is written into the file, for the message to a second build and
  to recognise a stale file left by a killed build (which is then simply taken over). Without
  ``fcntl`` (Windows) the file itself is the lock (``O_EXCL``) and a stale one is detected by its pid.
* **Leftovers of killed builds are cleaned automatically** by the next build, under the lock:
  staging folders, temporary symlinks, the ``html.old`` folder of the earlier rename-based
  publishing, a missing or dangling ``_build/html`` link (pointed at the newest complete release).
* **SIGTERM is handled like SIGINT** while rendering and publishing: it raises KeyboardInterrupt,
  jupyter-book (a child process) is killed, staging is removed, the lock released, the old book
  stays. The jupyter-book child also gets SIGKILL when its parent dies (Linux ``PR_SET_PDEATHSIG``),
  so a killed build leaves no orphan writing into staging.

A ``_build/html`` that is still a real folder (built before this scheme) is moved into
``releases/`` on the first publish.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, Sequence

from perfeval.errors import UsageError

LOCK_NAME = ".build.lock"
STAGING_PREFIX = ".staging-"
LINK_TMP_PREFIX = ".html-link-"
RELEASES = "releases"
INCOMING_PREFIX = ".incoming-"

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class BuildLocked(UsageError):
    """Another build of the same project is running (exit code 2)."""


# --- processes ----------------------------------------------------------------------------------

def _start_time(pid: int) -> str:
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
    if start and _start_time(pid) and _start_time(pid) != start:
        return False
    return True


def _token() -> str:
    return f"{os.getpid()} {_start_time(os.getpid())}".strip()


def _read_holder(path: Path) -> tuple[int, str]:
    try:
        parts = path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return 0, ""
    try:
        return int(parts[0]), (parts[1] if len(parts) > 1 else "")
    except (IndexError, ValueError):
        return 0, ""


# --- lock ---------------------------------------------------------------------------------------

_held: dict[Path, int] = {}   # lock files this process holds → nesting depth (the lock is re-entrant)
_held_guard = threading.Lock()


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
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _held_guard:
                _held[path] -= 1
        return
    release = _acquire_flock(path) if fcntl is not None else _acquire_exclusive(path)
    with _held_guard:
        _held[path] = 1
    try:
        yield path
    finally:
        with _held_guard:
            _held.pop(path, None)
        release()


def _acquire_flock(path: Path):  # type: ignore[no-untyped-def]
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid, _ = _read_holder(path)
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


def _acquire_exclusive(path: Path):  # type: ignore[no-untyped-def]  # pragma: no cover - non-POSIX
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            pid, start = _read_holder(path)
            if pid and pid_alive(pid, start):
                raise BuildLocked(_locked_message(path, pid)) from None
            path.unlink(missing_ok=True)   # stale: its build was killed
            continue
        token = _token()
        os.write(fd, (token + "\n").encode("ascii"))
        os.close(fd)

        def release() -> None:
            with contextlib.suppress(OSError):
                if path.read_text(encoding="ascii").strip() == token:
                    path.unlink()
        return release
    raise BuildLocked(_locked_message(path, 0))


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
def _signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM for a few system calls that must not be split (delivered right after)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """preexec_fn: the child gets SIGKILL when the build process dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_child(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a child process, capturing its output; it is killed when we are interrupted or die."""
    kwargs: dict[str, object] = {}
    if sys.platform.startswith("linux"):
        kwargs["preexec_fn"] = _die_with_parent
    # subprocess.run kills the child when an exception (KeyboardInterrupt) interrupts the wait.
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


# --- releases -----------------------------------------------------------------------------------

def _release_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}-{os.getpid()}"


def _releases(build_dir: Path) -> list[Path]:
    folder = build_dir / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def current_release(html_dir: Path) -> Path | None:
    """The release folder ``html_dir`` points to (None when it is not a link to one)."""
    if not html_dir.is_symlink():
        return None
    target = (html_dir.parent / os.readlink(html_dir)).resolve()
    return target if target.is_dir() else None


def _point(html_dir: Path, target: Path) -> None:
    """Make ``html_dir`` a relative symlink to ``target`` in one atomic step."""
    tmp = html_dir.with_name(f"{LINK_TMP_PREFIX}{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, html_dir.parent), tmp, target_is_directory=True)
    os.replace(tmp, html_dir)


def cleanup_leftovers(html_dir: Path) -> list[Path]:
    """Remove what killed builds left behind (call with the lock held); repair ``html_dir``. Returns what was removed."""
    build_dir = html_dir.parent
    removed: list[Path] = []
    if not build_dir.is_dir():
        return removed
    for path in build_dir.iterdir():
        if path.name.startswith(STAGING_PREFIX) or path.name == html_dir.name + ".old":
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.name.startswith(LINK_TMP_PREFIX) and path.is_symlink():
            path.unlink()
            removed.append(path)
    incoming = build_dir / RELEASES
    if incoming.is_dir():
        for path in incoming.iterdir():
            if path.name.startswith(INCOMING_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    # A publish killed between moving an old real folder away and placing the link, or a release removed
    # by hand: point the link at the newest complete release.
    if (html_dir.is_symlink() and not html_dir.exists()) or not (html_dir.exists() or html_dir.is_symlink()):
        releases = _releases(build_dir)
        if releases:
            _point(html_dir, releases[-1])
    return removed


def swap_in(built: Path, html_dir: Path) -> Path:
    """Publish the complete book in ``built`` as ``html_dir`` atomically; returns the release folder.

    ``built`` is moved (renamed when on the same file system) into ``releases/<id>``; then the
    ``html_dir`` link is replaced. Older releases beyond the current and previous one are removed.
    """
    built = Path(built)
    html_dir = Path(html_dir)
    build_dir = html_dir.parent
    releases_dir = build_dir / RELEASES
    releases_dir.mkdir(parents=True, exist_ok=True)
    release = releases_dir / _release_id()
    try:
        os.replace(built, release)
    except OSError:
        # Another file system: copy next to the releases first, then rename (still atomic to readers).
        incoming = releases_dir / f"{INCOMING_PREFIX}{os.getpid()}"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(built, incoming, symlinks=True)
        os.replace(incoming, release)
        shutil.rmtree(built, ignore_errors=True)
    previous = current_release(html_dir)
    with _signals_deferred():
        if html_dir.is_dir() and not html_dir.is_symlink():
            # A book published before releases existed: keep it as the previous release.
            previous = releases_dir / f"00000000T000000-legacy-{os.getpid()}"
            os.replace(html_dir, previous)
        _point(html_dir, release)
    # Keep the new book and the one it replaced (a reader may still be on it); remove older ones.
    keep = {release.resolve()} | ({previous.resolve()} if previous else set())
    for old in _releases(build_dir):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return release


SPHINX_CACHE = ".sphinx-cache"
#: Fixed (not per-pid) so that the paths recorded in Sphinx's environment stay valid from build to build.
SPHINX_STAGING = f"{STAGING_PREFIX}sphinx"


def render_and_publish(root: Path, html_dir: Path, cmd: Sequence[str], log: Path) -> Path:
    """Run jupyter-book (``cmd`` + ``--path-output STAGING``) under the build lock and publish its HTML.

    Incremental: staging starts as a copy of the last successful render (``_build/.sphinx-cache``,
    doctrees and HTML with their mtimes), so Sphinx re-reads only the pages whose files changed.
    After success the HTML is copied into a new release and swapped in, and staging becomes the
    cache. On failure or interruption the published book and the cache are unchanged and staging
    is removed (a killed build leaves it for the next build's clean-up).
    """
    root = Path(root)
    html_dir = Path(html_dir)
    build_dir = html_dir.parent
    with sigterm_as_interrupt(), build_lock(build_dir):
        cleanup_leftovers(html_dir)
        staging = build_dir / SPHINX_STAGING
        cache = build_dir / SPHINX_CACHE
        shutil.rmtree(staging, ignore_errors=True)
        if (cache / "_build" / "html" / "index.html").is_file():
            shutil.copytree(cache, staging, symlinks=True)  # copy2 keeps mtimes
        try:
            proc = run_child([*cmd, "--path-output", str(staging)], cwd=root)
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
            built = staging / "_build" / "html"
            if proc.returncode != 0 or not (built / "index.html").exists():
                tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
                raise RuntimeError(f"jupyter-book build failed (log: {log}):\n{tail}")
            outgoing = build_dir / f"{STAGING_PREFIX}publish-{os.getpid()}"
            shutil.rmtree(outgoing, ignore_errors=True)
            shutil.copytree(built, outgoing, symlinks=True)
            release = swap_in(outgoing, html_dir)
            old_cache = build_dir / f"{STAGING_PREFIX}old-cache-{os.getpid()}"
            with _signals_deferred():
                if cache.exists():
                    os.replace(cache, old_cache)
                os.replace(staging, cache)
            shutil.rmtree(old_cache, ignore_errors=True)
            return release
        finally:
            shutil.rmtree(staging, ignore_errors=True)
