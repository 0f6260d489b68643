"""Typed models of report.yaml, keyed by the official Chinese terms printed on the forms.

A clerk copies a 自评表 field by field; the English attribute names are for the code,
the aliases are the glossary. Models keep a link to their YAML source so that later
stages (scoring, audit) can still point at file:line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .errors import Location
from .yamlsource import SourceMap


class Located(BaseModel):
    """Base: unknown keys are errors, and each object remembers where it was written."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=False)
    _source: SourceMap | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_source(cls, data: Any, handler: Any) -> Any:
        obj = handler(data)
        if isinstance(data, SourceMap):
            obj._source = data
        return obj

    def locate(self, key: str | None = None) -> Location:
        """file:line of this object, or of one of its keys (by Chinese name)."""
        if self._source is None:
            return Location(None)
        return self._source.locate(key)


def _percent(value: Any) -> Any:
    """Accept a stated rate written as 89.18 or "89.18%"."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return value.strip()[:-1]
    return value


class StatedFunds(Located):
    """Figures the source document prints for the budget row (kept to compare, never used)."""

    rate: Decimal | None = Field(None, alias="执行率")
    score: Decimal | None = Field(None, alias="得分")

    _strip_percent = field_validator("rate", mode="before")(_percent)


class FundRow(Located):
    """One row of 项目资金 (万元)."""

    name: str = Field("年度资金总额", alias="名称")
    initial: Decimal | None = Field(None, alias="年初预算数", ge=0)
    budget: Decimal | None = Field(None, validation_alias=AliasChoices("全年预算数", "调整后预算数"), ge=0)
    executed: Decimal | None = Field(None, validation_alias=AliasChoices("全年执行数", "预算执行数"), ge=0)


class Funds(Located):
    """项目资金: the total row (scored) and its parts (其中)."""

    total: FundRow = Field(alias="年度资金总额")
    parts: list[FundRow] = Field(default_factory=list, alias="其中")
    points: Decimal | None = Field(None, validation_alias=AliasChoices("分值", "权重"))
    reason: str | None = Field(None, alias="原因")
    stated: StatedFunds | None = Field(None, alias="原表")
    note: str | None = Field(None, alias="说明")


class StatedIndicator(Located):
    score: Decimal | None = Field(None, alias="得分")
    actual: str | Decimal | None = Field(None, validation_alias=AliasChoices("实际完成值", "完成值"))


class Indicator(Located):
    """A 三级指标 row. The target is compact (`≥428 万条`) or split (指标性质/指标值/度量单位)."""

    name: str = Field(alias="三级指标")
    operator: str | None = Field(None, alias="指标性质")
    target: str | Decimal = Field(validation_alias=AliasChoices("指标值", "年度指标值"))
    unit: str | None = Field(None, alias="度量单位")
    actual: str | Decimal = Field(validation_alias=AliasChoices("实际完成值", "完成值"))
    points: Decimal = Field(validation_alias=AliasChoices("分值", "权重"))
    score: Decimal | None = Field(None, alias="得分")
    score_reason: str | None = Field(None, alias="理由")
    deviation: str | None = Field(None, validation_alias=AliasChoices(
        "偏差原因分析及改进措施", "偏差原因", "未完成原因分析"))
    stated: StatedIndicator | None = Field(None, alias="原表")
    note: str | None = Field(None, alias="说明")


class Goal(Located):
    """年度总体目标: expected vs achieved, as two texts."""

    expected: str = Field(alias="预期目标")
    achieved: str = Field(alias="实际完成情况")
    note: str | None = Field(None, alias="说明")


class StatedForm(Located):
    total: Decimal | None = Field(None, alias="总分")
    grade: str | None = Field(None, alias="评价等次")


# 一级指标 → 二级指标 → rows; an empty 二级指标 prints an empty row, as the forms do.
IndicatorTree = dict[str, dict[str, list[Indicator] | None] | None]


class Form(Located):
    """One 项目支出绩效自评表."""

    project: str = Field(alias="项目名称")
    code: str | None = Field(None, alias="项目编码")
    department: str = Field(alias="主管部门")
    implementer: str = Field(alias="实施单位")
    funds: Funds = Field(alias="项目资金")
    goal: Goal = Field(alias="年度总体目标")
    process: str | None = Field(None, alias="项目实施内容及过程概述")
    indicators: IndicatorTree = Field(alias="绩效指标")
    conclusion: str | None = Field(None, alias="评价结论")
    problems: str | None = Field(None, alias="存在问题")
    measures: str | None = Field(None, alias="改进措施")
    project_lead: str | None = Field(None, alias="项目负责人")
    finance_lead: str | None = Field(None, alias="财务负责人")
    stated: StatedForm | None = Field(None, alias="原表")
    note: str | None = Field(None, alias="说明")


class Computed(Located):
    """A computed column of a data table: 占比 of one column, or 差额/增长率/比率 of two."""

    name: str = Field(alias="名称")
    kind: Literal["占比", "差额", "增长率", "比率"] = Field(alias="类型")
    columns: list[str] = Field(alias="列", min_length=1, max_length=2)

    @model_validator(mode="after")
    def _arity(self) -> "Computed":
        wanted = 1 if self.kind == "占比" else 2
        if len(self.columns) != wanted:
            raise ValueError(f"计算「{self.name}」({self.kind}) 需要 {wanted} 个列名")
        return self


class Chart(Located):
    """A chart drawn from a data table at build time (SVG)."""

    kind: Literal["柱状图", "饼状图"] = Field(alias="类型")
    title: str | None = Field(None, alias="标题")
    columns: list[str] = Field(alias="列", min_length=1)


class DataTable(Located):
    """A table of figures (决算 totals, structures, project lists …) with computed columns.

    Rows are mappings with 名称, a value for each of 列 (numbers) and 文字列 (text), and
    optionally 上级 (the row they are part of), 公式 (e.g. 业务收入 - 业务支出), 原表 and 说明.
    """

    title: str = Field(alias="标题")
    unit: str | None = Field("万元", alias="单位")
    columns: list[str] = Field(alias="列", min_length=1)
    text_columns: list[str] = Field(default_factory=list, alias="文字列")
    computed: list[Computed] = Field(default_factory=list, alias="计算")
    total: bool = Field(False, alias="合计")
    rows: list[dict[str, Any]] = Field(alias="行", min_length=1)
    chart: Chart | None = Field(None, alias="图")
    stated: dict[str, Decimal] | None = Field(None, alias="原表")
    note: str | None = Field(None, alias="说明")

    @model_validator(mode="after")
    def _known_columns(self) -> "DataTable":
        """Computed columns and the chart may only name columns the table has; row keys stay reserved."""
        known = list(self.columns)
        for item in self.computed:
            if item.name in RESERVED_ROW_KEYS or item.name in known or item.name in self.text_columns:
                raise ValueError(f"计算列「{item.name}」与已有的列或保留的键（{'、'.join(RESERVED_ROW_KEYS)}）重名")
            missing = [c for c in item.columns if c not in known]
            if missing:
                raise ValueError(f"计算「{item.name}」用到的列「{'、'.join(missing)}」不在本表的 列 中（可用: {'、'.join(known)}）")
            if item.kind == "占比" and item.columns[0] not in self.columns:
                raise ValueError(f"占比「{item.name}」只能取数字列（{'、'.join(self.columns)}）")
            known.append(item.name)
        for column in [*self.columns, *(c for c in self.text_columns if c != "说明")]:
            if column in RESERVED_ROW_KEYS:
                raise ValueError(f"列名「{column}」是保留的键，请换一个名称")
        if self.chart:
            missing = [c for c in self.chart.columns if c not in known]
            if missing:
                raise ValueError(f"图用到的列「{'、'.join(missing)}」不在本表中（可用: {'、'.join(known)}）")
        return self


# Keys every data-table row may have besides its columns; no column may take these names.
RESERVED_ROW_KEYS = ("名称", "上级", "公式", "原表", "说明")


class ScorePart(Located):
    """One part of a whole-department score (总体绩效 65 / 项目绩效 35)."""

    name: str = Field(alias="名称")
    points: Decimal = Field(alias="分值")
    score: Decimal = Field(alias="得分")


class Attachment(Located):
    """Another report of the site included in this one, in order (附件1 …)."""

    title: str = Field(alias="标题")
    report: str = Field(alias="报告", pattern=r"^\d{4}/[a-z0-9][a-z0-9-]*$")


class Signature(Located):
    """落款: the issuing unit and date printed at the end of a report."""

    unit: str = Field(alias="单位")
    date: dt.date | None = Field(None, alias="日期")


REPORT_KINDS = ("项目支出绩效自评表", "部门决算说明", "专项资金绩效评价报告", "部门整体绩效评价报告", "项目支出绩效自评报告")


class Report(Located):
    """report.yaml of a bundle: a 自评表 report, or a document of data tables, scores and attachments."""

    kind: Literal[REPORT_KINDS] = Field(alias="类型")  # type: ignore[valid-type]
    title: str = Field(alias="标题")
    unit: str = Field(alias="单位")
    year: int = Field(alias="年度")
    date: dt.date | None = Field(None, alias="日期")
    layout: str | None = Field(None, alias="模板")
    summary: str | None = Field(None, alias="摘要")
    signature: Signature | None = Field(None, alias="落款")
    forms: list[Form] = Field(default_factory=list, alias="自评表")
    tables: dict[str, DataTable] = Field(default_factory=dict, alias="数据表")
    scoring: list[ScorePart] | None = Field(None, alias="评分")
    stated: StatedForm | None = Field(None, alias="原表")
    note: str | None = Field(None, alias="说明")
    attachments: list[Attachment] = Field(default_factory=list, alias="附件")
    glossary: list[str] | None = Field(None, alias="名词解释")

    @model_validator(mode="after")
    def _forms_for_form_reports(self) -> "Report":
        if self.kind == "项目支出绩效自评表" and not self.forms:
            raise ValueError("项目支出绩效自评表 至少要有一张 自评表")
        return self

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, value: int) -> int:
        if not 1949 <= value <= 2200:
            raise ValueError(f"年度「{value}」不是合理的年份")
        return value
