"""A papermill engine that keeps kernels warm and reuses them across runs.

A fresh papermill run spends most of its time starting a kernel and importing
pandas/matplotlib (../shared/design-notes.md §4). ``perfeval-warm`` starts one
kernel per working directory in the calling process, imports the heavy modules
once, snapshots the module-level state a notebook can change (pandas options,
matplotlib rcParams, numpy print options, warning filters, environment, working
directory, ``sys.path``) and restores that snapshot plus ``%reset -f`` before
every run. papermill knows it as ``perfeval-warm``: outside users through the ``papermill.engine``
entry point (pyproject), the build through an explicit :func:`register` where it executes
(:func:`perfeval.book.notebook.execute_notebook`); importing this module registers nothing. The plain
engine stays available as ``nbclient``.

Kernels live as long as the process; :func:`shutdown_kernels` stops them (it is
registered with ``atexit`` and with multiprocessing's finalizers for pool workers).
"""

from __future__ import annotations

import atexit
import contextlib
import os
from multiprocessing import util as mp_util
from typing import Any

from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "perfeval-warm"

#: Imports and snapshot, run once when a kernel starts. The objects that exist then (the imported packages:
#: millions of them) are moved out of the garbage collector's reach (``gc.freeze``): a full collection then
#: looks only at what pages created since, not at pandas and matplotlib each time.
PRIME_CODE = r"""
import builtins as _b, copy as _copy, gc as _gc, os as _os, sys as _sys, warnings as _w
import numpy as _np, pandas as _pd, matplotlib as _mpl
import perfeval.pages.chapter, perfeval.pages.overviews  # warm the package (pulls in pandas, matplotlib, jinja2, pydantic)
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
del _b, _copy, _os, _sys, _w, _np, _pd, _mpl, _perfeval_reset
_gc.collect()
_gc.freeze()
del _gc
"""

#: Restores the snapshot; run before every notebook (also on a fresh kernel, so both paths match).
RESET_CODE = "__perfeval_reset__()"

_kernels: dict[tuple[str, str], tuple[Any, Any]] = {}


async def _run(kc: Any, code: str, timeout: float = 120) -> None:
    errors: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "error":
            errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")

    reply = await kc.execute_interactive(code, timeout=timeout, output_hook=hook, store_history=False)
    if reply["content"].get("status") != "ok" or errors:
        raise RuntimeError(f"warm kernel set-up failed: {'; '.join(errors) or reply['content']}")


_run_sync = run_sync(_run)


START_ATTEMPTS = 2
#: How our kernels start: quiet, and without IPython's input history (an SQLite database shared by every
#: kernel of the user, written for each cell; a page has no use for it).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]


def _start(kernel_name: str, cwd: str, startup_timeout: float) -> tuple[Any, Any]:
    """Start and prime a kernel. A kernel that never answers is started once more, on new ports: the ports
    jupyter_client picks are free when picked, but another process may bind one before the kernel does
    (it then dies with "Address already in use"), which happens on a busy machine."""
    from jupyter_client.manager import AsyncKernelManager

    for attempt in range(1, START_ATTEMPTS + 1):
        km = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=KERNEL_ARGUMENTS)
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=startup_timeout)
        except RuntimeError:
            kc.stop_channels()
            with contextlib.suppress(Exception):   # it may be dead already
                run_sync(km.shutdown_kernel)(now=True)
            if attempt == START_ATTEMPTS:
                raise
            continue
        kc.allow_stdin = False
        _run_sync(kc, PRIME_CODE)
        return km, kc
    raise AssertionError("unreachable")  # pragma: no cover


def warm_kernel(kernel_name: str, cwd: str, startup_timeout: float = 60) -> tuple[Any, Any]:
    """The warm (kernel manager, client) for this process and working directory, started on first use."""
    key = (kernel_name, cwd)
    pair = _kernels.get(key)
    if pair is not None and not run_sync(pair[0].is_alive)():
        _kernels.pop(key)
        pair = None
    if pair is None:
        pair = _start(kernel_name, cwd, startup_timeout)
        _kernels[key] = pair
    return pair


def shutdown_kernels() -> None:
    """Stop every warm kernel of this process (idempotent)."""
    while _kernels:
        _, (km, kc) = _kernels.popitem()
        try:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - best effort at exit; the kernel also exits when its parent dies
            pass


atexit.register(shutdown_kernels)
mp_util.Finalize(None, shutdown_kernels, exitpriority=100)


class WarmEngine(NBClientEngine):
    """papermill engine: execute in a reused kernel whose state is reset before each run."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None, start_timeout: float = 60,
                                 execution_timeout: float | None = None, **kwargs: Any) -> Any:
        km, kc = warm_kernel(kernel_name, os.getcwd(), start_timeout)
        _run_sync(kc, RESET_CODE)
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                                    startup_timeout=start_timeout, kernel_name=kernel_name, log_output=log_output,
                                    stdout_file=stdout_file, stderr_file=stderr_file)
        final_kwargs.pop("km", None)
        client = PapermillNotebookClient(nb_man, km=km, **final_kwargs)
        client.kc = kc
        try:
            return client.execute(cleanup_kc=False)
        except BaseException:
            # A failed or interrupted run may leave the kernel busy or broken: never reuse it.
            _kernels.pop((kernel_name, os.getcwd()), None)
            try:
                kc.stop_channels()
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass
            raise


class FreshEngine(NBClientEngine):
    """The plain nbclient engine, but with the same prime/reset code as the warm one.

    Used to prove isolation: a notebook run after another in a warm kernel must equal
    the same notebook run alone in a fresh kernel prepared the same way.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        km, kc = _start(kernel_name, os.getcwd(), kwargs.get("start_timeout", 60))
        try:
            _run_sync(kc, RESET_CODE)
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name,
                                             timeout=kwargs.get("execution_timeout"))
            client.kc = kc
            return client.execute(cleanup_kc=False)
        finally:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)


FRESH_ENGINE_NAME = "perfeval-fresh"


def register() -> None:
    """Make the engines known to papermill in this process (idempotent)."""
    papermill_engines.register(ENGINE_NAME, WarmEngine)
    papermill_engines.register(FRESH_ENGINE_NAME, FreshEngine)
