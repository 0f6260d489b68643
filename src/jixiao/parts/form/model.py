"""The input model of a 项目支出绩效自评表, keyed by the official Chinese terms printed on the form.

A clerk copies a form field by field; the English attribute names are for the code, the aliases are the glossary."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AliasChoices, Field, field_validator

from ...located import CheckNote, Located, check_note, percent_in_schema, strip_percent
from ..indicators.model import Column, IndicatorTree


class StatedFunds(Located):
    """Figures the source document prints for the budget row (kept to compare, never used)."""

    rate: Decimal | None = Field(
        None, alias="执行率", description="原表印出的执行率（只用于核对）。", json_schema_extra=percent_in_schema
    )
    score: Decimal | None = Field(None, alias="得分", description="原表印出的预算执行得分（只用于核对）。")

    _stripstrip_percent = field_validator("rate", mode="before")(strip_percent)


class FundRow(Located):
    """One row of 项目资金 (in the site's unit, 万元 unless 默认单位 says otherwise)."""

    name: str = Field("年度资金总额", alias="名称", description="这一行资金的名称，例如 当年财政拨款。")
    initial: Decimal | None = Field(
        None, alias="年初预算数", ge=0, description="年初预算数（站点的默认单位，通常为万元）。"
    )
    budget: Decimal | None = Field(
        None,
        validation_alias=AliasChoices("全年预算数", "调整后预算数"),
        ge=0,
        description="全年预算数，即调整后预算数；执行率以它为分母。",
    )
    executed: Decimal | None = Field(
        None, validation_alias=AliasChoices("全年执行数", "预算执行数"), ge=0, description="全年执行数。"
    )


class Funds(Located):
    """项目资金: the total row (scored) and its parts (其中)."""

    total: FundRow = Field(alias="年度资金总额", description="年度资金总额一行：年初预算数、全年预算数、全年执行数。")
    parts: list[FundRow] = Field(
        default_factory=list, alias="其中", description="其中：各项资金来源（当年财政拨款、上年结转资金、其他资金…）。"
    )
    points: Decimal | None = Field(
        None,
        validation_alias=AliasChoices("分值", "权重"),
        ge=0,
        description="预算执行的分值（权重），默认取评分规则。",
    )
    reason: str | None = Field(None, alias="原因", description="预算执行情况的说明（印在表中）。")
    stated: StatedFunds | None = Field(None, alias="原表", description="原表印出的执行率、得分。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）；写了它的提示降为“说明”级别。")


class Goal(Located):
    """年度总体目标: expected vs achieved, as two texts (some provinces' forms have no 实际完成情况)."""

    expected: str = Field(alias="预期目标", description="预期目标。")
    achieved: str | None = Field(None, alias="实际完成情况", description="实际完成情况（有的省份表式没有此项）。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")


class StatedForm(Located):
    total: Decimal | None = Field(None, alias="总分", description="原表印出的总分（只用于核对）。")
    grade: str | None = Field(None, alias="评价等次", description="原表印出的评价等次（只用于核对）。")


class Form(Located):
    """One 项目支出绩效自评表. Keys the official form requires but a real document may lack are
    optional here; the audit reports them where the report type's form requires them."""

    project: str = Field(alias="项目名称", description="项目名称，与原表一致。")
    code: str | None = Field(None, alias="项目编码", description="预算项目编码（可选）。")
    department: str | None = Field(None, alias="主管部门", description="主管部门。")
    implementer: str | None = Field(None, alias="实施单位", description="实施单位。")
    funds: Funds = Field(alias="项目资金", description="项目资金：年度资金总额及其中各项来源。")
    goal: Goal = Field(alias="年度总体目标", description="年度总体目标：预期目标与实际完成情况。")
    process: str | None = Field(None, alias="项目实施内容及过程概述", description="项目实施内容及过程概述。")
    indicators: IndicatorTree = Field(alias="绩效指标", description="绩效指标：一级指标 → 二级指标 → 三级指标各行。")
    columns: list[Column] | None = Field(
        None,
        alias="指标列",
        description="绩效指标表印出的列（三级指标之后），按此顺序，用词与评分表的 列 相同；"
        "默认 指标值、实际完成值、分值、得分、偏差原因。加上 原表完成率、原表实际完成值 即印出原表的数。",
    )
    conclusion: str | None = Field(None, alias="评价结论", description="评价结论。")
    problems: str | None = Field(None, alias="存在问题", description="存在问题。")
    measures: str | None = Field(None, alias="改进措施", description="改进措施。")
    project_lead: str | None = Field(None, alias="项目负责人", description="项目负责人。")
    finance_lead: str | None = Field(None, alias="财务负责人", description="财务负责人。")
    stated: StatedForm | None = Field(None, alias="原表", description="原表印出的总分、评价等次。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")
