"""The words and sentences of the book's search (perfeval.pages.search_text), without a build.

A search term is a whole word or a part of one by the word's own cut: 民政 is a part of 湘潭市民政局 (湘潭市 +
民政局 → 民政 + 局) but not of 人民政府 (人民 + 政府), where Sphinx's own Chinese splitter finds it. The sentences
of a page keep every character, the section each belongs to, table cells apart, and nothing of scripts,
styles, heading anchors or download links.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.pages import search_text

jieba.setLogLevel(60)


def test_a_word_inside_another_word_is_not_a_term() -> None:
    township = search_text.index_words("沅陵县火场土家族乡人民政府")
    assert {"沅陵县", "火场", "人民政府", "人民", "政府"} <= set(township)
    assert "民政" not in township
    # Sphinx's Chinese search (jieba's search mode) takes every dictionary word inside a longer one, across
    # its parts: why the book has its own.
    assert "民政" in jieba.lcut_for_search("沅陵县火场土家族乡人民政府")
    seed = search_text.index_words("湘潭市民政局")
    assert {"湘潭市", "湘潭", "民政局", "民政"} <= set(seed)
    assert "政局" not in seed and "市民" not in seed


def test_a_word_written_with_quotation_marks_is_the_word() -> None:
    words = search_text.cut("（五）“三公”经费支出9.32万元")
    assert "".join(search_text.text_of(n) for n in words) == "（五）“三公”经费支出9.32万元"
    # The terms are those of the text written without the marks inside the word (whatever the dictionary).
    assert search_text.index_words("（五）“三公”经费控制率") == search_text.index_words("（五）三公经费控制率")
    assert search_text.index_words("他说“三公”。经费另计") == search_text.index_words("他说三公。经费另计")
    jieba.add_word("三公经费")   # as book/search-dict.txt has it
    search_text._cut_block.cache_clear()
    try:
        assert ["三公", "”", "经费"] in search_text.cut("“三公”经费支出")   # one word, its mark in its tree
        assert "三公经费" in search_text.index_words("“三公”经费支出")
        assert "三公经费" not in search_text.index_words("他说“三公”。经费另计")   # marks around a whole word
    finally:
        jieba.del_word("三公经费")
        search_text._cut_block.cache_clear()


def test_word_trees_follow_the_words_own_cut() -> None:
    assert search_text.tree("人民政府") == ["人民", "政府"]
    assert search_text.tree("民政局") == ["民政", "局"]
    assert search_text.tree("民政") == "民政"          # two characters: a word without parts
    assert search_text.tree("budget") == "budget"      # not Chinese
    assert list(search_text.words_of(["人民", "政府"])) == ["人民政府", "人民", "政府"]


@pytest.fixture
def added_name() -> Iterator[str]:
    name = "沅陵县火场土家族乡人民政府"
    yield name
    jieba.del_word(name)
    search_text._cut_block.cache_clear()


def test_a_department_name_becomes_one_word_with_its_parts(added_name: str) -> None:
    assert added_name not in search_text.index_words(f"{added_name}2024年")
    assert search_text.add_names([added_name, "含\n换行的名称", "x" * 3, "名" * 41]) == [added_name]
    words = search_text.index_words(f"{added_name}2024年")
    assert added_name in words and {"人民政府", "火场", "沅陵县"} <= set(words) and "民政" not in words


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("人民政府湘潭市民政局三公经费预算执行率 \n\t.,，。ab1%《》“”\"&<>\u2028")),
               max_size=40))
def test_cut_keeps_every_character(text: str) -> None:
    assert "".join(search_text.text_of(node) for node in search_text.cut(text)) == text


def _reference_restore(nodes: list[Any], text: str, pos: int, out: list[Any]) -> int:
    """``search_text._restore`` as it was (each word's first character from its whole text, every time)."""
    for node in nodes:
        while text[pos] != search_text.text_of(node)[0]:
            out.append(text[pos])
            pos += 1
        if isinstance(node, str):
            pieces: list[Any] = []
            for ch in node:
                while text[pos] != ch:
                    pieces.append(text[pos])
                    pos += 1
                if pieces and isinstance(pieces[-1], str) and pieces[-1] not in search_text._QUOTES:
                    pieces[-1] += ch
                else:
                    pieces.append(ch)
                pos += 1
            out.append(pieces[0] if len(pieces) == 1 else pieces)
        else:
            children: list[Any] = []
            pos = _reference_restore(node, text, pos, children)
            out.append(children)
    return pos


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["“三公”", "经费", "「民政」", "局", "‘湘潭’", "市民政局", "人民政府", "“", "”", "\"",
                                 "预算执行率", "，", "。", " ", "ab", "9.32", "万元", "『三』"]), max_size=12).map("".join))
def test_index_words_are_the_words_of_the_cut(text: str) -> None:
    """The index's terms are every word of every tree of the cut, the marks put back as they were."""
    plain = search_text._QUOTED.sub(r"\1", text)
    nodes = [n for block in jieba.re_han_default.split(plain) if block for n in search_text._cut_block(block)]
    restored: list[Any] = []
    if plain != text:
        _reference_restore(nodes, text, 0, restored)
    assert search_text.cut(text) == (restored if plain != text else nodes)
    assert search_text.index_words(text) == [w for n in search_text.cut(text) for w in search_text.words_of(n)]


BODY = """<section id="s1"><h1>2024年湘潭市民政局部门整体支出绩效评价报告<a class="headerlink" href="#s1">#</a></h1>
<div class="pe-summary" data-pe-unit="湘潭市民政局"><p>原报告所述：湘潭市民政局2024年度收入3229.37万元。本书测算：88.83分；</p></div>
<script>var x = "脚本";</script><style>.x { color: red }</style>
<section id="s2"><h2>二、主要比率<a class="headerlink" href="#s2">#</a></h2>
<div class="pe-scroll" tabindex="0"><table class="pe-table"><caption class="pe-caption"><span>表18 主要比率测算</span></caption>
<thead><tr><th scope="col">比率</th><th scope="col">测算值</th></tr></thead>
<tbody><tr><td>“三公”经费控制率</td><td>59.71%</td></tr></tbody></table></div>
<p class="pe-download"><a href="x.csv" download>下载本表 CSV 数据</a></p>
<p>&lt;b&gt;原样&lt;/b&gt; A &amp; B<br>下一行</p></section>
<p>结尾</p></section>"""


def _sentences(data: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(section, heading, "".join(search_text.text_of(n) for n in words))
            for section, heading, words in data["sentences"]]


def test_sentences_of_a_page() -> None:
    data = search_text.sentences(BODY)
    assert data["sections"] == [["", ""], ["s1", "2024年湘潭市民政局部门整体支出绩效评价报告"], ["s2", "二、主要比率"]]
    assert _sentences(data) == [
        (1, 1, "2024年湘潭市民政局部门整体支出绩效评价报告"),
        (1, 0, "原报告所述：湘潭市民政局2024年度收入3229.37万元。"),
        (1, 0, "本书测算：88.83分；"),
        (2, 1, "二、主要比率"),
        (2, 0, "表18 主要比率测算"),
        (2, 0, "比率 测算值"),                        # a row: its cells apart
        (2, 0, "“三公”经费控制率 59.71%"),
        (2, 0, "<b>原样</b> A & B"),                  # text, as the reader sees it
        (2, 0, "下一行"),
        (1, 0, "结尾"),                                # back in the outer section
    ]
    # The words of a sentence are the index's: 民政 is a part of 湘潭市民政局.
    summary = data["sentences"][1][2]
    assert ["民政", "局"] in summary or [["湘潭", "市"], ["民政", "局"]] in summary


def _call(script: str, function: str) -> list[Any]:
    assert script.startswith(function + "(") and script.endswith(");\n")
    return json.loads("[" + script[len(function) + 1:-3] + "]")


def test_scripts_carry_data_as_json_text() -> None:
    hostile = "</script><script>alert(1)</script>“引号”\\"
    data = search_text.sentences(f"<p>{hostile.replace('<', '&lt;')}</p>")
    script = search_text.script("book/2024/x", data)
    docname, back = _call(script, "perfevalSentences")
    assert docname == "book/2024/x" and _sentences(back) == [(0, 0, hostile)]
    # A line or paragraph separator ends a JavaScript string in older engines: escaped.
    departments = {"book/2024/x": {"code": "x", "name": hostile + "\u2028\u2029", "words": []}}
    script = search_text.departments_script(departments)
    assert "\u2028" not in script and "\u2029" not in script and "\\u2028" in script
    assert _call(script, "perfevalDepartments") == [departments]
