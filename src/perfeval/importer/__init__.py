"""Importing published 部门整体支出绩效评价 reports: normalize, extract a draft, audit the text.

Public API:

* :func:`read_report` — the text of a ``.txt`` / ``.docx`` / ``.html`` / ``.pdf`` report;
* :func:`normalize` — a :class:`Document` (canonical text + original sentences);
* :func:`extract` — an :class:`Extraction` (draft data, sources, missing fields, notes);
* :func:`write_draft` — the draft YAML and its ``.sources.yml`` sidecar;
* :func:`audit_document` / :func:`audit_report` — text-level :class:`perfeval.findings.Finding` s;
* :func:`import_report` — read, normalize and extract in one call.
"""

from __future__ import annotations

from pathlib import Path

from perfeval.review import Finding
from .audit import audit_document
from .draft import DraftResult, sources_path_for, validation_errors, write_draft
from .extract import Extraction, extract
from .partial import MissingIdentity, make_valid
from .year import report_year
from .normalize import Document, normalize, normalize_fragment
from .readers import read_report


def import_report(path: Path | str, code: str | None = None, year: int | None = None,
                  unit_name: str | None = None) -> tuple[Document, Extraction]:
    """Read, normalize and extract a report file."""
    doc = normalize(read_report(path))
    return doc, extract(doc, code=code, year=year, unit_name=unit_name)


def audit_report(path: Path | str, year: int | None = None) -> list[Finding]:
    """Text-level findings of a report file."""
    doc = normalize(read_report(path))
    return audit_document(doc, year)


__all__ = ["Document", "DraftResult", "Extraction", "MissingIdentity", "make_valid", "report_year", "audit_document", "audit_report", "extract", "import_report",
           "normalize", "normalize_fragment", "read_report", "sources_path_for", "validation_errors", "write_draft"]
