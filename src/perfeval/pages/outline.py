"""The one outline of a department chapter.

Each :class:`Section` has its heading level and Chinese heading, the :class:`~perfeval.pages.Chapter`
method that renders it, and when it is shown. The outline drives:

- the template notebook ``notebooks/department.ipynb`` (its markdown headings and calls, in this order;
  ``tests/test_docx.py`` compares them),
- the Word export (:mod:`perfeval.pages.docx` walks it),
- the table and figure numbers (表N / 图N are counted in the order the sections show them),
- the list of parts on 如何阅读本报告 (:func:`how_to_read_markdown`).

This module only names methods; it imports no page code, so chapter and docx can both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Conditions a section may have: the name, and the notebook cell tag the build drops when it fails.
CONDITION_TAGS = {"history": "if-history"}


@dataclass(frozen=True)
class Section:
    """One section of the chapter (level 0 is text under the title, without a heading)."""

    level: int
    heading: str
    method: str = ""      # the Chapter method that renders it; "" for a heading whose content is its subsections
    when: str = ""        # "" (always) or a key of CONDITION_TAGS: "history" = only with earlier years' data
    word: bool = True     # also in the Word export (the download link is on the page only)
    reads: str = ""       # level 1: what the reader finds there, for 如何阅读本报告

    @property
    def tag(self) -> str:
        """The notebook cell tag of a conditional section ("" when unconditional)."""
        return CONDITION_TAGS.get(self.when, "")

    @property
    def title(self) -> str:
        """The heading without its ordinal: 一、部门概况 → 部门概况, （一）收支情况 → 收支情况."""
        head = self.heading
        if "、" in head[:4]:
            return head.split("、", 1)[1]
        if head.startswith("（") and "）" in head:
            return head.split("）", 1)[1]
        return head

    def applies(self, chapter: Any) -> bool:
        """Whether the section is shown for ``chapter`` (anything with a ``history`` list)."""
        if self.when == "history":
            return len(chapter.history) >= 2
        return True


OUTLINE: tuple[Section, ...] = (
    Section(0, "", "summary"),
    Section(0, "", "word_link", word=False),
    Section(1, "一、部门概况", "unit_info",
            reads="单位名称、年度预算金额、主管部门，单位基本职能、长期规划与年度计划"),
    Section(2, "（一）单位基本职能", "duties"),
    Section(2, "（二）长期规划", "long_term_plan"),
    Section(2, "（三）年度计划", "annual_plan"),
    Section(1, "二、部门整体支出绩效目标", "goals", reads="单位年初设定的各项绩效目标"),
    Section(1, "三、部门整体支出管理和使用情况",
            reads="收支情况、财政部门预算批复与执行情况、“三公”经费、预算管理、资产管理和效果产出情况，"
                  "附支出结构、预算与实际支出、“三公”经费对比图"),
    Section(2, "（一）收支情况", "income_expenditure"),
    Section(2, "（二）财政部门预算批复与执行情况", "budget_execution"),
    Section(2, "（三）“三公”经费", "sangong"),
    Section(2, "（四）预算管理情况", "budget_management"),
    Section(2, "（五）资产管理情况", "asset_management"),
    Section(2, "（六）效果产出情况", "outcome"),
    Section(1, "四、自评得分与复核得分",
            reads="单位自评的各部分得分及说明；按本书评价方法中的指标体系逐项复算的复核得分、等级，"
                  "以及与自评得分的差异和原因"),
    Section(2, "（一）单位自评得分", "self_scores"),
    Section(2, "（二）复核得分", "review_scores"),
    Section(1, "五、绩效目标完成情况", "goal_completion",
            reads="逐项列出绩效目标、指标、目标值、实际完成值和单位的完成情况说明"),
    Section(1, "六、50万元以上项目", "projects", reads="每个项目的预算、实际数、执行率和主要产出"),
    Section(1, "七、存在的问题及改进措施", "problems", reads="问题、原因、整改措施、整改责任人和整改完成时限"),
    Section(1, "八、其他需要说明问题", "other_notes", reads="单位需要另行说明的事项"),
    Section(1, "九、数据核查", "data_checks",
            reads="逐项核对本章数字之间是否一致（合计与分项、比率、自述与数据），列出错误、需核实和提示"),
    Section(1, "十、历年对比", "history_comparison", when="history",
            reads="有以前年度数据时，列出历年预算、支出、执行率、“三公”经费和复核得分的变化"),
)


def parts() -> list[Section]:
    """The level-1 sections, in order (the parts of a chapter)."""
    return [s for s in OUTLINE if s.level == 1]


def subsections(part: Section) -> list[Section]:
    """The level-2 sections under a level-1 section."""
    i = OUTLINE.index(part)
    out = []
    for s in OUTLINE[i + 1:]:
        if s.level <= 1:
            break
        if s.level == 2:
            out.append(s)
    return out


# --- 如何阅读本报告 -------------------------------------------------------------------------------

_FIGURES = [
    ("调整后预算", "年初预算与年中调整预算数之和"),
    ("预算执行率", "财政拨款支出占调整后预算的比例"),
    ("预算调整率", "年中调整预算数占年初预算的比例"),
    ("结转结余率", "财政拨款结转结余资金占调整后预算的比例"),
    ("“三公”经费控制率", "“三公”经费实际支出占“三公”经费预算的比例"),
    ("项目预算执行率", "项目实际支出（或所报实际拨付、到位资金）占项目预算的比例"),
]


def how_to_read_markdown() -> str:
    """The page 如何阅读本报告 (MyST markdown): the parts of a chapter from :data:`OUTLINE`, then how figures,
    scores, tables, charts and downloads are to be read. Written for the people who use the reports."""
    lines = [
        "# 如何阅读本报告",
        "",
        "本书每一章是一个部门一个年度的部门整体支出绩效评价报告。各章结构相同，"
        "与部门整体支出绩效评价报告的通行格式一致，依次为：",
        "",
    ]
    for i, part in enumerate(parts(), start=1):
        subs = "、".join(s.title for s in subsections(part))
        text = part.reads or subs
        lines.append(f"{i}. **{part.title}**：{text}。")
    lines += [
        "",
        "每章开头是一段摘要：预算、支出、预算执行率、“三公”经费，单位自评得分与复核得分，以及数据核查发现的问题数。",
        "",
        "## 数字的口径",
        "",
        "| 指标 | 含义 |",
        "|---|---|",
    ]
    lines += [f"| {name} | {how} |" for name, how in _FIGURES]
    lines += [
        "",
        "金额单位为万元，按原报告的精度列示，例如655.0411万元精确到元；加总按十进制精确计算，"
        "比率和得分四舍五入保留两位小数。原报告未披露的数字显示为“未披露”或“未列示”，不以零代替。"
        "原报告中的笔误（如单位、年份写错）在出现处以“注”说明，原文照录。",
        "",
        "## 复核得分",
        "",
        "复核得分是测算的结果：按“评价方法”页列出的指标体系，用本章数据逐项计算的得分，"
        "用于检验数据与单位自评结论是否相符，不是财政部门的评价结论。"
        "每个指标的得分、所用数值和扣分原因都列在“复核得分明细”表中。",
        "",
        "## 表格、图和下载",
        "",
        "每章的表和图按出现顺序编号（表1、表2……，图1、图2……），表题在表上方，图题在图下方。"
        "每张表下方有“下载本表 CSV 数据”链接，可用电子表格软件打开：数值列只含数字，百分比以数字列示，"
        "单位写在列名中，如“预算执行率（%）”。每章开头有“下载 Word 报告”链接，"
        "Word 文件与网页内容相同，并附部门整体支出绩效自评表。在手机上，较宽的表格可左右滑动，第一列保持可见。",
        "",
        "项目执行率图中低于90%的项目以红色显示，90%处有参考线。",
        "",
    ]
    return "\n".join(lines)
