#!/usr/bin/env python
"""Build benchmark (run by hand, not by CI): our build engine against the naive way, in one run.

    .venv/bin/python benchmarks/build_bench.py --departments 100 [--scale10] [--skip-naive] [--json]

Builds a demo dataset of N departments (one year) in a scratch project and measures:

(a) cold full build vs the naive way (papermill's command line once per department, one after
    another, then ``jupyter-book build``), as a ratio;
(b) a rebuild with nothing changed, as a ratio of (a);
(c) a rebuild after one figure of one department changed (its chapter, the year overview and 数据核查汇总 run
    again), and (c') after one sentence of one department changed (its chapter alone runs again), as ratios
    of (a); as an analyst's builds do, each takes the spares the build before it left (``perfeval.book.spares``:
    warm kernels and a render child, outside the build's process tree, so not in its CPU or memory figures);
(d) seconds per department of a cold build at N (and at 10×N with ``--scale10``, followed by its own
    no-change and one-change rebuilds), and the peak memory (RSS summed over the build's process tree:
    workers, kernels, the render);
(e) the floor: the same department content computed in this Python process without any kernel
    (every section the template calls, output discarded; charts still rendered to PNG), per department.

With ``--json`` the last line is one JSON object: the ratios cold_vs_naive, noop_vs_cold,
one_changed_vs_cold, one_text_changed_vs_cold, noop_vs_cold_10x, one_changed_vs_cold_10x,
one_text_changed_vs_cold_10x, per_dept_10x_vs_n, cold_vs_floor; the
seconds per_dept_cold_s, per_dept_cold_s_10x, floor_per_dept_s and every build's wall and CPU time
(``*_s``, ``*_cpu_s``: CPU of the build and all its processes); peak_rss_mb (the largest of the run),
peak_rss_mb_n and peak_rss_mb_10x; and the machine (cores, load averages at start and end). Values of the
10×N run are null without ``--scale10``; the commit measured. Every figure is measured in this same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024


def make_project(dest: Path, departments: int, seed: int = 1) -> Path:
    from perfeval.model.demo import generate, write

    dest.mkdir(parents=True)
    # The demo departments are the book's data (a real book reads data/ only; data_dirs names the demo folder).
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    (dest / "_config.yml").write_text(config.replace("# data_dirs: [data]", "data_dirs: [data/demo]"), encoding="utf-8")
    assert "data_dirs: [data/demo]" in (dest / "_config.yml").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", dest / "notebooks")
    shutil.copytree(ROOT / "book", dest / "book",
                    ignore=shutil.ignore_patterns("[0-9][0-9][0-9][0-9]", "_extra", "findings.ipynb"))
    shutil.copytree(ROOT / "data" / "frameworks", dest / "data" / "frameworks")
    write(generate(departments, [YEAR], seed), dest / "data" / "demo")
    return dest


class PeakRSS:
    """Samples the RSS of a process and all its descendants; keeps the maximum of the sum."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                proc = psutil.Process(self.pid)
                total = proc.memory_info().rss
                for child in proc.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: CPU seconds of the last command run by :func:`timed` (with everything it started and waited for).
LAST_CPU = [0.0]


def timed(cmd: list[str], cwd: Path, measure_memory: bool = False) -> tuple[float, int]:
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if measure_memory:
        with PeakRSS(proc.pid) as mem:
            _, err = proc.communicate()
        peak = mem.peak
    else:
        _, err = proc.communicate()
        peak = 0
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    LAST_CPU[0] = _children_cpu() - cpu
    return time.perf_counter() - start, peak


def perfeval_build(project: Path, measure_memory: bool = False) -> tuple[float, int]:
    return timed([sys.executable, "-m", "perfeval", "build", "--root", str(project)], project, measure_memory)


def naive_build(project: Path) -> float:
    """papermill's command line once per department, one after another, then jupyter-book build."""
    from perfeval.book.plan import BookLayout, plan_runs
    from perfeval.book.toc import write_toc
    from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

    bindir = Path(sys.executable).parent
    layout = BookLayout.at(project)
    runs = plan_runs(layout, resolve_framework(DEFAULT_FRAMEWORK, layout.data_root))
    write_toc(layout, runs)  # the TOC is not part of the timing: the naive way needs one too
    start = time.perf_counter()
    for run in runs:
        if run.kind != "department":
            continue
        out = project / f"{run.page}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [str(bindir / "papermill"), run.template, str(out), "--cwd", str(project / "notebooks")]
        for name, value in run.parameters.items():
            if name != "downloads_dir":
                cmd += ["-p", name, str(value)]
        subprocess.run(cmd, check=True, capture_output=True)
    for stub in ("book/2024/overview-demo", "book/findings"):  # pages the TOC lists but the naive way lacks
        nb = project / f"{stub}.ipynb"
        if not nb.exists():
            nb.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 占位"}],
                                      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    subprocess.run([str(bindir / "jupyter-book"), "build", str(project), "--path-output", str(project / "_naive")],
                   check=True, capture_output=True, cwd=project)
    return time.perf_counter() - start


def section_calls(template: Path) -> list[str]:
    """The chapter methods the template's cells call (``ch.summary()`` → ``summary``), in order."""
    import re

    import nbformat

    nb = nbformat.read(template, as_version=4)
    return [name for cell in nb.cells if cell.cell_type == "code"
            for name in re.findall(r"^ch\.([a-z_]+)\(\)$", cell.source, re.MULTILINE)]


def floor_per_department(project: Path) -> float:
    """Department content computed in-process without a kernel, seconds per department: every section the
    template calls, its output discarded (prose, tables and charts are still made; charts drawn to PNG)."""
    from perfeval.pages import Chapter
    from perfeval.pages.chapter import downloads_folder
    from perfeval.pages.display import NotebookOutput
    from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

    data = project / "data" / "demo"
    framework = resolve_framework(DEFAULT_FRAMEWORK, project / "data")
    sections = section_calls(project / "notebooks" / "department.ipynb")
    codes = sorted(p.stem for p in (data / str(YEAR)).glob("*.yaml"))
    start = time.perf_counter()
    for code in codes:
        ch = Chapter.load(code, YEAR, data, framework)
        ch.out = NotebookOutput(downloads_folder(code, YEAR), "../../", publish=lambda *a, **k: None)
        for name in sections:
            getattr(ch, name)()
    return (time.perf_counter() - start) / len(codes)


def change_text(project: Path, n: int) -> Path:
    """Change one department's text only: a sentence no year page shows (partial demo records may lack any
    given field, so the note is added when the record has none). The change is asserted: a "change" that
    left the file as it was would measure a no-change rebuild."""
    data = sorted((project / "data" / "demo" / str(YEAR)).glob("*.yaml"))[n // 2]
    before = data.read_text(encoding="utf-8")
    if "\nother_notes: " in before:
        after = before.replace("\nother_notes: ", "\nother_notes: （修订）", 1)
    else:
        after = before.rstrip("\n") + "\nother_notes: 本年度数据经修订。\n"
    assert after != before
    data.write_text(after, encoding="utf-8")
    return data


def change_one(project: Path, n: int) -> Path:
    """Correct one figure of one department (an amount, by 0.01 万元) such that its summary changes: the
    chapter and the pages that summarise the year (the year overview, 数据核查汇总) all run again. The
    department is the first from the middle of the year whose summary the correction changes (asserted)."""
    import re

    from perfeval.model import load_department
    from perfeval.pages.summaries import summarize
    from perfeval.review.frameworks import DEFAULT_FRAMEWORK, load_framework, resolve_framework

    framework = load_framework(resolve_framework(DEFAULT_FRAMEWORK, project / "data"))
    files = sorted((project / "data" / "demo" / str(YEAR)).glob("*.yaml"))
    for data in files[n // 2:] + files[:n // 2]:
        before = data.read_text(encoding="utf-8")
        old = summarize(load_department(data), framework)
        for match in re.finditer(r"\bactual: ([0-9]+\.[0-9]+)", before):
            value = match.group(1)
            bumped = f"{float(value) + 0.01:.{len(value.split('.')[1])}f}"
            data.write_text(before[:match.start(1)] + bumped + before[match.end(1):], encoding="utf-8")
            if summarize(load_department(data), framework) != old:
                return data
        data.write_text(before, encoding="utf-8")
    raise AssertionError("no amount changes a summary")


def series(project: Path, n: int, label: str, figures: dict[str, float | None]) -> None:
    """Cold build, no-change rebuild and one-change rebuild of one project; figures under ``label``."""
    suffix = "" if label == "N" else "_10x"
    cold, peak = perfeval_build(project, measure_memory=True)
    figures[f"cold{suffix}_s"], figures[f"cold{suffix}_cpu_s"] = cold, LAST_CPU[0]
    figures[f"peak_rss_mb{'_n' if label == 'N' else suffix}"] = peak / 2**20
    print(f"(a) cold full build at {label}={n}: {cold:.1f} s (CPU {LAST_CPU[0]:.1f} s), "
          f"{cold / n:.3f} s per department, peak memory {peak / 2**20:.0f} MB")
    noop, _ = perfeval_build(project)
    figures[f"noop{suffix}_s"], figures[f"noop{suffix}_cpu_s"] = noop, LAST_CPU[0]
    print(f"(b) rebuild, nothing changed: {noop:.2f} s = {noop / cold:.4f} × cold")
    change_one(project, n)
    one, _ = perfeval_build(project)
    figures[f"one_changed{suffix}_s"], figures[f"one_changed{suffix}_cpu_s"] = one, LAST_CPU[0]
    print(f"(c) rebuild, one figure of one department changed: {one:.1f} s = {one / cold:.4f} × cold")
    change_text(project, n)
    text, _ = perfeval_build(project)
    figures[f"one_text_changed{suffix}_s"], figures[f"one_text_changed{suffix}_cpu_s"] = text, LAST_CPU[0]
    print(f"(c') rebuild, one sentence of one department changed: {text:.1f} s = {text / cold:.4f} × cold")
    from perfeval.book import spares

    spares.stop_all(project / "_build")   # the processes the builds left for a next build of this project


def commit() -> str:
    """The commit measured (with "+changes" when the tree has uncommitted changes)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def ratio(a: float | None, b: float | None, digits: int = 4) -> float | None:
    return round(a / b, digits) if a is not None and b else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, required=True, help="N")
    parser.add_argument("--scale10", action="store_true", help="also the builds at 10×N departments")
    parser.add_argument("--skip-naive", action="store_true", help="skip the (slow) naive baseline")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--workdir", default=None, help="scratch folder (default: a temp dir, removed)")
    args = parser.parse_args()
    n = args.departments
    work = Path(args.workdir or tempfile.mkdtemp(prefix="perfeval-bench-"))
    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"perfeval build benchmark: N={n}, {os.cpu_count()} cores, load {load_start}, scratch {work}")
    figures: dict[str, float | None] = {}

    floor = floor_per_department(make_project(work / "floor", n))
    print(f"(e) floor, in-process without kernel: {floor:.3f} s per department")

    naive = None
    if not args.skip_naive:
        naive = naive_build(make_project(work / "naive", n))
        figures["naive_s"] = naive
        print(f"    naive way (papermill CLI × {n}, then jupyter-book): {naive:.1f} s")

    series(make_project(work / "ours", n), n, "N", figures)
    cold = figures["cold_s"]
    assert cold is not None
    per_dept = cold / n
    if args.scale10:
        series(make_project(work / "ours10x", 10 * n), 10 * n, "10×N", figures)
    cold10 = figures.get("cold_10x_s")
    per_dept_10x = cold10 / (10 * n) if cold10 is not None else None
    if per_dept_10x is not None:
        print(f"(d) cold seconds per department: {per_dept:.3f} at N, {per_dept_10x:.3f} at 10×N "
              f"= {per_dept_10x / per_dept:.2f} ×")
    print(f"    cold per department / floor: {per_dept / floor:.2f}")
    load_end = os.getloadavg()
    print(f"    load {load_end} at the end")

    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        peaks = [v for k, v in figures.items() if k.startswith("peak_rss_mb") and v is not None]
        out: dict[str, object] = {
            "cold_vs_naive": ratio(cold, naive),
            "noop_vs_cold": ratio(figures["noop_s"], cold),
            "one_changed_vs_cold": ratio(figures["one_changed_s"], cold),
            "noop_vs_cold_10x": ratio(figures.get("noop_10x_s"), cold10),
            "one_changed_vs_cold_10x": ratio(figures.get("one_changed_10x_s"), cold10),
            "one_text_changed_vs_cold": ratio(figures["one_text_changed_s"], cold),
            "one_text_changed_vs_cold_10x": ratio(figures.get("one_text_changed_10x_s"), cold10),
            "per_dept_cold_s": round(per_dept, 4),
            "per_dept_cold_s_10x": round(per_dept_10x, 4) if per_dept_10x is not None else None,
            "per_dept_10x_vs_n": ratio(per_dept_10x, per_dept, 3),
            "floor_per_dept_s": round(floor, 4),
            "cold_vs_floor": ratio(per_dept, floor, 3),
            "peak_rss_mb": round(max(peaks), 1),
            "peak_rss_mb_n": round(figures["peak_rss_mb_n"] or 0, 1),
            "peak_rss_mb_10x": round(figures["peak_rss_mb_10x"], 1) if figures.get("peak_rss_mb_10x") else None,
        }
        for key in ("naive_s", "cold_s", "cold_cpu_s", "noop_s", "noop_cpu_s", "one_changed_s", "one_changed_cpu_s",
                    "one_text_changed_s", "one_text_changed_cpu_s", "cold_10x_s", "cold_10x_cpu_s", "noop_10x_s",
                    "noop_10x_cpu_s", "one_changed_10x_s", "one_changed_10x_cpu_s", "one_text_changed_10x_s",
                    "one_text_changed_10x_cpu_s"):
            value = figures.get(key)
            out[key] = round(value, 2) if value is not None else None
        out.update({"departments": n, "cores": os.cpu_count(), "started": started, "commit": commit(),
                    "load_start": [round(x, 2) for x in load_start], "load_end": [round(x, 2) for x in load_end]})
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
