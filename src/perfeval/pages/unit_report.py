"""The unit's report (单位自评报告): the first part of a chapter, one method per section of the outline.

Figures are shown as the unit stated them (with a 注 where the record annotates one), its own words are
quoted (``blockquote.pe-quote``) exactly as the report has them, and nothing is computed here but sums the
report's own forms imply (the shares of the split the expenditure chart draws). **A figure the report does
not state is left out**: a sentence names only stated figures, a table only stated rows and columns, and a
section with nothing stated says so once, truly (:meth:`UnitReport.absent`: 原报告未… only when the source
document was read and does not state it; 未能从原报告中提取… when it may; 数据文件未填写… without a source).

Every figure and quoted passage links to where it comes from (:mod:`perfeval.pages.citations`): its
sentence on the source page (原报告全文), or its field in the 数据来源 list. What this book arranged rather
than the report stated (indicators read from the text, a 自评表 built from sentences, the pairing of
completions with goals) is labelled 本书整理 and left out of the unit's Word file. Mixed into
:class:`perfeval.pages.chapter.Chapter`.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Iterable

import pandas as pd
from markupsafe import Markup, escape

from perfeval.model import SANGONG_ITEMS, Amounts, DepartmentYear, Facts, department_path, forms
from perfeval.model.numbers import fmt_number, fmt_wan
from perfeval.pages.citations import Citations
from perfeval.pages.charts import Chart, NoChart, budget_vs_actual_chart, sangong_chart, spending_structure_chart
from perfeval.pages.display import PageOutput
from perfeval.pages.notes import Footnotes
from perfeval.pages.prose import render
from perfeval.provenance import TOPICS, RecordTrace, absence_sentence
from perfeval.provenance.trace import field_label
from perfeval.pages.tables import (
    INCOME_ROWS,
    buildings_table,
    by_unit_table,
    expenditure_table,
    income_table,
    indicator_table,
    other_table,
    problem_table,
    project_table,
    public_funds_table,
    sangong_table,
    self_funds_table,
    self_score_table,
    source_unit_note,
    unit_table,
)

#: One stated figure for a sentence: (label, value or None, field path of the value).
Figure = tuple[str, "Decimal | None", str]


def _column(row: Amounts | None, key: str) -> Decimal | None:
    return None if row is None else getattr(row, key)


class UnitReport:
    """The sections of 单位自评报告 (needs ``rec``, ``out``, ``facts`` and ``notes`` from the chapter)."""

    rec: DepartmentYear
    data_dir: Path
    out: PageOutput
    facts: Facts
    notes: Footnotes

    # --- where things come from -------------------------------------------------------------------
    @cached_property
    def provenance(self) -> RecordTrace:
        """The record's source document and where each of its values stands in it."""
        return RecordTrace.of(self.rec, department_path(self.data_dir, self.rec.code, self.rec.year))

    @cached_property
    def citations(self) -> Citations:
        return Citations(self.provenance, links=not self.word)

    @property
    def word(self) -> bool:
        """Writing a Word file (no links; in the unit's file, nothing this book arranged)."""
        return bool(getattr(self.out, "word", False))

    def cite(self, text: str, path: str = "") -> Markup:
        return self.citations.cite_text(text, path)

    def absent(self, key: str, subject: str = "", what: str = "") -> None:
        """Say that the record holds nothing of a topic, truly (see :mod:`perfeval.provenance.claims`)."""
        self.out.html(render("missing", *self.absence(key, subject, what)))

    def absence(self, key: str, subject: str = "", what: str = "") -> tuple[str, Markup]:
        """(sentence, link to the source sentence that may state it) for a topic the record holds nothing of."""
        if what:
            topic = dataclasses.replace(TOPICS[key], what=what)
            found = self.provenance.mentions(topic)
            text = absence_sentence(topic, self.provenance.source is not None, bool(found), subject)
            place = found[0] if found else None
        else:
            text, place = self.provenance.absence(key, subject)
        return text, (self.citations.cite_place(place) if text.startswith("未能") else Markup(""))

    # --- helpers ----------------------------------------------------------------------------------
    def fig(self, value: Decimal, path: str) -> Markup:
        """An amount as the page shows it (万元, the source's precision), linked to where it comes from, with
        its footnote marker."""
        marker = self.notes.mark(path)
        text = self.citations.figure(escape(fmt_wan(value)), path)
        return Markup(text + (Markup('<sup class="pe-fn">') + marker + Markup("</sup>") if marker else ""))

    def stated(self, figures: Iterable[Figure]) -> list[Markup]:
        """"label + amount" for each figure the report states (absent ones are left out)."""
        return [Markup(escape(label) + self.fig(value, path)) for label, value, path in figures if value is not None]

    def flush_notes(self) -> None:
        """Show the notes marked in this section and not yet shown."""
        items = self.notes.take()
        if items:
            self.out.html(render("notes", items))

    def show_table(self, df: pd.DataFrame, title: str, name: str = "") -> None:
        """Show a table that has a row: a row is only there when it states something, and a table whose rows
        state only names (problems without causes, 自评表 rows with only their part) is still what the data states."""
        if len(df) and len(df.columns):
            self.out.table(df, title, name or title, links=self.citations.table_links(df) or None)
            note = source_unit_note(self.rec, name or title)    # 原表单位：元 (amounts converted to 万元)
            if note:
                self.out.html(render("notes", [note]))

    def show_chart(self, chart: Chart | NoChart) -> None:
        if isinstance(chart, NoChart):
            self.out.html(render("missing", chart.reason))
        else:
            self.out.chart(chart)

    def missing(self, text: str) -> None:
        self.out.html(render("missing", text))

    def self_score_line(self, part: str) -> None:
        """The unit's own score for the part of its 自评表 this section reports on (when it lists one). A 自评表
        this book built from the report's sentences shows no 满分 (the sentences do not state it)."""
        arranged = self.rec.arranged is not None and self.rec.arranged.self_scores
        for i, s in enumerate(self.rec.self_scores):
            if s.part == part and s.level == 1:
                score = self.citations.figure(escape(fmt_number(s.score)), f"self_scores[{i}].score") \
                    if s.score is not None else ""
                self.out.html(render("self_score_line", s, not arranged, score))
                return

    # --- 单位自评报告 ---------------------------------------------------------------------------------
    def unit_part(self) -> None:
        self.out.html(render("unit_part_intro"))

    def unit_info(self) -> None:
        self.show_table(unit_table(self.rec, self.notes.mark), "部门基本情况", "部门基本情况")
        self.flush_notes()

    def statement(self, text: str, path: str, key: str) -> None:
        """A statement of the unit, quoted with its reference, or what is true of its absence."""
        if text:
            self.out.html(render("statement", text, "", self.cite(text, path)))
        else:
            self.absent(key)

    def duties(self) -> None:
        if self.rec.duties:
            self.out.html(render("duties", self.rec, [self.cite(d, f"duties[{i}]") for i, d in enumerate(self.rec.duties)]))
        else:
            self.absent("duties")

    def long_term_plan(self) -> None:
        self.statement(self.rec.long_term_plan, "long_term_plan", "long_term_plan")

    def annual_plan(self) -> None:
        self.statement(self.rec.annual_plan, "annual_plan", "annual_plan")

    def goals(self) -> None:
        if self.rec.goals:
            self.out.html(render("goal_list", self.rec, [self.cite(g.text, f"goals[{i}].text")
                                                         for i, g in enumerate(self.rec.goals)]))
        else:
            self.absent("goals")

    def income(self) -> None:
        rec, inc, adj = self.rec, self.rec.income, self.rec.adjustment
        rows = dict(INCOME_ROWS)
        actual = self.stated((label, _column(getattr(inc, key) if inc else None, "actual"), f"income.{key}.actual")
                             for key, label in rows.items())
        budget = [] if rec.approval is not None else self.stated(
            (label, _column(getattr(inc, key) if inc else None, "budget"), f"income.{key}.budget")
            for key, label in rows.items())
        adjustment = self.fig(adj.amount, "adjustment.amount") if adj is not None and adj.amount is not None else ""
        if not (actual or budget or adjustment or (adj is not None and adj.purpose) or rec.income_by_unit):
            self.absent("income")
            return
        purpose = self.cite(adj.purpose, "adjustment.purpose") if adj is not None else ""
        self.out.html(render("income", rec, actual, budget, adjustment, adj, purpose))
        self.show_table(income_table(rec, self.notes.mark_row), "收入情况（万元）", "收入情况")
        if rec.income_by_unit:
            self.show_table(by_unit_table(rec, "income"), "分机构收入情况", "分机构收入")
        self.flush_notes()

    def expenditure(self) -> None:
        rec, exp = self.rec, self.rec.expenditure
        if (exp is None or exp.is_empty()) and not rec.expenditure_by_unit:
            self.absent("expenditure")
            return
        if exp is not None and not exp.is_empty():
            total = self.stated([("", _column(exp.total, "actual"), "expenditure.total.actual")])
            if exp.basic is not None and exp.basic.actual is not None:
                parts = self.stated([("基本支出", exp.basic.actual, "expenditure.basic.actual"),
                                     ("项目支出", _column(exp.project, "actual"), "expenditure.project.actual")])
                inner = self.stated([("人员经费", _column(exp.personnel, "actual"), "expenditure.personnel.actual"),
                                     ("公用经费", _column(exp.public, "actual"), "expenditure.public.actual")])
            else:
                parts = self.stated([("人员经费", _column(exp.personnel, "actual"), "expenditure.personnel.actual"),
                                     ("公用经费", _column(exp.public, "actual"), "expenditure.public.actual"),
                                     ("项目支出", _column(exp.project, "actual"), "expenditure.project.actual")])
                inner = []
            if total or parts:
                self.out.html(render("expenditure", rec, total[0] if total else "", parts, inner))
            self.show_table(expenditure_table(rec, self.facts, self.notes.mark_row), "支出情况（万元）", "支出情况")
            self.flush_notes()      # right under the figure they are about, before the chart
            self.show_chart(spending_structure_chart(rec, self.facts))
        if rec.expenditure_by_unit:
            self.show_table(by_unit_table(rec, "expenditure"), "分机构支出情况", "分机构支出")
        self.flush_notes()

    def approval(self) -> None:
        rec, app = self.rec, self.rec.approval
        if app is None:
            self.absent("approval")
            return
        inc, exp, sg = rec.income, rec.expenditure, rec.sangong

        def budget(row: Amounts | None) -> Decimal | None:
            return _column(row, "budget")

        def clause(head: str, total: Decimal | None, path: str, parts: list[Markup], sep: str = "，") -> Markup | None:
            if total is None and not parts:
                return None
            text = escape(head) + (self.fig(total, path) if total is not None else Markup(""))
            if parts:
                text += (Markup("，其中：") if total is not None else Markup("")) + Markup(sep).join(parts)
            return Markup(text)

        clauses: list[Markup | None] = []
        written: list[Markup] = []
        if inc is not None:
            parts = self.stated([("财政预算拨款", budget(inc.appropriation), "income.appropriation.budget"),
                                 ("政府性基金", budget(inc.government_fund), "income.government_fund.budget"),
                                 ("非税收入拨款", budget(inc.special_account), "income.special_account.budget"),
                                 ("其他收入", budget(inc.other), "income.other.budget")])
            clauses.append(clause("预算收入总数" if budget(inc.total) is not None else "预算收入", budget(inc.total),
                                  "income.total.budget", parts))
        if exp is not None:
            parts = []
            if budget(exp.basic) is not None:
                inner = self.stated([("人员经费", budget(exp.personnel), "expenditure.personnel.budget"),
                                     ("商品服务支出", budget(exp.public), "expenditure.public.budget")])
                parts.append(Markup(escape("基本支出") + self.fig(exp.basic.budget, "expenditure.basic.budget")  # type: ignore[arg-type, union-attr]
                                    + (Markup("（") + Markup("，").join(inner) + Markup("）") if inner else "")))
            else:
                parts += self.stated([("人员经费", budget(exp.personnel), "expenditure.personnel.budget"),
                                      ("商品服务支出", budget(exp.public), "expenditure.public.budget")])
            project = self.stated([("项目支出", budget(exp.project), "expenditure.project.budget")])
            if project and app.project_note:
                project = [Markup(project[0] + escape(f"（{app.project_note}）"))]
            parts += project
            spending = clause("部门预算支出总数" if budget(exp.total) is not None else "部门预算支出",
                              budget(exp.total), "expenditure.total.budget", parts)
            # A year the report gives for this approval that is not the evaluation year stays as written.
            if app.year_as_written is not None and app.year_as_written != rec.year and spending is not None:
                written.append(spending)
            else:
                clauses.append(spending)
        if sg is not None:
            parts = self.stated((label, budget(getattr(sg, key)), f"sangong.{key}.budget")
                                for key, label in SANGONG_ITEMS.items())
            clauses.append(clause("“三公”经费预算批复数" if budget(sg.total) is not None else "“三公”经费预算",
                                  budget(sg.total), "sangong.total.budget", parts, "、"))
        clauses = [c for c in clauses if c is not None]
        if clauses or written:
            self.out.html(render("approval", rec, app, clauses, written))
        else:
            self.absent("approval_amounts")
        self.flush_notes()

    def execution(self) -> None:
        rec, adj = self.rec, self.rec.adjustment
        carry = []
        if rec.carryover is not None:
            carry = self.stated([("财政拨款结转结余资金", rec.carryover.fiscal, "carryover.fiscal"),
                                 ("非财政拨款结转结余资金", rec.carryover.non_fiscal, "carryover.non_fiscal")])
        # A reason the unit also states under 其他需要说明问题 is quoted there only (no text twice on a page).
        exclusions = [e for e in (adj.exclusions if adj is not None else []) if e.reason != rec.other_notes]
        said = bool(carry or exclusions or (rec.execution is not None and rec.execution.balance_statement)
                    or (adj is not None and (adj.explanation or adj.declared_rate is not None)))
        if said:
            cites = [self.cite(adj.explanation, "adjustment.explanation") if adj is not None else Markup("")]
            cites += [self.cite(e.reason) for e in exclusions]
            rate = self.citations.figure(escape(fmt_number(adj.declared_rate)), "adjustment.declared_rate") \
                if adj is not None and adj.declared_rate is not None else ""
            self.out.html(render("execution", rec, carry, adj, exclusions, cites, rate))
        chart = budget_vs_actual_chart(rec, self.facts)
        if not said and isinstance(chart, NoChart):
            self.absent("execution")
        else:
            self.show_chart(chart)
        self.self_score_line("预算执行")
        self.flush_notes()

    def sangong(self) -> None:
        rec, sg = self.rec, self.rec.sangong
        if sg is None or sg.is_empty():
            self.absent("sangong")
            return
        actual = self.stated([("", _column(sg.total, "actual"), "sangong.total.actual")])
        parts = self.stated((label, _column(getattr(sg, key), "actual"), f"sangong.{key}.actual")
                            for key, label in SANGONG_ITEMS.items())
        if not parts and sg.vehicle is not None:
            parts = self.stated([(forms.label("sangong.vehicle"), sg.vehicle.actual, "sangong.vehicle.actual")])
        previous = self.stated([("", _column(sg.total, "previous"), "sangong.total.previous")])
        if actual or parts or previous:
            self.out.html(render("sangong", rec, actual[0] if actual else "", parts, previous[0] if previous else ""))
        self.show_table(sangong_table(rec, self.notes.mark_row), "“三公”经费（万元）", "三公经费")
        self.show_chart(sangong_chart(rec))
        self.flush_notes()

    def public_funds(self) -> None:
        rec, pf = self.rec, self.rec.public_funds
        if pf is None or pf.is_empty():
            self.absent("public_funds")
            return
        total = self.stated([("", _column(pf.total, "actual"), "public_funds.total.actual")])
        items = self.stated((item.name, item.actual, f"public_funds.items[{i}].actual") for i, item in enumerate(pf.items))
        if total or items:
            self.out.html(render("public_funds", rec, total[0] if total else "", items))
        self.show_table(public_funds_table(rec, self.notes.mark_row), "公用经费（万元）", "公用经费")
        self.flush_notes()

    def procurement(self) -> None:
        other, buildings = other_table(self.rec, self.notes.mark_row), buildings_table(self.rec)
        if not len(other) and not len(buildings):
            self.absent("procurement")
            return
        self.show_table(other, "政府采购和基本支出预算调整（万元）", "政府采购")
        self.show_table(buildings, "楼堂馆所控制情况", "楼堂馆所")
        self.flush_notes()

    def budget_management(self) -> None:
        mgmt = self.rec.management
        self.statement(mgmt.budget_management if mgmt else "", "management.budget_management", "budget_management")
        if mgmt is not None and mgmt.lottery_fund is not None:
            self.out.html(render("lottery", self.rec, self.fig(mgmt.lottery_fund, "management.lottery_fund")))
        self.self_score_line("预算管理")
        self.flush_notes()

    def asset_management(self) -> None:
        mgmt = self.rec.management
        self.statement(mgmt.asset_management if mgmt else "", "management.asset_management", "asset_management")
        self.self_score_line("资产管理")

    def outcome(self) -> None:
        mgmt = self.rec.management
        self.statement(mgmt.outcome_statement if mgmt else "", "management.outcome_statement", "outcome")
        self.self_score_line("效果产出")

    def goal_completion(self) -> None:
        """The completion statements in the report's order and numbering (``completion_number``; else the
        goals' order), each quoted; the goal it reports on and the indicators read from the text are 本书整理."""
        rec = self.rec
        if not rec.goals:
            self.absent("goal_completion")
            return
        derived = rec.arranged is not None and rec.arranged.indicators
        order = sorted(range(len(rec.goals)), key=lambda i: (rec.goals[i].completion_number or 0, i)) \
            if any(g.completion_number is not None for g in rec.goals) else list(range(len(rec.goals)))
        for i in order:
            goal = rec.goals[i]
            if not (goal.completion or goal.completion_title or goal.indicators):
                continue
            paired = ""
            if goal.completion_number is not None and goal.completion_number != goal.number and not self.word:
                paired = f"此项完成情况对应{rec.goal_label(i)}（原报告完成情况第{goal.completion_number}条）。"
            self.out.html(render("goal_completion", rec, i, self.cite(goal.completion, f"goals[{i}].completion"),
                                 paired))
            if goal.indicators and not (derived and self.word):
                label = rec.goal_label(i)
                title = f"{label}绩效指标" + ("（本书据原报告文字整理）" if derived else "")
                self.show_table(indicator_table(rec, i), title, f"{label}绩效指标")
        silent = [rec.goal_label(i) for i, g in enumerate(rec.goals) if not g.completion]
        if silent:      # once for the section, not once per goal
            self.absent("goal_completion", what=f"{'、'.join(silent)}的完成情况")

    def projects(self) -> None:
        rec, mgmt = self.rec, self.rec.management
        own = [i for i, p in enumerate(rec.projects) if not p.managed_only]
        managed = [i for i, p in enumerate(rec.projects) if p.managed_only]
        statement = mgmt.large_projects_statement if mgmt is not None else ""
        if statement:
            self.out.html(render("statement", statement, "", self.cite(statement, "management.large_projects_statement")))
        if managed:
            self.out.html(render("subhead", "（一）本部门项目"))
        if own:
            self._project_list(own, "本部门项目（万元）", "本部门项目")
        elif mgmt is not None and mgmt.no_large_projects:
            self.out.html(render("paragraph", "原报告明确说明，本部门预算中无50万元以上项目。"))
        else:
            self.absent("projects")
        if managed:
            self.out.html(render("subhead", "（二）代管资金"))
            self.out.html(render("paragraph", "以下资金由本部门管理或转拨，不属于本部门预算，单独列示，"
                                              "不计入本部门的预算执行。"))
            self._project_list(managed, "代管资金（万元）", "代管资金")
        self.flush_notes()

    def _project_list(self, indices: list[int], title: str, name: str) -> None:
        self.show_table(project_table(self.rec, indices, self.notes.mark_row), title, name)
        arranged = self.rec.arranged is not None and self.rec.arranged.outputs
        outputs = ("" if self.word else "arranged") if arranged else "shown"
        for i in indices:
            p = self.rec.projects[i]
            figures = self.stated([("预算安排", p.budget, f"projects[{i}].budget"),
                                   (p.actual_label, p.actual, f"projects[{i}].actual")])
            if p.description or p.outputs:     # a project stated only by its figures is its table row
                self.out.html(render("project", self.rec, i, figures,
                                     self.cite(p.description, f"projects[{i}].description"), outputs))

    def problems(self) -> None:
        if not self.rec.problems:
            self.absent("problems")
            return
        self.show_table(problem_table(self.rec), "存在的问题及整改清单", "整改清单")

    def other_notes(self) -> None:
        self.statement(self.rec.other_notes, "other_notes", "other_notes")

    def self_table(self) -> None:
        """The unit's 自评表 as it stands; one this book built from the report's sentences is labelled so (and
        the report's lack of a table said truly), and is not in the unit's Word file."""
        rec = self.rec
        arranged = rec.arranged is not None and rec.arranged.self_scores
        if (not rec.self_scores or arranged) and not rec.self_funds and rec.self_score_total is None:
            self.absent("self_table")
        if arranged and rec.self_scores:
            if not self.word:
                self.out.html(render("arranged", "下表是本书据原报告各部分所述的得分整理的，不是原报告的自评表。"))
                self.show_table(self_score_table(rec), "单位自评得分（本书据原报告文字整理）", "自评得分整理")
        else:
            self.show_table(self_score_table(rec), "单位自评表", "单位自评表")
        self.show_table(self_funds_table(rec), "单位自评表：资金情况", "自评表资金情况")
        if rec.self_score_total is not None or rec.self_grade:
            total = f"自评总分{rec.self_score_total}分" if rec.self_score_total is not None else ""
            grade = f"自评等级“{rec.self_grade}”" if rec.self_grade else ""
            self.out.html(render("paragraph", "原报告所述：" + "，".join(x for x in (total, grade) if x) + "。"))
        # Notes that no section showed (a figure only the data file holds): at the end of the unit's report.
        left = self.notes.unmarked()
        if left:
            self.out.html(render("notes", left))

    # --- 附：数字与引文出处 ----------------------------------------------------------------------------
    def figure_sources(self) -> None:
        """Where this part's figures and words come from: the source page (and what of it was not found or
        not extracted), or, without a source document, the data file's fields the figures were linked to."""
        rt, rec = self.provenance, self.rec
        if rt.source is None or rec.source is None:
            entries = self.citations.data_sources()
            if entries:
                self.out.html(render("data_sources", f"{self.data_dir.name}/{rec.year}/{rec.code}.yaml", entries))
            else:
                self.out.html(render("paragraph", "本章数据未附原报告，数字均为数据文件中手工录入的数值。"))
            return
        self.out.html(render("sources_intro", f"source/{rec.code}.html", rec.source.file))
        lost = [t for t in rt.values.values() if t.how == "not_found" and t.kind != "label"]
        if lost:
            df = pd.DataFrame([(field_label(rec, t.path), t.value if len(t.value) <= 60 else t.value[:60] + "…",
                                "部分语句未找到：" + "；".join(t.missing) if t.missing else (t.note or "未找到"))
                               for t in lost], columns=["数据项", "数值或文字", "说明"])
            self.out.html(render("paragraph", "以下数据在原报告中未找到原文，请核实："))
            self.out.table(df, "原报告中未找到的数据", "未找到原文")
        missed = rt.not_extracted()
        if missed:
            items = [(m["label"], self.citations.cite_place(rt.source.place(m["sentences"][0]["start"])))
                     for m in missed]
            self.out.html(render("not_extracted", items))

