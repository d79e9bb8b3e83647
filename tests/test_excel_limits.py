"""import-excel on hostile or damaged workbooks (issue 16): bounded work, the usual message, every error listed.

No test here measures time: linearity is shown by counting the rows streamed and the cells kept,
memory by the peak resident size of a fresh process, and "not parsed" by a sheet that would fail
if it were parsed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.excel import WorkbookReader, read_workbook
from perfeval.excel.xlsx import MAX_COLUMNS, MAX_ROWS, MAX_UNCOMPRESSED_BYTES
from perfeval.model import load_department, records_identical

from .conftest import ROOT, SEED_DATA


@pytest.fixture(scope="module")
def seed_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "seed.xlsx"
    assert main(["export-excel", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(ROOT / "data")]) == 0
    return out


def _edited(seed: Path, dest: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(seed)
    edit(wb)
    wb.save(dest)
    return dest


def _rewrite(seed: Path, dest: Path, parts: dict[str, bytes | None]) -> Path:
    """A copy of the package with some parts replaced (None: removed) or added."""
    with zipfile.ZipFile(seed) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in parts:
                continue
            zout.writestr(info, zin.read(info))
        for name, data in parts.items():
            if data is not None:
                zout.writestr(name, data, compresslevel=1)
    return dest


def _sheet_part(seed: Path, title: str) -> str:
    wb = openpyxl.load_workbook(seed)
    index = wb.sheetnames.index(title) + 1
    return f"xl/worksheets/sheet{index}.xml"


def _read(path: Path) -> WorkbookReader:
    reader = WorkbookReader(path)
    try:
        reader.read()
    finally:
        reader.close()
    return reader


# --------------------------------------------------------------------------- bounded work


def test_a_stray_value_far_below_a_table_costs_only_the_rows_in_between(seed_xlsx: Path, tmp_path: Path) -> None:
    """Issue 16: a value at row 8000 took 15 s, at row 32000 over 200 s (quadratic)."""
    readers = {}
    for row in (8000, 32000):
        path = _edited(seed_xlsx, tmp_path / f"stray-{row}.xlsx",
                       lambda wb, row=row: wb["项目"].cell(row, 17, "备注"))   # column Q has no header
        readers[row] = _read(path)
        (target, message), = readers[row].problems
        assert target.short() == f"工作表「项目」第 {row} 行 Q 列" and "没有可识别的表头" in message
    near, far = readers[8000].sheets["项目"], readers[32000].sheets["项目"]
    assert far.scanned - near.scanned == 32000 - 8000          # one step per row in between …
    assert far.cell_count == near.cell_count                    # … and the same cells examined
    assert sum(g.scanned for name, g in readers[32000].sheets.items() if name != "项目") == \
        sum(g.scanned for name, g in readers[8000].sheets.items() if name != "项目")


def test_one_formatted_cell_at_the_last_cell_of_a_sheet_is_cheap(seed_xlsx: Path, tmp_path: Path) -> None:
    """Issue 16: one formatted cell at XFD1048576 took over 2 GB."""
    def edit(wb: openpyxl.Workbook) -> None:
        wb["项目"]["XFD1048576"].number_format = "0.00"
        wb["收支"]["XFD1048576"].number_format = "0.00"
    path = _edited(seed_xlsx, tmp_path / "xfd.xlsx", edit)
    assert openpyxl.load_workbook(path, read_only=True)["项目"].max_row == 1048576
    # The import in a fresh process: its peak resident memory is that of Python with the libraries loaded.
    # VmHWM is the peak of the process's own memory; ru_maxrss would carry over the parent's peak (Linux keeps
    # the larger across fork and exec), so it measured pytest's memory after the tests before, not the import.
    script = ("import re, sys; from pathlib import Path; from perfeval.excel import read_workbook; "
              "read_workbook(Path(sys.argv[1])); "
              "print(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1))")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=600)
    peak_kib = int(proc.stdout.split()[-1])
    assert peak_kib < 400_000, f"peak {peak_kib} KiB"
    assert records_identical(read_workbook(path), load_department(SEED_DATA))
    reader = _read(path)
    assert reader.sheets["项目"].scanned <= MAX_ROWS
    assert all(max(cells) <= MAX_COLUMNS for g in reader.sheets.values() for cells in g.rows.values())


def _big_sheet(cells: int) -> bytes:
    """A worksheet with ``cells`` numbers, no <dimension> and cut off before its end: parsing it must fail."""
    rows = cells // 20
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJKLMNOPQRST")
                   + "</row>" for r in range(1, rows + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body).encode()


def test_a_sheet_we_do_not_read_is_never_parsed(seed_xlsx: Path, tmp_path: Path) -> None:
    """Issue 16: 3M cells in an unread sheet took 31 s and 1.26 GB. Here the 说明 sheet holds two million
    cells and is truncated: had it been parsed (even to find its size), the import would fail."""
    part = _sheet_part(seed_xlsx, "说明")
    path = _rewrite(seed_xlsx, tmp_path / "big.xlsx", {part: _big_sheet(2_000_000)})
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(part).file_size > 40_000_000
    assert records_identical(read_workbook(path), load_department(SEED_DATA))


# --------------------------------------------------------------------------- damaged or hostile files


def _cli_error(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import-excel", str(path), "--data-dir", str(tmp_path / "data")]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and out == ""
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()
    return err


def test_a_truncated_sheet_is_the_usual_message(seed_xlsx: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    part = _sheet_part(seed_xlsx, "项目")
    with zipfile.ZipFile(seed_xlsx) as archive:
        xml = archive.read(part)
    path = _rewrite(seed_xlsx, tmp_path / "truncated.xlsx", {part: xml[: len(xml) // 2]})
    err = _cli_error(path, tmp_path, capsys)
    assert "无法读取 Excel 工作簿" in err and "项目" in err


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "sheet:项目", "[Content_Types].xml", "_rels/.rels"])
def test_a_dtd_in_any_part_is_refused(seed_xlsx: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      part: str) -> None:
    name = _sheet_part(seed_xlsx, "项目") if part == "sheet:项目" else part
    with zipfile.ZipFile(seed_xlsx) as archive:
        xml = archive.read(name).decode("utf-8")
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    if xml.startswith("<?xml"):
        head, rest = xml.split("?>", 1)
        xml = head + "?>" + "<!-- a comment first -->" + doctype + rest
    else:
        xml = doctype + xml
    path = _rewrite(seed_xlsx, tmp_path / "dtd.xlsx", {name: xml.encode("utf-8")})
    err = _cli_error(path, tmp_path, capsys)
    assert "无法读取 Excel 工作簿" in err and "DTD" in err


def test_a_zip_bomb_is_refused_before_it_is_inflated(seed_xlsx: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _rewrite(seed_xlsx, tmp_path / "bomb.xlsx", {"xl/media/image1.png": bytes(MAX_UNCOMPRESSED_BYTES)})
    assert path.stat().st_size < 1_000_000
    err = _cli_error(path, tmp_path, capsys)
    assert "解压后过大" in err


def test_text_starting_like_a_formula_round_trips_as_text(seed_xlsx: Path, tmp_path: Path) -> None:
    """Text is written as a text cell with a leading ': =HYPERLINK(…) or +cmd|… is shown, never evaluated."""
    record = load_department(SEED_DATA)
    hostile = record.model_copy(update={"other_notes": "=HYPERLINK(\"http://x\",\"y\")", "long_term_plan": "+cmd|' /C calc'!A0"})
    out = tmp_path / "hostile.xlsx"
    assert main(["export-excel", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(ROOT / "data")]) == 0
    from perfeval.excel import write_workbook
    write_workbook(hostile, out, force=True)
    ws = openpyxl.load_workbook(out)["基本信息"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("'=", "'+"))]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    assert not [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert records_identical(read_workbook(out), hostile)


# --------------------------------------------------------------------------- every error at once


def test_every_problem_is_listed_with_its_place_and_reason(seed_xlsx: Path, tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["收支"]["D6"] = "完成"
        wb["项目"]["E6"] = "七百"
        wb["问题整改"]["E4"] = "明年五月"
    path = _edited(seed_xlsx, tmp_path / "bad.xlsx", edit)
    with pytest.raises(DataError) as info:
        read_workbook(path)
    error = info.value
    assert (error.record, error.field, error.label) == ("工作表「收支」第 6 行", "D 列", "一般公共预算财政拨款收入·本年预算数")
    assert "另有 2 处错误" in error.message
    assert "工作表「项目」第 6 行 E 列（预算安排）：金额「七百」不是有效数值" in error.message
    assert "工作表「问题整改」第 4 行 E 列（整改完成时限）：日期「明年五月」格式不对" in error.message


def test_schema_errors_are_all_listed_too(seed_xlsx: Path, tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["项目"]["B4"] = None          # 项目名称 missing
        wb["自评表"]["G4"] = 31         # score above weight
    path = _edited(seed_xlsx, tmp_path / "bad.xlsx", edit)
    with pytest.raises(DataError) as info:
        read_workbook(path)
    error = info.value
    assert (error.record, error.field) == ("工作表「自评表」第 4 行", "G 列")
    assert "超过分值" in error.message
    assert "（另有 1 处错误：工作表「项目」第 4 行 B 列（项目名称）：缺少必填字段" in error.message
