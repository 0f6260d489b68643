"""The 评分表 of an evaluation: each 一级指标's 二级/三级 rows with the columns the sheet prints (列: by default
their points and scores, by the rules or the evaluator's with the reason), then each 一级指标 with its weight, and
the 总分 with its 等次. An unscored sheet prints its rows met or not, and under them the 得分 the document states,
as stated, and the count of rows met: no total of points it does not have."""

from __future__ import annotations

from dataclasses import replace

from ...document.blocks import Row, Section, Table, runs
from ...views import ReportView
from ..cells import column_labels, empty, figure, label, text
from ..indicators.layout import column_heads, indicator_sections, indicator_table, points_cells, words_row
from .view import LevelView, ScoreSheetView


def lay_out(report: ReportView) -> Table:
    sheet = report.score_sheet
    foot = scored_foot(sheet) if sheet.scored else unscored_foot(sheet)
    table = indicator_table(
        indicator_sections(sheet.levels, "评分表", reasons=True, columns=sheet.columns),
        (column_labels(column_heads(sheet.columns)),),
        Section(foot, classes=("total",)),
        ("form", "form-indicators", "evaluation"),
        caption=runs(f"{report.title} 绩效评价指标评分表" if sheet.scored else f"{report.title} 绩效评价指标"),
        columns=sheet.columns,
    )
    return replace(table, note=sheet.note)


def scored_foot(sheet: ScoreSheetView) -> tuple[Row, ...]:
    """Each 一级指标's weight, 分值 and 得分, then the 总分 with its 等次, under the 分值 and 得分 columns."""
    total = points_cells(
        sheet.columns,
        0,
        label("总分"),
        figure(sheet.points),
        figure(sheet.total, stated=sheet.stated.total),
        text(f"评价等次：{sheet.grade}", kind="grade"),
    )
    if total is None:
        return (summary_row(sheet, f"总分 {sheet.total}，评价等次：{sheet.grade}"),)
    return (*(level_row(level, sheet.columns) for level in sheet.levels), Row(total))


def unscored_foot(sheet: ScoreSheetView) -> tuple[Row, ...]:
    """The count of rows met, and the 得分 (评价等次) the document states, as stated."""
    count = f"共 {sheet.count} 个指标，达到 {sheet.met_count} 个，未达到 {sheet.unmet_count} 个"
    stated = sheet.stated
    if stated.total is None and stated.grade is None:
        return (summary_row(sheet, count),)
    grade = f"，评价等次：{stated.grade}" if stated.grade else ""
    score = f"评价得分 {stated.total}{grade}" if stated.total is not None else grade.lstrip("，")
    return (summary_row(sheet, count), summary_row(sheet, score))


def summary_row(sheet: ScoreSheetView, words: str) -> Row:
    """A line across the table under its rows."""
    return words_row(words, 3 + len(sheet.columns))


def level_row(level: LevelView, columns: tuple[str, ...]) -> Row:
    """A 一级指标's total: its weight, 分值 and 得分."""
    weight = ("（权重 ", level.weight, "）") if level.weight is not None else ()
    cells = points_cells(columns, 0, label(level.name, *weight), figure(level.points), figure(level.score), empty())
    assert cells is not None  # the 总分 row is placed the same way
    return Row(cells)
