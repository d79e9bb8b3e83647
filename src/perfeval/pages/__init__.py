"""What the notebooks display and the build publishes: the public face of the pages.

- :class:`Chapter` (one department-year, section by section), :class:`Overview` (a year's ranking),
  :class:`RiskPage` (a year's 重点评价风险排序), :class:`FindingsPage` (数据核查汇总), :class:`MethodPage` (评价方法), :class:`SourcePage` (原报告全文, a
  department-year's source document): the notebooks call these.
- :data:`OUTLINE` / :class:`Section`: the one chapter outline (notebook headings, Word export, numbering,
  :func:`how_to_read_markdown`).
- :func:`page_downloads` / :class:`Page`: the CSV and Word files of an executed page, computed outside the
  kernel; :func:`write_downloads` writes them.
- :data:`LEAD_NOTE`: the one sentence saying that our part is a computation from published data, not the
  finance bureau's evaluation (chapter lead, year overview, every Word file).
- :func:`export_docx`: one of a chapter's two Word files, the unit's report or our 测算意见 (the command line).
- :func:`render`: the chapter template's prose macros.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: The module of each public name. A name is imported when first used, so that a module of the package used
#: alone (the Sphinx extensions in every render, department summaries in the build) does not import pandas
#: and matplotlib with the package (1.5 s).
_EXPORTS = {
    "Chapter": "chapter", "word_file": "chapter", "export_docx": "docx", "Page": "downloads",
    "page_downloads": "downloads", "write_downloads": "downloads", "OUTLINE": "outline", "Section": "outline",
    "how_to_read_markdown": "outline", "FindingsPage": "overviews", "MethodPage": "overviews",
    "Overview": "overviews", "RiskPage": "overviews", "LEAD_NOTE": "prose", "render": "prose", "SourcePage": "source_page",
    "source_page": "source_page", "source_title": "source_page",
}

if TYPE_CHECKING:
    from perfeval.pages.chapter import Chapter, word_file
    from perfeval.pages.docx import export_docx
    from perfeval.pages.downloads import Page, page_downloads, write_downloads
    from perfeval.pages.outline import OUTLINE, Section, how_to_read_markdown
    from perfeval.pages.overviews import FindingsPage, MethodPage, Overview, RiskPage
    from perfeval.pages.prose import LEAD_NOTE, render
    from perfeval.pages.source_page import SourcePage, source_page, source_title


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perfeval.pages' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"perfeval.pages.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Chapter", "FindingsPage", "LEAD_NOTE", "MethodPage", "OUTLINE", "Overview", "Page", "RiskPage", "Section", "SourcePage",
    "export_docx", "how_to_read_markdown", "page_downloads", "render", "source_page", "source_title", "word_file",
    "write_downloads",
]
