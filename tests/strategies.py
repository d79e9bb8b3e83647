"""Records for tests: partial records shaped like real reports, and a hypothesis strategy of valid records.

``PARTIAL_RECORDS`` are schema-2 records with only what real partial reports state (figures from
``../shared/real-reports/README.md``); ``records()`` draws any VALID schema-2 record, from identity only to
every section, for property tests (facts, checks, scoring, charts, the Word/Excel writers …)::

    from hypothesis import given
    from tests.strategies import records

    @given(records())
    def test_something(record: DepartmentYear) -> None: ...

What the strategy draws stays within what every writer can carry: a section is absent or states
something (never present and empty), optional text is absent or non-blank, text holds no carriage
return (Excel reads line ends as ``\\n``) and no control character (the schema refuses those).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, get_args

from hypothesis import strategies as st

from perfeval.model import DepartmentYear, Relation, value_at
from perfeval.model.schema import CONTROL_CHARACTERS, MAX_AMOUNT

# --------------------------------------------------------------------------- partial records of real shapes


def _record(data: dict[str, Any]) -> DepartmentYear:
    return DepartmentYear.model_validate(data)


#: Name → a partial record as real reports give them (figures from ../shared/real-reports/README.md).
PARTIAL_RECORDS: dict[str, Callable[[], DepartmentYear]] = {
    # Identity only: what every record must state and nothing else.
    "identity": lambda: _record({"code": "yueyanglou-zhengfuban", "year": 2021,
                                 "unit": {"name": "岳阳楼区人民政府办公室"}}),
    # 07 岳阳楼区人民政府办公室 2021: a cover and staffing, the excerpt cut before the money.
    "cover_staffing": lambda: _record({
        "code": "yueyanglou-zhengfuban", "year": 2021, "unit": {"name": "岳阳楼区人民政府办公室"},
        "cover": {"budget_code": "102001", "report_date": "2022-05-13", "evaluation_method": "自评"},
        "staffing": {"approved": 36, "actual": 38}}),
    # 06 南县政协 2021: only income and expenditure (three-way split, no 基本支出 subtotal, no budget).
    "income_expenditure": lambda: _record({
        "code": "nanxian-zhengxie", "year": 2021, "unit": {"name": "南县政协"},
        "income": {"total": {"actual": "792.22"}, "appropriation": {"actual": "792.22"}},
        "expenditure": {"total": {"actual": "799.12"}, "personnel": {"actual": "434.89"},
                        "public": {"actual": "77.4"}, "project": {"actual": "286.83"}},
        "stated_changes": [
            {"subject": "收入总计", "current": "792.22", "change": "189.25", "percent": "31.39",
             "as_written": "收入总计792.22万元，与上年相比增加189.25万元，增长31.39%"},
            {"subject": "财政拨款收入", "current": "792.22", "change": "209.28", "percent": "35.9"}]}),
    # 04 岳阳楼区文化旅游广电体育局 2023: only a 基础数据表 (three columns per row; blank cells stay blank).
    "basic_table": lambda: _record({
        "code": "yueyanglou-wenlv", "year": 2023, "unit": {"name": "岳阳楼区文化旅游广电体育局"},
        "staffing": {"approved": 11, "actual": 16},
        "expenditure": {"project": {"previous": "2218.71", "budget": "1731.57", "actual": "1731.57"}},
        "sangong": {"total": {"previous": "1.84", "budget": "1.49", "actual": "1.49"},
                    "reception": {"previous": "1.84", "budget": "1.49", "actual": "1.49"}},
        "public_funds": {"total": {"previous": "30.05", "budget": "28.90", "actual": "28.90"}},
        "procurement": {"budget": "1551.4", "actual": "1551.4"},
        "basic_budget_adjustment": {"previous": "431.64", "budget": "322.07", "actual": "322.07"},
        "buildings": {"approved_area": 0, "actual_area": 0, "budget": 0, "actual": 0},
        "projects": [
            {"name": "业务工作经费", "group": "业务工作经费", "actual": "600.58"},
            {"name": "疫情防控项目", "actual": "324.05"},
            {"name": "公共文化服务体系建设(区级)", "group": "区级专项资金", "actual": "68.7"},
            {"name": "局办公楼维修改造", "actual": "163.91"},
            {"name": "鹰山文化中心图书馆维修改造", "actual": "334.46"},
            {"name": "体彩公益金支出", "actual": "173.87"},
            {"name": "公共文化服务体系建设(上级转移支付)", "group": "上级转移支付", "actual": "66"}],
        "annotations": {
            "projects[5].actual": {"inferred": True, "note": "此行只有两个数值，按列位置推断为本年决算数"},
            "projects[6].actual": {"inferred": True, "note": "此行只有两个数值，按列位置推断为本年决算数"}}}),
    # 12 (unit unknown) 2018: a 基础数据表 with 公用经费 items and 三公 items.
    "basic_table_items": lambda: _record({
        "code": "unknown-2018", "year": 2018, "unit": {"name": "某单位"},
        "staffing": {"approved": 143, "actual": 136, "stated_control_rate": "95.10"},
        "sangong": {"total": {"previous": "29.08", "budget": "63.46", "actual": "44.29"},
                    "vehicle": {"previous": "11.86", "budget": "41.46", "actual": "39.30"},
                    "vehicle_purchase": {"budget": "29.46", "actual": "29.46"},
                    "vehicle_operation": {"previous": "11.86", "budget": "12", "actual": "9.84"},
                    "reception": {"previous": "17.22", "budget": "22", "actual": "4.99"}},
        "public_funds": {"items": [
            {"name": "办公经费", "previous": "14.44", "budget": "10", "actual": "0.68"},
            {"name": "水电差旅", "previous": "17.92", "budget": "7.50", "actual": "25.36"},
            {"name": "会议培训", "previous": "0", "budget": "0.8", "actual": "0"}]},
        "procurement": {"previous": "16.14", "budget": "30.66", "actual": "30.66"},
        "income": {"appropriation": {"budget": "1922.76", "adjusted": "2690.62"}},
        "projects": [{"name": "业务工作专项", "previous": "938.8", "budget": "320", "actual": "689.16"}]}),
    # 10 岳阳县荣湾湖建设开发服务中心 2016: income by sub-unit, a cover.
    "sub_units": lambda: _record({
        "code": "yueyangxian-rongwanhu", "year": 2016, "unit": {"name": "岳阳县荣湾湖建设开发服务中心"},
        "cover": {"budget_code": "YYX292", "report_date": "2017-07-25"},
        "staffing": {"approved": 19, "actual": 19},
        "income_by_unit": [
            {"name": "汇总", "total": "229.46", "carryover": "37.23", "appropriation": "106.13", "other": "86.1",
             "is_total": True},
            {"name": "局机关", "total": "176.26", "carryover": "35.87", "appropriation": "80.39", "other": "60"},
            {"name": "二级机构1", "total": "53.2", "carryover": "1.36", "appropriation": "25.74", "other": "26.1"}]}),
}


# --------------------------------------------------------------------------- a strategy of valid records

_TEXT_ALPHABET = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\r" + "".join(chr(c) for c in range(0x3000) if CONTROL_CHARACTERS.match(chr(c)))
    + "\ufffe\uffff",
)
#: Everyday text of reports, mixed in so that draws look like data (and text like numbers, dates, formulas).
_SAMPLES = ("湘潭市民政局", "项目支出", "=SUM(A1:A3)", "+86", "-", "@某", "'引号", "0700", "2025-05-30", "yes",
            "1,234.5", "第一行\n第二行", "a: b", "- x", "#", "{x}", "万元", "…", "  前后空格  ")


def texts(max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-blank text the schema accepts (stripped of surrounding white space by the model)."""
    return (st.text(_TEXT_ALPHABET, min_size=1, max_size=max_size) | st.sampled_from(_SAMPLES)).filter(
        lambda t: bool(t.strip()))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def decimals(draw: st.DrawFn, *, signed: bool = False, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """An exact Decimal as written in a report: up to 4 decimal places, sometimes trailing zeros (28.90)."""
    places = draw(st.integers(0, 4))
    bound = int(limit * 10 ** places)
    small = min(bound, 100_000)
    units = draw(st.integers(-bound if signed else 0, bound) | st.integers(-small if signed else 0, small))
    value = Decimal(units).scaleb(-places)
    return value if value != 0 or not value.is_signed() else Decimal(0)


def amounts() -> st.SearchStrategy[Decimal]:
    return decimals()


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Decimal] | None:
    """An Amounts row: any of its four columns stated (None when none is)."""
    row = {key: draw(maybe(amounts())) for key in ("previous", "budget", "adjusted", "actual")}
    row = {k: v for k, v in row.items() if v is not None}
    return row or None


def _section(values: dict[str, Any]) -> dict[str, Any] | None:
    """Keep stated values; None when nothing is stated (a section is absent or says something). False is
    left out too, as the default of a flag, except for ``no_large_projects`` (None: not said; False: said)."""
    out = {k: v for k, v in values.items()
           if v is not None and v != [] and v != "" and (v is not False or k == "no_large_projects")}
    return out or None


def _text_or_empty() -> st.SearchStrategy[str]:
    return st.just("") | texts()


_DATES = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
_COUNTS = st.integers(0, 10_000_000)
_RELATIONS = st.sampled_from(get_args(Relation))


@st.composite
def quantity(draw: st.DrawFn, unit: str) -> dict[str, Any]:
    return {"value": draw(decimals(signed=True)), "unit": unit, "relation": draw(_RELATIONS)}


@st.composite
def indicator(draw: st.DrawFn) -> dict[str, Any]:
    unit = draw(st.just("") | texts(4))
    return _section({
        "name": draw(texts()), "category": draw(st.sampled_from(["产出", "效果", "满意度"])),
        "target": draw(maybe(quantity(unit))), "actual": draw(maybe(quantity(unit))),
        "target_text": draw(maybe(texts())), "actual_text": draw(maybe(texts())),
    }) or {}


def _numbered(draw: st.DrawFn, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    numbers = draw(st.lists(maybe(st.integers(1, 99)), min_size=len(items), max_size=len(items)))
    seen: set[int] = set()
    for item, number in zip(items, numbers):
        if number is not None and number not in seen:
            item["number"] = number
            seen.add(number)
    return items


@st.composite
def goals(draw: st.DrawFn) -> list[dict[str, Any]]:
    items = [_section({"text": draw(texts()), "completion_title": draw(_text_or_empty()),
                       "completion": draw(_text_or_empty()),
                       "indicators": draw(st.lists(indicator(), max_size=3))}) or {}
             for _ in range(draw(st.integers(0, 3)))]
    return _numbered(draw, items)


@st.composite
def projects(draw: st.DrawFn) -> list[dict[str, Any]]:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        outputs = [_section({"name": draw(texts()), "value": draw(maybe(decimals(signed=True))),
                             "unit": draw(_text_or_empty()), "relation": draw(_RELATIONS),
                             "amount": draw(maybe(amounts()))}) or {}
                   for _ in range(draw(st.integers(0, 2)))]
        items.append(_section({
            "name": draw(texts()), "group": draw(maybe(texts())), "previous": draw(maybe(amounts())),
            "budget": draw(maybe(amounts())), "adjusted": draw(maybe(amounts())), "actual": draw(maybe(amounts())),
            "actual_label": draw(st.sampled_from(["实际支出", "实际到位资金", "财政资金实际拨付"])),
            "managed_only": draw(st.booleans()), "description": draw(_text_or_empty()), "outputs": outputs}) or {})
    return _numbered(draw, items)


@st.composite
def self_score(draw: st.DrawFn) -> dict[str, Any]:
    weight = draw(maybe(decimals(limit=Decimal(100))))
    score = draw(maybe(decimals(limit=weight if weight is not None else Decimal(100))))
    return _section({"part": draw(texts()), "level": draw(st.integers(1, 3)), "parent": draw(maybe(texts())),
                     "weight": weight, "target": draw(maybe(texts())), "actual": draw(maybe(texts())),
                     "score": score, "reason": draw(_text_or_empty())}) or {}


def _named_rows(keys: tuple[str, ...], name: str = "name", flag: str | None = None) -> st.SearchStrategy[Any]:
    @st.composite
    def row(draw: st.DrawFn) -> dict[str, Any]:
        values: dict[str, Any] = {name: draw(texts())}
        values.update({k: draw(maybe(amounts())) for k in keys})
        if flag:
            values[flag] = draw(st.booleans())
        return _section(values) or {}
    return st.lists(row(), max_size=3)


#: Paths an annotation may point at (kept only when the drawn record states the value).
_ANNOTATABLE = ("unit.annual_budget", "expenditure.total.actual", "expenditure.project.budget",
                "income.appropriation.actual", "sangong.total.actual", "projects[0].actual", "projects[1].budget",
                "staffing.approved", "adjustment.amount", "goals[0].text", "cover.report_date")


@st.composite
def records(draw: st.DrawFn) -> DepartmentYear:
    """A valid schema-2 record: identity plus any mix of sections, each absent or stating something."""
    data: dict[str, Any] = {
        "code": draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        "year": draw(st.integers(2000, 2100)),
        "demo": draw(st.booleans()),
        "title": draw(_text_or_empty()),
        "unit": _section({"name": draw(texts()), "supervisor": draw(maybe(texts())),
                          "annual_budget": draw(maybe(amounts())),
                          "internal_units": draw(st.lists(texts(), max_size=2)),
                          "sub_units": draw(st.lists(texts(), max_size=2))}),
    }
    optional: dict[str, Any] = {
        "cover": lambda: _section({"budget_code": draw(maybe(texts())), "evaluation_method": draw(maybe(texts())),
                                   "evaluator": draw(maybe(texts())), "report_date": draw(maybe(_DATES))}),
        "staffing": lambda: _section({k: draw(maybe(_COUNTS)) for k in (
            "approved", "approved_admin", "approved_institution", "actual", "actual_admin", "actual_institution")}
            | {"stated_control_rate": draw(maybe(decimals(signed=True)))}),
        "duties": lambda: draw(st.lists(texts(), max_size=3)),
        "long_term_plan": lambda: draw(_text_or_empty()),
        "annual_plan": lambda: draw(_text_or_empty()),
        "goals": lambda: draw(goals()),
        "income": lambda: _section({k: draw(rows()) for k in (
            "total", "carryover", "appropriation", "government_fund", "special_account", "other")}),
        "income_by_unit": lambda: draw(_named_rows(("total", "carryover", "appropriation", "government_fund",
                                                     "special_account", "other"), flag="is_total")),
        "adjustment": lambda: _section({
            "amount": draw(maybe(decimals(signed=True))), "purpose": draw(_text_or_empty()),
            "carryover": draw(maybe(amounts())), "carryover_mentioned": draw(st.booleans()),
            "exclusions": draw(st.lists(st.builds(lambda a, r: _section({"amount": a, "reason": r}),
                                                  maybe(amounts()), texts()), max_size=2)),
            "declared_rate": draw(maybe(decimals(signed=True))), "explanation": draw(_text_or_empty())}),
        "expenditure": lambda: _section({k: draw(rows()) for k in ("total", "basic", "personnel", "public", "project")}),
        "expenditure_by_unit": lambda: draw(_named_rows(("total", "basic", "personnel", "public", "project"),
                                                        flag="is_total")),
        "approval": lambda: _section({"approver": draw(_text_or_empty()),
                                      "year_as_written": draw(maybe(st.integers(2000, 2100))),
                                      "project_note": draw(_text_or_empty())}),
        "sangong": lambda: _section({k: draw(rows()) for k in (
            "total", "vehicle", "overseas", "vehicle_purchase", "vehicle_operation", "reception")}),
        "public_funds": lambda: _section({"total": draw(rows()),
                                          "items": draw(_named_rows(("previous", "budget", "adjusted", "actual")))}),
        "procurement": lambda: draw(rows()),
        "basic_budget_adjustment": lambda: draw(rows()),
        "buildings": lambda: _section({"approved_area": draw(maybe(decimals())), "actual_area": draw(maybe(decimals())),
                                       "stated_area_control_rate": draw(maybe(decimals(signed=True))),
                                       "budget": draw(maybe(amounts())), "actual": draw(maybe(amounts())),
                                       "stated_investment_control_rate": draw(maybe(decimals(signed=True)))}),
        "carryover": lambda: _section({"fiscal": draw(maybe(amounts())), "non_fiscal": draw(maybe(amounts()))}),
        "execution": lambda: _section({"balance_statement": draw(_text_or_empty())}),
        "management": lambda: _section({
            "budget_management": draw(_text_or_empty()), "lottery_fund": draw(maybe(amounts())),
            "large_projects_statement": draw(_text_or_empty()), "no_large_projects": draw(maybe(st.booleans())),
            "asset_management": draw(_text_or_empty()), "outcome_statement": draw(_text_or_empty()),
            "thrift_measures": draw(_text_or_empty())}),
        "self_scores": lambda: draw(st.lists(self_score(), max_size=4)),
        "self_score_total": lambda: draw(maybe(decimals(limit=Decimal(1000)))),
        "self_grade": lambda: draw(maybe(texts(2))),
        "self_funds": lambda: draw(st.lists(st.builds(
            lambda nature, item, values: _section({"nature": nature, "item": item, **values}),
            maybe(st.sampled_from(["收入性质", "支出性质"])), texts(),
            st.fixed_dictionaries({"initial": maybe(amounts()), "full_year": maybe(amounts()),
                                   "executed": maybe(amounts()), "weight": maybe(decimals(limit=Decimal(100))),
                                   "stated_rate": maybe(decimals(signed=True)),
                                   "score": maybe(decimals(limit=Decimal(100)))})), max_size=3)),
        "projects": lambda: draw(projects()),
        "problems": lambda: draw(st.lists(st.builds(
            lambda p, c, m, r, d: _section({"problem": p, "cause": c, "measures": m, "responsible": r, "deadline": d}),
            texts(), _text_or_empty(), _text_or_empty(), _text_or_empty(), maybe(_DATES)), max_size=2)),
        "other_notes": lambda: draw(_text_or_empty()),
        "stated_changes": lambda: draw(st.lists(st.builds(
            lambda s, c, ch, p, w: _section({"subject": s, "current": c, "change": ch, "percent": p, "as_written": w}),
            texts(), maybe(amounts()), maybe(decimals(signed=True)), maybe(decimals(signed=True)), _text_or_empty()),
            max_size=2)),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(optional))))
    for key in sorted(chosen):
        value = optional[key]()
        if value is not None and value != [] and value != "":
            data[key] = value
    record = DepartmentYear.model_validate(data)
    stated = [path for path in _ANNOTATABLE if value_at(record, path) is not None]
    if stated:
        paths = draw(st.lists(st.sampled_from(stated), max_size=2, unique=True))
        if paths:
            data["annotations"] = {path: _section({"as_written": draw(maybe(texts())), "inferred": draw(st.booleans()),
                                                   "note": draw(_text_or_empty())}) or {"inferred": True}
                                   for path in paths}
            record = DepartmentYear.model_validate(data)
    return record
