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
#: The seven digests of other provinces ("Batch 2" of the README); 18, 22 and 28 were held out while the
#: importer's rules were written and measured afterwards (docs/importer.md; benchmarks/heldout_bench.py).
BATCH2_REPORTS: dict[str, tuple[str, int, list[str]]] = {
    "huaihua-minzheng": ("13_huaihua_minzhengju.txt", 2024, []),
    "xiaqiao-zhen": ("15_xuwen_xiaqiaozhen.txt", 2024, []),
    "xuwen-gonglu": ("18_xuwen_difanggongluju.txt", 2024, []),
    "xundian-renda": ("20_xundian_renda.txt", 2024, []),
    "xundian-xianweiban": ("22_xundian_xianweiban.txt", 2023, []),
    "jinzhai-chagu": ("26_jinzhai_chagu_zhongxin.txt", 2023, []),
    "zhouqu-weisheng": ("28_zhouqu_chengguan_weishengfuwu.txt", 2024, []),
}
#: All thirteen digests.
ALL_REPORTS: dict[str, tuple[str, int, list[str]]] = {**REAL_REPORTS, **BATCH2_REPORTS}


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


def pdf_bytes(objs: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of the objects ``objs`` (numbered from 1, the first the catalog) with its cross-reference table;
    ``trailer`` adds entries to the trailer dictionary (``/Encrypt 4 0 R /ID [...]``)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R ".encode() + trailer + f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def import_real_reports(data: Path, reports: dict[str, tuple[str, int, list[str]]] | None = None) -> dict[str, Path]:
    """Each real-report digest (``reports``, by default the six Hunan ones) imported with ``import-report`` into
    ``data/<year>/<code>.yaml`` (the report's own year; the report kept beside it): code → data file."""
    out = {}
    for code, (name, year, extra) in (REAL_REPORTS if reports is None else reports).items():
        path = data / str(year) / f"{code}.yaml"
        assert main(["import-report", str(REAL / name), "--code", code, "-o", str(path), *extra]) == 0, name
        out[code] = path
    return out
