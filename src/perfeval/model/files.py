"""Data files: what one is, reading and validating them, writing them back.

The one rule for what a data file is: ``<data folder>/<year>/<code>.yaml`` where ``<year>`` is exactly
four ASCII digits and ``<code>`` the record's department code. Around it (see :func:`discover`):

- a folder whose name holds a digit but is not four ASCII digits (``２０２４``, ``02024``, ``٢٠٢４``,
  ``²⁰²⁴``, ``2024 ``, ``2024-old``) is an error with a message, never skipped silently;
- a ``.yml`` (or ``.YAML``…) file in a year folder is an error: rename it to ``.yaml``; so is a name with
  spaces around it or full-width characters (``x.yaml ``, ``x．yaml``) and a YAML file in a folder inside a year
  folder (``2024/sub/x.yaml``), which would otherwise be skipped silently; the sidecar ``<code>.sources.yml``
  written by ``import-report`` beside its draft is not data and is skipped, and so are ``<code>.rulings.yaml``
  and ``<code>.replies.yaml`` (:data:`SIDE_SUFFIXES`);
- hidden entries (``.#x.yaml`` editor locks, a leftover ``.perfeval-*.yaml`` from an interrupted write,
  ``.git``) and entries starting with ``_`` are ignored; so are other files (``.xlsx``, ``.md``…) and
  folders without digits (``frameworks``, ``demo``);
- a folder that cannot be listed is an error with a message.

YAML is read by :mod:`perfeval.model.yaml12` (YAML 1.2 core rules, no tags, no duplicate keys, bounded
aliases). Records are written by :func:`write_record`: canonical text, checked to read back identical,
replaced atomically, and never over different data unless forced.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import BaseModel, ValidationError

from perfeval.errors import DataError, UsageError
from perfeval.model.messages import validation_to_error
from perfeval.model.migrate import MigrationConflict, is_schema1, migrate_record
from perfeval.model.schema import CODE_PATTERN, Amounts, DepartmentYear, Quantity
from perfeval.model.yaml12 import FlowMap, YamlProblem, comment_lines, comments, dump, parse

MAX_FILE_BYTES = 2_000_000
#: A year folder's name: exactly four ASCII digits.
YEAR_FOLDER = re.compile(r"[0-9]{4}")
#: The sidecar ``import-report`` writes beside a draft (not a data file).
SOURCES_SUFFIX = ".sources.yml"
#: Files beside a data file that are not records but inputs of its pages: the finance bureau's rulings
#: (口径认定, ``perfeval rule``) and the unit's replies (``perfeval import-reply``).
SIDE_SUFFIXES = (".rulings.yaml", ".replies.yaml")


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def read_text(path: Path) -> str:
    """Read a text file: UTF-8 (with or without BOM); GB18030 when it is not UTF-8."""
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(path, "文件是 UTF-16 编码，请另存为 UTF-8 (UTF-16 is not supported: save as UTF-8)")
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(path, f"文件过大（{len(raw)} 字节，上限 {MAX_FILE_BYTES}）(file too large)")
    if not raw.strip():
        raise DataError(path, "文件为空 (empty file)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"无法识别文件编码，请另存为 UTF-8 (not UTF-8 or GB18030: byte {exc.start})") from None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file safely (YAML 1.2 core rules, numbers with a fraction as Decimal, see yaml12)."""
    text = read_text(path)
    try:
        data = parse(text)
    except YamlProblem as exc:
        raise DataError(path, exc.message, record=exc.record, field=exc.field) from None
    if data is None:
        raise DataError(path, "文件为空 (empty file)")
    return data


def load_department(path: Path) -> DepartmentYear:
    """Load and validate one department-year file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "文件不存在 (file not found)")
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "顶层应为键值结构 (top level must be a mapping)")
    if is_schema1(data):
        raise DataError(path, "此文件为旧版数据格式（2024 年第 1 版），请先运行 perfeval migrate 转换 "
                              "(schema 1 file: run `perfeval migrate`)")
    try:
        record = DepartmentYear.model_validate(data)
    except ValidationError as exc:
        raise validation_to_error(path, DepartmentYear, exc) from None
    check_place(path, record)
    check_source(path, record)
    return record


def source_path(path: Path, record: DepartmentYear) -> Path | None:
    """The source document a record names (``source.file``, beside its data file ``path``), or None."""
    return None if record.source is None else Path(path).parent / record.source.file


def read_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's content, read in blocks of 1 MiB (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=256)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    return read_sha256(path)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file (remembered while the file's size and modification time stay the same)."""
    stat = Path(path).stat()
    return _sha256(str(path), stat.st_mtime_ns, stat.st_size)


def check_source(path: Path, record: DepartmentYear) -> None:
    """The source document a record names exists beside its data file and is the one it was taken from:
    its SHA-256 is ``source.sha256``. Otherwise a :class:`DataError` naming both files."""
    source = source_path(path, record)
    if source is None or record.source is None:
        return
    label = "原报告文件校验值"
    if not source.is_file():
        raise DataError(path, f"数据文件所记的原报告文件 {source} 不存在：请把原报告放在数据文件旁，或删去 source 一节 "
                              "(source document not found)", field="source.file", label="原报告文件")
    try:
        digest = file_sha256(source)
    except OSError as exc:
        raise DataError(path, f"无法读取原报告文件 {source}：{exc.strerror or exc} (cannot read source document)",
                        field="source.file", label="原报告文件") from None
    if digest != record.source.sha256:
        raise DataError(path, f"原报告文件 {source} 的 SHA-256 为 {digest}，与数据文件所记 {record.source.sha256} 不一致："
                              "原报告已被改动或换成了另一个文件；核对后更新 source.sha256 "
                              "(source document does not match its recorded sha256)", field="source.sha256", label=label)


def check_place(path: Path, record: DepartmentYear) -> None:
    """The file of ``record`` is named by its code and, in a year folder, sits in the folder of its year."""
    expected = f"{record.code}.yaml"
    if path.name != expected:
        raise DataError(path, f"文件名应为 {expected}，与部门代码一致 (file name must match code)", field="code", label="部门代码")
    if YEAR_FOLDER.fullmatch(path.parent.name) and int(path.parent.name) != record.year:
        raise DataError(path, f"评价年度 {record.year} 与所在目录 {path.parent.name} 不一致 (year does not match folder)",
                        field="year", label="评价年度")


def department_path(data_dir: Path, code: str, year: int) -> Path:
    """``data_dir/<year>/<code>.yaml``; a code that is not lowercase ASCII/digits/hyphens is refused
    (it could name a file outside the data folder, e.g. ``../x``)."""
    if not re.fullmatch(CODE_PATTERN, str(code)):
        raise UsageError(f"部门代码 {code!r} 不合法：只能使用小写字母、数字和连字符 (invalid department code)")
    return Path(data_dir) / str(year) / f"{code}.yaml"


def side_files(path: Path | str) -> list[Path]:
    """The side files (:data:`SIDE_SUFFIXES`) that exist beside the data file ``path`` (``<code>.yaml``)."""
    path = Path(path)
    stem = path.name[: -len(".yaml")] if path.name.endswith(".yaml") else path.stem
    return [p for p in (path.with_name(stem + suffix) for suffix in SIDE_SUFFIXES) if p.is_file()]


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except NotADirectoryError:
        raise DataError(folder, "不是目录 (not a folder)") from None
    except FileNotFoundError:
        raise DataError(folder, "目录不存在 (folder not found)") from None
    except OSError as exc:
        raise DataError(folder, f"无法读取目录：{exc.strerror or exc} (cannot list folder)") from None


def _ignored(name: str) -> bool:
    return name.startswith((".", "_"))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _no_data_below(folder: Path) -> None:
    """A folder inside a year folder is not read: a data file in it would be skipped silently, so it is an error."""
    for dirpath, dirnames, files in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not _ignored(d)]
        for f in files:
            name = unicodedata.normalize("NFKC", f).strip().lower()
            if not _ignored(f) and name.endswith((".yaml", ".yml")) and not name.endswith(SOURCES_SUFFIX):
                raise DataError(Path(dirpath) / f, f"数据文件应直接放在年度目录 {folder.parent} 下，子目录 {folder.name} 中的文件"
                                                   "不会被读取；请移到年度目录下，或把子目录改名为以 _ 开头以示不用 "
                                                   "(data files sit directly in the year folder)")


def discover(data_dir: Path) -> Iterator[Path]:
    """Every data file ``data_dir/<year>/<code>.yaml``, sorted; anything that looks like one but breaks
    the rule (see the module docstring) is a DataError."""
    data_dir = Path(data_dir)
    for entry in _entries(data_dir):
        if _ignored(entry.name) or not _is_dir(entry):
            continue
        if not YEAR_FOLDER.fullmatch(entry.name):
            if any(ch.isdigit() for ch in unicodedata.normalize("NFKC", entry.name)):
                raise DataError(data_dir / entry.name, f"年度目录名应为四位半角数字（如 2024），当前为 {entry.name!r}，"
                                                       "请改名 (a year folder is named by four ASCII digits)")
            continue
        year_dir = data_dir / entry.name
        for item in _entries(year_dir):
            name = item.name
            if _ignored(name) or name.endswith((SOURCES_SUFFIX, *SIDE_SUFFIXES)):
                continue
            if _is_dir(item):
                _no_data_below(year_dir / name)
                continue
            clean = unicodedata.normalize("NFKC", name).strip()
            stem, dot, suffix = clean.rpartition(".")
            if dot and suffix.lower() in ("yaml", "yml") and suffix != "yaml":
                raise DataError(year_dir / name, f"数据文件的扩展名应为 .yaml，请改名为 {stem}.yaml "
                                                 "(data files end in .yaml)")
            if dot and suffix == "yaml" and clean != name:
                raise DataError(year_dir / name, f"数据文件名 {name!r} 应为 {stem.strip()}.yaml（半角字符、"
                                                 "首尾无空格），请改名 (data files are named <code>.yaml)")
            if suffix == "yaml" and dot:
                yield year_dir / name


def load_all(data_dir: Path) -> list[DepartmentYear]:
    """Load every department-year of one data folder; duplicate (code, year) pairs are an error."""
    return [record for record, _ in load_records([data_dir])]


def load_records(data_dirs: Iterable[Path | str]) -> list[tuple[DepartmentYear, Path]]:
    """Every department-year of several data folders with the folder it came from, in folder order;
    a (code, year) pair may appear once across all of them; a missing folder is an error."""
    out: list[tuple[DepartmentYear, Path]] = []
    seen: dict[tuple[str, int], Path] = {}
    for data_dir in map(Path, data_dirs):
        if not data_dir.is_dir():
            raise DataError(data_dir, "数据目录不存在 (data directory not found)")
        for path in discover(data_dir):
            rec = load_department(path)
            key = (rec.code, rec.year)
            if key in seen:
                raise DataError(path, f"部门代码 {rec.code} 在 {rec.year} 年重复（另见 {seen[key]}）(duplicate code)",
                                field="code", label="部门代码")
            seen[key] = path
            out.append((rec, data_dir))
    return out


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


def canonical(value: Any) -> Any:
    """A comparable form in which Decimals compare by their text (1595.3 ≠ 1595.30)."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, tuple((name, canonical(getattr(value, name))) for name in type(value).model_fields))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return (type(value).__name__, value)


def records_identical(a: BaseModel, b: BaseModel) -> bool:
    """Equal as pydantic records *and* every Decimal has the same text."""
    return a == b and canonical(a) == canonical(b)


#: Records written inline (``{budget: 15.61, actual: 9.32}``): the form's rows and goal quantities.
FLOW_RECORDS: tuple[type[BaseModel], ...] = (Amounts, Quantity)


def record_data(model: BaseModel) -> dict[str, Any]:
    """The data of a record as written to a file: schema order, fields at their default (and None) left out,
    money rows (:class:`Amounts`, :class:`Item`) and goal-indicator quantities as flow mappings."""
    out: dict[str, Any] = {}
    fields = type(model).model_fields
    if isinstance(model, Amounts):
        # A named line ({name: 办公费, budget: …}): what names it first, then the columns.
        fields = {**{k: v for k, v in fields.items() if k not in Amounts.model_fields},
                  **{k: v for k, v in fields.items() if k in Amounts.model_fields}}
    for name, info in fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        if not info.is_required() and canonical(value) == canonical(info.get_default(call_default_factory=True)):
            continue
        out[name] = _plain_value(value)
    return FlowMap(out) if isinstance(model, FLOW_RECORDS) else out


def _plain_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return record_data(value)
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    return value


def dump_yaml(data: Any, header: str | Iterable[str] = ()) -> str:
    """YAML text of plain data (see :func:`perfeval.model.yaml12.dump`) after ``header`` as ``#`` comments."""
    return comment_lines(header) + dump(data)


def dump_record(record: DepartmentYear, header: str | Iterable[str] = ()) -> str:
    """The YAML text of a record, loadable by :func:`load_department`.

    Block style, keys in schema order, Chinese unescaped, Decimals as plain numbers with their exact
    text; fields at their default (and None: not stated) are left out, money rows and goal-indicator
    quantities are written inline like ``{budget: 15.61, actual: 9.32}`` and ``{value: 15, unit: 件}``. ``header`` (any text) becomes ``#`` comment lines at the top.
    """
    return dump_yaml(record_data(record), header)


def file_mode(path: Path) -> int:
    """The permissions a file written at ``path`` gets: those of the file it replaces, else the usual ones of a
    new file (0666 less the umask). A temporary file is created 0600; it takes this mode before it is renamed."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _replace_atomically(path: Path, text: str, check: Any) -> None:
    """Write ``text`` to a hidden temporary file beside ``path``, ``check(tmp)`` it, then rename it over ``path``
    (keeping the mode of the file it replaces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".perfeval-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        check(Path(tmp))
        os.chmod(tmp, file_mode(path))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_yaml(path: Path, data: Any, header: str | Iterable[str] = ()) -> Path:
    """Write plain data (e.g. a draft that does not validate yet) as YAML, atomically; the file is checked
    to read back to the same data. The caller decides whether an existing file may be replaced."""
    path = Path(path)

    def check(tmp: Path) -> None:
        if canonical(parse(tmp.read_text(encoding="utf-8"))) != canonical(_as_read(data)):  # pragma: no cover
            raise RuntimeError(f"YAML written to {path} does not read back identically")

    _replace_atomically(path, dump_yaml(data, header), check)
    return path


def _as_read(value: Any) -> Any:
    """Plain data as :func:`read_yaml` gives it back: whole Decimals are ints, dates are text."""
    if isinstance(value, dict):
        return {k: _as_read(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_read(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def write_record(record: DepartmentYear, path: Path, *, force: bool = False,
                 header: str | Iterable[str] = ()) -> bool:
    """Write ``record`` as YAML to ``path``; return False when the file already holds identical data.

    An existing file with different (or unreadable) data is only replaced with ``force``. The text
    written is checked to read back identical before it replaces anything.
    """
    path = Path(path)
    if path.exists():
        existing = _try_read(path)
        if existing is not None and records_identical(existing, record):
            return False
        if not force:
            raise DataError(path, "文件已存在且内容不同，未覆盖；如需覆盖请加 --force "
                                  "(file exists with different data; use --force to overwrite)")

    def check(tmp: Path) -> None:
        back = _try_read(tmp)
        if back is None or not records_identical(back, record):  # pragma: no cover - a writer bug
            raise RuntimeError(f"YAML written for {record.code} {record.year} does not read back identically")

    _replace_atomically(path, dump_record(record, header), check)
    return True


def _try_read(path: Path) -> DepartmentYear | None:
    try:
        return DepartmentYear.model_validate(read_yaml(path))
    except (DataError, ValidationError, TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- #
# Migrating schema-1 files
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate_file` did with one file."""

    path: Path
    status: str                      # "migrated", "current" (already schema 2), "refused" (comments, no --force)
    comments_lost: tuple[int, ...] = ()   # lines of the comments that the rewritten file no longer has

    @property
    def message(self) -> str:
        lines = "、".join(str(n) for n in self.comments_lost[:10]) + ("…" if len(self.comments_lost) > 10 else "")
        if self.status == "current":
            return f"已是新格式：{self.path}"
        if self.status == "refused":
            return (f"未转换：{self.path} 含 {len(self.comments_lost)} 行注释（第 {lines} 行），转换后这些注释会丢失；"
                    "请先把需要保留的说明移到文字字段或另行保存，再加 --force 转换 (comments would be lost; use --force)")
        lost = f"（第 {lines} 行的 {len(self.comments_lost)} 行注释已删除）" if self.comments_lost else ""
        return f"转换：{self.path}{lost}"


def migrate_file(path: Path, *, force: bool = False) -> Migration:
    """Rewrite a schema-1 data file in place as schema 2 with the canonical writer.

    A file already in schema 2 is left untouched. The comment lines at the top of the file are kept
    as the new file's header; comments further down cannot be carried over (the writer produces the
    canonical layout), so a file holding such comments is refused unless ``force``. The migrated
    record must validate, and no value may be lost on the way (a value given both in the old layout and,
    differently, in a new-layout section of the same file), or :class:`DataError` names the file, record and
    field and nothing is written.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "文件不存在 (file not found)")
    text = read_text(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "顶层应为键值结构 (top level must be a mapping)")
    if not is_schema1(data):
        return Migration(path, "current")
    try:
        found = comments(text)
    except YamlProblem as exc:  # pragma: no cover - read_yaml has parsed the same text
        raise DataError(path, exc.message) from None
    header = [c.text for c in found if c.leading]
    lost = tuple(c.line for c in found if not c.leading)
    if lost and not force:
        return Migration(path, "refused", lost)
    try:
        migrated = migrate_record(data)
    except MigrationConflict as exc:
        record_path, _, key = exc.path.rpartition(".")
        raise DataError(path, str(exc), record=record_path, field=key) from None
    try:
        record = DepartmentYear.model_validate(migrated)
    except ValidationError as exc:
        error = validation_to_error(path, DepartmentYear, exc)
        error.message = "转换为新格式后数据不合格，文件未改动：" + error.message + " (invalid after migration; file unchanged)"
        raise error from None
    check_place(path, record)
    write_record(record, path, force=True, header=header)
    return Migration(path, "migrated", lost)
