"""Who the report is about: title, unit, staffing stated with its split, duties and plans.

The title (a line naming a 绩效自评/评价 report, joined when broken over two lines, without cover, contents or
attachment words); the unit's name wherever the report states it (a 单位名称 / 部门名称 line or cell, a cover's
评价单位（公章）, the title, the first sentence naming a body), 主管部门, 年度预算金额; staffing "编制 N人（行政编制
a人，事业编制 b人）", "实有 N人 …"; the numbered duties and the plan sections. Labels are the forms registry's;
cover lines, single figures and named lists are read by :mod:`perfeval.importer.labelled`.
"""

from __future__ import annotations

import re

from perfeval.model import forms

from .extraction import TextReader, bracket_depths, clause_start, split_numbered
from .labelled import ORG_SUFFIX, establishment_words, label_pattern, org_name

_TITLE_PREFIX = re.compile(r"^(?:页面标题|正文标题|报告标题|文件标题|标题|封面)[：:]\s*")
#: A title's kind of prefix: the report's own (body) title ranks before a web page's title.
_TITLE_RANK = {"正文标题": 0, "报告标题": 0, "文件标题": 0, "标题": 1, "封面": 1, "": 1, "页面标题": 2}
_TITLE = re.compile(r"(?:绩效(?:自评|评价)|自评|评价)(?:总结)?报告|绩效自评$|整体(?:（项目）)?支出绩效自评|绩效自评表$")
#: What a title line may carry that is not the title: a cover's or contents' word, an attachment number.
_TITLE_JUNK = re.compile(r"^(?:封面|附件\s?\d{1,2}(?:-\d{1,2})?[：:]?|附表\s?\d{0,2})\s*|\s*(?:目\s*录|封面|"
                         r"[（(]?(?:公开|印发|征求意见)稿?[)）]?)$")
#: A line that is never part of a title (dates, sources, attachments, contents entries).
_NOT_TITLE = re.compile(r"报告日期|报告期|发布|来源|日期[：:]|^附件|^附表|^目\s*录$|^[一二三四五六七八九十]{1,3}、|^[（(]")
#: Words of a title around the unit's name: the year and the kind of report.
_TITLE_KIND = re.compile(r"(?:(?:19|20)\d{2}\s*年度?)?(?:部门|单位)?(?:（单位）|\(单位\))?(?:整体)?(?:（项目）)?(?:及?项目)?"
                         r"(?:支出)?(?:及项目支出)?(?:预算执行情况)?绩效(?:自评|评价)(?:自评)?(?:总结)?(?:报告|表)$")


def _clean_title(text: str) -> str:
    text = _TITLE_PREFIX.sub("", text)
    for _ in range(3):
        cleaned = _TITLE_JUNK.sub("", text).strip()
        if cleaned == text:
            break
        text = cleaned
    return text


#: Words before a head count that make it a flow, not a level ("本年调入2人").
_FLOW = re.compile(r"调入|调出|新进|减少|增加|退休")
#: Most leadership posts read from one sentence.
MAX_POSTS = 50


class IdentityReader(TextReader):
    def find_title(self) -> tuple[str, int] | None:
        """The report's title: a line that names a 绩效自评/评价 report (a title broken over two lines is joined),
        without a cover's, contents' or attachment's words; the body's own title before a web page's."""
        candidates: list[tuple[int, int, str, int]] = []
        blocks = self.doc.blocks[:40]
        for i, b in enumerate(blocks):
            prefix = _TITLE_PREFIX.match(b.text)
            kind = prefix.group(0).rstrip("：: \t") if prefix else ""
            text = _clean_title(b.text)
            if len(text) > 80 or _NOT_TITLE.search(text) or not _TITLE.search(text):
                continue
            start = b.start
            prev = blocks[i - 1] if i else None
            if prev is not None and not prev.cell and not b.cell:
                head = _clean_title(prev.text)
                prev_kind = _TITLE_PREFIX.match(prev.text)
                # "标题: 2024年度怀化市民政局部门整体支出" / "绩效自评报告": one title over two lines.
                if (head and len(head) <= 50 and not _TITLE.search(head) and not _NOT_TITLE.search(head)
                        and not re.search(r"[。，；：:！？]", head) and re.search(r"[\u4e00-\u9fff]$", head)
                        and (prev_kind or b.text.startswith(("绩效", "整体", "部门整体", "支出", "自评")))):
                    text, start = head + text, prev.start
                    kind = prev_kind.group(0).rstrip("：: \t") if prev_kind else kind
            year = 0 if re.search(r"(?:19|20)\d{2}\s*年", text) else 1
            candidates.append((_TITLE_RANK.get(kind, 1), year, text, start))
        if not candidates:
            return None
        candidates.sort(key=lambda c: (c[0], c[1]))
        return candidates[0][2], candidates[0][3]

    def unit(self, title: tuple[str, int] | None) -> None:
        """The unit's name, wherever the report states it: a 单位名称 / 部门名称 / 预算单位名称 / 部门 line or cell, a
        cover's 评价单位（公章）, the title, the first sentence that names a body ("下桥镇人民政府为…")."""
        if self.unit_name:
            self.out.data.setdefault("unit", {})["name"] = self.unit_name
        elif not self._unit_from_lines() and self._unit_from_title(title):
            # The title may shorten the name the body gives in full ("城关镇…" / "舟曲县城关镇…"): the full one.
            short = self.out.data["unit"]["name"]
            full = self._sentence_name()
            if full and full[0] != short and full[0].endswith(short):
                self.set("unit.name", full[0], full[1], "取自正文（标题中的简称的全称）", replace=True)
        elif not self.has("unit.name"):
            found = self._sentence_name()
            if found:
                self.set("unit.name", found[0], found[1], "取自正文首句")
        sup = self.cell_after("主管部门|主管单位")
        if sup and not re.fullmatch(r"[（(]?(?:空|略|无)[)）]?", sup[0]) and org_name(sup[0]):
            self.set("unit.supervisor", sup[0], sup[1])
        self.take("unit.annual_budget", forms.pattern(["unit.annual_budget"]).pattern, window=20)

    def _unit_from_lines(self) -> bool:
        for wanted in ("unit.name", "cover.evaluated_unit"):
            for label, value, pos in self.pairs():
                if not any(e.path == wanted for e in forms.match(label, kind="text")):
                    continue
                name = org_name(re.sub(r"[（(](?:公章|盖章|签章)[)）]", "", _TITLE_PREFIX.sub("", value)))
                if name:
                    if wanted == "cover.evaluated_unit":
                        self.set("cover.evaluated_unit", name, pos)
                    return self.set("unit.name", name, pos, "" if wanted == "unit.name" else "取自封面评价单位")
        return False

    def _unit_from_title(self, title: tuple[str, int] | None) -> bool:
        if not title:
            return False
        text = _TITLE_KIND.sub("", title[0]).strip()
        m = re.match(r"^(?:(?:19|20)\d{2}\s*年度?)?(?P<name>.+?)(?:(?:19|20)\d{2}\s*年度?)?$", text)
        name = org_name(m.group("name")) if m else None
        if name and not re.fullmatch(r"部门|单位|本部门|本单位", name):
            return self.set("unit.name", name, title[1], "取自报告标题")
        return False

    def _sentence_name(self) -> tuple[str, int] | None:
        """The name of the first sentence of the body that starts with a body's name and says what it is or does."""
        for sent in self.doc.sentences[:200]:
            m = re.match(r"(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[、.．])?(?P<name>[\u4e00-\u9fff（）]{3,40}?"
                         + ORG_SUFFIX + r")(?:是|为|系|属于?|成立于|位于|承担|负责|主要)", sent.text)
            if m:
                name = org_name(m.group("name"))
                if name:
                    return name, sent.start + m.start("name")
        return None

    # ----- staffing and organisation ----------------------------------------------------
    def staffing(self) -> None:
        """编制数 and 实有人数 stated with their split by kind in brackets: "编制 30人（行政编制10人，事业编制20人）",
        "在职32人（行政32人、事业0人、工勤0人）". The labels are the registry's; single figures (a cell, a clause,
        "核定行政编制26名") are read by :mod:`perfeval.importer.labelled`."""
        for path, label in (("approved", label_pattern("staffing.approved")),
                            ("actual", label_pattern("staffing.actual") + r"|(?:年末|期末)?(?:实有|在职)(?=\s?\d)")):
            found = re.compile(rf"(?:{label})(?:为|共|是)?[：:]?\s?(\d{{1,7}})\s?(?:人|名)(?:[（(]([^（）()]{{2,60}})[)）])?"
                               ).finditer(self.text)
            # "财政核定编制在职人员为36人" is the establishment, not the people in post
            m = next((m for m in found if path == "approved" or not establishment_words(
                self.text[clause_start(self.text, m.start(), limit=30):m.start()])), None)
            if not m or _FLOW.search(self.text[max(0, m.start() - 12):m.start()]):
                continue
            self.set(f"staffing.{path}", int(m.group(1)), m.start(1))
            if not m.group(2) or re.match(r"含", m.group(2)):
                continue   # "（含工勤编制7人）" is a part inside a kind, read with the clauses
            for k in re.finditer(r"(行政|事业|工勤)[^\d，、,；]{0,6}?(\d{1,7})\s?(?:人|名)?", m.group(2)):
                kind = {"行政": "admin", "事业": "institution", "工勤": "worker"}[k.group(1)]
                self.set(f"staffing.{path}_{kind}", int(k.group(2)), m.start(2) + k.start(2))

    _POST = re.compile(r"(?P<name>[\u4e00-\u9fff]{0,10}?(?:主任|局长|书记|部长|主席|秘书长|督查员|调研员|科长|院长|站长|所长|"
                       r"队长|馆长|校长|领导职数|职数))(?:为|共)?(?P<n>\d{1,3})\s?名")

    def posts(self) -> None:
        """领导职数: the posts a paragraph lists with their numbers ("设办公室主任1名…；督查员3名。内设科室领导职数9名"),
        the names as written (without a leading 设/核定/其中 or a trailing 职数)."""
        for block in self.doc.blocks:
            depth = bracket_depths(block.text)
            found = [m for m in self._POST.finditer(block.text)   # not a remark in brackets about a post above
                     if not _FLOW.search(block.text[max(0, m.start() - 6):m.start()]) and not depth[m.start("n")]]
            if not found or not (re.search(r"职数|领导|职务", block.text) or len(found) >= 2):
                continue
            for i, m in enumerate(found[:MAX_POSTS]):
                name = re.sub(r"^(?:[设有]|核定|其中|另设)(?=[\u4e00-\u9fff]{2})", "", m.group("name"))
                name = re.sub(r"(?<=[\u4e00-\u9fff]{2})职数$", "", name)
                self.set(f"staffing.posts[{i}].name", name, block.start + m.end("name") - len(name))
                self.set(f"staffing.posts[{i}].count", int(m.group("n")), block.start + m.start("n"))
            return

    def document_number(self) -> None:
        """The first document number the report cites (its basis: "徐财绩〔2025〕5号", "怀办〔2024〕35号"), as written."""
        m = re.search(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\s?(?:19|20)\d{2}\s?[〕\]］)）]\s?\d{1,4}\s?号", self.text)
        if m:
            self.set("cover.document_number", m.group(0), m.start())

    # ----- duties, plans, goals ----------------------------------------------------------
    def duties(self) -> None:
        heads = [b for b in self.doc.blocks if b.heading and re.search(r"职能职责|基本职能|部门职能|主要职能|单位职能", b.text)]
        head = next((h for h in heads if self.section_blocks(h)), None)
        duties: list[str] = []
        if head:
            body = "\n".join(b.text for b in self.section_blocks(head))
            base = self.doc.blocks[head.index + 1].start if head.index + 1 < len(self.doc.blocks) else head.start
            items = split_numbered(body)
            for i, (_, text) in enumerate(items):
                duties.append(text.replace("\n", ""))
                self.record(f"duties[{i}]", base + body.find(text))
        if duties:
            self.out.data["duties"] = duties

    def _section_text(self, pattern: str, key: str) -> None:
        head = self.heading(pattern)
        blocks = self.section_blocks(head) if head else []
        if blocks:
            self.set(key, "".join(b.text for b in blocks), blocks[0].start)

    def plans(self) -> None:
        self._section_text(r"长期规划|中长期规划|发展规划", "long_term_plan")
        # "年度工作计划", "年度重点工作", "年度总体工作和重点工作任务" (Guangdong), "年度主要工作任务"
        self._section_text(r"年度(?:工作)?计划|年度[^，。；：]{0,6}重点工作|年度(?:总体|主要)?工作任务|重点工作任务", "annual_plan")
