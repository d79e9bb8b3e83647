#!/usr/bin/env python
"""Year overview benchmark (run by hand, not by CI): the cost of the overview's content at N departments.

    PYTHONPATH=src .venv/bin/python benchmarks/overview_bench.py [--departments 100 1000] [--seed 1] [--json]

For each N, demo records of one year are generated in memory, then this process measures (wall and CPU
seconds; both because the machine may be shared):

- ``rows``: scoring and checking every department (``ranking.evaluate``), done once and shared;
- ``before``: the three charts' PNGs with one bar or label per department whatever N (the charts as they
  were: ``max_named`` infinite);
- ``after``: the same with the default :data:`perfeval.pages.ranking.MAX_NAMED_DEPARTMENTS` (summary charts of
  a fixed size above it);

and the PNG sizes in pixels. The overview's content is ``rows`` plus the three charts. Load averages
(``os.getloadavg``) are printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def measure(departments: int, seed: int) -> dict[str, Any]:
    from perfeval.model.demo import generate
    from perfeval.pages import ranking
    from perfeval.pages.charts import Chart, png_size
    from perfeval.review import load_framework

    framework = load_framework(ROOT / "data" / "frameworks" / "xiangtan-2024.yaml")
    records = generate(departments, [YEAR], seed)
    rows, rows_s, rows_cpu = _timed(lambda: ranking.evaluate(records, framework))
    out: dict[str, Any] = {"departments": departments, "rows_s": round(rows_s, 2), "rows_cpu_s": round(rows_cpu, 2)}
    for mode, limit in (("before", math.inf), ("after", ranking.MAX_NAMED_DEPARTMENTS)):
        def charts() -> list[bytes]:
            made = [f(rows, YEAR, max_named=limit)
                    for f in (ranking.scores_chart, ranking.execution_chart, ranking.sangong_chart)]
            return [c.png() for c in made if isinstance(c, Chart)]
        pngs, wall, cpu = _timed(charts)
        out[f"{mode}_charts_s"] = round(wall, 2)
        out[f"{mode}_charts_cpu_s"] = round(cpu, 2)
        out[f"{mode}_content_s"] = round(rows_s + wall, 2)
        out[f"{mode}_png_px"] = [list(png_size(p)) for p in pngs]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load_start = os.getloadavg()
    print(f"started {started}; load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f} "
          f"({os.cpu_count()} cores)")
    results = []
    for n in args.departments:
        r = measure(n, args.seed)
        results.append(r)
        print(f"N={n}: rows {r['rows_s']} s; charts before {r['before_charts_s']} s (CPU {r['before_charts_cpu_s']}), "
              f"after {r['after_charts_s']} s (CPU {r['after_charts_cpu_s']}); content before "
              f"{r['before_content_s']} s, after {r['after_content_s']} s; PNG px before {r['before_png_px']}, "
              f"after {r['after_png_px']}")
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    if args.json:
        print(json.dumps({"runs": results, "load_start": [round(x, 2) for x in load_start],
                          "load_end": [round(x, 2) for x in load_end], "cores": os.cpu_count(),
                          "started": started}))


if __name__ == "__main__":
    main()
