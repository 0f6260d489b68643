"""Audit rules over a report's data and text: what `jixiao check` reports besides errors.

Each rule has an id and produces Findings at file:line. A finding is acknowledged by the
`说明` of the object it belongs to (a form, 项目资金, 年度总体目标, a row) or, for Markdown,
by `说明:` in the section's front matter; it then becomes a note instead of a warning.
Scoring findings (stated-differs, unit-mismatch, weights, qualitative-band) are made in
assess.py, where the figures are computed; this module reads the texts and the totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator

from .errors import Location
from .findings import Finding, acknowledged
from .load import Source
from .model import Form, Report
from .quantity import format_number
from .views import FormView, ReportView

_RATE_RE = re.compile(r"执行率(?:为|是|达到|达|：|:)?\s*(\d+(?:\.\d+)?)\s*[%％]")
_TOTAL_RE = re.compile(r"总分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)\s*分")
_BUDGET_SCORE_RE = re.compile(r"预算执行得分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)")
_BAD_YEAR_RE = re.compile(r"(?<![\d.])(\d{5,})\s*年")
_YEAR_RE = re.compile(r"(?<![\d.\-—~至])((?:19|20)\d{2})\s*年(?!\s*[-—~至])")
_LEADING_YEAR_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*年")
_YUAN_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*元")
_BARE_AMOUNT_RE = re.compile(r"(?:预算数?|支出|执行数|拨款|结余|资金)(?:为|是|共|合计)?\s*(\d+\.\d{2})(?![\d.%％‰万亿元])")
_EXPRESSION_RE = re.compile(r"\{\{.*?\}\}", re.S)
_CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


@dataclass
class Text:
    """A piece of prose to audit: where it is, which form it speaks of, and who acknowledges it."""

    text: str
    location: Location
    form: dict[str, Any] | None
    note: str | None
    first_line: int = 0  # for Markdown: the file line of text[0]; 0 = report every finding at `location`
    leading_year_matters: bool = False


def audit_report(report: Report, view: ReportView, source: Source) -> list[Finding]:
    """Run every text and total rule over one report."""
    findings: list[Finding] = []
    forms = view.forms
    for model, form in zip(report.forms, forms):
        findings += check_parts(model, form)
        findings += check_deviations(model, form)
    texts = list(collect_texts(report, forms, source))
    for text in texts:
        findings += check_numbers(text, forms)
        findings += check_years(text, report.year)
        findings += check_money_units(text)
    findings += check_title_year(report)
    return findings


def check_parts(model: Form, form: dict[str, Any]) -> list[Finding]:
    """The 其中 rows of 项目资金 must add up to 年度资金总额, column by column."""
    funds = form["项目资金"]
    if not funds["其中"]:
        return []
    columns = ("年初预算数", "全年预算数", "全年执行数")
    gaps = []
    for column in columns:
        whole = funds["年度资金总额"][column]
        parts = sum((p[column] for p in funds["其中"] if p[column] is not None), Decimal(0))
        if whole is not None and parts != whole:
            gaps.append(f"{column} 其中合计 {format_number(parts)} ≠ 总额 {format_number(whole)}")
    if not gaps:
        return []
    if all(p[c] is None for p in funds["其中"] for c in columns):
        names = "、".join(p["名称"] for p in funds["其中"])
        gaps = [f"其中各项（{names}）均未填写，与年度资金总额 {funds['年度资金总额']['全年预算数']} 不符"]
    empty = [part for part in model.funds.parts
             if any(getattr(part, f) is None for f in ("initial", "budget", "executed"))]
    where = empty[0].locate() if empty else model.funds.locate("其中")
    return [acknowledged(where, model.funds.check_note, "parts-sum",
                    f"{form['项目名称']} 项目资金: " + "；".join(gaps))]


def check_deviations(model: Form, form: dict[str, Any]) -> list[Finding]:
    """A row not fully met needs its 偏差原因分析及改进措施 (the form requires one)."""
    found = []
    rows = [row for group in model.indicators.values() for items in (group or {}).values() for row in items or []]
    for item, row in zip(rows, form["指标"]):
        if row["得分"] is not None and row["得分"] < row["分值"] and not row["偏差原因分析及改进措施"]:
            found.append(acknowledged(item.locate(), item.check_note, "deviation-missing",
                                 f"{row['三级指标']}: 得分 {row['得分']} 未达满分 {row['分值']}，缺少偏差原因分析及改进措施"))
    return found


def collect_texts(report: Report, forms: list[FormView], source: Source) -> Iterator[Text]:
    """Every prose field of the report.yaml and every Markdown section."""
    for model, form in zip(report.forms, forms):
        for key, value in (("评价结论", model.conclusion), ("存在问题", model.problems),
                           ("改进措施", model.measures), ("项目实施内容及过程概述", model.process)):
            if value:
                yield Text(value, model.locate(key), form, model.check_note)
        if model.goal.achieved:
            yield Text(model.goal.achieved, model.goal.locate("实际完成情况"), form, model.goal.check_note,
                       leading_year_matters=True)
        if model.funds.reason:
            yield Text(model.funds.reason, model.funds.locate("原因"), form, model.funds.check_note)
    if report.summary:
        yield Text(report.summary, report.locate("摘要"), None, None, leading_year_matters=True)
    for section in source.sections:
        body = _CODE_RE.sub(_blank, _EXPRESSION_RE.sub(_blank, section.body))
        note = section.meta.check_note
        offset = 0
        for paragraph in re.split(r"(\n\s*\n)", body):
            if paragraph.strip() and not paragraph.startswith("\n"):
                line = section.first_line + body.count("\n", 0, offset)
                yield Text(paragraph, Location(section.path, line), _form_named(paragraph, forms), note,
                           first_line=line, leading_year_matters=True)
            offset += len(paragraph)


def _blank(match: re.Match) -> str:
    """Replace an expression or code span by spaces, keeping line breaks (and so line numbers)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _form_named(paragraph: str, forms: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The form a Markdown paragraph speaks of: the one it names, or the only one."""
    named = [f for f in forms if f["项目名称"] in paragraph]
    if len(named) == 1:
        return named[0]
    return forms[0] if len(forms) == 1 else None


def _at(text: Text, index: int) -> Location:
    if not text.first_line:
        return text.location
    return Location(text.location.path, text.first_line + text.text.count("\n", 0, index))


def check_numbers(text: Text, forms: list[dict[str, Any]]) -> list[Finding]:
    """A figure written in prose must equal the computed figure it names; suggest the expression."""
    form = text.form
    if form is None:
        return []
    index = forms.index(form)
    checks = ((_RATE_RE, "执行率", "%"), (_TOTAL_RE, "总分", "分"), (_BUDGET_SCORE_RE, "预算执行得分", ""))
    found = []
    for pattern, name, unit in checks:
        for match in pattern.finditer(text.text):
            written = Decimal(match.group(1))
            computed = form[name]
            if computed is None or written == Decimal(computed):
                continue
            found.append(acknowledged(_at(text, match.start()), text.note, "narrative-number",
                                 f"{form['项目名称']}: 文中写 {name} {match.group(1)}{unit}，按数据为 {computed}；"
                                 f"可改写为 {{{{ 自评表[{index}].{name} }}}}"))
    return found


def check_years(text: Text, year: int) -> list[Finding]:
    """Malformed years anywhere; a text that opens with another year; years after the report's."""
    found = []
    for match in _BAD_YEAR_RE.finditer(text.text):
        found.append(acknowledged(_at(text, match.start()), text.note, "year-mismatch",
                             f"年份「{match.group(0)}」写法有误"))
    leading = _LEADING_YEAR_RE.match(text.text)
    if text.leading_year_matters and leading and int(leading.group(1)) != year:
        found.append(acknowledged(_at(text, 0), text.note, "year-mismatch",
                             f"{year} 年度报告中的这段文字以「{leading.group(0).strip()}」开头，年份是否有误？"))
    for match in _YEAR_RE.finditer(text.text):
        if int(match.group(1)) > year + 1:
            found.append(acknowledged(_at(text, match.start()), text.note, "year-mismatch",
                                 f"{year} 年度报告提到以后的年份「{match.group(0).strip()}」"))
    return found


def check_money_units(text: Text) -> list[Finding]:
    """Amounts are in 万元: a large amount in 元, or an amount without any unit, is suspicious."""
    found = []
    for match in _YUAN_RE.finditer(text.text):
        before = text.text[max(match.start() - 1, 0):match.start()]
        if before in ("万", "亿", "千") or Decimal(match.group(1)) < 100:
            continue
        found.append(acknowledged(_at(text, match.start()), text.note, "money-unit",
                             f"金额「{match.group(0)}」以元计，本报告金额以万元计，单位是否应为万元？"))
    for match in _BARE_AMOUNT_RE.finditer(text.text):
        found.append(acknowledged(_at(text, match.start()), text.note, "money-unit",
                             f"金额「{match.group(0)}」没有单位（万元/元）"))
    return found


def check_title_year(report: Report) -> list[Finding]:
    """A year in the 标题 must be the report's."""
    return [acknowledged(report.locate("标题"), None, "year-mismatch", f"标题中的年份 {m.group(1)} 与年度 {report.year} 不符")
            for m in _YEAR_RE.finditer(report.title) if int(m.group(1)) != report.year]

