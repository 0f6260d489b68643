"""Indicator rows computed: target and actual parsed, each row scored by the rules (or by the evaluator), its
完成率, and what differs from the stated form; shared by the 自评表 and the 评分表."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ... import compute
from ...compute import ScoringError
from ...errors import SourceError
from ...findings import acknowledged
from ...provenance import Typed, computed, traced
from ...quantity import (
    Comparison,
    Quantity,
    TargetSyntaxError,
    Word,
    convert,
    format_number,
    parse_actual,
    parse_target,
)
from ...values import Rate, Score, as_computed
from ...view import Difference
from .model import Indicator
from .view import IndicatorView, StatedIndicatorView, SubgroupView

if TYPE_CHECKING:
    from ...assess import Assessment


def assess_tree(
    run: Assessment, tree: dict[str, Any], year: int, evaluated: bool, path: str
) -> tuple[list[tuple[str, list[SubgroupView]]], list[tuple[IndicatorView, list[Difference]]]]:
    """一级 → 二级 → rows of a form or a 评分表, each row scored; a row's path is its place in the flat list
    (`path`.N, as data.json's 指标 lists them)."""
    levels: list[tuple[str, list[SubgroupView]]] = []
    rows: list[tuple[IndicatorView, list[Difference]]] = []
    for level1, children in tree.items():
        subgroups = []
        for level2, items in (children or {}).items():
            assessed = [
                assess_indicator(run, item, year, evaluated, f"{path}.{len(rows) + i}")
                for i, item in enumerate(items or [])
            ]
            rows.extend(assessed)
            subgroups.append(
                SubgroupView.make(name=level2, rows=tuple(r for r, _ in assessed), span=max(len(assessed), 1))
            )
        levels.append((level1, subgroups))
    return levels, rows


def assess_indicator(
    run: Assessment, item: Indicator, year: int, evaluated: bool = False, path: str = "指标.0"
) -> tuple[IndicatorView, list[Difference]]:
    """Parse target and actual, score the row, compute its 完成率, and note what differs from the stated form.

    A row of an evaluation's 评分表 (`evaluated`) may have no target: its 得分 is then the evaluator's."""
    row: dict[str, Any] = {
        "name": item.name,
        "points": run.written(item, f"{path}.分值", Score(item.points), "分值", "权重"),
        "score": None,
        "met": None,
        "basis": None,
        "deviation": item.deviation,
        "note": item.note,
        "stated": StatedIndicatorView.make(score=None, actual=None),
        "target": None,
        "kind": None,
        "unit": item.unit,
        "actual": None if item.actual is None else as_text(item.actual),
        "completion": None,
        "standard": item.standard,
        "extras": item.extras,
    }
    if item.target is None and evaluated:
        return IndicatorView.make(**{**row, **evaluator_score(run, item, path)}), []
    for value, what in ((item.target, "指标值"), (item.actual, "实际完成值")):
        if value is None:
            run.errors.append(
                SourceError(
                    item.locate(),
                    f"「{item.name}」缺少{what}",
                    key=f"{item.name}.{what}",
                    rule="schema",
                    hint=f"补上 {what}；评价报告中只有评价人打分的指标可以不写指标值，但要写 得分。",
                )
            )
            return IndicatorView.make(**row), []
    try:
        target = parse_target(as_text(item.target), item.operator, item.unit)
    except TargetSyntaxError as exc:
        run.errors.append(
            SourceError(
                run.where(item, *TARGET_KEYS),
                str(exc),
                key="指标值",
                rule="input",
                hint="写成 ≥428 万条、≤0.06元/条、100%、2023年12月 或文字目标。",
            )
        )
        return IndicatorView.make(**row), []
    row.update(target=_show_target(item, target), kind=target.kind)
    try:
        actual = parse_actual(as_text(item.actual))
    except TargetSyntaxError as exc:
        run.errors.append(
            SourceError(
                run.where(item, *ACTUAL_KEYS),
                str(exc),
                key="实际完成值",
                rule="input",
                hint="写成数字加单位（115.55 万条）、日期（6月30日）或等级词（完成、优、良）。",
            )
        )
        return IndicatorView.make(**row), []
    row["actual"] = _show_actual(actual, target)
    try:
        result = compute.score_indicator(target, actual, item.points, run.rules, year)
    except ScoringError as exc:
        run.errors.append(
            SourceError(
                run.where(item, *ACTUAL_KEYS),
                str(exc),
                key=f"{item.name}.实际完成值",
                hint="改正完成值或其单位，使之与指标值同一量纲（如 万条 对 万条）。",
                rule=exc.rule,
            )
        )
        return IndicatorView.make(**row), []
    given = (
        run.typed(item, f"{path}.指标值", row["target"], *TARGET_KEYS),
        run.typed(item, f"{path}.实际完成值", row["actual"], *ACTUAL_KEYS),
    )
    if item.score is not None:
        score = run.written(item, f"{path}.得分", Score(own_qualitative_score(run, item, actual, result.share)), "得分")
    else:
        score = traced(
            Score(result.score),
            computed(
                f"{path}.得分",
                Score(result.score),
                f"得分 = 分值 × 得分比例（计分依据 {result.basis}）",
                score_arithmetic(row["points"], result),
                [*given, row["points"]],
                run.scope,
                item.stated.score if item.stated else None,
                f"{item.name} 得分",
            ),
        )
    row.update(
        score=score, met=result.met, basis=result.basis, completion=completion_figure(run, target, actual, given, path)
    )
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
    rate = Rate(as_computed(completion))
    value = convert(actual, target.quantity.unit)
    return traced(
        rate,
        computed(
            f"{path}.完成率",
            rate,
            "完成率 = 实际完成值 ÷ 指标值",
            f"{format_number(value)} ÷ {format_number(target.quantity.value)}",
            given[::-1],
            run.scope,
        ),
    )


def evaluator_score(run: Assessment, item: Indicator, path: str) -> dict[str, Any]:
    """An evaluation row with no target: the evaluator's 得分, between 0 and the row's 分值."""
    where = run.where(item, "得分")
    if item.score is None:
        run.errors.append(
            SourceError(
                item.locate(),
                f"「{item.name}」既没有指标值，也没有得分",
                key=f"{item.name}.得分",
                rule="schema",
                hint="写上评价人给的 得分（和 评分标准 或 理由），或写 指标值 与 实际完成值 按规则计分。",
            )
        )
        return {}
    if item.score > item.points:
        run.errors.append(
            SourceError(
                where,
                f"「{item.name}」得分 {format_number(item.score)} 超过分值 {format_number(item.points)}",
                key=f"{item.name}.得分",
                rule="input",
                hint="得分不能超过该指标的分值。",
            )
        )
    full = item.score == item.points
    return {
        "score": run.written(item, f"{path}.得分", Score(item.score), "得分"),
        "met": full,
        "basis": item.score_reason or item.standard or "评价人打分",
    }


def own_qualitative_score(run: Assessment, item: Indicator, actual: Any, share: Decimal) -> Decimal:
    """An author may give a qualitative row its own 得分 inside the grade's band, with a 理由."""
    given = item.score
    assert given is not None
    where = run.where(item, "得分")
    if not isinstance(actual, Word):
        run.errors.append(
            SourceError(
                where,
                "得分由规则计算，只有定性指标可以自评得分",
                key=f"{item.name}.得分",
                hint="删除 得分；原表上的得分请写在 原表: 得分: 下。",
            )
        )
    elif not item.score_reason:
        run.errors.append(
            SourceError(
                where,
                "自评得分需要写明 理由",
                key=f"{item.name}.理由",
                hint="在同一行加上 理由: …，说明为何给这个分数。",
            )
        )
    elif not compute.check_qualitative_score(given, share, item.points, run.rules):
        low, high = compute.grade_band(share, run.rules)
        message = (
            f"{item.name}: 自评得分 {given} 超出「{actual}」的区间 "
            f"{format_number(item.points * low)}–{format_number(item.points * high)}"
        )
        run.findings.append(acknowledged(where, item.check_note, "qualitative-band", message))
    return given


def check_stated_actual(run: Assessment, item: Indicator, target: Any, actual: Any) -> None:
    """A stated actual (as printed) whose unit does not fit the target is a unit-mismatch finding; one that
    is another value than the actual the row is scored with is a stated-differs finding."""
    where = run.where(item.stated, "实际完成值", "完成值")
    try:
        printed = parse_actual(as_text(item.stated.actual))
    except TargetSyntaxError:
        return
    if isinstance(target, Comparison) and isinstance(printed, Quantity):
        value = convert(printed, target.quantity.unit)
        if value is None:
            run.findings.append(
                acknowledged(
                    where,
                    item.check_note,
                    "unit-mismatch",
                    f"{item.name}: 原表完成值「{printed}」与指标值「{target}」单位不一致",
                )
            )
            return
        used = convert(actual, target.quantity.unit) if isinstance(actual, Quantity) else None
        differs = used is not None and value != used
    else:
        differs = str(printed) != str(actual)
    if differs:
        run.findings.append(
            acknowledged(
                where,
                item.check_note,
                "stated-differs",
                f"{item.name} 实际完成值: 原表为 {printed}，计分所用为 {actual}",
            )
        )


def as_text(value: Any) -> str:
    return format_number(value) if isinstance(value, Decimal) else str(value)


def _show_target(item: Indicator, target: Any) -> str | None:
    if isinstance(target, Comparison) and (item.operator or item.unit):
        return f"{target.operator}{format_number(target.quantity.value)}{item.unit or ''}"
    return as_text(item.target)


def _show_actual(actual: Any, target: Any) -> str:
    """A bare number is printed with the target's unit, since the form prints the unit once."""
    if (
        isinstance(actual, Quantity)
        and actual.unit is None
        and isinstance(target, Comparison)
        and target.quantity.unit is not None
    ):
        return f"{format_number(actual.value)}{target.quantity.unit.text}"
    return str(actual)
