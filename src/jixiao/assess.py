"""Apply the scoring rules to a validated report and build its typed view.

The view (views.py) carries the same Chinese names as report.yaml plus every computed figure
(执行率, 得分, 总分, 评价等次 …). Templates, Markdown expressions, the audit and data.json all
read this one view, so prose, tables and open data cannot disagree. Inputs that cannot be
scored are SourceErrors; stated figures that differ from the rules are Findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import compute
from .compute import Rules, ScoringError
from .errors import ErrorGroup, Location, SourceError
from .findings import Finding, acknowledged
from .located import Located
from .model import Report
from .parts.form.model import Form, FundRow, Funds
from .parts.form.view import Forms, FormView, FundRowView, FundsView, GoalView, StatedFormView, StatedFundsView
from .parts.indicators.model import Indicator
from .parts.indicators.view import GroupView, IndicatorRows, IndicatorView, StatedIndicatorView, SubgroupView
from .parts.score_sheet.view import LevelView, ScoreSheetView
from .quantity import Comparison, Quantity, TargetSyntaxError, Word, convert, format_number, parse_actual, parse_target
from .reporttypes import ReportType
from .tables import PreviousTable, assess_scoring, assess_tables
from .values import Money, Rate, Score
from .view import Difference
from .views import ReportView, SignatureView


@dataclass
class Inputs:
    """What a report's figures depend on besides its own data: its type, the site's unit, what the site
    model (library.py) resolved, and the order in which its text places tables and charts."""

    kind: ReportType | None = None
    default_unit: str = "万元"
    previous: dict[str, PreviousTable] = field(default_factory=dict)  # last year's tables, for 同比
    glossary: tuple[tuple[str, str], ...] = ()  # the 名词解释 the report selected
    placed_tables: list[str] = field(default_factory=list)  # ::表格[…] in the order the text has them
    placed_charts: list[str] = field(default_factory=list)  # ::图[…]


class Assessment:
    """Collects errors and findings while one report is assessed."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.errors: list[SourceError] = []
        self.findings: list[Finding] = []

    def where(self, obj: Located, *keys: str) -> Location:
        """Location of the first of `keys` that the author wrote (aliases differ), else of obj."""
        source = obj._source
        for key in keys:
            if source is not None and key in source:
                return obj.locate(key)
        return obj.locate()

    def differ(self, obj: Located, key: str, stated: Any, computed: Any, what: str) -> list[Difference]:
        """Record a stated figure that differs from the computed one; acknowledged by 核对说明 → note."""
        if stated is None or computed is None or Decimal(stated) == Decimal(computed):
            return []
        note = getattr(obj, "check_note", None)
        self.findings.append(acknowledged(self.where(obj.stated, key), note, "stated-differs",
                                          f"{what}: 原表为 {stated}，按规则计算为 {computed}"))
        return [Difference.make(item=what, stated=stated, computed=computed)]


def assess_report(report: Report, rules: Rules, inputs: Inputs | None = None) -> tuple[ReportView, list[Finding]]:
    """Compute every figure of a report; raise ErrorGroup if any row cannot be scored."""
    inputs = inputs or Inputs()
    run = Assessment(rules)
    kind = inputs.kind
    forms = Forms(assess_form(run, form, report.year, kind) for form in report.forms)
    tables, table_findings, table_errors = assess_tables(report, rules, inputs.previous, inputs.default_unit, forms,
                                                         inputs.placed_tables, inputs.placed_charts)
    run.errors += table_errors
    run.findings += table_findings
    sheet = assess_score_sheet(run, report, kind) if report.score_sheet else None
    if run.errors:
        raise run.errors[0] if len(run.errors) == 1 else ErrorGroup(run.errors)
    figures: dict[str, Any] = {}
    if len(forms) == 1:
        figures = {"total": forms[0].total, "grade": forms[0].grade, "rate": forms[0].rate}
    if sheet is not None:
        figures = {"score_sheet": sheet, "full_marks": sheet.points, "total": sheet.total, "grade": sheet.grade}
    if report.scoring:
        figures = assess_scoring(report.scoring, rules)
        if report.stated and report.stated.total is not None and report.stated.total != figures["total"]:
            run.findings.append(acknowledged(report.stated.locate("总分"), report.check_note, "stated-differs",
                                             f"总分: 原表为 {report.stated.total}，按评分计算为 {figures['total']}"))
    view = ReportView.make(
        kind=report.kind, title=report.title, unit=report.unit, year=report.year,
        date=report.date.isoformat() if report.date else None, summary=report.summary, forms=forms,
        signature=SignatureView.make(unit=report.signature.unit,
                                     date=report.signature.date.isoformat() if report.signature.date else None)
        if report.signature else None,
        tables=tables, table_numbers={n: t.number for n, t in tables.items() if t.number},
        chart_numbers={n: t.chart.number for n, t in tables.items() if t.chart and t.chart.number},
        glossary=inputs.glossary, **figures)
    return view, run.findings


def assess_tree(run: Assessment, tree: dict[str, Any], year: int, evaluated: bool
                ) -> tuple[list[tuple[str, list[SubgroupView]]], list[tuple[IndicatorView, list[Difference]]]]:
    """一级 → 二级 → rows of a form or a 评分表, each row scored."""
    levels, rows = [], []
    for level1, children in tree.items():
        subgroups = []
        for level2, items in (children or {}).items():
            assessed = [assess_indicator(run, item, year, evaluated) for item in items or []]
            rows.extend(assessed)
            subgroups.append(SubgroupView.make(name=level2, rows=tuple(r for r, _ in assessed),
                                               span=max(len(assessed), 1)))
        levels.append((level1, subgroups))
    return levels, rows


def assess_form(run: Assessment, form: Form, year: int, kind: ReportType | None) -> FormView:
    funds, differences = assess_funds(run, form.funds)
    levels, rows = assess_tree(run, form.indicators, year, evaluated=False)
    groups = [GroupView.make(name=level1, subgroups=tuple(subgroups), span=sum(g.span for g in subgroups) or 1)
              for level1, subgroups in levels]
    check_required(run, form, kind)
    indicator_points = compute.total([r.points for r, _ in rows])
    indicator_score = compute.total([r.score or Decimal(0) for r, _ in rows])
    total = compute.total([funds.score, indicator_score])
    grade = compute.grade(total, run.rules)
    check_weights(run, form, funds.points, indicator_points)
    differences += [d for _, found in rows for d in found]
    stated = StatedFormView.make(total=None, grade=None)
    if form.stated:
        stated = StatedFormView.make(total=form.stated.total, grade=form.stated.grade)
        differences += run.differ(form, "总分", form.stated.total, total, f"{form.project} 总分")
        if form.stated.grade and form.stated.grade != grade:
            run.findings.append(acknowledged(run.where(form.stated, "评价等次"), form.check_note, "stated-differs",
                                             f"{form.project} 评价等次: 原表为 {form.stated.grade}，按规则为 {grade}"))
    return FormView.make(
        project=form.project, code=form.code, department=form.department, implementer=form.implementer,
        funds=funds, rate=funds.rate, budget_score=funds.score,
        goal=GoalView.make(expected=form.goal.expected, achieved=form.goal.achieved or ""),
        process=form.process, groups=tuple(groups), rows=IndicatorRows(r for r, _ in rows),
        row_count=sum(g.span for g in groups), indicator_points=Score(indicator_points),
        indicator_score=Score(indicator_score), points=Score(funds.points + indicator_points), total=Score(total),
        grade=grade, conclusion=form.conclusion, problems=form.problems, measures=form.measures,
        project_lead=form.project_lead, finance_lead=form.finance_lead, note=None, stated=stated,
        differences=tuple(differences), extra_columns=kind.extra_columns if kind else ())


def check_required(run: Assessment, form: Form, kind: ReportType | None) -> None:
    """Keys the type's official form requires but this form lacks: a finding, not an error, since real
    documents of other provinces do lack them."""
    for key in kind.missing_form_keys(form) if kind else ():
        run.findings.append(acknowledged(form.locate(), form.check_note, "missing-field",
                                         f"{form.project}: {kind.name}的表单要求填写「{key}」，这里没有"))


def assess_score_sheet(run: Assessment, report: Report, kind: ReportType | None) -> ScoreSheetView:
    """An evaluation's 评分表: rows scored (by the rules, or the evaluator's 得分), 一级指标 weights checked."""
    sheet = report.score_sheet
    assert sheet is not None
    levels, rows = assess_tree(run, sheet.indicators, report.year, evaluated=True)
    weights = sheet.weights if sheet.weights is not None else (kind.weights if kind else {})
    views = []
    for level1, subgroups in levels:
        points = compute.total([r.points for g in subgroups for r in g.rows])
        score = compute.total([r.score or Decimal(0) for g in subgroups for r in g.rows])
        weight = weights.get(level1)
        if weight is not None and weight != points:
            run.findings.append(Finding(sheet.locate("指标"), "warning", "weights",
                                        f"评分表「{level1}」的三级指标分值合计 {format_number(points)}，权重为 {format_number(weight)}"))
        views.append(LevelView.make(name=level1, weight=Score(weight) if weight is not None else None,
                                    points=Score(points), score=Score(score), subgroups=tuple(subgroups),
                                    span=sum(g.span for g in subgroups) or 1))
    missing = [name for name in weights if name not in sheet.indicators]
    if missing:
        run.findings.append(Finding(sheet.locate("指标"), "warning", "weights",
                                    f"评分表缺少一级指标「{'、'.join(missing)}」（权重中有）"))
    total = compute.total([v.score for v in views])
    points = compute.total([v.points for v in views])
    grade = compute.grade(total, run.rules)
    differences = [d for _, found in rows for d in found]
    stated = StatedFormView.make(total=None, grade=None)
    if sheet.stated:
        stated = StatedFormView.make(total=sheet.stated.total, grade=sheet.stated.grade)
        differences += run.differ(sheet, "总分", sheet.stated.total, total, "评分表 总分")
    return ScoreSheetView.make(levels=tuple(views), rows=IndicatorRows(r for r, _ in rows), points=Score(points),
                               total=Score(total), grade=grade, stated=stated, differences=tuple(differences))


def fund_row(row: FundRow, places: int) -> FundRowView:
    def money(value: Decimal | None) -> Money | None:
        return Money(value) if value is not None else None
    rate = compute.ratio_percent(row.executed, row.budget, places)
    return FundRowView.make(name=row.name, initial=money(row.initial), budget=money(row.budget),
                            executed=money(row.executed), rate=Rate(rate) if rate is not None else None)


def assess_funds(run: Assessment, funds: Funds) -> tuple[FundsView, list[Difference]]:
    """预算执行: rate of the total row and its score; the parts are shown, not scored."""
    points = funds.points if funds.points is not None else run.rules.budget_points
    total = fund_row(funds.total, run.rules.places)
    if funds.total.budget is None or funds.total.executed is None:
        run.errors.append(SourceError(funds.total.locate(), "年度资金总额需要 全年预算数 和 全年执行数",
                                      key="项目资金.年度资金总额", hint="填上两项金额。", rule="input"))
    elif funds.total.budget == 0:
        run.errors.append(SourceError(run.where(funds.total, "全年预算数", "调整后预算数"),
                                      "全年预算数为 0，执行率无法计算，预算执行也就无法评分",
                                      key="项目资金.年度资金总额.全年预算数", rule="input",
                                      hint="填写调整后的全年预算数；没有预算的项目不填自评表。"))
    rate = total.rate
    score = compute.budget_score(rate, points, run.rules.places)
    differences: list[Difference] = []
    stated = StatedFundsView.make(rate=None, score=None)
    if funds.stated:
        stated = StatedFundsView.make(rate=funds.stated.rate, score=funds.stated.score)
        for key, printed, computed, what in (("执行率", funds.stated.rate, rate, "预算执行率"),
                                             ("得分", funds.stated.score, score, "预算执行得分")):
            differences += run.differ(funds, key, printed, computed, what)
    view = FundsView.make(total=total, parts=tuple(fund_row(p, run.rules.places) for p in funds.parts),
                          points=Score(points), rate=rate, score=Score(score), reason=funds.reason,
                          note=None, stated=stated)
    return view, differences


def assess_indicator(run: Assessment, item: Indicator, year: int, evaluated: bool = False
                     ) -> tuple[IndicatorView, list[Difference]]:
    """Parse target and actual, score the row, compute its 完成率, and note what differs from the stated form.

    A row of an evaluation's 评分表 (`evaluated`) may have no target: its 得分 is then the evaluator's."""
    row: dict[str, Any] = {
        "name": item.name, "points": Score(item.points), "score": None, "met": None, "basis": None,
        "deviation": item.deviation, "note": item.note, "stated": StatedIndicatorView.make(score=None, actual=None),
        "target": None, "kind": None, "unit": item.unit, "actual": None if item.actual is None else _text(item.actual),
        "completion": None, "standard": item.standard, "extras": item.extras,
    }
    if item.target is None and evaluated:
        return IndicatorView.make(**{**row, **evaluator_score(run, item)}), []
    for value, what in ((item.target, "指标值"), (item.actual, "实际完成值")):
        if value is None:
            run.errors.append(SourceError(item.locate(), f"「{item.name}」缺少{what}", key=f"{item.name}.{what}",
                                          rule="schema", hint=f"补上 {what}；评价报告中只有评价人打分的指标可以不写指标值，但要写 得分。"))
            return IndicatorView.make(**row), []
    try:
        target = parse_target(_text(item.target), item.operator, item.unit)
    except TargetSyntaxError as exc:
        run.errors.append(SourceError(run.where(item, *TARGET_KEYS), str(exc), key="指标值", rule="input",
                                      hint="写成 ≥428 万条、≤0.06元/条、100%、2023年12月 或文字目标。"))
        return IndicatorView.make(**row), []
    row.update(target=_show_target(item, target), kind=target.kind)
    try:
        actual = parse_actual(_text(item.actual))
    except TargetSyntaxError as exc:
        run.errors.append(SourceError(run.where(item, *ACTUAL_KEYS), str(exc), key="实际完成值", rule="input",
                                      hint="写成数字加单位（115.55 万条）、日期（6月30日）或等级词（完成、优、良）。"))
        return IndicatorView.make(**row), []
    row["actual"] = _show_actual(actual, target)
    try:
        result = compute.score_indicator(target, actual, item.points, run.rules, year)
    except ScoringError as exc:
        run.errors.append(SourceError(run.where(item, *ACTUAL_KEYS), str(exc), key=f"{item.name}.实际完成值",
                                      hint="改正完成值或其单位，使之与指标值同一量纲（如 万条 对 万条）。",
                                      rule=exc.rule))
        return IndicatorView.make(**row), []
    score = result.score
    if item.score is not None:
        score = own_qualitative_score(run, item, actual, result.share)
    completion = compute.completion_rate(target, actual, run.rules.places)
    row.update(score=Score(score), met=result.met, basis=result.basis,
               completion=Rate(completion) if completion is not None else None)
    differences: list[Difference] = []
    if item.stated:
        row["stated"] = StatedIndicatorView.make(score=item.stated.score, actual=item.stated.actual)
        differences = run.differ(item, "得分", item.stated.score, score, f"{item.name} 得分")
        if item.stated.actual is not None:
            check_stated_actual(run, item, target, actual)
    return IndicatorView.make(**row), differences


TARGET_KEYS = ("指标值", "年度指标值")
ACTUAL_KEYS = ("实际完成值", "完成值")


def evaluator_score(run: Assessment, item: Indicator) -> dict[str, Any]:
    """An evaluation row with no target: the evaluator's 得分, between 0 and the row's 分值."""
    where = run.where(item, "得分")
    if item.score is None:
        run.errors.append(SourceError(item.locate(), f"「{item.name}」既没有指标值，也没有得分", key=f"{item.name}.得分",
                                      rule="schema", hint="写上评价人给的 得分（和 评分标准 或 理由），或写 指标值 与 实际完成值 按规则计分。"))
        return {}
    if item.score > item.points:
        run.errors.append(SourceError(where, f"「{item.name}」得分 {format_number(item.score)} 超过分值 "
                                             f"{format_number(item.points)}", key=f"{item.name}.得分", rule="input",
                                      hint="得分不能超过该指标的分值。"))
    full = item.score == item.points
    return {"score": Score(item.score), "met": full, "basis": item.score_reason or item.standard or "评价人打分"}


def own_qualitative_score(run: Assessment, item: Indicator, actual: Any, share: Decimal) -> Decimal:
    """An author may give a qualitative row its own 得分 inside the grade's band, with a 理由."""
    given = item.score
    assert given is not None
    where = run.where(item, "得分")
    if not isinstance(actual, Word):
        run.errors.append(SourceError(where, "得分由规则计算，只有定性指标可以自评得分",
                                      key=f"{item.name}.得分", hint="删除 得分；原表上的得分请写在 原表: 得分: 下。"))
    elif not item.score_reason:
        run.errors.append(SourceError(where, "自评得分需要写明 理由", key=f"{item.name}.理由",
                                      hint="在同一行加上 理由: …，说明为何给这个分数。"))
    elif not compute.check_qualitative_score(given, share, item.points, run.rules):
        low, high = compute.grade_band(share, run.rules)
        message = (f"{item.name}: 自评得分 {given} 超出「{actual}」的区间 "
                   f"{format_number(item.points * low)}–{format_number(item.points * high)}")
        run.findings.append(acknowledged(where, item.check_note, "qualitative-band", message))
    return given


def check_stated_actual(run: Assessment, item: Indicator, target: Any, actual: Any) -> None:
    """A stated actual (as printed) whose unit does not fit the target is a unit-mismatch finding; one that
    is another value than the actual the row is scored with is a stated-differs finding."""
    where = run.where(item.stated, "实际完成值", "完成值")
    try:
        printed = parse_actual(_text(item.stated.actual))
    except TargetSyntaxError:
        return
    if isinstance(target, Comparison) and isinstance(printed, Quantity):
        value = convert(printed, target.quantity.unit)
        if value is None:
            run.findings.append(acknowledged(where, item.check_note, "unit-mismatch",
                                             f"{item.name}: 原表完成值「{printed}」与指标值「{target}」单位不一致"))
            return
        used = convert(actual, target.quantity.unit) if isinstance(actual, Quantity) else None
        differs = used is not None and value != used
    else:
        differs = str(printed) != str(actual)
    if differs:
        run.findings.append(acknowledged(where, item.check_note, "stated-differs",
                                         f"{item.name} 实际完成值: 原表为 {printed}，计分所用为 {actual}"))


def check_weights(run: Assessment, form: Form, budget_points: Decimal, indicator_points: Decimal) -> None:
    """分值 must add up to the configured split (10 + 90 by default)."""
    want = run.rules.indicator_points
    if indicator_points != want:
        run.findings.append(Finding(form.locate("绩效指标"), "warning", "weights",
                                    f"{form.project}: 绩效指标分值合计 {format_number(indicator_points)}，应为 {format_number(want)}"))
    if budget_points != run.rules.budget_points:
        run.findings.append(Finding(form.funds.locate(), "warning", "weights",
                                    f"{form.project}: 预算执行分值 {format_number(budget_points)}，应为 {format_number(run.rules.budget_points)}"))


def _text(value: Any) -> str:
    return format_number(value) if isinstance(value, Decimal) else str(value)


def _show_target(item: Indicator, target: Any) -> str | None:
    if isinstance(target, Comparison) and (item.operator or item.unit):
        return f"{target.operator}{format_number(target.quantity.value)}{item.unit or ''}"
    return _text(item.target)


def _show_actual(actual: Any, target: Any) -> str:
    """A bare number is printed with the target's unit, since the form prints the unit once."""
    if isinstance(actual, Quantity) and actual.unit is None and isinstance(target, Comparison) \
            and target.quantity.unit is not None:
        return f"{format_number(actual.value)}{target.quantity.unit.text}"
    return str(actual)
