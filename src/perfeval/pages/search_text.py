"""The words and sentences of the book's search (used by :mod:`perfeval.pages.sphinx_ext`).

**Whole words.** Sphinx's Chinese search indexes ``jieba.cut_for_search``, which adds every dictionary word
found inside a longer word, across its parts: 人民政府 gives 人民, 政府 *and* 民政, so a search for 民政 finds a
township's 人民政府. Here a text is cut into words (``jieba.cut``, with the book's dictionary and the
departments' names), and a word of three or more characters is cut again into its own parts, without itself,
down to words of two characters: 湘潭市民政局 → 湘潭市 (湘潭, 市) + 民政局 (民政, 局); 人民政府 → 人民 + 政府.
Every word of that tree is a search term, so 民政 finds 湘潭市民政局 but not 人民政府.

**Sentences.** The search page shows, for each page found, the sentence that matched with the term marked
(``static/zh-scorer.js``). It reads them from ``_search/<page>.js`` beside the index, written when the page is:
the page's text cut into sentences (paragraphs, list items, headings, table rows with their cells apart),
each as the same word tree, with the section it belongs to. Script files, not fetched pages, so that the search
works from ``file://``.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Iterable, Mapping, Union

from lxml import etree
from sphinx.search import zh

#: A word and its parts: a string, or a list of its parts (each a word tree) whose text is the word.
Tree = Union[str, list["Tree"]]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]{3,}")
#: Where a sentence ends (the mark stays with it).
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_SPACE = re.compile(r"\s+")
#: Longest word added to the dictionary from a department's name (longer text is not a name).
MAX_NAME = 40
#: Quotation marks around a part of a word (“三公”经费): the word is the one without them.
_QUOTES = "“”‘’「」『』\""
_NO_QUOTES = str.maketrans("", "", _QUOTES)
_QUOTED = re.compile(r'[“‘「『"]([\u3400-\u4dbf\u4e00-\u9fff]{1,8})[”’」』"](?=[\u3400-\u4dbf\u4e00-\u9fff])')


def parts(word: str) -> list[str]:
    """The most likely cut of ``word`` (jieba's dictionary and its route) other than the word itself."""
    tokenizer = zh.jieba.dt
    dag = tokenizer.get_DAG(word)
    last = len(word) - 1
    dag[0] = [end for end in dag[0] if end != last] or [0]
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(word, dag, route)
    out, i = [], 0
    while i <= last:
        end = route[i][1] + 1
        out.append(word[i:end])
        i = end
    return out


def tree(word: str) -> Tree:
    """``word`` with its parts (:func:`parts`, recursively) when it is three or more Chinese characters."""
    if not _CJK_WORD.fullmatch(word):
        return word
    pieces = parts(word)
    if len(pieces) < 2:
        return word
    return [tree(piece) for piece in pieces]


def text_of(node: Tree) -> str:
    return node if isinstance(node, str) else "".join(text_of(child) for child in node)


def key_of(node: Tree) -> str:
    """The word a tree stands for: its text without quotation marks (“三公”经费 is the word 三公经费)."""
    return text_of(node).translate(_NO_QUOTES)


def words_of(node: Tree) -> Iterable[str]:
    """Every word of a tree: the word itself, then its parts."""
    key = key_of(node)
    if key:
        yield key
    if not isinstance(node, str):
        for child in node:
            yield from words_of(child)


def cut(text: str) -> list[Tree]:
    """The words of ``text`` in order (every character kept), each as a word tree. A word written with
    quotation marks inside it (“三公”经费) is cut as the word without them, the marks kept in its tree."""
    if not zh.JIEBA:
        return [text]
    plain = _QUOTED.sub(r"\1", text)
    nodes = [node for block in zh.jieba.re_han_default.split(plain) if block for node in _cut_block(block)]
    if plain == text:
        return nodes
    out: list[Tree] = []
    _restore(nodes, text, 0, out)
    return out


def _restore(nodes: Iterable[Tree], text: str, pos: int, out: list[Tree]) -> int:
    """Put the quotation marks :func:`cut` took out of ``text`` back into the trees cut without them: a mark
    before a word stands before it, a mark inside a word is one of its parts. Returns the position in ``text``."""
    for node in nodes:
        while text[pos] != text_of(node)[0]:          # a mark taken out before this word
            out.append(text[pos])
            pos += 1
        if isinstance(node, str):
            pieces: list[Tree] = []
            for ch in node:
                while text[pos] != ch:                # a mark taken out inside this word
                    pieces.append(text[pos])
                    pos += 1
                if pieces and isinstance(pieces[-1], str) and pieces[-1] not in _QUOTES:
                    pieces[-1] += ch
                else:
                    pieces.append(ch)
                pos += 1
            out.append(pieces[0] if len(pieces) == 1 else pieces)
        else:
            children: list[Tree] = []
            pos = _restore(node, text, pos, children)
            out.append(children)
    return pos


@functools.lru_cache(maxsize=50_000)
def _cut_block(block: str) -> tuple[Tree, ...]:
    # jieba cuts each run of its own block pattern apart, so a text's words are its blocks' words. Blocks
    # recur (a page is indexed, then cut into sentences; labels and template prose recur in every chapter):
    # each is cut once per process.
    return tuple(tree(word) for word in zh.jieba.cut(block))


def index_words(text: str) -> list[str]:
    """The search terms of ``text``: every word of every word tree (Sphinx stems and filters them)."""
    return [word for node in cut(text) for word in words_of(node)]


def add_names(names: Iterable[str]) -> list[str]:
    """Add departments' names to the dictionary (so that a name is one word whose parts are words too);
    returns the names added. Text that cannot be a name (no Chinese character, a line break, too long) is
    left out."""
    added = []
    for name in sorted(set(names)):
        name = name.strip()
        if zh.JIEBA and 2 <= len(name) <= MAX_NAME and CJK.search(name) and not _SPACE.search(name):
            zh.jieba.add_word(name)
            added.append(name)
    if added:
        _cut_block.cache_clear()
    return added


# --- the sentences of a page ----------------------------------------------------------------------

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "dt", "dd", "pre", "div", "blockquote",
           "table", "thead", "tbody", "ul", "ol", "dl", "figure", "figcaption", "section", "article", "br", "hr"}
_CELLS = {"td", "th"}
_SKIP = {"script", "style", "template", "noscript", "button", "svg"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "embed", "source", "track", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED_CLASSES = frozenset({"headerlink", "pe-download"})


class _Sentences:
    """Blocks of text of a page body, each with its section and whether it is a heading: the target of lxml's
    HTML parser. libxml2 gives the events of a page body as Python's ``html.parser`` did, in a quarter to a
    third of the time (the year pages of 1000 departments: 0.03 s instead of 0.11 s each); it repairs HTML that
    nests what HTML forbids (a block inside a ``<p>``) as a browser does, which the book's pages never hold
    (``tests/test_search_sentences.py`` compares the two on built pages, awkward and generated HTML)."""

    def __init__(self) -> None:
        self.sections: list[list[str]] = [["", ""]]     # [id, heading]; the first: before any section
        self.stack: list[tuple[str, int]] = []          # open elements: (tag, section index to return to)
        self.section = 0
        self.skip = 0                                   # depth inside skipped elements
        self.heading = ""                               # the heading tag being read
        self.text: list[str] = []
        self.blocks: list[tuple[int, bool, str]] = []

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.text)).strip()
        self.text = []
        if text:
            self.blocks.append((self.section, bool(self.heading), text))
            if self.heading and not self.sections[self.section][1]:
                self.sections[self.section][1] = text

    def start(self, tag: str, attr: Mapping[str, str]) -> None:
        classes = attr.get("class")
        skipped = (tag in _SKIP or attr.get("aria-hidden") == "true"
                   or bool(classes) and not _SKIPPED_CLASSES.isdisjoint(classes.split()))
        if tag not in _VOID:
            self.stack.append((tag, self.section if tag == "section" else -1))
            if self.skip or skipped:
                self.skip += 1
                return
        elif self.skip:
            return
        if tag in _BLOCKS:
            self.flush()
        if tag in _CELLS:
            self.text.append(" ")
        if tag == "section":
            self.sections.append([attr.get("id") or self.sections[self.section][0], ""])
            self.section = len(self.sections) - 1
        if tag in _HEADINGS:
            self.heading = tag

    def end(self, tag: str) -> None:
        stack = self.stack
        if tag in _VOID or not stack or stack[-1][0] != tag and not any(open_tag == tag for open_tag, _ in stack):
            return
        while self.stack:
            open_tag, section = self.stack.pop()
            if self.skip:
                self.skip -= 1
            elif open_tag in _BLOCKS:
                self.flush()
                if open_tag == self.heading:
                    self.heading = ""
            elif open_tag in _CELLS:
                self.text.append(" ")
            if open_tag == "section" and section >= 0:
                self.section = section
            if open_tag == tag:
                break

    def data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)

    def close(self) -> None:
        self.flush()


def sentences(body: str) -> dict[str, Any]:
    """The sentences of a page body (HTML): ``{"sections": [[id, heading], …], "sentences": [[section,
    heading (0/1), word trees], …]}`` in page order."""
    target = _Sentences()
    if body.strip():
        parser = etree.HTMLParser(target=target, huge_tree=True, no_network=True)
        parser.feed(body)
        parser.close()
    out = []
    for section, heading, block in target.blocks:
        for sentence in _SENTENCE_END.split(block) if not heading else [block]:
            sentence = sentence.strip()
            if sentence:
                out.append([section, int(heading), cut(sentence)])
    return {"sections": target.sections, "sentences": out}


def script(docname: str, data: dict[str, Any]) -> str:
    """The script file of a page's sentences: one call of ``perfevalSentences`` (``static/zh-scorer.js``)."""
    return f"perfevalSentences({_json(docname)}, {_json(data)});\n"


def departments_script(departments: dict[str, dict[str, Any]]) -> str:
    """The script file of the departments' chapters: page → its code, name and the name's words."""
    return f"perfevalDepartments({_json(departments)});\n"


def _json(value: Any) -> str:
    # Text from data: JSON escapes quotes, backslashes and control characters; U+2028/2029 are escaped too.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
