"""版本记录: what changed in each published release, for the pages (a chapter's 版本记录) and the analyst
(``perfeval changes``).

The ledger (``_build/ledger.json``, never published) holds, per release that a build published, its id (the
folder name under ``_build/releases/``), its date and the changes it brought in words, by department-year;
and one small snapshot per department-year of what readers see change, as it was last published: its record's
values flattened (field path → value; a long text only by its hash), the bureau's rulings and the unit's replies
(each with the finding it names, in words), and a key of its files (their sha256).

A build compares each chapter's files with its snapshot: a department-year whose files did not change costs
nothing; one whose files changed is loaded and compared, and what a reader sees change is described in words:
a ruling (the finding, 采纳/不采纳 and its basis), a reply, a data correction (the fields by their Chinese
labels from the forms registry, old → new). The chapter's 版本记录 — each earlier release that changed it and
this build's changes, dated today — is written to ``_build/history/<year>/<code>.json`` and is an input of the
chapter: a page whose history changed runs again; one whose history did not stays cached. After a publish, the
release and the new snapshots are recorded. The very first release records snapshots only (no page has a
版本记录 yet); a department-year added later has none until a release changes it; a rebuild with no change
records no change. The ledger keeps the changes of every release; the published books of only the current and
the previous release are kept (:mod:`perfeval.book.publish`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping

from perfeval.book.cache import FileHashes, read_json, write_json
from perfeval.book.notebook import write_if_changed
from perfeval.book.plan import CHANGES_TAG, BookLayout, Run

#: The ledger under ``_build``.
LEDGER = "ledger.json"
#: The folder under ``_build`` of the chapters' 版本记录 files.
HISTORY = "history"
#: The notebook parameter that names a chapter's 版本记录 file.
HISTORY_PARAMETER = "history_file"
#: A text longer than this is kept in a snapshot by its hash, and a change to it is named, not quoted.
SHORT_TEXT = 40
#: At most this many data corrections are listed one by one per release and department-year.
MAX_FIELDS = 30
_INDEX = re.compile(r"\[(\d+)\]")


def today() -> str:
    """The date a release gets (the local date, ISO)."""
    return dt.date.today().isoformat()


def date_words(iso: str) -> str:
    """2025-06-30 → 2025年6月30日."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


# --- snapshots --------------------------------------------------------------------------------------

def _flatten(value: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _flatten(item, f"{path}[{i}]", out)
    elif value is not None:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        out[path] = text if len(text) <= SHORT_TEXT else "#" + hashlib.sha256(text.encode()).hexdigest()[:16]


def flatten(record: Any) -> dict[str, str]:
    """A record's stated values: field path → value as text (a long text: ``#`` and its hash)."""
    out: dict[str, str] = {}
    _flatten(record.model_dump(mode="json", exclude_none=True), "", out)
    return out


def snapshot(data_file: Path, files_key: str) -> dict[str, Any]:
    """What readers see change of one department-year, as it is now."""
    from perfeval.model import load_department
    from perfeval.review import RepliesFile, RulingsFile, decide, load_side, previous_record

    rec = load_department(data_file)
    rulings = load_side(data_file, rec, RulingsFile).rulings
    replies = load_side(data_file, rec, RepliesFile).replies
    about: dict[str, str] = {}
    if rulings or replies:
        for f in decide(rec, rulings, replies, previous_record(data_file, rec)).findings:
            about[f.finding_id] = finding_words(f.message)
    return {
        "files": files_key, "name": rec.unit.name, "values": flatten(rec),
        "rulings": {r.finding: {"decision": r.decision, "basis": r.basis, "by": r.by,
                                "date": r.date.isoformat() if r.date else "", "about": about.get(r.finding, "")}
                    for r in rulings},
        "replies": {r.finding: {"words": r.words(), "about": about.get(r.finding, "")} for r in replies},
    }


# --- changes in words -------------------------------------------------------------------------------

#: A finding is named by its message's first clause, at most this long.
ABOUT_CHARS = 60


def finding_words(message: str) -> str:
    """A finding in a few words: its message up to the first ；or 。 (at most :data:`ABOUT_CHARS`)."""
    first = re.split(r"[；。]", message.strip(), maxsplit=1)[0]
    return first if len(first) <= ABOUT_CHARS else first[:ABOUT_CHARS - 1] + "…"

def field_words(path: str, values: Mapping[str, str]) -> str:
    """A field path in words: the forms registry's label (and column), a list item by its name or number."""
    from perfeval.model import forms

    generic = _INDEX.sub("", path)
    entry, column = forms.find(generic), ""
    if entry is None and "." in generic:
        parent, last = generic.rsplit(".", 1)
        columns = forms.column_labels()
        if last in columns and forms.find(parent) is not None:
            entry, column = forms.find(parent), columns[last]
    label = entry.label if entry is not None else "其他数据项"
    if column:
        label += f"（{column}）"
    m = re.match(r"^(.*?)\[(\d+)\]", path)
    if m:
        base = m.group(0)
        name = next((values[f"{base}.{k}"] for k in ("name", "item", "part", "problem")
                     if not values.get(f"{base}.{k}", "#").startswith("#")), "")
        owner = _INDEX.sub("", m.group(1))
        where = next((sec.title for sec in forms.SECTIONS if sec.key == owner), "")
        if not where and forms.find(owner) is not None:
            where = forms.entry(owner).label
        label = f"{where}「{name}」·{label}" if name else f"{where}第{int(m.group(2)) + 1}项·{label}"
    return label


def _value_words(path: str, value: str | None) -> str:
    from perfeval.model import forms
    from perfeval.model.numbers import plain

    if value is None:
        return "未填写"
    if value.startswith("#"):
        return "（文字）"
    generic = _INDEX.sub("", path)
    entry = forms.find(generic) or (forms.find(generic.rsplit(".", 1)[0]) if "." in generic else None)
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"“{value}”"
    unit = entry.unit if entry is not None and entry.unit else ""
    return f"{plain(number)}{unit}"


def _data_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    changed = [p for p in dict.fromkeys([*old, *new]) if old.get(p) != new.get(p)]
    out = []
    for path in changed[:MAX_FIELDS]:
        before, after = old.get(path), new.get(path)
        label = field_words(path, new if after is not None else old)
        if (before or "").startswith("#") or (after or "").startswith("#"):
            out.append(f"数据更正：{label}的文字有修改")
        else:
            out.append(f"数据更正：{label} {_value_words(path, before)} → {_value_words(path, after)}")
    if len(changed) > MAX_FIELDS:
        out.append(f"另有{len(changed) - MAX_FIELDS}项数据更正")
    return out


def _ruling_words(r: Mapping[str, str]) -> str:
    who = "，".join(x for x in (r.get("by", ""), date_words(r["date"]) if r.get("date") else "") if x)
    return f"{r['decision']}（依据：{r['basis'].rstrip('。；;. ')}{'；' + who if who else ''}）"


def _about(entry: Mapping[str, str]) -> str:
    return f"“{entry['about']}”" if entry.get("about") else "一项已不存在的核查事项"


def describe(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What changed from snapshot ``old`` to ``new``, in words: rulings, replies, then data corrections."""
    out: list[str] = []
    old_r, new_r = old.get("rulings", {}), new.get("rulings", {})
    for fid, r in new_r.items():
        before = old_r.get(fid)
        if before is None:
            out.append(f"口径认定：{_about(r)}，{_ruling_words(r)}")
        elif before.get("decision") != r["decision"]:
            out.append(f"口径认定变更：{_about(r)}，由{before.get('decision', '')}改为{_ruling_words(r)}")
        elif {k: v for k, v in before.items() if k != "about"} != {k: v for k, v in r.items() if k != "about"}:
            out.append(f"口径认定修改：{_about(r)}，{_ruling_words(r)}")
    for fid, r in old_r.items():
        if fid not in new_r:
            out.append(f"撤销口径认定：{_about(r)}")
    old_p, new_p = old.get("replies", {}), new.get("replies", {})
    for fid, r in new_p.items():
        if old_p.get(fid, {}).get("words") != r["words"]:
            out.append(f"单位回复：{_about(r)}，{r['words']}")
    out += _data_changes(old.get("values", {}), new.get("values", {}))
    return out


# --- the ledger -------------------------------------------------------------------------------------

def department_key(run: Run) -> str:
    """A chapter's key in the ledger: ``<year>/<code>``."""
    return f"{run.year}/{run.code}"


def files_key(run: Run, hashes: FileHashes) -> str:
    h = hashlib.sha256()
    for path in run.inputs:
        h.update(f"{Path(path).name}\0{hashes.sha256(path)}\n".encode())
    return h.hexdigest()


@dataclass
class Ledger:
    """The releases and the last published snapshots (``_build/ledger.json``), and this build's changes."""

    path: Path
    releases: list[dict[str, Any]] = field(default_factory=list)     # oldest first: {"id", "date", "changes"}
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)       # key → this build's changes in words
    fresh: dict[str, dict[str, Any]] = field(default_factory=dict)    # key → its snapshot now (changed ones)
    added: dict[str, tuple[Path, str]] = field(default_factory=dict)  # key → (data file, files key): no snapshot yet
    names: dict[str, str] = field(default_factory=dict)                # key → the department's name (this plan)
    date: str = field(default_factory=today)

    @classmethod
    def open(cls, path: Path) -> "Ledger":
        data = read_json(path)
        ledger = cls(Path(path))
        if isinstance(data, dict) and isinstance(data.get("releases"), list) and isinstance(data.get("snapshots"), dict):
            ledger.releases = [r for r in data["releases"] if isinstance(r, dict) and isinstance(r.get("id"), str)
                               and isinstance(r.get("date"), str) and isinstance(r.get("changes"), dict)]
            ledger.snapshots = {k: v for k, v in data["snapshots"].items() if isinstance(v, dict)}
        return ledger

    def release_ids(self) -> list[str]:
        return [r["id"] for r in self.releases]

    def update(self, chapters: Iterable[Run], hashes: FileHashes) -> None:
        """Compare each chapter's files with its last published snapshot; describe what changed."""
        for run in chapters:
            key, fkey = department_key(run), files_key(run, hashes)
            self.names[key] = run.name
            old = self.snapshots.get(key)
            if old is None:
                self.added[key] = (Path(run.departments[0]), fkey)
            elif old.get("files") != fkey:
                new = snapshot(Path(run.departments[0]), fkey)
                self.fresh[key] = new
                items = describe(old, new)
                if items:
                    self.pending[key] = items

    def history(self, key: str) -> list[dict[str, Any]]:
        """A department-year's 版本记录, newest first: this build's changes (dated today), then each release
        that changed it."""
        out = [{"date": self.date, "items": self.pending[key]}] if key in self.pending else []
        out += [{"date": r["date"], "items": r["changes"][key]} for r in reversed(self.releases) if key in r["changes"]]
        return out

    def attach(self, layout: BookLayout, runs: list[Run]) -> list[Run]:
        """Write each chapter's 版本记录 file and make it an input of the chapter (one without a 版本记录 drops
        its cells); remove the files of chapters that have none any more."""
        folder = layout.build_dir / HISTORY
        out, keep = [], set()
        for run in runs:
            entries = self.history(department_key(run)) if run.kind == "department" else []
            if not entries or HISTORY_PARAMETER not in run.parameters:
                out.append(run)
                continue
            path = folder / f"{department_key(run)}.json"
            keep.add(path)
            write_if_changed(path, _json_bytes({"entries": entries}))
            out.append(replace(run, inputs=(*run.inputs, str(path)), drop_tags=tuple(t for t in run.drop_tags if t != CHANGES_TAG),
                               parameters={**run.parameters, HISTORY_PARAMETER: str(path)}))
        for stale in (folder.rglob("*.json") if folder.is_dir() else ()):
            if stale not in keep:
                stale.unlink()
        return out

    def record(self, release: str) -> None:
        """A release was published: record its changes and the snapshots it published, then save."""
        for key, (data_file, fkey) in self.added.items():
            try:
                self.fresh[key] = snapshot(data_file, fkey)
            except Exception:  # noqa: BLE001 - a file that does not load has no snapshot (the build reported it)
                continue
        self.releases.append({"id": release, "date": self.date, "changes": dict(sorted(self.pending.items())),
                              "names": {k: self.names.get(k, "") for k in sorted(self.pending)}})
        self.snapshots.update(self.fresh)
        if self.names:
            self.snapshots = {k: v for k, v in self.snapshots.items() if k in self.names}
        self.pending, self.fresh, self.added = {}, {}, {}
        self.save()

    def save(self) -> None:
        write_json(self.path, {"releases": self.releases, "snapshots": dict(sorted(self.snapshots.items()))})


def _json_bytes(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def releases_since(ledger: Ledger, since: str | None, build_dir: Path) -> list[dict[str, Any]]:
    """The releases after ``since`` (all without it), oldest first, for ``perfeval changes``: id, date, whether
    it is the first, the folder of its book when still kept ("" when pruned) and its changes by department-year.
    An unknown ``since`` is a :class:`UsageError` listing the known ids."""
    from perfeval.errors import UsageError

    ids = ledger.release_ids()
    start = 0
    if since is not None:
        if since not in ids:
            known = "、".join(ids) if ids else "（尚无发布）"
            raise UsageError(f"未知的发布编号 {since}；已知的发布编号：{known}")
        start = ids.index(since) + 1
    out = []
    for i, release in enumerate(ledger.releases[start:], start=start):
        folder = build_dir / "releases" / release["id"]
        names = release.get("names", {})
        out.append({
            "id": release["id"], "date": release["date"], "first": i == 0,
            "path": str(folder / "index.html") if folder.is_dir() else "",
            "changes": [{"code": key.split("/", 1)[1], "year": int(key.split("/", 1)[0]),
                         "department": names.get(key) or key.split("/", 1)[1], "items": list(items)}
                        for key, items in release["changes"].items()],
        })
    return out
