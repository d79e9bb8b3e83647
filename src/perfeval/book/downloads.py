"""Files published beside a page (its tables as CSV, a chapter as Word), written by the build, not the kernel.

The pages package computes them from the executed notebook and the page
(``perfeval.pages.downloads.page_downloads(nb, page) -> {relative path: bytes}``, where ``page`` is the
:class:`perfeval.book.plan.Run` of the page); this module writes them under the downloads folder, only
when their content changed, and removes what the page no longer produces from the folders it owns.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from perfeval.book.notebook import write_if_changed

PageDownloads = Callable[[Any, Any], Mapping[str, bytes]]


def _page_downloads() -> PageDownloads | None:
    """``perfeval.pages.downloads.page_downloads``, or None while the pages package has no such module
    (then the templates still write their own downloads)."""
    try:
        from perfeval.pages.downloads import page_downloads  # type: ignore[import-not-found]
    except ModuleNotFoundError as exc:
        if exc.name != "perfeval.pages.downloads":
            raise
        return None
    return page_downloads  # type: ignore[no-any-return]


def _safe_relative(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise ValueError(f"download path must be relative and stay in the downloads folder: {rel!r}")
    return path


def write_downloads(nb: Any, page: Any, downloads_dir: Path,
                    compute: PageDownloads | None = None) -> list[Path]:
    """Write the page's downloads under ``downloads_dir``; returns the files that changed.

    A page owns the folders its files are in: other files there (left by an earlier version of the page)
    are removed, so the published downloads are exactly what the page offers now.
    """
    compute = compute or _page_downloads()
    if compute is None:
        return []
    files = {_safe_relative(rel): content for rel, content in compute(nb, page).items()}
    changed = [downloads_dir / rel for rel, content in sorted(files.items())
               if write_if_changed(downloads_dir / rel, content)]
    for folder in {rel.parent for rel in files} - {PurePosixPath(".")}:
        for path in (downloads_dir / folder).iterdir():
            rel = PurePosixPath(path.relative_to(downloads_dir).as_posix())
            if path.is_file() and rel not in files:
                path.unlink()
    return changed
