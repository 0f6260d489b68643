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
from .provenance import Computed, Typed, computed, graded, total_of, traced, written_at
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
    anchor_prefix: str = ""  # the page's prefix for this report's ids (an attachment's a1- …), for its figures


class Assessment:
    """Collects errors and findings while one report is assessed."""

    def __init__(self, rules: Rules, scope: str = ""):
        self.rules = rules
        self.scope = scope
        self.errors: list[SourceError] = []
        self.findings: list[Finding] = []

    def where(self, obj: Located, *keys: str) -> Location:
        """Location of the first of `keys` that the author wrote (aliases differ), else of obj."""
        source = obj._source
        for key in keys:
            if source is not None and key in source:
                return obj.locate(key)
        return obj.locate()

    def typed(self, obj: Located, path: str, value: Any, *keys: str) -> Typed:
        """The origin of a value the author wrote under one of `keys` of obj."""
        return written_at(obj, path, value, self.scope, *keys)

    def written(self, obj: Located, path: str, value: Any, *keys: str) -> Any:
        """A figure as written, carrying its origin."""
        return traced(value, written_at(obj, path, value, self.scope, *keys))

    def total(self, path: str, rule: str, parts: list[Any], stated: Any = None, name: str | None = None) -> Score:
        return total_of(path, rule, parts, self.scope, stated, name)

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
    run = Assessment(rules, inputs.anchor_prefix)
    kind = inputs.kind
    forms = Forms(assess_form(run, form, report.year, kind, f"自评表.{i}") for i, form in enumerate(report.forms))
    tables, table_findings, table_errors = assess_tables(report, rules, inputs.previous, inputs.default_unit, forms,
                                                         inputs.placed_tables, inputs.placed_charts, run.scope)
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
        figures = assess_scoring(report.scoring, rules, run.scope)
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


def assess_tree(run: Assessment, tree: dict[str, Any], year: int, evaluated: bool, path: str
                ) -> tuple[list[tuple[str, list[SubgroupView]]], list[tuple[IndicatorView, list[Difference]]]]:
    """一级 → 二级 → rows of a form or a 评分表, each row scored; a row's path is its place in the flat list
    (`path`.N, as data.json's 指标 lists them)."""
    levels: list[tuple[str, list[SubgroupView]]] = []
    rows: list[tuple[IndicatorView, list[Difference]]] = []
    for level1, children in tree.items():
        subgroups = []
        for level2, items in (children or {}).items():
            assessed = [assess_indicator(run, item, year, evaluated, f"{path}.{len(rows) + i}")
                        for i, item in enumerate(items or [])]
            rows.extend(assessed)
            subgroups.append(SubgroupView.make(name=level2, rows=tuple(r for r, _ in assessed),
                                               span=max(len(assessed), 1)))
        levels.append((level1, subgroups))
    return levels, rows


def assess_form(run: Assessment, form: Form, year: int, kind: ReportType | None, path: str) -> FormView:
    funds, differences = assess_funds(run, form.funds, f"{path}.项目资金")
    levels, rows = assess_tree(run, form.indicators, year, evaluated=False, path=f"{path}.指标")
    groups = [GroupView.make(name=level1, subgroups=tuple(subgroups), span=sum(g.span for g in subgroups) or 1)
              for level1, subgroups in levels]
    check_required(run, form, kind)
    row_scores = [r.score or Decimal(0) for r, _ in rows]
    indicator_points = run.total(f"{path}.指标分值", "指标分值 = 各三级指标分值之和", [r.points for r, _ in rows])
    indicator_score = run.total(f"{path}.指标得分", "指标得分 = 各三级指标得分之和", row_scores)
    total = run.total(f"{path}.总分", "总分 = 预算执行得分 + 各三级指标得分之和", [funds.score, *row_scores],
                      form.stated.total if form.stated else None)
    grade = graded(f"{path}.评价等次", total, run.rules, run.scope)
    check_weights(run, form, funds.points, indicator_points)
    differences += [d for _, found in rows for d in found]
    stated = StatedFormView.make(total=None, grade=None)
    if form.stated:
        stated = StatedFormView.make(total=form.stated.total, grade=form.stated.grade)
        differences += run.differ(form, "总分", form.stated.total, Decimal(total), f"{form.project} 总分")
        if form.stated.grade and form.stated.grade != grade:
            run.findings.append(acknowledged(run.where(form.stated, "评价等次"), form.check_note, "stated-differs",
                                             f"{form.project} 评价等次: 原表为 {form.stated.grade}，按规则为 {grade}"))
    return FormView.make(
        project=form.project, code=form.code, department=form.department, implementer=form.implementer,
        funds=funds, rate=funds.rate, budget_score=funds.score,
        goal=GoalView.make(expected=form.goal.expected, achieved=form.goal.achieved or ""),
        process=form.process, groups=tuple(groups), rows=IndicatorRows(r for r, _ in rows),
        row_count=sum(g.span for g in groups), indicator_points=indicator_points, indicator_score=indicator_score,
        points=run.total(f"{path}.分值合计", "分值合计 = 预算执行分值 + 指标分值", [funds.points, indicator_points]),
        total=total, grade=grade, conclusion=form.conclusion, problems=form.problems, measures=form.measures,
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
    levels, rows = assess_tree(run, sheet.indicators, report.year, evaluated=True, path="评分表.指标")
    weights = sheet.weights if sheet.weights is not None else (kind.weights if kind else {})
    views = []
    for index, (level1, subgroups) in enumerate(levels):
        level = f"评分表.一级指标.{index}"
        points = run.total(f"{level}.分值", f"分值 = 「{level1}」各三级指标分值之和",
                           [r.points for g in subgroups for r in g.rows], name=f"{level1} 分值")
        score = run.total(f"{level}.得分", f"得分 = 「{level1}」各三级指标得分之和",
                          [r.score or Decimal(0) for g in subgroups for r in g.rows], name=f"{level1} 得分")
        weight = weights.get(level1)
        if weight is not None and weight != points:
            run.findings.append(Finding(sheet.locate("指标"), "warning", "weights",
                                        f"评分表「{level1}」的三级指标分值合计 {format_number(points)}，权重为 {format_number(weight)}"))
        views.append(LevelView.make(name=level1, weight=Score(weight) if weight is not None else None,
                                    points=points, score=score, subgroups=tuple(subgroups),
                                    span=sum(g.span for g in subgroups) or 1))
    missing = [name for name in weights if name not in sheet.indicators]
    if missing:
        run.findings.append(Finding(sheet.locate("指标"), "warning", "weights",
                                    f"评分表缺少一级指标「{'、'.join(missing)}」（权重中有）"))
    total = run.total("评分表.总分", "总分 = 各一级指标得分之和", [v.score for v in views],
                      sheet.stated.total if sheet.stated else None)
    points = run.total("评分表.满分", "满分 = 各一级指标分值之和", [v.points for v in views])
    grade = graded("评分表.评价等次", total, run.rules, run.scope)
    differences = [d for _, found in rows for d in found]
    stated = StatedFormView.make(total=None, grade=None)
    if sheet.stated:
        stated = StatedFormView.make(total=sheet.stated.total, grade=sheet.stated.grade)
        differences += run.differ(sheet, "总分", sheet.stated.total, Decimal(total), "评分表 总分")
    return ScoreSheetView.make(levels=tuple(views), rows=IndicatorRows(r for r, _ in rows), points=points,
                               total=total, grade=grade, stated=stated, differences=tuple(differences))


def fund_row(run: Assessment, row: FundRow, path: str, rate_path: str, stated: Any = None) -> FundRowView:
    """A 项目资金 row: its amounts as written and its 执行率 (at `rate_path`)."""
    def money(value: Decimal | None, *keys: str) -> Money | None:
        return run.written(row, f"{path}.{keys[0]}", Money(value), *keys) if value is not None else None
    budget, executed = money(row.budget, "全年预算数", "调整后预算数"), money(row.executed, "全年执行数", "预算执行数")
    rate = compute.ratio_percent(row.executed, row.budget, run.rules.places)
    return FundRowView.make(name=row.name, initial=money(row.initial, "年初预算数"), budget=budget, executed=executed,
                            rate=traced(Rate(rate), computed(rate_path, Rate(rate), "执行率 = 全年执行数 ÷ 全年预算数",
                                                             f"{executed} ÷ {budget}", [executed, budget], run.scope,
                                                             stated)) if rate is not None else None)


def budget_points(run: Assessment, funds: Funds, path: str) -> Score:
    """预算执行的分值: as written, else the scoring rules' (10 unless site.yaml says otherwise)."""
    if funds.points is not None:
        return run.written(funds, path, Score(funds.points), "分值", "权重")
    points = Score(run.rules.budget_points)
    return traced(points, Computed(path, "分值", str(points), "预算执行分值未填写，取评分规则的默认值", str(points),
                                   scope=run.scope))


def assess_funds(run: Assessment, funds: Funds, path: str) -> tuple[FundsView, list[Difference]]:
    """预算执行: rate of the total row and its score; the parts are shown, not scored."""
    points = budget_points(run, funds, f"{path}.分值")
    stated_rate = funds.stated.rate if funds.stated else None
    total = fund_row(run, funds.total, f"{path}.年度资金总额", f"{path}.执行率", stated_rate)
    if funds.total.budget is None or funds.total.executed is None:
        run.errors.append(SourceError(funds.total.locate(), "年度资金总额需要 全年预算数 和 全年执行数",
                                      key="项目资金.年度资金总额", hint="填上两项金额。", rule="input"))
    elif funds.total.budget == 0:
        run.errors.append(SourceError(run.where(funds.total, "全年预算数", "调整后预算数"),
                                      "全年预算数为 0，执行率无法计算，预算执行也就无法评分",
                                      key="项目资金.年度资金总额.全年预算数", rule="input",
                                      hint="填写调整后的全年预算数；没有预算的项目不填自评表。"))
    rate = total.rate
    score = Score(compute.budget_score(rate, points, run.rules.places))
    if rate is not None:
        traced(score, computed(f"{path}.得分", score, "预算执行得分 = 分值 × 执行率（执行率超过 100% 按 100% 计）",
                               f"{points} × {rate if rate <= compute.HUNDRED else '100%'}", [points, rate], run.scope,
                               funds.stated.score if funds.stated else None, "预算执行得分"))
    differences: list[Difference] = []
    stated = StatedFundsView.make(rate=None, score=None)
    if funds.stated:
        stated = StatedFundsView.make(rate=funds.stated.rate, score=funds.stated.score)
        for key, printed, result, what in (("执行率", funds.stated.rate, rate, "预算执行率"),
                                           ("得分", funds.stated.score, Decimal(score), "预算执行得分")):
            differences += run.differ(funds, key, printed, result, what)
    parts = tuple(fund_row(run, p, f"{path}.其中.{i}", f"{path}.其中.{i}.执行率") for i, p in enumerate(funds.parts))
    view = FundsView.make(total=total, parts=parts, points=points, rate=rate, score=score, reason=funds.reason,
                          note=None, stated=stated)
    return view, differences


def assess_indicator(run: Assessment, item: Indicator, year: int, evaluated: bool = False, path: str = "指标.0"
                     ) -> tuple[IndicatorView, list[Difference]]:
    """Parse target and actual, score the row, compute its 完成率, and note what differs from the stated form.

    A row of an evaluation's 评分表 (`evaluated`) may have no target: its 得分 is then the evaluator's."""
    row: dict[str, Any] = {
        "name": item.name, "points": run.written(item, f"{path}.分值", Score(item.points), "分值", "权重"), "score": None, "met": None, "basis": None,
        "deviation": item.deviation, "note": item.note, "stated": StatedIndicatorView.make(score=None, actual=None),
        "target": None, "kind": None, "unit": item.unit, "actual": None if item.actual is None else _text(item.actual),
        "completion": None, "standard": item.standard, "extras": item.extras,
    }
    if item.target is None and evaluated:
        return IndicatorView.make(**{**row, **evaluator_score(run, item, path)}), []
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
    given = (run.typed(item, f"{path}.指标值", row["target"], *TARGET_KEYS),
             run.typed(item, f"{path}.实际完成值", row["actual"], *ACTUAL_KEYS))
    if item.score is not None:
        score = run.written(item, f"{path}.得分", Score(own_qualitative_score(run, item, actual, result.share)), "得分")
    else:
        score = traced(Score(result.score), computed(
            f"{path}.得分", Score(result.score), f"得分 = 分值 × 得分比例（计分依据 {result.basis}）",
            score_arithmetic(row["points"], result), [*given, row["points"]], run.scope,
            item.stated.score if item.stated else None, f"{item.name} 得分"))
    row.update(score=score, met=result.met, basis=result.basis,
               completion=completion_figure(run, target, actual, given, path))
    differences: list[Difference] = []
    if item.stated:
        row["stated"] = StatedIndicatorView.make(score=item.stated.score, actual=item.stated.actual)
        differences = run.differ(item, "得分", item.stated.score, Decimal(score), f"{item.name} 得分")
        if item.stated.actual is not None:
            check_stated_actual(run, item, target, actual)
    return IndicatorView.make(**row), differences


TARGET_KEYS = ("指标值", "年度指标值")
ACTUAL_KEYS = ("实际完成值", "完成值")


def score_arithmetic(points: Score, result: compute.IndicatorScore) -> str:
    """A row's 得分 with its numbers: the rule's formula with the row's 分值 (10 × 115.55 ÷ 428), or 分值 × the
    share its grade, deadline or target gives (10 × 100%)."""
    formula = result.basis.partition(": ")[2]
    if formula.startswith("分值"):
        return formula.replace("分值", str(points), 1)
    return f"{points} × {format_number(result.share * compute.HUNDRED)}%"


def completion_figure(run: Assessment, target: Any, actual: Any, given: tuple[Typed, Typed], path: str) -> Rate | None:
    """完成率 of a quantitative row: 实际完成值 ÷ 指标值 (in the target's unit), with its origin."""
    completion = compute.completion_rate(target, actual, run.rules.places)
    if completion is None:
        return None
    rate = Rate(completion)
    value = convert(actual, target.quantity.unit)
    return traced(rate, computed(f"{path}.完成率", rate, "完成率 = 实际完成值 ÷ 指标值",
                                 f"{format_number(value)} ÷ {format_number(target.quantity.value)}", given[::-1], run.scope))


def evaluator_score(run: Assessment, item: Indicator, path: str) -> dict[str, Any]:
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
    return {"score": run.written(item, f"{path}.得分", Score(item.score), "得分"), "met": full, "basis": item.score_reason or item.standard or "评价人打分"}


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
