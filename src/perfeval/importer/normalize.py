"""Normalizing the text of a published report while keeping its original sentences.

A report reaches us as text extracted from a PDF, a Word file or a web page:
tables flattened into runs of cells (tab separated), ``<p>`` tags left in,
full-width and half-width digits and punctuation mixed, spaces inside numbers
and between a number and its unit, and paragraphs broken at page ends.

:func:`normalize` turns it into a :class:`Document`:

* ``Document.text`` is the canonical text that extraction and audit search:
  ASCII digits and letters, Chinese (full-width) ``，；：（）！？``, no spaces
  except between two ASCII words or numbers, thousands separators removed,
  one block (paragraph or table cell) per line;
* every position of ``Document.text`` maps back to the original sentence
  (:meth:`Document.original_at`), which is what findings and sidecars quote.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass, field

# Tags that end a block; cell tags become tab separators. Other tags vanish.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|tr|li|h[1-6]|table|thead|tbody|ul|ol|section|article)\b[^>]*>", re.I)
_CELL_TAG = re.compile(r"<\s*/?\s*(?:td|th)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]{0,200}>")
_DASH_CELL = re.compile(r"^[\s\-–—_|=·.]*$")

#: Numbering markers that start an item or a heading: 一、 （一） 1. 1、 (1) ①.
NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|[①-⑳]|目标\s*\d+)"
)
_TERMINATORS = "。；;：:！？!?"
# A sentence ends after 。！？ (or a half-width full stop after a Chinese character, not in a number).
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[\u4e00-\u9fff）)]\.)")

_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?")
# A space as thousands separator only when the number then has decimals or a money unit
# (a flattened table row "100 200 300" must stay three numbers).
_THOUSANDS_SPACE = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?=\.\d|\s*(?:亿元|万元|元))")
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9%.]")


def normalize_fragment(text: str) -> str:
    """Canonical form of a piece of report text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    # Thousands separators (comma or a single space) inside numbers: 1,256.30 / 1 256.30.
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _THOUSANDS_SPACE.sub(lambda m: m.group(0).replace(" ", ""), text)

    def _space(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before and after and _ASCII_WORD.match(before) and _ASCII_WORD.match(after):
            return " "
        return ""

    text = _SPACE.sub(_space, text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "." and i and re.match(r"[\u4e00-\u9fff）]", text[i - 1]):
            out.append("。")  # a half-width full stop ending a Chinese sentence
            continue
        if ch in _ASCII_TO_CJK:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            # Keep a colon between digits (10:30) ASCII; everything else becomes full-width.
            if ch == ":" and prev.isdigit() and nxt.isdigit():
                out.append(ch)
                continue
            out.append(_ASCII_TO_CJK[ch])
        else:
            out.append(ch)
    return "".join(out)


def strip_tags(raw: str) -> str:
    """Remove markup: block tags become line breaks, cell tags tabs; entities are decoded."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _BLOCK_TAG.sub("\n", text)
    text = _CELL_TAG.sub("\t", text)
    text = _ANY_TAG.sub("", text)
    return html.unescape(text)


@dataclass(frozen=True)
class Sentence:
    text: str        # normalized
    original: str    # as written (tags stripped, whitespace collapsed)
    start: int       # offset of ``text`` in Document.text
    end: int
    block: int


@dataclass(frozen=True)
class Block:
    text: str
    original: str
    start: int
    end: int
    index: int
    heading: bool    # a short title line (no sentence punctuation)
    cell: bool       # one cell of a flattened table row


@dataclass
class Document:
    text: str
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self._starts, pos) - 1
        return self.sentences[max(i, 0)]

    def original_at(self, pos: int) -> str:
        """The original sentence that contains position ``pos`` of the normalized text."""
        if not self.sentences:
            return ""
        return self.sentences[max(0, min(bisect.bisect_right(self._starts, pos) - 1, len(self.sentences) - 1))].original

    def block_at(self, pos: int) -> Block:
        starts = [b.start for b in self.blocks]
        return self.blocks[max(bisect.bisect_right(starts, pos) - 1, 0)]


def _is_heading(normalized: str) -> bool:
    return 0 < len(normalized) <= 30 and not re.search(r"[。，；！？]", normalized) and not normalized.endswith("：")


def _raw_blocks(raw: str) -> list[tuple[str, bool]]:
    """Split text into (raw block, is_table_cell), re-joining paragraphs broken at line ends."""
    pieces: list[tuple[str, bool]] = []
    for line in strip_tags(raw).split("\n"):
        cells = [c for c in line.split("\t") if c.strip()]
        if not cells or all(_DASH_CELL.match(c) for c in cells):
            continue
        if len(cells) > 1:
            pieces.extend((c.strip(), True) for c in cells)
        else:
            pieces.append((cells[0].strip(), False))
    joined: list[tuple[str, bool]] = []
    for text, cell in pieces:
        if joined and not cell and not joined[-1][1]:
            prev = joined[-1][0]
            prev_norm = normalize_fragment(prev)
            this_norm = normalize_fragment(text)
            if (prev_norm and prev_norm[-1] not in _TERMINATORS + "：；" and not _is_heading(prev_norm)
                    and not NUMBERING.match(this_norm)):
                joined[-1] = (prev + text, False)
                continue
        joined.append((text, cell))
    return joined


def normalize(raw: str) -> Document:
    """Build the normalized :class:`Document` of a report's raw text."""
    doc = Document(text="")
    parts: list[str] = []
    pos = 0
    for index, (raw_block, cell) in enumerate(_raw_blocks(raw)):
        block_start = pos
        norm_parts: list[str] = []
        for raw_sentence in _SENTENCE_END.split(raw_block):
            if not raw_sentence.strip():
                continue
            norm = normalize_fragment(raw_sentence)
            if not norm:
                continue
            original = _SPACE.sub(" ", raw_sentence).strip()
            doc.sentences.append(Sentence(norm, original, pos, pos + len(norm), index))
            doc._starts.append(pos)
            norm_parts.append(norm)
            pos += len(norm)
        block_text = "".join(norm_parts)
        if not block_text:
            continue
        doc.blocks.append(Block(block_text, _SPACE.sub(" ", raw_block).strip(), block_start, pos, len(doc.blocks),
                                _is_heading(block_text), cell))
        parts.append(block_text)
        pos += 1  # the "\n" between blocks
    doc.text = "\n".join(parts)
    # Block indexes of sentences must follow the kept blocks.
    fixed: list[Sentence] = []
    for s in doc.sentences:
        fixed.append(Sentence(s.text, s.original, s.start, s.end, doc.block_at(s.start).index))
    doc.sentences = fixed
    return doc
