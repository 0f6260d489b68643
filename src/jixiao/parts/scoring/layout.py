"""The 评分 table: one row per part (分值, 得分) and the 总分 with its 等次."""

from __future__ import annotations

from ...document.blocks import Cell, Fig, Row, Section, Table, Text, runs
from ...views import ReportView

HEAD = ("评价内容", "分值", "得分")


def lay_out(report: ReportView) -> Table:
    head = Row(tuple(Cell(runs(name), "label", header=True, scope="col") for name in HEAD))
    rows = [Row((Cell(runs(part.name), "label", header=True, scope="row"), figure_cell(part.points),
                 figure_cell(part.score))) for part in report.scores or ()]
    total = Row((Cell(runs("总分"), "label", header=True, scope="row"), figure_cell(report.full_marks),
                 Cell((Fig(report.total), Text(f"（{report.grade}）")), "score", classes=("num",))),
                classes=("total",))
    return Table((Section((head,), "head"), Section((*rows, total))), ("scores",),
                 caption=runs(f"{report.title} 评分"))


def figure_cell(value) -> Cell:
    """A score cell (right-aligned)."""
    return Cell((Fig(value),), "score", classes=("num",))
