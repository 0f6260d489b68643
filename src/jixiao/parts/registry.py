"""The registry of the parts of a report: one line per part (see jixiao.parts for what a part declares).

The report's model (model.py) takes its parts' keys from here, in this order (the order of report.yaml's keys in
the editor schema, the keys reference and the list of keys an unknown key's hint gives); its view (views.py)
takes their names in data.json's order (`PUBLISHED`); assess.py computes them in this order (a data table may read
the forms); ::表格[…] (directives.TABLES), the template global `lay_out` and the 必填 of report types
(reporttypes.PARTS) read the maps below. A part's computation and layouts are imported when first used."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from . import Layouts, Part


def load(*names: str) -> tuple[Part, ...]:
    """The `PART` of each part: a folder of jixiao.parts by its name, or any module by its dotted path."""
    return tuple(import_module(name if "." in name else f"{__package__}.{name}.part").PART for name in names)


PARTS: tuple[Part, ...] = load(
    "signature",
    "form",
    "score_sheet",
    "data_table",
    "figures",
    "chart",
    "scoring",
)
# data.json's 报告 has printed these parts' names in this order since its first version; a part not listed
# follows them in the order of PARTS.
PUBLISHED = ("自评表", "落款", "数据表", "评分", "评分表")


def published(parts: tuple[Part, ...]) -> list[Part]:
    """The parts in the order data.json names them."""
    rank = {name: index for index, name in enumerate(PUBLISHED)}
    return sorted(parts, key=lambda part: rank.get(part.name, len(rank)))


def requirable(parts: tuple[Part, ...]) -> dict[str, str]:
    """The keys of report.yaml a report type may require (必填) → the attribute of the report holding them."""
    return {key: attribute for part in parts for key, attribute in part.keys().items() if key in part.requirable}


def computing_order(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """The parts in the registry's order, each after the parts whose views it needs (a 评分表 reads the data
    tables' cells, the data tables read the forms)."""
    order: list[Part] = []
    ready: set[str] = set()
    pending = list(parts)
    while pending:
        part = next(p for p in pending if ready.issuperset(p.needs))  # StopIteration: a part needs what none gives
        pending.remove(part)
        order.append(part)
        ready.update(part.views)
    return tuple(order)


COMPUTING = computing_order(PARTS)
LAYOUTS = Layouts(PARTS)


def lay_out(name: str, *args: Any) -> Any:
    """The blocks of the part `name` (a template global: `write(lay_out("评分", report))`)."""
    return LAYOUTS[name](*args)
