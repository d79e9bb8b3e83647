"""import-report: extraction from published report texts (seed, other layouts, .html, .docx) into schema-2 drafts.

Expected values below were read by hand from the report texts, not copied from the code's output.
Schema 2 keeps every money line as a row with columns (previous / budget / adjusted / actual): a
narrative 决算 figure is ``actual``, a 批复 / 年初预算 figure ``budget``.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfeval.importer import import_report, normalize, normalize_fragment, read_report, write_draft
from perfeval.importer.extract import split_numbered
from perfeval.importer.figures import convert
from perfeval.model.files import read_yaml
from perfeval.model.schema import DepartmentYear

ROOT = Path(__file__).resolve().parents[1]
from .conftest import SEED_TEXT  # noqa: E402 - the copy of the seed shipped with the tests
from .import_helpers import load_record, main  # noqa: E402
SEED_DATA = ROOT / "data" / "2024" / "xiangtan-minzheng.yaml"
REPORTS = Path(__file__).resolve().parent / "reports"

D = Decimal
load_department = load_record


def _key_num(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f")


def numeric_leaves(record: DepartmentYear) -> dict[str, Decimal]:
    """Numeric leaf fields of a record, keyed so that two records can be compared.

    Plain fields by path (rows by column); goals and projects by their number; self-scores by part;
    other list items (public_funds items, by-unit rows, stated changes) by their name; goal
    indicators and project outputs by (role, value, unit) inside their goal/project, since their
    names are free text. Annotations are not figures.
    """
    out: dict[str, Decimal] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, Decimal)):
            out[prefix] = Decimal(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                key = (v.get("name") or v.get("item") or v.get("subject") or str(i)) if isinstance(v, dict) else str(i)
                walk(f"{prefix}<{key}>", v)

    data = record.model_dump()
    goals, projects, scores = data.pop("goals"), data.pop("projects"), data.pop("self_scores")
    data.pop("problems")
    data.pop("annotations")
    walk("", data)
    for g in goals:
        base = f"goals[{g['number']}]"
        out[f"{base}.number"] = Decimal(g["number"])
        seen: Counter[str] = Counter()
        for ind in g["indicators"]:
            for role in ("target", "actual"):
                q = ind[role]
                if q is not None:
                    key = f"{base}.indicators<{role}:{_key_num(q['value'])}{q['unit']}>"
                    seen[key] += 1
                    out[f"{key}#{seen[key]}"] = q["value"]
    for p in projects:
        base = f"projects[{p['number']}]"
        out[f"{base}.number"] = Decimal(p["number"])
        for column in ("previous", "budget", "adjusted", "actual"):
            walk(f"{base}.{column}", p[column])
        for o in p["outputs"]:
            if o["value"] is not None:
                out[f"{base}.outputs<value:{_key_num(o['value'])}{o['unit']}>"] = o["value"]
            if o["amount"] is not None:
                out[f"{base}.outputs<amount:{_key_num(o['amount'])}>"] = o["amount"]
    for s in scores:
        for key in ("weight", "score"):
            if s[key] is not None:
                out[f"self_scores[{s['part']}].{key}"] = s[key]
    return out


# Hand-made fields that the text does not give as figures (read from the seed by hand).
SEED_UNMATCHED_REASONS = {
    "goals[1].indicators<actual:0起>#1": "目标1 文中只写“未发生重大舆情事件”，没有数字",
    "goals[4].indicators<target:0起>#1": "目标4 文中写“不发生一起重大信访冲突”，“一起”不是数字",
    "goals[4].indicators<actual:0起>#1": "目标4 文中写“未发生一起重大信访冲突”，“一起”不是数字",
}


@pytest.fixture(scope="module")
def seed_draft(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("imp") / "tmp" / "2024" / "xiangtan-minzheng.yaml"
    rc = main(["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "--year", "2024", "-o", str(out)])
    return out, rc, ""


def test_seed_draft_validates_and_loads(seed_draft: tuple[Path, int, str]) -> None:
    out, rc, _ = seed_draft
    assert rc == 0
    record = load_department(out)
    assert record.code == "xiangtan-minzheng" and record.year == 2024
    assert record.unit.name == "湘潭市民政局"
    assert len(record.duties) == 19
    assert [g.number for g in record.goals] == list(range(1, 9))
    assert [p.number for p in record.projects] == list(range(1, 9))
    sidecar = read_yaml(out.with_name("xiangtan-minzheng.sources.yml"))
    assert sidecar["valid"] is True and sidecar["dropped"] == []
    # The unit slip is recorded as 万元, and the sidecar says where it came from and why.
    assert "3229.37 元" in sidecar["sources"]["expenditure.total.actual"]
    assert "按万元记录" in sidecar["sources"]["expenditure.total.actual"]
    # ... and the record keeps the source's own spelling as an annotation.
    note = record.annotations["expenditure.total.actual"]
    assert "3229.37 元" in (note.as_written or "") and "万元" in note.note
    # Actual amounts the seed does not state are listed, not invented.
    assert {p for p in sidecar["missing"] if p.startswith("projects")} == {
        "projects[3].actual", "projects[5].actual", "projects[6].actual"}
    assert record.projects[3].actual is None
    # Not stated in the seed: no staffing figures, so none are written.
    assert record.staffing is None and "staffing.approved" in sidecar["missing"]
    # All eight projects are 社保民生资金 the bureau manages ("我局部门预算中无50万元以上项目性专项").
    assert all(p.managed_only for p in record.projects)
    assert record.management.no_large_projects is True


def test_seed_numeric_share(seed_draft: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = seed_draft
    expected = numeric_leaves(load_department(SEED_DATA))
    got = numeric_leaves(load_department(out))
    matched = [k for k, v in expected.items() if k in got and got[k] == v]
    unmatched = sorted(set(expected) - set(matched))
    share = len(matched) / len(expected)
    with capsys.disabled():
        print(f"\nseed numeric fields: {len(matched)}/{len(expected)} = {share:.1%} equal to the hand-made data")
        for key in unmatched:
            print(f"  not matched: {key} = {expected[key]} (extracted {got.get(key)}): "
                  f"{SEED_UNMATCHED_REASONS.get(key, 'NO REASON')}")
    assert len(expected) > 100
    assert share >= 0.97  # 108 of 111 (109 of 112 in schema 1: the same three are unmatched)
    assert unmatched == sorted(SEED_UNMATCHED_REASONS), "every unmatched field needs a reason read from the text"
    # Nothing extracted that the hand-made data does not hold, but the counts the seed states beside its eight
    # projects ("社保民生资金大预算中超50万元以上项目8个") and goals ("我局2024年共设置8个绩效目标"), fields the
    # hand-made data leaves out.
    assert sorted(set(got) - set(expected)) == ["stated_counts.goals", "stated_counts.projects"]
    assert got["stated_counts.projects"] == got["stated_counts.goals"] == 8
    # Fields that are easy to get wrong, checked one by one.
    rec = load_department(out)
    assert rec.expenditure.total.actual == D("3229.37") and rec.expenditure.total.budget == D("2373.85")
    assert rec.expenditure.basic.budget == D("1595.3")
    assert rec.income.appropriation.budget == D("2373.85") and rec.income.appropriation.actual == D("3229.37")
    assert rec.approval.year_as_written == 2023
    assert rec.carryover.fiscal == 0 and rec.carryover.non_fiscal == D("118.74")
    assert rec.sangong.vehicle_purchase is None and rec.sangong.overseas.actual == 0
    assert rec.sangong.overseas.budget is None  # the 批复 names no 出国 budget
    assert rec.adjustment.declared_rate == 0 and rec.adjustment.amount == D("855.52")
    assert rec.adjustment.carryover_mentioned is True
    assert rec.projects[1].actual == D("655.0411")
    assert rec.problems[0].deadline.isoformat() == "2025-05-30"


def _source_for(path: str, sources: dict[str, str]) -> str | None:
    candidates = [path]
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    for i in range(len(parts) - 1, 0, -1):
        prefix = "".join(p if p.startswith("[") or j == 0 else "." + p for j, p in enumerate(parts[:i]))
        candidates += [prefix, prefix + ".text", prefix + ".name"]
    return next((sources[c] for c in candidates if c in sources), None)


def _numbers(data: Any, path: str = "") -> list[tuple[str, Decimal | int]]:
    out: list[tuple[str, Decimal | int]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _numbers(v, f"{path}.{k}" if path else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _numbers(v, f"{path}[{i}]")
    elif isinstance(data, (Decimal, int)) and not isinstance(data, bool):
        out.append((path, data))
    return out


def test_seed_every_value_is_in_its_source_sentence() -> None:
    _, extraction = import_report(SEED_TEXT, code="xiangtan-minzheng", year=2024)
    numbers = [(p, v) for p, v in _numbers(extraction.data) if p != "year"]
    assert len(numbers) > 100
    for path, value in numbers:
        source = _source_for(path, extraction.sources)
        assert source is not None, f"{path} has no recorded source"
        text = normalize_fragment(source.split("  〔")[0])
        token = format(value, "f") if isinstance(value, Decimal) else str(value)
        found = re.search(rf"(?<![\d.]){re.escape(token)}(?![\d])", text)
        assert found or (value == 0 and "零" in text), f"{path} = {token} not in its source: {source}"


def test_cli_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "xiangtan-minzheng.yaml"
    out.write_text("keep: me\n", encoding="utf-8")
    rc = main(["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "-o", str(out)])
    assert rc == 2
    assert out.read_text(encoding="utf-8") == "keep: me\n"
    assert "--force" in capsys.readouterr().err
    # The sources sidecar is never overwritten without --force either.
    out.unlink()
    sidecar = tmp_path / "xiangtan-minzheng.sources.yml"
    sidecar.write_text("keep: me\n", encoding="utf-8")
    assert main(["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "-o", str(out)]) == 2
    assert not out.exists() and sidecar.read_text(encoding="utf-8") == "keep: me\n"
    assert "sources.yml" in capsys.readouterr().err
    assert main(["import-report", str(SEED_TEXT), "--code", "xiangtan-minzheng", "-o", str(out), "--force"]) == 0
    assert out.is_file() and "keep: me" not in sidecar.read_text(encoding="utf-8")


# ----- other layouts -----------------------------------------------------------------------

def test_hunan_county_with_basic_data_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = REPORTS / "hunan_county_selfeval.txt"
    _, ex = import_report(src, code="qingshan-minzheng")
    d = ex.data
    assert d["year"] == 2024  # from the title
    assert d["unit"]["name"] == "青山县民政局"
    assert len(d["duties"]) == 3 and d["duties"][1].startswith("负责全县城乡居民最低生活保障")
    assert d["staffing"] == {"approved": 45, "actual": 43}
    # Narrative: "1 480.50" (space inside the number) and full-width "１２５６．３０"; the table's 全年预算数
    # column adds the adjusted budget.
    assert d["income"]["appropriation"] == {"actual": D("1480.50"), "budget": D("1256.30"), "adjusted": D("1480.50")}
    assert d["adjustment"]["amount"] == D("214.20")
    # 支出: the narrative's 决算 figures, the table's 年初预算数 (budget) and 全年预算数 (adjusted) columns.
    e = d["expenditure"]
    assert e["total"] == {"actual": D("1452.18"), "budget": D("1256.30"), "adjusted": D("1480.50")}
    assert e["basic"] == {"actual": D("1010.06"), "budget": D("986.30"), "adjusted": D("1012.40")}
    assert e["personnel"] == {"actual": D("879.95"), "budget": D("860.10"), "adjusted": D("880.20")}
    assert e["public"] == {"actual": D("130.11")}
    assert e["project"] == {"actual": D("442.12"), "budget": D("270.00"), "adjusted": D("468.10")}
    # The table's 公用经费 row is the form's 公用经费 line.
    assert d["public_funds"]["total"] == {"budget": D("126.20"), "adjusted": D("132.20"), "actual": D("130.11")}
    # 三公: the actual total from the narrative, the rest from the table (年初/全年/执行).
    sg = d["sangong"]
    assert sg["total"] == {"actual": D("15.62"), "budget": D("18.00"), "adjusted": D("18.00")}
    assert sg["vehicle_purchase"] == {"budget": D("0.00"), "adjusted": D("0.00"), "actual": D("0.00")}
    assert sg["vehicle_operation"] == {"budget": D("10.00"), "adjusted": D("10.00"), "actual": D("9.35")}
    assert sg["reception"] == {"budget": D("8.00"), "adjusted": D("8.00"), "actual": D("6.27")}
    assert sg["overseas"] == {"budget": D("0.00"), "adjusted": D("0.00"), "actual": D("0.00")}
    assert d["carryover"] == {"fiscal": D("28.32"), "non_fiscal": D("0")}
    assert ex.sources["expenditure.project.budget"].startswith("项目支出 270.00")
    # "比上年减少1.21万元": a stated change, kept as written.
    assert d["stated_changes"] == [{"subject": "三公经费支出", "current": D("15.62"), "change": D("-1.21"),
                                    "as_written": "15.62万元，比上年减少1.21万元"}]
    assert d["self_score_total"] == D("92") and d["self_grade"] == "优"
    # Goals with targets (不少于) and the completion figures.
    g1 = d["goals"][0]["indicators"][0]
    assert g1["target"] == {"value": D("3200"), "unit": "人", "relation": ">="}
    assert g1["actual"] == {"value": D("3315"), "unit": "人"}
    assert [i["actual"]["value"] for i in d["goals"][1]["indicators"]] == [D("62"), D("15")]
    p0, p1 = d["problems"]
    assert p0["responsible"] == "财务股股长" and p0["deadline"].isoformat() == "2025-06-30"  # "6月底"
    assert "responsible" not in p1 and "deadline" not in p1
    # Not in the text: listed, not invented.
    for path in ("unit.supervisor", "unit.annual_budget", "expenditure.public.budget",
                 "self_scores", "projects", "problems[1].responsible", "problems[1].deadline",
                 "adjustment.declared_rate"):
        assert path in ex.missing, path
    assert "budget" not in e["public"]
    # The CLI writes a draft that validates as a partial record (exit 0), code from the file name.
    out = tmp_path / "2024" / "qingshan-minzheng.yaml"
    rc = main(["import-report", str(src), "-o", str(out)])
    printed = capsys.readouterr().out
    assert rc == 0 and out.is_file()
    assert "数据校验：通过" in printed and "unit.supervisor" in printed  # listed as not found
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["code"] == "qingshan-minzheng"
    assert "supervisor" not in draft["unit"]
    assert "已通过数据校验" in out.read_text(encoding="utf-8").splitlines()[3]
    assert load_department(out).expenditure.project.adjusted == D("468.10")


def test_city_report_with_score_table() -> None:
    _, ex = import_report(REPORTS / "city_score_table.txt", code="shi-wenlv")
    d = ex.data
    assert d["unit"] == {"name": "市文化旅游广电局", "supervisor": "市人民政府", "annual_budget": D("560.40")}
    assert d["duties"] == ["负责全市文化、旅游、广电事业发展规划。", "负责公共文化服务体系建设。", "负责旅游市场监管。"]
    assert [(s["part"], s["weight"], s["score"]) for s in d["self_scores"]] == [
        ("投入", D(20), D(19)), ("过程", D(20), D("18.5")), ("产出", D(30), D(28)), ("效果", D(30), D(26))]
    assert d["income"]["appropriation"] == {"actual": D("620.00"), "budget": D("560.40")}
    assert d["income"]["total"] == {"budget": D("560.40")}  # 批复 预算收入总数
    assert d["adjustment"]["amount"] == D("59.60")
    e = d["expenditure"]
    assert e["basic"] == {"actual": D("412.30"), "budget": D("400.10")}
    assert e["personnel"] == {"actual": D("356.20"), "budget": D("350.00")}
    assert e["public"] == {"actual": D("56.10"), "budget": D("50.10")}
    assert e["project"] == {"actual": D("177.82"), "budget": D("160.30")}
    assert e["total"] == {"actual": D("590.12"), "budget": D("560.40")}
    assert d["approval"]["approver"] == "市财政局"
    assert d["sangong"]["total"] == {"budget": D("12.00"), "actual": D("10.35")}
    assert d["sangong"]["vehicle_operation"] == {"budget": D("8.00"), "actual": D("7.15")}
    assert d["sangong"]["reception"] == {"budget": D("4.00"), "actual": D("3.10")}
    assert "overseas" not in d["sangong"] and "vehicle_purchase" not in d["sangong"]
    assert [(p["number"], p["name"], p["budget"], p["actual"]) for p in d["projects"]] == [
        (1, "公共文化服务体系建设专项", D("80.00"), D("72.50")), (2, "文物保护专项", D("60.00"), D("58.00"))]
    assert d["projects"][0]["outputs"] == [{"name": "举办送戏下乡演出", "value": D(60), "unit": "场"}]
    goal2 = d["goals"][1]["indicators"][0]
    assert goal2["target"]["value"] == D(40) and goal2["actual"]["value"] == D(48)
    assert d["problems"][0]["responsible"] == "计划财务科科长"
    # "年末结转结余资金为0" does not say whether it is 财政拨款; non-tax income is not mentioned.
    for path in ("carryover.fiscal", "carryover.non_fiscal", "long_term_plan"):
        assert path in ex.missing, path
    assert "special_account" not in d["income"] and "other" not in d["income"]
    assert "sangong.overseas.actual" not in ex.sources


SMALL_PARAGRAPHS = [
    ("h", "2024年山城区统计局部门整体支出绩效评价报告"),
    ("t", [("单位名称", "山城区统计局"), ("主管部门", "山城区人民政府"), ("年度预算金额", "312.50 万元")]),
    ("h", "一、收入情况"),
    ("p", "2024年度财政拨款收入 345.80 万元，其中：年初预算拨款 312.50 万元，年中调整预算数 33.30 万元。"),
    ("h", "二、支出情况"),
    ("p", "2024年度财政拨款支出 3458000 元。基本支出合计 280.60 万元，其中人员经费 250.10 万元，"
          "公用经费 30.50 万元；项目支出 65.20 万元。"),
    ("h", "三、存在的问题"),
    ("p", "统计调查经费测算不够精准。"),
    ("h", "四、改进措施"),
    ("p", "整改措施：完善经费测算办法。整改责任人：办公室主任"),
]


def _check_small(path: Path) -> None:
    _, ex = import_report(path, code="shancheng-tongji")
    d = ex.data
    assert d["title"] == "2024年山城区统计局部门整体支出绩效评价报告"
    assert d["unit"] == {"name": "山城区统计局", "supervisor": "山城区人民政府", "annual_budget": D("312.50")}
    assert d["income"] == {"appropriation": {"actual": D("345.80"), "budget": D("312.50")}}
    assert d["adjustment"]["amount"] == D("33.30")
    # 3458000 元 is a real 元 figure (no 万元 figure says 3458000): converted, 3458000 / 10000 = 345.8,
    # and the record keeps the spelling as written.
    assert d["expenditure"]["total"] == {"actual": D("345.8")}
    assert "已换算为万元" in ex.sources["expenditure.total.actual"]
    assert d["annotations"]["expenditure.total.actual"]["as_written"] == "3458000元"
    assert d["expenditure"]["basic"] == {"actual": D("280.60")}
    assert d["expenditure"]["personnel"] == {"actual": D("250.10")}
    assert d["expenditure"]["public"] == {"actual": D("30.50")}
    assert d["expenditure"]["project"] == {"actual": D("65.20")}
    assert d["problems"] == [{"problem": "统计调查经费测算不够精准。", "measures": "完善经费测算办法。",
                              "responsible": "办公室主任"}]
    assert "problems[0].deadline" in ex.missing and "sangong.total.budget" in ex.missing


def test_html_variant() -> None:
    path = REPORTS / "small_report.html"
    text = read_report(path)
    assert "999" not in text  # script content is not report text
    _check_small(path)


def test_docx_variant(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for kind, content in SMALL_PARAGRAPHS:
        if kind == "h":
            document.add_heading(content, level=1)
        elif kind == "p":
            document.add_paragraph(content)
        else:
            table = document.add_table(rows=len(content), cols=2)
            for row, (label, value) in zip(table.rows, content):
                row.cells[0].text, row.cells[1].text = label, value
    path = tmp_path / "small.docx"
    document.save(str(path))
    assert "单位名称\t山城区统计局" in read_report(path)
    _check_small(path)


# ----- normalization ----------------------------------------------------------------------

def test_normalize_digits_spaces_and_punctuation() -> None:
    assert normalize_fragment("收入 １２５６．３０ 万元,其中:") == "收入1256.30万元，其中："
    assert normalize_fragment("合计 1 480.50 万元") == "合计1480.50万元"
    assert normalize_fragment("合计 3,229.37 万元") == "合计3229.37万元"
    assert normalize_fragment("100 200 300") == "100 200 300"  # table cells stay apart
    assert normalize_fragment("Oracle 数据库") == "Oracle数据库"
    assert normalize_fragment("完成.下一句") == "完成。下一句"
    assert normalize_fragment("达 93.88%") == "达93.88%"


def test_normalize_keeps_original_sentences() -> None:
    raw = "<p>一、收入情况</p>\t<p>收入 3229.37 万元，其中年初\n\n预算 2373.85 万元。支出 1 元。</p>"
    doc = normalize(raw)
    pos = doc.text.index("2373.85")
    assert doc.original_at(pos) == "收入 3229.37 万元，其中年初预算 2373.85 万元。"
    assert doc.blocks[0].heading and doc.blocks[0].text == "一、收入情况"


def test_units_and_numbering() -> None:
    assert convert(D("3458000"), "元") == D("345.8")
    assert convert(D("1.25"), "亿元") == D("12500")
    assert convert(D("1595.30"), "万元") == D("1595.30")
    assert [n for n, _ in split_numbered("1.甲。2.乙\n3、丙\n9.50万元")] == [1, 2, 3]
    assert [t for _, t in split_numbered("（1）甲；（2）乙")] == ["甲；", "乙"]


def test_write_draft_prunes_empty_sections(tmp_path: Path) -> None:
    _, ex = import_report(REPORTS / "small_report.html", code="shancheng-tongji", year=2024)
    result = write_draft(ex, tmp_path / "shancheng-tongji.yaml", "small_report.html")
    assert result.valid and result.errors == []
    data = yaml.safe_load(result.path.read_text(encoding="utf-8"))
    assert "approval" not in data and "sangong" not in data and "carryover" not in data
    assert result.sources_path.name == "shancheng-tongji.sources.yml"
    DepartmentYear.model_validate(read_yaml(result.path))


def test_draft_header_stays_comment_lines(tmp_path: Path) -> None:
    # Report text that reaches the header (notes) cannot break out of its comment line.
    report = tmp_path / "r.txt"
    report.write_text("2024年某局部门整体支出绩效评价报告\n单位名称：某局\n"
                      "经费控制情况\t2022年决算数\t2023年预算数\t2024年决算数\n三公经费\t1\t2\t3\n"
                      "绩效目标完成情况\n1.完成\u2028evil: 1。做好工作\n", encoding="utf-8")
    _, ex = import_report(report, code="x", year=2024)
    ex.notes.append("注意\u0085injected: true\u2028other_notes: x")
    result = write_draft(ex, tmp_path / "x.yaml", "r.txt")
    data = read_yaml(result.path)
    assert "injected" not in data and "other_notes" not in data and "evil" not in data
    assert set(data) <= set(DepartmentYear.model_fields)


def test_a_report_date_is_read_by_the_one_date_policy() -> None:
    """年月日 and ISO dates are read; slash and dot forms are not guessed (as in data files and Excel)."""
    import datetime as dt

    from perfeval.importer.extraction import parse_report_date

    assert parse_report_date("报告日期：2025年5月30日") == dt.date(2025, 5, 30)
    assert parse_report_date("报告日期：2025 年 5 月 30 日") == dt.date(2025, 5, 30)
    assert parse_report_date("报告日期：2025-05-30") == dt.date(2025, 5, 30)
    assert parse_report_date("报告日期：2025/5/30") is None and parse_report_date("报告日期：2025.5.30") is None
    assert parse_report_date("报告日期：2025年2月30日") is None   # no such date
