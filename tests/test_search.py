"""Search that finds words (issue 23), in a book holding the seed (湘潭市民政局) and a township's draft
(沅陵县火场土家族乡人民政府, imported from its published report), opened from ``file://``.

A query matches whole words of Chinese text: 民政 finds 湘潭市民政局 and not the township's 人民政府 (where
Sphinx's own Chinese index put it, and its chapter first). A department's name or code finds its chapter
first. Each result shows the sentence that matched with the term marked, and links to the section that holds
it. The index and the sentence files are read here as the browser reads them, independently of the package.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
import yaml

from .browsing import chromium, toc_pages
from .conftest import SEED_DATA, TOWNSHIP

SEED_PAGE = "book/2024/xiangtan-minzheng"
TOWNSHIP_PAGE = f"book/2024/{TOWNSHIP}"


@pytest.fixture(scope="module")
def html(reader_book: Path) -> Path:
    return reader_book / "_build" / "html"


def _unit_name(path: Path) -> str:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["unit"]["name"]


def _script_data(path: Path, function: str) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith(function + "(") and text.endswith(");\n"), path
    return json.loads("[" + text[len(function) + 1:-3] + "]")


def _index(html: Path) -> dict[str, Any]:
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _pages_with(index: dict[str, Any], word: str) -> set[str]:
    files = index["terms"].get(word, [])
    files = files if isinstance(files, list) else [files]
    titles = index["titleterms"].get(word, [])
    files += titles if isinstance(titles, list) else [titles]
    return {index["docnames"][f] for f in files}


def test_the_index_holds_whole_words(reader_book: Path, html: Path) -> None:
    index = _index(html)
    township_text = (html / f"{TOWNSHIP_PAGE}.html").read_text(encoding="utf-8")
    assert "人民政府" in township_text                       # what Sphinx's own index took 民政 from
    assert TOWNSHIP_PAGE not in _pages_with(index, "民政")
    assert SEED_PAGE in _pages_with(index, "民政")           # 湘潭市民政局 → 民政局 → 民政
    assert TOWNSHIP_PAGE in _pages_with(index, "人民政府")
    township = _unit_name(reader_book / "data/2024" / f"{TOWNSHIP}.yaml")
    assert _pages_with(index, township) >= {TOWNSHIP_PAGE}   # a department's name is one word


def test_every_searchable_page_has_its_sentences_and_the_chapters_are_known(reader_book: Path, html: Path) -> None:
    pages = [p.removesuffix(".html") for p in toc_pages(reader_book)]
    for page in pages:
        docname, data = _script_data(html / "_search" / f"{page}.js", "perfevalSentences")
        assert docname == page and data["sentences"], page
    [departments] = _script_data(html / "_search" / "_departments.js", "perfevalDepartments")
    assert {page: (d["code"], d["name"]) for page, d in departments.items()} == {
        SEED_PAGE: ("xiangtan-minzheng", _unit_name(SEED_DATA)),
        TOWNSHIP_PAGE: (TOWNSHIP, _unit_name(reader_book / "data/2024" / f"{TOWNSHIP}.yaml"))}
    # Nothing else in the folder (a page gone from the book leaves no file behind).
    files = {p.relative_to(html / "_search").as_posix() for p in (html / "_search").rglob("*.js")}
    assert files == {f"{p}.js" for p in pages} | {"_departments.js"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


def _search(page: Any, html: Path, query: str) -> list[dict[str, Any]]:
    """The results of ``query`` on the search page opened from file://: link, title, section, snippet text,
    and the snippet as text with each mark in brackets."""
    page.goto((html / "search.html").as_uri() + "?q=" + quote(query))
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0 && Search._pulse_status === -1; }", timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#search-results ul.search li')].every(li => li.querySelector('p.context'))",
        timeout=120_000)
    return page.eval_on_selector_all("#search-results ul.search li", """els => els.map(li => {
        const a = li.querySelector('a'), p = li.querySelector('p.context'), s = li.querySelector('.pe-search-section');
        const marked = [...p.childNodes].map(n => n.nodeName === 'MARK' ? '[' + n.textContent + ']' : n.textContent).join('');
        return {href: a.getAttribute('href'), page: a.getAttribute('href').split('#')[0].replace(/\\.html$/, ''),
                title: a.textContent, section: s ? s.textContent : '', text: p.textContent, marked,
                marks: [...p.querySelectorAll('mark')].map(m => m.textContent)};
    })""")


def test_minzheng_finds_the_seed_first_and_never_inside_renmin_zhengfu(page: Any, html: Path) -> None:
    results = _search(page, html, "民政")
    assert results and results[0]["page"] == SEED_PAGE
    assert TOWNSHIP_PAGE not in [r["page"] for r in results]
    first = results[0]
    assert first["marks"] and set(first["marks"]) == {"民政"}
    assert "湘潭市[民政]局" in first["marked"]               # the sentence found, the term marked in it
    assert first["title"] not in first["text"]               # a sentence of the page, not its title
    for result in results:
        assert "人[民政]府" not in result["marked"], result   # never a mark inside another word
        assert result["marks"], result
    # Found without fetch(): the page is a file, and nothing failed.
    assert page.url.startswith("file://") and page.evaluate("typeof perfevalSentences") == "function"


def test_a_departments_name_or_code_finds_its_chapter_first(page: Any, reader_book: Path, html: Path) -> None:
    township = _unit_name(reader_book / "data/2024" / f"{TOWNSHIP}.yaml")
    for query, expected in [(township, TOWNSHIP_PAGE), (TOWNSHIP, TOWNSHIP_PAGE),
                            (_unit_name(SEED_DATA), SEED_PAGE), ("xiangtan-minzheng", SEED_PAGE),
                            ("人民政府", TOWNSHIP_PAGE)]:
        results = _search(page, html, query)
        assert results and results[0]["page"] == expected, (query, [r["page"] for r in results])
    # The name is marked whole in the sentence shown.
    first = _search(page, html, township)[0]
    assert first["marks"] == [township] or township in first["marks"], first


def test_the_link_goes_to_the_section_of_the_sentence(page: Any, html: Path) -> None:
    results = _search(page, html, "三公经费控制率")
    seed = next(r for r in results if r["page"] == SEED_PAGE)
    assert "[三公经费控制率]" in seed["marked"] or "[三公经费]" in seed["marked"], seed
    anchor = seed["href"].split("#")[1]
    assert anchor and seed["section"]
    page.goto((html / seed["href"].split("#")[0]).as_uri() + "#" + anchor)
    section = page.evaluate("id => document.getElementById(id).innerText", anchor)
    assert seed["section"] in section and re.sub(r"\s+", "", seed["text"].strip("…")[:20]) in re.sub(r"\s+", "", section)
    assert page.errors == [] or all("THEBE_JS_URL" in e for e in page.errors)


def test_a_word_written_with_quotation_marks_is_found_and_marked(page: Any, html: Path) -> None:
    """The reports write “三公”经费; a reader searches 三公经费."""
    results = _search(page, html, "三公经费")
    seed = next(r for r in results if r["page"] == SEED_PAGE)
    assert "“三公”经费" in seed["text"]
    assert [m for m in seed["marks"] if m.replace("”", "").replace("“", "") == "三公经费"], seed
