"""What to execute: the book's layout and the one run factory (``build`` and ``run`` both use it).

Data flows one way: ``data/<year>/<code>.yaml`` → validated records → one :class:`Run` per page
(department chapters, year overviews, 评价方法, 数据核查汇总) → executed notebooks → ``_toc.yml`` → HTML.

A template's ``parameters`` cell is the one declaration of a page's parameters: the factory reads it
with ``papermill.inspect_notebook`` and fills exactly the names it declares (an override of a name it
does not declare is refused).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

from perfeval.book.cache import FileHashes, read_json, stamp, write_json
from perfeval.errors import DataError, UsageError
from perfeval.model import department_path, load_records, read_yaml
from perfeval.model.files import discover, load_department

DEPARTMENT_TEMPLATE = "notebooks/department.ipynb"
OVERVIEW_TEMPLATE = "notebooks/overview.ipynb"
RISK_TEMPLATE = "notebooks/risk.ipynb"       # a year's 重点评价风险排序
FINDINGS_TEMPLATE = "notebooks/findings.ipynb"
METHOD_TEMPLATE = "notebooks/method.ipynb"
SOURCE_TEMPLATE = "notebooks/source.ipynb"   # 原报告全文: a department-year's source document
HISTORY_TAG = "if-history"   # cells shown only when the department has earlier years
CHANGES_TAG = "if-changes"   # a chapter's 版本记录: kept by the build when a release changed it (book.ledger)
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
    inputs: tuple[str, ...] = ()    # files the page reads (absolute paths; a chapter's data file first)
    departments: tuple[str, ...] = ()  # data files of the department-years the page is about
    summaries: str = ""             # the summaries file the build writes for the page ("": it reads none)
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
            where = f"，数据文件 {self.departments[0]}" if self.departments else ""
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
                    overrides: Mapping[str, Any] | None = None,
                    declared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameters of one page: the declared names that ``values`` provides, then ``overrides``
    (``declared``: the template's :func:`declared_parameters`, when already known).

    An override of a name the template does not declare is a :class:`UsageError`.
    """
    declared = declared_parameters(template) if declared is None else declared
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
    values: dict[str, Any] = {"framework_file": str(framework_file), "frameworks_dir": str(layout.frameworks_dir),
                              **opinion_values(layout.root / CONFIG_FILE)}
    return values


CONFIG_FILE = "_config.yml"


def opinion_values(config: Path) -> dict[str, str]:
    """Who signs a chapter's 测算意见 and when, from the book's ``_config.yml`` (``opinion.issuer``, else
    ``publisher``; ``opinion.date``, ISO, "" to be written by hand): the parameters ``opinion_issuer`` and
    ``opinion_date`` of a chapter. As parameters they are part of its cache key (a new issuer runs the
    chapters again, another change of the config does not) and reach a worker that cannot read the project."""
    try:
        stat = config.stat()
    except OSError:
        return _opinion_values(str(config), 0, -1)
    return _opinion_values(str(config), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _opinion_values(config: str, mtime_ns: int, size: int) -> dict[str, str]:
    from perfeval.review import config_signature   # (read once per config file and version)

    signature = config_signature(Path(config) if size >= 0 else None)
    return {"opinion_issuer": signature.issuer, "opinion_date": signature.date.isoformat() if signature.date else ""}


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
    errors. An entry that does not read (a hand-edited or damaged cache) is dropped and its file validated.
    """

    def __init__(self, path: Path, shared: Mapping[str, Any], hashes: FileHashes | None = None) -> None:
        self.path = Path(path)
        self.stamp = stamp(shared)
        self.hashes = hashes if hashes is not None else FileHashes(None)
        self.entries: dict[str, dict[str, Any]] = {}
        self.templates: dict[str, dict[str, Any]] = {}   # template sha256 → its declared parameters
        self.seen: list[Path] = []                          # the data files of the last plan
        self.unsaved = False
        self.hits = 0
        data = read_json(self.path)
        if isinstance(data, dict) and data.get("stamp") == self.stamp and isinstance(data.get("files"), dict):
            self.entries = {k: v for k, v in data["files"].items() if _summary_of(v) is not None}
            templates = data.get("templates")   # sha256 → [[name, description], …] (the template's order)
            if isinstance(templates, dict):
                self.templates = {k: dict(v) for k, v in templates.items()
                                  if isinstance(v, list) and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)
                                                                 and isinstance(p[1], dict) for p in v)}

    def parameters(self, template: Path) -> dict[str, Any]:
        """The template's :func:`declared_parameters`, kept by its content (reading them imports papermill:
        2 s of every build)."""
        digest = self.hashes.sha256(template)
        if digest not in self.templates:
            self.templates[digest] = declared_parameters(template)
            self.unsaved = True
        return self.templates[digest]

    def summary(self, path: Path) -> RecordSummary:
        digest = self.hashes.sha256(path)
        entry = self.entries.get(str(path))
        cached = _summary_of(entry) if entry is not None and entry.get("sha256") == digest else None
        if cached is not None:
            self.hits += 1
            return cached
        summary = RecordSummary.of(load_department(path))
        self.entries[str(path)] = {"sha256": digest, "record": asdict(summary)}
        return summary

    def save(self, seen: Iterable[Path]) -> None:
        self.seen = list(seen)
        self.unsaved = False
        keep = {str(p) for p in self.seen}
        write_json(self.path, {"stamp": self.stamp, "files": {k: v for k, v in sorted(self.entries.items()) if k in keep},
                               "templates": {k: list(map(list, v.items())) for k, v in self.templates.items()}})


def _summary_of(entry: Any) -> RecordSummary | None:
    """The record summary of a cache entry, or None when the entry does not have the expected shape."""
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        return None
    fields, unit = entry.get("record"), None
    if isinstance(fields, dict):
        unit = fields.get("unit")
    if not (isinstance(fields, dict) and isinstance(unit, dict)
            and set(fields) == {"code", "year", "report_title", "unit", "demo", "source_file"}
            and set(unit) == {"name", "supervisor"}):
        return None
    ok = (isinstance(fields["code"], str) and type(fields["year"]) is int and isinstance(fields["report_title"], str)
          and type(fields["demo"]) is bool and isinstance(unit["name"], str) and isinstance(fields["source_file"], str)
          and (unit["supervisor"] is None or isinstance(unit["supervisor"], str)))
    return RecordSummary(fields["code"], fields["year"], fields["report_title"],
                         UnitSummary(unit["name"], unit["supervisor"]), fields["demo"], fields["source_file"]) if ok else None


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

def history_files(data_dir: Path, code: str, year: int, folders: Folders | None = None) -> list[Path]:
    """The department's data files of earlier years in ``data_dir`` (oldest first)."""
    return (folders or Folders()).earlier(Path(data_dir), code, year)


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
                     inputs=(str(path), str(path.with_name(source_name(record)))), departments=(str(path),),
                     code=record.code,
                     name=record.unit.name, year=record.year, supervisor=record.unit.supervisor or UNKNOWN_SUPERVISOR,
                     demo=record.demo)


class Folders:
    """The file names of folders, each listed once per plan (a year folder of 1000 departments is listed
    once, not once per department)."""

    def __init__(self) -> None:
        self._names: dict[Path, dict[str, list[str]]] = {}
        self._years: dict[Path, list[tuple[int, str]]] = {}
        self._resolved: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """``path.resolve()``, once per plan (every chapter names the same template and data folder)."""
        found = self._resolved.get(path)
        if found is None:
            found = self._resolved[path] = path.resolve()
        return found

    def _listing(self, folder: Path) -> dict[str, list[str]]:
        """The names of the files in ``folder`` by what comes before their first dot (hidden ones left out)."""
        if folder not in self._names:
            by_code: dict[str, list[str]] = {}
            try:
                with os.scandir(folder) as it:
                    for entry in it:
                        if entry.is_file() and not entry.name.startswith("."):
                            by_code.setdefault(entry.name.split(".", 1)[0], []).append(entry.name)
            except OSError:
                pass
            self._names[folder] = {code: sorted(names) for code, names in by_code.items()}
        return self._names[folder]

    def beside(self, data_file: Path) -> list[Path]:
        """The files beside a data file ``<year>/<code>.yaml`` named ``<code>.<anything>`` (sorted)."""
        folder = data_file.parent
        stem = data_file.name.removesuffix(".yaml")
        return [folder / name for name in self._listing(folder).get(stem, []) if name != data_file.name]

    def earlier(self, data_dir: Path, code: str, year: int) -> list[Path]:
        """The data files ``<year>/<code>.yaml`` of the years before ``year`` in ``data_dir`` (oldest first)."""
        if data_dir not in self._years:
            try:
                with os.scandir(data_dir) as it:
                    names = [e.name for e in it if _YEAR_FOLDER.fullmatch(e.name) and e.is_dir()]
            except OSError:
                names = []
            self._years[data_dir] = sorted((int(name), name) for name in names)
        name = f"{code}.yaml"
        return [data_dir / folder / name for number, folder in self._years[data_dir]
                if number < year and name in self._listing(data_dir / folder).get(code, ())]


def department_files(data_file: Path, folders: Folders | None = None) -> list[Path]:
    """A department-year's own files: its data file ``<year>/<code>.yaml`` and every file beside it named
    ``<code>.<anything>`` (the bureau's rulings and the unit's replies, the source report …), sorted.

    Codes hold no dot, so a file's name says whose it is. Every page that reads a department-year depends
    on all of them (its chapter, and the year pages through its summary): a new kind of file beside the data
    needs no change here. ``<code>.<anything>`` files that do not exist are simply not inputs."""
    return [data_file, *(folders or Folders()).beside(data_file)]


def department_run(layout: BookLayout, record: RecordLike, data_dir: Path, framework_file: Path, *,
                   template: Path | None = None, overrides: Mapping[str, Any] | None = None,
                   book: bool = True, folders: Folders | None = None,
                   declared: Mapping[str, Any] | None = None) -> Run:
    """The run of one department-year's chapter (used by ``build`` for every record and by ``run``)."""
    resolve = folders.resolve if folders is not None else Path.resolve
    template = resolve(template or layout.template(DEPARTMENT_TEMPLATE))
    data_dir = resolve(Path(data_dir))
    path = department_path(data_dir, record.code, record.year)
    history = history_files(data_dir, record.code, record.year, folders)
    values = {"code": record.code, "year": record.year, "data_dir": str(data_dir), "history_file": "",
              **shared_values(layout, framework_file, book=book)}
    return Run(
        page=f"book/{record.year}/{record.code}", template=str(template),
        parameters=fill_parameters(template, values, overrides, declared), title=record.report_title,
        drop_tags=(CHANGES_TAG,) if history else (HISTORY_TAG, CHANGES_TAG),
        inputs=tuple(dict.fromkeys(str(p) for p in [*department_files(path, folders), *provenance_files(path, record),
                                                    *history])), departments=(str(path),),
        code=record.code, name=record.unit.name, year=record.year,
        supervisor=record.unit.supervisor or UNKNOWN_SUPERVISOR,
        demo=record.demo)


#: The parameter by which a template of a page about many departments takes the summaries file the build
#: writes for it (:mod:`perfeval.book.summaries`); a template that does not declare it reads the data files.
SUMMARIES_PARAMETER = "summaries_file"


def summaries_file(layout: BookLayout, page: str) -> Path:
    """Where the build writes the summaries a page reads: ``_build/summaries/<page under book/>.json``."""
    return layout.build_dir / "summaries" / f"{page.removeprefix('book/')}.json"


def _page_run(layout: BookLayout, relative_template: str, values: Mapping[str, Any], framework_file: Path,
              departments: tuple[str, ...] = (), cache: RecordCache | None = None, **fields: Any) -> Run:
    """A page other than a chapter. One about ``departments`` reads their summaries when its template takes
    a summaries file (then that file is its input), else their data files."""
    template = layout.template(relative_template).resolve()
    declared = cache.parameters(template) if cache is not None else declared_parameters(template)
    summaries = ""
    if departments and SUMMARIES_PARAMETER in declared:
        summaries = str(summaries_file(layout, fields["page"]))
        values = {**values, SUMMARIES_PARAMETER: summaries}
        fields.setdefault("inputs", (summaries,))
    elif departments:
        fields.setdefault("inputs", departments)
    params = fill_parameters(template, {**values, **shared_values(layout, framework_file, book=True)}, None, declared)
    return Run(template=str(template), parameters=params, departments=departments, summaries=summaries, **fields)


def plan_runs(layout: BookLayout, framework_file: Path, cache: RecordCache | None = None) -> list[Run]:
    """Every page of the book, generated from the data: chapters (and the 原报告全文 of those that name their
    source document), year overviews and risk lists, 评价方法, 数据核查汇总.
    With a ``cache``, data files validated before are not read again (:class:`RecordCache`)."""
    records: list[tuple[RecordLike, Path]] = (
        list(summaries(layout.data_dirs, cache)) if cache is not None else list(load_records(layout.data_dirs)))
    folders = Folders()
    chapter_template = layout.template(DEPARTMENT_TEMPLATE).resolve()
    declared = cache.parameters(chapter_template) if cache is not None and records else None
    runs = [department_run(layout, rec, data_dir, framework_file, folders=folders, declared=declared)
            for rec, data_dir in records]
    chapters = list(runs)
    runs += [source_run(layout, rec, data_dir, framework_file) for rec, data_dir in records if source_name(rec)]
    runs += _other_pages(layout, chapters, framework_file, cache)
    if cache is not None and cache.unsaved:
        cache.save(cache.seen)
    return runs


def _other_pages(layout: BookLayout, chapters: list[Run], framework_file: Path, cache: RecordCache | None) -> list[Run]:
    """The year overviews and risk lists, 评价方法 and 数据核查汇总 of a book with these chapters."""
    runs: list[Run] = []
    for year in sorted({r.year for r in chapters}, reverse=True):
        for demo in (False, True):
            group = [r for r in chapters if r.year == year and r.demo == demo]
            if len(group) < 2:
                continue
            dirs = sorted({str(Path(r.departments[0]).parents[1]) for r in group})  # <data_dir>/<year>/<code>.yaml
            suffix = "（示例数据）" if demo else ""
            for template, page, title in ((OVERVIEW_TEMPLATE, "overview", "部门整体支出绩效评价总览"),
                                          (RISK_TEMPLATE, "risk", "重点评价风险排序")):
                runs.append(_page_run(
                    layout, template, {"year": year, "data_dirs": dirs, "demo": demo}, framework_file,
                    departments=tuple(sorted(r.departments[0] for r in group)), cache=cache,
                    page=f"book/{year}/{page}{'-demo' if demo else ''}", title=f"{year}年度{title}{suffix}",
                    year=year, demo=demo))
    frameworks = sorted(str(p) for p in layout.frameworks_dir.glob("*.yaml"))
    runs.append(_page_run(layout, METHOD_TEMPLATE, {}, framework_file, page="book/method", title="评价方法",
                          inputs=tuple(frameworks), cache=cache))
    if chapters:
        runs.append(_page_run(
            layout, FINDINGS_TEMPLATE, {"data_dirs": [str(d) for d in layout.data_dirs]}, framework_file,
            departments=tuple(r.departments[0] for r in chapters), page="book/findings", title="数据核查汇总",
            cache=cache))
    return runs


def select(runs: list[Run], only: str | None) -> list[Run]:
    """The runs to execute for ``--only CODE``: that department's chapters and the pages that use them."""
    if only is None:
        return runs
    if not any(r.code == only for r in runs):
        raise UsageError(f"没有部门代码为 {only} 的数据 (no data for --only {only})")
    files = {d for r in runs if r.code == only for d in r.departments}
    return [r for r in runs if r.code == only or (not r.code and files & set(r.departments))]
