"""The 评分表 of an evaluation: each 一级指标's 二级/三级 rows with their points and scores (by the rules, or the
evaluator's with the reason), then each 一级指标 with its weight, and the 总分 with its 等次."""

from __future__ import annotations

from dataclasses import replace

from ...document.blocks import Row, Section, Table, runs
from ...views import ReportView
from ..cells import column_labels, empty, figure, label, text
from ..indicators.layout import indicator_sections, indicator_table
from .view import LevelView

HEAD = ("一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", "评分依据或扣分原因")


def lay_out(report: ReportView) -> Table:
    sheet = report.score_sheet
    total = Row(
        (
            label("总分", colspan=5),
            figure(sheet.points),
            figure(sheet.total, stated=sheet.stated.total),
            text(f"评价等次：{sheet.grade}", kind="grade"),
        )
    )
    table = indicator_table(
        indicator_sections(sheet.levels, "评分表", reasons=True),
        (column_labels(HEAD),),
        Section((*map(level_row, sheet.levels), total), classes=("total",)),
        ("form", "form-indicators", "evaluation"),
        caption=runs(f"{report.title} 绩效评价指标评分表"),
    )
    return replace(table, note=sheet.note)


def level_row(level: LevelView) -> Row:
    """A 一级指标's total: its weight, 分值 and 得分."""
    weight = ("（权重 ", level.weight, "）") if level.weight is not None else ()
    return Row((label(level.name, *weight, colspan=5), figure(level.points), figure(level.score), empty()))
