"""A department's 评分 as a part of a report: its key in report.yaml and data.json, its computation and table."""

from __future__ import annotations

from pydantic import Field

from ...view import alias
from .. import Part
from .model import ScorePart
from .view import ScorePartView

PART = Part(
    "评分",
    __package__,
    fields={
        "scoring": (
            list[ScorePart] | None,
            Field(None, alias="评分", description="部门整体评分的各部分（名称、分值、得分），相加为总分。"),
        )
    },
    views={"scores": (tuple[ScorePartView, ...] | None, alias("评分"))},
    compute="compute:assess_part",
    layouts={"评分": "layout:lay_out"},
)
