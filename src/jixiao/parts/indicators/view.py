"""The views of assessed indicator rows and their 一级/二级 groups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...values import NamedList
from ...view import View, alias


class StatedIndicatorView(View):
    score: Decimal | None = alias("得分")
    actual: Any = alias("实际完成值")


class IndicatorView(View):
    name: str = alias("三级指标")
    points: Decimal = alias("分值")
    score: Decimal | None = alias("得分")
    met: bool | None = alias("达标")
    basis: str | None = alias("计分依据")
    deviation: str | None = alias("偏差原因分析及改进措施")
    note: str | None = alias("说明")
    stated: StatedIndicatorView = alias("原表")
    target: str | None = alias("指标值")
    kind: str | None = alias("指标性质")
    unit: str | None = alias("度量单位")
    actual: str | None = alias("实际完成值")
    completion: Decimal | None = alias("完成率")  # 实际 ÷ 指标值 of a quantitative row
    standard: str | None = alias("评分标准")
    extras: dict[str, str] = alias("附加", {})  # the report type's extra columns


class IndicatorRows(NamedList):
    """A form's indicator rows, also indexable by 三级指标: 指标["短信数量"].完成率."""

    name_key = "三级指标"


class SubgroupView(View):
    name: str = alias("二级指标")
    rows: tuple[IndicatorView, ...] = alias("三级指标", ())
    span: int = alias("行数", 1)


class GroupView(View):
    name: str = alias("一级指标")
    subgroups: tuple[SubgroupView, ...] = alias("二级指标", ())
    span: int = alias("行数", 1)
