"""A deterministic synthetic dataset: many departments over several years, partial as real reports are.

``perfeval demo --departments N --years 2022-2024 --seed S --out DIR`` writes
``DIR/<year>/<code>.yaml`` (schema 2). Same arguments, same bytes: all randomness comes from
one ``random.Random(seed)`` drawn in a fixed order, and amounts are Decimal.

Real reports are partial, and so is the demo set. Each department keeps one *profile* over its years
(:data:`PROFILES`, by its position in the catalogue):

- ``report``: a full narrative report like the seed (收入 with 年初预算 and 年中调整, 支出 as 基本 (人员/公用)/项目
  with the 批复 as budget column, 批复, 三公 by item, goals and their count, projects, problems, 自评表, 行政/事业 staff, 公车);
- ``basic_table``: only a 基础数据表 (staffing; rows in the columns 上年决算 / 本年预算 / 本年决算 for 三公
  and its items, 项目支出 with one row per item, 公用经费 with its 其中 items, 政府采购, 部门基本支出预算调整,
  楼堂馆所) and nothing else, not even a 主管部门;
- ``three_way``: a narrative report whose 支出 is the three-way 人员/公用/项目 split with no 基本支出
  subtotal, income by source (上年结转, 财政拨款, 其他收入), stated year-on-year changes and goals whose
  outcome is stated only in words;
- ``no_approval``: a narrative report with no 财政部门批复 (支出 without a budget column, 三公 without budget,
  only the 自评 total), and no 主管部门 or 年度预算金额 stated;
- ``identity``: code, year and unit name only (not in the default set; ``generate(..., profiles=...)``).

Every record is marked ``demo: true``; pages built from it carry the 示例数据 label. A share of the
records carries one of the faults real reports have (see :data:`FAULTS`), each where its profile has the
data it spoils, so that every data check fires somewhere; :func:`planted_faults` says which record got which.
Apart from the planted faults the figures are consistent: totals equal their items (a narrative report's
projects add up to 项目支出, with one line for the spending outside the planned projects), and rates drawn
by chance stay clear of the checks' thresholds (a project spends 92–100% of its budget).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from perfeval.model import forms
from perfeval.model.demo_catalogue import CITY, CITY_CODE, MAX_DEPARTMENTS, PROBLEMS, catalogue
from perfeval.model.files import department_path, dump_record
from perfeval.model.numbers import round_half_up
from perfeval.model.schema import DepartmentYear

CENT = Decimal("0.01")

#: The profiles of the default set, by a department's position in the catalogue (cycled).
PROFILES: tuple[str, ...] = ("report", "basic_table", "three_way", "no_approval")
#: Every profile the generator can write.
ALL_PROFILES: tuple[str, ...] = (*PROFILES, "identity")


def _q(value: Decimal | float | int) -> Decimal:
    return round_half_up(Decimal(str(value)))


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    """A random amount in 万元 with two decimals (drawn as integer cents: exact)."""
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 100


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 10000


def _total(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _row(**columns: Decimal | None) -> dict[str, Decimal]:
    return {k: v for k, v in columns.items() if v is not None}


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    id: str
    description: str
    rules: tuple[str, ...]           # check rule ids expected to fire
    apply: Callable[[dict[str, Any], random.Random], None]
    profiles: tuple[str, ...]        # the profiles that have the data this fault spoils


def _fault_income_sum(d: dict[str, Any], rng: random.Random) -> None:
    row = d["income"]["appropriation"]
    row["actual"] = row["actual"] + Decimal("12.50")


def _fault_basic_sum(d: dict[str, Any], rng: random.Random) -> None:
    # Lowered, not raised: a raised 公用经费 could pass its budget and spoil a second check (its control rate).
    row = d["expenditure"]["public"]
    row["actual"] = row["actual"] - Decimal("3.40")


def _fault_sangong_sum(d: dict[str, Any], rng: random.Random) -> None:
    row = d["sangong"]["total"]
    row["actual"] = row["actual"] + Decimal("1.20")


def _fault_unit_slip(d: dict[str, Any], rng: random.Random) -> None:
    # A project's actual spending written in 元 instead of 万元 (10,000× too large).
    p = d["projects"][0]
    p["actual"] = p["actual"] * 10000


def _fault_low_execution(d: dict[str, Any], rng: random.Random) -> None:
    # The money project 1 did not spend went to the year's other project spending: 项目支出 still adds up.
    p = d["projects"][0]
    lowered = _q(p["budget"] * Decimal("0.62"))
    _add_to_other_projects(d, p["actual"] - lowered)
    p["actual"] = lowered
    p["description"] = "项目按计划推进。"


def _fault_missing_responsible(d: dict[str, Any], rng: random.Random) -> None:
    d["problems"][0].pop("responsible", None)
    d["problems"][0].pop("deadline", None)


def _fault_declared_zero(d: dict[str, Any], rng: random.Random) -> None:
    d["adjustment"]["declared_rate"] = Decimal(0)
    d["adjustment"]["explanation"] = "年中追加资金均为上级专项和政策性增支，故预算调整率为零。"


def _fault_placeholder(d: dict[str, Any], rng: random.Random) -> None:
    d["management"]["asset_management"] = "我单位制定了XX资产管理制度，……"


def _fault_year_slip(d: dict[str, Any], rng: random.Random) -> None:
    d["approval"]["year_as_written"] = d["year"] - 1


def _fault_goal_incomplete(d: dict[str, Any], rng: random.Random) -> None:
    d["goals"][-1].pop("completion", None)
    d["goals"][0]["indicators"][0].pop("actual", None)


_NARRATIVE = ("report", "no_approval", "three_way")
FAULTS: tuple[Fault, ...] = (
    Fault("income_sum", "财政拨款收入不等于年初预算与年中调整之和", ("sum.income",), _fault_income_sum,
          ("report", "no_approval")),
    Fault("basic_sum", "基本支出不等于人员经费与公用经费之和", ("sum.basic",), _fault_basic_sum,
          ("report", "no_approval")),
    Fault("sangong_sum", "三公经费合计不等于各项之和", ("sum.sangong",), _fault_sangong_sum,
          ("report", "no_approval", "three_way", "basic_table")),
    Fault("unit_slip", "项目实际支出按元填报（元/万元混用）", ("units.slip",), _fault_unit_slip,
          ("report", "no_approval")),
    Fault("low_execution", "项目执行率低于90%且未说明原因", ("execution.project_below_90",), _fault_low_execution,
          _NARRATIVE),
    Fault("missing_responsible", "问题缺少整改责任人和时限", ("problem.no_responsible", "problem.no_deadline"),
          _fault_missing_responsible, _NARRATIVE),
    Fault("declared_zero", "存在年中调整却称预算调整率为零", ("adjustment.declared_zero",), _fault_declared_zero,
          ("report", "no_approval")),
    Fault("placeholder", "文中留有模板占位符", ("text.placeholder",), _fault_placeholder, _NARRATIVE),
    Fault("year_slip", "批复年度写成上一年", ("year.as_written",), _fault_year_slip, ("report",)),
    Fault("goal_incomplete", "目标缺少完成情况说明、指标缺少实际值", ("goal.no_completion", "goal.indicator_no_actual"),
          _fault_goal_incomplete, _NARRATIVE),
    Fault("count_mismatch", "文中所述目标个数少于所列目标", ("counts.stated",),     # "共设置3个绩效目标" above four goals
          lambda d, rng: d["stated_counts"].update(goals=len(d["goals"]) - 1), _NARRATIVE),
)


def profile_of(index: int, profiles: Sequence[str] = PROFILES) -> str:
    """The profile of the department at ``index`` of the catalogue."""
    return profiles[index % len(profiles)]


def planted_faults(departments: int, years: list[int],
                   profiles: Sequence[str] = PROFILES) -> dict[tuple[str, int], Fault]:
    """Which record gets which fault: about 40% of records, each the least-planted fault its profile can carry
    (ties in the order of FAULTS), so that every fault is planted when there are enough records."""
    deps = catalogue(departments)
    slots = [(f"{CITY_CODE}-{dep['code']}", year, profile_of(i, profiles))
             for year in years for i, dep in enumerate(deps)]
    planted = {fault.id: 0 for fault in FAULTS}
    out: dict[tuple[str, int], Fault] = {}
    for i, (code, year, profile) in enumerate(slots):
        if i % 5 not in (1, 3):
            continue
        fitting = [f for f in FAULTS if profile in f.profiles]
        if not fitting:
            continue
        fault = min(fitting, key=lambda f: planted[f.id])
        planted[fault.id] += 1
        out[(code, year)] = fault
    return out


# --------------------------------------------------------------------------- pieces shared by profiles


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


def _goals(dep: dict[str, Any], year: int, rng: random.Random, qualitative: bool = False) -> list[dict[str, Any]]:
    goals = []
    for gi, (text, indicators) in enumerate(dep["goals"], start=1):
        inds = [_indicator(*ind, rng=rng) for ind in indicators]
        summary = "；".join(f"{i['name']}{i['actual']['value']}{i['actual']['unit']}" for i in inds)
        if qualitative:
            # A goal whose outcome the report states only in words (scored by a qualitative rule).
            inds.append({"name": f"{text.split('，')[0]}工作成效", "category": "效果",
                         "target_text": "较上年有所提升", "actual_text": "同比均有所提高"})
        goals.append({"number": gi, "text": f"{year}年{text}。", "completion_title": text.split("，")[0],
                      "completion": f"{year}年{text.split('，')[0]}工作有序推进：{summary}。", "indicators": inds})
    return goals


def _problems(index: int, year: int, rng: random.Random) -> list[dict[str, Any]]:
    problems = []
    for k in range(1 + rng.randint(0, 1)):
        prob, cause, measure, who = PROBLEMS[(index + year + k) % len(PROBLEMS)]
        problems.append({"problem": prob, "cause": cause, "measures": measure, "responsible": who,
                         "deadline": dt.date(year + 1, rng.choice([3, 5, 6, 9]), 30)})
    return problems


def _self_scores(rng: random.Random) -> list[dict[str, Any]]:
    deductions = [min(w, _q(_pct(rng, 0, 6) * w)) for w in (30, 20, 5, 45)]
    return [{"part": part, "weight": w, "score": Decimal(w) - d, "reason": "无扣分项目" if d == 0 else f"扣{d}分"}
            for (part, w), d in zip((("预算执行", 30), ("预算管理", 20), ("资产管理", 5), ("效果产出", 45)), deductions)]


_SANGONG_ITEMS = tuple(forms.items_of("sangong.total"))


def _sangong_amounts(rng: random.Random) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    budget = {"overseas": Decimal("0.00") if rng.random() < 0.7 else _money(rng, 2, 8),
              "vehicle_purchase": Decimal("0.00") if rng.random() < 0.8 else _money(rng, 18, 30),
              "vehicle_operation": _money(rng, 3, 16), "reception": _money(rng, 2, 9)}
    actual = {k: _q(v * _pct(rng, 55, 100)) for k, v in budget.items()}
    return budget, actual


def _sangong(rng: random.Random, previous: dict[str, Any] | None, *, budget_column: bool = True,
             first_previous: bool = False, vehicle_subtotal: bool = False) -> dict[str, Any]:
    """三公 rows: total and items in the columns 上年决算 (last year's actual, when known) / 本年预算 / 本年决算."""
    budget, actual = _sangong_amounts(rng)
    if previous is not None:
        before = {k: previous["sangong"][k]["actual"] for k in _SANGONG_ITEMS}
    elif first_previous:
        before = {k: _q(v * _pct(rng, 80, 120)) for k, v in actual.items()}
    else:
        before = None
    out: dict[str, Any] = {}
    columns = {"previous": before, "budget": budget if budget_column else None, "actual": actual}

    def line(keys: Sequence[str]) -> dict[str, Decimal]:
        return _row(**{c: (_total([v[k] for k in keys]) if v is not None else None) for c, v in columns.items()})

    out["total"] = line(_SANGONG_ITEMS)
    if vehicle_subtotal:
        out["vehicle"] = line(("vehicle_purchase", "vehicle_operation"))
    for key in _SANGONG_ITEMS:
        out[key] = line((key,))
    return out


def _staffing(dep: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """编制数 and 实有人数 with their split 行政 / 事业, each kind within its establishment."""
    approved, actual = dep["staff"], dep["staff"] - rng.randint(0, 4)
    admin, in_post = approved * 3 // 4, min(approved * 3 // 4, actual)
    return {"approved": approved, "approved_admin": admin, "approved_institution": approved - admin, "actual": actual,
            "actual_admin": in_post, "actual_institution": actual - in_post}


def _management(name: str, goals: int) -> dict[str, Any]:
    return {"budget_management": "单位建立健全预算管理制度，按规定公开预算、决算和绩效信息。",
            "asset_management": "单位制定了资产管理制度，资产账实相符。",
            "outcome_statement": f"共设置{goals}个绩效目标。"}


def _project_plan(dep: dict[str, Any], rng: random.Random) -> tuple[list[tuple[str, int, str]], list[Decimal]]:
    """The year's large projects (at least two of the catalogue's) and their budgets, drawn around the catalogue's."""
    n_projects = 2 + rng.randint(0, len(dep["projects"]) - 2)
    source = dep["projects"][:n_projects]
    return source, [_q(Decimal(b) * (Decimal(1) + _pct(rng, -20, 20))) for _, b, _ in source]


#: The project line of spending outside the year's planned projects (mid-year additions, carried-over funds):
#: stated with its actual only, as reports list a project added during the year.
_OTHER_PROJECTS = {
    "report": ("年中追加项目资金", "{year}年年中追加资金，用于政策性增支和上级专项配套。"),
    "three_way": ("上年结转及其他资金安排项目", "{year}年使用上年结转资金和其他收入安排的项目支出。"),
}


def _narrative_projects(plan: tuple[list[tuple[str, int, str]], list[Decimal]], year: int, rng: random.Random,
                        project_actual: Decimal, other: str) -> list[dict[str, Any]]:
    """The report's projects, adding up to 项目支出 in both columns: each planned project spends 92–100% of its
    budget; what 项目支出 spent beyond them is one more project line (:data:`_OTHER_PROJECTS`), and a shortfall
    is taken from the last projects, which then state why they spent less."""
    source, budgets = plan
    projects = []
    for pi, ((name, _, output), budget) in enumerate(zip(source, budgets), start=1):
        projects.append({"number": pi, "name": name, "budget": budget,
                         "actual": min(budget, _q(budget * _pct(rng, 92, 100))),
                         "actual_label": "实际支出", "description": f"{year}年{output}，资金按进度拨付使用。"})
    excess = project_actual - _total([p["actual"] for p in projects])
    for p in reversed(projects):
        if excess >= 0:
            break
        cut = min(p["actual"], -excess)
        p["actual"] -= cut
        excess += cut
    for p in projects:
        if p["actual"] < p["budget"] * Decimal("0.9"):
            p["description"] += "部分资金因项目实施进度调整未支出，形成结余，已按规定收回。"
    if excess > 0:
        name, description = _OTHER_PROJECTS[other]
        projects.append({"number": len(projects) + 1, "name": name, "actual": excess, "actual_label": "实际支出",
                         "description": description.format(year=year)})
    return projects


def _add_to_other_projects(d: dict[str, Any], amount: Decimal) -> None:
    """Move ``amount`` of 项目支出 to the line of spending outside the planned projects (made when missing)."""
    name, description = d["_other_projects"]
    projects = d["projects"]
    if projects[-1]["name"] == name:
        projects[-1]["actual"] += amount
    else:
        projects.append({"number": len(projects) + 1, "name": name, "actual": amount, "actual_label": "实际支出",
                         "description": description.format(year=d["year"])})


def _basics(dep: dict[str, Any], rng: random.Random, previous: dict[str, Any] | None) -> dict[str, Decimal]:
    """The money of a narrative year: 人员/公用 budget and actual, 项目 budget, 年初预算, 调整, spending."""
    growth = Decimal(1) + _pct(rng, -3, 8)
    staff = dep["staff"]
    base_personnel = _money(rng, staff * 14, staff * 18)
    personnel_budget = _q(base_personnel * growth) if previous is None else _q(previous["_personnel_budget"] * growth)
    goods = _q(personnel_budget * _pct(rng, 8, 16))
    return {"personnel_budget": personnel_budget, "goods": goods}


# --------------------------------------------------------------------------- profiles


def _report(dep: dict[str, Any], year: int, index: int, rng: random.Random, previous: dict[str, Any] | None,
            *, approval: bool = True) -> dict[str, Any]:
    """A full narrative report (``approval=False``: the same without 批复, budget columns and 主管部门)."""
    money = _basics(dep, rng, previous)
    personnel_budget, goods = money["personnel_budget"], money["goods"]
    plan = _project_plan(dep, rng)
    project_budget = _total(plan[1])
    basic_budget = personnel_budget + goods
    initial = basic_budget + project_budget
    adjustment = _q(initial * _pct(rng, 0, 25))
    adjusted = initial + adjustment
    spend_total = _q(adjusted * _pct(rng, 92, 100))
    personnel_actual = _q(personnel_budget * (Decimal(1) + _pct(rng, 0, 8)))
    public_actual = _q(goods * _pct(rng, 80, 100))
    basic_actual = personnel_actual + public_actual
    project_actual = spend_total - basic_actual

    goals = _goals(dep, year, rng)
    projects = _narrative_projects(plan, year, rng, project_actual, "report")
    sangong = _sangong(rng, previous, budget_column=approval)
    name = dep["name"]
    data: dict[str, Any] = {
        "code": f"{CITY_CODE}-{dep['code']}", "year": year, "demo": True,
        "unit": {"name": name, **({"supervisor": dep["supervisor"], "annual_budget": initial} if approval else {})},
        "staffing": _staffing(dep, rng) if approval else None,
        "vehicles": {"approved": max(2, dep["staff"] // 12), "actual": max(2, dep["staff"] // 12)} if approval else None,
        "duties": list(dep["duties"]),
        "long_term_plan": f"围绕{CITY}经济社会发展目标，持续提升本部门履职能力和公共服务水平。",
        "annual_plan": f"{year}年，{name}按照市委、市政府部署，聚焦年度重点任务，统筹安排预算，推动各项工作落实。",
        "goals": goals,
        "stated_counts": {"goals": len(goals)},
        "income": ({"total": {"budget": initial}, "appropriation": {"budget": initial, "actual": adjusted},
                    "special_account": {"budget": Decimal(0)}, "other": {"budget": Decimal(0)}} if approval
                   else {"appropriation": {"budget": initial, "actual": adjusted}}),
        "adjustment": {"amount": adjustment, "purpose": "用于追加政策性增支和上级专项配套资金"},
        "expenditure": {
            "total": _row(budget=initial if approval else None, actual=spend_total),
            "basic": _row(budget=basic_budget if approval else None, actual=basic_actual),
            "personnel": _row(budget=personnel_budget if approval else None, actual=personnel_actual),
            "public": _row(budget=goods if approval else None, actual=public_actual),
            "project": _row(budget=project_budget if approval else None, actual=project_actual)},
        "approval": {"approver": "市财政局"} if approval else None,
        "sangong": sangong,
        "carryover": {"fiscal": adjusted - spend_total, "non_fiscal": _money(rng, 0, 60)},
        "execution": {"balance_statement": "收支基本平衡"},
        "management": _management(name, len(goals)),
        "projects": projects,
        "problems": _problems(index, year, rng),
    }
    if approval:
        data["self_scores"] = _self_scores(rng)
    else:
        scores = _self_scores(rng)
        total = _total([s["score"] for s in scores])
        data["self_score_total"] = total
        data["self_grade"] = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    data["_personnel_budget"] = personnel_budget
    data["_other_projects"] = _OTHER_PROJECTS["report"]
    return data


_GROUPS = ("业务工作经费", "专项资金", "上级转移支付")
_PUBLIC_ITEMS = (("办公费", 0.30), ("水电费", 0.18), ("差旅费", 0.20), ("会议费", 0.07), ("培训费", 0.10),
                 ("维修（护）费", 0.15))


def _three_columns(rng: random.Random, budget: Decimal, previous_actual: Decimal | None,
                   low: float = 85, high: float = 100) -> dict[str, Decimal]:
    """One line of a 基础数据表: 上年决算 (last year's actual, or near this year's), 本年预算, 本年决算."""
    actual = _q(budget * _pct(rng, low, high))
    before = previous_actual if previous_actual is not None else _q(actual * _pct(rng, 80, 120))
    return {"previous": before, "budget": budget, "actual": actual}


def _column_sums(rows: Sequence[dict[str, Decimal]]) -> dict[str, Decimal]:
    return {c: _total([r[c] for r in rows]) for c in ("previous", "budget", "actual") if all(c in r for r in rows)}


def _basic_table(dep: dict[str, Any], year: int, index: int, rng: random.Random,
                 previous: dict[str, Any] | None) -> dict[str, Any]:
    """Only a 基础数据表: staffing and rows in three columns; item rows add up to their totals per column."""
    staff = dep["staff"]
    actual_staff = staff - rng.randint(0, 5)
    items = []
    before_items = {p["name"]: p for p in previous["projects"]} if previous is not None else {}
    for k, (name, budget, _) in enumerate(dep["projects"]):
        row = _three_columns(rng, _q(Decimal(budget) * (Decimal(1) + _pct(rng, -15, 15))),
                             before_items[name]["actual"] if name in before_items else None, 92, 100)
        items.append({"name": name, "group": _GROUPS[k % len(_GROUPS)], **row})
    goods = _q(_money(rng, staff * 14, staff * 18) * _pct(rng, 8, 16))
    before_public = ({i["name"]: i["actual"] for i in previous["public_funds"]["items"]}
                     if previous is not None else {})
    public_items = []
    for k, (name, share) in enumerate(_PUBLIC_ITEMS):
        budget = _q(goods * Decimal(str(share)))
        public_items.append({"name": name, **_three_columns(rng, budget, before_public.get(name), 70, 100)})
    procurement = _three_columns(rng, _money(rng, 20, 400),
                                 previous["procurement"]["actual"] if previous is not None else None, 90, 100)
    basic_adjustment = _three_columns(rng, _money(rng, 50, 500),
                                      previous["basic_budget_adjustment"]["actual"] if previous is not None else None,
                                      95, 100)
    data: dict[str, Any] = {
        "code": f"{CITY_CODE}-{dep['code']}", "year": year, "demo": True,
        "unit": {"name": dep["name"]},
        "staffing": {"approved": staff, "actual": actual_staff,
                     "stated_control_rate": _q(Decimal(actual_staff * 100) / staff)},
        "expenditure": {"project": _column_sums(items)},
        "sangong": _sangong(rng, previous, first_previous=True, vehicle_subtotal=True),
        "public_funds": {"total": _column_sums(public_items), "items": public_items},
        "procurement": procurement,
        "basic_budget_adjustment": basic_adjustment,
        "buildings": {"approved_area": Decimal(0), "actual_area": Decimal(0), "budget": Decimal(0),
                      "actual": Decimal(0)},
        "projects": items,
    }
    return data


def _change(subject: str, current: Decimal, before: Decimal | None) -> dict[str, Any] | None:
    """A year-on-year sentence as reports write it, with the figures right (percent rounded half-up)."""
    if before is None or before == 0:
        return None
    change = current - before
    percent = _q(change * 100 / before)
    verb = ("增加", "增长") if change >= 0 else ("减少", "下降")
    return {"subject": subject, "current": current, "change": change, "percent": percent,
            "as_written": f"{subject}{current}万元，与上年相比{verb[0]}{abs(change)}万元，{verb[1]}{abs(percent)}%"}


def _three_way(dep: dict[str, Any], year: int, index: int, rng: random.Random,
               previous: dict[str, Any] | None) -> dict[str, Any]:
    """A narrative report with the three-way 人员/公用/项目 split (no 基本支出 subtotal) and income by source."""
    money = _basics(dep, rng, previous)
    personnel_budget, goods = money["personnel_budget"], money["goods"]
    plan = _project_plan(dep, rng)
    project_budget = _total(plan[1])
    appropriation = personnel_budget + goods + project_budget
    carried = _money(rng, 5, 80)
    other = _money(rng, 0, 40)
    income_total = carried + appropriation + other
    personnel_actual = _q(personnel_budget * (Decimal(1) + _pct(rng, 0, 5)))
    public_actual = _q(goods * _pct(rng, 80, 100))
    spend = _q(income_total * _pct(rng, 92, 99))
    project_actual = spend - personnel_actual - public_actual
    goals = _goals(dep, year, rng, qualitative=True)
    projects = _narrative_projects(plan, year, rng, project_actual, "three_way")
    changes = [c for c in (
        _change("收入总计", income_total, previous["income"]["total"]["actual"] if previous else None),
        _change("支出总计", spend, previous["expenditure"]["total"]["actual"] if previous else None)) if c]
    name = dep["name"]
    data: dict[str, Any] = {
        "code": f"{CITY_CODE}-{dep['code']}", "year": year, "demo": True,
        "unit": {"name": name, "supervisor": dep["supervisor"]},
        "duties": list(dep["duties"]),
        "annual_plan": f"{year}年，{name}围绕年度重点任务统筹安排预算。",
        "goals": goals,
        "stated_counts": {"goals": len(goals)},
        "income": {"total": {"actual": income_total}, "carryover": {"actual": carried},
                   "appropriation": {"budget": appropriation, "actual": appropriation}, "other": {"actual": other}},
        "expenditure": {"total": {"budget": personnel_budget + goods + project_budget, "actual": spend},
                        "personnel": {"budget": personnel_budget, "actual": personnel_actual},
                        "public": {"budget": goods, "actual": public_actual},
                        "project": {"budget": project_budget, "actual": project_actual}},
        "sangong": _sangong(rng, previous),
        "carryover": {"fiscal": income_total - spend},
        "management": _management(name, len(goals)),
        "projects": projects,
        "problems": _problems(index, year, rng),
        "stated_changes": changes,
        "_personnel_budget": personnel_budget,
        "_other_projects": _OTHER_PROJECTS["three_way"],
    }
    return data


def _identity(dep: dict[str, Any], year: int, index: int, rng: random.Random,
              previous: dict[str, Any] | None) -> dict[str, Any]:
    return {"code": f"{CITY_CODE}-{dep['code']}", "year": year, "demo": True, "unit": {"name": dep["name"]}}


_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "report": _report,
    "no_approval": lambda *args: _report(*args, approval=False),
    "basic_table": _basic_table,
    "three_way": _three_way,
    "identity": _identity,
}


def generate(departments: int, years: list[int], seed: int,
             profiles: Sequence[str] = PROFILES) -> list[DepartmentYear]:
    """Build the demo records (validated), in a fixed order; department ``i`` has ``profile_of(i, profiles)``."""
    if not 1 <= departments <= MAX_DEPARTMENTS:
        raise ValueError(f"departments must be 1..{MAX_DEPARTMENTS}")
    unknown = set(profiles) - set(ALL_PROFILES)
    if unknown or not profiles:
        raise ValueError(f"unknown profiles: {sorted(unknown)}")
    rng = random.Random(seed)
    faults = planted_faults(departments, years, profiles)
    records: list[DepartmentYear] = []
    for index, dep in enumerate(catalogue(departments)):
        build = _BUILDERS[profile_of(index, profiles)]
        previous: dict[str, Any] | None = None
        for year in sorted(years):
            data = build(dep, year, index, rng, previous)
            previous = _snapshot(data)
            fault = faults.get((data["code"], year))
            if fault is not None:
                fault.apply(data, rng)
            records.append(DepartmentYear.model_validate(
                {k: v for k, v in data.items() if not k.startswith("_") and v not in (None, [])}))
    return records


def _snapshot(data: dict[str, Any]) -> dict[str, Any]:
    """What the next year reads of this one (taken before a fault is planted)."""
    return copy.deepcopy(data)


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
