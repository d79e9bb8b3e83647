"""``perfeval score`` / ``perfeval check`` and the review tables the notebooks show."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.cli import main
from perfeval.model.files import load_department
from perfeval.model import schema_field
from perfeval.model.schema import DepartmentYear
from perfeval.pages import render
from perfeval.pages.cells import Delta, Score, cell_text, is_absent
from perfeval.pages.review_tables import (
    FINDING_COLUMNS,
    comparison_text,
    deductions_text,
    findings_table,
    framework_tree_table,
    scores_table,
    self_vs_computed_table,
)
from perfeval.review import Finding, ScoreResult, load_named, run_checks, score

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REC_FILE = DATA / "2024" / "xiangtan-minzheng.yaml"


@pytest.fixture(scope="module")
def rec() -> DepartmentYear:
    return load_department(REC_FILE)


def review(record: DepartmentYear, name: str, data_dir: Path) -> tuple[ScoreResult, list[Finding]]:
    return score(record, load_named(name, data_dir)), run_checks(record)


def data_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """A data dir with the frameworks and (optionally edited) 湘潭市民政局 file."""
    shutil.copytree(DATA / "frameworks", tmp_path / "frameworks")
    (tmp_path / "2024").mkdir()
    text = REC_FILE.read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    (tmp_path / "2024" / "xiangtan-minzheng.yaml").write_text(text, encoding="utf-8")
    shutil.copy(REC_FILE.with_name("xiangtan-minzheng.source.txt"), tmp_path / "2024")   # the report it names
    return tmp_path


# --- score -------------------------------------------------------------------------------------

def test_score_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "测算总分 88.83 分，等级 良（适用指标覆盖率 94.00%）" in out
    assert "预算调整率36.04%（年中调整855.52万元占年初预算2373.85万元的比例），高于30%，得0.00分（满分8分）" in out
    assert "预算执行：自评 30，测算 16，差异 -14" in out
    # The sentence names what would have to hold (never "若需核实事项成立", as if confirming a problem raised it).
    assert "若单位关于年中追加资金不计入预算调整数的说明经核实成立，测算得分为97.34分，等级为优。" in out
    assert "不代表财政部门的正式评价结果" in out and "复核" not in out


def test_score_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 3 and data["department"] == "xiangtan-minzheng" and data["year"] == 2024
    assert data["framework"]["name"] == "xiangtan-2024" and data["framework"]["official"] is False
    assert data["framework"]["source"]["reconstructed"] is True
    assert data["total"] == "88.83" and data["grade"] == "良" and data["coverage"] == "0.94"
    assert data["label"] == "测算得分" and "不代表财政部门的正式评价结果" in data["disclaimer"]
    a21 = next(i for i in data["indicators"] if i["code"] == "A21")
    assert set(a21) == {"code", "name", "level", "parent", "weight", "rule", "rule_label", "values", "score",
                        "applicable", "explanation"}
    assert (a21["name"], a21["level"], a21["parent"], a21["weight"], a21["rule"], a21["score"]) == (
        "预算调整率", 3, "A2", "8", "banded", "0.00")
    value = a21["values"][0]
    assert value["input"] == "adjustment_rate" and value["display"] == "36.04%"
    assert value["value"].startswith("36.0393")   # exact 855.52 × 100 / 2373.85 = 36.03934…
    top = next(i for i in data["indicators"] if i["code"] == "A")
    assert top["rule"] is None and top["score"] == "16.00" and top["values"] == []
    a12 = next(i for i in data["indicators"] if i["code"] == "A12")
    assert a12["applicable"] is False and a12["score"] is None and a12["values"][0]["value"] is None
    assert [s["part"] for s in data["self_scores"]] == ["预算执行", "预算管理", "资产管理", "效果产出"]
    assert data["self_scores"][0]["difference"] == "-14.00" and data["self_scores_comparable"] is True
    # sensitivity: the declared-zero adjustment resolved in the unit's favour, then all together
    assert [(s["finding"], s["total"], s["grade"]) for s in data["sensitivity"]] == [
        ("adjustment.declared_zero", "97.34", "优"), (None, "97.34", "优")]
    assert data["sensitivity"][0]["overrides"][0] == {"input": "adjustment_rate", "value": "0",
                                                      "detail": "按单位所述，年中追加资金不计入预算调整数"}


def test_score_common_framework(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--framework", "common",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "89.61" and data["raw_total"] == "80.65" and data["applicable_weight"] == "90"
    assert data["coverage"] == "0.9"
    i21 = next(i for i in data["indicators"] if i["code"] == "I21")
    assert i21["applicable"] is False and i21["score"] is None and i21["values"][0]["value"] is None
    assert [s["total"] for s in data["sensitivity"]] == ["93.06", "93.06"]


def test_score_framework_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "frameworks" / "common.yaml"
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--framework", str(path),
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["framework"]["name"] == "common"


def test_score_low_coverage_grade_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = data_copy(tmp_path)
    # a framework of two leaves, 50 of whose 100 points need last year's 三公 figures (absent)
    (data_dir / "frameworks" / "thin.yaml").write_text(
        "name: thin\ntitle: 数据不足测试\nsource: {reconstructed: true, reasoning: 测试}\nindicators:\n"
        "  - {code: A, name: 甲, weight: 100, children: [{code: A1, name: 乙, weight: 100, children: [\n"
        "    {code: A11, name: 三公经费变动率, weight: 50, rule: reverse, input: sangong_change_rate, params: {target: 100}},\n"
        "    {code: A12, name: 预算执行率, weight: 50, rule: proportional, input: execution_rate, params: {target: 100}}]}]}\n",
        encoding="utf-8")
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(data_dir), "--framework", "thin",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coverage"] == "0.5" and data["grade"] is None and data["total"] == "100.00"
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(data_dir), "--framework", "thin"]) == 0
    out = capsys.readouterr().out
    # 预算执行率 3229.37 of 3229.37 = 100% → 50 of the 50 applicable points; not "总分 100 分" without a grade
    assert "适用指标得分 50 分（满分 50 分），适用指标覆盖率 50.00%，数据不足，不予评级" in out
    assert not re.search(r"测算总分 ?\d", out) and "折算为" not in out


def test_score_unknown_framework_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--framework", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "xiangtan-2024" in err


def test_score_missing_department_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "no-such-dept", "2024", "--data-dir", str(DATA)]) == 2
    assert "no-such-dept.yaml" in capsys.readouterr().err


# --- check -------------------------------------------------------------------------------------

def test_check_all_exit_1_on_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Template text left in the data ("XX") is an error: exit 1.
    data_dir = data_copy(tmp_path, ("other_notes: 年中预算调整", "other_notes: XX年中预算调整"))
    assert main(["check", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "[错误] text.placeholder:other_notes：" in out
    assert "[需核实] adjustment.declared_zero:adjustment.declared_rate：" in out
    assert "共 1 个错误，8 个需核实，6 个提示" in out


def test_check_exit_0_with_verify_only(capsys: pytest.CaptureFixture[str]) -> None:
    # The seed: no error (its claims of money paid in full are readings, 需核实), 8 需核实 — 人员经费, the adjustment,
    # projects 1, 3, 5, 8 (each one finding with all it concerns), project 6 above its budget, the 批复 year —
    # and 6 notes: sum.basic (批复 rounding), projects.above_total, rate.summary, variance.summary,
    # project.actual_missing, year.in_text.
    assert main(["check", "--data-dir", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "[需核实] execution.project_below_90:projects[0]：项目1「困难群众生活救助」拨付率70.02%" in out
    assert "共 0 个错误，8 个需核实，6 个提示" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "xiangtan-minzheng", "--year", "2024", "--data-dir", str(DATA), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 3 and data["ok"] is True
    # 8 需核实: the qualitative indicator of 目标3 states its result in words (同比均有所提高), not a finding
    assert data["counts"] == {"error": 0, "verify": 8, "note": 6}
    (result,) = data["results"]
    assert (result["department"], result["year"]) == ("xiangtan-minzheng", 2024)
    first = result["findings"][0]
    assert set(first) == {"id", "rule", "checks", "severity", "path", "message", "numbers", "source", "ruling",
                          "reply"}
    assert {f["severity"] for f in result["findings"]} == {"verify", "note"}
    rules = [f["rule"] for f in result["findings"]]
    assert "sum.basic" in rules and "rate.summary" in rules and "year.as_written" in rules
    assert "variance.summary" in rules
    # The finding id is the check id and the path (the check id alone for a whole-record line), one per finding.
    ids = [f["id"] for f in result["findings"]]
    assert len(set(ids)) == len(ids)
    assert "adjustment.declared_zero:adjustment.declared_rate" in ids and "rate.summary" in ids
    project1 = next(f for f in result["findings"] if f["id"] == "execution.project_below_90:projects[0]")
    assert project1["checks"] == ["execution.project_below_90", "project.claim_full", "claim.completion"]


def test_check_refuses_control_characters_and_strips_them_from_terminal_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Escape codes in a data file never reach the terminal: the file is refused at load (naming the field),
    and the terminal printer strips control and format characters from any text it is given."""
    from perfeval.cli.parser import printable

    data_dir = data_copy(tmp_path, ("other_notes: 年中预算调整", 'other_notes: "\\e[31mXX\\e[0m\\u202e年中预算调整'))
    path = data_dir / "2024" / "xiangtan-minzheng.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("other_notes:"))
    path.write_text(text.replace(line, line + '"'), encoding="utf-8")
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "other_notes" in captured.err and "控制字符" in captured.err
    assert printable("\x1b[31mXX\x1b[0m\u202e年中") == "[31mXX[0m年中"


@pytest.mark.parametrize("command", [["check"], ["validate"]])
def test_an_escape_code_in_a_file_name_never_reaches_the_terminal(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data file named with a terminal escape: the error names the file, without the escape code."""
    data_dir = data_copy(tmp_path)
    (data_dir / "2024" / "\x1b[2Jevil.yaml").write_text("code: evil\n", encoding="utf-8")
    assert main([*command, "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "[2Jevil.yaml" in captured.err


def test_check_code_without_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "xiangtan-minzheng", "--data-dir", str(DATA)]) == 0
    assert "湘潭市民政局 2024 年度" in capsys.readouterr().out


def test_check_unknown_code_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "nobody", "--data-dir", str(DATA)]) == 2
    assert "nobody" in capsys.readouterr().err


def test_check_year_filter_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = data_copy(tmp_path)
    # A year with no data is a user mistake (a typo must not pass a CI check silently).
    assert main(["check", "--year", "2023", "--data-dir", str(data_dir), "--format", "json"]) == 2
    assert "没有 2023 年的部门数据" in capsys.readouterr().err


# --- review tables (pages/review_tables.py) --------------------------------------------------------

def test_review_and_scores_table(rec: DepartmentYear) -> None:
    result, findings = review(rec, "xiangtan-2024", DATA)
    table = scores_table(result)
    assert list(table.columns) == ["一级指标", "二级指标", "三级指标", "分值", "测算得分", "指标值", "说明"]
    assert len(table) == 15 + 2
    row = table[table["三级指标"] == "预算调整率"].iloc[0]
    assert (row["一级指标"], row["二级指标"], row["分值"], row["指标值"], row["测算得分"]) == (
        "预算执行", "预算调整", D(8), "36.04%", Score(D(0)))
    # The column adds up on the page: the 14 applicable leaves earn 83.50 of their 94 points (A12, 6 points,
    # not applicable: 16 + 17.5 + 5 + 45 = 83.5), then the rescaling is a row of its own: 83.5 × 100 / 94 =
    # 88.829… → 88.83 (良).
    applicable, rescaled = table.iloc[-2], table.iloc[-1]
    assert (applicable["一级指标"], applicable["分值"], applicable["测算得分"]) == ("适用指标合计", D(94), Score(D("83.50")))
    assert "不适用指标共6分已剔除" in applicable["说明"]
    assert (rescaled["一级指标"], rescaled["分值"], rescaled["测算得分"]) == ("按100分折算", D(100), Score(D("88.83")))
    assert "良" in rescaled["说明"]
    leaves = table.iloc[:-2]
    assert sum(s.value for s in leaves["测算得分"] if isinstance(s, Score)) == D("83.50")
    assert sum(leaves["分值"]) == D(100)
    assert cell_text(rescaled["测算得分"]) == "88.83" and cell_text(row["测算得分"]) == "0.00"
    # An indicator whose data are absent is not applicable, never 0.
    na = table[table["三级指标"] == "项目预算执行率"].iloc[0]
    assert cell_text(na["测算得分"]) == "不适用"
    assert findings[0].id == "personnel.above_approved"     # no error: 需核实 first


def test_ungraded_page_rescales_nothing_and_names_no_deductions(rec: DepartmentYear, tmp_path: Path) -> None:
    """Coverage below 60%: no rescaled row, no 扣分最多, no "按100分折算" anywhere on the chapter."""
    from bs4 import BeautifulSoup
    from .chapter_outputs import chapter_notebook
    data = rec.model_dump()
    data["management"]["budget_management"] = ""
    data["management"]["asset_management"] = ""
    data["problems"], data["goals"] = [], []
    bare = DepartmentYear.model_validate(data)
    result, _ = review(bare, "xiangtan-2024", DATA)
    # Applicable: A11 10 of 10, A21 0 of 8, A31 3 of 3, A32 3 of 3 → 16 of 24 points (coverage 24%): no grade.
    assert result.grade is None and result.applicable_weight == 24
    table = scores_table(result)
    last = table.iloc[-1]
    assert (last["一级指标"], last["分值"], last["测算得分"]) == ("适用指标合计", D(24), Score(D("16.00")))
    assert "不予评级" in last["说明"] and "按100分折算" not in list(table["一级指标"])
    assert not any("按100分折算" in text for text in table["说明"])
    assert deductions_text(result) == ""
    nb = chapter_notebook(bare, DATA / "frameworks" / "xiangtan-2024.yaml", tmp_path)
    page = BeautifulSoup("".join(o.data.get("text/html", "") for c in nb.cells if c.cell_type == "code"
                                 for o in c.outputs), "html.parser").get_text()
    assert "按100分折算" not in page and "扣分最多" not in page and "不适用，已剔除" in page


def test_self_vs_computed_table(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    table = self_vs_computed_table(result, rec)
    assert list(table.columns) == ["一级指标", "分值", "自评得分", "测算得分", "差异", "说明"]
    assert list(table["一级指标"]) == ["预算执行", "预算管理", "资产管理", "效果产出", "合计"]
    assert list(table["差异"]) == [Delta(D(v)) for v in ("-14", "-2.5", "0", "0", "-11.17")]   # 88.83 − 100
    assert [cell_text(v) for v in table["差异"]] == ["-14.00", "-2.50", "0.00", "0.00", "-11.17"]
    assert "预算调整率扣8.00分" in table.iloc[0]["说明"]


def test_score_summary_text(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    text = render("score_summary", rec, result) + comparison_text(result, rec) + deductions_text(result)
    assert "测算得分88.83分，等级“良”" in text
    assert "单位自评100分，等级“优”；测算得分比自评低11.17分" in text
    assert "预算调整率扣8.00分" in text
    assert "**" not in text and "\n" not in text and "复核" not in text


def test_findings_table(rec: DepartmentYear) -> None:
    # 目标3's indicator without its result in words: one finding names a goal's indicator.
    data = rec.model_dump()
    data["goals"][2]["indicators"][0]["actual_text"] = None
    rec = DepartmentYear.model_validate(data)
    _, findings = review(rec, "xiangtan-2024", DATA)
    table = findings_table(list(reversed(findings)), rec)
    assert list(table.columns) == ["严重程度", "涉及项目", "说明", "编号", "规则", "字段"]
    assert sorted(table["编号"]) == sorted(f.finding_id for f in findings)
    assert table.iloc[0]["严重程度"] == "需核实" and table.iloc[-1]["严重程度"] == "提示"
    assert len(table) == len(findings)
    # The reader's column names the item as the chapter does; the path stays in the CSV-only column.
    items = dict(zip(table["字段"], table["涉及项目"]))
    adjustment = next(f for f in findings if f.id == "adjustment.declared_zero")
    assert items["projects[2]"] == "项目3"
    assert items[adjustment.path] == schema_field([adjustment.path.split(".")[0]])[0]   # the section's title
    assert items["goals[2].indicators[0].actual"] == "目标3指标1"
    assert all("[" not in item and "." not in item for item in table["涉及项目"] if isinstance(item, str))
    # A note about the record as a whole (the recomputed rates) concerns no item: its cell is empty, not a path.
    summary = next(f for f in findings if f.id == "rate.summary")
    assert summary.path == "" and is_absent(items[""])
    # A table whose findings all concern no item drops 涉及项目 (a column empty in every row); the CSV keeps 编号,
    # 规则 and 字段.
    alone = findings_table([summary], rec)
    assert list(alone.columns) == ["严重程度", "说明", "编号", "规则", "字段"]
    assert list(findings_table([], rec).columns) == FINDING_COLUMNS


def test_framework_tree_table(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    table = framework_tree_table(result.framework)
    rows = [list(r) for r in table.itertuples(index=False)]
    assert ["A 预算执行", "", "", D(30), "下级指标得分合计", ""] in rows
    assert ["", "", "A21 预算调整率", D(8), "分档得分",
            "预算调整率不高于0%得8分，不高于10%得6分，不高于20%得4分，不高于30%得2分，其余得0分"] in rows
    assert len(rows) == 4 + 8 + 15 + 1    # 4 + 8 + 15 indicators, 合计


def test_common_review_no_matching_self_scores(rec: DepartmentYear) -> None:
    result, _ = review(rec, "common", DATA)
    table = self_vs_computed_table(result, rec)
    assert list(table["一级指标"])[:4] == ["投入", "过程", "产出", "效果"]
    assert is_absent(table.iloc[0]["自评得分"]) and cell_text(table.iloc[0]["自评得分"]) == "—"
    text = render("score_summary", rec, result) + comparison_text(result, rec)
    assert "89.61" in text and "不能一一对应" in text


# --- partial records (issue 12): identity only; only a 基础数据表 -------------------------------------------------

#: An amount, count or total written as zero: on records that state no zero, such text would be an absent value
#: shown as 0 (percentages are left out: a framework's band may be "≤0%").
ZERO = re.compile(r"(?<![\d./])0(?:\.0+)?\s*(?:万元|个|人)|总分 0(?:\.0+)? 分")

PARTIAL = {
    # identity only
    "2021/yueyanglou-zhengfuban.yaml": "code: yueyanglou-zhengfuban\nyear: 2021\nunit: {name: 岳阳楼区人民政府办公室}\n",
    # 04: only a 基础数据表 (the rows without a zero cell)
    "2023/yueyanglou-wenlv.yaml": (
        "code: yueyanglou-wenlv\nyear: 2023\nunit: {name: 岳阳楼区文化旅游广电体育局}\n"
        "staffing: {approved: 11, actual: 16}\n"
        "expenditure: {project: {previous: 2218.71, budget: 1731.57, actual: 1731.57}}\n"
        "sangong: {total: {previous: 1.84, budget: 1.49, actual: 1.49}, reception: {previous: 1.84, budget: 1.49, "
        "actual: 1.49}}\n"
        "public_funds: {total: {previous: 30.05, budget: 28.90, actual: 28.90}}\n"
        "procurement: {budget: 1551.4, actual: 1551.4}\n"
        "basic_budget_adjustment: {previous: 431.64, budget: 322.07, actual: 322.07}\n"),
}


def partial_dir(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "frameworks", tmp_path / "frameworks")
    for name, text in PARTIAL.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_check_on_partial_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = partial_dir(tmp_path)
    assert main(["check", "--data-dir", str(data_dir), "--format", "json"]) == 0     # nothing provably wrong
    data = json.loads(capsys.readouterr().out)
    by_code = {r["department"]: r["findings"] for r in data["results"]}
    assert {f["rule"] for f in by_code["yueyanglou-zhengfuban"]} == {"goal.missing", "selfscore.missing"}
    basic = {f["rule"]: f for f in by_code["yueyanglou-wenlv"]}
    # 16 / 11 = 145.45% over establishment; budget = final on all 6 rows with both columns (项目支出, 三公合计,
    # 公务接待, 公用经费, 政府采购, 基本支出预算调整)
    assert basic["staffing.over"]["numbers"]["staffing_control_rate"] == "145.45"
    assert basic["variance.none"]["numbers"] == {"rows": "6"}
    assert main(["check", "--data-dir", str(data_dir)]) == 0
    *findings, counts = capsys.readouterr().out.splitlines()
    # 需核实: goal.missing (both), staffing.over; 提示: selfscore.missing (both), rate.summary, variance.none, change.summary
    assert counts == "共 0 个错误，3 个需核实，5 个提示"
    assert not ZERO.search("\n".join(findings)), ZERO.search("\n".join(findings))


@pytest.mark.parametrize("framework", ["xiangtan-2024", "common"])
def test_score_on_partial_records(tmp_path: Path, capsys: pytest.CaptureFixture[str], framework: str) -> None:
    data_dir = partial_dir(tmp_path)
    # identity only: nothing applicable — no total, no grade, coverage 0
    assert main(["score", "yueyanglou-zhengfuban", "2021", "--data-dir", str(data_dir), "--framework", framework,
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["total"], data["grade"], data["coverage"], data["applicable_weight"]) == (None, None, "0", "0")
    assert all(i["score"] is None and not i["applicable"] for i in data["indicators"])
    assert data["self_score_total"] is None and data["self_scores"][0]["self_score"] is None
    assert main(["score", "yueyanglou-zhengfuban", "2021", "--data-dir", str(data_dir), "--framework", framework]) == 0
    text = capsys.readouterr().out
    assert "不予评级" in text and not ZERO.search(text), ZERO.search(text)
    # a 基础数据表 only: a few indicators apply, far below 60% → graded null, coverage stated
    assert main(["score", "yueyanglou-wenlv", "2023", "--data-dir", str(data_dir), "--framework", framework,
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["grade"] is None and D(data["coverage"]) < D("0.6") and data["total"] is not None
    applicable = {i["code"] for i in data["indicators"] if i["applicable"] and i["rule"]}
    # 公用经费 28.90 ÷ 28.90 and 三公 1.49 ÷ 1.49 in both; common adds 三公变动率, 在职人员控制率, 政府采购执行率
    expected = {"A31", "A32"} if framework == "xiangtan-2024" else {"I21", "I22", "I23", "P13", "P15"}
    assert applicable == expected
    assert main(["score", "yueyanglou-wenlv", "2023", "--data-dir", str(data_dir), "--framework", framework]) == 0
    text = capsys.readouterr().out
    assert "数据不足，不予评级" in text and not ZERO.search(text), ZERO.search(text)
