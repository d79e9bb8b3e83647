"""The finance bureau's loop (issue 22) on the seed: rulings (口径认定) and what they recompute, the unit's
replies (反馈函, 回复表, import-reply), rectification across years, the 测算意见 a director signs, the risk list.

Expected figures are the seed's, derived by hand in tests/test_scoring.py: 88.83 (良) as the data stand —
83.50 of the 94 applicable points; with the unit's explanation of its mid-year adjustment accepted, 预算调整率 is
taken as the declared 0 and A21 scores 8 of 8: (83.5 + 8) × 100 ÷ 94 = 97.34 (优).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from bs4 import BeautifulSoup

from perfeval.cli import main
from perfeval.excel.reply_form import Question, build_reply_form
from perfeval.model import department_path, load_department, write_record
from perfeval.model.schema import DepartmentYear
from perfeval.pages.docx import document_bytes
from perfeval.pages.opinion import Signature
from perfeval.pages.risk import risk_ranking, risk_table, write_risk_csv
from perfeval.review import assess_file, load_framework

from .chapter_outputs import chapter_notebook
from .conftest import ROOT, copy_seed

SEED = ROOT / "data" / "2024" / "xiangtan-minzheng.yaml"
FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
ADJUSTMENT = "adjustment.declared_zero:adjustment.declared_rate"
PROJECT1 = "execution.project_below_90:projects[0]"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A data folder with the frameworks and the seed (with the report it names)."""
    shutil.copytree(ROOT / "data" / "frameworks", tmp_path / "data" / "frameworks")
    copy_seed(tmp_path / "data" / "2024")
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def score_json(capsys: pytest.CaptureFixture[str], data: Path) -> dict:  # type: ignore[type-arg]
    code, out, _ = run(capsys, "score", "xiangtan-minzheng", "2024", "--data-dir", str(data), "--format", "json")
    assert code == 0
    return json.loads(out)


def page_text(data: Path, tmp: Path) -> str:
    rec = load_department(data / "2024" / SEED.name)
    nb = chapter_notebook(rec, FRAMEWORK, data)
    html = "".join(o.data.get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return BeautifulSoup(html, "html.parser").get_text()


# --- rulings ---------------------------------------------------------------------------------------

def test_accepted_ruling_recomputes_score_page_and_sensitivity(data: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = score_json(capsys, data)
    assert (before["total"], before["grade"]) == ("88.83", "良") and before["rulings"] == []
    code, out, _ = run(capsys, "rule", "xiangtan-minzheng", "2024", ADJUSTMENT, "--decision", "采纳",
                       "--basis", "湘财绩〔2025〕3号", "--by", "预算绩效管理科", "--date", "2025-06-30",
                       "--data-dir", str(data))
    assert code == 0 and "认定后测算得分 97.34 分，等级 优" in out
    side = data / "2024" / "xiangtan-minzheng.rulings.yaml"
    assert "finding: adjustment.declared_zero:adjustment.declared_rate" in side.read_text(encoding="utf-8")
    assert SEED.read_bytes() == (data / "2024" / SEED.name).read_bytes()     # the unit's data untouched
    after = score_json(capsys, data)
    assert (after["total"], after["grade"]) == ("97.34", "优")
    assert after["sensitivity"] == []          # the only finding that moved the score is ruled on
    assert after["rulings"] == [{"id": ADJUSTMENT, "finding": "adjustment.declared_zero", "decision": "采纳",
                                 "basis": "湘财绩〔2025〕3号", "by": "预算绩效管理科", "date": "2025-06-30",
                                 "overrides": ["adjustment_rate", "adjustment_reporting"]}]
    a21 = next(i for i in after["indicators"] if i["code"] == "A21")
    assert a21["score"] == "8.00" and "经认定（依据：湘财绩〔2025〕3号）" in a21["explanation"]
    code, out, _ = run(capsys, "check", "xiangtan-minzheng", "--data-dir", str(data), "--format", "json")
    found = {f["id"]: f for f in json.loads(out)["results"][0]["findings"]}
    assert found[ADJUSTMENT]["severity"] == "note" and found[ADJUSTMENT]["ruling"]["decision"] == "采纳"
    text = page_text(data, tmp_path)
    assert "测算得分97.34分，等级“优”" in text
    assert ("年中预算调整：经认定（依据：湘财绩〔2025〕3号；预算绩效管理科，2025年6月30日），单位的说明予以采纳，"
            "本项不作为问题") in text
    # The finding's id is on the page, in the folded list of ids (what the bureau and the unit refer to).
    assert "年中预算调整（提示）：adjustment.declared_zero:adjustment.declared_rate" in text
    assert "若单位关于" not in text


def test_rejected_ruling_keeps_the_score_and_makes_the_finding_an_error(data: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "rule", "xiangtan-minzheng", "2024", ADJUSTMENT, "--decision", "不采纳", "--basis", "湘财绩〔2025〕4号",
               "--data-dir", str(data))[0] == 0
    after = score_json(capsys, data)
    assert (after["total"], after["grade"]) == ("88.83", "良") and after["sensitivity"] == []
    code, out, _ = run(capsys, "check", "xiangtan-minzheng", "--data-dir", str(data))
    assert code == 1 and f"[错误] {ADJUSTMENT}：" in out and "单位的说明不予采纳，本项作为错误" in out
    text = page_text(data, tmp_path)
    assert "测算得分88.83分，等级“良”" in text and "若单位关于" not in text


def test_rule_refuses_what_it_should(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["rule", "xiangtan-minzheng", "2024"]
    code, _, err = run(capsys, *base, "no.such:finding", "--decision", "采纳", "--basis", "x", "--data-dir", str(data))
    assert code == 2 and "没有编号为 no.such:finding 的核查事项" in err
    code, _, err = run(capsys, *base, "rate.summary", "--decision", "采纳", "--basis", "x", "--data-dir", str(data))
    assert code == 2 and "提示，不需要认定" in err
    code, _, err = run(capsys, *base, ADJUSTMENT, "--decision", "采纳", "--basis", " ", "--data-dir", str(data))
    assert code == 2 and "--basis" in err
    assert run(capsys, *base, ADJUSTMENT, "--decision", "采纳", "--basis", "甲", "--data-dir", str(data))[0] == 0
    code, _, err = run(capsys, *base, ADJUSTMENT, "--decision", "不采纳", "--basis", "乙", "--data-dir", str(data))
    assert code == 2 and "已有认定" in err and "--force" in err
    assert run(capsys, *base, ADJUSTMENT, "--decision", "不采纳", "--basis", "乙", "--force",
               "--data-dir", str(data))[0] == 0
    side = (data / "2024" / "xiangtan-minzheng.rulings.yaml").read_text(encoding="utf-8")
    assert "basis: 乙" in side and "basis: 甲" not in side
    with pytest.raises(SystemExit):
        main([*base, ADJUSTMENT, "--decision", "同意", "--basis", "x", "--data-dir", str(data)])


def test_validate_reports_a_ruling_whose_finding_is_gone(data: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "rule", "xiangtan-minzheng", "2024", PROJECT1, "--decision", "采纳", "--basis", "复函",
               "--data-dir", str(data))[0] == 0
    # The unit's data is corrected: project 1's actual is now its whole budget; the finding is gone.
    path = data / "2024" / SEED.name
    text = path.read_text(encoding="utf-8")
    assert "actual: 1190.27" in text
    path.write_text(text.replace("actual: 1190.27", "actual: 1700"), encoding="utf-8")
    monkeypatch.chdir(data.parent)
    code, out, err = run(capsys, "validate", "--data-dir", str(data))
    assert code == 2 and PROJECT1 in err and "已不存在" in err and "rulings.yaml" in err
    assert PROJECT1 in (data / "2024" / "xiangtan-minzheng.rulings.yaml").read_text(encoding="utf-8")   # kept


@pytest.mark.parametrize("text,where", [
    ("code: xiangtan-minzheng\nyear: 2024\nrulings:\n  - finding: x\n    decision: 同意\n    basis: y\n",
     ["记录 rulings[0]", "decision"]),
    ("code: xiangtan-minzheng\nyear: 2024\nrulings:\n  - finding: x\n    decision: 采纳\n", ["basis"]),
    ("code: other\nyear: 2024\nrulings: []\n", ["other 2024", "部门代码"]),
    ("code: xiangtan-minzheng\nyear: 2024\nrulings:\n  - finding: x\n    decision: 采纳\n    basis: \"\\e[31m\"\n",
     ["basis"]),
])
def test_a_bad_rulings_file_is_named(data: Path, capsys: pytest.CaptureFixture[str], text: str,
                                     where: list[str]) -> None:
    (data / "2024" / "xiangtan-minzheng.rulings.yaml").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "score", "xiangtan-minzheng", "2024", "--data-dir", str(data))
    assert code == 2 and "xiangtan-minzheng.rulings.yaml" in err and "\x1b" not in err
    assert all(w in err for w in where), err


# --- the unit's replies ----------------------------------------------------------------------------

def test_feedback_and_import_reply(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "letters"
    code, printed, _ = run(capsys, "feedback", "xiangtan-minzheng", "2024", "-o", str(out), "--date", "2025-07-01",
                           "--issuer", "湘潭市财政局", "--data-dir", str(data))
    assert code == 0 and "8 项需核实事项" in printed
    letter = docx.Document(str(out / "xiangtan-minzheng-2024-反馈函.docx"))
    text = "\n".join(p.text for p in letter.paragraphs)
    # Deadline: 15 days after the letter's date.
    assert "请于2025年7月16日前" in text and text.count("（") >= 8 and "湘潭市财政局" in text and "2025年7月1日" in text
    assert "（三）项目1「困难群众生活救助」拨付率70.02%" in text
    assert run(capsys, "feedback", "xiangtan-minzheng", "2024", "-o", str(out), "--data-dir", str(data))[0] == 2
    form_path = out / "xiangtan-minzheng-2024-回复表.xlsx"
    wb = openpyxl.load_workbook(form_path)
    ws = wb["回复表"]
    assert [c.value for c in ws[5]] == ["序号", "编号", "涉及事项", "问题", "单位说明", "佐证材料", "是否认可"]
    rows = {ws.cell(r, 2).value: r for r in range(6, 14)}
    assert set(rows) >= {ADJUSTMENT, PROJECT1} and len(rows) == 8
    # Bad answers: a formula, a choice not offered, an id changed by hand — all listed at once.
    ws.cell(rows[ADJUSTMENT], 5).value = "=1+1"
    ws.cell(rows[PROJECT1], 7).value = "也许"
    ws.cell(rows[PROJECT1] + 1, 2).value = "no.such:thing"
    ws.cell(rows[PROJECT1] + 1, 5).value = "说明"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    code, _, err = run(capsys, "import-reply", str(bad), "--data-dir", str(data))
    assert code == 2 and "另有 2 处错误" in err
    for place in (f"第 {rows[ADJUSTMENT]} 行", "E 列", "单位说明", "公式", f"第 {rows[PROJECT1]} 行 G 列（是否认可）",
                  "no.such:thing"):
        assert place in err, place
    assert not (data / "2024" / "xiangtan-minzheng.replies.yaml").exists()
    wb = openpyxl.load_workbook(form_path)
    ws = wb["回复表"]
    ws["B3"] = "2025-07-10"
    ws.cell(rows[ADJUSTMENT], 5).value = "年中追加资金系落实国家政策，按文件不计入调整。"
    ws.cell(rows[ADJUSTMENT], 6).value = "=HYPERLINK(\"x\")"      # text the unit wrote starting with "="? kept as text
    ws.cell(rows[ADJUSTMENT], 6).data_type = "s"
    ws.cell(rows[ADJUSTMENT], 7).value = "不认可"
    good = tmp_path / "good.xlsx"
    wb.save(good)
    before = score_json(capsys, data)
    code, printed, err = run(capsys, "import-reply", str(good), "--data-dir", str(data))
    assert code == 0, err
    assert "已导入 1 条单位回复" in printed
    stored = (data / "2024" / "xiangtan-minzheng.replies.yaml").read_text(encoding="utf-8")
    assert "agrees: 不认可" in stored and "date: 2025-07-10" in stored
    # A reply alone changes no score.
    assert score_json(capsys, data)["total"] == before["total"] == "88.83"
    # It is shown beside its finding.
    assert "单位回复（2025年7月10日，不认可）：年中追加资金系落实国家政策，按文件不计入调整" in page_text(data, tmp_path)
    # A different reply to the same finding needs --force.
    ws.cell(rows[ADJUSTMENT], 7).value = "认可"
    wb.save(good)
    assert run(capsys, "import-reply", str(good), "--data-dir", str(data))[0] == 2
    assert run(capsys, "import-reply", str(good), "--data-dir", str(data), "--force")[0] == 0


def test_reply_form_neutralises_formulas() -> None:
    wb = build_reply_form("x", 2024, "某局", [Question("a.b:c", "=SUM(A1)", "@cmd|' /C calc'!A0")],
                          dt.date(2025, 1, 1))
    ws = wb["回复表"]
    assert ws["C6"].value == "'=SUM(A1)" and ws["D6"].value == "'@cmd|' /C calc'!A0"
    assert ws["C6"].data_type == "s" and ws.protection.sheet


# --- rectification across years --------------------------------------------------------------------

def _next_year(data: Path, **changes: object) -> DepartmentYear:
    """A 2025 record of the same department (the seed's identity, a report date) with ``changes``."""
    seed = load_department(data / "2024" / SEED.name)
    rec = DepartmentYear.model_validate({"code": seed.code, "year": 2025, "unit": {"name": seed.unit.name},
                                         "cover": {"report_date": "2026-04-30"}, **changes})
    write_record(rec, department_path(data, rec.code, 2025), force=True)
    return rec


def test_rectification_table_check_and_counts(data: Path, tmp_path: Path) -> None:
    # The seed's one problem (部分项目存在资金结余的情况) has its deadline 2025-05-30, before the 2025 report's
    # date 2026-04-30: unstated, it is flagged.
    rec = _next_year(data)
    a = assess_file(rec, load_framework(FRAMEWORK), department_path(data, rec.code, 2025))
    [row] = a.rectification
    assert row.status == "未说明" and row.problem.deadline.isoformat() == "2025-05-30"
    overdue = [f for f in a.findings if f.id == "rectification.overdue"]
    assert len(overdue) == 1 and overdue[0].severity == "verify" and "2025年5月30日" in overdue[0].message
    # Stated as done (matched by its words, punctuation aside): no finding, status 已整改.
    rec = _next_year(data, rectification=[{"problem": "部分项目存在资金结余的情况", "status": "已整改",
                                           "description": "已收回结余资金"}])
    a = assess_file(rec, load_framework(FRAMEWORK), department_path(data, rec.code, 2025))
    assert [r.status for r in a.rectification] == ["已整改"]
    assert not [f for f in a.findings if f.id.startswith("rectification.")]
    # Still under way after the deadline: 需核实; an entry that matches nothing: a note.
    rec = _next_year(data, rectification=[{"number": 1, "problem": "资金结余", "status": "整改中"},
                                          {"problem": "另一个问题", "status": "已整改"}])
    a = assess_file(rec, load_framework(FRAMEWORK), department_path(data, rec.code, 2025))
    assert {f.id: f.severity for f in a.findings if f.id.startswith("rectification.")} == {
        "rectification.late": "verify", "rectification.unmatched": "note"}
    nb = chapter_notebook(rec, FRAMEWORK, data)
    html = "".join(o.data.get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "上年问题整改情况（本书整理）" in html and "2024年报告列出问题1项。按本年报告所述，整改中1项。" in html
    # The year overview counts them.
    from perfeval.pages import Overview
    ov = Overview.load(2025, [str(data)], False, FRAMEWORK)
    assert ov.rows[0].rectification == {"已整改": 0, "整改中": 1, "未整改": 0, "未说明": 0}


# --- the 测算意见 -----------------------------------------------------------------------------------

def _opinion(data: Path, signature: Signature | None = None) -> docx.document.Document:
    rec = load_department(data / "2024" / SEED.name)
    return docx.Document(io.BytesIO(document_bytes(rec, FRAMEWORK, data, part="review", signature=signature)))


def test_opinion_a_director_can_sign(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "rule", "xiangtan-minzheng", "2024", PROJECT1, "--decision", "不采纳", "--basis", "复核意见",
               "--date", "2025-06-30", "--data-dir", str(data))[0] == 0
    doc = _opinion(data, Signature("湘潭市财政局", dt.date(2025, 7, 20)))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = [t for s, t in paragraphs if s == "Heading 1"]
    assert headings == ["一、评价结论", "二、发现的问题", "三、意见建议", "四、测算得分明细"]
    text = "\n".join(t for _, t in paragraphs)
    assert "测算得分88.83分，等级为良（适用指标覆盖率94.00%）" in text
    assert "财政部门对1项核查事项作出了口径认定" in text and "单位的说明不予采纳，本项作为错误" in text
    assert "若单位关于年中追加资金不计入预算调整数的说明经核实成立，测算得分为97.34分，等级为优" in text
    assert [t for s, t in paragraphs if s == "Heading 2"] == ["（一）错误（1项）", "（二）需核实（7项）"]
    # 意见建议 derived from the findings, naming the items.
    assert "加快预算执行" in text and "（涉及：项目1、项目3、项目5、项目8）" in text
    assert paragraphs[-2:] == [("落款", "湘潭市财政局"), ("落款", "2025年7月20日")]
    # Nothing refers to a page, part or table the file does not hold; no ids or field paths.
    for word in ("本书", "本部分", "评价方法", "见表", "单位自评报告的", "projects[", "adjustment."):
        assert word not in text, word
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "分值", "测算得分", "说明"]
    assert [c.text for c in table.rows[-2].cells][:3] == ["适用指标合计", "94", "83.50"]
    assert [c.text for c in table.rows[-1].cells][:3] == ["按100分折算", "100", "88.83"]
    style = table.rows[1].cells[0].paragraphs[0].style
    assert style.name == "正文表格文字" and style.font.size.pt == 12
    assert style.element.rPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts").get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"


def test_opinion_signature_from_config_and_cli(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_config.yml").write_text("publisher: 某市财政局\nopinion:\n  date: 2025-08-01\n", encoding="utf-8")
    doc = _opinion(data)    # the book's _config.yml above the data folder
    assert [p.text for p in doc.paragraphs[-2:]] == ["某市财政局", "2025年8月1日"]
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.docx"
    assert run(capsys, "export-docx", "xiangtan-minzheng", "2024", "-o", str(out), "--part", "review",
               "--issuer", "另一单位", "--data-dir", str(data), "--frameworks-dir", str(data / "frameworks"))[0] == 0
    assert [p.text for p in docx.Document(str(out)).paragraphs[-2:]] == ["另一单位", "2025年8月1日"]
    (tmp_path / "_config.yml").write_text("publisher: 某市财政局\n", encoding="utf-8")
    assert [p.text for p in _opinion(data).paragraphs[-2:]] == ["某市财政局", "年　月　日"]   # dated by hand


# --- the risk list ---------------------------------------------------------------------------------

def test_risk_list_of_the_seed(data: Path, tmp_path: Path) -> None:
    rec = load_department(data / "2024" / SEED.name)
    a = assess_file(rec, load_framework(FRAMEWORK), data / "2024" / SEED.name)
    [row] = risk_ranking([a])
    # 预算调整率 36.04% (> 30%): 3; managed funds (projects 1, 2, 3, 5, 8 state both figures):
    # (1190.27 + 655.0411 + 53.91 + 45.07 + 100) ÷ (1700 + 700 + 90.91 + 65 + 130) = 2044.2911 ÷ 2685.91 = 76.11%: 2;
    # 三公 has no previous year: 0; 8 需核实 not ruled on: 8 → 13.
    assert row.points == 3 + 2 + 8 == 13
    assert row.reasons == ("预算调整率36.04%，超过30.00%", "代管资金执行率76.11%，低于90%", "需核实8项未经认定")
    path = write_risk_csv([row], tmp_path / "2024-风险排序.csv")
    text = path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("排名,部门,部门代码,风险分,主要理由,预算调整率（%）")
    assert "13" in text.splitlines()[1] and "76.11" in text.splitlines()[1]
    # Ruling the adjustment in the unit's favour takes it out of the reasons (the score's rate is then 0).
    from perfeval.review import Ruling, assess
    ruled = assess(rec, load_framework(FRAMEWORK),
                   rulings=[Ruling(finding=ADJUSTMENT, decision="采纳", basis="湘财绩〔2025〕3号")])
    assert risk_ranking([ruled])[0].points == 2 + 7
    assert list(risk_table([row]).columns)[:5] == ["排名", "部门", "部门代码", "风险分", "主要理由"]


def test_hostile_names_reach_no_output_as_code(data: Path, tmp_path: Path) -> None:
    rec = load_department(data / "2024" / SEED.name)
    evil = rec.model_copy(update={"unit": rec.unit.model_copy(update={"name": "=cmd|'/C calc'!A0<script>"})})
    a = assess_file(evil, load_framework(FRAMEWORK), data / "2024" / SEED.name)
    path = write_risk_csv(risk_ranking([a]), tmp_path / "r.csv")
    assert ",'=cmd|" in path.read_bytes().decode("utf-8-sig")


def test_rulings_and_replies_are_inputs_of_their_pages(tmp_path: Path) -> None:
    """A ruling or a reply changes the chapter, its year overview and 数据核查汇总: each lists the file as an input
    (so the build re-executes them), and the data folder does not take it for a department's data file."""
    from perfeval.book import BookLayout
    from perfeval.book.plan import plan_runs
    from perfeval.model import load_records

    from .conftest import small_project
    root = small_project(tmp_path / "book", ("qinghe-jiaoyu",))
    data = root / "data"
    for code in ("xiangtan-minzheng",):
        (data / "2024" / f"{code}.rulings.yaml").write_text(
            f"code: {code}\nyear: 2024\nrulings:\n  - finding: {ADJUSTMENT}\n    decision: 采纳\n    basis: 文号\n",
            encoding="utf-8")
    layout = BookLayout.at(root, [data])
    assert [r.code for r, _ in load_records([data])] == ["xiangtan-minzheng"]
    side = str(data / "2024" / "xiangtan-minzheng.rulings.yaml")
    runs = {r.page: r for r in plan_runs(layout, FRAMEWORK)}
    seed = str(data / "2024" / "xiangtan-minzheng.yaml")
    # The year pages read the department's summary, keyed by its chapter's inputs (book/summaries.py).
    assert side in runs["book/2024/xiangtan-minzheng"].inputs and seed in runs["book/findings"].departments
    # The summary the year pages show is the chapter's assessment: the ruling applied, and made again when the
    # rulings file changes (its key covers the chapter's inputs).
    from perfeval.book.cache import FileHashes
    from perfeval.book.summaries import SummaryStore

    store = SummaryStore(tmp_path / "summaries.json")
    chapter = runs["book/2024/xiangtan-minzheng"]
    store.update([chapter], FRAMEWORK, FileHashes(None), "env")
    ruled = {f.finding_id: f for f in store.entries[seed][1].findings}[ADJUSTMENT]
    assert "经认定（依据：文号）" in ruled.text and "不予采纳" not in ruled.text and ruled.severity != "error"
    store.computed.clear()
    store.update([chapter], FRAMEWORK, FileHashes(None), "env")
    assert store.computed == []
    Path(side).write_text(Path(side).read_text(encoding="utf-8").replace("采纳", "不采纳"), encoding="utf-8")
    store.update([chapter], FRAMEWORK, FileHashes(None), "env")
    assert store.computed == [seed]
    ruled = {f.finding_id: f for f in store.entries[seed][1].findings}[ADJUSTMENT]
    assert "不予采纳" in ruled.text and ruled.severity == "error"
