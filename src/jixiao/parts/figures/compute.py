"""Named figures computed: each read once (model.read_figure) into its view, its number a figure with its origin;
a list's stated count (数量) against its names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...findings import Finding, acknowledged
from ...model import Report
from ...provenance import Typed
from ...values import Number
from ...yamlsource import SourceMap
from .model import names_of, read_figure
from .view import FigureView, NameList

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs


def assess_part(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """The report's named figures, and the findings of their stated counts."""
    views, findings = assess_figures(report, run.scope)
    run.findings += findings
    return {"figures": views}


def assess_figures(report: Report, scope: str = "") -> tuple[dict[str, Any], list[Finding]]:
    """数据 of a report: name → FigureView (or NameList for a list of names), and the findings of stated counts."""
    views: dict[str, Any] = {}
    findings: list[Finding] = []
    source = report.source_map.get("数据") if report.source_map is not None else None
    for name, value in report.figures.items():
        where = source.locate(name) if isinstance(source, SourceMap) else report.locate("数据")
        listed = names_of(value)
        if listed is not None:
            names, count = listed
            views[name] = NameList(names)
            if count is not None and count != len(names):
                findings.append(
                    acknowledged(
                        where,
                        report.check_note,
                        "stated-differs",
                        f"{name}: 原文印出 {count} 个，名单列了 {len(names)} 个（{NameList(names)}）",
                    )
                )
            continue
        written = read_figure(value)
        number = Number(written.value)
        number.origin = Typed(f"数据.{name}", name, written.text, where, name, scope)
        views[name] = FigureView.make(
            text=written.text,
            value=number,
            high=Number(written.high) if written.high is not None else None,
            unit=written.unit,
            qualifier=written.qualifier,
        )
    return views, findings
