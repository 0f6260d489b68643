"""Data tables in the audit: a count typed in prose (下设 6 个科室, 共 4 个项目) is compared with the rows of the table
it counts, as with a list of names of 数据 (parts/figures/audit.check_counts)."""

from __future__ import annotations

from typing import Any

from ..figures.audit import Counted


def table_lists(tables: dict[str, Any]) -> list[Counted]:
    """The tables prose may count, by their names (内设科室 for 6 个科室); a table with parts (上级) is left out, since
    prose may count its rows or only the top ones."""
    return [
        Counted(name, len(table.rows), f"数据表「{name}」", "行", f"数据表.{name}.行 | length")
        for name, table in tables.items()
        if not any(row.parent for row in table.rows)
    ]
