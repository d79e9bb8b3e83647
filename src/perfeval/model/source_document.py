"""A record's source document (``source``) and what this book arranged from it (``arranged``).

Two sections of :class:`perfeval.model.schema.DepartmentYear`, kept in a module of their own: they are about
the data file (where it was taken from, what was built from the text), not about what the report states.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The forms of a source document kept beside a data file: ``<code>.source.<suffix>``.
SOURCE_SUFFIXES = ("txt", "docx", "pdf", "html")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class _Section(BaseModel):
    """Unknown keys are errors, as in every section of a record."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceDocument(_Section):
    """The published report a record was taken from (原报告), kept beside the data file as
    ``<code>.source.txt|.docx|.pdf|.html`` with its SHA-256, so that every figure can be traced to it (the
    file's presence and hash are checked when the data file is loaded: :func:`perfeval.model.check_source`)."""

    file: str = Field(title="原报告文件", max_length=120)
    sha256: str = Field(title="原报告文件校验值（SHA-256）")
    url: str | None = Field(title="原报告网址", default=None, max_length=2000)

    @field_validator("file")
    @classmethod
    def _file_name(cls, value: str) -> str:
        stem, _, suffix = value.rpartition(".")
        if "/" in value or "\\" in value or not stem.endswith(".source") or suffix not in SOURCE_SUFFIXES:
            raise ValueError(f"原报告文件名应为 <部门代码>.source.{'|'.join(SOURCE_SUFFIXES)}，且与数据文件在同一目录："
                             f"{value!r} (source file: <code>.source.<suffix> beside the data file)")
        return value

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str) -> str:
        if not _SHA256.fullmatch(value):
            raise ValueError("应为 64 位小写十六进制 SHA-256 校验值 (a sha256 hex digest)")
        return value


class Arranged(_Section):
    """What this book arranged or built from the report's text (本书整理) rather than took from a form of the
    report: shown with that label on the page and left out of the unit's Word file."""

    indicators: bool = Field(title="绩效指标由本书据目标和完成情况的文字整理", default=False)
    self_scores: bool = Field(title="自评表由本书据正文所述得分整理（原报告未附自评表）", default=False)
    outputs: bool = Field(title="项目主要产出由本书据项目完成情况的文字整理", default=False)

    def is_empty(self) -> bool:
        return not (self.indicators or self.self_scores or self.outputs)
