"""The view of an evaluation's assessed 评分表: levels with weights, rows, 总分 and 评价等次, and the counts prose
reads (指标数, 达标数, 未达标数). An unscored sheet (no 分值) has no 满分, 总分 nor 等次 of its own: nothing is
computed from points the document does not have."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ...view import Difference, ModelView, alias, typed
from ..form.view import StatedFormView
from ..indicators.view import Counted, Groups, IndicatorRows, Subgroups
from .model import ScoreSheet


class LevelView(Counted):
    """A 一级指标 of an evaluation's 评分表: its weight, its rows' points and score (None when unscored)."""

    name: str = alias("一级指标")
    weight: Decimal | None = alias("权重")
    points: Decimal | None = alias("分值")
    score: Decimal | None = alias("得分")
    subgroups: Subgroups = alias("二级指标")
    span: int = alias("行数", 1)


class ScoreSheetView(ModelView, Counted):
    """评分表 of an evaluation: levels with weights, every row, 总分 and 评价等次; the columns its table prints. It
    wraps the 评分表 as written: its 说明 is the model's, and 显示 is read from it (never published)."""

    wraps: ClassVar[type[ScoreSheet]] = ScoreSheet
    scored: bool = alias("打分", True)
    levels: Groups = alias("一级指标")
    rows: IndicatorRows = alias("指标")
    points: Decimal | None = alias("满分")
    total: Decimal | None = alias("总分")
    grade: str | None = alias("评价等次")
    stated: StatedFormView = alias("原表")
    differences: tuple[Difference, ...] = alias("差异", ())
    note: Any = typed()
    columns: tuple[str, ...] = alias("列", ())
    template_methods: ClassVar[frozenset[str]] = frozenset({"显示"})

    @property
    def 显示(self) -> bool:
        """Whether the sheet is printed where the report does not place it (the theme's body asks)."""
        return self.validated.visible
