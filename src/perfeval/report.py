"""The department chapter: one method per section, called from the template notebook.

Each method displays escaped HTML prose, tables and charts (PNG) and returns
nothing, so notebook cells stay one call long. Headings are real markdown cells
in the notebook, not produced here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from IPython.display import HTML, Image, display
from markupsafe import Markup

from . import charts, tables
from .facts import Facts, compute, indicator_met
from .load import department_path, load_department
from .money import fmt_number, fmt_quantity, fmt_rate, fmt_wan
from .schema import SANGONG_ITEMS, DepartmentYear

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("perfeval", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(wan=fmt_wan, rate=fmt_rate, num=fmt_number)
_ENV.globals.update(qty=fmt_quantity, sangong_items=SANGONG_ITEMS)


def _macros() -> Any:
    return _ENV.get_template("chapter.html.j2").module


def render(macro: str, *args: Any) -> str:
    """Render one macro of the chapter template to an HTML string."""
    out = getattr(_macros(), macro)(*args)
    # Join the template's line breaks: Chinese prose has no spaces between sentences.
    return str(Markup(out)).replace("\n", "")


@dataclass
class Chapter:
    """One department-year, ready to be shown section by section."""

    rec: DepartmentYear
    data_dir: Path
    framework: str = "xiangtan-2024"

    @classmethod
    def load(cls, code: str, year: int, data_dir: str | Path, framework: str = "xiangtan-2024") -> "Chapter":
        data_dir = Path(data_dir)
        return cls(load_department(department_path(data_dir, code, int(year))), data_dir, framework)

    @cached_property
    def facts(self) -> Facts:
        return compute(self.rec)

    @property
    def title(self) -> str:
        return self.rec.report_title

    # --- display helpers -------------------------------------------------
    @staticmethod
    def _html(text: str) -> None:
        display(HTML(text))

    @staticmethod
    def _table(df: Any, caption: str = "") -> None:
        head = f'<p class="pe-caption">{Markup.escape(caption)}</p>' if caption else ""
        display(HTML(head + tables.to_html(df)))

    @staticmethod
    def _chart(fig: Any) -> None:
        display(Image(data=charts.png_bytes(fig), format="png"))

    # --- sections, in the seed report's order ----------------------------
    def summary(self) -> None:
        if self.rec.demo:
            self._html(render("demo_banner", self.rec))
        self._html(render("summary", self.rec, self.facts))

    def unit_info(self) -> None:
        self._table(tables.unit_table(self.rec), "表1 部门基本情况")

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
        self._table(tables.budget_table(self.rec, self.facts), "表2 收支及预算执行情况（万元）")
        self._chart(charts.spending_structure(self.rec))

    def budget_execution(self) -> None:
        self._html(render("approved", self.rec, self.facts))
        self._chart(charts.budget_vs_actual(self.rec, self.facts))
        self._self_score_line("预算执行")

    def sangong(self) -> None:
        self._html(render("sangong", self.rec, self.facts))
        self._table(tables.sangong_table(self.rec), "表3 “三公”经费预算与实际（万元）")
        self._chart(charts.sangong_budget_vs_actual(self.rec))

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
        self._table(tables.self_score_table(self.rec), "表4 单位自评得分")

    def goal_completion(self) -> None:
        self._table(tables.goals_overview_table(self.rec), "表5 绩效目标完成情况汇总")
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
        self._table(tables.project_table(self.rec, self.facts), "表6 50万元以上项目预算与执行（万元）")
        self._chart(charts.project_execution(self.rec, self.facts))
        for p, pf in zip(self.rec.projects, self.facts.projects):
            self._html(render("project", p, pf))

    def problems(self) -> None:
        if not self.rec.problems:
            self._html(render("paragraph", "", "原报告未列示存在的问题。"))
            return
        self._table(tables.problem_table(self.rec), "表7 存在的问题及整改清单")

    def other_notes(self) -> None:
        self._html(render("paragraph", self.rec.other_notes, "无。"))


