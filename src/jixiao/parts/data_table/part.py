"""数据表 as a part of a report: its key in report.yaml, its names in data.json (the tables, their numbers and
their charts' numbers), its computation and layout. ::表格[名称] of a data table is the directive's own."""

from __future__ import annotations

from pydantic import Field

from ...view import alias
from .. import Part
from .model import DataTable
from .view import TableView

PART = Part(
    "数据表",
    __package__,
    fields={
        "tables": (dict[str, DataTable], Field(default_factory=dict, alias="数据表", description="数据表：名称 → 表。"))
    },
    views={
        "tables": (dict[str, TableView], alias("数据表", {})),
        "table_numbers": (dict[str, str], alias("表号", {})),
        "chart_numbers": (dict[str, str], alias("图号", {})),
    },
    compute="compute:assess_part",
    needs=("forms",),
    layouts={"数据表": "layout:lay_out"},
)
