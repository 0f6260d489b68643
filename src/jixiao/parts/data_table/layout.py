"""A data table laid out: a head row (its 首列, 项目 unless the author names it, the figure columns, the text columns), one row per data row (a part of
a 上级 row is marked `part`), its 说明 in a note row below it, the 合计 row; titled by a caption (its number, unless
编号: false, and its unit, when it has amounts or counts), or by a heading (`labelled_by`) with the unit printed above
the table; the table's 说明 below it.

A row's 说明 is kept on the page of its row (keep-next) unless 说明 is one of the table's text columns, where
it is printed in its cell. A figure that the document printed differently (原表) carries that value; a 上年
figure taken from last year's report carries a `*` mark saying so. Both notes are the document's words
(核对说明 never is).
"""

from __future__ import annotations

from decimal import Decimal

from ...document.blocks import Cell, Fig, Mark, Row, Section, Table, Text, runs
from ...values import Money, Number, Rate, bare
from .model import PREVIOUS
from .units import states_units

FROM_PREVIOUS = Mark("*", "取自上年报告")
KINDS = ((Rate, "rate"), (Money, "amount"), (Number, "count"))  # a figure's type → its cell kind


def lay_out(table, labelled_by: str | None = None) -> Table:
    """The grid of `table` (a TableView); `labelled_by` the id of the heading that titles it, if one does."""
    kinds = column_kinds(table)
    width = 1 + len(table.columns) + len(table.text_columns)
    notes_inline = "说明" in table.text_columns
    head = Row(
        tuple(
            Cell(runs(header(table, name)), "label", header=True, scope="col")
            for name in (table.first_column, *table.columns, *table.text_columns)
        )
    )
    body = [laid for row in table.rows for laid in lay_out_row(table, row, kinds, width, notes_inline)]
    if table.total:
        body.append(total_row(table, kinds))
    unit = printed_unit(table, kinds)
    caption = (
        ()
        if labelled_by
        else runs(f"{table.number} {table.title}".strip(), Text(f"（单位：{unit}）", "small") if unit else None)
    )
    return Table(
        (Section((head,), "head"), Section(tuple(body))),
        ("data",),
        caption=caption,
        labelled_by=labelled_by,
        unit=unit if labelled_by else None,
        note=table.note,
    )


def header(table, name: str) -> str:
    """A column's header, naming its own unit (人数（万人）) unless its name does already."""
    unit = table.column_units.get(name)
    return f"{name}（{unit}）" if unit and unit not in name else name


def printed_unit(table, kinds: dict[str, str]) -> str | None:
    """The unit a table states: none for a table without amounts or counts (a list of members, a table of rates),
    whose cells the site's default unit (万元) would not describe, nor for columns that each name their own."""
    own = table.column_units
    return table.unit if any(k in ("amount", "count") and c not in own for c, k in kinds.items()) else None


def unit_shown(table, column: str, value) -> str | None:
    """The unit a cell prints after its figure: its own, unless its header or the table's 度量单位 column says it."""
    unit = getattr(value, "unit", None)
    return None if not unit or unit == table.column_units.get(column) or states_units(table.text_columns) else unit


def lay_out_row(table, row, kinds: dict[str, str], width: int, notes_inline: bool) -> tuple[Row, ...]:
    """A data row, and its note row when its 说明 is printed below it."""
    noted = bool(row.note) and not notes_inline
    classes = (*(("part",) if row.parent else ()), *(("keep-next",) if noted else ()))
    figures = tuple(
        figure_cell(
            row[c], kinds[c], row.stated.get(c), row.from_previous and c in PREVIOUS, unit_shown(table, c, row[c])
        )
        for c in table.columns
    )
    texts = tuple(Cell(runs(str(row[c] or ""))) for c in table.text_columns)
    laid = Row((row_label(row.name), *figures, *texts), classes)
    if not noted:
        return (laid,)
    note = Cell(runs(f"说明：{row.note}"), "note", colspan=width, classes=("note",))
    return laid, Row((note,), ("note-row",))


def total_row(table, kinds: dict[str, str]) -> Row:
    """合计: its figures (a column without one is left blank, not —), blank text columns."""
    total = table.total
    figures = tuple(Cell(runs(bare(total[c])), kinds[c], classes=("num",)) for c in table.columns)
    return Row((row_label("合计"), *figures, *(Cell() for _ in table.text_columns)), ("total",))


def figure_cell(value: Decimal | None, kind: str, stated, from_previous: bool, unit: str | None = None) -> Cell:
    """A figure (— when blank), the document's 原表 value beside it when that differs, its unit where nothing else
    says it (a Text run, so every writer keeps the figure a number), the 上年 mark."""
    unit_run = (Text(unit),) if unit else ()
    content = (Fig(bare(value), stated), *unit_run, *((FROM_PREVIOUS,) if from_previous else ()))
    return Cell(content, kind, classes=("num",))


def row_label(name: str) -> Cell:
    return Cell(runs(name), "label", header=True, scope="row")


def column_kinds(table) -> dict[str, str]:
    """Each figure column's cell kind, from the type of its figures (amount when it has none yet)."""
    values = [*table.rows, *((table.total,) if table.total else ())]
    return {
        column: next(
            (
                kind
                for row in values
                if row[column] is not None
                for figure_type, kind in KINDS
                if isinstance(row[column], figure_type)
            ),
            "amount",
        )
        for column in table.columns
    }
