"""公开前审查 (pre-publication review): what should not go out on a published page.

Every text field of every department-year the book publishes is read for

* **personal names where a role is expected** (整改责任人, 评价机构, 批复机关, a ruling's 认定人:
  :data:`ROLE_FIELDS`). The rule,
  as the analyst sees it in ``docs/使用说明.md``: the text is cut at separators (、，；/ 和 及 与, brackets,
  spaces) and at titles (局长, 科长, 主任, 负责人, 同志 …, :data:`TITLES`); of each piece, what follows its
  last character of an office, a body or a place (科, 室, 局, 股, 办, 部, 区, 村 …, :data:`OFFICE_CHARS`) is
  kept; when that is two or three Chinese characters (four with a two-character surname) starting with a
  common surname (:data:`SURNAMES`), it is taken for a person's name. "财务科负责人" passes; "李明",
  "办公室主任李明", "李明同志", "财务科王芳" do not;
* **phone numbers**: mobile numbers (11 digits from 13–19, with or without +86 and separators), numbers
  with an area code (0731-12345678, （0731）12345678), 400/800 numbers, and any 7–12 digits within a few
  characters after 电话, 手机, 联系方式, Tel;
* **ID card numbers**: 18 characters (17 digits and a digit or X) holding a real birth date;
* **bank account numbers**: 16–19 digits in a row, four-digit groups (6222 0212 3456 7890 123), or
  10–25 digits within a few characters after 账号, 账户, 卡号, 帐号;
* **e-mail addresses**;
* **words the bureau lists** under ``sensitive_words`` in ``_config.yml``.

The source document published beside a record (``data/<year>/<code>.source.txt|.docx|.pdf|.html``, its
原报告全文 page) is read for the same items, line by line (all but the name rule). So are the finance bureau's
rulings and the unit's replies beside it (``<code>.rulings.yaml``, ``<code>.replies.yaml``: the chapter and
数据核查汇总 show them), field by field: a ruling's ``by`` should name a post, a reply's 单位说明 may hold a phone.

An item is *accepted* when the project's acknowledgement file (``disclosure-accepted.yaml`` beside
``_config.yml``, :data:`ACCEPTED_FILE`) lists it with a reason; ``perfeval build`` refuses to publish while
an item is not accepted, unless given ``--allow-sensitive``. Items are shown to the analyst only (the
terminal and ``_build/analyst/disclosure.csv``), never on a page.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from pydantic import BaseModel

from perfeval.errors import DataError
from perfeval.model import DepartmentYear, load_department, read_text, read_yaml
from perfeval.model.formula import neutralise
from perfeval.review.decisions import RepliesFile, RulingsFile, load_side, side_path

ACCEPTED_FILE = "disclosure-accepted.yaml"
CONFIG_KEY = "sensitive_words"
#: Where the analyst's CSV goes (under ``_build``: never part of a release).
DISCLOSURE_CSV = Path("analyst") / "disclosure.csv"
CACHE_FILE = "disclosure.json"

KINDS: dict[str, str] = {
    "name": "个人姓名",
    "phone": "电话号码",
    "id_card": "身份证号",
    "bank": "银行账号",
    "email": "电子邮箱",
    "word": "敏感词",
}
#: Fields that should name a post, an office or a body, not a person (by field name, anywhere in a record).
ROLE_FIELDS = frozenset({"responsible", "evaluator", "approver", "by"})
#: Titles and role words: they separate pieces of a role field and are never part of a name.
TITLES = ("副局长", "局长", "副科长", "科长", "副主任", "主任", "副书记", "书记", "副处长", "处长", "所长", "站长",
          "院长", "队长", "股长", "部长", "组长", "经理", "会计", "出纳", "负责人", "责任人", "分管领导", "领导",
          "同志", "人员", "专员", "干部", "职工", "中心", "单位")
#: Characters of an office, a body or a place: a piece holding one is not a name (only what follows the last
#: of them may be: 财务科王芳 → 王芳).
#: (中心 and 单位 are among the TITLES instead: 中 and 位 are common in given names.)
OFFICE_CHARS = frozenset("科室处局股站所办院队部委会组司厅署团社校馆门岗班区县市省镇乡村街")
#: Common Chinese surnames (the hundred most frequent single ones, and the usual two-character ones).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文", "司徒")

_SEPARATORS = r"[、，,；;/／\s()（）【】\[\]:：。和及与或]+"
_SPLIT = re.compile("|".join([_SEPARATORS] + [re.escape(t) for t in TITLES]))
_HAN = re.compile(r"[\u4e00-\u9fff]+")

_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9A-Za-z])"
_PHONE = re.compile(
    _NOT_DIGIT_BEFORE + r"(?:"
    r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}"                # mobile
    r"|[(（]0\d{2,3}[)）]\s?\d{7,8}"                              # (0731)12345678
    r"|0\d{2,3}[-－—]\d{7,8}(?:[-－]\d{1,4})?"                    # 0731-12345678(-123)
    r"|[48]00[- ]?\d{3}[- ]?\d{4}"                               # 400 / 800
    r")" + _NOT_DIGIT_AFTER)
_PHONE_AFTER_WORD = re.compile(r"(?:电话|手机|联系方式|联系号码|传真|热线|Tel|TEL|tel)[^0-9\n]{0,6}(\d[\d -]{5,14}\d)")
_ID_CARD = re.compile(_NOT_DIGIT_BEFORE + r"\d{6}((?:19|20)\d{2})(\d{2})(\d{2})\d{3}[\dXx]" + _NOT_DIGIT_AFTER)
_BANK = re.compile(_NOT_DIGIT_BEFORE + r"(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3,4}(?:[ -]\d{1,3})?)" + _NOT_DIGIT_AFTER)
_BANK_AFTER_WORD = re.compile(r"(?:账号|帐号|账户|帐户|卡号|开户)[^0-9\n]{0,8}(\d[\d -]{8,28}\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
CONTEXT_CHARS = 15


# --- what a record says, field by field ----------------------------------------------------------

def _title(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title if info is not None and info.title else name)


def text_fields(record: BaseModel) -> Iterator[tuple[str, str, str, str]]:
    """Every text a record holds: (field path, Chinese label, field name, text), in field order.

    Paths are those of :func:`perfeval.model.schema.value_at` (``problems[0].responsible``); a mapping's
    entries are ``annotations["expenditure.total.actual"].note``; the label names each level
    (存在的问题及改进措施 › 第1项 › 整改责任人)."""
    yield from _walk(record, "", "")


def _walk(value: Any, path: str, label: str, name: str = "") -> Iterator[tuple[str, str, str, str]]:
    if isinstance(value, str):
        if value:
            yield path, label, name, value
    elif isinstance(value, BaseModel):
        model = type(value)
        for field_name in model.model_fields:
            sub = f"{path}.{field_name}" if path else field_name
            sub_label = f"{label} › {_title(model, field_name)}" if label else _title(model, field_name)
            yield from _walk(getattr(value, field_name), sub, sub_label, field_name)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", f"{label} › 第{i + 1}项", name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{json.dumps(str(key), ensure_ascii=False)}]", f"{label} › {key}", name)


# --- finding items in one text ---------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    kind: str      # a key of KINDS
    text: str      # what was found, as written
    start: int
    end: int


def personal_names(text: str) -> list[Hit]:
    """Pieces of a role field that read as a person's name (the rule in the module docstring)."""
    hits: list[Hit] = []
    pos = 0
    for piece in _SPLIT.split(text):
        start = text.find(piece, pos) if piece else -1
        if start < 0:
            continue
        pos = start + len(piece)
        last_office = max((i for i, ch in enumerate(piece) if ch in OFFICE_CHARS), default=-1)
        start, piece = start + last_office + 1, piece[last_office + 1:]
        if not _HAN.fullmatch(piece):
            continue
        compound = piece.startswith(COMPOUND_SURNAMES)
        if (compound and 3 <= len(piece) <= 4) or (not compound and 2 <= len(piece) <= 3 and piece[0] in SURNAMES):
            hits.append(Hit("name", piece, start, start + len(piece)))
    return hits


def _valid_birth(year: str, month: str, day: str) -> bool:
    try:
        born = dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return born <= dt.date.today()


def find_items(text: str, *, role_field: bool = False, words: Sequence[str] = ()) -> list[Hit]:
    """Everything in ``text`` that should not be published, each span once (the first kind that claims it:
    ID card, then phone, bank, e-mail, listed words, names)."""
    found: list[Hit] = []

    def claim(kind: str, start: int, end: int) -> None:
        if not any(h.start < end and start < h.end for h in found):
            found.append(Hit(kind, text[start:end], start, end))

    for m in _ID_CARD.finditer(text):
        if _valid_birth(*m.groups()):
            claim("id_card", m.start(), m.end())
    for m in _PHONE.finditer(text):
        claim("phone", m.start(), m.end())
    for m in _PHONE_AFTER_WORD.finditer(text):
        if 7 <= sum(c.isdigit() for c in m.group(1)) <= 12:
            claim("phone", m.start(1), m.end(1))
    for m in _BANK.finditer(text):
        claim("bank", m.start(), m.end())
    for m in _BANK_AFTER_WORD.finditer(text):
        if 10 <= sum(c.isdigit() for c in m.group(1)) <= 25:
            claim("bank", m.start(1), m.end(1))
    for m in _EMAIL.finditer(text):
        claim("email", m.start(), m.end())
    for word in words:
        start = text.find(word)
        while word and start >= 0:
            claim("word", start, start + len(word))
            start = text.find(word, start + len(word))
    if role_field:
        for hit in personal_names(text):
            claim(hit.kind, hit.start, hit.end)
    return sorted(found, key=lambda h: h.start)


# --- items of a book --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One thing that should not go out, where it is, and whether the project accepted it."""

    code: str
    year: int
    unit: str        # the department's name
    file: str        # the data file
    field: str       # field path (problems[0].responsible)
    label: str       # the field in Chinese (存在的问题及改进措施 › 第1项 › 整改责任人)
    kind: str        # a key of KINDS
    text: str        # what was found
    context: str     # the text around it
    accepted: str = ""   # the reason the acknowledgement file gives; "" while not accepted

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _context(text: str, hit: Hit) -> str:
    before = text[max(0, hit.start - CONTEXT_CHARS):hit.start]
    after = text[hit.end:hit.end + CONTEXT_CHARS]
    return ("…" if hit.start > CONTEXT_CHARS else "") + before + hit.text + after + \
        ("…" if hit.end + CONTEXT_CHARS < len(text) else "")


def scan_record(record: DepartmentYear, path: Path | str, words: Sequence[str] = (), fields: BaseModel | None = None,
                label: str = "") -> list[Item]:
    """The items of one department-year (not yet matched against the acknowledgement file); with ``fields``,
    those of another record about it (a rulings or replies file at ``path``, its labels after ``label``)."""
    items: list[Item] = []
    for field, where, name, text in text_fields(record if fields is None else fields):
        for hit in find_items(text, role_field=name in ROLE_FIELDS, words=words):
            items.append(Item(record.code, record.year, record.unit.name, str(path), field,
                              f"{label} › {where}" if label else where, hit.kind, hit.text, _context(text, hit)))
    return items


#: The bureau's and the unit's files beside a data file (:mod:`perfeval.review.decisions`), read like a record.
SIDE_FILES: tuple[tuple[type[RulingsFile] | type[RepliesFile], str], ...] = (
    (RulingsFile, "财政部门口径认定"), (RepliesFile, "单位回复"))


def scan_side_files(record: DepartmentYear, data_file: Path, words: Sequence[str] = ()) -> list[Item]:
    """The items of the rulings and replies files beside ``data_file`` (those that exist)."""
    items: list[Item] = []
    for kind, title in SIDE_FILES:
        path = side_path(data_file, kind)
        if path.is_file():
            items += scan_record(record, path, words, load_side(data_file, record, kind), f"{title}（{path.name}）")
    return items


# --- the acknowledgement file -----------------------------------------------------------------------

@dataclass(frozen=True)
class Acceptance:
    """An entry of ``disclosure-accepted.yaml``: this text may be published (where code/year/field say)."""

    text: str
    reason: str
    code: str | None = None
    year: int | None = None
    field: str | None = None
    by: str = ""

    def covers(self, item: Item) -> bool:
        return (self.text == item.text and self.code in (None, item.code) and self.year in (None, item.year)
                and self.field in (None, item.field))


_ACCEPTANCE_KEYS = {"text": "内容", "reason": "理由", "code": "部门代码", "year": "年度", "field": "字段",
                    "by": "确认人", "date": "日期"}


def load_acceptances(path: Path) -> list[Acceptance]:
    """The entries of the acknowledgement file (none when it does not exist); a malformed entry is a
    :class:`DataError` naming the file, the entry and the key."""
    if not path.is_file() or all(not line.strip() or line.lstrip().startswith("#")
                                 for line in read_text(path).splitlines()):
        return []
    data = read_yaml(path)
    entries = data.get("accepted") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DataError(path, "应为 accepted: 列表，每项至少含 text（内容）和 reason（理由） "
                              "(expected `accepted:` with a list of entries)")
    out: list[Acceptance] = []
    for i, entry in enumerate(entries, 1):
        record = f"第{i}项"
        if not isinstance(entry, dict):
            raise DataError(path, "应为键值结构，如 {text: 12345, reason: 公开的服务热线} (entry must be a mapping)",
                            record=record)
        unknown = sorted(set(map(str, entry)) - set(_ACCEPTANCE_KEYS))
        if unknown:
            raise DataError(path, f"未知的键 {', '.join(unknown)}；可用的键：{', '.join(_ACCEPTANCE_KEYS)} (unknown key)",
                            record=record, field=unknown[0])
        for key in ("text", "reason"):
            value = entry.get(key)
            if not isinstance(value, (str, int)) or not str(value).strip():
                raise DataError(path, "必须填写 (required)", record=record, field=key, label=_ACCEPTANCE_KEYS[key])
        year = entry.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise DataError(path, f"应为四位数年度，如 2024，当前为 {year!r} (year must be an integer)",
                            record=record, field="year", label="年度")
        out.append(Acceptance(str(entry["text"]).strip(), str(entry["reason"]).strip(),
                              str(entry["code"]) if entry.get("code") is not None else None, year,
                              str(entry["field"]) if entry.get("field") is not None else None,
                              str(entry.get("by") or "")))
    return out


def apply_acceptances(items: Iterable[Item], acceptances: Sequence[Acceptance]) -> list[Item]:
    out = []
    for item in items:
        match = next((a for a in acceptances if a.covers(item)), None)
        out.append(Item(**{**asdict(item), "accepted": match.reason}) if match else item)
    return out


def sensitive_words(config_path: Path) -> tuple[str, ...]:
    """The bureau's list (``sensitive_words`` in ``_config.yml``); a malformed list is a DataError."""
    if not config_path.is_file():
        return ()
    data = read_yaml(config_path)
    words = data.get(CONFIG_KEY) if isinstance(data, dict) else None
    if words is None:
        return ()
    if not isinstance(words, list) or not all(isinstance(w, (str, int)) and str(w).strip() for w in words):
        raise DataError(config_path, "应为词语列表，如 [内部资料, 涉密] (a list of words)", field=CONFIG_KEY,
                        label="公开前审查敏感词")
    return tuple(dict.fromkeys(str(w).strip() for w in words))


# --- a whole book, cached -------------------------------------------------------------------------------

@dataclass
class DisclosureReport:
    items: list[Item]
    accepted_file: Path
    files: int

    @property
    def unresolved(self) -> list[Item]:
        return [i for i in self.items if not i.accepted]


def _rules_stamp(words: Sequence[str]) -> str:
    code = Path(__file__).read_bytes()
    return hashlib.sha256(code + json.dumps(list(words), ensure_ascii=False).encode()).hexdigest()


#: The report a department-year publishes beside its data (``data/<year>/<code>.source.<suffix>``, the
#: 原报告全文 page): read for the same items (no name rule: its text is the unit's own).
SOURCE_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
SOURCE_LABEL = "原报告全文"


def source_documents(data_file: Path) -> list[Path]:
    """The source documents kept beside a data file (``<code>.source.txt`` …)."""
    return [path for path in _source_candidates(data_file) if path.is_file()]


def _source_candidates(data_file: Path) -> list[Path]:
    folder, stem = data_file.parent, data_file.stem
    return [folder / f"{stem}.source{suffix}" for suffix in SOURCE_SUFFIXES]


class _Listings:
    """Whether files exist, from one listing per folder (a review looks for seven files beside each of a
    thousand data files: a look each cost a tenth of a second)."""

    def __init__(self) -> None:
        self.names: dict[Path, frozenset[str]] = {}

    def has(self, path: Path) -> bool:
        names = self.names.get(path.parent)
        if names is None:
            try:
                names = frozenset(os.listdir(path.parent))
            except OSError:
                names = frozenset()
            self.names[path.parent] = names
        return path.name in names and path.is_file()


def scan_source(record: DepartmentYear, path: Path, text: str, words: Sequence[str] = ()) -> list[Item]:
    """The items of a source document's text, line by line."""
    items: list[Item] = []
    for number, line in enumerate(text.splitlines(), 1):
        for hit in find_items(line, words=words):
            items.append(Item(record.code, record.year, record.unit.name, str(path), f"source:{number}",
                              f"{SOURCE_LABEL}（{path.name}）› 第{number}行", hit.kind, hit.text, _context(line, hit)))
    return items


def disclosure_review(root: Path, data_files: Iterable[Path], cache_dir: Path | None = None,
                read_source: Callable[[Path], str] | None = None) -> DisclosureReport:
    """The items of every data file (and, given ``read_source``, of the source documents beside them),
    matched against the project's acknowledgement file.

    With ``cache_dir`` (``_build``), a file whose content (sha256) was read under the same rules and words
    is not read again."""
    root = Path(root)
    words = sensitive_words(root / "_config.yml")
    acceptances = load_acceptances(root / ACCEPTED_FILE)
    stamp = _rules_stamp(words)
    cache_path = cache_dir / CACHE_FILE if cache_dir is not None else None
    cached: dict[str, Any] = {}
    if cache_path is not None:
        try:
            data = json.loads(cache_path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == stamp and isinstance(data.get("files"), dict):
                cached = data["files"]
        except (OSError, ValueError):
            pass
    items: list[Item] = []
    fresh: dict[str, Any] = {}
    files = sorted({Path(p) for p in data_files})
    beside = _Listings()
    for path in files:
        sources = [p for p in _source_candidates(path) if beside.has(p)] if read_source is not None else []
        sides = [p for p in (side_path(path, kind) for kind, _ in SIDE_FILES) if beside.has(p)]
        digest = hashlib.sha256(b"".join(p.name.encode() + hashlib.sha256(p.read_bytes()).digest()
                                         for p in [path, *sources, *sides])).hexdigest()
        entry = cached.get(str(path))
        found: list[Item] | None = None
        if isinstance(entry, dict) and entry.get("sha256") == digest:
            try:
                found = [Item(**i) for i in entry["items"]]
            except (KeyError, TypeError):
                found = None
        if found is None:
            record = load_department(path)
            found = scan_record(record, path, words) + scan_side_files(record, path, words)
            for source in sources:
                found += scan_source(record, source, read_source(source), words)  # type: ignore[misc]
        fresh[str(path)] = {"sha256": digest, "items": [asdict(i) for i in found]}
        items.extend(found)
    if cache_path is not None and fresh != cached:   # (unchanged: not written again)
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_path.with_name(f".{cache_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"stamp": stamp, "files": fresh}, ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")
        os.replace(tmp, cache_path)
    return DisclosureReport(apply_acceptances(items, acceptances), root / ACCEPTED_FILE, len(files))


# --- what the analyst sees --------------------------------------------------------------------------

CSV_HEADER = ("状态", "类别", "内容", "上下文", "部门代码", "年度", "部门名称", "字段", "字段路径", "数据文件", "确认理由")


def csv_text(items: Sequence[Item]) -> str:
    """The analyst's CSV (UTF-8 with BOM for Excel; no cell can run as a formula)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for i in items:
        row = ("已确认" if i.accepted else "未确认", i.kind_label, i.text, i.context, i.code, str(i.year), i.unit,
               i.label, i.field, i.file, i.accepted)
        writer.writerow([neutralise(str(cell)) for cell in row])
    return "\ufeff" + buf.getvalue()


def write_disclosure_csv(items: Sequence[Item], path: Path) -> Path:
    """Write the analyst's CSV (not again when its content is the same)."""
    text = csv_text(items)
    try:
        if path.read_text(encoding="utf-8") == text:
            return path
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def describe_item(item: Item) -> str:
    """One line for the terminal (the caller strips control characters)."""
    state = f"（已确认：{item.accepted}）" if item.accepted else ""
    return (f"{item.unit}（{item.code}）{item.year}年 {item.label}：{item.kind_label}「{item.text}」"
            f"（{item.context}）{state}")
