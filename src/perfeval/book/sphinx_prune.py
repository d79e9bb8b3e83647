"""Sphinx extension: after an HTML build, remove images no current page uses.

Renders start from the previous one (see :mod:`perfeval.book.publish`), and Sphinx never deletes an
output it wrote before: a chart that changed (new content, new file name) or belonged to a removed page
would stay in ``_images`` and in the executed-notebook outputs (myst-nb's ``jupyter_execute``) forever,
and be published. Sphinx's environment knows every image the current pages use (``env.images``);
everything else there is removed. Enabled in ``_config.yml`` (``sphinx: extra_extensions``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".webp"}


def prune_images(outdir: Path, srcdir: Path, images: dict[str, Any]) -> list[Path]:
    """Remove the files of ``outdir/_images`` and of the sibling ``jupyter_execute`` folder (top level) that
    ``images`` (Sphinx's ``env.images``: source path → (docnames, unique name)) does not name."""
    used_names = {unique for _, (_, unique) in images.items()}
    # Paths compared as written, normalised (resolving each of thousands of images costs seconds at 1000 pages).
    used_sources = {os.path.normpath(srcdir / source) for source in images}
    removed: list[Path] = []
    published = outdir / "_images"
    if published.is_dir():
        removed += [p for p in published.iterdir() if p.is_file() and p.name not in used_names]
    executed = outdir.parent / "jupyter_execute"
    if executed.is_dir():
        removed += [p for p in executed.iterdir()
                    if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and os.path.normpath(p) not in used_sources]
    for path in removed:
        path.unlink()
    return removed


def _build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is None and app.builder.format == "html":
        prune_images(Path(app.outdir), Path(app.srcdir), dict(app.env.images))


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
