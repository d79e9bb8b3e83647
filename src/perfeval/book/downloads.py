"""Files published beside a page (its tables as CSV, a chapter as Word), written by the build, not the kernel.

The pages package computes them from the executed notebook and the page
(:func:`perfeval.pages.page_downloads`: in the worker, :func:`run_downloads`; for a page the build's own process
ran, in its kernel, :func:`perfeval.book.kernels.downloads_in_kernel`); the client writes them under
the downloads folder (:func:`write_page_files`), only when their content changed, and removes what the page
no longer produces from the folders it owns.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from perfeval.book.notebook import write_if_changed
from perfeval.book.plan import Run

PageDownloads = Callable[[Any, Any], Mapping[str, bytes]]


def run_downloads(nb: Any, run: Run) -> Mapping[str, bytes]:
    """The downloads of one executed run, computed by the pages package (outside the kernel)."""
    from perfeval.pages import Page, page_downloads

    return page_downloads(nb, Page.from_parameters(run.kind, run.parameters))


def _safe_relative(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise ValueError(f"download path must be relative and stay in the downloads folder: {rel!r}")
    return path


def write_downloads(nb: Any, page: Any, downloads_dir: Path,
                    compute: PageDownloads | None = None) -> list[Path]:
    """Compute the page's downloads and write them under ``downloads_dir`` (:func:`write_page_files`)."""
    compute = compute or run_downloads
    return write_page_files(compute(nb, page), downloads_dir)


def write_page_files(offered: Mapping[str, bytes], downloads_dir: Path) -> list[Path]:
    """Write one page's downloads under ``downloads_dir``; returns the files that changed.

    A page owns the folders its files are in: other files there (left by an earlier version of the page)
    are removed, so the published downloads are exactly what the page offers now.
    """
    files = {_safe_relative(rel): content for rel, content in offered.items()}
    changed = [downloads_dir / rel for rel, content in sorted(files.items())
               if write_if_changed(downloads_dir / rel, content)]
    for folder in {rel.parent for rel in files} - {PurePosixPath(".")}:
        for path in (downloads_dir / folder).iterdir():
            rel = PurePosixPath(path.relative_to(downloads_dir).as_posix())
            if path.is_file() and rel not in files:
                path.unlink()
    return changed
