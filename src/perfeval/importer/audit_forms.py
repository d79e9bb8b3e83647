"""Cross-section rules of the audit, on the figures read from the report (narrative and forms).

``form.items``, ``form.split``, ``form.balance``, ``form.yoy``, ``form.report_date``, ``form.staffing``,
``form.no_variance``, ``form.variance``, ``form.rate``, ``form.adjustment_rate``, ``form.score_header``:
see :mod:`perfeval.importer.audit`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .audit_base import COLUMN_LABELS, TOLERANCE, AuditBase, decimal_places, fmt, round_half_up
from .extraction import Breakdown


class FormRules(AuditBase):
    def adjustment_rate(self) -> None:
        """The mid-year adjustment rate the figures give, when the report states no rate of its own."""
        amount = self.value("adjustment.amount")
        initial = self.value("expenditure.total.budget") or self.value("income.appropriation.budget")
        if amount is None or not initial or self.value("adjustment.declared_rate") is not None:
            return
        rate = round_half_up(amount * 100 / initial, 2)
        self.add("form.adjustment_rate", "note", self.pos_of("adjustment.amount"),
                 f"按文中数字，年中预算调整率为 {fmt(amount)} ÷ {fmt(initial)} = {fmt(rate)}%",
                 {"adjustment": fmt(amount), "initial_budget": fmt(initial), "computed": fmt(rate)}, "adjustment.amount")

    def breakdowns(self) -> None:
        for bd in self.extraction.breakdowns:
            self.check_items(bd)

    def check_items(self, bd: Breakdown) -> None:
        for col in bd.columns:
            suffix = f".{col}" if col else ""
            total = self.value(bd.total + suffix) if col else self.value(bd.total)
            if total is None or not isinstance(total, Decimal):
                continue
            values = [self.value(item + suffix) for item in bd.items]
            known = [v for v in values if v is not None]
            blanks = [item for item, v in zip(bd.items, values) if v is None]
            if not known:
                continue
            summed = sum(known, Decimal(0))
            label = COLUMN_LABELS.get(col, col)
            path = bd.total + suffix
            pos = self.pos_of(path)
            numbers = {"column": col or "total", "total": fmt(total), "sum": fmt(summed),
                       "difference": fmt(total - summed), "items": str(len(bd.items)), "blank_items": str(len(blanks))}
            if not blanks or not bd.complete:
                diff = abs(total - summed)
                if diff == 0 or (not bd.complete and summed < total):
                    continue
                if diff <= TOLERANCE:
                    self.add("form.items", "note", pos, f"{bd.label}（{label}）{fmt(total)} 与各项之和 {fmt(summed)} 相差 "
                             f"{fmt(diff)}，可能为四舍五入", numbers, path)
                else:
                    self.add("form.items", "error", pos, f"{bd.label}（{label}）{fmt(total)} 不等于所列各项之和 "
                             f"{fmt(summed)}（相差 {fmt(total - summed)}）", numbers, path)
            elif summed > total + TOLERANCE:
                self.add("form.items", "error", pos, f"{bd.label}（{label}）{fmt(total)} 小于已填各项之和 {fmt(summed)}"
                         f"（另有 {len(blanks)} 项未填）", numbers, path)
            elif summed < total - TOLERANCE:
                self.add("form.items", "verify", pos, f"{bd.label}（{label}）{fmt(total)} 比已填各项之和 {fmt(summed)} 多 "
                         f"{fmt(total - summed)}，另有 {len(blanks)} 项此列未填，请核对", numbers, path)

    def splits(self) -> None:
        """Totals against their split, for figures that were not stated in one sentence (those are text.sum)."""
        stated = {f.numbers.get("total") for _, _, f in self.findings if f.rule == "text.sum"}
        exp = "expenditure"
        checks = [
            (f"{exp}.total", [f"{exp}.basic", f"{exp}.project"], "支出合计", "基本支出 + 项目支出"),
            (f"{exp}.total", [f"{exp}.personnel", f"{exp}.public", f"{exp}.project"], "支出合计",
             "人员经费 + 公用经费 + 项目支出"),
            (f"{exp}.basic", [f"{exp}.personnel", f"{exp}.public"], "基本支出", "人员经费 + 公用经费"),
        ]
        for total_path, parts, label, parts_label in checks:
            if total_path == f"{exp}.total" and len(parts) == 3 and self.value(f"{exp}.basic") is not None:
                continue
            for col in ("previous", "budget", "adjusted", "actual"):
                total = self.value(f"{total_path}.{col}")
                values = [self.value(f"{p}.{col}") for p in parts]
                if total is None or any(v is None for v in values):
                    continue
                summed = sum(values, Decimal(0))
                diff = abs(total - summed)
                if diff == 0 or fmt(total) in stated:
                    continue
                path = f"{total_path}.{col}"
                numbers = {"column": col, "total": fmt(total), "sum": fmt(summed), "difference": fmt(total - summed)}
                severity = "note" if diff <= TOLERANCE else "error"
                self.add("form.split", severity, self.pos_of(path),
                         f"{label}（{COLUMN_LABELS[col]}）{fmt(total)} 与{parts_label}之和 {fmt(summed)} 相差 "
                         f"{fmt(total - summed)}" + ("，可能为四舍五入" if severity == "note" else ""), numbers, path)

    def balance(self) -> None:
        spent = self.value("expenditure.total.actual")
        income_path = "income.total.actual" if self.value("income.total.actual") is not None else "income.appropriation.actual"
        income = self.value(income_path)
        if spent is None or income is None or spent <= income + TOLERANCE:
            return
        carry = self.value("income.carryover.actual") or self.value("income.carryover.budget")
        if carry is not None and income + carry >= spent - TOLERANCE:
            return
        if re.search(r"上年结转|年初结转|结转结余(?:资金)?(?:收入)?(?:为|：)?\d", self.text):
            return
        self.add("form.balance", "verify", self.pos_of("expenditure.total.actual"),
                 f"支出 {fmt(spent)} 万元高于收入 {fmt(income)} 万元（差 {fmt(spent - income)}），文中未说明上年结转等来源",
                 {"expenditure": fmt(spent), "income": fmt(income), "difference": fmt(spent - income)},
                 "expenditure.total.actual")

    def year_on_year(self) -> None:
        changes = self.data.get("stated_changes") or []
        rows = {"收入": "income.total", "财政拨款收入": "income.appropriation", "三公": "sangong.total",
                "支出": "expenditure.total", "项目支出": "expenditure.project", "公用经费": "public_funds.total"}
        derived: list[tuple[dict[str, Any], Decimal, int]] = []
        for i, ch in enumerate(changes):
            pos = self.extraction.positions.get(f"stated_changes[{i}]", len(self.text))
            current, change, pct = ch.get("current"), ch.get("change"), ch.get("percent")
            if current is None or change is None:
                continue
            previous = current - change
            derived.append((ch, previous, pos))
            numbers = {"current": fmt(current), "change": fmt(change), "previous": fmt(previous)}
            if pct is not None and previous:
                computed = round_half_up(change * 100 / previous, decimal_places(pct))
                numbers.update(stated=fmt(pct), computed=fmt(computed))
                if computed != pct:
                    self.add("form.yoy", "error", pos,
                             f"「{ch['subject']}」同比变动 {fmt(pct)}% 与所述金额不符：{fmt(change)} ÷ {fmt(previous)} "
                             f"= {fmt(computed)}%", numbers, f"stated_changes[{i}]")
            row = next((p for key, p in rows.items() if ch["subject"].startswith(key) or ch["subject"].endswith(key)), None)
            stated_prev = self.value(f"{row}.previous") if row else None
            if stated_prev is not None and stated_prev != previous:
                numbers["previous_in_table"] = fmt(stated_prev)
                self.add("form.yoy", "error", pos,
                         f"「{ch['subject']}」所述变动 {fmt(change)} 万元推出上年为 {fmt(previous)} 万元，"
                         f"表中上年决算数为 {fmt(stated_prev)} 万元", numbers, f"stated_changes[{i}]")
        # A total and a part of it, both compared with the year before: what is left for the rest.
        for ch, prev_total, pos in derived:
            if not re.search(r"^(?:收入|总收入|收入合计|本年收入)$", ch["subject"]):
                continue
            for part, prev_part, _ in derived:
                if part is ch or not re.search(r"财政拨款", part["subject"]):
                    continue
                rest_prev = prev_total - prev_part
                rest_now = ch["current"] - part["current"]
                if rest_prev == rest_now:
                    continue
                self.add("form.yoy", "verify", pos,
                         f"按所述同比变动，上年收入 {fmt(prev_total)} 万元中财政拨款以外的收入为 {fmt(rest_prev)} 万元，"
                         f"本年为 {fmt(rest_now)} 万元，文中未说明",
                         {"previous_total": fmt(prev_total), "previous_part": fmt(prev_part),
                          "previous_rest": fmt(rest_prev), "current_rest": fmt(rest_now)}, "stated_changes")

    def report_date(self) -> None:
        date = self.value("cover.report_date")
        if date is None or not self.year:
            return
        if (date.year, date.month, date.day) <= (self.year, 12, 30):
            self.add("form.report_date", "error", self.pos_of("cover.report_date"),
                     f"报告日期 {date.isoformat()} 早于评价年度 {self.year} 年末，全年支出尚未完成",
                     {"report_date": date.isoformat(), "year": str(self.year)}, "cover.report_date")

    def staffing(self) -> None:
        approved, actual = self.value("staffing.approved"), self.value("staffing.actual")
        if approved is None or actual is None or not approved or actual <= approved:
            return
        rate = round_half_up(Decimal(actual) * 100 / Decimal(approved), 2)
        stated = self.value("staffing.stated_control_rate")
        numbers = {"approved": str(approved), "actual": str(actual), "computed_rate": fmt(rate)}
        if stated is None:
            message = f"实有人数 {actual} 超过编制数 {approved}（控制率 {fmt(rate)}%），控制率未填写，请核实"
        else:
            numbers["stated_rate"] = fmt(stated)
            message = f"实有人数 {actual} 超过编制数 {approved}（控制率 {fmt(rate)}%），请核实原因"
        self.add("form.staffing", "verify", self.pos_of("staffing.actual"), message, numbers, "staffing.actual")
        if stated is not None and round_half_up(Decimal(actual) * 100 / Decimal(approved), decimal_places(stated)) != stated:
            self.add("form.staffing", "error", self.pos_of("staffing.stated_control_rate"),
                     f"在职人员控制率 {fmt(stated)}% 与 {actual} ÷ {approved} 不符", numbers, "staffing.stated_control_rate")

    def _rows(self) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for section in ("income", "expenditure", "sangong"):
            for key, row in (self.data.get(section) or {}).items():
                if isinstance(row, dict):
                    out.append((f"{section}.{key}", row))
        for key in ("procurement", "basic_budget_adjustment"):
            if isinstance(self.data.get(key), dict):
                out.append((key, self.data[key]))
        pf = self.data.get("public_funds") or {}
        if isinstance(pf.get("total"), dict):
            out.append(("public_funds.total", pf["total"]))
        for i, item in enumerate(pf.get("items") or []):
            out.append((f"public_funds.items[{i}]", item))
        for i, p in enumerate(self.data.get("projects") or []):
            if not p.get("managed_only"):
                out.append((f"projects[{i}]", p))
        return out

    def variance(self) -> None:
        rows = [(path, row) for path, row in self._rows() if row.get("budget") is not None and row.get("actual") is not None
                and not path.startswith("expenditure.total")]
        if len(rows) >= 4 and all(row["budget"] == row["actual"] for _, row in rows) and any(row["budget"] for _, row in rows):
            path = rows[0][0]
            self.add("form.no_variance", "verify", self.pos_of(path),
                     f"所列 {len(rows)} 行的本年决算数都等于本年预算数，没有任何执行差异，请核实决算数是否照抄预算",
                     {"rows": str(len(rows))}, path)
            return
        for path, row in rows:
            budget, actual = row["budget"], row["actual"]
            if row.get("previous") is None:
                continue  # not a form row (上年/本年 columns): a narrative budget may be before adjustment
            if not budget or (Decimal("0.5") * budget <= actual <= Decimal("1.5") * budget):
                continue
            rate = round_half_up(actual * 100 / budget, 2)
            name = row.get("name") or label_of(path)
            self.add("form.variance", "verify", self.pos_of(f"{path}.actual"),
                     f"「{name}」本年决算数 {fmt(actual)} 为预算数 {fmt(budget)} 的 {fmt(rate)}%，差异较大，请核实"
                     + (f"（上年决算数 {fmt(row['previous'])}）" if row.get("previous") is not None else ""),
                     {"budget": fmt(budget), "actual": fmt(actual), "rate": fmt(rate)}, f"{path}.actual")

    def fund_rates(self) -> None:
        for i, row in enumerate(self.data.get("self_funds") or []):
            stated = row.get("stated_rate")
            executed = row.get("executed")
            base = row.get("full_year") if row.get("full_year") is not None else row.get("initial")
            if stated is None or executed is None or not base:
                continue
            computed = round_half_up(executed * 100 / base, decimal_places(stated))
            if computed != stated:
                path = f"self_funds[{i}].stated_rate"
                self.add("form.rate", "error", self.pos_of(path),
                         f"自评表「{row['item']}」执行率 {fmt(stated)}% 与 {fmt(executed)} ÷ {fmt(base)} = {fmt(computed)}% 不符",
                         {"stated": fmt(stated), "executed": fmt(executed), "budget": fmt(base),
                          "computed": fmt(computed)}, path)

    def score_header(self) -> None:
        scores = self.data.get("self_scores") or []
        notes = self.data.get("annotations") or {}
        for i, row in enumerate(scores):
            note = notes.get(f"self_scores[{i}].weight") or {}
            if "得分" not in (note.get("as_written") or ""):
                continue
            children = [s for s in scores if s.get("parent") == row["part"]]
            if not children or any(c.get("weight") is None for c in children):
                continue
            weights = sum((c["weight"] for c in children), Decimal(0))
            known_scores = [c["score"] for c in children if c.get("score") is not None]
            if weights != row.get("weight") or len(known_scores) != len(children):
                continue
            scored = sum(known_scores, Decimal(0))
            if scored == weights:
                continue
            path = f"self_scores[{i}]"
            self.add("form.score_header", "verify", self.pos_of(f"{path}.weight"),
                     f"指标表中「{row['part']}」后的 {fmt(row['weight'])} 标为得分，但等于下级分值之和 {fmt(weights)}，"
                     f"而下级得分之和为 {fmt(scored)}：此列实为分值",
                     {"stated": fmt(row["weight"]), "children_weights": fmt(weights), "children_scores": fmt(scored)},
                     path)


def label_of(path: str) -> str:
    """The Chinese name of a field path, from the schema's titles (sangong.reception → 三公经费·公务接待费)."""
    from pydantic import BaseModel

    from perfeval.model.messages import inner_model as _inner_model
    from perfeval.model.schema import DepartmentYear

    from .partial import split_path

    model: Any = DepartmentYear
    names: list[str] = []
    for part in split_path(path):
        if isinstance(part, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        names.append(field.title or part)
        model = _inner_model(field.annotation)
    return "·".join(names) or path
