"""The one place that makes matplotlib draw Chinese glyphs.

Registers Noto Sans CJK SC (SIL OFL 1.1) shipped by the ``mplfonts`` wheel, in
process, without touching matplotlib's install or cache. The same wheel carries
SimHei, a proprietary font: it is never referenced.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"
_registered = False


def font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("mplfonts is not installed: run `make venv` (requirements.txt pins it)")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"CJK font not found at {path}")
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
