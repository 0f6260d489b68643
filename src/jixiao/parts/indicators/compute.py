"""Indicator rows computed: target and actual parsed, each row scored by the rules (or by the evaluator), its
完成率, and what differs from the stated form; shared by the 自评表 and the 评分表."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ... import compute
from ...compute import ScoringError
from ...errors import SourceError
from ...findings import acknowledged
from ...provenance import Typed, computed, origin_of, traced
from ...quantity import (
    QUALITATIVE_WORDS,
    Comparison,
    Quantity,
    TargetSyntaxError,
    Word,
    convert,
    format_number,
    parse_actual,
    parse_number,
    parse_target,
)
from ...values import Number, Rate, Score, as_computed
from ...view import Difference
from .model import Indicator, Reference, StatedIndicator
from .reference import CIRCULAR_HINT, REFERENCE_HINT, Circular, Lookup
from .view import (
    GroupView,
    IndicatorRows,
    IndicatorView,
    Subgroups,
    SubgroupView,
    count_rows,
    stated_view,
)

if TYPE_CHECKING:
    from ...assess import Assessment


def assess_tree(
    run: Assessment, tree: dict[str, Any], year: int, evaluated: bool, path: str, lookup: Lookup
) -> tuple[list[tuple[str, list[SubgroupView]]], list[tuple[IndicatorView, list[Difference]]]]:
    """一级 → 二级 → rows of a form or a 评分表, each row scored; a row's path is its place in the flat list
    (`path`.N, as data.json's 指标 lists them). `lookup` reads the figures a row refers to (reference.py)."""
    levels: list[tuple[str, list[SubgroupView]]] = []
    rows: list[tuple[IndicatorView, list[Difference]]] = []
    items = [item for children in tree.values() for group in (children or {}).values() for item in group or []]
    if not check_points(run, items, evaluated):
        return levels, rows
    for level1, children in tree.items():
        subgroups = []
        for level2, items in (children or {}).items():
            assessed = [
                assess_indicator(run, item, year, evaluated, f"{path}.{len(rows) + i}", lookup)
                for i, item in enumerate(items or [])
            ]
            rows.extend(assessed)
            subgroups.append(make_subgroup(level2, [r for r, _ in assessed]))
        levels.append((level1, subgroups))
    return levels, rows


# The 原表 of a row the document printed nothing for: one view for all of them (views are never changed).
UNSTATED = stated_view(None, None, None)


def make_subgroup(name: str, rows: list[IndicatorView]) -> SubgroupView:
    """A 二级指标 with its rows, their counts, and the rows it spans (one, empty, when it has none)."""
    return SubgroupView.make(name=name, rows=IndicatorRows(rows), span=max(len(rows), 1), **count_rows(rows))


def make_group(name: str, subgroups: list[SubgroupView]) -> GroupView:
    """A 一级指标 of a form with its 二级指标 and the counts of all their rows."""
    rows = [r for g in subgroups for r in g.rows]
    return GroupView.make(
        name=name, subgroups=Subgroups(subgroups), span=sum(g.span for g in subgroups) or 1, **count_rows(rows)
    )


def check_points(run: Assessment, items: list[Indicator], evaluated: bool) -> bool:
    """A form's rows all have 分值; an evaluation's 评分表 has them on every row or on none (an unscored sheet,
    whose rows are only met or not): points on some rows only would make a 总分 of part of the sheet."""
    missing = [item for item in items if item.points is None]
    if not missing or (evaluated and len(missing) == len(items)):
        return True
    item = missing[0]
    run.errors.append(
        SourceError(
            item.locate(),
            f"「{item.name}」没有分值" + ("，而评分表的其他指标有分值" if evaluated else ""),
            key=f"{item.name}.分值",
            rule="schema",
            hint="评分表的指标要么都写 分值，要么都不写（不打分，只判断是否达标）。"
            if evaluated
            else "自评表的每个三级指标都要写 分值。",
        )
    )
    return False


def assess_indicator(
    run: Assessment,
    item: Indicator,
    year: int,
    evaluated: bool,
    path: str,
    lookup: Lookup,
) -> tuple[IndicatorView, list[Difference]]:
    """Parse target and actual, score the row, compute its 完成率, and note what differs from the stated form.

    A row of an evaluation's 评分表 (`evaluated`) may have no target: its 得分 is then the evaluator's. A row of
    an unscored 评分表 (no 分值) is only met or not, with its 完成率."""
    # each field read once: a model's attribute is read through pydantic's `__getattr__` hook (some 430 instructions
    # a read, where a plain object's costs some 20), and a row read its fields some fifty times
    given_points, given_target, given_actual, unit, stated = (
        item.points,
        item.target,
        item.actual,
        item.unit,
        item.stated,
    )
    points = None if given_points is None else run.written(item, f"{path}.分值", Score(given_points), "分值", "权重")
    row: dict[str, Any] = {
        "points": points,
        "score": None,
        "met": None,
        "basis": None,
        "stated": UNSTATED,
        "written": as_written(given_target),
        "written_unit": unit,
        "actual": as_written(given_actual),
    }
    if given_target is None and evaluated and given_points is not None:
        row.update(evaluator_score(run, item, path))
        return IndicatorView.wrapped(item, row), []
    if not check_unscored(run, item):
        return IndicatorView.wrapped(item, row), []
    for value, what in ((given_target, "指标值"), (given_actual, "实际完成值")):
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
            return IndicatorView.wrapped(item, row), []
    try:
        written_target, target_origin = read_value(run, item, given_target, row["written"], TARGET_KEYS, lookup)
        written_actual, actual_origin = read_value(run, item, given_actual, row["actual"], ACTUAL_KEYS, lookup)
    except SourceError as exc:
        run.errors.append(exc)
        return IndicatorView.wrapped(item, row), []
    row["written"], row["actual"] = written_target, written_actual
    operator = item.operator
    try:
        target = parse_target(written_target, operator, unit)
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
        return IndicatorView.wrapped(item, row), []
    row["target"] = show_target(operator, unit, written_target)
    row.update(target_parts(target))
    try:
        actual = parse_actual(written_actual)
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
        return IndicatorView.wrapped(item, row), []
    # a figure referred to prints as its table prints it
    row["actual"] = written_actual if actual_origin else _show_actual(actual, target)
    row.update(actual_parts(actual, target))
    try:
        result = compute.score_indicator(target, actual, given_points or Decimal(0), run.rules, year)
    except ScoringError as exc:
        run.errors.append(
            SourceError(
                run.where(item, *ACTUAL_KEYS),
                f"{exc}{referred_from(target_origin, actual_origin)}",
                key=f"{item.name}.实际完成值",
                hint="改正完成值或其单位，使之与指标值同一量纲（如 万条 对 万条）。",
                rule=exc.rule,
            )
        )
        return IndicatorView.wrapped(item, row), []
    given = (
        target_origin or run.typed(item, f"{path}.指标值", row["target"], *TARGET_KEYS),
        actual_origin or run.typed(item, f"{path}.实际完成值", row["actual"], *ACTUAL_KEYS),
    )
    stated_rate = stated_completion(run, item, stated)
    completion = completion_figure(run, target, actual, given, path, stated_rate)
    row["met"], row["basis"], row["completion"] = result.met, result.basis, completion
    if points is not None:
        row["score"] = row_score(run, item, stated, actual, result, points, given, path)
    differences: list[Difference] = []
    if stated:
        stated_score, stated_actual = stated.score, stated.actual
        row["stated"] = stated_view(stated_score, stated_actual, stated_rate)
        if row["score"] is not None:
            differences = run.differ(item, "得分", stated_score, Decimal(row["score"]), f"{item.name} 得分")
        if stated_actual is not None:
            check_stated_actual(run, item, stated, target, actual)
        differences += check_stated_completion(run, item, stated_rate, completion)
    return IndicatorView.wrapped(item, row), differences


def check_unscored(run: Assessment, item: Indicator) -> bool:
    """A row without 分值 has no 得分 to give: an 得分 there would be a score of nothing."""
    if item.points is not None or item.score is None:
        return True
    run.errors.append(
        SourceError(
            run.where(item, "得分"),
            f"「{item.name}」没有分值，却写了得分",
            key=f"{item.name}.得分",
            rule="schema",
            hint="不打分的评分表只写指标值和实际完成值；文件印出的总得分写在 评分表: 原表: 得分: 下。",
        )
    )
    return False


def row_score(
    run: Assessment,
    item: Indicator,
    stated: StatedIndicator | None,
    actual: Any,
    result: compute.IndicatorScore,
    points: Score,
    given: tuple[Typed, Typed],
    path: str,
) -> Score:
    """A scored row's 得分: the author's for a qualitative row, else by the rule, with its origin (`stated`: the
    row's 原表, read once by `assess_indicator`)."""
    if item.score is not None:
        return run.written(item, f"{path}.得分", Score(own_qualitative_score(run, item, actual, result.share)), "得分")
    score = Score(result.score)
    return traced(
        score,
        computed(
            f"{path}.得分",
            score,
            f"得分 = 分值 × 得分比例（计分依据 {result.basis}）",
            score_arithmetic(points, result),
            [*given, points],
            run.scope,
            stated.score if stated else None,
            f"{item.name} 得分",
        ),
    )


def referred_from(target_origin: Any, actual_origin: Any) -> str:
    """Where a referred figure was written: a wrong unit in 数据 or a 数据表 is corrected there, not on this row."""
    places = [f"{label}取自 {o.path}" for label, o in (("指标值", target_origin), ("完成值", actual_origin)) if o]
    return f"（{'，'.join(places)}）" if places else ""


def read_value(
    run: Assessment, item: Indicator, value: Any, written: str | None, keys: tuple[str, ...], lookup: Lookup
) -> tuple[str, Any]:
    """A target or actual as text to parse, and the origin of the figure it refers to (None when written here):
    `written`, the text the row has already (`as_written`), or for a reference (None) its figure, read where the
    report has it: the page prints that value, and the row's 完成率 is computed from that very figure (its
    origin), so the two are one."""
    if written is not None:
        return written, None
    where = run.where(value, "引用")
    try:
        figure, unit = lookup(value.path)
    except KeyError as exc:
        raise SourceError(
            where,
            f"「{item.name}」引用的「{value.path}」不存在（{exc.args[0]}）",
            key=keys[0],
            rule="reference",
            hint=REFERENCE_HINT,
        ) from None
    except Circular:
        raise SourceError(
            where,
            f"「{item.name}」引用的「{value.path}」由自评表的数算出，自评表不能再引用它（循环引用）",
            key=keys[0],
            rule="reference",
            hint=CIRCULAR_HINT,
        ) from None
    return f"{figure}{unit}", origin_of(figure)


def target_parts(target: Any) -> dict[str, Any]:
    """The parts of a target, the same from the compact and the split form: its bare number (or its words or
    date), its unit and its direction."""
    if isinstance(target, Comparison):
        quantity = target.quantity
        return {
            "target_value": Number(quantity.value),
            "unit": quantity.unit.text if quantity.unit else "",
            "kind": target.kind,
        }
    return {"target_value": str(target), "unit": "", "kind": target.kind}


def actual_parts(actual: Any, target: Any) -> dict[str, Any]:
    """The parts of an actual: its bare number and its unit (a bare number takes the target's, as it prints)."""
    if not isinstance(actual, Quantity):
        return {"actual_value": str(actual), "actual_unit": ""}
    unit = actual.unit or (target.quantity.unit if isinstance(target, Comparison) else None)
    return {"actual_value": Number(actual.value), "actual_unit": unit.text if unit else ""}


TARGET_KEYS = ("指标值", "年度指标值")


ACTUAL_KEYS = ("实际完成值", "完成值")


def score_arithmetic(points: Score, result: compute.IndicatorScore) -> str:
    """A row's 得分 with its numbers: the rule's formula with the row's 分值 (10 × 115.55 ÷ 428), or 分值 × the
    share its grade, deadline or target gives (10 × 100%)."""
    formula = result.basis.partition(": ")[2]
    if formula.startswith("分值"):
        return formula.replace("分值", str(points), 1)
    return f"{points} × {format_number(result.share * compute.HUNDRED)}%"


def completion_figure(
    run: Assessment, target: Any, actual: Any, given: tuple[Typed, Typed], path: str, stated: Decimal | None = None
) -> Rate | None:
    """完成率 of a quantitative row: 实际完成值 ÷ 指标值 (in the target's unit), with its origin; printed as the
    document printed it (`stated`, 原表) when it is that figure."""
    completion = compute.completion_rate(target, actual, run.rules.places)
    if completion is None:
        return None
    rate = Rate(as_computed(completion, stated))
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


def check_stated_actual(run: Assessment, item: Indicator, stated: StatedIndicator, target: Any, actual: Any) -> None:
    """A stated actual (as printed, in the row's 原表 `stated`) whose unit does not fit the target is a unit-mismatch
    finding; one that is another value than the actual the row is scored with is a stated-differs finding."""
    where = run.where(stated, "实际完成值", "完成值")
    try:
        printed = parse_actual(as_text(stated.actual))
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


def as_written(value: Any) -> str | None:
    """A target or actual as the author wrote it; a reference has no text of its own (its figure is read later)."""
    return None if value is None or isinstance(value, Reference) else as_text(value)


def as_text(value: Any) -> str:
    return format_number(value) if isinstance(value, Decimal) else str(value)


def show_target(operator: str | None, unit: str | None, written: str) -> str:
    """The whole target as the table prints it: the split form's 指标性质, 指标值 and 度量单位 put together as
    written — nothing added (a plain 14 stays 14, not ＝14)."""
    if operator is None or operator.strip() in QUALITATIVE_WORDS:
        return f"{written}{unit or ''}"
    return f"{operator.strip()}{written}{unit or ''}"


def stated_completion(run: Assessment, item: Indicator, stated: StatedIndicator | None) -> Rate | None:
    """The 完成率 the document printed (96.40% or 96.40) in the row's 原表 (`stated`), as a rate; one that is not a
    percentage is an error."""
    value = stated.completion if stated else None
    if value is None:
        return None
    text = as_text(value).strip().rstrip("%％").strip()
    try:
        return Rate(parse_number(text))
    except TargetSyntaxError:
        run.errors.append(
            SourceError(
                run.where(stated, "完成率"),
                f"「{item.name}」原表完成率「{value}」不是百分数",
                key=f"{item.name}.原表.完成率",
                rule="input",
                hint="写成 96.40% 或 100%。",
            )
        )
        return None


def check_stated_completion(
    run: Assessment, item: Indicator, stated: Rate | None, completion: Rate | None
) -> list[Difference]:
    """A printed 完成率 is compared with the computed one at the printed precision (96.4% against 96.43% is the
    same figure rounded); a qualitative row has no computed 完成率 to compare with."""
    if stated is None or completion is None:
        return []
    places = -Decimal(stated).as_tuple().exponent  # by the remembered quantum, as every rate is rounded
    rounded = Rate(compute.round_half_up(Decimal(completion), places))  # printed with % like the stated
    return run.differ(item, "完成率", stated, rounded, f"{item.name} 完成率")


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
