"""What a page depends on, as hashes: task keys, the build manifest, the rendered sources.

A page is skipped when nothing it depends on changed: the template notebook, its parameters and
title, the data files it reads (the department's years, or all departments of an overview), the
indicator framework, the package's own code and the installed versions of the stack. The key of
every successful run is recorded in ``_build/build.json`` with timings, cache hits and failures; a
failed run records no key, so it is retried next time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable

STACK = ("perfeval", "papermill", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "mplfonts", "jinja2",
         "pydantic", "jupyter-book", "sphinx", "myst-nb", "jieba")
MANIFEST = "build.json"


def file_hash(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_hash() -> str:
    """Hash of the package's own source (code and templates)."""
    root = Path(__file__).resolve().parents[1]  # the perfeval package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".txt", ".yaml", ".js", ".css", ".html") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in STACK:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def shared_state() -> dict[str, Any]:
    """What every page depends on: the package's code and the installed versions."""
    return {"code": code_hash(), "versions": versions()}


def input_hashes(paths: Iterable[Path | str], known: dict[str, str] | None = None) -> dict[str, str]:
    """path → sha256 of each file a page reads (``known``: hashes of this build so far, kept up to date)."""
    known = {} if known is None else known
    out = {}
    for p in map(str, paths):
        if p not in known:
            known[p] = file_hash(p)
        out[p] = known[p]
    return out


def task_key(template: Path, parameters: dict[str, Any], title: str, drop_tags: Iterable[str],
             inputs: dict[str, str], shared: dict[str, Any]) -> str:
    payload = {
        "template": file_hash(template), "parameters": parameters, "title": title,
        "drop_tags": sorted(drop_tags), "inputs": inputs, **shared,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def sources_hash(root: Path) -> str:
    """What jupyter-book renders, as a hash: the content of the config and the TOC, and the path, size and
    modification time of every file under ``book/`` (pages, notebooks, static files, downloads).

    The build rewrites a generated file only when its content changes (so does Sphinx's own rebuild
    check), so a file's time says whether it changed; reading the files would cost as much as a small
    render in a book of 1000 pages (their notebooks and downloads: about 400 MB)."""
    h = hashlib.sha256()
    for path in (root / "_config.yml", root / "_toc.yml"):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    for folder, dirs, files in os.walk(root / "book"):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()
