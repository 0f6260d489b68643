"""The indicator part shared by the 自评表, its 绩效指标评分表 and an evaluation's 评分表: 一级 → 二级 → 三级 rows.

Each 一级指标 is one body section whose 一级 and 二级 labels are merged cells spanning their rows (note rows
included). In print the table writes each label into every row it spans (`Table.repeat_labels`), and the rows
carry ids ending in `-cont` after a group's first row, which the PDF renderer uses to show the label again at
the top of a page (jixiao.pdf), so a group split over two pages is labelled on both.

A row's 说明 is printed in a row of its own below it, across the columns from 三级指标 on, so a long note is
never squeezed into the 偏差原因 column. Pagination: a row carries `keep-next` where a page must not fall after
it — inside a 二级指标 of up to four rows, and elsewhere after its first row and before its last, so no row is
left alone at a page's foot or head; a longer 二级指标 may split rather than leave half a page blank. A row
with a note is kept with its note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ...document.blocks import Cell, Row, Run, Section, Table, Text
from ..cells import empty, figure, label, text
from ..score_sheet.view import LevelView
from .view import GroupView, IndicatorView, SubgroupView

# the theme's column classes (print.css gives the label and figure columns fixed widths)
COLUMNS = ("c-l1", "c-l2", "c-l3", "c-target", "c-actual", "c-points", "c-score", "c-reason")
EXTRA_COLUMN = "c-extra"
# the columns from 三级指标 on, which an empty 二级指标 row leaves blank and a note row spans
ROW_CELLS = 6


def indicator_columns(extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The column classes of an indicator table with a report type's extra columns (附加列)."""
    return (*COLUMNS, *(EXTRA_COLUMN for _ in extra))


def indicator_sections(
    groups: Sequence[GroupView | LevelView], key: str, extra: Sequence[str] = (), reasons: bool = False
) -> tuple[Section, ...]:
    """One section per 一级指标. `key` names the table in the rows' print ids (the project); `reasons`: an
    evaluation's 评分表, whose last column falls back to the rule a score was computed by."""
    return tuple(
        group_section(group, f"ind-{key.replace(' ', '')}-{number}", extra, reasons)
        for number, group in enumerate(groups, 1)
    )


def group_section(group: GroupView | LevelView, ids: str, extra: Sequence[str], reasons: bool) -> Section:
    """A 一级指标: its 二级指标 one after the other, the 一级 label merged over all their rows. One without any
    二级指标 is a single row (its label and an empty cell across the rest)."""
    if not group.subgroups:
        return Section(
            (Row((label(group.name, scope="rowgroup"), empty(1 + ROW_CELLS + len(extra)))),), classes=("group",)
        )
    rows: list[Row] = []
    for number, subgroup in enumerate(group.subgroups, 1):
        rows += with_label(subgroup_rows(subgroup, f"{ids}-{number}", not rows, extra, reasons), subgroup.name)
    return Section(tuple(with_label(rows, group.name)), classes=("group",))


def with_label(rows: list[Row], name: str) -> list[Row]:
    """Rows with a group label spanning them all, merged into the first (repeated in print)."""
    first = label(name, scope="rowgroup", rowspan=len(rows), repeat=True)
    return [replace(rows[0], cells=(first, *rows[0].cells)), *rows[1:]]


def subgroup_rows(
    subgroup: SubgroupView, ids: str, opens_group: bool, extra: Sequence[str], reasons: bool
) -> list[Row]:
    """The rows of a 二级指标 (one empty row when it has none), each followed by its note row."""
    items = subgroup.rows or (None,)
    out: list[Row] = []
    for index, item in enumerate(items):
        together = keeps_together(index, len(items))
        noted = item is not None and bool(item.note)
        classes = (
            *(("keep-next",) if together or noted else ()),
            *(("unmet",) if item is not None and item.met is False else ()),
        )
        print_id = f"{ids}-{index + 1}" + ("" if opens_group and index == 0 else "-cont")
        out.append(Row(row_cells(item, extra, reasons), classes, print_id))
        if noted:
            out.append(
                Row(
                    (note_cell(item.note, ROW_CELLS + len(extra)),), ("note-row", *(("keep-next",) if together else ()))
                )
            )
    return out


def keeps_together(index: int, count: int) -> bool:
    """Whether a page must not fall after row `index` of a 二级指标 of `count` rows (see the module's doc)."""
    return (count <= 4 and index < count - 1) or (count > 1 and index in (0, count - 2))


def row_cells(item: IndicatorView | None, extra: Sequence[str], reasons: bool) -> tuple[Cell, ...]:
    """A 三级指标's cells: name, target, actual (blank for an evaluation's row the evaluator scored without them),
    分值, 得分 (titled with the rule that gave it), 偏差原因 (an evaluation's: the evaluator's reason, or the
    rule), and the extra columns."""
    if item is None:
        return tuple(empty() for _ in range(ROW_CELLS + len(extra)))
    # a row scored by the rules says in the document's words whether it met its target, not the rule ("反向: 达标",
    # kept in the 得分 cell's title); a row the evaluator scored keeps its 评分标准 or 理由
    met = "达到" if item.met else "未达到"
    reason = item.deviation or ((item.basis if item.target is None else met) if reasons else None)
    return (
        label(item.name),
        text(item.target),
        text(item.actual),
        figure(item.points),
        figure(item.score, stated=item.stated.score, title=item.basis or ""),
        text(reason),
        *(text(item.extras.get(column)) for column in extra),
    )


def note_cell(note: str, width: int) -> Cell:
    """A row's 说明, across the columns from 三级指标 on."""
    return Cell((Text(f"说明：{note}"),), "note", colspan=width, classes=("note",))


def rule_foot(width: int) -> Section:
    """In print, an empty footer repeated on every page: it closes the merged label cells at a page's foot with
    a rule (print.css)."""
    return Section((Row((empty(width),)),), "foot", classes=("rule",), print_only=True)


def indicator_table(
    sections: tuple[Section, ...],
    head: tuple[Row, ...],
    total: Section,
    classes: tuple[str, ...],
    extra: Sequence[str] = (),
    caption: tuple[Run, ...] = (),
) -> Table:
    """An indicator table: its header rows (repeated on every printed page), the 一级指标 sections, the rule
    closing them in print, and its total section."""
    width = len(COLUMNS) + len(extra)
    return Table(
        (Section(head, "head"), *sections, rule_foot(width), total),
        classes,
        caption=caption,
        columns=indicator_columns(extra),
        repeat_labels=True,
    )
