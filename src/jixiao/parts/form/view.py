"""The view of an assessed 自评表: its figures as typed and as computed (执行率, 得分, 总分, 评价等次). Each view
wraps its model (ModelView): the texts typed on the form are the model's fields (`typed()`), read from it; the
view declares what it computes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ...values import NamedList
from ...view import Difference, ModelView, View, alias, typed
from ..indicators.view import Groups, IndicatorRows
from .model import Form, FundRow, Funds, Goal


class FundRowView(ModelView):
    wraps: ClassVar[type[FundRow]] = FundRow
    name: Any = typed()
    initial: Decimal | None = alias("年初预算数")
    budget: Decimal | None = alias("全年预算数")
    executed: Decimal | None = alias("全年执行数")
    rate: Decimal | None = alias("执行率")


class StatedFundsView(View):
    rate: Decimal | None = alias("执行率")
    score: Decimal | None = alias("得分")


class FundsView(ModelView):
    wraps: ClassVar[type[Funds]] = Funds
    total: FundRowView = alias("年度资金总额")
    parts: tuple[FundRowView, ...] = alias("其中", ())
    points: Decimal = alias("分值")
    rate: Decimal | None = alias("执行率")
    score: Decimal = alias("得分")
    reason: Any = typed()
    note: str | None = alias("说明")
    stated: StatedFundsView = alias("原表")


class GoalView(ModelView):
    wraps: ClassVar[type[Goal]] = Goal
    expected: Any = typed()
    achieved: str = alias("实际完成情况")  # "" where the form has no 实际完成情况


class StatedFormView(View):
    total: Decimal | None = alias("总分")
    grade: str | None = alias("评价等次")


class FormView(ModelView):
    """One assessed 项目支出绩效自评表."""

    wraps: ClassVar[type[Form]] = Form
    project: Any = typed()
    code: Any = typed()
    department: Any = typed()
    implementer: Any = typed()
    funds: FundsView = alias("项目资金")
    rate: Decimal | None = alias("执行率")
    budget_score: Decimal = alias("预算执行得分")
    goal: GoalView = alias("年度总体目标")
    process: Any = typed()
    groups: Groups = alias("绩效指标", Groups())
    rows: IndicatorRows = alias("指标")
    row_count: int = alias("指标行数", 0)
    indicator_points: Decimal = alias("指标分值")
    indicator_score: Decimal = alias("指标得分")
    points: Decimal = alias("分值合计")
    total: Decimal = alias("总分")
    grade: str = alias("评价等次")
    conclusion: Any = typed()
    problems: Any = typed()
    measures: Any = typed()
    project_lead: Any = typed()
    finance_lead: Any = typed()
    note: str | None = alias("说明")
    stated: StatedFormView = alias("原表")
    differences: tuple[Difference, ...] = alias("差异", ())
    extra_columns: tuple[str, ...] = alias("附加列", ())


class Forms(NamedList):
    """The forms of a report, also indexable by 项目名称: 自评表["聘用人员经费"]."""

    name_key = "项目名称"
    item = FormView
