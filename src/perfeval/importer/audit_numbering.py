"""Audit rules on how a report numbers its headings and writes its counts (what only its layout shows).

* ``text.numbering`` (note) — in one run of one level (一、二、… / （一）（二）… / 1. 2. … / （1）（2）…, a lower
  level starting again under each higher one) a number used twice, a number skipped, a run that goes back, or a
  heading level that starts again at 一 with no new chapter (第二部分, 附件…) to start it;
* ``text.numbering_paragraph`` (note) — a prose paragraph numbered in a run whose other members are all headings
  (an introduction numbered 一、 so that the first section becomes 二、);
* ``text.contents_numbering`` (note) — a contents list (目录) numbers an entry otherwise than the body heading of
  the same title (the contents list is its own run: it is compared, not continued);
* ``text.numerals_mixed`` (note) — within one list (a sentence's items, a table's column) the same kind of count
  written with Arabic and with Chinese numerals (1台 … 一台).

See :mod:`perfeval.importer.audit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .audit_base import AuditBase
from .normalize import Block

#: Heading and item levels, highest first (GB/T 9704: 一、（一）1.（1）).
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})[、.．]")),
    ("（一）", re.compile(r"^[（(](?P<n>[一二三四五六七八九十]{1,3})[)）]")),
    ("1.", re.compile(r"^(?P<n>\d{1,2})[、.．](?!\d)")),
    ("（1）", re.compile(r"^[（(](?P<n>\d{1,2})[)）]")),
)
#: Levels whose members are headings of the document's structure (a restart of these needs a new chapter).
_HEADING_LEVELS = 2
#: An unnumbered line that starts a new part of the document: a run may start again after it.
_CHAPTER = re.compile(r"^(?:第[一二三四五六七八九十百\d]{1,4}[部分章篇节]|附\s*件|附\s*表|附\s*录|附[：:])|"
                      r"(?:报告|自评表|评价表|评分表|情况表|明细表|指标表)$")
_CONTENTS = re.compile(r"目\s*录$|^目\s*录")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")}
#: Measure words of counts (台, 个, 人 …): one kind of count per word.
_MEASURE = "台个辆套件名人项处家座所间张部架条次批户"
_COUNT = re.compile(r"(?P<num>\d{1,6}|[一二两三四五六七八九十百千]{1,4})(?P<mw>[" + _MEASURE + r"])$")
#: A character before a Chinese numeral that makes it no count (第一, 统一, 唯一, 其一, 之一 …).
_NOT_COUNT_BEFORE = set("第每统进唯同单逐其之万某这那此哪任周星礼")


def numeral(text: str) -> int:
    """An Arabic or Chinese numeral up to 99 (十一, 二十, 二十三)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _NUMERALS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (_NUMERALS.get(ones, 0) if ones else 0)


def _marker(level: int, n: int) -> str:
    """How level ``level`` writes number ``n`` (for messages)."""
    if level in (0, 1):
        ones = "零一二三四五六七八九"
        cn = ones[n] if n < 10 else ("十" if n < 20 else ones[n // 10] + "十") + (ones[n % 10] if n % 10 else "")
        return f"{cn}、" if level == 0 else f"（{cn}）"
    return f"{n}." if level == 2 else f"（{n}）"


def title_key(text: str) -> str:
    """A heading's or contents entry's title: no number, page number, dot leaders or bracketed remark."""
    for _, pattern in MARKERS:
        m = pattern.match(text)
        if m:
            text = text[m.end():]
            break
    text = re.sub(r"[.．…·—\-\s]*\d{0,4}$", "", text.strip())
    text = re.split(r"[（(。：:；]", text, maxsplit=1)[0]
    return re.sub(r"\s+", "", text)


@dataclass
class Numbered:
    block: Block
    level: int
    n: int
    written: str        # the marker as written ("二、")


@dataclass
class _Run:
    members: list[Numbered] = field(default_factory=list)


def _is_title(block: Block) -> bool:
    """A numbered line that is a heading: short, and no sentence after its title."""
    text = re.sub(r"[。.．]$", "", block.text.strip())
    return block.heading or (len(text) <= 40 and not re.search(r"[。，；！？]", text))


def _is_prose(block: Block) -> bool:
    """A paragraph, not a heading with a run-in sentence: its first sentence is long."""
    body = re.sub(r"^\S{0,5}?[、.．)）]", "", block.text, count=1)
    first = re.split(r"[。；！？：]", body, maxsplit=1)[0]
    return not block.heading and len(block.text) >= 60 and len(first) >= 30


class NumberingRules(AuditBase):
    def _numbered(self, block: Block) -> Numbered | None:
        if block.cell:
            return None
        text = block.text.strip()
        for level, (_, pattern) in enumerate(MARKERS):
            m = pattern.match(text)
            if m:
                return Numbered(block, level, numeral(m.group("n")), m.group(0))
        return None

    def _contents(self) -> tuple[list[Numbered], int, int]:
        """The numbered entries of a contents list, and the blocks it spans ([start, end) indexes; empty when
        there is none). It is a contents list only when the body repeats one of its titles."""
        blocks = self.doc.blocks
        for i, block in enumerate(blocks):
            if block.cell or len(block.text) > 80 or not _CONTENTS.search(block.text.strip()):
                continue
            entries: list[Numbered] = []
            keys: set[str] = set()
            j = i + 1
            while j < len(blocks):
                b = blocks[j]
                key = title_key(b.text)
                if key and key in keys or (re.search(r"[。；]", b.text) and len(b.text) > 40) or len(b.text) > 160:
                    break
                numbered = self._numbered(b)
                if numbered is not None:
                    entries.append(numbered)
                    keys.add(key)
                j += 1
            if entries and j < len(blocks) and title_key(blocks[j].text) in keys:
                return entries, i + 1, j
            return [], 0, 0
        return [], 0, 0

    def numbering(self) -> None:
        """The runs of numbered headings and items, the contents list apart; see the module's doc."""
        entries, start, end = self._contents()
        if entries:
            self._runs(self.doc.blocks[start:end], in_contents=True)
        body = self.doc.blocks[:start] + self.doc.blocks[end:] if entries else self.doc.blocks
        self._runs(body, in_contents=False)
        if entries:
            self._compare_contents(entries, self.doc.blocks[end:])

    def _runs(self, blocks: list[Block], in_contents: bool) -> None:
        runs: dict[int, _Run] = {}
        between: list[str] = []           # the last numbered block and the unnumbered text after it
        titled = False                    # an unnumbered title (a part of the document) since the last item
        for block in blocks:
            item = self._numbered(block)
            if item is None:
                if not block.cell and ((block.heading and not re.search(r"[：:]", block.text))
                                       or (_CHAPTER.search(block.text.strip()) and len(block.text) <= 60)):
                    titled = True
                between.append(block.text)
                continue
            for lower in sorted(k for k in runs if k > item.level):
                self._close(runs.pop(lower), in_contents)
            run = runs.setdefault(item.level, _Run())
            if self._step(run, item, "".join(between), titled):
                self._close(run, in_contents)
                run = runs[item.level] = _Run()
            run.members.append(item)
            between, titled = [block.text], False
        for level in sorted(runs):
            self._close(runs[level], in_contents)

    def _step(self, run: _Run, item: Numbered, between: str, titled: bool) -> bool:
        """``item`` after the run so far: a number repeated, skipped or gone back, or a heading level started
        again with no new part of the document (a title line of its own since the last item, 第二部分, 附件 …).
        True when ``item`` starts a new run."""
        last = run.members[-1] if run.members else None
        level, n = item.level, item.n
        if last is None:
            if n > 1 and _marker(level, 1) not in between:
                self.add("text.numbering", "note", item.block.start,
                         f"序号从「{item.written}」开始，缺少「{_marker(level, 1)}」，请核对是否漏项或编号有误",
                         {"number": item.written, "expected": _marker(level, 1)})
            return False
        if n == last.n:
            self.add("text.numbering", "note", item.block.start,
                     f"序号「{item.written}」与上一条重复，请核对是否漏项或编号有误", {"number": item.written})
        elif n > last.n + 1 and _marker(level, last.n + 1) not in between:
            self.add("text.numbering", "note", item.block.start,
                     f"序号从「{last.written}」跳到「{item.written}」，缺少「{_marker(level, last.n + 1)}」，"
                     f"请核对是否漏项或编号有误", {"number": item.written, "expected": _marker(level, last.n + 1)})
        elif n < last.n:
            # Items (1. / （1）) may start a new list after a sentence that introduces it; headings start again
            # only in a new part of the document (第二部分, 附件 …), which closes every run before this one.
            new_list = level >= _HEADING_LEVELS and len(between) > len(last.block.text)
            if not (n == 1 and (titled or new_list)):
                self.add("text.numbering", "note", item.block.start,
                         f"序号「{item.written}」出现在「{last.written}」之后，编号倒退或重新开始，请核对编号是否连续",
                         {"number": item.written, "expected": _marker(level, last.n + 1)})
            return n == 1
        return False

    def _close(self, run: _Run, in_contents: bool) -> None:
        """A paragraph numbered among headings (the run's other members are all titles)."""
        members = run.members
        if in_contents or len(members) < 2:
            return
        prose = [m for m in members if _is_prose(m.block)]
        if len(prose) != 1 or not all(_is_title(m.block) for m in members if m is not prose[0]):
            return
        para = prose[0]
        heading = next(m for m in members if m is not para)
        first = members[0] is para
        tail = f"，其后的标题因此从「{heading.written}」起编" if first and heading.n == para.n + 1 else ""
        snippet = para.block.text[len(para.written):len(para.written) + 16]
        self.add("text.numbering_paragraph", "note", para.block.start,
                 f"「{para.written}」编号的是一段正文（「{snippet}…」），而同级的「{heading.block.text.strip()[:20]}」等是标题："
                 f"正文段落占用了标题的序号{tail}，请核对",
                 {"number": para.written, "heading": heading.written})

    def _compare_contents(self, entries: list[Numbered], body: list[Block]) -> None:
        """Each contents entry against the body heading of the same title (one finding for the list)."""
        by_key: dict[str, Block] = {}
        for block in body:
            if block.cell or not (block.heading or self._numbered(block)):
                continue
            by_key.setdefault(title_key(block.text), block)
        clashes: list[tuple[Numbered, Block, str]] = []
        for entry in entries:
            key = title_key(entry.block.text)
            block = by_key.get(key) if key else None
            if block is None:
                continue
            found = self._numbered(block)
            if found is None:
                clashes.append((entry, block, "未编号"))
            elif found.level == entry.level and found.n != entry.n:
                clashes.append((entry, block, f"为「{found.written}{key}」"))
        numbered = [c for c in clashes if c[2] != "未编号"]
        if not numbered:
            return
        entry, block, how = numbered[0]
        key = title_key(entry.block.text)
        unnumbered = [f"「{title_key(e.block.text)}」" for e, _, h in clashes if h == "未编号"]
        cause = f"；目录中编号的{'、'.join(unnumbered)}在正文中未编号" if unnumbered else ""
        more = f"（另有 {len(numbered) - 1} 处同类不一致）" if len(numbered) > 1 else ""
        self.add("text.contents_numbering", "note", block.start,
                 f"目录中的「{entry.written}{key}」在正文中{how}{more}{cause}：目录与正文的编号不一致，请核对",
                 {"contents": f"{entry.written}{key}", "body": block.text.strip()[:30], "count": str(len(numbered))})

    def numerals_mixed(self) -> None:
        """One list written with Arabic and Chinese numerals for the same kind of count (1台 … 一台)."""
        for s in self.doc.sentences:
            if self.doc.block_at(s.start).cell:
                continue
            items = [(m.start(), m.group(0)) for m in re.finditer(r"[^、，；,;。：:]+", s.text)]
            self._mixed([(s.start + off, item) for off, item in items])
        columns: dict[tuple[int, int], list[tuple[int, str]]] = {}
        table = 0
        for row in self.doc.rows():
            if len(row) < 2 or not row[0].cell:
                table += 1
                continue
            for col, cell in enumerate(row):
                columns.setdefault((table, col), []).append((cell.start, cell.text.strip()))
        for cells in columns.values():
            self._mixed(cells, whole=True)

    def _mixed(self, items: list[tuple[int, str]], whole: bool = False) -> None:
        kinds: dict[str, dict[bool, tuple[int, str]]] = {}
        for pos, item in items:
            m = _COUNT.search(item.strip())
            if not m:
                continue
            name = item.strip()[:m.start()]
            arabic = m.group("num").isdigit()
            if not whole and (not name or len(item.strip()) > 24):
                continue
            if not arabic and (name[-1:] in _NOT_COUNT_BEFORE or name[-1:] in set("一二两三四五六七八九十")
                               or not (name or whole)):
                continue
            kinds.setdefault(m.group("mw"), {}).setdefault(arabic, (pos, item.strip()))
        for mw, forms in kinds.items():
            if len(forms) < 2:
                continue
            (_, a), (pos, c) = forms[True], forms[False]
            self.add("text.numerals_mixed", "note", pos,
                     f"同一列举中数量的写法不一：「{a}」用阿拉伯数字，「{c}」用汉字数字，请统一（计量数字宜用阿拉伯数字）",
                     {"arabic": a, "chinese": c, "measure": mw})
