"""The one Jinja environment of the pages: Chinese prose from ``templates/chapter.html.j2``.

Every figure reaches the text through the filters ``wan`` / ``rate`` / ``num`` of
:mod:`perfeval.model.numbers` and ``score`` (two decimals, :func:`perfeval.pages.cells.score_text`); every text from data is auto-escaped. Chapters and overview pages
call :func:`render` with a macro name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from perfeval.model.numbers import fmt_number, fmt_quantity, fmt_rate, fmt_wan
from perfeval.pages.cells import score_text
from perfeval.model import SANGONG_ITEMS

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("perfeval.pages", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(wan=fmt_wan, rate=fmt_rate, num=fmt_number, score=score_text)
ENV.globals.update(qty=fmt_quantity, sangong_items=SANGONG_ITEMS)


@lru_cache(maxsize=1)
def _macros() -> Any:
    return ENV.get_template("chapter.html.j2").module


def render(macro: str, *args: Any) -> str:
    """Render one macro of the chapter template to an HTML string."""
    out = getattr(_macros(), macro)(*args)
    # Join the template's line breaks: Chinese prose has no spaces between sentences.
    return str(Markup(out)).replace("\n", "")


def paragraph(text: str, missing: str = "原报告未说明。") -> str:
    """One escaped paragraph (``missing`` in its place when the text is empty)."""
    return render("paragraph", text, missing)
