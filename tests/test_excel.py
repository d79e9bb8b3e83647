"""Excel template, export and import (issue 7): round trip, precise errors, template layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.excel import (
    DATA_SHEETS,
    FORMS,
    SHEET_HELP,
    TABLES,
    cell_decimal,
    iter_field_paths,
    read_workbook,
    write_workbook,
)
from perfeval.model import dump_record as dump_department
from perfeval.model import load_department, read_yaml, records_identical
from perfeval.model.schema import DepartmentYear

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
    # Row 5 column C is 年初预算拨款 (the layout the error messages name).
    assert money["B5"].value == "年初预算拨款（万元）"
    assert money["E5"].value == "income.initial_budget"
    assert money["C5"].value == pytest.approx(2373.85)
    assert money["C5"].number_format == "0.00"
    personnel = find_row(money, 5, "expenditure.basic.personnel")
    assert money.cell(personnel, 3).value == pytest.approx(1581.75)
    approved = find_row(money, 5, "approved_budget.basic.total")
    assert money.cell(approved, 3).value == pytest.approx(1595.3)
    assert money.cell(approved, 3).number_format == "0.0"  # written as 1595.3, not 1595.30

    projects = wb["项目"]
    row = find_row(projects, 2, "低保员工资")
    actual = projects.cell(row, header_column(projects, "实际支出（万元）"))
    assert actual.value == pytest.approx(655.0411)
    assert actual.number_format == "0.0000"

    goals = wb["绩效目标与指标"]
    row = find_row(goals, 5, "意见建议（建议提案）办理")
    assert [goals.cell(row, c).value for c in range(6, 12)] == ["产出", ">=", 15, None, 23, "件"]  # "=" is blank
    assert goals.cell(row, 1).value == 4 and goals.cell(row, 2).value is not None  # first row of goal 4
    row = find_row(goals, 5, "集中性法律政策宣传")
    assert goals.cell(row, 1).value == 4 and goals.cell(row, 2).value is None     # continuation row

    sangong = wb["三公经费"]
    overseas = find_row(sangong, 5, "overseas")
    assert sangong.cell(overseas, 2).value is None  # budget: not mentioned in the source
    assert sangong.cell(overseas, 3).value == 0     # actual: stated as 0


def test_round_trip_through_cli_gives_identical_data(exported: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0
    written = data_dir / "2024" / "xiangtan-minzheng.yaml"
    assert "已写入" in capsys.readouterr().out

    original = load_department(SEED)
    reimported = load_department(written)
    assert original == reimported
    assert decimal_texts(original) == decimal_texts(reimported)
    assert str(reimported.approved_budget.basic.total) == "1595.3"
    assert str(reimported.projects[1].actual) == "655.0411"
    assert str(reimported.income.initial_budget) == "2373.85"
    assert reimported.problems[0].deadline == dt.date(2025, 5, 30)
    assert reimported.sangong.budget.overseas is None
    assert reimported.sangong.actual.overseas == Decimal(0)


def test_written_yaml_is_human_editable(exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "xiangtan-minzheng.yaml"
    assert main(["import-excel", str(exported), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "initial_budget: 2373.85\n" in text          # a plain number, not a string
    assert "personnel: 1581.75\n" in text
    assert "    total: 1595.3\n" in text
    assert "actual: 655.0411\n" in text
    assert "name: 湘潭市民政局\n" in text                  # Chinese unescaped
    assert "\\u" not in text and "!!" not in text and "'2373.85'" not in text
    assert "deadline: 2025-05-30\n" in text
    assert "actual: {value: 99, unit: 人}" in text
    keys = ["code:", "year:", "title:", "unit:", "duties:", "goals:", "income:", "expenditure:",
            "approved_budget:", "sangong:", "carryover:", "execution:", "management:", "self_scores:",
            "projects:", "problems:", "other_notes:"]
    positions = [text.index("\n" + key) for key in keys]
    assert positions == sorted(positions)  # schema order
    assert records_identical(DepartmentYear.model_validate(read_yaml(out)), load_department(SEED))


def test_dump_department_reloads_identically(tmp_path: Path) -> None:
    original = load_department(SEED)
    path = tmp_path / "2024" / "xiangtan-minzheng.yaml"
    path.parent.mkdir()
    path.write_text(dump_department(original), encoding="utf-8")
    again = load_department(path)
    assert records_identical(original, again)
    assert decimal_texts(original) == decimal_texts(again)


def test_records_identical_sees_decimal_text() -> None:
    original = load_department(SEED)
    data = original.model_dump()
    data["approved_budget"]["basic"]["total"] = Decimal("1595.30")
    changed = DepartmentYear.model_validate(data)
    assert changed == original                  # pydantic equality cannot tell …
    assert not records_identical(changed, original)  # … the exact text can


def _full_record() -> DepartmentYear:
    """A record in which every field of every model is set (somewhere) to a non-default value."""
    amounts = {"total": "10.50", "overseas": "1", "vehicle_purchase": "2.25", "vehicle_operation": "3",
               "reception": "12345678901234567.89"}
    return DepartmentYear.model_validate({
        "code": "demo-dept-2", "year": 2023, "demo": True, "title": "示例报告标题",
        "unit": {"name": "示例局", "supervisor": "示例市人民政府", "annual_budget": Decimal("100.10")},
        "duties": ["第一条职能", "第二条职能\n含换行的第二段"],
        "long_term_plan": "=以等号开头的文字不是公式", "annual_plan": "年度计划", "other_notes": "其他说明",
        "goals": [
            {"number": 1, "text": "目标一", "completion_title": "标题一", "completion": "完成一",
             "indicators": [
                 {"name": "指标甲", "category": "效果",
                  "target": {"value": Decimal("12.30"), "unit": "件", "relation": ">="},
                  "actual": {"value": Decimal("-1.5"), "unit": "件", "relation": "<"}},
                 {"name": "指标乙", "category": "满意度", "actual": {"value": Decimal("95"), "unit": "%", "relation": "约"}},
                 {"name": "只有名称的指标"},
             ]},
            {"number": 3, "text": "没有指标的目标"},
        ],
        "income": {"total": Decimal("20"), "initial_budget": Decimal("30.0"), "adjustment": Decimal("-12.5"),
                   "adjustment_purpose": "调减"},
        "expenditure": {"total": Decimal("1"), "basic": {"total": Decimal("2"), "personnel": Decimal("3"),
                                                         "public": Decimal("4")}, "project": Decimal("5")},
        "approved_budget": {"approver": "市财政局", "year_as_written": 2022, "income_total": Decimal("6"),
                            "fiscal": Decimal("7"), "non_tax": Decimal("1.00"), "other": Decimal("0.5"),
                            "expenditure_total": Decimal("8"),
                            "basic": {"total": Decimal("9"), "personnel": Decimal("10"), "goods_services": Decimal("11")},
                            "project": Decimal("12"), "project_note": "说明"},
        "sangong": {"budget": amounts, "actual": {**amounts, "reception": "0.0"},
                    "previous_actual": {"total": "7", "vehicle_operation": "7"}},
        "carryover": {"fiscal": Decimal("0.01"), "non_fiscal": Decimal("118.74")},
        "execution": {"declared_adjustment_rate": Decimal("3.50"), "adjustment_explanation": "调整说明",
                      "balance_statement": "基本持平"},
        "management": {"budget_management": "预算管理", "lottery_fund": Decimal("1E+2"),
                       "large_projects_statement": "大项目", "asset_management": "资产", "outcome_statement": "产出"},
        "self_scores": [{"part": "预算执行", "weight": Decimal("30"), "score": Decimal("28.5"), "reason": "扣1.5分"}],
        "projects": [
            {"number": 2, "name": "项目乙", "budget": Decimal("700"), "actual": Decimal("655.0411"),
             "actual_label": "实际到位资金", "managed_only": True, "description": "完成情况",
             "outputs": [{"name": "产出一", "value": Decimal("800"), "unit": "人次", "relation": "余",
                          "amount": Decimal("0.0001")},
                         {"name": "产出二", "amount": Decimal("6427.9265")}]},
            {"number": 1, "name": "没有产出的项目", "budget": Decimal("0")},
        ],
        "problems": [{"problem": "问题", "cause": "原因", "measures": "措施", "responsible": "负责人",
                      "deadline": dt.date(2025, 12, 31)},
                     {"problem": "没有时限的问题"}],
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
    assert str(back.management.lottery_fund) == "1E+2"
    assert str(back.sangong.budget.reception) == "12345678901234567.89"
    assert back.long_term_plan == "=以等号开头的文字不是公式"
    assert back.duties[1] == "第二条职能\n含换行的第二段"

    wb = openpyxl.load_workbook(book)
    sangong = wb["三公经费"]
    reception = sangong.cell(find_row(sangong, 5, "reception"), 2)
    assert reception.value == "12345678901234567.89" and reception.number_format == "@"  # too long for a double

    path = tmp_path / "2023" / "demo-dept-2.yaml"
    assert main(["import-excel", str(book), "--data-dir", str(tmp_path)]) == 0
    assert records_identical(load_department(path), record)
    assert "lottery_fund: 1.E+2" in path.read_text(encoding="utf-8")


def test_every_schema_field_has_a_place_in_the_workbook() -> None:
    placed: set[tuple[str, ...]] = {row.path for form in FORMS for row in form.rows}
    placed |= {("duties",)}
    placed |= {("sangong", block, item) for block in ("budget", "actual", "previous_actual")
               for item in ("total", "overseas", "vehicle_purchase", "vehicle_operation", "reception")}
    for table in TABLES:
        for column in table.columns:
            if not column.child:
                placed.add((table.key, *column.path))
            elif column.kind == "qunit":
                placed |= {(table.key, str(table.child_key), side, "unit") for side in ("target", "actual")}
            else:
                placed.add((table.key, str(table.child_key), *column.path))
    schema = set(iter_field_paths())
    assert ("goals", "indicators", "target", "relation") in schema
    assert schema - placed == set()


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
        ("收支", "C5", "完成", ["工作表「收支」第 5 行", "C 列", "年初预算拨款", "不是有效数值"]),
        ("收支", "C4", "=C5+C6", ["工作表「收支」第 4 行", "C 列", "财政拨款收入", "公式"]),
        ("问题整改", "E4", "明年五月", ["工作表「问题整改」第 4 行", "E 列", "整改完成时限", "日期"]),
        ("问题整改", "E4", "2025-02-30", ["工作表「问题整改」第 4 行", "E 列", "日期"]),
        ("项目", "D5", -1, ["工作表「项目」第 5 行", "D 列", "实际支出", "不能为负数"]),
        ("绩效目标与指标", "F4", "产量", ["工作表「绩效目标与指标」第 4 行", "F 列", "指标类别", "产出"]),
        ("基本信息", "C5", "二〇二四", ["工作表「基本信息」第 5 行", "C 列", "评价年度", "整数"]),
        # schema-level errors (pydantic) are placed on their cell too
        ("自评得分", "C4", 31, ["工作表「自评得分」第 4 行", "C 列", "自评得分", "超过分值"]),
        ("项目", "B4", None, ["工作表「项目」第 4 行", "B 列", "项目名称", "缺少必填字段"]),
        ("基本信息", "C4", "湘潭 民政", ["工作表「基本信息」第 4 行", "C 列", "部门代码", "格式不符"]),
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


def test_error_is_a_data_error_with_structured_location(exported: Path) -> None:
    _edit(exported, "收支", "C5", "完成")
    with pytest.raises(DataError) as info:
        read_workbook(exported)
    error = info.value
    assert Path(error.file) == exported
    assert error.record == "工作表「收支」第 5 行"
    assert error.field == "C 列"
    assert error.label == "年初预算拨款"


def test_several_bad_cells_are_all_listed(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    wb["收支"]["C5"] = "完成"
    wb["项目"]["C6"] = "七百"
    wb.save(exported)
    with pytest.raises(DataError) as info:
        read_workbook(exported)
    assert "另有 1 处错误" in info.value.message
    assert "工作表「项目」第 6 行 C 列" in info.value.message


def test_missing_sheet_is_reported(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    del wb["三公经费"]
    wb.save(exported)
    with pytest.raises(DataError, match="缺少工作表「三公经费」"):
        read_workbook(exported)


def test_not_an_xlsx_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "x.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert main(["import-excel", str(fake), "--data-dir", str(tmp_path)]) == 2
    assert "无法读取 Excel 工作簿" in capsys.readouterr().err


# --------------------------------------------------------------------------- overwrite


def test_import_refuses_to_overwrite_different_data_unless_forced(exported: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    target = data_dir / "2024" / "xiangtan-minzheng.yaml"
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0
    before = target.read_text(encoding="utf-8")

    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 0  # identical: no rewrite
    assert "数据未变化" in capsys.readouterr().out

    _edit(exported, "收支", "C5", 2400)
    assert main(["import-excel", str(exported), "--data-dir", str(data_dir)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == before

    assert main(["import-excel", str(exported), "--data-dir", str(data_dir), "--force"]) == 0
    assert load_department(target).income.initial_budget == Decimal("2400")


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
    assert template.sheetnames == ["说明", "基本信息", "职能", "收支", "三公经费", "绩效目标与指标", "项目", "问题整改", "自评得分"]
    assert list(DATA_SHEETS) == template.sheetnames[1:] and SHEET_HELP == "说明"

    def headers(name: str) -> list[Any]:
        return [c.value for c in template[name][3] if c.value is not None]

    assert headers("基本信息") == ["分类", "项目", "内容", "填写说明", "字段键（请勿修改）"]
    assert headers("收支")[2] == "内容"
    assert headers("职能") == ["单位基本职能（每行一条）"]
    assert headers("三公经费") == ["项目", "预算数（万元）", "实际支出（万元）", "上年实际支出（万元）", "字段键（请勿修改）"]
    assert headers("绩效目标与指标") == ["目标序号", "绩效目标", "完成情况标题", "完成情况", "指标名称", "指标类别",
                                  "目标值关系", "目标值", "实际完成值关系", "实际完成值", "计量单位"]
    assert headers("项目") == ["项目序号", "项目名称", "预算安排（万元）", "实际支出（万元）", "实际支出口径", "代管资金", "项目完成情况",
                             "产出名称", "产出关系", "产出数量", "产出计量单位", "产出金额（万元）"]
    assert headers("问题整改") == ["存在的问题", "原因分析", "整改措施", "整改责任人", "整改完成时限"]
    assert headers("自评得分") == ["评价指标", "分值", "自评得分", "得分说明"]

    money = template["收支"]
    labels = [money.cell(r, 2).value for r in range(4, money.max_row + 1)]
    assert "年初预算拨款（万元）" in labels and "自述预算调整率（%）" in labels and "市级福彩公益金项目资金（万元）" in labels
    assert money["C5"].value is None  # the template is empty
    instructions = "\n".join(str(c.value) for c in template["说明"]["A"] if c.value)
    assert "万元" in instructions and "import-excel" in instructions and "YYYY-MM-DD" in instructions


def test_template_has_data_validations(template: openpyxl.Workbook) -> None:
    goals = _validations(template["绩效目标与指标"])
    category = [v for v in goals if v[1] == '"产出,效果,满意度"']
    relation = [v for v in goals if v[1] == '"=,>=,<=,>,<,约,多,余"']
    assert category and category[0][0] == "list" and _covers(category[0][3], "F4") and _covers(category[0][3], "F150")
    assert relation and _covers(relation[0][3], "G4") and _covers(relation[0][3], "I4")

    projects = _validations(template["项目"])
    assert any(v[1] == '"=,>=,<=,>,<,约,多,余"' and _covers(v[3], "I10") for v in projects)
    assert any(v[0] == "decimal" and v[1] == "0" and _covers(v[3], "C4") and _covers(v[3], "D4") for v in projects)

    basic = template["基本信息"]
    demo_row = find_row(basic, 5, "demo")
    assert any(v[1] == '"是,否"' and _covers(v[3], f"C{demo_row}") for v in _validations(basic))
    year_row = find_row(basic, 5, "year")
    assert any(v[0] == "whole" and v[1] == "2000" and v[2] == "2100" and _covers(v[3], f"C{year_row}")
               for v in _validations(basic))

    problems = _validations(template["问题整改"])
    assert any(v[0] == "date" and _covers(v[3], "E4") for v in problems)
    assert any(v[0] == "decimal" and _covers(v[3], "B5") for v in _validations(template["三公经费"]))


def test_empty_template_import_points_at_the_first_required_cell(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "模板.xlsx"
    assert main(["excel-template", "-o", str(out)]) == 0
    assert main(["import-excel", str(out), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "工作表「基本信息」第 4 行" in err and "C 列" in err and "部门代码" in err and "缺少必填字段" in err


# --------------------------------------------------------------------------- cell reading rule


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
