"""What to execute: the book's layout and the one run factory (``build`` and ``run`` both use it).

Data flows one way: ``data/<year>/<code>.yaml`` → validated records → one :class:`Run` per page
(department chapters, year overviews, 评价方法, 数据核查汇总) → executed notebooks → ``_toc.yml`` → HTML.

A template's ``parameters`` cell is the one declaration of a page's parameters: the factory reads it
with ``papermill.inspect_notebook`` and fills exactly the names it declares (an override of a name it
does not declare is refused).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

from perfeval.errors import DataError, UsageError
from perfeval.model import department_path, load_records, read_yaml
from perfeval.model.files import discover, load_department, side_files

DEPARTMENT_TEMPLATE = "notebooks/department.ipynb"
OVERVIEW_TEMPLATE = "notebooks/overview.ipynb"
FINDINGS_TEMPLATE = "notebooks/findings.ipynb"
METHOD_TEMPLATE = "notebooks/method.ipynb"
SOURCE_TEMPLATE = "notebooks/source.ipynb"   # 原报告全文: a department-year's source document
HISTORY_TAG = "if-history"   # cells shown only when the department has earlier years
_YEAR_FOLDER = re.compile(r"[0-9]{4}")


#: The group a chapter is listed under when its report does not name its 主管部门.
UNKNOWN_SUPERVISOR = "未注明主管部门"


@dataclass(frozen=True)
class Run:
    """One page to execute: a department chapter, a year overview, the method or the findings page."""

    page: str                       # page path relative to the project root, without suffix (stable ASCII)
    template: str                   # template notebook (absolute path)
    parameters: dict[str, Any] = field(hash=False)
    title: str = ""                 # the page's first heading (rendered into the markdown cell)
    drop_tags: tuple[str, ...] = () # cells with these tags are removed after execution
    inputs: tuple[str, ...] = ()    # data files the page depends on (absolute paths; a chapter's own first)
    code: str = ""                  # department code ("" for the other pages)
    name: str = ""                  # the department's name (unit name)
    year: int = 0
    supervisor: str = ""
    demo: bool = False

    @property
    def kind(self) -> str:
        return Path(self.template).stem

    def describe(self) -> str:
        """Who the page is about, for messages: department name, code and data file, or the page title."""
        if self.code:
            where = f"，数据文件 {self.inputs[0]}" if self.inputs else ""
            return f"{self.name}（{self.code}）{self.year}年{where}"
        return f"{self.title}（{self.page}）"


@dataclass(frozen=True)
class BookLayout:
    """Where a book project keeps its files (the repository root by default)."""

    root: Path
    data_dirs: tuple[Path, ...] = ()

    @classmethod
    def at(cls, root: Path | str = ".", data_dirs: Iterable[Path | str] | None = None) -> "BookLayout":
        root = Path(root).resolve()
        if data_dirs is None:
            data_dirs = configured_data_dirs(root)
        dirs = tuple((Path(d) if Path(d).is_absolute() else root / d).resolve() for d in data_dirs)
        return cls(root, dirs)

    @property
    def data_root(self) -> Path:
        """The folder whose ``frameworks/`` holds the indicator frameworks."""
        return self.root / "data"

    @property
    def frameworks_dir(self) -> Path:
        return self.data_root / "frameworks"

    @property
    def downloads_dir(self) -> Path:
        return self.root / "book" / "_extra" / "downloads"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def html_dir(self) -> Path:
        return self.build_dir / "html"

    @property
    def toc_path(self) -> Path:
        return self.root / "_toc.yml"

    def template(self, relative: str) -> Path:
        return self.root / relative

    def notebook_path(self, run: Run) -> Path:
        return self.root / f"{run.page}.ipynb"


def configured_data_dirs(root: Path) -> list[str]:
    """The data folders a build reads by default: ``data_dirs`` in ``_config.yml`` (relative to the project),
    else ``data`` alone: real and imported data. The demo (``data/demo``) is a book of its own (``make demo``),
    never mixed into a real book's pages, totals or search unless a project lists it on purpose."""
    config = Path(root) / "_config.yml"
    if not config.is_file():
        return ["data"]
    data = read_yaml(config)
    value = data.get("data_dirs") if isinstance(data, dict) else None
    if value is None:
        return ["data"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(config, "应为数据目录的列表，如 [data] (a list of folders)", field="data_dirs", label="数据目录")
    return [v.strip() for v in value]


# --- parameters -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def _inspect(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, Any], ...]:
    import papermill

    return tuple((name, dict(info)) for name, info in papermill.inspect_notebook(path).items())


def declared_parameters(template: Path) -> dict[str, Any]:
    """The parameters a template declares in its ``parameters`` cell: name → papermill's description."""
    if not template.is_file():
        raise UsageError(f"模板笔记本不存在：{template} (template not found)")
    stat = template.stat()
    return dict(_inspect(str(template.resolve()), stat.st_mtime_ns, stat.st_size))


def fill_parameters(template: Path, values: Mapping[str, Any],
                    overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameters of one page: the declared names that ``values`` provides, then ``overrides``.

    An override of a name the template does not declare is a :class:`UsageError`.
    """
    declared = declared_parameters(template)
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise UsageError(
            f"未知参数 {', '.join(unknown)}；模板 {template.name} 的参数为 {', '.join(declared)} "
            "(unknown parameter)"
        )
    params = {name: values[name] for name in declared if name in values}
    params.update(overrides)
    return params


def shared_values(layout: BookLayout, framework_file: Path, *, book: bool) -> dict[str, Any]:
    """Values every template may declare; only the declared ones are passed."""
    values: dict[str, Any] = {"framework_file": str(framework_file), "frameworks_dir": str(layout.frameworks_dir)}
    return values


# --- the records a plan needs ---------------------------------------------------------------------

class _Unit(Protocol):
    name: str
    supervisor: str


class RecordLike(Protocol):
    """What the run factory reads of a department-year (a :class:`perfeval.model.DepartmentYear` or a
    :class:`RecordSummary`)."""

    code: str
    year: int
    demo: bool

    @property
    def unit(self) -> _Unit: ...

    @property
    def report_title(self) -> str: ...


@dataclass(frozen=True)
class UnitSummary:
    name: str
    supervisor: str


@dataclass(frozen=True)
class RecordSummary:
    """The fields of a validated department-year that the plan uses."""

    code: str
    year: int
    report_title: str
    unit: UnitSummary
    demo: bool
    source_file: str = ""           # the source document beside the data file ("" when none)

    @classmethod
    def of(cls, record: RecordLike) -> "RecordSummary":
        return cls(record.code, record.year, record.report_title,
                   UnitSummary(record.unit.name, record.unit.supervisor), record.demo, source_name(record))


class RecordCache:
    """Summaries of validated data files, kept from build to build (``_build/records.json``).

    Reading and validating a data file costs about 10 ms (1000 departments: 10 s, on every build, even one
    with nothing to do). A file whose content (sha256) was validated before, by the same package code and
    installed versions (``shared``), is not read again: its summary is taken from the cache. Any other
    file is loaded and validated as before (:func:`perfeval.model.files.load_department`), with the same
    errors.
    """

    def __init__(self, path: Path, shared: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.stamp = hashlib.sha256(json.dumps(shared, sort_keys=True, default=str).encode()).hexdigest()
        self.entries: dict[str, dict[str, Any]] = {}
        self.hits = 0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == self.stamp and isinstance(data.get("files"), dict):
                self.entries = data["files"]
        except (OSError, ValueError):
            pass

    def summary(self, path: Path) -> RecordSummary:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = self.entries.get(str(path))
        if entry is not None and entry.get("sha256") == digest:
            try:
                fields = dict(entry["record"])
                summary = RecordSummary(**{**fields, "unit": UnitSummary(**fields["unit"])})
                self.hits += 1
                return summary
            except (KeyError, TypeError):
                pass
        summary = RecordSummary.of(load_department(path))
        self.entries[str(path)] = {"sha256": digest, "record": asdict(summary)}
        return summary

    def save(self, seen: Iterable[Path]) -> None:
        keep = {str(p) for p in seen}
        data = {"stamp": self.stamp, "files": {k: v for k, v in sorted(self.entries.items()) if k in keep}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def summaries(data_dirs: Iterable[Path], cache: RecordCache) -> list[tuple[RecordSummary, Path]]:
    """What :func:`perfeval.model.load_records` returns, as summaries, through ``cache``. Anything it would
    refuse (a missing folder, a (code, year) twice) is left to it, for its message."""
    data_dirs = [Path(d) for d in data_dirs]
    if not all(d.is_dir() for d in data_dirs):
        load_records(data_dirs)   # raises its DataError
    out: list[tuple[RecordSummary, Path]] = []
    seen: set[tuple[str, int]] = set()
    files: list[Path] = []
    for data_dir in data_dirs:
        for path in discover(data_dir):
            summary = cache.summary(path)
            files.append(path)
            if (summary.code, summary.year) in seen:
                load_records(data_dirs)   # raises its DataError naming both files
            seen.add((summary.code, summary.year))
            out.append((summary, data_dir))
    cache.save(files)
    return out


# --- the run factory --------------------------------------------------------------------------------

def history_files(data_dir: Path, code: str, year: int) -> list[Path]:
    """The department's data files of earlier years in ``data_dir`` (oldest first)."""
    found = [p for p in Path(data_dir).glob(f"*/{code}.yaml")
             if _YEAR_FOLDER.fullmatch(p.parent.name) and int(p.parent.name) < year and p.is_file()]
    return sorted(found, key=lambda p: int(p.parent.name))


def source_name(record: Any) -> str:
    """The file name of a record's source document ("" when it names none): a summary's ``source_file`` or a
    :class:`perfeval.model.DepartmentYear`'s ``source.file``."""
    name = getattr(record, "source_file", None)
    if isinstance(name, str):
        return name
    source = getattr(record, "source", None)
    return str(source.file) if source is not None else ""


def provenance_files(path: Path, record: Any) -> list[Path]:
    """The files beside a data file that its chapter also reads: the source document and the sidecar of
    ``import-report`` (where each value was found)."""
    files = [path.with_name(source_name(record))] if source_name(record) else []
    sidecar = path.with_name(path.name[:-5] + ".sources.yml")
    return [p for p in files if p.is_file()] + ([sidecar] if sidecar.is_file() else [])


def source_run(layout: BookLayout, record: RecordLike, data_dir: Path, framework_file: Path) -> Run:
    """The run of a department-year's 原报告全文 page (``book/<year>/source/<code>``)."""
    path = department_path(Path(data_dir).resolve(), record.code, record.year)
    return _page_run(layout, SOURCE_TEMPLATE, {"code": record.code, "year": record.year,
                                               "data_dir": str(Path(data_dir).resolve())}, framework_file,
                     page=f"book/{record.year}/source/{record.code}", title=f"原报告全文：{record.report_title}",
                     inputs=(str(path), str(path.with_name(source_name(record)))), code=record.code,
                     name=record.unit.name, year=record.year, supervisor=record.unit.supervisor or UNKNOWN_SUPERVISOR,
                     demo=record.demo)


def department_run(layout: BookLayout, record: RecordLike, data_dir: Path, framework_file: Path, *,
                   template: Path | None = None, overrides: Mapping[str, Any] | None = None,
                   book: bool = True) -> Run:
    """The run of one department-year's chapter (used by ``build`` for every record and by ``run``)."""
    template = (template or layout.template(DEPARTMENT_TEMPLATE)).resolve()
    data_dir = Path(data_dir).resolve()
    path = department_path(data_dir, record.code, record.year)
    history = history_files(data_dir, record.code, record.year)
    values = {"code": record.code, "year": record.year, "data_dir": str(data_dir),
              **shared_values(layout, framework_file, book=book)}
    return Run(
        page=f"book/{record.year}/{record.code}", template=str(template),
        parameters=fill_parameters(template, values, overrides), title=record.report_title,
        drop_tags=() if history else (HISTORY_TAG,),
        inputs=tuple(str(p) for p in [path, *history, *side_files(path), *provenance_files(path, record)]),
        code=record.code, name=record.unit.name, year=record.year,
        supervisor=record.unit.supervisor or UNKNOWN_SUPERVISOR,
        demo=record.demo)


def _page_run(layout: BookLayout, relative_template: str, values: Mapping[str, Any], framework_file: Path,
              **fields: Any) -> Run:
    template = layout.template(relative_template).resolve()
    params = fill_parameters(template, {**values, **shared_values(layout, framework_file, book=True)})
    return Run(template=str(template), parameters=params, **fields)


def plan_runs(layout: BookLayout, framework_file: Path, cache: RecordCache | None = None) -> list[Run]:
    """Every page of the book, generated from the data: chapters (and the 原报告全文 of those that name their
    source document), year overviews, 评价方法, 数据核查汇总.
    With a ``cache``, data files validated before are not read again (:class:`RecordCache`)."""
    records: list[tuple[RecordLike, Path]] = (
        list(summaries(layout.data_dirs, cache)) if cache is not None else list(load_records(layout.data_dirs)))
    runs = [department_run(layout, rec, data_dir, framework_file) for rec, data_dir in records]
    chapters = list(runs)
    runs += [source_run(layout, rec, data_dir, framework_file) for rec, data_dir in records if source_name(rec)]
    for year in sorted({r.year for r in chapters}, reverse=True):
        for demo in (False, True):
            group = [r for r in chapters if r.year == year and r.demo == demo]
            if len(group) < 2:
                continue
            dirs = sorted({str(Path(r.inputs[0]).parents[1]) for r in group})  # <data_dir>/<year>/<code>.yaml
            suffix = "（示例数据）" if demo else ""
            runs.append(_page_run(
                layout, OVERVIEW_TEMPLATE, {"year": year, "data_dirs": dirs, "demo": demo}, framework_file,
                page=f"book/{year}/overview{'-demo' if demo else ''}",
                title=f"{year}年度部门整体支出绩效评价总览{suffix}",
                inputs=tuple(sorted({p for r in group for p in r.inputs})), year=year, demo=demo))
    frameworks = sorted(str(p) for p in layout.frameworks_dir.glob("*.yaml"))
    runs.append(_page_run(layout, METHOD_TEMPLATE, {}, framework_file, page="book/method", title="评价方法",
                          inputs=tuple(frameworks)))
    if chapters:
        runs.append(_page_run(
            layout, FINDINGS_TEMPLATE, {"data_dirs": [str(d) for d in layout.data_dirs]}, framework_file,
            page="book/findings", title="数据核查汇总",
            inputs=tuple(sorted({p for r in chapters for p in r.inputs}))))
    return runs


def select(runs: list[Run], only: str | None) -> list[Run]:
    """The runs to execute for ``--only CODE``: that department's chapters and the pages that use them."""
    if only is None:
        return runs
    if not any(r.code == only for r in runs):
        raise UsageError(f"没有部门代码为 {only} 的数据 (no data for --only {only})")
    files = {r.inputs[0] for r in runs if r.code == only}
    return [r for r in runs if r.code == only or (not r.code and files & set(r.inputs))]
