"""Text written into a spreadsheet cell (Excel workbooks, CSV opened in Excel) that must never run as a formula.

Kept outside :mod:`perfeval.excel` so that writing a CSV (the analyst's 公开前审查 list, read by every build)
does not import openpyxl.
"""

from __future__ import annotations

#: What a spreadsheet may run as a formula at the start of a text (OWASP), and the escape itself.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """Text as written into a cell: a leading ``'`` when it could start a formula (or starts with ``'``)."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def unneutralise(text: str) -> str:
    """Text as read from a cell: one leading ``'`` removed (the inverse of :func:`neutralise`)."""
    return text[1:] if text.startswith(QUOTE) else text
