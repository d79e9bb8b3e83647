"""Write the bad-input corpus (run once; the files are committed): ``python tests/bad_input/make_corpus.py``.

Each case is a small data folder ``tests/bad_input/<case>/<year>/<code>.yaml`` made from the frozen demo file
``_base/2024/qinghe-jiaoyu.yaml`` by one textual change, so that a reader sees the defect by diffing
the case file against it. Framework cases hold ``common.yaml`` made from ``_base/common.yaml``. The expected outcome of every case is written by hand in cases.yaml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Frozen copies (the shipped demo data and frameworks may change; the corpus must not):
# _base/2024/qinghe-jiaoyu.yaml is data/demo/2024/qinghe-jiaoyu.yaml as of commit e91b21f, migrated to schema 2
# (perfeval migrate) and written by the canonical writer, with one YAML anchor (&id001, unit.annual_budget) and
# its alias (income.total) put back by hand as the demo generator once wrote them; _base/common.yaml is
# data/frameworks/common.yaml.
BASE = (HERE / "_base/2024/qinghe-jiaoyu.yaml").read_text(encoding="utf-8")
FRAMEWORK = (HERE / "_base/common.yaml").read_text(encoding="utf-8")


def sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (old, text.count(old))
    return text.replace(old, new)


def case(name: str, content: str | bytes, rel: str = "2024/qinghe-jiaoyu.yaml") -> None:
    path = HERE / name / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def data_cases() -> None:
    b = BASE
    # --- structure and types
    # Only code, year and unit.name are required (schema 2): the required field is the unit's name, the
    # required section the unit.
    case("missing-required", sub(b, "  name: 清河市教育局\n", ""))
    unit = BASE[BASE.index("unit:\n"):BASE.index("\nduties:")]
    case("missing-section", sub(sub(b, unit, ""), "{budget: *id001}", "{budget: 4699.72}"))
    case("wrong-type-text-amount", sub(b, "  appropriation: {budget: 4699.72, actual: 5016.95}\n",
                                       "  appropriation: {budget: 4699.72, actual: 约五千万}\n"))
    duties = BASE[BASE.index("duties:\n"):BASE.index("\nlong_term_plan:")]
    case("wrong-type-list", sub(b, duties, "duties: 贯彻执行国家、省教育工作方针政策，统筹管理全市各级各类教育。\n"))
    case("wrong-type-mapping", sub(b, "carryover:\n  fiscal: 112.88\n  non_fiscal: 54.77\n", "carryover: 167.65\n"))
    case("wrong-type-int", sub(b, "  - number: 3\n    text: 2024年开展", "  - number: 三\n    text: 2024年开展"))
    case("wrong-type-year", sub(b, "year: 2024\n", "year: 二〇二四\n"))
    case("unknown-field", sub(b, "  personnel: {budget: 1403.85, actual: 1452.98}\n",
                              "  personel: {budget: 1403.85, actual: 1452.98}\n"))
    case("literal-category", sub(b, "        category: 满意度\n", "        category: 满意率\n"))
    case("empty-required-text", sub(b, "    name: 教师培训经费\n", "    name: ''\n"))
    case("self-score-above-weight", sub(b, "    score: 4.85\n", "    score: 5.85\n"))
    case("duplicate-goal-number", sub(b, "  - number: 4\n    text: 2024年改善", "  - number: 3\n    text: 2024年改善"))
    case("unit-mismatch", sub(b, "        actual: {value: 6.42, unit: 所}\n", "        actual: {value: 6.42, unit: 个}\n"))
    # --- amounts
    case("negative-amount", sub(b, "  fiscal: 112.88\n", "  fiscal: -112.88\n"))
    case("nan-amount", sub(b, "  non_fiscal: 54.77\n", "  non_fiscal: .nan\n"))
    case("inf-amount", sub(b, "  public: {budget: 153.58, actual: 127.64}\n", "  public: {budget: 153.58, actual: .inf}\n"))
    case("nan-text-amount", sub(b, "  non_fiscal: 54.77\n", "  non_fiscal: NaN\n"))
    case("amount-decimal-comma", sub(b, "  fiscal: 112.88\n", "  fiscal: '1.112,88'\n"))
    case("amount-yuan", sub(b, "  fiscal: 112.88\n", "  fiscal: 1128800元\n"))
    case("amount-bad-grouping", sub(b, "  fiscal: 112.88\n", "  fiscal: '1,12,88'\n"))
    case("amount-yi", sub(b, "  fiscal: 112.88\n", "  fiscal: 0.0112亿元\n"))
    # accepted amount spellings
    case("ok-amount-thousands", sub(b, "  fiscal: 112.88\n", "  fiscal: '1,112.88'\n"))
    case("ok-amount-fullwidth", sub(b, "  fiscal: 112.88\n", "  fiscal: １１２．８８\n"))
    case("ok-amount-wan", sub(b, "  fiscal: 112.88\n", "  fiscal: 112.88万元\n"))
    case("ok-amount-fullwidth-grouped-wan", sub(b, "  fiscal: 112.88\n", "  fiscal: １，１１２．８８０万元\n"))
    # --- codes and file names
    case("code-dotdot", sub(b, "code: qinghe-jiaoyu\n", "code: ../qinghe-jiaoyu\n"))
    case("code-slash", sub(b, "code: qinghe-jiaoyu\n", "code: qinghe/jiaoyu\n"))
    case("code-space", sub(b, "code: qinghe-jiaoyu\n", "code: qinghe jiaoyu\n"), "2024/qinghe jiaoyu.yaml")
    case("code-chinese", sub(b, "code: qinghe-jiaoyu\n", "code: 清河教育局\n"), "2024/清河教育局.yaml")
    case("code-uppercase", sub(b, "code: qinghe-jiaoyu\n", "code: Qinghe-Jiaoyu\n"), "2024/Qinghe-Jiaoyu.yaml")
    case("file-name-mismatch", b, "2024/qinghe-jiaoyuju.yaml")
    case("year-folder-mismatch", b, "2023/qinghe-jiaoyu.yaml")
    case("duplicate-code", b, "a/2024/qinghe-jiaoyu.yaml")
    case("duplicate-code", sub(b, "  name: 清河市教育局\n", "  name: 清河市教育局（副本）\n"), "b/2024/qinghe-jiaoyu.yaml")
    # --- YAML
    case("yaml-bad-indent", sub(b, "  personnel: {budget: 1403.85, actual: 1452.98}\n",
                                "   personnel: {budget: 1403.85, actual: 1452.98}\n"))
    case("yaml-tab", sub(b, "  personnel: {budget: 1403.85, actual: 1452.98}\n",
                         "\tpersonnel: {budget: 1403.85, actual: 1452.98}\n"))
    case("yaml-unclosed-quote", sub(b, "  approver: 市财政局\n", "  approver: \"市财政局\n"))
    case("yaml-python-tag", sub(b, "  approver: 市财政局\n",
                                "  approver: !!python/object/apply:os.system ['touch /tmp/perfeval-pwned']\n"))
    lol = ["lol: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
    lol += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    case("yaml-billion-laughs", sub(b, "long_term_plan: 围绕", "\n".join(lol) + "\nlong_term_plan: 围绕"))
    case("yaml-recursive-alias", sub(b, "duties:\n", "duties: &loop\n  - *loop\n"))
    many = "\n".join("  - *id001" for _ in range(300))
    case("yaml-too-many-aliases", sub(b, "long_term_plan: 围绕", f"padding:\n{many}\nlong_term_plan: 围绕"))
    case("yaml-deep-nesting", "code: qinghe-jiaoyu\nyear: 2024\nunit: " + "[" * 50_000 + "]" * 50_000 + "\n")
    case("top-level-list", "- code: qinghe-jiaoyu\n- year: 2024\n")
    case("date-nonexistent", sub(b, "    deadline: 2025-06-30\n", "    deadline: 2025-06-31\n"))
    case("date-slash", sub(b, "    deadline: 2025-06-30\n", "    deadline: 2025/6/30\n"))
    case("date-dotted", sub(b, "    deadline: 2025-06-30\n", "    deadline: 30.6.2025\n"))
    case("ok-date-chinese", sub(b, "    deadline: 2025-06-30\n", "    deadline: 2025年6月30日\n"))
    # --- files and encodings
    case("empty-file", b"")
    case("comments-only", b"# nothing here yet\n\n")
    case("ok-utf8-bom", b"\xef\xbb\xbf" + b.encode("utf-8"))
    case("ok-gbk", b.encode("gbk"))
    case("ok-gb18030", sub(b, "  name: 清河市教育局\n", "  name: 清河市䶮教育局\n").encode("gb18030"))
    case("ok-crlf", b.replace("\n", "\r\n"))
    case("utf16", b.encode("utf-16"))
    case("not-text", b"\x00\x01\x02\xff\xfe\xfd" * 10 + b.encode("utf-8"))
    case("file-too-large", b + "# " + "x" * 2_100_000 + "\n")
    case("text-1mb", sub(b, "long_term_plan: 围绕清河市经济社会发展目标，持续提升教育局履职能力和公共服务水平。\n",
                         "long_term_plan: " + "长" + "a" * 999_999 + "\n"))
    case("text-long-list-item", sub(b, "  - 指导全市学校安全、卫生和体育工作。\n", "  - " + "职" * 30_000 + "\n"))


def yaml12_cases() -> None:
    """YAML 1.2 core rules (not PyYAML's 1.1), no tags, no key written twice (issues 11 and 16)."""
    b = BASE
    case("ok-yaml12-leading-zero", sub(b, "  fiscal: 112.88\n", "  fiscal: 0700\n"))          # 700, not octal 448
    case("yaml12-sexagesimal", sub(b, "  fiscal: 112.88\n", "  fiscal: 11:40\n"))           # text, not 700
    case("yaml12-hex", sub(b, "  fiscal: 112.88\n", "  fiscal: 0x70\n"))
    case("yaml-tag-str", sub(b, "  approver: 市财政局\n", "  approver: !!str 市财政局\n"))
    case("yaml-tag-set", sub(b, "  approver: 市财政局\n", "  approver: !!set {市财政局, 市教育局}\n"))
    case("yaml-tag-binary", sub(b, "  approver: 市财政局\n", "  approver: !!binary 5biC6LSi5pS/5bGA\n"))
    case("yaml-duplicate-key", sub(b, "year: 2024\ndemo: true\n", "year: 2024\ndemo: true\nyear: 2023\n"))
    case("yaml-duplicate-unit", sub(b, "\nduties:\n", "\nunit:\n  name: 清河市教育局（副本）\n  supervisor: 清河市人民政府\n"
                                                 "  annual_budget: 1\n\nduties:\n"))
    case("yaml-duplicate-nested", sub(b, "    responsible: 财务科、项目实施科室负责人\n",
                                      "    responsible: 财务科、项目实施科室负责人\n    cause: 另一个原因\n"))
    case("text-control-char", sub(b, "  approver: 市财政局\n", '  approver: "市财政局\\a"\n'))


def schema2_cases() -> None:
    """Schema 2: optional does not mean anything goes; a stated value that is malformed is refused."""
    b = BASE
    unit = "  annual_budget: &id001 4699.72\n"
    case("staffing-negative", sub(b, unit, unit + "\nstaffing:\n  approved: 86\n  actual: -3\n"))
    case("staffing-fraction", sub(b, unit, unit + "\nstaffing:\n  approved: 86.5\n"))
    case("amount-too-large", sub(b, "  total: {budget: 4699.72, actual: 4904.07}\n",
                                 "  total: {budget: 4699.72, actual: 1e28}\n"))
    case("row-unknown-column", sub(b, "  total: {previous: 16.19, budget: 18.60, actual: 16.30}\n",
                                   "  total: {previous: 16.19, budget: 18.60, actul: 16.30}\n"))
    case("self-funds-nature", sub(b, "\nprojects:\n", "\nself_funds:\n  - {nature: 收入, item: 财政拨款}\n\nprojects:\n"))
    case("annotation-dangling", b + "\nannotations:\n  sangong.vehicle.actual:\n    note: 原文未写金额\n")
    case("schema1-file", (ROOT / "tests/fixtures/schema1/demo/2023/qinghe-jiaoyu.yaml").read_text(encoding="utf-8"),
         "2023/qinghe-jiaoyu.yaml")


def folder_cases() -> None:
    """One rule for what a data file is: <data folder>/<four ASCII digits>/<code>.yaml (issue 16)."""
    b = BASE
    for name, folder in (("year-folder-fullwidth", "２０２４"), ("year-folder-five-digits", "02024"),
                         ("year-folder-arabic", "٢٠٢٤"), ("year-folder-superscript", "²⁰²⁴"),
                         ("year-folder-trailing-space", "2024 ")):
        case(name, b, f"{folder}/qinghe-jiaoyu.yaml")
    case("file-yml", b, "2024/qinghe-jiaoyu.yml")
    case("file-upper-yaml", b, "2024/qinghe-jiaoyu.YAML")
    # Not data, ignored: an editor lock file, a leftover temporary file of an interrupted write, a hidden
    # file, the sidecar of import-report, other files.
    case("ok-ignored-files", b)
    case("ok-ignored-files", "not: [yaml\n", "2024/.#qinghe-jiaoyu.yaml")
    case("ok-ignored-files", b[:500], "2024/.perfeval-k2j4x9.yaml")
    case("ok-ignored-files", "x", "2024/.hidden.yaml")
    case("ok-ignored-files", "source_file: report.txt\n", "2024/qinghe-jiaoyu.sources.yml")
    case("ok-ignored-files", "notes\n", "2024/README.md")
    case("ok-ignored-files", "x", "_drafts/2024/qinghe-jiaoyu.yaml")


def framework_cases() -> None:
    f = FRAMEWORK
    case("fw-unknown-rule", sub(f, "            rule: banded\n            input: sangong_change_rate\n",
                                "            rule: bandeded\n            input: sangong_change_rate\n"), "common.yaml")
    case("fw-unknown-input", sub(f, "            input: verifiable_goal_share\n", "            input: verifiable_goals\n"),
         "common.yaml")
    # The level-1 indicator E (效果, 25 points) is dropped: the level-1 weights sum to 75.
    case("fw-weights-not-100", f[: f.index("  - code: E\n")], "common.yaml")
    case("fw-children-weights", sub(f, "          - code: I12\n            name: 可核验目标占比\n            weight: 5\n",
                                    "          - code: I12\n            name: 可核验目标占比\n            weight: 4\n"), "common.yaml")
    case("fw-unknown-key", sub(f, "            input: verifiable_goal_share\n",
                               "            input: verifiable_goal_share\n            wieght: 5\n"), "common.yaml")
    case("fw-name-mismatch", f, "common-copy.yaml")


def check_cases() -> None:
    b = BASE
    # 10 000× slip: project 1's actual spending written in 元 (740.41万元 = 7404100元).
    case("check-unit-slip", sub(b, "    actual: 740.41\n", "    actual: 7404100\n"))
    # Sums that do not add up: 基本支出 1580.62 + 项目支出 3323.45 = 4904.07, stated 4994.07.
    case("check-sum", sub(b, "expenditure:\n  total: {budget: 4699.72, actual: 4904.07}\n",
                          "expenditure:\n  total: {budget: 4699.72, actual: 4994.07}\n"))


def issue24_cases() -> None:
    """Issue 24: numbers are not dates, yes is not true, true is not 1, no invisible direction controls, no data
    file skipped silently, no amount finer than 0.01 元, framework numbers in range."""
    b = BASE
    case("date-zero", sub(b, "    deadline: 2025-06-30\n", "    deadline: 0\n"))
    case("date-compact", sub(b, "    deadline: 2025-06-30\n", "    deadline: 20250301\n"))
    unit = "  annual_budget: &id001 4699.72\n"
    case("date-unix-time", sub(b, unit, unit + "\ncover:\n  report_date: 1735689600\n"))
    case("flag-yes", sub(b, "    name: 教师培训经费\n", "    name: 教师培训经费\n    managed_only: yes\n"))
    case("integer-true", sub(b, "  - part: 资产管理\n", "  - part: 资产管理\n    level: true\n"))
    case("text-bidi-override", sub(b, "  approver: 市财政局\n", '  approver: "市财政局\\u202E局政财"\n'))
    case("amount-too-precise", sub(b, "  fiscal: 112.88\n", "  fiscal: 0.0000001\n"))
    case("file-trailing-space", b, "2024/qinghe-jiaoyu.yaml ")
    case("file-in-subfolder", b, "2024/sub/qinghe-jiaoyu.yaml")
    case("fw-parameter-tiny", sub(FRAMEWORK, "            input: verifiable_goal_share\n            params: {target: 100}\n",
                                  "            input: verifiable_goal_share\n            params: {target: 1e-999999}\n"),
         "frameworks/common.yaml")
    case("fw-parameter-tiny", b)


if __name__ == "__main__":
    for folder in HERE.iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            shutil.rmtree(folder)
    data_cases()
    yaml12_cases()
    schema2_cases()
    folder_cases()
    framework_cases()
    check_cases()
    issue24_cases()
    print(sum(1 for p in HERE.iterdir() if p.is_dir()), "cases")
