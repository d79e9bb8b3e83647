"""The one Jinja environment of the pages: Chinese prose from ``templates/chapter.html.j2``.

Every figure reaches the text through the chapter's ``fig`` (an amount with its footnote marker), the
filters ``wan`` / ``rate`` / ``num`` of :mod:`perfeval.model.numbers` and ``score`` (two decimals,
:func:`perfeval.pages.cells.score_text`), or ``qty`` (a quantity in words, no formula signs); every text
from data is auto-escaped. Chapters and overview pages call :func:`render` with a macro name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from perfeval.model.numbers import fmt_number, fmt_rate, fmt_wan
from perfeval.pages.cells import score_text
from perfeval.pages.tables import quantity_words

#: The one sentence that says what our part is: on the chapter's lead, the year overview and every Word file.
LEAD_NOTE = "本书的测算得分和数据核查依据公开数据计算，不是财政部门的评价结果。"

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("perfeval.pages", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(wan=fmt_wan, rate=fmt_rate, num=fmt_number, score=score_text)
ENV.globals.update(qty=quantity_words)


@lru_cache(maxsize=1)
def _macros() -> Any:
    return ENV.get_template("chapter.html.j2").module


def prepare() -> None:
    """Compile the chapter template's macros now (else on first use: 0.1 s once per process)."""
    _macros()


def render(macro: str, *args: Any) -> str:
    """Render one macro of the chapter template to an HTML string."""
    out = getattr(_macros(), macro)(*args)
    # Join the template's line breaks: Chinese prose has no spaces between sentences.
    return str(Markup(out)).replace("\n", "")


def paragraph(text: str, missing: str = "原报告未说明。") -> str:
    """One escaped paragraph (``missing`` in its place when the text is empty)."""
    return render("paragraph", text, missing)
