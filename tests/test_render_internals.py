"""What the render changes in Sphinx's own steps gives what Sphinx gives: the search index pruned by the pages
that go (without the words left on no page, which a cold build's index does not hold either), the write cut into
chunks of bounded size, the file identities that tell a rebuild to start its kernel and its render early."""

from __future__ import annotations

import os
import random
from types import SimpleNamespace
from pathlib import Path
from typing import Any

import pytest
from sphinx.search import IndexBuilder

from perfeval.book import cache, render


def _index(seed: int) -> IndexBuilder:
    """An index of 30 pages and 400 words, as ``IndexBuilder.load`` leaves it (no language needed)."""
    rnd = random.Random(seed)
    docs = [f"book/2024/d{i}" for i in range(30)]
    index = IndexBuilder.__new__(IndexBuilder)
    index._titles = {d: f"标题{d}" for d in docs}
    index._filenames = {d: f"{d}.ipynb" for d in docs}
    index._all_titles = {d: [(f"标题{d}", None)] for d in docs}
    index._mapping = {f"词{w}": set(rnd.sample(docs, rnd.randint(1, 12))) for w in range(400)}
    index._title_mapping = {f"题{w}": set(rnd.sample(docs, rnd.randint(1, 3))) for w in range(50)}
    return index


def _state(index: IndexBuilder) -> tuple[object, ...]:
    return (index._titles, index._filenames, index._all_titles, index._mapping, index._title_mapping)


@pytest.mark.parametrize("keep", ["all", "all-as-dict", "some", "none"])
def test_the_search_index_pruned_by_what_goes_is_sphinxs(keep: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = _index(7), _index(7)
    docs = list(theirs._titles)
    kept = {"all": set(docs), "all-as-dict": dict.fromkeys(docs + ["book/new"]), "none": set(),
            "some": {d for i, d in enumerate(docs) if i % 4}}[keep]
    sphinx_prune = IndexBuilder.prune
    sphinx_prune(theirs, kept)
    with monkeypatch.context() as patched:
        patched.setattr(IndexBuilder, "prune", sphinx_prune)
        render._search_index_pruned_by_what_goes()
        IndexBuilder.prune(ours, kept)
    # Sphinx keeps a word whose pages all went, with no page (``"word": []`` in searchindex.js); we drop it.
    left_empty = {word for mapping in (theirs._mapping, theirs._title_mapping) for word, pages in mapping.items()
                  if not pages}
    assert bool(left_empty) == (keep in ("some", "none"))
    theirs._mapping = {word: pages for word, pages in theirs._mapping.items() if pages}
    theirs._title_mapping = {word: pages for word, pages in theirs._title_mapping.items() if pages}
    assert _state(ours) == _state(theirs)


def test_the_parallel_write_is_cut_into_bounded_chunks() -> None:
    docs = [f"d{i}" for i in range(1000)]
    read = render._chunks(docs, 2)
    assert len(read) == render.CHUNKS_PER_JOB * 2      # reading: as before
    render._writing[0] = True
    try:
        written = render._chunks(docs, 1)
    finally:
        render._writing[0] = False
    assert [d for chunk in written for d in chunk] == docs
    assert max(map(len, written)) <= render.WRITE_CHUNK_MAX and len(written) == -(-1000 // render.WRITE_CHUNK_MAX)
    assert render._chunks(docs[:10], 1) == [docs[:5], docs[5:10]]


def test_a_file_changed_since_it_was_hashed_is_seen_by_its_identity(tmp_path: Path) -> None:
    data = tmp_path / "data" / "2024"
    data.mkdir(parents=True)
    (data / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    other = tmp_path / "framework.yaml"
    other.write_text("x: 1\n", encoding="utf-8")
    hashes = cache.FileHashes(None)
    for path in (data / "a.yaml", other):
        old = path.stat().st_mtime_ns - 10 * cache.RACY_NS   # hashed long after its last change
        os.utime(path, ns=(old, old))
        hashes.sha256(path)
        entry = hashes.entries[str(path)]
        entry[4] = entry[4] + 10 * cache.RACY_NS   # as if hashed well after its change time
    assert not hashes.any_changed([tmp_path / "data"], [other])
    (data / "b.yaml").write_text("b: 1\n", encoding="utf-8")          # a new department
    assert hashes.any_changed([tmp_path / "data"], [other])
    (data / "b.yaml").unlink()
    other.write_text("x: 2\n", encoding="utf-8")                       # a changed framework
    assert hashes.any_changed([tmp_path / "data"], [other])
    assert hashes.any_changed([], [tmp_path / "gone.yaml"])            # a file that is not there


def test_the_templates_a_render_used_are_compiled_by_the_next_while_it_waits(tmp_path: Path) -> None:
    import jinja2

    from perfeval.book import render_state

    (tmp_path / "html").mkdir()
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{% include 'part.html' %}!", encoding="utf-8")
    (tmp_path / "t" / "part.html").write_text("{{ x }}", encoding="utf-8")
    (tmp_path / "t" / "unused.html").write_text("{{ y }}", encoding="utf-8")

    def app() -> Any:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")))
        return SimpleNamespace(outdir=str(tmp_path / "html"), builder=SimpleNamespace(
            templates=SimpleNamespace(environment=env)))

    first = app()
    assert first.builder.templates.environment.get_template("page.html").render(x=1) == "1!"
    render_state.record_templates(first)
    second = app()
    render_state.compile_templates(second)
    cached = {key[1] for key in second.builder.templates.environment.cache.keys()}
    assert cached == {"page.html", "part.html"}          # what the last render used, not every template
    (tmp_path / render_state.TEMPLATES_FILE).write_text("not json", encoding="utf-8")
    render_state.compile_templates(app())                     # a record that does not read: nothing compiled ahead


def test_the_sources_updated_with_what_pages_wrote_are_the_walk_of_the_project(tmp_path: Path) -> None:
    root = tmp_path
    downloads = root / "book/_extra/downloads/2024"
    for code in ("a", "b"):
        (downloads / code).mkdir(parents=True)
        (downloads / code / "t1.csv").write_text(code, encoding="utf-8")
        (downloads / code / "t2.csv").write_text(code * 2, encoding="utf-8")
        (root / "book/2024").mkdir(parents=True, exist_ok=True)
        (root / f"book/2024/{code}.ipynb").write_text("{}", encoding="utf-8")
    (root / "_toc.yml").write_text("root: intro\n", encoding="utf-8")
    hashes = cache.FileHashes(None)
    before = cache.render_sources(root, hashes)
    # Page "a" runs again: its notebook changes, one download changes, one goes, one is new.
    (root / "book/2024/a.ipynb").write_text('{"x": 1}', encoding="utf-8")
    (downloads / "a" / "t1.csv").write_text("changed", encoding="utf-8")
    (downloads / "a" / "t2.csv").unlink()
    (downloads / "a" / "t3.csv").write_text("new", encoding="utf-8")
    updated = cache.update_sources(before, root, hashes, [root / "book/2024/a.ipynb"], [downloads / "a"])
    assert updated == cache.render_sources(root, cache.FileHashes(None))
    assert updated != before
