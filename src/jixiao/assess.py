"""Apply the scoring rules to a validated report and build its typed view: each part computes itself
(parts/<part>/compute.py); this module runs them in order, collects their errors and findings, and puts
the report's own figures (总分, 评价等次 of a single form, an evaluation or a 评分) together.

The view (views.py, and each part's view.py) carries the same Chinese names as report.yaml plus every computed figure
(执行率, 得分, 总分, 评价等次 …). Templates, Markdown expressions, the audit and data.json all
read this one view, so prose, tables and open data cannot disagree. Inputs that cannot be
scored are SourceErrors; stated figures that differ from the rules are Findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from .compute import Rules
from .errors import ErrorGroup, Location, SourceError
from .findings import Finding, acknowledged
from .located import Located
from .model import Report
from .parts.data_table.compute import PreviousTable, assess_tables
from .parts.figures.compute import assess_figures
from .parts.form.compute import assess_form
from .parts.form.view import Forms
from .parts.score_sheet.compute import assess_score_sheet
from .parts.scoring.compute import assess_scoring
from .provenance import Typed, total_of, traced, written_at
from .reporttypes import ReportType
from .values import Score
from .view import Difference
from .views import ReportView, SignatureView


@dataclass
class Inputs:
    """What a report's figures depend on besides its own data: its type, the site's unit, what the site
    model (library.py) resolved, and the order in which its text places tables and charts."""

    kind: ReportType | None = None
    default_unit: str = "万元"
    previous: dict[str, PreviousTable] = field(default_factory=dict)  # last year's tables, for 同比
    glossary: tuple[tuple[str, str], ...] = ()  # the 名词解释 the report selected
    placed_tables: list[str] = field(default_factory=list)  # ::表格[…] in the order the text has them
    placed_charts: list[str] = field(default_factory=list)  # ::图[…]
    anchor_prefix: str = ""  # the page's prefix for this report's ids (an attachment's a1- …), for its figures


class Assessment:
    """Collects errors and findings while one report is assessed."""

    def __init__(self, rules: Rules, scope: str = ""):
        self.rules = rules
        self.scope = scope
        self.errors: list[SourceError] = []
        self.findings: list[Finding] = []

    def where(self, obj: Located, *keys: str) -> Location:
        """Location of the first of `keys` that the author wrote (aliases differ), else of obj."""
        source = obj._source
        for key in keys:
            if source is not None and key in source:
                return obj.locate(key)
        return obj.locate()

    def typed(self, obj: Located, path: str, value: Any, *keys: str) -> Typed:
        """The origin of a value the author wrote under one of `keys` of obj."""
        return written_at(obj, path, value, self.scope, *keys)

    def written(self, obj: Located, path: str, value: Any, *keys: str) -> Any:
        """A figure as written, carrying its origin."""
        return traced(value, written_at(obj, path, value, self.scope, *keys))

    def total(self, path: str, rule: str, parts: list[Any], stated: Any = None, name: str | None = None) -> Score:
        return total_of(path, rule, parts, self.scope, stated, name)

    def differ(self, obj: Located, key: str, stated: Any, computed: Any, what: str) -> list[Difference]:
        """Record a stated figure that differs from the computed one; acknowledged by 核对说明 → note."""
        if stated is None or computed is None or Decimal(stated) == Decimal(computed):
            return []
        note = getattr(obj, "check_note", None)
        self.findings.append(
            acknowledged(
                self.where(obj.stated, key), note, "stated-differs", f"{what}: 原表为 {stated}，按规则计算为 {computed}"
            )
        )
        return [Difference.make(item=what, stated=stated, computed=computed)]


def assess_report(report: Report, rules: Rules, inputs: Inputs | None = None) -> tuple[ReportView, list[Finding]]:
    """Compute every figure of a report; raise ErrorGroup if any row cannot be scored."""
    inputs = inputs or Inputs()
    if report.words:  # the report's own qualitative words, beside the site's
        rules = replace(rules, words={**rules.words, **report.words})
    run = Assessment(rules, inputs.anchor_prefix)
    kind = inputs.kind
    forms = Forms(assess_form(run, form, report.year, kind, f"自评表.{i}") for i, form in enumerate(report.forms))
    tables, table_findings, table_errors = assess_tables(
        report,
        rules,
        inputs.previous,
        inputs.default_unit,
        forms,
        inputs.placed_tables,
        inputs.placed_charts,
        run.scope,
    )
    run.errors += table_errors
    run.findings += table_findings
    sheet = assess_score_sheet(run, report, kind) if report.score_sheet else None
    named, named_findings = assess_figures(report, run.scope)
    run.findings += named_findings
    if run.errors:
        raise run.errors[0] if len(run.errors) == 1 else ErrorGroup(run.errors)
    figures: dict[str, Any] = {}
    if len(forms) == 1:
        figures = {"total": forms[0].total, "grade": forms[0].grade, "rate": forms[0].rate}
    if sheet is not None:
        figures = {"score_sheet": sheet, "full_marks": sheet.points, "total": sheet.total, "grade": sheet.grade}
    if report.scoring:
        figures = assess_scoring(report.scoring, rules, run.scope)
        if report.stated and report.stated.total is not None and report.stated.total != figures["total"]:
            run.findings.append(
                acknowledged(
                    report.stated.locate("总分"),
                    report.check_note,
                    "stated-differs",
                    f"总分: 原表为 {report.stated.total}，按评分计算为 {figures['total']}",
                )
            )
    view = ReportView.make(
        kind=report.kind,
        title=report.title,
        unit=report.unit,
        year=report.year,
        date=report.date.isoformat() if report.date else None,
        summary=report.summary,
        forms=forms,
        signature=SignatureView.make(
            unit=report.signature.unit, date=report.signature.date.isoformat() if report.signature.date else None
        )
        if report.signature
        else None,
        tables=tables,
        figures=named,
        table_numbers={n: t.number for n, t in tables.items() if t.number},
        chart_numbers={n: t.chart.number for n, t in tables.items() if t.chart and t.chart.number},
        glossary=inputs.glossary,
        **figures,
    )
    return view, run.findings
