"""The input model of a data table: its columns, computed columns, chart and rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from ...errors import RuleError, did_you_mean
from ...located import CHECK_NOTE, CheckNote, Located, check_note

COLUMN_KINDS = ("金额", "数量", "比率", "文字")


PREVIOUS = {"上年", "上年决算", "上年数"}  # the names of a table's column holding last year's figures
YEAR_ON_YEAR = ("差额", "增长率")  # the computed columns that may compare with last year


def reads_last_year(item: Computed) -> bool:
    """A computed column takes its base from last year's report: a 差额 or 增长率 against a 上年 column."""
    return item.kind in YEAR_ON_YEAR and item.columns[1] in PREVIOUS


class Column(Located):
    """A column of a data table written out: its kind and how many decimals it prints (at least)."""

    name: str = Field(alias="名称", description="列名。")
    kind: Literal[COLUMN_KINDS] | None = Field(
        None,
        alias="类型",
        description="列的类型：金额（至少两位小数）、数量（按原样，整数印为整数）、比率（印为百分数）或 文字。",
    )  # type: ignore[valid-type]
    places: int | None = Field(
        None, alias="小数位", ge=0, le=10, description="这一列计算出的数保留几位小数（填写的数照写）。"
    )
    fixed: bool | None = Field(
        None, alias="固定小数位", description="true 时这一列每个数都印足 小数位（1836.70、100.00%），默认取表的设置。"
    )
    unit: str | None = Field(
        None,
        alias="单位",
        description="这一列自己的单位（与表的 单位 不同时）：表头印为 人数（万人），正文引用时连单位印出（35万人）。",
    )


class Computed(Located):
    """A computed column: 占比 of one column, 差额/增长率/比率 of two, or a 公式 over the row's columns."""

    name: str = Field(alias="名称", description="计算列的名称。")
    kind: Literal["占比", "差额", "增长率", "比率", "公式"] = Field(
        alias="类型", description="计算方式：占比、差额、增长率、比率，或 公式。"
    )
    columns: list[str] = Field(
        default_factory=list, alias="列", max_length=2, description="参与计算的列（占比一列，差额/增长率/比率两列）。"
    )
    formula: str | None = Field(
        None, alias="公式", description="公式（类型为 公式 时）：本行各列的 + − × ÷ 和括号，例如 节约 ÷ 预算。"
    )
    format: Literal["金额", "数量", "比率"] | None = Field(
        None, alias="格式", description="公式结果的印法：金额、数量 或 比率。"
    )
    places: int | None = Field(None, alias="小数位", ge=0, le=10, description="结果保留的小数位。")
    fixed: bool | None = Field(
        None, alias="固定小数位", description="true 时这一列每个数都印足 小数位（1836.70、100.00%），默认取表的设置。"
    )

    @model_validator(mode="after")
    def _arity(self) -> Computed:
        if self.kind == "公式":
            if not self.formula:
                raise ValueError(f"计算「{self.name}」(公式) 需要 公式，例如 公式: 节约 ÷ 预算")
            return self
        wanted = 1 if self.kind == "占比" else 2
        if len(self.columns) != wanted:
            raise ValueError(f"计算「{self.name}」({self.kind}) 需要 {wanted} 个列名")
        return self


class Chart(Located):
    """A chart drawn from a data table at build time (SVG)."""

    kind: Literal["柱状图", "饼状图"] = Field(alias="类型", description="图的类型：柱状图 或 饼状图。")
    title: str | None = Field(None, alias="标题", description="图的标题（默认为表的标题）。")
    columns: list[str] = Field(alias="列", min_length=1, description="画入图中的列。")


# Keys every data-table row may have besides its columns; no column may take these names
# (说明 may be a text column: it is the row's printed note either way).
RESERVED_ROW_KEYS = ("名称", "上级", "公式", "格式", "原表", "说明", CHECK_NOTE, "计入合计", "同一笔钱", "别名")


class DataTable(Located):
    """A table of figures or text (决算 totals, structures, project lists, members …) with computed columns.

    Rows are mappings with 名称 (or the 首列's name: 姓名), a value for each of 列 and 文字列, or bare names, and optionally 上级 (the row they
    are part of; left empty, a parent is the sum of its parts), 公式 (the whole row from other rows,
    `业务收入 - 业务支出`, or some cells: `{节约率: 节约 ÷ 预算}`), 格式 (比率 for a row that is a share of
    another row), 计入合计 (false keeps a row out of the 合计), 原表, 说明, 核对说明, 同一笔钱 (`表名.行名`: a row of
    another table holding the same money, which the audit compares whatever their names or years), 别名 (the other
    names the document's prose gives the row, by which the audit finds the figures it states) and 度量单位 (the row's
    own unit, when the table has no such column: its figures print it).
    """

    title: str = Field(alias="标题", description="表的标题。")
    unit: str | None = Field(None, alias="单位", description="表中金额或数量的单位（默认取站点的默认单位）。")
    places: int | None = Field(
        None, alias="小数位", ge=0, le=10, description="表中计算出的金额保留几位小数（默认 2；填写的数照写）。"
    )
    fixed: bool = Field(
        False, alias="固定小数位", description="true 时表中金额和比率都印足 小数位（1836.70、100.00%），如原文那样。"
    )
    columns: list[str | Column] = Field(
        default_factory=list, alias="列", description="数字列：列名，或 {名称, 类型, 小数位}。"
    )
    text_columns: list[str] = Field(default_factory=list, alias="文字列", description="文字列。")
    computed: list[Computed] = Field(
        default_factory=list, alias="计算", description="计算列：占比、差额、增长率、比率、公式。"
    )
    total: bool = Field(
        False, alias="合计", description="是否加一行合计（上级行只计一次，由本表其他行算出的行不计入）。"
    )
    visible: bool = Field(True, alias="显示", description="false 时只供正文引用，不印出、不编号。")
    numbered: bool = Field(True, alias="编号", description="false 时照印而不编号（原文没有表号的表）。")
    first_column: str = Field(
        "项目", alias="首列", description="第一列（各行名称）的列名，例如 姓名；各行可用这个键代替 名称。"
    )
    rows: list[Any] = Field(
        alias="行",
        min_length=1,
        description=(
            "各行：名称、各列的数、上级、公式、格式、原表、说明、核对说明、计入合计、"
            "同一笔钱（表名.行名，或其列表：另一张表中同一笔钱的行，核对时逐个同名列比较）、"
            "别名（正文对这一行的其他叫法的列表，核对时按别名找正文中的数）、"
            "度量单位（这一行自己的单位，如 万人：它的数连单位印出，35万人）。"
        ),
    )
    chart: Chart | None = Field(None, alias="图", description="由本表画的图。")
    stated: dict[str, Decimal] | None = Field(None, alias="原表", description="原表印出的合计各列（只用于核对）。")
    count: int | None = Field(
        None, alias="数量", ge=0, description="原文印出的行数（下设 6 个科室的 6），核对时与表的行数比较。"
    )
    note: str | None = Field(None, alias="说明", description="印在表下的说明文字。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")

    @property
    def number_columns(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.columns if isinstance(c, str) or c.kind != "文字"]

    @property
    def all_text_columns(self) -> list[str]:
        return [*(c.name for c in self.columns if isinstance(c, Column) and c.kind == "文字"), *self.text_columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if isinstance(c, Column) and c.name == name), None)

    @model_validator(mode="after")
    def _known_columns(self) -> DataTable:
        """Computed columns and the chart may only name columns the table has; row keys stay reserved. A table
        without columns is a list of names (评价组成员)."""
        known = list(self.number_columns)
        if not known and not self.all_text_columns and any(isinstance(row, dict) for row in self.rows):
            raise ValueError("数据表至少要有一个 列 或 文字列")
        for column in [*known, *(c for c in self.all_text_columns if c != "说明")]:
            if column in RESERVED_ROW_KEYS:
                raise ValueError(f"列名「{column}」是保留的键，请换一个名称")
            if column == self.first_column:
                raise ValueError(f"列名「{column}」与 首列 相同，请换一个名称")
        for index, item in enumerate(self.computed):
            if item.name in RESERVED_ROW_KEYS or item.name in known or item.name in self.all_text_columns:
                raise ValueError(f"计算列「{item.name}」与已有的列或保留的键（{'、'.join(RESERVED_ROW_KEYS)}）重名")
            missing = [c for c in item.columns if c not in known]
            if missing:
                raise RuleError(
                    f"计算「{item.name}」用到的列「{'、'.join(missing)}」不在本表的 列 中",
                    did_you_mean(missing[0], known),
                    ("计算", index, "列"),
                )
            if item.kind == "占比" and item.columns[0] not in self.number_columns:
                raise ValueError(f"占比「{item.name}」只能取数字列（{'、'.join(self.number_columns)}）")
            known.append(item.name)
        if self.chart:
            missing = [c for c in self.chart.columns if c not in known]
            if missing:
                raise RuleError(
                    f"图用到的列「{'、'.join(missing)}」不在本表中",
                    did_you_mean(missing[0], known) or "本表没有数字列，不能作图。",
                    ("图", "列"),
                )
        return self
