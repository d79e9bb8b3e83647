"""A small Sphinx extension for the book (``_config.yml``: ``sphinx: extra_extensions``).

- Chinese search: :class:`ChineseSearch` is Sphinx's Chinese search language (jieba, the book's
  dictionary) with ``js_splitter_code`` from ``static/zh-splitter.js``, so a query typed without
  spaces (预算执行率三公经费) is split into the index's words in the browser. Registered with
  ``app.add_search_language``; Sphinx writes the splitter into ``language_data.js``.
- Chart alt text: a chart output is a PNG with its Chinese description as the ``text/plain``
  alternative (:class:`perfeval.pages.display.NotebookOutput`); :class:`ChartAltText` copies that
  description into the ``alt`` of the image before myst-nb keeps only the PNG.
- The interface for readers (:mod:`perfeval.pages.sphinx_reader`): escaped titles in the print header
  and the search results, Chinese labels, the download menu, the footer, demo pages apart.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any

from docutils import nodes
from sphinx.search.zh import SearchChinese
from sphinx.transforms.post_transforms import SphinxPostTransform

import perfeval.pages.sphinx_reader as sphinx_reader

SPLITTER_JS = files("perfeval.pages").joinpath("static/zh-splitter.js").read_text(encoding="utf-8")


class ChineseSearch(SearchChinese):
    """Sphinx's Chinese search with perfeval's query splitter for the browser."""

    js_splitter_code = SPLITTER_JS


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


def setup(app: Any) -> dict[str, Any]:
    app.add_search_language(ChineseSearch)
    app.add_post_transform(ChartAltText)
    reader = sphinx_reader.Reader()
    app.connect("config-inited", reader.configure)
    app.connect("env-updated", reader.update)
    # After the themes (priority 500), which fill the context this adjusts.
    app.connect("html-page-context", functools.partial(sphinx_reader.page_context, reader), priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
