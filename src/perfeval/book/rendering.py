"""Rendering the book from the client's side: the render folder brought up to date by content, the
jupyter-book child process started early, and the release published.

A render's fixed cost (Python and Sphinx start-up, its extensions, the environment of the last render: 3 s
at 1000 pages) does not depend on what changed. A build therefore starts the render child as soon as the
table of contents is written (:meth:`RenderJob.start`, ``python -m perfeval.book.render … --wait``), while
the pages execute; the child loads Sphinx and the last render's environment and waits. When the pages are
written, :meth:`RenderJob.finish` makes every source whose content changed newer than the last render
(Sphinx decides by time) and tells the child to go. A build that turns out to have nothing to render, or
whose pages failed, cancels the job (:meth:`RenderJob.cancel`): the render folder goes back as it was.

Render folder (``_build/.sphinx-cache``, moved to ``_build/.staging-sphinx`` while a render runs):

* It records what it was rendered with and from (:data:`perfeval.book.publish.RENDER_FILE`: the stamp of the
  package's code and the stack's versions, and the sha256 of every source file). A render with another
  stamp, or asked to be fresh (``--force``), starts from scratch; so does a change Sphinx cannot follow page
  by page (``_config.yml``, the search dictionary, any file that is not a page, a static file or a
  download). Otherwise a source whose content differs from the record gets the current time (a page edited
  by ``cp -p``, rsync or tar keeps an old time and would not be read again).
* A render from the render folder that fails is retried once from scratch (a corrupt cache must not block
  every build). A render that fails again or is interrupted leaves no render folder: the next one starts
  from scratch. Interrupted, the child's whole process group (Sphinx forks readers and writers) is killed
  and waited for, so that nothing writes into staging after it is removed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Collection, Mapping, Sequence

from perfeval.book import spares
from perfeval.book.cache import read_json, write_json
from perfeval.book.lock import die_with_parent, signals_deferred
from perfeval.book.render_state import CHANGED_FILE, ChildOutput, written_mark
from perfeval.book.publish import (NAVIGATION_FILE, RENDER_FILE, SPHINX_CACHE, SPHINX_STAGING,
                                   prepare_release, prune_staging, publish_render, remove_published_extra,
                                   RenderError, stage_release)

#: Sources whose change Sphinx follows page by page once their time is new: pages, and the folders it copies
#: (``_toc.yml`` is followed through the navigation, see :func:`perfeval.book.publish.prune_staging`).
FOLLOWED_SUFFIXES = (".md", ".ipynb")
FOLLOWED_FOLDERS = ("book/_static/", "book/_extra/")


def _recorded(folder: Path) -> dict[str, Any]:
    """What the render in ``folder`` was made with and from ({} when it does not say, or not readably)."""
    data = read_json(folder / RENDER_FILE)
    ok = (isinstance(data, dict) and isinstance(data.get("environment"), str) and isinstance(data.get("sources"), dict)
          and all(isinstance(v, str) for v in data["sources"].values()))
    return data if ok else {}


def _followed(rel: str) -> bool:
    return rel == "_toc.yml" or rel.endswith(FOLLOWED_SUFFIXES) or rel.startswith(FOLLOWED_FOLDERS)


def changes(folder: Path, environment: str, sources: Mapping[str, str]) -> list[str] | None:
    """The sources whose content changed since the render in ``folder``; None when that render cannot be
    brought up to date by Sphinx's own incremental build (another stamp, or a change Sphinx cannot follow)."""
    recorded = _recorded(folder)
    if not recorded or recorded["environment"] != environment:
        return None
    before: dict[str, str] = recorded["sources"]
    changed = [rel for rel, digest in sources.items() if before.get(rel) != digest]
    if not all(_followed(rel) for rel in [*changed, *(rel for rel in before if rel not in sources)]):
        return None
    return changed


def touch(root: Path, paths: Collection[str]) -> None:
    """Give each source the current time (Sphinx re-reads a page, and copies a file, newer than its output)."""
    now = time.time_ns()
    for rel in paths:
        with contextlib.suppress(FileNotFoundError):
            os.utime(root / rel, ns=(now, now))


class _Child:
    """The render child in a process group of its own (on Linux), told to go on its standard input."""

    def __init__(self, cmd: Sequence[str], cwd: Path) -> None:
        linux = sys.platform.startswith("linux")
        self.proc = subprocess.Popen(list(cmd), cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, start_new_session=linux,
                                     preexec_fn=die_with_parent if linux else None)
        self.output: Any = None

    def say(self, line: str) -> None:
        """Send one line to the child (it reads its standard input line by line)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except OSError:
            pass   # it is gone: go() reports its status and output

    def go(self, token: str = "") -> ChildOutput:
        """Tell it to go (with ``token``: it says when the HTML is written); its output, to read."""
        try:
            self.output = ChildOutput.told_to_go(self.proc.stdin, self.proc.stdout, self.proc.stderr, token)
        except BaseException:
            self.kill()
            raise
        return self.output

    def end(self) -> subprocess.CompletedProcess[str]:
        """Wait until it has ended: its output and status."""
        try:
            out, err = self.output.rest()
            self.proc.wait()
        except BaseException:
            self.kill()
            raise
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def kill(self) -> None:
        """Kill the child and every process it forked, and wait until they are gone."""
        if sys.platform.startswith("linux"):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.communicate(timeout=30)
        deadline = time.monotonic() + 30
        while sys.platform.startswith("linux") and time.monotonic() < deadline:   # reparented forks end right after
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)


class RenderJob:
    """One render of the book at ``root`` into ``_build`` beside ``html_dir``, and its publication.

    ``cmd`` renders (``--wait`` and ``--path-output STAGING`` are appended); ``docnames`` and ``navigation``
    describe the current book (:func:`perfeval.book.publish.prune_staging`); ``environment`` is the stamp of
    the code and the stack; ``fresh`` renders from scratch. The caller holds the build lock and, whatever
    happens, calls :meth:`finish` or :meth:`cancel`."""

    def __init__(self, root: Path, html_dir: Path, cmd: Sequence[str], log_file: Path, *, docnames: Collection[str],
                 navigation: str, environment: str = "", fresh: bool = False,
                 say: Callable[[str], None] = print, phases: dict[str, float] | None = None) -> None:
        self.root, self.html_dir, self.cmd, self.log_file = Path(root), Path(html_dir), list(cmd), Path(log_file)
        self.docnames, self.navigation = docnames, navigation
        self.environment, self.fresh, self.say = environment, fresh, say
        self.phases = {} if phases is None else phases
        self.staging = self.html_dir.parent / SPHINX_STAGING
        self.cache = self.html_dir.parent / SPHINX_CACHE
        self.child: Any = None              # a _Child, or a claimed spare (spares.SpareChild)
        self.early: Any = None              # started by :meth:`spawn_early`, told to load by :meth:`start`
        self.spares_dir: Path | None = None   # where spare children are registered (None: none is used or left)
        self.left_spare = False   # this job left the next build's spare already: it claims none itself
        self.from_cache = False
        self.html_kept = False   # the render folder's HTML output is the last render's, pruned (start)
        self.loaded_toc: bytes | None = None   # the table of contents when the child was told to load early

    def _early_cmd(self) -> list[str]:
        return [*self.cmd, "--wait", "--imports-first", "--last-render", str(self.cache),
                "--path-output", str(self.staging)]

    def spawn_early(self) -> None:
        """Start the child before the table of contents is written: it imports Sphinx and the word dictionary
        and waits to be told to load the book (:meth:`start`, once ``docnames`` and ``navigation`` are set);
        the spare the last build left has done so already (:mod:`perfeval.book.spares`), and is taken instead
        when there is one for this book. A job started so is finished or cancelled as any other."""
        if self.early is None and self.child is None:
            self.early = self._claim() or _Child(self._early_cmd(), self.root)

    def _claim(self) -> Any:
        if self.spares_dir is None or not self.environment or self.left_spare:
            return None
        return spares.claim_render(self.spares_dir, self._early_cmd(), str(self.root), self.environment)

    def leave_spare(self, early: bool = False) -> bool:
        """Start a render child for the next build of this book (a spare, :mod:`perfeval.book.spares`), unless
        one waits already; after a render or a render found unnecessary, or (``early``) before the render: it
        imports while this build renders and reads the last render when this build has ended."""
        if self.spares_dir is None or not self.environment:
            return False
        self.left_spare = True
        return spares.launch_render(self.spares_dir, self._early_cmd(), str(self.root), self.environment,
                                    after_build=early)

    def load_early(self) -> bool:
        """Tell the child started early (:meth:`spawn_early`) to load the book now, from the render folder and the
        table of contents as they are (a rebuild after a change to the data: its pages and its table of contents
        are those of the last render), while this build plans and runs its pages. :meth:`start` keeps it when
        that was so, else starts again as if it had not been told. Whether it was told."""
        if self.early is None or self.fresh or not (self.cache / "_build/html/index.html").is_file():
            return False
        recorded = _recorded(self.cache)
        toc = self.root / "_toc.yml"
        if not recorded or recorded["environment"] != self.environment or not toc.is_file():
            return False
        self.loaded_toc = toc.read_bytes()
        shutil.rmtree(self.staging, ignore_errors=True)
        os.replace(self.cache, self.staging)
        (self.staging / "_build" / CHANGED_FILE).unlink(missing_ok=True)   # left by an interrupted build
        self.from_cache = True
        self._spawn()
        return True

    def _loaded_early_fits(self, loaded_toc: bytes, sources: Mapping[str, str]) -> bool:
        """Whether the child told to load early read what this render is of: the same table of contents, and a
        render folder Sphinx can bring up to date. When not, it is stopped and the render folder goes back."""
        toc = self.root / "_toc.yml"
        if (loaded_toc == (toc.read_bytes() if toc.is_file() else None)
                and changes(self.staging, self.environment, sources) is not None):
            return True
        if self.child is not None:
            self.child.kill()
            self.child = None
        with signals_deferred():
            os.replace(self.staging, self.cache)
        self.from_cache = False
        return False

    def start(self, sources: Mapping[str, str]) -> None:
        """Prepare staging (the render folder when it fits ``sources`` as they are now, else nothing) and start
        the child, which loads Sphinx and waits."""
        started = time.perf_counter()
        loaded, self.loaded_toc = self.loaded_toc, None
        if loaded is not None and self._loaded_early_fits(loaded, sources):
            self.html_kept = prune_staging(self.staging, self.docnames, self.navigation)
            self.phases["render_start"] = round(time.perf_counter() - started, 3)
            return
        shutil.rmtree(self.staging, ignore_errors=True)
        self.from_cache = (not self.fresh and (self.cache / "_build/html/index.html").is_file()
                           and changes(self.cache, self.environment, sources) is not None)
        if self.from_cache:
            os.replace(self.cache, self.staging)
            (self.staging / "_build" / CHANGED_FILE).unlink(missing_ok=True)   # left by an interrupted build
            # The child reads the last render's environment (which pruning leaves alone) while we prune.
            self._spawn()
            self.html_kept = prune_staging(self.staging, self.docnames, self.navigation)
        else:
            shutil.rmtree(self.cache, ignore_errors=True)
            self._spawn()
        self.phases["render_start"] = round(time.perf_counter() - started, 3)

    def _spawn(self) -> None:
        if self.early is None:
            self.early = self._claim()
        if self.early is not None:
            self.child, self.early = self.early, None
            self.child.say("load")
            return
        self.child = _Child([*self.cmd, "--wait", "--path-output", str(self.staging)], self.root)

    def _go(self) -> bool:
        """Tell the child to go; whether it then said that the HTML is written (it may still be writing the
        environment's pickle: :meth:`_end` waits for it)."""
        assert self.child is not None
        token = secrets.token_hex(16)
        return self.child.go(token).until(written_mark(token))

    def _run(self) -> str:
        """Tell the child to go and wait for its end (:meth:`_end`)."""
        self._go()
        return self._end()

    def _end(self) -> str:
        """Wait for the child told to go to end; "" on success, else the tail of its output (its whole output is
        logged)."""
        assert self.child is not None
        proc = self.child.end()
        self.child = None
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.write_text(proc.stdout + proc.stderr, encoding="utf-8")
        if proc.returncode == 0 and (self.staging / "_build" / "html" / "index.html").is_file():
            return ""
        lines = [line[:300] for line in (proc.stdout + proc.stderr).strip().splitlines()[-10:]]
        return "\n".join(lines) or f"退出码 {proc.returncode}"

    def _restart_from_scratch(self) -> None:
        if self.child is not None:
            self.child.kill()
        shutil.rmtree(self.staging, ignore_errors=True)
        self.from_cache = False
        self._spawn()

    def finish(self, sources: Mapping[str, str]) -> Path:
        """Render the book as ``sources`` (path → sha256 of every file the render reads) now are and publish
        it; returns the release. On failure or interruption the published book is unchanged and staging is
        removed (a killed build leaves it for the next build's cleanup)."""
        try:
            if self.child is None or self.loaded_toc is not None:
                self.start(sources)
            started = time.perf_counter()
            changed = changes(self.staging, self.environment, sources) if self.from_cache else None
            if self.from_cache and changed is None:
                self._restart_from_scratch()
            elif changed is not None:
                if changed:
                    touch(self.root, changed)
                if self.html_kept:
                    # What changed, for the child to copy the downloads that did (not look at all of them); when
                    # the HTML output went (the navigation changed), every file is copied again. A download whose
                    # source the pages removed after the render folder was pruned (a renumbered table) goes too:
                    # Sphinx never removes a copied file.
                    removed = sorted(set(_recorded(self.staging)["sources"]) - set(sources))
                    write_json(self.staging / "_build" / CHANGED_FILE, {"changed": sorted(changed), "removed": removed})
                    remove_published_extra(self.staging, removed)
            # While the child renders, the release to publish into is made of the current one (the files of
            # a small change are then all there is to write); a render from scratch rewrites everything anyway.
            # Once the child says the HTML is written, the release is staged from it (the files that changed
            # written into it) while the child finishes writing the environment's pickle; it is published only
            # when the child has ended well.
            staged = None
            with ThreadPoolExecutor(max_workers=1) as pool:
                preparing = pool.submit(prepare_release, self.html_dir) if self.from_cache else None
                written = self._go()
                prepared = preparing.result() if preparing is not None else None
                if written:
                    staged = stage_release(self.staging, self.html_dir, prepared)
                failure = self._end()
            (self.staging / "_build" / CHANGED_FILE).unlink(missing_ok=True)   # said for this render only
            if failure and self.from_cache:
                self.say("从上次的网页缓存生成失败，丢弃缓存，从头重新生成网页…")
                self._restart_from_scratch()
                staged = None   # made from the render that failed
                failure = self._run()
            if failure:
                raise RenderError(f"jupyter-book 出错（完整日志 {self.log_file}），最后几行：\n{failure}")
            self.phases["render"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            (self.staging / NAVIGATION_FILE).write_text(self.navigation, encoding="utf-8")
            write_json(self.staging / RENDER_FILE, {"environment": self.environment, "sources": dict(sources)})
            release = publish_render(self.staging, self.html_dir, prepared, staged)
            with signals_deferred():
                os.replace(self.staging, self.cache)
            self.phases["publish"] = round(time.perf_counter() - started, 3)
            return release
        finally:
            for child in (self.child, self.early):
                if child is not None:
                    child.kill()
            self.child = self.early = None
            shutil.rmtree(self.staging, ignore_errors=True)

    def cancel(self) -> None:
        """Stop a started job without rendering: the render folder goes back as it was (pruned to the
        current book)."""
        if self.early is not None:
            self.early.kill()
            self.early = None
        if self.child is not None:
            self.child.kill()
            self.child = None
        if self.from_cache and self.staging.is_dir():
            with signals_deferred():
                os.replace(self.staging, self.cache)
        shutil.rmtree(self.staging, ignore_errors=True)
