"""From data files to a published book: runs, papermill execution, clean-up, TOC, jupyter-book.

Data flows one way: ``data/<year>/<code>.yaml`` → validated records → one executed
notebook per department-year (``book/<year>/<code>.ipynb``) → ``_toc.yml`` → HTML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
import nbformat
import yaml

from .errors import DataError, UsageError
from .load import load_all, load_department, department_path
from .schema import DepartmentYear

TEMPLATE = "notebooks/department.ipynb"
VOLATILE_CELL_METADATA = ("execution", "papermill")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&^%=\"'])")


def md_escape(text: str) -> str:
    """Escape every ASCII punctuation character so MyST shows the text literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Run:
    """One department-year to execute."""

    code: str
    year: int
    title: str
    supervisor: str
    demo: bool
    data_dir: Path
    framework: str = "xiangtan-2024"

    @property
    def page(self) -> str:
        """Page path relative to the project root, without suffix (stable, ASCII)."""
        return f"book/{self.year}/{self.code}"

    def parameters(self) -> dict[str, Any]:
        return {"code": self.code, "year": self.year, "data_dir": str(self.data_dir.resolve()),
                "framework": self.framework}


@dataclass
class Project:
    """The paths of one book project (repository root by default)."""

    root: Path
    data_dirs: list[Path] = field(default_factory=list)

    @classmethod
    def at(cls, root: Path | str = ".", data_dirs: Iterable[Path | str] | None = None) -> "Project":
        root = Path(root).resolve()
        dirs = [Path(d) if Path(d).is_absolute() else root / d for d in (data_dirs or ["data"])]
        return cls(root, dirs)

    @property
    def template(self) -> Path:
        return self.root / TEMPLATE

    def chapter_path(self, run: Run) -> Path:
        return self.root / f"{run.page}.ipynb"


def plan_runs(project: Project, only: str | None = None) -> tuple[list[Run], list[DepartmentYear]]:
    """Validate all data and list the runs (sorted by year, supervisor, code)."""
    runs: list[Run] = []
    records: list[DepartmentYear] = []
    seen: dict[tuple[str, int], Path] = {}
    for data_dir in project.data_dirs:
        if not data_dir.is_dir():
            raise DataError(data_dir, "数据目录不存在 (data directory not found)")
        for rec in load_all(data_dir):
            key = (rec.code, rec.year)
            path = department_path(data_dir, rec.code, rec.year)
            if key in seen:
                raise DataError(path, f"部门代码 {rec.code} 在 {rec.year} 年重复（另见 {seen[key]}）(duplicate code)",
                                field="code", label="部门代码")
            seen[key] = path
            records.append(rec)
            runs.append(Run(rec.code, rec.year, rec.report_title, rec.unit.supervisor, rec.demo, data_dir))
    if only is not None:
        runs = [r for r in runs if r.code == only]
        if not runs:
            raise UsageError(f"没有部门代码为 {only} 的数据 (no data for --only {only})")
    runs.sort(key=lambda r: (-r.year, r.demo, r.supervisor, r.code))
    return runs, records


# --- execution -------------------------------------------------------------

def template_parameters(template: Path) -> dict[str, Any]:
    import papermill

    return dict(papermill.inspect_notebook(str(template)))


def validate_parameters(template: Path, parameters: dict[str, Any]) -> None:
    known = template_parameters(template)
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        raise UsageError(
            f"未知参数 {', '.join(unknown)}；模板 {template.name} 的参数为 {', '.join(sorted(known))} "
            "(unknown parameter)"
        )


def execute(template: Path, output: Path, parameters: dict[str, Any], record: DepartmentYear) -> None:
    """Execute the template with papermill and write the cleaned notebook to ``output``."""
    import papermill

    validate_parameters(template, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.stem}.{os.getpid()}.tmp.ipynb")
    try:
        nb = papermill.execute_notebook(
            str(template), str(tmp), parameters=parameters, kernel_name="python3",
            cwd=str(template.parent), progress_bar=False, log_output=False, report_mode=False,
        )
        clean_notebook(nb, record)
        nbformat.write(nb, str(tmp))
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def clean_notebook(nb: Any, record: DepartmentYear) -> None:
    """Prepare an executed notebook for the page.

    Parameters cells are removed, code is hidden, stderr dropped, volatile metadata
    removed (so identical inputs give identical files) and markdown cells rendered
    with the record's title (Jinja2, StrictUndefined, text escaped for MyST).
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    context = {"title": md_escape(record.report_title), "unit": md_escape(record.unit.name), "year": record.year}
    for index, cell in enumerate(nb.cells):
        tags = list(cell.metadata.get("tags", []))
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "markdown":
            cell.source = env.from_string(cell.source).render(context)
            continue
        if cell.cell_type != "code":
            continue
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"
        if "parameters" in tags or "injected-parameters" in tags:
            tags.append("remove-cell")
        else:
            tags.append("remove-input")
        cell.metadata["tags"] = sorted(set(tags))
        cell.outputs = [o for o in cell.get("outputs", []) if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        for out in cell.outputs:
            if "execution_count" in out:
                out["execution_count"] = None
        cell.execution_count = None
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    nb.metadata.pop("widgets", None)


def _execute_run(args: tuple[str, str, dict[str, Any], str]) -> tuple[str, float, str | None]:
    template, output, parameters, record_path = args
    start = time.perf_counter()
    try:
        record = load_department(Path(record_path))
        execute(Path(template), Path(output), parameters, record)
        return output, time.perf_counter() - start, None
    except Exception as exc:  # reported per run by the caller
        return output, time.perf_counter() - start, _describe_failure(exc)


def _describe_failure(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        cell = getattr(exc, "exec_count", "?")
        return f"第 {cell} 个代码单元出错：{getattr(exc, 'ename', '')}: {getattr(exc, 'evalue', '')}"
    return f"{name}: {exc}"


# --- table of contents and build -------------------------------------------

def make_toc(runs: list[Run]) -> dict[str, Any]:
    """The jupyter-book TOC: guide pages, then one part per year (real data before demo data)."""
    parts: list[dict[str, Any]] = [{
        "caption": "阅读指南",
        "chapters": [{"file": "book/how-to-read"}, {"file": "book/method"}, {"file": "book/glossary"}],
    }]
    years = sorted({r.year for r in runs}, reverse=True)
    for year in years:
        for demo in (False, True):
            group = [r for r in runs if r.year == year and r.demo == demo]
            if not group:
                continue
            caption = f"{year}年度" + ("（示例数据）" if demo else "")
            parts.append({"caption": caption, "chapters": [{"file": r.page} for r in group]})
    return {"format": "jb-book", "root": "book/intro", "parts": parts}


def write_toc(project: Project, runs: list[Run]) -> Path:
    path = project.root / "_toc.yml"
    text = "# Generated by `perfeval build` from the data files: do not edit.\n" + yaml.safe_dump(
        make_toc(runs), allow_unicode=True, sort_keys=False)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def remove_stale_chapters(project: Project, runs: list[Run]) -> None:
    """Delete generated chapters whose data file no longer exists."""
    wanted = {project.chapter_path(r) for r in runs}
    for path in (project.root / "book").glob("[0-9][0-9][0-9][0-9]/*.ipynb"):
        if path not in wanted:
            path.unlink()


def jupyter_book_build(project: Project, html_dir: Path) -> None:
    """Render the book with jupyter-book into a staging folder, then swap it into place."""
    jb = Path(sys.executable).parent / "jupyter-book"
    staging = project.root / "_build" / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(project.root), "--path-output", str(staging)]
    proc = subprocess.run(cmd, cwd=project.root, capture_output=True, text=True)
    log = project.root / "_build" / "jupyter-book.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    built = staging / "_build" / "html"
    if proc.returncode != 0 or not (built / "index.html").exists():
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"jupyter-book build failed (log: {log}):\n{tail}")
    publish(built, html_dir)
    shutil.rmtree(staging, ignore_errors=True)


def publish(built: Path, html_dir: Path) -> None:
    """Replace ``html_dir`` by ``built`` (two renames; the old book stays until the new one is complete)."""
    html_dir.parent.mkdir(parents=True, exist_ok=True)
    old = html_dir.with_name(html_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if html_dir.exists():
        os.replace(html_dir, old)
    os.replace(built, html_dir)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class BuildReport:
    executed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    html: Path | None = None


def build(project: Project, only: str | None = None, html: bool = True, jobs: int | None = None,
          keep_going: bool = False, log: Any = print) -> BuildReport:
    """Validate data, execute every department-year, write the TOC and render the book."""
    runs, _records = plan_runs(project, only)
    all_runs, _ = plan_runs(project) if only else (runs, _records)
    report = BuildReport()
    tasks = []
    for run in runs:
        tasks.append((str(project.template), str(project.chapter_path(run)), run.parameters(),
                      str(department_path(run.data_dir, run.code, run.year))))
    jobs = jobs or min(len(tasks), os.cpu_count() or 1) or 1
    log(f"执行 {len(tasks)} 个部门-年度笔记本（{jobs} 个进程）…")
    if jobs == 1 or len(tasks) == 1:
        results = map(_execute_run, tasks)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_execute_run, tasks)
    for output, seconds, error in results:
        name = str(Path(output).relative_to(project.root))
        report.seconds[name] = round(seconds, 3)
        if error:
            report.failed[name] = error
            log(f"  失败 {name}：{error}")
            if not keep_going:
                break
        else:
            report.executed.append(name)
            log(f"  完成 {name}（{seconds:.1f} 秒）")
    if report.failed:
        return report
    remove_stale_chapters(project, all_runs)
    write_toc(project, all_runs)
    write_manifest(project, report)
    if html:
        html_dir = project.root / "_build" / "html"
        log("jupyter-book 生成网页…")
        jupyter_book_build(project, html_dir)
        report.html = html_dir
    return report


def write_manifest(project: Project, report: BuildReport) -> None:
    import importlib.metadata as md

    versions = {}
    for name in ("perfeval", "jupyter-book", "papermill", "pandas", "matplotlib", "sphinx", "myst-nb"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    path = project.root / "_build" / "build.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"versions": versions, "executed": report.executed, "failed": report.failed,
                                "seconds": report.seconds}, ensure_ascii=False, indent=2), encoding="utf-8")
