"""What a page depends on, as hashes: file contents, task keys, the build manifest, the render's key.

A page is skipped when nothing it depends on changed: the template notebook, its parameters and title, the
files it reads (the department's data file and the files beside it, its earlier years, or the summaries file
of a year page), the indicator framework, the package's own code (templates and theme included), the Python
version and the installed versions of the whole stack perfeval depends on (:func:`stack_versions`). The key of
every successful run is recorded in ``_build/build.json`` with timings, cache hits and failures; a failed run
records no key, so it is retried next time.

Files are compared by content: :class:`FileHashes` keeps the sha256 of each file it has read with the file's
identity (inode, size, modification and change time) and reads a file again only when that identity changed.
A copy that keeps the modification time (``cp -p``, rsync, tar) still changes the change time (``ctime``,
which no program can set), so it is read again. A file changed within :data:`RACY_NS` of being hashed is
hashed again next time (a change in the same clock tick would keep its times).

Every cache file under ``_build`` is read defensively: one that does not read, or has an entry of the wrong
shape, is ignored (that entry, or the whole file) and rebuilt; it never stops a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

import orjson

MANIFEST = "build.json"
#: Content hashes of the files builds have read (:class:`FileHashes`).
FILES = "files.json"
#: The stack's versions, kept for the list of installed distributions they were computed from.
STACK_FILE = "stack.json"
#: Nanoseconds: a file whose change time is this close to (or after) the moment it was hashed is hashed again.
RACY_NS = 2_000_000_000
#: Folders under the project root that the render reads (with ``_config.yml`` and ``_toc.yml``).
RENDER_SOURCES = ("book",)


def file_hash(path: Path | str) -> str:
    """The SHA-256 of a file's content (read every time: the build's own cache is :class:`FileHashes`)."""
    from perfeval.model.files import read_sha256

    return read_sha256(path)


#: How cache files and keys are written (orjson: sorted keys, keys that are not strings as strings, as the
#: standard library's ``json`` writes them). The cache files of a 1000-department book hold about 20 MB of
#: JSON, read and written by every build: the standard library took about half a second of each rebuild.
JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def read_json(path: Path) -> Any:
    """The JSON content of a cache file, or None when it is missing or does not read."""
    try:
        return orjson.loads(Path(path).read_bytes())
    except (OSError, ValueError):   # orjson.JSONDecodeError is a ValueError (also for text that is not UTF-8)
        return None


def write_json(path: Path, data: Any, *, indent: int | None = None) -> None:
    """Write a cache file atomically (UTF-8; ``indent``: indented by two spaces, for files people read)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(orjson.dumps(data, option=JSON_OPTIONS | (orjson.OPT_INDENT_2 if indent else 0)))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def json_hash(data: Any) -> str:
    """The sha256 of ``data`` as canonical JSON (:data:`JSON_OPTIONS`; what JSON cannot say, as its ``str``)."""
    return hashlib.sha256(orjson.dumps(data, option=JSON_OPTIONS, default=str)).hexdigest()


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


class FileHashes:
    """sha256 of files by content, kept from build to build (``_build/files.json``): a file is read again only
    when its identity (inode, size, modification and change time) differs from when it was hashed."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.entries: dict[str, list[Any]] = {}
        self.seen: set[str] = set()
        self.read = 0
        data = read_json(self.path) if self.path is not None else None
        files = data.get("files") if isinstance(data, dict) else None
        if isinstance(files, dict):
            for name, entry in files.items():
                if (isinstance(entry, list) and len(entry) == 6 and all(type(v) is int for v in entry[:5])
                        and isinstance(entry[5], str) and len(entry[5]) == 64):
                    self.entries[name] = entry

    def sha256(self, path: Path | str, stat: os.stat_result | None = None) -> str:
        """The sha256 of a file's content (OSError when it cannot be read); ``stat``: the file's, when known."""
        name = str(path)
        stat = os.stat(name) if stat is None else stat
        self.seen.add(name)
        entry = self.entries.get(name)
        if entry is not None and entry[:4] == _identity(stat) and stat.st_ctime_ns < entry[4] - RACY_NS:
            return str(entry[5])
        now = time.time_ns()
        digest = file_hash(name)
        self.read += 1
        self.entries[name] = [*_identity(stat), now, digest]
        return digest

    def unchanged(self, path: str, stat: os.stat_result) -> bool:
        """Whether the file is as it was when last hashed (by identity; a stat, no reading, not counted as seen)."""
        entry = self.entries.get(path)
        return entry is not None and entry[:4] == _identity(stat) and stat.st_ctime_ns < entry[4] - RACY_NS

    def any_changed(self, folders: Iterable[Path | str], files: Iterable[Path | str] = ()) -> bool:
        """Whether a file in ``folders`` (recursively) or one of ``files`` was never hashed or changed since:
        a quick guess, from one stat per file, that a build will run pages."""
        def changed(path: str) -> bool:
            try:
                return not self.unchanged(path, os.stat(path))
            except OSError:
                return True

        def walk(folder: str) -> bool:
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError:
                return False
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path):
                        return True
                elif entry.is_file() and not self.unchanged(entry.path, entry.stat()):
                    return True
            return False

        return any(changed(str(f)) for f in files) or any(walk(str(f)) for f in folders)

    def save(self, prune: bool = False) -> None:
        """Keep the table (``prune``: only the files looked at by this build)."""
        if self.path is None:
            return
        keep = {k: v for k, v in self.entries.items() if not prune or k in self.seen}
        write_json(self.path, {"files": keep})


# --- what every page depends on ---------------------------------------------------------------------

def code_hash() -> str:
    """Hash of the package's own source (code, templates, theme, static files)."""
    root = Path(__file__).resolve().parents[1]  # the perfeval package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".txt", ".yaml", ".js", ".css", ".html") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def installed() -> list[str]:
    """The installed distributions as their metadata folders name them (``sphinx-7.4.7.dist-info``), on every
    path Python imports from: a list that changes whenever a package is installed, removed or upgraded."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                names.update(e.name for e in it if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


def _closure(root: str = "perfeval") -> dict[str, str | None]:
    """name → version of ``root`` and everything it requires, recursively (extras left out)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, str | None] = {}
    todo = [root]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            found[name] = None
            continue
        found[name] = dist.version
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return dict(sorted(found.items()))


def stack_versions(build_dir: Path | None = None) -> dict[str, str | None]:
    """name → version of perfeval and every package it requires, directly or not (the stack that executes
    and renders the pages: pandas, matplotlib, Pillow, python-docx, Sphinx, jupyter-book, its theme …).

    Working this out reads the metadata of about 120 packages; with ``build_dir`` the result is kept in
    ``stack.json`` for the list of installed distributions (:func:`installed`) and reused while it stands."""
    listing = hashlib.sha256("\n".join(installed()).encode()).hexdigest()
    path = Path(build_dir) / STACK_FILE if build_dir is not None else None
    kept = read_json(path) if path is not None else None
    if (isinstance(kept, dict) and kept.get("installed") == listing and isinstance(kept.get("versions"), dict)
            and all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in kept["versions"].items())):
        return dict(kept["versions"])
    versions = _closure()
    if path is not None:
        write_json(path, {"installed": listing, "versions": versions})
    return versions


def shared_state(build_dir: Path | None = None) -> dict[str, Any]:
    """What every page depends on: the Python version, the package's code and the stack's versions."""
    return {"python": platform.python_version(), "code": code_hash(), "versions": stack_versions(build_dir)}


def stamp(shared: Mapping[str, Any]) -> str:
    """One hash of :func:`shared_state`."""
    return json_hash(shared)


def input_hashes(paths: Iterable[Path | str], hashes: FileHashes) -> dict[str, str]:
    """path → sha256 of each file a page reads."""
    return {p: hashes.sha256(p) for p in map(str, paths)}


def task_key(template: str, parameters: dict[str, Any], title: str, drop_tags: Iterable[str],
             inputs: dict[str, str], environment: str) -> str:
    """The cache key of one page: ``template`` and every value of ``inputs`` are content hashes,
    ``environment`` the :func:`stamp` of the shared state."""
    payload = {
        "template": template, "parameters": parameters, "title": title,
        "drop_tags": sorted(drop_tags), "inputs": inputs, "environment": environment,
    }
    return json_hash(payload)


# --- the manifest -----------------------------------------------------------------------------------

_ENTRY_TYPES = {"status": str, "key": str, "error": str, "seconds": (int, float), "inputs": dict, "notebook": str}


def _entry_ok(entry: Any) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in _ENTRY_TYPES.items()
                                           if k in entry) and isinstance(entry.get("key"), str)


def read_manifest(path: Path) -> dict[str, Any]:
    """The last build's manifest, with only the entries that read (a page whose entry does not is executed
    again); {} when the file does not read."""
    data = read_json(path)
    if not isinstance(data, dict):
        return {}
    runs = data.get("runs")
    data["runs"] = {k: v for k, v in runs.items() if isinstance(k, str) and _entry_ok(v)} if isinstance(runs, dict) else {}
    if not isinstance(data.get("published"), str):
        data["published"] = None
    return data


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    write_json(path, manifest, indent=2)


# --- what the render reads --------------------------------------------------------------------------

def render_sources(root: Path, hashes: FileHashes) -> dict[str, str]:
    """Every file the render reads under the project root, by content: relative path → sha256
    (``_config.yml``, ``_toc.yml`` and every file under ``book/``: pages, notebooks, static files,
    downloads)."""
    out: dict[str, str] = {}
    for name in ("_config.yml", "_toc.yml"):
        if (root / name).is_file():
            out[name] = hashes.sha256(root / name)

    def walk(folder: str, rel: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = f"{rel}/{entry.name}"
            try:
                if entry.is_dir():
                    walk(entry.path, path)
                elif entry.is_file():
                    out[path] = hashes.sha256(entry.path, entry.stat())
            except OSError:
                continue   # removed while we walked

    for top in RENDER_SOURCES:
        walk(str(root / top), top)
    return out


def update_sources(before: Mapping[str, str], root: Path, hashes: FileHashes, files: Iterable[Path],
                   folders: Iterable[Path]) -> dict[str, str]:
    """:func:`render_sources` as it is after a build wrote ``files`` and the files directly in ``folders`` (a
    page's notebook; the folders of its downloads, in which it also removes what it no longer offers), when
    ``before`` was the walk before those writes and nothing else was written under the project: only those are
    looked at again (at 1000 departments the walk looks at 17 000 files)."""
    out = dict(before)
    base = str(root)
    # The files directly in each folder, found in one pass (not a pass per folder: a cold build writes 1000).
    looked = {os.path.relpath(folder, base).replace(os.sep, "/") for folder in map(str, folders)}
    for key in [k for k in out if k.rpartition("/")[0] in looked]:
        del out[key]
    for folder in set(map(str, folders)):
        prefix = os.path.relpath(folder, base).replace(os.sep, "/") + "/"
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file():
                    out[prefix + entry.name] = hashes.sha256(entry.path, entry.stat())
    for path in set(map(str, files)):
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        try:
            out[rel] = hashes.sha256(path)
        except OSError:
            out.pop(rel, None)
    return out


def render_key(environment: str, sources: Mapping[str, str]) -> str:
    """The key of a render: what it runs with (:func:`stamp` of the shared state) and what it reads."""
    h = hashlib.sha256(environment.encode())
    for rel, digest in sorted(sources.items()):
        h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()
