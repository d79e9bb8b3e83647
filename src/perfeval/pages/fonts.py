"""The one place that makes matplotlib draw Chinese glyphs.

Registers Noto Sans CJK SC Regular (SIL Open Font License 1.1, which allows embedding in published
charts), shipped unmodified inside this package (``cjkfont/``, with its licence ``cjkfont/OFL.txt``), in
process, without touching matplotlib's install or cache. No other font is installed or referenced.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_DIR = Path(__file__).resolve().parent / "cjkfont"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_LICENCE = "OFL.txt"
FONT_FAMILY = "Noto Sans CJK SC"
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
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [FONT_FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    # Text from the data is drawn as written: "$\\alpha$" in a project name is not mathtext.
    matplotlib.rcParams["text.parse_math"] = False
