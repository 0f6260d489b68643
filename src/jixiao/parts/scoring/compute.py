"""A department's 评分 computed: the parts' scores add up to 总分, graded like any total."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import compute
from ...findings import acknowledged
from ...provenance import graded, total_of, traced, written_at
from ...values import Score
from .model import ScorePart
from .view import ScorePartView

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs
    from ...model import Report


def assess_part(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """The 评分, whose 满分, 总分 and 评价等次 are the report's; a 总分 the document printed (原表) is checked."""
    if not report.scoring:
        return {}
    figures = assess_scoring(report.scoring, run.rules, run.scope)
    stated = report.stated.total if report.stated else None
    if stated is not None and stated != figures["total"]:
        run.findings.append(
            acknowledged(
                report.stated.locate("总分"),
                report.check_note,
                "stated-differs",
                f"总分: 原表为 {stated}，按评分计算为 {figures['total']}",
            )
        )
    return figures


def assess_scoring(parts: list[ScorePart], rules: compute.Rules, scope: str = "") -> dict[str, Any]:
    """A whole-department score: the parts' scores add up to 总分, graded like any total."""
    views = tuple(
        ScorePartView.wrap(
            p,
            points=traced(Score(p.points), written_at(p, f"评分.{i}.分值", p.points, scope, "分值")),
            score=traced(Score(p.score), written_at(p, f"评分.{i}.得分", p.score, scope, "得分")),
        )
        for i, p in enumerate(parts)
    )
    total = total_of("总分", "总分 = 各部分得分之和", [v.score for v in views], scope)
    return {
        "scores": views,
        "full_marks": total_of("满分", "满分 = 各部分分值之和", [v.points for v in views], scope),
        "total": total,
        "grade": graded("评价等次", total, rules, scope),
    }
