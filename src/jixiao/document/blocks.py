"""The block types of a report's document tree: what every writer (HTML, PDF, CSV, data.json, Word, Excel) reads.

A part of a report (a 自评表, a 评分表, a data table …) lays itself out into these blocks once
(`jixiao.parts`); writers only walk them. So the decisions that make a form a form — which cells merge,
which header rows repeat on every printed page, how a 一级指标 label spans its group, where a page must not
break — are taken here, in one place, and a new writer inherits them instead of re-learning them.

Blocks are immutable and readable from layouts. Text inside a cell or a paragraph is a tuple of runs: plain
text, text with line breaks, a figure (a computed or typed value that prints itself and carries its provenance), a
small note, a mark. A figure keeps its value, not its text, so a spreadsheet writer can write a number and an HTML
writer can explain where it came from.

What a page makes by the hundred (cells, rows, sections and the runs in them) are named tuples; tables, groups,
charts and a line break are frozen dataclasses. A frozen dataclass sets each field through `object.__setattr__`:
a cell's nine cost some 16,000 instructions, a named tuple's some 5,000, and a page of forms makes five hundred
cells. Change one with `_replace`; being tuples, they equal a tuple of the same fields (nothing compares them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

# What a cell holds, for writers that type their cells (a spreadsheet's number formats, CSV's plain values):
# text, a label (a header or a group's name), and the kinds of figures.
CELL_KINDS = ("text", "label", "amount", "rate", "count", "score", "grade", "note")


class Text(NamedTuple):
    """Plain text; `style` names how it is set off (code: a project code in brackets; small: a unit)."""

    text: str
    style: str | None = None
    kind = "text"


class Lines(NamedTuple):
    """Text whose line breaks are kept (a goal, a reason, a conclusion written over several lines)."""

    text: str
    kind = "lines"


class Fig(NamedTuple):
    """A figure: its value (a Decimal that prints itself: Money, Rate, Score, Number; or None, printed as —),
    and the value the source document printed (原表) when the author recorded it, shown beside it when the two
    differ."""

    value: Decimal | None
    stated: Any = None
    kind = "fig"

    @property
    def differs(self) -> bool:
        return self.stated is not None and (self.value is None or self.stated != self.value)


class Mark(NamedTuple):
    """A short mark after a figure with its explanation (`*`, 取自上年报告)."""

    text: str
    title: str
    kind = "mark"


@dataclass(frozen=True, slots=True)
class Break:
    """A line break inside a cell's or a caption's text."""

    kind: ClassVar[str] = "break"


Run = Text | Lines | Fig | Mark | Break

# A named tuple made from all its fields in order, in C: its own `__new__` is a Python function taking keywords,
# some 2,800 instructions more a cell (measured alone). For the blocks a page makes by the hundred; a test makes
# each such block again by name, so that a field added breaks it rather than shifting the others.
from_fields = tuple.__new__


def runs(*items: Run | str | Decimal | None) -> tuple[Run, ...]:
    """Runs from plain values: a text becomes Text, a Decimal a figure; None and empty texts are dropped. (Each
    made by `from_fields`: a page of forms makes some five hundred runs.)"""
    out: list[Run] = []
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, str):
            out.append(from_fields(Text, (item, None)))
        elif isinstance(item, Decimal):
            out.append(from_fields(Fig, (item, None)))
        else:
            out.append(item)
    return tuple(out)


class Cell(NamedTuple):
    """One cell of a laid-out grid.

    `header` cells are row or column labels (`scope` says which); `rowspan`/`colspan` merge cells; `kind` is
    one of CELL_KINDS; `classes` are the theme's hooks (num, note, signers …); `title` a tooltip (the rule a
    score was computed by)."""

    content: tuple[Run, ...] = ()
    kind: str = "text"
    header: bool = False
    scope: str | None = None
    rowspan: int = 1
    colspan: int = 1
    classes: tuple[str, ...] = ()
    title: str | None = None
    repeat: bool = False  # a group's label spanning its rows: in print, written into each of them (Table.repeat_labels)

    @property
    def text(self) -> str:
        """The cell as plain text (figures as they print), for CSV and for tests."""
        return plain_text(self.content)


class Row(NamedTuple):
    """One row: its cells (a cell merged from a row above is not repeated here), the theme's classes (keep-next:
    no page break after this row; unmet; total; part …) and, for grouped rows, an id used when printing."""

    cells: tuple[Cell, ...]
    classes: tuple[str, ...] = ()
    print_id: str | None = None


class Section(NamedTuple):
    """A run of rows: `head` rows repeat at the top of every printed page; `foot` rows close a printed table;
    body sections carry the theme's class (group: one 一级指标; total; funds …). `print_only` sections appear
    only in print."""

    rows: tuple[Row, ...]
    part: str = "body"  # head, body or foot
    classes: tuple[str, ...] = ()
    print_only: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A laid-out table. `columns` are the theme's column classes (widths in print); `caption` its title when the
    table is not titled by a heading (`labelled_by`: the id of that heading); `unit` printed above the table when
    it is titled by a heading; `note` the document's note printed below it.

    `repeat_labels`: a label cell that spans a group of rows (a 一级指标; `Cell.repeat`, always a leading cell of
    its rows) is, in print, written into every row it spans — shown in its first row and hidden in the others, which the PDF renderer shows where a page begins
    (see jixiao.pdf) — so a group split over two pages is labelled on both."""

    sections: tuple[Section, ...]
    classes: tuple[str, ...] = ()
    caption: tuple[Run, ...] = ()
    columns: tuple[str, ...] = ()
    labelled_by: str | None = None
    unit: str | None = None
    note: str | None = None
    repeat_labels: bool = False
    html: str = ""  # a table written in the text: the markup its renderer printed, which the page prints as it is
    kind: ClassVar[str] = "table"

    @property
    def width(self) -> int:
        """The number of grid columns (from the first row, counting merged cells)."""
        first = next((s.rows[0] for s in self.sections if s.rows), None)
        return sum(cell.colspan for cell in first.cells) if first else 0


@dataclass(frozen=True, slots=True)
class Group:
    """Blocks printed together (a 自评表 is two tables: its head and its indicator part)."""

    blocks: tuple[Any, ...]
    kind: ClassVar[str] = "group"


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of a data table: its drawing for the page (`svg`, an inline SVG, or a sentence when there is nothing
    to draw) and the data it draws, for writers that draw their own (a spreadsheet's chart, a Word document's):
    its type (饼状图, 柱状图), number and title, the table's unit, the columns drawn, and one series of figures per
    column, one figure per label (the rows drawn). `anchor` is the figure's id (without the page's prefix)."""

    svg: str
    chart_type: str
    number: str
    title: str
    unit: str | None
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    series: tuple[tuple[Decimal | None, ...], ...]
    anchor: str
    kind: ClassVar[str] = "chart"


Block = Table | Group | Chart  # what `write` writes (blocks/<kind>.html)


def plain_text(content: tuple[Run, ...]) -> str:
    """Runs as the text a reader sees (without the stated figure and marks)."""
    parts = []
    for run in content:
        if isinstance(run, (Text, Lines)):
            parts.append(run.text)
        elif isinstance(run, Fig):
            parts.append("—" if run.value is None else str(run.value))
        elif isinstance(run, Break):
            parts.append("\n")
    return "".join(parts)


def printed_sections(table: Table, pdf: bool) -> tuple[Section, ...]:
    """The sections as a medium shows them: on screen without the print-only ones; in print, each group label
    (`Cell.repeat`) written into every row it spans, shown in the first and hidden (style `repeat`) in the
    others, its `open` class keeping the merged look until the group's last row."""
    if not pdf:
        return tuple(s for s in table.sections if not s.print_only)
    if not table.repeat_labels:
        return table.sections
    return tuple(s._replace(rows=repeat_labels(s.rows)) for s in table.sections)


def repeat_labels(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """Rows of one section with their group labels written out row by row (see printed_sections)."""
    spanning: list[tuple[Cell, int]] = []  # labels still open, outermost first: (cell, rows left)
    out = []
    for row in rows:
        own = [c for c in row.cells if c.repeat]
        spanning += [(c, c.rowspan) for c in own]
        labels = tuple(
            label_in_print(cell, first=any(cell is c for c in own), last=left == 1) for cell, left in spanning
        )
        out.append(row._replace(cells=labels + tuple(c for c in row.cells if not c.repeat)))
        spanning = [(cell, left - 1) for cell, left in spanning if left > 1]
    return tuple(out)


def label_in_print(cell: Cell, first: bool, last: bool) -> Cell:
    """One row's copy of a group label: printed in the group's first row, a hidden copy in the others."""
    classes = ("label", *(() if first else ("cont",)), *(() if last else ("open",)))
    content = cell.content if first else (Text(plain_text(cell.content), "repeat"),)
    return Cell(content, "label", header=True, classes=classes)


def grid_cells(rows: tuple[Row, ...] | list[Row], width: int) -> Iterator[tuple[int, int, Cell]]:
    """Each cell at its grid row and column (the HTML table model): a cell merged down from a row above takes its
    columns in the rows it spans, so a row's cells go into the columns left free. Writers that place cells
    themselves (Word, Excel) read it, so a merge is placed once for all of them."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row.cells:
            while (r, c) in taken:
                c += 1
            if c >= width:
                break
            yield r, c, cell
            taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            c += cell.colspan
