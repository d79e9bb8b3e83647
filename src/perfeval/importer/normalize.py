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
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|tr|li|h[1-6]|table|thead|tbody|ul|ol|section|article)\b[^<>]{0,500}>",
                        re.I)
_CELL_TAG = re.compile(r"<\s*/?\s*(?:td|th)\b[^<>]{0,500}>", re.I)
_ANY_TAG = re.compile(r"<[^<>]{0,200}>")
_DASH_CELL = re.compile(r"^[\s\-–—_|=·.]*$")

#: Numbering markers that start an item or a heading: 一、 （一） 1. 1、 (1) ①.
NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|[①-⑳]|目标\s*\d+)"
)
_TERMINATORS = "。；;：:！？!?"
# A sentence ends after 。！？ (or a half-width full stop after a Chinese character, not in a number).
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[\u4e00-\u9fff）)]\.)(?!\.)")

_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3}){1,6}(?![\d,])(?:\.\d+)?")
# A space as thousands separator only when the number then has decimals or a money unit
# (a flattened table row "100 200 300" must stay three numbers).
_THOUSANDS_SPACE = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3}){1,6}(?=\.\d|\s{0,3}(?:亿元|万元|元))")
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.{3,}|…+")
_RESTORED = re.compile(r"〔([\u4e00-\u9fff])〕")
_ASCII_WORD = re.compile(r"[A-Za-z0-9%.]")


def normalize_fragment(text: str) -> str:
    """Canonical form of a piece of report text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    # An ellipsis ("……" becomes "......" under NFKC) is one canonical "……", never a full stop.
    text = _ELLIPSIS.sub("……", text)
    # A character an editor restored in brackets ("2016〔年〕度") is read as the character.
    text = _RESTORED.sub(r"\1", text)
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
    cell: bool       # one cell of a table row
    row: int = -1    # the source line (cells of one table row share it)


@dataclass
class Document:
    text: str
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    #: Lines of a digest's header (来源URL, 发布日期 …) that were left out: they describe the digest.
    dropped: list[str] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)
    _block_starts: list[int] = field(default_factory=list, repr=False)

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self._starts, pos) - 1
        return self.sentences[max(i, 0)]

    def original_at(self, pos: int) -> str:
        """The original sentence that contains position ``pos`` of the normalized text."""
        if not self.sentences:
            return ""
        return self.sentences[max(0, min(bisect.bisect_right(self._starts, pos) - 1, len(self.sentences) - 1))].original

    def block_at(self, pos: int) -> Block:
        if len(self._block_starts) != len(self.blocks):
            self._block_starts = [b.start for b in self.blocks]
        return self.blocks[max(bisect.bisect_right(self._block_starts, pos) - 1, 0)]

    def rows(self) -> list[list[Block]]:
        """Blocks grouped by source line, in order (a table row's cells together)."""
        out: list[list[Block]] = []
        for b in self.blocks:
            if out and b.row >= 0 and out[-1][-1].row == b.row:
                out[-1].append(b)
            else:
                out.append([b])
        return out


def _is_heading(normalized: str) -> bool:
    return 0 < len(normalized) <= 30 and not re.search(r"[。，；！？]", normalized) and not normalized.endswith("：")


#: Keys of the header lines of a digest of a report (they describe the digest, not the report).
_DIGEST_KEYS = re.compile(r"^\s*(?:来源URL|来源网址|说明|发布日期|发布时间|单位|地区|年度|类型|摘录完整度|整理方式|原文瑕疵|"
                          r"检索日期|抓取日期)[^:：\n]{0,20}[:：]")
_DIGEST_MARK = re.compile(r"^\s*(?:来源URL|来源网址|摘录完整度|整理方式)")
#: Cell separators inside one line: a tab, a vertical bar, or a run of two or more spaces in a line
#: that is not a sentence (a table row of a PDF or a plain-text digest).
#: A line that starts with its own label ("说明：…", "预算编码：…"): not the continuation of a paragraph.
_KEY_LINE = re.compile(r"^[\u4e00-\u9fff（）]{2,14}[：:]")
#: A line ending with a figure ends a table row, unless the next line goes on with the figure's unit.
_UNIT_START = re.compile(r"^(?:万|元|亿|%|人|个|项|次|件|家|年|月|日|号|余|多|名|户|场|处|篇|块|平方米|，|、|。|；|\d)")
_INDENT = re.compile(r"^(?: {2,}|\u3000)")
_BAR = re.compile(r"\s*[|｜]\s*")
_WIDE_GAP = re.compile(r"[ \u3000\u00a0]{2,}")


#: An editor's mark of a cut in a digest ("……（摘录在此截断）"): not the report's text, left out of the canonical text
#: of a digest (its original sentences keep it).
_CUT_MARK = re.compile(r"…*[（(][^（）()\n]{0,12}截断[^（）()\n]{0,6}[)）]")


def strip_digest_header(raw: str) -> tuple[str, list[str]]:
    """Leave out the header block of a report digest (来源URL, 发布日期, 摘录完整度 …).

    Only the leading block of ``key: value`` lines is concerned, and only when it carries a
    digest's marks (来源URL, 摘录完整度 or 整理方式); a report's own lines are never dropped.
    """
    lines = raw.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    j = i
    while j < len(lines) and j - i < 30 and lines[j].strip() and _DIGEST_KEYS.match(lines[j]):
        j += 1
    block = lines[i:j]
    if block and any(_DIGEST_MARK.match(line) for line in block):
        return "\n".join(lines[:i] + lines[j:]), [line.strip() for line in block]
    return raw, []


def _cells(line: str) -> list[str]:
    parts = line.split("\t")
    out: list[str] = []
    for part in parts:
        pieces = _BAR.split(part) if ("|" in part or "｜" in part) else [part]
        for piece in pieces:
            stripped = piece.strip()
            if stripped and not re.search(r"[。；]", stripped) and _WIDE_GAP.search(stripped):
                out.extend(_WIDE_GAP.split(stripped))
            else:
                out.append(piece)
    return [c for c in out if c.strip()]


def _raw_blocks(raw: str) -> list[tuple[str, bool, int]]:
    """Split text into (raw block, is_table_cell, line), re-joining paragraphs broken at line ends."""
    pieces: list[tuple[str, bool, int, bool]] = []
    for row, line in enumerate(strip_tags(raw).split("\n")):
        cells = _cells(line)
        if not cells or all(_DASH_CELL.match(c) for c in cells):
            continue
        if len(cells) > 1:
            pieces.extend((c.strip(), True, row, False) for c in cells)
        else:
            # A line indented by two spaces or an ideographic space starts a paragraph of its own.
            indented = bool(_INDENT.match(line))
            pieces.append((cells[0].strip(), False, row, indented))
    joined: list[tuple[str, bool, int]] = []
    # The last character and the normalized length of the last joined paragraph (kept incrementally:
    # normalizing the whole paragraph at each join would be quadratic in a long run of broken lines).
    last_char, last_len = "", 0
    for text, cell, row, indented in pieces:
        this_norm = normalize_fragment(text)
        if joined and not cell and not joined[-1][1] and not indented:
            heading = 0 < last_len <= 30 and not _has_sentence_punct(joined[-1][0]) and last_char != "："
            if (last_char and last_char not in _TERMINATORS + "：；" and not heading
                    and not NUMBERING.match(this_norm)
                    and not (last_char not in "，、" and _KEY_LINE.match(this_norm))
                    and not (last_char in "0123456789%" and not _UNIT_START.match(this_norm))):
                joined[-1] = (joined[-1][0] + text, False, joined[-1][2])
                if this_norm:
                    last_char = this_norm[-1]
                last_len += len(this_norm)
                continue
        joined.append((text, cell, row))
        last_char, last_len = (this_norm[-1] if this_norm else ""), len(this_norm)
    return joined


def _has_sentence_punct(raw: str) -> bool:
    return bool(re.search(r"[。，；！？,;!?]", raw[:200]))


def normalize(raw: str) -> Document:
    """Build the normalized :class:`Document` of a report's raw text."""
    raw, dropped = strip_digest_header(raw)
    doc = Document(text="", dropped=dropped)
    parts: list[str] = []
    pos = 0
    for raw_block, cell, row in _raw_blocks(raw):
        block_start = pos
        norm_parts: list[str] = []
        index = len(doc.blocks)
        raw_sentences = [r for r in _SENTENCE_END.split(raw_block) if r.strip()]
        # A digest's block cut short: its mark and the ellipsis at its end are the editor's, not the report's.
        cut = bool(dropped) and bool(_CUT_MARK.search(normalize_fragment(raw_block)))
        for k, raw_sentence in enumerate(raw_sentences):
            norm = normalize_fragment(raw_sentence)
            if cut:
                norm = _CUT_MARK.sub("", norm)
                if k == len(raw_sentences) - 1:
                    norm = norm.rstrip("…")
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
        doc.blocks.append(Block(block_text, _SPACE.sub(" ", raw_block).strip(), block_start, pos, index,
                                _is_heading(block_text), cell, row))
        parts.append(block_text)
        pos += 1  # the "\n" between blocks
    doc.text = "\n".join(parts)
    doc._block_starts = [b.start for b in doc.blocks]
    return doc
