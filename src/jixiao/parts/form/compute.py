"""A 自评表 computed: 执行率 and 预算执行得分, its indicator rows, 总分 and 评价等次, the keys its type's form requires,
and the points that must add up to the configured split."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ... import compute
from ...errors import SourceError
from ...findings import Finding, acknowledged
from ...provenance import Computed, computed, graded, traced
from ...quantity import format_number
from ...reporttypes import ReportType
from ...values import Money, Rate, Score, as_computed
from ...view import Difference
from ..indicators.compute import assess_tree, make_group
from ..indicators.reference import Lookup, form_lookup
from ..indicators.view import Groups, IndicatorRows
from .model import Form, FundRow, Funds
from .view import Forms, FormView, FundRowView, FundsView, GoalView, StatedFormView, StatedFundsView

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs
    from ...model import Report


# The 原表 of a form, and of its 预算执行, the document printed nothing for: one view for all (views are never
# changed), as the indicator rows' (`UNSTATED`); every form made an empty one, thrown away when it printed its own.
UNSTATED_FORM = StatedFormView.make(total=None, grade=None)
UNSTATED_FUNDS = StatedFundsView.make(rate=None, score=None)


def assess_forms(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """Every 自评表 of the report; a report of one form takes its 总分, 评价等次 and 执行率 as its own."""
    lookup = form_lookup(run, report, inputs, done["figures"])
    forms = Forms(
        assess_form(run, form, report.year, inputs.kind, f"自评表.{i}", lookup) for i, form in enumerate(report.forms)
    )
    if len(forms) != 1:
        return {"forms": forms}
    return {"forms": forms, "total": forms[0].total, "grade": forms[0].grade, "rate": forms[0].rate}


def assess_form(run: Assessment, form: Form, year: int, kind: ReportType | None, path: str, lookup: Lookup) -> FormView:
    """One form; its rows may refer to named figures and to data-table cells that do not read the forms."""
    funds, differences = assess_funds(run, form.funds, f"{path}.项目资金")
    levels, rows = assess_tree(run, form.indicators, year, evaluated=False, path=f"{path}.指标", lookup=lookup)
    groups = [make_group(level1, subgroups) for level1, subgroups in levels]
    check_required(run, form, kind)
    row_scores = [r.score or Decimal(0) for r, _ in rows]
    indicator_points = run.total(f"{path}.指标分值", "指标分值 = 各三级指标分值之和", [r.points for r, _ in rows])
    indicator_score = run.total(f"{path}.指标得分", "指标得分 = 各三级指标得分之和", row_scores)
    total = run.total(
        f"{path}.总分",
        "总分 = 预算执行得分 + 各三级指标得分之和",
        [funds.score, *row_scores],
        form.stated.total if form.stated else None,
    )
    grade = graded(f"{path}.评价等次", total, run.rules, run.scope)
    check_weights(run, form, funds.points, indicator_points)
    differences += [d for _, found in rows for d in found]
    stated = UNSTATED_FORM
    if form.stated:
        stated = StatedFormView.make(total=form.stated.total, grade=form.stated.grade)
        differences += run.differ(form, "总分", form.stated.total, Decimal(total), f"{form.project} 总分")
        if form.stated.grade and form.stated.grade != grade:
            run.findings.append(
                acknowledged(
                    run.where(form.stated, "评价等次"),
                    form.check_note,
                    "stated-differs",
                    f"{form.project} 评价等次: 原表为 {form.stated.grade}，按规则为 {grade}",
                )
            )
    return FormView.wrap(
        form,
        funds=funds,
        rate=funds.rate,
        budget_score=funds.score,
        goal=GoalView.wrap(form.goal, achieved=form.goal.achieved or ""),
        groups=Groups(groups),
        rows=IndicatorRows(r for r, _ in rows),
        row_count=sum(g.span for g in groups),
        indicator_points=indicator_points,
        indicator_score=indicator_score,
        points=run.total(f"{path}.分值合计", "分值合计 = 预算执行分值 + 指标分值", [funds.points, indicator_points]),
        total=total,
        grade=grade,
        note=None,
        stated=stated,
        differences=tuple(differences),
        extra_columns=kind.extra_columns if kind else (),
    )


def check_required(run: Assessment, form: Form, kind: ReportType | None) -> None:
    """Keys the type's official form requires but this form lacks: a finding, not an error, since real
    documents of other provinces do lack them."""
    for key in kind.missing_form_keys(form) if kind else ():
        run.findings.append(
            acknowledged(
                form.locate(),
                form.check_note,
                "missing-field",
                f"{form.project}: {kind.name}的表单要求填写「{key}」，这里没有",
            )
        )


def fund_row(run: Assessment, row: FundRow, path: str, rate_path: str, stated: Any = None) -> FundRowView:
    """A 项目资金 row: its amounts as written and its 执行率 (at `rate_path`)."""

    def money(value: Decimal | None, *keys: str) -> Money | None:
        return run.written(row, f"{path}.{keys[0]}", Money(value), *keys) if value is not None else None

    budget, executed = money(row.budget, "全年预算数", "调整后预算数"), money(row.executed, "全年执行数", "预算执行数")
    ratio = compute.ratio_percent(row.executed, row.budget, run.rules.places)
    rate = None if ratio is None else Rate(as_computed(ratio, stated))  # one figure, printed by its origin first
    return FundRowView.wrap(
        row,
        initial=money(row.initial, "年初预算数"),
        budget=budget,
        executed=executed,
        rate=traced(
            rate,
            computed(
                rate_path,
                rate,
                "执行率 = 全年执行数 ÷ 全年预算数",
                f"{executed} ÷ {budget}",
                [executed, budget],
                run.scope,
                stated,
            ),
        )
        if rate is not None
        else None,
    )


def budget_points(run: Assessment, funds: Funds, path: str) -> Score:
    """预算执行的分值: as written, else the scoring rules' (10 unless site.yaml says otherwise)."""
    if funds.points is not None:
        return run.written(funds, path, Score(funds.points), "分值", "权重")
    points = Score(run.rules.budget_points)
    return traced(
        points,
        Computed(path, "分值", str(points), "预算执行分值未填写，取评分规则的默认值", str(points), scope=run.scope),
    )


def assess_funds(run: Assessment, funds: Funds, path: str) -> tuple[FundsView, list[Difference]]:
    """预算执行: rate of the total row and its score; the parts are shown, not scored."""
    points = budget_points(run, funds, f"{path}.分值")
    stated_rate = funds.stated.rate if funds.stated else None
    total = fund_row(run, funds.total, f"{path}.年度资金总额", f"{path}.执行率", stated_rate)
    if funds.total.budget is None or funds.total.executed is None:
        run.errors.append(
            SourceError(
                funds.total.locate(),
                "年度资金总额需要 全年预算数 和 全年执行数",
                key="项目资金.年度资金总额",
                hint="填上两项金额。",
                rule="input",
            )
        )
    elif funds.total.budget == 0:
        run.errors.append(
            SourceError(
                run.where(funds.total, "全年预算数", "调整后预算数"),
                "全年预算数为 0，执行率无法计算，预算执行也就无法评分",
                key="项目资金.年度资金总额.全年预算数",
                rule="input",
                hint="填写调整后的全年预算数；没有预算的项目不填自评表。",
            )
        )
    rate = total.rate
    score = Score(compute.budget_score(rate, points, run.rules.places))
    if rate is not None:
        traced(
            score,
            computed(
                f"{path}.得分",
                score,
                "预算执行得分 = 分值 × 执行率（执行率超过 100% 按 100% 计）",
                f"{points} × {rate if rate <= compute.HUNDRED else '100%'}",
                [points, rate],
                run.scope,
                funds.stated.score if funds.stated else None,
                "预算执行得分",
            ),
        )
    differences: list[Difference] = []
    stated = UNSTATED_FUNDS
    if funds.stated:
        stated = StatedFundsView.make(rate=funds.stated.rate, score=funds.stated.score)
        for key, printed, result, what in (
            ("执行率", funds.stated.rate, rate, "预算执行率"),
            ("得分", funds.stated.score, Decimal(score), "预算执行得分"),
        ):
            differences += run.differ(funds, key, printed, result, what)
    parts = tuple(fund_row(run, p, f"{path}.其中.{i}", f"{path}.其中.{i}.执行率") for i, p in enumerate(funds.parts))
    view = FundsView.wrap(
        funds, total=total, parts=parts, points=points, rate=rate, score=score, note=None, stated=stated
    )
    return view, differences


def check_weights(run: Assessment, form: Form, budget_points: Decimal, indicator_points: Decimal) -> None:
    """分值 must add up to the configured split (10 + 90 by default)."""
    want = run.rules.indicator_points
    if indicator_points != want:
        run.findings.append(
            Finding(
                form.locate("绩效指标"),
                "warning",
                "weights",
                f"{form.project}: 绩效指标分值合计 {format_number(indicator_points)}，应为 {format_number(want)}",
            )
        )
    if budget_points != run.rules.budget_points:
        run.findings.append(
            Finding(
                form.funds.locate(),
                "warning",
                "weights",
                f"{form.project}: 预算执行分值 {format_number(budget_points)}，应为 {format_number(run.rules.budget_points)}",
            )
        )
