"""Where the unit's figures and words come from, as links on the chapter page (数字与引文出处).

A chapter whose record names its source document links each figure and each quoted passage of the unit's
part to its place on the source page (原报告全文, ``source/<code>.html#src-s<i>``), where the sentence or
table cell is highlighted (``:target``); in print the link shows the reference it stands for (原报告第N段).
A chapter without a source document links each figure to its entry in a 数据来源 list at the end of the
unit's part, which names the data file and the field. The Word files carry no links.

:class:`Citations` keeps, per chapter, the record's :class:`perfeval.provenance.RecordTrace` and the data
entries given out so far (numbered in order of first use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from perfeval.model import DepartmentYear
from perfeval.provenance import Place, RecordTrace
from perfeval.provenance.trace import field_label

#: The anchors of the 数据来源 entries on the chapter page (pe-data-1, pe-data-2 …).
DATA_ANCHOR = "pe-data-"


@dataclass
class Citations:
    """The links of one chapter's unit part."""

    trace: RecordTrace
    links: bool = True                                  # False in the Word files
    data_entries: dict[str, int] = field(default_factory=dict)   # field path → N (数据来源第N条)

    @property
    def rec(self) -> DepartmentYear:
        return self.trace.record

    @property
    def has_source(self) -> bool:
        return self.trace.source is not None

    # --- hrefs -------------------------------------------------------------------------------
    def place_href(self, place: Place) -> tuple[str, str]:
        """(href, printed reference) of a place on the source page."""
        return f"source/{self.rec.code}.html#{place.anchor}", place.reference

    def field_href(self, path: str) -> tuple[str, str] | None:
        """(href, printed reference) of the value at ``path``: its place in the source, or (no source document)
        its entry in the 数据来源 list; None when there is nothing to link to."""
        if not self.links or not path:
            return None
        if self.has_source:
            place = self.trace.place(path)
            return self.place_href(place) if place is not None else None
        if path not in self.trace.values:
            return None
        n = self.data_entries.setdefault(path, len(self.data_entries) + 1)
        return f"#{DATA_ANCHOR}{n}", f"数据来源第{n}条"

    # --- markup ------------------------------------------------------------------------------
    def figure(self, text: Markup, path: str) -> Markup:
        """A figure linked to where it comes from (unchanged when there is nowhere to link); a figure this book
        read from words (``derived``: 未发生 → 0) links to the sentence it was read from, and says so."""
        target = self.field_href(path)
        if target is None:
            return text
        href, ref = target
        trace = self.trace.values.get(path)
        if trace is not None and trace.how == "derived":
            return Markup('<a class="pe-src pe-src-derived" href="{}" data-ref="{}" title="本书据{}整理">').format(
                href, ref, ref) + text + Markup("</a>")
        return Markup('<a class="pe-src" href="{}" data-ref="{}" title="{}">').format(href, ref, ref) + text + \
            Markup("</a>")

    def cite_place(self, place: Place | None) -> Markup:
        """A small reference link to a place of the source (原报告第N段), or nothing."""
        if place is None or not self.links:
            return Markup("")
        href, ref = self.place_href(place)
        return Markup('<a class="pe-cite" href="{}">{}</a>').format(href, ref)

    def cite_text(self, text: str, path: str = "") -> Markup:
        """The reference link of a quoted passage: where it stands in the source (or its data entry)."""
        if not self.links or not text:
            return Markup("")
        if self.has_source:
            place = self.trace.place(path) if path else None
            return self.cite_place(place or self.trace.text_place(text))
        target = self.field_href(path) if path else None
        if target is None:
            return Markup("")
        return Markup('<a class="pe-cite" href="{}">{}</a>').format(*target)

    def table_links(self, df: Any) -> dict[str, list[Any]]:
        """Per column, per row: (href, reference) of each figure of a table whose frame carries its cell paths
        (``df.attrs["paths"]``: (row label, column) → field path); columns without any link are left out."""
        paths: dict[tuple[str, str], str] = df.attrs.get("paths") or {}
        if not paths or not len(df.columns):
            return {}
        labels = [str(v) for v in df.iloc[:, 0]]
        out: dict[str, list[Any]] = {}
        for col in df.columns:
            hrefs = [self._cell_link(paths.get((label, str(col)), "")) for label in labels]
            if any(hrefs):
                out[col] = hrefs
        return out

    def _cell_link(self, path: str) -> Any:
        target = self.field_href(path)
        if target is None:
            return ""
        trace = self.trace.values.get(path)
        return (*target, "pe-src-derived") if trace is not None and trace.how == "derived" else target

    def data_sources(self) -> list[tuple[int, str, str, str]]:
        """(N, field label, field path, value) of each 数据来源 entry given out, in order."""
        out = []
        for path, n in sorted(self.data_entries.items(), key=lambda item: item[1]):
            trace = self.trace.values[path]
            value = trace.value if len(trace.value) <= 40 else trace.value[:40] + "……"
            out.append((n, field_label(self.rec, path), path, value))
        return out
