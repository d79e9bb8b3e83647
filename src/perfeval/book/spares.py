"""A warm kernel kept between builds (a *spare*), so that a rebuild does not wait for one to start.

A rebuild after one change runs a few pages in the build's own process, in one kernel; starting that kernel
(Python, ipykernel, pandas, matplotlib, the pages package: 2 s of CPU) was the longest wait before the first
page could run. A build that ran pages leaves the kernel they ran in (or, when they ran in pool processes, a
new one) for the next build of the same project: a process of its own that outlives the build, registered in
``_build/spares/`` with its connection file, and that ends by itself

- when nobody claimed it within :func:`minutes` (``PERFEVAL_SPARE_MINUTES``, default 20; ``0``: no spare is
  ever left),
- when the build that claimed it is gone (it watches that process), or
- when that build stops it, as a build stops its kernels.

The next build claims it (an atomic rename of its registration: one build only) if it was started for the same
code, stack, Python, working directory and environment (:func:`spare_stamp`), else stops it and starts a kernel
as before. Pages run in a spare exactly as in the warm kernel it is: the state is reset before every page
(:mod:`perfeval.book.kernels`). A kernel is reused for at most :data:`MAX_BUILDS` builds, then a fresh one
takes its place.

Spares are for POSIX systems (a detached process, ``/proc``-free identity checks through psutil).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

from perfeval.book.kernel_start import SPARE_NICENESS

#: The folder of a build directory holding the spares' registrations and connection files.
SPARES = "spares"
#: Environment variable: minutes a spare waits to be claimed (0: never leave one).
MINUTES_ENV = "PERFEVAL_SPARE_MINUTES"
DEFAULT_MINUTES = 20.0
#: Builds a kernel serves before a fresh one replaces it (its memory is what pages left behind, reset or not).
MAX_BUILDS = 50
#: Seconds to wait for a claimed spare to answer: at once when it is up and primed; a spare left by a build that
#: just ended may still be starting (still sooner than a kernel started now), on a busy machine for long.
CONNECT_TIMEOUT = 60
#: Environment variables a page's result may depend on (locale, time zone, paths, hashing): a spare started
#: under other values is not used.
STAMPED_ENV = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "TZ", "HOME", "PATH", "PYTHONPATH",
               "PYTHONHASHSEED", "MPLCONFIGDIR", "MPLBACKEND", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "IPYTHONDIR",
               "VIRTUAL_ENV")


def minutes() -> float:
    """How long a spare waits to be claimed (``PERFEVAL_SPARE_MINUTES``); 0 when spares are off (also where
    they cannot work: not POSIX)."""
    if os.name != "posix":
        return 0.0
    try:
        value = float(os.environ.get(MINUTES_ENV, DEFAULT_MINUTES))
    except ValueError:
        return 0.0
    return value if value > 0 else 0.0


def spare_stamp(environment: str, kernel_name: str, cwd: str) -> str:
    """What a spare must have been started for to be used: the build's code and stack (``environment``), this
    Python, the kernel, its working directory and the environment variables a page may depend on."""
    return _stamp(environment=environment, python=sys.executable, kernel=kernel_name, cwd=cwd)


def _stamp(**wanted: Any) -> str:
    """The hash of ``wanted`` with the environment variables a page may depend on (:data:`STAMPED_ENV`)."""
    wanted["env"] = {name: os.environ.get(name) for name in STAMPED_ENV}
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def _take(path: Path) -> dict[str, Any] | None:
    """Take the registration at ``path`` for this process (renamed: only one process can) and read it; None
    when there is none, another process took it, or it does not read. Taken, it is gone."""
    taken = path.with_name(f"{path.name}.{os.getpid()}.claimed")
    try:
        os.rename(path, taken)
    except OSError:
        return None      # none, or another build took it
    try:
        entry = json.loads(taken.read_text(encoding="utf-8"))
        return entry if isinstance(entry, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        taken.unlink(missing_ok=True)


def _folder(build_dir: Path) -> Path:
    return build_dir / SPARES


def _registration(build_dir: Path, kernel_name: str, cwd: str, lane: int = 0) -> Path:
    name = hashlib.sha256(f"{kernel_name}\0{cwd}\0{lane}".encode()).hexdigest()[:16]
    return _folder(build_dir) / f"kernel-{name}.json"


def _same_process(pid: int, created: float) -> bool:
    """Whether ``pid`` is still the process registered (not a later one given the same number)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return abs(proc.create_time() - created) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, OSError):
        return False


def _kill(pid: int, created: float, group: bool = False) -> None:
    """Kill process ``pid`` (``group``: its process group, which it leads) if it is still the one started at
    ``created``."""
    if pid and _same_process(pid, created):
        with contextlib.suppress(OSError):
            (os.killpg if group else os.kill)(pid, signal.SIGKILL)


class _Provisioner:
    """What :func:`perfeval.book.kernel_start.kill_kernels` calls on a kernel's manager."""

    def __init__(self, spare: "SpareManager") -> None:
        self.spare = spare

    async def kill(self, restart: bool = False) -> None:
        _kill(self.spare.pid, self.spare.created)


class SpareManager:
    """Stands for a kernel manager (what nbclient and the warm engine call) for a kernel this process did not
    start: it is alive while its process is; stopping it kills it and removes its connection file."""

    has_kernel = True

    def __init__(self, kernel_name: str, pid: int, created: float, connection_file: str, builds: int) -> None:
        self.kernel_name = kernel_name
        self.pid = pid
        self.created = created
        self.connection_file = connection_file
        self.builds = builds
        self.provisioner = _Provisioner(self)

    async def is_alive(self) -> bool:
        return _same_process(self.pid, self.created)

    async def interrupt_kernel(self) -> None:
        if _same_process(self.pid, self.created):
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGINT)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        _kill(self.pid, self.created)
        await self.cleanup_resources()

    async def cleanup_resources(self, restart: bool = False) -> None:
        _remove_files(self.connection_file)


def _remove_files(connection_file: str) -> None:
    """A spare's connection file and start-up code (named alike)."""
    connection = Path(connection_file)
    connection.unlink(missing_ok=True)
    connection.with_name(connection.name.replace("connection-", "start-", 1)).with_suffix(".py").unlink(missing_ok=True)


def claim(build_dir: Path, kernel_name: str, cwd: str, environment: str, lane: int = 0) -> tuple[Any, Any] | None:
    """The spare registered for this kernel and folder, claimed for this process and connected: (manager,
    client); None when there is none, or it was started for something else, or it does not answer (it is then
    stopped)."""
    if not minutes():
        return None
    entry = _take(_registration(build_dir, kernel_name, cwd, lane))
    if entry is None:
        return None
    try:
        manager = SpareManager(kernel_name, int(entry["pid"]), float(entry["created"]), str(entry["connection_file"]),
                               int(entry.get("builds", 0)))
    except (ValueError, KeyError, TypeError):
        return None
    if entry.get("stamp") != spare_stamp(environment, kernel_name, cwd) or not _same_process(manager.pid, manager.created):
        run_sync(manager.shutdown_kernel)(now=True)
        return None
    from jupyter_client.asynchronous import AsyncKernelClient

    from perfeval.book.kernel_start import PRIME_CHECK, run_code, wait_until_ready

    kc = AsyncKernelClient()
    try:
        kc.load_connection_file(manager.connection_file)
        kc.start_channels()
        wait_until_ready(kc, CONNECT_TIMEOUT, lambda: _same_process(manager.pid, manager.created))
        kc.allow_stdin = False
        run_code(kc, f"__import__('builtins').__perfeval_spare__['owner'] = {os.getpid()}\n{PRIME_CHECK}")
    except Exception:  # noqa: BLE001 - a broken spare is stopped and replaced, never an error of the build
        with contextlib.suppress(Exception):
            kc.stop_channels()
        run_sync(manager.shutdown_kernel)(now=True)
        return None
    start = Path(manager.connection_file)
    start.with_name(start.name.replace("connection-", "start-", 1)).with_suffix(".py").unlink(missing_ok=True)
    return manager, kc


def launch(build_dir: Path, kernel_name: str, cwd: str, environment: str, lane: int = 0) -> bool:
    """Start a spare for the next build (without waiting for it) and register it; False when spares are off or
    it could not be started. Its start-up code and connection file are in ``_build/spares/`` (this process may
    end before the kernel has read them)."""
    wait = minutes()
    if not wait:
        return False
    import subprocess

    import psutil
    from jupyter_client.manager import AsyncKernelManager

    from perfeval.book.kernel_start import GIVE_WAY, KERNEL_ARGUMENTS, PRIME_CODE, SPARE_CODE, TAKE_PART

    folder = _folder(build_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    name = uuid.uuid4().hex
    connection, start = folder / f"connection-{name}.json", folder / f"start-{name}.py"
    start.write_text(GIVE_WAY + PRIME_CODE + SPARE_CODE % {"deadline": time.time() + wait * 60} + TAKE_PART,
                     encoding="utf-8")
    km = AsyncKernelManager(kernel_name=kernel_name, connection_file=str(connection))
    try:
        run_sync(km.start_kernel)(
            cwd=cwd, independent=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, extra_arguments=[*KERNEL_ARGUMENTS, f"--IPKernelApp.exec_files={start}"])
        pid = km.provisioner.process.pid
        created = psutil.Process(pid).create_time()
        # The manager removes the connection file when it is freed (``__del__``), which may be before the kernel
        # has read it; the file belongs to the spare now (removed when it is stopped, or swept once it is gone).
        km._connection_file_written = False
    except Exception:  # noqa: BLE001 - no spare: the next build starts its kernel itself
        connection.unlink(missing_ok=True)
        start.unlink(missing_ok=True)
        return False
    _register(build_dir, kernel_name, cwd, environment, pid, created, str(connection), 0, lane)
    return True


def _sweep(folder: Path) -> None:
    """Remove the start-up and connection files of spares that are gone (ended unclaimed, or killed)."""
    live: set[str] = set()
    for path in folder.glob("kernel-*.json"):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            entry = json.loads(path.read_text(encoding="utf-8"))
            if _same_process(int(entry["pid"]), float(entry["created"])):
                live.add(Path(entry["connection_file"]).name.removeprefix("connection-").removesuffix(".json"))
    for path in [*folder.glob("connection-*.json"), *folder.glob("start-*.py")]:
        if path.stem.split("-", 1)[1] not in live:
            path.unlink(missing_ok=True)


def _register(build_dir: Path, kernel_name: str, cwd: str, environment: str, pid: int, created: float,
              connection_file: str, builds: int, lane: int = 0) -> None:
    path = _registration(build_dir, kernel_name, cwd, lane)
    entry = {"pid": pid, "created": created, "connection_file": connection_file, "builds": builds,
             "stamp": spare_stamp(environment, kernel_name, cwd), "kernel": kernel_name, "cwd": cwd}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)   # the connection file's key is in reach
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(entry, f)
    os.replace(tmp, path)


def has_registration(build_dir: Path, kernel_name: str, cwd: str, lane: int = 0) -> bool:
    """Whether a spare is registered for this kernel, folder and lane (not yet whether it can be used)."""
    return _registration(build_dir, kernel_name, cwd, lane).is_file()


def registered(build_dir: Path, kernel_name: str, cwd: str, environment: str, lane: int = 0) -> bool:
    """Whether a spare that the next build could claim is registered (started for this code, alive)."""
    path = _registration(build_dir, kernel_name, cwd, lane)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return (entry.get("stamp") == spare_stamp(environment, kernel_name, cwd)
                and _same_process(int(entry["pid"]), float(entry["created"])))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def keep(build_dir: Path, kernel_name: str, cwd: str, environment: str, pair: tuple[Any, Any] | None,
         launch_new: bool, lane: int = 0) -> None:
    """At the end of a build: leave ``pair`` (the warm kernel its pages ran in, taken out of this process's
    kernels) as the spare of ``lane``; or, when there is none and ``launch_new``, start one unless one is
    registered. A kernel that served :data:`MAX_BUILDS` builds, or that this build cannot hand over, is
    stopped."""
    wait = minutes()
    if pair is not None:
        km, kc = pair
        builds = getattr(km, "builds", 0) + 1
        handed = False
        if wait and builds < MAX_BUILDS and not registered(build_dir, kernel_name, cwd, environment, lane):
            handed = _hand_over(build_dir, kernel_name, cwd, environment, km, kc, builds, time.time() + wait * 60,
                                lane)
        if not handed:
            _stop(km, kc)
            launch_new = True
        else:
            return
    if launch_new and wait and not registered(build_dir, kernel_name, cwd, environment, lane):
        launch(build_dir, kernel_name, cwd, environment, lane)


def _hand_over(build_dir: Path, kernel_name: str, cwd: str, environment: str, km: Any, kc: Any, builds: int,
               deadline: float, lane: int = 0) -> bool:
    """Make the kernel of ``km``/``kc`` a spare: it is told to wait for the next build (unowned, a new deadline)
    and registered. Only a kernel this process can give up without stopping it: a spare it claimed (a kernel
    it started as its own child ends with it: its parent poller)."""
    from perfeval.book.kernel_start import run_code

    if not isinstance(km, SpareManager):
        return False
    try:
        run_code(kc, f"__import__('builtins').__perfeval_spare__.update(owner=0, deadline={deadline!r})")
    except Exception:  # noqa: BLE001
        return False
    with contextlib.suppress(Exception):
        kc.stop_channels()
    _register(build_dir, kernel_name, cwd, environment, km.pid, km.created, km.connection_file, builds, lane)
    return True


def _stop(km: Any, kc: Any) -> None:
    with contextlib.suppress(Exception):
        kc.stop_channels()
    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)


def stop_all(build_dir: Path) -> int:
    """Stop every spare registered in ``build_dir``, kernels and the render child (e.g. before the build folder
    is removed); returns how many."""
    stopped = 0
    for path in sorted(_folder(build_dir).glob("kernel-*.json")) if _folder(build_dir).is_dir() else []:
        entry = _take(path)
        if entry is None:
            continue
        with contextlib.suppress(KeyError, TypeError, ValueError):
            if _same_process(int(entry["pid"]), float(entry["created"])):
                _kill(int(entry["pid"]), float(entry["created"]))
                stopped += 1
        with contextlib.suppress(OSError, KeyError, TypeError):
            _remove_files(str(entry["connection_file"]))
    return stopped + stop_render(build_dir)


# --- the render's child -------------------------------------------------------------------------------------
#
# The render child (perfeval.book.render) spends its first seconds importing Sphinx and its extensions and
# reading the last render's environment and search index, before it can be told to load the book. A build that
# rendered leaves one that has done so (``--spare-fd``): it listens on a socket in a private folder, and the next
# build that renders claims it (:func:`claim_render`), handing it the pipes a child of its own would have.

RENDER_REGISTRATION = "render.json"


def render_stamp(environment: str, cmd: list[str], cwd: str) -> str:
    """What a spare render child must have been started for: the code and stack, its command (the book, the
    number of processes, the render folders), its folder and the environment variables pages depend on."""
    return _stamp(environment=environment, cmd=cmd, cwd=cwd)


def launch_render(build_dir: Path, cmd: list[str], cwd: str, environment: str, after_build: bool = False) -> bool:
    """Start a spare render child running ``cmd`` (the child's command up to its own options) in ``cwd`` and
    register it; False when spares are off, one is registered already, or it could not be started.
    ``after_build``: started before this build's render, the child imports now and reads the last render once
    this build has ended (``--after-build``)."""
    wait = minutes()
    path = _folder(build_dir) / RENDER_REGISTRATION
    if not wait or _live_render(path) is not None:
        return False
    import shutil
    import socket
    import subprocess
    import tempfile

    import psutil

    folder = tempfile.mkdtemp(prefix="perfeval-spare-")   # private (0700); a short path (sockets allow ~100 bytes)
    address = os.path.join(folder, "render.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address)
        listener.listen(1)
        deadline = time.time() + wait * 60
        proc = subprocess.Popen(
            [*cmd, "--spare-fd", str(listener.fileno()), "--spare-deadline", repr(deadline),
             *(["--after-build"] if after_build else [])], cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_give_way,
            pass_fds=[listener.fileno()])
        created = psutil.Process(proc.pid).create_time()
    except Exception:  # noqa: BLE001 - no spare: the next build starts its render child itself
        shutil.rmtree(folder, ignore_errors=True)
        return False
    finally:
        listener.close()
    _folder(build_dir).mkdir(parents=True, exist_ok=True)
    entry = {"pid": proc.pid, "created": created, "socket": address, "stamp": render_stamp(environment, cmd, cwd)}
    _write_private(path, entry)
    return True


def _give_way() -> None:
    """In a spare render child, before it runs anything: the lowest priority while it loads (it takes the
    render's waiting priority back when claimed, where the system allows)."""
    with contextlib.suppress(OSError):
        os.nice(SPARE_NICENESS)


def _live_render(path: Path) -> dict[str, Any] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return entry if _same_process(int(entry["pid"]), float(entry["created"])) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_private(path: Path, entry: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(entry, f)
    os.replace(tmp, path)


class SpareChild:
    """A claimed spare render child, used as :class:`perfeval.book.rendering` uses a child of its own: told
    lines on its standard input (:meth:`say`), told to go (:meth:`go`) and waited for (:meth:`end`: its output and status),
    killed with every process it forked (:meth:`kill`)."""

    def __init__(self, pid: int, created: float, conn: Any, stdin: Any, stdout: Any, stderr: Any,
                 args: list[str]) -> None:
        self.pid, self.created, self.conn = pid, created, conn
        self.stdin, self.stdout, self.stderr, self.args = stdin, stdout, stderr, args
        self.output: Any = None

    def say(self, line: str) -> None:
        try:
            self.stdin.write(line + "\n")
            self.stdin.flush()
        except OSError:
            pass   # it is gone: go() reports its status and output

    def go(self, token: str = "") -> Any:
        """Tell it to go (with ``token``: it says when the HTML is written, :func:`render_state.written_mark`);
        its output, to read (:class:`perfeval.book.render_state.ChildOutput`)."""
        from perfeval.book.render_state import ChildOutput

        try:
            self.output = ChildOutput.told_to_go(self.stdin, self.stdout, self.stderr, token)
        except BaseException:
            self.kill()
            raise
        return self.output

    def end(self) -> Any:
        """Wait until it has ended: its output and status (a ``CompletedProcess``)."""
        import subprocess

        try:
            out, err = self.output.rest()
            status = b""
            with contextlib.suppress(OSError):
                while not status.endswith(b"\n"):
                    chunk = self.conn.recv(16)
                    if not chunk:
                        break
                    status += chunk
        except BaseException:
            self.kill()
            raise
        self._close()
        try:
            code = int(status.decode("ascii").strip())
        except ValueError:
            code = 1
        return subprocess.CompletedProcess(self.args, code, out, err)

    def kill(self) -> None:
        """Kill it and every process it forked (its own process group), and wait until it is gone."""
        if _same_process(self.pid, self.created):
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
        self._close()
        limit = time.monotonic() + 30
        while _same_process(self.pid, self.created) and time.monotonic() < limit:
            time.sleep(0.05)

    def _close(self) -> None:
        for stream in (self.stdin, self.stdout, self.stderr, self.conn):
            with contextlib.suppress(Exception):
                stream.close()


def claim_render(build_dir: Path, cmd: list[str], cwd: str, environment: str) -> SpareChild | None:
    """The spare render child registered for this book, claimed (None when there is none, or it was started
    for something else: it is then stopped)."""
    if not minutes():
        return None
    entry = _take(_folder(build_dir) / RENDER_REGISTRATION)
    if entry is None:
        return None
    try:
        pid, created, address = int(entry["pid"]), float(entry["created"]), str(entry["socket"])
    except (ValueError, KeyError, TypeError):
        return None
    import shutil

    try:
        if entry.get("stamp") != render_stamp(environment, cmd, cwd) or not _same_process(pid, created):
            _kill(pid, created, group=True)
            return None
        return _connect_render(pid, created, address, cmd)
    finally:
        shutil.rmtree(os.path.dirname(address), ignore_errors=True)   # connected or not, the socket is done with


def _connect_render(pid: int, created: float, address: str, cmd: list[str]) -> SpareChild | None:
    import socket

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ends: list[int] = []
    try:
        conn.settimeout(CONNECT_TIMEOUT)
        conn.connect(address)
        conn.settimeout(None)
        stdin_r, stdin_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        ends = [stdin_r, stdin_w, out_r, out_w, err_r, err_w]
        socket.send_fds(conn, [str(os.getpid()).encode("ascii")], [stdin_r, out_w, err_w])
    except OSError:
        conn.close()
        for fd in ends:
            with contextlib.suppress(OSError):
                os.close(fd)
        _kill(pid, created, group=True)
        return None
    for fd in (stdin_r, out_w, err_w):
        os.close(fd)
    return SpareChild(pid, created, conn, os.fdopen(stdin_w, "w", encoding="utf-8"),
                      os.fdopen(out_r, encoding="utf-8", errors="replace"),
                      os.fdopen(err_r, encoding="utf-8", errors="replace"), cmd)


def stop_render(build_dir: Path) -> bool:
    """Stop the spare render child registered in ``build_dir``, if any; whether one was stopped."""
    entry = _take(_folder(build_dir) / RENDER_REGISTRATION)
    if entry is None:
        return False
    import shutil

    with contextlib.suppress(KeyError, TypeError):
        shutil.rmtree(os.path.dirname(str(entry["socket"])), ignore_errors=True)
    try:
        pid, created = int(entry["pid"]), float(entry["created"])
    except (KeyError, TypeError, ValueError):
        return False
    if not _same_process(pid, created):
        return False
    _kill(pid, created, group=True)
    return True
