"""Property: any text made of report phrasings imports to a valid partial record or a clear refusal.

Generated texts mix the words, numbers, table headers and separators the importer looks for; whatever
the mix, ``extract`` and ``audit`` raise nothing, and with identity given the draft validates.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval.importer import audit_document, extract, make_valid, normalize
from perfeval.model.schema import DepartmentYear

TOKENS = ["2023年", "2024年度", "编制", "实有", "人", "（", "）", "：", "，", "。", "；", "\n", "\t", " | ", "  ",
          "1、", "（一）", "其中", "基本支出", "项目支出", "人员经费", "公用经费", "三公经费", "公务接待", "收入合计",
          "财政拨款收入", "支出合计", "共支出", "万元", "元", "亿元", "%", "12.5", "0", "100", "3", "7.25", "-", "—",
          "（空）", "（推断）", "2022年决算数", "2023年预算数", "2023年决算数", "年初预算数", "全年预算数",
          "全年执行数", "分值", "执行率", "得分", "机构名称", "上年结转", "其他收入", "汇总", "预算编码", "报告日期",
          "2024年5月1日", "单位名称", "部门整体支出绩效评价报告", "目标1：", "绩效目标", "绩效目标完成情况",
          "50万元以上项目", "存在的问题", "改进措施", "整改责任人", "时限", "2025年13月", "……", "XX",
          "同比上年度增加", "增长", "变动率=(5-4)÷4=25%", "预算调整率为零", "年中调整", "楼堂馆所", "批复规模",
          "投入", "16", "─", "指标表", "按收入性质分", "按支出性质分", "内设机构：", "、", "得分为", "分"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=250))
def test_any_mix_imports_or_refuses(tokens: list[str]) -> None:
    doc = normalize("".join(tokens))
    extraction = extract(doc, code="x", year=2024, unit_name="某局")
    data, _ = make_valid(extraction.data)
    record = DepartmentYear.model_validate(data)
    assert (record.code, record.year, record.unit.name) == ("x", 2024, "某局")
    for finding in audit_document(doc, 2024, extraction):
        assert finding.severity in ("error", "verify", "note")
