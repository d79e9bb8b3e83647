"""Rendering the book: ``python -m perfeval.book.render ROOT --path-output OUT [--jobs N]``.

Runs what ``jupyter-book build ROOT --path-output OUT`` runs (jupyter-book's ``build_sphinx`` with the same
configuration: ``ROOT/_config.yml``, ``ROOT/_toc.yml``, the HTML builder), with Sphinx reading and writing
the pages in ``N`` processes (jupyter-book's command line has no ``-j``; jupyter-book#1735).

Every extension the book loads is parallel-safe (``perfeval.book.sphinx_parallel`` declares the one that
is but does not say so). Sphinx cuts the documents into chunks of about √(10·pages/N) and forks a process
per chunk; each process pays its start-up again (imports, compiled schemas, caches) and, when reading,
sends the whole environment back. We give it ``2·N`` chunks instead (measured in ``benchmarks/RESULTS.md``),
and a rebuild that writes only a few pages writes them in this process. Forked processes die with this one
(``PR_SET_PDEATHSIG``), which dies with the build.

Exit status 0 on success, 1 when Sphinx failed (its messages are on stderr), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence

#: Chunks per process in Sphinx's parallel read and write.
CHUNKS_PER_JOB = 2
#: Fewer pages than this to write (a rebuild after a small change): written by this process, since forking
#: a process that holds the environment of a large book costs more than writing them (1000 pages: 2 s).
PARALLEL_WRITE_FROM = 24


def command(root: Path, jobs: int) -> list[str]:
    """The command that renders ``root`` (``--path-output STAGING`` is appended by the caller)."""
    return [sys.executable, "-m", "perfeval.book.render", str(root), "--jobs", str(max(1, jobs))]


def _chunks(arguments: Sequence[Any], nproc: int, maxbatch: int = 10) -> list[Any]:
    """``CHUNKS_PER_JOB · nproc`` contiguous chunks of nearly equal size (Sphinx's ``make_chunks`` signature)."""
    count = max(1, min(len(arguments), CHUNKS_PER_JOB * max(1, nproc)))
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
        else:
            parallel(self, docnames, nproc)

    Builder._write_parallel = write  # type: ignore[method-assign]


def _forked_children_die_with_us() -> None:
    from perfeval.book.lock import die_with_parent

    if sys.platform.startswith("linux"):
        os.register_at_fork(after_in_child=die_with_parent)


def render(root: Path, output: Path, jobs: int) -> int:
    """Render the book at ``root`` into ``output/_build/html``; Sphinx's status code (0: success)."""
    import sphinx.builders
    from jupyter_book.sphinx import build_sphinx

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
    if isinstance(result, BaseException):
        return 1
    return 0 if result == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perfeval.book.render", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--path-output", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    args.root, args.path_output = args.root.resolve(), args.path_output.resolve()
    if not (args.root / "_config.yml").is_file() or not (args.root / "_toc.yml").is_file():
        print(f"{args.root}: no _config.yml or _toc.yml", file=sys.stderr)
        return 2
    os.chdir(args.root)   # as jupyter-book's command line is run: relative paths in the config are the book's
    return render(args.root, args.path_output, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
