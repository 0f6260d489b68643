"""The view of an assessed 自评表: its figures as typed and as computed (执行率, 得分, 总分, 评价等次)."""

from __future__ import annotations

from decimal import Decimal

from ...values import NamedList
from ...view import Difference, View, alias
from ..indicators.view import Groups, IndicatorRows


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
    groups: Groups = alias("绩效指标", Groups())
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
