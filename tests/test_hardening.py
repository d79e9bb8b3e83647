"""Issue 24, the cases that are not a single bad data file (those are in tests/bad_input): absurd but valid
figures score and build, framework numbers and texts are validated like data, files keep their mode,
commands refuse to write where they must not, messages stay Chinese and escaped."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.model import DepartmentYear, load_department
from perfeval.model.numbers import decimal_places, round_rate
from perfeval.pages import Overview
from perfeval.pages.display import NotebookOutput, tables_in
from perfeval.pages.docx import document_bytes
from perfeval.review import load_framework

from .chapter_outputs import chapter_notebook
from .conftest import ROOT

FRAMEWORK = ROOT / "data/frameworks/xiangtan-2024.yaml"
TINY = 0.000001     # the finest amount a file may state: 0.01 元
HUGE = 90_000_000_000


def _extreme(tmp_path: Path) -> Path:
    """A valid record whose budgets are 0.01 元 and whose actuals are 9000亿万元: every rate is astronomical."""
    folder = tmp_path / "data" / "2024"
    folder.mkdir(parents=True)
    path = folder / "extreme.yaml"
    path.write_text(f"""code: extreme
year: 2024
unit: {{name: 某局}}
income:
  total: {{budget: {TINY:f}, actual: {HUGE}}}
expenditure:
  total: {{budget: {TINY:f}, adjusted: {TINY:f}, actual: {HUGE}}}
  basic: {{budget: {TINY:f}, actual: {HUGE}}}
sangong:
  total: {{previous: {TINY:f}, budget: {TINY:f}, actual: {HUGE}}}
public_funds:
  items:
    - {{name: 办公费, budget: {TINY:f}, actual: {HUGE}}}
projects:
  - {{name: 项目甲, budget: {TINY:f}, actual: {HUGE}}}
goals:
  - text: 目标
    indicators:
      - {{name: 指标, target: {{value: {TINY:f}, unit: "%"}}, actual: {{value: {HUGE}, unit: "%"}}}}
""", encoding="utf-8")
    return path


def test_rates_of_any_valid_record_are_computed_and_are_findings(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _extreme(tmp_path)
    data = str(path.parents[1])
    assert main(["score", "extreme", "2024", "--data-dir", data, "--framework", str(FRAMEWORK), "--format", "json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["department"] == "extreme"
    assert main(["check", "extreme", "--data-dir", data, "--format", "json"]) in (0, 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    (result,) = json.loads(out)["results"]
    # 9000亿万元 against a budget of 0.000001万元: 9×10^18 %, reported as findings to verify
    absurd = [f for f in result["findings"] if "9000000000000000000.00%" in f["message"]]
    assert absurd and {f["severity"] for f in absurd} == {"verify"}


def test_a_chapter_its_word_files_and_the_overview_of_such_a_record_are_made(tmp_path: Path) -> None:
    rec = load_department(_extreme(tmp_path))
    nb = chapter_notebook(rec, FRAMEWORK, tmp_path / "data")
    assert any("公用经费" in t.caption for t in tables_in(nb))
    for part in ("unit", "review"):
        assert document_bytes(rec, FRAMEWORK, tmp_path / "data", part=part)
    seed = load_department(ROOT / "data/2024/xiangtan-minzheng.yaml")
    shown: list[object] = []
    overview = Overview(2024, [rec, seed], FRAMEWORK, out=NotebookOutput("2024/overview", "../../",
                                                                          publish=lambda data, **_: shown.append(data)))
    overview.intro()
    overview.ranking()
    overview.grades()
    overview.charts()
    assert shown


def test_rounding_holds_any_finite_number() -> None:
    assert round_rate(Decimal("9E+40")) == Decimal("9E+40")
    assert str(round_rate(Decimal("12345678901234567890123456789.005"))) == "12345678901234567890123456789.01"


@pytest.mark.parametrize(("text", "places"), [("1.50", 1), ("1E-18", 18), ("1200", 0), ("0.000", 0),
                                              ("1E-999999", 999999), ("1.2E+3", 0)])
def test_decimal_places_are_read_from_the_digits(text: str, places: int) -> None:
    assert decimal_places(Decimal(text)) == places


def test_six_decimals_of_wan_are_the_finest_amount() -> None:
    base = {"code": "x", "year": 2024, "unit": {"name": "某局", "annual_budget": "0.000001"}}
    assert DepartmentYear.model_validate(base).unit.annual_budget == Decimal("0.000001")
    with pytest.raises(ValueError, match="有 7 位小数，最多 6 位"):
        DepartmentYear.model_validate({**base, "unit": {"name": "某局", "annual_budget": "0.0000001"}})


# --------------------------------------------------------------------------- frameworks are validated like data

def _framework(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "data/frameworks/common.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / "common.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "expect"), [
    ("params: {target: 100}", "params: {target: 1e999999}", "超过上限 1000000"),
    ("params: {target: 100}", "params: {target: 0.0000001}", "有 7 位小数"),
    ("params: {target: 100}", "params: {target: '100'}", "应为数值"),
    ("name: 绩效目标可衡量性", "name: \"绩效目标\\u202E可衡量性\"", "控制字符 U+202E"),
    ("description: ", "description: \"说明\\u202E\" #", "控制字符 U+202E"),
])
def test_framework_numbers_and_texts_are_checked(tmp_path: Path, old: str, new: str, expect: str) -> None:
    path = _framework(tmp_path, old, new)
    with pytest.raises(DataError) as info:
        load_framework(path)
    assert expect in str(info.value) and "common.yaml" in str(info.value)
    assert len(str(info.value)) < 400


def test_validate_checks_the_frameworks_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data/frameworks").mkdir(parents=True)
    shutil.copytree(ROOT / "data/2024", tmp_path / "data/2024")
    shutil.copy(_framework(tmp_path, "params: {target: 100}", "params: {target: 1e-999999}"),
                tmp_path / "data/frameworks/common.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "data/frameworks/common.yaml" in err and "有 999999 位小数" in err and len(err) < 400
    shutil.copy(ROOT / "data/frameworks/common.yaml", tmp_path / "data/frameworks/common.yaml")
    assert main(["validate"]) == 0
    assert "1 个指标体系" in capsys.readouterr().out


# --------------------------------------------------------------------------- emoji and right-to-left text

def test_emoji_and_right_to_left_names_draw_no_boxes(capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    from matplotlib.text import Text

    from perfeval.model import compute
    from perfeval.pages import charts

    seed = load_department(ROOT / "data/2024/xiangtan-minzheng.yaml")
    # 😀 and the letters of Arabic and Hebrew are not in the CJK font; 🧧 (U+1F9E7) and 𠀀 (U+20000) in no chart font
    named = seed.projects[0].model_copy(update={"name": "救助😀项目 مرحبا שלום 红包🧧𠀀", "managed_only": False})
    rec = seed.model_copy(update={"projects": [named, *seed.projects[1:]]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.project_execution(rec, compute(rec))
        assert charts.png_bytes(fig).startswith(b"\x89PNG")
        data = document_bytes(rec, FRAMEWORK, ROOT / "data", part="unit")
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []
    labels = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "救助😀项目 مرحبا" in labels and "שלום 红包" in labels and "🧧" not in labels and "𠀀" not in labels
    import docx
    import io
    cells = {c.text for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells}
    assert "救助😀项目 مرحبا שלום 红包🧧𠀀" in cells       # Word (and the page) keep the name whole


# --------------------------------------------------------------------------- build --framework FILE

def test_the_method_page_names_the_framework_the_chapters_were_scored_with(tmp_path: Path) -> None:
    from .chapter_outputs import record_outputs
    from perfeval.pages import MethodPage

    other = tmp_path / "elsewhere" / "my-framework.yaml"
    other.parent.mkdir()
    other.write_text((ROOT / "data/frameworks/common.yaml").read_text(encoding="utf-8")
                     .replace("name: common\n", "name: my-framework\n", 1)
                     .replace("title: ", "title: 外部文件中的指标体系：", 1), encoding="utf-8")
    outputs, publish = record_outputs()
    page = MethodPage.load(ROOT / "data/frameworks", other)
    page.out = NotebookOutput("method", "../", publish)
    page.trees()
    texts = [o["data"]["text/html"] for o in outputs if "text/html" in o["data"]]
    titles = [fw.title for fw in page.frameworks]
    assert len(titles) == 3 and titles[2].startswith("外部文件中的指标体系")
    assert "本书各章的测算得分按指标体系3（外部文件中的指标体系：" in texts[0]
    # a framework of the folder is named by its place in the list, and not listed twice
    page = MethodPage.load(ROOT / "data/frameworks", ROOT / "data/frameworks/xiangtan-2024.yaml")
    assert [fw.name for fw in page.frameworks] == ["common", "xiangtan-2024"] and page.used == 1
