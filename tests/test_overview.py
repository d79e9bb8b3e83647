"""Many departments and years: overview ranking, demo labels, 历年对比, adding a department-year."""

from __future__ import annotations

import re
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
    cap = next(p for p in soup.find_all("p", class_="pe-caption") if caption_part in p.get_text())
    table = cap.find_next("table")
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


def test_overview_ranks_every_demo_department_with_figures_from_the_data(built_book: Path) -> None:
    rows = _table(_soup(built_book / "_build/html/book/2024/overview-demo.html"), "排名")
    files = sorted((ROOT / "data/demo/2024").glob("*.yaml"))
    assert len(rows) == len(files) == 12
    by_name = {r["部门"]: r for r in rows}
    for f in files:
        d = _raw(f)
        row = by_name[d["unit"]["name"]]
        adjusted = Decimal(d["income"]["initial_budget"]) + Decimal(d["income"]["adjustment"])
        assert row["调整后预算（万元）"] == str(adjusted)
        assert row["预算执行率"] == _pct(d["expenditure"]["total"], adjusted)
        assert row["三公经费控制率"] == _pct(d["sangong"]["actual"]["total"], d["sangong"]["budget"]["total"])
        assert row["主管部门"] == d["unit"]["supervisor"]
    scores = [Decimal(r["复核得分"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert [int(r["排名"]) for r in rows] == list(range(1, 13))


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
    assert demo2024[0]["file"] == "book/2024/overview-demo"
    sections = [s["file"] for ch in demo2024[1:] for s in ch["sections"]]
    assert len(sections) == 12 and "book/2024/qinghe-jiaoyu" in sections


def test_history_section_with_year_on_year_changes(built_book: Path) -> None:
    rows = _table(_soup(built_book / "_build/html/book/2024/qinghe-jiaoyu.html"), "历年对比")
    data = [_raw(ROOT / f"data/demo/{y}/qinghe-jiaoyu.yaml") for y in (2022, 2023, 2024)]
    assert [r["年度"] for r in rows] == ["2022年", "2023年", "2024年"]
    for i, (row, d) in enumerate(zip(rows, data)):
        assert row["财政拨款支出（万元）"] == str(d["expenditure"]["total"])
        assert row["三公经费实际（万元）"] == str(d["sangong"]["actual"]["total"])
        if i == 0:
            assert row["支出同比"] == "—"
            continue
        prev = data[i - 1]
        change = Decimal(d["expenditure"]["total"]) - Decimal(prev["expenditure"]["total"])
        expected = _pct(change, prev["expenditure"]["total"])
        assert row["支出同比"] == ("+" if change > 0 else "") + expected
        sg = Decimal(d["sangong"]["actual"]["total"]) - Decimal(prev["sangong"]["actual"]["total"])
        assert row["三公同比"] == ("+" if sg > 0 else "") + _pct(sg, prev["sangong"]["actual"]["total"])
    # The real department has one year only: no 历年对比 section on its page.
    real = _soup(built_book / "_build/html/book/2024/xiangtan-minzheng.html")
    assert not [h for h in real.find_all("h2") if "历年对比" in h.get_text()]


def test_findings_summary_links_to_chapters(built_book: Path) -> None:
    soup = _soup(built_book / "_build/html/book/findings.html")
    links = {a["href"] for a in soup.select("table.pe-table a")}
    assert "2024/xiangtan-minzheng.html" in links and "2024/qinghe-weijian.html" in links or len(links) > 10
    for href in links:
        assert (built_book / "_build/html/book" / href).is_file(), href


def test_csv_downloads_are_utf8_with_bom(built_book: Path) -> None:
    csv = built_book / "_build/html/downloads/2024/xiangtan-minzheng/表3-三公经费.csv"
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    # Numbers only in numeric columns: the control rate 3.54 / 6.01 = 58.90 (%, the unit is in the header).
    assert text.splitlines()[0] == "项目,预算数（万元）,实际支出（万元）,控制率（%）"
    assert "公务接待费,6.01,3.54,58.90\r" in text
    page = (built_book / "_build/html/book/2024/xiangtan-minzheng.html").read_text(encoding="utf-8")
    assert "../../downloads/2024/xiangtan-minzheng/表3-三公经费.csv" in page


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
    ranking = _table(_soup(root / "_build/html/book/2024/overview-demo.html"), "排名")
    assert "清河市农业农村局" in [r["部门"] for r in ranking] and len(ranking) == 3
