"""Publishing the HTML book: the render folder pruned to the current book, releases, atomic swap.

Layout under ``_build/``::

    _build/html              -> releases/<id>   (a relative symlink: what readers and tests open)
    _build/releases/<id>/    complete books; the current one and the one before it are kept
    _build/.sphinx-cache/    the last successful render (jupyter-book's output folder, with mtimes)
    _build/.staging-*        work folders of a running build (removed afterwards, or by the next build)
    _build/.build.lock       the build lock (see :mod:`perfeval.book.lock`)

Guarantees (every function here expects the caller to hold the build lock; rendering itself, and when the
render folder is reused, is :mod:`perfeval.book.rendering`):

* **Only a complete book is ever published.** The book is rendered into staging; when that succeeded,
  the HTML becomes a new ``releases/<id>`` and ``_build/html`` is switched to it by ``os.replace`` of a
  temporary symlink, which is atomic: a reader sees either the old or the new book, never a mix, and a
  build killed at any moment leaves the old book untouched. Releases are never written once published: a
  file of the render that was not written since the previous release was made from it (same inode, size,
  modification and change time: :data:`PUBLISHED_FILE`) is a hard link to that release's copy, and the
  oldest release no reader is on any more is recycled as the new one, so publishing writes the files that
  changed, not the book.
* **A release holds exactly the current book.** Staging *is* the cache, moved aside (a rename, not a
  copy), so Sphinx re-reads only changed pages; before rendering, everything of pages no longer in the
  table of contents is pruned (doctrees, executed copies, downloads), and when the navigation changed (a
  page added, removed, renamed or retitled) the HTML output is dropped so that every page is written
  again with the new navigation (Sphinx re-reads only what changed; it rewrites everything). A render
  that succeeds moves staging back as the cache.
* **Leftovers of killed builds are cleaned** by :func:`cleanup_leftovers`, at the start of every build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

from perfeval.book.cache import read_json, write_json
from perfeval.book.lock import signals_deferred
from perfeval.errors import UsageError

STAGING_PREFIX = ".staging-"
LINK_TMP_PREFIX = ".html-link-"
RELEASES = "releases"
INCOMING_PREFIX = ".incoming-"
#: How many releases stay on disk (the newest; the one being replaced always among them): earlier versions
#: of the book stay readable under ``_build/releases/<id>`` (``perfeval changes`` lists them). A release
#: hard-links the files it shares with the one before, so each costs about what changed.
KEEP_RELEASES = 10
SPHINX_CACHE = ".sphinx-cache"
#: Fixed (not per-pid) so that the paths recorded in Sphinx's environment stay valid from build to build.
SPHINX_STAGING = f"{STAGING_PREFIX}sphinx"
#: In a render folder: the navigation signature (TOC and page titles) it was rendered with.
NAVIGATION_FILE = ".perfeval-navigation"
#: The folder (under the book's html_extra_path) whose files are published as downloads.
DOWNLOADS = "downloads"
#: In a render folder: what it was rendered with and from ({"environment": stamp, "sources": {path: sha256}}).
RENDER_FILE = ".perfeval-render.json"
#: In a render folder: the files of its HTML output as they were when published, and the release they went to.
PUBLISHED_FILE = ".perfeval-published.json"



class RenderError(Exception):
    """jupyter-book failed; the published book is unchanged."""


# --- releases -----------------------------------------------------------------------------------

def _release_id() -> str:
    # One reading of the clock for the second and its nanoseconds: two readings across a second's boundary named
    # a later release before an earlier one (releases are pruned in the order of their names).
    now = time.time_ns()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000_000)) + f"-{now % 1_000_000_000:09d}-{os.getpid()}"


def _releases(build_dir: Path) -> list[Path]:
    folder = build_dir / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def current_release(html_dir: Path) -> Path | None:
    """The release folder ``html_dir`` points to (None when it is not a link to one)."""
    if not html_dir.is_symlink():
        return None
    target = (html_dir.parent / os.readlink(html_dir)).resolve()
    return target if target.is_dir() else None


def _point(html_dir: Path, target: Path) -> None:
    """Make ``html_dir`` a relative symlink to ``target`` in one atomic step."""
    tmp = html_dir.with_name(f"{LINK_TMP_PREFIX}{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, html_dir.parent), tmp, target_is_directory=True)
    os.replace(tmp, html_dir)


def cleanup_leftovers(html_dir: Path) -> list[Path]:
    """Remove what killed builds left behind; repair a missing ``html_dir`` link. Returns what was removed."""
    build_dir = html_dir.parent
    removed: list[Path] = []
    if not build_dir.is_dir():
        return removed
    for path in build_dir.iterdir():
        if path.name.startswith(STAGING_PREFIX) or path.name == html_dir.name + ".old":
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.name.startswith(LINK_TMP_PREFIX) and path.is_symlink():
            path.unlink()
            removed.append(path)
    incoming = build_dir / RELEASES
    if incoming.is_dir():
        for path in incoming.iterdir():
            if path.name.startswith(INCOMING_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    # A publish killed before the link was placed, or a release removed by hand: point the link at the
    # newest complete release.
    if (html_dir.is_symlink() and not html_dir.exists()) or not (html_dir.exists() or html_dir.is_symlink()):
        releases = _releases(build_dir)
        if releases:
            _point(html_dir, releases[-1])
    return removed


def link_or_copy_tree(source: Path, dest: Path, previous: Path | None,
                      published: Mapping[str, Sequence[int]] | None = None,
                      mirrored: bool = False) -> tuple[int, int, dict[str, list[int]]]:
    """Make ``dest`` a copy of the tree ``source``, hard-linking each file that ``previous`` (the release made
    from ``source`` last time, never written again) holds unchanged; returns (files linked, files copied, the
    record for next time).

    ``published`` is the record :func:`link_or_copy_tree` returned last time: relative path → identity of the
    source file when it was published (inode, size, modification and change time). A source file with the
    same identity has not been written since, so its content is the one ``previous`` holds; any write (also
    one that restores the modification time) changes the change time, and the file is copied.

    ``dest`` may be an older release being recycled (it is not published any more): a file it already holds
    as the very file of ``previous`` is left as it is, any other is replaced (unlinked first: it may be a link
    shared with another release, which must not be written), and what ``source`` does not hold is removed.
    A new release thus costs the files that changed since, not the book's files created and deleted.
    ``mirrored``: ``dest`` is known to hold every file of ``previous`` as that very file (:func:`mirror`), so a
    file held unchanged is left as it is without looking at it."""
    linked = copied = 0
    record: dict[str, list[int]] = {}
    published = published or {}
    wanted: set[str] = set()

    def walk(folder: str, rel: str) -> None:
        nonlocal linked, copied
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        with os.scandir(folder) as it:
            entries = list(it)
        for entry in entries:
            key = f"{rel}/{entry.name}" if rel else entry.name
            out = os.path.join(dest, key)
            if entry.is_dir(follow_symlinks=False):
                wanted.add(key)
                walk(entry.path, key)
                continue
            wanted.add(key)
            if entry.is_symlink():
                _replace(out)
                shutil.copy2(entry.path, out, follow_symlinks=False)
                copied += 1
                continue
            stat = entry.stat()
            identity = [*_identity(stat)]
            record[key] = identity
            if previous is not None and list(published.get(key, ())) == identity:
                old = os.path.join(previous, key)
                if mirrored:
                    linked += 1
                    continue
                try:
                    if os.path.samefile(old, out):
                        linked += 1
                        continue
                except OSError:
                    pass
                try:
                    _replace(out)
                    os.link(old, out)
                    linked += 1
                    continue
                except OSError:
                    pass   # not there, or another file system: copy
            _replace(out)
            shutil.copy2(entry.path, out)
            copied += 1

    walk(str(source), "")
    _remove_unwanted(str(dest), "", wanted)
    return linked, copied, record


def mirror(source: Path, dest: Path) -> None:
    """Make ``dest`` hold every file of ``source`` as that very file (a hard link) and nothing else: what a
    release recycled for the next publish is made of, while the render that precedes it runs
    (:func:`prepare_release`)."""
    wanted: set[str] = set()

    def walk(folder: str, rel: str) -> None:
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        with os.scandir(folder) as it:
            entries = list(it)
        for entry in entries:
            key = f"{rel}/{entry.name}" if rel else entry.name
            wanted.add(key)
            out = os.path.join(dest, key)
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, key)
                continue
            try:
                if not entry.is_symlink() and os.stat(out, follow_symlinks=False).st_ino == entry.inode():
                    continue
            except OSError:
                pass
            _replace(out)
            if entry.is_symlink():
                shutil.copy2(entry.path, out, follow_symlinks=False)
            else:
                os.link(entry.path, out)

    walk(str(source), "")
    _remove_unwanted(str(dest), "", wanted)


def _replace(path: str) -> None:
    """Make room for a new file at ``path`` (never write into a file that may be linked elsewhere)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _remove_unwanted(folder: str, rel: str, wanted: set[str]) -> None:
    with os.scandir(folder) as it:
        entries = list(it)
    for entry in entries:
        key = f"{rel}/{entry.name}" if rel else entry.name
        if key not in wanted:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
        elif entry.is_dir(follow_symlinks=False):
            _remove_unwanted(entry.path, key, wanted)


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def swap_in(built: Path, html_dir: Path) -> Path:
    """Publish the complete book in ``built`` as ``html_dir`` atomically; returns the release folder.

    ``built`` is moved (renamed when on the same file system) into ``releases/<id>``; then the
    ``html_dir`` link is replaced. Releases older than the newest :data:`KEEP_RELEASES` are removed (never
    the one just replaced: a reader may still be on it).
    """
    built = Path(built)
    html_dir = Path(html_dir)
    if html_dir.is_dir() and not html_dir.is_symlink():
        raise UsageError(f"{html_dir} 是一个文件夹而不是发布链接，请移走或删除后重试 "
                         "(expected a link to the published release)")
    build_dir = html_dir.parent
    releases_dir = build_dir / RELEASES
    releases_dir.mkdir(parents=True, exist_ok=True)
    release = releases_dir / _release_id()
    try:
        os.replace(built, release)
    except OSError:
        # Another file system: copy next to the releases first, then rename (still atomic to readers).
        incoming = releases_dir / f"{INCOMING_PREFIX}{os.getpid()}"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(built, incoming, symlinks=True)
        os.replace(incoming, release)
        shutil.rmtree(built, ignore_errors=True)
    previous = current_release(html_dir)
    with signals_deferred():
        _point(html_dir, release)
    # Keep the newest releases, the new book and the one it replaced (a reader may still be on it).
    keep = {p.resolve() for p in _releases(build_dir)[-KEEP_RELEASES:]}
    keep |= {release.resolve()} | ({previous.resolve()} if previous else set())
    for old in _releases(build_dir):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return release


# --- rendering ----------------------------------------------------------------------------------

def jupyter_book_command(root: Path, jobs: int = 1) -> list[str]:
    """The command that renders the book (jupyter-book's build, with ``jobs`` Sphinx processes; see
    :mod:`perfeval.book.render`); the caller appends ``--path-output STAGING``."""
    from perfeval.book import render

    return render.command(root, jobs)


def prune_staging(staging: Path, docnames: Collection[str], navigation: str) -> bool:
    """Remove from a render folder (the last render) everything that is not part of the current book; returns
    whether the HTML output was kept (else it is all to be written again).

    - doctrees and executed copies of pages that are no longer in the table of contents;
    - when the navigation changed, the whole HTML output: Sphinx then writes every page again (from its
      doctrees; it re-reads only changed sources), so no page keeps a link to a removed one.

    Published downloads whose source is gone are removed before the render goes (:func:`remove_published_extra`,
    from the sources the last render recorded and those of this one), not by looking at every file here.
    """
    out = staging / "_build"
    wanted = set(docnames)
    for folder, suffixes in ((out / ".doctrees", (".doctree",)), (out / "jupyter_execute", (".ipynb", ".md"))):
        for current, _, files in os.walk(folder):
            rel = os.path.relpath(current, folder).replace(os.sep, "/")
            for name in files:
                stem, suffix = os.path.splitext(name)
                if suffix in suffixes and (stem if rel == "." else f"{rel}/{stem}") not in wanted:
                    os.unlink(os.path.join(current, name))
    html = out / "html"
    recorded = staging / NAVIGATION_FILE
    old = recorded.read_text(encoding="utf-8") if recorded.is_file() else None
    if old != navigation:
        shutil.rmtree(html, ignore_errors=True)
        return False
    return html.is_dir()


#: The book's folder of files published as they are (``html_extra_path``), relative to the project.
EXTRA_FOLDER = "book/_extra/"


def remove_published_extra(staging: Path, removed: Collection[str]) -> None:
    """Remove from a render folder's HTML output the copies of ``html_extra_path`` files whose sources are gone
    (``removed``: paths under the project), and the folders left empty."""
    html = staging / "_build" / "html"
    for rel in removed:
        if rel.startswith(EXTRA_FOLDER):
            out = html / rel[len(EXTRA_FOLDER):]
            out.unlink(missing_ok=True)
            with contextlib.suppress(OSError):   # only when empty
                out.parent.rmdir()


def _published(staging: Path, previous: Path | None) -> dict[str, Any]:
    """The record of the last publish from this render folder, when it was made into ``previous``."""
    data = read_json(staging / PUBLISHED_FILE)
    if previous is None or not isinstance(data, dict) or data.get("release") != previous.name:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _outgoing(build_dir: Path) -> Path:
    return build_dir / f"{STAGING_PREFIX}publish-{os.getpid()}"


def prepare_release(html_dir: Path) -> Path | None:
    """The folder the next release will be: the oldest release no reader is on any more (else a new folder),
    made to hold the current release's files (:func:`mirror`), so that publishing then writes only what the
    render changed. Done while the render runs; returns the folder (None when there is no current release or
    it cannot be prepared: publishing then does it all). The caller holds the build lock."""
    build_dir = html_dir.parent
    outgoing = _outgoing(build_dir)
    previous = current_release(html_dir)
    if previous is None:
        return None
    try:
        shutil.rmtree(outgoing, ignore_errors=True)
        spare = [r for r in _releases(build_dir) if r.resolve() != previous.resolve()]
        if spare:
            os.replace(spare[0], outgoing)
        mirror(previous, outgoing)
    except OSError:
        shutil.rmtree(outgoing, ignore_errors=True)
        return None
    return outgoing


@dataclass(frozen=True)
class StagedRelease:
    """A release made of a render's HTML output, not yet published (:func:`stage_release`)."""

    folder: Path
    previous: str | None                 # the release it was made from (None: none)
    record: dict[str, list[int]]         # the files as published (:func:`link_or_copy_tree`)


def stage_release(staging: Path, html_dir: Path, prepared: Path | None = None) -> StagedRelease:
    """Make the next release of the HTML output of the render in ``staging``, without publishing it.

    The oldest release no reader is on any more becomes the new one (or ``prepared``, the folder
    :func:`prepare_release` made of it while the render ran), and only what changed since the previous release
    is written into it (:func:`link_or_copy_tree`). The caller holds the build lock."""
    build_dir = html_dir.parent
    outgoing = _outgoing(build_dir)
    previous = current_release(html_dir)
    published = _published(staging, previous)
    mirrored = prepared is not None and prepared == outgoing and outgoing.is_dir()
    if not mirrored:
        shutil.rmtree(outgoing, ignore_errors=True)
        spare = [r for r in _releases(build_dir) if previous is None or r.resolve() != previous.resolve()]
        if spare and published:
            os.replace(spare[0], outgoing)
    *_, record = link_or_copy_tree(staging / "_build" / "html", outgoing, previous, published, mirrored)
    return StagedRelease(outgoing, previous.name if previous is not None else None, record)


def publish_render(staging: Path, html_dir: Path, prepared: Path | None = None,
                   staged: StagedRelease | None = None) -> Path:
    """Publish the HTML of a successful render in ``staging`` as a new release; returns the release.

    The release is ``staged`` (:func:`stage_release`, made while the render's child wrote its environment's
    pickle), when it was made of the release that is still the current one; else it is made now. The record of
    what was published stays with the render folder (:data:`PUBLISHED_FILE`). The caller holds the build
    lock."""
    previous = current_release(html_dir)
    if staged is None or not staged.folder.is_dir() or staged.previous != (
            previous.name if previous is not None else None):
        staged = stage_release(staging, html_dir, prepared)
    release = swap_in(staged.folder, html_dir)
    write_json(staging / PUBLISHED_FILE, {"release": release.name, "files": staged.record})
    return release
