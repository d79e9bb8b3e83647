"""Accessible pages (issue 23; GB/T 37668-2019 互联网内容无障碍可访问性, close to WCAG 2.1 AA).

Every page kind of a small book (导读, 如何阅读, 评价方法, 术语表, 数据核查汇总, the year overview, the 主管部门
group pages, a full chapter (the seed) and a partial draft (a township's imported report), and the search
page with results) is scanned by axe-core (``axe-playwright-python``) in Chromium at 1280 px and 390 px, and
the pages with the book's own styles also in the theme's dark mode: no serious or critical violation, and
no content outside a landmark. The keyboard reaches the search, the contents and the downloads at both
widths. Charts keep their alt text; tables their caption and column headers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from bs4 import BeautifulSoup

from .browsing import chromium, toc_pages
from .conftest import TOWNSHIP

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="accessibility tests need axe-playwright-python (requirements-test.txt)")

SEED_PAGE = "book/2024/xiangtan-minzheng.html"
SEARCH = "search.html?q=民政"
#: axe-core's rules for WCAG 2.0/2.1 A and AA, and its best practices (landmarks among them).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: Failing impacts, and the rules that fail whatever their impact (content outside a landmark).
FAILING_IMPACTS = {"serious", "critical"}
FAILING_RULES = {"region"}
#: (width, colour scheme, which pages): both widths in the light mode every reader gets by default; the dark
#: mode (the reader's system setting, or the theme's switch) on the pages the book styles itself.
LAYOUTS = {"1280": (1280, "light", None), "390": (390, "light", None),
           "1280-dark": (1280, "dark", ("book/2024/", "book/findings", "book/method", "search"))}


@pytest.fixture(scope="module")
def html(reader_book: Path) -> Path:
    return reader_book / "_build" / "html"


@pytest.fixture(scope="module")
def pages(reader_book: Path) -> list[str]:
    """Every page of the book (from its _toc.yml) and the search page with results."""
    found = toc_pages(reader_book)
    kinds = {"book/intro.html", "book/how-to-read.html", "book/method.html", "book/glossary.html",
             "book/findings.html", "book/2024/overview.html", SEED_PAGE, f"book/2024/{TOWNSHIP}.html"}
    assert kinds <= set(found) and any("/group-" in p for p in found)
    return [*found, SEARCH]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _open(browser: Any, html: Path, path: str, width: int, scheme: str = "light") -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.goto((html / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
    if path.startswith("search.html"):
        page.wait_for_function(
            "() => Search._pulse_status === -1 && document.querySelector('#search-results li p.context')"
            " && [...document.querySelectorAll('#search-results ul.search li')].every(li => li.querySelector('p.context'))",
            timeout=120_000)
    page.wait_for_function("() => document.documentElement.dataset.theme")   # the theme has set its mode
    # Colours as they end, not half-way through the theme's 0.15 s transitions after it switched the mode.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    return page


def _failing(violations: list[dict[str, Any]]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])}× {v['nodes'][0]['target']}"
            for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_page_passes_axe_core(html: Path, pages: list[str], browser: Any, layout: str) -> None:
    width, scheme, only = LAYOUTS[layout]
    axe = axe_sync.Axe()
    found = {}
    for path in pages:
        if only and not path.startswith(only):
            continue
        page = _open(browser, html, path, width, scheme)
        try:
            assert page.evaluate("document.documentElement.dataset.theme") == scheme
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
            failing = _failing(result.response["violations"])
            if failing:
                found[path] = failing
        finally:
            page.close()
    assert found == {}


def test_the_scan_can_fail(browser: Any) -> None:
    """The problems the book had (issue 23) are found on a page that has them."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.set_content(
            "<html lang='zh-CN'><head><title>t</title></head><body><p>导航外的文字</p><main><h1>标题</h1>"
            "<div style='background:#f3f7fc'><a href='x.csv' style='color:#176de8'>下载本表 CSV 数据</a></div>"
            "<details><summary><i class='icon'></i></summary><p>x</p></details></main></body></html>")
        violations = axe_sync.Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}}).response["violations"]
        assert {v["id"] for v in violations} >= {"color-contrast", "summary-name", "region"}
        assert len(_failing(violations)) == 3
    finally:
        page.close()


# --- the keyboard ---------------------------------------------------------------------------------

_FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, cls: String(e.className), label: (e.getAttribute('aria-label') || e.textContent || '').trim(),
          inNav: !!e.closest('nav.bd-docs-nav'), word: !!e.closest('p.pe-word'), csv: !!e.closest('p.pe-download'),
          search: e.matches('.search-button__button, input[name=q]'), menu: e.matches('.dropdown-toggle'),
          contents: e.matches('.primary-toggle'), shown: r.width > 0 && r.height > 0}; }"""


def _tab_stops(page: Any, count: int) -> list[dict[str, Any]]:
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop:
            stops.append(stop)
    return stops


@pytest.mark.parametrize("width", [1280, 390])
def test_the_keyboard_reaches_search_contents_and_downloads(html: Path, browser: Any, width: int) -> None:
    page = _open(browser, html, SEED_PAGE, width)
    try:
        stops = _tab_stops(page, 60)   # the sidebar, the lead box's figures (each links to its sentence), 表1
        assert stops[0]["label"] == "跳到正文"                     # first: skip to the content
        assert any(s["search"] and s["shown"] for s in stops)      # the search
        assert any(s["word"] and s["shown"] for s in stops)        # the two Word reports
        assert any(s["csv"] and s["shown"] for s in stops)         # a table's CSV
        assert any(s["menu"] and s["label"] == "下载与打印" for s in stops)
        if width >= 960:
            assert any(s["inNav"] and s["shown"] for s in stops)   # the contents, in the sidebar
        else:
            # On a phone the contents open from their button; the keyboard then reaches their links.
            assert any(s["contents"] and s["shown"] for s in stops)
            page.reload()
            for _ in range(30):
                page.keyboard.press("Tab")
                if (page.evaluate(_FOCUSED) or {}).get("contents"):
                    break
            page.keyboard.press("Enter")
            page.wait_for_function("() => document.querySelector('#pst-primary-sidebar-modal[open] nav.bd-docs-nav')")
            assert any(s["inNav"] and s["shown"] for s in _tab_stops(page, 15))
    finally:
        page.close()


def test_the_keyboard_alone_searches(html: Path, browser: Any) -> None:
    page = _open(browser, html, SEED_PAGE, 1280)
    try:
        page.keyboard.press("Control+k")
        box = page.locator("#pst-search-dialog input[name=q]")
        box.wait_for(state="visible")
        assert page.evaluate("document.activeElement.name") == "q"
        page.keyboard.type("民政")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search.html?q=*")
        page.wait_for_function("() => document.querySelector('#search-results li p.context mark')", timeout=120_000)
        for _ in range(40):    # the first result's link is reachable
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('#search-results li')"):
                break
        assert page.evaluate("document.activeElement.closest('#search-results li').querySelector('a').textContent")
    finally:
        page.close()


# --- what assistive technology reads ----------------------------------------------------------------

def test_charts_keep_their_alt_text_and_tables_their_caption_and_headers(html: Path, pages: list[str]) -> None:
    charts = tables = 0
    for path in pages[:-1]:
        soup = BeautifulSoup((html / path).read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("main article") or soup
        for img in article.select("img"):
            assert img.get("alt", "").strip(), (path, img.get("src"))
            charts += img["src"].endswith(".png")
        for table in article.select("table.pe-table"):
            caption = table.find("caption")
            assert caption is not None and caption.get_text(strip=True).startswith("表"), path
            heads = table.select("thead th")
            assert heads and all(th.get("scope") == "col" for th in heads), path
            box = table.find_parent("div", class_="pe-scroll")
            assert box["role"] == "region" and box["tabindex"] == "0", path
            assert box["aria-label"] == caption.get_text(strip=True), path
            tables += 1
    assert charts >= 4 and tables >= 20
