"""Where commands may write: never over an existing file unless told to (``--force``), nothing but data
files under a data folder (not even with ``--force``) and those only where they are read
(``<data folder>/<year>/<code>.yaml``), and never over a file of the project itself (``--force`` replaces an
output, never a template notebook, ``_config.yml`` or a hand-written page)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from perfeval.errors import UsageError
from perfeval.model.files import YEAR_FOLDER

#: The project's data folder (relative to the working directory, as the commands default to it).
DATA = Path("data")


def inside(path: Path, folder: Path) -> bool:
    """Is ``path`` (resolved) ``folder`` itself or somewhere under it?"""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def refuse_data_folder(path: Path, data_dirs: Iterable[Path | str]) -> None:
    """Refuse a path under a data folder: only data files live there (``--force`` does not change that)."""
    for folder in map(Path, data_dirs):
        if inside(path, folder):
            raise UsageError(f"不能写入 {path}：它在数据目录 {folder} 下，数据目录只存放数据文件（--force 也不行）"
                             "，请换一个输出位置 (refusing to write into a data folder)")


#: A book project's own files and folders (relative to its root): no command writes over them.
PROJECT_FILES = ("_config.yml", "_toc.yml", "pyproject.toml", "Makefile", "README.md", "requirements.txt",
                 "requirements.lock", "requirements-test.txt", "requirements-test.lock", "notebooks", "book", "src",
                 "tests", "docs", "benchmarks", "_build", ".git", "data")


def refuse_project_files(path: Path, root: Path | str = ".", *, data_ok: bool = False) -> None:
    """Refuse a path that is a file of the project at ``root`` or lies in one of its folders (its configuration,
    templates, pages, code; its data unless ``data_ok``, for the commands that write data files): an output may
    be replaced with ``--force``, those never."""
    if not (Path(root) / "_config.yml").is_file():
        return          # not a book project: nothing of it to protect
    for name in PROJECT_FILES:
        place = Path(root) / name
        if (name != "data" or not data_ok) and inside(path, place):
            what = f"它在项目目录 {name} 下" if place.is_dir() else f"它是项目自身的文件 {name}"
            raise UsageError(f"不能写入 {path}：{what}，--force 只能覆盖输出文件，不能覆盖项目文件；请换一个输出位置 "
                             "(refusing to write over a project file)")


def check_data_output(path: Path, code: str | None, year: int | None, data_dirs: Iterable[Path | str]) -> None:
    """A data file a command writes (``import-report``, ``import-excel``) lands where ``validate`` reads it, as
    ``<year>/<code>.yaml``, or outside every data folder: never in a ``frameworks`` folder, never under another
    name in a year folder (it would fail validation), never elsewhere in a data folder (it would not be read)."""
    path = Path(path)
    if path.parent.name == "frameworks":
        raise UsageError(f"不能写入 {path}：frameworks 目录只存放指标体系文件；数据请写到 <数据目录>/<年度>/<部门代码>.yaml "
                         "或数据目录之外 (a frameworks folder holds frameworks only)")
    if YEAR_FOLDER.fullmatch(path.parent.name):
        if code and path.name != f"{code}.yaml":
            raise UsageError(f"输出文件 {path} 在年度目录下，文件名应为 {code}.yaml（与部门代码一致），否则数据校验不通过；"
                             f"请改用 {path.with_name(code + '.yaml')} (a data file is named by its code)")
        if year is not None and int(path.parent.name) != year:
            raise UsageError(f"评价年度为 {year}，与输出目录 {path.parent.name} 不一致；请改用 {path.parent.parent / str(year)} "
                             "或用 --year 指定 (the year folder must match)")
        return
    for folder in map(Path, data_dirs):
        if inside(path, folder):
            raise UsageError(f"不能写入 {path}：数据目录 {folder} 下的数据文件应放在 <年度>/<部门代码>.yaml，否则不会被读取 "
                             "(data files sit in year folders)")


def check_output(path: Path, *, force: bool, data_dirs: Iterable[Path | str] = (), root: Path | str = ".") -> Path:
    """Refuse to write ``path`` when it lies under a data folder (any content but data), is a file of the
    project at ``root`` or already exists (unless ``force``). Returns ``path``."""
    path = Path(path)
    refuse_data_folder(path, data_dirs)
    refuse_project_files(path, root)
    if path.is_dir():
        raise UsageError(f"输出位置 {path} 是一个文件夹，请给出文件名 (output is a folder)")
    if path.exists() and not force:
        raise UsageError(f"输出文件 {path} 已存在；如需覆盖请加 --force (refusing to overwrite)")
    return path


def check_new_files(paths: Iterable[Path], *, force: bool) -> None:
    """Refuse when any of ``paths`` already exists (unless ``force``), naming the first few."""
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        shown = "、".join(str(p) for p in existing[:3]) + (f" 等 {len(existing)} 个文件" if len(existing) > 3 else "")
        raise UsageError(f"{shown} 已存在；如需覆盖请加 --force (refusing to overwrite)")
