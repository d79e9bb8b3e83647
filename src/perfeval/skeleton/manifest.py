"""Which files of the repository make a book project (``perfeval init``), in one list.

The repository's top level is the one source of truth (``_config.yml``, ``notebooks/``, ``data/frameworks/``,
the hand-written pages in ``book/``): building the wheel copies these files into ``perfeval/skeleton/files/``
(``setup.py`` reads this module by path, so it uses the standard library only), and ``perfeval init`` copies
them from there, or from the checkout when perfeval runs from one.
"""

from __future__ import annotations

from pathlib import Path

#: Glob patterns relative to the project root.
PATTERNS = (
    "_config.yml",
    "disclosure-accepted.yaml",
    "notebooks/*.ipynb",
    "data/frameworks/*.yaml",
    "book/*.md",
    "book/search-dict.txt",
    "book/_static/*",
    "docs/使用说明.md",          # the analysts' guide, beside their book
)
#: Pages ``perfeval build`` writes (they match a pattern but are not hand-written).
GENERATED = frozenset({"book/how-to-read.md"})


def project_files(root: Path | str) -> list[str]:
    """The files of ``root`` that a new project starts with (POSIX paths relative to ``root``), sorted."""
    root = Path(root)
    found: set[str] = set()
    for pattern in PATTERNS:
        for path in root.glob(pattern):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in GENERATED and not path.name.startswith("."):
                found.add(rel)
    return sorted(found)
