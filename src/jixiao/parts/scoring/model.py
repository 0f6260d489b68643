"""The input model of a department's 评分: its parts, each with 分值 and 得分."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ...located import Located


class ScorePart(Located):
    """One part of a whole-department score (总体绩效 65 / 项目绩效 35)."""

    name: str = Field(alias="名称", description="评分部分的名称，例如 总体绩效。")
    points: Decimal = Field(alias="分值", ge=0, description="这一部分的分值。")
    score: Decimal = Field(alias="得分", ge=0, description="这一部分的得分。")
