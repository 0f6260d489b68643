"""The view of a computed data table: rows by name, every cell's figure, the 合计, the chart."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_serializer

from ...errors import Location
from ...located import CheckNote
from ...values import NamedList, UnknownName, bare
from ...view import ModelView, View, _plain, alias, typed
from .model import Chart, DataTable


class ChartView(ModelView):
    """A table's chart: its 类型 and 列 as typed, its title (the table's when it has none) and number."""

    wraps: ClassVar[type[Chart]] = Chart
    kind: Any = typed()
    title: str = alias("标题")
    columns: Any = typed()
    number: str = alias("编号")


class DataRowView(View):
    """A row of a data table: its fixed keys, and one value per number, computed and text column."""

    name: str = alias("名称")
    values: dict[str, Any] = Field(default_factory=dict, exclude=True)
    parent: str | None = alias("上级")
    formula: str | None = alias("公式")
    note: str | None = alias("说明")
    stated: dict[str, Any] = alias("原表", {})
    from_previous: bool = alias("取自上年报告", False)
    # for the audit, never printed nor published: where the row was written and its 核对说明
    where: Location | None = Field(None, exclude=True)
    check_note: CheckNote = Field(None, exclude=True)
    same_money: list[str] = Field(default_factory=list, exclude=True)  # 同一笔钱: 表名.行名 (cross-total)
    aliases: list[str] = Field(default_factory=list, exclude=True)  # 别名 prose uses (narrative-number)

    def __getitem__(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return super().__getitem__(name)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values")
        if values is not None and name in values:
            return values[name]
        return super().__getattr__(name)

    def __contains__(self, name: object) -> bool:
        return name in self.values or super().__contains__(name)

    def readable(self, name: str) -> bool:
        return name in self.values or super().readable(name)

    def template_value(self, name: str) -> Any:
        values = self.__dict__["values"]
        return values[name] if name in values else super().template_value(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values[name] if name in self.values else super().get(name, default)

    def keys(self) -> list[str]:
        return ["名称", *self.values, *super().keys()[1:]]

    @model_serializer(mode="wrap")
    def _columns_in_order(self, handler: Any) -> dict[str, Any]:
        fixed = handler(self)
        return {"名称": fixed.pop("名称"), **{k: _plain(bare(v)) for k, v in self.values.items()}, **fixed}


class Rows(NamedList):
    """Rows of a table, also indexable by 名称 (行["收入总计"], 行.收入总计 in expressions)."""

    name_key = "名称"
    item = DataRowView


class TableView(ModelView):
    """A data table; besides its figures it can count and list rows by a text column. Its 标题 and 说明 are the
    model's as typed; 显示 (`visible`: false — computed for prose, never printed) is read from the model."""

    template_methods: ClassVar[frozenset[str]] = frozenset({"计数", "名单"})
    wraps: ClassVar[type[DataTable]] = DataTable

    name: str = alias("名称")
    title: Any = typed()
    unit: str | None = alias("单位")
    number: str = alias("编号")  # "" for a table printed without a number (编号: false)
    first_column: str = alias("首列", "项目")
    columns: tuple[str, ...] = alias("列", ())
    text_columns: tuple[str, ...] = alias("文字列", ())
    column_units: dict[str, str] = Field(default_factory=dict, exclude=True)  # 列's own 单位 (units.py)
    rows: Rows = alias("行")
    total: DataRowView | None = alias("合计")
    chart: ChartView | None = alias("图")
    note: Any = typed()

    def 计数(self, column: str, value: str) -> int:
        return len(self.名单(column, value))

    def 名单(self, column: str, value: str) -> list[str]:
        """Rows whose `column` reads `value`; a column the table lacks is an error, not an empty list."""
        if column not in self.columns and column not in self.text_columns:
            raise UnknownName(column, [*self.text_columns, *self.columns])
        return [row.name for row in self.rows if str(row.get(column)) == value]
