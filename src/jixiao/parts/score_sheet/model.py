"""The input model of an evaluation's 评分表."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ...located import CheckNote, Located, check_note
from ..form.model import StatedForm
from ..indicators.model import IndicatorTree


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
    stated: StatedForm | None = Field(None, alias="原表", description="原表印出的总分、评价等次。")
    note: str | None = Field(None, alias="说明", description="印在评分表下的说明文字（例如评分的依据、评价组的意见）。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")
