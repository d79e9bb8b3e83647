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
import perfeval.pages.ranking as ranking
from perfeval.pages import Overview
from perfeval.pages.display import NotebookOutput, tables_in
from perfeval.pages.docx import document_bytes
from perfeval.review import load_framework

from .chapter_outputs import chapter_notebook
from .conftest import ROOT, copy_seed
from .import_helpers import pdf_bytes

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
    rows = ranking.evaluate([rec, seed], load_framework(FRAMEWORK))
    overview = Overview(2024, rows, FRAMEWORK, out=NotebookOutput("2024/overview", "../../",
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


# --------------------------------------------------------------------------- where commands may write

@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from .conftest import small_project

    root = small_project(tmp_path / "book", ())
    monkeypatch.chdir(root)
    return root


def _digest(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("output", ["notebooks/department.ipynb", "_config.yml", "book/intro.md", "notebooks/new.ipynb"])
def test_force_replaces_an_output_never_a_project_file(project: Path, output: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(project)
    assert main(["run", "xiangtan-minzheng", "2024", "-o", output, "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("perfeval: 参数错误：不能写入") and "--force 只能覆盖输出文件" in err and "Traceback" not in err
    assert _digest(project) == before


def test_other_writers_refuse_project_files_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(project)
    for args in (["excel-template", "-o", "_config.yml", "--force"],
                 ["export-excel", "xiangtan-minzheng", "2024", "-o", "notebooks/x.xlsx", "--force"],
                 ["export-docx", "xiangtan-minzheng", "2024", "-o", "book/x.docx", "--force"]):
        assert main(args) == 2, args
        assert "不能写入" in capsys.readouterr().err
    assert _digest(project) == before


def test_demo_out_a_year_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(project)
    assert main(["demo", "--departments", "1", "--years", "2024", "--out", "data/2024"]) == 2
    err = capsys.readouterr().err
    assert "data/2024 是年度目录" in err and "请改用 --out data" in err
    assert _digest(project) == before and not (project / "data/2024/2024").exists()


REPORT = ("2024年度某市某局部门整体支出绩效自评报告\n一、部门基本情况\n预算单位名称：某市某局\n"
          "二、部门整体支出情况\n2024年度支出合计100万元。\n")


@pytest.mark.parametrize(("output", "expect"), [
    ("data/frameworks/x.yaml", "frameworks 目录只存放指标体系文件"),
    ("data/2024/y.yaml", "文件名应为 x.yaml"),
    ("data/x.yaml", "应放在 <年度>/<部门代码>.yaml"),
    ("data/2023/x.yaml", "与输出目录 2023 不一致"),
    ("_config.yml", "项目自身的文件"),
])
def test_import_report_writes_only_where_a_data_file_is_read(project: Path, output: str, expect: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    report = project.parent / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    before = _digest(project)
    assert main(["import-report", str(report), "--code", "x", "-o", output, "--force"]) == 2
    assert expect in capsys.readouterr().err
    assert _digest(project) == before
    assert main(["import-report", str(report), "--code", "x", "-o", "data/2024/x.yaml"]) == 0
    assert main(["validate"]) == 0


@pytest.mark.parametrize(("title", "args", "expect"), [
    ("2101年度", [], "报告所述评价年度为 2101 年（取自报告标题），不在 2000–2100 年之间"),
    ("2101年度", ["--year", "2101"], "--year 应在 2000 到 2100 之间"),
])
def test_a_year_no_record_may_hold_asks_for_year(tmp_path: Path, title: str, args: list[str], expect: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    # a body that states 2023 twice: the old reader fell back to it and wrote a 2023 draft
    report.write_text(REPORT.replace("2024年度某市", f"{title}某市").replace("2024年度支出", "2023年度支出")
                      + "2023年度预算收入100万元。\n", encoding="utf-8")
    out = tmp_path / "x.yaml"
    assert main(["import-report", str(report), "--code", "x", "-o", str(out), *args]) == 2
    assert expect in capsys.readouterr().err and not out.exists()
    assert main(["audit", str(report)]) == 2
    assert "2101 不在 2000–2100 年之间" in capsys.readouterr().err


def test_a_control_character_in_unit_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT.replace("预算单位名称：某市某局\n", ""), encoding="utf-8")
    assert main(["import-report", str(report), "--code", "x", "-o", str(tmp_path / "x.yaml"), "--unit", "某局\x07"]) == 2
    err = capsys.readouterr().err
    assert "--unit" in err and "控制字符 U+0007" in err and "\x07" not in err


def _encrypted_pdf(path: Path) -> None:
    """A PDF with the standard security handler and a user password (pdfminer cannot open it without one)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    path.write_bytes(pdf_bytes(objs, f"/Encrypt 4 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>] ".encode()))


def test_an_encrypted_pdf_gets_a_chinese_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "encrypted.pdf"
    _encrypted_pdf(path)
    assert main(["import-report", str(path), "--code", "x", "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "文件已加密（需要密码）" in err and "Pdfminer" not in err


def test_audit_prints_no_escape_codes_from_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    # 合计 that does not add up, in a sentence holding escape codes (clear screen, a title change, CSI as C1)
    report.write_text("2024年度某局部门整体支出绩效自评报告\n收入合计100万元，其中财政拨款60万元、其他收入30万元。"
                      "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e\n", encoding="utf-8")
    main(["audit", str(report), "--year", "2024"])
    out = capsys.readouterr().out
    assert "出处" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e")


# --------------------------------------------------------------------------- a rewritten file keeps its mode

def test_rewritten_data_files_keep_their_mode_and_new_ones_get_the_umask(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import stat

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    old = os.umask(0o022)
    try:
        # migrate rewrites in place: the file's 0640 stays
        schema1 = tmp_path / "data/2023/qinghe-jiaoyu.yaml"
        schema1.parent.mkdir(parents=True)
        shutil.copy(ROOT / "tests/fixtures/schema1/demo/2023/qinghe-jiaoyu.yaml", schema1)
        schema1.chmod(0o640)
        assert main(["migrate", str(schema1)]) == 0
        assert mode(schema1) == 0o640
        # import-report writes new files: the usual 0644 under umask 022, not mkstemp's 0600
        report = tmp_path / "report.txt"
        report.write_text(REPORT, encoding="utf-8")
        draft = tmp_path / "out/x.yaml"
        assert main(["import-report", str(report), "--code", "x", "-o", str(draft)]) == 0
        assert mode(draft) == 0o644 and mode(draft.with_name("x.sources.yml")) == 0o644
        # import-excel over an existing file (--force) keeps its 0664
        book = tmp_path / "seed.xlsx"
        assert main(["export-excel", "xiangtan-minzheng", "2024", "--data-dir", str(ROOT / "data"), "-o", str(book)]) == 0
        assert mode(book) == 0o644
        target = tmp_path / "data/2024/xiangtan-minzheng.yaml"
        copy_seed(target.parent)     # the report the workbook names goes beside the data file
        target.write_text("code: xiangtan-minzheng\nyear: 2024\nunit: {name: 湘潭市民政局}\n", encoding="utf-8")
        target.chmod(0o664)
        assert main(["import-excel", str(book), "--data-dir", str(tmp_path / "data"), "--force"]) == 0
        assert mode(target) == 0o664 and load_department(target).expenditure is not None
    finally:
        os.umask(old)
    capsys.readouterr()


def test_a_reports_direction_controls_are_removed_on_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from perfeval.importer import read_report

    report = tmp_path / "report.txt"
    report.write_text(REPORT.replace("预算单位名称：某市某局", "预算单位名称：某市\u202e某局\u2066"), encoding="utf-8")
    assert "\u202e" not in read_report(report) and "某市某局" in read_report(report)
    out = tmp_path / "x.yaml"
    assert main(["import-report", str(report), "--code", "x", "-o", str(out)]) == 0
    assert load_department(out).unit.name == "某市某局"
    capsys.readouterr()
