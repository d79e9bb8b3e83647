"""The department chapter: one method per section of the outline, called from the template notebook.

Each method sends escaped HTML prose, tables and charts to the chapter's :class:`PageOutput` and returns
nothing, so notebook cells stay one call long. Headings are markdown cells in the notebook, in the order
of :data:`perfeval.pages.outline.OUTLINE`. In the kernel the output is a
:class:`~perfeval.pages.display.NotebookOutput`, which displays and writes no file; the Word export
gives the same methods a :class:`~perfeval.pages.docx.DocxOutput`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from markupsafe import escape

from perfeval.model import Facts, compute, indicator_met
from perfeval.model import department_path, load_department
from perfeval.model.numbers import fmt_number
from perfeval.model import DepartmentYear
from perfeval.pages.charts import budget_vs_actual_chart, project_execution_chart, sangong_chart, spending_structure_chart
from perfeval.pages.tables import (
    budget_table,
    goals_overview_table,
    indicator_table,
    problem_table,
    project_table,
    sangong_table,
    self_score_table,
    unit_table,
)
from perfeval.pages.display import NotebookOutput, PageOutput
from perfeval.pages.history import history_chart, history_records, history_table
from perfeval.pages.prose import paragraph, render
from perfeval.pages.review_tables import FINDING_CSV_ONLY, findings_table, score_summary_markdown, scores_table, self_vs_recomputed_table
from perfeval.review import run_checks
from perfeval.review import Finding
from perfeval.review import Framework, load_framework
from perfeval.review import ScoreResult, score


def downloads_folder(code: str, year: int) -> str:
    """The chapter's folder under the book's downloads: ``<year>/<code>``."""
    return f"{year}/{code}"


def word_file(code: str, year: int) -> str:
    """The chapter's Word file under the book's downloads: ``<year>/<code>/<code>-<year>.docx``."""
    return f"{downloads_folder(code, year)}/{code}-{year}.docx"


@dataclass
class Chapter:
    """One department-year, ready to be shown section by section."""

    rec: DepartmentYear
    data_dir: Path
    framework_path: Path
    out: PageOutput = field(default=None)  # type: ignore[assignment]  # None: the notebook

    def __post_init__(self) -> None:
        if self.out is None:
            # The page lives at book/<year>/<code>.html: two levels below the book root.
            self.out = NotebookOutput(downloads_folder(self.rec.code, self.rec.year), "../../")

    @classmethod
    def load(cls, code: str, year: int, data_dir: str | Path, framework_file: str | Path) -> "Chapter":
        """The chapter of ``<data_dir>/<year>/<code>.yaml`` scored under the framework file (a path), shown
        in the notebook (the page lives at ``book/<year>/<code>``)."""
        data_dir = Path(data_dir)
        rec = load_department(department_path(data_dir, code, int(year)))
        chapter = cls(rec, data_dir, Path(framework_file))
        chapter.framework  # validate the framework before any section is shown
        return chapter

    @cached_property
    def facts(self) -> Facts:
        return compute(self.rec)

    @cached_property
    def framework(self) -> Framework:
        return load_framework(self.framework_path)

    @cached_property
    def result(self) -> ScoreResult:
        return score(self.rec, self.framework)

    @cached_property
    def findings(self) -> list[Finding]:
        return run_checks(self.rec)

    @cached_property
    def history(self) -> list[DepartmentYear]:
        return history_records(self.data_dir, self.rec.code, self.rec.year)

    @property
    def title(self) -> str:
        return self.rec.report_title

    def _counts(self) -> dict[str, int]:
        return {sev: sum(1 for f in self.findings if f.severity == sev) for sev in ("error", "verify", "note")}

    # --- sections, in the order of the outline ----------------------------------------------
    def summary(self) -> None:
        if self.rec.demo:
            self.out.html(render("demo_banner", self.rec))
        self.out.html(render("summary", self.rec, self.facts, self.result, self._counts()))

    def word_link(self) -> None:
        """Link to this chapter as a Word document (the build writes the file next to the CSV files)."""
        href = self.out.url(word_file(self.rec.code, self.rec.year))
        self.out.html(f'<p class="pe-word"><a href="{escape(href)}" download>下载 Word 报告</a></p>')

    def unit_info(self) -> None:
        self.out.table(unit_table(self.rec), "部门基本情况", "部门基本情况")

    def duties(self) -> None:
        self.out.html(render("duties", self.rec))

    def long_term_plan(self) -> None:
        self.out.html(paragraph(self.rec.long_term_plan))

    def annual_plan(self) -> None:
        self.out.html(paragraph(self.rec.annual_plan))

    def goals(self) -> None:
        self.out.html(render("goal_list", self.rec))

    def income_expenditure(self) -> None:
        self.out.html(render("income", self.rec, self.facts))
        self.out.table(budget_table(self.rec, self.facts), "收支及预算执行情况（万元）", "收支及预算执行")
        self.out.chart(spending_structure_chart(self.rec))

    def budget_execution(self) -> None:
        self.out.html(render("approved", self.rec, self.facts))
        self.out.chart(budget_vs_actual_chart(self.rec, self.facts))
        self._self_score_line("预算执行")

    def sangong(self) -> None:
        self.out.html(render("sangong", self.rec, self.facts))
        self.out.table(sangong_table(self.rec), "“三公”经费预算与实际（万元）", "三公经费")
        self.out.chart(sangong_chart(self.rec))

    def budget_management(self) -> None:
        self.out.html(paragraph(self.rec.management.budget_management))
        self.out.html(render("lottery", self.rec))
        self._self_score_line("预算管理")

    def asset_management(self) -> None:
        self.out.html(paragraph(self.rec.management.asset_management))
        self._self_score_line("资产管理")

    def outcome(self) -> None:
        self.out.html(paragraph(self.rec.management.outcome_statement))
        self._self_score_line("效果产出")

    def _self_score_line(self, part: str) -> None:
        for s in self.rec.self_scores:
            if s.part == part:
                reason = f"，{s.reason.rstrip('。；;. ')}" if s.reason else ""
                self.out.html(paragraph(
                    f"单位自评{part}得分{fmt_number(s.score)}分（满分{fmt_number(s.weight)}分）{reason}。"))

    def self_scores(self) -> None:
        self.out.table(self_score_table(self.rec), "单位自评得分", "单位自评得分")

    def review_scores(self) -> None:
        """复核得分: every indicator recomputed by its rule, next to the unit's self-score."""
        self.out.html(paragraph(score_summary_markdown(self.result, self.rec)))
        self.out.table(self_vs_recomputed_table(self.result, self.rec), "自评得分与复核得分对比", "自评与复核对比")
        self.out.table(scores_table(self.result), f"复核得分明细（{self.framework.title}）", "复核得分明细")

    def goal_completion(self) -> None:
        self.out.table(goals_overview_table(self.rec), "绩效目标完成情况汇总", "绩效目标完成情况")
        for g in self.rec.goals:
            mets = [indicator_met(i) for i in g.indicators]
            self.out.html(render("goal_completion", g, sum(1 for m in mets if m), sum(1 for m in mets if m is not None)))
            if g.indicators:
                self.out.table(indicator_table(self.rec, g.number), f"目标{g.number}绩效指标完成情况",
                               f"目标{g.number}绩效指标")

    def projects(self) -> None:
        if self.rec.management.large_projects_statement:
            self.out.html(paragraph(self.rec.management.large_projects_statement))
        if not self.rec.projects:
            self.out.html(paragraph("", "本年度无50万元以上项目。"))
            return
        self.out.table(project_table(self.rec, self.facts), "50万元以上项目预算与执行（万元）", "项目预算与执行")
        self.out.chart(project_execution_chart(self.rec, self.facts))
        for p, pf in zip(self.rec.projects, self.facts.projects):
            self.out.html(render("project", p, pf))

    def problems(self) -> None:
        if not self.rec.problems:
            self.out.html(paragraph("", "原报告未列示存在的问题。"))
            return
        self.out.table(problem_table(self.rec), "存在的问题及整改清单", "整改清单")

    def other_notes(self) -> None:
        self.out.html(paragraph(self.rec.other_notes, "无。"))

    def data_checks(self) -> None:
        """数据核查: findings of every data check, errors first."""
        if not self.findings:
            self.out.html(paragraph("各项数据核查均未发现问题。"))
            return
        self.out.html(render("findings_intro", self._counts()))
        self.out.table(findings_table(self.findings, self.rec), "数据核查结果", "数据核查",
                       csv_only=FINDING_CSV_ONLY)

    def history_comparison(self) -> None:
        """历年对比: budget, spending, execution, 三公 and score by year with year-on-year change."""
        if len(self.history) < 2:
            self.out.html(paragraph("", "暂无以前年度数据。"))
            return
        self.out.table(history_table(self.history, self.framework), "历年对比", "历年对比")
        self.out.chart(history_chart(self.history, self.framework))
