"""The view of a named figure: printed as written (`2.86亿元`), its parts readable (值, 单位, 修饰, 上限)."""

from __future__ import annotations

from decimal import Decimal

from ...view import View, alias


class FigureView(View):
    """A named figure: `{{ 数据.增值收益 }}` prints 2.86亿元, `{{ 数据.增值收益.值 }}` the bare 2.86."""

    text: str = alias("原文")
    value: Decimal = alias("值")
    high: Decimal | None = alias("上限")
    unit: str | None = alias("单位")
    qualifier: str | None = alias("修饰")

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return self.text


class NameList(tuple):
    """A list of names (内设科室): prints as the document lists them, 综合部、财务部; `| length` counts them."""

    def __str__(self) -> str:
        return "、".join(self)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))
