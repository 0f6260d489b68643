"""Apply the scoring rules to a validated report and build its view.

The view is a tree of dicts keyed by the same Chinese names as report.yaml, plus
every computed figure (执行率, 得分, 总分, 评价等次 …). Templates, Markdown
expressions and data.json all read this one tree, so prose, tables and open data
cannot disagree. Inputs that cannot be scored are SourceErrors; stated figures that
differ from the rules are Findings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import compute
from .compute import Rules, ScoringError
from .errors import ErrorGroup, Location, SourceError
from .findings import Finding, acknowledged
from .model import Form, Funds, Indicator, Located, Report
from .quantity import Comparison, Quantity, TargetSyntaxError, Word, convert, format_number, parse_actual, parse_target
from .tables import assess_scoring, assess_tables
from .values import Money, NamedList, Rate, Score


class Forms(NamedList):
    """The forms of a report, also indexable by 项目名称: 自评表["聘用人员经费"]."""

    name_key = "项目名称"


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

    def differ(self, obj: Located, key: str, stated: Any, computed: Any, what: str) -> dict[str, Any] | None:
        """Record a stated figure that differs from the computed one; acknowledged by 说明 → note."""
        if stated is None or computed is None or Decimal(stated) == Decimal(computed):
            return None
        note = getattr(obj, "note", None)
        self.findings.append(acknowledged(self.where(obj.stated, key), note, "stated-differs",
                                          f"{what}: 原表为 {stated}，按规则计算为 {computed}"))
        return {"项目": what, "原表": stated, "计算": computed, "说明": note}


def assess_report(report: Report, rules: Rules,
                  previous: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """Compute every figure of a report; raise ErrorGroup if any row cannot be scored.

    `previous` holds the previous year's data tables of the same unit, for 同比.
    """
    run = Assessment(rules)
    forms = Forms(assess_form(run, form, report.year) for form in report.forms)
    tables, table_findings, table_errors = assess_tables(report, rules, previous or {})
    run.errors += table_errors
    run.findings += table_findings
    if run.errors:
        raise run.errors[0] if len(run.errors) == 1 else ErrorGroup(run.errors)
    view: dict[str, Any] = {
        "类型": report.kind, "标题": report.title, "单位": report.unit, "年度": report.year,
        "日期": report.date.isoformat() if report.date else None, "摘要": report.summary,
        "自评表": forms,
        "落款": {"单位": report.signature.unit,
                 "日期": report.signature.date.isoformat() if report.signature.date else None}
        if report.signature else None,
    }
    view.update({"数据表": tables, "表号": {n: t["编号"] for n, t in tables.items()},
                 "图号": {n: t["图"]["编号"] for n, t in tables.items() if t["图"]}, "评分": None})
    if len(forms) == 1:
        view.update({k: forms[0][k] for k in ("总分", "评价等次", "执行率")})
    if report.scoring:
        view.update(assess_scoring(report.scoring, rules))
        if report.stated and report.stated.total is not None and report.stated.total != view["总分"]:
            run.findings.append(acknowledged(report.stated.locate("总分"), report.note, "stated-differs",
                                             f"总分: 原表为 {report.stated.total}，按评分计算为 {view['总分']}"))
    return view, run.findings


def assess_form(run: Assessment, form: Form, year: int) -> dict[str, Any]:
    funds = assess_funds(run, form.funds)
    groups, rows = [], []
    for level1, children in form.indicators.items():
        subgroups = []
        for level2, items in (children or {}).items():
            assessed = [assess_indicator(run, item, year) for item in items or []]
            rows.extend(assessed)
            subgroups.append({"二级指标": level2, "三级指标": assessed, "行数": max(len(assessed), 1)})
        groups.append({"一级指标": level1, "二级指标": subgroups,
                       "行数": sum(g["行数"] for g in subgroups) or 1})
    indicator_points = compute.total([r["分值"] for r in rows])
    indicator_score = compute.total([r["得分"] or Decimal(0) for r in rows])
    total = compute.total([funds["得分"], indicator_score])
    grade = compute.grade(total, run.rules)
    check_weights(run, form, funds["分值"], indicator_points)
    view = {
        "项目名称": form.project, "项目编码": form.code, "主管部门": form.department,
        "实施单位": form.implementer, "项目资金": funds, "执行率": funds["执行率"],
        "预算执行得分": funds["得分"],
        "年度总体目标": {"预期目标": form.goal.expected, "实际完成情况": form.goal.achieved},
        "项目实施内容及过程概述": form.process, "绩效指标": groups, "指标": rows, "指标行数": sum(g["行数"] for g in groups),
        "指标分值": Score(indicator_points), "指标得分": Score(indicator_score),
        "分值合计": Score(funds["分值"] + indicator_points), "总分": Score(total), "评价等次": grade,
        "评价结论": form.conclusion, "存在问题": form.problems, "改进措施": form.measures,
        "项目负责人": form.project_lead, "财务负责人": form.finance_lead, "说明": form.note,
        "原表": {"总分": None, "评价等次": None}, "差异": [],
    }
    if form.stated:
        view["原表"] = {"总分": form.stated.total, "评价等次": form.stated.grade}
        diff = run.differ(form, "总分", form.stated.total, total, f"{form.project} 总分")
        if diff:
            view["差异"].append(diff)
        if form.stated.grade and form.stated.grade != grade:
            run.findings.append(acknowledged(run.where(form.stated, "评价等次"), form.note, "stated-differs",
                                             f"{form.project} 评价等次: 原表为 {form.stated.grade}，按规则为 {grade}"))
    view["差异"] = funds.pop("差异") + [d for r in rows for d in r.pop("差异")] + view["差异"]
    return view


def fund_row(row: Any, places: int) -> dict[str, Any]:
    def money(value: Decimal | None) -> Money | None:
        return Money(value) if value is not None else None
    rate = compute.ratio_percent(row.executed, row.budget, places)
    return {"名称": row.name, "年初预算数": money(row.initial), "全年预算数": money(row.budget),
            "全年执行数": money(row.executed), "执行率": Rate(rate) if rate is not None else None}


def assess_funds(run: Assessment, funds: Funds) -> dict[str, Any]:
    """预算执行: rate of the total row and its score; the parts are shown, not scored."""
    points = funds.points if funds.points is not None else run.rules.budget_points
    total = fund_row(funds.total, run.rules.places)
    if funds.total.budget is None or funds.total.executed is None:
        run.errors.append(SourceError(funds.total.locate(), "年度资金总额需要 全年预算数 和 全年执行数",
                                      key="项目资金.年度资金总额", hint="填上两项金额（万元）。"))
    rate = total["执行率"]
    score = compute.budget_score(rate, points, run.rules.places)
    view = {"年度资金总额": total, "其中": [fund_row(p, run.rules.places) for p in funds.parts],
            "分值": Score(points), "执行率": rate, "得分": Score(score), "原因": funds.reason,
            "说明": funds.note, "原表": {"执行率": None, "得分": None}, "差异": []}
    if funds.stated:
        view["原表"] = {"执行率": funds.stated.rate, "得分": funds.stated.score}
        for key, stated, computed, what in (("执行率", funds.stated.rate, rate, "预算执行率"),
                                            ("得分", funds.stated.score, score, "预算执行得分")):
            diff = run.differ(funds, key, stated, computed, what)
            if diff:
                view["差异"].append(diff)
    return view


def assess_indicator(run: Assessment, item: Indicator, year: int) -> dict[str, Any]:
    """Parse target and actual, score the row, and note what differs from the stated form."""
    actual_keys = ("实际完成值", "完成值")
    target_keys = ("指标值", "年度指标值")
    row: dict[str, Any] = {
        "三级指标": item.name, "分值": Score(item.points), "得分": None, "达标": None, "计分依据": None,
        "偏差原因分析及改进措施": item.deviation, "说明": item.note,
        "原表": {"得分": None, "实际完成值": None}, "差异": [],
        "指标值": None, "指标性质": None, "度量单位": item.unit, "实际完成值": str(item.actual),
    }
    try:
        target = parse_target(_text(item.target), item.operator, item.unit)
    except TargetSyntaxError as exc:
        run.errors.append(SourceError(run.where(item, *target_keys), str(exc), key="指标值",
                                      hint="写成 ≥428 万条、≤0.06元/条、100%、2023年12月 或文字目标。"))
        return row
    row["指标值"] = _show_target(item, target)
    row["指标性质"] = target.kind
    try:
        actual = parse_actual(_text(item.actual))
    except TargetSyntaxError as exc:
        run.errors.append(SourceError(run.where(item, *actual_keys), str(exc), key="实际完成值"))
        return row
    row["实际完成值"] = _show_actual(actual, target)
    try:
        result = compute.score_indicator(target, actual, item.points, run.rules, year)
    except ScoringError as exc:
        run.errors.append(SourceError(run.where(item, *actual_keys), str(exc), key=f"{item.name}.实际完成值",
                                      hint="改正完成值或其单位，使之与指标值同一量纲（如 万条 对 万条）。",
                                      rule=exc.rule))
        return row
    score = result.score
    if item.score is not None:
        score = own_qualitative_score(run, item, actual, result.share)
    row.update({"得分": Score(score), "达标": result.met, "计分依据": result.basis})
    if item.stated:
        row["原表"] = {"得分": item.stated.score, "实际完成值": item.stated.actual}
        diff = run.differ(item, "得分", item.stated.score, score, f"{item.name} 得分")
        if diff:
            row["差异"].append(diff)
        if item.stated.actual is not None:
            check_stated_actual(run, item, target)
    return row


def own_qualitative_score(run: Assessment, item: Indicator, actual: Any, share: Decimal) -> Decimal:
    """An author may give a qualitative row its own 得分 inside the grade's band, with a 理由."""
    given = item.score
    assert given is not None
    where = run.where(item, "得分")
    if not isinstance(actual, Word):
        run.errors.append(SourceError(where, "得分由规则计算，只有定性指标可以自评得分",
                                      key=f"{item.name}.得分", hint="删除 得分；原表上的得分请写在 原表: 得分: 下。"))
    elif not item.score_reason:
        run.errors.append(SourceError(where, "自评得分需要写明 理由", key=f"{item.name}.理由"))
    elif not compute.check_qualitative_score(given, share, item.points, run.rules):
        low, high = compute.grade_band(share, run.rules)
        message = (f"{item.name}: 自评得分 {given} 超出「{actual}」的区间 "
                   f"{format_number(item.points * low)}–{format_number(item.points * high)}")
        run.findings.append(acknowledged(where, item.note, "qualitative-band", message))
    return given


def check_stated_actual(run: Assessment, item: Indicator, target: Any) -> None:
    """A stated actual (as printed) whose unit does not fit the target is a unit-mismatch finding."""
    try:
        printed = parse_actual(_text(item.stated.actual))
    except TargetSyntaxError:
        return
    if isinstance(target, Comparison) and isinstance(printed, Quantity) and \
            convert(printed, target.quantity.unit) is None:
        run.findings.append(acknowledged(run.where(item.stated, "实际完成值", "完成值"), item.note, "unit-mismatch",
                                         f"{item.name}: 原表完成值「{printed}」与指标值「{target}」单位不一致"))


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


def _show_target(item: Indicator, target: Any) -> str:
    if isinstance(target, Comparison) and (item.operator or item.unit):
        return f"{target.operator}{format_number(target.quantity.value)}{item.unit or ''}"
    return _text(item.target)


def _show_actual(actual: Any, target: Any) -> str:
    """A bare number is printed with the target's unit, since the form prints the unit once."""
    if isinstance(actual, Quantity) and actual.unit is None and isinstance(target, Comparison) \
            and target.quantity.unit is not None:
        return f"{format_number(actual.value)}{target.quantity.unit.text}"
    return str(actual)
