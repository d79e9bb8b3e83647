"""Word export: sections in the chapter's order, the seed's key figures, tables, charts, fonts, the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from perfeval.cli import main
from perfeval.pages import LEAD_NOTE, OUTLINE, Page, export_docx, page_downloads, write_downloads
from perfeval.model import DepartmentYear
from perfeval.pages.docx import document_bytes
from perfeval.pages.docx_layout import html_blocks
from perfeval.review import DISCLAIMER
from perfeval.review.frameworks import load_framework

from .chapter_outputs import chapter_notebook
from .conftest import ROOT

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"

# The headings of the two Word files (independent of OUTLINE): the unit's report (一、 in Heading 1, （一） in
# Heading 2) and our 测算意见.
UNIT_HEADINGS = [
    "一、部门概况", "（一）单位基本职能", "（二）长期规划", "（三）年度计划", "（四）部门整体支出绩效目标",
    "二、部门整体支出管理和使用情况", "（一）收入情况", "（二）支出情况", "（三）财政部门预算批复情况",
    "（四）部门年度预算执行情况", "（五）“三公”经费", "（六）公用经费", "（七）政府采购及其他", "（八）预算管理情况",
    "（九）资产管理情况", "（十）效果产出情况", "三、绩效目标完成情况", "四、项目支出情况", "（一）本部门项目",
    "（二）代管资金", "五、存在的问题及改进措施", "六、其他需要说明问题", "七、单位自评表",
]
#: The 测算意见 a director signs (pages.opinion): complete in itself, not the page's second part.
REVIEW_HEADINGS = ["一、评价结论", "二、发现的问题", "三、意见建议", "四、测算得分明细"]
# Figures of the seed report (年初预算, 支出合计, a project's actual, 三公 actual, the problem's deadline).
KEY_FIGURES = ["2373.85", "3229.37", "655.0411", "9.32", "2025年5月30日"]
#: A check id or a field path: never in a Word file.
CHECK_ID = re.compile(r"\b[a-z_]+\.[a-z_]+\b|\b[a-z_]+\[\d+\]")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, seed) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    assert export_docx(seed, path, FRAMEWORK, ROOT / "data") == path
    return path


@pytest.fixture(scope="module")
def document(exported: Path) -> docx.document.Document:
    return docx.Document(str(exported))


@pytest.fixture(scope="module")
def review_document(tmp_path_factory: pytest.TempPathFactory, seed) -> docx.document.Document:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("docx") / "review.docx"
    export_docx(seed, path, FRAMEWORK, ROOT / "data", part="review")
    return docx.Document(str(path))


def _all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _headings(document: docx.document.Document) -> list[tuple[int, str]]:
    out = []
    for p in document.paragraphs:
        m = re.fullmatch(r"Heading (\d)", p.style.name)
        if m:
            out.append((int(m.group(1)), p.text))
    return out


def test_title_and_every_section_heading_in_order(document: docx.document.Document,
                                                  review_document: docx.document.Document) -> None:
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "2024年湘潭市民政局部门整体支出绩效评价报告"
    # The seed has no earlier year: no 历年对比 (the book drops it as well).
    numbered = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）")
    assert [text for level, text in _headings(document) if level <= 2 and numbered.match(text)] == UNIT_HEADINGS
    # Each completion statement is a level-2 heading under 三、绩效目标完成情况, in the report's order and with its
    # numbering (1.儿童关爱不断加强 … 8.有效发挥民政宣传作用; the report lists them in another order than the goals).
    assert [text for level, text in _headings(document) if re.match(r"\d\.", text)] == [
        "1.儿童关爱不断加强", "2.提升政务服务能力", "3.路名牌维护、清洁工作顺利完成", "4.着力提升基层社会治理水平",
        "5.加强社会组织党建", "6.抓好社工、慈善和志愿服务工作", "7.社会事务工作稳步推进", "8.有效发挥民政宣传作用"]
    levels = dict((text, level) for level, text in _headings(document))
    assert levels["一、部门概况"] == 1 and levels["（一）单位基本职能"] == 2
    assert review_document.paragraphs[0].text == "2024年度湘潭市民政局部门整体支出绩效测算意见"
    assert [text for level, text in _headings(review_document) if level == 1] == REVIEW_HEADINGS
    # The standing findings grouped 错误 / 需核实 under 二、发现的问题 (the seed has no 错误).
    assert [text for level, text in _headings(review_document) if level == 2] == ["（一）需核实（8项）"]


def test_outline_follows_the_template_notebook() -> None:
    """The notebook's markdown headings and section calls, in order, are the outline's (tags included)."""
    nb = json.loads((ROOT / "notebooks" / "department.ipynb").read_text(encoding="utf-8"))
    expected: list[tuple[int, str, str, str]] = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip()
        tags = [t for t in cell["metadata"].get("tags", []) if t.startswith("if-")]
        if cell["cell_type"] == "markdown":
            # A heading alone: no Sphinx label (a part's section id comes from the outline, see sphinx_ext).
            m = re.fullmatch(r"(#+) (.+)", source)
            assert m, source
            if len(m.group(1)) > 1:
                expected.append((len(m.group(1)) - 1, m.group(2), "", "".join(tags)))
        else:
            for call in re.findall(r"^ch\.(\w+)\(\)$", source, flags=re.M):
                if expected and not expected[-1][2] and expected[-1][0]:
                    assert expected[-1][3] == "".join(tags), call
                    expected[-1] = (*expected[-1][:2], call, expected[-1][3])
                else:
                    expected.append((0, "", call, "".join(tags)))
    assert [(s.level, s.heading, s.method, s.tag) for s in OUTLINE] == expected
    # The two parts, styled apart by the section ids the book's Sphinx extension gives them.
    assert [(s.heading, s.anchor) for s in OUTLINE if s.anchor] == [("单位自评报告", "pe-unit-report"),
                                                                  ("测算与核查", "pe-review")]
    # Every section method exists on the chapter.
    from perfeval.pages import Chapter
    assert all(callable(getattr(Chapter, s.method)) for s in OUTLINE if s.method)


def test_key_figures_of_the_seed(document: docx.document.Document) -> None:
    text = _all_text(document)
    missing = [f for f in KEY_FIGURES if f not in text]
    assert missing == []
    # Prose from the chapter template, as plain text (no tags, entities unescaped); the slip "3229.37 元" has
    # its 注 where the figure appears.
    assert "支出合计3229.37万元注1" in text and "注1：原报告写作“2024 年度财政拨款支出 3229.37 元”" in text
    marked = next(p for p in document.paragraphs if "支出合计3229.37万元注1" in p.text)
    assert [r.text for r in marked.runs if r.font.superscript] == ["注1"]
    assert "非税收入拨款0万元，其他收入0万元" in text
    assert "<" not in text and "&amp;" not in text and "&ldquo;" not in text


def test_the_unit_report_has_no_word_of_ours(document: docx.document.Document) -> None:
    text = _all_text(document)
    # The cover: what the report says about itself; the sentence on what our part is, and nothing of it.
    cover = [p.text for p in document.paragraphs[:8]]
    assert "单位名称：湘潭市民政局" in cover and "主管部门：湘潭市人民政府" in cover and "评价年度：2024年" in cover
    note = next(p for p in cover if LEAD_NOTE in p)
    text = text.replace(note, "")
    for ours in ("测算得分", "数据核查", "需核实", "88.83", "不代表财政部门", "等级“良”"):
        assert ours not in text, ours
    assert not CHECK_ID.findall(text)
    # Three charts of the unit's figures (no project execution rate: that is ours).
    assert len(document.inline_shapes) == 3


def test_unit_self_assessment_table(document: docx.document.Document, seed: DepartmentYear, tmp_path: Path) -> None:
    """The unit's own 自评表 as it stands, with the unit's scores, last; the seed has none (its part scores are
    sentences of the report, which this book arranged into a table on the page only)."""
    assert [c.text for c in document.tables[-1].rows[0].cells][0] == "存在的问题"
    assert "原报告未附单位自评表" in _all_text(document)
    own = seed.model_copy(update={"arranged": None})
    table = docx.Document(io.BytesIO(document_bytes(own, FRAMEWORK, ROOT / "data"))).tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["评价指标", "分值", "自评得分", "得分说明"]
    assert rows[1:] == [["预算执行", "30", "30", "无扣分项目"], ["预算管理", "20", "20", "无扣分项目"],
                        ["资产管理", "5", "5", "无扣分项目"], ["效果产出", "45", "45", "无扣分项目"]]


def test_review_scores_findings_and_sensitivity(review_document: docx.document.Document) -> None:
    text = _all_text(review_document)
    # Its own words for what the score is; nothing of the book's (本书, 评价方法) that the file does not hold.
    assert "不代表财政部门的正式评价结果" in text and DISCLAIMER not in text and LEAD_NOTE not in text
    # Recomputed total of the seed under xiangtan-2024 (hand-derived in tests/test_scoring.py) and its grade.
    assert "测算得分88.83分，等级为良（适用指标覆盖率94.00%）" in text
    assert "单位自评100分，等级“优”；测算得分比自评低11.17分" in text
    assert "若单位关于年中追加资金不计入预算调整数的说明经核实成立，测算得分为97.34分，等级为优。" in text
    captions = [p.text for p in review_document.paragraphs if p.style.name == "表题"]
    assert captions == ["表1 测算得分明细"]
    scores = review_document.tables[0]
    assert [c.text for c in scores.rows[0].cells] == ["指标", "分值", "测算得分", "说明"]
    a21 = next([c.text for c in r.cells] for r in scores.rows if r.cells[0].text == "预算调整率")
    assert a21[2] == "0.00" and "高于30%，得0.00分（满分8分）" in a21[3]
    # Plain Chinese: no rule ids, no field paths, no formula signs.
    assert not CHECK_ID.findall(text) and "÷" not in text and ">=" not in text
    # The eight 需核实 findings, numbered, named as the page names them (a project's message names it itself).
    listed = [p.text for p in review_document.paragraphs if re.match(r"\d\. ", p.text)]
    assert [t.split("：")[0].split("「")[0] for t in listed[:8]] == [
        "1. 支出情况", "2. 年中预算调整", "3. 项目1", "4. 项目3", "5. 项目5", "6. 项目6", "7. 项目8", "8. 财政部门预算批复情况"]
    # No chart: the opinion holds its conclusion, findings, advice and the scores table.
    assert len(review_document.inline_shapes) == 0


def test_tables_repeat_headers_and_images_are_sharp(document: docx.document.Document,
                                                     review_document: docx.document.Document) -> None:
    for doc in (document, review_document):
        for shape in doc.inline_shapes:
            blip = shape._inline.graphic.graphicData.pic.blipFill.blip
            png = doc.part.related_parts[blip.embed].blob
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            pixels = int.from_bytes(png[16:20], "big")
            assert pixels / (shape.width / 914400) >= 300, (pixels, shape.width)   # EMU: 914400 per inch
        # Every table repeats its header row on each page and never splits a row.
        for table in doc.tables:
            rows = table._tbl.findall(qn("w:tr"))
            assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
            assert all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)


def _fonts(style) -> dict[str, str]:  # type: ignore[no-untyped-def]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def test_gbt_9704_layout(document: docx.document.Document, review_document: docx.document.Document) -> None:
    """党政机关公文格式 (GB/T 9704-2012): A4, margins 37/35/28/26 mm; title 二号 方正小标宋简体; body 三号
    仿宋_GB2312; 一级 黑体, 二级 楷体_GB2312, 三级 仿宋 bold; fallbacks in the font table; page numbers
    "— N —" in 四号, odd pages right and even pages left."""
    for doc in (document, review_document):
        styles = doc.styles
        assert _fonts(styles["Title"])["eastAsia"] == "方正小标宋简体" and styles["Title"].font.size.pt == 22
        normal = _fonts(styles["Normal"])
        assert normal["eastAsia"] == "仿宋_GB2312" and "eastAsiaTheme" not in normal
        assert styles["Normal"].font.size.pt == 16 and styles["正文段落"].paragraph_format.first_line_indent.pt == 32
        assert _fonts(styles["Heading 1"])["eastAsia"] == "黑体" and styles["Heading 1"].font.size.pt == 16
        assert _fonts(styles["Heading 2"])["eastAsia"] == "楷体_GB2312"
        assert _fonts(styles["Heading 3"])["eastAsia"] == "仿宋_GB2312" and styles["Heading 3"].font.bold
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            assert not any(k.endswith("Theme") for k in _fonts(styles[name])), name
        font_table = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")).blob
        for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
            assert re.search(rf'w:name="{name}">\s*<w:altName w:val="{alt}"/>', font_table.decode("utf-8")), name
        section = doc.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                      section.right_margin)] == [37, 35, 28, 26]
        assert doc.settings.odd_and_even_pages_header_footer
        for footer, align in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):
            p = footer.paragraphs[0]
            assert p.text.startswith("— ") and p.text.endswith(" —") and p.alignment.name == align
            assert "PAGE" in p._p.xml and p.style.font.size.pt == 14
    body = [p for p in document.paragraphs if p.text.startswith("2024年度，湘潭市民政局一般公共预算财政拨款收入")]
    assert body and body[0].style.name == "正文段落"


def test_html_blocks_keep_bold_numbering_and_unescape() -> None:
    blocks = html_blocks('<ol class="x"><li value="3"><strong>目标3：</strong>A &amp; B</li><li>C</li></ol>'
                         "<p>“甲”&lt;乙&gt;</p>")
    assert [b.text for b in blocks] == ["3. 目标3：A & B", "4. C", "“甲”<乙>"]
    assert blocks[0].runs[1] == ("目标3：", True) and blocks[0].runs[2] == ("A & B", False)


def test_word_download_path_and_stable_bytes(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    nb = chapter_notebook(seed, FRAMEWORK, ROOT / "data")
    page = Page("department", seed.code, seed.year, ROOT / "data", FRAMEWORK)
    rel = "2024/xiangtan-minzheng/xiangtan-minzheng-2024.docx"
    files = page_downloads(nb, page)
    assert rel in files and files[rel][:2] == b"PK"
    assert files["2024/xiangtan-minzheng/xiangtan-minzheng-2024-测算意见.docx"][:2] == b"PK"
    assert rel in {str(p.relative_to(tmp_path)) for p in write_downloads(files, tmp_path)}
    first = (tmp_path / rel).read_bytes()
    mtime = (tmp_path / rel).stat().st_mtime_ns
    assert page_downloads(nb, page)[rel] == first          # the same bytes for the same input
    assert write_downloads(page_downloads(nb, page), tmp_path) == []   # nothing rewritten
    assert (tmp_path / rel).read_bytes() == first and (tmp_path / rel).stat().st_mtime_ns == mtime


def test_cli_export_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "民政局.docx"
    code = main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(ROOT / "data"),
                 "--frameworks-dir", str(ROOT / "data" / "frameworks")])
    assert code == 0 and str(out) in capsys.readouterr().out
    assert docx.Document(str(out)).paragraphs[0].text == "2024年湘潭市民政局部门整体支出绩效评价报告"
    # --part review: our 测算意见; a framework given by path is the one it is scored under.
    common_yaml = ROOT / "data" / "frameworks" / "common.yaml"
    common = tmp_path / "common.docx"
    assert main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(common), "--data-dir", str(ROOT / "data"),
                 "--framework", str(common_yaml), "--part", "review"]) == 0
    title = load_framework(common_yaml).title
    assert title != load_framework(FRAMEWORK).title
    assert f"按“{title}”测算" in _all_text(docx.Document(str(common)))
    assert f"按“{title}”" not in _all_text(docx.Document(str(out)))


def test_cli_export_docx_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(tmp_path / "a.docx"),
                 "--data-dir", str(ROOT / "data"), "--framework", "no-such-framework",
                 "--frameworks-dir", str(ROOT / "data" / "frameworks")]) == 2
    assert "no-such-framework" in capsys.readouterr().err
    assert main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(tmp_path / "a.txt"),
                 "--data-dir", str(ROOT / "data")]) == 2
    assert main(["export-docx", "no-such-dept", "2024", "-o", str(tmp_path / "b.docx"),
                 "--data-dir", str(ROOT / "data")]) == 2
    with pytest.raises(SystemExit):     # argparse: an unknown part is a usage error
        main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(tmp_path / "c.docx"), "--part", "all",
              "--data-dir", str(ROOT / "data")])
    assert not list(tmp_path.iterdir())
