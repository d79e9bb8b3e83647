"""Rendering the book: ``python -m perfeval.book.render ROOT --path-output OUT [--jobs N]``.

Runs what ``jupyter-book build ROOT --path-output OUT`` runs (jupyter-book's ``build_sphinx`` with the same
configuration: ``ROOT/_config.yml``, ``ROOT/_toc.yml``, the HTML builder), with Sphinx reading and writing
the pages in ``N`` processes (jupyter-book's command line has no ``-j``; jupyter-book#1735).

Every extension the book loads is parallel-safe (``perfeval.book.sphinx_parallel`` declares the one that
is but does not say so). Sphinx cuts the documents into chunks of about √(10·pages/N) and forks a process
per chunk; each process pays its start-up again (imports, compiled schemas, caches) and, when reading,
sends the whole environment back. We give it ``2·N`` chunks instead (measured in ``benchmarks/RESULTS.md``),
and a rebuild that writes only a few pages writes them in this process. Forked processes die with this one
(``PR_SET_PDEATHSIG``), which dies with the build. The files of ``html_extra_path`` (the book's downloads) are
copied when they changed, not compared with their last copy on every render (:func:`perfeval.book.render_state.copy_changed_extra_files`).

With ``--wait`` it loads Sphinx, the extensions and the last render's environment, then waits for a line
``go [TOKEN]`` on standard input before building; with a token it writes the line
:func:`perfeval.book.render_state.written_mark` on its standard output once the HTML is complete, before it
waits for the environment's pickle to be written (:class:`perfeval.book.rendering.RenderJob` starts it early). With
``--imports-first`` too it imports Sphinx and the word dictionary first, reads the last render's environment
and search index from the render folder (``--last-render``), and waits for a line ``load`` before it reads
the book (a rebuild starts it before the table of contents is written). A child started so gives way to the
build's other processes (:data:`WAIT_NICENESS`). A spare (``--spare-fd``) started by a build before its render
(``--after-build``) imports first and reads the last render once that build has ended.

Exit status 0 on success, 1 when Sphinx failed (its messages are on stderr), 2 for bad arguments, 3 when
told not to go.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from perfeval.book import render_state

#: Chunks per process in Sphinx's parallel read and write.
CHUNKS_PER_JOB = 2
#: Fewer pages than this to write (a rebuild after a small change): written by this process, since forking
#: a process that holds the environment of a large book costs more than writing them (1000 pages: 2 s).
PARALLEL_WRITE_FROM = 24
#: Most documents in one chunk of the parallel write. The main process resolves a chunk's doctrees before it
#: forks the process that writes them, and keeps them until that process is done: with ``2·N`` chunks it held
#: half the book's resolved doctrees at a time (1000 pages: 0.9 GB, twice in the process tree's RSS).
WRITE_CHUNK_MAX = 100
#: How much a child started ahead (``--wait``) gives way (``os.nice``): while it loads, the build's own
#: process plans and the pages' kernel starts and runs, and those decide when the render can go; once told to
#: go it is the only process at work, and a lower priority costs it nothing.
WAIT_NICENESS = 10

_writing = [False]


def command(root: Path, jobs: int) -> list[str]:
    """The command that renders ``root`` (``--path-output STAGING`` is appended by the caller)."""
    return [sys.executable, "-m", "perfeval.book.render", str(root), "--jobs", str(max(1, jobs))]


def _chunks(arguments: Sequence[Any], nproc: int, maxbatch: int = 10) -> list[Any]:
    """``CHUNKS_PER_JOB · nproc`` contiguous chunks of nearly equal size (Sphinx's ``make_chunks`` signature)."""
    count = max(1, min(len(arguments), CHUNKS_PER_JOB * max(1, nproc)))
    if _writing[0]:
        count = max(count, -(-len(arguments) // WRITE_CHUNK_MAX))
    size, extra = divmod(len(arguments), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(arguments[start:end]))
        start = end
    return [chunk for chunk in out if chunk]


def _write_few_in_process() -> None:
    from sphinx.builders import Builder

    parallel = Builder._write_parallel

    def write(self: Any, docnames: Sequence[str], nproc: int) -> None:
        if len(docnames) < PARALLEL_WRITE_FROM:
            self._write_serial(docnames)
            return
        _writing[0] = True
        try:
            parallel(self, docnames, nproc)
        finally:
            _writing[0] = False

    Builder._write_parallel = write  # type: ignore[method-assign]


def _doctrees_not_kept() -> None:
    """Sphinx keeps the pickled doctree of every page it reads while writing (``_pickled_doctree_cache``), so
    that a second look at it costs no reading: at 1000 pages 150 MB that stay to the end, in this process and
    in every process it forks to write. Each page's doctree is read once when it is written, so only the
    root document's (which the navigation looks at again) is kept."""
    import pickle

    from sphinx.environment import BuildEnvironment
    from sphinx.util.docutils import LoggingReporter

    def get_doctree(self: Any, docname: str) -> Any:
        serialised = self._pickled_doctree_cache.get(docname)
        if serialised is None:
            with open(os.path.join(self.doctreedir, docname + ".doctree"), "rb") as f:
                serialised = f.read()
            if docname == self.config.root_doc:
                self._pickled_doctree_cache[docname] = serialised
        doctree = pickle.loads(serialised)
        doctree.settings.env = self
        doctree.reporter = LoggingReporter(self.doc2path(docname))
        return doctree

    BuildEnvironment.get_doctree = get_doctree  # type: ignore[method-assign]


#: Fewer pages read than this: the environment is pickled by a forked process while this one writes the pages.
FORKED_PICKLE_BELOW = PARALLEL_WRITE_FROM
_read_count = [0]
_picklers: list[int] = []


def _pickle_env_beside_writing() -> None:
    """After reading, Sphinx pickles its environment (at 1000 pages: 2 s) before it writes a page; the next
    render reads that pickle. In a rebuild of a few pages a forked process writes the same pickle (the
    environment as it is at that moment, the state Sphinx would pickle) while this process writes the pages;
    :func:`_wait_for_picklers` waits for it, and a pickle that failed fails the render. A render of many
    pages pickles as Sphinx does: its writing forks processes of its own, and a third copy of the
    environment would count against the memory the build may use."""
    import pickle

    from sphinx import builders
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    read = Builder.read

    def counted_read(self: Any) -> list[str]:
        docnames = read(self)
        _read_count[0] = len(docnames)
        return docnames

    class ForkingPickle:
        def __getattr__(self, name: str) -> Any:
            return getattr(pickle, name)

        def dump(self, obj: Any, file: Any, protocol: int | None = None) -> None:
            if not isinstance(obj, BuildEnvironment) or _read_count[0] >= FORKED_PICKLE_BELOW:
                pickle.dump(obj, file, protocol)
                return
            file.flush()
            pid = os.fork()
            if pid == 0:   # the pickler: write, flush, leave without running anything of the parent's
                status = 1
                try:
                    pickle.dump(obj, file, protocol)
                    file.flush()
                    status = 0
                except BaseException:
                    import traceback

                    traceback.print_exc()
                finally:
                    os._exit(status)
            _picklers.append(pid)

    Builder.read = counted_read  # type: ignore[method-assign]
    builders.pickle = ForkingPickle()  # type: ignore[attr-defined]


def _wait_for_picklers() -> bool:
    """Wait for the forked picklers; whether all succeeded."""
    ok = True
    while _picklers:
        _, status = os.waitpid(_picklers.pop(), 0)
        ok = ok and status == 0
    return ok


#: The search index of the last render, read while the render waits (:func:`_preload_search_index`).
_preloaded_index: dict[str, Any] = {}


def _identity(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _preload_search_index(app: Any) -> None:
    """Read the last render's search index while waiting (1000 pages: 1 s): Sphinx reads it after reading
    the changed pages to update it (``load_indexer``); it then takes what was read here, when the file is
    still the one read (the same file: its inode, size and times)."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder) or not builder.search or not builder.indexer_dumps_unicode:
        return
    path = os.path.join(builder.outdir, builder.searchindex_filename)
    identity = _identity(path)
    if identity is not None and (_preloaded_index.get("identity"), _preloaded_index.get("version")) != (
            identity, app.env.version):
        _read_search_index(path, identity, builder.indexer_format, app.env.version)


def _read_search_index(path: str, identity: list[int], indexer_format: Any, version: Any) -> None:
    """Read a search index made with the environment version ``version`` (Sphinx's and its extensions')."""
    from types import SimpleNamespace

    from sphinx.search import IndexBuilder

    loaded = IndexBuilder.__new__(IndexBuilder)   # the state ``IndexBuilder.load`` fills, without a language
    loaded.env = SimpleNamespace(version=version)
    try:
        with open(path, encoding="utf-8") as f:
            loaded.load(f, indexer_format)
    except (OSError, ValueError):
        return
    _preloaded_index.update(identity=identity, version=version,
                            state={k: v for k, v in vars(loaded).items() if k != "env"})


#: The environment of the last render, unpickled before the child is told to load (:func:`_preload_last_render`).
_preloaded_env: dict[str, Any] = {}


#: Seconds between two looks at whether the build that started a spare has ended (:func:`_wait_for_the_build`).
AFTER_BUILD_POLL = 0.02


def _wait_for_the_build(spares: Sequence[render_state.Spare]) -> None:
    """Wait until the build that started this process has ended (this process then has another parent) or a
    build has claimed it."""
    parent = os.getppid()
    while os.getppid() == parent and not any(spare.claimed.is_set() for spare in spares):
        time.sleep(AFTER_BUILD_POLL)


def _preload_last_render(folder: Path, output: Path) -> None:
    """Read the last render's environment, search index and the search's word cuts from the render ``folder``,
    before the build tells us to load (it moves that folder to ``output``, staging, meanwhile): moving a folder
    keeps its files, so Sphinx then takes what was read here when the file it opens is the very file read
    (:func:`_environment_preloaded`, :func:`_search_index_preloaded`, ``CutStore.open``); anything else is read
    as usual."""
    import pickle

    from sphinx.search import js_index

    from perfeval.pages import search_text

    for last in (folder / "_build", output / "_build"):
        env_file = str(last / ".doctrees" / "environment.pickle")
        identity = _identity(env_file)
        if identity is not None:
            break
    else:
        return
    try:
        with open(env_file, "rb") as f:
            env = pickle.load(f)
        _preloaded_env.update(identity=identity, env=env)
        index_file = str(last / "html" / "searchindex.js")
        identity = _identity(index_file)
        if identity is not None:
            _read_search_index(index_file, identity, js_index, env.version)
        search_text.cuts.load(last / ".doctrees" / search_text.CUTS_FILE)
    except Exception:  # noqa: BLE001 - only a head start: Sphinx reads them again, and says what is wrong
        _preloaded_env.clear()
        _preloaded_index.clear()


def _environment_preloaded() -> None:
    from sphinx.application import Sphinx

    load_existing = Sphinx._load_existing_env

    def load(self: Any, filename: str) -> Any:
        env = _preloaded_env.pop("env", None)
        if env is None or _preloaded_env.pop("identity", None) != _identity(filename):
            return load_existing(self, filename)
        try:   # what Sphinx does with the environment it unpickles
            env.setup(self)
            self._fresh_env_used = False
            return env
        except Exception:  # noqa: BLE001 - as Sphinx: a fresh environment, when this one cannot be used
            return load_existing(self, filename)

    Sphinx._load_existing_env = load  # type: ignore[method-assign]


def _search_index_preloaded() -> None:
    from sphinx.builders.html import StandaloneHTMLBuilder

    load_indexer = StandaloneHTMLBuilder.load_indexer

    def load(self: Any, docnames: Any) -> None:
        path = os.path.join(self.outdir, self.searchindex_filename)
        state = _preloaded_index.pop("state", None)
        if state is None or (_preloaded_index.get("identity"), _preloaded_index.get("version")) != (
                _identity(path), self.env.version):
            load_indexer(self, docnames)
            return
        for name, value in state.items():
            setattr(self.indexer, name, value)
        self.indexer.prune(set(self.env.all_docs) - set(docnames))

    StandaloneHTMLBuilder.load_indexer = load  # type: ignore[method-assign]


def _search_index_pruned_by_what_goes() -> None:
    """Sphinx prunes its search index by intersecting every word's set of pages with the pages kept, twice per
    render (before feeding the changed pages, and again before dumping, with a dict of every page: iterated
    for each word). At 1000 pages that is 100 000 words, about a second. The words name only indexed pages
    (``_titles``: :meth:`IndexBuilder.feed` and ``load`` fill both, ``prune`` keeps them so), so removing the
    few pages that go leaves the same sets, and nothing to do when none goes. A word left without a page (it
    was only on pages that changed, and is no longer there) goes too: Sphinx kept it, as ``"word": []`` in
    ``searchindex.js``, where a cold build has no such word."""
    from sphinx.search import IndexBuilder

    prune = IndexBuilder.prune

    def pruned(self: Any, docnames: Any) -> None:
        keep = docnames if isinstance(docnames, (set, frozenset)) else set(docnames)
        gone = {docname for docname in self._titles if docname not in keep}
        words, title_words = self._mapping, self._title_mapping
        self._mapping, self._title_mapping = {}, {}
        try:
            prune(self, keep)   # titles, file names and all titles, as Sphinx prunes them
        finally:
            self._mapping, self._title_mapping = words, title_words
        if gone:
            for mapping in (words, title_words):
                empty = []
                for word, names in mapping.items():
                    names.difference_update(gone)
                    if not names:
                        empty.append(word)
                for word in empty:
                    del mapping[word]

    IndexBuilder.prune = pruned  # type: ignore[method-assign]


class _PrunedGlob:
    """``glob`` for sphinx-external-toc, which lists every source file of the project to exclude those its
    table of contents does not name (``only_build_toc_files``): it walks the whole project, ``_build`` and its
    releases included (5 s at 1000 departments). This walk skips folders that ``exclude_patterns`` excludes
    (and hidden ones, as glob does): every file in them is excluded already, so the result is the same."""

    def __init__(self, root: Path, exclude_patterns: Sequence[str]) -> None:
        from sphinx.util.matching import Matcher

        self.root = root
        self.excluded = Matcher([*exclude_patterns, "_build"])

    def iglob(self, pattern: str, recursive: bool = False) -> Iterator[str]:
        head, _, suffix = pattern.rpartition("/**/*")
        if Path(head) != self.root or not recursive:
            import glob

            yield from glob.iglob(pattern, recursive=recursive)
            return
        for folder, dirs, files in os.walk(self.root, followlinks=True):
            rel = Path(folder).relative_to(self.root).as_posix()
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not self.excluded(
                d if rel == "." else f"{rel}/{d}"))
            for name in sorted(files):
                if name.endswith(suffix) and not name.startswith("."):
                    yield os.path.join(folder, name)


def _fast_toc(root: Path) -> None:
    """sphinx-external-toc reads ``_toc.yml`` (1000 entries) with PyYAML's pure-Python loader and finds the
    files it does not list with a walk of the whole project; read it with libyaml's loader (the same data
    for the plain YAML the build writes) and walk only folders that are not excluded (:class:`_PrunedGlob`)."""
    import yaml
    from sphinx_external_toc import events, parsing

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parsing.yaml = _Yaml(loader)  # type: ignore[attr-defined]
    config = yaml.load((root / "_config.yml").read_text(encoding="utf-8"), Loader=loader) or {}
    patterns = config.get("exclude_patterns") if isinstance(config, dict) else None
    events.glob = _PrunedGlob(root, [p for p in patterns or [] if isinstance(p, str)])  # type: ignore[attr-defined]


class _Yaml:
    """The ``yaml`` sphinx-external-toc's parser uses, with ``safe_load`` on libyaml."""

    def __init__(self, loader: Any) -> None:
        import yaml

        self._yaml, self._loader = yaml, loader

    def safe_load(self, stream: Any) -> Any:
        return self._yaml.load(stream, Loader=self._loader)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._yaml, name)


def _forked_children_die_with_us() -> None:
    from perfeval.book.lock import die_with_parent

    if sys.platform.startswith("linux"):
        os.register_at_fork(after_in_child=die_with_parent)


def _numbering_only_when_numbered() -> None:
    """sphinx-external-toc deep-copies every page's title on every render to renumber numbered toctrees in
    its styles (0.5 s at 1000 pages); with no numbered toctree (the build numbers no sections) its result is
    Sphinx's own, which is what runs then."""
    from sphinx.environment.collectors.toctree import TocTreeCollector
    from sphinx_external_toc.collectors import TocTreeCollectorWithStyles

    styled = TocTreeCollectorWithStyles.assign_section_numbers

    def assign(self: Any, env: Any) -> Any:
        if not env.numbered_toctrees:
            return TocTreeCollector.assign_section_numbers(self, env)
        return styled(self, env)

    TocTreeCollectorWithStyles.assign_section_numbers = assign  # type: ignore[method-assign]


def _wait_for_go() -> None:
    """Load everything, then wait before building until a line ``go`` comes on standard input (anything else,
    or its end, exits with status 3 without building): the build starts the render while its pages run."""
    from sphinx.application import Sphinx

    build = Sphinx.build

    def waiting(self: Any, *args: Any, **kwargs: Any) -> None:
        if self.config.html_search_language == "zh":   # the Chinese word dictionary, loaded while we wait
            import jieba

            jieba.initialize()
        _preload_search_index(self)
        render_state.compile_templates(self)
        render_state.compile_selectors()
        # What is loaded now (the environment, the search index, the extensions: millions of objects) lives
        # to the end; out of the collector's reach, a full collection no longer walks it again and again
        # (frozen without a collection first: that alone would walk it once more, 0.5 s at 1000 pages).
        gc.freeze()
        told = sys.stdin.readline().split()
        if not told or told[0] != "go":
            raise SystemExit(3)
        # Told to go, the build waits for nothing else: the normal priority back where the system allows it (a
        # process may not raise its own priority unless privileged; it then keeps the waiting one).
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, 0)
        try:
            build(self, *args, **kwargs)
        finally:
            render_state.record_templates(self)
        if self.statuscode == 0 and len(told) > 1:
            # The HTML is complete (Sphinx's build and its build-finished handlers are done): the build may
            # publish it while the environment's pickle is still being written.
            print(render_state.written_mark(told[1]), flush=True)

    Sphinx.build = waiting  # type: ignore[method-assign]


def _import_ahead() -> None:
    """What a render imports whatever the book (Sphinx, jupyter-book, MyST-NB, the theme) and the Chinese
    word dictionary: done by a child the build starts before it has written the table of contents
    (``--imports-first``), which then waits for ``load``."""
    import jieba
    import jupyter_book.sphinx  # noqa: F401
    import myst_nb.sphinx_ext  # noqa: F401  (its notebook cache pulls in SQLAlchemy: 0.5 s)
    import sphinx.application  # noqa: F401
    import sphinx.builders.html  # noqa: F401
    import sphinx_book_theme  # noqa: F401
    import sphinx_external_toc  # noqa: F401

    jieba.initialize()


def render(root: Path, output: Path, jobs: int, wait: bool = False) -> int:
    """Render the book at ``root`` into ``output/_build/html``; Sphinx's status code (0: success)."""
    import sphinx.builders
    from jupyter_book.sphinx import build_sphinx

    render_state.copy_changed_extra_files()
    _environment_preloaded()
    _doctrees_not_kept()
    _search_index_preloaded()
    _search_index_pruned_by_what_goes()
    if sys.platform.startswith("linux"):
        _pickle_env_beside_writing()
    _fast_toc(root.resolve())
    _numbering_only_when_numbered()
    if wait:
        _wait_for_go()
    if jobs > 1:
        sphinx.builders.make_chunks = _chunks  # type: ignore[attr-defined]
        _write_few_in_process()
        _forked_children_die_with_us()
    root = root.resolve()
    toc = root / "_toc.yml"
    result = build_sphinx(
        root, output.resolve() / "_build" / "html", use_external_toc=True, noconfig=True,
        path_config=str(root / "_config.yml"),
        confoverrides={"external_toc_path": toc.as_posix(), "latex_individualpages": False},
        builder="html", jobs=jobs)
    pickled = _wait_for_picklers()
    if isinstance(result, BaseException):
        return 1
    if not pickled:
        print("pickling the environment failed", file=sys.stderr)
        return 1
    return 0 if result == 0 else 1


_spare: list[Any] = []   # this process as a spare (render_state.Spare), when it is one


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perfeval.book.render", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--path-output", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--wait", action="store_true", help="load, then build when 'go' comes on stdin")
    parser.add_argument("--imports-first", action="store_true",
                        help="import Sphinx and the word dictionary, then wait for a line 'load' before reading "
                             "the book's configuration and the last render (with --wait)")
    parser.add_argument("--last-render", type=Path, default=None,
                        help="with --imports-first: the last render's folder, whose environment and search index "
                             "are read while waiting for 'load' (the build moves it to --path-output meanwhile)")
    parser.add_argument("--spare-fd", type=int, default=None,
                        help="with --imports-first: wait as a spare, on this listening socket, for the build that "
                             "claims this process (perfeval.book.spares)")
    parser.add_argument("--spare-deadline", type=float, default=0.0,
                        help="with --spare-fd: the time (seconds since the epoch) until which to wait")
    parser.add_argument("--after-build", action="store_true",
                        help="with --spare-fd: started by a build before its render: import first, read the last "
                             "render once that build has ended")
    args = parser.parse_args(argv)
    args.root, args.path_output = args.root.resolve(), args.path_output.resolve()
    if args.spare_fd is not None:
        _spare.append(render_state.Spare(args.spare_fd, args.spare_deadline))
    if args.wait and hasattr(os, "nice"):
        try:
            os.nice(WAIT_NICENESS)
        except OSError:
            pass
    if not (args.root / "_config.yml").is_file() or not (args.root / "_toc.yml").is_file():
        print(f"{args.root}: no _config.yml or _toc.yml", file=sys.stderr)
        return 2
    if args.imports_first:
        if args.after_build:
            # A spare started while the build that started it renders: the imports now, the last render once
            # that build is over (or a build claimed this process).
            _import_ahead()
            _wait_for_the_build(_spare)
        if args.last_render is not None:
            _preload_last_render(args.last_render.resolve(), args.path_output)
        # Out of the collector's reach (see :func:`_wait_for_go`); sphinx-external-toc also looks through every
        # object the collector tracks when it starts (``gc.get_objects``), which the environment no longer is.
        gc.freeze()
        _import_ahead()
        for spare in _spare:
            spare.claimed.wait()
            # Loaded at the lowest priority; claimed, the priority of a child that waits (where allowed).
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, 0, WAIT_NICENESS)
        if sys.stdin.readline().strip() != "load":
            return 3
    os.chdir(args.root)   # as jupyter-book's command line is run: relative paths in the config are the book's
    return render(args.root, args.path_output, args.jobs, args.wait)


if __name__ == "__main__":
    # Out without tearing down the interpreter: freeing the environment of a large book object by object
    # takes seconds, and every file is written and closed by now.
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    for spare in _spare:
        spare.report(status)
    os._exit(status)
