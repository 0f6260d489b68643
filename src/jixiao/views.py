"""The view of a whole assessed report (views of its parts live in their folders under jixiao.parts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .parts.data_table.view import TableView
from .parts.form.view import Forms
from .parts.score_sheet.view import ScoreSheetView
from .parts.scoring.view import ScorePartView
from .view import View, alias


class SignatureView(View):
    unit: str = alias("单位")
    date: str | None = alias("日期")


# Keys of the report view that data.json has only where they apply: 总分/评价等次/执行率 of a
# single-form report, 满分/总分/评价等次 of a report with 评分.
OPTIONAL_REPORT_FIGURES = ("full_marks", "total", "grade", "rate", "score_sheet")


class ReportView(View):
    """The whole assessed report: every input and computed figure under the names data.json uses."""

    kind: str = alias("类型")
    title: str = alias("标题")
    unit: str = alias("单位")
    year: int = alias("年度")
    date: str | None = alias("日期")
    summary: str | None = alias("摘要")
    forms: Forms = alias("自评表")
    signature: SignatureView | None = alias("落款")
    tables: dict[str, TableView] = alias("数据表", {})
    figures: dict[str, Any] = alias("数据", {})  # named figures (parts/figures): FigureView or NameList
    table_numbers: dict[str, str] = alias("表号", {})
    chart_numbers: dict[str, str] = alias("图号", {})
    scores: tuple[ScorePartView, ...] | None = alias("评分")
    score_sheet: ScoreSheetView | None = alias("评分表")
    full_marks: Decimal | None = alias("满分")
    total: Decimal | None = alias("总分")
    grade: str | None = alias("评价等次")
    rate: Decimal | None = alias("执行率")
    glossary: tuple[tuple[str, str], ...] = alias("名词解释", ())

    def to_json(self) -> Any:
        """The view as data.json's 报告 (plain JSON values; figures as exact strings)."""
        skip = {name for name in OPTIONAL_REPORT_FIGURES if getattr(self, name) is None}
        return self.model_dump(mode="json", by_alias=True, exclude=skip)
