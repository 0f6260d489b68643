"""Named figures in the audit: prose that names a figure of 数据 must print it (narrative-number), in its unit
or one it converts to (2.86亿元 = 28600万元)."""

from __future__ import annotations

from typing import Any

from ...quantity import parse_unit
from .view import FigureView


def kind_of(unit: str | None) -> str:
    """How the audit compares a named figure: a rate (%), money (元, 万元, 亿元) or a count in its own unit."""
    if unit in ("%", "％"):
        return "rate"
    parsed = parse_unit(unit)
    return "money" if parsed is not None and parsed.base == "元" and not parsed.per else "count"


def named_figures(figures: dict[str, Any], make: Any) -> list[Any]:
    """The audit's figures (made by `make`, audit.Figure) for each named figure with a number."""
    return [
        make(name, figure.value, kind_of(figure.unit), figure.unit, name, "数据", f"数据.{name}")
        for name, figure in figures.items()
        if isinstance(figure, FigureView) and len(name) >= 2
    ]
