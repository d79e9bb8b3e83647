"""Hostile data: every text field of a department is HTML, script, MyST or Jinja syntax.

The book is built from it (no network needed, nothing from data evaluated) and opened in headless
Chromium: no script from the data runs (no dialog, window.__pwned stays unset, no injected elements),
and every payload is shown literally on the page.
"""

from __future__ import annotations

import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from perfeval.cli import main
from perfeval.model.files import load_department, read_yaml

from .conftest import ROOT, copy_project

CHROMIUM = Path("/usr/bin/chromium")

PAYLOADS = [
    "<script>window.__pwned='script';alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
    "```{raw} html\n<script>window.__pwned='raw'</script>\n```",
    "{eval}`window.__pwned='eval'` {raw}`html <b onmouseover=alert(1)>raw-role</b>`",
    "[点我](javascript:window.__pwned='link';alert('link')) <a href=\"javascript:alert(2)\">a</a>",
    "{{ 7*7 }} {% for x in range(3) %}X{% endfor %} {# c #}",
    "<svg onload=\"window.__pwned='svg'\"></svg><iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>",
    "\"><script>window.__pwned='attr'</script><p title='",
    "{} {{}} }}{{ {% %} ${7*7} #{7*7} {{'a'}} %(x)s {0}",
    "# 注入标题 <style>body{display:none}</style> <!-- c --> &amp; &lt;b&gt;",
    "| a | b |\n|---|---|\n| <u>t</u> | x |",
    "\\(\\href{javascript:alert(1)}{x}\\) $$\\alert{1}$$ $x$",
]
SKIP_KEYS = {"code", "category", "relation", "deadline"}   # not text: a pattern, two choices and a date
UNIT = "<b>件</b>{{u}}"                      # the same hostile unit for target and actual (they must match)


def _hostile(data: Any, counter: Iterator[int], key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: (UNIT if k == "unit" and isinstance(v, str) and key in ("target", "actual", "outputs")
                    else _hostile(v, counter, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_hostile(v, counter, key) for v in data]
    if isinstance(data, str) and key not in SKIP_KEYS:
        n = next(counter)
        return PAYLOADS[n % len(PAYLOADS)]
    return data


def _dump(data: Any) -> str:
    yaml.SafeDumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _counter() -> Iterator[int]:
    n = 0
    while True:
        yield n
        n += 1


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile"), data=False)
    folder = root / "data/demo/2024"
    folder.mkdir(parents=True)
    data = read_yaml(ROOT / "data/demo/2024/qinghe-jiaoyu.yaml")
    hostile = _hostile(data, _counter())
    hostile["unit"]["supervisor"] = PAYLOADS[0]     # the group page and the TOC
    hostile["title"] = PAYLOADS[5] + PAYLOADS[4]    # the first heading
    path = folder / "qinghe-jiaoyu.yaml"
    path.write_text(_dump(hostile), encoding="utf-8")
    rec = load_department(path)
    assert rec.unit.name in PAYLOADS and rec.goals[0].indicators[0].target.unit == UNIT
    shutil.copy(ROOT / "data/demo/2024/qinghe-nongye.yaml", folder)   # an overview needs two departments
    assert main(["build", "--root", str(root), "--jobs", "2"]) == 0
    return root / "_build/html"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_html_source_escapes_the_payloads(hostile_book: Path) -> None:
    """Independent of the browser: the raw HTML never contains a payload's markup unescaped."""
    html = (hostile_book / "book/2024/qinghe-jiaoyu.html").read_text(encoding="utf-8")
    for needle in ("<script>window.__pwned", "<img src=x", "<svg onload", "<iframe src=\"javascript",
                   'href="javascript:', "<b onmouseover", "<style>body{display:none}"):
        assert needle not in html, needle
    assert "&lt;script&gt;window.__pwned" in html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="no browser driver: the Python package playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


PAGES = ["book/2024/qinghe-jiaoyu.html", "book/2024/overview-demo.html", "book/findings.html", "index.html"]


@pytest.mark.parametrize("page_path", PAGES)
def test_no_script_from_data_runs_and_text_is_literal(hostile_book: Path, browser: Any, page_path: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((hostile_book / page_path).as_uri(), wait_until="load")
    page.wait_for_timeout(500)
    # Hover and click over every element of the article: event-handler payloads would fire now.
    article = "article, main, body"
    page.evaluate(f"""() => {{
        const root = document.querySelector('{article}');
        for (const el of root.querySelectorAll('*')) {{
            for (const type of ['mouseover', 'focus']) el.dispatchEvent(new Event(type));
        }}
    }}""")
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.evaluate("() => window.__pwned === undefined")
    injected = page.evaluate("""() => {
        const root = document.querySelector('main') || document.body;
        const sel = 'img[src="x"], iframe, svg[onload], [onerror], [onmouseover], a[href^="javascript:"], style';
        const bad = [...root.querySelectorAll(sel)].map(e => e.outerHTML.slice(0, 120));
        const scripts = [...document.scripts].filter(s => s.text.includes('__pwned')).map(s => s.text.slice(0, 80));
        return bad.concat(scripts);
    }""")
    assert injected == []
    text = _norm(page.evaluate("() => document.body.innerText"))
    page.close()
    if page_path == "book/2024/qinghe-jiaoyu.html":
        missing = [p for p in PAYLOADS if _norm(p) not in text]
        assert missing == [], "every payload is shown literally on the chapter"
        assert _norm(UNIT) in text
    elif page_path == "index.html":
        # The navigation lists the 主管部门 group by its hostile name (shortened in the sidebar), literally.
        assert "<script>wind" in text
    else:
        name = load_department(hostile_book.parents[1] / "data/demo/2024/qinghe-jiaoyu.yaml").unit.name
        assert _norm(name) in text


@pytest.mark.skipif(not sys.platform.startswith("linux") or not (shutil.which("unshare") and shutil.which("ip")),
                    reason="needs unshare(1) and ip(8) to cut the network")
def test_build_needs_no_network(tmp_path: Path) -> None:
    """Build a one-department book in a network namespace that has only loopback (the kernels talk to
    papermill over 127.0.0.1); skips when user namespaces are not permitted."""
    import subprocess

    offline = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
    probe = subprocess.run([*offline, sys.executable, "-c",
                            "import socket; s = socket.socket(); s.settimeout(3); print(s.connect_ex(('1.1.1.1', 80)))"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -rn not permitted here: {probe.stderr.strip()}")
    assert probe.stdout.strip() != "0", "the namespace really has no network"
    root = copy_project(tmp_path / "offline", data=False)
    (root / "data/2024").mkdir(parents=True)
    shutil.copy(ROOT / "data/2024/xiangtan-minzheng.yaml", root / "data/2024")
    proc = subprocess.run([*offline, sys.executable, "-m", "perfeval", "build", "--root", str(root),
                           "--jobs", "1"], capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "_build/html/book/2024/xiangtan-minzheng.html").is_file()
