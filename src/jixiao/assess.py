"""Apply the scoring rules to a validated report and build its typed view: each part of the registry computes
itself (parts/<part>/compute.py); this module runs them in the registry's order, collects their errors and
findings, and takes the report's own figures (满分, 总分, 评价等次, 执行率) from the last part that decides them
(a single form, then an evaluation's 评分表, then a 评分).

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
from .parts.data_table.compute import PreviousTable
from .parts.registry import COMPUTING
from .provenance import Typed, total_of, traced, written_at, written_key
from .reporttypes import ReportType
from .values import Score
from .view import Difference
from .views import FIGURES, ReportView


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
        source = obj.source_map
        if source is None:
            return Location(None)
        return source.locate(written_key(source, keys))

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
    views: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    for part in COMPUTING:
        if part.compute is None:
            continue
        computed = dict(part.function(part.compute)(run, report, inputs, views))
        decided = {name: computed.pop(name) for name in FIGURES if name in computed}
        figures = decided or figures
        views.update(computed)
    if run.errors:
        raise run.errors[0] if len(run.errors) == 1 else ErrorGroup(run.errors)
    view = ReportView.make(
        kind=report.kind,
        title=report.title,
        unit=report.unit,
        year=report.year,
        date=report.date.isoformat() if report.date else None,
        summary=report.summary,
        glossary=inputs.glossary,
        **views,
        **figures,
    )
    return view, run.findings
