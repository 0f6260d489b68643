"""The view of an evaluation's assessed 评分表: levels with weights, rows, 总分 and 评价等次."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from ...view import Difference, View, alias
from ..form.view import StatedFormView
from ..indicators.view import IndicatorRows, SubgroupView


class LevelView(View):
    """A 一级指标 of an evaluation's 评分表: its weight, its rows' points and score."""

    name: str = alias("一级指标")
    weight: Decimal | None = alias("权重")
    points: Decimal = alias("分值")
    score: Decimal = alias("得分")
    subgroups: tuple[SubgroupView, ...] = alias("二级指标", ())
    span: int = alias("行数", 1)


class ScoreSheetView(View):
    """评分表 of an evaluation: levels with weights, every row, 总分 and 评价等次."""

    levels: tuple[LevelView, ...] = alias("一级指标", ())
    rows: IndicatorRows = alias("指标")
    points: Decimal = alias("满分")
    total: Decimal = alias("总分")
    grade: str = alias("评价等次")
    stated: StatedFormView = alias("原表")
    differences: tuple[Difference, ...] = alias("差异", ())
    note: str | None = alias("说明")
    visible: bool = Field(True, exclude=True)  # 显示: false — not printed (the document did not publish it)
    template_methods: ClassVar[frozenset[str]] = frozenset({"显示"})

    @property
    def 显示(self) -> bool:
        """Whether the sheet is printed where the report does not place it (the theme's body asks)."""
        return self.visible
