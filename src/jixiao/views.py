"""The view of a whole assessed report: its head, the views of the registry's parts (each part's view lives in its
folder under jixiao.parts) in data.json's order, and the report's own figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import create_model

from .parts.registry import PARTS, published
from .view import View, alias

# Keys of the report view that data.json has only where they apply: 总分/评价等次/执行率 of a
# single-form report, 满分/总分/评价等次 of a report with 评分.
OPTIONAL_REPORT_FIGURES = ("full_marks", "total", "grade", "rate", "score_sheet")
# The report's own figures, which the part that decides them gives (a single form, a 评分表, a 评分).
FIGURES = ("full_marks", "total", "grade", "rate")

HEAD: dict[str, Any] = {
    "kind": (str, alias("类型")),
    "title": (str, alias("标题")),
    "unit": (str, alias("单位")),
    "year": (int, alias("年度")),
    "date": (str | None, alias("日期")),
    "summary": (str | None, alias("摘要")),
}
TAIL: dict[str, Any] = {
    "full_marks": (Decimal | None, alias("满分")),
    "total": (Decimal | None, alias("总分")),
    "grade": (str | None, alias("评价等次")),
    "rate": (Decimal | None, alias("执行率")),
    "glossary": (tuple[tuple[str, str], ...], alias("名词解释", ())),
}


class ReportViewBase(View):
    """What the report's view does besides holding its fields (`ReportView` declares them)."""

    def unpublished(self) -> set[str]:
        """The report figures data.json's 报告 leaves out: those that do not apply to this report."""
        return {name for name in OPTIONAL_REPORT_FIGURES if getattr(self, name, None) is None}


ReportView = create_model(
    "ReportView",
    __base__=ReportViewBase,
    __doc__="The whole assessed report: every input and computed figure under the names data.json uses.",
    __module__=__name__,
    **HEAD,
    **{name: spec for part in published(PARTS) for name, spec in part.views.items()},
    **TAIL,
)
