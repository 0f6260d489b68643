"""A department's 评分 computed: the parts' scores add up to 总分, graded like any total."""

from __future__ import annotations

from typing import Any

from ... import compute
from ...provenance import graded, total_of, traced, written_at
from ...values import Score
from .model import ScorePart
from .view import ScorePartView


def assess_scoring(parts: list[ScorePart], rules: compute.Rules, scope: str = "") -> dict[str, Any]:
    """A whole-department score: the parts' scores add up to 总分, graded like any total."""
    views = tuple(
        ScorePartView.make(
            name=p.name,
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
