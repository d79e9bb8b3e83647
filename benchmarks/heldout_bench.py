#!/usr/bin/env python
"""The held-out measurement of ``import-report`` and ``audit`` (run by hand, not by CI), with and without the
forms registry's synonyms that only the held-out reports contain.

    .venv/bin/python benchmarks/heldout_bench.py [--src DIR] [--json]

The real-report digests 18, 22 and 28 (tests/fixtures/real-reports) were held out while the importer's rules
were written (docs/importer.md). The forms registry, however, took its synonyms from all thirteen digests. This
script measures the importer twice, each time in a fresh process:

* **full**: the registry as it is;
* **ablated**: the registry without every synonym (of a field, a section or a money column) that occurs in one
  of the three held-out digests and in none of the development material: the other ten digests, the seed
  report, tests/reports, and the importer's own sources before the registry existed (``git show 62b9728``).
  The ablation is done in-process on the imported module (``perfeval.model.forms``), before the importer is
  imported; the registry's file is not changed.

Each draft is scored against the values each report states that a field of the record can hold, read by hand
from the digests (``GOLD`` below; 41 values, counted as docs/importer.md first counted them): **right** (the
value in its field), **wrong** (another value in the field, or the value in another field), **missed**, and
**invented** (a figure, date or code in the draft that no gold value accounts for, or a text that is not the
report's). The audit is scored against the inconsistencies the digests' README lists (``CHECKS``).

``--src DIR`` measures another revision's package (e.g. ``git archive d6ddc00 src | tar -x -C /tmp/d6`` and
``--src /tmp/d6/src``); the development material is always this checkout's.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real-reports"
HELD_OUT = {"18": ("18_xuwen_difanggongluju.txt", "xuwen-gonglu"),
            "22": ("22_xundian_xianweiban.txt", "xundian-xianweiban"),
            "28": ("28_zhouqu_chengguan_weishengfuwu.txt", "zhouqu-weisheng")}
#: The revision whose importer had its own phrasings, before the forms registry (round 1's base).
BEFORE_REGISTRY = "62b9728"

D = Decimal


@dataclass(frozen=True)
class Gold:
    report: str
    stated: str          # the value as the report states it
    path: str            # where the draft should hold it (``a.b``, ``a[*].b`` for a list of the items' values)
    value: Any
    weight: int = 1      # how many values docs/importer.md counted it as


GOLD: tuple[Gold, ...] = (
    Gold("18", "评价年度: 2024", "year", 2024),
    Gold("18", "评价单位（公章）: 徐闻县地方公路局", "unit.name", "徐闻县地方公路局"),
    Gold("18", "评价单位（公章）: 徐闻县地方公路局", "cover.evaluated_unit", "徐闻县地方公路局"),
    Gold("18", "填报日期: 2025年10月29日", "cover.fill_date", dt.date(2025, 10, 29)),
    Gold("18", "（徐财绩[2025]5号）", "cover.document_number", "徐财绩[2025]5号"),
    Gold("18", "财政核定编制在职人员为36人", "staffing.approved", 36),
    Gold("18", "年末实有在职人员为34人", "staffing.actual", 34),
    Gold("18", "退休人员64人", "staffing.retired", 64),
    Gold("18", "临时工人37人", "staffing.temporary", 37),
    Gold("18", "截至2023年12月31日", "staffing.as_of", dt.date(2023, 12, 31)),
    Gold("18", "好路率达95%", "goals[*].indicators[*].target.value", [D(95), D(85)], 2),
    Gold("18", "县道公路日常养护费:", "projects[0].name", "县道公路日常养护费"),
    Gold("18", "成品油价格和税费改革税收返还支出:", "projects[1].name", "成品油价格和税费改革税收返还支出"),
    Gold("18", "县道X695和锦线那板桥危桥改造工程:", "projects[2].name", "县道X695和锦线那板桥危桥改造工程"),
    Gold("22", "2023年部门整体支出绩效自评报告", "year", 2023),
    Gold("22", "中共寻甸回族彝族自治县委员会办公室", "unit.name", "中共寻甸回族彝族自治县委员会办公室"),
    Gold("22", "正文标题 (two lines)", "title", "中共寻甸回族彝族自治县委员会办公室2023年度部门整体支出绩效自评报告"),
    Gold("22", "机关行政编制39名", "staffing.approved_admin", 39),
    Gold("22", "事业编制5名", "staffing.approved_institution", 5),
    Gold("22", "设办公室主任1名", "staffing.posts[0]", {"name": "办公室主任", "count": 1}),
    Gold("22", "办公室副主任4名", "staffing.posts[1]", {"name": "办公室副主任", "count": 4}),
    Gold("22", "督查员3名", "staffing.posts[2]", {"name": "督查员", "count": 3}),
    Gold("22", "内设科室领导职数9名", "staffing.posts[3]", {"name": "内设科室领导", "count": 9}),
    Gold("22", "车辆编制6辆", "vehicles.approved", 6),
    Gold("22", "实有车辆6辆", "vehicles.actual", 6),
    Gold("22", "在职实有32人", "staffing.actual", 32),
    Gold("22", "离退休人员16人", "staffing.retirees", 16),
    Gold("22", "离休0人", "staffing.retired_veteran", 0),
    Gold("22", "退休16人", "staffing.retired", 16),
    Gold("22", "截至2023年12月31日", "staffing.as_of", dt.date(2023, 12, 31)),
    Gold("28", "2024年度…自评报告", "year", 2024),
    Gold("28", "标题", "title", "2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告"),
    Gold("28", "舟曲县城关镇社区卫生服务中心", "unit.name", "舟曲县城关镇社区卫生服务中心"),
    Gold("28", "社区共有职工68人", "staffing.actual", 68),
    Gold("28", "招聘职工25人", "staffing.hired", 25),
    Gold("28", "所设科室: nine names", "unit.internal_units",
         ["公共卫生科", "妇幼儿童科", "预防接种科", "卫生协管监督科", "老年人体检中心", "检验室", "心电图室", "B超室", "档案室"]),
    Gold("28", "共计16个项目", "stated_counts.projects", 16),
    Gold("28", "thirteen project names", "projects[*].name",
         ["24年乡村医生定额补助项目", "2024年医废处理项目", "2024年基本公共卫生（中央）项目", "65岁以下农牧民健康体检项目",
          "结核病防治项目", "2024年第二批基本公共卫生补助项目", "2024年基药补助项目", "2024年村级卫生员补助项目",
          "2024年7-9月网采药品补助项目", "基本公共卫生服务第一批（省级）", "第二季度网采药品补助", "24年农牧民体检经费",
          "村级卫生体系建设资金项目"]),
    Gold("28", "全年预算数为768.833013万元", "expenditure.total.adjusted", D("768.833013")),
    Gold("28", "其中基本支出329.948302万元", "expenditure.basic.adjusted", D("329.948302")),
)

#: Paths of a draft that are bookkeeping or structure, not values a report states.
STRUCTURE = re.compile(r"^(?:code|source\..*|arranged\..*|annotations\..*|goals\[\d+\]\.number|"
                       r"goals\[\d+\]\.indicators\[\d+\]\.(?:category|target\.unit|target\.relation|actual\.unit|"
                       r"actual\.relation)|goals\[\d+\]\.completion_number|projects\[\d+\]\.number)$")


@dataclass(frozen=True)
class Check:
    report: str
    what: str
    found: Callable[[list[Any]], bool]


def _rule(rule: str, severity: str | None = None, text: str = "") -> Callable[[list[Any]], bool]:
    return lambda found: any(f.rule == rule and (severity is None or f.severity == severity)
                             and text in f.message for f in found)


def _any_rule(*rules: str) -> Callable[[list[Any]], bool]:
    return lambda found: any(f.rule in rules for f in found)


CHECKS: tuple[Check, ...] = (
    Check("18", "staffing dated 截至2023年12月31日 in a 2024 report", _rule("staffing.as_of")),
    Check("18", "the authority paragraph numbered 一、 (单位基本情况 becomes 二、)",
          _any_rule("text.numbering_paragraph")),
    Check("18", "文号 徐财绩[2025]5号 in square brackets", _rule("text.document_number")),
    Check("22", "template instruction left as a heading: 摘要（2000字以内）", _rule("text.placeholder")),
    Check("22", "numbering clash between the contents list and the body", _any_rule("text.contents_numbering")),
    Check("28", "共计16个项目 with 13 named", _rule("counts.stated", text="16")),
    Check("28", "numerals mixed in one list (1台 / 一台)", _any_rule("text.numerals_mixed")),
)


# --- which synonyms only the held-out reports contain ----------------------------------------------------------

def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def development_text() -> str:
    """Everything the rules were written from: the development digests, the seed, tests/reports and the importer's
    sources before the registry."""
    held = {name for name, _ in HELD_OUT.values()}
    parts = [p.read_text(encoding="utf-8") for p in sorted(REAL.glob("*.txt")) if p.name not in held]
    parts.append((ROOT / "tests/fixtures/seed-xiangtan-minzheng-2024.txt").read_text(encoding="utf-8"))
    parts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "tests/reports").iterdir())]
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", BEFORE_REGISTRY, "src/perfeval/importer/"],
                             capture_output=True, text=True, check=True).stdout.split()
    for name in listing:
        parts.append(subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE_REGISTRY}:{name}"],
                                    capture_output=True, text=True, check=True).stdout)
    return _fold("\n".join(parts))


def held_out_only(forms: Any) -> dict[str, list[str]]:
    """Synonym → the held-out reports it occurs in, for every synonym of the registry (fields, sections, money
    columns; canonical labels aside) found in a held-out digest and nowhere in the development material."""
    dev = development_text()
    held = {key: _fold((REAL / name).read_text(encoding="utf-8")) for key, (name, _) in HELD_OUT.items()}
    spellings = {s for e in forms.ENTRIES for s in (*e.synonyms, *(sp for _, sp in e.by_column))}
    spellings |= {s for sec in forms.SECTIONS for s in sec.synonyms}
    spellings |= {s for c in forms.AMOUNT_COLUMNS for s in c.synonyms}
    out: dict[str, list[str]] = {}
    for s in sorted(spellings):
        folded = _fold(s)
        where = [key for key, text in held.items() if folded in text]
        if where and folded not in dev:
            out[s] = where
    return out


def ablate(forms: Any, removed: set[str]) -> None:
    """Take ``removed`` out of the registry module in place (entries, sections, columns and their indexes)."""
    from dataclasses import replace

    forms.AMOUNT_COLUMNS = tuple(replace(c, synonyms=tuple(s for s in c.synonyms if s not in removed))
                                 for c in forms.AMOUNT_COLUMNS)
    forms.SECTIONS = tuple(replace(s, synonyms=tuple(x for x in s.synonyms if x not in removed)) for s in forms.SECTIONS)
    forms.ENTRIES = tuple(replace(e, synonyms=tuple(s for s in e.synonyms if s not in removed),
                                  by_column=tuple((c, s) for c, s in e.by_column if s not in removed))
                          for e in forms.ENTRIES)
    forms._BY_PATH = {e.path: e for e in forms.ENTRIES}
    forms._SECTION = {s.key: s for s in forms.SECTIONS}
    forms._INDEX = forms._index()
    forms._SECTION_INDEX = forms._first_by_spelling(((s.title, *s.synonyms), s) for s in forms.SECTIONS)
    forms._COLUMN_INDEX = forms._first_by_spelling(((c.label, *c.synonyms), c) for c in forms.AMOUNT_COLUMNS)


# --- scoring a draft ---------------------------------------------------------------------------------------------

def leaves(data: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [leaf for i, v in enumerate(data) for leaf in leaves(v, f"{path}[{i}]")]
    return [(path, data)]


def collect(data: Any, path: str) -> tuple[Any, list[str]]:
    """The value(s) at ``path`` (``[*]`` gathers a list) and the leaf paths they cover."""
    from perfeval.importer.partial import get_path

    if "[*]" not in path:
        value = get_path(data, path)
        covered = [p for p, _ in leaves(value, path)] if isinstance(value, (dict, list)) else [path]
        return value, covered if value is not None else []
    head, _, rest = path.partition("[*]")
    items = get_path(data, head) or []
    values, covered = [], []
    for i in range(len(items)):
        v, c = collect(data, f"{head}[{i}]{rest}")
        if isinstance(v, list):
            values += v
        elif v is not None:
            values.append(v)
        covered += c
    return (values or None), covered


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and not isinstance(a, bool):
        return Decimal(a) == Decimal(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def score_draft(report: str, data: dict[str, Any], text: str) -> dict[str, Any]:
    claimed: set[str] = set()
    rows = []
    all_leaves = dict(leaves(data))
    for g in (g for g in GOLD if g.report == report):
        value, covered = collect(data, g.path)
        if value is not None and _same(value, g.value):
            result = "right"
            claimed |= set(covered)
        elif value is not None:
            result, claimed = "wrong", claimed | set(covered)
        else:
            # Misfiled: the value in another field.
            elsewhere = [p for p, v in all_leaves.items() if p not in claimed and not STRUCTURE.match(p)
                         and not isinstance(g.value, (list, dict)) and _same(v, g.value)]
            result = "wrong" if elsewhere else "missed"
            claimed |= set(elsewhere[:1])
            value = f"{elsewhere[0]} = {all_leaves[elsewhere[0]]}" if elsewhere else None
        rows.append({"stated": g.stated, "path": g.path, "draft": _show(value), "result": result, "weight": g.weight})
    invented = []
    for path, value in all_leaves.items():
        if path in claimed or STRUCTURE.match(path) or value in (None, "", [], {}):
            continue
        if isinstance(value, str) and not isinstance(value, bool) and _fold(value) in text:
            continue          # a text of the report (a goal, a completion, a name as written)
        invented.append(f"{path} = {value}")
    totals = {k: sum(r["weight"] for r in rows if r["result"] == k) for k in ("right", "wrong", "missed")}
    return {"rows": rows, "invented": invented, **totals}


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_show(v) for v in value[:4]) + ("…" if len(value) > 4 else "")
    if isinstance(value, dict):
        return "/".join(_show(v) for v in value.values())
    return "—" if value is None else str(value)


# --- the measurement in one process ------------------------------------------------------------------------------

def measure(removed: set[str]) -> dict[str, Any]:
    import perfeval.model.forms as forms

    if removed:
        ablate(forms, removed)
        assert not any(s in e.synonyms for e in forms.ENTRIES for s in removed)
    from perfeval.importer import audit_document, import_report   # imported after the ablation
    from perfeval.importer.partial import make_valid

    out: dict[str, Any] = {}
    for key, (name, code) in HELD_OUT.items():
        path = REAL / name
        doc, extraction = import_report(path, code=code)
        data, _ = make_valid(copy.deepcopy(extraction.data))
        result = score_draft(key, data, _fold(path.read_text(encoding="utf-8")))
        found = audit_document(doc)
        result["audit"] = [{"what": c.what, "found": c.found(found)} for c in CHECKS if c.report == key]
        result["audit_rules"] = sorted(f"{f.rule} ({f.severity})" for f in found)
        out[key] = result
    return out


def _child(removed: list[str], src: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(src))
    code = ("import json, sys; sys.path.insert(0, %r); import heldout_bench as b; "
            "print(json.dumps(b.measure(set(json.loads(sys.argv[1]))), default=str))" % str(Path(__file__).parent))
    done = subprocess.run([sys.executable, "-c", code, json.dumps(removed)], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the package to measure (default: this checkout's)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    import perfeval.model.forms as forms

    only = held_out_only(forms)
    runs = {"full": _child([], args.src), "ablated": _child(sorted(only), args.src)}
    if args.json:
        print(json.dumps({"held_out_only": only, **runs}, ensure_ascii=False, indent=1, default=str))
        return
    print(f"Synonyms found only in the held-out digests ({len(only)}):")
    for s, where in only.items():
        print(f"  {s}  ({', '.join(where)})")
    print("\n| report | full: right / wrong / missed / invented | ablated: right / wrong / missed / invented |")
    print("|---|---|---|")
    totals = {run: [0, 0, 0, 0] for run in runs}
    for key in HELD_OUT:
        cells = []
        for run, res in runs.items():
            r = res[key]
            n = [r["right"], r["wrong"], r["missed"], len(r["invented"])]
            totals[run] = [a + b for a, b in zip(totals[run], n)]
            cells.append(" / ".join(map(str, n)))
        print(f"| {key} | {cells[0]} | {cells[1]} |")
    cells = []
    for run in runs:
        right, wrong, missed, invented = totals[run]
        cells.append(f"**{right} / {wrong} / {missed} / {invented}** ({100 * right / (right + wrong + missed):.0f}% right)")
    print(f"| all | {cells[0]} | {cells[1]} |")
    print("\nValues that differ (or are not right) in either run:")
    for key in HELD_OUT:
        for full, abl in zip(runs["full"][key]["rows"], runs["ablated"][key]["rows"]):
            if full["result"] != "right" or abl["result"] != "right":
                print(f"  {key} {full['stated']} → {full['path']}: full {full['result']} ({full['draft']}), "
                      f"ablated {abl['result']} ({abl['draft']})")
        for run in runs:
            for item in runs[run][key]["invented"]:
                print(f"  {key} invented ({run}): {item}")
    print("\nAudit (README checks found):")
    for key in HELD_OUT:
        for full, abl in zip(runs["full"][key]["audit"], runs["ablated"][key]["audit"]):
            print(f"  {key} {full['what']}: full {'yes' if full['found'] else 'no'}, ablated {'yes' if abl['found'] else 'no'}")
    for run in runs:
        found = sum(c["found"] for key in HELD_OUT for c in runs[run][key]["audit"])
        print(f"  {run}: {found} of {len(CHECKS)}")


if __name__ == "__main__":
    main()
