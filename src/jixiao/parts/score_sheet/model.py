"""The input model of an evaluation's 评分表."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AliasChoices, Field

from ...located import CheckNote, Located, check_note
from ..form.model import StatedForm
from ..indicators.model import Column, IndicatorTree


class StatedSheet(StatedForm):
    """What the document printed of its score sheet; an evaluation that publishes no points states its overall
    得分 (or 总分), shown as stated."""

    total: Decimal | None = Field(
        None,
        validation_alias=AliasChoices("总分", "得分"),
        description="原表印出的总分（得分）。评分表有分值时与计算结果核对；没有分值时照此印出。",
    )


class ScoreSheet(Located):
    """评分表 of an evaluation (财预〔2020〕10号): 一级指标 (决策, 过程, 产出, 效益 …) with weights,
    二级指标 and scored 三级指标 rows; 总分 is the sum of the row scores."""

    weights: dict[str, Decimal] | None = Field(
        None,
        alias="权重",
        description="各一级指标的权重，例如 {决策: 20, 过程: 20, 产出: 30, 效益: 30}；不写则取报告类型的默认权重。",
    )
    indicators: IndicatorTree = Field(
        alias="指标",
        description="一级指标 → 二级指标 → 三级指标各行；有指标值和完成值的按规则计分，没有的写评价人给的 得分。",
    )
    stated: StatedSheet | None = Field(None, alias="原表", description="原表印出的总分（得分）、评价等次。")
    columns: list[Column] | None = Field(
        None,
        alias="列",
        description="评分表印出的列（三级指标之后），按此顺序；有分值时默认 指标值、实际完成值、分值、得分、评分依据，"
        "没有分值时默认 指标值、实际完成值、完成率、达标情况。",
    )
    note: str | None = Field(None, alias="说明", description="印在评分表下的说明文字（例如评分的依据、评价组的意见）。")
    visible: bool = Field(
        True, alias="显示", description="false 时不印出评分表（原文的评分表未公开），正文仍可引用其中的指标。"
    )
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")
