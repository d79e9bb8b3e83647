"""Any valid record through the chapter, its charts and its two Word files (issue 16), and the edges: text from
the data drawn literally (no mathtext), an all-zero split drawn as no chart, lists beyond the per-section limit
refused at load."""

from __future__ import annotations

import io
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from matplotlib.text import Text

from perfeval.errors import DataError
from perfeval.model import MAX_ITEMS, MAX_NESTED_ITEMS, DepartmentYear, compute, load_department
from perfeval.pages import charts
from perfeval.pages.display import charts_in
from perfeval.pages.docx import document_bytes

from .chapter_outputs import chapter_notebook
from .conftest import ROOT
from .strategies import records

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
EMPTY_DATA = Path(tempfile.mkdtemp(prefix="perfeval-no-history-"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_any_valid_record_goes_through_the_chapter_charts_and_word(rec: DepartmentYear) -> None:
    nb = chapter_notebook(rec, FRAMEWORK, EMPTY_DATA)          # draws every chart it shows
    pngs = {c.name: c.png for c in charts_in(nb)}
    assert all(png.startswith(b"\x89PNG") for png in pngs.values())
    for part in ("unit", "review"):
        data = document_bytes(rec, FRAMEWORK, EMPTY_DATA, part=part)     # draws its charts again
        assert docx.Document(io.BytesIO(data)).paragraphs[0].text


def _seed_with(**update: object) -> DepartmentYear:
    return load_department(ROOT / "data/2024/xiangtan-minzheng.yaml").model_copy(update=update)


def test_dollar_signs_in_names_are_drawn_literally() -> None:
    """``$\\foo$`` is not mathtext: drawing it does not fail ("Unknown symbol") and the label holds it as written."""
    seed = load_department(ROOT / "data/2024/xiangtan-minzheng.yaml")
    project = seed.projects[0].model_copy(update={"name": r"$\foo$ 救助", "managed_only": False})
    rec = seed.model_copy(update={"projects": [project], "unit": seed.unit.model_copy(update={"name": r"$\bar$局"})})
    fig = charts.project_execution(rec, compute(rec))
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # a glyph missing because of math parsing would warn
        png = charts.png_bytes(fig)
    assert png.startswith(b"\x89PNG")
    labels = [t.get_text() for t in fig.findobj(Text)]
    assert any(r"$\foo$" in label for label in labels)
    assert all(not t.get_parse_math() for t in fig.findobj(Text) if "$" in t.get_text())
    from perfeval.pages import ranking
    from perfeval.review import load_framework

    rows = ranking.evaluate([rec], load_framework(FRAMEWORK))
    figure = ranking.scores_figure(rows)
    charts.png_bytes(figure)
    assert any(r"$\bar$局" in t.get_text() for t in figure.findobj(Text))


def test_an_all_zero_split_draws_no_pie_and_says_why(tmp_path: Path) -> None:
    seed = load_department(ROOT / "data/2024/xiangtan-minzheng.yaml")
    zero = {"actual": Decimal(0)}
    exp = seed.expenditure.model_copy(update={"total": None, "basic": None, "personnel": type(seed.expenditure.personnel)(**zero),
                                              "public": type(seed.expenditure.public)(**zero),
                                              "project": type(seed.expenditure.project)(**zero)})
    rec = seed.model_copy(update={"expenditure": exp})
    chart = charts.spending_structure_chart(rec, compute(rec))
    assert isinstance(chart, charts.NoChart) and "均为零" in chart.reason
    nb = chapter_notebook(rec, FRAMEWORK, tmp_path)
    assert "spending_structure" not in {c.name for c in charts_in(nb)}
    html = "".join(o["data"].get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "支出各分项金额均为零，不绘制支出结构图。" in html
    # Nothing stated: no chart either, and the line says so.
    empty = seed.model_copy(update={"expenditure": None})
    assert "未列示支出的分项金额" in charts.spending_structure_chart(empty, compute(empty)).reason   # type: ignore[union-attr]


def test_nested_items_beyond_the_record_limit_are_refused_at_load(tmp_path: Path) -> None:
    """Each list within its limit, but 5 goals of 500 indicators: 2,500 in all, refused naming goals."""
    import yaml

    path = tmp_path / "2024" / "big.yaml"
    path.parent.mkdir()
    goals = [{"text": "目标", "indicators": [{"name": "指标"} for _ in range(MAX_ITEMS)]} for _ in range(5)]
    data = {"code": "big", "year": 2024, "unit": {"name": "大单位"}, "goals": goals}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_department(path)
    assert err.value.field == "goals" and f"绩效指标合计2500条，上限{MAX_NESTED_ITEMS}条" in str(err.value)
    assert len(DepartmentYear.model_validate({**data, "goals": goals[:4]}).goals) == 4   # 2,000: at the limit


@pytest.mark.parametrize("section, item", [("projects", {"name": "项目"}), ("goals", {"text": "目标"})])
def test_lists_beyond_the_per_section_limit_are_refused_at_load(tmp_path: Path, section: str,
                                                                item: dict[str, str]) -> None:
    """10,000 projects or 5,000 goals: refused with the usual message (file, field, why); at the limit a chapter
    and its Word files are made."""
    import yaml

    path = tmp_path / "2024" / "big.yaml"
    path.parent.mkdir()
    count = 10_000 if section == "projects" else 5_000
    data = {"code": "big", "year": 2024, "unit": {"name": "大单位"}, section: [dict(item) for _ in range(count)]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_department(path)
    text = str(err.value)
    assert str(path) in text and section in text and f"条目过多：{count} 条，上限 {MAX_ITEMS} 条" in text
    at_limit = DepartmentYear.model_validate({**data, section: [item] * MAX_ITEMS})
    nb = chapter_notebook(at_limit, FRAMEWORK, EMPTY_DATA)
    assert nb.cells
    assert document_bytes(at_limit, FRAMEWORK, EMPTY_DATA, part="unit")[:2] == b"PK"
