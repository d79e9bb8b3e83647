"""The one place that makes matplotlib draw Chinese glyphs.

Registers Noto Sans CJK SC Regular (SIL Open Font License 1.1, which allows embedding in published
charts), shipped unmodified inside this package (``cjkfont/``, with its licence ``cjkfont/OFL.txt``), in
process, without touching matplotlib's install or cache. No other font is installed. What the CJK font lacks
(Latin accents, Arabic and Hebrew letters, many symbols and emoji) is drawn from
DejaVu Sans, which matplotlib ships; a character neither font has is left out of
the chart's text (:func:`chart_text`) rather than drawn as an empty box — the page's
tables and the chart's alt text keep it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_DIR = Path(__file__).resolve().parent / "cjkfont"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_LICENCE = "OFL.txt"
FONT_FAMILY = "Noto Sans CJK SC"
#: The fallback for what the CJK font lacks (shipped with matplotlib).
FALLBACK_FAMILY = "DejaVu Sans"
_registered = False


def font_path() -> Path:
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"CJK font not found at {path} (the perfeval package is incomplete: reinstall it)")
    return path


def use_cjk_font() -> None:
    """Register the CJK font and make it matplotlib's default sans-serif (idempotent); no mathtext."""
    global _registered
    if not _registered:
        font_manager.fontManager.addfont(str(font_path()))
        _registered = True
    # A list of families (not the generic "sans-serif"): matplotlib then falls back glyph by glyph.
    matplotlib.rcParams["font.family"] = [FONT_FAMILY, FALLBACK_FAMILY]
    matplotlib.rcParams["font.sans-serif"] = [FONT_FAMILY, FALLBACK_FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = False
    # Text from the data is drawn as written: "$\\alpha$" in a project name is not mathtext.
    matplotlib.rcParams["text.parse_math"] = False


@functools.lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The code points the chart fonts can draw."""
    from matplotlib.ft2font import FT2Font

    fallback = font_manager.findfont(font_manager.FontProperties(family=FALLBACK_FAMILY), fallback_to_default=False)
    points: set[int] = set()
    for path in (str(font_path()), fallback):
        points.update(FT2Font(path).get_charmap())
    return frozenset(points)


def chart_text(text: str) -> str:
    """``text`` without the characters no chart font can draw (they would show as empty boxes)."""
    covered = _covered()
    return "".join(ch for ch in text if ord(ch) in covered or ch in "\n\t ")
