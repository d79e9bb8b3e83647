"""Where commands may write: never over an existing file unless told to (``--force``), and nothing but data
files under a data folder (not even with ``--force``)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from perfeval.errors import UsageError


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


def check_output(path: Path, *, force: bool, data_dirs: Iterable[Path | str] = ()) -> Path:
    """Refuse to write ``path`` when it lies under a data folder (any content but data) or already exists
    (unless ``force``). Returns ``path``."""
    path = Path(path)
    refuse_data_folder(path, data_dirs)
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
