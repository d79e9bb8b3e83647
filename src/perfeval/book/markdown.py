"""Data text placed into generated Markdown (MyST) is shown literally, on one line."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&^%=\"'])")
#: Line breaks and other control characters: inside a heading or a list item they would end the line
#: (an indented continuation becomes a code block and the item loses its link).
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def md_escape(text: str) -> str:
    """Text for one line of MyST: line breaks and control characters become one space, and every ASCII
    punctuation character is escaped so that nothing in the text is read as markup."""
    line = " ".join(part.strip() for part in _BREAKS.split(text) if part.strip())
    return _MD_SPECIAL.sub(r"\\\1", line)
