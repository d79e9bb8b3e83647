"""The one outline of a department chapter: two parts, the unit's report and then ours.

A chapter has two parts, set apart on the page and never interleaved:

- **单位自评报告** (:data:`UNIT_PART`): the unit's report in the structure of the published reports — what
  the unit states, figures as it wrote them, its own words quoted;
- **测算与核查** (:data:`REVIEW_PART`): our computation from those figures — the score under an indicator
  framework, the rates, the data checks, earlier years.

Each :class:`Section` has its heading level (1: a part; 2: 一、…; 3: （一）…) and Chinese heading, the
:class:`~perfeval.pages.Chapter` method that renders it, and when it is shown. The outline drives:

- the template notebook ``notebooks/department.ipynb`` (its markdown headings and calls, in this order;
  ``tests/test_docx.py`` compares them),
- the two Word files (:mod:`perfeval.pages.docx` walks one part each),
- the table and figure numbers (表N / 图N are counted in the order the sections show them),
- the list of parts on 如何阅读本报告 (:func:`how_to_read_markdown`).

This module only names methods; it imports no page code, so chapter and docx can both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Conditions a section may have: the name, and the notebook cell tag the build drops when it fails.
CONDITION_TAGS = {"history": "if-history", "changes": "if-changes"}
#: The two parts of a chapter (level-1 headings) and the page anchors their sections carry.
UNIT_PART = "单位自评报告"
REVIEW_PART = "测算与核查"
PART_ANCHORS = {UNIT_PART: "pe-unit-report", REVIEW_PART: "pe-review"}


@dataclass(frozen=True)
class Section:
    """One section of the chapter (level 0 is text under the title, without a heading)."""

    level: int
    heading: str
    method: str = ""      # the Chapter method that renders it; "" for a heading whose content is its subsections
    when: str = ""        # "" (always) or a key of CONDITION_TAGS: "history" = only with earlier years' data,
                          # "changes" = only when a release changed the page (its 版本记录)
    word: bool = True     # also in a Word file (the lead box and the download links are on the page only)
    reads: str = ""       # what the reader finds there, for 如何阅读本报告 (parts and their sections)

    @property
    def tag(self) -> str:
        """The notebook cell tag of a conditional section ("" when unconditional)."""
        return CONDITION_TAGS.get(self.when, "")

    @property
    def title(self) -> str:
        """The heading without its ordinal: 一、部门概况 → 部门概况, （一）收入情况 → 收入情况."""
        head = self.heading
        if "、" in head[:4]:
            return head.split("、", 1)[1]
        if head.startswith("（") and "）" in head:
            return head.split("）", 1)[1]
        return head

    @property
    def anchor(self) -> str:
        """The page anchor of a part's section ("" for other sections)."""
        return PART_ANCHORS.get(self.heading, "") if self.level == 1 else ""

    def applies(self, chapter: Any) -> bool:
        """Whether the section is shown for ``chapter`` (anything with a ``history`` list)."""
        if self.when == "history":
            return len(chapter.history) >= 2
        if self.when == "changes":
            return bool(getattr(chapter, "changes", ()))
        return True


OUTLINE: tuple[Section, ...] = (
    Section(0, "", "summary", word=False),
    Section(0, "", "word_links", word=False),
    Section(1, UNIT_PART, "unit_part",
            reads="单位公开发布的自评报告的内容，按原报告的结构整理：数字按原报告列示，单位的原话以引文标出，"
                  "原报告中的笔误在出现处以“注”说明"),
    Section(2, "一、部门概况", "unit_info", reads="单位名称、主管部门、年度预算金额、人员编制和内设机构"),
    Section(3, "（一）单位基本职能", "duties"),
    Section(3, "（二）长期规划", "long_term_plan"),
    Section(3, "（三）年度计划", "annual_plan"),
    Section(3, "（四）部门整体支出绩效目标", "goals"),
    Section(2, "二、部门整体支出管理和使用情况",
            reads="收入、支出、财政部门预算批复、预算执行、“三公”经费、公用经费、政府采购、预算管理、资产管理和"
                  "效果产出情况，各部分附单位的自评得分"),
    Section(3, "（一）收入情况", "income"),
    Section(3, "（二）支出情况", "expenditure"),
    Section(3, "（三）财政部门预算批复情况", "approval"),
    Section(3, "（四）部门年度预算执行情况", "execution"),
    Section(3, "（五）“三公”经费", "sangong"),
    Section(3, "（六）公用经费", "public_funds"),
    Section(3, "（七）政府采购及其他", "procurement"),
    Section(3, "（八）预算管理情况", "budget_management"),
    Section(3, "（九）资产管理情况", "asset_management"),
    Section(3, "（十）效果产出情况", "outcome"),
    Section(2, "三、绩效目标完成情况", "goal_completion", reads="各项绩效目标的完成情况、绩效指标的目标值和实际完成值"),
    Section(2, "四、项目支出情况", "projects",
            reads="本部门的项目，以及部门只负责管理或转拨的代管资金（单列，不计入本部门预算）"),
    Section(2, "五、存在的问题及改进措施", "problems", reads="问题、原因、整改措施、整改责任人和整改完成时限"),
    Section(2, "六、其他需要说明问题", "other_notes", reads="单位需要另行说明的事项"),
    Section(2, "七、单位自评表", "self_table", reads="单位自评表的原样：指标、分值、目标值、实际完成值和自评得分"),
    Section(2, "数字与引文出处", "figure_sources", word=False,
            reads="本部分各数字和引文在原报告全文中的出处（无原报告的，为数据文件中的字段），以及原报告中未找到或未能提取的内容"),
    Section(1, REVIEW_PART, "review_part",
            reads="本书依据上述公开数据所作的测算和核对，不是财政部门的评价结果"),
    Section(2, "一、测算得分", "review_scores",
            reads="按“评价方法”所列指标体系逐项测算的得分、等级和数据覆盖率，以及与单位自评得分的对照"),
    Section(2, "二、主要比率", "rates", reads="预算执行率、预算调整率、“三公”经费控制率和各项目执行率的测算"),
    Section(2, "三、数据核查", "data_checks",
            reads="核对数字之间是否一致（合计与分项、比率、文字与数字），按错误、需核实、提示分列"),
    Section(2, "四、上年问题整改情况", "rectification", when="history",
            reads="有以前年度数据时，上年报告所列问题逐项对照本年报告所述的整改情况（已整改、整改中、未整改、未说明）"),
    Section(2, "五、历年对比", "history_comparison", when="history",
            reads="有以前年度数据时，历年预算、支出、执行率、“三公”经费和测算得分的变化"),
    Section(1, "版本记录", "version_record", when="changes", word=False,
            reads="该章每次重新发布的日期和更改的内容（口径认定、单位回复、数据更正及更正前后的数字）"),
)


def parts() -> list[Section]:
    """The level-1 sections, in order (the two parts of a chapter)."""
    return [s for s in OUTLINE if s.level == 1]


def subsections(part: Section, level: int | None = None) -> list[Section]:
    """The sections under ``part`` (one level below it unless ``level`` is given)."""
    want = part.level + 1 if level is None else level
    i = OUTLINE.index(part)
    out = []
    for s in OUTLINE[i + 1:]:
        if s.level <= part.level:
            break
        if s.level == want:
            out.append(s)
    return out


def part_sections(name: str) -> list[Section]:
    """The part called ``name`` and every section under it, in order."""
    part = next(s for s in parts() if s.heading == name)
    i = OUTLINE.index(part)
    out = [part]
    for s in OUTLINE[i + 1:]:
        if s.level <= 1:
            break
        out.append(s)
    return out


# --- 如何阅读本报告 -------------------------------------------------------------------------------

_FIGURES = [
    ("调整后预算", "年初预算与年中调整预算数之和（原报告列示调整后预算的，按原报告）"),
    ("预算执行率", "支出合计占调整后预算的比例"),
    ("预算调整率", "年中调整预算数占年初预算的比例"),
    ("结转结余率", "财政拨款结转结余资金占调整后预算的比例"),
    ("“三公”经费控制率", "“三公”经费实际支出占“三公”经费预算的比例"),
    ("项目预算执行率", "项目实际支出（或所报实际拨付、到位资金）占项目预算的比例；代管资金单列，不计入本部门"),
    ("适用指标覆盖率", "原报告数据可以测算的指标分值占指标体系总分值的比例"),
]


def how_to_read_markdown() -> str:
    """The page 如何阅读本报告 (MyST markdown): the parts of a chapter and their sections from
    :data:`OUTLINE`, then how figures, scores, tables, charts and downloads are to be read. Written for
    the people who use the reports."""
    lines = [
        "# 如何阅读本报告",
        "",
        "本书每一章是一个部门一个年度的部门整体支出绩效评价报告，分为前后两部分，版式不同，内容互不穿插：",
        "",
    ]
    for i, part in enumerate((p for p in parts() if not p.when), start=1):
        lines.append(f"{i}. **{part.title}**：{part.reads}。")
        for sub in subsections(part):
            if sub.when:
                lines.append(f"   - {sub.title}：{sub.reads}。")
            else:
                lines.append(f"   - {sub.title}" + (f"：{sub.reads}。" if sub.reads else ""))
    lines += [f"\n发布后又有更改的章，末尾另有**{p.title}**：{p.reads}。" for p in parts() if p.when]
    lines += [
        "",
        "每章开头是一段摘要，只列原报告给出的数字（支出、“三公”经费、单位自评得分等）和本书的测算得分、"
        "数据核查发现的问题数。",
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
        "比率和测算得分四舍五入保留两位小数，单位自评得分按原报告列示。原报告未披露的数字不列示，"
        "表中以“—”表示，不以零代替；原报告写明为零的，照列为零。"
        "原报告中的笔误（如单位、年份写错）在出现处以“注”说明，原文照录。",
        "",
        "## 数字和原文的出处",
        "",
        "单位自评报告部分的每个数字和每段引文都可以点击：附有原报告的，链接到该章的“原报告全文”页中相应的句子或"
        "表格单元格，并以底色标出；打印稿中在数字后注明“原报告第N段”（段落编号由本书所加）。没有附原报告的，"
        "链接到章末“数字与引文出处”所列的数据文件字段。引文框内的文字与原报告一字不差（空格和全角、半角标点除外），"
        "原报告中的笔误照录并加注。",
        "",
        "标有“本书整理”的内容，如据目标和完成情况的文字整理的绩效指标表、据正文所述得分整理的自评得分表、"
        "完成情况与绩效目标的对应关系，是本书所作的整理，不是原报告的内容，也不收入单位自评报告的 Word 文件。",
        "",
        "某项内容缺失时，各章的说法不同，各有所指：“原报告未列示……”表示已通读原报告，其中确无此项；"
        "“未能从原报告中提取……”表示原报告中有相关文字（附有链接），但未能整理为数据，需对照原报告核实；"
        "“数据文件未填写……”表示该章数据未附原报告，只能说明数据文件中没有此项。",
        "",
        "## 测算得分",
        "",
        "测算得分是依据公开数据按“评价方法”页列出的指标体系逐项计算的得分，用于检验数据与单位自评结论是否相符，"
        "不是财政部门的评价结果。原报告缺少某项指标所需的数据时，该指标不适用，剔除后按其余指标折算为百分制；"
        "适用指标的分值合计不足总分值的60%时，数据不足，不予评级。",
        "",
        "数据核查的结果分为三类：错误指数字之间相互矛盾（如合计不等于分项之和、文字与数字不符）；"
        "需核实指取决于原报告没有提供的情况，需要单位或财政部门核实；提示是重新计算的比率和舍入差异。"
        "需核实事项影响测算得分的，各章说明这些事项均成立时的测算得分。",
        "",
        "## 表格、图和下载",
        "",
        "每章的表和图按出现顺序编号（表1、表2……，图1、图2……），表题在表上方，图题在图下方。"
        "原报告缺少作图所需数字的，不作图，并说明原因。"
        "每张表下方有“下载本表 CSV 数据”链接，可用电子表格软件打开：数值列只含数字，百分比以数字列示，"
        "单位写在列名中，如“预算执行率（%）”。每章开头可下载两个 Word 文件：单位自评报告，以及测算意见。"
        "在手机上，较宽的表格可左右滑动，第一列保持可见。",
        "",
    ]
    return "\n".join(lines)
