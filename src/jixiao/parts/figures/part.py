"""数据 (named figures) as a part of a report: the figures its prose states (2.86亿元, 410余家, 近20项, a list of
names), each read once with its unit, decimals and qualifier, and compared where the prose states them again."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ...view import alias
from .. import Part
from .model import NamedFigure

PART = Part(
    "数据",
    __package__,
    fields={
        "figures": (
            dict[str, NamedFigure],
            Field(
                default_factory=dict,
                alias="数据",
                description="命名数字：名称 → 2.86亿元、410余家、近20项、20%—40%，或名单。",
            ),
        )
    },
    views={"figures": (dict[str, Any], alias("数据", {}))},  # FigureView, or NameList for a list of names
    compute="compute:assess_part",
)
