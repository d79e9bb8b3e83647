"""Named lists and the counts stated beside them: ``内设机构（8个）：A、B和C``, one name per line after
``下设直属单位6个：``, or a heading the registry does not spell as written (所设科室, 设有股室 …) whose noun and
names say which list it is (:func:`list_field`). The names are kept as written; the count stated beside them goes
to ``stated_counts``."""

from __future__ import annotations

import re
from typing import Any

from perfeval.model import forms

from .extraction import MAX_LIST_ITEMS, TextReader
from .labelled import org_name


class ListReader(TextReader):
    def named_lists(self) -> None:
        """``内设机构（8个）：A、B、C`` or one name per line after the label: the names and the stated count."""
        for path, count_path in (("unit.internal_units", "stated_counts.internal_units"),
                                 ("unit.sub_units", "stated_counts.sub_units")):
            if self.has(path):
                continue
            spellings = forms.pattern([path])
            for block in self.doc.blocks:
                m = spellings.search(block.text)
                head = None
                if m is not None and m.start() <= 30:
                    colon = re.match(r"[^：:。；，,]{0,12}?[：:]", block.text[m.end():])
                    head = m.end() + colon.end() if colon else None
                names: list[tuple[str, int]] = []
                if head is None:
                    # "所设科室：…", "下设机构：…": a heading the registry's list spellings do not hold as written
                    colon = re.match(r"[^：:。；，,]{2,20}?[：:]", block.text)
                    if colon is None:
                        continue
                    names = self._names(block.text[colon.end():], block)
                    if not names or list_field(block.text[:colon.end()], [n for n, _ in names]) != path:
                        continue
                    head = colon.end()
                stated = re.search(r"(\d{1,3})\s?[个家]", block.text[:head])
                names = names or self._names(block.text[head:], block)
                if not names:
                    continue
                self.set(path, [n for n, _ in names], names[0][1])
                for i, (_, at) in enumerate(names):
                    self.record(f"{path}[{i}]", at)
                if stated and not self.has(count_path):
                    self.set(count_path, int(stated.group(1)), block.start + stated.start(1))
                break

    def _names(self, inline: str, block: Any) -> list[tuple[str, int]]:
        """Names listed after a label: inline (、，和) or one per following line."""
        out: list[tuple[str, int]] = []
        base = block.end - len(inline)
        if inline.strip("。； "):
            pos = base
            for piece in re.split(r"[、，,]", inline.rstrip("。；")):
                for part in _split_and(piece.strip()):
                    name = re.sub(r"^(?:以及|和|及)", "", part).rstrip("等")
                    if not name:
                        continue
                    if len(name) > 40 or re.search(r"\d+(?:\.\d+)?万元|[。；]", name):
                        return []
                    out.append((name, self.text.find(name, pos)))
                pos += len(piece) + 1
            return out[:MAX_LIST_ITEMS]
        for nxt in self.doc.blocks[block.index + 1:block.index + 1 + MAX_LIST_ITEMS]:
            name = nxt.text.strip()
            if not name or len(name) > 40 or re.search(r"[。；，：:]|\d", name) or nxt.heading is False:
                break
            if org_name(re.sub(r"[（(][^（）()]*[)）]", "", name)) is None:
                break
            out.append((name, nxt.start))
        return out


#: Verbs of a heading that lists bodies a unit has set up (内设机构, 下设直属单位, 所设科室, 设有…).
_SET_UP = re.compile(r"(?:内设|下设|所设|现设|共设|设有|设置|设立)")


def _nouns(path: str) -> frozenset[str]:
    """What the registry's spellings of a list field call the bodies, the verb aside (内设科室 → 科室)."""
    return frozenset(re.sub(f"^{_SET_UP.pattern}", "", forms.normalize(sp)) for sp in forms.entry(path).spellings())


def list_field(heading: str, names: list[str]) -> str | None:
    """The list a heading ``X设Y：`` introduces, when its words are a verb of setting up and a noun of bodies:
    the field whose registry spellings use that noun (所设科室 → 内设科室 → ``unit.internal_units``; 下设事业单位 →
    ``unit.sub_units``); with a noun the registry does not know, bodies a unit has set up inside itself (内设,
    所设, 设有 … and every name listed a name of a body) are its internal units. 下设 with an unknown noun is left
    alone: it may name subordinate units. (Most names, not all: "B超室" is a body the name pattern does not read.)"""
    label = re.sub(r"\d{1,3}\s?[个家]", "", forms.normalize(heading))
    verb = _SET_UP.search(label, 0, 12)
    if verb is None or (verb.start() and org_name(label[:verb.start()]) is None
                        and not re.fullmatch(r"(?:本|我|该)[\u4e00-\u9fff]{1,3}|[\u4e00-\u9fff]{0,4}机关", label[:verb.start()])):
        return None   # "本局设有股室", "局机关下设…": who set them up may come first
    noun = label[verb.end():]
    for path in ("unit.internal_units", "unit.sub_units"):
        if noun and noun in _nouns(path):
            return path
    bodies = sum(1 for n in names if org_name(re.sub(r"[（(][^（）()]*[)）]", "", n)))
    if verb.group(0) != "下设" and len(names) >= 2 and 3 * bodies >= 2 * len(names):
        return "unit.internal_units"
    return None


def _split_and(piece: str) -> list[str]:
    """"A委员会和B办公室" → two names when both halves read as names of bodies; "监察和法制委员会" stays one."""
    for word in ("以及", "和", "及"):
        i = piece.rfind(word)
        if i > 0:
            left, right = piece[:i], piece[i + len(word):]
            if org_name(left) and org_name(right):
                return [left, right]
    return [piece]


__all__ = ["ListReader", "list_field"]
