"""The cells every part's tables are made of: labels, figures, texts. One constructor per kind of cell, so that
the theme's hooks (`num` on a figure, `scope` on a label) and the cell kinds writers type by are set in one place.

The cells a page makes by the hundred (figures, a row's name, its texts) are made from all their fields in order
(`blocks.from_fields`, in C), not by `Cell(...)` with keywords: a page of forms makes some five hundred."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..document.blocks import Cell, Fig, Lines, Row, Run, from_fields, runs


def label(
    *content: Run | str | Decimal | None,
    scope: str | None = "row",
    rowspan: int = 1,
    colspan: int = 1,
    classes: tuple[str, ...] = (),
    repeat: bool = False,
) -> Cell:
    """A header cell naming a row (`scope="row"`), a column (`col`) or a group of rows (`rowgroup`). One of plain
    texts is shared (see `text`), unless it is a group's label repeated in print, which printing tells apart from
    its copies by identity (blocks.repeat_labels)."""
    make = make_label if repeat or not plain(content) else shared_label
    return make(content, scope, rowspan, colspan, classes, repeat)


def make_label(
    content: tuple[Any, ...], scope: str | None, rowspan: int, colspan: int, classes: tuple[str, ...], repeat: bool
) -> Cell:
    return from_fields(Cell, (runs(*content), "label", True, scope, rowspan, colspan, classes, None, repeat))


def column_labels(names: Iterable[str]) -> Row:
    """A header row: one column label per name."""
    return Row(tuple(label(name, scope="col") for name in names))


def figure(value: Decimal | None, kind: str = "score", stated: Decimal | None = None, title: str | None = None) -> Cell:
    """A figure in a right-aligned cell; no value prints as — (a 分值 the row does not have)."""
    return from_fields(Cell, ((from_fields(Fig, (value, stated)),), kind, False, None, 1, 1, _NUM, title, False))


def blank_or_figure(value: Decimal | None, kind: str = "amount") -> Cell:
    """A figure where the document may leave the cell empty (an amount not written): blank, not —."""
    return from_fields(Cell, (runs(value), kind, False, None, 1, 1, _NUM, None, False))


def text(
    *content: Run | str | Decimal | None, colspan: int = 1, kind: str = "text", classes: tuple[str, ...] = ()
) -> Cell:
    """A cell of text (None and empty texts leave it blank). A cell of plain texts only is made once per process
    and shared, as cells are frozen: the same words fill every form (达到, a target, a unit); a figure is never
    shared, since it carries its own origin."""
    return (shared_text if plain(content) else make_text)(content, colspan, kind, classes)


def make_text(content: tuple[Any, ...], colspan: int, kind: str, classes: tuple[str, ...]) -> Cell:
    return from_fields(Cell, (runs(*content), kind, False, None, 1, colspan, classes, None, False))


def plain(content: tuple[Any, ...]) -> bool:
    """Whether a cell would hold plain texts only (no figure, no run made elsewhere), so that it may be shared.
    Asked by the set of its items' types in C (`issuperset` over `map`): a page of forms asks some six hundred
    times, and a generator under `all` costs twice as much for the one or two items a cell holds."""
    return _PLAIN.issuperset(map(type, content))


_PLAIN = frozenset({str, type(None)})
_NUM = ("num",)
shared_label = functools.lru_cache(maxsize=4096)(make_label)
shared_text = functools.lru_cache(maxsize=4096)(make_text)


def lines(value: str | None, colspan: int = 1) -> Cell:
    """A cell of text written over several lines (a goal, a reason, a conclusion), its line breaks kept."""
    return Cell((Lines(value),) if value else (), colspan=colspan)


@functools.lru_cache(maxsize=64)
def empty(colspan: int = 1) -> Cell:
    """An empty cell (shared, as plain cells are)."""
    return Cell(colspan=colspan)
