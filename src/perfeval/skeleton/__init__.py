"""``perfeval init DIR``: a new book project from the installed package.

A project is the files :mod:`perfeval.skeleton.manifest` lists (``_config.yml``, the template notebooks, the
indicator frameworks, the hand-written pages), an empty data folder, a README in Chinese (``README.md`` of
this package, filled in) and a ``.gitignore`` for what ``perfeval build`` generates. The files come from
``perfeval/skeleton/files`` in an installed wheel, or from the repository when perfeval runs from a checkout
(one source of truth: the repository's top level).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from perfeval import __version__
from perfeval.errors import UsageError
from perfeval.skeleton.manifest import project_files

HERE = Path(__file__).resolve().parent
PACKAGED = HERE / "files"
DEFAULT_TITLE = "部门整体支出绩效评价"
DEMO_TITLE = "部门整体支出绩效评价（示例数据）"
DEMO_PUBLISHER = "perfeval 示例书（程序生成的示例数据，非任何单位发布）"
#: The paragraph of 导读 (book/intro.md) that says what the book holds; a demo book says so instead.
INTRO_DATA_LINE = "本书各章均依据部门公开发布的报告整理，不含程序生成的示例数据；书中的测算和核查只使用这些报告公开的数字。"
DEMO_DATA_LINE = "本书全部章节由程序生成的示例数据构成，不是真实部门的评价报告。"
DEMO_INTRO = ("```{admonition} 示例数据\n:class: warning\n本书全部章节由程序生成的示例数据构成（`perfeval demo`），"
              "不是真实部门的评价报告，仅用于展示本书的版式与功能；各部门、数字和问题均为虚构。\n```")


def source_root() -> Path:
    """Where the project files are: the copy inside an installed wheel, else the repository checkout."""
    if (PACKAGED / "_config.yml").is_file():
        return PACKAGED
    checkout = HERE.parents[2]   # src/perfeval/skeleton → the repository
    if (checkout / "_config.yml").is_file() and (checkout / "notebooks").is_dir():
        return checkout
    raise UsageError("perfeval 安装不完整：找不到书的模板文件（_config.yml、notebooks），请重新安装 perfeval "
                     "(package data missing)")


@dataclass
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)     # new or changed files
    unchanged: list[str] = field(default_factory=list)   # already there with the same content


def _yaml_scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a YAML scalar, whatever it holds


def _set_key(config: str, key: str, value: str) -> str:
    """``config`` with its top-level ``key:`` line set to ``value`` (comments elsewhere kept)."""
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    line = f"{key}: {_yaml_scalar(value)}"
    if pattern.search(config):
        return pattern.sub(lambda _: line, config, count=1)
    return config.rstrip("\n") + "\n" + line + "\n"


def _clean(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    if not text or any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in text):
        raise UsageError(f"{what}不能为空，也不能含控制字符 (invalid {what})")
    return text


def project_contents(*, title: str | None = None, publisher: str | None = None,
                     demo: bool = False) -> dict[str, bytes]:
    """What ``init`` writes: relative path → bytes."""
    src = source_root()
    title = _clean(title, "书名") or (DEMO_TITLE if demo else None)
    publisher = _clean(publisher, "发布单位") or (DEMO_PUBLISHER if demo else None)
    out = {rel: (src / rel).read_bytes() for rel in project_files(src)}
    config = out["_config.yml"].decode("utf-8")
    if title:
        config = _set_key(config, "title", title)
    if publisher:
        config = _set_key(config, "publisher", publisher)
    out["_config.yml"] = config.encode("utf-8")
    if demo and "book/intro.md" in out:
        intro = out["book/intro.md"].decode("utf-8")
        if INTRO_DATA_LINE not in intro:
            raise UsageError("book/intro.md 中找不到说明数据来源的段落，无法标明示例书 (intro paragraph missing)")
        intro = intro.replace(INTRO_DATA_LINE, DEMO_DATA_LINE)
        out["book/intro.md"] = re.sub(r"^(# .*\n)", lambda m: m.group(1) + "\n" + DEMO_INTRO + "\n", intro,
                                      count=1).encode("utf-8")
    shown_title = title or _config_title(config) or DEFAULT_TITLE
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    out["README.md"] = readme.replace("{title}", shown_title).replace("{version}", __version__).encode("utf-8")
    out[".gitignore"] = (HERE / "gitignore.txt").read_bytes()
    return out


def _config_title(config: str) -> str:
    match = re.search(r"^title:\s*(.+?)\s*$", config, re.MULTILINE)
    return match.group(1).strip("\"'") if match else ""


def init_project(dest: Path | str, *, force: bool = False, title: str | None = None,
                 publisher: str | None = None, demo: bool = False) -> InitResult:
    """Create (or with ``force`` refresh) a book project in ``dest``. Files that exist with other content are
    refused unless ``force``; data files and anything else in ``dest`` are never touched."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} 已存在且不是文件夹 (not a folder)")
    contents = project_contents(title=title, publisher=publisher, demo=demo)
    result = InitResult(dest.resolve())
    differing = [rel for rel, data in contents.items()
                 if (dest / rel).exists() and (not (dest / rel).is_file() or (dest / rel).read_bytes() != data)]
    if differing and not force:
        shown = "、".join(differing[:3]) + (f" 等 {len(differing)} 个文件" if len(differing) > 3 else "")
        raise UsageError(f"{dest} 中已有 {shown}，内容与新建的不同；如需用 perfeval 自带的版本覆盖请加 --force "
                         "（数据文件不受影响）(refusing to overwrite)")
    for rel, data in contents.items():
        path = dest / rel
        if path.is_file() and path.read_bytes() == data:
            result.unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        result.written.append(rel)
    (dest / "data").mkdir(parents=True, exist_ok=True)
    return result
