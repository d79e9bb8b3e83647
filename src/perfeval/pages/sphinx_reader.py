"""The book's interface for readers, set up by the Sphinx extension (:mod:`perfeval.pages.sphinx_ext`).

- **Nothing from the data runs.** sphinx-book-theme writes the page title into its print header
  (``<h1>{{ pagetitle }}</h1>`` in its ``layout.html``) without escaping: ``theme/layout.html`` replaces
  that template (the same two blocks over the pydata theme's layout) with the title escaped. Sphinx's
  search page writes result titles with ``innerHTML``, and the index holds headings as raw text:
  ``static/zh-scorer.js`` (Sphinx's ``html_search_scorer`` hook, which sees every result before it is
  shown) escapes them. ``smartquotes`` is off in ``_config.yml``, so text is shown exactly as written.
- **Chinese labels.** Theme strings that no catalog translates get Simplified Chinese from
  :data:`LABELS` (a fallback after Sphinx's and the themes' catalogs); the sidebar toggles and
  navigation, whose English is written into the theme's templates, are overridden in ``theme/``; the
  download menu offers what a reader can use (打印/另存为 PDF, and the chapter's two Word 报告: 单位自评报告
  and 测算意见), never the notebook source.
- **The footer** names the publishing bureau (``publisher:`` in ``_config.yml``), no copyright line.
- **Real data before demo data.** Pages in a part whose caption says 示例数据 (:data:`DEMO_MARK`) carry the
  demo banner, previous/next links never cross between them and the real pages, and, in a book that also
  has real chapters, they are left out of the search index (the demo book of ``make demo`` is searched as
  any book). See ``docs/reader-pages.md``.
"""

from __future__ import annotations

import gettext
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from sphinx import addnodes

#: A TOC part whose caption contains this holds demo (synthetic) data.
DEMO_MARK = "示例数据"
#: A page of a year part (a chapter, a group page, an overview): ``book/<year>/…``.
_YEAR_PAGE = re.compile(r"book/[0-9]{4}/")
#: Page metadata key saying that this extension set ``nosearch`` (so it can take it back).
MARK_KEY = "perfeval-demo"
#: The banner of a demo page, unless the page shows its own (``div.pe-demo``).
DEMO_BANNER = ('<div class="pe-demo admonition warning"><p class="admonition-title">示例数据</p>'
               "<p>本部分由程序生成的示例数据构成，不是真实部门的评价报告，仅用于展示本书的版式与功能。</p></div>")

THEME_DIR = str(files("perfeval.pages").joinpath("theme"))
SCORER_JS = str(files("perfeval.pages").joinpath("static/zh-scorer.js"))

#: Theme and Sphinx strings that the installed catalogs leave in English (or Traditional Chinese).
LABELS = {
    "Color mode": "颜色模式",
    "System Settings": "跟随系统",
    "Light": "亮色",
    "Dark": "暗色",
    "Search": "搜索",
    "Back to top": "回到顶部",
    "Skip to main content": "跳到正文",
    "Section Navigation": "本节导航",
    "Site navigation": "全书导航",
    "On this page": "本页目录",
    "Contents": "目录",
    "Link to this heading": "本节链接",
    "Breadcrumb": "导航路径",
    "Home": "首页",
    "Announcement": "公告",
    "Version warning": "版本提示",
    "Expand Sidebar": "展开侧栏",
    "Collapse Sidebar": "收起侧栏",
    "previous page": "上一页",
    "next page": "下一页",
    "previous": "上一页",
    "next": "下一页",
}


class ChineseLabels(gettext.NullTranslations):
    """A catalog without a file: :data:`LABELS`, consulted after every installed catalog."""

    def gettext(self, message: str) -> str:
        return LABELS.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


def add_chinese_labels(app: Any) -> None:
    """Put :class:`ChineseLabels` at the end of the Sphinx catalog chain (templates and HTML writer)."""
    if (app.config.language or "").startswith("zh") and app.translator is not None:
        app.translator.add_fallback(ChineseLabels())


def publisher(app: Any) -> str:
    """The publishing bureau: ``publisher:`` in the book's ``_config.yml`` ("" when not set)."""
    config = Path(app.srcdir) / "_config.yml"
    if not config.is_file():
        return ""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return str(data.get("publisher") or "")


# --- the state of one build ------------------------------------------------------------------------

class Reader:
    """What the page hooks need across a build: the publisher and which pages are demo pages."""

    def __init__(self) -> None:
        self.demo: set[str] = set()
        self.publisher = ""

    def configure(self, app: Any, config: Any) -> None:
        """``config-inited``: our templates first, the search scorer, the Chinese labels, the publisher."""
        config.templates_path.insert(0, THEME_DIR)
        config.html_search_scorer = SCORER_JS
        add_chinese_labels(app)
        self.publisher = publisher(app)

    def update(self, app: Any, env: Any) -> list[str]:
        """``env-updated``: find the demo pages and keep them out of the search index (Sphinx's
        ``nosearch`` metadata). Returns the pages whose flag changed, so Sphinx writes them again (their
        index entries, banner and links change too)."""
        self.demo = demo_pages(env)
        # A book of demo data alone (`make demo`) is searched like any book: only next to real chapters are
        # demo pages kept out of the index.
        real = any(_YEAR_PAGE.match(doc) and doc not in self.demo for doc in env.found_docs)
        hidden = self.demo if real else set()
        changed = []
        for doc in env.found_docs:
            meta = env.metadata.setdefault(doc, {})
            if doc in hidden and not meta.get(MARK_KEY):
                meta.update({"nosearch": True, MARK_KEY: True})
                changed.append(doc)
            elif doc not in hidden and meta.get(MARK_KEY):
                meta.pop("nosearch", None)
                meta.pop(MARK_KEY, None)
                changed.append(doc)
        return sorted(changed)

    def is_demo(self, docname: str | None) -> bool:
        return docname in self.demo


def demo_pages(env: Any) -> set[str]:
    """The documents under a root toctree whose caption contains :data:`DEMO_MARK`."""
    root = env.config.root_doc
    if root not in env.found_docs:
        return set()
    out: set[str] = set()
    for toctree in env.get_doctree(root).findall(addnodes.toctree):
        if DEMO_MARK not in (toctree.get("caption") or ""):
            continue
        stack = list(toctree.get("includefiles", []))
        while stack:
            doc = stack.pop()
            if doc not in out:
                out.add(doc)
                stack.extend(env.toctree_includes.get(doc, []))
    return out


# --- each page ------------------------------------------------------------------------------------

_WORD_LINKS = re.compile(r'<p class="pe-word">(.*?)</p>', re.S)
_LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def reader_buttons(context: dict[str, Any]) -> None:
    """The header's download menu offers printing (or saving as PDF) and the chapter's Word files (the links
    of its ``p.pe-word``: 单位自评报告, 测算意见); no notebook or source download. Tooltips in Chinese."""
    buttons = []
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            items = [{"type": "javascript", "javascript": "window.print()", "text": "打印/另存为 PDF",
                      "tooltip": "打印本页，或在打印窗口中另存为 PDF", "icon": "fas fa-print",
                      "label": "download-pdf-button"}]
            word = _WORD_LINKS.search(context.get("body", ""))
            for i, (url, what) in enumerate(_LINK.findall(word.group(1)) if word else []):
                items.append({"type": "link", "url": url, "text": f"Word 报告（{what}）",
                              "tooltip": f"下载本章的 Word 报告：{what}", "icon": "fas fa-file-word",
                              "label": "download-word-button" if i == 0 else f"download-word-button-{i + 1}"})
            button = {**button, "tooltip": "下载与打印", "buttons": items}
        elif button.get("label") == "fullscreen-button":
            button = {**button, "tooltip": "全屏"}
        buttons.append(button)
    context["header_buttons"] = buttons


def page_context(reader: Reader, app: Any, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: Any) -> None:
    """``html-page-context`` (after the themes): buttons, footer, demo banner, previous/next."""
    reader_buttons(context)
    context["perfeval_publisher"] = reader.publisher
    relations = getattr(app.builder, "relations", {}).get(pagename)
    demo = reader.is_demo(pagename)
    if relations:
        _, prev_doc, next_doc = relations
        if prev_doc and reader.is_demo(prev_doc) != demo:
            context["prev"] = None
        if next_doc and reader.is_demo(next_doc) != demo:
            context["next"] = None
    body = context.get("body", "")
    if demo and body and 'class="pe-demo' not in body:
        # Under the page's heading, where a chapter shows its own banner.
        end = body.find("</h1>")
        cut = end + len("</h1>") if end >= 0 else 0
        context["body"] = body[:cut] + DEMO_BANNER + body[cut:]
