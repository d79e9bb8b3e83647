"""What others decide about our findings, kept apart from the unit's data: the finance bureau's rulings
(口径认定) and the unit's replies (单位回复). Both are records of their own files beside a data file:

- ``data/<year>/<code>.rulings.yaml``: ``{code, year, rulings: [{finding, decision, basis, by, date}]}``,
  written by ``perfeval rule`` (:mod:`perfeval.review.rulings`);
- ``data/<year>/<code>.replies.yaml``: ``{code, year, replies: [{finding, explanation, evidence, agrees,
  date}]}``, written by ``perfeval import-reply`` (:mod:`perfeval.review.replies`).

Each names a finding by its stable id (:attr:`perfeval.review.findings.Finding.finding_id`). A ruling
changes the review (采纳: the unit's explanation is accepted and the finding does not stand; 不采纳: it
stands, as 错误); a reply alone changes nothing but is shown beside its finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, ValidationError, field_validator

from perfeval.errors import DataError
from perfeval.model.files import read_yaml, record_data, write_yaml
from perfeval.model.messages import validation_to_error
from perfeval.model.schema import CODE_PATTERN, MAX_ITEMS, Date, DepartmentYear, Record, Text

#: The two decisions a ruling may take.
DECISIONS = ("采纳", "不采纳")
#: What a unit may answer to 是否认可 in its reply ("" when it leaves the cell blank).
AGREEMENTS = ("认可", "部分认可", "不认可")
#: A finding id: a check id, optionally ``:`` and a field path.
FINDING_ID = r"[a-z_]+(\.[a-z_0-9]+)*(:[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*)?"


def date_words(day: dt.date | None) -> str:
    """2025年6月30日 ("" when not given)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


class Ruling(Record):
    """One decision of the finance bureau on a finding (口径认定)."""

    finding: str = Field(title="核查事项编号", pattern=FINDING_ID, max_length=300)
    decision: Literal["采纳", "不采纳"] = Field(title="认定结果")
    basis: Text = Field(title="认定依据", min_length=1)
    by: Text = Field(title="认定人", default="")
    date: Date | None = Field(title="认定日期", default=None)

    @property
    def accepted(self) -> bool:
        """采纳: the unit's explanation is accepted, the finding does not stand."""
        return self.decision == "采纳"

    def words(self) -> str:
        """经认定（依据：…；预算绩效管理科，2025年6月30日），单位的说明予以采纳 — one clause, no final 。"""
        who = "，".join(x for x in (self.by, date_words(self.date)) if x)
        basis = self.basis.rstrip("。；;. ")
        outcome = "单位的说明予以采纳，本项不作为问题" if self.accepted else "单位的说明不予采纳，本项作为错误"
        return f"经认定（依据：{basis}{'；' + who if who else ''}），{outcome}"


class Reply(Record):
    """The unit's answer to one question of the 反馈函."""

    finding: str = Field(title="核查事项编号", pattern=FINDING_ID, max_length=300)
    explanation: Text = Field(title="单位说明", default="")
    evidence: Text = Field(title="佐证材料", default="")
    agrees: Literal["认可", "部分认可", "不认可"] | None = Field(title="是否认可", default=None)
    date: Date | None = Field(title="回复日期", default=None)

    def words(self) -> str:
        """单位回复（2025年7月10日，部分认可）：… — the unit's words as written."""
        head = "，".join(x for x in (date_words(self.date), self.agrees or "") if x)
        parts = [self.explanation.strip()] if self.explanation.strip() else []
        if self.evidence.strip():
            parts.append(f"佐证材料：{self.evidence.strip()}")
        body = "；".join(p.rstrip("。；;") for p in parts) or "未作说明"
        return f"单位回复{'（' + head + '）' if head else ''}：{body}"


class _SideFile(Record):
    code: str = Field(title="部门代码", pattern=CODE_PATTERN, max_length=64)
    year: int = Field(title="评价年度", ge=2000, le=2100)


class RulingsFile(_SideFile):
    """``<code>.rulings.yaml``: the finance bureau's rulings on one department-year's findings."""

    rulings: list[Ruling] = Field(title="口径认定", default_factory=list, max_length=MAX_ITEMS)

    @field_validator("rulings")
    @classmethod
    def _one_per_finding(cls, items: list[Ruling]) -> list[Ruling]:
        return _one_each(items, "认定")


class RepliesFile(_SideFile):
    """``<code>.replies.yaml``: the unit's replies to one department-year's questions."""

    replies: list[Reply] = Field(title="单位回复", default_factory=list, max_length=MAX_ITEMS)

    @field_validator("replies")
    @classmethod
    def _one_per_finding(cls, items: list[Reply]) -> list[Reply]:
        return _one_each(items, "回复")


def _one_each(items: list[Ruling] | list[Reply], what: str) -> list[Ruling] | list[Reply]:
    ids = [i.finding for i in items]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"同一核查事项有两条{what}：{'、'.join(twice)} (one entry per finding)")
    return items


# --- the side files ---------------------------------------------------------------------------------

Side = TypeVar("Side", RulingsFile, RepliesFile)
#: The side file of each kind beside ``<code>.yaml`` (see :data:`perfeval.model.files.SIDE_SUFFIXES`).
SUFFIX = {RulingsFile: ".rulings.yaml", RepliesFile: ".replies.yaml"}


def side_path(data_file: Path | str, kind: type[Side]) -> Path:
    """``<code>.rulings.yaml`` / ``<code>.replies.yaml`` beside the data file ``<code>.yaml``."""
    data_file = Path(data_file)
    return data_file.with_name(data_file.name[: -len(".yaml")] + SUFFIX[kind])


def load_side(data_file: Path | str, rec: DepartmentYear, kind: type[Side]) -> Side:
    """The side file of ``kind`` beside ``data_file`` (empty when there is none), validated: a bad entry is a
    :class:`DataError` naming the file, the entry and the field; a file of another department or year too."""
    path = side_path(data_file, kind)
    if not path.is_file():
        return kind(code=rec.code, year=rec.year)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "顶层应为键值结构 (top level must be a mapping)")
    try:
        side = kind.model_validate(data)
    except ValidationError as exc:
        raise validation_to_error(path, kind, exc) from None
    if (side.code, side.year) != (rec.code, rec.year):
        raise DataError(path, f"文件属于 {side.code} {side.year} 年度，与数据文件 {rec.code} {rec.year} 年度不一致 "
                              "(side file of another department-year)", field="code", label="部门代码")
    return side


def write_side(data_file: Path | str, side: Side, header: str) -> Path:
    """Write a side file atomically (the caller has decided that it may be replaced)."""
    return write_yaml(side_path(data_file, type(side)), record_data(side), header)
