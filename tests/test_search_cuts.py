"""The search's word cuts kept between renders (``search_text.CutStore``), without a build.

A render runs in a fresh process and cut every text block of the pages it writes again; it now reads the cuts
of the last render (block → word trees) and cuts only blocks it has not seen. A cut read back is the cut jieba
gives; a file made under another dictionary (other departments' names, another ``search-dict.txt``) is dropped
whole; a damaged or truncated file is ignored; a file is replaced whole, never seen half-written. The build's
side (a rebuild that uses the cuts publishes what a cold build does) is in ``test_build_cache.py``.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Iterator

import jieba
import pytest

from perfeval.pages import search_text
from perfeval.pages.search_text import CutStore, read_cuts

jieba.setLogLevel(60)

BLOCKS = ["湘潭市民政局", "部门整体支出绩效评价报告", "三公经费支出9.32万元", "预算执行率", "2024年度"]


@pytest.fixture
def jieba_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The blocks given to jieba (the store's misses), cut as jieba cuts them."""
    calls: list[str] = []
    real = search_text._jieba_cut

    def counted(block: str) -> tuple[search_text.Tree, ...]:
        calls.append(block)
        return real(block)

    monkeypatch.setattr(search_text, "_jieba_cut", counted)
    yield calls


def _expected(block: str) -> tuple[search_text.Tree, ...]:
    """The cut as the module made it before it kept any: jieba's words, each as its word tree."""
    return tuple(search_text.tree(word) for word in jieba.cut(block))


def _rendered(path: Path, blocks: list[str], names: str = "湘潭市民政局") -> CutStore:
    """One render's store: opened on ``path``, the dictionary as a render sets it, ``blocks`` cut, saved."""
    store = CutStore()
    store.open(path)
    store.added("names", names.encode())
    for block in blocks:
        assert store.cut(block) == _expected(block)
    store.save(path)
    return store


def test_a_cut_read_back_is_jiebas_and_is_not_cut_again(tmp_path: Path, jieba_calls: list[str]) -> None:
    path = tmp_path / search_text.CUTS_FILE
    first = _rendered(path, BLOCKS)
    assert jieba_calls == BLOCKS and (first.hits, first.misses) == (0, len(BLOCKS))
    assert read_cuts(path)["misses"] == len(BLOCKS)
    jieba_calls.clear()
    second = _rendered(path, [*BLOCKS[:3], "新的段落"])
    assert jieba_calls == ["新的段落"]                       # a miss: cut, and kept for the next
    assert (second.hits, second.misses) == (3, 1)
    content = read_cuts(path)
    assert content is not None and (content["hits"], content["misses"]) == (3, 1)
    # This render's blocks first, then the blocks read that it did not use.
    assert list(content["cuts"]) == [*BLOCKS[:3], "新的段落", *BLOCKS[3:]]


def test_nothing_new_leaves_the_file_as_it_is(tmp_path: Path, jieba_calls: list[str]) -> None:
    path = tmp_path / search_text.CUTS_FILE
    _rendered(path, BLOCKS)
    before = path.stat()
    _rendered(path, BLOCKS[:2])
    assert jieba_calls == BLOCKS
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("change", ["names", "dictionary", "code"])
def test_another_dictionary_drops_the_file_whole(tmp_path: Path, jieba_calls: list[str], change: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / search_text.CUTS_FILE
    _rendered(path, BLOCKS)
    jieba_calls.clear()
    store = CutStore()
    store.open(path)
    store.added("names", ("湘潭市民政局\n湘潭市财政局" if change == "names" else "湘潭市民政局").encode())
    if change == "dictionary":   # the book's search-dict.txt, loaded after the names
        store.added("dict", "三公经费\n".encode())
    if change == "code":
        monkeypatch.setattr(search_text, "_code", lambda: b"another version of search_text")
    assert [store.cut(block) for block in BLOCKS] == [_expected(block) for block in BLOCKS]
    assert jieba_calls == BLOCKS and store.hits == 0
    store.save(path)
    content = read_cuts(path)
    assert content is not None and list(content["cuts"]) == BLOCKS and content["stamp"] == store.stamp()


def test_the_dictionary_changing_after_a_cut_forgets_what_was_cut(tmp_path: Path, jieba_calls: list[str]) -> None:
    store = CutStore()
    store.cut(BLOCKS[0])
    store.added("names", "湘潭市民政局".encode())
    assert store.used == {} and store.misses == 0
    store.cut(BLOCKS[1])
    store.save(tmp_path / "cuts")
    assert list(read_cuts(tmp_path / "cuts")["cuts"]) == [BLOCKS[1]]


def _damaged(data: bytes) -> list[bytes]:
    return [b"", data[:10], data[: len(data) // 2], data[:-1], data[:30] + bytes([data[30] ^ 1]) + data[31:],
            data[:-5] + bytes([data[-5] ^ 0x40]) + data[-4:], b"\x00\xff garbage" * 100]


def read_cuts_of(data: bytes, folder: Path) -> dict[str, object] | None:
    path = folder / "copy"
    path.write_bytes(data)
    return read_cuts(path)


def test_a_damaged_or_truncated_file_is_ignored(tmp_path: Path, jieba_calls: list[str]) -> None:
    path = tmp_path / search_text.CUTS_FILE
    _rendered(path, BLOCKS)
    good = path.read_bytes()
    for data in _damaged(good):
        path.write_bytes(data)
        assert read_cuts(path) is None
        jieba_calls.clear()
        store = _rendered(path, BLOCKS)      # cuts as jieba does, and writes a whole file again
        assert jieba_calls == BLOCKS and store.hits == 0
        assert read_cuts(path) == read_cuts_of(good, tmp_path)
    path.write_bytes(good)
    assert read_cuts(path) is not None


def test_a_file_is_read_once_when_it_was_read_before_its_folder_moved(tmp_path: Path) -> None:
    """The render's child reads the last render's cuts while the build moves the render folder to staging; the
    file Sphinx then opens is the very file read (same inode, size and times) and is not read again. Another file
    there (a render from scratch) is read, or none."""
    old, moved = tmp_path / "cache" / search_text.CUTS_FILE, tmp_path / "staging" / search_text.CUTS_FILE
    old.parent.mkdir()
    _rendered(old, BLOCKS)
    store = CutStore()
    store.load(old)
    assert set(store.saved) == set(BLOCKS)
    old.parent.rename(moved.parent)
    store.saved["预算执行率"] = b"marker: not read again"
    store.open(moved)
    assert store.saved["预算执行率"] == b"marker: not read again"
    moved.unlink()
    store.open(moved)
    assert store.saved == {} and store.saved_stamp is None


def test_what_a_render_keeps_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_text, "MAX_KEPT", 4)
    path = tmp_path / search_text.CUTS_FILE
    _rendered(path, BLOCKS)
    assert list(read_cuts(path)["cuts"]) == BLOCKS[:4]
    _rendered(path, ["新的段落", BLOCKS[4]])
    assert list(read_cuts(path)["cuts"]) == ["新的段落", BLOCKS[4], *BLOCKS[:2]]


def _save_many(path: str, unit: str, rounds: int) -> None:
    for i in range(rounds):
        _rendered(Path(path), [f"{unit}第{i}段", *BLOCKS], names=unit)


def _stamp(names: str) -> str:
    store = CutStore()
    store.added("names", names.encode())
    return store.stamp()


def test_renders_saving_at_once_leave_a_whole_file(tmp_path: Path) -> None:
    """Two renders writing their cuts at the same time (each with its own dictionary), while a third reads: every
    read is a whole file of one of them (its stamp, its blocks, each cut as jieba cuts it)."""
    path = tmp_path / search_text.CUTS_FILE
    units = {_stamp(unit): unit for unit in ("甲单位", "乙单位")}
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_save_many, args=(str(path), unit, 40)) for unit in units.values()]
    for writer in writers:
        writer.start()
    reads = 0
    while reads == 0 or any(writer.is_alive() for writer in writers):
        content = read_cuts(path)
        if content is None:
            assert reads == 0                        # not written yet; once written, always whole
            continue
        reads += 1
        unit = units[content["stamp"]]
        assert set(BLOCKS) <= set(content["cuts"])
        assert all(block.startswith(unit) for block in content["cuts"] if "第" in block)
        assert {block: search_text._decoded(raw) for block, raw in content["cuts"].items() if block in BLOCKS} == {
            block: _expected(block) for block in BLOCKS}
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert read_cuts(path)["stamp"] in units
    assert os.listdir(tmp_path) == [search_text.CUTS_FILE]      # no temporary file left


def test_cut_uses_the_store_once_per_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``search_text.cut`` goes through the process's store: a block the store holds is not cut again."""
    path = tmp_path / search_text.CUTS_FILE
    _rendered(path, ["沅陵县火场土家族乡人民政府"])
    store = CutStore()
    store.load(path)
    store.added("names", "湘潭市民政局".encode())   # the dictionary of the render that wrote it
    monkeypatch.setattr(search_text, "cuts", store)
    monkeypatch.setattr(search_text, "_jieba_cut", lambda block: pytest.fail(f"cut again: {block}"))
    search_text._cut_block.cache_clear()
    try:
        words = [search_text.cut("沅陵县火场土家族乡人民政府") for _ in range(3)]
    finally:
        search_text._cut_block.cache_clear()
    assert words == [list(_expected("沅陵县火场土家族乡人民政府"))] * 3 and (store.hits, store.misses) == (1, 0)
