"""What a render keeps beside its output for the next render, and a render child's life as a spare
(used by :mod:`perfeval.book.render`, which stays free of these details).

- :data:`CHANGED_FILE`: the sources the build says changed, so that the render copies only those downloads
  (:func:`changed_sources`, :func:`copy_changed_only`);
- :data:`TEMPLATES_FILE`: the page templates the last render used, compiled while the next one waits
  (:func:`compile_templates`, :func:`record_templates`; the theme's CSS selectors too, :func:`compile_selectors`);
- :class:`Spare`: a render child left for the next build (:mod:`perfeval.book.spares`), waiting to be claimed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

#: Beside a render's HTML output (``_build/``), written by the build before it says "go" to a render from the
#: render folder whose HTML output it kept: the sources whose content changed since that render, and those gone
#: (``{"changed": [...], "removed": [...]}``, paths under the book's folder). The render copies the downloads
#: among them (:func:`copy_changed_only`); read once and removed.
CHANGED_FILE = ".perfeval-changed.json"
#: Beside the HTML output (``_build/``): the ``html_extra_path`` files as they were when copied.
EXTRA_RECORD = ".perfeval-extra.json"


def changed_sources(folder: Path) -> dict[str, list[str]] | None:
    """What the build said changed (:data:`CHANGED_FILE`), or None when it did not say
    (every file is looked at then)."""
    from perfeval.book.cache import read_json
    
    path = folder / CHANGED_FILE
    data = read_json(path)
    path.unlink(missing_ok=True)
    if not isinstance(data, dict) or not all(
            isinstance(data.get(k), list) and all(isinstance(v, str) for v in data[k]) for k in ("changed", "removed")):
        return None
    return {"changed": data["changed"], "removed": data["removed"]}


def copy_changed_only(builder: Any, hint: dict[str, list[str]], record: dict[str, Any], excluded: Any) -> None:
    """Copy the ``html_extra_path`` files the build said changed, and forget those gone: the work of a small
    change, where looking at every download (15 000 at 1000 departments) cost more than the change. The record
    is updated in place."""
    import shutil

    for extra_path in builder.config.html_extra_path:
        prefix = extra_path.strip("/") + "/"
        for rel in hint["removed"]:
            if rel.startswith(prefix):
                record.pop(f"{extra_path}/{rel[len(prefix):]}", None)
        for rel in hint["changed"]:
            if not rel.startswith(prefix) or excluded(rel[len(prefix):]):
                continue
            path = rel[len(prefix):]
            source = os.path.join(str(builder.confdir), extra_path, path)
            try:
                stat = os.stat(source)
            except OSError:
                continue
            dest = os.path.join(str(builder.outdir), path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(source, dest)
            record[f"{extra_path}/{path}"] = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


#: Beside the HTML output: the names of the page templates the last render used (compiled while the next one
#: waits to go: 0.15 s at the first page written, otherwise).
TEMPLATES_FILE = ".perfeval-templates.json"


def _templates(app: Any) -> Any:
    return getattr(getattr(app.builder, "templates", None), "environment", None)


def compile_templates(app: Any) -> None:
    """Compile, while waiting, the templates the last render used (Jinja compiles each on first use)."""
    from perfeval.book.cache import read_json

    env = _templates(app)
    names = read_json(Path(app.outdir).parent / TEMPLATES_FILE)
    if env is None or not isinstance(names, list):
        return
    for name in names:
        if isinstance(name, str):
            with contextlib.suppress(Exception):   # only a head start: a template that fails fails when used
                env.get_template(name)


#: The CSS selectors the theme's sidebar and page contents select with (pydata-sphinx-theme's ``toctree.py``):
#: soupsieve compiles its tokenizer's patterns on first use and each selector once (0.1 s in a render that
#: writes a few pages), done while the child waits.
THEME_SELECTORS = ("li", *(f"li.toctree-l{level} > details" for level in range(1, 7)), ".toc-h1", ".toc-h2",
                   "details > a.reference", "details > p.caption")


def compile_selectors() -> None:
    """Compile the theme's CSS selectors while waiting (:data:`THEME_SELECTORS`)."""
    with contextlib.suppress(Exception):   # only a head start: the theme compiles what it uses anyway
        import soupsieve

        for selector in THEME_SELECTORS:
            soupsieve.compile(selector)


def written_mark(token: str) -> str:
    """The line a render child writes on its standard output once the HTML is complete, for the build that told
    it to go with ``token`` (random: no page's text can say it)."""
    return f"perfeval-render: html written {token}"


class ChildOutput:
    """A render child's output after it was told to go: its standard output read line by line (:meth:`until`),
    its error output in a thread, both kept for the log."""

    @classmethod
    def told_to_go(cls, stdin: Any, stdout: Any, stderr: Any, token: str = "") -> "ChildOutput":
        """Tell a render child to go on its standard input (``go TOKEN``: it says when the HTML is written,
        :func:`written_mark`), which is then closed; its output, to read."""
        with contextlib.suppress(OSError):   # it is gone: its status and output say why
            stdin.write(f"go {token}".rstrip() + "\n")
            stdin.close()
        return cls(stdout, stderr)

    def __init__(self, stdout: Any, stderr: Any) -> None:
        import threading

        self.stdout = stdout
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._reader = threading.Thread(target=lambda: self.errors.append(stderr.read()), daemon=True)
        self._reader.start()

    def until(self, mark: str) -> bool:
        """Read the standard output up to the line ``mark`` (True) or its end (False)."""
        for line in iter(self.stdout.readline, ""):
            if line.rstrip("\n") == mark:
                return True
            self.lines.append(line)
        return False

    def rest(self) -> tuple[str, str]:
        """The whole output and error output, once the child has closed them."""
        self.lines.append(self.stdout.read())
        self._reader.join()
        return "".join(self.lines), "".join(self.errors)


def record_templates(app: Any) -> None:
    """Note the templates this render compiled (:data:`TEMPLATES_FILE`)."""
    from perfeval.book.cache import write_json

    env = _templates(app)
    cache = getattr(env, "cache", None)
    if cache is None:
        return
    names = sorted({key[1] for key in list(cache.keys()) if isinstance(key, tuple) and len(key) == 2
                    and isinstance(key[1], str)})
    with contextlib.suppress(OSError):
        write_json(Path(app.outdir).parent / TEMPLATES_FILE, names)


class Spare:
    """This process as a spare (``--spare-fd``, :mod:`perfeval.book.spares`): it waits, in a thread, for the
    build that claims it on the listening socket it was given. That build sends its process id and the ends of
    three pipes, which become this process's standard input, output and error; the exit status goes back on
    the connection (this process is not that build's child). Unclaimed at the deadline (seconds since the
    epoch), the process ends; claimed, it ends when that build is gone (as a child the build started dies
    with it)."""

    def __init__(self, listening_fd: int, deadline: float) -> None:
        import threading

        self.listener_fd, self.deadline = listening_fd, deadline
        self.conn: Any = None
        self.claimed = threading.Event()
        threading.Thread(target=self._accept, name="perfeval-spare", daemon=True).start()

    def _accept(self) -> None:
        import socket
        import time

        listener = socket.socket(fileno=self.listener_fd)
        listener.settimeout(max(0.0, self.deadline - time.time()))
        try:
            conn, _ = listener.accept()
            conn.settimeout(None)
            message, fds, _, _ = socket.recv_fds(conn, 64, 3)
            owner = int(message.decode("ascii"))
            if len(fds) != 3:
                raise ValueError("three file descriptors expected")
        except (OSError, ValueError):
            with contextlib.suppress(OSError):   # unclaimed: the private folder of the socket goes too
                address = listener.getsockname()
                os.unlink(address)
                os.rmdir(os.path.dirname(address))
            os._exit(3)
        listener.close()
        sys.stdout.flush()
        sys.stderr.flush()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        self.conn = conn
        self.claimed.set()
        while True:
            time.sleep(0.5)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    def report(self, status: int) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.sendall(f"{status}\n".encode("ascii"))


def copy_changed_extra_files() -> None:
    """Sphinx copies every ``html_extra_path`` file on every render, comparing its content with the copy it
    made last time (the book's downloads: 14 000 files, 300 MB read twice at 1000 departments). Copy only the
    files whose identity (inode, size, modification and change time: any write changes it) differs from when
    they were copied, or whose copy is gone; the record is kept beside the output (:data:`EXTRA_RECORD`)."""
    import posixpath
    import shutil

    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.util.matching import Matcher

    from perfeval.book.cache import read_json, write_json

    def copy_extra_files(self: Any) -> None:
        record_path = Path(self.outdir).parent / EXTRA_RECORD
        old = read_json(record_path)
        old = old if isinstance(old, dict) else {}
        new: dict[str, list[int]] = {}
        excluded = Matcher(self.config.exclude_patterns)
        outdir = str(self.outdir)
        made: set[str] = set()
        hint = changed_sources(Path(self.outdir).parent)
        if hint is not None and old:
            copy_changed_only(self, hint, old, excluded)
            write_json(record_path, old)
            return

        def walk(folder: str, rel: str, extra_path: str) -> None:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
            for entry in entries:
                path = posixpath.join(rel, entry.name) if rel else entry.name
                if excluded(path):
                    continue
                if entry.is_dir():
                    walk(entry.path, path, extra_path)
                    continue
                stat = entry.stat()
                identity = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
                key = f"{extra_path}/{path}"
                dest = os.path.join(outdir, path)
                if old.get(key) != identity or not os.path.isfile(dest):
                    parent = os.path.dirname(dest)
                    if parent not in made:
                        os.makedirs(parent, exist_ok=True)
                        made.add(parent)
                    shutil.copyfile(entry.path, dest)
                new[key] = identity

        for extra_path in self.config.html_extra_path:
            source = os.path.join(str(self.confdir), extra_path)
            if os.path.isdir(source):
                walk(source, "", extra_path)
        write_json(record_path, new)

    StandaloneHTMLBuilder.copy_extra_files = copy_extra_files  # type: ignore[method-assign]
