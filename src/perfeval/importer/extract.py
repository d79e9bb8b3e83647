"""Extracting a draft department-year record (schema 2) from a normalized report text.

Every value set here is read from the text; each records the original sentence
it came from (``Extraction.sources``). What cannot be found is listed in
``Extraction.missing`` and left out of the draft, never invented. Amounts are
converted to 万元; a figure whose written unit is a slip (see
:func:`perfeval.importer.figures.money_mentions`) is taken in the unit of the
other figures, and a figure written in 元 or 亿元 keeps its spelling in
``annotations`` (``as_written``).

The narrative phrasings read here (Hunan 自评报告 and its variants):
收入 "财政拨款收入…其中：年初预算…年中调整…", "收入：…万元，同比上年度增加…"; 支出 "财政拨款支出…",
"完成支出…其中：基本支出…；项目支出…", "共支出…。其中，基本支出…", 人员/公用/项目 as a three-way
split; 批复 "…批复…预算收入总数…"; 三公; 结转结余; "预算调整率为零"; staffing "编制 N人（行政编制 a人，
事业编制 b人）", "实有 N人 …"; the cover (预算编码, 评价方式, 评价机构, 报告日期); stated year-on-year
changes. The forms (基础数据表, 自评表, tables by sub-unit) are read by :mod:`perfeval.importer.forms`.

The readers, one module each, share :class:`perfeval.importer.extraction.TextReader`:
:mod:`~perfeval.importer.identity` (title, unit, cover, staffing, duties, plans),
:mod:`~perfeval.importer.goals`, :mod:`~perfeval.importer.accounts` (income, expenditure, 批复, 三公,
carry-over, adjustment), :mod:`~perfeval.importer.scores`, :mod:`~perfeval.importer.projects`,
:mod:`~perfeval.importer.statements` (management, problems, stated changes); :class:`Extractor`
runs them in order.
"""

from __future__ import annotations

from .accounts import AccountsReader
from .extraction import Extraction, split_numbered
from .figures import convert
from .forms import FormReader
from .goals import GoalReader
from .identity import IdentityReader
from .labelled import LabelledReader
from .lists import ListReader
from .normalize import Document
from .projects import ProjectReader
from .rectification import RectificationReader
from .scores import ScoreReader, ScoreTable, score_table
from .statements import StatementReader
from .year import report_year

#: Fields a report usually states; those not found are listed in the sidecar (never filled in).
EXPECTED: dict[str, str] = {
    "unit.supervisor": "主管部门",
    "unit.annual_budget": "年度预算金额",
    "staffing.approved": "编制数",
    "staffing.actual": "实有人数",
    "duties": "单位基本职能",
    "long_term_plan": "长期规划",
    "annual_plan": "年度计划",
    "goals": "部门整体支出绩效目标",
    "income.total.actual": "收入合计",
    "income.appropriation.actual": "财政拨款收入",
    "income.appropriation.budget": "年初预算（财政拨款）",
    "adjustment.amount": "年中预算调整数",
    "adjustment.declared_rate": "自述预算调整率",
    "expenditure.total.actual": "支出合计（决算）",
    "expenditure.total.budget": "支出预算（批复）",
    "expenditure.basic.actual": "基本支出",
    "expenditure.personnel.actual": "人员经费",
    "expenditure.public.actual": "公用经费",
    "expenditure.project.actual": "项目支出",
    "expenditure.basic.budget": "基本支出（批复）",
    "expenditure.personnel.budget": "人员经费（批复）",
    "expenditure.public.budget": "公用经费（批复为商品服务支出）",
    "expenditure.project.budget": "项目支出（批复）",
    "sangong.total.budget": "三公经费预算",
    "sangong.total.actual": "三公经费决算",
    "carryover.fiscal": "财政拨款结转结余",
    "carryover.non_fiscal": "非财政拨款结转结余",
    "self_scores": "自评得分",
    "projects": "项目支出明细",
    "problems": "存在的问题",
}


class Extractor(IdentityReader, GoalReader, AccountsReader, ScoreReader, ProjectReader, StatementReader,
                LabelledReader, ListReader, RectificationReader):
    """Every reader of the narrative, then the forms, in the order that decides which statement wins."""

    def run(self) -> Extraction:
        title = self.find_title()
        if self.code:
            self.out.data["code"] = self.code
        if self.year is None:
            found = report_year(self.doc)
            if found:
                self.year = found.year
                self.out.year_source = found.how
                self.set("year", found.year, found.pos, {"cover": "取自封面评价年度", "title": "取自报告标题",
                                                         "header": "取自表头年度", "body": "取自正文所述年度"}[found.how])
        else:
            self.out.data["year"] = self.year
            self.out.year_source = "option"
            found = report_year(self.doc)
            if found and found.year != self.year:
                self.out.notes.append(f"报告自述年度为 {found.year}，按指定的评价年度 {self.year} 提取")
        if title:
            self.set("title", title[0], title[1])
        self.unit(title)
        self.staffing()
        self.posts()
        self.document_number()
        self.named_lists()
        self.duties()
        self.plans()
        self.goals()
        self.income()
        self.expenditure()
        self.approved()
        self.sangong()
        self.carryover()
        self.adjustment()
        self.execution()
        self.management()
        self.self_scores()
        self.projects()
        self.project_list()
        self.goal_items()
        self.problems()
        self.rectification()
        self.other_notes()
        self.stated_changes()
        FormReader(self).fill()
        self.key_values()
        self.clauses()
        for path, note in self.pending_notes.items():
            if path not in self.out.sources:
                self.out.notes.append(note)
        for path, label in EXPECTED.items():
            if not self.has(path) and path not in self.out.missing:
                self.miss(path, label)
        self.out.missing = {p: label for p, label in self.out.missing.items() if not self.has(p)}
        return self.out


def extract(doc: Document, code: str | None = None, year: int | None = None, unit_name: str | None = None) -> Extraction:
    """Extract a draft record from a normalized report."""
    return Extractor(doc, code=code, year=year, unit_name=unit_name).run()


__all__ = ["Extraction", "extract", "split_numbered", "score_table", "ScoreTable", "convert"]
