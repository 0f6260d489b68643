"""The CSV writer: any laid-out Table as a spreadsheet reads it.

Header rows, then body rows, then foot rows, as the page shows them (print-only sections left out). The grid is
kept: a merged cell's text is in its first (top-left) cell and the cells it covers are empty, so every row has the
table's width and a column keeps its meaning. Figures are written as their exact values, without the % of a rate,
so that a spreadsheet reads them as numbers; the marks and 原表 values printed beside figures are left out (the
page and data.json carry them). Encoded like the site's indicators.csv: UTF-8 with a BOM, which Excel needs to
open Chinese text, and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .blocks import Break, Fig, Lines, Row, Run, Table, Text, printed_sections


def write_table(table: Table) -> bytes:
    """The table as CSV bytes."""
    rows = [row for section in printed_sections(table, pdf=False) for row in section.rows]
    return write_rows(grid(rows, table.width))


def write_rows(rows: Iterable[list[Any]]) -> bytes:
    """Rows as CSV (each value as str() writes it): UTF-8 with BOM so Excel opens Chinese text, CRLF line ends."""
    return ("\ufeff" + csv_lines(rows)).encode("utf-8")


def csv_lines(rows: Iterable[list[Any]]) -> str:
    """Rows as CSV text, each line ended by CRLF: a file's lines, or a part of them that others are joined to
    (a row's line never depends on the rows around it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def grid(rows: list[Row], width: int) -> list[list[str]]:
    """The rows as a full grid: a cell merged over several rows or columns written once, in its first cell."""
    covered: dict[int, int] = {}  # column → how many more rows a cell from a row above covers it
    out = []
    for row in rows:
        line: list[str] = []
        cells = iter(row.cells)
        while len(line) < width:
            column = len(line)
            if covered.get(column, 0) > 0:
                line.append("")
                continue
            cell = next(cells, None)
            if cell is None:
                line.append("")
                continue
            line += [cell_text(cell.content)] + [""] * (cell.colspan - 1)
            for spanned in range(column, column + cell.colspan):
                covered[spanned] = cell.rowspan
        out.append(line)
        covered = {column: left - 1 for column, left in covered.items() if left > 1}
    return out


def cell_text(content: tuple[Run, ...]) -> str:
    """A cell's text, its figures as plain numbers."""
    return "".join(run_text(run) for run in content)


def run_text(run: Run) -> str:
    if isinstance(run, Fig):
        return figure_text(run.value)
    if isinstance(run, (Text, Lines)):
        return run.text
    return "\n" if isinstance(run, Break) else ""


def figure_text(value: Decimal | None) -> str:
    """A figure as the document writes it (474.30, 8), a rate without its % (94.84); blank when there is none."""
    return "" if value is None else str(value).removesuffix("%")
