"""Word export: sections in the chapter's order, the seed's key figures, tables, charts, fonts, the CLI."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from perfeval.cli import main
from perfeval.pages import OUTLINE, Page, export_docx, page_downloads, write_downloads
from perfeval.pages.docx_layout import html_blocks
from perfeval.review.frameworks import load_framework

from .chapter_outputs import chapter_notebook
from .conftest import ROOT

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"

# The headings of the book chapter, as written in notebooks/department.ipynb (independent of OUTLINE).
HEADINGS = [
    "一、部门概况", "（一）单位基本职能", "（二）长期规划", "（三）年度计划", "二、部门整体支出绩效目标",
    "三、部门整体支出管理和使用情况", "（一）收支情况", "（二）财政部门预算批复与执行情况", "（三）“三公”经费",
    "（四）预算管理情况", "（五）资产管理情况", "（六）效果产出情况", "四、自评得分与复核得分", "（一）单位自评得分",
    "（二）复核得分", "五、绩效目标完成情况", "六、50万元以上项目", "七、存在的问题及改进措施",
    "八、其他需要说明问题", "九、数据核查",
]
# Figures of the seed report (年初预算, 调整后预算, 预算调整率, a project's actual, 三公 control rate and actual).
KEY_FIGURES = ["2373.85", "3229.37", "36.04%", "655.0411", "59.71%", "9.32"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, seed) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    assert export_docx(seed, path, FRAMEWORK, ROOT / "data") == path
    return path


@pytest.fixture(scope="module")
def document(exported: Path) -> docx.document.Document:
    return docx.Document(str(exported))


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


def test_title_and_every_section_heading_in_order(document: docx.document.Document) -> None:
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "2024年湘潭市民政局部门整体支出绩效评价报告"
    headings = [text for level, text in _headings(document) if level <= 2]
    # The seed has no earlier year: no 历年对比 section (the book drops it as well); the appendix is last.
    assert headings == HEADINGS + ["附表 部门整体支出绩效自评表"]
    levels = dict((text, level) for level, text in _headings(document))
    assert levels["一、部门概况"] == 1 and levels["（一）单位基本职能"] == 2


def test_outline_follows_the_template_notebook() -> None:
    """The notebook's markdown headings and section calls, in order, are the outline's (tags included)."""
    nb = json.loads((ROOT / "notebooks" / "department.ipynb").read_text(encoding="utf-8"))
    expected: list[tuple[int, str, str, str]] = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip()
        tags = [t for t in cell["metadata"].get("tags", []) if t.startswith("if-")]
        if cell["cell_type"] == "markdown":
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
    # Every section method exists on the chapter.
    from perfeval.pages import Chapter
    assert all(callable(getattr(Chapter, s.method)) for s in OUTLINE if s.method)


def test_key_figures_of_the_seed(document: docx.document.Document) -> None:
    text = _all_text(document)
    missing = [f for f in KEY_FIGURES if f not in text]
    assert missing == []
    # Prose from the chapter template, as plain text (no tags, entities unescaped).
    assert "预算调整率（年中调整预算数占年初预算的比例）为36.04%" in text
    assert "“三公”经费控制率（实际支出占预算的比例）为59.71%" in text
    assert "<" not in text and "&amp;" not in text and "&ldquo;" not in text


def test_tables_charts_scores_and_findings(document: docx.document.Document) -> None:
    text = _all_text(document)
    captions = [p.text for p in document.paragraphs if p.style.name == "表题"]
    # Tables are numbered 表1, 表2, … in order of appearance (the appendix's 自评表 comes last, unnumbered);
    # each of the seed's 8 goals has its indicator table.
    numbered = [c for c in captions if c.startswith("表")]
    assert [int(re.match(r"表(\d+) ", c).group(1)) for c in numbered] == list(range(1, len(numbered) + 1))
    titles = [c.split(" ", 1)[1] for c in numbered]
    assert titles == ["部门基本情况", "收支及预算执行情况（万元）", "“三公”经费预算与实际（万元）", "单位自评得分",
                      "自评得分与复核得分对比", f"复核得分明细（{load_framework(FRAMEWORK).title}）",
                      "绩效目标完成情况汇总", *[f"目标{n}绩效指标完成情况" for n in range(1, 9)],
                      "50万元以上项目预算与执行（万元）", "存在的问题及整改清单", "数据核查结果"]
    figures = [p.text for p in document.paragraphs if p.style.name == "图题"]
    assert [f.split(" ", 1)[0] for f in figures] == ["图1", "图2", "图3", "图4"]
    # Recomputed total of the seed under xiangtan-2024 (hand-derived in tests/test_scoring.py) and its grade.
    assert "复核得分88.83分，等级为“良”" in text
    # Four charts: spending structure, budget vs actual, 三公, project execution — real PNG images.
    assert len(document.inline_shapes) == 4
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == 4 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)
    # Sharp in print: every chart is placed at 300 pixels per inch or more (its PNG width over its width on
    # the page; EMU: 914400 per inch).
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        png = document.part.related_parts[blip.embed].blob
        pixels = int.from_bytes(png[16:20], "big")
        assert pixels / (shape.width / 914400) >= 300, (pixels, shape.width)
    # Every table repeats its header row on each page and never splits a row.
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        assert all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)


def test_self_assessment_table(document: docx.document.Document) -> None:
    table = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "分值", "自评得分", "复核得分"]
    subtotals = {r[0]: r for r in rows if r[1] == "小计"}
    # Self-scores of the seed report and the recomputed level-1 scores (hand-derived in tests/test_scoring.py).
    assert {k: (v[3], v[4], v[5]) for k, v in subtotals.items()} == {
        "预算执行": ("30", "30", "16"), "预算管理": ("20", "20", "17.5"),
        "资产管理": ("5", "5", "5"), "效果产出": ("45", "45", "45"),
    }
    assert rows[-1][0] == "合计" and rows[-1][3:] == ["100", "100", "88.83"]
    # The level-3 rows of each group add up to its subtotal (weights and recomputed scores; a not-applicable
    # indicator — 项目预算执行率, the seed's projects being managed funds — adds nothing to the score).
    assert [r[2] for r in rows if r[5] == "不适用"] == ["项目预算执行率"]
    for name, sub in subtotals.items():
        leaves = [r for r in rows[1:-1] if r[0] == name and r[1] != "小计"]
        assert leaves and all(r[2] for r in leaves)
        assert sum(Decimal(r[3]) for r in leaves) == Decimal(sub[3])
        assert sum(Decimal(r[5]) for r in leaves if r[5] != "不适用") == Decimal(sub[5])
    assert ["预算执行", "预算调整", "预算调整率", "8", "", "0"] in rows


def _fonts(style) -> dict[str, str]:  # type: ignore[no-untyped-def]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def test_chinese_fonts_in_styles(document: docx.document.Document) -> None:
    normal = _fonts(document.styles["Normal"])
    assert normal["eastAsia"] == "仿宋" and "eastAsiaTheme" not in normal
    assert _fonts(document.styles["表格文字"])["eastAsia"] == "宋体"
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "表题"):
        fonts = _fonts(document.styles[name])
        assert fonts["eastAsia"] == "黑体" and not any(k.endswith("Theme") for k in fonts), name
    body = [p for p in document.paragraphs if p.text.startswith("2024年度湘潭市民政局财政拨款收入")]
    assert body and body[0].style.name == "正文段落"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


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
    # A framework given by path is the one the document is scored under.
    common_yaml = ROOT / "data" / "frameworks" / "common.yaml"
    common = tmp_path / "common.docx"
    assert main(["export-docx", "xiangtan-minzheng", "2024", "-o", str(common), "--data-dir", str(ROOT / "data"),
                 "--framework", str(common_yaml)]) == 0
    title = load_framework(common_yaml).title
    assert title != load_framework(FRAMEWORK).title
    assert f"按“{title}”复核得分" in _all_text(docx.Document(str(common)))
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
    assert not list(tmp_path.iterdir())
