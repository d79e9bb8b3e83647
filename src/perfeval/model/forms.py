"""The forms registry: every row and field of the official forms we carry, in one table.

One :class:`FormEntry` per field of the record that a report's forms, cover lines or tables state: its
**path** as in the schema (``income.appropriation``, ``staffing.actual``, ``cover.report_date``; the fields
of a list's items without an index: ``self_scores.weight``, ``staffing.posts.count``), the canonical
**label** (what pages, Excel headers and check messages call it), its **synonyms** as written in different
provinces' templates (Hunan 基础数据表 and 自评表, Yueyang covers and by-unit tables, Yunnan and Guangdong
forms, the Anhui 自评表 …), its **section**, its **kind** (money / headcount / count / rate / score / date /
year / text / code / area / flag) and **unit** (万元, 人, 个, 辆, %, 分, 平方米). A money row (an
:class:`~perfeval.model.schema.Amounts` line) lists its **columns** and how it adds up: ``parts`` are the
alternative splits of a total into its items (支出合计 = 基本 + 项目, or 人员 + 公用 + 项目), ``items`` the
open list whose rows are items of it (项目支出 → ``projects``).

Everything that names a form field reads it: the schema's titles (``FormEntry.schema_title``; a test
proves they are equal), the Excel layout, the checks' row lists, the page tables, the demo generator and
the report importer. Adding a form row is an entry here plus the code that is really new.

Reading labels: :func:`normalize` folds a label as written (full-width forms, spaces, quotes around 三公,
brackets such as （万元） or （公章）, numbering such as 一、 / （二） / 1、, a leading 其中 or year, trailing
情况 / 合计 / 总计 / 数 and colons); :func:`match` gives the entries a label may name, optionally only of
some kinds, sections or a unit (a figure written in 人 never matches a money field); :func:`column_key`
maps a column header (上年决算数, 2023年预算数, 全年执行数 …) to a column of the money rows. Money written in
元, 千元 or 亿元 is converted exactly by :func:`to_wan`; a table's unit as written is kept in the record's
``source_units`` section.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable, Literal

Kind = Literal["money", "headcount", "count", "rate", "score", "date", "year", "text", "code", "area", "flag"]
KINDS: tuple[str, ...] = ("money", "headcount", "count", "rate", "score", "date", "year", "text", "code", "area",
                          "flag")

#: Units a figure of each kind may be written in (the first is the one the record keeps).
KIND_UNITS: dict[str, tuple[str, ...]] = {
    "money": ("万元", "元", "千元", "亿元"),
    "headcount": ("人", "名"),
    "rate": ("%",),
    "score": ("分",),
    "area": ("平方米", "㎡", "m²", "m2", "平米"),
}
#: Money units as a table states them (``source_units``), and the power of ten that takes each to 万元.
SOURCE_UNITS: tuple[str, ...] = ("元", "千元", "万元", "亿元")
_SHIFT = {"元": -4, "千元": -1, "万元": 0, "万": 0, "亿元": 4, "亿": 4}


@dataclass(frozen=True)
class FormColumn:
    """A column of the money rows (上年决算数 / 本年预算数 / 调整后预算数 / 本年决算数)."""

    key: str
    label: str
    title: str
    synonyms: tuple[str, ...]
    final: bool          # a 决算 / 执行 (spent) column, not a budget one


#: The columns of every money row, in the forms' order.
AMOUNT_COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("previous", "上年决算数", "上年决算数",
               ("上年决算", "上年实际数", "上年数", "上年度决算数", "上年执行数", "上年实际支出"), True),
    FormColumn("budget", "本年预算数", "本年预算数（年初预算、批复数）",
               ("年初预算数", "年初预算", "年初数", "预算数", "本年预算", "当年预算数", "批复数", "年初预算金额",
                "预算安排"), False),
    FormColumn("adjusted", "调整后预算数", "调整后预算数（全年预算）",
               ("调整后预算", "全年预算数", "全年预算", "调整预算数", "全年预算金额"), False),
    FormColumn("actual", "本年决算数", "本年决算数（实际）",
               ("本年决算", "决算数", "当年决算数", "全年执行数", "全年执行", "执行数", "本年执行数", "实际执行数",
                "实际支出数", "实际支出", "实际数", "本年实际", "实际"), True),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in AMOUNT_COLUMNS)


@dataclass(frozen=True)
class FormEntry:
    """One row or field of the forms (see the module docstring)."""

    path: str
    label: str
    kind: Kind
    section: str = ""
    unit: str = ""
    synonyms: tuple[str, ...] = ()
    title: str = ""                                 # the schema's title when it qualifies the label
    hint: str = ""                                  # how to fill it in (Excel 填写说明)
    columns: tuple[str, ...] = ()                   # a money row: its columns
    by_column: tuple[tuple[str, str], ...] = ()     # (column, spelling): spellings that name one column
    parts: tuple[tuple[str, ...], ...] = ()         # a total: alternative splits into item paths
    items: str = ""                                 # a total: the open list whose rows are its items
    signed: bool = False                            # an amount that may be negative
    choices: tuple[str, ...] = ()                   # the values a code may take
    count_units: tuple[str, ...] = ()               # a count's units besides ``unit`` (项, 家 …)

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def schema_title(self) -> str:
        """The pydantic ``title`` of the field (the label, qualified where the schema says more)."""
        return self.title or self.label

    @property
    def is_row(self) -> bool:
        """A money row with columns (an Amounts line or a named item line)."""
        return bool(self.columns)

    @property
    def units(self) -> tuple[str, ...]:
        """The units a figure of this field may be written in."""
        if self.kind == "count":
            return (self.unit, *self.count_units) if self.unit else self.count_units
        return KIND_UNITS.get(self.kind, (self.unit,) if self.unit else ())

    def spellings(self) -> tuple[str, ...]:
        """The label, its synonyms and the spellings that name one of its columns."""
        return (self.label, *self.synonyms, *(s for _, s in self.by_column))

    def accepts(self, unit: str) -> bool:
        """Whether a figure written in ``unit`` may be this field's (a money field takes no 人, and the reverse)."""
        return _fold_unit(unit) in {_fold_unit(u) for u in self.units}


@dataclass(frozen=True)
class FormSection:
    key: str
    title: str
    synonyms: tuple[str, ...] = ()


def _fold_unit(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).strip().lower()


# --- the table ------------------------------------------------------------------------------------

def _row(path: str, label: str, *synonyms: str, **kw: object) -> FormEntry:
    """A money row in the four columns of the forms."""
    return FormEntry(path, label, "money", unit="万元", synonyms=synonyms, columns=COLUMN_KEYS, **kw)  # type: ignore[arg-type]


def _f(path: str, label: str, kind: Kind, *synonyms: str, **kw: object) -> FormEntry:
    unit = kw.pop("unit", None)
    if unit is None:
        unit = {"money": "万元", "headcount": "人", "rate": "%", "score": "分", "area": "平方米"}.get(kind, "")
    return FormEntry(path, label, kind, unit=unit, synonyms=synonyms, **kw)  # type: ignore[arg-type]


_INCOME = ("income.carryover", "income.appropriation", "income.government_fund", "income.special_account",
           "income.other")
_STAFF = "人员数按原文填写（人、名均填数字）；原文未写的留空"

_TABLE: tuple[tuple[FormSection, tuple[FormEntry, ...]], ...] = (
    (FormSection("report", "报告信息"), (
        _f("year", "评价年度", "year", "年度", "报告年度", "评价年份", hint="报告所评价的年度，如 2024（不是发布日期的年份）"),
        _f("title", "报告标题", "text", "标题", "报告名称", "正文标题", hint="留空则自动生成为“某年某单位部门整体支出绩效评价报告”"),
    )),
    (FormSection("unit", "部门概况", ("部门基本情况", "单位基本情况", "基本概况", "部门单位基本概况", "部门概况",
                                   "单位概况")), (
        _f("unit.name", "单位名称", "text", "部门名称", "部门单位名称", "预算单位名称", "单位", "填报单位", "预算单位", "部门"),
        _f("unit.supervisor", "主管部门", "text", "主管单位", "上级主管部门", hint="原文未写时留空（页面归入“未注明主管部门”）"),
        _f("unit.annual_budget", "年度预算金额", "money", "年度预算总额", "部门预算金额", "年度预算资金"),
        _f("unit.internal_units", "内设机构", "text", "内设科室", "内设机构设置", "内设人大机构"),
        _f("unit.sub_units", "下属单位", "text", "二级机构", "所属单位", "直属单位", "下设直属单位", "下属事业单位",
           "二级预算单位", "事业单位", title="下属单位（二级机构）"),
    )),
    (FormSection("cover", "封面"), (
        _f("cover.budget_code", "预算编码", "code", "预算代码", "单位编码", "预算单位编码", "部门编码", hint="如 102001；按文本填写，保留前导 0"),
        _f("cover.evaluation_method", "评价方式", "text", "评价类型", hint="如 自评、第三方评价"),
        _f("cover.evaluated_unit", "评价单位", "text", "被评价单位", "评价对象单位", hint="封面“评价单位（公章）”一行所写的单位名称，照录"),
        _f("cover.evaluator", "评价机构", "text", "评价组织", "评价实施机构"),
        _f("cover.report_date", "报告日期", "date", "报告期", "报告时间", "评价报告日期", "成文日期"),
        _f("cover.fill_date", "填报日期", "date", "填表日期", "填报时间"),
        _f("cover.document_number", "文号", "code", "发文字号", "文件编号", "依据文号", hint="原文引用的文件文号，照录，如 徐财绩〔2025〕5号"),
        _f("cover.index_number", "索引号", "code", "信息索引号", "公开索引号"),
        _f("cover.publish_date", "发布日期", "date", "发布时间", "公开日期"),
    )),
    (FormSection("staffing", "人员编制情况", ("人员编制", "人员情况", "财政供养人员情况", "机构人员情况", "人员管理",
                                         "人员编制情况")), (
        _f("staffing.approved", "编制数", "headcount", "核定编制", "核定编制数", "编制人数", "人员编制", "编制",
           "核定编制人数", "财政核定编制", "编制总数", "批复编制", "核定编制在职人员", "财政核定编制在职人员",
           hint=_STAFF, parts=(("staffing.approved_admin", "staffing.approved_institution",
                                "staffing.approved_worker"),)),
        _f("staffing.approved_admin", "行政编制数", "headcount", "行政编制", "核定行政编制", "机关行政编制"),
        _f("staffing.approved_institution", "事业编制数", "headcount", "事业编制", "核定事业编制"),
        _f("staffing.approved_worker", "工勤编制数", "headcount", "工勤编制", "机关工勤编制", "行政工勤编制", "工勤人员编制"),
        _f("staffing.actual", "实有人数", "headcount", "实有人员", "在职人数", "在职人员", "实际在职人数", "年末实有人数",
           "实有在职人员", "在职实有人数", "在职在编实有人数", "在职实有", "在编人数", "实有在编人数", "实际人数", "实有干部职工", "年末实有在职人员", "职工人数", "实际在职人员",
           hint=_STAFF, parts=(("staffing.actual_admin", "staffing.actual_institution", "staffing.actual_worker"),)),
        _f("staffing.actual_admin", "行政实有人数", "headcount", "在职行政编", "行政在职人数", "在职行政人员", "实有行政人员", "行政编实有人数"),
        _f("staffing.actual_institution", "事业实有人数", "headcount", "在职事业编", "事业在职人数", "在职事业人员", "实有事业人员", "事业编实有人数"),
        _f("staffing.actual_worker", "工勤实有人数", "headcount", "机关工勤编", "工勤人员", "机关工勤人员", "在职工勤人员", "实有工勤人员"),
        _f("staffing.worker_within_admin", "工勤编制含在行政编制内", "flag", hint="原文写“行政编制38人（含工勤编制7人）”时填“是”：工勤不另计入合计"),
        _f("staffing.stated_control_rate", "在职人员控制率", "rate", "控制率", "人员控制率",
           title="在职人员控制率（文中所述，%）", hint="原文写出的比率，填百分数的数字部分，如 95.10"),
        _f("staffing.as_of", "人员统计截止日期", "date", "截至日期", "截止日期", "统计截止日期", hint="原文“截至2023年12月31日”一类的日期；原文未写留空"),
        _f("staffing.retirees", "离退休人员", "headcount", "离退休人数", "离退休干部职工", "离退休",
           parts=(("staffing.retired", "staffing.retired_veteran"),)),
        _f("staffing.retired", "退休人员", "headcount", "退休人数", "退休干部职工", "退休职工", "退休"),
        _f("staffing.retired_veteran", "离休人员", "headcount", "离休人数", "离休干部", "离休"),
        _f("staffing.temporary", "临时人员", "headcount", "临时工", "临时工人", "临时聘用人员", "编外临时人员"),
        _f("staffing.hired", "外聘人员", "headcount", "外聘", "聘用人员", "招聘职工", "编外聘用人员", "聘用职工"),
        _f("staffing.posts.name", "职务", "text", "领导职务", "职位"),
        _f("staffing.posts.count", "职数", "headcount", "领导职数", unit="名"),
    )),
    (FormSection("vehicles", "公务用车", ("车辆情况", "公务用车情况", "车辆编制情况")), (
        _f("vehicles.approved", "车辆编制数", "count", "车辆编制", "公务用车编制", "公务用车车辆编制", "核定公务用车车辆编制",
           "核定车辆编制", "编制车辆", unit="辆"),
        _f("vehicles.actual", "实有车辆数", "count", "实有车辆", "实有公务用车", "车辆实有数", "公务用车实有数", "现有车辆", unit="辆"),
    )),
    (FormSection("stated_counts", "文中所述个数"), (
        _f("stated_counts.internal_units", "内设机构个数", "count", "内设机构数", "内设机构", "内设科室",
           unit="个", count_units=("家",), hint="原文写出的个数，如“内设机构8个”；与所列名单分开填写"),
        _f("stated_counts.sub_units", "下属单位个数", "count", "下属单位数", "下属单位", "直属单位", "二级机构",
           "所属单位", "二级预算单位", unit="个", count_units=("家",)),
        _f("stated_counts.projects", "项目个数", "count", "项目数", "项目", unit="个", count_units=("项",)),
        _f("stated_counts.goals", "绩效目标个数", "count", "绩效目标数", "绩效目标", "目标个数", unit="个", count_units=("项", "条")),
    )),
    (FormSection("source_units", "原表金额单位", ("金额单位", "单位")), tuple(
        _f(f"source_units.{key}", f"{label}原表单位", "code", choices=SOURCE_UNITS,
           hint="原表以元（或千元、亿元）为单位时选填（以下各表同）；金额仍按万元填写（已换算）" if key == "income" else "")
        for key, label in (("income", "收入情况"), ("expenditure", "支出情况"), ("income_by_unit", "分机构收入"),
                           ("expenditure_by_unit", "分机构支出"), ("sangong", "三公经费"), ("public_funds", "公用经费"),
                           ("procurement", "政府采购金额"), ("basic_budget_adjustment", "部门基本支出预算调整"),
                           ("projects", "项目支出"), ("self_funds", "自评表资金")))),
    (FormSection("income", "收入情况", ("收入", "年度收入情况", "收入决算情况", "部门收入情况")), (
        _row("income.total", "收入合计", "本年收入合计", "收入总计", "总收入", "收入总额", "收入", "部门收入", "本年收入",
             "收入决算", "收入决算总数", by_column=(("budget", "预算收入总数"), ("budget", "收入预算总数"),
                                              ("budget", "预算收入预算总数"), ("budget", "预算收入")), parts=(_INCOME,)),
        _row("income.carryover", "上年结转", "上年结转结余", "上年结转资金", "上年结转收入", "年初结转结余", "年初结转和结余", "上年结余", "结转"),
        _row("income.appropriation", "一般公共预算财政拨款收入", "一般公共预算财政拨款", "财政拨款收入", "财政拨款",
             "一般公共预算拨款", "一般公共预算拨款收入", "一般公共预算收入", "公共财政拨款", "公共财政预算拨款", "当年财政拨款", "本年财政拨款收入", "财政补助收入",
             by_column=(("budget", "年初预算拨款"), ("budget", "财政年初预算拨款"), ("budget", "财政预算拨款"))),
        _row("income.government_fund", "政府性基金收入", "政府性基金", "政府性基金预算财政拨款收入", "政府性基金拨款",
             "政府基金拨款", "政府性基金预算拨款", "政府性基金预算收入"),
        _row("income.special_account", "财政专户管理资金收入", "财政专户管理资金", "纳入专户管理的非税收入拨款",
             "非税收入拨款", "非税收入", "财政专户拨款", "专户管理资金", title="财政专户管理资金收入（非税收入拨款）"),
        _row("income.other", "其他收入", "其他资金", "其他收入拨款"),
    )),
    (FormSection("income_by_unit", "分机构收入情况"), ()),     # the income entries, per sub-unit (below)
    (FormSection("adjustment", "年中预算调整", ("预算调整", "预算调整情况")), (
        _f("adjustment.amount", "年中调整数", "money", "年中调整", "年中调整预算数", "年中调整预算", "年中追加",
           "年中追加预算", "追加预算", "本年追加预算", "预算调整数", "调整数", signed=True, hint="可为负数（调减）"),
        _f("adjustment.purpose", "调整用途", "text", "调整原因"),
        _f("adjustment.carryover", "上年结转", "money", title="其中：上年结转",
           hint="调整数中属于上年结转的金额；原文只提到含上年结转而未写金额时留空，并在下一行填“是”"),
        _f("adjustment.carryover_mentioned", "文中提到调整数含上年结转", "flag", hint="是/否"),
        _f("adjustment.exclusions.amount", "金额", "money"),
        _f("adjustment.exclusions.reason", "未计入调整的理由", "text", title="未计入调整的理由（原文）"),
        _f("adjustment.declared_rate", "预算调整率", "rate", "调整率", title="自述预算调整率（%）",
           hint="单位自述的预算调整率，填百分数的数字部分，如 0 或 3.5"),
        _f("adjustment.explanation", "预算调整说明", "text"),
    )),
    (FormSection("expenditure", "支出情况", ("支出", "年度支出情况", "支出决算情况", "部门支出情况")), (
        _row("expenditure.total", "支出合计", "本年支出合计", "支出总计", "总支出", "支出总额", "支出", "财政拨款支出",
             "财政拨款支出合计", "支出决算", "支出决算总数", "全年支出",
             by_column=(("budget", "部门预算支出总数"), ("budget", "部门预算支出预算总数"), ("budget", "支出预算总数"), ("budget", "预算支出总数"), ("budget", "预算支出")),
             parts=(("expenditure.basic", "expenditure.project"),
                    ("expenditure.personnel", "expenditure.public", "expenditure.project"))),
        _row("expenditure.basic", "基本支出", "基本支出合计", parts=(("expenditure.personnel", "expenditure.public"),)),
        _row("expenditure.personnel", "人员经费", "人员经费支出", "人员支出", "工资福利支出"),
        _row("expenditure.public", "公用经费", "公用经费支出", "日常公用经费", "公用支出", "商品和服务支出", "商品服务支出", title="公用经费（批复为商品服务支出）"),
        _row("expenditure.project", "项目支出", "项目经费", "项目支出合计", items="projects"),
    )),
    (FormSection("expenditure_by_unit", "分机构支出情况"), ()),   # the expenditure entries, per sub-unit (below)
    (FormSection("approval", "财政部门预算批复情况", ("预算批复情况", "财政部门预算批复")), (
        _f("approval.approver", "批复机关", "text", "批复单位", "批复部门", hint="如 市财政局"),
        _f("approval.year_as_written", "文中批复年度", "year", hint="仅当原文所写批复年度与评价年度不同时填写"),
        _f("approval.project_note", "项目支出说明", "text"),
    )),
    (FormSection("sangong", "三公经费", ("三公经费情况", "三公经费支出情况", "三公经费预算执行情况")), (
        _row("sangong.total", "三公经费合计", "三公经费", "三公经费支出", "三公经费总额", "三公经费支出合计", "三公经费决算",
             by_column=(("budget", "三公经费预算批复数"), ("budget", "三公经费预算"), ("budget", "三公经费预算数")),
             parts=(("sangong.overseas", "sangong.vehicle_purchase", "sangong.vehicle_operation", "sangong.reception"),
                    ("sangong.overseas", "sangong.vehicle", "sangong.reception"))),
        _row("sangong.vehicle", "公务用车购置和运行维护费", "公务用车购置及运行维护费", "公务用车购置和维护经费",
             "公务用车购置和维护费", "公车购置和维护经费", "公务用车购置及运行费", "公务用车费", "公务用车经费", "公车经费",
             parts=(("sangong.vehicle_purchase", "sangong.vehicle_operation"),)),
        _row("sangong.overseas", "因公出国（境）费", "因公出国费", "因公出国经费", "出国经费", "出国费", "出国（境）费",
             "因公出国（境）支出", "出国（境）支出", "因公出国", "出国"),
        _row("sangong.vehicle_purchase", "公务用车购置费", "公务用车购置", "公车购置", "公车购置费", "车辆购置费", "公务车购置费"),
        _row("sangong.vehicle_operation", "公务用车运行维护费", "公务用车运行维护", "公车运行维护", "公车运行维护费",
             "公务车运行维护费", "公务用车运行费", "公车运维费", "公务用车运行维护经费"),
        _row("sangong.reception", "公务接待费", "公务接待", "公务接待经费", "公务接待支出"),
    )),
    (FormSection("public_funds", "公用经费", ("公用经费情况", "公用经费明细")), (
        _row("public_funds.total", "公用经费合计", "公用经费", "日常公用经费", items="public_funds.items"),
        _row("public_funds.items", "公用经费其中项", "其中", title="其中"),
        _f("public_funds.items.name", "名称", "text", "项目"),
    )),
    (FormSection("other_rows", "其他基础数据"), (
        _row("procurement", "政府采购金额", "政府采购", "政府采购支出", "政府采购执行金额", "政府采购执行"),
        _row("basic_budget_adjustment", "部门基本支出预算调整", "基本支出预算调整"),
    )),
    (FormSection("projects", "项目支出", ("项目支出情况", "重点项目实施情况", "项目情况")), (
        _f("projects.number", "项目序号", "code", "序号"),
        _f("projects.name", "项目名称", "text", "项目", "专项名称"),
        _f("projects.group", "项目类别", "text", "项目类型"),
        _f("projects.previous", "上年决算数", "money", "上年决算"),
        _f("projects.budget", "预算安排", "money", "预算安排资金", "预算数", "年初预算", "项目预算"),
        _f("projects.adjusted", "调整后预算", "money", "全年预算", "调整后预算数"),
        _f("projects.actual", "实际支出", "money", "实际支出数", "决算数", "实际到位资金", "财政资金实际拨付"),
        _f("projects.actual_label", "实际支出口径", "text"),
        _f("projects.managed_only", "代管资金", "flag", title="代管资金（非本部门预算）"),
        _f("projects.description", "项目完成情况", "text", "完成情况"),
    )),
    (FormSection("buildings", "楼堂馆所控制情况", ("楼堂馆所", "楼堂馆所控制")), (
        _f("buildings.approved_area", "批复规模", "area", "批复建设规模", "批复面积", title="批复规模（平方米）"),
        _f("buildings.actual_area", "实际规模", "area", "实际建设规模", "实际面积", title="实际规模（平方米）"),
        _f("buildings.stated_area_control_rate", "规模控制率", "rate", "建设规模控制率", title="规模控制率（文中所述，%）"),
        _f("buildings.budget", "预算投资", "money", "批复投资", "投资概算", title="预算投资"),
        _f("buildings.actual", "实际投资", "money", "实际完成投资"),
        _f("buildings.stated_investment_control_rate", "投资概算控制率", "rate", "投资概算控制", "投资控制率", title="投资概算控制率（文中所述，%）"),
    )),
    (FormSection("carryover", "结转结余", ("结转结余情况",)), (
        _f("carryover.fiscal", "财政拨款结转结余", "money", "财政拨款结转结余资金", "财政拨款结转和结余", "年末财政拨款结转结余"),
        _f("carryover.non_fiscal", "非财政拨款结转结余", "money", "非财政拨款结转资金", "非财政拨款结转结余资金", "非财政拨款结转和结余"),
    )),
    (FormSection("execution", "预算执行情况说明"), (
        _f("execution.balance_statement", "收支情况说明", "text"),
    )),
    (FormSection("management", "预算与资产管理情况"), (
        _f("management.budget_management", "预算管理情况", "text", "预算管理"),
        _f("management.lottery_fund", "市级福彩公益金项目资金", "money", "福彩公益金", "福彩公益金项目资金", "彩票公益金"),
        _f("management.large_projects_statement", "50万元以上项目说明", "text"),
        _f("management.no_large_projects", "文中明确无50万元以上项目", "flag", hint="只有原文明确写“无50万元以上项目”时填“是”；原文未说时留空"),
        _f("management.asset_management", "资产管理情况", "text", "资产管理"),
        _f("management.outcome_statement", "效果产出情况", "text", "产出效果情况"),
        _f("management.thrift_measures", "厉行节约保障措施", "text", "厉行节约措施"),
    )),
    (FormSection("self_scores", "单位自评表", ("自评表", "部门整体支出绩效自评表", "绩效自评表", "指标表", "评分表",
                                          "绩效指标")), (
        _f("self_scores.part", "评价指标", "text", "指标名称", "一级指标", "二级指标", "三级指标", "指标"),
        _f("self_scores.level", "指标层级", "code", "层级"),
        _f("self_scores.parent", "上级指标", "text"),
        _f("self_scores.weight", "分值", "score", "权重", "标准分值", "指标分值", "满分"),
        _f("self_scores.criteria", "评分标准", "text", "标准", "评分规则", "评分办法", "计分方法"),
        _f("self_scores.target", "指标值", "text", "年度指标值", "目标值", "预期目标", "年度目标值", title="指标值（目标）"),
        _f("self_scores.actual", "实际完成值", "text", "实际完成情况", "完成值", "实际值", "全年实际值"),
        _f("self_scores.score", "自评得分", "score", "得分", "评价得分", "实际得分"),
        _f("self_scores.reason", "得分说明", "text", "偏差原因", "偏差原因分析及改进措施", "扣分原因", "评分说明", "说明"),
        _f("self_score_total", "自评总分", "score", "总分", "综合得分", "自评综合得分", "合计得分", title="自评总分（文中所述）"),
        _f("self_grade", "自评等级", "text", "等级", "评价等级", "自评结果", title="自评等级（文中所述）", hint="如 优、良"),
    )),
    (FormSection("self_funds", "自评表资金情况", ("预算资金", "资金情况")), (
        _f("self_funds.nature", "分类", "code", "资金性质", choices=("收入性质", "支出性质")),
        _f("self_funds.item", "项目", "text", "预算资金", "资金来源"),
        _f("self_funds.initial", "年初预算", "money", "年初预算数"),
        _f("self_funds.full_year", "全年预算", "money", "全年预算数"),
        _f("self_funds.executed", "全年执行", "money", "全年执行数", "执行数"),
        _f("self_funds.weight", "分值", "score", "权重"),
        _f("self_funds.stated_rate", "执行率", "rate", "预算执行率", title="执行率（文中所述，%）"),
        _f("self_funds.score", "得分", "score", "自评得分"),
    )),
)


def _by_unit(table: str, source: str, rows: Iterable[FormEntry]) -> tuple[FormEntry, ...]:
    """The entries of a by-unit table: one value per source row (the same labels), its name and 汇总 mark."""
    out = [FormEntry(f"{table}.name", "机构名称", "text", table, synonyms=("单位名称", "机构", "部门名称"))]
    for e in rows:
        if e.path.startswith(f"{source}."):
            out.append(replace(e, path=f"{table}.{e.key}", section=table, columns=(), by_column=(), title="",
                               parts=tuple(tuple(f"{table}.{p.rsplit('.', 1)[-1]}" for p in alt) for alt in e.parts),
                               items=""))
    return (*out, FormEntry(f"{table}.is_total", "汇总行", "flag", table, synonyms=("汇总", "合计")))


def _build() -> tuple[tuple[FormSection, ...], tuple[FormEntry, ...]]:
    sections = tuple(s for s, _ in _TABLE)
    entries: list[FormEntry] = []
    for section, rows in _TABLE:
        entries += [replace(e, section=section.key) for e in rows]
    income = [e for e in entries if e.section == "income"]
    expenditure = [e for e in entries if e.section == "expenditure"]
    at = next(i for i, e in enumerate(entries) if e.section == "adjustment")
    entries[at:at] = _by_unit("income_by_unit", "income", income)
    at = next(i for i, e in enumerate(entries) if e.section == "approval")
    entries[at:at] = _by_unit("expenditure_by_unit", "expenditure", expenditure)
    return sections, tuple(entries)


SECTIONS, ENTRIES = _build()
_BY_PATH: dict[str, FormEntry] = {e.path: e for e in ENTRIES}
_SECTION: dict[str, FormSection] = {s.key: s for s in SECTIONS}


# --- reading labels -------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(【\[〔][^()【】\[\]〔〕]{0,40}[)】\]〕]")
_QUOTES = re.compile("[\"'“”‘’「」『』]")
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.](?!\d)|[①-⑳]|第[一二三四五六七八九十\d]{1,3}[、.]?"
                   r"|其中[:,]?|含[:]|(?:19|20)\d{2}年度?)")
_TRAIL = ("情况", "合计", "总计", "数")
_EDGES = " :|-—–·.、,;"
_UNIT_NOTE = re.compile(r"[(](?:单位[:]?)?(万元|千元|亿元|元|人|名|个|辆|%|分|平方米|㎡|m²|m2)[)]")


def normalize(label: str) -> str:
    """A label folded for comparison: NFKC, no spaces or quotes, no bracketed notes, no numbering, no leading
    其中 or year, no trailing 情况 / 合计 / 总计 / 数 or colon. ``“三公”经费合计（万元）`` → ``三公经费``."""
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", _QUOTES.sub("", text))
    for _ in range(2):
        text = _BRACKETED.sub("", text)
    text = text.strip(_EDGES)
    for _ in range(4):
        m = _LEAD.match(text)
        if not m or m.end() == len(text):
            break
        text = text[m.end():].strip(_EDGES)
    changed = True
    while changed:
        changed = False
        for suffix in _TRAIL:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text = text[: -len(suffix)].strip(_EDGES)
                changed = True
    return text


def written_unit(label: str) -> str | None:
    """The unit a label names in brackets: ``收入（万元）`` → 万元, ``收入支出决算总表（单位：元）`` → 元."""
    m = _UNIT_NOTE.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", label)))
    return m.group(1) if m else None


def _index() -> dict[str, tuple[FormEntry, ...]]:
    index: dict[str, list[FormEntry]] = {}
    for e in ENTRIES:
        for spelling in e.spellings():
            found = index.setdefault(normalize(spelling), [])
            if e not in found:
                found.append(e)
    return {k: tuple(v) for k, v in index.items()}


def _first_by_spelling(items: Iterable[tuple[tuple[str, ...], FormSection | FormColumn]]) -> dict[str, object]:
    index: dict[str, object] = {}
    for spellings, item in items:
        for spelling in spellings:
            index.setdefault(normalize(spelling), item)
    return index


_INDEX = _index()
_SECTION_INDEX = _first_by_spelling(((s.title, *s.synonyms), s) for s in SECTIONS)
_COLUMN_INDEX = _first_by_spelling(((c.label, *c.synonyms), c) for c in AMOUNT_COLUMNS)


def _as_set(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,)) if isinstance(value, str) else frozenset(value)


def match(label: str, *, kind: str | Iterable[str] | None = None, section: str | Iterable[str] | None = None,
          unit: str | None = None) -> list[FormEntry]:
    """The entries ``label`` may name (any synonym, as :func:`normalize` folds it), in registry order.

    ``kind`` / ``section`` keep only entries of those kinds or sections; ``unit`` only entries a figure
    written in that unit may belong to (``match("实有人数", unit="万元")`` is empty)."""
    kinds, sections = _as_set(kind), _as_set(section)
    return [e for e in _INDEX.get(normalize(label), ())
            if (kinds is None or e.kind in kinds) and (sections is None or e.section in sections)
            and (unit is None or e.accepts(unit))]


def match_column(label: str, path: str) -> str | None:
    """The column a spelling names of the money row at ``path`` (``年初预算拨款`` → ``budget``), if any."""
    key = normalize(label)
    return next((col for col, spelling in entry(path).by_column if normalize(spelling) == key), None)


def match_section(label: str) -> FormSection | None:
    """The section a heading names (``财政供养人员情况（人）`` → staffing), if any."""
    found = _SECTION_INDEX.get(normalize(label))
    return found if isinstance(found, FormSection) else None


_HEADER_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*度?")


def column_key(header: str, year: int | None = None) -> str | None:
    """The money column a header names: ``上年决算数`` → previous, ``全年预算数`` → adjusted, ``全年执行数`` → actual.

    A header with a year (``2022年决算数``) is read against the report ``year``: that year's 预算 is
    ``budget`` and its 决算 ``actual``, the year before's 决算 ``previous``; any other year (or no ``year``
    given) is None — never filed as a current value."""
    text = unicodedata.normalize("NFKC", header)
    m = _HEADER_YEAR.match(text)
    found = _COLUMN_INDEX.get(normalize(text[m.end():] if m else text))
    column = found if isinstance(found, FormColumn) else None
    if column is None or m is None:
        return column.key if column is not None else None
    stated = int(m.group(1))
    if year is None:
        return None
    if stated == year:
        return "actual" if column.final else "budget"
    if stated == year - 1 and column.final:
        return "previous"
    return None


# --- asking the table -----------------------------------------------------------------------------

def entry(path: str) -> FormEntry:
    """The entry of a field path (``income.appropriation``, ``staffing.posts.count``); KeyError if none."""
    return _BY_PATH[path]


def find(path: str) -> FormEntry | None:
    return _BY_PATH.get(path)


def section(key: str) -> FormSection:
    return _SECTION[key]


def entries(*, section: str | Iterable[str] | None = None, kind: str | Iterable[str] | None = None,
            rows: bool | None = None) -> tuple[FormEntry, ...]:
    """Entries in registry order, optionally of some sections and kinds; ``rows=True`` only money rows with
    columns, ``rows=False`` only single fields."""
    kinds, sections = _as_set(kind), _as_set(section)
    return tuple(e for e in ENTRIES if (kinds is None or e.kind in kinds) and (sections is None or e.section in sections)
                 and (rows is None or e.is_row == rows))


def label(path: str) -> str:
    return _BY_PATH[path].label


def labels(prefix: str) -> dict[str, str]:
    """Key → label of the fields directly under ``prefix`` (``labels("income")``: total → 收入合计, …)."""
    depth = prefix.count(".") + 1
    return {e.key: e.label for e in ENTRIES if e.path.startswith(prefix + ".") and e.path.count(".") == depth}


def items_of(path: str, split: int = 0) -> dict[str, str]:
    """Key → label of the items of a total in one of its splits (``items_of("income.total")``: the sources)."""
    return {p.rsplit(".", 1)[-1]: _BY_PATH[p].label for p in _BY_PATH[path].parts[split]}


def totals_of(path: str) -> tuple[str, ...]:
    """The totals a row is an item of (``sangong.reception`` → sangong.total)."""
    return tuple(e.path for e in ENTRIES if any(path in alt for alt in e.parts) or e.items == path)


def column_labels() -> dict[str, str]:
    """Column key → label (上年决算数, 本年预算数, 调整后预算数, 本年决算数)."""
    return {c.key: c.label for c in AMOUNT_COLUMNS}


def fits(path: str, unit: str) -> bool:
    """Whether a figure written in ``unit`` may be the value of ``path``."""
    return _BY_PATH[path].accepts(unit)


def to_wan(value: Decimal, unit: str) -> Decimal:
    """An amount written in ``unit`` (元, 千元, 万元, 亿元) in 万元, exactly: 7688330.13 元 → 768.833013."""
    shift = _SHIFT.get(unicodedata.normalize("NFKC", unit).strip())
    if shift is None:
        raise ValueError(f"「{unit}」不是金额单位 (not a money unit)")
    result = value.scaleb(shift)
    return result.quantize(Decimal(1)) if result.as_tuple().exponent > 0 else result  # type: ignore[operator]


def pattern(paths: Iterable[str]) -> re.Pattern[str]:
    """A regex finding any spelling of the given entries in running text, longest first; quotes around 三公
    and spaces between characters are allowed (``“三公”经费``, ``公务 接待费``)."""
    spellings = sorted({s for p in paths for s in _BY_PATH[p].spellings()}, key=len, reverse=True)
    alternatives = []
    for s in spellings:
        body = r"\s*".join(re.escape(ch) for ch in s)
        alternatives.append(body.replace(r"三\s*公", "[“\"‘']?三公[”\"’']?"))
    return re.compile("|".join(alternatives))
