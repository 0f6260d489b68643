"""The view of a department's 评分 parts: each wraps its part as typed (名称) and carries its figures with their
origins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ...view import ModelView, alias, typed
from .model import ScorePart


class ScorePartView(ModelView):
    wraps: ClassVar[type[ScorePart]] = ScorePart
    name: Any = typed()
    points: Decimal = alias("分值")
    score: Decimal = alias("得分")
