"""The registry of the parts' layouts: a table's name (as ::表格[…] names it) → the function that lays it out.

Kept apart from the package's __init__ so that importing one part's model (report.yaml's validation does) does
not import every layout."""

from __future__ import annotations

from typing import Any

from .chart import layout as chart
from .data_table import layout as data_table
from .form import layout as form
from .score_sheet import layout as score_sheet
from .scoring import layout as scoring

# part (and table) name → its layout function; the names are those of ::表格[…] (directives.TABLES)
LAYOUTS = {
    "评分": scoring.lay_out,
    "数据表": data_table.lay_out,
    "图": chart.lay_out,
    "自评表": form.lay_out_form,
    "预算执行情况": form.lay_out_budget,
    "绩效指标评分表": form.lay_out_indicators,
    "自评汇总": form.lay_out_summary,
    "评分表": score_sheet.lay_out,
}


def lay_out(name: str, *args: Any) -> Any:
    """The blocks of the part `name` (a template global: `write(lay_out("评分", report))`)."""
    return LAYOUTS[name](*args)
