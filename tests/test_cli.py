from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from perfeval.cli import main

from .conftest import ROOT


def test_run_rejects_an_unknown_parameter(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["run", "xiangtan-minzheng", "2024", "-p", "data_dri", "data", "-o", str(tmp_path / "o.ipynb")])
    err = capsys.readouterr().err
    assert code == 2
    assert "data_dri" in err and "未知参数" in err and "Traceback" not in err
    assert not (tmp_path / "o.ipynb").exists()


def test_run_with_other_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other-data"
    shutil.copytree(ROOT / "data", other)
    path = other / "2024" / "xiangtan-minzheng.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("annual_budget: 2373.85", "annual_budget: 2400.5"),
                    encoding="utf-8")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.ipynb"
    assert main(["run", "xiangtan-minzheng", "2024", "-p", "data_dir", str(other), "-o", str(out)]) == 0
    nb = nbformat.read(out, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "2400.5万元" in html and "年度预算金额2373.85" not in html
    assert nb.cells[0].source == "# 2024年湘潭市民政局部门整体支出绩效评价报告"


def test_missing_data_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["run", "no-such-dept", "2024", "-o", str(tmp_path / "x.ipynb")])
    err = capsys.readouterr().err
    assert code == 2 and "no-such-dept.yaml" in err and "文件不存在" in err


def test_validate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0
    assert "数据校验通过" in capsys.readouterr().out
