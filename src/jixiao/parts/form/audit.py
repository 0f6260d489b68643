"""The audit rules of a 自评表's own figures: 其中 against 年度资金总额, and the 偏差原因 a row that is not fully
met must give."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...findings import Finding, acknowledged
from ...quantity import format_number
from ..indicators.audit import indicator_pairs
from .model import Form
from .view import FormView


def audit_forms(report: Any, view: Any, paragraphs: list[Any], verdicts: Any) -> list[Finding]:
    """The 自评表's own rules, form by form: 其中 against 年度资金总额, the 偏差原因 of a row not fully met, and each
    row's verdict against the texts (`verdicts`: the audit's check_verdicts over its paragraphs)."""
    findings: list[Finding] = []
    for form in view.forms:
        model = form.validated
        findings += check_parts(model, form)
        findings += check_deviations(model, form)
        findings += verdicts(indicator_pairs(model.indicators, form.rows), paragraphs)
    return findings


def check_parts(model: Form, form: FormView) -> list[Finding]:
    """The 其中 rows of 项目资金 must add up to 年度资金总额, column by column; parts that add up to more
    than the whole usually count an item twice."""
    funds = form.funds
    if not funds.parts:
        return []
    columns = (("年初预算数", "initial"), ("全年预算数", "budget"), ("全年执行数", "executed"))
    gaps = []
    for label, attribute in columns:
        whole = getattr(funds.total, attribute)
        parts = sum((getattr(p, attribute) for p in funds.parts if getattr(p, attribute) is not None), Decimal(0))
        if whole is not None and parts != whole:
            more = "，各项之和超过总额，是否有一项被重复计算？" if parts > whole else ""
            gaps.append(f"{label} 其中合计 {format_number(parts)} ≠ 总额 {format_number(whole)}{more}")
    if not gaps:
        return []
    if all(getattr(p, a) is None for p in funds.parts for _, a in columns):
        names = "、".join(p.name for p in funds.parts)
        gaps = [f"其中各项（{names}）均未填写，与年度资金总额 {funds.total.budget} 不符"]
    empty = [
        part for part in model.funds.parts if any(getattr(part, f) is None for f in ("initial", "budget", "executed"))
    ]
    where = empty[0].locate() if empty else model.funds.locate("其中")
    return [acknowledged(where, model.funds.check_note, "parts-sum", f"{form.project} 项目资金: " + "；".join(gaps))]


def check_deviations(model: Form, form: FormView) -> list[Finding]:
    """A row not fully met needs its 偏差原因分析及改进措施 (the form requires one)."""
    found = []
    for item, row in indicator_pairs(model.indicators, form.rows):
        if row.score is not None and row.score < row.points and not row.deviation:
            found.append(
                acknowledged(
                    item.locate(),
                    item.check_note,
                    "deviation-missing",
                    f"{row.name}: 得分 {row.score} 未达满分 {row.points}，缺少偏差原因分析及改进措施",
                )
            )
    return found
