#!/usr/bin/env python
"""Word export benchmark (run by hand, not by CI): the CPU cost of one Word file of a chapter, as the build
pays it per department page (``perfeval.pages.docx.document_bytes``, both parts, issue 25).

    PYTHONPATH=src .venv/bin/python benchmarks/docx_bench.py [--repeat 5] [--demo 6] [--no-charts]
                                                             [--profile] [--save DIR | --compare DIR] [--json]

Cases: the seed (data/2024/xiangtan-minzheng.yaml) and the first ``--demo`` departments of data/demo/2024/,
each scored under data/frameworks/xiangtan-2024.yaml. Each case's chart PNGs are drawn once beforehand and
taken from its displayed outputs, as the build takes them from the executed notebook (``--no-charts`` passes
none: the export then draws every chart itself, as ``perfeval export-docx`` does). Every case is built
``--repeat`` times per part after one warm-up call (imports, the framework's first read) that is not counted.

Printed: the CPU seconds per document of each case and part (the least of the repeats, and their mean),
then the mean over all documents per part and in all; with ``--profile``, the 15 functions with the most
own CPU time over the counted calls. ``--save DIR`` writes every document's bytes to DIR, ``--compare DIR``
checks them against such a folder (exit 1 on any difference): the Word files must stay byte-identical
when the export is made cheaper. Load averages are printed at the start and the end (the machine may be
shared). Compare two versions by running this script in each, under the same conditions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "data" / "frameworks" / "xiangtan-2024.yaml"
PARTS = ("unit", "review")


def cases(demo: int) -> list[tuple[Any, Path]]:
    """(record, data folder) of the seed and of the first ``demo`` demo departments of 2024."""
    from perfeval.model import load_department

    found = [(load_department(ROOT / "data" / "2024" / "xiangtan-minzheng.yaml"), ROOT / "data")]
    for path in sorted((ROOT / "data" / "demo" / "2024").glob("*.yaml"))[:demo]:
        if path.name.count(".") == 1:          # not a rulings/replies file beside a record
            found.append((load_department(path), ROOT / "data" / "demo"))
    return found


def chart_pngs(record: Any, data_dir: Path) -> dict[str, bytes]:
    """The chapter's charts by name, from the outputs its notebook would display."""
    from perfeval.pages import OUTLINE, Chapter
    from perfeval.pages.display import NotebookOutput, charts_in

    outputs: list[dict[str, Any]] = []

    def publish(data: dict[str, Any], raw: bool = False, metadata: dict[str, Any] | None = None) -> None:
        outputs.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    chapter = Chapter(record, data_dir, FRAMEWORK, NotebookOutput(f"{record.year}/{record.code}", "../../", publish))
    for section in OUTLINE:
        if section.method and section.applies(chapter):
            getattr(chapter, section.method)()
    return {c.name: c.png for c in charts_in({"cells": [{"cell_type": "code", "outputs": outputs}]})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="counted builds of each document (default 5)")
    parser.add_argument("--demo", type=int, default=6, help="demo departments besides the seed (default 6)")
    parser.add_argument("--no-charts", action="store_true", help="pass no chart PNGs (the export draws them)")
    parser.add_argument("--profile", action="store_true", help="print the 15 functions with the most own CPU time")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, help="write every document's bytes to this folder")
    group.add_argument("--compare", type=Path, help="compare every document's bytes with this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from perfeval.pages.docx import document_bytes
    from perfeval.review import Signature

    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    signature = Signature("湘潭市财政局", dt.date(2025, 6, 30))
    runs = [(rec, data_dir, {} if args.no_charts else chart_pngs(rec, data_dir)) for rec, data_dir in cases(args.demo)]
    profiler = cProfile.Profile() if args.profile else None
    seconds: dict[tuple[str, str], list[float]] = {}
    differ: list[str] = []
    for rec, data_dir, pngs in runs:
        for part in PARTS:
            name = f"{rec.code}-{rec.year}-{part}.docx"
            data = document_bytes(rec, FRAMEWORK, data_dir, pngs, part, signature)     # warm-up, not counted
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / name).write_bytes(data)
            if args.compare and (args.compare / name).read_bytes() != data:
                differ.append(name)
            times = seconds.setdefault((rec.code, part), [])
            for _ in range(args.repeat):
                if profiler:
                    profiler.enable()
                start = time.process_time()
                document_bytes(rec, FRAMEWORK, data_dir, pngs, part, signature)
                times.append(time.process_time() - start)
                if profiler:
                    profiler.disable()

    per_part = {part: statistics.mean(t for (_, p), ts in seconds.items() if p == part for t in ts) for part in PARTS}
    result = {"documents": len(seconds), "repeat": args.repeat, "charts": not args.no_charts,
              "cpu_s_per_document": {f"{code}/{part}": {"min": min(ts), "mean": statistics.mean(ts)}
                                     for (code, part), ts in seconds.items()},
              "mean_cpu_s": {**per_part, "all": statistics.mean(t for ts in seconds.values() for t in ts)}}
    if args.compare:
        result["byte_identical"] = not differ
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{'document':<32} {'min CPU s':>10} {'mean CPU s':>11}")
        for key, row in result["cpu_s_per_document"].items():
            print(f"{key:<32} {row['min']:>10.4f} {row['mean']:>11.4f}")
        for key, value in result["mean_cpu_s"].items():
            print(f"mean CPU s per document ({key}): {value:.4f}")
        if args.compare:
            print("byte-identical with " + str(args.compare) + (": yes" if not differ else ": NO: " + ", ".join(differ)))
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue(), file=sys.stderr if args.json else sys.stdout)
    print(f"load average at end: {os.getloadavg()}", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
