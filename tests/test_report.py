"""Narrative, tables and charts of a chapter, outside any notebook."""

from __future__ import annotations

import warnings
from decimal import Decimal as D
from pathlib import Path

from perfeval.book.markdown import md_escape
from perfeval.model import load_records
from perfeval.model.facts import compute
from perfeval.model.schema import DepartmentYear
from perfeval.pages import charts, render, review_tables, tables
from perfeval.pages.cells import display_frame


FRAMEWORK = Path(__file__).resolve().parents[1] / "data/frameworks/xiangtan-2024.yaml"


def section_text(rec: DepartmentYear, *methods: str) -> str:
    """The text of chapter sections (their HTML outputs, tags stripped), as a reader sees it."""
    from bs4 import BeautifulSoup

    from perfeval.pages import Chapter
    from perfeval.pages.display import NotebookOutput

    from .chapter_outputs import record_outputs

    outputs, publish = record_outputs()
    chapter = Chapter(rec, Path("data"), FRAMEWORK, NotebookOutput("2024/x", "../../", publish))
    for method in methods:
        getattr(chapter, method)()
    html = "".join(o["data"].get("text/html", "") for o in outputs)
    return BeautifulSoup(html, "html.parser").get_text()


def test_income_prose_is_filled_from_data(seed: DepartmentYear) -> None:
    text = section_text(seed, "income", "expenditure")
    assert "一般公共预算财政拨款收入3229.37万元" in text
    assert "年中调整预算数855.52万元" in text
    # The slip "3229.37 元" is marked where the figure appears, and its note follows the section.
    assert "支出合计3229.37万元注1" in text and "注1：原报告写作“2024 年度财政拨款支出 3229.37 元”" in text
    assert "基本支出1723.59万元、项目支出1505.78万元" in text and "人员经费1581.75万元、公用经费141.84万元" in text


def test_prose_changes_with_the_data(seed: DepartmentYear) -> None:
    changed = seed.model_copy(update={"adjustment": seed.adjustment.model_copy(update={"amount": D("100.5")})})
    text = section_text(changed, "income", "rates", "data_checks")
    assert "年中调整预算数100.5万元" in text
    # 100.5 / 2373.85 = 4.2336…% ; 2373.85 + 100.5 = 2474.35 differs from the stated 3229.37 by 755.02
    assert "预算调整率4.23%" in text.replace("\n", "") and "相差755.02万元" in text


def test_year_slip_and_declared_adjustment_are_explained(seed: DepartmentYear) -> None:
    text = section_text(seed, "approval", "execution", "rates", "data_checks")
    assert "2023年度批复" in text and "与评价年度2024年不一致" in text
    assert "单位自述预算调整率为0%" in text and "的比例为36.04%" in text
    assert "非财政拨款结转结余资金118.74万元" in text and "财政拨款结转结余资金0万元" in text
    assert "财政拨款结转结余率\n0.00%" in text      # 0 / 3229.37, in the rates table


def test_text_from_data_is_escaped(seed: DepartmentYear) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }} `x` {eval}`1`"
    rec = seed.model_copy(update={"other_notes": hostile})
    html = render("paragraph", rec.other_notes)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # Jinja syntax in data is shown, never evaluated


def test_markdown_escape_neutralises_myst() -> None:
    assert md_escape("a*b*") == r"a\*b\*"
    assert md_escape("{eval}`x`") == r"\{eval\}\`x\`"
    assert md_escape("<b>") == r"\<b\>"
    assert md_escape("湘潭市民政局") == "湘潭市民政局"


def test_sangong_table(seed: DepartmentYear) -> None:
    df = display_frame(tables.sangong_table(seed))
    rows = {r["项目"]: r for r in df.to_dict("records")}
    assert rows["公务接待费"]["本年预算数（万元）"] == "6.01" and rows["公务接待费"]["本年决算数（万元）"] == "3.54"
    assert rows["公务用车运行维护费"]["本年预算数（万元）"] == "9.6"
    # An item the report does not mention is left out (never shown as 0); one it states as 0 is shown as 0.
    assert "公务用车购置费" not in rows and rows["因公出国（境）费"]["本年决算数（万元）"] == "0"
    assert rows["因公出国（境）费"]["本年预算数（万元）"] == "—"
    assert list(rows)[-1] == "三公经费合计" and rows["三公经费合计"]["本年决算数（万元）"] == "9.32"
    assert "控制率" not in df.columns          # a rate is ours: in 主要比率
    rates = {r["比率"]: r for r in display_frame(review_tables.rates_table(seed, compute(seed))).to_dict("records")}
    assert rates["“三公”经费控制率"]["测算值"] == "59.71%"          # 9.32 / 15.61


def test_problem_table_date(seed: DepartmentYear) -> None:
    df = display_frame(tables.problem_table(seed))
    assert df.iloc[0]["整改完成时限"] == "2025年5月30日"


def test_charts_have_all_chinese_glyphs(seed: DepartmentYear) -> None:
    f = compute(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in (charts.spending_structure(seed, f), charts.budget_vs_actual(seed, f),
                    charts.sangong_budget_vs_actual(seed), charts.project_execution(seed, f)):
            png = charts.png_bytes(fig)
            assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []


def test_missing_glyph_check_can_fail(seed: DepartmentYear) -> None:
    # Without the CJK font, the same chart warns: the check above is not vacuous.
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = Figure()
            fig.add_subplot().set_title("预算执行率")
            charts.png_bytes(fig)
    assert any("missing from" in str(w.message) for w in caught)


def test_chart_png_is_deterministic(seed: DepartmentYear) -> None:
    a = charts.png_bytes(charts.sangong_budget_vs_actual(seed))
    b = charts.png_bytes(charts.sangong_budget_vs_actual(seed))
    assert a == b


def _png_width(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big")   # IHDR: width, then height


def test_charts_are_drawn_at_twice_the_size_they_are_shown(seed: DepartmentYear) -> None:
    """On the page a chart keeps its size in CSS px (7.2 in at 110 px per inch: 792 px); its PNG has twice
    the pixels, and the output says the width to show it at."""
    import base64

    from .chapter_outputs import chapter_notebook
    from .conftest import ROOT

    nb = chapter_notebook(seed, ROOT / "data/frameworks/xiangtan-2024.yaml", ROOT / "data")
    shown = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                png = base64.b64decode(output["data"]["image/png"])
                width = output["metadata"]["image/png"]["width"]
                assert _png_width(png) == 2 * width
                shown.append(width)
    assert len(shown) == 4 and 792 in shown and 704 in shown   # 7.2-inch bar charts, the 6.4-inch pie


def test_axis_titles_and_labels_are_horizontal(seed: DepartmentYear) -> None:
    """No rotated text in any chart of the chapter, the history or a year overview (the 万元 unit is written
    above the axis, not along it)."""
    from matplotlib.text import Text

    from perfeval.pages import history, ranking
    from perfeval.review.frameworks import load_framework

    from .conftest import ROOT

    framework = load_framework(ROOT / "data/frameworks/xiangtan-2024.yaml")
    f = compute(seed)
    demo = [rec for rec, _ in load_records([ROOT / "data/demo"])]
    rows = ranking.evaluate([r for r in demo if r.year == 2024], framework)
    years = history.history_records(ROOT / "data/demo", "qinghe-jiaoyu", 2024)
    figures = [charts.spending_structure(seed, f), charts.budget_vs_actual(seed, f),
               charts.sangong_budget_vs_actual(seed), charts.project_execution(seed, f),
               ranking.scores_figure(rows), ranking.execution_figure(rows), ranking.sangong_figure(rows),
               history.history_figure(years, framework)]
    for fig in figures:
        fig.canvas.draw()   # tick labels exist once drawn
        texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
        assert texts and [t.get_text() for t in texts if t.get_rotation() != 0] == []
    # The unit of the value axis is there, as a horizontal title above the axis.
    assert charts.budget_vs_actual(seed, f).axes[0].get_title(loc="left") == "万元"
    # The check sees a rotated axis title when there is one.
    fig = charts.new_figure()
    fig.add_subplot().set_ylabel("万元")
    fig.canvas.draw()
    assert [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_rotation() != 0] == ["万元"]


def test_the_pie_and_its_table_use_the_same_total(seed: DepartmentYear) -> None:
    """When the stated 支出合计 differs from its parts, the shares are over the parts' own sum, in the chart and in
    the table beside it (1581.75 + 141.84 + 1505.78 = 3229.37, not the stated 3300)."""
    exp = seed.expenditure.model_copy(update={"total": seed.expenditure.total.model_copy(update={"actual": D(3300)})})
    rec = seed.model_copy(update={"expenditure": exp})
    f = compute(rec)
    chart = charts.spending_structure_chart(rec, f)
    assert isinstance(chart, charts.Chart) and "分项合计3229.37万元" in chart.caption
    assert "项目支出1505.78万元（46.63%）" in chart.alt          # 1505.78 / 3229.37
    rows = {r["项目"]: r for r in display_frame(tables.expenditure_table(rec, f)).to_dict("records")}
    assert rows["项目支出"]["占分项合计比重"] == "46.63%" and rows["支出合计"]["本年决算数（万元）"] == "3300"
    assert rows["支出合计"]["占分项合计比重"] == "—"
