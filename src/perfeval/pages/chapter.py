"""The department chapter: one method per section of the outline, called from the template notebook.

A chapter has two parts (:mod:`perfeval.pages.outline`): the unit's report (单位自评报告, the methods of
:class:`perfeval.pages.unit_report.UnitReport`) and then ours (测算与核查, the methods below). Each
method sends escaped HTML prose, tables and charts to the chapter's :class:`PageOutput` and returns
nothing, so notebook cells stay one call long. Headings are markdown cells in the notebook, in the order
of :data:`perfeval.pages.outline.OUTLINE`. In the kernel the output is a
:class:`~perfeval.pages.display.NotebookOutput`, which displays and writes no file; the Word export
gives the same methods a :class:`~perfeval.pages.docx.DocxOutput`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from perfeval.model import DepartmentYear, Facts, compute, department_path, load_department
from perfeval.pages.charts import project_execution_chart
from perfeval.pages.display import NotebookOutput, PageOutput
from perfeval.pages.history import history_chart, history_records, history_table, version_rows
from perfeval.pages.notes import Footnotes
from perfeval.pages.prose import LEAD_NOTE, paragraph, render
from perfeval.pages.review_tables import (GROUP_CSV_ONLY, comparison_text, deductions_text, finding_groups,
                                          finding_item, findings_table, project_rates_table, rates_table,
                                          rectification_table, scores_table, self_vs_computed_table)
from perfeval.pages.unit_report import UnitReport
from perfeval.provenance import held
from perfeval.review import (DISCLAIMER, Assessment, Finding, Framework, ScoreResult, Sensitivity, assess_file,
                             load_framework, rectification_counts, self_scores_comparable, self_total,
                             sensitivity_sentence)


def downloads_folder(code: str, year: int) -> str:
    """The chapter's folder under the book's downloads: ``<year>/<code>``."""
    return f"{year}/{code}"


def word_file(code: str, year: int, part: str = "unit") -> str:
    """A Word file of the chapter under the book's downloads: the unit's report
    ``<year>/<code>/<code>-<year>.docx``, or (``part="review"``) our 测算意见 ``<code>-<year>-测算意见.docx``."""
    suffix = "-测算意见" if part == "review" else ""
    return f"{downloads_folder(code, year)}/{code}-{year}{suffix}.docx"


@dataclass
class Chapter(UnitReport):
    """One department-year, ready to be shown section by section."""

    rec: DepartmentYear
    data_dir: Path
    framework_path: Path
    out: PageOutput = field(default=None)  # type: ignore[assignment]  # None: the notebook
    history_file: Path | None = None   # the chapter's 版本记录, written by the build (book.ledger)

    def __post_init__(self) -> None:
        if self.out is None:
            # The page lives at book/<year>/<code>.html: two levels below the book root.
            self.out = NotebookOutput(downloads_folder(self.rec.code, self.rec.year), "../../")

    @classmethod
    def load(cls, code: str, year: int, data_dir: str | Path, framework_file: str | Path,
             history_file: str | Path = "") -> "Chapter":
        """The chapter of ``<data_dir>/<year>/<code>.yaml`` scored under the framework file (a path), shown
        in the notebook (the page lives at ``book/<year>/<code>``); ``history_file``: its 版本记录."""
        data_dir = Path(data_dir)
        rec = load_department(department_path(data_dir, code, int(year)))
        chapter = cls(rec, data_dir, Path(framework_file), history_file=Path(history_file) if history_file else None)
        chapter.framework  # validate the framework before any section is shown
        return chapter

    @cached_property
    def facts(self) -> Facts:
        return compute(self.rec)

    @cached_property
    def notes(self) -> Footnotes:
        return Footnotes.of(self.rec)

    @cached_property
    def framework(self) -> Framework:
        return load_framework(self.framework_path)

    @cached_property
    def assessment(self) -> Assessment:
        """The review with the bureau's rulings, the unit's replies and last year's record applied (the files
        beside the data file in ``data_dir``)."""
        return assess_file(self.rec, self.framework, department_path(self.data_dir, self.rec.code, self.rec.year))

    @property
    def result(self) -> ScoreResult:
        return self.assessment.result

    @property
    def findings(self) -> list[Finding]:
        return self.assessment.findings

    @property
    def sensitivities(self) -> list[Sensitivity]:
        return self.assessment.sensitivities

    @cached_property
    def history(self) -> list[DepartmentYear]:
        return history_records(self.data_dir, self.rec.code, self.rec.year)

    @cached_property
    def changes(self) -> list[tuple[str, str]]:
        """The 版本记录: (release date in words, one change in words), newest release first."""
        return version_rows(self.history_file)

    @property
    def title(self) -> str:
        return self.rec.report_title

    def _counted(self) -> str:
        """"错误2项、需核实10项、提示6项" (a severity without findings is left out; "" when none)."""
        return "、".join(f"{label}{len(group)}项" for _, label, group in finding_groups(self.findings))

    # --- above the two parts ------------------------------------------------------------------
    def summary(self) -> None:
        """The lead box: the figures the report states, our score and findings, and what our part is."""
        rec, f = self.rec, self.facts
        if rec.demo:
            self.out.html(render("demo_banner", rec))
        sangong = rec.sangong.total if rec.sangong is not None else None
        # 年度预算金额 is the first row of the table right below: not repeated here. The report's own total
        # income (收入合计) when it states one, else the line it states, by that line's name.
        inc = rec.income
        income = [("收入合计", inc.total.actual, "income.total.actual")] if inc and inc.total and inc.total.actual is not None \
            else [("财政拨款收入", inc.appropriation.actual, "income.appropriation.actual")] \
            if inc and inc.appropriation and inc.appropriation.actual is not None else []
        stated = self.stated([*income, ("支出合计", f.expenditure_total, "expenditure.total.actual"),
                              ("“三公”经费支出", sangong.actual if sangong is not None else None, "sangong.total.actual")])
        totals = self.absence("totals", f"{rec.unit.name}{rec.year}年度的")[0]
        self.out.html(render("summary", rec, stated, self_total(rec), self.result, self._counted(), LEAD_NOTE, totals))

    def word_links(self) -> None:
        """Links to the chapter's two Word files (the build writes them next to the CSV files)."""
        code, year = self.rec.code, self.rec.year
        self.out.html(render("word_links", self.out.url(word_file(code, year)),
                             self.out.url(word_file(code, year, "review"))))

    # --- 测算与核查 -----------------------------------------------------------------------------
    def review_part(self) -> None:
        self.out.html(render("review_part_intro", DISCLAIMER))

    def review_scores(self) -> None:
        """测算得分: the total (or why there is none), the comparison with the unit's own score when its table
        is complete, and every indicator with how its score was reached."""
        result, rec = self.result, self.rec
        self.out.html(render("score_summary", rec, result))
        decided = self.assessment.decided
        if self.assessment.ruled or decided.orphan_rulings:
            self.out.html(render("rulings", [(finding_item(rec, f.path), f) for f in self.assessment.ruled],
                                 decided.orphan_rulings, result.label))
        notes = [n for n in result.notes if "不予评级" not in n]
        if notes:
            self.out.html(paragraph("".join(n + "。" for n in notes)))
        self.out.html(paragraph(comparison_text(result, rec, *([] if rec.self_scores else
                                                                 [self.absence("self_table")[0]]))))
        if self_scores_comparable(rec):
            self.out.table(self_vs_computed_table(result, rec), f"单位自评得分与{result.label}对照", "自评对照")
        if result.total is not None:
            lost = deductions_text(result)
            if lost:
                self.out.html(paragraph(lost))
            self.out.table(scores_table(result), f"{result.label}明细（{self.framework.title}）", "测算得分明细")

    def rates(self) -> None:
        """主要比率: the rates recomputed from the unit's figures, and each project's execution rate."""
        rates = rates_table(self.rec, self.facts)
        projects = project_rates_table(self.rec, self.facts)
        if not len(rates) and not len(projects):
            self.out.html(render("missing", *self.rates_absence()))
            return
        if len(rates):
            self.out.table(rates, "主要比率测算", "主要比率")
        if len(projects):
            self.out.table(projects, "项目执行率测算", "项目执行率")
            self.show_chart(project_execution_chart(self.rec, self.facts))

    def rates_absence(self) -> tuple[str, Markup]:
        """Why no rate is computed, truly of the report (:meth:`absence`): the budgets (预算数) or the actual
        figures (决算数) the record lacks were not filled in (no source document), were not extracted (the
        report has sentences that may state them) or are not in the report."""
        f, why = self.facts, "，无法测算预算执行率、“三公”经费控制率等比率。"
        stated = {"approval_amounts": held(self.rec, "approval_amounts") or f.adjusted_budget is not None,
                  "expenditure": f.expenditure_total is not None or f.sangong_actual is not None}
        lacking = [(key, what) for key, what in (("approval_amounts", "预算数"), ("expenditure", "决算数"))
                   if not stated[key]]
        if not lacking:     # both stated, of lines that do not pair (a budget of one line, the actual of another)
            return "所列预算数和决算数不是同一口径" + why, Markup("")
        what = "和".join(w for _, w in lacking)
        if self.provenance.source is None:
            return f"数据文件未填写{what}{why}", Markup("")
        for key, one in lacking:    # one sentence for both: not extracted as soon as one may be in the report
            text, link = self.absence(key, what=one)
            if text.startswith("未能"):
                return f"未能从原报告中提取{what}{why}", link
        return f"原报告未列示{what}{why}", Markup("")

    def data_checks(self) -> None:
        """数据核查: the findings of every data check, 错误 / 需核实 / 提示 apart; after 需核实, what the score
        would be if those items held."""
        if not self.findings:
            self.out.html(paragraph("各项数据核查均未发现问题。"))
            return
        self.out.html(render("findings_intro", self._counted()))
        for severity, label, group in finding_groups(self.findings):
            self.out.html(render("subhead", f"{label}（{len(group)}项）"))
            self.out.table(findings_table(group, self.rec), f"数据核查：{label}", f"数据核查-{label}",
                           csv_only=(*GROUP_CSV_ONLY, "编号"))
            if severity == "verify":
                sentence = sensitivity_sentence(self.sensitivities)
                if sentence:
                    self.out.html(paragraph(sentence))
        # The ids a ruling or a reply names (错误, 需核实 and ruled findings), folded away from the reader's text.
        named = [(finding_item(self.rec, f.path), f) for f in self.findings
                 if f.severity in ("error", "verify") or f.ruling is not None]
        orphans = self.assessment.decided.orphan_rulings
        if named or orphans:
            self.out.html(render("finding_ids", named, orphans))

    def rectification(self) -> None:
        """上年问题整改情况: each of last year's problems with the status this year's report gives it."""
        previous, rows = self.assessment.previous, self.assessment.rectification
        if previous is None:
            self.out.html(paragraph("", f"本书没有该部门{self.rec.year - 1}年的评价数据，无法对照上年问题的整改情况。"))
            return
        if not rows:
            self.out.html(paragraph("", f"{previous.year}年报告未列出存在的问题，无上年问题需要对照整改情况。"))
            return
        self.out.html(render("rectification_intro", previous, rectification_counts(list(rows))))
        self.out.table(rectification_table(list(rows)), "上年问题整改情况（本书整理）", "上年问题整改情况")

    def version_record(self) -> None:
        """版本记录: each release since this page was first published that changed it, and what changed."""
        if not self.changes:
            self.out.html(paragraph("", "本页首次发布以来没有更改。"))
            return
        self.out.html(paragraph("本页首次发布后又有更改。下表按发布日期列出每次更改的内容：财政部门的口径认定、"
                                "单位回复和数据更正（更正前 → 更正后）。以前发布的版本保存在本书的发布记录中。"))
        self.out.table(pd.DataFrame(self.changes, columns=["发布日期", "更改内容"]), "本页版本记录", "版本记录")

    def history_comparison(self) -> None:
        """历年对比: budget, spending, execution, 三公 and score by year with year-on-year change."""
        if len(self.history) < 2:
            self.out.html(paragraph("", "暂无以前年度数据。"))
            return
        self.out.table(history_table(self.history, self.framework, self.data_dir), "历年对比", "历年对比")
        self.show_chart(history_chart(self.history, self.framework, self.data_dir))
