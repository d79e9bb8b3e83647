"""Every value an import sets has its position in the normalized text (``Extraction.positions``), and a figure's
position is the figure itself: the text there starts with the number as written (the page links each figure
to its place in the report, and ``trace`` lists it)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

from perfeval.importer import import_report

from .import_helpers import REAL

HERE = Path(__file__).resolve().parent
#: The development reports (the held-out digests are measured apart: docs/importer.md).
REPORTS = [HERE / "fixtures" / "seed-xiangtan-minzheng-2024.txt", *sorted(HERE.glob("reports/*")),
           HERE / "fixtures" / "pdf" / "report.pdf",
           *(REAL / name for name in ("02_yuanling_huochangxiang.txt", "04_yueyanglou_wenlvguangti.txt",
                                      "06_nanxian_zhengxie.txt", "07_yueyanglou_zhengfuban.txt",
                                      "10_yueyangxian_rongwanhu.txt", "12_unknown_jichushuju_2018.txt",
                                      "13_huaihua_minzhengju.txt", "15_xuwen_xiaqiaozhen.txt", "20_xundian_renda.txt",
                                      "26_jinzhai_chagu_zhongxin.txt"))]
#: What the import derives rather than reads at one place: an item's level, parent, nature or group, a goal
#: indicator's category, a quantity's unit and relation, the numbering, flags read from a whole sentence.
DERIVED = {"level", "parent", "nature", "is_total", "group", "category", "relation", "unit", "number", "managed_only",
           "carryover_mentioned", "no_large_projects", "worker_within_admin", "code", "year"}


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not (path == "" and key == "annotations"):
                yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{i}]")
    else:
        yield path, value


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_every_value_has_the_position_of_its_figure(report: Path) -> None:
    doc, ex = import_report(report, code="x", year=2024 if "seed" in report.name else None)
    annotations = ex.data.get("annotations") or {}
    for path, value in _leaves(ex.data):
        if re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1]) in DERIVED:
            continue
        assert path in ex.positions, (report.name, path, value)
        pos = ex.positions[path]
        assert 0 <= pos < len(doc.text), (report.name, path)
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            written = re.match(r"-?\d+(?:\.\d+)?|零", doc.text[pos:pos + 24])
            assert written, (report.name, path, doc.text[pos:pos + 24])
            number = Decimal(0) if written.group(0) == "零" else Decimal(written.group(0))
            # A converted amount (元, 亿元, a unit slip) keeps its spelling in annotations; a stated decrease is
            # written as a positive amount after 减少.
            assert number in (value, abs(value)) or path in annotations, (report.name, path, value, written.group(0))
