"""The built book in a real browser (Playwright driving Debian's /usr/bin/chromium).

The default book is built once per test session (``built_book``) and served on
127.0.0.1 by http.server. Each test saves a screenshot into a pytest
temporary folder and prints its path.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest

from .browsing import CHROMIUM, chromium, serve

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the Python package playwright (see requirements-test.txt)")

pytestmark = pytest.mark.browser

PAGE = "book/2024/xiangtan-minzheng.html"

# Console errors that come from the pinned theme stack, not from this project (see the report of issue 7):
KNOWN_UPSTREAM_ERRORS = (
    # sphinx-thebe adds its inline `const THEBE_JS_URL = …` script once per read of the docs; jupyter-book
    # triggers two, so the second declaration throws (the first one stands; nothing else breaks).
    "Identifier 'THEBE_JS_URL' has already been declared",
    # pydata-sphinx-theme on a first visit (empty localStorage) reads mode "" and resets it to auto.
    "Got invalid theme mode: . Resetting to auto.",
)
TITLE = "2024年湘潭市民政局部门整体支出绩效评价报告"


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest) -> Path:
    if os.environ.get("PERFEVAL_BROWSER_HTML"):  # an already built book (…/_build/html), to iterate on the tests
        return Path(os.environ["PERFEVAL_BROWSER_HTML"])
    # The default book, built once per session (conftest.built_book) and shared with the other book tests.
    return Path(request.getfixturevalue("built_book")) / "_build" / "html"


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    with serve(built) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _shot(page: Any, shots: Path, name: str, full_page: bool = False) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


def _search(page: Any, server: str, query: str) -> list[str]:
    """Type a query into the search box of the department page, submit, and return the result links."""
    page.goto(server + PAGE)
    page.keyboard.press("Control+k")
    box = page.locator("#pst-search-dialog input[name=q]")
    box.wait_for(state="visible")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0 && Search._pulse_status === -1; }",
        timeout=120_000)  # searching the whole index is slow on a loaded 2-core machine
    return page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")


def test_department_page_loads_without_console_errors(page: Any, server: str, shots: Path) -> None:
    errors: list[str] = []
    def on_console(msg: Any) -> None:
        # The browser asks for /favicon.ico by itself; the book has none (a 404 the page did not request).
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    response = page.goto(server + PAGE, wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_timeout(500)  # let deferred theme scripts run
    assert page.locator("main h1").first.inner_text().replace("#", "").strip() == TITLE
    _shot(page, shots, "department-page")
    known = [e for e in errors if any(k in e for k in KNOWN_UPSTREAM_ERRORS)]
    if known:
        print("known upstream console errors:", known)
    assert [e for e in errors if e not in known] == []


def test_every_chart_image_has_loaded(page: Any, server: str, shots: Path) -> None:
    page.goto(server + PAGE, wait_until="load")
    images = page.eval_on_selector_all(
        "main img", "els => els.map(e => ({src: e.currentSrc, complete: e.complete, w: e.naturalWidth}))")
    charts = [i for i in images if ".png" in i["src"]]
    assert len(charts) >= 4, images
    assert [i for i in charts if not (i["complete"] and i["w"] > 0)] == []
    page.locator("main img").nth(1).scroll_into_view_if_needed()
    _shot(page, shots, "charts")


def test_search_finds_the_department_page(page: Any, server: str, shots: Path) -> None:
    links = _search(page, server, "预算执行率")
    _shot(page, shots, "search-预算执行率")
    assert any(link.split("#")[0].endswith(PAGE) for link in links), links


def test_search_without_spaces_is_segmented(page: Any, server: str, shots: Path) -> None:
    query = "预算执行率三公经费"
    links = _search(page, server, query)
    _shot(page, shots, "search-预算执行率三公经费")
    assert any(link.split("#")[0].endswith(PAGE) for link in links), links
    # The splitter is Sphinx's search-language hook (js_splitter_code, written into language_data.js),
    # not a script replacing a global function by load order.
    assert page.evaluate("typeof splitQuery === 'function' && splitQuery.toString().includes('perfevalZhSearch')")
    assert page.locator("script[src*='zh-search']").count() == 0
    # Why it is needed: Sphinx alone keeps the query as one term, which no page contains.
    default_terms = page.evaluate(f"perfevalZhSearch.defaultSplit({query!r})")
    assert default_terms == [query]
    assert page.evaluate(f"Search._index.terms[{query!r}] === undefined")
    # The hook Sphinx calls, with the loaded index: two words, both in the index.
    assert page.evaluate(f"splitQuery({query!r})") == ["预算执行率", "三公经费"]
    assert page.evaluate("['预算执行率', '三公经费'].every(t => t in Search._index.terms)")


def test_segmentation_logic(page: Any, server: str) -> None:
    """Forward maximum matching on a small dictionary (pure function of the splitter, static/zh-splitter.js)."""
    page.goto(server + "search.html")
    index = {"terms": {"预算": 0, "预算执行率": 1, "三公经费": 2, "经费": 3, "民政局": 4}, "titleterms": {"绩效": 5}}
    cases = {
        "预算执行率三公经费": ["预算执行率", "三公经费"],   # longest match first, not 预算 + …
        "预算执行率和三公经费": ["预算执行率", "三公经费"],  # an unknown single character is dropped
        "绩效 2024年民政局": ["绩效", "2024", "民政局"],      # spaces, digits, title terms
        "三公经费": ["三公经费"],                            # a word stays whole
        "湘潭预算": ["湘潭", "预算"],                        # unknown runs of 2+ characters are kept
        "budget预算": ["budget", "预算"],
    }
    for query, expected in cases.items():
        got = page.evaluate("([q, idx]) => perfevalZhSearch.segmentQuery(q, idx)", [query, index])
        assert got == expected, query


def test_word_download_link(page: Any, server: str, shots: Path) -> None:
    import docx

    page.goto(server + PAGE, wait_until="load")
    links = page.locator("p.pe-word a[download]")
    assert links.count() == 2 and page.locator("p.pe-word").inner_text().startswith("下载 Word 报告")
    titles = {"单位自评报告": TITLE, "测算意见": "2024年度湘潭市民政局部门整体支出绩效测算意见"}
    links.first.scroll_into_view_if_needed()
    _shot(page, shots, "word-link")
    for i in range(2):
        link = links.nth(i)
        href = link.get_attribute("href")
        assert href is not None and href.endswith(("xiangtan-minzheng-2024.docx", "xiangtan-minzheng-2024-测算意见.docx"))
        url = page.evaluate("h => new URL(h, location.href).href", href)
        response = page.request.get(quote(url, safe=":/?=&%"))
        assert response.status == 200
        assert "officedocument.wordprocessingml" in response.headers.get("content-type", "")
        body = response.body()
        assert body[:2] == b"PK"
        assert docx.Document(io.BytesIO(body)).paragraphs[0].text == titles[link.inner_text()]


def test_print_view_hides_navigation(page: Any, server: str, shots: Path) -> None:
    page.goto(server + PAGE, wait_until="load")
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()  # on screen it is there
    page.emulate_media(media="print")
    for selector in ("#pst-primary-sidebar", "#pst-secondary-sidebar", "header.bd-header",
                     ".bd-header-article", "footer.bd-footer", ".prev-next-footer"):
        loc = page.locator(selector)
        assert loc.count() == 0 or not loc.first.is_visible(), selector
    assert page.locator("table.pe-table").first.is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('table.pe-table tr')).breakInside") == "avoid"
    assert page.evaluate("getComputedStyle(document.querySelector('main h2')).breakAfter") == "avoid"
    _shot(page, shots, "print-view", full_page=True)
    pdf = shots / "print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    print(f"print PDF: {pdf}")
    assert pdf.stat().st_size > 10_000
