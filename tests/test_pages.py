"""The pages package: numbering, CSV payloads, downloads outside the kernel, outline, method page, structure."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pandas as pd
import pytest

from perfeval.model.schema import DepartmentYear
from perfeval.pages import OUTLINE, MethodPage, Page, how_to_read_markdown, page_downloads
from perfeval.pages.cells import Absent, Pct, csv_bytes, display_frame, to_csv
from perfeval.pages.charts import Chart
from perfeval.pages.display import TABLE_MIME, NotebookOutput, charts_in, tables_in
from perfeval.pages.outline import parts, subsections

from .chapter_outputs import chapter_notebook, record_outputs
from .conftest import ROOT

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
PAGES_SRC = ROOT / "src" / "perfeval" / "pages"


@pytest.fixture(scope="module")
def seed_nb(seed: DepartmentYear):  # type: ignore[no-untyped-def]
    return chapter_notebook(seed, FRAMEWORK, ROOT / "data")


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- numbering -----------------------------------------------------------------------------------

def test_tables_and_figures_are_numbered_in_order(seed_nb) -> None:  # type: ignore[no-untyped-def]
    tables = tables_in(seed_nb)
    assert [t.number for t in tables] == list(range(1, len(tables) + 1))
    for t in tables:
        assert t.caption.startswith(f"表{t.number} ")
        assert t.file.startswith(f"2024/xiangtan-minzheng/表{t.number}-") and t.file.endswith(".csv")
    # The seed, the unit's report: 部门基本情况, 收入, 支出, 三公; its 8 goals' indicator tables; 代管资金,
    # 整改清单, 单位自评表. Ours: 自评对照, 测算得分明细, 主要比率, 项目执行率, one findings table per severity
    # (2: the seed has 需核实 and 提示, no 错误).
    assert len(tables) == 4 + 8 + 3 + 4 + 2
    charts = charts_in(seed_nb)
    assert [(c.name, c.number) for c in charts] == [("spending_structure", 1), ("budget_vs_actual", 2),
                                                    ("sangong", 3), ("projects", 4)]
    html = "".join(o["data"].get("text/html", "") for c in seed_nb.cells for o in c.get("outputs", []))
    figure_captions = re.findall(r'<p class="pe-caption pe-figure-caption">(图\d+) ', html)
    assert figure_captions == ["图1", "图2", "图3", "图4"]
    # No caption in the package's code carries a hand-typed number.
    for path in PAGES_SRC.glob("*.py"):
        assert not re.search(r"[\"'](表|图)\d", path.read_text(encoding="utf-8")), path.name


def test_chart_alt_text_describes_the_chart_in_chinese(seed_nb) -> None:  # type: ignore[no-untyped-def]
    charts = {c.name: c for c in charts_in(seed_nb)}
    assert charts["spending_structure"].alt.startswith("饼图：")
    # Headline figures of the seed (hand-read): the split's sum (1581.75 + 141.84 + 1505.78 = 3229.37) and the
    # shares over it, spending against its budget, 三公 budget and actual. The unit's part shows its figures; the
    # rates are ours (测算与核查).
    assert "分项合计3229.37万元" in charts["spending_structure"].alt
    assert "人员经费1581.75万元（48.98%）" in charts["spending_structure"].alt    # 1581.75 / 3229.37
    assert "支出合计预算数2373.85万元，决算数3229.37万元" in charts["budget_vs_actual"].alt
    assert "调整后预算3229.37万元" in charts["budget_vs_actual"].alt              # 2373.85 + 855.52
    assert "预算合计15.61万元" in charts["sangong"].alt and "决算合计9.32万元" in charts["sangong"].alt
    # Four of the eight projects are below 90%; the lowest is project (3) at 59.30% (seed report figures).
    assert "4个项目低于90%" in charts["projects"].alt and "59.30%" in charts["projects"].alt
    for c in charts.values():
        assert c.png.startswith(b"\x89PNG") and ".png" not in c.alt and "/" not in c.alt


# --- two voices ------------------------------------------------------------------------------------

def test_the_units_first_person_words_are_only_in_quotes(seed_nb) -> None:  # type: ignore[no-untyped-def]
    """我局 / 我单位 (the unit speaking) appear only inside quoted source text (blockquote.pe-quote) or a quoted
    excerpt of a finding (“…”), never in a sentence of ours."""
    from bs4 import BeautifulSoup

    html = "".join(o["data"].get("text/html", "") for c in seed_nb.cells for o in c.get("outputs", []))
    soup = BeautifulSoup(html, "html.parser")
    quoted = sum(len(re.findall("我局|我单位", q.get_text())) for q in soup.select("blockquote.pe-quote"))
    assert quoted >= 4          # the seed's own statements of 预算管理, 资产管理, 效果产出 and its projects
    for q in soup.select("blockquote.pe-quote, table"):
        q.decompose()
    outside = [m.group(0) for m in re.finditer(r"[^。]*(?:我局|我单位)[^。]*", soup.get_text())]
    assert outside == []


def test_partial_self_score_table_is_shown_as_is_and_not_compared(seed: DepartmentYear) -> None:
    """A 自评表 whose weights do not total 100 (a part left out) is the unit's, as it stands: no 对照 table, no
    difference and no grade derived from it."""
    # (as the unit's own table, not one this book arranged from sentences as the seed's is)
    rec = seed.model_copy(update={"self_scores": seed.self_scores[:3], "self_score_total": None, "arranged": None})
    nb = chapter_notebook(rec, FRAMEWORK, ROOT / "data")
    captions = [t.caption.split(" ", 1)[1] for t in tables_in(nb)]
    assert "单位自评表" in captions and not [c for c in captions if "对照" in c]
    html = "".join(o["data"].get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    # 30 + 20 + 5 = 55 points listed.
    assert "单位自评表一级指标分值合计55分，不是100分，不与测算得分对照" in html
    assert "单位自评得分" not in html.split("pe-summary")[1].split("</div>")[0]    # the lead box gives no total
    assert "比自评" not in html


# --- CSV -----------------------------------------------------------------------------------------

def test_csv_numeric_columns_hold_numbers_only(seed_nb) -> None:  # type: ignore[no-untyped-def]
    number = re.compile(r"^-?\d+(\.\d+)?$")
    for t in tables_in(seed_nb):
        rows = _csv_rows(t.csv)
        header, body = rows[0], rows[1:]
        for j, name in enumerate(header):
            if name.endswith(("（%）", "（万元）")):
                bad = [r[j] for r in body if r[j] and not number.match(r[j])]
                assert bad == [], (t.caption, name, bad)
    by_caption = {t.caption.split(" ", 1)[1]: _csv_rows(t.csv) for t in tables_in(seed_nb)}
    spending = by_caption["支出情况（万元）"]
    assert spending[0] == ["项目", "本年预算数（万元）", "本年决算数（万元）", "占分项合计比重（%）", "注"]
    # The 支出合计 row carries the "3229.37 元" footnote; a share is computed for the parts of the split only
    # (the total row's cell is empty, not 0); 1505.78 / 3229.37 = 46.63%.
    assert spending[1] == ["支出合计", "2373.85", "3229.37", "", "注1"]
    assert spending[-1] == ["项目支出", "778.55", "1505.78", "46.63", ""]
    rates = {row[0]: row for row in by_caption["主要比率测算"]}
    assert rates["比率"] == ["比率", "测算值（%）", "口径"]
    # 2373.85 + 855.52 = 3229.37 spent in full: 100.00%; 855.52 / 2373.85 = 36.04%.
    assert rates["预算执行率"][1] == "100.00" and rates["预算调整率"][1] == "36.04"


def test_csv_neutralises_text_that_would_be_a_formula() -> None:
    df = pd.DataFrame({"文本": ["=1+1", "+SUM(A1)", "-cmd", "@x", "\tq", "\rr", "正常", "a=b"],
                       "金额（万元）": [Decimal("-5.5"), Decimal(1), None, Absent("未列示"), Decimal("0.10"),
                                      Decimal(3), Decimal(4), Decimal(5)],
                       "比率": [Pct(Decimal("-12.345")), Pct(Decimal("50")), Absent(), Pct(Decimal("1")),
                              Pct(Decimal("0.005")), Pct(Decimal(2)), Pct(Decimal(3)), Pct(Decimal(4))]})
    rows = _csv_rows(to_csv(df))
    assert rows[0] == ["文本", "金额（万元）", "比率（%）"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+SUM(A1)", "'-cmd", "'@x", "'\tq", "'\rr", "正常", "a=b"]
    # Numbers are numbers, a negative one included (never prefixed); absent values are empty cells.
    assert [r[1] for r in rows[1:]] == ["-5.5", "1", "", "", "0.10", "3", "4", "5"]
    assert [r[2] for r in rows[1:]] == ["-12.35", "50.00", "", "1.00", "0.01", "2.00", "3.00", "4.00"]
    # What the reader sees stays as it was.
    shown = display_frame(df)
    assert list(shown["比率"])[:3] == ["-12.35%", "50.00%", "—"] and shown["金额（万元）"][3] == "未列示"
    assert csv_bytes("a\r\n").startswith(b"\xef\xbb\xbf")


def test_csv_of_hostile_data_is_neutralised(seed: DepartmentYear) -> None:
    problem = seed.problems[0].model_copy(update={"problem": "=HYPERLINK(\"http://x\",\"点我\")",
                                                  "responsible": "@SUM(1+1)"})
    rec = seed.model_copy(update={"problems": [problem]})
    outputs, publish = record_outputs()
    from perfeval.pages import Chapter

    Chapter(rec, ROOT / "data", FRAMEWORK, NotebookOutput("2024/x", "../../", publish)).problems()
    payload = next(o["data"][TABLE_MIME] for o in outputs if TABLE_MIME in o["data"])
    row = _csv_rows(payload["csv"])[1]
    assert row[0] == "'=HYPERLINK(\"http://x\",\"点我\")" and row[3] == "'@SUM(1+1)"


# --- downloads outside the kernel ----------------------------------------------------------------

def test_sections_write_no_files(seed: DepartmentYear, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in (ROOT / "data").rglob("*"))
    nb = chapter_notebook(seed, FRAMEWORK, ROOT / "data")
    assert list(tmp_path.iterdir()) == []
    assert sorted(p for p in (ROOT / "data").rglob("*")) == before
    assert tables_in(nb) and charts_in(nb)


def test_page_downloads_of_a_chapter(seed_nb, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # The Word file reuses the notebook's chart PNGs: drawing a chart now would fail.
    def no_drawing(self: Chart) -> bytes:
        raise AssertionError(f"chart {self.name} drawn again")

    monkeypatch.setattr(Chart, "png", no_drawing)
    page = Page.from_parameters("department", {"code": "xiangtan-minzheng", "year": 2024,
                                               "data_dir": str(ROOT / "data"), "framework_file": str(FRAMEWORK)})
    files = page_downloads(seed_nb, page)
    csvs = sorted(k for k in files if k.endswith(".csv"))
    assert len(csvs) == len(tables_in(seed_nb)) and "2024/xiangtan-minzheng/表4-三公经费.csv" in csvs
    assert all(files[k].startswith(b"\xef\xbb\xbf") for k in csvs)
    unit = docx.Document(io.BytesIO(files["2024/xiangtan-minzheng/xiangtan-minzheng-2024.docx"]))
    review = docx.Document(io.BytesIO(files["2024/xiangtan-minzheng/xiangtan-minzheng-2024-测算意见.docx"]))
    images = sorted(p.blob for w in (unit, review) for p in w.part.package.parts if p.content_type == "image/png")
    # The unit's report holds the charts of the chapter's first part (the 测算意见 holds none).
    assert images == sorted(c.png for c in charts_in(seed_nb) if c.name != "projects")
    # The unit's report numbers its tables from 表1, in the page's order of the chapter's first part; what this
    # book arranged from the report's text (the seed's indicator tables and its 自评得分 read from sentences) is
    # on the page only. The 测算意见 has its one table of scores.
    page_titles = [t.caption.split(" ", 1)[1] for t in tables_in(seed_nb)]
    split = page_titles.index("单位自评得分（本书据原报告文字整理）") + 1
    unit_titles = [t for t in page_titles[:split] if "本书据原报告文字整理" not in t]
    captions = [p.text for p in unit.paragraphs if p.style.name == "表题"]
    assert captions == [f"表{n} {title}" for n, title in enumerate(unit_titles, start=1)]
    assert [p.text for p in review.paragraphs if p.style.name == "表题"] == ["表1 测算得分明细"]


def test_overview_pages_have_only_their_tables() -> None:
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": "<p>x</p>", TABLE_MIME: {"number": 1, "caption": "表1 排名", "file": "findings/表1-统计.csv",
                                                      "csv": "a,b\r\n"}}}]}]}
    assert page_downloads(nb, Page("findings")) == {"findings/表1-统计.csv": b"\xef\xbb\xbfa,b\r\n"}


# --- outline, 如何阅读, method page ----------------------------------------------------------------

def test_how_to_read_lists_the_parts_of_the_outline() -> None:
    text = how_to_read_markdown()
    items = re.findall(r"^\d+\. \*\*(.+?)\*\*", text, flags=re.M)
    assert items == [s.title for s in parts() if not s.when] == ["单位自评报告", "测算与核查"]
    assert [s.title for s in parts() if s.when] == ["版本记录"] and "末尾另有**版本记录**" in text
    sections = re.findall(r"^   - ([^：\n]+)", text, flags=re.M)
    assert sections == [s.title for part in parts() for s in subsections(part)]
    assert sections[0] == "部门概况" and {"测算得分", "数据核查", "历年对比", "单位自评表"} <= set(sections)
    assert "复核" not in text
    for word in ("papermill", "jupyter", "make ", "notebook", ".ipynb", "data/"):
        assert word not in text.lower()


def test_method_page_is_generated_from_grade_bands_and_frameworks(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs, publish = record_outputs()
    page = MethodPage.load(ROOT / "data" / "frameworks")
    page.out = NotebookOutput("method", "../", publish)
    page.grades()
    page.weights()
    grades = _csv_rows(outputs[0]["data"][TABLE_MIME]["csv"])
    assert [r[:2] for r in grades[1:]] == [["优", "[90, 100]"], ["良", "[80, 90)"], ["中", "[60, 80)"], ["差", "[0, 60)"]]
    texts = [o["data"]["text/html"] for o in outputs[1:]]
    # The level-1 weights of the seed report (预算执行 30 + 预算管理 20 + 资产管理 5 + 效果产出 45).
    assert any("预算执行30分、预算管理20分、资产管理5分、效果产出45分，合计100分" in t for t in texts)
    # Generated, not typed: other bands give another table.
    from perfeval.review import rules

    monkeypatch.setattr(rules, "GRADE_BANDS", ((Decimal(85), "优"), (Decimal(0), "差")))
    outputs2, publish2 = record_outputs()
    MethodPage([], NotebookOutput("method", "../", publish2)).grades()
    assert _csv_rows(outputs2[0]["data"][TABLE_MIME]["csv"])[1][:2] == ["优", "[85, 100]"]
    nb = json.loads((ROOT / "notebooks" / "method.ipynb").read_text(encoding="utf-8"))
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert not re.search(r"\d+\s*分", markdown) and "| 优 |" not in markdown


# --- structure -------------------------------------------------------------------------------------

def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
    return out


def test_pages_modules_are_small_acyclic_and_use_no_private_names() -> None:
    modules = {f"perfeval.pages.{p.stem}": p for p in PAGES_SRC.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, name
        for module, names in _imports(path):
            assert not (module == "perfeval.pages" and names), f"{name} imports through the package face"
            if module.startswith("perfeval."):
                assert not [n for n in names if n.startswith("_")], f"{name} imports a private name from {module}"
            targets = [module] + [f"{module}.{n}" for n in names]
            graph[name] |= {t for t in targets if t in modules}
    assert "perfeval.pages.docx" not in graph["perfeval.pages.chapter"]   # chapter does not know Word

    def visit(node: str, stack: list[str], done: set[str]) -> None:
        assert node not in stack, " → ".join(stack + [node])
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, stack + [node], done)
        done.add(node)

    done: set[str] = set()
    for m in sorted(graph):
        visit(m, [], done)
    # The notebooks use the public face only.
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        code = "".join("".join(c["source"]) for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        assert re.findall(r"from (perfeval[\w.]*) import", code) in ([], ["perfeval.pages"]), nb_path.name


def test_outline_sections_render_in_the_notebook_order() -> None:
    levels = [s.level for s in OUTLINE]
    assert levels[:2] == [0, 0] and all(level in (1, 2, 3) for level in levels[2:])
    assert [s.heading for s in OUTLINE if s.level == 1] == ["单位自评报告", "测算与核查", "版本记录"]
    # Shown only with earlier years of the department: last year's problems followed up, and the years compared.
    assert [s.heading for s in OUTLINE if s.when == "history"] == ["四、上年问题整改情况", "五、历年对比"]
    assert [s.heading for s in OUTLINE if s.when == "changes"] == ["版本记录"]   # only when a release changed it
    # Never interleaved: every section of the unit's report comes before every section of ours.
    review = [s.heading for s in OUTLINE].index("测算与核查")
    assert all(s.heading != "单位自评报告" for s in OUTLINE[review:])
