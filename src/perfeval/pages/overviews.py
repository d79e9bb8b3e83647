"""Pages across departments: a year's overview, 数据核查汇总 and 评价方法.

Like :class:`perfeval.pages.chapter.Chapter`, each method sends escaped HTML, tables (with links to the
chapters) and charts to the page's :class:`~perfeval.pages.display.PageOutput` and returns nothing.

The year overview and 数据核查汇总 work on department summaries
(:class:`perfeval.pages.summaries.DepartmentSummary`): in the book, from the summaries file the build wrote
for the page (``summaries_file``: it recomputes only the summaries whose inputs changed); without one,
summarised here from the data folders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from markupsafe import escape

import perfeval.pages.ranking as ranking
import perfeval.pages.risk as risk
from perfeval.model import department_path, load_records
from perfeval.pages.cells import score_text
from perfeval.pages.charts import NoChart
from perfeval.pages.display import NotebookOutput, PageOutput
from perfeval.pages.prose import LEAD_NOTE, paragraph, render
from perfeval.pages.review_tables import FINDING_CSV_ONLY, framework_tree_table, grade_bands_table, level_one_weights
from perfeval.pages.summaries import DepartmentSummary, read_summaries
from perfeval.review import Framework, load_framework


def year_rows(year: int, data_dirs: list[str], demo: bool, framework_file: str | Path,
              summaries_file: str | Path = "") -> list[DepartmentSummary]:
    """A year's department summaries (real or demo): from ``summaries_file`` (written by the build) when given,
    else summarised from the records of ``data_dirs``."""
    if summaries_file:
        return read_summaries(summaries_file)
    found = [(rec, d) for rec, d in load_records(data_dirs) if rec.year == int(year) and rec.demo == bool(demo)]
    return ranking.evaluate([rec for rec, _ in found], load_framework(framework_file),
                            {(rec.code, rec.year): department_path(d, rec.code, rec.year) for rec, d in found})


@dataclass
class Overview:
    """One year's departments (real or demo), ranked by our score (page ``book/<year>/overview[-demo]``);
    departments without a grade (coverage below 60%) are listed apart, with their coverage."""

    year: int
    rows: list[DepartmentSummary]
    framework_path: Path
    demo: bool = False
    out: PageOutput = field(default=None)  # type: ignore[assignment]  # None: the notebook
    files: dict[tuple[str, int], Path] = field(default_factory=dict)   # (code, year) → data file

    def __post_init__(self) -> None:
        if self.out is None:
            self.out = NotebookOutput(f"{self.year}/overview{'-demo' if self.demo else ''}", "../../")

    @classmethod
    def load(cls, year: int, data_dirs: list[str], demo: bool, framework_file: str | Path,
             summaries_file: str | Path = "") -> "Overview":
        """The year's departments: from ``summaries_file`` (written by the build) when given, else summarised
        from the records of ``data_dirs``."""
        return cls(int(year), year_rows(year, data_dirs, demo, framework_file, summaries_file), Path(framework_file),
                   bool(demo))

    @cached_property
    def framework(self) -> Framework:
        return load_framework(self.framework_path)

    def intro(self) -> None:
        if self.demo:
            self.out.html(render("demo_banner", None))
        ranked, apart = ranking.ranking(self.rows), ranking.unranked(self.rows)
        label = self.rows[0].score_label if self.rows else "测算得分"
        text = f"{self.year}年度共{len(self.rows)}个部门纳入本总览，按“{self.framework.title}”测算得分。"
        grades = ranking.grade_distribution(self.rows)
        counts = [f"{g}{n}个" for g, n in zip(grades["等级"], grades["部门数"]) if n and g != "不予评级"]
        if counts:
            text += "其中" + "、".join(counts) + "。"
        if apart:
            text += (f"另有{len(apart)}个部门的数据只覆盖指标体系的一部分（适用指标覆盖率低于60%），"
                     "数据不足，不予评级，单列于排名表之后。")
        if ranked:
            best = ranked[0]
            text += f"{label}最高的是{best.name}（{score_text(best.total)}分）。"  # type: ignore[arg-type]
        followed = [r for r in self.rows if r.rectification]
        if followed:
            total = ranking.rectification_total(followed)
            text += (f"{len(followed)}个部门有上年的评价数据，上年报告所列问题共{sum(total.values())}项，按本年报告所述："
                     + "、".join(f"{status}{n}项" for status, n in total.items()) + "。")
        self.out.html(paragraph(text))
        self.out.html(f'<p class="pe-lead-note">{escape(LEAD_NOTE)}</p>')

    def ranking(self) -> None:
        ranked = ranking.ranking(self.rows)
        label = self.rows[0].score_label if self.rows else "测算得分"
        if ranked:
            links = {"部门": [f"{r.code}.html" for r in ranked]}
            self.out.table(ranking.ranking_table(self.rows), f"{self.year}年度部门整体支出绩效{label}排名", "排名", links)
        else:
            self.out.html(paragraph("", "本年度没有数据充足、可以评级的部门。"))
        apart = ranking.unranked(self.rows)
        if apart:
            links = {"部门": [f"{r.code}.html" for r in apart]}
            self.out.table(ranking.unranked_table(self.rows), "数据不足、不予评级的部门", "不予评级", links)

    def grades(self) -> None:
        self.out.table(ranking.grade_distribution(self.rows), "等级分布", "等级分布")

    def charts(self) -> None:
        for chart in (ranking.scores_chart(self.rows, self.year), ranking.execution_chart(self.rows, self.year),
                      ranking.sangong_chart(self.rows, self.year)):
            if isinstance(chart, NoChart):
                self.out.html(render("missing", chart.reason))
            else:
                self.out.chart(chart)


@dataclass
class RiskPage:
    """A year's departments ranked by risk points for choosing 重点评价 (page ``book/<year>/risk[-demo]``), with
    the reasons in words and the CSV ``<year>-风险排序.csv``: our ranking, not the bureau's decision."""

    year: int
    rows: list[DepartmentSummary]
    demo: bool = False
    out: PageOutput = field(default=None)  # type: ignore[assignment]  # None: the notebook

    def __post_init__(self) -> None:
        if self.out is None:
            self.out = NotebookOutput(f"{self.year}/risk{'-demo' if self.demo else ''}", "../../")

    @classmethod
    def load(cls, year: int, data_dirs: list[str], demo: bool, framework_file: str | Path,
             summaries_file: str | Path = "") -> "RiskPage":
        return cls(int(year), year_rows(year, data_dirs, demo, framework_file, summaries_file), bool(demo))

    @cached_property
    def ranked(self) -> list[risk.RiskRow]:
        return risk.risk_ranking(self.rows)

    def intro(self) -> None:
        if self.demo:
            self.out.html(render("demo_banner", None))
        text = (f"本页按风险分从高到低列出{self.year}年度{len(self.rows)}个部门，列明每个部门的风险因素，"
                "供财政部门选择重点评价对象时参考。")
        flagged = [r for r in self.ranked if r.points]
        if flagged:
            top = flagged[0]
            text += f"风险分最高的是{top.name}（{top.points}分：{'；'.join(top.reasons)}）。"
        else:
            text += "各部门的数据均未显示下述风险因素。"
        self.out.html(paragraph(text))
        self.out.html(f'<p class="pe-lead-note">{escape(risk.RISK_NOTE)}</p>')

    def rules(self) -> None:
        """What the points are, in words."""
        self.out.html(paragraph(risk.RULES_INTRO))
        items = "".join(f"<li>{escape(line)}</li>" for line in risk.RULES)
        self.out.html(f'<ul class="pe-risk-rules">{items}</ul>')
        self.out.html(paragraph(risk.RULES_ABSENT))

    def table(self) -> None:
        links = {"部门": [f"{r.code}.html" for r in self.ranked]}
        self.out.table(risk.risk_table(self.ranked), f"{self.year}年度重点评价风险排序", "风险排序", links,
                       csv_only=("部门代码",), file=risk.csv_name(self.year))


@dataclass
class FindingsPage:
    """数据核查汇总: every finding across all department-years, linked to its chapter (page ``book/findings``)."""

    rows: list[DepartmentSummary]
    out: PageOutput = field(default_factory=lambda: NotebookOutput("findings", "../"))

    files: dict[tuple[str, int], Path] = field(default_factory=dict)   # (code, year) → data file

    @classmethod
    def load(cls, data_dirs: list[str], framework_file: str | Path, summaries_file: str | Path = "") -> "FindingsPage":
        """Every department-year: from ``summaries_file`` (written by the build) when given, else summarised
        from the records of ``data_dirs``."""
        if summaries_file:
            return cls(read_summaries(summaries_file))
        found = load_records(data_dirs)
        return cls(ranking.evaluate([rec for rec, _ in found], load_framework(framework_file),
                                    {(rec.code, rec.year): department_path(d, rec.code, rec.year) for rec, d in found}))

    @cached_property
    def table(self) -> pd.DataFrame:
        return ranking.findings_summary(self.rows)

    def counts(self) -> None:
        df = self.table
        summary = (df.assign(n=1).pivot_table(index=["年度", "部门", "code", "示例数据"], columns="严重程度",
                                              values="n", aggfunc="sum", fill_value=0).reset_index())
        for col in ("错误", "需核实", "提示"):
            if col not in summary:
                summary[col] = 0
        summary = summary.sort_values(["年度", "错误", "需核实", "code"], ascending=[False, False, False, True])
        links = [f"{y}/{c}.html" for y, c in zip(summary["年度"], summary["code"])]
        out = pd.DataFrame({"年度": summary["年度"], "部门": summary["部门"],
                            "数据来源": ["示例数据" if d else "真实数据" for d in summary["示例数据"]],
                            "错误": summary["错误"], "需核实": summary["需核实"], "提示": summary["提示"]})
        text = (f"本页汇总全书{len(self.rows)}份部门年度报告的数据核查结果：共发现错误{int((df['严重程度'] == '错误').sum())}项、"
                f"需核实{int((df['严重程度'] == '需核实').sum())}项、提示{int((df['严重程度'] == '提示').sum())}项。"
                "点击部门名称进入该部门章节的“数据核查”部分。")
        self.out.html(paragraph(text))
        self.out.table(out, "各部门数据核查结果统计", "统计", {"部门": links})

    def details(self) -> None:
        df = self.table[self.table["严重程度"] != "提示"]
        links = [f"{y}/{c}.html" for y, c in zip(df["年度"], df["code"])]
        out = df.drop(columns=["code", "示例数据"])
        self.out.table(out, "错误与需核实明细（提示见各部门章节）", "明细", {"部门": links}, csv_only=FINDING_CSV_ONLY)


@dataclass
class MethodPage:
    """评价方法: the grade bands and every indicator framework, generated from the code and the files; the
    framework the chapters were scored with (``used``, an index into ``frameworks``) is named as such, and
    listed even when it is a file outside the frameworks folder (``build --framework FILE``)."""

    frameworks: list[Framework]
    out: PageOutput = field(default_factory=lambda: NotebookOutput("method", "../"))
    used: int | None = None

    @classmethod
    def load(cls, frameworks_dir: str | Path, framework_file: str | Path | None = None) -> "MethodPage":
        files = [p.resolve() for p in sorted(Path(frameworks_dir).glob("*.yaml")) if not p.name.startswith((".", "_"))]
        used = None
        if framework_file is not None:
            chosen = Path(framework_file).resolve()
            if chosen not in files:
                files.append(chosen)
            used = files.index(chosen)
        return cls([load_framework(p) for p in files], used=used)

    def grades(self) -> None:
        """评价等级: the grade of a total score, from the bands the scoring uses."""
        self.out.table(grade_bands_table(), "评价等级", "评价等级")

    def weights(self) -> None:
        """The level-1 indicators and weights of each framework (the self-assessment's parts and points)."""
        for fw in self.frameworks:
            self.out.html(paragraph(f"{fw.title}的一级指标及分值为：{level_one_weights(fw)}。"))

    def trees(self) -> None:
        if self.used is not None:
            self.out.html(paragraph(f"本书各章的测算得分按指标体系{self.used + 1}（{self.frameworks[self.used].title}）计算。"))
        for i, fw in enumerate(self.frameworks, start=1):
            where = "，".join(x for x in (fw.jurisdiction, f"{fw.year}年" if fw.year else "") if x)
            intro = f"指标体系{i}：{fw.title}{'（' + where + '）' if where else ''}。{fw.description}"
            self.out.html(paragraph(intro))
            source = fw.source.text()
            if source:
                self.out.html(paragraph(f"指标体系{i}的来源：{source.rstrip('。')}。"))
            self.out.table(framework_tree_table(fw), fw.title, f"指标体系{i}")
