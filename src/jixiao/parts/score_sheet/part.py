"""An evaluation's 评分表 as a part of a report: its key in report.yaml and data.json, its computation and table."""

from __future__ import annotations

from pydantic import Field

from ...view import alias
from .. import Part
from .model import ScoreSheet
from .view import ScoreSheetView

PART = Part(
    "评分表",
    __package__,
    fields={
        "score_sheet": (
            ScoreSheet | None,
            Field(None, alias="评分表", description="绩效评价的评分表（一级指标及其权重、二级、三级指标）。"),
        )
    },
    views={"score_sheet": (ScoreSheetView | None, alias("评分表"))},
    compute="compute:assess_part",
    needs=("tables", "figures"),
    audit="audit:audit_sheet",
    layouts={"评分表": "layout:lay_out"},
    tables={"评分表": "tables/evaluation.html"},
    place="place:place_table",
    requirable=("评分表",),
)
