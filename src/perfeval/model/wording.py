"""Whether a result stated in words (定性指标的实际完成情况) says the target was reached.

The words are read as a reader of a Chinese 自评报告 reads them, clause by clause:

- **predicates** say something was done (完成, 达到, 实现, 按期, 到位, 提高 …) or fell short (滞后, 差距,
  延期, 缓慢, 部分完成, 达不到 …);
- **negators** (未, 没有, 没能, 无法, 不, 尚未, 不存在, 未出现, 无 …) turn the predicate that follows them
  within a few characters, and a negator followed by another negator turns that one (未全部完成 is a
  shortfall, 不存在未完成的情况 and 未出现滞后 are achievements: double negation);
- **hedges** leave the result open (基本完成, 正在推进, 有待核实, 详见附件, 未统计 …).

A text with any clause that fell short is a shortfall (False); else one that hedges is unclear (None);
else one that says it was done is achieved (True); a text that says nothing about the result (a figure
without a target, "投入资金50万元") is unclear too. Unclear is 需核实: it counts neither way.
"""

from __future__ import annotations

import re

#: Words that leave the result open (tried before everything else at a position).
_HEDGES = ("基本完成", "基本实现", "基本达到", "基本达标", "基本落实", "基本到位", "正在", "推进中", "进行中",
           "实施中", "建设中", "有待", "待核实", "待评估", "待验收", "尚待", "详见", "见附件", "暂无", "未统计",
           "未填报", "未评估", "不详", "未知", "是否")
#: Words that say the result fell short (a shortfall unless negated: 未出现滞后).
_SHORTFALLS = ("达不到", "达不成", "完不成", "做不到", "实现不了", "落实不到位", "部分完成", "只完成", "仅完成",
               "低于预期", "不及预期", "不足", "滞后", "差距", "延期", "延误", "延迟", "推迟", "拖延", "缓慢", "欠佳",
               "落后", "停滞", "搁置", "中止", "失败", "事故")
#: Negators and how many characters may stand between one and the word it turns (全部, 按计划, 一例 …).
_NEGATORS: tuple[tuple[str, int], ...] = (
    ("不存在", 8), ("没有出现", 8), ("未出现", 8), ("未发生", 8), ("没有发生", 8), ("并未", 8), ("从未", 8),
    ("尚未", 8), ("未能", 8), ("未曾", 8), ("未有", 8), ("没能", 8), ("没有", 8), ("无法", 8), ("不能", 8),
    ("无一", 2), ("没", 8), ("未", 8), ("无", 1), ("不", 2))
#: Words that say something was done or reached.
_DONE = ("完成", "达到", "达成", "达标", "实现", "落实", "到位", "兑现", "如期", "按期", "按时", "准时", "超额",
         "提高", "提升", "增长", "改善", "满足", "符合", "合格", "通过", "理想", "开展", "启动", "实施", "举办",
         "建成", "竣工", "验收", "办结", "落地", "上线", "投入使用", "满意", "明显", "显著", "有效")
#: A negator-looking character that is part of another word (不断提高, 不低于, 未来, 无偿 …).
_NOT_NEGATION = re.compile(r"不(?:断|仅|但|少|低于|高于|超过|超出|同|久|定期|论)|未来|未成年|无(?:偿|缝|纸|障碍|人|线|害)")
_CLAUSE = re.compile(r"[，,。；;：:！!？?\n]")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_TOKEN = re.compile(
    f"(?P<exempt>{_NOT_NEGATION.pattern})|(?P<hedge>{_alternation(_HEDGES)})|(?P<short>{_alternation(_SHORTFALLS)})"
    f"|(?P<neg>{_alternation(tuple(w for w, _ in _NEGATORS))})|(?P<done>{_alternation(_DONE)})")
_REACH = dict(_NEGATORS)


def _clause_verdicts(clause: str) -> list[bool | None]:
    """Each predicate or hedge of one clause: True (done), False (fell short), None (hedge)."""
    tokens = [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(clause)]
    out: list[bool | None] = []
    for i, (kind, _, start, _) in enumerate(tokens):
        if kind == "hedge":
            out.append(None)
            continue
        if kind not in ("short", "done"):
            continue
        negations, edge, j = 0, start, i - 1
        while j >= 0 and tokens[j][0] == "neg" and edge - tokens[j][3] <= _REACH[tokens[j][1]]:
            negations += 1
            edge = tokens[j][2]
            j -= 1
        out.append((kind == "done") == (negations % 2 == 0))
    return out


def result_met(text: str) -> bool | None:
    """True when the words say the result was reached, False when they say it fell short, None when they
    leave it open or say nothing about it (see the module docstring)."""
    verdicts = [v for clause in _CLAUSE.split(text) for v in _clause_verdicts(clause)]
    if False in verdicts:
        return False
    if None in verdicts or not verdicts:
        return None
    return True
