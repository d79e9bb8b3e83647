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

**Cuts kept.** A render runs in a fresh process: the word trees of the text blocks the last render cut are read
from its doctree folder (:class:`CutStore`, :data:`CUTS_FILE`) and only blocks not seen are cut again, under the
same dictionary (a stamp of jieba's version, ``search-dict.txt``, the departments' names and this module).
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import re
import sys
import zlib
from pathlib import Path
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
        first = node
        while not isinstance(first, str):             # the first character of the word: of its first part
            first = first[0]
        while text[pos] != first[0]:                  # a mark taken out before this word
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
    # each is cut once per process, or taken from the last render's cuts (:data:`cuts`).
    return cuts.cut(block)


def _jieba_cut(block: str) -> tuple[Tree, ...]:
    return tuple(tree(word) for word in zh.jieba.cut(block))


def index_words(text: str) -> list[str]:
    """The search terms of ``text``: every word of every word tree (Sphinx stems and filters them)."""
    out: list[str] = []
    for node in cut(text):
        _add_words(node, out)
    return out


def _add_words(node: Tree, out: list[str]) -> str:
    """Append the words of a tree to ``out`` as :func:`words_of` gives them (each tree's text made once, not
    again for each of its parents); returns the tree's text."""
    if isinstance(node, str):
        key = node.translate(_NO_QUOTES)
        if key:
            out.append(key)
        return node
    at = len(out)
    out.append("")
    text = "".join([_add_words(child, out) for child in node])
    key = text.translate(_NO_QUOTES)
    if key:
        out[at] = key
    else:
        del out[at]
    return text


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
        dictionary_changed("names", "\n".join(added).encode("utf-8"))
    return added


def dictionary_changed(kind: str, content: bytes) -> None:
    """Words were added to jieba's dictionary (``kind``: what they are, ``content``: all of them): what was
    cut before no longer holds."""
    cuts.added(kind, content)
    _cut_block.cache_clear()


# --- the cuts kept between renders -----------------------------------------------------------------

#: The cuts of a render's text blocks, kept with its doctrees (the render folder) for the next render.
CUTS_FILE = "perfeval-search-cuts.bin"
_CUTS_MAGIC = b"perfeval-search-cuts 1\n"
#: Most blocks a render keeps for the next (its own first, then those it read that it did not use): at 1000
#: departments a cold build cuts about 100 000, a one-figure rebuild (a chapter and the year pages) 7 000.
MAX_KEPT = 200_000


class CutStore:
    """The word trees of the text blocks the last render cut (block → ``marshal`` of :func:`_cut_block`'s
    value), read before this render cuts anything (:meth:`load`, :meth:`open`) and written when it is done
    (:meth:`save`): a render runs in a fresh process, and without them it cut every block of every page it
    writes again (at 1000 departments a one-figure rebuild writes a chapter and the year pages: 7 000 blocks,
    nearly all as the last render cut them; jieba takes 30 µs a block, reading one back 2 µs).

    A cut depends on the word dictionary: jieba's own (its version), the book's ``search-dict.txt`` and the
    departments' names added to it, in that order; and on this module's code. The file carries the stamp of
    all of that (:meth:`stamp`); a file with another stamp is dropped whole, a file that does not read
    (truncated, damaged: its CRC) is ignored. It is written to a temporary file that replaces the old one, so
    a reader sees a whole file, the old or the new."""

    def __init__(self) -> None:
        self.additions: list[str] = []          # what was added to the dictionary, in order (kind:sha256)
        self._stamp = ""
        self.saved: dict[str, bytes] = {}       # read from the file
        self.saved_stamp: str | None = None     # its stamp; None: none read (or dropped)
        self.identity: tuple[int, ...] | None = None   # of the file read (:meth:`open`)
        self.used: dict[str, bytes] = {}        # every block cut in this render, in the order first cut
        self.hits = self.misses = 0

    def stamp(self) -> str:
        """The stamp of the dictionary and the code that cut: cuts with the same stamp are the same."""
        if not self._stamp:
            digest = hashlib.sha256()
            for part in (_CUTS_MAGIC, str(getattr(zh.jieba, "__version__", "")).encode(),
                         str((sys.version_info[:2], marshal.version)).encode(), _code(), *map(str.encode, self.additions)):
                digest.update(hashlib.sha256(part).digest())
            self._stamp = digest.hexdigest()
        return self._stamp

    def added(self, kind: str, content: bytes) -> None:
        self.additions.append(f"{kind}:{hashlib.sha256(content).hexdigest()}")
        self._stamp = ""
        self.used.clear()
        self.hits = self.misses = 0

    def cut(self, block: str) -> tuple[Tree, ...]:
        if self.saved_stamp is not None and self.saved_stamp != self.stamp():
            self.saved, self.saved_stamp = {}, None       # cut with another dictionary
        raw = self.saved.get(block)
        value = _decoded(raw) if raw is not None else None
        if value is not None:
            self.hits += 1
        else:
            value = _jieba_cut(block)
            raw = marshal.dumps(value)
            self.misses += 1
        if len(self.used) < MAX_KEPT:
            self.used[block] = raw
        return value

    def load(self, path: Path) -> None:
        """Read the cuts of ``path`` (nothing when it is missing, damaged or of another format)."""
        self.identity = _identity(path)
        content = read_cuts(path)
        self.saved, self.saved_stamp = (content["cuts"], content["stamp"]) if content else ({}, None)

    def open(self, path: Path) -> None:
        """The cuts of the render whose file is ``path``: those :meth:`load` read when they are this very file
        (the render folder moved meanwhile: same inode, size and times), else read now."""
        if self.identity is None or self.identity != _identity(path):
            self.load(path)

    def save(self, path: Path) -> None:
        """Write the cuts of this render and, up to :data:`MAX_KEPT`, those it read and did not use; nothing
        when it cut nothing new and the file is there."""
        if self.misses == 0 and self.saved_stamp is not None and path.is_file():
            return
        kept = dict(self.used)
        for block, raw in self.saved.items():
            if len(kept) >= MAX_KEPT:
                break
            kept.setdefault(block, raw)
        payload = marshal.dumps({"stamp": self.stamp(), "cuts": kept, "hits": self.hits, "misses": self.misses})
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(_CUTS_MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def read_cuts(path: Path) -> dict[str, Any] | None:
    """The content of a file :meth:`CutStore.save` wrote (``stamp``, ``cuts``: block → marshalled word trees, and
    the ``hits`` and ``misses`` of the render that wrote it), or None when it is missing or does not read."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    head, crc = len(_CUTS_MAGIC), len(_CUTS_MAGIC) + 4
    if data[:head] != _CUTS_MAGIC or zlib.crc32(data[crc:]).to_bytes(4, "big") != data[head:crc]:
        return None
    try:
        content = marshal.loads(data[crc:])
    except (EOFError, ValueError, TypeError):
        return None
    if isinstance(content, dict) and isinstance(content.get("stamp"), str) and isinstance(content.get("cuts"), dict):
        return content
    return None


@functools.cache
def _code() -> bytes:
    try:
        return Path(__file__).read_bytes()
    except OSError:   # not a file (a zipped package): its version then
        from perfeval import __version__

        return __version__.encode()


def _decoded(raw: Any) -> tuple[Tree, ...] | None:
    try:
        value = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return None
    return value if isinstance(value, tuple) else None


def _identity(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


#: The cuts of this process (one render).
cuts = CutStore()


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
