"""Test helper: a chapter's notebook outputs without a kernel.

The chapter's sections are run in the order of the outline with a NotebookOutput whose publish
function records the display_data outputs IPython would send; they are wrapped in an nbformat
notebook, as the build would read an executed page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from perfeval.model.schema import DepartmentYear
from perfeval.pages import OUTLINE, Chapter
from perfeval.pages.display import NotebookOutput


def record_outputs() -> tuple[list[Any], Any]:
    """A list that fills with outputs, and the publish function that fills it."""
    outputs: list[Any] = []

    def publish(data: dict[str, Any], raw: bool = False, metadata: dict[str, Any] | None = None) -> None:
        assert raw
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    return outputs, publish


def chapter_notebook(rec: DepartmentYear, framework_file: Path, data_dir: Path) -> Any:
    """The executed department notebook of ``rec`` as nbformat (one cell per section)."""
    cells = []
    out = NotebookOutput(f"{rec.year}/{rec.code}", "../../")
    chapter = Chapter(rec, Path(data_dir), Path(framework_file), out)
    for section in OUTLINE:
        if section.heading and section.applies(chapter):
            cells.append(nbformat.v4.new_markdown_cell("#" * (section.level + 1) + " " + section.heading))
        if section.method and section.applies(chapter):
            outputs, out.publish = record_outputs()
            getattr(chapter, section.method)()
            cell = nbformat.v4.new_code_cell(f"ch.{section.method}()")
            cell.outputs = outputs
            cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)
