"""Starting the kernels pages run in, without papermill: a build launches the kernel of its first page while
it plans (:func:`prestart`), before it imports papermill to run the page (:mod:`perfeval.book.kernels`).

A kernel primes itself as it starts (:data:`PRIME_CODE`, run by ``IPKernelApp.exec_files``): it imports
pandas, matplotlib and the pages package before it first answers.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from typing import Any, Callable

from jupyter_core.utils import run_sync

#: Imports and snapshot, run once when a kernel starts. The objects that exist then (the imported packages:
#: millions of them) are moved out of the garbage collector's reach (``gc.freeze``): a full collection then
#: looks only at what pages created since, not at pandas and matplotlib each time.
PRIME_CODE = r"""
import builtins as _b, copy as _copy, gc as _gc, os as _os, sys as _sys, warnings as _w
import numpy as _np, pandas as _pd, matplotlib as _mpl
import perfeval.pages.chapter, perfeval.pages.overviews  # warm the package (pulls in pandas, matplotlib, jinja2, pydantic)
import perfeval.pages.downloads as _dl  # and what a page's downloads, computed here once it has run, prepare once
_dl.warm()
_b.__perfeval_snapshot__ = {
    "rc": _copy.deepcopy(dict(_mpl.rcParams)),
    "np": _np.get_printoptions(),
    "warnings": list(_w.filters),
    "environ": dict(_os.environ),
    "cwd": _os.getcwd(),
    "path": list(_sys.path),
}


def _perfeval_reset():
    # What ``%reset -f`` does (the user namespace as a fresh kernel has it), then the snapshot restored.
    # ``%reset`` runs two full garbage collections (150 ms with pandas and matplotlib loaded); one
    # collection of what the last page left is enough.
    import builtins, gc, os, sys, warnings
    import matplotlib, numpy, pandas
    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0
    try:
        get_ipython().reset(new_session=False)
    finally:
        gc.collect = collect
    snapshot = builtins.__perfeval_snapshot__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pandas.reset_option("all")
        matplotlib.rcParams.clear()
        matplotlib.rcParams.update(snapshot["rc"])
    numpy.set_printoptions(**snapshot["np"])
    warnings.filters[:] = snapshot["warnings"]
    warnings._filters_mutated()
    os.environ.clear()
    os.environ.update(snapshot["environ"])
    os.chdir(snapshot["cwd"])
    sys.path[:] = snapshot["path"]
    gc.collect()


_b.__perfeval_reset__ = _perfeval_reset
del _b, _copy, _os, _sys, _w, _np, _pd, _mpl, _dl, _perfeval_reset
_gc.collect()
_gc.freeze()
del _gc
"""

#: Run by a spare as it starts, after :data:`perfeval.book.kernel_start.PRIME_CODE`: a thread that ends the
#: kernel when its deadline passes unclaimed, or when the build that claimed it is gone. ``{deadline}`` is
#: filled in (seconds since the epoch).
SPARE_CODE = r"""
import builtins as _b, threading as _t


def _perfeval_spare(state):
    import os, time
    while True:
        time.sleep(1.0)
        owner = state["owner"]
        if owner:
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
        elif time.time() > state["deadline"]:
            os._exit(0)


_b.__perfeval_spare__ = {"owner": 0, "deadline": %(deadline)r}
_t.Thread(target=_perfeval_spare, args=(_b.__perfeval_spare__,), name="perfeval-spare", daemon=True).start()
del _b, _t, _perfeval_spare
"""

#: A spare primes itself (imports pandas, matplotlib, the pages package: 2 s of CPU) while the build that left it
#: has ended, or the next one runs (a build that changed nothing: it must not wait for the spare). It does so
#: at a lower priority (``GIVE_WAY``), then takes its normal priority back (``TAKE_PART``; where the system
#: does not allow a process to raise its priority again, it stays lower: on a machine otherwise idle that
#: changes nothing).
SPARE_NICENESS = 19
GIVE_WAY = f"""
import os as _perfeval_os
try:
    _perfeval_os.nice({SPARE_NICENESS})
except OSError:
    pass
del _perfeval_os
"""
TAKE_PART = """
import os as _perfeval_os
try:
    _perfeval_os.setpriority(_perfeval_os.PRIO_PROCESS, 0, 0)
except OSError:
    pass
del _perfeval_os
"""


class KernelCodeError(RuntimeError):
    """Code the build ran in a kernel raised ``ename: evalue`` (or the kernel did not say ok)."""

    def __init__(self, what: str, ename: str, evalue: str) -> None:
        super().__init__(f"{what}: {ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


async def _run(kc: Any, code: str, timeout: float = 120, what: str = "warm kernel set-up failed") -> None:
    errors: list[tuple[str, str]] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "error":
            errors.append((str(msg["content"].get("ename")), str(msg["content"].get("evalue"))))

    reply = await kc.execute_interactive(code, timeout=timeout, output_hook=hook, store_history=False)
    if reply["content"].get("status") != "ok" or errors:
        ename, evalue = errors[0] if errors else (str(reply["content"].get("ename", "Error")),
                                                  str(reply["content"].get("evalue", reply["content"])))
        raise KernelCodeError(what, ename, evalue)


run_code = run_sync(_run)


async def _ready(kc: Any, timeout: float, alive: Callable[[], Any] | None = None) -> None:
    """Wait until the kernel answers a ``kernel_info`` request on its shell channel and a message of that request
    has come on IOPub (so that the outputs of what runs next are not missed). jupyter_client's ``wait_for_ready``
    does the same with two pauses more: for a client made without a kernel manager (a claimed spare) it checks
    the heartbeat every 0.2 s first, and at the end it waits 0.2 s for IOPub to fall silent, which nothing here
    needs (nbclient and :func:`run_code` take only the messages of their own requests). ``alive`` (it may be a
    coroutine function) says whether the kernel's process still runs: it is asked after each unanswered request,
    so that a kernel that died is not waited for."""
    import inspect
    import time
    from queue import Empty

    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            msg = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            pass
        else:
            if msg["msg_type"] == "kernel_info_reply":
                try:
                    await kc.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass   # IOPub not connected yet: ask again
                else:
                    kc._handle_kernel_info_reply(msg)
                    return
        if alive is not None:
            state = alive()
            if not (await state if inspect.isawaitable(state) else state):
                raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


wait_until_ready = run_sync(_ready)


START_ATTEMPTS = 2
#: How our kernels start: quiet, and without IPython's input history (an SQLite database shared by every
#: kernel of the user, written for each cell; a page has no use for it).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
#: Run once the kernel answers: did :data:`PRIME_CODE` (run by the kernel as it started) do its work?
PRIME_CHECK = "assert hasattr(__import__('builtins'), '__perfeval_reset__'), 'the kernel did not run its set-up code'"

_folder: list[str] = []


def process_folder() -> str:
    """A folder of this process for the files it gives its kernels (removed when the process ends): the start-up
    code, and the files a page's downloads are exchanged in (:func:`perfeval.book.kernels.downloads_in_kernel`)."""
    if not _folder:
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="perfeval-kernel-")
        atexit.register(shutil.rmtree, folder, True)
        _folder.append(folder)
    return _folder[0]


def _prime_file() -> str:
    """:data:`PRIME_CODE` as a file the kernel runs while it starts (``IPKernelApp.exec_files``): the kernel
    imports pandas and matplotlib before it first answers, on its own, while this process does other work
    (a build plans, writes the table of contents and starts the render meanwhile). One file per process."""
    path = os.path.join(process_folder(), "prime.py")
    if not os.path.isfile(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(PRIME_CODE)
    return path


def _launch(kernel_name: str, cwd: str) -> Any:
    """Start a kernel process that primes itself (:data:`PRIME_CODE`); returns its manager without waiting."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    run_sync(km.start_kernel)(cwd=cwd, extra_arguments=[*KERNEL_ARGUMENTS, f"--IPKernelApp.exec_files={_prime_file()}"])
    return km


def _connect(km: Any, startup_timeout: float) -> Any:
    """Wait until a launched kernel answers (its set-up done); its client. RuntimeError when it never does
    (the kernel is shut down)."""
    kc = km.client()
    kc.start_channels()
    try:
        wait_until_ready(kc, startup_timeout, km.is_alive)
    except RuntimeError:
        kc.stop_channels()
        with contextlib.suppress(Exception):   # it may be dead already
            run_sync(km.shutdown_kernel)(now=True)
        raise
    kc.allow_stdin = False
    run_code(kc, PRIME_CHECK)
    return kc


def start_kernel(kernel_name: str, cwd: str, startup_timeout: float, launched: Any = None) -> tuple[Any, Any]:
    """Start a primed kernel (or finish starting ``launched``, or take the spare being claimed). A kernel that
    never answers is started once more, on new ports: the ports jupyter_client picks are free when picked, but
    another process may bind one before the kernel does (it then dies with "Address already in use"), which
    happens on a busy machine."""
    if isinstance(launched, Claiming):
        pair = launched.result()
        if pair is not None:
            return pair
        launched = None
    for attempt in range(1, START_ATTEMPTS + 1):
        km = launched if launched is not None and attempt == 1 else _launch(kernel_name, cwd)
        try:
            return km, _connect(km, startup_timeout)
        except RuntimeError:
            if attempt == START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class Claiming:
    """A kernel being taken over in a thread (the spare a last build left, :mod:`perfeval.book.spares`): its
    (manager, client), or None when it cannot be used (a kernel is then started as usual)."""

    def __init__(self, claim: Callable[[], tuple[Any, Any] | None]) -> None:
        self._pair: tuple[Any, Any] | None = None
        self._thread = threading.Thread(target=self._run, args=(claim,), name="perfeval-claim", daemon=True)
        self._thread.start()

    def _run(self, claim: Callable[[], tuple[Any, Any] | None]) -> None:
        with contextlib.suppress(Exception):
            self._pair = claim()

    def result(self) -> tuple[Any, Any] | None:
        self._thread.join()
        return self._pair


#: The warm kernels of this process by (kernel name, working directory): (manager, client)
#: (:func:`perfeval.book.kernels.warm_kernel`).
KERNELS: dict[tuple[str, str], tuple[Any, Any]] = {}
#: Kernels launched ahead of their first page (:func:`prestart`), not yet connected to.
PENDING: dict[tuple[str, str], Any] = {}


_lane = threading.local()


def set_lane(number: int) -> None:
    """The lane of pages this thread runs (:class:`perfeval.book.pool._Background`): each lane has its own warm
    kernel (:func:`kernel_key`)."""
    _lane.number = number


def kernel_key(kernel_name: str, cwd: str, lane: int | None = None) -> tuple[str, str]:
    """The key of a warm kernel in :data:`KERNELS` and :data:`PENDING`: its kernel and folder, and the lane
    (``None``: this thread's) when it is not the first."""
    number = getattr(_lane, "number", 0) if lane is None else lane
    return (kernel_name, cwd) if not number else (kernel_name, f"{cwd}\0lane {number}")


def prestart(kernel_name: str, cwd: str, claim: Callable[[], tuple[Any, Any] | None] | None = None,
             lane: int = 0) -> None:
    """Launch the warm kernel for ``cwd`` (and ``lane``) now, so that it has started by the time a page asks
    for it (:func:`warm_kernel`); nothing when it runs or is launched already. With ``claim``, that kernel is
    the one ``claim`` returns (run in a thread), when it returns one."""
    key = kernel_key(kernel_name, cwd, lane)
    if key not in KERNELS and key not in PENDING:
        PENDING[key] = Claiming(claim) if claim is not None else _launch(kernel_name, cwd)


def claimed(kernel_name: str, cwd: str, lane: int) -> bool:
    """Whether the kernel of ``lane`` is there to run pages: claimed (waiting for the claim to be decided), or
    running; a claim that failed is dropped (no kernel is started for it)."""
    key = kernel_key(kernel_name, cwd, lane)
    if key in KERNELS:
        return True
    pending = PENDING.get(key)
    if isinstance(pending, Claiming):
        pair = pending.result()
        PENDING.pop(key, None)
        if pair is not None:
            KERNELS[key] = pair
            return True
    return False


def discard_pending() -> None:
    """Stop the kernels launched ahead that no page took (idempotent); a claimed spare joins this process's
    kernels instead (the build hands it on, or stops it with them)."""
    while PENDING:
        key, km = PENDING.popitem()
        if isinstance(km, Claiming):
            pair = km.result()
            if pair is not None:
                KERNELS.setdefault(key, pair)
            continue
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)


def kill_kernels() -> None:
    """Kill the processes of this process's kernels without talking to them (a signal; thread-safe): a thread
    running a page in one finds it dead and ends. :func:`stop_kernels` then cleans up as usual."""
    for km in [*PENDING.values(), *(pair[0] for pair in list(KERNELS.values()))]:
        provisioner = getattr(km, "provisioner", None)
        if provisioner is not None:
            with contextlib.suppress(Exception):
                run_sync(provisioner.kill)()


def stop_kernels() -> None:
    """Stop every warm kernel of this process, and those launched ahead (idempotent)."""
    discard_pending()
    while KERNELS:
        _, (km, kc) = KERNELS.popitem()
        try:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - best effort at exit; the kernel also exits when its parent dies
            pass


atexit.register(discard_pending)
# A process forked from this one (a pool worker) starts kernels of its own: never this one's. (Windows does not
# fork: there is no such hook, and nothing to guard.)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=PENDING.clear)
    os.register_at_fork(after_in_child=KERNELS.clear)
