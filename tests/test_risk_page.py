"""The year's 重点评价风险排序 page: points from the department summaries, the order, the reasons, the CSV.

Expected points are derived by hand from the data files (the seed's in tests/test_bureau.py):

- 湘潭市民政局 2024 (seed): 预算调整率 36.04% (> 30%): 3; 代管资金 76.11%: 2; 8 需核实 not ruled on: 8 → 13.
- 清河市农业农村局 2024 (demo): 调整 979.13 ÷ 5722.56 = 17.11% (> 10%): 1; 执行 6349.18 ÷ (5722.56 + 979.13)
  = 94.74%: 0; 三公 (38.34 − 11.57) ÷ 11.57 = +231.37% (> 10%): 2; plus one per open 需核实 of its checks.
- 清河市教育局 2024 (demo): 调整 139.87 ÷ 4412.29 = 3.17%, 执行 4543.97 ÷ 4552.16 = 99.82%, 三公
  (7.98 − 9.24) ÷ 9.24 = −13.64%, no finding: 0.
"""

from __future__ import annotations

import csv
import shutil
import io
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from perfeval.model import load_department
from perfeval.pages.display import TABLE_MIME, NotebookOutput
from perfeval.pages.overviews import RiskPage
from perfeval.pages.risk import risk_ranking
from perfeval.pages.summaries import summarize
from perfeval.review import load_framework, run_checks

from .conftest import ROOT, copy_seed

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
DEMO = ROOT / "data" / "demo"


def _summaries(tmp_path: Path) -> list[Any]:
    seed = copy_seed(tmp_path / "data" / "2024")
    fw = load_framework(FRAMEWORK)
    out = [summarize(load_department(seed), fw, data_file=seed)]
    for code in ("qinghe-jiaoyu", "qinghe-nongye"):   # this year alone: no rectification of last year's problems
        path = tmp_path / "demo" / "2024" / f"{code}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO / "2024" / path.name, path)
        out.append(summarize(load_department(path), fw, data_file=path))
    return out


def test_risk_ranking_from_summaries_matches_the_points_by_hand(tmp_path: Path) -> None:
    rows = risk_ranking(_summaries(tmp_path))
    assert [r.code for r in rows] == ["xiangtan-minzheng", "qinghe-nongye", "qinghe-jiaoyu"]
    seed, nongye, jiaoyu = rows
    assert seed.points == 13
    open_verify = sum(1 for f in run_checks(load_department(DEMO / "2024" / "qinghe-nongye.yaml"))
                      if f.severity == "verify")
    assert open_verify == 3 and nongye.points == 1 + 2 + 3
    assert nongye.reasons[:2] == ("预算调整率17.11%，超过10.00%", "“三公”经费比上年增长231.37%")
    assert jiaoyu.points == 0 and jiaoyu.reasons == ()


def _page(rows: list[Any], demo: bool = False) -> tuple[str, list[dict[str, Any]]]:
    shown: list[dict[str, Any]] = []
    page = RiskPage(2024, rows, demo, NotebookOutput("2024/risk", "../../", lambda data, **kw: shown.append(data)))
    page.intro()
    page.rules()
    page.table()
    html = "".join(b.get("text/html", "") for b in shown)
    return html, [b[TABLE_MIME] for b in shown if TABLE_MIME in b]


def test_risk_page_links_explains_and_offers_the_csv(tmp_path: Path) -> None:
    rows = _summaries(tmp_path)
    html, tables = _page(rows)
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text()
    assert "不是财政部门的决定" in text and "测算" in text
    assert "超过30%的记3分" in text and "每项记1分" in text     # the rules in words
    table = soup.find("table")
    assert table.find("caption").get_text(strip=True) == "表1 2024年度重点评价风险排序"
    assert [a["href"] for a in table.find_all("a")] == ["xiangtan-minzheng.html", "qinghe-nongye.html",
                                                         "qinghe-jiaoyu.html"]
    assert "xiangtan-minzheng" not in table.get_text()            # codes only in the CSV
    [payload] = tables
    assert payload["file"] == "2024/risk/2024-风险排序.csv"
    body = list(csv.DictReader(io.StringIO(payload["csv"])))
    assert [r["部门代码"] for r in body] == ["xiangtan-minzheng", "qinghe-nongye", "qinghe-jiaoyu"]
    assert body[0]["风险分"] == "13" and body[2]["主要理由"] == "未发现风险因素"


def test_hostile_names_are_escaped_and_neutralised(tmp_path: Path) -> None:
    rows = [r.model_copy(update={"name": '=HYPERLINK("x")<script>alert(1)</script>'}) for r in _summaries(tmp_path)]
    html, [payload] = _page(rows)
    assert "<script>" not in html and "&lt;script&gt;" in html
    names = [r["部门"] for r in csv.DictReader(io.StringIO(payload["csv"]))]
    assert names and all(not n.startswith("=") for n in names)


def test_demo_data_is_marked(tmp_path: Path) -> None:
    html, _ = _page(_summaries(tmp_path)[1:], demo=True)
    assert "本页由程序生成的示例数据构成" in html
