"""perfeval audit: how a report numbers its headings and writes its counts (audit_numbering.py).

Each rule is tried on short reports written in different provinces' phrasings, where it must fire and where it
must not (a numbering started again in a new part, 十一、 after 十、, 一是/二是 in prose, an appendix, dates and
ordinals). Every finding of these rules is a 提示 (note): a layout slip, never 错误.
"""

from __future__ import annotations

import pytest

from perfeval.importer import audit_document, normalize
from perfeval.review.findings import Finding

RULES = ("text.numbering", "text.numbering_paragraph", "text.contents_numbering", "text.numerals_mixed")


def _found(text: str, year: int = 2023) -> list[Finding]:
    return [f for f in audit_document(normalize(text), year) if f.rule in RULES]


def _rules(text: str) -> list[tuple[str, str]]:
    found = _found(text)
    assert all(f.severity == "note" for f in found)
    return [(f.rule, f.numbers.get("number") or f.numbers.get("contents") or f.numbers.get("chinese", "")) for f in found]


# ----- a paragraph numbered among headings ---------------------------------------------------------------

GUANGDONG_INTRO = ("某区文化广电旅游体育局2023年度部门整体支出绩效自评报告\n"
                   "一、按照区财政局关于开展2023年度部门整体支出绩效自评工作的部署，我局成立自评小组，对照评价指标逐项"
                   "打分，现将自评情况报告如下：\n"
                   "二、部门基本情况\n（一）部门职能\n负责全区文化、旅游和体育工作。\n（二）机构设置\n内设股室5个。\n"
                   "三、绩效目标完成情况\n全年完成各项目标。\n四、存在的问题\n项目支出进度偏慢。\n")


def test_an_introduction_numbered_as_the_first_section() -> None:
    (found,) = _found(GUANGDONG_INTRO)
    assert found.rule == "text.numbering_paragraph" and found.severity == "note"
    assert found.numbers == {"number": "一、", "heading": "二、"}
    assert found.source.startswith("一、按照区财政局关于开展")
    assert "标题因此从「二、」起编" in found.message


@pytest.mark.parametrize("text", [
    # The introduction unnumbered: the sections from 一、.
    GUANGDONG_INTRO.replace("一、按照", "按照").replace("二、部门", "一、部门").replace("三、绩效", "二、绩效")
    .replace("四、存在", "三、存在"),
    # Headings with a run-in sentence (Hunan 存在问题: a short title, then its paragraph).
    "某县2023年度部门整体支出绩效评价报告\n三、存在的问题\n（一）预算编制不够精准。部分项目在年初未细化到具体用途，"
    "年中追加调整较多，预算执行与年初计划偏离较大，影响了资金使用效益。\n（二）绩效目标不够明确\n（三）资产管理有待加强\n",
    # Every member a paragraph (measures written as paragraphs).
    "某县2023年度部门整体支出绩效评价报告\n四、改进措施\n1.加强预算编制管理，在编制年度预算时充分论证项目的必要性和可行性，"
    "提高预算编制的科学性和准确性。\n2.强化绩效目标管理，将绩效目标细化量化为可衡量的指标，做到目标与任务相匹配。\n",
])
def test_no_paragraph_among_headings(text: str) -> None:
    assert not [f for f in _found(text) if f.rule == "text.numbering_paragraph"]


# ----- runs: repeated, skipped, gone back, started again -------------------------------------------------

def test_a_skipped_number_and_a_run_that_goes_back() -> None:
    text = ("某市2024年度部门整体支出绩效自评报告\n一、部门概况\n（一）主要职能\n（二）机构设置\n（四）人员情况\n"
            "二、预算执行\n（一）收入\n（二）支出\n（一）结转结余\n三、绩效分析\n")
    found = _found(text, 2024)
    assert [(f.numbers["number"], f.numbers["expected"]) for f in found] == [("（四）", "（三）"), ("（一）", "（三）")]
    assert "缺少「（三）」" in found[0].message and found[0].source == "（四）人员情况"


def test_a_section_level_started_again_in_the_same_part() -> None:
    text = ("某县2023年度部门整体支出绩效评价报告\n一、基本情况\n二、评价工作开展情况\n三、综合评价结论\n"
            "一、部门履职绩效分析\n二、存在的问题\n")
    (found,) = _found(text)
    assert found.rule == "text.numbering" and found.numbers == {"number": "一、", "expected": "四、"}
    assert found.source == "一、部门履职绩效分析"


@pytest.mark.parametrize("text", [
    # 十一、 after 十、 (two characters of one numeral).
    "某县2023年度部门整体支出绩效评价报告\n" + "".join(f"{n}、第{i}部分内容\n" for i, n in enumerate(
        "一 二 三 四 五 六 七 八 九 十 十一 十二".split(), start=1)),
    # A new part (Sichuan: 第二部分) and an appendix each start their own numbering.
    "某市2023年度部门整体支出绩效评价报告\n第一部分 部门概况\n一、职能\n二、机构\n第二部分 绩效评价情况\n一、评价结论\n"
    "二、存在问题\n附件1\n一、评价指标体系\n二、评分说明\n",
    # A part title of its own line (the seed's layout: 单位基本职能 …, 部门整体支出管理和使用情况 …).
    "2023年某局部门整体支出绩效评价报告\n单位基本职能\n一、部门职能职责\n二、长期规划\n部门整体支出管理和使用情况\n"
    "一、部门整体情况\n二、预算批复情况\n",
    # An attached table between two sections continues the run (二、 after 附表1 is no new start).
    "某县2024年度部门整体支出绩效自评报告\n一、单位基本情况\n（一）机构与人员\n（二）收支情况\n"
    "附表1 收入支出决算总表（单位：元）\n项目\t本年决算数\n收入合计\t6124000.00\n二、绩效自评表\n",
    # Items start again after a sentence that introduces a new list; 一是/二是 in prose are no headings.
    "某县2023年度部门整体支出绩效评价报告\n一、主要经验\n1.制度先行。\n2.过程跟踪。\n存在的不足主要有以下方面：\n"
    "1.资金拨付偏慢。\n2.档案不全。\n一是预算执行偏慢，二是绩效目标不细。\n三是资产登记不及时。\n",
    # Dates and decimals at the start of a line are no numbers of a list.
    "某县2023年度部门整体支出绩效评价报告\n1.预算执行\n2.5万元用于设备采购。\n12.31前完成全部支付。\n2023.12完成验收。\n"
    "2.资产管理\n",
])
def test_numbering_that_is_right(text: str) -> None:
    assert not _found(text)


# ----- a contents list against the body --------------------------------------------------------------------

def test_a_contents_list_numbered_otherwise_than_the_body() -> None:
    text = ("某县2023年度部门整体支出绩效自评报告\n目 录\n一、摘要……………………1\n二、部门基本情况……………2\n"
            "三、绩效评价工作开展情况…………4\n四、综合评价结论…………6\n"
            "摘要\n本单位2023年度部门整体支出绩效良好。\n一、部门基本情况\n（一）机构设置\n内设机构4个。\n"
            "二、绩效评价工作开展情况\n三、综合评价结论\n")
    found = _found(text)
    assert [f.rule for f in found] == ["text.contents_numbering"]
    (clash,) = found
    assert clash.severity == "note" and clash.numbers == {"contents": "二、部门基本情况", "body": "一、部门基本情况",
                                                         "count": "3"}
    assert "另有 2 处" in clash.message and "「摘要」在正文中未编号" in clash.message
    assert clash.source == "一、部门基本情况"


def test_a_contents_list_that_agrees_with_the_body() -> None:
    text = ("某市2024年度部门整体支出绩效评价报告\n目录\n一、部门概况 1\n二、绩效分析 3\n（一）产出 3\n（二）效益 4\n"
            "三、存在问题 5\n一、部门概况\n本局内设科室6个。\n二、绩效分析\n（一）产出\n（二）效益\n三、存在问题\n")
    assert not _found(text, 2024)


# ----- counts of one list in Arabic and Chinese numerals ----------------------------------------------------

def test_counts_of_one_list_written_both_ways() -> None:
    text = ("某县2023年度部门整体支出绩效自评报告\n"
            "单位现有公务用车2辆、执法执勤车辆一辆，台式电脑12台、打印机两台。\n")
    found = _found(text)
    assert [(f.numbers["measure"], f.numbers["arabic"], f.numbers["chinese"]) for f in found] == [
        ("辆", "单位现有公务用车2辆", "执法执勤车辆一辆"), ("台", "台式电脑12台", "打印机两台")]
    # In a table's column.
    table = ("某县2023年度部门整体支出绩效自评报告\n资产名称\t数量\n彩超机\t1台\n心电图机\t一台\n")
    (cell,) = _found(table)
    assert cell.numbers == {"arabic": "1台", "chinese": "一台", "measure": "台"}


@pytest.mark.parametrize("text", [
    "单位现有公务用车2辆、执法车3辆。",                      # all Arabic
    "配备电脑2台、会议室一间。",                              # another kind of count
    "建立统一台账，做到一人一档，第一个季度完成3项任务。",        # 统一台, 第一个: no counts
    "全年召开会议5次。一是预算执行偏慢；二是绩效目标不细。",      # 一是/二是; another sentence
    "完成验收1项，唯一一家单位通过。",                          # 唯一: no count
])
def test_no_mixed_numerals(text: str) -> None:
    assert not _found("某县2023年度部门整体支出绩效自评报告\n" + text + "\n")
