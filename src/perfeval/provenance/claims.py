"""Sentences that say a report does not state something, and when each may be written.

A page says "原报告未披露收入情况" only when the report was read and does not contain it. Each such claim is
a :class:`Topic`: what is missing (收入情况), the verb the page uses (披露, 列示, 说明, 附), and the
sentences of a report that *may* state it (a pattern, and whether the sentence must hold an amount). The
patterns are deliberately wide: a report sentence that only might state the topic is enough to withhold
the claim, and the page then says the figures were not extracted (未能从原报告中提取…) instead.

So, for a section the record holds nothing of (:func:`absence_sentence`):

- no source document: 数据文件未填写…  (true of the data file, and nothing is said of a report);
- a source document with a sentence that may state it: 未能从原报告中提取… (and the page links that sentence);
- a source document with no such sentence: 原报告未…

This module reads plain text only (it is also what ``import-report`` uses for the ``not_extracted`` list of
its sidecar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

#: An amount, a percentage or a score in a sentence (normalized text: ASCII digits).
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|%|分)")
#: An amount of money.
MONEY = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元)(?!/)")


@dataclass(frozen=True)
class Topic:
    """Something a report may state, which a page may say it does not."""

    key: str
    what: str                 # 收入情况
    verb: str                 # 原报告未<verb><what>: 披露, 列示, 说明, 附
    pattern: re.Pattern[str]  # a sentence that may state it
    figure: bool = False      # the sentence must also hold an amount, a percentage or a score
    clause: bool = False      # … an amount in the same clause as the words (between ；/。): narrow topics

    def mentioned_in(self, sentence: str) -> bool:
        """Whether a sentence (or a table row, its cells joined) may state the topic. An attachment or table the
        report names (a contents line "附件6 收入支出决算表（单位:元）") may state it without a figure in that line."""
        if not self.figure or ATTACHMENT.search(sentence):
            return bool(self.pattern.search(sentence))
        parts = CLAUSE.split(sentence) if self.clause else [sentence]
        figure = MONEY if self.clause else FIGURE
        return any(self.pattern.search(part) and figure.search(part) for part in parts)


#: A line naming an attachment or a table of the report (its figures are there, not in the line).
ATTACHMENT = re.compile(r"附件|附表")
#: Where a clause ends (a narrow topic's figure must be in the clause of its words).
CLAUSE = re.compile(r"[；;。]")


def _topic(key: str, what: str, verb: str, pattern: str, figure: bool = False, clause: bool = False) -> Topic:
    return Topic(key, what, verb, re.compile(pattern), figure, clause)


TOPICS: dict[str, Topic] = {t.key: t for t in (
    _topic("duties", "单位基本职能", "列示", r"职能|职责|主要任务"),
    _topic("long_term_plan", "长期规划", "说明", r"长期规划|中长期|发展规划|五年规划|规划"),
    _topic("annual_plan", "年度计划", "说明", r"年度计划|工作计划|年度工作|年工作|工作要点|年度目标|工作安排|工作思路"
                                              r"|重点工作|工作任务|总体工作"),
    _topic("goals", "部门整体支出绩效目标", "列示", r"目标"),
    _topic("income", "收入情况", "披露", r"收入|拨款|资金来源", True),
    _topic("expenditure", "支出情况", "披露", r"支出|决算|经费", True),
    _topic("expenditure_split", "支出的分项金额", "列示", r"基本支出|项目支出|人员经费|公用经费|人员支出|公用支出", True),
    _topic("approval", "财政部门预算批复情况", "说明", r"批复|下达|年初预算|预算数|预算安排|预算总|部门预算", True),
    _topic("approval_amounts", "财政部门批复的预算数", "列示", r"批复|下达|年初预算|预算数|预算安排|预算总|部门预算",
           True),
    _topic("execution", "预算执行情况", "说明", r"执行|结转|结余|调整|决算"),
    _topic("sangong", "“三公”经费", "列示", r"三公|公务接待|公务用车|公车|出国|因公出境"),
    _topic("public_funds", "公用经费明细", "列示",
           r"公用经费.{0,8}(?:其中|包括|明细|分别)|办公费|办公经费|印刷费|水电费|邮电费|差旅费|会议费|培训费|维修费"
           r"|维修（护）费|租赁费|物业管理费|公务交通|福利费|咨询费|手续费|劳务费", True, True),
    _topic("procurement", "政府采购金额、基本支出预算调整和楼堂馆所情况", "列示",
           r"采购|楼堂馆所|基本支出预算调整|基本支出调整|建设规模|投资概算|办公用房", True, True),
    _topic("budget_management", "预算管理情况", "说明", r"预算管理|财务管理|内控|内部控制|管理制度|财务制度"),
    _topic("asset_management", "资产管理情况", "说明", r"资产"),
    _topic("outcome", "效果产出情况", "说明", r"效果|产出|成效|效益|绩效目标"),
    _topic("goal_completion", "绩效目标完成情况", "列示", r"完成|实现|达到|达成"),
    _topic("projects", "本部门的项目支出明细", "列示", r"项目|专项|经费", True),
    _topic("problems", "存在的问题及改进措施", "列示", r"问题|不足|整改|改进|差距"),
    _topic("other_notes", "其他需要说明的问题", "列示", r"其他需要说明|其他说明|需要说明|说明事项"),
    _topic("self_table", "单位自评表", "附", r"自评表|评分表|指标表|评价表|指标体系|分值|权重|满分"),
    _topic("totals", "收支金额和自评得分", "披露", r"收入|支出|得分|拨款|经费", True),
)}


def mentions(topic: Topic, sentences: Iterable[str], limit: int = 20) -> list[int]:
    """Indexes of the sentences that may state ``topic`` (at most ``limit``)."""
    out: list[int] = []
    for i, sentence in enumerate(sentences):
        if topic.mentioned_in(sentence):
            out.append(i)
            if len(out) >= limit:
                break
    return out


def absence_sentence(topic: Topic, source: bool, mentioned: bool, subject: str = "") -> str:
    """The sentence a page writes when the record holds nothing of ``topic`` (see the module docstring);
    ``subject`` names what it is about when the topic's own words do not (岳阳楼区人民政府办公室2021年度的)."""
    what = subject + topic.what
    if not source:
        return f"数据文件未填写{what}。"
    if mentioned:
        return f"未能从原报告中提取{what}。"
    return f"原报告未{topic.verb}{what}。"
