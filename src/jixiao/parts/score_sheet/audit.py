"""The audit rule of an evaluation's 评分表: each row's verdict against the texts that name it."""

from __future__ import annotations

from typing import Any

from ...findings import Finding
from ..indicators.audit import indicator_pairs


def audit_sheet(report: Any, view: Any, paragraphs: list[Any], verdicts: Any) -> list[Finding]:
    if report.score_sheet is None or view.score_sheet is None:
        return []
    return verdicts(indicator_pairs(report.score_sheet.indicators, view.score_sheet.rows), paragraphs)
