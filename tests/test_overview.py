"""Many departments and years: overview ranking, demo labels, 历年对比, adding a department-year."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from perfeval.cli import main

from .conftest import ROOT, copy_project


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _table(soup: BeautifulSoup, caption_part: str) -> list[dict[str, str]]:
    cap = next(c for c in soup.select("table.pe-table > caption") if caption_part in c.get_text())
    table = cap.find_parent("table")
    heads = [th.get_text(strip=True) for th in table.find_all("th")]
    return [dict(zip(heads, (td.get_text(strip=True) for td in tr.find_all("td")))) for tr in table.tbody.find_all("tr")]


def _raw(path: Path) -> dict:  # type: ignore[type-arg]
    # Read the YAML independently of the package (numbers as exact text).
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506


def _pct(a: Decimal, b: Decimal) -> str:
    return f"{(Decimal(a) * 100 / Decimal(b)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _col(d: dict, section: str, row: str, column: str) -> Decimal | None:  # type: ignore[type-arg]
    value = ((d.get(section) or {}).get(row) or {}).get(column)
    return None if value is None else Decimal(value)


def test_overview_ranks_demo_departments_with_figures_from_the_data(built_book: Path) -> None:
    soup = _soup(built_book / "_build/html/book/2024/overview-demo.html")
    rows, apart = _table(soup, "排名"), _table(soup, "不予评级")
    files = sorted((ROOT / "data/demo/2024").glob("*.yaml"))
    names = {_raw(f)["unit"]["name"] for f in files}
    # Every department is either ranked or listed apart (coverage below 60%: no grade, no rank), never both.
    assert len(rows) + len(apart) == len(files) == 12 and apart
    assert {r["部门"] for r in rows} | {r["部门"] for r in apart} == names
    assert not {r["部门"] for r in rows} & {r["部门"] for r in apart}
    for r in apart:
        assert Decimal(r["适用指标覆盖率"].rstrip("%")) < 60 and "等级" not in r and "测算得分" not in r
    by_name = {r["部门"]: r for r in rows}
    for f in files:
        d = _raw(f)
        row = by_name.get(d["unit"]["name"])
        if row is None:
            continue
        initial = _col(d, "income", "appropriation", "budget")
        adjusted = _col(d, "income", "appropriation", "adjusted")
        amount = Decimal((d.get("adjustment") or {}).get("amount", "nan"))
        if adjusted is None and initial is not None and not amount.is_nan():
            adjusted = initial + amount
        spent = _col(d, "expenditure", "total", "actual")
        if adjusted is not None:
            assert row["调整后预算（万元）"] == str(adjusted)
        if adjusted and spent is not None:
            assert row["预算执行率"] == _pct(spent, adjusted)
        budget, actual = _col(d, "sangong", "total", "budget"), _col(d, "sangong", "total", "actual")
        assert row["三公经费控制率"] == (_pct(actual, budget) if budget and actual is not None else "—")
        assert row["主管部门"] == (d["unit"].get("supervisor") or "—")
    scores = [Decimal(r["测算得分"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert [int(r["排名"]) for r in rows] == list(range(1, len(rows) + 1))
    text = soup.find("main").get_text()
    assert "数据不足，不予评级" in text and "不是财政部门的评价结果" in text and "复核" not in text


def test_every_demo_page_carries_the_label(built_book: Path) -> None:
    html_dir = built_book / "_build/html/book"
    demo_pages = [html_dir / f"{p.parent.name}/{p.stem}.html" for p in (ROOT / "data/demo").rglob("*.yaml")]
    demo_pages += list(html_dir.glob("*/overview-demo.html"))
    assert len(demo_pages) == 36 + 3
    for page in demo_pages:
        text = _soup(page).get_text()
        assert "示例数据" in text and "不是真实部门" in text, page
    real = _soup(html_dir / "2024/xiangtan-minzheng.html").get_text()
    assert "不是真实部门" not in real


def test_toc_parts_by_year_then_supervisor(built_book: Path) -> None:
    toc = yaml.safe_load((built_book / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"]]
    assert captions == ["阅读指南", "2024年度", "2024年度（示例数据）", "2023年度（示例数据）", "2022年度（示例数据）"]
    demo2024 = toc["parts"][2]["chapters"]
    assert [ch["file"] for ch in demo2024[:2]] == ["book/2024/overview-demo", "book/2024/risk-demo"]
    sections = [s["file"] for ch in demo2024[2:] for s in ch["sections"]]
    assert len(sections) == 12 and "book/2024/qinghe-jiaoyu" in sections


def test_history_section_with_year_on_year_changes(built_book: Path) -> None:
    rows = _table(_soup(built_book / "_build/html/book/2024/qinghe-jiaoyu.html"), "历年对比")
    data = [_raw(ROOT / f"data/demo/{y}/qinghe-jiaoyu.yaml") for y in (2022, 2023, 2024)]
    assert [r["年度"] for r in rows] == ["2022年", "2023年", "2024年"]
    for i, (row, d) in enumerate(zip(rows, data)):
        spent, sangong = _col(d, "expenditure", "total", "actual"), _col(d, "sangong", "total", "actual")
        assert row["支出合计（万元）"] == str(spent)
        assert row["三公经费决算数（万元）"] == str(sangong)
        if i == 0:
            assert row["支出同比"] == "—"
            continue
        prev = data[i - 1]
        before = _col(prev, "expenditure", "total", "actual")
        change = spent - before
        assert row["支出同比"] == ("+" if change > 0 else "") + _pct(change, before)
        sg_before = _col(prev, "sangong", "total", "actual")
        sg = sangong - sg_before
        assert row["三公同比"] == ("+" if sg > 0 else "") + _pct(sg, sg_before)
    # The real department has one year only: no 历年对比 section on its page.
    real = _soup(built_book / "_build/html/book/2024/xiangtan-minzheng.html")
    assert not [h for h in real.find_all(["h2", "h3"]) if "历年对比" in h.get_text()]


def test_findings_summary_links_to_chapters(built_book: Path) -> None:
    soup = _soup(built_book / "_build/html/book/findings.html")
    links = {a["href"] for a in soup.select("table.pe-table a")}
    assert "2024/xiangtan-minzheng.html" in links and "2024/qinghe-weijian.html" in links or len(links) > 10
    for href in links:
        assert (built_book / "_build/html/book" / href).is_file(), href


def test_csv_downloads_are_utf8_with_bom(built_book: Path) -> None:
    csv = built_book / "_build/html/downloads/2024/xiangtan-minzheng/表4-三公经费.csv"
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    # Numbers only in numeric columns, the unit in the header; a blank column is an empty cell, not 0.
    assert text.splitlines()[0] == "项目,本年预算数（万元）,本年决算数（万元）"
    assert "公务接待费,6.01,3.54\r" in text and "因公出国（境）费,,0\r" in text
    rates = next((csv.parent).glob("表*-主要比率.csv")).read_bytes().decode("utf-8-sig")
    # The control rate 9.32 / 15.61 = 59.71 (%, the unit is in the header): ours, in 主要比率.
    assert rates.splitlines()[0] == "比率,测算值（%）,口径" and "“三公”经费控制率,59.71," in rates
    page = (built_book / "_build/html/book/2024/xiangtan-minzheng.html").read_text(encoding="utf-8")
    assert "../../downloads/2024/xiangtan-minzheng/表4-三公经费.csv" in page


def test_adding_a_department_year_needs_no_other_edit(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p", data=False)
    shutil.copytree(ROOT / "data/2024", root / "data/2024")
    demo = root / "data/demo/2024"
    demo.mkdir(parents=True)
    for code in ("qinghe-jiaoyu", "qinghe-weijian"):
        shutil.copy(ROOT / f"data/demo/2024/{code}.yaml", demo)
    assert main(["build", "--root", str(root)]) == 0
    assert "qinghe-nongye" not in (root / "_toc.yml").read_text(encoding="utf-8")
    shutil.copy(ROOT / "data/demo/2024/qinghe-nongye.yaml", demo)  # the only change
    assert main(["build", "--root", str(root)]) == 0
    assert "book/2024/qinghe-nongye" in (root / "_toc.yml").read_text(encoding="utf-8")
    assert (root / "_build/html/book/2024/qinghe-nongye.html").is_file()
    overview = _soup(root / "_build/html/book/2024/overview-demo.html")
    ranking, apart = _table(overview, "排名"), _table(overview, "不予评级")
    # 清河市卫生健康委员会 gives only a 基础数据表: listed apart from the ranking, without a grade.
    assert "清河市农业农村局" in [r["部门"] for r in ranking] and len(ranking) + len(apart) == 3
