"""Typed, read-only views of an assessed report: what templates, expressions, audit, charts and
data.json read.

Each view is a frozen pydantic model with English attribute names for the code and the official
Chinese terms as serialisation aliases, which are also readable as attributes and items
(`form.项目名称`, `form["项目名称"]`), so Markdown expressions, layouts and data.json keep the
names an author knows. Views are built with `model_construct` from figures assess.py has already
computed and checked (no second validation), and serialised by pydantic's Rust core.

Templates and expressions may read only the Chinese names and the helpers a view declares in
`template_methods`; render.py's sandbox enforces that, and nothing here can be changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from .errors import Location
from .values import NamedList, UnknownName

MISSING = object()  # what a template may not read


class View(BaseModel):
    """Base: frozen, Chinese aliases readable as attributes and items."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    template_methods: ClassVar[frozenset[str]] = frozenset()
    template_names: ClassVar[frozenset[str]] = frozenset()
    _alias_to_field: ClassVar[dict[str, str]] = {}
    _defaults: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        aliases = {info.serialization_alias: name for name, info in cls.model_fields.items()
                   if info.serialization_alias}
        cls._alias_to_field = aliases
        cls._defaults = {name: info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
                         for name, info in cls.model_fields.items() if not info.is_required()}
        cls.template_names = frozenset(aliases) | cls.template_methods
        for alias, name in aliases.items():
            setattr(cls, alias, property(_field_getter(name), doc=f"{alias}（{name}）"))

    @classmethod
    def make(cls, **values: Any):
        """Build without validation (the figures were computed and checked by assess.py) and without
        pydantic's per-field bookkeeping, which costs three times as much on the thousands of rows of a
        site; defaults are shared, which is safe because views are never changed."""
        view = cls.__new__(cls)
        object.__setattr__(view, "__dict__", {**cls._defaults, **values})
        object.__setattr__(view, "__pydantic_fields_set__", set(values))
        object.__setattr__(view, "__pydantic_extra__", None)
        object.__setattr__(view, "__pydantic_private__", None)
        return view

    def readable(self, name: str) -> bool:
        """Whether templates and expressions may read `name` (the sandbox asks)."""
        return name in self.template_names

    def template_value(self, name: str) -> Any:
        """What a template reading `name` gets (the sandbox's fast path), or MISSING when it may not."""
        field = self._alias_to_field.get(name)
        if field is not None:
            return self.__dict__[field]
        return getattr(self, name) if name in self.template_methods else MISSING

    def __getitem__(self, alias: str) -> Any:
        try:
            return getattr(self, self._alias_to_field[alias])
        except KeyError:
            raise KeyError(alias) from None

    def __contains__(self, alias: object) -> bool:
        return alias in self._alias_to_field

    def get(self, alias: str, default: Any = None) -> Any:
        return self[alias] if alias in self._alias_to_field else default

    def keys(self) -> list[str]:
        return list(self._alias_to_field)


def _field_getter(name: str):
    def read(self: View) -> Any:
        return getattr(self, name)
    return read


def alias(name: str, default: Any = None) -> Any:
    """A field known by its Chinese term."""
    return Field(default, serialization_alias=name)


class Difference(View):
    """A figure the source document printed that differs from the rule's. The 核对说明 acknowledging it is not
    part of it: that note is for the audit and is never published."""

    item: str = alias("项目")
    stated: Any = alias("原表")
    computed: Any = alias("计算")


class FundRowView(View):
    name: str = alias("名称")
    initial: Decimal | None = alias("年初预算数")
    budget: Decimal | None = alias("全年预算数")
    executed: Decimal | None = alias("全年执行数")
    rate: Decimal | None = alias("执行率")


class StatedFundsView(View):
    rate: Decimal | None = alias("执行率")
    score: Decimal | None = alias("得分")


class FundsView(View):
    total: FundRowView = alias("年度资金总额")
    parts: tuple[FundRowView, ...] = alias("其中", ())
    points: Decimal = alias("分值")
    rate: Decimal | None = alias("执行率")
    score: Decimal = alias("得分")
    reason: str | None = alias("原因")
    note: str | None = alias("说明")
    stated: StatedFundsView = alias("原表")


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


class GoalView(View):
    expected: str = alias("预期目标")
    achieved: str = alias("实际完成情况")


class StatedFormView(View):
    total: Decimal | None = alias("总分")
    grade: str | None = alias("评价等次")


class FormView(View):
    """One assessed 项目支出绩效自评表."""

    project: str = alias("项目名称")
    code: str | None = alias("项目编码")
    department: str | None = alias("主管部门")
    implementer: str | None = alias("实施单位")
    funds: FundsView = alias("项目资金")
    rate: Decimal | None = alias("执行率")
    budget_score: Decimal = alias("预算执行得分")
    goal: GoalView = alias("年度总体目标")
    process: str | None = alias("项目实施内容及过程概述")
    groups: tuple[GroupView, ...] = alias("绩效指标", ())
    rows: IndicatorRows = alias("指标")
    row_count: int = alias("指标行数", 0)
    indicator_points: Decimal = alias("指标分值")
    indicator_score: Decimal = alias("指标得分")
    points: Decimal = alias("分值合计")
    total: Decimal = alias("总分")
    grade: str = alias("评价等次")
    conclusion: str | None = alias("评价结论")
    problems: str | None = alias("存在问题")
    measures: str | None = alias("改进措施")
    project_lead: str | None = alias("项目负责人")
    finance_lead: str | None = alias("财务负责人")
    note: str | None = alias("说明")
    stated: StatedFormView = alias("原表")
    differences: tuple[Difference, ...] = alias("差异", ())
    extra_columns: tuple[str, ...] = alias("附加列", ())


class Forms(NamedList):
    """The forms of a report, also indexable by 项目名称: 自评表["聘用人员经费"]."""

    name_key = "项目名称"


class ChartView(View):
    kind: str = alias("类型")
    title: str = alias("标题")
    columns: tuple[str, ...] = alias("列", ())
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
    check_note: str | None = Field(None, exclude=True)

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
        return {"名称": fixed.pop("名称"), **{k: _plain(v) for k, v in self.values.items()}, **fixed}


class Rows(NamedList):
    """Rows of a table, also indexable by 名称 (行["收入总计"], 行.收入总计 in expressions)."""

    name_key = "名称"


class TableView(View):
    """A data table; besides its figures it can count and list rows by a text column."""

    template_methods: ClassVar[frozenset[str]] = frozenset({"计数", "名单"})

    name: str = alias("名称")
    title: str = alias("标题")
    unit: str | None = alias("单位")
    number: str = alias("编号")
    columns: tuple[str, ...] = alias("列", ())
    text_columns: tuple[str, ...] = alias("文字列", ())
    rows: Rows = alias("行")
    total: DataRowView | None = alias("合计")
    chart: ChartView | None = alias("图")
    note: str | None = alias("说明")
    visible: bool = Field(True, exclude=True)  # 显示: false — computed for prose, never printed

    def 计数(self, column: str, value: str) -> int:
        return len(self.名单(column, value))

    def 名单(self, column: str, value: str) -> list[str]:
        """Rows whose `column` reads `value`; a column the table lacks is an error, not an empty list."""
        if column not in self.columns and column not in self.text_columns:
            raise UnknownName(column, [*self.text_columns, *self.columns])
        return [row.name for row in self.rows if str(row.get(column)) == value]


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


class ScorePartView(View):
    name: str = alias("名称")
    points: Decimal = alias("分值")
    score: Decimal = alias("得分")


class SignatureView(View):
    unit: str = alias("单位")
    date: str | None = alias("日期")


# Keys of the report view that data.json has only where they apply: 总分/评价等次/执行率 of a
# single-form report, 满分/总分/评价等次 of a report with 评分.
OPTIONAL_REPORT_FIGURES = ("full_marks", "total", "grade", "rate", "score_sheet")


class ReportView(View):
    """The whole assessed report: every input and computed figure under the names data.json uses."""

    kind: str = alias("类型")
    title: str = alias("标题")
    unit: str = alias("单位")
    year: int = alias("年度")
    date: str | None = alias("日期")
    summary: str | None = alias("摘要")
    forms: Forms = alias("自评表")
    signature: SignatureView | None = alias("落款")
    tables: dict[str, TableView] = alias("数据表", {})
    table_numbers: dict[str, str] = alias("表号", {})
    chart_numbers: dict[str, str] = alias("图号", {})
    scores: tuple[ScorePartView, ...] | None = alias("评分")
    score_sheet: ScoreSheetView | None = alias("评分表")
    full_marks: Decimal | None = alias("满分")
    total: Decimal | None = alias("总分")
    grade: str | None = alias("评价等次")
    rate: Decimal | None = alias("执行率")
    glossary: tuple[tuple[str, str], ...] = alias("名词解释", ())

    def to_json(self) -> Any:
        """The view as data.json's 报告 (plain JSON values; figures as exact strings)."""
        skip = {name for name in OPTIONAL_REPORT_FIGURES if getattr(self, name) is None}
        return self.model_dump(mode="json", by_alias=True, exclude=skip)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
