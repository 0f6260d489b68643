"""A data table's chart as a block: the drawing charts.py made for the page, and the data it draws."""

from __future__ import annotations

from ...charts import drawn_rows
from ...document.blocks import Chart


def lay_out(table, svg: str) -> Chart:
    """The Chart of `table` (a TableView with a 图), drawn as `svg`: its columns, and per column the figures
    of the rows drawn."""
    chart = table.chart
    rows = drawn_rows(chart, table)
    return Chart(
        svg,
        chart.kind,
        chart.number,
        chart.title,
        table.unit,
        tuple(chart.columns),
        tuple(row.name for row in rows),
        tuple(tuple(row[c] for row in rows) for c in chart.columns),
        f"chart-{table.number}",
    )
