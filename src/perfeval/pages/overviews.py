"""Overview pages: a year's ranking across departments and the findings summary.

Like :class:`perfeval.report.Chapter`, each method displays escaped HTML
(tables with links to the chapters, CSV downloads) or a chart and returns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, display
from markupsafe import escape

from perfeval.pages import charts

from perfeval.pages import ranking as overview

from perfeval.pages import tables
from perfeval.review import Framework, load_framework
from perfeval.pages.chapter import framework_file, render
from perfeval.pages.review_tables import framework_tree_table
from perfeval.model.schema import DepartmentYear


def _show_table(df: pd.DataFrame, caption: str, downloads_dir: Path | None, rel_csv: str, depth: int,
                links: dict[str, list[str]] | None = None) -> None:
    head = f'<p class="pe-caption">{escape(caption)}</p>'
    foot = ""
    if downloads_dir is not None and rel_csv:
        tables.write_csv(df, downloads_dir / rel_csv)
        up = "../" * depth
        foot = f'<p class="pe-download"><a href="{up}downloads/{escape(rel_csv)}" download>下载本表（CSV）</a></p>'
    display(HTML(head + tables.to_html(df, links) + foot))


@dataclass
class Overview:
    """One year's departments (real or demo), ranked by recomputed score."""

    year: int
    records: list[DepartmentYear]
    framework_path: Path
    demo: bool = False
    downloads_dir: Path | None = None

    @classmethod
    def load(cls, year: int, data_dirs: list[str], framework: str, frameworks_dir: str, demo: bool = False,
             downloads_dir: str = "") -> "Overview":
        records = [r for r in overview.load_records([Path(d) for d in data_dirs])
                   if r.year == int(year) and r.demo == bool(demo)]
        return cls(int(year), records, framework_file(framework, frameworks_dir), bool(demo),
                   Path(downloads_dir) if downloads_dir else None)

    @cached_property
    def framework(self) -> Framework:
        return load_framework(self.framework_path)

    @cached_property
    def rows(self) -> list[overview.Row]:
        return overview.evaluate(self.records, self.framework)

    @property
    def _folder(self) -> str:
        return f"{self.year}/overview{'-demo' if self.demo else ''}"

    def intro(self) -> None:
        if self.demo:
            display(HTML(render("demo_banner", None)))
        grades = overview.grade_distribution(self.rows)
        best = overview.ranking(self.rows)[0] if self.rows else None
        text = (f"{self.year}年度共{len(self.rows)}个部门纳入本总览，按“{self.framework.title}”复核打分。"
                + "".join(f"{g}{n}个、" for g, n in zip(grades["等级"], grades["部门数"])).rstrip("、") + "。")
        if best is not None:
            text += f"复核得分最高的是{best.rec.unit.name}（{overview.fmt_score(best.result.total)}分）。"
        display(HTML(render("paragraph", text)))

    def ranking(self) -> None:
        df = overview.ranking_table(self.rows)
        links = {"部门": [f"{r.rec.code}.html" for r in overview.ranking(self.rows)]}
        _show_table(df, f"表1 {self.year}年度部门整体支出绩效复核得分排名", self.downloads_dir,
                    f"{self._folder}/表1-排名.csv", 2, links)

    def grades(self) -> None:
        _show_table(overview.grade_distribution(self.rows), "表2 等级分布", self.downloads_dir,
                    f"{self._folder}/表2-等级分布.csv", 2)

    def charts(self) -> None:
        for fig in (overview.scores_chart(self.rows, f"{self.year}年度各部门复核得分"),
                    overview.execution_vs_budget_chart(self.rows, f"{self.year}年度预算执行率与预算规模"),
                    overview.sangong_chart(self.rows, f"{self.year}年度各部门“三公”经费预算与实际")):
            display(Image(data=charts.png_bytes(fig), format="png"))


@dataclass
class FindingsPage:
    """数据核查汇总: every finding across all department-years, linked to its chapter."""

    records: list[DepartmentYear]
    framework_path: Path
    downloads_dir: Path | None = None

    @classmethod
    def load(cls, data_dirs: list[str], framework: str, frameworks_dir: str, downloads_dir: str = "") -> "FindingsPage":
        return cls(overview.load_records([Path(d) for d in data_dirs]), framework_file(framework, frameworks_dir),
                   Path(downloads_dir) if downloads_dir else None)

    @cached_property
    def rows(self) -> list[overview.Row]:
        return overview.evaluate(self.records, load_framework(self.framework_path))

    @cached_property
    def table(self) -> pd.DataFrame:
        return overview.findings_summary(self.rows)

    def counts(self) -> None:
        df = self.table
        summary = (df.assign(n=1).pivot_table(index=["年度", "部门", "code", "示例数据"], columns="严重程度",
                                              values="n", aggfunc="sum", fill_value=0).reset_index())
        for col in ("错误", "警告", "提示"):
            if col not in summary:
                summary[col] = 0
        summary = summary.sort_values(["年度", "错误", "警告", "code"], ascending=[False, False, False, True])
        links = [f"{y}/{c}.html" for y, c in zip(summary["年度"], summary["code"])]
        out = pd.DataFrame({"年度": summary["年度"], "部门": summary["部门"],
                            "数据来源": ["示例数据" if d else "真实数据" for d in summary["示例数据"]],
                            "错误": summary["错误"], "警告": summary["警告"], "提示": summary["提示"]})
        text = (f"本页汇总全书{len(self.rows)}份部门年度报告的数据核查结果：共发现错误{int((df['严重程度'] == '错误').sum())}项、"
                f"警告{int((df['严重程度'] == '警告').sum())}项、提示{int((df['严重程度'] == '提示').sum())}项。"
                "点击部门名称进入该部门章节的“数据核查”部分。")
        display(HTML(render("paragraph", text)))
        _show_table(out, "表1 各部门数据核查结果统计", self.downloads_dir, "findings/表1-统计.csv", 1,
                    {"部门": links})

    def details(self) -> None:
        df = self.table[self.table["严重程度"] != "提示"]
        links = [f"{y}/{c}.html" for y, c in zip(df["年度"], df["code"])]
        out = df.drop(columns=["code", "示例数据"])
        _show_table(out, "表2 错误与警告明细（提示见各部门章节）", self.downloads_dir, "findings/表2-明细.csv", 1,
                    {"部门": links})


@dataclass
class MethodPage:
    """评价方法: every indicator framework's tree, generated from its file."""

    frameworks: list[Framework]

    @classmethod
    def load(cls, frameworks_dir: str) -> "MethodPage":
        files = sorted(Path(frameworks_dir).glob("*.yaml"))
        return cls([load_framework(p) for p in files])

    def trees(self) -> None:
        for i, fw in enumerate(self.frameworks, start=1):
            where = "，".join(x for x in (fw.jurisdiction, f"{fw.year}年" if fw.year else "") if x)
            intro = f"指标体系{i}：{fw.title}（文件 {fw.name}.yaml{'，' + where if where else ''}）。{fw.description}"
            display(HTML(render("paragraph", intro)))
            display(HTML(f'<p class="pe-caption">表{i} {escape(fw.title)}</p>'
                         + tables.to_html(framework_tree_table(fw))))
