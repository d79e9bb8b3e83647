"""Sphinx extension: the sidebar navigation computed once per part of the book instead of once per page.

The book theme (sphinx-book-theme over pydata-sphinx-theme) builds the sidebar of every page from the
whole table of contents: Sphinx resolves and copies the book's toctree, the theme parses the resulting
HTML with BeautifulSoup, edits it and serialises it again. Each page costs time proportional to the book,
so writing a book of N pages costs O(N²): measured on 1000 department pages, 0.19 s per page, three
quarters of the writing time (``benchmarks/RESULTS.md``).

The sidebar shows the current page's branch expanded (``collapse_navbar``) and its entry marked. So:

* Pages of one *family* — the pages listed by one toctree of one parent page (the departments of a 主管部门
  group, the chapters of a part), and that parent page itself — have the same sidebar except for which
  entry is marked current (:func:`move_current`):

      <li class="toctree-l2 current active"><a class="current reference internal" href="#">   (current)
      <li class="toctree-l2"><a class="reference internal" href="other.html">                (not current)

  (a parent's own ``<li>`` keeps ``current active`` either way, as an ancestor of its members; the list of
  its members is marked ``current`` when a member is the current page).
* Two parent pages listed by the same toctree (two groups of one part) have the same sidebar except for
  which of them is expanded (:func:`move_expanded`): the expanded one's members are listed, each as
  ``<li class="toctree-lN"><a class="reference internal" href="…">title</a></li>``, titles as the theme
  writes text (``&``, ``<``, ``>`` escaped).

So the theme computes the sidebar once per part and folder (and for the pages that fit neither rule: the
root page, pages outside the table of contents or listed twice, titles with markup); every other page gets
a derived copy. What the theme computed is kept for the next render of the same navigation
(:data:`SIDEBARS_FILE`). A derivation whose marks are not found exactly once falls back to the theme. The result is
byte-identical to the theme's (tests build a book both ways and compare every page).

Set ``perfeval_nav_cache = False`` (``sphinx: config:`` in ``_config.yml``) to turn this off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sphinx import addnodes
from sphinx.util.osutil import relative_uri

CONFIG = "perfeval_nav_cache"
_CURRENT_A = '<a class="current reference internal" href="#">'
_LEAF_CURRENT = re.compile(r'<li class="(toctree-l\d+) current active">' + re.escape(_CURRENT_A))
_UNSAFE = re.compile(r"[&<>\"'#]")  # links our page names never produce: left to the theme
#: The button that opens or closes a branch (the theme writes ``<summary>``; our template gives it a name).
_SUMMARY = r'<summary[^>]*>.*?</summary>'
_EXPANDED = re.compile(r'<li class="(toctree-l\d+) current active has-children">' + re.escape(_CURRENT_A)
                       + r'([^<]*)</a><details open="open">(' + _SUMMARY + r')<ul>\n(.*?)</ul>\n</details></li>',
                       re.DOTALL)


def text_html(text: str) -> str:
    """Text as the theme writes it (BeautifulSoup's minimal formatter)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Families:
    """Families of pages, from the toctrees of one build (``env-updated``).

    A page listed once, by toctree number ``i`` of page ``parent``, is in family ``(parent, i)``; a page with a
    toctree of its own (and listed once itself) heads the family ``(page, 0)`` of its first toctree.
    """

    families: dict[str, tuple[str, int]] = field(default_factory=dict)
    heads: set[str] = field(default_factory=set)
    places: dict[str, tuple[str, int]] = field(default_factory=dict)   # where each page is listed
    members: dict[str, list[str]] = field(default_factory=dict)        # head → its first toctree's pages
    titles: dict[str, str] = field(default_factory=dict)               # page → its title as sidebar HTML

    def update(self, env: Any) -> None:
        from docutils import nodes
        from sphinx import addnodes

        found: dict[str, list[tuple[str, int]]] = {}
        first: dict[str, list[str] | None] = {}
        for parent in sorted(env.toctree_includes):
            toc = env.tocs.get(parent)
            if toc is None:
                continue
            for index, node in enumerate(toc.findall(addnodes.toctree)):
                for child in node.get("includefiles", []):
                    found.setdefault(child, []).append((parent, index))
                if index == 0:
                    plain = all(title is None for title, _ in node.get("entries", []))
                    first[parent] = list(node.get("includefiles", [])) if plain else None
        self.places = {page: where[0] for page, where in found.items() if len(where) == 1}
        self.heads = {page for page, children in env.toctree_includes.items() if children and page in self.places}
        self.families = {page: ((page, 0) if page in self.heads else place) for page, place in self.places.items()}
        self.members = {head: pages for head in self.heads if (pages := first.get(head))}
        self.titles = {}
        for page in self.places:
            title = env.titles.get(page)
            if title is not None and all(isinstance(child, nodes.Text) for child in title.children):
                self.titles[page] = text_html(title.astext())

    def key(self, page: str) -> tuple[str, int, str] | None:
        """The family of ``page`` and the folder it is in; None when its sidebar is not derived."""
        family = self.families.get(page)
        return None if family is None else (*family, posixpath.dirname(page))

    def leaf(self, page: str) -> bool:
        return page not in self.heads


def _members_list(html: str, anchor: str, old: str, new: str) -> str | None:
    """Replace the opening tag ``old`` of the list right under the parent entry ``anchor`` by ``new``."""
    pattern = re.compile(re.escape(anchor) + r'[^<]*</a><details open="open">' + _SUMMARY + re.escape(old))
    found = list(pattern.finditer(html))
    if len(found) != 1:
        return None
    cut = found[0].end()
    return html[:cut - len(old)] + new + html[cut:]


def move_current(html: str, was_href: str, was_leaf: bool, now_href: str, now_leaf: bool) -> str | None:
    """The sidebar ``html`` of one page (linked as ``was_href`` from the other) turned into the sidebar of
    another page of its family (linked as ``now_href`` from the first); ``*_leaf``: the page lists no pages
    of its own (else it is the family's parent page). None when a mark is not exactly where it should be."""
    if html.count(_CURRENT_A) != 1 or _UNSAFE.search(was_href + now_href):
        return None
    if was_href == now_href:
        return html
    was_a = f'<a class="reference internal" href="{was_href}">'
    now_a = f'<a class="reference internal" href="{now_href}">'
    # The page that was current becomes an ordinary entry.
    if was_leaf:
        match = _LEAF_CURRENT.search(html)
        if match is None:
            return None
        html = html[:match.start()] + f'<li class="{match.group(1)}">' + was_a + html[match.end():]
    else:
        html = html.replace(_CURRENT_A, was_a, 1)
        changed = _members_list(html, was_a, "<ul>", '<ul class="current">')
        if changed is None:
            return None
        html = changed
    # The new current page gets the marks.
    if now_leaf:
        pattern = re.compile(r'<li class="(toctree-l\d+)">' + re.escape(now_a))
        if len(pattern.findall(html)) != 1:
            return None
        return pattern.sub(lambda m: f'<li class="{m.group(1)} current active">' + _CURRENT_A, html, count=1)
    if html.count(now_a) != 1:
        return None
    changed = _members_list(html, now_a, '<ul class="current">', "<ul>")
    return None if changed is None else changed.replace(now_a, _CURRENT_A, 1)


def move_expanded(html: str, was_href: str, now_href: str, members: list[tuple[str, str]]) -> str | None:
    """The sidebar ``html`` of a parent page (the current page, its members listed) turned into the sidebar
    of another parent page listed by the same toctree (linked as ``now_href``; ``members``: its members'
    links and titles as HTML). None when the marks are not exactly where they should be."""
    if html.count(_CURRENT_A) != 1 or _UNSAFE.search(was_href + now_href) or was_href == now_href:
        return None
    if any(_UNSAFE.search(href) for href, _ in members) or not members:
        return None
    expanded = list(_EXPANDED.finditer(html))
    if len(expanded) != 1 or "<ul" in expanded[0].group(4):
        return None   # not one expanded parent, or its members have members of their own
    old = expanded[0]
    level, summary = old.group(1), old.group(3)
    html = (html[:old.start()] + f'<li class="{level}"><a class="reference internal" href="{was_href}">'
            + old.group(2) + "</a></li>" + html[old.end():])
    collapsed = re.compile(r'<li class="(toctree-l(\d+))"><a class="reference internal" href="'
                           + re.escape(now_href) + r'">([^<]*)</a></li>')
    found = list(collapsed.finditer(html))
    if len(found) != 1:
        return None
    new = found[0]
    sub = f"toctree-l{int(new.group(2)) + 1}"
    listed = "".join(f'<li class="{sub}"><a class="reference internal" href="{href}">{title}</a></li>\n'
                     for href, title in members)
    return (html[:new.start()] + f'<li class="{new.group(1)} current active has-children">' + _CURRENT_A
            + new.group(3) + f'</a><details open="open">{summary}<ul>\n{listed}</ul>\n'
            + "</details></li>" + html[new.end():])


@dataclass
class Sidebar:
    page: str      # the page it is the sidebar of
    html: str


class SidebarCache:
    """The sidebars computed so far in this process (a parallel writer has its own copy)."""

    def __init__(self, families: Families) -> None:
        self.families = families
        self.by_family: dict[tuple[Any, ...], Sidebar] = {}
        self.by_place: dict[tuple[Any, ...], Sidebar] = {}   # a head's sidebar, by where the head is listed
        #: The sidebar of a page that fits no family (the root page, pages listed twice or not at all), computed
        #: by the theme and kept for the next render of the same navigation (its signature).
        self.by_page: dict[tuple[Any, ...], Sidebar] = {}
        self.derived = 0
        self.computed = 0
        self.on_new: Callable[[str, tuple[Any, ...], Sidebar], None] | None = None   # see :class:`NavState`

    def _add(self, table: str, key: tuple[Any, ...], sidebar: Sidebar) -> None:
        known = getattr(self, table)
        if key not in known:
            known[key] = sidebar
            if self.on_new is not None:
                self.on_new(table, key, sidebar)

    def clear(self) -> None:
        self.by_family.clear()
        self.by_place.clear()
        self.by_page.clear()

    def generate(self, app: Any, pagename: str, original: Callable[..., Any], kind: str, startdepth: int = 1,
                 show_nav_level: int = 1, **kwargs: Any) -> Any:
        if kind != "sidebar" or startdepth != 0:
            return original(kind, startdepth, show_nav_level, **kwargs)
        family = self.families.key(pagename)
        options = (show_nav_level, tuple(sorted(kwargs.items())))
        if family is None:
            own = self.by_page.get((pagename, options))
            if own is None:
                own = Sidebar(pagename, str(original(kind, startdepth, show_nav_level, **kwargs)))
                self.computed += 1
                self._add("by_page", (pagename, options), own)
            return own.html
        uri = app.builder.get_target_uri
        fams = self.families
        known = self.by_family.get((family, options))
        if known is None:
            known = self._from_sibling_head(uri, family, options)
        if known is not None:
            html = move_current(known.html, relative_uri(uri(pagename), uri(known.page)), fams.leaf(known.page),
                                relative_uri(uri(known.page), uri(pagename)), fams.leaf(pagename))
            if html is not None:
                self.derived += 1
                return html
        html = str(original(kind, startdepth, show_nav_level, **kwargs))
        self.computed += 1
        self._add("by_family", (family, options), Sidebar(pagename, html))
        self._remember_head(uri, family, options)
        return html

    def _head_sidebar(self, uri: Callable[[str], str], family: tuple[Any, ...], options: Any) -> Sidebar | None:
        """The sidebar of a family's head as its own page (derived from the family's known sidebar)."""
        head = family[0]
        known = self.by_family.get((family, options))
        if known is None or family[1] != 0 or head not in self.families.heads:
            return None
        if known.page == head:
            return known
        html = move_current(known.html, relative_uri(uri(head), uri(known.page)), self.families.leaf(known.page),
                            relative_uri(uri(known.page), uri(head)), False)
        return None if html is None else Sidebar(head, html)

    def _remember_head(self, uri: Callable[[str], str], family: tuple[Any, ...], options: Any) -> None:
        head = family[0]
        place = self.families.places.get(head)
        if place is None or family[1] != 0 or head not in self.families.heads:
            return
        key = (place, posixpath.dirname(head), options)
        if key not in self.by_place:
            sidebar = self._head_sidebar(uri, family, options)
            if sidebar is not None:
                self._add("by_place", key, sidebar)

    def _from_sibling_head(self, uri: Callable[[str], str], family: tuple[Any, ...],
                           options: Any) -> Sidebar | None:
        """The sidebar of a family's head derived from that of another head listed by the same toctree."""
        head, index, folder = family
        fams = self.families
        place = fams.places.get(head)
        if index != 0 or head not in fams.heads or place is None or posixpath.dirname(head) != folder:
            return None
        sibling = self.by_place.get((place, folder, options))
        members = fams.members.get(head)
        if sibling is None or not members or any(m not in fams.titles or not fams.leaf(m) for m in members):
            return None
        here = uri(head)
        html = move_expanded(sibling.html, relative_uri(here, uri(sibling.page)), relative_uri(uri(sibling.page), here),
                             [(relative_uri(here, uri(m)), fams.titles[m]) for m in members])
        if html is None:
            return None
        sidebar = Sidebar(head, html)
        self._add("by_family", (family, options), sidebar)
        return sidebar


#: Beside a render's HTML output (``_build/``): the sidebars it computed, with the signature of the navigation
#: they were computed for; the next render of the same navigation starts with them. Processes that write pages
#: for it (a parallel write) add theirs to a file of their own (``.perfeval-sidebars-<pid>.part``), gathered
#: when the render has finished.
SIDEBARS_FILE = ".perfeval-sidebars.pickle"
#: The tables of :class:`SidebarCache` kept in it.
TABLES = ("by_family", "by_place", "by_page")


def signature(env: Any) -> str:
    """What every sidebar is made of: the toctrees (which page lists which, with their options and captions) and
    the title of every page they list (its markup too). Sidebars list titles only (``titles_only``)."""
    h = hashlib.sha256()
    for parent in sorted(env.toctree_includes):
        h.update(f"{parent}\0{env.toctree_includes[parent]!r}\n".encode())
        toc = env.tocs.get(parent)
        for node in toc.findall(addnodes.toctree) if toc is not None else ():
            h.update(repr(sorted((k, repr(v)) for k, v in node.attributes.items())).encode())
    for doc in sorted(env.titles):
        h.update(f"{doc}\0{env.titles[doc].pformat()}\n".encode())
    h.update(repr(sorted(env.found_docs)).encode())
    return h.hexdigest()


class NavState:
    def __init__(self) -> None:
        self.families = Families()
        self.cache = SidebarCache(self.families)
        self.cache.on_new = self._new
        self.pid = os.getpid()
        self.signature = ""
        self.folder = ""     # where the render keeps its files (beside its HTML output)

    def _new(self, table: str, key: tuple[Any, ...], sidebar: Sidebar) -> None:
        """A sidebar computed by a process that writes pages for the render (forked): kept in its own file."""
        if os.getpid() == self.pid or not self.folder:
            return
        with contextlib.suppress(OSError), open(os.path.join(self.folder, f".perfeval-sidebars-{os.getpid()}.part"),
                                                 "ab") as f:
            pickle.dump((self.signature, table, key, sidebar), f)

    def load(self) -> None:
        """Start with the sidebars the last render computed, when it was made for the same navigation."""
        path = os.path.join(self.folder, SIDEBARS_FILE)
        try:
            with open(path, "rb") as f:
                data = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return
        if isinstance(data, dict) and data.get("signature") == self.signature and self.signature:
            for table in TABLES:
                getattr(self.cache, table).update(data.get(table, {}))

    def save(self) -> None:
        """Keep this render's sidebars (and those of the processes that wrote pages for it) for the next."""
        parts = sorted(Path(self.folder).glob(".perfeval-sidebars-*.part")) if self.folder else []
        for part in parts:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError), part.open("rb") as f:
                while True:
                    made_for, table, key, sidebar = pickle.load(f)
                    if made_for == self.signature and table in TABLES:
                        getattr(self.cache, table).setdefault(key, sidebar)
            part.unlink(missing_ok=True)
        if not self.folder or not self.signature:
            return
        path = os.path.join(self.folder, SIDEBARS_FILE)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as f:
                pickle.dump({"signature": self.signature, **{table: getattr(self.cache, table) for table in TABLES}}, f,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _env_updated(state: NavState, app: Any, env: Any) -> list[str]:
    state.families.update(env)
    state.cache.clear()
    if app.config[CONFIG] and getattr(app.builder, "format", "") == "html":
        state.folder = os.path.dirname(os.path.abspath(app.outdir))
        state.signature = signature(env)
        for stale in Path(state.folder).glob(".perfeval-sidebars-*.part"):   # of a render that was killed
            stale.unlink(missing_ok=True)
        state.load()
    return []


def _build_finished(state: NavState, app: Any, exception: Exception | None) -> None:
    if exception is None and state.signature:
        state.save()


def _wrap_theme(state: NavState, app: Any) -> None:
    """Put the cache around pydata-sphinx-theme's ``generate_toctree_html``: its ``html-page-context``
    handler defines it, and the theme renders the sidebar in its next handler (same priority), so the
    wrapper goes into that same listener."""
    if not app.config[CONFIG]:
        return
    try:
        from pydata_sphinx_theme import toctree as theme_toctree
    except ImportError:  # pragma: no cover - another theme: nothing to do
        return
    listeners = app.events.listeners.get("html-page-context", [])
    for i, listener in enumerate(listeners):
        if listener.handler is theme_toctree.add_toctree_functions:
            listeners[i] = listener._replace(handler=functools.partial(_add_toctree_functions, state, listener.handler))
    _navigation_rendered_once()


#: Templates that never render empty (the sidebar's navigation: a ``<nav>`` around the contents).
NEVER_EMPTY = ("sbt-sidebar-nav.html",)


def _navigation_rendered_once() -> None:
    """The theme renders every template of a page's sidebars, header and footer once to drop those that come
    out empty, then again for the page; it skips that check for its own navigation templates only. The book
    theme's navigation (:data:`NEVER_EMPTY`) is never empty: checked, it was rendered twice per page."""
    from pydata_sphinx_theme import utils

    original = utils._update_and_remove_templates
    if getattr(original, "perfeval", False):
        return

    def update(app: Any, context: dict[str, Any], templates: Any, section: str,
               templates_skip_empty_check: list[str] | None = None) -> list[str]:
        return original(app, context, templates, section, [*(templates_skip_empty_check or ()), *NEVER_EMPTY])

    update.perfeval = True  # type: ignore[attr-defined]
    utils._update_and_remove_templates = update


def _add_toctree_functions(state: NavState, theme_handler: Callable[..., Any], app: Any, pagename: str,
                           templatename: str, context: dict[str, Any], doctree: Any) -> None:
    theme_handler(app, pagename, templatename, context, doctree)
    original = context.get("generate_toctree_html")
    if original is not None:
        context["generate_toctree_html"] = functools.partial(state.cache.generate, app, pagename, original)


def setup(app: Any) -> dict[str, Any]:
    state = NavState()
    app.add_config_value(CONFIG, True, "html", [bool])
    app.connect("env-updated", functools.partial(_env_updated, state))
    app.connect("build-finished", functools.partial(_build_finished, state))
    app.connect("builder-inited", functools.partial(_wrap_theme, state))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
