"""The views of assessed indicator rows and their 一级/二级 groups.

What each name of a row prints (documented in docs/evaluation.md, "指标的目标值与单位"): 指标值, 指标性质 and
度量单位 as the author wrote them (the split form's 指标值 is the number alone, so `{{ 指标值 }}{{ 度量单位 }}`
prints the unit once); 目标 the whole target as the table prints it, nothing inserted; 目标值, 单位 and 方向 the
target's bare number, unit and direction, the same whether it was written compact (`≥25万条`) or split;
实际值 and 实际单位 the same parts of the actual. Groups count their rows (指标数, 达标数, 未达标数) so prose
need not count with Jinja filters."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

from pydantic_core import core_schema

from ...values import NamedList
from ...view import ModelView, View, alias, built, typed
from .model import Indicator


class StatedIndicatorView(View):
    score: Decimal | None = alias("得分")
    actual: Any = alias("实际完成值")
    completion: Decimal | None = alias("完成率")


def stated_view(score: Any, actual: Any, completion: Any) -> StatedIndicatorView:
    """`StatedIndicatorView.make(score=…, actual=…, completion=…)`, the same view, built from a literal dict: every
    row the document printed makes one, and `make`'s keywords, their merge over the defaults and the set of their
    names cost as much again as the view (some 5 K instructions a row). A test compares it with `make` on every row
    of the repository's reports, and breaks when the class gains a field."""
    return built(
        StatedIndicatorView,
        {"score": score, "actual": actual, "completion": completion},
        {"score", "actual", "completion"},
    )


class IndicatorView(ModelView):
    """An assessed 三级指标 row: it wraps its row as written (`typed()`) and declares what is computed from it."""

    wraps: ClassVar[type[Indicator]] = Indicator
    name: Any = typed()
    points: Decimal | None = alias("分值")  # None: an unscored evaluation's row
    score: Decimal | None = alias("得分")
    met: bool | None = alias("达标")
    basis: str | None = alias("计分依据")
    deviation: Any = typed("偏差原因分析及改进措施")
    note: Any = typed()
    stated: StatedIndicatorView = alias("原表")
    written: str | None = alias("指标值")  # as written, or the figure a reference reads
    operator: Any = typed()  # as written (split form)
    written_unit: str | None = alias("度量单位")  # as written (split form)
    target: str | None = alias("目标")  # the whole target, as the table prints it
    target_value: Any = alias("目标值")  # the bare number (a Number), or the target's words or date
    unit: str = alias("单位", "")
    kind: str | None = alias("方向")  # 正向, 反向, 等于, 定性, 时效
    actual: str | None = alias("实际完成值")
    actual_value: Any = alias("实际值")
    actual_unit: str = alias("实际单位", "")
    completion: Decimal | None = alias("完成率")  # 实际 ÷ 指标值 of a quantitative row
    standard: Any = typed()
    extras: Any = typed()  # the report type's extra columns


# What data.json writes in place of a list of indicator rows that it writes apart (document/datajson.py)
ROWS_APART = "\x00rows\x00"


class IndicatorRows(NamedList):
    """A form's indicator rows, also indexable by 三级指标: 指标["短信数量"].完成率."""

    name_key = "三级指标"
    item = IndicatorView

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        """The named list's schema, written to JSON by `write_apart`."""
        schema = super().__get_pydantic_core_schema__(source, handler)
        schema["serialization"] = core_schema.wrap_serializer_function_ser_schema(
            write_apart, info_arg=True, when_used="json"
        )
        return schema


def write_apart(rows: IndicatorRows, write: Any, info: Any) -> Any:
    """The rows as pydantic writes them, or, when data.json collects the lists of rows (its serializer's context, a
    list), the mark ROWS_APART in their place: a form holds each of its rows twice (in 指标 and in its 二级指标), and
    data.json writes each row's JSON text once and puts it in both places. As JSON alone: a Python dump is pydantic's
    own."""
    apart = info.context
    if apart is None:
        return write(rows)
    apart.append(rows)
    return ROWS_APART


def count_rows(rows: Iterable[IndicatorView]) -> dict[str, Any]:
    """A group's counts, which prose reads instead of counting with filters: rows, met and not met, and the
    names of those not met."""
    rows = list(rows)
    unmet = [row.name for row in rows if row.met is False]
    return {
        "count": len(rows),
        "met_count": sum(1 for row in rows if row.met),
        "unmet_count": len(unmet),
        "unmet": tuple(unmet),
    }


class Counted(View):
    """The counts of a group of rows (a 二级指标, a 一级指标, a whole 评分表)."""

    count: int = alias("指标数", 0)
    met_count: int = alias("达标数", 0)
    unmet_count: int = alias("未达标数", 0)
    unmet: tuple[str, ...] = alias("未达标指标", ())


class SubgroupView(Counted):
    name: str = alias("二级指标")
    rows: IndicatorRows = alias("三级指标")
    span: int = alias("行数", 1)


class Subgroups(NamedList):
    """The 二级指标 of a 一级指标, also indexable by name: 二级指标["数量指标"].指标数."""

    name_key = "二级指标"
    item = SubgroupView


class GroupView(Counted):
    name: str = alias("一级指标")
    subgroups: Subgroups = alias("二级指标")
    span: int = alias("行数", 1)


class Groups(NamedList):
    """The 一级指标 of a form or a 评分表, also indexable by name: 一级指标["产出指标"].达标数."""

    name_key = "一级指标"
