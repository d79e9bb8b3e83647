#!/usr/bin/env python
"""import-excel benchmark (run by hand, not by CI): reading back perfeval's own export of a record at the
list limits, at fractions of them, to show the work is linear in the cells.

    PYTHONPATH=src .venv/bin/python benchmarks/excel_bench.py [--fractions 0.25 0.5 1] [--json]

For each fraction f, a record is built in memory from the seed (data/2024/xiangtan-minzheng.yaml) with every
list section at f × MAX_ITEMS items (projects, goals, problems, 自评表 rows, by-unit rows, public-fund items,
exclusions, duties, internal units, stated changes, and as many annotations), the goals' indicators and the
projects' outputs at f × MAX_NESTED_ITEMS in all; it is exported with ``write_workbook`` and read back with
``read_workbook``. Printed per fraction: the cells read, wall and CPU seconds, and CPU microseconds per cell
(flat when linear: issue 24 measured 35 s at the limits, quadratic in the annotations table). Load averages
are printed at the start and the end (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def limit_record(fraction: float) -> Any:
    """The seed with every list at ``fraction`` of its limit (see the module docstring)."""
    from perfeval.model import MAX_ITEMS, MAX_NESTED_ITEMS, DepartmentYear, load_department

    n = max(4, int(MAX_ITEMS * fraction))
    per = max(1, int(MAX_NESTED_ITEMS * fraction) // n)
    data = load_department(ROOT / "data/2024/xiangtan-minzheng.yaml").model_dump(mode="python", exclude={"annotations"})
    quantity = {"value": 15, "unit": "件", "relation": ">="}
    data["unit"]["internal_units"] = [f"内设科室{i}" for i in range(n)]
    data["duties"] = [f"职能{i}：负责有关工作。" for i in range(n)]
    data["goals"] = [{"number": i + 1, "text": f"目标{i + 1}", "completion": "已完成",
                      "indicators": [{"name": f"指标{i + 1}-{j + 1}", "target": quantity, "actual": quantity}
                                     for j in range(per)]} for i in range(n)]
    data["projects"] = [{"number": i + 1, "name": f"项目{i + 1}", "budget": "12.50", "actual": "11.25",
                         "outputs": [{"name": f"产出{j + 1}", "value": 3, "unit": "个"} for j in range(per)]}
                        for i in range(n)]
    data["problems"] = [{"problem": f"问题{i + 1}", "measures": "整改措施", "deadline": "2025-06-30"} for i in range(n)]
    data["self_scores"] = [{"part": f"指标{i + 1}", "weight": 1, "score": "0.5"} for i in range(n)]
    data["income_by_unit"] = [{"name": f"二级机构{i + 1}", "total": "10.5"} for i in range(n)]
    data["expenditure_by_unit"] = [{"name": f"二级机构{i + 1}", "total": "10.5"} for i in range(n)]
    data["public_funds"] = {"items": [{"name": f"费用{i + 1}", "actual": "1.5"} for i in range(n)]}
    data["adjustment"]["exclusions"] = [{"amount": "1.5", "reason": f"理由{i + 1}"} for i in range(n)]
    data["stated_changes"] = [{"subject": f"项目{i + 1}", "current": "10", "as_written": "同比增加"} for i in range(n)]
    data["annotations"] = {f"projects[{i}].budget": {"as_written": "12.5 万元", "note": f"注{i + 1}"} for i in range(n)}
    return DepartmentYear.model_validate(data)


def measure(fraction: float) -> dict[str, Any]:
    from perfeval.excel import read_workbook, write_workbook
    from perfeval.excel.reader import WorkbookReader

    record = limit_record(fraction)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(record, Path(tmp) / "limit.xlsx")
        wall, cpu = time.perf_counter(), time.process_time()
        back = read_workbook(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        reader = WorkbookReader(path)
        try:
            reader.read()
            cells = sum(grid.cell_count for grid in reader.sheets.values())
        finally:
            reader.close()
    assert back.code == record.code and len(back.projects) == len(record.projects)
    return {"fraction": fraction, "items": len(record.projects), "cells": cells, "read_s": round(wall, 2),
            "read_cpu_s": round(cpu, 2), "cpu_us_per_cell": round(cpu / cells * 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results = [measure(f) for f in args.fractions]
    for r in results:
        print(json.dumps(r, ensure_ascii=False) if args.json else
              f"{r['fraction']:>5} × limits: {r['items']} items, {r['cells']} cells, read {r['read_s']} s "
              f"(CPU {r['read_cpu_s']} s, {r['cpu_us_per_cell']} µs per cell)")
    first, last = results[0], results[-1]
    print(f"CPU per cell at {last['fraction']} vs {first['fraction']} × limits: "
          f"{last['cpu_us_per_cell'] / first['cpu_us_per_cell']:.2f}× (1.0 is linear)")
    print("load average at end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
