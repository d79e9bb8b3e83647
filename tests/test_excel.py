"""Excel template, export and import (issue 7): round trip, precise errors, template layout."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.excel import (
    DATA_SHEETS,
    SHEET_HELP,
    cell_decimal,
    iter_field_paths,
    placed_paths,
    read_workbook,
    write_workbook,
)
from perfeval.model import dump_record as dump_department
from perfeval.model import load_department, read_yaml, records_identical
from perfeval.model.schema import DepartmentYear

from .strategies import PARTIAL_RECORDS, records

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SEED = DATA_DIR / "2024" / "xiangtan-minzheng.yaml"


# --------------------------------------------------------------------------- helpers


def decimal_texts(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every Decimal in a record with its exact text, by path."""
    if isinstance(value, BaseModel):
        out: list[tuple[str, str]] = []
        for name in type(value).model_fields:
            out += decimal_texts(getattr(value, name), f"{path}.{name}")
        return out
    if isinstance(value, list):
        return [t for i, v in enumerate(value) for t in decimal_texts(v, f"{path}[{i}]")]
    if isinstance(value, Decimal):
        return [(path, str(value))]
    return []


def find_row(ws: Worksheet, column: int, text: str) -> int:
    for row in ws.iter_rows(min_row=1):
        if row[column - 1].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not found in column {column} of {ws.title}")


def header_column(ws: Worksheet, header: str, header_row: int = 3) -> int:
    for cell in ws[header_row]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"header {header!r} not in {ws.title}")


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    out = tmp_path / "民政局.xlsx"
    assert main(["export-excel", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(DATA_DIR)]) == 0
    return out


# --------------------------------------------------------------------------- round trip


def test_export_puts_seed_figures_in_labelled_cells(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    money = wb["收支"]
    # Row 6 is 一般公共预算财政拨款收入; columns C–F the forms' 上年决算 / 本年预算 / 调整后预算 / 本年决算.
    assert [money.cell(3, c).value for c in range(3, 7)] == ["上年决算数（万元）", "本年预算数（万元）",
                                                             "调整后预算数（万元）", "本年决算数（万元）"]
    assert money["B6"].value == "一般公共预算财政拨款收入"
    assert money["G6"].value == "income.appropriation"
    assert money["D6"].value == pytest.approx(2373.85) and money["D6"].number_format == "0.00"
    assert money["F6"].value == pytest.approx(3229.37)
    assert money["C6"].value is None and money["E6"].value is None   # not stated: blank, not 0
    personnel = find_row(money, 7, "expenditure.personnel")
    assert money.cell(personnel, 6).value == pytest.approx(1581.75)
    basic = find_row(money, 7, "expenditure.basic")
    assert money.cell(basic, 4).value == pytest.approx(1595.3)
    assert money.cell(basic, 4).number_format == "0.0"  # written as 1595.3, not 1595.30

    projects = wb["项目"]
    row = find_row(projects, 2, "低保员工资")
    actual = projects.cell(row, header_column(projects, "实际支出（万元）"))
    assert actual.value == pytest.approx(655.0411)
    assert actual.number_format == "0.0000"
    assert projects.cell(row, header_column(projects, "代管资金（非本部门预算）")).value == "是"

    goals = wb["绩效目标与指标"]
    row = find_row(goals, 5, "意见建议（建议提案）办理")
    assert [goals.cell(row, c).value for c in range(6, 12)] == ["产出", ">=", 15, None, 23, "件"]  # "=" is blank
    assert goals.cell(row, 1).value == 4 and goals.cell(row, 2).value is not None  # first row of goal 4
    row = find_row(goals, 5, "集中性法律政策宣传")
    assert goals.cell(row, 1).value == 4 and goals.cell(row, 2).value is None     # continuation row

    overseas = find_row(money, 7, "sangong.overseas")
    assert money.cell(overseas, 4).value is None  # budget: not mentioned in the source
    assert money.cell(overseas, 6).value == 0     # actual: stated as 0

    budget = wb["预算执行与管理"]
    assert budget.cell(find_row(budget, 5, "management.no_large_projects"), 3).value == "是"
    assert budget.cell(find_row(budget, 5, "adjustment.carryover_mentioned"), 3).value == "是"
    assert budget.cell(find_row(budget, 5, "adjustment.carryover"), 3).value is None
    exclusions = wb["调整未计入"]
    assert exclusions["A4"].value is None and exclusions["B4"].value.startswith("年中预算调整是由于")
    notes = wb["数据注记"]
    assert [notes.cell(4, c).value for c in range(1, 5)] == [
        "expenditure.total.actual", "2024 年度财政拨款支出 3229.37 元", None,
        "原文单位写作“元”，同一数字在文中其他处为3229.37万元，按万元记录"]


def _with_source(data_dir: Path) -> Path:
    """``data_dir`` with the report the seed names (its ``source``) in place, as the seed has it."""
    (data_dir / "2024").mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED.with_name("xiangtan-minzheng.source.txt"), data_dir / "2024")
    return data_dir


def test_round_trip_through_cli_gives_identical_data(exported: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = _with_source(tmp_path / "data")
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0
    written = data_dir / "2024" / "xiangtan-minzheng.yaml"
    assert "已写入" in capsys.readouterr().out

    original = load_department(SEED)
    reimported = load_department(written)
    assert original == reimported
    assert decimal_texts(original) == decimal_texts(reimported)
    assert reimported.expenditure is not None and reimported.expenditure.basic is not None
    assert str(reimported.expenditure.basic.budget) == "1595.3"
    assert str(reimported.projects[1].actual) == "655.0411"
    assert reimported.income is not None and reimported.income.appropriation is not None
    assert str(reimported.income.appropriation.budget) == "2373.85"
    assert reimported.problems[0].deadline == dt.date(2025, 5, 30)
    assert reimported.sangong is not None and reimported.sangong.overseas is not None
    assert reimported.sangong.overseas.budget is None
    assert reimported.sangong.overseas.actual == Decimal(0)
    assert reimported.adjustment is not None and reimported.adjustment.exclusions[0].amount is None
    assert reimported.annotations == original.annotations


def test_written_yaml_is_human_editable(exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "xiangtan-minzheng.yaml"
    assert main(["import-excel", str(exported), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "  appropriation: {budget: 2373.85, actual: 3229.37}\n" in text  # a row of the forms, inline
    assert "  personnel: {budget: 1339.41, actual: 1581.75}\n" in text
    assert "  basic: {budget: 1595.3, actual: 1723.59}\n" in text
    assert "  overseas: {actual: 0}\n" in text                             # stated 0; budget left out
    assert "actual: 655.0411\n" in text
    assert "name: 湘潭市民政局\n" in text                  # Chinese unescaped
    assert "\\u" not in text and "!!" not in text and "'2373.85'" not in text
    assert "deadline: 2025-05-30\n" in text
    assert "actual: {value: 99, unit: 人}" in text
    assert "  expenditure.total.actual:\n    as_written: 2024 年度财政拨款支出 3229.37 元\n" in text
    keys = ["code:", "year:", "title:", "unit:", "duties:", "goals:", "income:", "adjustment:", "expenditure:",
            "approval:", "sangong:", "carryover:", "execution:", "management:", "self_scores:",
            "projects:", "problems:", "other_notes:", "annotations:"]
    positions = [text.index("\n" + key) for key in keys]
    assert positions == sorted(positions)  # schema order
    assert records_identical(DepartmentYear.model_validate(read_yaml(out)), load_department(SEED))


def test_dump_department_reloads_identically(tmp_path: Path) -> None:
    original = load_department(SEED)
    path = _with_source(tmp_path) / "2024" / "xiangtan-minzheng.yaml"
    path.write_text(dump_department(original), encoding="utf-8")
    again = load_department(path)
    assert records_identical(original, again)
    assert decimal_texts(original) == decimal_texts(again)


def test_records_identical_sees_decimal_text() -> None:
    original = load_department(SEED)
    data = original.model_dump()
    data["expenditure"]["basic"]["budget"] = Decimal("1595.30")
    changed = DepartmentYear.model_validate(data)
    assert changed == original                  # pydantic equality cannot tell …
    assert not records_identical(changed, original)  # … the exact text can


#: The bytes of the (pretend) report the full record names as its source document.
FULL_SOURCE = b"%PDF-1.4 demo report"


def _full_record() -> DepartmentYear:
    """A record in which every field of every model is set (somewhere) to a non-default value."""
    row = {"previous": "1.10", "budget": "2", "adjusted": "2.25", "actual": "12345678901.234567"}
    return DepartmentYear.model_validate({
        "code": "demo-dept-2", "year": 2023, "demo": True, "title": "示例报告标题",
        "source": {"file": "demo-dept-2.source.pdf", "sha256": hashlib.sha256(FULL_SOURCE).hexdigest(),
                   "url": "https://example.org/报告.pdf"},
        "arranged": {"indicators": True, "self_scores": True, "outputs": True},
        "unit": {"name": "示例局", "supervisor": "示例市人民政府", "annual_budget": Decimal("100.10"),
                 "internal_units": ["办公室", "财务科"], "sub_units": ["=下属单位"]},
        "cover": {"budget_code": "012001", "evaluation_method": "第三方评价", "evaluator": "某会计师事务所",
                  "report_date": dt.date(2024, 5, 13), "evaluated_unit": "示例局（公章）", "fill_date": "2025-10-29",
                  "document_number": "徐财绩[2025]5号", "index_number": "430100/2025-00123",
                  "publish_date": "2025年6月20日"},
        "staffing": {"approved": 65, "approved_admin": 30, "approved_institution": 35, "approved_worker": 0,
                     "actual": 41, "actual_admin": 20, "actual_institution": 0, "actual_worker": 21,
                     "worker_within_admin": True, "stated_control_rate": Decimal("63.10"), "as_of": "2023-12-31",
                     "retirees": 40, "retired": 40, "retired_veteran": 0, "temporary": 37, "hired": 25,
                     "posts": [{"name": "主任", "count": 1}, {"name": "=科室领导职数"}]},
        "vehicles": {"approved": 6, "actual": 0},
        "stated_counts": {"internal_units": 8, "sub_units": 6, "projects": 16, "goals": 0},
        "source_units": {"income": "元", "expenditure": "千元", "income_by_unit": "亿元", "expenditure_by_unit": "万元",
                         "sangong": "元", "public_funds": "元", "procurement": "元", "basic_budget_adjustment": "元",
                         "projects": "元", "self_funds": "元"},
        "duties": ["第一条职能", "第二条职能\n含换行的第二段"],
        "long_term_plan": "=以等号开头的文字不是公式", "annual_plan": "年度计划", "other_notes": "其他说明",
        "goals": [
            {"number": 1, "text": "目标一", "completion_title": "标题一", "completion": "完成一", "completion_number": 2,
             "indicators": [
                 {"name": "指标甲", "category": "效果",
                  "target": {"value": Decimal("12.30"), "unit": "件", "relation": ">="},
                  "actual": {"value": Decimal("-1.5"), "unit": "件", "relation": "<"}},
                 {"name": "指标乙", "category": "满意度", "actual": {"value": Decimal("95"), "unit": "%", "relation": "约"}},
                 {"name": "定性指标", "target_text": "有所提高", "actual_text": "同比均有所提高"},
                 {"name": "只有名称的指标"},
             ]},
            {"text": "没有序号也没有指标的目标"},
            {"number": 3, "text": "没有指标的目标"},
        ],
        "income": {"total": row, "carryover": {"actual": "37.23"}, "appropriation": {"budget": "30.0"},
                   "government_fund": {"previous": "0"}, "special_account": {"adjusted": "1E+2"},
                   "other": {"actual": "86.1"}},
        "income_by_unit": [{"name": "汇总", "total": "229.46", "carryover": "37.23", "appropriation": "106.13",
                            "government_fund": "0", "special_account": "0.00", "other": "86.1", "is_total": True},
                           {"name": "局机关", "total": "176.26"}],
        "adjustment": {"amount": Decimal("-12.5"), "purpose": "调减", "carryover": "3", "carryover_mentioned": True,
                       "exclusions": [{"amount": "5.5", "reason": "上级交办"}, {"reason": "金额未写的理由"}],
                       "declared_rate": Decimal("3.50"), "explanation": "调整说明"},
        "expenditure": {"total": {"actual": "1"}, "basic": {"budget": "2"}, "personnel": {"previous": "3"},
                        "public": {"adjusted": "4"}, "project": row},
        "expenditure_by_unit": [{"name": "局机关", "total": "10", "basic": "6", "personnel": "5", "public": "1",
                                 "project": "4"}, {"name": "合计", "is_total": True, "total": "10"}],
        "approval": {"approver": "市财政局", "year_as_written": 2022, "project_note": "说明"},
        "sangong": {"total": row, "vehicle": {"budget": "1"}, "overseas": {"actual": "0.0"},
                    "vehicle_purchase": {"previous": "2.25"}, "vehicle_operation": {"adjusted": "3"},
                    "reception": {"budget": "12345678901.234567"}},
        "public_funds": {"total": {"previous": "30.05", "budget": "28.90", "actual": "28.90"},
                         "items": [{"name": "办公经费", "previous": "14.44", "budget": "10", "adjusted": "10",
                                    "actual": "0.68"}, {"name": "+会议费"}]},
        "procurement": {"previous": "16.14", "budget": "30.66", "actual": "30.66"},
        "basic_budget_adjustment": {"previous": "431.64", "budget": "322.07", "adjusted": "1", "actual": "322.07"},
        "buildings": {"approved_area": "0", "actual_area": "12.5", "stated_area_control_rate": "100",
                      "budget": "0", "actual": "1", "stated_investment_control_rate": "-3"},
        "carryover": {"fiscal": Decimal("0.01"), "non_fiscal": Decimal("118.74")},
        "execution": {"balance_statement": "基本持平"},
        "management": {"budget_management": "预算管理", "lottery_fund": Decimal("1E+2"),
                       "large_projects_statement": "大项目", "no_large_projects": False, "asset_management": "资产",
                       "outcome_statement": "产出", "thrift_measures": "厉行节约"},
        "self_scores": [{"part": "预算执行", "weight": Decimal("30"), "score": Decimal("28.5"), "reason": "扣1.5分",
                         "criteria": "≤100%计8分，每超1个百分点扣0.5分"},
                        {"part": "预算执行率", "level": 2, "parent": "预算执行", "weight": "8", "target": "100%",
                         "actual": "99.27%", "score": "8"}],
        "self_score_total": "93.5", "self_grade": "优",
        "self_funds": [{"nature": "收入性质", "item": "财政拨款", "initial": "1922.76", "full_year": "2690.62",
                        "executed": "2671", "weight": "10", "stated_rate": "99.27", "score": "9.5"},
                       {"item": "其他"}],
        "projects": [
            {"number": 2, "name": "项目乙", "group": "业务工作经费", "previous": "600", "budget": Decimal("700"),
             "adjusted": "710", "actual": Decimal("655.0411"), "actual_label": "实际到位资金", "managed_only": True,
             "description": "完成情况",
             "outputs": [{"name": "产出一", "value": Decimal("800"), "unit": "人次", "relation": "余",
                          "amount": Decimal("0.0001")},
                         {"name": "产出二", "amount": Decimal("6427.9265")}]},
            {"number": 1, "name": "没有产出的项目", "budget": Decimal("0")},
            {"name": "没有序号的项目", "actual": "1"},
        ],
        "problems": [{"problem": "问题", "cause": "原因", "measures": "措施", "responsible": "负责人",
                      "deadline": dt.date(2025, 12, 31)},
                     {"problem": "没有时限的问题"}],
        "rectification": [{"problem": "上年问题", "number": 2, "status": "整改中", "description": "=正在整改",
                           "completed": dt.date(2025, 3, 1)}, {"problem": "未说明状态的问题"}],
        "stated_changes": [{"subject": "收入总计", "current": "792.22", "change": "-189.25", "percent": "-31.39",
                            "as_written": "同比减少189.25万元，下降31.39%"}],
        "annotations": {"expenditure.total.actual": {"as_written": "1 元", "inferred": True, "note": "按万元记录"},
                        "projects[0].budget": {"note": "-原文如此"}},
    })


def _fields_covered(value: Any, seen: dict[type, set[str]]) -> None:
    if isinstance(value, BaseModel):
        cls = type(value)
        seen.setdefault(cls, set())
        for name, info in cls.model_fields.items():
            field_value = getattr(value, name)
            if field_value is not None and field_value != [] and name in value.model_fields_set:
                if info.is_required() or field_value != info.get_default(call_default_factory=True):
                    seen[cls].add(name)
            _fields_covered(field_value, seen)
    elif isinstance(value, list):
        for item in value:
            _fields_covered(item, seen)


def test_full_record_fixture_sets_every_field() -> None:
    seen: dict[type, set[str]] = {}
    _fields_covered(_full_record(), seen)
    missing = {cls.__name__: set(cls.model_fields) - names for cls, names in seen.items()
               if set(cls.model_fields) - names}
    assert not missing, f"extend _full_record() for new schema fields: {missing}"


def test_every_field_round_trips_through_excel_and_yaml(tmp_path: Path) -> None:
    record = _full_record()
    book = write_workbook(record, tmp_path / "full.xlsx")
    back = read_workbook(book)
    assert records_identical(back, record)
    assert decimal_texts(back) == decimal_texts(record)
    assert back.management is not None and str(back.management.lottery_fund) == "1E+2"
    assert back.sangong is not None and back.sangong.reception is not None
    assert str(back.sangong.reception.budget) == "12345678901.234567"
    assert back.public_funds is not None and back.public_funds.total is not None
    assert str(back.public_funds.total.budget) == "28.90"      # the precision written
    assert back.management.no_large_projects is False          # said so (not: not said)
    assert back.long_term_plan == "=以等号开头的文字不是公式"
    assert back.duties[1] == "第二条职能\n含换行的第二段"
    assert back.cover is not None and back.cover.budget_code == "012001"

    wb = openpyxl.load_workbook(book)
    money = wb["收支"]
    reception = money.cell(find_row(money, 7, "sangong.reception"), 4)
    assert reception.value == "12345678901.234567" and reception.number_format == "@"  # too long for a double

    path = tmp_path / "2023" / "demo-dept-2.yaml"
    path.parent.mkdir()
    path.with_name("demo-dept-2.source.pdf").write_bytes(FULL_SOURCE)
    assert main(["import-excel", str(book), "--data-dir", str(tmp_path)]) == 0
    assert records_identical(load_department(path), record)
    assert "lottery_fund: 1.E+2" in path.read_text(encoding="utf-8")


def test_every_schema_field_has_a_place_in_the_workbook() -> None:
    schema = set(iter_field_paths())
    assert ("goals", "indicators", "target", "relation") in schema
    assert {("public_funds", "items", "adjusted"), ("adjustment", "exclusions", "reason"), ("annotations", "note"),
            ("sangong", "vehicle", "previous"), ("self_funds", "stated_rate"), ("unit", "sub_units")} <= schema
    assert schema == placed_paths()


def test_continuation_rows_may_leave_the_number_blank(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    goals = wb["绩效目标与指标"]
    rows = [r for r in range(4, goals.max_row + 1) if goals.cell(r, 1).value is not None]
    cleared = 0
    for prev, r in zip(rows, rows[1:]):
        if goals.cell(r, 1).value == goals.cell(prev, 1).value:
            goals.cell(r, 1).value = None
            cleared += 1
    assert cleared > 10
    wb.save(exported)
    assert records_identical(read_workbook(exported), load_department(SEED))


# --------------------------------------------------------------------------- errors


def _edit(path: Path, sheet: str, coordinate: str, value: Any) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][coordinate] = value
    wb.save(path)


@pytest.mark.parametrize(
    ("sheet", "coordinate", "value", "expected"),
    [
        ("收支", "D6", "完成", ["工作表「收支」第 6 行", "D 列", "一般公共预算财政拨款收入·本年预算数", "不是有效数值"]),
        ("收支", "F4", "=D5+D6", ["工作表「收支」第 4 行", "F 列", "收入合计", "公式"]),
        ("收支", "F10", "3229.37元", ["工作表「收支」第 10 行", "F 列", "支出合计·本年决算数", "单位是元"]),
        ("收支", "F10", "0.32亿元", ["工作表「收支」第 10 行", "F 列", "单位是亿元"]),
        ("收支", "F10", "1.234,5", ["工作表「收支」第 10 行", "逗号用法不明确"]),
        ("问题整改", "E4", "明年五月", ["工作表「问题整改」第 4 行", "E 列", "整改完成时限", "日期"]),
        ("问题整改", "E4", "2025-02-30", ["工作表「问题整改」第 4 行", "E 列", "日期"]),
        ("项目", "G5", -1, ["工作表「项目」第 5 行", "G 列", "实际支出", "不能为负数"]),
        ("项目", "I5", "也许", ["工作表「项目」第 5 行", "I 列", "代管资金", "是"]),
        ("绩效目标与指标", "F4", "产量", ["工作表「绩效目标与指标」第 4 行", "F 列", "指标类别", "产出"]),
        ("基本信息", "C5", "二〇二四", ["工作表「基本信息」第 5 行", "C 列", "评价年度", "整数"]),
        # schema-level errors (pydantic) are placed on their cell too
        ("自评表", "G4", 31, ["工作表「自评表」第 4 行", "G 列", "自评得分", "超过分值"]),
        ("自评表", "B4", 4, ["工作表「自评表」第 4 行", "B 列", "指标层级"]),
        ("项目", "B4", None, ["工作表「项目」第 4 行", "B 列", "项目名称", "缺少必填字段"]),
        ("基本信息", "C4", "湘潭 民政", ["工作表「基本信息」第 4 行", "C 列", "部门代码", "格式不符"]),
        ("收支", "F10", "1E+12", ["工作表「收支」第 10 行", "F 列", "支出合计·本年决算数", "超过上限"]),
        ("数据注记", "A4", "expenditure.basic.previous", ["工作表「数据注记」第 4 行", "A 列", "字段路径",
                                                         "数据注记指向的字段 expenditure.basic.previous 不存在"]),
    ],
)
def test_bad_cell_is_named_by_sheet_row_and_column(exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   sheet: str, coordinate: str, value: Any,
                                                   expected: list[str]) -> None:
    _edit(exported, sheet, coordinate, value)
    data_dir = tmp_path / "data"
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert exported.name in err
    for fragment in expected:
        assert fragment in err, err
    assert not data_dir.exists()  # nothing written


@pytest.mark.parametrize(("text", "stored"), [("1,731.57万元", "1731.57"), ("１７３１．５７", "1731.57"),
                                              ("28.90", "28.90"), ("1731.57万", "1731.57"), (" 0 ", "0")])
def test_an_amount_cell_accepts_the_spellings_yaml_accepts(exported: Path, text: str, stored: str) -> None:
    _edit(exported, "收支", "F14", text)       # 项目支出·本年决算数
    record = read_workbook(exported)
    assert record.expenditure is not None and record.expenditure.project is not None
    assert str(record.expenditure.project.actual) == stored


def test_error_is_a_data_error_with_structured_location(exported: Path) -> None:
    _edit(exported, "收支", "D6", "完成")
    with pytest.raises(DataError) as info:
        read_workbook(exported)
    error = info.value
    assert Path(error.file) == exported
    assert error.record == "工作表「收支」第 6 行"
    assert error.field == "D 列"
    assert error.label == "一般公共预算财政拨款收入·本年预算数"


def test_several_bad_cells_are_all_listed(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    wb["收支"]["D6"] = "完成"
    wb["项目"]["E6"] = "七百"
    wb.save(exported)
    with pytest.raises(DataError) as info:
        read_workbook(exported)
    assert "另有 1 处错误" in info.value.message
    assert "工作表「项目」第 6 行 E 列" in info.value.message


def test_missing_sheet_is_reported(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    del wb["收支"]
    wb.save(exported)
    with pytest.raises(DataError, match="缺少工作表「收支」"):
        read_workbook(exported)


def test_not_an_xlsx_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "x.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert main(["import-excel", str(fake), "--data-dir", str(tmp_path)]) == 2
    assert "无法读取 Excel 工作簿" in capsys.readouterr().err


# --------------------------------------------------------------------------- partial workbooks


def test_a_partial_workbook_gives_a_partial_record(tmp_path: Path) -> None:
    """A 基础数据表 typed into the template: what is blank stays absent (None), never 0."""
    path = write_workbook(None, tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    basic, money = wb["基本信息"], wb["收支"]
    basic.cell(find_row(basic, 5, "code"), 3).value = "yueyanglou-wenlv"
    basic.cell(find_row(basic, 5, "year"), 3).value = 2023
    basic.cell(find_row(basic, 5, "unit.name"), 3).value = "岳阳楼区文化旅游广电体育局"
    basic.cell(find_row(basic, 5, "staffing.approved"), 3).value = 11
    basic.cell(find_row(basic, 5, "staffing.actual"), 3).value = 16
    sangong = find_row(money, 7, "sangong.total")
    money.cell(sangong, 3).value, money.cell(sangong, 4).value, money.cell(sangong, 6).value = 1.84, 1.49, 1.49
    public = find_row(money, 7, "public_funds.total")
    money.cell(public, 4).value = "28.90"                  # typed as text: the precision is kept
    money.cell(public, 6).value = 28.9
    money.cell(public, 6).number_format = "0.00"           # a number shown with two places
    wb["项目"]["B4"], wb["项目"]["G4"] = "业务工作经费", 600.58
    wb.save(path)

    record = read_workbook(path)
    assert record.staffing is not None and (record.staffing.approved, record.staffing.actual) == (11, 16)
    assert record.staffing.actual_admin is None and record.staffing.stated_control_rate is None
    assert record.sangong is not None and record.sangong.total is not None
    assert record.sangong.total.columns() == {"previous": Decimal("1.84"), "budget": Decimal("1.49"),
                                              "adjusted": None, "actual": Decimal("1.49")}
    assert record.sangong.overseas is None and record.sangong.reception is None
    assert record.public_funds is not None and record.public_funds.total is not None
    assert [str(record.public_funds.total.budget), str(record.public_funds.total.actual)] == ["28.90", "28.90"]
    assert record.public_funds.items == []
    (project,) = record.projects
    assert (project.name, project.actual, project.budget, project.previous) == ("业务工作经费", Decimal("600.58"),
                                                                                None, None)
    for absent in ("income", "expenditure", "adjustment", "approval", "carryover", "management", "cover",
                   "procurement", "buildings", "execution"):
        assert getattr(record, absent) is None, absent
    assert record.goals == [] and record.duties == [] and record.unit.supervisor is None
    assert record.unit.annual_budget is None


@pytest.mark.parametrize("name", sorted(PARTIAL_RECORDS))
def test_partial_records_round_trip_through_excel(tmp_path: Path, name: str) -> None:
    record = PARTIAL_RECORDS[name]()
    back = read_workbook(write_workbook(record, tmp_path / f"{name}.xlsx"))
    assert records_identical(back, record)
    assert decimal_texts(back) == decimal_texts(record)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_any_valid_record_round_trips_through_excel(record: DepartmentYear) -> None:
    with tempfile.TemporaryDirectory() as folder:
        back = read_workbook(write_workbook(record, Path(folder) / "x.xlsx"))
    assert records_identical(back, record)


# --------------------------------------------------------------------------- formula injection


_HOSTILE = ("=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "'=已加引号", "\t=1")


def test_text_that_could_be_a_formula_gets_a_quote_in_every_sheet(tmp_path: Path) -> None:
    """OWASP CSV injection: text starting with = + - @ (or tab/CR) is written with a leading ' in every cell,
    whatever the sheet; import removes it, so the record reads back exactly."""
    record = DepartmentYear.model_validate({
        "code": "x", "year": 2024, "unit": {"name": _HOSTILE[0], "sub_units": list(_HOSTILE)},
        "duties": list(_HOSTILE), "other_notes": _HOSTILE[1],
        "goals": [{"text": _HOSTILE[2], "indicators": [{"name": _HOSTILE[3], "target_text": _HOSTILE[0]}]}],
        "projects": [{"name": _HOSTILE[3], "group": _HOSTILE[1], "outputs": [{"name": _HOSTILE[0], "unit": "-"}]}],
        "public_funds": {"items": [{"name": _HOSTILE[2]}]},
        "self_scores": [{"part": _HOSTILE[0], "target": "-5%"}],
        "problems": [{"problem": _HOSTILE[1], "responsible": "@负责人"}],
        "stated_changes": [{"subject": "-", "as_written": _HOSTILE[2]}],
        "annotations": {"other_notes": {"as_written": _HOSTILE[0], "note": _HOSTILE[3]}},
    })
    for written in (write_workbook(record, tmp_path / "x.xlsx"), write_workbook(None, tmp_path / "t.xlsx")):
        wb = openpyxl.load_workbook(written)
        texts = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert texts
        dangerous = [t for t in texts if t[2].startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert dangerous == []
        assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    values = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"'" + text for text in _HOSTILE[:5]} <= values and "''=已加引号" in values and "'-" in values
    assert records_identical(read_workbook(tmp_path / "x.xlsx"), record)


def test_text_an_analyst_types_reads_as_typed(exported: Path) -> None:
    """Excel never stores the ' an analyst types before a value; one leading ' in a stored text is removed."""
    wb = openpyxl.load_workbook(exported)
    basic = wb["基本信息"]
    basic.cell(find_row(basic, 5, "other_notes"), 3).value = "'=不是公式"
    wb.save(exported)
    record = read_workbook(exported)
    assert record.other_notes == "=不是公式"


# --------------------------------------------------------------------------- overwrite


def test_import_refuses_to_overwrite_different_data_unless_forced(exported: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = _with_source(tmp_path / "data")
    target = data_dir / "2024" / "xiangtan-minzheng.yaml"
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0
    before = target.read_text(encoding="utf-8")

    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0  # identical: no rewrite
    assert "数据未变化" in capsys.readouterr().out

    _edit(exported, "收支", "D6", 2400)
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == before

    assert main(["import-excel", str(exported), "--data-dir", str(data_dir), "--force"]) == 0
    written = load_department(target)
    assert written.income is not None and written.income.appropriation is not None
    assert written.income.appropriation.budget == Decimal("2400")


def test_import_refuses_a_workbook_whose_report_is_not_beside_the_data_file(exported: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The seed's workbook names its report (基本信息 › 原报告): written where that report is not, the data file
    would not load, so nothing is written and the message says what to do."""
    data_dir = tmp_path / "data"
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "民政局.xlsx" in err and "工作表「基本信息」" in err and "xiangtan-minzheng.source.txt 不存在" in err
    assert "清空“原报告”各行" in err and "Traceback" not in err
    assert not (data_dir / "2024" / "xiangtan-minzheng.yaml").exists()
    # Another file under the report's name: its SHA-256 differs.
    (data_dir / "2024").mkdir(parents=True)
    (data_dir / "2024" / "xiangtan-minzheng.source.txt").write_text("另一份报告", encoding="utf-8")
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 2
    assert "校验值" in capsys.readouterr().err and not (data_dir / "2024" / "xiangtan-minzheng.yaml").exists()
    # Outside the data (-o elsewhere) the file is written, with a warning, as for a name that is not the code.
    assert main(["import-excel", str(exported), "-o", str(tmp_path / "x" / "xiangtan-minzheng.yaml")]) == 0
    assert "注意" in capsys.readouterr().err and (tmp_path / "x" / "xiangtan-minzheng.yaml").exists()
    # With the 原报告 rows emptied, the record names no report and is written.
    wb = openpyxl.load_workbook(exported)
    basic = wb["基本信息"]
    for key in ("source.file", "source.sha256", "source.url"):
        basic.cell(find_row(basic, 5, key), 3).value = None
    wb.save(exported)
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0
    assert load_department(data_dir / "2024" / "xiangtan-minzheng.yaml").source is None


def test_export_and_template_do_not_clobber_a_workbook(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = exported.stat().st_size
    assert main(["excel-template", "-o", str(exported)]) == 2
    assert "--force" in capsys.readouterr().err
    assert exported.stat().st_size == size
    assert main(["excel-template", "-o", str(exported), "--force"]) == 0


def test_export_of_unknown_department_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-excel", "no-such-dept", "2024", "-o", str(tmp_path / "x.xlsx"),
                 "--data-dir", str(DATA_DIR)]) == 2
    assert "文件不存在" in capsys.readouterr().err


# --------------------------------------------------------------------------- template


@pytest.fixture()
def template(tmp_path: Path) -> openpyxl.Workbook:
    out = tmp_path / "模板.xlsx"
    assert main(["excel-template", "-o", str(out)]) == 0
    return openpyxl.load_workbook(out)


def _validations(ws: Worksheet) -> list[tuple[str, str | None, str | None, str]]:
    return [(dv.type, dv.formula1, dv.formula2, str(dv.sqref)) for dv in ws.data_validations.dataValidation]


def _covers(sqref: str, coordinate: str) -> bool:
    from openpyxl.worksheet.cell_range import MultiCellRange
    return coordinate in MultiCellRange(sqref)


def test_template_has_every_sheet_with_chinese_headers(template: openpyxl.Workbook) -> None:
    assert template.sheetnames == ["说明", "基本信息", "职能与机构", "领导职数", "收支", "预算执行与管理", "调整未计入", "公用经费明细",
                                   "分机构收入", "分机构支出", "绩效目标与指标", "项目", "问题整改", "上年问题整改", "自评表", "自评表资金",
                                   "同比变动", "数据注记"]
    assert list(DATA_SHEETS) == template.sheetnames[1:] and SHEET_HELP == "说明"

    def headers(name: str) -> list[Any]:
        return [c.value for c in template[name][3] if c.value is not None]

    assert headers("基本信息") == ["分类", "项目", "内容", "填写说明", "字段键（请勿修改）"]
    assert headers("预算执行与管理") == headers("基本信息")
    assert headers("职能与机构") == ["单位基本职能（每行一条）", "内设机构（每行一个）", "下属单位（每行一个）"]
    assert headers("收支") == ["分类", "项目", "上年决算数（万元）", "本年预算数（万元）", "调整后预算数（万元）",
                             "本年决算数（万元）", "字段键（请勿修改）"]
    assert headers("绩效目标与指标") == ["目标序号", "绩效目标", "完成情况标题", "完成情况", "指标名称", "指标类别",
                                  "目标值关系", "目标值", "实际完成值关系", "实际完成值", "计量单位", "目标值（文字）",
                                  "实际完成情况（文字）", "完成情况序号（原报告）"]
    assert headers("项目") == ["项目序号", "项目名称", "项目类别", "上年决算数（万元）", "预算安排（万元）",
                             "调整后预算（万元）", "实际支出（万元）", "实际支出口径", "代管资金（非本部门预算）", "项目完成情况",
                             "产出名称", "产出关系", "产出数量", "产出计量单位", "产出金额（万元）"]
    assert headers("问题整改") == ["存在的问题", "原因分析", "整改措施", "整改责任人", "整改完成时限"]
    assert headers("上年问题整改") == ["上年问题", "上年问题序号", "整改状态", "整改情况", "整改完成时间"]
    assert headers("自评表") == ["评价指标", "指标层级", "上级指标", "分值", "指标值（目标）", "实际完成值", "自评得分",
                              "得分说明", "评分标准"]
    assert headers("领导职数") == ["职务", "职数（名）"]
    assert headers("自评表资金") == ["分类", "项目", "年初预算（万元）", "全年预算（万元）", "全年执行（万元）", "分值",
                                "执行率（文中所述，%）", "得分"]
    assert headers("调整未计入") == ["金额（万元）", "未计入调整的理由（原文）"]
    assert headers("公用经费明细") == ["名称", "上年决算数（万元）", "本年预算数（万元）", "调整后预算数（万元）",
                                 "本年决算数（万元）"]
    assert headers("同比变动") == ["比较项目", "本年数（万元）", "增减额（万元）", "增减幅度（%）", "原文"]
    assert headers("数据注记") == ["字段路径", "原文写法", "推断", "说明"]

    money = template["收支"]
    keys = [money.cell(r, 7).value for r in range(4, money.max_row + 1)]
    assert keys == ["income.total", "income.carryover", "income.appropriation", "income.government_fund",
                    "income.special_account", "income.other", "expenditure.total", "expenditure.basic",
                    "expenditure.personnel", "expenditure.public", "expenditure.project", "sangong.total",
                    "sangong.vehicle", "sangong.overseas", "sangong.vehicle_purchase", "sangong.vehicle_operation",
                    "sangong.reception", "public_funds.total", "procurement", "basic_budget_adjustment"]
    assert all(money.cell(r, c).value is None for r in range(4, money.max_row + 1) for c in range(3, 7))  # empty
    basic = template["基本信息"]
    labels = [basic.cell(r, 2).value for r in range(4, basic.max_row + 1)]
    assert "编制数（人）" in labels and "预算编码" in labels and "在职人员控制率（文中所述，%）" in labels
    budget = template["预算执行与管理"]
    labels = [budget.cell(r, 2).value for r in range(4, budget.max_row + 1)]
    assert "自述预算调整率（%）" in labels and "市级福彩公益金项目资金（万元）" in labels
    assert "文中明确无50万元以上项目" in labels
    required = {basic.cell(r, 5).value for r in range(4, basic.max_row + 1)
                if str(basic.cell(r, 4).value or "").startswith("必填")}
    assert required == {"code", "year", "unit.name"}
    instructions = "\n".join(str(c.value) for c in template["说明"]["A"] if c.value)
    assert "万元" in instructions and "import-excel" in instructions and "YYYY-MM-DD" in instructions
    assert "留空表示“原文未提及”，不是 0" in instructions


def test_template_has_data_validations(template: openpyxl.Workbook) -> None:
    goals = _validations(template["绩效目标与指标"])
    category = [v for v in goals if v[1] == '"产出,效果,满意度"']
    relation = [v for v in goals if v[1] == '"=,>=,<=,>,<,约,多,余"']
    assert category and category[0][0] == "list" and _covers(category[0][3], "F4") and _covers(category[0][3], "F150")
    assert relation and _covers(relation[0][3], "G4") and _covers(relation[0][3], "I4")

    projects = _validations(template["项目"])
    assert any(v[1] == '"=,>=,<=,>,<,约,多,余"' and _covers(v[3], "L10") for v in projects)
    assert any(v[0] == "decimal" and v[1] == "0" and _covers(v[3], "E4") and _covers(v[3], "G4") for v in projects)
    assert any(v[1] == '"是,否"' and _covers(v[3], "I4") for v in projects)
    funds = _validations(template["自评表资金"])
    assert any(v[1] == '"收入性质,支出性质"' and _covers(v[3], "A4") for v in funds)

    basic = template["基本信息"]
    demo_row = find_row(basic, 5, "demo")
    assert any(v[1] == '"是,否"' and _covers(v[3], f"C{demo_row}") for v in _validations(basic))
    year_row = find_row(basic, 5, "year")
    assert any(v[0] == "whole" and v[1] == "2000" and v[2] == "2100" and _covers(v[3], f"C{year_row}")
               for v in _validations(basic))
    staff_row = find_row(basic, 5, "staffing.actual")
    assert any(v[0] == "whole" and v[1] == "0" and _covers(v[3], f"C{staff_row}") for v in _validations(basic))
    budget = template["预算执行与管理"]
    amount_row = find_row(budget, 5, "adjustment.amount")
    assert any(v[0] == "decimal" and v[1] == "-100000000000" and _covers(v[3], f"C{amount_row}")
               for v in _validations(budget))

    problems = _validations(template["问题整改"])
    assert any(v[0] == "date" and _covers(v[3], "E4") for v in problems)
    assert any(v[0] == "decimal" and _covers(v[3], "C5") and _covers(v[3], "F23") for v in _validations(template["收支"]))


def test_empty_template_import_points_at_the_first_required_cell(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "模板.xlsx"
    assert main(["excel-template", "-o", str(out)]) == 0
    assert main(["import-excel", str(out), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "工作表「基本信息」第 4 行" in err and "C 列" in err and "部门代码" in err and "缺少必填字段" in err
    assert "另有 2 处错误" in err and "评价年度" in err and "单位名称" in err


# --------------------------------------------------------------------------- cell reading rule


@pytest.mark.parametrize(("value", "text"), [("1,731.57万元", "1731.57"), ("28.90", "28.90"), ("'1.50", "1.50"),
                                           ("１２３４．５万元", "1234.5")])
def test_cell_decimal_reads_amount_text_as_yaml_does(value: str, text: str) -> None:
    assert str(cell_decimal(value, amount=True)) == text


@pytest.mark.parametrize("value", ["1731.57元", "0.17亿元", "1.234,5"])
def test_cell_decimal_refuses_other_units_and_ambiguous_amounts(value: str) -> None:
    with pytest.raises(ValueError):
        cell_decimal(value, amount=True)


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (1595.3, "0.0", "1595.3"),
        (93.8, "0.00", "93.80"),                        # the format's places are kept
        (655.0411, "General", "655.0411"),
        (2994.6574999999998, "0.0000", "2994.6575"),    # a 17-digit double as Excel may save it
        (0.1 + 0.2, "General", "0.3"),                  # read at Excel's 15 digits
        (1700, "0", "1700"),
        (0.9388, "0.00%", "93.88"),                     # a percentage cell
        ("1595.30", "@", "1595.30"),                    # text is exact
        ("1,595.3", "General", "1595.3"),
        (1e20, "General", "100000000000000000000"),
    ],
)
def test_cell_decimal(value: Any, number_format: str, text: str) -> None:
    assert str(cell_decimal(value, number_format)) == text


@pytest.mark.parametrize("value", ["完成", "约400", "400多", "", True, dt.datetime(2024, 1, 1)])
def test_cell_decimal_rejects_non_numbers(value: Any) -> None:
    with pytest.raises(ValueError):
        cell_decimal(value)


# --------------------------------------------------------------------------- one date policy


@pytest.mark.parametrize("text", ["2025/6/30", "30.6.2025", "2025.6.30", "6/30/2025"])
def test_excel_and_yaml_refuse_the_same_date_spellings(text: str) -> None:
    """Excel import follows the YAML date policy: slash and dot orders differ by locale, so both refuse them."""
    from perfeval.excel.cells import cell_date as _cell_date
    from perfeval.model.schema import Problem

    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _cell_date(text)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Problem.model_validate({"problem": "x", "deadline": text})


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-06-30", dt.date(2025, 6, 30)), ("2025年6月30日", dt.date(2025, 6, 30)),
    (dt.datetime(2025, 6, 30), dt.date(2025, 6, 30)), (dt.date(2025, 6, 30), dt.date(2025, 6, 30)),
])
def test_excel_and_yaml_accept_the_same_dates(value: Any, expected: dt.date) -> None:
    from perfeval.excel.cells import cell_date as _cell_date
    from perfeval.model.schema import Problem

    assert _cell_date(value) == expected
    assert Problem.model_validate({"problem": "x", "deadline": value}).deadline == expected
