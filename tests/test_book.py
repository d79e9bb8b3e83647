"""End to end: build the book from the shipped data into a temporary project and read the HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import SEED_TEXT

PAGE = Path("_build/html/book/2024/xiangtan-minzheng.html")

SECTIONS = ["单位自评报告", "一、部门概况", "单位基本职能", "长期规划", "年度计划", "部门整体支出绩效目标",
            "二、部门整体支出管理和使用情况", "收入情况", "支出情况", "财政部门预算批复情况", "部门年度预算执行情况",
            "“三公”经费", "公用经费", "政府采购及其他", "预算管理情况", "资产管理情况", "效果产出情况",
            "三、绩效目标完成情况", "四、项目支出情况", "五、存在的问题及改进措施", "六、其他需要说明问题",
            "七、单位自评表", "测算与核查", "一、测算得分", "二、主要比率", "三、数据核查"]

# Every figure the seed states about the department, read by hand from the seed report.
SEED_FIGURES = [
    # amounts (万元)
    "2373.85万元", "3229.37万元", "855.52万元", "1723.59万元", "1581.75万元", "141.84万元", "1505.78万元",
    "1595.3万元", "1339.41万元", "255.88万元", "778.55万元", "15.61万元", "6.01万元", "9.6万元", "9.32万元",
    "5.78万元", "3.54万元", "118.74万元", "3120.6万元", "非税收入拨款0万元", "其他收入0万元",
    "结转结余资金0万元", "因公出国（境）费0万元",
    # projects
    "1700万元", "1190.27万元", "700万元", "655.0411万元", "90.91万元", "53.91万元", "205.44万元", "65万元",
    "45.07万元", "400万元", "3433.269万元", "2994.6575万元", "6427.9265万元", "110万元", "130万元", "100万元",
    "1600元/人/月", "1150元/人/月", "148人", "3522人", "80-99岁", "90岁以上", "381002人次", "331949人次",
    "800余人次", "163名", "2024年12月底",
    # goals and completion
    "951个村（社区）", "至少15件", "至少做好3次", "5820块次", "不高于5%", "99人", "23件", "4次", "100%", "90%以上",
    "小视频15个", "30秒", "120秒", "6篇", "不少于10处", "5家媒体20个链接", "5次", "专题讨论3次", "培训2次",
    "500人次", "93.88%", "24家", "6家社会组织获得3A及以上等级", "120余人", "2023年社会工作者", "10家慈善组织",
    "2家基金会", "400多篇", "200多篇", "8个绩效目标", "超50万元以上项目8个",
    # scores, dates
    "预算执行得分30分", "预算管理得分20分", "资产管理得分5分", "效果产出得分45分", "2025年5月30日",
    # derived figures a reader needs
    "36.04%", "59.71%", "70.02%", "59.30%", "69.34%", "76.92%",
]


@pytest.fixture(scope="module")
def built(built_book: Path) -> Path:
    return built_book


def _page_text(built: Path) -> str:
    soup = BeautifulSoup((built / PAGE).read_text(encoding="utf-8"), "html.parser")
    main_el = soup.find("main") or soup
    return re.sub(r"\s+", "", main_el.get_text())


def test_every_seed_figure_is_on_the_page(built: Path) -> None:
    text = _page_text(built)
    missing = [f for f in SEED_FIGURES if f.replace(" ", "") not in text]
    assert missing == []


def test_every_decimal_number_of_the_seed_is_on_the_page(built: Path) -> None:
    # Independent of the list above: every number with decimals in the seed text.
    # "9.50万元以上项目" is item number 9 followed by "50万元", not a decimal: skip numbers followed by that.
    seed_numbers = set(re.findall(r"\d+\.\d+(?!\d|万元以上项目)", SEED_TEXT.read_text(encoding="utf-8")))
    text = _page_text(built)
    assert seed_numbers and sorted(n for n in seed_numbers if n not in text) == []


def test_sections_in_the_seed_order(built: Path) -> None:
    soup = BeautifulSoup((built / PAGE).read_text(encoding="utf-8"), "html.parser")
    headings = [re.sub(r"[\s#¶]", "", h.get_text()) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert headings[0] == "2024年湘潭市民政局部门整体支出绩效评价报告"
    positions = []
    for section in SECTIONS:
        matches = [i for i, h in enumerate(headings) if section.replace(" ", "") in h]
        assert matches, f"section {section} missing"
        positions.append(matches[0])
    assert positions == sorted(positions)
    # The two parts are sections of their own (styled apart), the unit's first; ours never inside it.
    unit, review = soup.select_one("section#pe-unit-report"), soup.select_one("section#pe-review")
    assert unit is not None and review is not None and review.find_parent("section", id="pe-unit-report") is None
    assert unit.find(string=re.compile("测算得分")) is None and review.find("blockquote") is None
    assert re.sub(r"\s", "", review.select_one("div.pe-disclaimer").get_text()).startswith("本测算依据公开数据")


def test_no_code_parameters_or_stderr_on_the_page(built: Path) -> None:
    html = (built / PAGE).read_text(encoding="utf-8")
    assert "Chapter.load" not in html and "ch.summary()" not in html
    assert "injected-parameters" not in html and "data_dir" not in html
    assert "stderr" not in html and "Traceback" not in html
    assert len(re.findall(r"<img [^>]*src=\"[^\"]+\.png\"", html)) >= 4


def test_charts_have_numbers_captions_and_chinese_alt_text(built: Path) -> None:
    soup = BeautifulSoup((built / PAGE).read_text(encoding="utf-8"), "html.parser")
    images = [img for img in soup.select("main img") if img["src"].endswith(".png")]
    assert len(images) == 4
    for img in images:
        alt = img.get("alt", "")
        assert re.match(r"^(饼图|柱状图|条形图)：", alt) and ".png" not in alt and re.search(r"\d", alt), alt
    captions = [p.get_text() for p in soup.select("p.pe-figure-caption")]
    assert [c.split(" ", 1)[0] for c in captions] == ["图1", "图2", "图3", "图4"]
    tables = [c.get_text() for c in soup.select("table.pe-table > caption")]   # the table's own caption
    assert [int(re.match(r"表(\d+) ", t).group(1)) for t in tables] == list(range(1, len(tables) + 1))
    assert len(tables) == len(soup.select("main table.pe-table"))   # goal tables included
    # Every table links its CSV, which the build wrote from the notebook (the kernel writes no file).
    links = [a["href"] for a in soup.select("p.pe-download a")]
    assert len(links) == len(tables)
    for href in links:
        assert (built / PAGE).parent.joinpath(href).resolve().is_file(), href


def test_search_splitter_is_the_sphinx_language_hook(built: Path) -> None:
    language_data = (built / "_build/html/_static/language_data.js").read_text(encoding="utf-8")
    assert "function splitQuery(query)" in language_data and "perfevalZhSearch" in language_data
    assert not (built / "_build/html/_static/zh-search.js").exists()


def test_how_to_read_is_generated_from_the_outline(built: Path) -> None:
    from perfeval.pages import how_to_read_markdown

    assert (built / "book/how-to-read.md").read_text(encoding="utf-8") == how_to_read_markdown()
    soup = BeautifulSoup((built / "_build/html/book/how-to-read.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.find("main").get_text()
    assert "数据核查" in text and "测算得分" in text and "复核" not in text


def test_toc_generated_from_data(built: Path) -> None:
    toc = (built / "_toc.yml").read_text(encoding="utf-8")
    assert "book/2024/xiangtan-minzheng" in toc and "2024年度" in toc


def test_search_index_finds_the_page(built: Path) -> None:
    raw = (built / "_build/html/searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1: raw.rindex(")")])
    doc = index["docnames"].index("book/2024/xiangtan-minzheng")
    for term in ("预算执行率", "民政局"):
        # Sphinx keeps a page's title words in titleterms only; its search reads both maps.
        hits: list[int] = []
        for table in ("terms", "titleterms"):
            found = index[table].get(term, [])
            hits += found if isinstance(found, list) else [found]
        assert doc in hits, term


def test_manifest_records_the_run(built: Path) -> None:
    manifest = json.loads((built / "_build/build.json").read_text(encoding="utf-8"))
    assert "book/2024/xiangtan-minzheng" in manifest["executed"] and manifest["failed"] == {}
    assert manifest["runs"]["book/2024/xiangtan-minzheng"]["status"] == "executed"
