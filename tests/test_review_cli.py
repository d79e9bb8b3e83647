"""``perfeval score`` / ``perfeval check`` and the notebook helpers of review_report."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from perfeval.cli import main
from perfeval.model.files import load_department
from perfeval.pages.cells import Delta, Score, cell_text, is_absent
from perfeval.pages.review_tables import (
    findings_table,
    framework_tree_markdown,
    review,
    score_summary_markdown,
    scores_table,
    self_vs_recomputed_table,
)
from perfeval.model.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REC_FILE = DATA / "2024" / "xiangtan-minzheng.yaml"


@pytest.fixture(scope="module")
def rec() -> DepartmentYear:
    return load_department(REC_FILE)


def data_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """A data dir with the frameworks and (optionally edited) 湘潭市民政局 file."""
    shutil.copytree(DATA / "frameworks", tmp_path / "frameworks")
    (tmp_path / "2024").mkdir()
    text = REC_FILE.read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    (tmp_path / "2024" / "xiangtan-minzheng.yaml").write_text(text, encoding="utf-8")
    return tmp_path


# --- score -------------------------------------------------------------------------------------

def test_score_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "复核总分 84.23 分，等级 良" in out
    assert "预算调整率 36.04%（年中调整 855.52万元 ÷ 年初预算 2373.85万元），高于 30%，得 0/8 分" in out
    assert "预算执行：自评 30，复核 20.57，差异 -9.43" in out


def test_score_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["department"] == "xiangtan-minzheng" and data["year"] == 2024
    assert data["framework"]["name"] == "xiangtan-2024"
    assert data["total"] == "84.23" and data["grade"] == "良"
    a21 = next(i for i in data["indicators"] if i["code"] == "A21")
    assert set(a21) == {"code", "name", "level", "parent", "weight", "rule", "rule_label", "values", "score",
                        "applicable", "explanation"}
    assert (a21["name"], a21["level"], a21["parent"], a21["weight"], a21["rule"], a21["score"]) == (
        "预算调整率", 3, "A2", "8", "banded", "0.00")
    value = a21["values"][0]
    assert value["input"] == "adjustment_rate" and value["display"] == "36.04%"
    assert value["value"].startswith("36.0393")   # exact 855.52 × 100 / 2373.85 = 36.03934…
    top = next(i for i in data["indicators"] if i["code"] == "A")
    assert top["rule"] is None and top["score"] == "20.57" and top["values"] == []
    assert [s["part"] for s in data["self_scores"]] == ["预算执行", "预算管理", "资产管理", "效果产出"]
    assert data["self_scores"][0]["difference"] == "-9.43"


def test_score_common_framework(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--framework", "common",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "84.23" and data["raw_total"] == "80.02" and data["applicable_weight"] == "95"
    i21 = next(i for i in data["indicators"] if i["code"] == "I21")
    assert i21["applicable"] is False and i21["score"] is None and i21["values"][0]["value"] is None


def test_score_unknown_framework_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "xiangtan-minzheng", "2024", "--data-dir", str(DATA), "--framework", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "xiangtan-2024" in err


def test_score_missing_department_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "no-such-dept", "2024", "--data-dir", str(DATA)]) == 2
    assert "no-such-dept.yaml" in capsys.readouterr().err


# --- check -------------------------------------------------------------------------------------

def test_check_all_exit_1_on_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data-dir", str(DATA)]) == 1
    out = capsys.readouterr().out
    assert "[错误] adjustment.declared_zero execution.declared_adjustment_rate" in out
    assert "共 1 个错误" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "xiangtan-minzheng", "--year", "2024", "--data-dir", str(DATA), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["counts"]["error"] == 1
    (result,) = data["results"]
    assert (result["department"], result["year"]) == ("xiangtan-minzheng", 2024)
    first = result["findings"][0]
    assert set(first) == {"rule", "severity", "path", "message", "numbers", "source"}
    rules = [f["rule"] for f in result["findings"]]
    assert "sum.approved_basic" in rules and "rate.sangong_control" in rules and "year.as_written" in rules


def test_check_exit_0_without_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = data_copy(tmp_path, ("  declared_adjustment_rate: 0\n", "  declared_adjustment_rate: 36.04\n"))
    assert main(["check", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "共 0 个错误" in out and "[警告] execution.project_below_90" in out


def test_check_code_without_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "xiangtan-minzheng", "--data-dir", str(DATA)]) == 1
    assert "湘潭市民政局 2024 年度" in capsys.readouterr().out


def test_check_unknown_code_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "nobody", "--data-dir", str(DATA)]) == 2
    assert "nobody" in capsys.readouterr().err


def test_check_year_filter_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = data_copy(tmp_path)
    # A year with no data is a user mistake (a typo must not pass a CI check silently).
    assert main(["check", "--year", "2023", "--data-dir", str(data_dir), "--format", "json"]) == 2
    assert "没有 2023 年的部门数据" in capsys.readouterr().err


# --- notebook helpers --------------------------------------------------------------------------

def test_review_and_scores_table(rec: DepartmentYear) -> None:
    result, findings = review(rec, "xiangtan-2024", DATA)
    table = scores_table(result)
    assert list(table.columns) == ["一级指标", "二级指标", "三级指标", "分值", "复核得分", "指标值", "说明"]
    assert len(table) == 18 + 1
    row = table[table["三级指标"] == "预算调整率"].iloc[0]
    assert (row["一级指标"], row["二级指标"], row["分值"], row["指标值"], row["复核得分"]) == (
        "预算执行", "预算调整与结余", D(8), "36.04%", Score(D(0)))
    last = table.iloc[-1]
    assert last["一级指标"] == "合计" and last["复核得分"] == Score(D("84.23")) and "良" in last["说明"]
    assert cell_text(last["复核得分"]) == "84.23" and cell_text(row["复核得分"]) == "0.00"
    assert findings[0].rule == "adjustment.declared_zero"


def test_self_vs_recomputed_table(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    table = self_vs_recomputed_table(result, rec)
    assert list(table.columns) == ["一级指标", "分值", "自评得分", "复核得分", "差异", "说明"]
    assert list(table["一级指标"]) == ["预算执行", "预算管理", "资产管理", "效果产出", "合计"]
    assert list(table["差异"]) == [Delta(D(v)) for v in ("-9.43", "-0.8", "0", "-5.54", "-15.77")]   # 84.23 − 100
    assert [cell_text(v) for v in table["差异"]] == ["-9.43", "-0.80", "0.00", "-5.54", "-15.77"]
    assert "预算调整率扣 8 分" in table.iloc[0]["说明"]


def test_score_summary_markdown(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    text = score_summary_markdown(result, rec)
    assert "得分84.23分，等级为“良”" in text
    assert "单位自评100分，等级“优”；复核得分比自评低15.77分" in text
    assert "预算调整率扣8.00分" in text
    assert "**" not in text and "\n" not in text


def test_findings_table(rec: DepartmentYear) -> None:
    _, findings = review(rec, "xiangtan-2024", DATA)
    table = findings_table(list(reversed(findings)), rec)
    assert list(table.columns) == ["严重程度", "涉及项目", "说明", "规则", "字段"]
    assert table.iloc[0]["严重程度"] == "错误" and table.iloc[-1]["严重程度"] == "提示"
    assert len(table) == len(findings)
    # The reader's column names the item as the chapter does; the path stays in the CSV-only column.
    items = dict(zip(table["字段"], table["涉及项目"]))
    assert items["projects[2].actual"] == "项目3" and items["income.adjustment"] == "收入情况"
    assert items["goals[2].indicators[0].actual"] == "目标3指标1"
    assert all("[" not in item and "." not in item for item in table["涉及项目"])


def test_framework_tree_markdown(rec: DepartmentYear) -> None:
    result, _ = review(rec, "xiangtan-2024", DATA)
    md = framework_tree_markdown(result.framework)
    assert "重构" in md
    assert "| A 预算执行 |  |  | 30 | 下级指标得分合计 |  |" in md
    assert "|  |  | A21 预算调整率 | 8 | 分档得分 | 预算调整率：≤0% 得 8 分，≤10% 得 6 分，≤20% 得 4 分，≤30% 得 2 分，其余得 0 分 |" in md
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(table_rows) == 1 + 30 + 1    # header, 4 + 8 + 18 indicators, 合计
    assert all(line.count("|") == 7 for line in table_rows)


def test_common_review_no_matching_self_scores(rec: DepartmentYear) -> None:
    result, _ = review(rec, "common", DATA)
    table = self_vs_recomputed_table(result, rec)
    assert list(table["一级指标"])[:4] == ["投入", "过程", "产出", "效果"]
    assert is_absent(table.iloc[0]["自评得分"]) and cell_text(table.iloc[0]["自评得分"]) == "—"
    text = score_summary_markdown(result, rec)
    assert "84.23" in text and "不能一一对应" in text
