"""A record's source document as the book shows and cites it: paragraphs, sentences, table cells, anchors.

The document is read as ``import-report`` reads it (:func:`perfeval.importer.readers.read_report`, then
:func:`perfeval.importer.normalize.normalize`): blocks (paragraphs and table cells) and sentences, each
with its original wording and its offsets in the normalized text. Here they get what a reader needs:

- a **paragraph number** (a paragraph, or a table row with its cells, numbered from 1 in reading order):
  what a printed page cites, ``原报告第N段``;
- an **anchor** on the source page (原报告全文): ``src-s<i>`` for a sentence of a paragraph, ``src-c<i>``
  for a table cell, ``src-p<n>`` for a paragraph;
- a :class:`Place` for any offset of the normalized text (the sentence or cell that holds it).

Passages and figures are looked up in the *flat* text (the normalized text without its block breaks), so
that a sentence a page break or a table cell split in two is still found.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from perfeval.importer.normalize import Block, Document, normalize, normalize_fragment
from perfeval.importer.readers import read_report

#: Sentence ends of a passage of ours: the pieces looked up one by one (a quote may end with 。 where the
#: report has ；).
PIECE_END = re.compile(r"[。；！？!?;]+")
#: A number of the normalized text (digits ASCII after normalization).
NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d])")
#: 零 standing for a figure ("预算调整率为零").
ZERO_WORD = re.compile(r"(?<=[为是])零(?=[，。；、）\n]|$)")


@dataclass(frozen=True)
class Place:
    """Where something stands in the source document."""

    anchor: str        # id on the source page: src-s<i> (a sentence), src-c<i> (a table cell)
    paragraph: int     # the paragraph or table row, numbered from 1 (a printed page cites 原报告第N段)
    text: str          # the sentence or the table cell, as written
    start: int         # offsets in the normalized text
    end: int
    cell: bool = False
    row: str = ""      # a table cell's whole row, its cells joined by " | " (its label is in another cell)

    @property
    def reference(self) -> str:
        return f"原报告第{self.paragraph}段"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "anchor": self.anchor, "paragraph": self.paragraph,
                               "start": self.start, "end": self.end, "cell": self.cell}
        if self.cell:
            out["row"] = self.row
        return out


@dataclass(frozen=True)
class NumberMention:
    """A number of the normalized text with what follows it (its unit, as written)."""

    value: Decimal
    start: int
    end: int
    after: str


@dataclass
class SourceText:
    """A normalized source document with its paragraphs, anchors and lookups."""

    doc: Document
    file: str = ""
    paragraphs: list[list[Block]] = field(default_factory=list)
    _paragraph_of: dict[int, int] = field(default_factory=dict, repr=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _flat: str = field(default="", repr=False)
    _flat_map: list[int] = field(default_factory=list, repr=False)
    _numbers: list[NumberMention] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, doc: Document, file: str = "") -> "SourceText":
        src = cls(doc, file, doc.rows())
        for n, row in enumerate(src.paragraphs, start=1):
            for block in row:
                src._paragraph_of[block.index] = n
        src._sentence_starts = [s.start for s in doc.sentences]
        flat, where = [], []
        for i, ch in enumerate(doc.text):
            if ch != "\n":
                flat.append(ch)
                where.append(i)
        src._flat, src._flat_map = "".join(flat), where
        return src

    @classmethod
    def read(cls, path: Path | str) -> "SourceText":
        """Read a report file as ``import-report`` does (refusals are :class:`perfeval.errors.DataError`)."""
        path = Path(path)
        return cls.of(normalize(read_report(path)), path.name)

    # --- places ------------------------------------------------------------------------------
    def paragraph_of(self, block: Block) -> int:
        return self._paragraph_of.get(block.index, 0)

    def sentence_index(self, pos: int) -> int:
        return max(0, min(bisect.bisect_right(self._sentence_starts, pos) - 1, len(self.doc.sentences) - 1))

    def place(self, pos: int) -> Place:
        """The table cell or the sentence that holds offset ``pos`` of the normalized text."""
        block = self.doc.block_at(pos)
        if block.cell:
            row = " | ".join(b.original for b in self.paragraphs[self.paragraph_of(block) - 1]) \
                if self.paragraph_of(block) else block.original
            return Place(f"src-c{block.index}", self.paragraph_of(block), block.original, block.start, block.end, True,
                         row)
        i = self.sentence_index(pos)
        s = self.doc.sentences[i]
        return Place(f"src-s{i}", self._paragraph_of.get(s.block, 0), s.original, s.start, s.end)

    # --- lookups -----------------------------------------------------------------------------
    def find(self, text: str, start: int = 0) -> int:
        """Offset in the normalized text where ``text`` (normalized, block breaks ignored) first occurs at or
        after ``start``; -1 when it does not."""
        needle = normalize_fragment(text).replace("\n", "")
        if not needle:
            return -1
        flat_start = bisect.bisect_left(self._flat_map, start)
        i = self._flat.find(needle, flat_start)
        return -1 if i < 0 else self._flat_map[i]

    def find_all(self, text: str, limit: int = 20) -> list[int]:
        """Every offset where ``text`` occurs (at most ``limit``)."""
        out: list[int] = []
        needle = normalize_fragment(text).replace("\n", "")
        if not needle:
            return out
        i = self._flat.find(needle)
        while i >= 0 and len(out) < limit:
            out.append(self._flat_map[i])
            i = self._flat.find(needle, i + 1)
        return out

    def passage(self, text: str) -> tuple[list[Place], list[str]]:
        """Where each sentence of a passage stands: (places of the pieces found, in order; pieces not found).

        The passage is split at its sentence ends (。；！？); each piece must occur in the source as written
        (whitespace and half/full-width forms aside)."""
        places: list[Place] = []
        missing: list[str] = []
        for piece in pieces(text):
            pos = self.find(piece)
            if pos < 0:
                missing.append(piece)
            else:
                places.append(self.place(pos))
        return places, missing

    def numbers(self) -> list[NumberMention]:
        """Every number of the normalized text (and 零 where it stands for a figure), in order."""
        if self._numbers is None:
            text = self.doc.text
            found: list[NumberMention] = []
            for m in NUMBER.finditer(text):
                try:
                    value = Decimal(m.group(0))
                except InvalidOperation:   # pragma: no cover - the pattern only matches numbers
                    continue
                found.append(NumberMention(value, m.start(), m.end(), text[m.end():m.end() + 4]))
            for m in ZERO_WORD.finditer(text):
                found.append(NumberMention(Decimal(0), m.start(), m.end(), text[m.end():m.end() + 4]))
            self._numbers = sorted(found, key=lambda n: n.start)
        return self._numbers

    def context(self, pos: int, width: int = 40) -> str:
        """The text before ``pos`` in its block (at most ``width`` characters): what labels a figure. In a table
        cell, the cells before it in its row come first (a row's label is in its first cell)."""
        block = self.doc.block_at(pos)
        before = self.doc.text[max(block.start, pos - width):pos]
        if block.cell and len(before) < width:
            row = [b.text for b in self.doc.blocks[max(0, block.index - 12):block.index] if b.cell and b.row == block.row]
            before = "".join(row)[-(width - len(before)):] + before if row else before
        return before


def pieces(text: str) -> list[str]:
    """The sentences of a passage of ours, without their ends (empty pieces left out)."""
    return [p.strip() for p in PIECE_END.split(normalize_fragment(text)) if p.strip()]
