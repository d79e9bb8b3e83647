"""Sphinx extension: declare the parallel safety of an extension that is safe but does not say so.

``sphinx-external-toc`` (1.1) always loads ``sphinx_multitoc_numbering`` (0.1.3), whichever
``use_multitoc_numbering`` says, and that extension declares nothing, so Sphinx reads a book serially.
Its whole effect is to replace ``TocTreeCollector.assign_section_numbers``, which Sphinx calls in the main
process after every document is read (and merged); it connects no reading or writing event. It is
therefore safe for parallel reading and writing, and this extension says so for that version only (an
unknown version keeps Sphinx's cautious serial read).
"""

from __future__ import annotations

from typing import Any

#: Extensions (name → version) that are parallel-safe although they do not declare it; checked above.
SAFE_UNDECLARED = {"sphinx_multitoc_numbering": "0.1.3"}


def declare(app: Any) -> list[str]:
    """Mark the known-safe extensions of this Sphinx application; returns their names."""
    import importlib

    marked = []
    for name, version in SAFE_UNDECLARED.items():
        extension = app.extensions.get(name)
        if extension is None or getattr(importlib.import_module(name), "__version__", None) != version:
            continue
        extension.parallel_read_safe = True
        extension.parallel_write_safe = True
        marked.append(name)
    return marked


def _builder_inited(app: Any) -> None:
    declare(app)


def setup(app: Any) -> dict[str, Any]:
    declare(app)  # extensions loaded before this one
    app.connect("builder-inited", _builder_inited)  # and any loaded after it
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
