"""Footnotes (注) of a chapter: the annotations of a record, shown where the figure appears.

A record's ``annotations`` map a field path (``expenditure.total.actual``) to the source's own spelling
(``as_written``), an uncertainty mark (``inferred``, 推断) and a note. Where a section shows an annotated
figure it asks :meth:`Footnotes.mark` for the marker (注1, 注2 … numbered in order of first appearance
on the page); a table row asks :meth:`Footnotes.mark_row` with the row's path. After the section the
chapter shows the notes that were marked and not yet shown (:meth:`Footnotes.take`). Notes never marked
by a section are shown at the end of the unit's report (:meth:`Footnotes.unmarked`), so none is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfeval.model import Annotation, DepartmentYear


def note_key(annotation: Annotation) -> tuple[bool, str, str]:
    """What a note says apart from the source's spelling: annotations with the same key share one note."""
    return (annotation.inferred, annotation.note, "" if annotation.note or annotation.inferred
            else annotation.as_written or "")


def note_text(annotations: list[Annotation]) -> str:
    """The note in words: the source's spelling(s), the analyst's note, and whether the value is inferred."""
    written = list(dict.fromkeys(a.as_written for a in annotations if a.as_written))
    first = annotations[0]
    parts = []
    if written:
        parts.append("原报告写作" + "、".join(f"“{w}”" for w in written) + "。")
    if first.note:
        note = first.note.rstrip("。")
        parts.append(note + ("（推断）" if first.inferred and "推断" not in note else "") + "。")
    elif first.inferred:
        parts.append("此数为推断，原报告未明确列示。")
    return "".join(parts) or "原报告对此数另有说明。"


@dataclass
class Footnotes:
    """The annotations of one record and the markers a page has given them."""

    annotations: dict[str, Annotation]
    numbers: dict[str, int] = field(default_factory=dict)   # path → N, in order of first mark
    shown: set[str] = field(default_factory=set)            # paths whose note has been shown

    @classmethod
    def of(cls, rec: DepartmentYear) -> "Footnotes":
        return cls(dict(rec.annotations))

    def _number(self, path: str) -> int:
        """The note number of a path; annotations saying the same thing share one note (注2 for both rows)."""
        if path not in self.numbers:
            key = note_key(self.annotations[path])
            same = [n for p, n in self.numbers.items() if note_key(self.annotations[p]) == key]
            self.numbers[path] = same[0] if same else len(set(self.numbers.values())) + 1
        return self.numbers[path]

    def _text(self, n: int) -> str:
        """Note N: every annotation it stands for (the spellings of each, the note once)."""
        key = next(note_key(self.annotations[p]) for p, m in self.numbers.items() if m == n)
        return note_text([a for a in self.annotations.values() if note_key(a) == key])

    def mark(self, path: str) -> str:
        """The marker of the figure at ``path`` (注N), or "" when it carries no annotation."""
        if path not in self.annotations:
            return ""
        return f"注{self._number(path)}"

    def mark_row(self, prefix: str) -> str:
        """The markers of every annotated figure under a row's path (``projects[5]`` → 注2), "" if none."""
        paths = [p for p in self.annotations if p == prefix or p.startswith((prefix + ".", prefix + "["))]
        return "、".join(f"注{n}" for n in sorted({self._number(p) for p in paths}))

    def take(self) -> list[tuple[str, str]]:
        """(marker, text) of every marked note not shown yet, in number order; they count as shown."""
        out = []
        done = {self.numbers[p] for p in self.shown}
        for path, n in sorted(self.numbers.items(), key=lambda item: item[1]):
            if path not in self.shown:
                self.shown.add(path)
                if n not in done:
                    done.add(n)
                    out.append((f"注{n}", self._text(n)))
        return out

    def unmarked(self) -> list[tuple[str, str]]:
        """Notes that no section marked: numbered now, and taken."""
        for path in self.annotations:
            self._number(path)
        return self.take()
