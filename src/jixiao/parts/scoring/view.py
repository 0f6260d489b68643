"""The view of a department's 评分 parts."""

from __future__ import annotations

from decimal import Decimal

from ...view import View, alias


class ScorePartView(View):
    name: str = alias("名称")
    points: Decimal = alias("分值")
    score: Decimal = alias("得分")
