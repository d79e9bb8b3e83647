"""Rendering and publishing the HTML book: staging from the last render, pruning, atomic swap.

Layout under ``_build/``::

    _build/html              -> releases/<id>   (a relative symlink: what readers and tests open)
    _build/releases/<id>/    complete books; the current one and the one before it are kept
    _build/.sphinx-cache/    the last successful render (jupyter-book's output folder, with mtimes)
    _build/.staging-*        work folders of a running build (removed afterwards, or by the next build)
    _build/.build.lock       the build lock (see :mod:`perfeval.book.lock`)

Guarantees (every function here expects the caller to hold the build lock):

* **Only a complete book is ever published.** The book is rendered into staging; when that succeeded,
  the HTML becomes a new ``releases/<id>`` and ``_build/html`` is switched to it by ``os.replace`` of a
  temporary symlink, which is atomic: a reader sees either the old or the new book, never a mix, and a
  build killed at any moment leaves the old book untouched. Releases are never written once published: a
  file of the render that was not written since the previous release was made from it (same inode, size,
  modification and change time: :data:`PUBLISHED_FILE`) is a hard link to that release's copy, so publishing
  copies the files that changed, not the book.
* **A release holds exactly the current book.** Staging *is* the cache, moved aside (a rename, not a
  copy), so Sphinx re-reads only changed pages; before rendering, everything of pages no longer in the
  table of contents is pruned (doctrees, executed copies, downloads), and when the navigation changed (a
  page added, removed, renamed or retitled) the HTML output is dropped so that every page is written
  again with the new navigation (Sphinx re-reads only what changed; it rewrites everything). A render
  that succeeds moves staging back as the cache.
* **Nothing stale, decided by content.** The cache records what it was rendered with and from
  (:data:`RENDER_FILE`: the stamp of the package's code and the stack's versions, and the sha256 of every
  source file). A render with another stamp (perfeval, its theme or templates, Sphinx or any package of the
  stack changed), or with ``--force``, starts from scratch. Otherwise Sphinx, which decides by modification
  time, is told what changed by content: a source whose content differs from the record gets the current
  time (a page edited by ``cp -p``, rsync or tar keeps an old time and would not be read again), and a
  change Sphinx cannot follow page by page (``_config.yml``, the search dictionary, any file that is not a
  page, a static file or a download) starts the render from scratch.
* **A corrupt cache is recovered**: a render from the cache that fails is retried once from scratch. A
  render that fails again or is interrupted leaves no cache: the next one starts from scratch.
* **Leftovers of killed builds are cleaned** by :func:`cleanup_leftovers`, at the start of every build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Collection, Mapping, Sequence

from perfeval.book.cache import read_json, write_json
from perfeval.book.lock import die_with_parent, run_child, signals_deferred
from perfeval.errors import UsageError

STAGING_PREFIX = ".staging-"
LINK_TMP_PREFIX = ".html-link-"
RELEASES = "releases"
INCOMING_PREFIX = ".incoming-"
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
#: Sources whose change Sphinx follows page by page once their time is new: pages, and the folders it copies.
_FOLLOWED_SUFFIXES = (".md", ".ipynb")
_FOLLOWED_FOLDERS = ("book/_static/", "book/_extra/")


class RenderError(Exception):
    """jupyter-book failed; the published book is unchanged."""


# --- releases -----------------------------------------------------------------------------------

def _release_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}-{os.getpid()}"


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
                      published: Mapping[str, Sequence[int]] | None = None) -> tuple[int, int, dict[str, list[int]]]:
    """Copy the tree ``source`` to ``dest`` (which must not exist), hard-linking each file that ``previous`` (the
    release made from ``source`` last time, never written again) holds unchanged; returns (files linked, files
    copied, the record for next time).

    ``published`` is the record :func:`link_or_copy_tree` returned last time: relative path → identity of the
    source file when it was published (inode, size, modification and change time). A source file with the
    same identity has not been written since, so its content is the one ``previous`` holds; any write (also
    one that restores the modification time) changes the change time, and the file is copied."""
    linked = copied = 0
    record: dict[str, list[int]] = {}
    published = published or {}
    for folder, dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, out = Path(folder) / name, dest / rel / name
            if src.is_symlink():
                shutil.copy2(src, out, follow_symlinks=False)
                copied += 1
                continue
            key = (rel / name).as_posix()
            identity = list(_identity(src.stat()))
            if previous is not None and list(published.get(key, ())) == identity:
                try:
                    os.link(previous / rel / name, out)
                    linked += 1
                    record[key] = identity
                    continue
                except OSError:
                    pass   # not there, or another file system: copy
            shutil.copy2(src, out)
            record[key] = identity
            copied += 1
    return linked, copied, record


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def swap_in(built: Path, html_dir: Path) -> Path:
    """Publish the complete book in ``built`` as ``html_dir`` atomically; returns the release folder.

    ``built`` is moved (renamed when on the same file system) into ``releases/<id>``; then the
    ``html_dir`` link is replaced. Older releases beyond the current and previous one are removed.
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
    # Keep the new book and the one it replaced (a reader may still be on it); remove older ones.
    keep = {release.resolve()} | ({previous.resolve()} if previous else set())
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


def prune_staging(staging: Path, docnames: Collection[str], navigation: str, downloads_dir: Path) -> None:
    """Remove from a render folder (the last render) everything that is not part of the current book.

    - doctrees and executed copies of pages that are no longer in the table of contents;
    - published downloads whose source file (under ``downloads_dir``) no longer exists;
    - when the navigation changed, the whole HTML output: Sphinx then writes every page again (from its
      doctrees; it re-reads only changed sources), so no page keeps a link to a removed one.
    """
    out = staging / "_build"
    wanted = set(docnames)
    for folder, suffixes in ((out / ".doctrees", (".doctree",)), (out / "jupyter_execute", (".ipynb", ".md"))):
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in suffixes:
                doc = path.relative_to(folder).with_suffix("").as_posix()
                if doc not in wanted:
                    path.unlink()
    html = out / "html"
    recorded = staging / NAVIGATION_FILE
    old = recorded.read_text(encoding="utf-8") if recorded.is_file() else None
    if old != navigation:
        shutil.rmtree(html, ignore_errors=True)
        return
    published = html / DOWNLOADS
    if published.is_dir():
        for path in sorted(published.rglob("*"), reverse=True):
            rel = path.relative_to(published)
            if path.is_file() and not (downloads_dir / rel).is_file():
                path.unlink()
            elif path.is_dir() and not (downloads_dir / rel).is_dir():
                shutil.rmtree(path, ignore_errors=True)


def _run_render(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the render in a process group of its own. When we are interrupted, the whole group (the render
    and the processes Sphinx forked to read and write in parallel) is killed and waited for, so that none
    of them still writes into staging when staging is removed."""
    if not sys.platform.startswith("linux"):
        return run_child(cmd, cwd)
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=die_with_parent)
    try:
        out, err = proc.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:   # the forked processes, reparented, end right after
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _render(cmd: Sequence[str], root: Path, staging: Path, log_file: Path) -> str:
    """Run jupyter-book into ``staging``; "" on success, else the tail of its output."""
    proc = _run_render([*cmd, "--path-output", str(staging)], cwd=root)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode == 0 and (staging / "_build" / "html" / "index.html").is_file():
        return ""
    lines = [line[:300] for line in (proc.stdout + proc.stderr).strip().splitlines()[-10:]]
    return "\n".join(lines) or f"退出码 {proc.returncode}"


def _published(staging: Path, previous: Path | None) -> dict[str, Any]:
    """The record of the last publish from this render folder, when it was made into ``previous``."""
    data = read_json(staging / PUBLISHED_FILE)
    if previous is None or not isinstance(data, dict) or data.get("release") != previous.name:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _recorded(cache: Path) -> dict[str, Any]:
    """What the render in ``cache`` was made with and from ({} when it does not say, or not readably)."""
    data = read_json(cache / RENDER_FILE)
    ok = (isinstance(data, dict) and isinstance(data.get("environment"), str) and isinstance(data.get("sources"), dict)
          and all(isinstance(v, str) for v in data["sources"].values()))
    return data if ok else {}


def _followed(rel: str) -> bool:
    return rel.endswith(_FOLLOWED_SUFFIXES) or rel.startswith(_FOLLOWED_FOLDERS)


def reusable(cache: Path, environment: str, sources: Mapping[str, str], root: Path) -> bool:
    """Whether the render in ``cache`` can be brought up to date by Sphinx's own incremental build, and if so,
    make every source whose content changed since that render newer than it (Sphinx compares times)."""
    recorded = _recorded(cache)
    if not recorded or recorded["environment"] != environment or not (cache / "_build" / "html" / "index.html").is_file():
        return False
    before: dict[str, str] = recorded["sources"]
    changed = [rel for rel, digest in sources.items() if before.get(rel) != digest]
    removed = [rel for rel in before if rel not in sources]
    if any(not _followed(rel) and rel != "_toc.yml" for rel in [*changed, *removed]):
        return False
    now = time.time_ns()
    for rel in changed:
        os.utime(root / rel, ns=(now, now))
    return True


def render_and_publish(root: Path, html_dir: Path, cmd: Sequence[str], log_file: Path, *,
                       docnames: Collection[str], navigation: str, downloads_dir: Path, environment: str = "",
                       sources: Mapping[str, str] | None = None, fresh: bool = False,
                       say: Callable[[str], None] = print) -> Path:
    """Render the book with ``cmd`` into staging and publish its HTML; returns the release.

    Staging is the last successful render (``_build/.sphinx-cache``, moved aside), pruned to the current
    book (:func:`prune_staging`), when it can be brought up to date (:func:`reusable`: same ``environment``,
    changes Sphinx follows; ``sources``: path → sha256 of what the render reads) and ``fresh`` is not asked
    for; else the render starts from scratch. A render from the cache that fails is retried once from
    scratch (a corrupt cache must not block every build). After success the HTML becomes a new release
    (files unchanged since the current release are hard links to it) and is swapped in, and staging becomes
    the cache again, with the record of what it was rendered with and from. On failure or interruption the
    published book is unchanged, staging is removed (a killed build leaves it for the next build's
    :func:`cleanup_leftovers`) and the next render starts from scratch. The caller holds the build lock.
    """
    root = Path(root)
    html_dir = Path(html_dir)
    build_dir = html_dir.parent
    staging = build_dir / SPHINX_STAGING
    cache = build_dir / SPHINX_CACHE
    shutil.rmtree(staging, ignore_errors=True)
    sources = dict(sources or {})
    from_cache = not fresh and reusable(cache, environment, sources, root)
    try:
        if from_cache:
            os.replace(cache, staging)
            prune_staging(staging, docnames, navigation, downloads_dir)
        else:
            shutil.rmtree(cache, ignore_errors=True)
        failure = _render(cmd, root, staging, log_file)
        if failure and from_cache:
            say("从上次的网页缓存生成失败，丢弃缓存，从头重新生成网页…")
            shutil.rmtree(staging, ignore_errors=True)
            failure = _render(cmd, root, staging, log_file)
        if failure:
            raise RenderError(f"jupyter-book 出错（完整日志 {log_file}），最后几行：\n{failure}")
        (staging / NAVIGATION_FILE).write_text(navigation, encoding="utf-8")
        write_json(staging / RENDER_FILE, {"environment": environment, "sources": sources})
        outgoing = build_dir / f"{STAGING_PREFIX}publish-{os.getpid()}"
        shutil.rmtree(outgoing, ignore_errors=True)
        previous = current_release(html_dir)
        published = _published(staging, previous)
        *_, record = link_or_copy_tree(staging / "_build" / "html", outgoing, previous, published)
        release = swap_in(outgoing, html_dir)
        write_json(staging / PUBLISHED_FILE, {"release": release.name, "files": record})
        with signals_deferred():
            os.replace(staging, cache)
        return release
    finally:
        shutil.rmtree(staging, ignore_errors=True)
