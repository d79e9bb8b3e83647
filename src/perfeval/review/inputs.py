"""Inputs: the figures an indicator's rule scores, each a named function of a record.

A framework file names inputs (``input: adjustment_rate``); :data:`INPUTS` is the
registry. Every input returns ``None`` when the data it needs is absent — an
absent value is *not applicable*, never 0 and never full marks — together with
one line of Chinese saying how the value was computed (or why there is none).

Each input declares the ``facts`` it judges: a framework must not let one fact
cost points in two indicators (``adjustment_rate`` and ``adjustment_reporting``
both judge the mid-year adjustment; ``execution_rate`` and the carry-over rates
both judge how much of the budget went unspent). ``tests/test_frameworks.py``
walks every framework file and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Literal, Mapping

from perfeval.model.facts import Facts, achieved, compute, indicator_met, qualitative_met
from perfeval.model.numbers import fmt_rate, fmt_wan, money_sum, rate, round_rate
from perfeval.model.schema import Amounts, DepartmentYear, FundRow, Goal, Indicator, Project
from perfeval.review.findings import Override
from perfeval.review.rules import TIER_LABELS

InputKind = Literal["percent", "bool", "tier"]
Value = Decimal | bool | str | None
Computed = tuple[Value, str]
#: A declared rate agrees with a computed one within this many percentage points (rounding to 0.01).
RATE_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class InputValue:
    """One input of an indicator, as computed from the record (or overridden)."""

    name: str                                   # registry name, e.g. "adjustment_rate"
    label: str                                  # Chinese label, e.g. "预算调整率"
    kind: InputKind
    value: Value                                # None: the data do not give it (not applicable)
    detail: str = ""                            # how it was computed, e.g. "年中调整 855.52万元 ÷ 年初预算 2373.85万元"
    overridden: bool = False                    # True when taken from a finding resolved in the unit's favour

    @property
    def display(self) -> str:
        """The value as shown to readers (36.04%, 是/否, 达成 …; — when absent)."""
        if self.value is None:
            return "—"
        if self.kind == "percent":
            assert isinstance(self.value, Decimal)
            return fmt_rate(self.value)
        if self.kind == "bool":
            return "是" if self.value else "否"
        return TIER_LABELS.get(str(self.value), str(self.value))

    @property
    def text(self) -> str:
        """Display value with its derivation in brackets."""
        return f"{self.display}（{self.detail}）" if self.detail else self.display


@dataclass(frozen=True)
class InputSpec:
    label: str
    kind: InputKind
    compute: Callable[[DepartmentYear], Computed]
    description: str = ""
    facts: tuple[str, ...] = ()     # the facts this input judges (one fact costs points in one indicator only)


def field_value(obj: Any, path: str) -> Any:
    """The value at a dotted path (``management.budget_management``), None when any part is absent."""
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _text(obj: Any, path: str) -> str:
    value = field_value(obj, path)
    return value.strip() if isinstance(value, str) else ""


def _column(row: Amounts | None, key: str) -> Decimal | None:
    return None if row is None else getattr(row, key)


# --- budget -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Adjustment:
    """The mid-year adjustment the figures give: stated, or 调整后预算 − 年初预算 of one income row (or, when
    the record has only the 自评表, 全年预算 − 年初预算 of its 年度资金总额 row)."""

    amount: Decimal | None
    initial: Decimal | None          # 年初预算 (the denominator of the adjustment rate)
    derived: bool                    # True when the amount is 调整后预算 − 年初预算 (not stated)
    adjusted: Decimal | None = None  # the stated 调整后预算 it was derived from
    form_row: str = ""               # the 自评表 row it was derived from ("" for the income rows)

    @property
    def rate(self) -> Decimal | None:
        """预算调整率 (gross) = 年中调整 ÷ 年初预算; None when either is absent or the denominator is 0."""
        if self.amount is None or self.initial is None:
            return None
        return rate(self.amount, self.initial)

    def detail(self) -> str:
        if self.form_row:
            return (f"年中调整{fmt_wan(self.amount)}（单位自评表「{self.form_row}」全年预算{fmt_wan(self.adjusted)}"
                    f"减年初预算{fmt_wan(self.initial)}）占年初预算{fmt_wan(self.initial)}的比例")
        if self.derived:
            return (f"年中调整{fmt_wan(self.amount)}（调整后预算{fmt_wan(self.adjusted)}减年初预算"
                    f"{fmt_wan(self.initial)}）占年初预算{fmt_wan(self.initial)}的比例")
        return f"年中调整{fmt_wan(self.amount)}占年初预算{fmt_wan(self.initial)}的比例"


#: Words of the 自评表's total funds row (年度资金总额).
FUND_TOTAL_WORDS = ("资金总额", "合计", "总计")


def fund_total_row(rec: DepartmentYear) -> FundRow | None:
    """The 自评表's 年度资金总额 row: the one row of no nature named 资金总额 / 合计 / 总计 (None when there is
    none, or more than one)."""
    totals = [f for f in rec.self_funds if f.nature is None and any(w in f.item for w in FUND_TOTAL_WORDS)]
    return totals[0] if len(totals) == 1 else None


def mid_year_adjustment(rec: DepartmentYear, f: Facts | None = None) -> Adjustment:
    """年中调整 as stated (``adjustment.amount``); when not stated, 调整后预算 − 年初预算 of the 财政拨款 row
    (else the 收入合计 row) when that row states both; for a record whose income rows do not, 全年预算 − 年初预算
    of the 自评表's 年度资金总额 row (a partial form that gives both supports the rate). Never from a default."""
    f = f or compute(rec)
    if f.adjustment is not None:
        return Adjustment(f.adjustment, f.initial_budget, False)
    inc = rec.income
    for row in ((inc.appropriation, inc.total) if inc is not None else ()):
        initial, adjusted = _column(row, "budget"), _column(row, "adjusted")
        if initial is not None and adjusted is not None:
            return Adjustment(adjusted - initial, initial, True, adjusted)
    fund = fund_total_row(rec)
    if f.initial_budget is None and fund is not None and fund.initial is not None and fund.full_year is not None:
        return Adjustment(fund.full_year - fund.initial, fund.initial, True, fund.full_year, fund.item)
    return Adjustment(None, f.initial_budget, False)


def adjusted_budget(rec: DepartmentYear) -> Decimal | None:
    """调整后预算: stated, else 年初预算 + 年中调整 (None when not computable)."""
    return compute(rec).adjusted_budget


def _ratio(numerator: Decimal | None, denominator: Decimal | None, detail: str, absent: str) -> Computed:
    if numerator is None or denominator is None:
        return None, absent
    value = rate(numerator, denominator)
    if value is None:
        return None, f"分母为零，无法计算（{detail}）"
    return value, detail


def _adjusted_text(f: Facts) -> str:
    if f.adjusted_budget_stated or f.adjusted_budget is None:
        return fmt_wan(f.adjusted_budget)
    return f"{fmt_wan(f.adjusted_budget)}（年初预算{fmt_wan(f.initial_budget)}与年中调整{fmt_wan(f.adjustment)}之和）"


def _missing(*pairs: tuple[object, str]) -> str:
    """"缺少A、B" naming only what is absent."""
    names = [name for value, name in pairs if value is None]
    return "缺少" + "、".join(names)


def _execution_rate(rec: DepartmentYear) -> Computed:
    f = compute(rec)
    spent, budget = f.expenditure_total, f.adjusted_budget
    fund = fund_total_row(rec)
    if (spent is None or budget is None) and fund is not None and fund.executed is not None and fund.full_year:
        # A partial record whose 自评表 gives 全年执行 and 全年预算: the form's own execution rate.
        return _ratio(fund.executed, fund.full_year, f"单位自评表「{fund.item}」全年执行{fmt_wan(fund.executed)}"
                      f"占全年预算{fmt_wan(fund.full_year)}的比例", "")
    return _ratio(spent, budget, f"支出合计{fmt_wan(spent)}占调整后预算{_adjusted_text(f)}的比例",
                  _missing((spent, "支出合计（本年决算数）"), (budget, "调整后预算（或年初预算和年中调整数）")))


def _adjustment_rate(rec: DepartmentYear) -> Computed:
    adj = mid_year_adjustment(rec)
    return _ratio(adj.amount, adj.initial, adj.detail(), _missing((adj.amount, "年中调整数"), (adj.initial, "年初预算")))


def _fiscal_carryover_rate(rec: DepartmentYear) -> Computed:
    f = compute(rec)
    fiscal = field_value(rec, "carryover.fiscal")
    return _ratio(fiscal, f.adjusted_budget, f"财政拨款结转结余{fmt_wan(fiscal)}占调整后预算{_adjusted_text(f)}的比例",
                  _missing((fiscal, "财政拨款结转结余"), (f.adjusted_budget, "调整后预算")))


def _carryover_rate(rec: DepartmentYear) -> Computed:
    f = compute(rec)
    fiscal, non_fiscal = field_value(rec, "carryover.fiscal"), field_value(rec, "carryover.non_fiscal")
    total = None if fiscal is None or non_fiscal is None else fiscal + non_fiscal
    return _ratio(total, f.adjusted_budget, f"结转结余合计{fmt_wan(total)}占调整后预算{_adjusted_text(f)}的比例",
                  _missing((fiscal, "财政拨款结转结余"), (non_fiscal, "非财政拨款结转结余"),
                           (f.adjusted_budget, "调整后预算")))


def public_amounts(rec: DepartmentYear) -> Amounts | None:
    """公用经费 row: 支出情况's, else the 公用经费 table's total."""
    exp = rec.expenditure.public if rec.expenditure is not None else None
    if exp is not None and (exp.budget is not None or exp.actual is not None):
        return exp
    return rec.public_funds.total if rec.public_funds is not None else None


def _public_control_rate(rec: DepartmentYear) -> Computed:
    row = public_amounts(rec)
    public, approved = _column(row, "actual"), _column(row, "budget")
    return _ratio(public, approved, f"公用经费决算数{fmt_wan(public)}占预算数（批复）{fmt_wan(approved)}的比例",
                  _missing((public, "公用经费本年决算数"), (approved, "公用经费预算（批复）")))


def _sangong_control_rate(rec: DepartmentYear) -> Computed:
    f = compute(rec)
    actual, budget = f.sangong_actual, f.sangong_budget
    return _ratio(actual, budget, f"三公经费决算数{fmt_wan(actual)}占预算数{fmt_wan(budget)}的比例",
                  _missing((actual, "三公经费本年决算数"), (budget, "三公经费本年预算数")))


def _sangong_change_rate(rec: DepartmentYear) -> Computed:
    f = compute(rec)
    actual, previous = f.sangong_actual, f.sangong_previous
    if previous is None:
        return None, "缺少上年三公经费实际支出"
    return _ratio(None if actual is None else actual - previous, previous,
                  f"本年{fmt_wan(actual)}较上年{fmt_wan(previous)}的增减占上年的比例",
                  "缺少本年三公经费实际支出")


def _staffing_control_rate(rec: DepartmentYear) -> Computed:
    s = rec.staffing
    actual, approved = (s.actual, s.approved) if s is not None else (None, None)
    if actual is None or approved is None:
        return None, _missing((approved, "编制数"), (actual, "实有人数"))
    return _ratio(Decimal(actual), Decimal(approved), f"实有人数{actual}人占编制数{approved}人的比例", "")


def _procurement_execution_rate(rec: DepartmentYear) -> Computed:
    row = rec.procurement
    actual, budget = _column(row, "actual"), _column(row, "budget")
    return _ratio(actual, budget, f"政府采购实际金额{fmt_wan(actual)}占政府采购预算{fmt_wan(budget)}的比例",
                  _missing((actual, "政府采购本年决算数"), (budget, "政府采购本年预算数")))


# --- projects ---------------------------------------------------------------------------------

def spending_basis(project: Project) -> bool:
    """Whether a project's stated actual amount is money spent (支出/使用), not funds disbursed (拨付) or received (到位)."""
    return "支出" in project.actual_label or "使用" in project.actual_label


def own_projects(rec: DepartmentYear) -> list[Project]:
    """Projects of the department's own budget (funds it only manages, 代管资金, left out)."""
    return [p for p in rec.projects if not p.managed_only]


def _project_execution_rate(rec: DepartmentYear) -> Computed:
    if not rec.projects:
        return None, "没有列出项目"
    own = own_projects(rec)
    if not own:
        return None, f"所列{len(rec.projects)}个项目均为代管资金，不计入本部门预算执行"
    paired = [p for p in own if p.actual is not None and p.budget is not None]
    spent = [p for p in paired if spending_basis(p)]
    other = [p for p in paired if not spending_basis(p)]
    unpaired = len(own) - len(paired)
    if not spent:
        why = "只列明拨付或到位资金" if other else "未同时列明预算和实际支出"
        return None, f"本部门{len(own)}个项目{why}，无法计算支出执行率"
    actual = money_sum([p.actual for p in spent if p.actual is not None])
    budget = money_sum([p.budget for p in spent if p.budget is not None])
    detail = f"本部门{len(spent)}个列明实际支出的项目，实际支出{fmt_wan(actual)}占预算{fmt_wan(budget)}的比例"
    if other:
        detail += f"；另有{len(other)}个项目只列明拨付或到位资金，不计入"
    if unpaired:
        detail += f"；另有{unpaired}个项目未同时列明预算和实际支出，不计入"
    return _ratio(actual, budget, detail, "")


def _project_actual_share(rec: DepartmentYear) -> Computed:
    own = own_projects(rec)
    if not own:
        return None, "没有本部门项目" if rec.projects else "没有列出项目"
    stated = sum(1 for p in own if p.actual is not None)
    return rate(Decimal(stated), Decimal(len(own))), f"本部门{len(own)}个项目中{stated}个列明实际支出"


# --- goals ------------------------------------------------------------------------------------

def _indicators(rec: DepartmentYear, *categories: str) -> list[Indicator]:
    return [ind for goal in rec.goals for ind in goal.indicators if not categories or ind.category in categories]


def result_stated(goal: Goal) -> bool:
    """Whether the data say what became of a goal: its completion statement, or the result (a value or words) of
    one of its indicators."""
    return bool(goal.completion.strip()) or any(
        i.actual is not None or (i.actual_text or "").strip() for i in goal.indicators)


def _goal_names(goals: list[tuple[int, Goal]]) -> str:
    return "、".join(f"目标{g.number if g.number is not None else i + 1}" for i, g in goals)


def _no_result(total: int) -> str:
    """Why a goal rate is not computed when no goal's result is stated (the results may be unread, not unsaid)."""
    return (f"所列{total}个绩效目标{'均' if total > 1 else ''}未载明完成情况或指标实际值（原报告未说明或数据未录入，"
            "无从区分），完成结果无从核对，不计算")


def _goal_completion_share(rec: DepartmentYear) -> Computed:
    """Goals with a completion statement among all goals, computed once the data state the result of at least one
    goal (the report's results were read); when they state none, absent: not a rate of 0."""
    total = len(rec.goals)
    if total == 0:
        return None, "没有绩效目标"
    if not any(result_stated(g) for g in rec.goals):
        return None, _no_result(total)
    done = sum(1 for g in rec.goals if g.completion.strip())
    return rate(Decimal(done), Decimal(total)), f"{total}个绩效目标中{done}个有完成情况说明"


def _indicator_actual_share(rec: DepartmentYear) -> Computed:
    inds = _indicators(rec)
    if not inds:
        return None, "没有绩效指标"
    stated = sum(1 for i in inds if i.actual is not None or (i.actual_text or "").strip())
    return rate(Decimal(stated), Decimal(len(inds))), f"{len(inds)}个绩效指标中{stated}个填报实际值（含文字描述）"


def _indicator_target_share(rec: DepartmentYear) -> Computed:
    inds = _indicators(rec)
    if not inds:
        return None, "没有绩效指标"
    stated = sum(1 for i in inds if i.target is not None)
    return rate(Decimal(stated), Decimal(len(inds))), f"{len(inds)}个绩效指标中{stated}个有量化目标值"


def _met_share(*categories: str) -> Callable[[DepartmentYear], Computed]:
    what = "、".join(categories) + "指标"

    def compute_met(rec: DepartmentYear) -> Computed:
        inds = _indicators(rec, *categories)
        judged = [m for m in (achieved(i) for i in inds) if m is not None]
        if not judged:
            return None, f"没有同时列明目标值和实际值的{what}，也没有以文字说明完成情况的定性指标"
        met = sum(1 for m in judged if m)
        words = sum(1 for i in inds if qualitative_met(i) is not None)
        among = f"，其中{words}个定性指标按原报告的文字说明判断" if words else ""
        return rate(Decimal(met), Decimal(len(judged))), (
            f"{len(judged)}个可判断的{what}中{met}个达成{among}")
    return compute_met


def _form_targets(rec: DepartmentYear) -> int:
    """How many rows of the unit's 自评表 state a target (年度指标值): a form that lists the goal indicators apart
    from the goals (年度总体目标 beside a 绩效指标 table) without tying an indicator to a goal."""
    return sum(1 for s in rec.self_scores if (s.target or "").strip())


def _verifiable_goal_share(rec: DepartmentYear) -> Computed:
    """Goals with an indicator whose result can be held against its target, among the goals whose result is
    stated: whether a goal without a stated result could be checked is not known (it is left out and named).
    Absent when no goal states a result, or when the goals carry no target at all while the 自评表 states the
    targets of indicators it does not tie to goals (counting those goals as unverifiable would score a link the
    form does not make)."""
    total = len(rec.goals)
    if total == 0:
        return None, "没有绩效目标"
    stated = [(i, g) for i, g in enumerate(rec.goals) if result_stated(g)]
    if not stated:
        return None, _no_result(total)
    on_form = _form_targets(rec)
    if on_form and not any(ind.target is not None for g in rec.goals for ind in g.indicators):
        return None, (f"所列{total}个绩效目标的指标均未列明目标值；单位自评表另列{on_form}个绩效指标的年度指标值，"
                      "未与目标逐条对应，无法按目标计算")
    verifiable = sum(1 for _, g in stated if any(indicator_met(i) is not None for i in g.indicators))
    left = [(i, g) for i, g in enumerate(rec.goals) if not result_stated(g)]
    if not left:
        return rate(Decimal(verifiable), Decimal(total)), (
            f"{total}个绩效目标中{verifiable}个至少有一个可对照目标值核验的指标")
    return rate(Decimal(verifiable), Decimal(len(stated))), (
        f"{total}个绩效目标中{len(stated)}个载明完成结果，其中{verifiable}个至少有一个可对照目标值核验的指标；"
        f"{_goal_names(left)}未载明完成结果，能否核验无从判断，不计入")


def _satisfaction_rate(rec: DepartmentYear) -> Computed:
    found = [i for i in _indicators(rec, "满意度") if i.actual is not None and i.actual.unit == "%"]
    if not found:
        return None, "没有以百分比填报的满意度指标"
    lowest = min(found, key=lambda i: i.actual.value if i.actual else Decimal(0))
    assert lowest.actual is not None
    return lowest.actual.value, f"{len(found)}个满意度指标中最低为「{lowest.name}」"


# --- statements -------------------------------------------------------------------------------

def _mentions(path: str, section: str, *keywords: str) -> Callable[[DepartmentYear], Computed]:
    def compute_mention(rec: DepartmentYear) -> Computed:
        text = _text(rec, path)
        if not text:
            return None, f"未填写{section}"
        hit = next((k for k in keywords if k in text), None)
        if hit:
            return True, f"文中写明「{hit}」"
        return False, "文中未见「" + "」「".join(keywords) + "」"
    return compute_mention


def _problems_all(attr: str, label: str) -> Callable[[DepartmentYear], Computed]:
    def compute_problems(rec: DepartmentYear) -> Computed:
        if not rec.problems:
            return None, "未列出存在的问题"
        missing = [p for p in rec.problems if not getattr(p, attr)]
        if missing:
            return False, f"{len(rec.problems)}个问题中{len(missing)}个缺少{label}"
        return True, f"{len(rec.problems)}个问题均列明{label}"
    return compute_problems


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and abs(round_rate(a) - b) <= RATE_TOLERANCE


def _adjustment_reporting(rec: DepartmentYear) -> Computed:
    """met: no adjustment, or adjustment explained and the declared rate (if any) agrees with the data (gross, or
    counted after the stated exclusions and carry-over); partly: explained but the declared rate contradicts it;
    not_met: unexplained."""
    adj = mid_year_adjustment(rec)
    if adj.amount is None:
        return None, "缺少年中调整数"
    if adj.amount == 0:
        return "met", "无年中预算调整"
    stated = rec.adjustment
    explained = bool(stated is not None and (stated.explanation.strip() or stated.purpose.strip()))
    declared = stated.declared_rate if stated is not None else None
    gross, counted = adj.rate, compute(rec).counted_adjustment_rate
    agrees = declared is None or _close(gross, declared) or _close(counted, declared)
    if explained and agrees:
        return "met", f"年中调整{fmt_wan(adj.amount)}已说明用途"
    if explained:
        return "partly", (f"年中调整{fmt_wan(adj.amount)}已说明用途，但自述预算调整率{fmt_rate(declared)}"
                          f"与实际{fmt_rate(gross)}不符")
    return "not_met", f"年中调整{fmt_wan(adj.amount)}未说明原因"


_BM = "management.budget_management"
_AM = "management.asset_management"

#: The registry of inputs a framework may name.
#: Which goal indicators an achievement rate counts (its formula's note).
_JUDGED = "（同时有目标值和实际值的，及以文字写明达成与否的定性指标；“基本完成”“正在推进”等未说明的不计）"

INPUTS: dict[str, InputSpec] = {
    "execution_rate": InputSpec("预算执行率", "percent", _execution_rate, "实际支出 ÷ 调整后预算", ("budget_spent",)),
    "adjustment_rate": InputSpec("预算调整率", "percent", _adjustment_rate, "年中调整数 ÷ 年初预算",
                                 ("budget_adjustment",)),
    "fiscal_carryover_rate": InputSpec("财政拨款结转结余率", "percent", _fiscal_carryover_rate,
                                       "财政拨款结转结余 ÷ 调整后预算（未支出的预算，与预算执行率是同一事实）",
                                       ("budget_spent",)),
    "carryover_rate": InputSpec("结转结余率", "percent", _carryover_rate,
                                "（财政拨款 + 非财政拨款）结转结余 ÷ 调整后预算", ("budget_spent",)),
    "public_control_rate": InputSpec("公用经费控制率", "percent", _public_control_rate,
                                     "实际公用经费 ÷ 公用经费预算（批复的商品服务支出）", ("public_spending",)),
    "sangong_control_rate": InputSpec("三公经费控制率", "percent", _sangong_control_rate, "三公实际 ÷ 三公预算",
                                      ("sangong_vs_budget",)),
    "sangong_change_rate": InputSpec("三公经费变动率", "percent", _sangong_change_rate, "（本年 − 上年）÷ 上年",
                                     ("sangong_vs_last_year",)),
    "project_execution_rate": InputSpec("项目预算执行率", "percent", _project_execution_rate,
                                        "本部门项目（不含代管资金）列明实际支出的：实际支出合计 ÷ 预算合计",
                                        ("project_spending",)),
    "project_actual_share": InputSpec("项目实际支出披露率", "percent", _project_actual_share,
                                      "本部门项目中列明实际支出的项目数 ÷ 项目数", ("project_disclosure",)),
    "goal_completion_share": InputSpec("目标完成情况说明率", "percent", _goal_completion_share,
                                       "有完成情况说明的目标数 ÷ 目标数", ("goal_statements",)),
    "indicator_actual_share": InputSpec("绩效指标实际值填报率", "percent", _indicator_actual_share,
                                        "填报实际值（数值或文字）的指标数 ÷ 指标数", ("indicator_entries",)),
    "indicator_target_share": InputSpec("绩效指标量化率", "percent", _indicator_target_share,
                                        "有量化目标值的指标数 ÷ 指标数", ("goal_targets",)),
    "indicator_met_share": InputSpec("绩效指标达成率", "percent", _met_share("产出", "效果"),
                                     "达成的产出、效果指标数 ÷ 可判断的产出、效果指标数" + _JUDGED,
                                     ("output_results", "outcome_results")),
    "output_met_share": InputSpec("产出指标达成率", "percent", _met_share("产出"),
                                  "达成的产出指标数 ÷ 可判断的产出指标数" + _JUDGED, ("output_results",)),
    "outcome_met_share": InputSpec("效果指标达成率", "percent", _met_share("效果"),
                                   "达成的效果指标数 ÷ 可判断的效果指标数" + _JUDGED, ("outcome_results",)),
    "verifiable_goal_share": InputSpec("可核验目标占比", "percent", _verifiable_goal_share,
                                       "至少有一个可对照目标值核验的指标的目标数 ÷ 目标数", ("goal_targets",)),
    "satisfaction_rate": InputSpec("满意度", "percent", _satisfaction_rate, "满意度指标（%）中的最低值",
                                   ("satisfaction",)),
    "finance_rules_stated": InputSpec("制定内部财务管理制度", "bool", _mentions(_BM, "预算管理情况", "财务管理制度"),
                                      facts=("finance_rules",)),
    "separate_accounting_stated": InputSpec("专项支出单独核算", "bool", _mentions(_BM, "预算管理情况", "单独核算"),
                                            facts=("separate_accounting",)),
    "disclosure_stated": InputSpec("按规定公开预算、决算、绩效信息", "bool", _mentions(_BM, "预算管理情况", "公开"),
                                   facts=("disclosure",)),
    "procurement_stated": InputSpec("应采尽采，执行政府采购", "bool", _mentions(_BM, "预算管理情况", "政府采购"),
                                    facts=("procurement",)),
    "asset_rules_stated": InputSpec("制定资产管理制度", "bool", _mentions(_AM, "资产管理情况", "资产管理制度"),
                                    facts=("asset_rules",)),
    "asset_rules_compliant_stated": InputSpec("资产管理制度合法合规完整", "bool",
                                              _mentions(_AM, "资产管理情况", "合法", "合规"),
                                              facts=("asset_rules_compliance",)),
    "problem_measures_stated": InputSpec("问题均有整改措施", "bool", _problems_all("measures", "整改措施"),
                                         facts=("problem_measures",)),
    "problem_responsible_stated": InputSpec("问题均有整改责任人", "bool", _problems_all("responsible", "整改责任人"),
                                            facts=("problem_responsible",)),
    "problem_deadline_stated": InputSpec("问题均有整改完成时限", "bool", _problems_all("deadline", "整改完成时限"),
                                         facts=("problem_deadline",)),
    "staffing_control_rate": InputSpec("在职人员控制率", "percent", _staffing_control_rate, "实有人数 ÷ 编制数",
                                       ("staffing",)),
    "procurement_execution_rate": InputSpec("政府采购执行率", "percent", _procurement_execution_rate,
                                            "政府采购实际金额 ÷ 政府采购预算", ("procurement_execution",)),
    "adjustment_reporting": InputSpec("预算调整规范性", "tier", _adjustment_reporting,
                                      "调整有说明且自述调整率与数据一致为达成；有说明但自述调整率不符为部分达成；未说明为未达成",
                                      ("budget_adjustment",)),
}


def input_value(name: str, rec: DepartmentYear, overrides: Mapping[str, Override] | None = None) -> InputValue:
    """Compute one input of a record; an override (a finding resolved in the unit's favour) replaces it."""
    spec = INPUTS[name]
    if overrides and name in overrides:
        chosen = overrides[name]
        return InputValue(name=name, label=spec.label, kind=spec.kind, value=chosen.value, detail=chosen.detail,
                          overridden=True)
    value, detail = spec.compute(rec)
    return InputValue(name=name, label=spec.label, kind=spec.kind, value=value, detail=detail)
