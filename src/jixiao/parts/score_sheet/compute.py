"""An evaluation's 评分表 computed: rows scored (by the rules, or the evaluator's 得分), 一级指标 weights checked,
总分 and 评价等次. A sheet without 分值 (the document lists its indicators but does not publish its points) is not
scored: its rows are met or not, and its 得分 is the one the document states, never one computed from invented
points."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...findings import Finding
from ...model import Report
from ...provenance import graded
from ...quantity import format_number
from ...reporttypes import ReportType
from ...values import Score
from ..form.view import StatedFormView
from ..indicators.compute import assess_tree
from ..indicators.model import SCORED_COLUMNS, UNSCORED_COLUMNS
from ..indicators.reference import figure_lookup
from ..indicators.view import Groups, IndicatorRows, Subgroups, SubgroupView, count_rows
from .view import LevelView, ScoreSheetView

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs
    from ..data_table.view import TableView


def assess_part(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """The 评分表, whose 满分, 总分 and 评价等次 are the report's; its rows may refer to the data tables' cells."""
    if report.score_sheet is None:
        return {}
    sheet = assess_score_sheet(run, report, inputs.kind, done["tables"], done["figures"])
    return {"score_sheet": sheet, **sheet_figures(run, report, sheet)}


def assess_score_sheet(
    run: Assessment,
    report: Report,
    kind: ReportType | None,
    tables: Mapping[str, TableView] | None = None,
    figures: Mapping[str, Any] | None = None,
) -> ScoreSheetView:
    """An evaluation's 评分表: rows scored (by the rules, or the evaluator's 得分), 一级指标 weights checked; an
    unscored one only assessed. Rows may refer to the cells of the report's data tables (`tables`) and to its
    named figures (`figures`, 数据)."""
    sheet = report.score_sheet
    assert sheet is not None
    lookup = figure_lookup(tables or {}, figures or {})
    levels, rows = assess_tree(run, sheet.indicators, report.year, evaluated=True, path="评分表.指标", lookup=lookup)
    scored = any(r.points is not None for r, _ in rows) or not rows
    weights = sheet.weights if sheet.weights is not None else (kind.weights if kind else {})
    views = [
        assess_level(run, weights.get(name), index, name, subgroups, scored)
        for index, (name, subgroups) in enumerate(levels)
    ]
    stated = StatedFormView.make(total=None, grade=None)
    if sheet.stated:
        stated = StatedFormView.make(total=sheet.stated.total, grade=sheet.stated.grade)
    differences = [d for _, found in rows for d in found]
    figures: dict[str, Any] = {"points": None, "total": None, "grade": None}
    if scored:
        check_weights(run, sheet, views, weights)
        figures = sheet_total(run, views, sheet.stated.total if sheet.stated else None)
        if sheet.stated:
            differences += run.differ(sheet, "总分", sheet.stated.total, Decimal(figures["total"]), "评分表 总分")
    return ScoreSheetView.wrap(
        sheet,
        scored=scored,
        levels=Groups(views),
        rows=IndicatorRows(r for r, _ in rows),
        stated=stated,
        differences=tuple(differences),
        columns=tuple(sheet.columns or (SCORED_COLUMNS if scored else UNSCORED_COLUMNS)),
        **figures,
        **count_rows(r for r, _ in rows),
    )


def assess_level(
    run: Assessment, weight: Decimal | None, index: int, name: str, subgroups: list[SubgroupView], scored: bool
) -> LevelView:
    """A 一级指标 with its 分值 and 得分 (when the sheet is scored) and the counts of its rows."""
    rows = [r for g in subgroups for r in g.rows]
    figures: dict[str, Any] = {"points": None, "score": None}
    if scored:
        level = f"评分表.一级指标.{index}"
        figures = {
            "points": run.total(
                f"{level}.分值", f"分值 = 「{name}」各三级指标分值之和", [r.points for r in rows], name=f"{name} 分值"
            ),
            "score": run.total(
                f"{level}.得分",
                f"得分 = 「{name}」各三级指标得分之和",
                [r.score or Decimal(0) for r in rows],
                name=f"{name} 得分",
            ),
        }
    return LevelView.make(
        name=name,
        weight=Score(weight) if weight is not None else None,
        subgroups=Subgroups(subgroups),
        span=sum(g.span for g in subgroups) or 1,
        **figures,
        **count_rows(rows),
    )


def check_weights(run: Assessment, sheet: Any, views: list[LevelView], weights: Mapping[str, Decimal]) -> None:
    """Each 一级指标's rows add up to its weight, and every weighted 一级指标 is there."""
    for view in views:
        weight = weights.get(view.name)
        if weight is not None and weight != view.points:
            run.findings.append(
                Finding(
                    sheet.locate("指标"),
                    "warning",
                    "weights",
                    f"评分表「{view.name}」的三级指标分值合计 {format_number(view.points)}，权重为 {format_number(weight)}",
                )
            )
    missing = [name for name in weights if name not in sheet.indicators]
    if missing:
        run.findings.append(
            Finding(
                sheet.locate("指标"), "warning", "weights", f"评分表缺少一级指标「{'、'.join(missing)}」（权重中有）"
            )
        )


def sheet_total(run: Assessment, views: list[LevelView], stated: Any) -> dict[str, Any]:
    """满分, 总分 and 评价等次 of a scored sheet."""
    total = run.total("评分表.总分", "总分 = 各一级指标得分之和", [v.score for v in views], stated)
    return {
        "points": run.total("评分表.满分", "满分 = 各一级指标分值之和", [v.points for v in views]),
        "total": total,
        "grade": graded("评分表.评价等次", total, run.rules, run.scope),
    }


def sheet_figures(run: Assessment, report: Report, sheet: ScoreSheetView) -> dict[str, Any]:
    """The report's 满分, 总分 and 评价等次 from its 评分表; an unscored sheet's are the ones the document states
    (评分表: 原表), shown as stated, and nothing when it states none."""
    if sheet.scored:
        return {"full_marks": sheet.points, "total": sheet.total, "grade": sheet.grade}
    assert report.score_sheet is not None
    stated = report.score_sheet.stated
    if stated is None:
        return {}
    total = (
        None if stated.total is None else run.written(stated, "评分表.原表.总分", Score(stated.total), "总分", "得分")
    )
    return {"total": total, "grade": stated.grade}
