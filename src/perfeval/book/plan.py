"""From data files to a published book: runs, papermill execution, clean-up, TOC, jupyter-book.

Data flows one way: ``data/<year>/<code>.yaml`` → validated records → one executed
notebook per department-year (``book/<year>/<code>.ipynb``) → ``_toc.yml`` → HTML.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
import nbformat
import yaml

from perfeval.book import pool as runner
from perfeval.errors import DataError, UsageError
from perfeval.model import department_path, load_all
from perfeval.model import DepartmentYear
from perfeval.review import resolve_framework

TEMPLATE = "notebooks/department.ipynb"
VOLATILE_CELL_METADATA = ("execution", "papermill")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&^%=\"'])")


def md_escape(text: str) -> str:
    """Escape every ASCII punctuation character so MyST shows the text literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Run:
    """One notebook to execute: a department chapter, a year overview or the findings summary."""

    page: str                       # page path relative to the project root, without suffix (stable ASCII)
    template: str                   # template notebook relative to the root
    parameters: dict[str, Any] = field(hash=False)
    title: str = ""                 # the page's first heading (rendered into the markdown cell)
    drop_tags: tuple[str, ...] = () # cells with these tags are removed after execution
    inputs: tuple[str, ...] = ()    # data files the page depends on (absolute paths)
    code: str = ""                  # department code ("" for overview pages)
    year: int = 0
    supervisor: str = ""
    demo: bool = False

    @property
    def kind(self) -> str:
        return Path(self.template).stem


@dataclass
class Project:
    """The paths of one book project (repository root by default)."""

    root: Path
    data_dirs: list[Path] = field(default_factory=list)

    @classmethod
    def at(cls, root: Path | str = ".", data_dirs: Iterable[Path | str] | None = None) -> "Project":
        root = Path(root).resolve()
        if data_dirs is None:
            # Real data under data/<year>/, demo data apart under data/demo/<year>/.
            data_dirs = ["data"] + (["data/demo"] if (root / "data" / "demo").is_dir() else [])
        dirs = [Path(d) if Path(d).is_absolute() else root / d for d in data_dirs]
        return cls(root, dirs)

    @property
    def frameworks_dir(self) -> Path:
        return self.root / "data" / "frameworks"

    @property
    def downloads_dir(self) -> Path:
        return self.root / "book" / "_extra" / "downloads"

    def notebook_path(self, run: Run) -> Path:
        return self.root / f"{run.page}.ipynb"


def _group_slug(supervisor: str) -> str:
    """A stable ASCII page name for a 主管部门 group (its name is Chinese)."""
    return "group-" + hashlib.sha1(supervisor.encode("utf-8")).hexdigest()[:8]


def load_records(project: Project) -> list[tuple[DepartmentYear, Path]]:
    """Validate every data file of the project; (code, year) must be unique across data folders."""
    out: list[tuple[DepartmentYear, Path]] = []
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
            out.append((rec, data_dir))
    return out


def plan_runs(project: Project, only: str | None = None, framework: str = "xiangtan-2024") -> list[Run]:
    """Every page to execute, generated from the data: chapters, then year overviews, then the findings page."""
    records = load_records(project)
    common = {"framework_file": str(resolve_framework(framework, project.root / "data").resolve())}
    runs: list[Run] = []
    for rec, data_dir in records:
        path = department_path(data_dir, rec.code, rec.year)
        history = [department_path(data_dir, rec.code, y) for y in range(2000, rec.year)
                   if department_path(data_dir, rec.code, y).is_file()]
        runs.append(Run(
            page=f"book/{rec.year}/{rec.code}", template="notebooks/department.ipynb",
            parameters={"code": rec.code, "year": rec.year, "data_dir": str(data_dir), **common},
            title=rec.report_title, drop_tags=() if history else ("if-history",),
            inputs=tuple(str(p) for p in [path, *history]), code=rec.code, year=rec.year,
            supervisor=rec.unit.supervisor, demo=rec.demo))
    for year in sorted({r.year for r in runs}, reverse=True):
        for demo in (False, True):
            group = [r for r in runs if r.year == year and r.demo == demo and r.kind == "department"]
            if len(group) < 2:
                continue
            dirs = sorted({r.parameters["data_dir"] for r in group})
            suffix = "（示例数据）" if demo else ""
            runs.append(Run(
                page=f"book/{year}/overview{'-demo' if demo else ''}", template="notebooks/overview.ipynb",
                parameters={"year": year, "data_dirs": dirs, "demo": demo, **common},
                title=f"{year}年度部门整体支出绩效评价总览{suffix}",
                inputs=tuple(sorted(i for r in group for i in r.inputs[:1])), year=year, demo=demo))
    frameworks = sorted(str(p) for p in project.frameworks_dir.glob("*.yaml"))
    runs.append(Run(page="book/method", template="notebooks/method.ipynb",
                    parameters={"frameworks_dir": str(project.frameworks_dir)}, title="评价方法",
                    inputs=tuple(frameworks)))
    chapters = [r for r in runs if r.kind == "department"]
    if chapters:
        runs.append(Run(
            page="book/findings", template="notebooks/findings.ipynb",
            parameters={"data_dirs": [str(d) for d in project.data_dirs], **common}, title="数据核查汇总",
            inputs=tuple(sorted(r.inputs[0] for r in chapters))))
    if only is not None:
        if not any(r.code == only for r in runs):
            raise UsageError(f"没有部门代码为 {only} 的数据 (no data for --only {only})")
    return runs


def select(runs: list[Run], only: str | None) -> list[Run]:
    """The runs to execute for ``--only CODE``: that department's chapters and the pages that use them."""
    if only is None:
        return runs
    files = {i for r in runs if r.code == only for i in r.inputs[:1]}
    return [r for r in runs if r.code == only or (not r.code and files & set(r.inputs))]


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


def execute(template: Path, output: Path, parameters: dict[str, Any], title: str,
            drop_tags: Iterable[str] = (), engine: str = "perfeval-warm",
            downloads_dir: Path | None = None) -> bool:
    """Execute the template with papermill and write the cleaned notebook to ``output``; with
    ``downloads_dir``, also write the page's CSV and Word files computed from the notebook.

    Returns whether ``output`` changed: an identical result is not rewritten, so
    Sphinx (which rebuilds by mtime) sees no change.
    """
    import papermill

    from perfeval.book import kernels as _engines  # registers perfeval-warm with papermill

    del _engines
    validate_parameters(template, parameters)
    nb = papermill.execute_notebook(
        str(template), None, parameters=parameters, kernel_name="python3", engine_name=engine,
        cwd=str(template.parent), progress_bar=False, log_output=False, report_mode=False,
        request_save_on_cell_execute=False,
    )
    clean_notebook(nb, title, drop_tags)
    if downloads_dir is not None:
        from perfeval.pages import Page, page_downloads, write_downloads

        write_downloads(page_downloads(nb, Page.from_parameters(template.stem, parameters)), downloads_dir)
    text = nbformat.writes(nb)
    if output.exists() and output.read_text(encoding="utf-8") == text:
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.stem}.{os.getpid()}.tmp.ipynb")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def clean_notebook(nb: Any, title: str, drop_tags: Iterable[str] = ()) -> None:
    """Prepare an executed notebook for the page.

    Parameters cells are removed, code is hidden, stderr dropped, volatile metadata
    removed (so identical inputs give identical files), cells tagged with one of
    ``drop_tags`` deleted, and markdown cells rendered with the page title
    (Jinja2, StrictUndefined, text escaped for MyST).
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    context = {"title": md_escape(title)}
    drop = set(drop_tags)
    nb.cells = [c for c in nb.cells if not drop & set(c.metadata.get("tags", []))]
    for cell in nb.cells:
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


# --- table of contents and build -------------------------------------------

def make_toc(runs: list[Run]) -> dict[str, Any]:
    """The jupyter-book TOC: guide pages, then one part per year (real data before demo data),
    each with its overview, then one chapter per 主管部门 with its departments as sections."""
    parts: list[dict[str, Any]] = [{
        "caption": "阅读指南",
        "chapters": [{"file": "book/how-to-read"}, {"file": "book/method"}, {"file": "book/glossary"}]
                    + ([{"file": "book/findings"}] if any(r.page == "book/findings" for r in runs) else []),
    }]
    chapters = [r for r in runs if r.kind == "department"]
    for year in sorted({r.year for r in chapters}, reverse=True):
        for demo in (False, True):
            group = [r for r in chapters if r.year == year and r.demo == demo]
            if not group:
                continue
            entries: list[dict[str, Any]] = []
            overview = f"book/{year}/overview{'-demo' if demo else ''}"
            if any(r.page == overview for r in runs):
                entries.append({"file": overview})
            for supervisor in sorted({r.supervisor for r in group}):
                members = sorted((r for r in group if r.supervisor == supervisor), key=lambda r: r.code)
                entries.append({"file": f"book/{year}/{_group_slug(supervisor)}{'-demo' if demo else ''}",
                                "sections": [{"file": r.page} for r in members]})
            parts.append({"caption": f"{year}年度" + ("（示例数据）" if demo else ""), "chapters": entries})
    return {"format": "jb-book", "root": "book/intro", "parts": parts}


def group_pages(runs: list[Run]) -> dict[str, str]:
    """The small generated pages that head each 主管部门 group: path → markdown."""
    pages: dict[str, str] = {}
    chapters = [r for r in runs if r.kind == "department"]
    for year in sorted({r.year for r in chapters}):
        for demo in (False, True):
            group = [r for r in chapters if r.year == year and r.demo == demo]
            for supervisor in sorted({r.supervisor for r in group}):
                members = sorted((r for r in group if r.supervisor == supervisor), key=lambda r: r.code)
                label = "（示例数据）" if demo else ""
                lines = [f"# {md_escape(supervisor)}{label}", "",
                         f"{year}年度本主管部门下共{len(members)}个部门的整体支出绩效评价报告：", ""]
                lines += [f"- [{md_escape(r.title)}]({r.code}.ipynb)" for r in members]
                pages[f"book/{year}/{_group_slug(supervisor)}{'-demo' if demo else ''}.md"] = "\n".join(lines) + "\n"
    return pages


def write_if_changed(path: Path, text: str) -> bool:
    """Write only when the content differs (Sphinx rebuilds by mtime)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_toc(project: Project, runs: list[Run]) -> Path:
    path = project.root / "_toc.yml"
    text = "# Generated by `perfeval build` from the data files: do not edit.\n" + yaml.safe_dump(
        make_toc(runs), allow_unicode=True, sort_keys=False)
    write_if_changed(path, text)
    for rel, page in group_pages(runs).items():
        write_if_changed(project.root / rel, page)
    return path


def remove_stale_pages(project: Project, runs: list[Run]) -> None:
    """Delete generated pages (and downloads) whose data no longer exist."""
    wanted = {project.notebook_path(r) for r in runs} | {project.root / p for p in group_pages(runs)}
    for path in [*(project.root / "book").glob("[0-9][0-9][0-9][0-9]/*.ipynb"),
                 *(project.root / "book").glob("[0-9][0-9][0-9][0-9]/group-*.md")]:
        if path not in wanted:
            path.unlink()
    codes = {(str(r.year), r.code or Path(r.page).name) for r in runs}
    for folder in project.downloads_dir.glob("[0-9][0-9][0-9][0-9]/*"):
        if (folder.parent.name, folder.name) not in codes:
            shutil.rmtree(folder, ignore_errors=True)


def jupyter_book_build(project: Project, html_dir: Path) -> None:
    """Render the book with jupyter-book into a staging folder under the build lock, then swap it into
    place atomically (``_build/html`` → ``_build/releases/<id>``; see :mod:`perfeval.publish`)."""
    from perfeval.book import publish as publishing

    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(project.root)]
    publishing.render_and_publish(project.root, html_dir, cmd, log=project.root / "_build" / "jupyter-book.log")


def publish(built: Path, html_dir: Path) -> None:
    """Publish the complete book in ``built`` as ``html_dir`` atomically (see :mod:`perfeval.publish`)."""
    from perfeval.book import publish as publishing

    with publishing.build_lock(html_dir.parent):
        publishing.swap_in(built, html_dir)


@dataclass
class BuildReport:
    executed: list[str] = field(default_factory=list)   # pages whose notebook ran (changed or not)
    cached: list[str] = field(default_factory=list)     # pages skipped: nothing they depend on changed
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    html: Path | None = None
    html_skipped: bool = False


def _inputs(run: Run, framework_file: Path) -> dict[str, str]:
    paths = [Path(p) for p in run.inputs] + [framework_file]
    return {str(p): runner.file_hash(p) for p in paths}


def book_sources_hash(project: Project) -> str:
    """Hash of everything jupyter-book renders: config, TOC, pages, notebooks, static files, downloads."""
    h = hashlib.sha256()
    files = [project.root / "_config.yml", project.root / "_toc.yml"]
    files += sorted(p for p in (project.root / "book").rglob("*") if p.is_file())
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(project.root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def build(project: Project, only: str | None = None, html: bool = True, jobs: int | None = None,
          keep_going: bool = False, log: Any = print, force: bool = False, engine: str = "perfeval-warm",
          executor: str = "local", scheduler: str | None = None, framework: str = "xiangtan-2024",
          progress: bool | None = None) -> BuildReport:
    """Validate data, execute the notebooks whose inputs changed, write the TOC and render the book.

    The whole build holds the build lock (one build of a project at a time) and treats SIGTERM like
    Ctrl-C, so an interrupted build stops cleanly and leaves the published book as it was.
    """
    from perfeval.book.publish import build_lock, sigterm_as_interrupt

    with sigterm_as_interrupt(), build_lock(project.root / "_build"):
        return _build(project, only, html, jobs, keep_going, log, force, engine, executor, scheduler, framework,
                      progress)


def _build(project: Project, only: str | None, html: bool, jobs: int | None, keep_going: bool, log: Any,
           force: bool, engine: str, executor: str, scheduler: str | None, framework: str,
           progress: bool | None) -> BuildReport:
    started = time.perf_counter()
    all_runs = plan_runs(project, only, framework)
    forced = {r.page for r in select(all_runs, only)} if only else set()
    framework_path = project.frameworks_dir / f"{framework}.yaml"
    if not framework_path.is_file():
        raise DataError(framework_path, "指标体系文件不存在 (framework not found)")
    manifest_path = project.root / "_build" / runner.MANIFEST
    previous = runner.read_manifest(manifest_path)
    shared = {"code": runner.code_hash(), "versions": runner.versions()}
    report = BuildReport()
    entries: dict[str, Any] = dict(previous.get("runs", {})) if previous.get("shared") == shared else {}
    tasks: list[runner.Task] = []
    for run in all_runs:
        inputs = _inputs(run, framework_path)
        template = project.root / run.template
        key = runner.task_key(template, run.parameters, run.title, run.drop_tags, inputs, shared)
        old = entries.get(run.page, {})
        up_to_date = old.get("key") == key and old.get("status") != "failed" and project.notebook_path(run).is_file()
        if only and run.page not in forced and project.notebook_path(run).is_file():
            continue  # --only CODE: other pages stay as they are
        if up_to_date and not force and run.page not in forced:
            report.cached.append(run.page)
            continue
        tasks.append(runner.Task(run.page, str(template), str(project.notebook_path(run)), run.parameters,
                                 run.title, run.drop_tags, engine, key, inputs, str(project.downloads_dir)))
    jobs = max(1, min(jobs or runner.default_jobs(), len(tasks) or 1))
    where = f"Dask {scheduler}" if executor == "dask" else f"{jobs} 个进程"
    log(f"执行 {len(tasks)} 个笔记本（{where}，引擎 {engine}），{len(report.cached)} 个输入未变化跳过…")
    ex: Any = runner.DaskExecutor(scheduler or "") if executor == "dask" else runner.LocalExecutor(jobs)
    bar = runner.Progress(len(tasks) + len(report.cached), len(report.cached), progress)
    try:
        results = runner.run_tasks(tasks, ex, keep_going, bar.update)
    finally:
        bar.close()
    for result in results:
        report.seconds[result.page] = round(result.seconds, 3)
        entries[result.page] = runner.manifest_entry(result)
        if result.status == "failed":
            report.failed[result.page] = result.error
        else:
            report.executed.append(result.page)
    log(runner.summary_table(results, report.cached, time.perf_counter() - started))
    manifest: dict[str, Any] = {
        "shared": shared, "framework": framework, "runs": entries,
        "executed": sorted(report.executed), "cached": sorted(report.cached), "failed": report.failed,
        "seconds": report.seconds, "published": previous.get("published"),
    }
    if report.failed:
        _write_manifest(manifest_path, manifest)
        return report
    remove_stale_pages(project, all_runs)
    project.downloads_dir.mkdir(parents=True, exist_ok=True)
    from perfeval.pages import how_to_read_markdown

    write_if_changed(project.root / "book" / "how-to-read.md", how_to_read_markdown())
    write_toc(project, all_runs)
    if html:
        html_dir = project.root / "_build" / "html"
        sources = book_sources_hash(project)
        if not force and previous.get("published") == sources and (html_dir / "index.html").is_file():
            log("网页内容未变化，跳过 jupyter-book。")
            report.html_skipped = True
        else:
            log("jupyter-book 生成网页…")
            jupyter_book_build(project, html_dir)
            manifest["published"] = sources
        report.html = html_dir
    _write_manifest(manifest_path, manifest)
    return report


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
