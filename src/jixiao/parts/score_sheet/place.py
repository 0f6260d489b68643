"""What ::表格[评分表] places: the report's 评分表, which it must have."""

from __future__ import annotations

from typing import Any

from ...errors import Location, SourceError


def place_table(resolver: Any, name: str, attrs: dict[str, str], where: Location) -> tuple[str, dict[str, Any]]:
    if resolver.view.score_sheet is None:
        raise SourceError(where, "本报告没有 评分表", rule="input", hint="在 report.yaml 中写 评分表（绩效评价报告）。")
    return name, {"form": None}
