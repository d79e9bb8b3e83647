"""公开前审查: what should not go out is found in every kind of text field, shown to the analyst (terminal and
_build/analyst/disclosure.csv), and stops `build` from publishing unless accepted or allowed."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfeval.cli import main
from perfeval.errors import DataError
from perfeval.model import DepartmentYear
from perfeval.review.disclosure import (ACCEPTED_FILE, DISCLOSURE_CSV, find_items, personal_names, disclosure_review,
                                        scan_record, scan_source, text_fields)

from .conftest import ROOT, SEED_DATA, copy_seed


def _seed_data() -> dict[str, Any]:
    return DepartmentYear.model_validate(yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))).model_dump()


# --- the rules, on text written for the test ---------------------------------------------------------

@pytest.mark.parametrize("text, kind, found", [
    ("联系电话：0731-58581234", "phone", "0731-58581234"),
    ("联系人手机 13812345678。", "phone", "13812345678"),
    ("手机：138 1234 5678", "phone", "138 1234 5678"),
    ("电话（0731）58581234", "phone", "（0731）58581234"),
    ("服务热线 400-888-1234", "phone", "400-888-1234"),
    ("咨询电话：8858123", "phone", "8858123"),
    ("身份证号码430302199001011234", "id_card", "430302199001011234"),
    ("证件 43030219900101123X 已核验", "id_card", "43030219900101123X"),
    ("收款账号6222021234567890123", "bank", "6222021234567890123"),
    ("编号430302189913451234", "bank", "430302189913451234"),   # 18 digits, no real birth date: not an ID
    ("卡号 6222 0212 3456 7890 123", "bank", "6222 0212 3456 7890 123"),
    ("开户行工商银行，账号：1903020109200012345", "bank", "1903020109200012345"),
    ("对公账户 43050110123456", "bank", "43050110123456"),
    ("请发送至 caiwu.ke@xt-minzheng.gov.cn 联系", "email", "caiwu.ke@xt-minzheng.gov.cn"),
])
def test_each_kind_is_found(text: str, kind: str, found: str) -> None:
    assert [(h.kind, h.text) for h in find_items(text)] == [(kind, found)]


@pytest.mark.parametrize("text", [
    "支出合计1234.5678万元，较上年增加189.25万元，增长31.39%。",
    "索引号430300-000-2024-00123，文号湘财预〔2024〕12号",
    "统一社会信用代码11430300MB1234567X",          # a body's code, not a person's ID (letters inside)
    "预算编码213001，项目编号20240012",
    "2024年1月1日至2024年12月31日",
    "资金12345678.90元已拨付",
])
def test_ordinary_report_text_is_not_flagged(text: str) -> None:
    assert find_items(text) == []


@pytest.mark.parametrize("text, names", [
    ("李明", ["李明"]),
    ("办公室主任李明", ["李明"]),
    ("李明同志", ["李明"]),
    ("财务科王芳、办公室张建国", ["王芳", "张建国"]),
    ("欧阳娜娜", ["欧阳娜娜"]),
    ("信息中心张中华", ["张中华"]),
    ("王家坪村委会", []),
    ("财务科负责人", []),
    ("业务部门、财务部门负责人、项目预算编制人员", []),     # the seed's 整改责任人
    ("局领导班子", []),
    ("各科室", []),
    ("计划财务科", []),
    ("分管副局长", []),
    ("全体干部职工", []),
])
def test_a_person_where_a_role_is_expected(text: str, names: list[str]) -> None:
    assert [h.text for h in personal_names(text)] == names


def test_names_are_looked_for_only_where_a_role_is_expected() -> None:
    assert find_items("王芳", role_field=True)[0].kind == "name"
    assert find_items("王芳") == []     # a goal or a measure may name a programme 王芳 never ran: no guess there


def test_listed_words_are_found_everywhere_they_occur() -> None:
    hits = find_items("本材料为内部资料，内部资料不得外传", words=["内部资料", "涉密"])
    assert [(h.kind, h.text, h.start) for h in hits] == [("word", "内部资料", 4), ("word", "内部资料", 9)]


# --- every text field of a record ---------------------------------------------------------------------

PLANTS = ["联系电话0731-58581234", "身份证430302199001011234", "账号6222021234567890123",
          "邮箱 kezhang@example.org", "内部资料"]
KIND_OF = {0: "phone", 1: "id_card", 2: "bank", 3: "email", 4: "word"}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return []


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _path_text(path: tuple[Any, ...]) -> str:
    out = ""
    for n, key in enumerate(path):
        if isinstance(key, int):
            out += f"[{key}]"
        elif n and path[n - 1] == "annotations":      # a mapping's key: annotations["expenditure.total.actual"]
            out += f'["{key}"]'
        else:
            out += f".{key}" if out else str(key)
    return out


def _full_record() -> dict[str, Any]:
    """The seed, with what it lacks of each kind of text field: a mapping's values (annotations), a
    list of texts (internal units), an optional text (cover), text nested two lists deep (indicator texts)."""
    data = _seed_data()
    data["cover"] = {"evaluator": "湘潭市民政局", "evaluation_method": "单位自评"}
    data["unit"]["internal_units"] = ["办公室", "规划财务科"]
    data["goals"][0]["indicators"][0]["target_text"] = "按时完成"
    data["annotations"] = {"expenditure.total.actual": {"as_written": "3229.37 万元", "note": "原文如此"}}
    return data


def test_every_text_field_of_every_kind_is_read() -> None:
    data = _full_record()
    planted: dict[str, str] = {}
    for n, path in enumerate(_leaves(data)):
        kind = n % len(PLANTS)
        trial = _full_record()
        _set(trial, path, _get(trial, path) + PLANTS[kind])
        try:
            DepartmentYear.model_validate(trial)
        except Exception:
            continue            # not free text (code, a category from a fixed list …)
        _set(data, path, _get(data, path) + PLANTS[kind])
        planted[_path_text(path)] = KIND_OF[kind]
    record = DepartmentYear.model_validate(data)
    # Every kind of text field got something planted.
    for example in ("title", "unit.name", "duties[0]", "unit.internal_units[1]", "goals[0].text",
                    "goals[0].indicators[0].name", "goals[0].indicators[0].target_text", "problems[0].measures",
                    "problems[0].responsible", "projects[0].name", "cover.evaluator", "approval.approver",
                    'annotations["expenditure.total.actual"].note', "self_scores[0].part"):
        assert example in planted, example
    assert len(planted) > 100
    items = scan_record(record, "x.yaml", words=["内部资料"])
    found = {(i.field, i.kind) for i in items}
    missing = [(p, k) for p, k in planted.items() if (p, k) not in found]
    assert missing == []
    item = next(i for i in items if i.field == "problems[0].responsible" and i.kind == planted["problems[0].responsible"])
    assert item.label == "存在的问题及改进措施 › 第1项 › 整改责任人" and item.code == "xiangtan-minzheng"


def test_the_walk_names_fields_as_value_at_does() -> None:
    from perfeval.model.schema import value_at

    record = DepartmentYear.model_validate(_full_record())
    for path, _label, _name, text in text_fields(record):
        if not path.startswith("annotations["):
            assert value_at(record, path) == text, path


def test_a_name_in_a_role_field_is_found_and_the_seed_has_none() -> None:
    data = _seed_data()
    assert scan_record(DepartmentYear.model_validate(data), "x.yaml") == []
    data["problems"][0]["responsible"] = "办公室主任李明"
    data["approval"]["approver"] = "王芳"
    items = scan_record(DepartmentYear.model_validate(data), "x.yaml")
    assert [(i.field, i.kind, i.text) for i in items] == [
        ("approval.approver", "name", "王芳"), ("problems[0].responsible", "name", "李明")]


def test_a_source_document_is_read_line_by_line() -> None:
    record = DepartmentYear.model_validate(_seed_data())
    text = "一、部门概况\n联系人：李明  联系电话：0731-58581234\n"
    items = scan_source(record, Path("data/2024/xiangtan-minzheng.source.txt"), text)
    assert [(i.field, i.kind, i.text) for i in items] == [("source:2", "phone", "0731-58581234")]
    assert "原报告全文" in items[0].label and "第2行" in items[0].label


# --- a project: acknowledgement file, CSV, build refusal -------------------------------------------------

def _project(tmp_path: Path, responsible: str = "李明", words: str = "") -> Path:
    root = tmp_path / "book"
    shutil.copytree(ROOT / "data/frameworks", root / "data/frameworks")
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "\nsensitive_words: []\n" in config
    (root / "_config.yml").write_text(config.replace("\nsensitive_words: []\n", f"\nsensitive_words: {words or '[]'}\n"),
                                      encoding="utf-8")
    copy_seed(root / "data/2024")     # with the report it names: the review reads both (the report holds no item)
    data = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    data["problems"][0]["responsible"] = responsible
    data["other_notes"] = "联系电话：0731-58581234"
    (root / "data/2024/xiangtan-minzheng.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def _csv(root: Path) -> list[dict[str, str]]:
    text = (root / "_build" / DISCLOSURE_CSV).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_build_refuses_to_publish_and_the_analyst_gets_the_list(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["build", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "公开前审查：发现 2 项" in out and "未确认 2 项" in out
    assert "个人姓名「李明」" in out and "电话号码「0731-58581234」" in out
    assert "未发布" in err and "--allow-sensitive" in err and ACCEPTED_FILE in err
    assert not (root / "_build" / "html").exists() and not (root / "_toc.yml").exists()   # nothing executed
    rows = _csv(root)
    assert [(r["状态"], r["类别"], r["内容"], r["字段路径"]) for r in rows] == [
        ("未确认", "个人姓名", "李明", "problems[0].responsible"), ("未确认", "电话号码", "0731-58581234", "other_notes")]
    assert rows[0]["字段"] == "存在的问题及改进措施 › 第1项 › 整改责任人" and rows[0]["部门名称"] == "湘潭市民政局"
    # The standalone command says the same, with exit code 1 while something is open.
    assert main(["disclosure", "--root", str(root)]) == 1


def test_accepted_items_and_allow_sensitive_let_the_build_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    reached: list[bool] = []

    def fake_build(layout: Any, options: Any) -> Any:   # the render is tested elsewhere: here, that it is reached
        reached.append(True)
        from perfeval.book import BuildReport
        return BuildReport()

    monkeypatch.setattr("perfeval.cli.build.build", fake_build)
    assert main(["build", "--root", str(root), "--allow-sensitive"]) == 0 and reached == [True]
    assert "已按 --allow-sensitive 发布" in capsys.readouterr().err
    (root / ACCEPTED_FILE).write_text(
        "accepted:\n"
        "  - {text: 0731-58581234, reason: 单位公开的办公电话}\n"
        "  - {text: 李明, reason: 本人同意公开, code: xiangtan-minzheng, year: 2024, field: 'problems[0].responsible'}\n",
        encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0 and reached == [True, True]
    out = capsys.readouterr().out
    assert "未确认 0 项" in out and "已确认  " in out
    assert {r["状态"] for r in _csv(root)} == {"已确认"} and _csv(root)[0]["确认理由"] == "本人同意公开"
    assert main(["disclosure", "--root", str(root)]) == 0


def test_an_acceptance_covers_only_where_it_says(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ACCEPTED_FILE).write_text(
        "accepted:\n  - {text: 李明, reason: 同意, field: 'problems[1].responsible'}\n", encoding="utf-8")
    report = disclosure_review(root, [root / "data/2024/xiangtan-minzheng.yaml"])
    assert len(report.unresolved) == 2


def test_the_bureau_s_words(tmp_path: Path) -> None:
    root = _project(tmp_path, responsible="财务科", words="[内部资料, 湘潭市民政局]")
    report = disclosure_review(root, [root / "data/2024/xiangtan-minzheng.yaml"])
    words = [i for i in report.items if i.kind == "word"]
    assert words and {i.text for i in words} == {"湘潭市民政局"}     # the seed never says 内部资料
    assert any(i.field == "unit.name" for i in words)


@pytest.mark.parametrize("content, message", [
    ("accepted: {text: x}\n", "accepted: 列表"),
    ("accepted:\n  - {text: 李明}\n", "理由"),
    ("accepted:\n  - {text: 李明, reason: 同意, year: 二〇二四}\n", "年度"),
    ("accepted:\n  - {text: 李明, reason: 同意, who: 我}\n", "未知的键 who"),
])
def test_a_malformed_acknowledgement_file_names_the_entry(tmp_path: Path, content: str, message: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    (root / ACCEPTED_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        disclosure_review(root, [root / "data/2024/xiangtan-minzheng.yaml"])
    assert message in str(info.value) and ACCEPTED_FILE in str(info.value)
    assert main(["disclosure", "--root", str(root)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_comment_only_acknowledgement_file_accepts_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    shutil.copy(ROOT / ACCEPTED_FILE, root / ACCEPTED_FILE)   # the shipped file: instructions and `accepted: []`
    assert len(disclosure_review(root, [root / "data/2024/xiangtan-minzheng.yaml"]).unresolved) == 2
    (root / ACCEPTED_FILE).write_text("# 只有注释\n", encoding="utf-8")
    assert len(disclosure_review(root, [root / "data/2024/xiangtan-minzheng.yaml"]).unresolved) == 2


def test_no_csv_cell_can_run_as_a_formula(tmp_path: Path) -> None:
    root = _project(tmp_path, responsible="财务科")
    data = yaml.safe_load((root / "data/2024/xiangtan-minzheng.yaml").read_text(encoding="utf-8"))
    data["other_notes"] = "=0731-58581234"
    (root / "data/2024/xiangtan-minzheng.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    main(["disclosure", "--root", str(root)])
    [row] = _csv(root)
    assert row["上下文"] == "'=0731-58581234" and row["内容"] == "0731-58581234"


def test_results_are_cached_by_content(tmp_path: Path) -> None:
    root = _project(tmp_path)
    files = [root / "data/2024/xiangtan-minzheng.yaml"]
    first = disclosure_review(root, files, cache_dir=root / "_build")
    again = disclosure_review(root, files, cache_dir=root / "_build")
    assert again.items == first.items
    text = files[0].read_text(encoding="utf-8").replace("李明", "财务科")
    files[0].write_text(text, encoding="utf-8")
    assert [i.text for i in disclosure_review(root, files, cache_dir=root / "_build").items] == ["0731-58581234"]


def test_an_unchanged_review_writes_nothing_again(tmp_path: Path) -> None:
    """A build runs the review first: when no data file changed, its cache and the analyst's CSV stay the files
    they were (the same inode and time), and a change to the data still shows in both."""
    root = _project(tmp_path)
    main(["disclosure", "--root", str(root)])
    files = [p for p in (root / "_build").rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"disclosure.json", "disclosure.csv"}   # the cache and the CSV
    written = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    main(["disclosure", "--root", str(root)])
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files} == written
    data = root / "data/2024/xiangtan-minzheng.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("李明", "财务科"), encoding="utf-8")
    main(["disclosure", "--root", str(root)])
    assert [row["内容"] for row in _csv(root)] == ["0731-58581234"]


# --- the bureau's rulings and the unit's replies beside a data file ------------------------------------

RULED = "adjustment.declared_zero:adjustment.declared_rate"    # a 需核实 finding of the seed


def test_rulings_and_replies_are_reviewed_and_their_changes_are_seen(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, responsible="财务科")      # the data file's one item: other_notes' phone
    data = root / "data"
    # `by` names a post: nothing; a person: an item, like 整改责任人.
    assert main(["rule", "xiangtan-minzheng", "2024", RULED, "--decision", "采纳", "--basis", "湘财绩〔2025〕3号",
                 "--by", "预算绩效管理科", "--date", "2025-06-30", "--data-dir", str(data)]) == 0
    files = [data / "2024/xiangtan-minzheng.yaml"]
    assert [i.text for i in disclosure_review(root, files, cache_dir=root / "_build").items] == ["0731-58581234"]
    assert main(["rule", "xiangtan-minzheng", "2024", RULED, "--decision", "采纳", "--basis", "湘财绩〔2025〕3号",
                 "--by", "预算绩效管理科王芳", "--force", "--data-dir", str(data)]) == 0
    # A reply's 单位说明 with a mobile number (the unit's words, written by import-reply).
    (data / "2024/xiangtan-minzheng.replies.yaml").write_text(
        "code: xiangtan-minzheng\nyear: 2024\nreplies:\n"
        f"  - finding: '{RULED}'\n    explanation: 年中追加为上级转移支付，详询财务科 13912345678。\n    agrees: 不认可\n",
        encoding="utf-8")
    capsys.readouterr()
    report = disclosure_review(root, files, cache_dir=root / "_build")      # the cache sees the side files change
    side = [(Path(i.file).name, i.field, i.kind, i.text, i.label) for i in report.items if i.text != "0731-58581234"]
    assert side == [
        ("xiangtan-minzheng.rulings.yaml", "rulings[0].by", "name", "王芳",
         "财政部门口径认定（xiangtan-minzheng.rulings.yaml） › 口径认定 › 第1项 › 认定人"),
        ("xiangtan-minzheng.replies.yaml", "replies[0].explanation", "phone", "13912345678",
         "单位回复（xiangtan-minzheng.replies.yaml） › 单位回复 › 第1项 › 单位说明")]
    # The build's review says so and refuses to publish; an acceptance by field lets the name through.
    assert main(["disclosure", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "未确认 3 项" in out and "个人姓名「王芳」" in out and "电话号码「13912345678」" in out
    (root / ACCEPTED_FILE).write_text("accepted:\n  - {text: 王芳, reason: 本人同意公开, field: 'rulings[0].by'}\n"
                                      "  - {text: 王芳, reason: 不适用, field: 'problems[0].responsible'}\n",
                                      encoding="utf-8")
    accepted = disclosure_review(root, files)
    assert sorted(i.text for i in accepted.unresolved) == ["0731-58581234", "13912345678"]
    # A side file of another department-year is the error it is anywhere else.
    (data / "2024/xiangtan-minzheng.replies.yaml").write_text("code: other\nyear: 2024\nreplies: []\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        disclosure_review(root, files)
    assert "replies.yaml" in str(info.value.file) and info.value.field == "code"
