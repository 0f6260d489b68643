"""What the audit reads of indicator rows: each row's input beside its view (the input knows where it was
written and its 核对说明; the view knows the verdict)."""

from __future__ import annotations

from typing import Any

from .model import Indicator
from .view import IndicatorView


def indicator_pairs(tree: dict[str, Any], rows: list[IndicatorView]) -> list[tuple[Indicator, IndicatorView]]:
    models = [row for group in tree.values() for items in (group or {}).values() for row in items or []]
    return list(zip(models, rows))


# -- the forms ----------------------------------------------------------------------------------------
