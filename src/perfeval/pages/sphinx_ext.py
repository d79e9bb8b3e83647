"""A small Sphinx extension for the book (``_config.yml``: ``sphinx: extra_extensions``).

- Chinese search: :class:`ChineseSearch` is Sphinx's Chinese search language (jieba, the book's
  dictionary and the departments' names) indexing whole words and their parts
  (:mod:`perfeval.pages.search_text`: 民政 is a word of 湘潭市民政局, not of 人民政府), with ``js_splitter_code``
  from ``static/zh-splitter.js``, so a query typed without spaces (预算执行率三公经费) is split into the
  index's words in the browser. Registered with ``app.add_search_language``; Sphinx writes the splitter into
  ``language_data.js``, and the scorer (``static/zh-scorer.js``, ``html_search_scorer``: whole-word matching,
  a department's chapter first, the sentence found with its term marked) after it. Each page's sentences
  go to ``_search/<page>.js`` when the page is written, the departments' chapters (code, name) to
  ``_search/_departments.js`` at the end: script files, so that the search works from ``file://``. A
  department's name and code come from its chapter's summary (``data-pe-unit``, ``data-pe-code``); the
  searchable chapters' names join the word dictionary, and when they change every searchable page is written
  again. The word cuts of a render are kept in its doctree folder for the next (:func:`open_cuts`,
  :func:`finish_search`: ``search_text.CutStore``). :class:`ChineseSearch` keeps
  the Latin words seen so far in a set: Sphinx 7 keeps them in a list that grows with the book and scans it
  for every word it stems, which made the search index O(N²) in the number of pages (100 pages: 34 s of a
  94 s render; 1000 pages: hours). Sphinx 8.1 made the same change (sphinx-doc/sphinx#12995); jupyter-book
  1.x needs Sphinx 7.
- Chart alt text: a chart output is a PNG with its Chinese description as the ``text/plain``
  alternative (:class:`perfeval.pages.display.NotebookOutput`); :class:`ChartAltText` copies that
  description into the ``alt`` of the image before myst-nb keeps only the PNG.
- The two parts of a chapter (单位自评报告, 测算与核查) are styled apart by their section ids
  (``section#pe-unit-report``, ``section#pe-review``): :class:`PartSections` sets them from the outline's
  :data:`~perfeval.pages.outline.PART_ANCHORS`. They are page ids, not Sphinx labels: a label is global to
  the book, so every chapter defining the same one would collide (a duplicate-label warning per chapter,
  and an inventory that depends on the order pages were read in).
- The interface for readers (:mod:`perfeval.pages.sphinx_reader`): escaped titles in the print header
  and the search results, Chinese labels, the download menu, the footer, demo pages apart.
"""

from __future__ import annotations

import functools
import html
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.search import zh
from sphinx.search.zh import SearchChinese
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

import perfeval.pages.sphinx_reader as sphinx_reader
import perfeval.pages.search_text as search_text
from perfeval.pages.outline import PART_ANCHORS

logger = logging.getLogger(__name__)
_STEMMABLE = re.compile(r"[A-Za-z']")
SPLITTER_JS = files("perfeval.pages").joinpath("static/zh-splitter.js").read_text(encoding="utf-8")


class ChineseSearch(SearchChinese):
    """Sphinx's Chinese search with perfeval's query splitter for the browser."""

    js_splitter_code = SPLITTER_JS

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        self.latin_terms: set[str] = set()  # type: ignore[assignment]  # per instance, not Sphinx's class list
        dict_path = options.get("dict")
        if zh.JIEBA and dict_path and os.path.isfile(dict_path):   # what Sphinx has just added to the dictionary
            search_text.dictionary_changed("dict", Path(dict_path).read_bytes())

    def split(self, input: str) -> list[str]:  # noqa: A002 - Sphinx's signature
        chinese = search_text.index_words(input) if zh.JIEBA else []
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin)
        return chinese + latin

    def stem(self, word: str) -> str:
        # Sphinx's rule (Latin words of 3+ letters that stemming would cut below 3 stay whole), with one
        # stemming per word and a set lookup. The English stemmer changes only ASCII letters and
        # apostrophes: other words (Chinese) are returned as it would return them, without running it.
        if not _STEMMABLE.search(word):
            return word.lower()
        stemmed = self.stemmer.stemWord(word.lower())
        if len(word) >= 3 > len(stemmed) and word in self.latin_terms:
            return word.lower()
        return stemmed


class ChartAltText(SphinxPostTransform):
    """Set each notebook image's alt text from the ``text/plain`` alternative of the same output."""

    default_priority = 3  # before myst-nb's SelectMimeType (4) drops the alternatives

    def run(self, **kwargs: Any) -> None:
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            by_type = {child.get("mime_type"): child for child in bundle.children
                       if isinstance(child, nodes.container)}
            text = by_type.get("text/plain")
            image = by_type.get("image/png")
            if text is None or image is None:
                continue
            alt = text.astext().strip()
            if not alt or alt.startswith("<"):  # a Python repr such as <IPython.core.display.Image object>
                continue
            for img in image.findall(nodes.image):
                img["alt"] = alt


class PartSections(SphinxTransform):
    """Give the section of each part of a chapter (a second-level heading named as in the outline) its
    page id, first, so that the HTML ``<section>`` carries it."""

    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        for section in self.document.findall(nodes.section):
            parent = section.parent
            if not (isinstance(parent, nodes.section) and isinstance(parent.parent, nodes.document)):
                continue
            title = section.next_node(nodes.title)
            anchor = PART_ANCHORS.get(title.astext().strip()) if title is not None else None
            if anchor and anchor not in section["ids"]:
                section["ids"].insert(0, anchor)
                self.document.ids[anchor] = section


#: Page metadata keys of a department's chapter: its name and code (from the summary's data attributes).
UNIT_KEY, CODE_KEY = "perfeval-unit", "perfeval-code"
_MARK = re.compile(r'<[^>]*\bdata-pe-unit="([^"]*)"[^>]*\bdata-pe-code="([^"]*)"')
SEARCH_DIR = "_search"
DEPARTMENTS_JS = "_departments.js"   # no page is named so (pages are under book/)


class DepartmentMark(SphinxTransform):
    """Note in the page's metadata which department a chapter is about (the summary's ``data-pe-unit`` and
    ``data-pe-code``), so that the search knows the chapters and their names before any page is indexed."""

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        for raw in self.document.findall(nodes.raw):
            found = _MARK.search(raw.astext())
            if found and "html" in raw.get("format", "").split():
                meta = self.env.metadata.setdefault(self.env.docname, {})
                meta[UNIT_KEY], meta[CODE_KEY] = html.unescape(found.group(1)), html.unescape(found.group(2))
                return


def departments(env: Any) -> dict[str, dict[str, Any]]:
    """The searchable chapters: page → code, name and the words of the name."""
    out = {}
    for doc in sorted(env.found_docs):
        meta = env.metadata.get(doc, {})
        if meta.get(UNIT_KEY) and not meta.get("nosearch"):
            name = meta[UNIT_KEY]
            words = sorted({w for node in search_text.cut(name) for w in search_text.words_of(node)})
            out[doc] = {"code": meta.get(CODE_KEY, ""), "name": name, "words": words}
    return out


#: Environment attribute: the department names the last render added to the dictionary.
NAMES_ATTR = "perfeval_search_names"


def add_department_names(app: Any, env: Any) -> list[str]:
    """``env-updated`` (after the demo pages are known): the chapters' department names join the dictionary.
    When they are not the names of the last render (a department renamed, added or gone), every searchable page
    is written again: its words and sentences are cut with another dictionary (a cold build cuts them so)."""
    names = search_text.add_names(meta[UNIT_KEY] for doc, meta in env.metadata.items()
                                  if doc in env.found_docs and meta.get(UNIT_KEY) and not meta.get("nosearch"))
    last = getattr(env, NAMES_ATTR, None)
    setattr(env, NAMES_ATTR, names)
    if last is None or last == names:
        return []
    return sorted(doc for doc in env.found_docs if not env.metadata.get(doc, {}).get("nosearch"))


def _sentences_path(app: Any, pagename: str) -> Path:
    return Path(app.outdir, SEARCH_DIR, f"{pagename}.js")


def write_sentences(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: the sentences of a searchable page, for the search page's snippets."""
    if getattr(app.builder, "format", "") != "html" or doctree is None:
        return
    path = _sentences_path(app, pagename)
    if app.env.metadata.get(pagename, {}).get("nosearch"):
        path.unlink(missing_ok=True)
        return
    text = search_text.script(pagename, search_text.sentences(context.get("body", "")))
    _write_if_changed(path, text)


def open_cuts(app: Any) -> None:
    """``builder-inited``: the word cuts of the last render (:class:`perfeval.pages.search_text.CutStore`)."""
    if getattr(app.builder, "format", "") == "html":
        search_text.cuts.open(Path(app.doctreedir, search_text.CUTS_FILE))


def finish_search(app: Any, exception: Exception | None) -> None:
    """``build-finished``: the departments' file, no sentence file of a page that is gone or unsearchable, and
    the word cuts of this render for the next."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    env = app.env
    folder = Path(app.outdir, SEARCH_DIR)
    keep = {doc for doc in env.found_docs if not env.metadata.get(doc, {}).get("nosearch")}
    for path in folder.rglob("*.js") if folder.is_dir() else []:
        doc = path.relative_to(folder).with_suffix("").as_posix()
        if doc != DEPARTMENTS_JS.removesuffix(".js") and doc not in keep:
            path.unlink()
    _write_if_changed(folder / DEPARTMENTS_JS, search_text.departments_script(departments(env)))
    try:
        search_text.cuts.save(Path(app.doctreedir, search_text.CUTS_FILE))
    except OSError as err:   # only lost time for the next render
        logger.warning("the search's word cuts were not kept for the next render: %s", err)


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def mystnb_css_first(app: Any) -> None:
    """``builder-inited``: MyST-NB copies its style sheet (``_static/mystnb.<hash>.css``) only when the build
    has finished, so a page written before the file exists links it without Sphinx's ``?v=`` checksum and a
    page written by a later, incremental render with it: a rebuilt page would differ from the same page of a
    cold build. Copied first, every page links it the same way."""
    if getattr(app.builder, "format", "") == "html" and "myst_nb" in app.extensions:
        from myst_nb.sphinx_ext import add_global_html_resources

        Path(app.builder.outdir, "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)


def setup(app: Any) -> dict[str, Any]:
    app.add_search_language(ChineseSearch)
    app.connect("builder-inited", mystnb_css_first)
    app.add_post_transform(ChartAltText)
    app.add_transform(PartSections)
    app.add_transform(DepartmentMark)
    reader = sphinx_reader.Reader()
    app.connect("config-inited", reader.configure)
    app.connect("env-updated", reader.update)
    app.connect("env-updated", add_department_names, priority=600)
    app.connect("html-page-context", write_sentences, priority=950)
    app.connect("builder-inited", open_cuts)
    app.connect("build-finished", finish_search)
    # After the themes (priority 500), which fill the context this adjusts.
    app.connect("html-page-context", functools.partial(sphinx_reader.page_context, reader), priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
