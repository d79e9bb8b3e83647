"""Pages a stakeholder reads (issue 14), on the default book built once per session (``built_book``).

Read from the HTML (no browser): the prose reads as written by people, reader tables hold no check ids
or field paths, table cells stay apart in the text search reads, real data and demo data stay apart
(previous/next, banner, search index), the interface is Chinese and the footer names the publisher.

In Chromium (marked ``browser``): every table and figure of every page fits the text column at 1280 px
and on A4 paper and keeps every column on a 390 px phone; the visible text and labels of every page
have no English; search finds real chapters, never demo pages, with snippets that keep cells apart.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

from .browsing import chromium, serve, toc_pages
from .reader_text import english_words, prose_problems, soup_of

CHAPTER = "book/2024/xiangtan-minzheng.html"
DEMO_MARK = "示例数据"


# --- what the built book is made of (read independently of the package) ---------------------------

def _html(built_book: Path) -> Path:
    return built_book / "_build" / "html"


def _pages(built_book: Path) -> list[str]:
    """Every page of the book (as in the TOC), as paths under the HTML folder."""
    return toc_pages(built_book)


def _demo_pages(built_book: Path) -> set[str]:
    """Pages in a TOC part whose caption says 示例数据."""
    toc = yaml.safe_load((built_book / "_toc.yml").read_text(encoding="utf-8"))
    out: set[str] = set()

    def visit(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            out.add(f"{entry['file']}.html")
            visit(entry.get("sections", []))

    for part in toc["parts"]:
        if DEMO_MARK in part["caption"]:
            visit(part["chapters"])
    return out


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


@pytest.fixture(scope="module")
def quoted(built_book: Path) -> set[str]:
    """Text the department data files hold (the units' own words), shown as written."""
    out: set[str] = set()
    for path in (built_book / "data").rglob("*.yaml"):
        if "frameworks" not in path.parts:
            out |= set(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="module")
def documents(built_book: Path) -> set[str]:
    """Text of the framework files (titles, descriptions, indicator names), each shown whole as written."""
    out: set[str] = set()
    for path in (built_book / "data" / "frameworks").glob("*.yaml"):
        out |= set(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="module")
def data_words(built_book: Path) -> set[str]:
    """ASCII words of the department data files and the reports kept beside them (a unit may write "Oracle" or
    "XX"; a report names its web address): quoted, allowed."""
    words: set[str] = set()
    for path in (built_book / "data").rglob("*.yaml"):
        if "frameworks" in path.parts:
            continue
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            words |= set(re.findall(r"[A-Za-z][A-Za-z'’\-]*", text))
    for path in (built_book / "data").rglob("*.source.txt"):
        words |= set(re.findall(r"[A-Za-z][A-Za-z'’\-]*", path.read_text(encoding="utf-8")))
    return words


# --- the prose ------------------------------------------------------------------------------------

def test_prose_has_no_formulas_doubled_sentences_or_spaced_numbers(built_book: Path, quoted: set[str],
                                                                   documents: set[str]) -> None:
    """Every page: no ÷, >=, <=, "4.57/6 分" or "（+4）" in sentences, no sentence twice, no space between
    Chinese and a figure ("84.23 分"), no "本章依据…数据生成". Text of the data and framework files is
    quoted as written (see tests/reader_text.py)."""
    problems = {}
    for page in _pages(built_book):
        found = prose_problems(soup_of(_html(built_book) / page), quoted, documents)
        if found:
            problems[page] = found[:5]
    assert problems == {}


def test_the_prose_check_can_fail() -> None:
    html = ("<article class='bd-article'><p>预算调整率（年中调整 ÷ 年初预算）为36.04%。得 4.57/6 分。</p>"
            "<p>本章依据某局2024年度数据生成：复核得分 84.23 分。</p><ul><li>是（+4）。设定目标值的指标1项，已达成1项。</li>"
            "<li>设定目标值的指标1项，已达成1项。</li></ul><table><tr><td>得 4.57/6 分</td></tr></table>"
            "<p>逐项测算得分，\n并核对。依据《中共中央 国务院关于全面实施预算绩效管理的意见》。</p>"
            "<p>**测算与核查。**在部门的报告之外。</p><table><thead><tr><th>说明</th><th>指标值</th></tr></thead>"
            "<tbody><tr><td>预算执行率 100%（÷）</td><td>≥90%</td></tr></tbody></table></article>")
    found = prose_problems(BeautifulSoup(html, "html.parser"))
    kinds = sorted({f.split(":")[0] for f in found})
    assert kinds == ["boilerplate", "markdown not rendered", "score as a fraction (x/N 分)", "sentence 2 times",
                     "signed number in brackets", "space in Chinese text", "spaced number", "÷"]
    assert len([f for f in found if f.startswith("space in Chinese")]) == 1   # a document's issuers keep theirs
    assert len([f for f in found if f.startswith("score as a fraction")]) == 1   # a cell outside 说明 is not prose
    # A 说明 cell is held to the same rules: its ÷ and its spaced number are found, the 指标值 cell's ≥ is not.
    assert len([f for f in found if f.startswith("÷")]) == 2
    assert [f for f in found if f.startswith("comparison sign")] == []


def test_chapter_scores_and_rates_have_two_decimals(built_book: Path) -> None:
    soup = soup_of(_html(built_book) / CHAPTER)
    text = " ".join(p.get_text() for p in soup.select("div.pe-summary p"))
    # 88.83 is the computed total of the seed (tests/test_scoring.py); the unit's own 100 stays as written.
    assert "测算得分88.83分" in text and "单位自评得分100分" in text
    assert not re.search(r"\d\.\d%|\d\.\d分", text)
    # The lead box names only what the report states: no rate, and no figure the seed leaves out.
    assert "预算执行率" not in text and "控制率" not in text
    cap = next(c for c in soup.select("table.pe-table > caption") if "主要比率测算" in c.get_text())
    rates = {tr.select("td")[0].get_text(strip=True): tr.select("td")[1].get_text(strip=True)
             for tr in cap.find_parent("table").select("tbody tr")}
    assert rates["预算执行率"].startswith("100.00%") and rates["“三公”经费控制率"].startswith("59.71%")


# --- tables ---------------------------------------------------------------------------------------

CHECK_ID = re.compile(r"\b[a-z_]+\.[a-z_]+\b|\b[a-z_]+\[\d+\]")


def _adjustment_item() -> str:
    """The section the seed's adjustment finding is about, by its Chinese title (as the page names it)."""
    from perfeval.model import load_department, schema_field
    from perfeval.review import run_checks

    from tests.conftest import SEED_DATA

    finding = next(f for f in run_checks(load_department(SEED_DATA)) if f.id == "adjustment.declared_zero")
    return schema_field([finding.path.split(".")[0]])[0]


def test_reader_tables_name_items_not_fields(built_book: Path) -> None:
    """The findings tables show 严重程度 / 涉及项目 / 说明; check ids and field paths stay in the CSV."""
    html = _html(built_book)
    for page in (CHAPTER, "book/findings.html"):
        soup = soup_of(html / page)
        for table in soup.select("table.pe-table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            assert "规则" not in heads and "字段" not in heads, page
            leaked = CHECK_ID.findall(table.get_text(" "))
            assert leaked == [], (page, leaked[:5])
    soup = soup_of(html / CHAPTER)
    caps = [c for c in soup.select("table.pe-table > caption") if "数据核查：" in c.get_text()]
    # Findings grouped 需核实 / 提示 (the seed has no 错误: its claims of money paid in full are readings), one
    # table each.
    assert [re.sub(r"^表\d+ ", "", p.get_text()) for p in caps] == ["数据核查：需核实", "数据核查：提示"]
    items = set()
    for cap in caps:
        table = cap.find_parent("table")
        assert [th.get_text(strip=True) for th in table.select("thead th")] == ["涉及项目", "说明"]
        items |= {tr.select("td")[0].get_text(strip=True) for tr in table.select("tbody tr")}
    assert {"项目1", "项目3", _adjustment_item()} <= items
    # The CSV download of the same table keeps the severity, the check id and the field path, for re-use.
    csv_href = caps[0].find_next("p", class_="pe-download").a["href"]
    csv = (html / CHAPTER).parent.joinpath(csv_href).resolve().read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "严重程度,涉及项目,说明,编号,规则,字段"
    assert ",projects[2]" in csv and ",adjustment.declared_zero," in csv and "需核实," in csv
    # The ids a ruling or a reply names are on the page, folded away from the reader's text (issue 22).
    ids = soup.select_one("details.pe-ids")
    assert ids is not None and "adjustment.declared_zero:adjustment.declared_rate" in ids.get_text()


def test_table_cells_stay_apart_in_the_text_search_reads(built_book: Path) -> None:
    """Sphinx indexes raw HTML with its tags stripped and builds snippets from textContent: in both, two
    cells of a row are apart only if text between them is whitespace. Every row of every table has it."""
    glued = []
    for page in _pages(built_book):
        for row in soup_of(_html(built_book) / page).select("table.pe-table tr"):
            cells = [c for c in row.contents if isinstance(c, Tag)]
            for left, right in zip(cells, cells[1:]):
                gap = ""
                node = left.next_sibling
                while node is not None and node is not right:
                    gap += str(node) if isinstance(node, NavigableString) else "?"
                    node = node.next_sibling
                if not gap or gap.strip():
                    glued.append((page, left.get_text(), right.get_text()))
    assert glued == []


# --- real data and demo data ----------------------------------------------------------------------

def _doc(page: str, href: str) -> str:
    """The page a relative link points to, as a path under the HTML folder."""
    parts = page.split("/")[:-1]
    for piece in href.split("#")[0].split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def test_previous_next_never_cross_between_real_and_demo(built_book: Path) -> None:
    demo = _demo_pages(built_book)
    pages = _pages(built_book)
    assert demo and CHAPTER not in demo
    links = 0
    for page in pages:
        soup = soup_of(_html(built_book) / page)
        for a in soup.select(".prev-next-area a"):
            target = _doc(page, a["href"])
            assert (target in demo) == (page in demo), (page, target)
            links += 1
    assert links >= len(pages)   # most pages have both links; none crosses
    # The real chapter's 原报告全文 is its appendix, listed right under it: the chapter's "next" goes there, its
    # "previous" back to the chapter, and it is the last real page, without a "next" (the demo part follows).
    real = [page for page in pages if page not in demo]
    assert real[-2] == CHAPTER and real[-1].startswith("book/2024/source/")
    chapter, source = (soup_of(_html(built_book) / page) for page in real[-2:])
    assert _doc(CHAPTER, chapter.select_one(".prev-next-area a.right-next")["href"]) == real[-1]
    assert _doc(real[-1], source.select_one(".prev-next-area a.left-prev")["href"]) == CHAPTER
    assert not source.select(".prev-next-area a.right-next")


def test_every_demo_page_shows_one_banner(built_book: Path) -> None:
    for page in _demo_pages(built_book):
        banners = soup_of(_html(built_book) / page).select("article div.pe-demo")
        assert len(banners) == 1, page
        assert "不是真实部门" in banners[0].get_text()
    for page in set(_pages(built_book)) - _demo_pages(built_book):
        assert not soup_of(_html(built_book) / page).select("div.pe-demo"), page


def test_demo_pages_are_not_in_the_search_index(built_book: Path) -> None:
    index = (_html(built_book) / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    docnames = data["docnames"]
    indexed = {docnames[i] for ids in data["terms"].values() for i in (ids if isinstance(ids, list) else [ids])}
    demo = {p.removesuffix(".html") for p in _demo_pages(built_book)}
    assert indexed and not (indexed & demo)
    assert CHAPTER.removesuffix(".html") in indexed


# --- interface -------------------------------------------------------------------------------------

def test_interface_labels_footer_and_downloads(built_book: Path) -> None:
    config = yaml.safe_load((built_book / "_config.yml").read_text(encoding="utf-8"))
    publisher = config["publisher"]
    assert publisher
    for page in _pages(built_book):
        soup = soup_of(_html(built_book) / page)
        footer = soup.select_one("footer.bd-footer-content") or soup
        text = footer.get_text()
        assert f"发布单位：{publisher}" in text and "Copyright" not in text and "©" not in text, page
        assert soup.select_one("input[name=q]") is None or soup.select_one("input[name=q]")["placeholder"] == "搜索本书…"
        assert not soup.select('a[href$=".ipynb"], a[href*="_sources/"]'), page
        assert "列印" not in soup.get_text()
    chapter = soup_of(_html(built_book) / CHAPTER)
    items = [b.get_text(strip=True) for b in chapter.select(".dropdown-download-buttons .dropdown-item")]
    assert items == ["打印/另存为 PDF", "Word 报告（单位自评报告）", "Word 报告（测算意见）"]
    links = chapter.select("p.pe-word a")
    assert chapter.select_one("p.pe-word").get_text().startswith("下载 Word 报告")
    assert [a.get_text() for a in links] == ["单位自评报告", "测算意见"]
    word = chapter.select_one(".btn-download-word-button")["href"]
    assert word == links[0]["href"] and word.endswith("xiangtan-minzheng-2024.docx")
    assert links[1]["href"].endswith("xiangtan-minzheng-2024-测算意见.docx")
    for a in links:
        assert (_html(built_book) / CHAPTER).parent.joinpath(a["href"]).resolve().is_file()
    assert {a.get_text() for a in chapter.select("p.pe-download a")} == {"下载本表 CSV 数据"}
    intro = soup_of(_html(built_book) / "book/intro.html").get_text()
    assert "测算" in intro and "不是财政部门的评价" in intro
    for word_ in ("papermill", "jupyter", "make book", "perfeval"):
        assert word_ not in intro.lower()
    glossary = soup_of(_html(built_book) / "book/glossary.html").select_one("article").get_text()
    assert "预算执行率" in glossary and not re.search(r"[A-Za-z]{3,}", glossary)


# --- in the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(built_book: Path) -> Iterator[str]:
    with serve(_html(built_book)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


#: Measures the article's tables and figures. ``fit``: each must lie within the text column and no
#: cell's content may overflow it. Otherwise (a phone) a wider table must scroll inside its own box,
#: with its first column fixed, and the page itself must not scroll sideways.
MEASURE = """fit => {
  const art = document.querySelector('article.bd-article');
  if (!art) return [];
  const cs = getComputedStyle(art), box = art.getBoundingClientRect();
  const left = box.left + parseFloat(cs.paddingLeft) - 1, right = box.right - parseFloat(cs.paddingRight) + 1;
  const bad = [];
  const name = el => (el.closest('.cell_output, .output, section') || el).innerText.trim().slice(0, 40);
  for (const el of art.querySelectorAll('table, img, figure')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const inside = r.left >= left && r.right <= right;
    if (fit || el.tagName !== 'TABLE') {
      if (!inside) bad.push(['too wide', el.tagName, Math.round(r.width), Math.round(right - left), name(el)]);
    } else if (!inside) {
      const scroller = el.closest('div.pe-scroll, .pst-scrollable-table-container');
      const sr = scroller && scroller.getBoundingClientRect();
      if (!scroller || !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)
          || sr.left < left || sr.right > right) {
        bad.push(['cut off', el.tagName, Math.round(r.width), name(el)]);
      } else if (el.matches('table.pe-table')) {
        const first = el.querySelector('tbody td:first-child');
        if (first && getComputedStyle(first).position !== 'sticky') bad.push(['first column not fixed', name(el)]);
      }
    }
    if (el.tagName === 'TABLE') {
      for (const cell of el.querySelectorAll('th, td')) {
        if (cell.scrollWidth > cell.clientWidth + 1) {
          bad.push(['cell overflows', cell.innerText.slice(0, 30), cell.scrollWidth, cell.clientWidth]);
          break;
        }
      }
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    bad.push(['page scrolls sideways', document.documentElement.scrollWidth]);
  return bad;
}"""

#: 1280 px desktop, a 390 px phone, and A4 paper: the print style sheet at the printable width of an A4 page
#: (210 mm less the 20 mm and 18 mm margins of print.css: 172 mm, 650 CSS px).
LAYOUTS = {"1280": (1280, "screen", True), "390": (390, "screen", False), "print": (650, "print", True)}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_table_and_figure_fits(built_book: Path, server: str, browser: Any, layout: str) -> None:
    width, media, fit = LAYOUTS[layout]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)
    problems = {}
    try:
        for path in _pages(built_book):
            page.goto(server + path, wait_until="load")
            found = page.evaluate(MEASURE, fit)
            if found:
                problems[path] = found[:3]
    finally:
        page.close()
    assert problems == {}


def test_the_fit_measure_can_fail(browser: Any) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 600})
    try:
        page.set_content("<article class='bd-article' style='width:400px'><table style='width:700px'><tr>"
                         "<td>x</td></tr></table><div class='pe-scroll' style='overflow-x:auto'><table class="
                         "'pe-table' style='width:900px'><tbody><tr><td>a</td></tr></tbody></table></div></article>")
        assert [p[0] for p in page.evaluate(MEASURE, True)] == ["too wide", "too wide"]
        assert [p[0] for p in page.evaluate(MEASURE, False)] == ["cut off", "first column not fixed"]
    finally:
        page.close()


@pytest.mark.browser
def test_phone_table_scrolls_with_its_first_column_in_view(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(server + CHAPTER, wait_until="load")
        # 测算得分明细: seven columns, the widest table of the chapter.
        box = page.locator("div.pe-scroll", has=page.locator("th", has_text="指标值")).first
        box.scroll_into_view_if_needed()
        first = box.locator("tbody tr td").first
        x0 = first.bounding_box()["x"]
        box.evaluate("el => el.scrollLeft = el.scrollWidth")
        page.wait_for_timeout(100)
        assert abs(first.bounding_box()["x"] - x0) < 1      # the first column stays in view
        last = box.locator("tbody tr td").last
        lb, bb = last.bounding_box(), box.bounding_box()
        assert lb["x"] + lb["width"] <= bb["x"] + bb["width"] + 1   # the last column can be reached
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_visible_text_and_labels_are_chinese(built_book: Path, server: str, browser: Any,
                                              data_words: set[str]) -> None:
    """Every page's visible text, and the tooltips, labels and placeholders of its controls, hold no English
    word except CSV, Word, PDF, the Ctrl key, codes (A11) and words the units wrote in their data."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    found = {}
    try:
        for path in [*_pages(built_book), "search.html?q=预算执行率"]:
            page.goto(server + path, wait_until="load")
            # Codes a reader may cite or look up: the finding ids a ruling or a reply names (the folded 核查事项编号
            # list), the data file and the field of each figure (数据来源, a record without its report).
            text = page.evaluate("() => { document.querySelectorAll('.pe-ids code, .pe-data-sources code, code.pe-file')"
                                 ".forEach(e => e.remove());"
                                 " return document.body.innerText; }")
            labels = page.evaluate("""() => [...document.querySelectorAll(
                '[title], [aria-label], [placeholder], [data-bs-title]')].flatMap(e =>
                ['title', 'aria-label', 'placeholder', 'data-bs-title'].map(a => e.getAttribute(a)).filter(Boolean))""")
            words = english_words(text + "\n" + "\n".join(labels), data_words)
            if words:
                found[path] = words
    finally:
        page.close()
    assert found == {}


def _search(page: Any, server: str, query: str) -> list[tuple[str, str, str]]:
    page.goto(server + "search.html?q=" + query)
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0 && Search._pulse_status === -1; }")
    page.wait_for_function(   # every snippet fetched
        "() => [...document.querySelectorAll('#search-results ul.search li')].every(li => li.querySelector('p.context'))")
    return page.eval_on_selector_all(
        "#search-results ul.search li",
        "els => els.map(e => [e.querySelector('a').getAttribute('href'), e.querySelector('a').textContent,"
        " e.querySelector('p.context').textContent])")


@pytest.mark.browser
def test_search_finds_real_chapters_first_with_cells_apart(built_book: Path, server: str, browser: Any) -> None:
    demo = _demo_pages(built_book)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        results = _search(page, server, "预算执行率")
        assert results[0][0].split("#")[0] == CHAPTER        # the real department first
        assert not [r for r in results if r[0].split("#")[0] in demo]
        results = _search(page, server, "三公经费控制率")
        snippet = next(r[2] for r in results if r[0].split("#")[0] == CHAPTER)
        # Cells of a table row are apart in the snippet: a figure is never glued to the next cell's text.
        assert "三公经费控制率" in snippet
        assert not re.search(r"\d%[\d\u4e00-\u9fff]|[\u4e00-\u9fff]\d+\.\d\d%\d", snippet), snippet
    finally:
        page.close()
