"""Executing one template with papermill, cleaning the result for the page, writing it only when changed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2
import nbformat

from perfeval.book.markdown import md_escape

VOLATILE_CELL_METADATA = ("execution", "papermill")
DEFAULT_ENGINE = "perfeval-warm"
#: The kernel every page runs in.
KERNEL_NAME = "python3"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def execute_notebook(template: Path, parameters: Mapping[str, Any], engine: str = DEFAULT_ENGINE) -> Any:
    """Execute ``template`` with papermill (the kernel's working directory: the template's folder); returns the
    notebook.

    Raises papermill's ``PapermillExecutionError`` when a cell fails.
    """
    import papermill

    from perfeval.book import kernels

    kernels.register()   # the warm engine is known to papermill where we execute (the entry point is for others)
    # The warm engine starts its kernel in the template's folder itself: papermill need not change this
    # process's working directory (which another thread of the build may be using); other engines need it.
    where = ({"cwd": None, "kernel_cwd": os.path.realpath(template.parent)} if engine == DEFAULT_ENGINE
             else {"cwd": str(template.parent)})
    return papermill.execute_notebook(
        str(template), None, parameters=dict(parameters), kernel_name=KERNEL_NAME, engine_name=engine,
        progress_bar=False, log_output=False, report_mode=False, request_save_on_cell_execute=False, **where,
    )


def clean_notebook(nb: Any, title: str, drop_tags: Iterable[str] = ()) -> None:
    """Prepare an executed notebook for the page.

    Parameters cells are removed, code is hidden, stderr dropped, volatile metadata
    removed (so identical inputs give identical files), cells tagged with one of
    ``drop_tags`` deleted, and markdown cells rendered with the page title
    (Jinja2, StrictUndefined, text escaped for MyST).
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    context = {"title": md_escape(title)}
    drop = set(drop_tags)
    nb.cells = [c for c in nb.cells if not drop & set(c.metadata.get("tags", []))]
    for cell in nb.cells:
        tags = list(cell.metadata.get("tags", []))
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "markdown":
            cell.source = env.from_string(cell.source).render(context)
            continue
        if cell.cell_type != "code":
            continue
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"
        if "parameters" in tags or "injected-parameters" in tags:
            tags.append("remove-cell")
        else:
            tags.append("remove-input")
        cell.metadata["tags"] = sorted(set(tags))
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        for out in cell.outputs:
            if "execution_count" in out:
                out["execution_count"] = None
        cell.execution_count = None
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    nb.metadata.pop("widgets", None)


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write ``content`` atomically, only when it differs from the file (Sphinx rebuilds by mtime)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def notebook_bytes(nb: Any) -> bytes:
    """The file content of a notebook: what ``nbformat.writes`` returns, without its schema validation
    (which only logs, and costs as much as the writing; the render validates every notebook it reads)."""
    return nbformat.v4.writes(nb).encode("utf-8")


def write_notebook(nb: Any, output: Path) -> bool:
    """Write the cleaned notebook; returns whether the file changed."""
    return write_if_changed(output, notebook_bytes(nb))


def failed_section(template: Path, exc: BaseException, title: str = "") -> str:
    """The heading under which a failed cell stands (the template's nearest preceding heading), or "".

    papermill reports the failing cell by its index in the executed notebook (the template plus the
    injected parameters cell) and by its source; the template cell is the one with that source nearest
    to the index.
    """
    index = getattr(exc, "cell_index", None)
    source = getattr(exc, "source", None)
    if index is None or source is None:
        return ""
    try:
        cells = nbformat.read(template, as_version=4).cells
    except (OSError, ValueError):
        return ""
    matches = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source == source]
    if not matches:
        return ""
    at = min(matches, key=lambda i: (abs(i - (index - 1)), i))
    for cell in reversed(cells[:at]):
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(cell.source)
            if headings:
                heading = headings[-1].replace("{{ title }}", title).replace("{{title}}", title)
                return heading.strip()
    return ""


def describe_failure(exc: BaseException, template: Path, subject: str, title: str = "") -> str:
    """One line saying which page failed, where (the section) and why (the exception)."""
    if type(exc).__name__ == "PapermillExecutionError":
        section = failed_section(template, exc, title)
        where = f"“{section}”一节出错" if section else "执行出错"
        why = f"{getattr(exc, 'ename', '')}: {getattr(exc, 'evalue', '')}"
    elif getattr(exc, "ename", None):   # raised in a kernel (perfeval.book.kernel_start.KernelCodeError)
        where, why = "出错", f"{getattr(exc, 'ename')}: {getattr(exc, 'evalue', '')}"
    else:
        where, why = "出错", f"{type(exc).__name__}: {exc}"
    why = " ".join(why.split())
    return f"{subject}，{where}：{why[:500]}"
