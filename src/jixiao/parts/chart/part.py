"""图 as a part: a data table's chart, read from the table (数据表.…图), so it adds no key of its own; it offers
its layout."""

from __future__ import annotations

from .. import Part

PART = Part("图", __package__, layouts={"图": "layout:lay_out"})
