"""Earlier versions of the book stay readable: publishing keeps the newest KEEP_RELEASES release folders, each as it
was published, and always the one just replaced."""

from __future__ import annotations

from pathlib import Path

from perfeval.book import publish


def test_the_newest_releases_stay_readable(tmp_path: Path) -> None:
    html = tmp_path / "_build" / "html"
    html.parent.mkdir()
    made = []
    for n in range(publish.KEEP_RELEASES + 3):
        built = tmp_path / f"built{n}"
        built.mkdir()
        (built / "index.html").write_text(f"第{n}版", encoding="utf-8")
        made.append(publish.swap_in(built, html))
    assert len(set(made)) == len(made)
    kept = [p for p in made if p.is_dir()]
    # The oldest three are gone, the newest ten are there, each with what it published.
    assert kept == made[-publish.KEEP_RELEASES:]
    assert [p.joinpath("index.html").read_text(encoding="utf-8") for p in kept] == \
        [f"第{n}版" for n in range(3, publish.KEEP_RELEASES + 3)]
    assert publish.current_release(html) == made[-1].resolve()
    assert (html / "index.html").read_text(encoding="utf-8") == f"第{publish.KEEP_RELEASES + 2}版"


def test_release_names_sort_as_they_were_made_across_a_second(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Releases are pruned in the order of their names: a name made just after a second's boundary must sort
    # after one made just before it.
    readings = iter([1_796_600_000_999_999_999, 1_796_600_001_000_000_001, 1_796_600_001_500_000_000])
    monkeypatch.setattr(publish.time, "time_ns", lambda: next(readings))
    names = [publish._release_id() for _ in range(3)]
    assert names == sorted(names) and len(set(names)) == 3
