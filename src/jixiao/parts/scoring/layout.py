"""The 评分 table: one row per part (分值, 得分) and the 总分 with its 等次."""

from __future__ import annotations

from ...document.blocks import Cell, Fig, Row, Section, Table, Text, runs
from ...views import ReportView
from ..cells import column_labels, figure, label

HEAD = ("评价内容", "分值", "得分")


def lay_out(report: ReportView) -> Table:
    rows = [Row((label(part.name), figure(part.points), figure(part.score))) for part in report.scores or ()]
    total = Row(
        (
            label("总分"),
            figure(report.full_marks),
            Cell((Fig(report.total), Text(f"（{report.grade}）")), "score", classes=("num",)),
        ),
        classes=("total",),
    )
    return Table(
        (Section((column_labels(HEAD),), "head"), Section((*rows, total))),
        ("scores",),
        caption=runs(f"{report.title} 评分"),
    )
