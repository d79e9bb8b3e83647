"""papermill entry point for the ``perfeval-warm`` engine (e.g. ``papermill --engine perfeval-warm``).

papermill loads its entry points while it is itself being imported, so this module
must not import papermill at import time: it forwards to :class:`perfeval.book.kernels.WarmEngine`
on first use.
"""

from __future__ import annotations

from typing import Any


class WarmEngineEntry:
    @classmethod
    def execute_notebook(cls, *args: Any, **kwargs: Any) -> Any:
        from perfeval.book.kernels import WarmEngine

        return WarmEngine.execute_notebook(*args, **kwargs)

    @classmethod
    def nb_kernel_name(cls, *args: Any, **kwargs: Any) -> Any:
        from perfeval.book.kernels import WarmEngine

        return WarmEngine.nb_kernel_name(*args, **kwargs)

    @classmethod
    def nb_language(cls, *args: Any, **kwargs: Any) -> Any:
        from perfeval.book.kernels import WarmEngine

        return WarmEngine.nb_language(*args, **kwargs)
