"""Who signs a document of the bureau's loop (测算意见, 反馈函) and when: from the book's ``_config.yml`` or the
command line. Kept apart from the Word pages (:mod:`perfeval.pages.opinion`) so that planning a build reads
it without importing python-docx, pandas or matplotlib."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from perfeval.errors import DataError
from perfeval.model import read_yaml
from perfeval.model.numbers import parse_date
from perfeval.review.decisions import date_words

CONFIG = "_config.yml"


@dataclass(frozen=True)
class Signature:
    """Who signs a document of the bureau's loop (测算意见, 反馈函) and when (None: written by hand)."""

    issuer: str = ""
    date: dt.date | None = None

    def date_line(self) -> str:
        return date_words(self.date) if self.date is not None else "年　月　日"


def find_config(start: Path | str) -> Path | None:
    """The ``_config.yml`` of the book that holds ``start`` (``start`` itself or a folder above it)."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder / CONFIG
    return None


def config_signature(config: Path | None, issuer: str | None = None, date: dt.date | None = None) -> Signature:
    """The signature from ``config`` (``opinion.issuer``, else ``publisher``; ``opinion.date``), each replaced by
    ``issuer`` / ``date`` when given."""
    data = read_yaml(config) if config is not None and config.is_file() else {}
    block = data.get("opinion") if isinstance(data, dict) else None
    block = block if isinstance(block, dict) else {}
    stated_issuer = str(block.get("issuer") or (data.get("publisher") if isinstance(data, dict) else "") or "")
    stated_date = block.get("date")
    if date is None and stated_date not in (None, ""):
        try:
            parsed = parse_date(stated_date)
        except ValueError as exc:
            raise DataError(config or CONFIG, str(exc), field="opinion.date", label="意见日期") from None
        if not isinstance(parsed, dt.date):
            raise DataError(config or CONFIG, "应为日期，如 2025-06-30", field="opinion.date", label="意见日期")
        date = parsed
    return Signature((issuer if issuer is not None else stated_issuer).strip(), date)
