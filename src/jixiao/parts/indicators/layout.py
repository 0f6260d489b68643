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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...document.blocks import Cell, Row, Run, Section, Table, Text, from_fields
from ..cells import blank_or_figure, empty, figure, label, text
from ..score_sheet.view import LevelView
from .model import SCORED_COLUMNS
from .view import GroupView, IndicatorView, SubgroupView

# The columns a row may print after 三级指标 (评分表: 列), with their heads and the theme's column classes
# (print.css gives the label and figure columns fixed widths).
ROW_COLUMNS = {
    "指标值": ("指标值", "c-target"),
    "实际完成值": ("实际完成值", "c-actual"),
    "完成率": ("完成率", "c-rate"),
    "原表完成率": ("完成率（原表）", "c-rate"),
    "原表实际完成值": ("实际完成值（原表）", "c-actual"),
    "达标情况": ("是否达到", "c-met"),
    "分值": ("分值", "c-points"),
    "得分": ("得分", "c-score"),
    "评分依据": ("评分依据或扣分原因", "c-reason"),
    "偏差原因": ("偏差原因分析及改进措施", "c-reason"),
}
EXTRA_COLUMN = "c-extra"


def indicator_columns(extra: Sequence[str] = (), columns: Sequence[str] = SCORED_COLUMNS) -> tuple[str, ...]:
    """The column classes of an indicator table with a report type's extra columns (附加列)."""
    return ("c-l1", "c-l2", "c-l3", *(ROW_COLUMNS[name][1] for name in columns), *(EXTRA_COLUMN for _ in extra))


def column_heads(columns: Sequence[str], renamed: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The heads of an indicator table: the three levels, then each column's (as `renamed` calls it: a form
    prints its 指标值 column as 年度指标值)."""
    names = renamed or {}
    return ("一级指标", "二级指标", "三级指标", *(names.get(name, ROW_COLUMNS[name][0]) for name in columns))


def points_cells(
    columns: Sequence[str], extra: int, head: Cell, points: Cell, score: Cell, tail: Cell
) -> tuple[Cell, ...] | None:
    """A total row with its 分值 and 得分 under those columns: `head` across the columns before them (the levels
    included), `tail` across the columns after (with `extra` columns). None when the table does not print 分值
    and then 得分 with a column after them: the caller writes that total as a line of words (`words_row`)."""
    if "分值" not in columns or "得分" not in columns:
        return None
    at = columns.index("分值")
    after = len(columns) - at - 2 + extra
    if columns.index("得分") != at + 1 or after < 1:
        return None
    return (head._replace(colspan=3 + at), points, score, tail._replace(colspan=after))


def words_row(words: str, width: int) -> Row:
    """A line of words across an indicator table of `width` columns, under its rows (a total it cannot place
    under its columns)."""
    return Row((text(words, colspan=width, kind="grade"),))


def indicator_sections(
    groups: Sequence[GroupView | LevelView],
    key: str,
    extra: Sequence[str] = (),
    reasons: bool = False,
    columns: Sequence[str] = SCORED_COLUMNS,
) -> tuple[Section, ...]:
    """One section per 一级指标. `key` names the table in the rows' print ids (the project); `reasons`: an
    evaluation's 评分表, whose last column falls back to the rule a score was computed by; `columns`: what a row
    prints after 三级指标."""
    shape = Shape(tuple(columns), tuple(extra), reasons)
    return tuple(
        group_section(group, f"ind-{key.replace(' ', '')}-{number}", shape) for number, group in enumerate(groups, 1)
    )


@dataclass(frozen=True)
class Shape:
    """What each row of an indicator table prints: its columns after 三级指标, the extra columns, and whether
    the reason column falls back to the rule (an evaluation)."""

    columns: tuple[str, ...]
    extra: tuple[str, ...]
    reasons: bool

    @property
    def width(self) -> int:
        """The cells from 三级指标 on, which an empty 二级指标 row leaves blank and a note row spans."""
        return 1 + len(self.columns) + len(self.extra)


def group_section(group: GroupView | LevelView, ids: str, shape: Shape) -> Section:
    """A 一级指标: its 二级指标 one after the other, the 一级 label merged over all their rows. One without any
    二级指标 is a single row (its label and an empty cell across the rest)."""
    if not group.subgroups:
        return Section((Row((label(group.name, scope="rowgroup"), empty(1 + shape.width))),), classes=("group",))
    rows: list[Row] = []
    for number, subgroup in enumerate(group.subgroups, 1):
        rows += with_label(subgroup_rows(subgroup, f"{ids}-{number}", not rows, shape), subgroup.name)
    return Section(tuple(with_label(rows, group.name)), classes=("group",))


def with_label(rows: list[Row], name: str) -> list[Row]:
    """Rows with a group label spanning them all, merged into the first (repeated in print). The first row is made
    again from its fields, not by `_replace`, which goes through them in Python (a page of forms labels some
    ninety rows)."""
    first = label(name, scope="rowgroup", rowspan=len(rows), repeat=True)
    head = rows[0]
    return [from_fields(Row, ((first, *head.cells), head.classes, head.print_id)), *rows[1:]]


def subgroup_rows(subgroup: SubgroupView, ids: str, opens_group: bool, shape: Shape) -> list[Row]:
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
        out.append(from_fields(Row, (row_cells(item, shape), classes, print_id)))
        if noted:
            out.append(Row((note_cell(item.note, shape.width),), ("note-row", *(("keep-next",) if together else ()))))
    return out


def keeps_together(index: int, count: int) -> bool:
    """Whether a page must not fall after row `index` of a 二级指标 of `count` rows (see the module's doc)."""
    return (count <= 4 and index < count - 1) or (count > 1 and index in (0, count - 2))


def row_cells(item: IndicatorView | None, shape: Shape) -> tuple[Cell, ...]:
    """A 三级指标's cells: its name, then its columns (a target and actual blank for an evaluation's row the
    evaluator scored without them; 得分 titled with the rule that gave it; the reason an evaluation's evaluator
    gave, or the rule), and the extra columns."""
    if item is None:
        return tuple(empty() for _ in range(shape.width))
    return (
        label(item.name),
        *(column_cell(item, name, shape.reasons) for name in shape.columns),
        *(text(item.extras.get(column)) for column in shape.extra),
    )


def column_cell(item: IndicatorView, name: str, reasons: bool) -> Cell:
    """One column of a row; 达标情况 in the documents' words (达到/未达到), blank for a row not judged."""
    if name == "指标值":
        return text(item.target)
    if name == "实际完成值":
        return text(item.actual)
    if name == "完成率":
        return figure(item.completion, "rate")
    if name == "原表完成率":
        return blank_or_figure(item.stated.completion, "rate")
    if name == "原表实际完成值":
        return text(item.stated.actual)
    if name == "达标情况":
        return text(None if item.met is None else "达到" if item.met else "未达到")
    if name == "分值":
        return figure(item.points)
    if name == "得分":
        return figure(item.score, stated=item.stated.score, title=item.basis or "")
    return text(item.deviation or (reason_of(item) if reasons else None))


def reason_of(item: IndicatorView) -> str | None:
    """The reason column of a row without a written 偏差原因: a row scored by the rules says in the document's words
    whether it met its target, not the rule ("反向: 达标", kept in the 得分 cell's title); a row the evaluator
    scored keeps its 评分标准 or 理由."""
    if item.target is None or item.met is None:
        return item.basis
    return "达到" if item.met else "未达到"


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
    columns: Sequence[str] = SCORED_COLUMNS,
) -> Table:
    """An indicator table: its header rows (repeated on every printed page), the 一级指标 sections, the rule
    closing them in print, and its total section."""
    width = 3 + len(columns) + len(extra)
    return Table(
        (Section(head, "head"), *sections, rule_foot(width), *((total,) if total.rows else ())),
        classes,
        caption=caption,
        columns=indicator_columns(extra, columns),
        repeat_labels=True,
    )
