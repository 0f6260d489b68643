"""The blocks a page makes by the hundred, made from all their fields in order (`blocks.from_fields`, in C) rather
than by name (bench/HISTORY.md, ninth wave): each is the block `Cell(...)`, `Row(...)` or a run would make by name,
so a field added to one, or two swapped, breaks these tests rather than shifting the others."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

import jixiao.document.html
from jixiao.cli import main
from jixiao.document.blocks import Cell, Fig, Text, runs
from jixiao.parts import cells

REPO = Path(__file__).resolve().parents[2]


def test_the_cells_made_from_their_fields_are_those_made_by_name():
    one, two = Decimal("1.5"), Decimal("2")
    made = {
        cells.figure(one, "rate", stated=two, title="规则"): Cell(
            (Fig(one, two),), "rate", classes=("num",), title="规则"
        ),
        cells.blank_or_figure(one, "count"): Cell((Fig(one),), "count", classes=("num",)),
        cells.text("甲", one, colspan=3, kind="note", classes=("note",)): Cell(
            (Text("甲"), Fig(one)), "note", colspan=3, classes=("note",)
        ),
        cells.label("乙", scope="rowgroup", rowspan=4, colspan=2, classes=("part",), repeat=True): Cell(
            (Text("乙"),),
            "label",
            header=True,
            scope="rowgroup",
            rowspan=4,
            colspan=2,
            classes=("part",),
            repeat=True,
        ),
    }
    for fast, by_name in made.items():
        assert type(fast) is Cell and fast._asdict() == by_name._asdict()
        assert all(type(run)(**run._asdict()) == run for run in fast.content)
    assert runs("丙", one) == (Text("丙", style=None), Fig(one, stated=None))


def test_every_block_of_the_repositorys_pages_has_each_of_its_fields(tmp_path, monkeypatch):
    # Made again by name from its fields, a block made with one field too few (a field added to its class and not
    # to `from_fields`) is longer than itself.
    rows = []
    write_row = jixiao.document.html.write_row
    monkeypatch.setattr(jixiao.document.html, "write_row", lambda row, *args: rows.append(row) or write_row(row, *args))
    out = tmp_path / "site"
    build = ["build", str(REPO), "--out", str(out), "--no-pdf", "--no-office", "--no-search"]
    assert CliRunner().invoke(main, build, catch_exceptions=False).exit_code == 0
    blocks = [*rows, *(cell for row in rows for cell in row.cells)]
    blocks += [run for cell in blocks[len(rows) :] for run in cell.content if isinstance(run, tuple)]
    assert {type(block).__name__ for block in blocks} >= {"Row", "Cell", "Text", "Fig"}
    assert any(row.print_id for row in rows) and any(cell.repeat for cell in blocks[len(rows) :])
    assert all(type(block)(**block._asdict()) == block for block in blocks)
