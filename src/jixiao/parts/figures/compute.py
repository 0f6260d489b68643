"""Named figures computed: each read once (model.read_figure) into its view, its number a figure with its origin."""

from __future__ import annotations

from typing import Any

from ...model import Report
from ...provenance import Typed
from ...values import Number
from .model import read_figure
from .view import FigureView, NameList


def assess_figures(report: Report, scope: str = "") -> dict[str, Any]:
    """数据 of a report: name → FigureView (or NameList for a list of names)."""
    views: dict[str, Any] = {}
    for name, value in report.figures.items():
        if isinstance(value, list):
            views[name] = NameList(value)
            continue
        written = read_figure(value)
        number = Number(written.value)
        number.origin = Typed(f"数据.{name}", name, written.text, report.locate("数据"), name, scope)
        views[name] = FigureView.make(
            text=written.text,
            value=number,
            high=Number(written.high) if written.high is not None else None,
            unit=written.unit,
            qualifier=written.qualifier,
        )
    return views
