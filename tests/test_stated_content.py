"""What the data states is always shown (issue 24): a list whose items state only their name or text (a
problem without cause or measures, 自评表 rows with only their part, public-fund items or by-unit rows with only
a name) is still a table on the page and in the unit's Word file, not a one-column table left out."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from perfeval.model import DepartmentYear
from perfeval.pages.display import tables_in
from perfeval.pages.docx import document_bytes

from .chapter_outputs import chapter_notebook
from .conftest import ROOT

FRAMEWORK = ROOT / "data/frameworks/xiangtan-2024.yaml"
NAMES_ONLY = DepartmentYear.model_validate({
    "code": "names-only", "year": 2024, "unit": {"name": "某市某局"},
    "problems": [{"problem": "预算编制不够精细"}, {"problem": "资产台账更新不及时"}],
    "self_scores": [{"part": "预算执行"}, {"part": "预算管理", "level": 1}, {"part": "资金使用", "level": 2}],
    "public_funds": {"items": [{"name": "办公费"}, {"name": "印刷费"}]},
    "income_by_unit": [{"name": "局机关"}],
    "expenditure_by_unit": [{"name": "二级机构甲"}],
})
STATED = {"存在的问题及整改清单": ["预算编制不够精细", "资产台账更新不及时"],
          "单位自评表": ["预算执行", "预算管理", "资金使用"],
          "公用经费（万元）": ["办公费", "印刷费"],
          "分机构收入情况": ["局机关"],
          "分机构支出情况": ["二级机构甲"]}


def test_names_alone_make_a_table_on_the_page() -> None:
    tables = {t.caption.split(" ", 1)[1]: t.csv for t in tables_in(chapter_notebook(NAMES_ONLY, FRAMEWORK, ROOT / "data"))}
    for caption, names in STATED.items():
        assert caption in tables, (caption, sorted(tables))
        for name in names:
            assert name in tables[caption], (caption, name)


def test_names_alone_are_in_the_word_file(tmp_path: Path) -> None:
    data = document_bytes(NAMES_ONLY, FRAMEWORK, ROOT / "data", part="unit")
    doc = docx.Document(io.BytesIO(data))
    cells = {c.text.strip() for t in doc.tables for row in t.rows for c in row.cells}
    for names in STATED.values():
        for name in names:
            assert name in cells, name
    assert "原报告未列示存在的问题及改进措施" not in "\n".join(p.text for p in doc.paragraphs)
