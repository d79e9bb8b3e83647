"""User-facing errors: each names the file, the record and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class DataError(Exception):
    """A problem in an input file that the user must fix (exit code 2, no traceback)."""

    file: Path | str
    message: str
    record: str = ""
    field: str = ""
    label: str = ""

    def __str__(self) -> str:
        where = str(self.file)
        parts = [where]
        if self.record:
            parts.append(f"记录 {self.record}")
        if self.field:
            parts.append(f"字段 {self.label}（{self.field}）" if self.label else f"字段 {self.field}")
        return "：".join([" ".join(parts), self.message])


class UsageError(Exception):
    """A wrong command-line use (exit code 2)."""
