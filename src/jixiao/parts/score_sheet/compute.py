"""An evaluation's 评分表 computed: rows scored (by the rules, or the evaluator's 得分), 一级指标 weights checked,
总分 and 评价等次."""

from __future__ import annotations

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
from ..indicators.view import IndicatorRows
from .view import LevelView, ScoreSheetView

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs


def assess_part(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """The 评分表, whose 满分, 总分 and 评价等次 are the report's."""
    if report.score_sheet is None:
        return {}
    sheet = assess_score_sheet(run, report, inputs.kind)
    return {"score_sheet": sheet, "full_marks": sheet.points, "total": sheet.total, "grade": sheet.grade}


def assess_score_sheet(run: Assessment, report: Report, kind: ReportType | None) -> ScoreSheetView:
    """An evaluation's 评分表: rows scored (by the rules, or the evaluator's 得分), 一级指标 weights checked."""
    sheet = report.score_sheet
    assert sheet is not None
    levels, rows = assess_tree(run, sheet.indicators, report.year, evaluated=True, path="评分表.指标")
    weights = sheet.weights if sheet.weights is not None else (kind.weights if kind else {})
    views = []
    for index, (level1, subgroups) in enumerate(levels):
        level = f"评分表.一级指标.{index}"
        points = run.total(
            f"{level}.分值",
            f"分值 = 「{level1}」各三级指标分值之和",
            [r.points for g in subgroups for r in g.rows],
            name=f"{level1} 分值",
        )
        score = run.total(
            f"{level}.得分",
            f"得分 = 「{level1}」各三级指标得分之和",
            [r.score or Decimal(0) for g in subgroups for r in g.rows],
            name=f"{level1} 得分",
        )
        weight = weights.get(level1)
        if weight is not None and weight != points:
            run.findings.append(
                Finding(
                    sheet.locate("指标"),
                    "warning",
                    "weights",
                    f"评分表「{level1}」的三级指标分值合计 {format_number(points)}，权重为 {format_number(weight)}",
                )
            )
        views.append(
            LevelView.make(
                name=level1,
                weight=Score(weight) if weight is not None else None,
                points=points,
                score=score,
                subgroups=tuple(subgroups),
                span=sum(g.span for g in subgroups) or 1,
            )
        )
    missing = [name for name in weights if name not in sheet.indicators]
    if missing:
        run.findings.append(
            Finding(
                sheet.locate("指标"), "warning", "weights", f"评分表缺少一级指标「{'、'.join(missing)}」（权重中有）"
            )
        )
    total = run.total(
        "评分表.总分",
        "总分 = 各一级指标得分之和",
        [v.score for v in views],
        sheet.stated.total if sheet.stated else None,
    )
    points = run.total("评分表.满分", "满分 = 各一级指标分值之和", [v.points for v in views])
    grade = graded("评分表.评价等次", total, run.rules, run.scope)
    differences = [d for _, found in rows for d in found]
    stated = StatedFormView.make(total=None, grade=None)
    if sheet.stated:
        stated = StatedFormView.make(total=sheet.stated.total, grade=sheet.stated.grade)
        differences += run.differ(sheet, "总分", sheet.stated.total, Decimal(total), "评分表 总分")
    return ScoreSheetView.make(
        levels=tuple(views),
        rows=IndicatorRows(r for r, _ in rows),
        points=points,
        total=total,
        grade=grade,
        stated=stated,
        differences=tuple(differences),
        note=sheet.note,
        visible=sheet.visible,
    )
