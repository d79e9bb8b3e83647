"""Issue 20: the report is part of the book, every figure is traceable, 原文 is verbatim, absence claims are true.

Expected values are read by hand from the seed report (tests/fixtures/seed-xiangtan-minzheng-2024.txt, a copy of
the published 湘潭市民政局 2024 report) and from the real-report digests; the text comparisons use the tests' own
normalization (:func:`flat`), not the package's.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.model import DepartmentYear, load_department, record_data, write_record
from perfeval.model.files import read_yaml
from perfeval.pages.docx import document_bytes
from perfeval.pages.source_page import SourcePage
from perfeval.provenance import RecordTrace, SourceText

from .chapter_outputs import chapter_notebook
from .conftest import ROOT, SEED_DATA, SEED_TEXT, copy_seed
from .import_helpers import ALL_REPORTS, REAL, REAL_REPORTS, import_real_reports
from .import_helpers import main as import_main

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
SEED_SOURCE = ROOT / "data" / "2024" / "xiangtan-minzheng.source.txt"
_ASCII_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def flat(text: str) -> str:
    """Text for comparing words: NFKC, no whitespace, no markup, no rows of dashes (a page's layout), ASCII
    punctuation as full-width."""
    text = re.sub(r"<[^<>]*>|-{2,}", "", text)
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).translate(_ASCII_PUNCT)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。；！？]", flat(text)) if s]


def unit_part_html(rec: DepartmentYear, data_dir: Path) -> str:
    """The HTML the unit's part of a chapter shows (every output of its sections, in order)."""
    nb = chapter_notebook(rec, FRAMEWORK, data_dir)
    out, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if cell.source.startswith("## "):
                inside = cell.source == "## 单位自评报告"
            continue
        if inside or cell.source in ("ch.summary()",):
            out += ["".join(o.get("data", {}).get("text/html", "")) for o in cell.outputs]
    return "\n".join(out)


def chapter_text(rec: DepartmentYear, data_dir: Path) -> str:
    """The text of the whole chapter (the lead, 单位自评报告 and 测算与核查)."""
    nb = chapter_notebook(rec, FRAMEWORK, data_dir)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return BeautifulSoup(html, "html.parser").get_text()


@pytest.fixture(scope="module")
def seed_html(seed: DepartmentYear) -> str:
    return unit_part_html(seed, ROOT / "data")


@pytest.fixture(scope="module")
def seed_trace(seed: DepartmentYear) -> RecordTrace:
    return RecordTrace.of(seed, SEED_DATA)


# --- the report is part of the book -----------------------------------------------------------------

def test_the_seed_report_is_kept_beside_its_data_with_its_hash(seed: DepartmentYear) -> None:
    assert SEED_SOURCE.read_bytes() == SEED_TEXT.read_bytes()
    assert seed.source is not None and seed.source.file == "xiangtan-minzheng.source.txt"
    assert seed.source.sha256 == hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()


def _seed_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "2024"
    folder.mkdir(parents=True)
    shutil.copy(SEED_DATA, folder)
    shutil.copy(SEED_SOURCE, folder)
    return folder / SEED_DATA.name


def test_a_changed_or_missing_source_document_is_a_validation_error_naming_it(tmp_path: Path) -> None:
    path = _seed_copy(tmp_path)
    load_department(path)
    source = path.with_name("xiangtan-minzheng.source.txt")
    source.write_text(source.read_text(encoding="utf-8").replace("3229.37", "3229.38"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_department(path)
    assert info.value.field == "source.sha256" and str(source) in info.value.message
    source.unlink()
    with pytest.raises(DataError) as info:
        load_department(path)
    assert info.value.field == "source.file" and "不存在" in info.value.message and str(source) in info.value.message
    assert main(["validate", "--data-dir", str(tmp_path / "data")]) == 2


@pytest.mark.parametrize("name", ["report.txt", "xiangtan-minzheng.txt", "../xiangtan-minzheng.source.txt",
                                  "xiangtan-minzheng.source.doc", "other.source.txt"])
def test_the_source_is_named_by_the_code_beside_the_data_file(seed: DepartmentYear, name: str) -> None:
    data = record_data(seed)
    data["source"]["file"] = name
    with pytest.raises(ValueError):
        DepartmentYear.model_validate(data)


def test_the_source_page_shows_the_report_faithfully_with_an_anchor_at_every_sentence(seed: DepartmentYear) -> None:
    page = SourcePage(seed, SourceText.read(SEED_SOURCE))
    soup = BeautifulSoup(page.header() + page.body(), "html.parser")
    text = flat(soup.get_text())
    # Every word of the report is on the page, in order (paragraph numbers, markup and dash rows aside).
    report = re.sub(r"-", "", flat(SEED_TEXT.read_text(encoding="utf-8")))
    shown = re.sub(r"-", "", flat("".join(s.get_text() for s in soup.select(".pe-src-s, .pe-src-cell"))))
    assert shown == report
    assert "为全市163名精神障碍患者中的特困人员" in text
    # A sentence anchor per sentence, a paragraph number per paragraph (a table row counts as one).
    ids = [tag["id"] for tag in soup.select("[id^=src-s], [id^=src-c]")]
    assert len(ids) == len(set(ids)) > 100 and soup.select("td[id^=src-c]")
    numbers = [int(n.get_text()) for n in soup.select(".pe-src-n")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert soup.select_one("a[href='../xiangtan-minzheng.html']") is not None


def test_the_source_page_escapes_everything(tmp_path: Path, seed: DepartmentYear) -> None:
    hostile = tmp_path / "x.source.txt"
    hostile.write_text("单位名称：<script>alert(1)</script>某局\n收入合计 12 万元，\"引号\" & 符号。\t<img src=x onerror=alert(2)>\n",
                       encoding="utf-8")
    page = SourcePage(seed, SourceText.read(hostile))
    html = page.body()
    assert "<script" not in html and "<img" not in html and "&amp;" in html
    assert "收入合计 12 万元" in BeautifulSoup(html, "html.parser").get_text()


# --- every figure traceable -------------------------------------------------------------------------

def test_every_figure_of_the_seed_finds_its_sentence(seed_trace: RecordTrace) -> None:
    report = flat(SEED_TEXT.read_text(encoding="utf-8"))
    figures = [t for t in seed_trace.values.values() if t.kind == "figure"]
    assert len(figures) > 80
    for t in figures:
        assert t.how in ("matched", "ambiguous", "derived"), (t.path, t.how, t.note)
        assert t.places, t.path
        for place in t.places:
            assert flat(place.text) in report
            if t.how != "derived":
                number = t.value if t.value != "0" else "0"
                assert number in flat(place.text) or (t.value == "0" and "零" in place.text), (t.path, place.text)
    ambiguous = {t.path for t in figures if t.how == "ambiguous"}
    assert len(ambiguous) < len(figures) // 5, ambiguous


@pytest.mark.parametrize(("path", "sentence"), [
    # read by hand from the seed report
    ("income.appropriation.actual", "1. 收入情况：2024 年度我局财政拨款收入 3229.37 万元"),
    ("expenditure.total.actual", "2. 支出情况：2024 年度财政拨款支出 3229.37 元。"),
    ("expenditure.basic.actual", "基本支出情况：合计数为 1723.59 万元"),
    ("projects[1].actual", "(2) 低保员工资 700 万元，财政资金实际拨付 655.0411 万元"),
    ("projects[0].budget", "(1)困难群众生活救助市本级预算安排资金1700万元"),
    ("sangong.reception.actual", "公务接待费为 3.54 万元"),
    ("carryover.non_fiscal", "非财政拨款结转资金为 118.74 万元"),
    ("management.lottery_fund", "市级福彩公益金项目资金共计3120.6万元"),
    ("approval.year_as_written", "2023 年度批复我局部门预算支出预算总数"),
    ("goals[4].indicators[4].actual.value", "社会组织年检参检率达93.88%"),
])
def test_figures_of_the_seed_point_at_their_own_sentence(seed_trace: RecordTrace, path: str, sentence: str) -> None:
    trace = seed_trace.values[path]
    assert trace.how == "matched", (path, trace)
    assert flat(sentence) in flat(trace.places[0].text)


def test_every_quoted_text_of_the_seed_is_found(seed_trace: RecordTrace) -> None:
    texts = [t for t in seed_trace.values.values() if t.kind == "text"]
    lost = [(t.path, t.missing) for t in texts if t.how not in ("matched", "derived")]
    assert lost == []


def test_the_seed_chapter_links_each_figure_and_quotation_to_its_place(seed_html: str, seed: DepartmentYear) -> None:
    soup = BeautifulSoup(seed_html, "html.parser")
    page = BeautifulSoup(SourcePage(seed, SourceText.read(SEED_SOURCE)).body(), "html.parser")
    anchors = {tag["id"]: tag for tag in page.select("[id]")}
    links = soup.select("a.pe-src, a.pe-cite")
    assert len(links) > 100
    for link in links:
        href = link["href"]
        assert href.startswith("source/xiangtan-minzheng.html#src-"), href
        target = anchors[href.split("#")[1]]
        paragraph = target if target.name in ("p", "tr") else target.find_parent(["p", "tr"])
        number = paragraph.select_one(".pe-src-n").get_text()
        ref = link.get("data-ref") or link.get_text()
        assert ref == f"原报告第{number}段"
        if "pe-src" in link["class"] and "pe-src-derived" not in link["class"]:
            digits = re.sub(r"[^\d.]", "", link.get_text())
            assert digits in flat(target.get_text()) or (digits == "0" and "零" in target.get_text()), (link, target)
    # every quotation box ends with its reference
    for box in soup.select("blockquote.pe-quote"):
        assert box.select("a.pe-cite") or box.find("ol"), box
    lead = soup.select_one("div.pe-summary").get_text()
    assert "财政拨款收入3229.37万元" in flat(lead)


# --- 原文 means verbatim ----------------------------------------------------------------------------

def test_every_sentence_quoted_in_the_seed_chapter_is_in_the_report(seed_html: str) -> None:
    report = flat(SEED_TEXT.read_text(encoding="utf-8"))
    soup = BeautifulSoup(seed_html, "html.parser")
    quoted: list[str] = []
    for box in soup.select("blockquote.pe-quote"):
        for cite in box.select("a.pe-cite"):
            cite.decompose()
        for item in box.find_all(["p", "li"]):
            strong = item.find("strong")
            if strong is not None:
                strong.decompose()     # 目标1： is the list's label
            quoted += sentences(item.get_text())
    assert len(quoted) > 100
    missing = [s for s in quoted if s not in report]
    assert missing == []
    text = flat(soup.get_text())
    for kept in ("为全市163名精神障碍患者中的特困人员", "走访慰问困难群众800余人次",
                 "全市共发放困难残疾人生活补贴381002人次"):
        assert kept in text
    assert "所有资金于2024年12月底发放到位，强化残疾人" not in text


def test_the_approval_year_stays_as_the_report_wrote_it(seed_html: str) -> None:
    text = flat(BeautifulSoup(seed_html, "html.parser").get_text())
    assert "2023年度批复湘潭市民政局部门预算支出总数2373.85万元" in text
    assert "部门预算支出总数2373.85万元" not in text.split("原报告另述")[0]


def test_completions_keep_the_reports_order_and_the_pairing_is_labelled(seed_html: str) -> None:
    soup = BeautifulSoup(seed_html, "html.parser")
    titles = [flat(h.get_text()) for h in soup.select("h4.pe-goal-title")]
    assert titles[:4] == ["1.儿童关爱不断加强", "2.提升政务服务能力", "3.路名牌维护、清洁工作顺利完成",
                          "4.着力提升基层社会治理水平"]
    arranged = [flat(p.get_text()) for p in soup.select("p.pe-arranged")]
    assert any("本书整理" in a and "目标4" in a and "第2条" in a for a in arranged)
    captions = [p.get_text() for p in soup.select(".pe-caption")]   # a table's <caption>, a figure's <p>
    assert any("绩效指标（本书据原报告文字整理）" in c for c in captions)
    assert any("单位自评得分（本书据原报告文字整理）" in c for c in captions)
    assert "原报告未附单位自评表" in soup.get_text()


def test_the_units_word_file_holds_the_reports_words_and_nothing_we_arranged(seed: DepartmentYear) -> None:
    report = flat(SEED_TEXT.read_text(encoding="utf-8"))
    doc = docx.Document(io.BytesIO(document_bytes(seed, FRAMEWORK, ROOT / "data", part="unit")))
    text = "\n".join(p.text for p in doc.paragraphs)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("表")]
    assert not any("绩效指标" in c or "自评得分" in c for c in captions), captions
    assert "本书整理" not in text and "原报告第" not in text
    assert "为全市163名精神障碍患者中的特困人员" in text
    for goal in ("儿童督导员培训参加人数", "集中供养孤儿基本生活补贴标准"):
        assert goal not in text
    assert flat("2023年度批复") in flat(text) and "1.儿童关爱不断加强" in flat(text)
    assert report  # the report read


# --- absence claims are true ------------------------------------------------------------------------

#: What each claim says the report lacks, and how this test recognises a report line that states it.
CLAIMS: dict[str, tuple[str, bool]] = {
    "单位基本职能": (r"职能|职责", False),
    "长期规划": (r"规划", False),
    "年度计划": (r"年度计划|工作计划|工作要点|工作安排|工作思路|年度工作|重点工作|工作任务", False),
    "部门整体支出绩效目标": (r"目标", False),
    "收入情况": (r"收入|拨款", True),
    "支出情况": (r"支出|经费|决算", True),
    "财政部门预算批复情况": (r"批复|下达|年初预算|预算数|预算总|部门预算|预算安排", True),
    "财政部门批复的预算数": (r"批复|下达|年初预算|预算数|预算总|部门预算|预算安排", True),
    "预算执行情况": (r"执行|结转|结余|调整|决算", False),
    "“三公”经费": (r"三公|公务接待|公务用车|公车|出国", False),
    "公用经费明细": (r"公用经费.{0,8}(?:其中|包括|明细)|办公费|水电费|差旅费|会议费|培训费|印刷费|邮电费|维修费|租赁费|物业费"
                     r"|物业管理费|福利费|交通费", True),
    "政府采购金额、基本支出预算调整和楼堂馆所情况": (r"采购|楼堂馆所|预算调整|建设规模|概算", True),
    "预算管理情况": (r"预算管理|财务管理|内控|内部控制|管理制度|财务制度", False),
    "资产管理情况": (r"资产", False),
    "效果产出情况": (r"效果|产出|成效|效益|绩效目标", False),
    "绩效目标完成情况": (r"完成|实现|达到", False),
    "的完成情况": (r"完成|实现|达到|达成", False),          # 目标1的完成情况: one goal's
    "本部门的项目支出明细": (r"项目|专项|经费", True),
    "存在的问题及改进措施": (r"问题|不足|整改|改进", False),
    "其他需要说明的问题": (r"需要说明|其他说明", False),
    "单位自评表": (r"自评表|评分表|指标表|评价表|指标体系|分值|权重", False),
    "收支金额和自评得分": (r"收入|支出|得分|拨款|经费", True),
    # 测算与核查: the rates need budgets (预算数) and actual figures (决算数); "…预算数和决算数": neither.
    "预算数": (r"批复|下达|年初预算|预算数|预算总|部门预算|预算安排", True),
    "预算数和决算数": (r"批复|下达|预算|支出|经费|决算", True),
    "决算数": (r"支出|经费|决算", True),
}
ABSENCE = re.compile(r"原报告未(?:披露|列示|说明|附)([^。，]*)[。，]")
MONEY = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|%|分)")


def claim_is_true(claim: str, report: str) -> bool:
    pattern, figure = next(v for k, v in CLAIMS.items() if claim.endswith(k))
    for line in re.split(r"[。\n]", report):
        # an attachment the report names ("附件6 收入支出决算表") holds its figures elsewhere: the report has them
        if re.search(pattern, line) and (not figure or MONEY.search(line) or re.search(r"附件|附表", line)):
            return False
    return True


@pytest.fixture(scope="module")
def real_drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return import_real_reports(tmp_path_factory.mktemp("real") / "data", ALL_REPORTS)


@pytest.mark.parametrize("code", sorted(ALL_REPORTS))
def test_every_absence_claim_about_a_real_report_is_true(real_drafts: dict[str, Path], code: str) -> None:
    # Every shared digest, Hunan's six and the seven of other provinces: each "原报告未…" sentence of its page is
    # checked against the report's own lines (the digest's header lines about the digest are not the report).
    path = real_drafts[code]
    rec = load_department(path)
    assert rec.source is not None
    stored = path.with_name(rec.source.file)
    assert stored.read_bytes() == (REAL / ALL_REPORTS[code][0]).read_bytes()
    report = unicodedata.normalize("NFKC", stored.read_text(encoding="utf-8"))
    report = "\n".join(line for line in report.splitlines()
                       if not re.match(r"\s*(来源URL|来源网址|说明|发布日期|摘录完整度|整理方式|单位|地区|原文瑕疵|注意)\s*[:：]", line))
    text = chapter_text(rec, path.parents[1])     # both parts: the review's 自评 comparison and its rates too
    claims = ABSENCE.findall(text)
    for claim in claims:
        assert claim_is_true(claim, report), (code, claim)
    assert "原报告的数字不足" not in text
    # what may be there is said so (未能从原报告中提取), and listed for the analyst
    sidecar = read_yaml(path.with_name(f"{code}.sources.yml"))
    for entry in sidecar["not_extracted"]:
        assert f"未能从原报告中提取{entry['label']}" in text or entry["label"] in text, (code, entry["label"])


def test_without_a_source_document_the_page_says_what_the_data_file_lacks(tmp_path: Path,
                                                                          seed: DepartmentYear) -> None:
    data = record_data(seed)
    for key in ("source", "income", "adjustment", "income_by_unit", "sangong", "duties"):
        data.pop(key, None)
    rec = DepartmentYear.model_validate(data)
    write_record(rec, tmp_path / "2024" / "xiangtan-minzheng.yaml")
    html = unit_part_html(rec, tmp_path)
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text()
    assert "数据文件未填写收入情况" in text and "数据文件未填写单位基本职能" in text
    assert "原报告未" not in text
    links = soup.select("a.pe-src")
    assert links and all(a["href"].startswith("#pe-data-") for a in links)
    entries = {li["id"]: li.get_text() for li in soup.select("ol.pe-data-sources li")}
    for a in links:
        entry = entries[a["href"][1:]]
        assert re.sub(r"[^\d.]", "", a.get_text()) in flat(entry)


def _seed_without(tmp_path: Path, seed: DepartmentYear, *keys: str, **values: object) -> DepartmentYear:
    """The seed without ``keys`` (and with ``values``), written beside its report in ``tmp_path/2024``."""
    data = record_data(seed)
    for key in keys:
        data.pop(key, None)
    rec = DepartmentYear.model_validate({**data, **values})
    copy_seed(tmp_path / "2024")
    write_record(rec, tmp_path / "2024" / "xiangtan-minzheng.yaml", force=True)
    return rec


#: What the seed's rates and the 自评 comparison rest on: without them the review part says why it has neither.
NO_FIGURES = ("income", "adjustment", "income_by_unit", "expenditure", "expenditure_by_unit", "approval", "sangong",
              "carryover", "staffing", "projects", "self_scores", "self_funds", "arranged", "annotations")


def test_the_review_parts_absence_claims_say_what_is_true(tmp_path: Path, seed: DepartmentYear) -> None:
    # The report states budgets and spending (批复…2373.85万元, 支出…3229.37万元) and has no 自评表 (its scores are
    # sentences: 得分30分…): the rates were not extracted, the 自评表 is not in the report.
    rec = _seed_without(tmp_path / "a", seed, *NO_FIGURES)
    text = flat(chapter_text(rec, tmp_path / "a"))
    assert "未能从原报告中提取预算数和决算数，无法测算预算执行率、“三公”经费控制率等比率（相关文字见原报告第" in text
    assert "原报告未附单位自评表，无自评得分可以对照。" in text
    report = flat(SEED_TEXT.read_text(encoding="utf-8"))
    assert "2373.85万元" in report and "自评表" not in report
    # Without a source document: what the data file lacks, nothing about a report.
    rec = _seed_without(tmp_path / "b", seed, *NO_FIGURES, "source")
    text = flat(chapter_text(rec, tmp_path / "b"))
    assert "数据文件未填写预算数和决算数，无法测算预算执行率" in text
    assert "数据文件未填写单位自评表，无自评得分可以对照。" in text and "原报告未" not in text
    # A total the report states, without its table, is still compared.
    rec = _seed_without(tmp_path / "c", seed, "self_scores", "arranged", self_score_total=Decimal(95))
    text = flat(chapter_text(rec, tmp_path / "c"))
    assert "原报告未附单位自评表，只对照总分：单位自评95分，等级“优”；测算得分比自评低" in text


# --- import-report stores the report ------------------------------------------------------------------

def test_import_report_stores_the_report_beside_the_draft_and_never_overwrites(tmp_path: Path) -> None:
    report = REAL / REAL_REPORTS["nanxian-zhengxie"][0]
    out = tmp_path / "2021" / "nanxian-zhengxie.yaml"
    args = ["import-report", str(report), "--code", "nanxian-zhengxie", "-o", str(out), "--unit", "南县政协"]
    assert import_main(args) == 0
    stored = out.with_name("nanxian-zhengxie.source.txt")
    assert stored.read_bytes() == report.read_bytes()
    rec = load_department(out)
    assert rec.source is not None and rec.source.sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    stored.write_bytes(b"changed")
    assert import_main(args) == 2
    assert stored.read_bytes() == b"changed"
    assert import_main([*args, "--force"]) == 0
    assert stored.read_bytes() == report.read_bytes()
    sidecar = read_yaml(out.with_name("nanxian-zhengxie.sources.yml"))
    assert sidecar["stored_as"] == "nanxian-zhengxie.source.txt"
    # every value the importer placed: the figure itself stands at that offset of the report's text
    src = SourceText.read(stored)
    placed = {k: v for k, v in sidecar["fields"].items() if v["how"] == "importer"
              and re.fullmatch(r"-?\d+(?:\.\d+)?", v["value"])}
    assert placed
    for path, entry in placed.items():
        written = src.doc.text[entry["start"]:entry["end"]]
        assert Decimal(written) in (Decimal(entry["value"]), Decimal(entry["value"]) * 10000), (path, entry)
    # 792.22 (收入合计, read by hand from the digest) is traced to its sentence
    income = sidecar["fields"]["income.total.actual"]
    assert income["value"] == "792.22" and "792.22" in flat(income["text"])
    assert all({"figure", "text", "anchor", "paragraph"} <= set(u) for u in sidecar["unmapped"])


def test_trace_lists_every_value_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "xiangtan-minzheng", "2024", "--data-dir", str(ROOT / "data"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["version"] == 1 and out["source"]["file"] == "xiangtan-minzheng.source.txt"
    fields = {f["path"]: f for f in out["fields"]}
    entry = fields["income.appropriation.actual"]
    assert entry["value"] == "3229.37" and entry["how"] == "matched"
    assert "财政拨款收入3229.37万元" in flat(entry["places"][0]["text"])
    assert fields["projects[0].managed_only"]["how"] == "entered"
    assert {"not_extracted", "unmapped"} <= set(out)
    assert main(["trace", "xiangtan-minzheng", "2024", "--data-dir", str(ROOT / "data")]) == 0
    text = capsys.readouterr().out
    assert "income.appropriation.actual = 3229.37" in text and "原报告第" in text
    # a record without a source document: every value entered by hand, at its field
    data = record_data(load_department(SEED_DATA))
    data.pop("source")
    write_record(DepartmentYear.model_validate(data), tmp_path / "2024" / "xiangtan-minzheng.yaml")
    assert main(["trace", "xiangtan-minzheng", "2024", "--data-dir", str(tmp_path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] is None and {f["how"] for f in out["fields"]} == {"data_file"}


# --- the source page in the book -------------------------------------------------------------------

def test_the_plan_has_a_source_page_below_its_chapter_and_the_chapter_reads_the_report(tmp_path: Path) -> None:
    from perfeval.book import BookLayout, plan_runs
    from perfeval.book.plan import RecordCache
    from perfeval.book.toc import make_toc, remove_stale_pages
    from perfeval.pages.source_page import SOURCE_FOLDER, source_href
    from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

    from .conftest import small_project

    root = small_project(tmp_path / "p", ("qinghe-jiaoyu",))
    framework = resolve_framework(DEFAULT_FRAMEWORK, ROOT / "data")
    layout = BookLayout.at(root)
    for cache in (None, RecordCache(tmp_path / "records.json", {})):   # the same plan with the build's cache
        runs = {r.page: r for r in plan_runs(layout, framework, cache)}
        source = runs[f"book/2024/{SOURCE_FOLDER}/xiangtan-minzheng"]
        chapter = runs["book/2024/xiangtan-minzheng"]
        report = str(root / "data/2024/xiangtan-minzheng.source.txt")
        assert report in source.inputs and report in chapter.inputs
        assert source.title == "原报告全文：2024年湘潭市民政局部门整体支出绩效评价报告"
        assert source.parameters["code"] == "xiangtan-minzheng" and source.parameters["year"] == 2024
        assert "book/2024/source/qinghe-jiaoyu" not in runs        # a demo record names no report
    entry = next(c for part in make_toc(list(runs.values()))["parts"] for group in part["chapters"]
                 for c in group.get("sections", []) if c["file"] == chapter.page)
    assert entry["sections"] == [{"file": source.page}]
    assert source_href("xiangtan-minzheng", "src-s1") == "source/xiangtan-minzheng.html#src-s1"
    # a source page whose record is gone is removed with it
    stale = root / "book/2024/source/gone.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    assert stale in remove_stale_pages(layout, list(runs.values())) and not stale.exists()


def test_the_built_book_publishes_the_report_and_every_link_lands(built_book: Path) -> None:
    html = built_book / "_build" / "html"
    chapter = BeautifulSoup((html / "book/2024/xiangtan-minzheng.html").read_text(encoding="utf-8"), "html.parser")
    page = BeautifulSoup((html / "book/2024/source/xiangtan-minzheng.html").read_text(encoding="utf-8"),
                         "html.parser")
    ids = {tag["id"] for tag in page.select("[id]")}
    links = chapter.select("a.pe-src, a.pe-cite")
    assert len(links) > 100
    assert {a["href"].split("#")[1] for a in links} <= ids
    assert "为全市163名精神障碍患者中的特困人员" in flat(page.get_text())
    # the source page is listed below its chapter in the navigation, and links back to it
    assert chapter.select_one("nav a[href='source/xiangtan-minzheng.html']") is not None
    assert page.select_one("a[href='../xiangtan-minzheng.html']") is not None
