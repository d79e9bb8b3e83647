"""The form fields real reports showed we lacked (issue 21): staffing by kind, 离退休, 临时/外聘, 领导职数, vehicles,
cover and disclosure lines, stated counts beside lists, tables stated in 元 — in the data file, the workbook, the
chapter page, the unit's Word file, and the checks they allow.

The records are the figures of the digests in tests/fixtures/real-reports (13 怀化市民政局, 18 徐闻县地方公路局,
20 寻甸县人大常委会, 22 寻甸县委办, 28 舟曲县城关镇社区卫生服务中心), read by hand; every expected figure is
arithmetic on them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest

from perfeval.excel.reader import read_workbook
from perfeval.excel.writer import write_workbook
from perfeval.model import DepartmentYear, forms
from perfeval.model.files import dump_record, load_department, records_identical, write_record
from perfeval.pages import export_docx
from perfeval.pages import tables
from perfeval.review.checks import run_checks

from .chapter_outputs import chapter_notebook
from .conftest import ROOT
from .test_checks import by_rule, one

FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
#: A field path or check id: never in a message for readers.
PATH_OR_ID = re.compile(r"[a-z_]+\.[a-z_]+|[a-z_]+\[\d+\]")


def record(year: int = 2024, **data: Any) -> DepartmentYear:
    return DepartmentYear.model_validate({"code": "x", "year": year, "unit": {"name": "某单位"}, **data})


# 13: 核定行政编制26名，机关工勤编制1名、事业编制103名；实有干部职工120人，其中在职行政编23名，机关工勤编1名，在职事业编96人；
# 退休干部职工96人; 8 内设机构 and 6 直属单位 named.
HUAIHUA = {"staffing": {"approved_admin": 26, "approved_worker": 1, "approved_institution": 103, "actual": 120,
                        "actual_admin": 23, "actual_worker": 1, "actual_institution": 96, "retired": 96},
           "stated_counts": {"internal_units": 8, "sub_units": 6},
           "cover": {"document_number": "怀办〔2024〕35号", "publish_date": "2025-06-20"}}
HUAIHUA_UNIT = {"name": "怀化市民政局",
                "internal_units": ["办公室", "规划财务科", "社会组织管理科", "社会救助科", "区划地名和慈善事业促进科",
                                   "社会事务科", "老龄工作科", "养老服务和儿童福利科"],
                "sub_units": ["市民政事务中心", "市殡葬事务中心", "市救助站", "市社会福利院",
                              "市特困家庭大病医疗慈善救助服务中心", "市福利彩票发行中心"]}
# 20: 内设人大机构8个 (9 named); 核定编制38人，其中行政编制38人（含行政工勤编制7人）; 在职在编实有行政人员48人（含机关工勤
# 人员7人）; 离退休人员40人，其中退休40人，离休0人.
XUNDIAN = {"unit": {"name": "寻甸县人大常委会", "internal_units": [
               "监察和法制委员会", "财政经济委员会", "城乡建设环境保护委员会", "社会建设环境保护委员会",
               "社会建设与教育科学文化卫生委员会", "农业与农村委员会", "民族宗教华侨委员会", "人事代表工作委员会",
               "县人大办公室"]},
           "stated_counts": {"internal_units": 8},
           "staffing": {"approved": 38, "approved_admin": 38, "approved_worker": 7, "worker_within_admin": True,
                        "actual": 48, "actual_admin": 48, "actual_worker": 7, "retirees": 40, "retired": 40,
                        "retired_veteran": 0}}
# 22: 行政编制39名，事业编制5名; 职数 主任1 副主任4 督查员3 科室领导职数9; 车辆编制6辆, 实有车辆6辆; 在职实有32人; 离退休16.
XIANWEIBAN = {"staffing": {"approved_admin": 39, "approved_institution": 5, "actual": 32, "retirees": 16,
                           "retired": 16, "retired_veteran": 0, "as_of": "2023-12-31",
                           "posts": [{"name": "主任", "count": 1}, {"name": "副主任", "count": 4},
                                     {"name": "督查员", "count": 3}, {"name": "科室领导职数", "count": 9}]},
              "vehicles": {"approved": 6, "actual": 6}}
# 18: 评价年度 2024; 评价单位（公章）徐闻县地方公路局; 填报日期 2025年10月29日; 文号 徐财绩[2025]5号; 截至2023年12月31日
# 核定编制在职人员36人，实有在职34人，退休64人，临时工人37人.
XUWEN = {"unit": {"name": "徐闻县地方公路局"},
         "cover": {"evaluated_unit": "徐闻县地方公路局", "fill_date": "2025年10月29日", "document_number": "徐财绩[2025]5号"},
         "staffing": {"approved": 36, "actual": 34, "retired": 64, "temporary": 37, "as_of": "2023-12-31"}}


# --- data file and workbook -------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [{**HUAIHUA, "unit": HUAIHUA_UNIT}, XUNDIAN, {**XIANWEIBAN, "year": 2023}, XUWEN,
                                  {"source_units": {"income": "元", "projects": "元"},
                                   "income": {"total": {"actual": "768.833013"}}}])
def test_new_fields_round_trip_through_yaml_and_excel(data: dict[str, Any], tmp_path: Path) -> None:
    data = dict(data)
    rec = record(year=data.pop("year", 2024), **data)
    path = tmp_path / "data" / str(rec.year) / "x.yaml"
    write_record(rec, path)
    assert records_identical(load_department(path), rec)
    back = read_workbook(write_workbook(rec, tmp_path / "x.xlsx"))
    assert records_identical(back, rec)


def test_what_is_not_stated_stays_absent() -> None:
    rec = record(staffing={"actual": 34})
    s = rec.staffing
    assert s is not None and (s.approved_worker, s.retirees, s.retired, s.temporary, s.hired, s.as_of) == (None,) * 6
    assert s.posts == [] and s.worker_within_admin is False and rec.vehicles is None and rec.stated_counts is None
    text = dump_record(rec)
    assert "worker" not in text and "retire" not in text and "vehicles" not in text and "source_units" not in text
    with pytest.raises(ValueError):
        record(source_units={"income": "美元"})


def test_a_table_in_yuan_is_converted_exactly_and_keeps_its_unit() -> None:
    # 28: 全年预算数为768.833013万元 = 7,688,330.13元; a 附件 in 元 is kept in 万元 with the unit as written.
    amount = forms.to_wan(Decimal("7688330.13"), "元")
    rec = record(source_units={"income": "元"}, income={"total": {"adjusted": amount}})
    assert rec.income is not None and rec.income.total is not None
    assert format(rec.income.total.adjusted, "f") == "768.833013"
    note = tables.source_unit_note(rec, "收入情况")
    assert note == ("原表单位", "元；本表金额已按1万元＝10000元换算为万元，未经舍入")
    assert tables.source_unit_note(rec, "支出情况") is None
    assert tables.source_unit_note(record(source_units={"income": "万元"}), "收入情况") is None
    mixed = record(source_units={"procurement": "元", "basic_budget_adjustment": "千元"})
    assert tables.source_unit_note(mixed, "政府采购") == (
        "原表单位", "政府采购金额为元，部门基本支出预算调整为千元；本表金额已按1万元＝10000元、1万元＝10千元换算为万元，未经舍入")


# --- the chapter page and the unit's Word file ----------------------------------------------------------

def _rows(rec: DepartmentYear) -> dict[str, str]:
    df = tables.unit_table(rec)
    return dict(zip(df["项目"], df["内容"]))


def test_staffing_by_kind_is_shown_as_stated_with_no_total_we_add() -> None:
    rows = _rows(record(**{**HUAIHUA, "unit": HUAIHUA_UNIT}))
    assert rows["编制数"] == "行政26人、事业103人、工勤1人"          # no 130: the report states no total
    assert rows["实有人数"] == "120人（其中行政23人、事业96人、工勤1人）"
    assert rows["退休人员"] == "96人"
    assert rows["内设机构（8个）"].startswith("办公室、规划财务科") and "下属单位（6个）" in rows
    assert rows["文号"] == "怀办〔2024〕35号" and rows["发布日期"] == "2025年6月20日"
    rows = _rows(record(**XUNDIAN))
    assert rows["编制数"] == "38人，其中行政38人（含工勤7人）"
    assert rows["离退休人员"] == "40人（其中退休40人、离休0人）"
    assert rows["内设机构（原报告称8个，列出9个）"].endswith("县人大办公室")


def test_posts_vehicles_cover_and_counts_rows() -> None:
    rows = _rows(record(year=2023, **XIANWEIBAN))
    assert rows["领导职数"] == "主任1名、副主任4名、督查员3名、科室领导职数9名"
    assert rows["公务用车"] == "车辆编制6辆，实有车辆6辆"
    assert rows["人员统计截止日期"] == "2023年12月31日"
    rows = _rows(record(**XUWEN))
    assert [rows[k] for k in ("填报日期", "临时人员", "退休人员")] == ["2025年10月29日", "37人", "64人"]
    assert "评价单位" not in rows           # the same name as 单位名称: not shown twice
    rows = _rows(record(**{**XUWEN, "cover": {"evaluated_unit": "徐闻县地方公路局（公章）"}}))
    assert rows["评价单位"] == "徐闻县地方公路局（公章）"
    rows = _rows(record(stated_counts={"projects": 16, "goals": 5}, projects=[{"name": f"项目{i}"} for i in range(13)]))
    assert rows["项目个数（原报告所述）"] == "16个（列出13个）" and rows["绩效目标个数（原报告所述）"] == "5个"
    rows = _rows(record(stated_counts={"internal_units": 8}))
    assert rows["内设机构"] == "8个（原报告未列出名称）"


def _page_html(rec: DepartmentYear) -> str:
    nb = chapter_notebook(rec, FRAMEWORK, ROOT / "data")
    return "\n".join(o.data.get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_the_page_shows_the_new_fields_and_the_source_unit(tmp_path: Path) -> None:
    rec = record(**{**XUNDIAN, "cover": XUWEN["cover"], "vehicles": {"approved": 6, "actual": 6},
                    "source_units": {"income": "元"}, "income": {"total": {"actual": forms.to_wan(Decimal("7922200"), "元")},
                                                                 "appropriation": {"actual": "792.22"}}})
    html = _page_html(rec)
    for text in ("含工勤7人", "离退休人员", "评价单位", "徐财绩[2025]5号", "车辆编制6辆",
                 "原报告称8个，列出9个", "原表单位：元；本表金额已按1万元＝10000元换算为万元"):
        assert text in html, text
    assert html.index("原表单位") > html.index("收入情况（万元）")     # under the income table
    # the unit's Word file: the cover lines and the same table
    path = export_docx(rec, tmp_path / "unit.docx", FRAMEWORK, ROOT / "data")
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert "评价单位：徐闻县地方公路局" in paragraphs and "填报日期：2025年10月29日" in paragraphs
    assert "文号：徐财绩[2025]5号" in paragraphs
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "38人，其中行政38人（含工勤7人）" in cells and any("原表单位" in p for p in paragraphs)


# --- the checks the new fields allow --------------------------------------------------------------------

def test_the_kinds_add_up_to_their_stated_totals() -> None:
    # 13: 23 + 1 + 96 = 120 ✓; the establishment has no stated total: nothing to compare
    assert by_rule(run_checks(record(**HUAIHUA)), "sum.staffing") == []
    wrong = one(run_checks(record(staffing={**HUAIHUA["staffing"], "actual": 121})), "sum.staffing")
    assert wrong.severity == "error" and wrong.path == "staffing.actual"
    assert wrong.numbers == {"admin": "23", "institution": "96", "worker": "1", "computed": "120", "stated": "121",
                             "difference": "1"}
    assert "行政实有人数23人" in wrong.message and "工勤实有人数1人" in wrong.message
    # 20: 工勤 inside 行政 (38 含 7): 38 = 38; counting 工勤 again would be 45
    assert by_rule(run_checks(record(**XUNDIAN)), "sum.staffing") == []
    again = {**XUNDIAN["staffing"], "worker_within_admin": False}
    counted = {f.path: f.numbers["computed"] for f in by_rule(run_checks(record(staffing=again)), "sum.staffing")}
    assert counted == {"staffing.approved": "45", "staffing.actual": "55"}          # 38 + 7, 48 + 7
    inside = {**XUNDIAN["staffing"], "approved_worker": 39}           # 工勤 39 inside 行政 38: impossible
    above = one(run_checks(record(staffing=inside)), "item.above_total")
    assert above.path == "staffing.approved_admin" and above.numbers == {"worker": "39", "total": "38"}
    # 离退休 40 = 退休 40 + 离休 0; 41 is not
    assert one(run_checks(record(staffing={**XUNDIAN["staffing"], "retirees": 41})),
               "sum.staffing").numbers["difference"] == "1"


def test_staff_and_vehicles_above_their_establishment_need_checking() -> None:
    f = one(run_checks(record(staffing={"approved_admin": 26, "actual_admin": 30})), "staffing.over_kind")
    assert f.severity == "verify" and f.path == "staffing.actual_admin"
    assert f.numbers == {"approved": "26", "actual": "30", "over": "4"} and "行政实有人数30人超过行政编制数26人" in f.message
    assert by_rule(run_checks(record(**HUAIHUA)), "staffing.over_kind") == []       # 23 ≤ 26, 96 ≤ 103, 1 ≤ 1
    assert by_rule(run_checks(record(year=2023, **XIANWEIBAN)), "vehicles.over") == []    # 6 of 6
    v = one(run_checks(record(vehicles={"approved": 6, "actual": 8})), "vehicles.over")
    assert v.severity == "verify" and v.numbers["over"] == "2" and "实有车辆数8辆" in v.message


def test_staff_counted_before_the_year() -> None:
    # 18: 截至2023年12月31日 in the report on 2024
    f = one(run_checks(record(**XUWEN)), "staffing.as_of")
    assert f.severity == "verify" and "2023年12月31日" in f.message and "2024年" in f.message
    assert by_rule(run_checks(record(year=2023, **XIANWEIBAN)), "staffing.as_of") == []     # 22: the year's end


def test_a_stated_count_against_the_items_listed() -> None:
    # 28: "等，共计16个项目" with 13 named: a list may be cut → 提示
    cut = one(run_checks(record(stated_counts={"projects": 16}, projects=[{"name": f"p{i}"} for i in range(13)])),
              "counts.stated")
    assert cut.severity == "note" and cut.numbers == {"stated": "16", "listed": "13", "difference": "3"}
    # 20: 内设人大机构8个 with 9 named → 需核实 (never 错误)
    more = one(run_checks(record(**XUNDIAN)), "counts.stated")
    assert more.severity == "verify" and more.numbers["listed"] == "9" and "内设机构共8个" in more.message
    # 13: 8 and 6, as listed; nothing listed: nothing to compare
    assert by_rule(run_checks(record(**{**HUAIHUA, "unit": HUAIHUA_UNIT})), "counts.stated") == []
    assert by_rule(run_checks(record(stated_counts={"goals": 8})), "counts.stated") == []


def test_messages_name_items_as_the_page_does() -> None:
    recs = [record(**XUNDIAN), record(**XUWEN), record(staffing={**HUAIHUA["staffing"], "actual": 121}),
            record(vehicles={"approved": 1, "actual": 2}, stated_counts={"goals": 1}, goals=[{"text": "a"}, {"text": "b"}])]
    ids = {"sum.staffing", "staffing.over_kind", "vehicles.over", "staffing.as_of", "counts.stated"}
    found = [f for rec in recs for f in run_checks(rec) if f.id in ids]
    assert {f.id for f in found} == ids
    assert all(not PATH_OR_ID.search(f.message) for f in found), [f.message for f in found]


def test_the_new_text_fields_are_shown_literally() -> None:
    script = "<script>window.__pwned=1</script>"
    rec = record(cover={"document_number": script, "evaluated_unit": "<b>局</b>"},
                 staffing={"posts": [{"name": "<img src=x onerror=alert(1)>", "count": 1}]})
    html = _page_html(rec)
    assert script not in html and "<img src=x" not in html and "<b>局</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;1名" in html


def test_a_scoring_rule_is_a_column_of_the_self_assessment_table() -> None:
    # 12: 在职人员控制率 分值8 | 标准: ≤100%计8分，每超1个百分点扣0.5分 | 得分 8
    rule = "≤100%计8分，每超1个百分点扣0.5分"
    rec = record(self_scores=[{"part": "在职人员控制率", "weight": 8, "criteria": rule, "score": 8}])
    df = tables.self_score_table(rec)
    assert list(df.columns) == ["评价指标", "分值", "评分标准", "自评得分"] and df.iloc[0]["评分标准"] == rule
    assert "评分标准" not in tables.self_score_table(record(self_scores=[{"part": "预算执行", "weight": 30}])).columns
