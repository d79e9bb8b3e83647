"""Hostile data: every text field of a department is HTML, script, MyST or Jinja syntax.

The book is built from it (no network needed, nothing from data evaluated) and opened in headless
Chromium: no script from the data runs (no dialog, window.__pwned stays unset, no injected elements),
and every payload is shown literally on the page.

The same book holds one more department per field (or group of fields): its payload sets a DOM attribute
(``data-pwned`` on ``<html>``) if it ever runs. Every page of the book is opened in screen and print media
and the search page is queried with the hostile title: the attribute is never set, and each field's text
is shown literally wherever the book shows that field (page title, headings, the print header, sidebar,
previous/next, search results, overview tables, group pages, the Word file and the CSV downloads).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
import yaml

from perfeval.cli import main
from perfeval.model.files import load_department, read_yaml

from .browsing import chromium, serve, toc_pages
from .conftest import ROOT, copy_project, copy_seed


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


def attribute_payload(tag: str) -> str:
    """Text that, if it ever ran as HTML anywhere, would set ``data-pwned`` on the document element."""
    return (f'<img src=x onerror="document.documentElement.dataset.pwned=\'{tag}\'">'
            f'<script>document.documentElement.dataset.pwned="{tag}"</script>《{tag}》')


#: One real department per field or group of fields (code → the fields that carry its payload).
FIELD_DEPARTMENTS: dict[str, list[tuple[Any, ...]]] = {
    "hostile-title": [("title",)],
    "hostile-unit": [("unit", "name")],
    "hostile-supervisor": [("unit", "supervisor")],
    "hostile-goals": [("goals", 0, "text"), ("goals", 0, "completion_title"), ("goals", 0, "completion"),
                      ("goals", 0, "indicators", 0, "name")],
    "hostile-projects": [("projects", 0, "name"), ("projects", 0, "description")],
    "hostile-notes": [("problems", 0, "problem"), ("problems", 0, "measures"), ("other_notes",), ("duties", 0),
                      ("management", "outcome_statement"), ("self_scores", 0, "reason")],
}


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile"), data=False)
    real = root / "data/2024"
    real.mkdir(parents=True)
    base = read_yaml(ROOT / "data/demo/2024/qinghe-nongye.yaml")
    for code, fields in FIELD_DEPARTMENTS.items():
        data = read_yaml(ROOT / "data/demo/2024/qinghe-nongye.yaml")
        data.update(code=code, demo=False)
        for field in fields:
            _set(data, field, attribute_payload(code))
        (real / f"{code}.yaml").write_text(_dump(data), encoding="utf-8")
        assert load_department(real / f"{code}.yaml").code == code
    assert base["unit"]["name"] == "清河市农业农村局"
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
                   "<b onmouseover", "<style>body{display:none}"):
        assert needle not in html, needle
    # A javascript: link is a tag's href; the payload's text `<a href="javascript:…">` stays escaped text
    # (quotes are kept as written, so the attribute's text itself appears inside the escaped markup).
    assert not re.search(r'<[a-z]+\s[^<>]*href="javascript:', html)
    assert '&lt;a href="javascript:alert(2)"&gt;' in html
    assert "&lt;script&gt;window.__pwned" in html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


PAGES = ["book/2024/qinghe-jiaoyu.html", "book/2024/overview-demo.html", "book/findings.html", "index.html"]


@pytest.mark.browser
@pytest.mark.slow
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
    copy_seed(root / "data/2024")
    proc = subprocess.run([*offline, sys.executable, "-m", "perfeval", "build", "--root", str(root),
                           "--jobs", "1"], capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "_build/html/book/2024/xiangtan-minzheng.html").is_file()


# --- one field at a time: every place the book shows it ---------------------------------------------

def _toc_pages(html: Path) -> list[str]:
    return toc_pages(html.parents[1])


PWNED = "() => document.documentElement.hasAttribute('data-pwned') || window.__pwned !== undefined"
ARTICLE_TEXT = "() => (document.querySelector('article') || document.body).innerText"


def _open(browser: Any, url: str, media: str = "screen") -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda d: d.dismiss())
    page.emulate_media(media=media)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)
    return page


@pytest.fixture(scope="module")
def served(hostile_book: Path) -> Iterator[str]:
    """The hostile book over HTTP (the search page fetches each result's page for its snippet)."""
    with serve(hostile_book) as url:
        yield url


@pytest.fixture(scope="module")
def seen(hostile_book: Path, browser: Any) -> dict[str, dict[str, Any]]:
    """Every page of the book opened in screen and print media: whether a payload ran, and the texts of
    the places to check (title, headings, print header, sidebar, previous/next, article)."""
    out: dict[str, dict[str, Any]] = {}
    for path in _toc_pages(hostile_book):
        for media in ("screen", "print"):
            page = _open(browser, (hostile_book / path).as_uri(), media)
            try:
                page.evaluate("""() => { for (const el of document.querySelectorAll('*'))
                    for (const t of ['mouseover', 'focus']) el.dispatchEvent(new Event(t)); }""")
                out[f"{path} {media}"] = page.evaluate(f"""() => ({{
                    pwned: ({PWNED})(),
                    title: document.title,
                    h1: (document.querySelector('article h1') || {{innerText: ''}}).innerText.replace(/[#¶]/g, '').trim(),
                    printHeader: (document.querySelector('#jb-print-docs-body h1') || {{innerText: ''}}).innerText.trim(),
                    printShown: !!document.querySelector('#jb-print-docs-body') &&
                        getComputedStyle(document.querySelector('#jb-print-docs-body')).display !== 'none',
                    sidebar: (document.querySelector('nav.bd-docs-nav') || {{textContent: ''}}).textContent,
                    prevNext: [...document.querySelectorAll('.prev-next-area a')].map(a => a.textContent).join(' '),
                    article: ({ARTICLE_TEXT})(),
                }})""")
            finally:
                page.close()
    return out


@pytest.mark.browser
@pytest.mark.slow
def test_no_payload_runs_on_any_page_in_screen_or_print(hostile_book: Path, seen: dict[str, dict[str, Any]]) -> None:
    assert len(seen) == 2 * len(_toc_pages(hostile_book)) >= 2 * 19
    assert [key for key, page in seen.items() if page["pwned"]] == []


def _csv_cells(path: Path) -> set[str]:
    import csv
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {cell for row in csv.reader(f) for cell in row}


def _has(text: str, payload: str) -> bool:
    return _norm(payload) in _norm(text)


@pytest.mark.browser
@pytest.mark.slow
def test_title_is_literal_in_every_place(hostile_book: Path, seen: dict[str, dict[str, Any]], browser: Any,
                                         served: str) -> None:
    payload = attribute_payload("hostile-title")
    chapter = "book/2024/hostile-title.html"
    screen, printed = seen[f"{chapter} screen"], seen[f"{chapter} print"]
    assert screen["title"].startswith(payload)               # the browser tab
    assert screen["h1"] == payload                            # the heading
    assert printed["printShown"] and printed["printHeader"] == payload   # the theme's print header
    assert _has(screen["sidebar"], payload)                   # the sidebar
    neighbours = [k for k, v in seen.items() if k.endswith(" screen") and _has(v["prevNext"], payload)]
    assert neighbours                                         # previous/next of the pages around it
    groups = [k for k, v in seen.items() if "/group-" in k and _has(v["article"], payload)]
    assert groups                                             # the 主管部门 group page lists it
    # Search: the hostile title as the query; the result's title is shown as text, nothing runs.
    page = _open(browser, served + "search.html?q=" + quote(payload))
    try:
        page.wait_for_function("() => Search._pulse_status === -1 && document.querySelector('#search-results p')")
        page.wait_for_function("() => [...document.querySelectorAll('#search-results ul.search li')]"
                               ".every(li => li.querySelector('p.context'))")   # snippets, fetched after the list
        titles = page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(e => e.textContent)")
        assert payload in titles
        snippet = page.eval_on_selector_all(
            "#search-results ul.search li", "els => els.filter(e => e.querySelector('a').textContent === "
            f"{json.dumps(payload)}).map(e => e.querySelector('p.context').textContent)")[0]
        assert "document.documentElement.dataset.pwned" in snippet   # the payload's text, shown as text
        assert not [t for t in titles if "&lt;" in t or "&amp;" in t or "&quot;" in t]   # never escaped twice
        assert not page.evaluate(PWNED)
    finally:
        page.close()
    # The Word file's title.
    import docx
    word = hostile_book / "downloads/2024/hostile-title/hostile-title-2024.docx"
    assert docx.Document(str(word)).paragraphs[0].text == payload


@pytest.mark.browser
@pytest.mark.slow
def test_unit_name_and_supervisor_are_literal_in_overviews_groups_and_downloads(
        hostile_book: Path, seen: dict[str, dict[str, Any]]) -> None:
    unit, supervisor = attribute_payload("hostile-unit"), attribute_payload("hostile-supervisor")
    assert _has(seen["book/2024/hostile-unit.html screen"]["h1"], unit)
    overview = seen["book/2024/overview.html screen"]["article"]
    assert _has(overview, unit) and _has(overview, supervisor)          # ranking table: 部门, 主管部门
    assert _has(seen["book/findings.html screen"]["article"], unit)     # 数据核查汇总
    group = [v for k, v in seen.items() if "/group-" in k and k.endswith(" screen") and _has(v["h1"], supervisor)]
    assert group                                                        # the group page's heading
    assert _has(seen["book/2024/hostile-supervisor.html screen"]["sidebar"], supervisor)
    cells = _csv_cells(next((hostile_book / "downloads/2024/overview").glob("表1-*.csv")))
    assert unit in cells and supervisor in cells


@pytest.mark.browser
@pytest.mark.slow
def test_goal_project_and_note_fields_are_literal_on_the_page_and_in_downloads(
        hostile_book: Path, seen: dict[str, dict[str, Any]]) -> None:
    import docx
    for code in ("hostile-goals", "hostile-projects", "hostile-notes"):
        payload = attribute_payload(code)
        article = _norm(seen[f"book/2024/{code}.html screen"]["article"])
        assert article.count(_norm(payload)) >= len(FIELD_DEPARTMENTS[code]), code   # each field shown
        word = hostile_book / f"downloads/2024/{code}/{code}-2024.docx"
        document = docx.Document(str(word))
        text = "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells])
        assert payload in text, code
    problems = _csv_cells(next((hostile_book / "downloads/2024/hostile-notes").glob("*整改清单.csv")))
    assert attribute_payload("hostile-notes") in problems
