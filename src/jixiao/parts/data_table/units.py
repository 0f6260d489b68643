"""The units of a data table's cells. A figure whose unit is not its table's (a row's 度量单位, a column's 单位)
prints it wherever it is used, as a rate prints its %: `{{ 数据表.业务.行.增值收益.本年 }}` gives 2.86亿元, so
prose never types a unit it could get wrong; `.值` gives the bare number. In the table itself a cell prints its
unit only where nothing above or beside it says it (a 度量单位 column, a header 人数（万人）)."""

from __future__ import annotations

import re
from typing import Any

UNIT_COLUMNS = ("度量单位", "计量单位")  # a row's own unit: a text column of the table, or a key of the row
_PARTS_RE = re.compile(r"\s*[，,；;]\s*")


def column_units(model: Any) -> dict[str, str]:
    """The columns that give their own unit (`{名称: 人数, 单位: 万人}`), and the 差额 computed from one."""
    units = {c.name: c.unit for c in model.columns if not isinstance(c, str) and c.unit}
    for item in model.computed:
        if item.kind == "差额" and item.columns[0] in units:
            units[item.name] = units[item.columns[0]]
    return units


def by_column(text: str | None, columns: list[str]) -> dict[str, str]:
    """A row's unit for each of its columns: one unit for all (万人), or one per column as a document writes
    them (`指标值 %，完成值 ‰`)."""
    if not text:
        return {}
    parts = [part for part in _PARTS_RE.split(text.strip()) if part]
    named = [next((c for c in columns if part.startswith(c) and part[len(c) :].strip()), None) for part in parts]
    if parts and all(named):
        return {column: part[len(column) :].strip() for column, part in zip(named, parts)}
    return dict.fromkeys(columns, text)


def cell_units(table_unit: str | None, columns: dict[str, str], row_unit: str | None, kinds: dict[str, str]) -> dict:
    """The cells of a row whose unit is not the table's: the row's own, else its column's; a rate has none (its %)."""
    figures = [column for column, kind in kinds.items() if kind != "比率"]
    units = {**{c: u for c, u in columns.items() if c in figures}, **by_column(row_unit, figures)}
    return {column: unit for column, unit in units.items() if unit != table_unit}


def states_units(text_columns: Any) -> bool:
    """Whether the table prints each row's unit in a column of its own, so its cells need not."""
    return any(column in UNIT_COLUMNS for column in text_columns)
