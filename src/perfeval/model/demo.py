"""A deterministic synthetic dataset: many departments over several years, with planted faults.

``perfeval demo --departments N --years 2022-2024 --seed S --out DIR`` writes
``DIR/<year>/<code>.yaml``. Same arguments, same bytes: all randomness comes from
one ``random.Random(seed)`` drawn in a fixed order, and amounts are Decimal.

Every record is marked ``demo: true``; pages built from it carry the 示例数据 label.
A share of the records carries one of the faults real reports have (see
:data:`FAULTS`), so that every data check fires somewhere; :func:`planted_faults`
says which record got which.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable

from perfeval.model.demo_catalogue import CITY, CITY_CODE, MAX_DEPARTMENTS, PROBLEMS, catalogue
from perfeval.model.files import department_path, dump_record
from perfeval.model.schema import DepartmentYear

CENT = Decimal("0.01")


def _q(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    """A random amount in 万元 with two decimals (drawn as integer cents: exact)."""
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 100


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 10000


@dataclass(frozen=True)
class Fault:
    id: str
    description: str
    rules: tuple[str, ...]  # check rule ids expected to fire
    apply: Callable[[dict[str, Any], random.Random], None]


def _fault_income_sum(d: dict[str, Any], rng: random.Random) -> None:
    d["income"]["total"] = d["income"]["total"] + Decimal("12.50")


def _fault_basic_sum(d: dict[str, Any], rng: random.Random) -> None:
    d["expenditure"]["basic"]["public"] = d["expenditure"]["basic"]["public"] + Decimal("3.40")


def _fault_sangong_sum(d: dict[str, Any], rng: random.Random) -> None:
    d["sangong"]["actual"]["total"] = d["sangong"]["actual"]["total"] + Decimal("1.20")


def _fault_unit_slip(d: dict[str, Any], rng: random.Random) -> None:
    # A project's actual spending written in 元 instead of 万元 (10,000× too large).
    p = d["projects"][0]
    p["actual"] = p["actual"] * 10000


def _fault_low_execution(d: dict[str, Any], rng: random.Random) -> None:
    p = d["projects"][0]
    p["actual"] = _q(p["budget"] * Decimal("0.62"))
    p["description"] = "项目按计划推进。"


def _fault_missing_responsible(d: dict[str, Any], rng: random.Random) -> None:
    d["problems"][0]["responsible"] = ""
    d["problems"][0]["deadline"] = None


def _fault_declared_zero(d: dict[str, Any], rng: random.Random) -> None:
    d["execution"]["declared_adjustment_rate"] = Decimal(0)
    d["execution"]["adjustment_explanation"] = "年中追加资金均为上级专项和政策性增支，故预算调整率为零。"


def _fault_placeholder(d: dict[str, Any], rng: random.Random) -> None:
    d["management"]["asset_management"] = "我单位制定了XX资产管理制度，……"


def _fault_year_slip(d: dict[str, Any], rng: random.Random) -> None:
    d["approved_budget"]["year_as_written"] = d["year"] - 1


def _fault_goal_incomplete(d: dict[str, Any], rng: random.Random) -> None:
    d["goals"][-1]["completion"] = ""
    d["goals"][0]["indicators"][0].pop("actual", None)


FAULTS: tuple[Fault, ...] = (
    Fault("income_sum", "财政拨款收入不等于年初预算与年中调整之和", ("sum.income",), _fault_income_sum),
    Fault("basic_sum", "基本支出不等于人员经费与公用经费之和", ("sum.basic",), _fault_basic_sum),
    Fault("sangong_sum", "三公经费合计不等于各项之和", ("sum.sangong",), _fault_sangong_sum),
    Fault("unit_slip", "项目实际支出按元填报（元/万元混用）", ("units.slip",), _fault_unit_slip),
    Fault("low_execution", "项目执行率低于90%且未说明原因", ("execution.project_below_90",), _fault_low_execution),
    Fault("missing_responsible", "问题缺少整改责任人和时限", ("problem.no_responsible", "problem.no_deadline"),
          _fault_missing_responsible),
    Fault("declared_zero", "存在年中调整却称预算调整率为零", ("adjustment.declared_zero",), _fault_declared_zero),
    Fault("placeholder", "文中留有模板占位符", ("text.placeholder",), _fault_placeholder),
    Fault("year_slip", "批复年度写成上一年", ("year.as_written",), _fault_year_slip),
    Fault("goal_incomplete", "目标缺少完成情况说明、指标缺少实际值", ("goal.no_completion", "goal.indicator_no_actual"),
          _fault_goal_incomplete),
)


def planted_faults(departments: int, years: list[int]) -> dict[tuple[str, int], Fault]:
    """Which record gets which fault: about 40% of records, every fault at least once when there are enough."""
    slots = [(f"{CITY_CODE}-{dep['code']}", year) for year in years for dep in catalogue(departments)]
    out: dict[tuple[str, int], Fault] = {}
    for i, slot in enumerate(slots):
        if i % 5 in (1, 3):
            out[slot] = FAULTS[len(out) % len(FAULTS)]
    return out


def _indicator(name: str, unit: str, category: str, relation: str, target: float,
               rng: random.Random) -> dict[str, Any]:
    tgt = Decimal(str(target))
    if relation == "<=":
        actual = tgt if tgt == 0 else _q(tgt * (Decimal(1) - _pct(rng, 0, 15)))
    elif unit == "%":
        actual = min(Decimal(100), _q(tgt + _pct(rng, -3, 8) * 100))
    else:
        actual = (tgt * (Decimal(1) + _pct(rng, -4, 25))).quantize(Decimal(1) if tgt >= 10 else CENT, rounding=ROUND_HALF_UP)
    return {"name": name, "category": category,
            "target": {"value": tgt, "unit": unit, "relation": relation},
            "actual": {"value": actual, "unit": unit}}


def _record(dep: dict[str, Any], year: int, index: int, rng: random.Random,
            previous: dict[str, Any] | None) -> dict[str, Any]:
    growth = Decimal(1) + _pct(rng, -3, 8)
    staff = dep["staff"]
    base_personnel = _money(rng, staff * 14, staff * 18)
    personnel_budget = _q(base_personnel * growth) if previous is None else _q(
        previous["approved_budget"]["basic"]["personnel"] * growth)
    goods = _q(personnel_budget * _pct(rng, 8, 16))
    n_projects = 2 + rng.randint(0, len(dep["projects"]) - 2)
    projects_src = dep["projects"][:n_projects]
    project_budgets = [_q(Decimal(b) * (Decimal(1) + _pct(rng, -20, 20))) for _, b, _ in projects_src]
    project_budget = sum(project_budgets, Decimal(0))
    basic_budget = personnel_budget + goods
    initial = basic_budget + project_budget
    adjustment = _q(initial * _pct(rng, 0, 25))
    adjusted = initial + adjustment
    exec_rate = _pct(rng, 90, 100)
    spend_total = _q(adjusted * exec_rate)
    personnel_actual = _q(personnel_budget * (Decimal(1) + _pct(rng, 0, 8)))
    public_actual = _q(goods * _pct(rng, 80, 100))
    basic_actual = personnel_actual + public_actual
    project_actual = spend_total - basic_actual
    carry_fiscal = adjusted - spend_total

    sg_budget = {"overseas": Decimal(0) if rng.random() < 0.7 else _money(rng, 2, 8),
                 "vehicle_purchase": Decimal(0) if rng.random() < 0.8 else _money(rng, 18, 30),
                 "vehicle_operation": _money(rng, 3, 16), "reception": _money(rng, 2, 9)}
    sg_actual = {k: _q(v * _pct(rng, 55, 100)) for k, v in sg_budget.items()}
    sangong: dict[str, Any] = {
        "budget": {"total": sum(sg_budget.values(), Decimal(0)), **sg_budget},
        "actual": {"total": sum(sg_actual.values(), Decimal(0)), **sg_actual},
    }
    if previous is not None:
        sangong["previous_actual"] = dict(previous["sangong"]["actual"])

    goals = []
    for gi, (text, indicators) in enumerate(dep["goals"], start=1):
        inds = [_indicator(*ind, rng=rng) for ind in indicators]
        summary = "；".join(f"{i['name']}{i['actual']['value']}{i['actual']['unit']}" for i in inds)
        goals.append({"number": gi, "text": f"{year}年{text}。", "completion_title": text.split("，")[0],
                      "completion": f"{year}年{text.split('，')[0]}工作有序推进：{summary}。", "indicators": inds})

    projects = []
    remaining = project_actual
    for pi, ((name, _, output), budget) in enumerate(zip(projects_src, project_budgets), start=1):
        if pi < len(projects_src):
            actual = min(budget, _q(budget * _pct(rng, 92, 100)))
        else:
            actual = min(budget, max(Decimal(0), remaining))
        remaining -= actual
        description = f"{year}年{output}，资金按进度拨付使用。"
        if actual < budget * Decimal("0.9"):
            description += "部分资金因项目实施进度调整未支出，形成结余，已按规定收回。"
        projects.append({"number": pi, "name": name, "budget": budget, "actual": actual,
                         "actual_label": "实际支出", "description": description})

    problems = []
    for k in range(1 + rng.randint(0, 1)):
        prob, cause, measure, who = PROBLEMS[(index + year + k) % len(PROBLEMS)]
        problems.append({"problem": prob, "cause": cause, "measures": measure, "responsible": who,
                         "deadline": dt.date(year + 1, rng.choice([3, 5, 6, 9]), 30)})

    deductions = [min(w, _q(_pct(rng, 0, 6) * w)) for w in (30, 20, 5, 45)]
    self_scores = [{"part": part, "weight": w, "score": Decimal(w) - d,
                    "reason": "无扣分项目" if d == 0 else f"扣{d}分"}
                   for (part, w), d in zip((("预算执行", 30), ("预算管理", 20), ("资产管理", 5), ("效果产出", 45)),
                                           deductions)]
    name = dep["name"]
    return {
        "code": f"{CITY_CODE}-{dep['code']}",
        "year": year,
        "demo": True,
        "unit": {"name": name, "supervisor": dep["supervisor"], "annual_budget": initial},
        "duties": list(dep["duties"]),
        "long_term_plan": f"围绕{CITY}经济社会发展目标，持续提升本部门履职能力和公共服务水平。",
        "annual_plan": f"{year}年，{name}按照市委、市政府部署，聚焦年度重点任务，统筹安排预算，推动各项工作落实。",
        "goals": goals,
        "income": {"total": adjusted, "initial_budget": initial, "adjustment": adjustment,
                   "adjustment_purpose": "用于追加政策性增支和上级专项配套资金"},
        "expenditure": {"total": spend_total,
                        "basic": {"total": basic_actual, "personnel": personnel_actual, "public": public_actual},
                        "project": project_actual},
        "approved_budget": {"approver": "市财政局", "income_total": initial, "fiscal": initial, "non_tax": Decimal(0),
                            "other": Decimal(0), "expenditure_total": initial,
                            "basic": {"total": basic_budget, "personnel": personnel_budget, "goods_services": goods},
                            "project": project_budget},
        "sangong": sangong,
        "carryover": {"fiscal": carry_fiscal, "non_fiscal": _money(rng, 0, 60)},
        "execution": {"balance_statement": "收支基本平衡"},
        "management": {"budget_management": "单位建立健全预算管理制度，按规定公开预算、决算和绩效信息。",
                       "asset_management": "单位制定了资产管理制度，资产账实相符。",
                       "outcome_statement": f"{year}年共设置{len(goals)}个绩效目标。"},
        "self_scores": self_scores,
        "projects": projects,
        "problems": problems,
        "other_notes": "",
    }


def generate(departments: int, years: list[int], seed: int) -> list[DepartmentYear]:
    """Build the demo records (validated), in a fixed order."""
    if not 1 <= departments <= MAX_DEPARTMENTS:
        raise ValueError(f"departments must be 1..{MAX_DEPARTMENTS}")
    rng = random.Random(seed)
    faults = planted_faults(departments, years)
    records: list[DepartmentYear] = []
    for index, dep in enumerate(catalogue(departments)):
        previous: dict[str, Any] | None = None
        for year in sorted(years):
            data = _record(dep, year, index, rng, previous)
            previous = copy.deepcopy(data)
            fault = faults.get((data["code"], year))
            if fault is not None:
                fault.apply(data, rng)
            records.append(DepartmentYear.model_validate(data))
    return records


def parse_years(text: str) -> list[int]:
    """``2022-2024`` → [2022, 2023, 2024]; ``2023`` → [2023]; ``2022,2024`` → [2022, 2024]."""
    years: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = (int(x) for x in part.split("-", 1))
            years.extend(range(a, b + 1))
        else:
            years.append(int(part))
    return sorted(set(years))


#: The comment at the top of every demo file.
DEMO_HEADER = "示例数据 (demo data) generated by `perfeval demo`: not a real department."


def write(records: list[DepartmentYear], out: Path) -> list[Path]:
    """Write ``out/<year>/<code>.yaml`` for each record (a file already holding the same text is not rewritten)."""
    paths = []
    for rec in records:
        path = department_path(Path(out), rec.code, rec.year)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = dump_record(rec, header=DEMO_HEADER)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
