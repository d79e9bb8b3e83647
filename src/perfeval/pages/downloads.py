"""The download files of a page, computed from what its notebook produced.

The notebook only computes and displays. After a page's notebook has run, the build calls
:func:`page_downloads` with the executed notebook and a :class:`Page` (in the worker's process, or, for the
pages a build runs in its own kernels, in the page's kernel: :func:`downloads_to_file`) and writes the returned
files under the book's downloads folder (``book/_extra/downloads``, published as ``downloads/``):

- every table's CSV (UTF-8 with BOM), from the CSV payload each displayed table carries in its output
  (:data:`perfeval.pages.display.TABLE_MIME`), at the path the page links to
  (``<year>/<code>/表3-三公经费.csv``, ``2024/overview-demo/表1-排名.csv``, ``findings/…``, ``method/…``);
- for a department chapter, its two Word files — the unit's report (``<year>/<code>/<code>-<year>.docx``)
  and our 测算意见 (``<code>-<year>-测算意见.docx``) — built from the record with the chart PNGs taken from
  the notebook's outputs (nothing is drawn again).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from perfeval.model import department_path, load_department
from perfeval.pages.cells import csv_bytes
from perfeval.pages.chapter import word_file
from perfeval.pages.display import charts_in, tables_in
from perfeval.pages.docx import document_bytes
from perfeval.pages.docx_layout import prepare as prepare_word
from perfeval.pages.opinion import Signature
from perfeval.pages.prose import prepare as prepare_prose

#: Page kinds: the stem of the template notebook that renders them.
KINDS = ("department", "overview", "risk", "findings", "method")


@dataclass(frozen=True)
class Page:
    """What :func:`page_downloads` needs to know about a page besides its notebook.

    ``kind`` is the template's stem (``department``, ``overview``, ``findings``, ``method``). A department
    chapter also names its record (``code``, ``year``, ``data_dir``: ``<data_dir>/<year>/<code>.yaml``) and
    the ``framework_file`` it is scored under, for its Word file; other pages need nothing more.
    """

    kind: str
    code: str = ""
    year: int = 0
    data_dir: Path | None = None
    framework_file: Path | None = None
    signature: Signature | None = None   # who signs the 测算意见 (None: the _config.yml above data_dir)

    @classmethod
    def from_parameters(cls, kind: str, parameters: Mapping[str, Any]) -> "Page":
        """The page of a run from its template stem and notebook parameters (as papermill got them): a
        chapter's ``opinion_issuer`` and ``opinion_date`` (ISO or "") sign its 测算意见."""
        if kind != "department":
            return cls(kind)
        signature = None
        if "opinion_issuer" in parameters:
            date = str(parameters.get("opinion_date") or "")
            signature = Signature(str(parameters["opinion_issuer"]), dt.date.fromisoformat(date) if date else None)
        return cls(kind, str(parameters["code"]), int(parameters["year"]), Path(str(parameters["data_dir"])),
                   Path(str(parameters["framework_file"])), signature)


def page_downloads(nb: Any, page: Page) -> dict[str, bytes]:
    """Relative path under the downloads folder → file content, for one executed notebook (an nbformat
    notebook or its JSON as a dict)."""
    files = {t.file: csv_bytes(t.csv) for t in tables_in(nb)}
    if page.kind == "department":
        if page.data_dir is None or page.framework_file is None:
            raise ValueError("a department page needs data_dir and framework_file")
        record = load_department(department_path(page.data_dir, page.code, page.year))
        pngs = {c.name: c.png for c in charts_in(nb)}
        for part in ("unit", "review"):
            files[word_file(page.code, page.year, part)] = document_bytes(record, page.framework_file, page.data_dir,
                                                                          pngs, part, page.signature)
    return files


def warm() -> None:
    """Do now what a process's first chapter downloads do once (compile the chapter template's macros, make the
    Word package of the 公文 layout): a page's kernel does it as it starts (``PRIME_CODE``), so that the
    downloads of its first chapter do not wait for it."""
    prepare_prose()
    prepare_word()


def downloads_to_file(notebook_file: str, kind: str, parameters: str, out_file: str) -> None:
    """Run in a page's kernel once its notebook has run: :func:`page_downloads` of the executed notebook (the
    file the build will write, read from ``notebook_file``) for the page of ``kind`` and ``parameters`` (JSON,
    as papermill got them), pickled into ``out_file`` (path → content). The build's own process then needs
    none of pandas, matplotlib or python-docx, which the kernel has loaded already."""
    import nbformat

    with open(notebook_file, encoding="utf-8") as f:
        nb = nbformat.v4.reads(f.read())
    files = page_downloads(nb, Page.from_parameters(kind, json.loads(parameters)))
    tmp = f"{out_file}.tmp"
    with open(tmp, "wb") as f:
        pickle.dump(files, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, out_file)


def write_downloads(files: Mapping[str, bytes], downloads_dir: Path) -> list[Path]:
    """Write the files under ``downloads_dir`` (atomically; identical content is not rewritten).
    Returns the paths written."""
    written = []
    root = downloads_dir.resolve()
    for rel, data in sorted(files.items()):
        path = downloads_dir / rel
        if not path.resolve().is_relative_to(root):
            raise ValueError(f"download path outside the downloads folder: {rel}")
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written
