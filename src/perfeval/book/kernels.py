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
import json
import os
import pickle
import threading
from multiprocessing import util as mp_util
from typing import Any, Mapping

from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from perfeval.book.kernel_start import (KERNEL_ARGUMENTS, KERNELS, PENDING, PRIME_CHECK, PRIME_CODE, START_ATTEMPTS,
                                        KernelCodeError, kernel_key, prestart, process_folder, run_code, start_kernel,
                                        stop_kernels)

__all__ = ["ENGINE_NAME", "FRESH_ENGINE_NAME", "KERNEL_ARGUMENTS", "PRIME_CHECK", "PRIME_CODE", "RESET_CODE",
           "START_ATTEMPTS", "FreshEngine", "KernelCodeError", "WarmEngine", "downloads_in_kernel", "prestart",
           "register", "shutdown_kernels", "start_kernel", "warm_kernel"]

ENGINE_NAME = "perfeval-warm"

#: Restores the snapshot; run before every notebook (also on a fresh kernel, so both paths match).
RESET_CODE = "__perfeval_reset__()"


def warm_kernel(kernel_name: str, cwd: str, startup_timeout: float = 60) -> tuple[Any, Any]:
    """The warm (kernel manager, client) for this process and working directory, started on first use."""
    key = kernel_key(kernel_name, cwd)
    pair = KERNELS.get(key)
    if pair is not None and not run_sync(pair[0].is_alive)():
        KERNELS.pop(key)
        pair = None
    if pair is None:
        pair = start_kernel(kernel_name, cwd, startup_timeout, PENDING.pop(key, None))
        KERNELS[key] = pair
    return pair


#: Stop every warm kernel of this process, and those launched ahead (idempotent).
shutdown_kernels = stop_kernels

#: Run in the kernel a page has just run in (:func:`downloads_in_kernel`): the snapshot restored first, as
#: before a page, so that what the page changed (an option, the working folder) does not change its downloads.
DOWNLOADS_CODE = (RESET_CODE + "\n__import__('perfeval.pages.downloads', fromlist=['downloads_to_file'])"
                  ".downloads_to_file(%(notebook)r, %(kind)r, %(parameters)r, %(out)r)")


def downloads_in_kernel(kernel_name: str, cwd: str, kind: str, parameters: Mapping[str, Any],
                        notebook: bytes) -> dict[str, bytes] | None:
    """The downloads of a page (:func:`perfeval.pages.downloads.page_downloads`) computed in the warm kernel of
    this thread's lane that has just run it (``notebook``: the executed, cleaned notebook's file), which has
    pandas, matplotlib and python-docx loaded: the build's process then never imports them. None when there
    is no such kernel (the caller computes them itself); :class:`~perfeval.book.kernel_start.KernelCodeError`
    when the computation fails."""
    pair = KERNELS.get(kernel_key(kernel_name, cwd))
    if pair is None:
        return None
    folder = process_folder()
    name = f"{os.getpid()}-{threading.get_ident()}"
    notebook_file, out = os.path.join(folder, f"{name}.ipynb"), os.path.join(folder, f"{name}.pickle")
    try:
        with open(notebook_file, "wb") as f:
            f.write(notebook)
        run_code(pair[1], DOWNLOADS_CODE % {"notebook": notebook_file, "kind": kind, "out": out,
                                            "parameters": json.dumps(dict(parameters), ensure_ascii=False)},
                 what="downloads")
        with open(out, "rb") as f:
            files = pickle.load(f)
    finally:
        for path in (notebook_file, out):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    return {str(rel): bytes(content) for rel, content in files.items()}


atexit.register(shutdown_kernels)
mp_util.Finalize(None, shutdown_kernels, exitpriority=100)


class WarmEngine(NBClientEngine):
    """papermill engine: execute in a reused kernel whose state is reset before each run. The kernel works in
    the folder ``kernel_cwd`` (an engine argument) when given, else in this process's working directory."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None, start_timeout: float = 60,
                                 execution_timeout: float | None = None, **kwargs: Any) -> Any:
        cwd = kwargs.pop("kernel_cwd", None) or os.getcwd()
        km, kc = warm_kernel(kernel_name, cwd, start_timeout)
        run_code(kc, RESET_CODE)
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
            KERNELS.pop(kernel_key(kernel_name, cwd), None)
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
        km, kc = start_kernel(kernel_name, os.getcwd(), kwargs.get("start_timeout", 60))
        try:
            run_code(kc, RESET_CODE)
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
