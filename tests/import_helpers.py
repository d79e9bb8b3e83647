"""Helpers of the import/audit tests: the CLI with the report commands, and loading a draft as a record.

``main`` runs :func:`perfeval.cli.main` with only the report commands registered (``import-report``,
``audit``), so that these tests exercise the real command-line handling (exit codes, messages)
without importing the other command groups; the list of command modules is restored afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import perfeval.cli as cli
from perfeval.cli import reports
from perfeval.errors import DataError
from perfeval.model.files import read_yaml
from perfeval.model.schema import DepartmentYear

#: The six real-report digests in tests/fixtures/real-reports: code → (file, the year the report states, what
#: the analyst must add on the command line because the report does not say it).
REAL = Path(__file__).resolve().parent / "fixtures" / "real-reports"
REAL_REPORTS: dict[str, tuple[str, int, list[str]]] = {
    "yuanling-huochang": ("02_yuanling_huochangxiang.txt", 2024, []),
    "yueyanglou-wenlv": ("04_yueyanglou_wenlvguangti.txt", 2023, []),
    "nanxian-zhengxie": ("06_nanxian_zhengxie.txt", 2021, ["--unit", "中国人民政治协商会议南县委员会"]),
    "yueyanglou-zhengfuban": ("07_yueyanglou_zhengfuban.txt", 2021, []),
    "rongwanhu": ("10_yueyangxian_rongwanhu.txt", 2016, []),
    "unknown-2018": ("12_unknown_jichushuju_2018.txt", 2018, ["--unit", "（填报单位未注明）"]),
}


def main(argv: Sequence[str]) -> int:
    saved = cli.COMMAND_MODULES
    cli.COMMAND_MODULES = (reports,)
    try:
        return cli.main(list(argv))
    finally:
        cli.COMMAND_MODULES = saved


def load_record(path: Path | str) -> DepartmentYear:
    """A data file validated as a department-year record (the draft must carry its own code and year)."""
    path = Path(path)
    data = read_yaml(path)
    record = DepartmentYear.model_validate(data)
    if path.name != f"{record.code}.yaml":
        raise DataError(path, "file name does not match code")
    if path.parent.name.isdigit() and int(path.parent.name) != record.year:
        raise DataError(path, "year does not match folder")
    return record


def import_real_reports(data: Path) -> dict[str, Path]:
    """Each real-report digest imported with ``import-report`` into ``data/<year>/<code>.yaml`` (the report's own
    year; the report kept beside it): code → data file."""
    out = {}
    for code, (name, year, extra) in REAL_REPORTS.items():
        path = data / str(year) / f"{code}.yaml"
        assert main(["import-report", str(REAL / name), "--code", code, "-o", str(path), *extra]) == 0, name
        out[code] = path
    return out
