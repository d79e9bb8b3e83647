"""The department chapter: one method per section, called from the template notebook.

Each method displays escaped HTML prose, tables and charts (PNG) and returns
nothing, so notebook cells stay one call long. Headings are real markdown cells
in the notebook, not produced here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import jinja2
from IPython.display import HTML, Image, display
from markupsafe import Markup

from perfeval.pages import charts

from perfeval.pages import tables
from perfeval.review import run_checks
from perfeval.model.facts import Facts, compute, indicator_met
from perfeval.review import Finding
from perfeval.review import Framework, load_framework
from perfeval.model.files import department_path, load_department
from perfeval.pages.ranking import history_chart, history_records, history_table
from perfeval.pages.review_tables import findings_table, score_summary_markdown, scores_table, self_vs_recomputed_table
from perfeval.review import ScoreResult, score
from perfeval.model.numbers import fmt_score
from perfeval.model.numbers import fmt_number, fmt_quantity, fmt_rate, fmt_wan
from perfeval.model.schema import SANGONG_ITEMS, DepartmentYear

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("perfeval.pages", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(wan=fmt_wan, rate=fmt_rate, num=fmt_number, score=fmt_score)
_ENV.globals.update(qty=fmt_quantity, sangong_items=SANGONG_ITEMS)


#: Chart PNGs by (chart, content digest): the notebook and the Word export draw each chart once.
_PNG_CACHE: dict[tuple[str, str], bytes] = {}


def _macros() -> Any:
    return _ENV.get_template("chapter.html.j2").module


def render(macro: str, *args: Any) -> str:
    """Render one macro of the chapter template to an HTML string."""
    out = getattr(_macros(), macro)(*args)
    # Join the template's line breaks: Chinese prose has no spaces between sentences.
    return str(Markup(out)).replace("\n", "")


def framework_file(framework: str, frameworks_dir: str | Path) -> Path:
    """A framework given by name (looked up in ``frameworks_dir``) or by path to its YAML file."""
    if framework.endswith((".yaml", ".yml")):
        return Path(framework)
    return Path(frameworks_dir) / f"{framework}.yaml"


@dataclass
class Chapter:
    """One department-year, ready to be shown section by section."""

    rec: DepartmentYear
    data_dir: Path
    framework_path: Path
    downloads_dir: Path | None = None

    @classmethod
    def load(cls, code: str, year: int, data_dir: str | Path, framework: str = "xiangtan-2024",
             frameworks_dir: str | Path = "../data/frameworks", downloads_dir: str | Path = "") -> "Chapter":
        data_dir = Path(data_dir)
        rec = load_department(department_path(data_dir, code, int(year)))
        chapter = cls(rec, data_dir, framework_file(framework, frameworks_dir),
                      Path(downloads_dir) if downloads_dir else None)
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

    # --- display helpers -------------------------------------------------
    @staticmethod
    def _html(text: str) -> None:
        display(HTML(text))

    def _table(self, df: Any, caption: str = "", csv: str = "") -> None:
        head = f'<p class="pe-caption">{Markup.escape(caption)}</p>' if caption else ""
        foot = ""
        if csv and self.downloads_dir is not None:
            rel = f"{self.rec.year}/{self.rec.code}/{csv}.csv"
            tables.write_csv(df, self.downloads_dir / rel)
            foot = (f'<p class="pe-download"><a href="../../downloads/{Markup.escape(rel)}" download>'
                    f"下载本表（CSV）</a></p>")
        display(HTML(head + tables.to_html(df) + foot))

    def _chart(self, name: str, make: Callable[[], Any]) -> None:
        """Show the chart ``make()`` draws; its PNG is rendered once per content (the Word export reuses it)."""
        key = (name, self._digest)
        png = _PNG_CACHE.get(key)
        if png is None:
            png = charts.png_bytes(make())
            if len(_PNG_CACHE) >= 64:
                _PNG_CACHE.clear()
            _PNG_CACHE[key] = png
        self._png(png)

    @staticmethod
    def _png(png: bytes) -> None:
        display(Image(data=png, format="png"))

    @cached_property
    def _digest(self) -> str:
        """Content key of everything the charts draw from: the record, earlier years, the framework."""
        h = hashlib.sha256()
        for rec in [self.rec, *self.history]:
            h.update(rec.model_dump_json().encode())
        h.update(self.framework_path.read_bytes())
        return h.hexdigest()

    # --- sections, in the seed report's order ----------------------------
    def summary(self) -> None:
        if self.rec.demo:
            self._html(render("demo_banner", self.rec))
        counts = {sev: sum(1 for f in self.findings if f.severity == sev) for sev in ("error", "warning", "note")}
        self._html(render("summary", self.rec, self.facts, self.result, counts))

    def word_download(self) -> None:
        """Link to this chapter as a Word document (written into the downloads folder)."""
        if self.downloads_dir is None:
            return
        from perfeval.pages.docx import word_download  # docx_export imports this module

        rel = word_download(self.rec, self.downloads_dir, self.framework_path, self.data_dir)
        self._html(f'<p class="pe-word"><a href="../../downloads/{Markup.escape(rel)}" download>'
                   f"下载 Word 版报告</a></p>")

    def unit_info(self) -> None:
        self._table(tables.unit_table(self.rec), "表1 部门基本情况", "表1-部门基本情况")

    def duties(self) -> None:
        self._html(render("duties", self.rec))

    def long_term_plan(self) -> None:
        self._html(render("paragraph", self.rec.long_term_plan))

    def annual_plan(self) -> None:
        self._html(render("paragraph", self.rec.annual_plan))

    def goals(self) -> None:
        self._html(render("goal_list", self.rec))

    def income_expenditure(self) -> None:
        self._html(render("income", self.rec, self.facts))
        self._table(tables.budget_table(self.rec, self.facts), "表2 收支及预算执行情况（万元）", "表2-收支及预算执行")
        self._chart("spending_structure", lambda: charts.spending_structure(self.rec))

    def budget_execution(self) -> None:
        self._html(render("approved", self.rec, self.facts))
        self._chart("budget_vs_actual", lambda: charts.budget_vs_actual(self.rec, self.facts))
        self._self_score_line("预算执行")

    def sangong(self) -> None:
        self._html(render("sangong", self.rec, self.facts))
        self._table(tables.sangong_table(self.rec), "表3 “三公”经费预算与实际（万元）", "表3-三公经费")
        self._chart("sangong", lambda: charts.sangong_budget_vs_actual(self.rec))

    def budget_management(self) -> None:
        self._html(render("paragraph", self.rec.management.budget_management))
        self._html(render("lottery", self.rec))
        self._self_score_line("预算管理")

    def asset_management(self) -> None:
        self._html(render("paragraph", self.rec.management.asset_management))
        self._self_score_line("资产管理")

    def outcome(self) -> None:
        self._html(render("paragraph", self.rec.management.outcome_statement))
        self._self_score_line("效果产出")

    def _self_score_line(self, part: str) -> None:
        for s in self.rec.self_scores:
            if s.part == part:
                reason = f"，{s.reason}" if s.reason else ""
                self._html(render("paragraph", f"单位自评：{part}得分{fmt_number(s.score)}分（分值{fmt_number(s.weight)}分）{reason}。"))

    def self_scores(self) -> None:
        self._table(tables.self_score_table(self.rec), "表4 单位自评得分", "表4-单位自评得分")

    def review_scores(self) -> None:
        """复核得分: every indicator recomputed by its rule, next to the unit's self-score."""
        self._html(render("paragraph", score_summary_markdown(self.result, self.rec)))
        self._table(self_vs_recomputed_table(self.result, self.rec), "表5 自评得分与复核得分对比", "表5-自评与复核对比")
        self._table(scores_table(self.result), f"表6 复核得分明细（{self.framework.title}）", "表6-复核得分明细")

    def data_checks(self) -> None:
        """数据核查: findings of every data check, errors first."""
        if not self.findings:
            self._html(render("paragraph", "各项数据核查均未发现问题。"))
            return
        counts = {sev: sum(1 for f in self.findings if f.severity == sev) for sev in ("error", "warning", "note")}
        self._html(render("findings_intro", counts))
        self._table(findings_table(self.findings), "表10 数据核查结果", "表10-数据核查")

    def history_comparison(self) -> None:
        """历年对比: budget, spending, execution, 三公 and score by year with year-on-year change."""
        if len(self.history) < 2:
            self._html(render("paragraph", "", "暂无以前年度数据。"))
            return
        self._table(history_table(self.history, self.framework), "表11 历年对比", "表11-历年对比")
        self._chart("history", lambda: history_chart(self.history, self.framework))

    def goal_completion(self) -> None:
        self._table(tables.goals_overview_table(self.rec), "表7 绩效目标完成情况汇总", "表7-绩效目标完成情况")
        for g in self.rec.goals:
            mets = [indicator_met(i) for i in g.indicators]
            self._html(render("goal_completion", g, sum(1 for m in mets if m), sum(1 for m in mets if m is not None)))
            if g.indicators:
                self._table(tables.indicator_table(self.rec, g.number))

    def projects(self) -> None:
        if self.rec.management.large_projects_statement:
            self._html(render("paragraph", self.rec.management.large_projects_statement))
        if not self.rec.projects:
            self._html(render("paragraph", "", "本年度无50万元以上项目。"))
            return
        self._table(tables.project_table(self.rec, self.facts), "表8 50万元以上项目预算与执行（万元）", "表8-项目预算与执行")
        self._chart("projects", lambda: charts.project_execution(self.rec, self.facts))
        for p, pf in zip(self.rec.projects, self.facts.projects):
            self._html(render("project", p, pf))

    def problems(self) -> None:
        if not self.rec.problems:
            self._html(render("paragraph", "", "原报告未列示存在的问题。"))
            return
        self._table(tables.problem_table(self.rec), "表9 存在的问题及整改清单", "表9-整改清单")

    def other_notes(self) -> None:
        self._html(render("paragraph", self.rec.other_notes, "无。"))


