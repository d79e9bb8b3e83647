"""The sentences of a page (``search_text.sentences``) read with lxml give what Python's ``html.parser`` gave.

``sentences`` parsed a page body with ``html.parser`` (pure Python: most of the sentence files' time on the year
pages of a large book); it now takes the same events from libxml2 (lxml's HTML parser with a target). The old
algorithm is kept here, verbatim, as the reference: both must give the same sections and sentences for the pages
of a built book (every page, whole and its article), for awkward HTML (nested tables and sections, heading
anchors, ``aria-hidden``, download menus, ``<br>``, entities, scripts and styles, unclosed and stray tags) and
for generated HTML that nests elements as HTML allows.

Where the two differ: HTML that nests what HTML forbids (a ``<section>`` or ``<table>`` inside a ``<p>``, a block
inside a heading), which libxml2 repairs as a browser does (the ``<p>`` ends where the block starts) and
``html.parser`` does not. Sphinx and the book's templates write no such HTML (the built pages are compared here).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.pages import search_text
from perfeval.pages.search_text import _BLOCKS, _CELLS, _HEADINGS, _SENTENCE_END, _SKIP, _SPACE, _VOID

jieba.setLogLevel(60)


# --- the reference: the algorithm as it was (html.parser) ------------------------------------------------

class _ReferenceSentences(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", ""]]
        self.stack: list[tuple[str, int]] = []
        self.section = 0
        self.skip = 0
        self.heading = ""
        self.text: list[str] = []
        self.blocks: list[tuple[int, bool, str]] = []

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.text)).strip()
        self.text = []
        if text:
            self.blocks.append((self.section, bool(self.heading), text))
            if self.heading and not self.sections[self.section][1]:
                self.sections[self.section][1] = text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        skipped = (tag in _SKIP or "headerlink" in classes or "pe-download" in classes
                   or attr.get("aria-hidden") == "true")
        if tag not in _VOID:
            self.stack.append((tag, self.section if tag == "section" else -1))
            if self.skip or skipped:
                self.skip += 1
                return
        elif self.skip:
            return
        if tag in _BLOCKS:
            self.flush()
        if tag in _CELLS:
            self.text.append(" ")
        if tag == "section":
            self.sections.append([attr.get("id") or self.sections[self.section][0], ""])
            self.section = len(self.sections) - 1
        if tag in _HEADINGS:
            self.heading = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(open_tag == tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, section = self.stack.pop()
            if self.skip:
                self.skip -= 1
            elif open_tag in _BLOCKS:
                self.flush()
                if open_tag == self.heading:
                    self.heading = ""
            elif open_tag in _CELLS:
                self.text.append(" ")
            if open_tag == "section" and section >= 0:
                self.section = section
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def reference_sentences(body: str) -> dict[str, Any]:
    parser = _ReferenceSentences()
    parser.feed(body)
    parser.close()
    parser.flush()
    out = []
    for section, heading, block in parser.blocks:
        for sentence in _SENTENCE_END.split(block) if not heading else [block]:
            sentence = sentence.strip()
            if sentence:
                out.append([section, int(heading), search_text.cut(sentence)])
    return {"sections": parser.sections, "sentences": out}


def _same(html: str) -> dict[str, Any]:
    expected = reference_sentences(html)
    assert search_text.sentences(html) == expected
    return expected


# --- awkward HTML ---------------------------------------------------------------------------------------------

#: An excerpt of a built chapter (the seed's), as Sphinx and the theme write it.
CHAPTER = """<section class="tex2jax_ignore mathjax_ignore" id="xiangtan-minzheng-2024">
<h1>湘潭市民政局 2024年度<a class="headerlink" href="#xiangtan-minzheng-2024" title="Link to this heading">#</a></h1>
<div class="cell tag_remove-input docutils container">
<div class="cell_output docutils container">
<div class="output text_html"><div class="pe-summary" data-pe-unit="湘潭市民政局" data-pe-code="xiangtan-minzheng">
<p class="pe-lead">本章前半部分为<strong>单位自评报告</strong>（原文照录）；后半部分为<em>测算与核查</em>。</p>
<dl class="pe-facts"><dt>测算得分</dt><dd>88.83 分<span class="pe-note">（覆盖 92%）</span></dd>
<dt>发现</dt><dd>错误 1 项，需核实 2 项</dd></dl>
<div class="pe-download dropdown"><button class="btn" aria-expanded="false">下载</button>
<ul class="dropdown-menu"><li><a href="../../downloads/x.docx" download>单位自评报告（Word）</a></li></ul></div>
</div></div></div></div>
<section id="pe-review"><h2>测算与核查<a class="headerlink" href="#pe-review" title="Link to this heading">#</a></h2>
<div class="pe-scroll" tabindex="0" role="region" aria-label="表1"><table class="pe-table">
<caption><span class="caption-number">表1 </span><span class="caption-text">预算执行情况</span></caption>
<thead><tr class="row-odd"><th class="head"><p>项目</p></th><th class="head"><p>金额（万元）</p></th></tr></thead>
<tbody><tr class="row-even"><td><p>“三公”经费</p></td><td><p>9.32</p></td></tr>
<tr class="row-odd"><td><table><tr><td>内层</td><td>表格</td></tr></table></td><td>1,234.50&nbsp;万元</td></tr>
</tbody></table></div>
<p>预算执行率为 98.5%；<span class="fa fa-check" aria-hidden="true">✓</span>评价等级：优。<br/>见下表。</p>
<figure class="align-default"><img alt="图1 支出结构：基本支出 60%，项目支出 40%" src="x.png" />
<figcaption><p><span class="caption-number">图1 </span>支出结构</p></figcaption></figure>
<script type="application/json">{"a": "不显示"}</script><style>.pe { content: "不显示"; }</style>
<svg aria-hidden="true"><path d="M0 0"/><text>不显示</text></svg>
<p>A &amp; B &lt;c&gt; &#20013;&#x6587; &copy; &unknown; 结束！真的？是的?</p>
</section></section>"""

AWKWARD = [
    CHAPTER,
    "",
    "   \n ",
    "纯文本，没有标签。第二句！",
    "<p>未闭合段落<p>第二段<div>块</div>尾",
    "<div>a</p>b</div>",                                   # a stray end tag
    "<ul><li>一<li>二<li>三</ul>",                          # implied ends
    "<table><tr><td>一<td>二<tr><td>三</table>",
    "<section id='a'><h2>标题</h2><section><p>无 id 的小节</p></section><p>回到外层</p></section><p>之外</p>",
    "<h3>标题<a class='headerlink' href='#x'>¶</a></h3><p>正文</p>",
    "<p>前<span class='pe-download'>下载<b>粗</b></span>后</p>",
    "<p>前<i aria-hidden='true'>图标</i>后<i aria-hidden='false'>可见</i></p>",
    "<p>行一<br>行二<br/>行三<hr>行四</p>",
    "<pre>代码\n  缩进\t制表</pre>",
    "<script>if (a < b && c > d) { document.write('</p>'); }</script>正文",
    "<p><!-- 注释 -->可见<![CDATA[x]]></p>",
    "<!DOCTYPE html><html><head><title>标题</title></head><body><p>正文</p></body></html>",
    "<P CLASS='HeaderLink'>大写</P><DIV>块</DIV>",
    "<p title='a > b'>属性里的 &gt;</p>",
    "<table><caption>表</caption><thead><tr><th>甲</th><th>乙</th></tr></thead><tbody><tr><td> </td><td>丙</td></tr></tbody></table>",
    "<dl><dt>术语</dt><dd>解释；另一句。</dd></dl>",
    "<blockquote><p>引文“三公”经费。</p></blockquote>",
    "<p>“三公”经费支出9.32万元，较上年下降5%；</p>",
    "<p>全角空格\u3000与不换行空格\u00a0与\u2028分隔</p>",
    "<button>按钮</button><noscript>无脚本</noscript><template><p>模板</p></template>可见",
]


@pytest.mark.parametrize("html", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_html_gives_the_same_sentences(html: str) -> None:
    _same(html)


def test_the_chapter_excerpt_reads_as_a_reader_sees_it() -> None:
    data = _same(CHAPTER)
    texts = [(s, h, "".join(search_text.text_of(n) for n in words)) for s, h, words in data["sentences"]]
    assert data["sections"][1:] == [["xiangtan-minzheng-2024", "湘潭市民政局 2024年度"], ["pe-review", "测算与核查"]]
    assert [t for _, _, t in texts[8:15]] == ["表1 预算执行情况", "项目", "金额（万元）", "“三公”经费", "9.32",
                                             "内层 表格", "1,234.50 万元"]
    assert texts[-4:] == [(2, 0, "A & B <c> 中文 © &unknown;"), (2, 0, "结束！"), (2, 0, "真的？"), (2, 0, "是的?")]
    joined = " ".join(t for _, _, t in texts)
    assert "不显示" not in joined and "下载" not in joined and "✓" not in joined and "#" not in joined


# --- generated HTML, nested as HTML allows -----------------------------------------------------------------

_ATTRS = st.sampled_from(["", ' class="headerlink"', ' class="pe-download x"', ' aria-hidden="true"',
                          ' aria-hidden="false"', ' id="s1"', ' id="s2"', " id=''", ' class="a b"'])
_TEXT = st.sampled_from(["预算执行率", "。", "三公经费支出9.32万元；", " ", "\n", "&amp;", "&nbsp;", "a&lt;b",
                         "湘潭市民政局！", "x", "“三公”经费", "&#20013;", "?", "¶", "评价？好"])


def _element(tag: str, attrs: str, inner: str) -> str:
    return f"<{tag}{attrs}>{inner}</{tag}>"


_PHRASING = st.recursive(
    _TEXT | st.sampled_from(["<br>", "<img alt='图'>", "<input>"])
    | st.builds(_element, st.sampled_from(["a", "button"]), _ATTRS, _TEXT),      # no link inside a link
    lambda inner: st.builds(_element, st.sampled_from(["span", "b", "em", "strong", "code"]), _ATTRS,
                            st.lists(inner, max_size=3).map("".join)),
    max_leaves=6)
_PHRASES = st.lists(_PHRASING, max_size=4).map("".join)


def _table(rows: list[list[str]], caption: str, attrs: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table{attrs}>" + (f"<caption>{caption}</caption>" if caption else "") + f"<tbody>{body}</tbody></table>"


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    flows = st.lists(children, max_size=3).map("".join)
    return st.one_of(
        st.builds(_element, st.sampled_from(["p", "h1", "h2", "h3", "pre"]),
                  _ATTRS, _PHRASES),
        st.builds(_element, st.sampled_from(["div", "section", "article", "blockquote", "figure", "template",
                                             "noscript"]), _ATTRS, flows),
        st.builds(lambda items, tag, attrs: f"<{tag}{attrs}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>",
                  st.lists(flows, max_size=3), st.sampled_from(["ul", "ol"]), _ATTRS),
        st.builds(lambda dt, dd: f"<dl><dt>{dt}</dt><dd>{dd}</dd></dl>", _PHRASES, flows),
        st.builds(_table, st.lists(st.lists(flows, min_size=1, max_size=3), max_size=3), _PHRASES, _ATTRS),
        st.builds(lambda attrs, text: f"<script{attrs}>{text}</script>", _ATTRS, _PHRASES),
        st.builds(lambda attrs, text: f"<svg{attrs}><g><path d='M0'/></g><text>{text}</text></svg>", _ATTRS, _PHRASES),
        st.just("<hr>"),
    )


_FLOW = st.recursive(_PHRASING, _flow, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FLOW, max_size=5).map("".join))
def test_html_nested_as_html_allows_gives_the_same_sentences(html: str) -> None:
    _same(html)


# --- the pages of a built book -----------------------------------------------------------------------------

def _article(page: str) -> str:
    start = page.index('<article class="bd-article">')
    return page[start:page.rindex("</article>") + len("</article>")]


def test_every_page_of_a_built_book_gives_the_same_sentences(built_book: Path) -> None:
    """The default book: the seed's chapter and 原报告全文, the demo departments, the year overviews, the risk
    lists, 数据核查汇总, 评价方法 and the guide pages; each page whole and its article (what Sphinx's body holds)."""
    html = built_book / "_build" / "html"
    pages = sorted(html.rglob("*.html"))
    names = {p.relative_to(html).as_posix() for p in pages}
    assert {"book/2024/xiangtan-minzheng.html", "book/method.html", "book/findings.html"} <= names
    assert any(n.startswith("book/") and "overview" in n for n in names)
    articles = 0
    for path in pages:
        page = path.read_text(encoding="utf-8")
        _same(page)
        if '<article class="bd-article">' in page:
            data = _same(_article(page))
            articles += bool(data["sentences"])
    assert articles >= 20
