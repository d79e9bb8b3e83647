"""Test helper: what a reader reads on a built page, and the checks the reader-page tests apply.

- :func:`prose` — the sentences of a page's article outside tables, figures and code (paragraphs,
  list items, admonitions), as text; :func:`sentence_cells` — table cells that hold sentences (说明 columns);
- :func:`prose_problems` — formula notation, doubled sentences, spaced numbers between Chinese
  characters and generated-text boilerplate found in that prose;
- :func:`english_words` — ASCII words in a page's visible text that are not on the allow-list.

Independent of the package: it reads the HTML with BeautifulSoup and uses its own patterns.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup, Tag

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
#: Formula notation in prose (a sentence says "除以", "不低于", "满分…分" instead).
FORMULA = [
    (re.compile(r"÷"), "÷"),
    (re.compile(r">=|<=|≥|≤"), "comparison sign"),
    (re.compile(r"\d\s*/\s*\d+(\.\d+)?\s*分"), "score as a fraction (x/N 分)"),
    (re.compile(r"[（(]\s*[+\-]\s*\d"), "signed number in brackets"),
]
#: A number set off by spaces between Chinese characters ("得 84.23 分").
SPACED_NUMBER = re.compile(rf"[{CJK}]\s+[+\-−]?\d[\d.,]*%?|[+\-−]?\d[\d.,]*%?\s+[{CJK}]")
#: A space inside Chinese text (a line break in a source paragraph shows as one): "得分， 并核对".
CJK_TEXT = rf"{CJK}\u3000-\u303f\uff00-\uffef\u2018-\u201d"
SPACED_CHINESE = re.compile(rf"[{CJK_TEXT}] +[{CJK_TEXT}]")
#: Names written with a space (joint issuers of a document).
NAMED_SPACES = ("中共中央 国务院",)
BOILERPLATE = [re.compile(r"本章依据.*?数据生成"), re.compile(r"本页由\s*perfeval")]
SENTENCE_END = re.compile(r"(?<=[。！？；])")


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(soup: BeautifulSoup) -> Tag:
    """The page's article (the whole body for a page without one, such as the index redirect)."""
    found = soup.select_one("article.bd-article") or soup.find("main") or soup.body or soup
    return found


def prose(soup: BeautifulSoup) -> list[str]:
    """The text of each prose block of the article (p, li, dd), outside tables, captions and code, and outside
    the report as written on its 原报告全文 page (``div.pe-src``: the unit's text, not ours)."""
    out = []
    for block in article(soup).find_all(["p", "li", "dd"]):
        if block.find_parent(["table", "figure", "pre", "nav"]) or block.find_parent(class_=["pe-scroll", "pe-src"]):
            continue
        classes = set(block.get("class") or [])
        if classes & {"pe-caption", "pe-download", "admonition-title", "caption"}:
            continue
        if block.find(["p", "li"]):  # a list item holding paragraphs: its paragraphs are read
            continue
        text = re.sub(r"\s+", " ", block.get_text()).strip()   # as a browser shows it: a line break is a space
        if text:
            out.append(text)
    return out


#: Table columns whose cells are sentences (explanations), held to the prose rules too.
SENTENCE_COLUMNS = {"说明", "口径", "评分标准"}


def sentence_cells(soup: BeautifulSoup) -> list[str]:
    """The text of every table cell under a column that holds sentences (:data:`SENTENCE_COLUMNS`)."""
    out = []
    for table in article(soup).find_all("table"):
        heads = [th.get_text(strip=True) for th in table.select("thead th")]
        wanted = [i for i, h in enumerate(heads) if h in SENTENCE_COLUMNS]
        for row in table.select("tbody tr"):
            cells = row.find_all("td")
            out += [re.sub(r"\s+", " ", cells[i].get_text()).strip() for i in wanted if i < len(cells)]
    return [text for text in out if text]


def sentences(blocks: list[str]) -> list[str]:
    return [s.strip() for block in blocks for s in SENTENCE_END.split(block) if s.strip()]


def _mask(block: str, texts: set[str]) -> str:
    for text in sorted(texts, key=len, reverse=True):
        if len(text) >= 6 and text in block:
            block = block.replace(text, "〔原文〕")
    return block


def prose_problems(soup: BeautifulSoup, quoted: set[str] = frozenset(),  # type: ignore[assignment]
                   documents: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every problem in the page's prose, and in the table cells that hold sentences (formula and spacing rules;
    a table may repeat a sentence, so the doubled-sentence rule reads the prose only).

    ``quoted``: text of the data files (the unit's own words), exempt from the formula and spacing rules
    (it is quoted as written). ``documents``: texts a page shows whole, as written in a file of their own
    (a framework's description): also exempt from the doubled-sentence rule, as two files may say the
    same thing. Sentences of ours, and data text that the page repeats, are not."""
    problems = []
    blocks = prose(soup)
    for block in blocks + sentence_cells(soup):
        ours = _mask(block, set(quoted) | set(documents))
        for pattern, what in FORMULA:
            for m in pattern.finditer(ours):
                problems.append(f"{what}: …{ours[max(0, m.start() - 20):m.end() + 20]}…")
        for m in SPACED_NUMBER.finditer(ours):
            problems.append(f"spaced number: …{ours[max(0, m.start() - 15):m.end() + 15]}…")
        for name in NAMED_SPACES:
            ours = ours.replace(name, name.replace(" ", ""))
        for m in SPACED_CHINESE.finditer(ours):
            problems.append(f"space in Chinese text: …{ours[max(0, m.start() - 15):m.end() + 15]}…")
        if "**" in ours or "__" in ours:
            problems.append(f"markdown not rendered: …{ours[max(0, ours.find('*') - 15):ours.find('*') + 25]}…")
        for pattern in BOILERPLATE:
            if pattern.search(block):
                problems.append(f"boilerplate: {pattern.pattern}")
    counts = Counter(s for s in sentences([_mask(b, set(documents)) for b in blocks])
                     if len(s) >= 12 and "〔原文〕" not in s)
    problems += [f"sentence {n} times: {s}" for s, n in counts.items() if n > 1]
    return problems


#: ASCII words a reader may meet: file formats, the key on the keyboard, and what the data say.
ALLOWED_WORDS = {"CSV", "Word", "PDF", "Excel", "Ctrl", "K", "SHA-"}    # SHA-256: the checksum's standard name
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
#: Codes: indicator codes (A11, B22), units of measure next to numbers (km, m2) are matched apart.
CODE = re.compile(r"^[A-Z]{1,2}\d*$")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words of ``text`` that are neither allowed nor codes."""
    return sorted({w for w in WORD.findall(text) if w not in allowed and w not in ALLOWED_WORDS
                   and not CODE.match(w)})
