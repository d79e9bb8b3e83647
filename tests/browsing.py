"""What the browser tests share: the pages of a built book, the book served over HTTP, and headless Chromium
(Debian's).

``serve(folder)`` and ``chromium()`` are context managers; each test module wraps them in its own
module-scoped fixtures. Without Chromium or playwright the tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

CHROMIUM = Path("/usr/bin/chromium")


def toc_pages(project: Path) -> list[str]:
    """Every page of a built project as its ``_toc.yml`` lists it (read independently of the package), as
    paths under the HTML folder."""
    toc = yaml.safe_load((project / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def visit(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            pages.append(entry["file"])
            visit(entry.get("sections", []))

    for part in toc["parts"]:
        visit(part["chapters"])
    return [f"{p}.html" for p in pages]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on a free local port (the search page fetches pages for its snippets); the URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium through playwright; skips the test when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser tests need the Python package playwright (requirements-test.txt)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield browser
        finally:
            browser.close()
