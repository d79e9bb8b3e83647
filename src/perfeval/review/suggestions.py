"""意见建议 derived from the findings: each 错误 or 需核实 finding that stands (not accepted by a ruling) leads to
the advice of the first group below that covers one of its check ids; an opinion lists each piece of advice
once, with the items it concerns. Nothing is advised that no finding calls for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from perfeval.review.findings import Finding


@dataclass(frozen=True)
class Suggestion:
    """A piece of advice and the check ids (or their prefixes, ending in ".") that call for it."""

    text: str
    checks: tuple[str, ...]

    def covers_check(self, check: str) -> bool:
        return any(check == k or (k.endswith(".") and check.startswith(k)) for k in self.checks)


SUGGESTIONS: tuple[Suggestion, ...] = (
    Suggestion("严格预算调整管理：年中追加、调减的资金按财政部门认定的口径计入预算调整，如实填报预算调整率；"
               "确需不计入的，写明依据并报财政部门认定", ("adjustment.",)),
    Suggestion("加快预算执行：对资金拨付、到位或使用低于预算90%的项目查明原因，在自评报告中逐项说明，并在编制下年度"
               "预算时统筹考虑", ("execution.", "rate.execution")),
    Suggestion("如实表述资金和任务完成情况：说明资金“足额”“全部到位”或任务“全部完成”的，附上对应的金额和完成数，"
               "文字与数字保持一致", ("project.claim_full", "claim.")),
    Suggestion("写明项目资金的口径：列出的金额超出本项目预算的，注明其他资金来源或统计范围", ("project.above_budget",)),
    Suggestion("加强人员经费和编制管理：人员经费超出批复、实有人数超过编制的，说明原因和依据",
               ("personnel.", "staffing.")),
    Suggestion("严控“三公”经费和公用经费：超出预算或比上年增加的，说明原因和审批依据",
               ("rate.public_control", "rate.sangong_control", "rate.sangong_change")),
    Suggestion("完善绩效目标管理：绩效目标设置可衡量的指标值，逐项说明实际完成情况；未完成的说明原因",
               ("goal.",)),
    Suggestion("落实问题整改：每个问题明确整改措施、整改责任人和完成时限，并在下年度自评报告中逐项说明上年问题的整改情况",
               ("problem.", "rectification.")),
    Suggestion("加强自评报告的数据审核：合计与分项、比率与其数字、年份和计量单位在报告内保持一致，删除模板占位文字",
               ("sum.", "item.", "rate.", "selfscore.", "units.", "year.", "text.", "variance.", "balance.",
                "projects.")),
)


def suggestions(findings: Sequence[Finding]) -> list[tuple[Suggestion, list[Finding]]]:
    """The advice the standing 错误 and 需核实 findings call for, in the order of :data:`SUGGESTIONS`, each with
    its findings. Each check id a finding stands for calls for the first piece of advice that covers it (a
    project's one finding may call for two: its rate, and what its description claims)."""
    groups: dict[int, list[Finding]] = {}
    for f in findings:
        if f.severity not in ("error", "verify"):
            continue
        for check in f.checks:
            i = next((n for n, s in enumerate(SUGGESTIONS) if s.covers_check(check)), None)
            if i is not None and f not in groups.setdefault(i, []):
                groups[i].append(f)
    return [(SUGGESTIONS[i], groups[i]) for i in sorted(groups)]
