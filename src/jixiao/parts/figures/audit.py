"""Named figures in the audit: prose that names a figure of 数据 must print it (narrative-number), in its unit
or one it converts to (2.86亿元 = 28600万元)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ...errors import Location
from ...findings import Finding, acknowledged
from ...quantity import parse_unit
from .view import FigureView, NameList

# a count typed in prose and the noun it counts: 等 6 个科室, 共 3 家银行
_COUNT_RE = re.compile(r"(?<![\d.])(?P<number>\d+)\s*(?:个|家|项|名|处|所)(?P<noun>[\u4e00-\u9fff]{2,6})")


def kind_of(unit: str | None) -> str:
    """How the audit compares a named figure: a rate (%), money (元, 万元, 亿元) or a count in its own unit."""
    if unit in ("%", "％"):
        return "rate"
    parsed = parse_unit(unit)
    return "money" if parsed is not None and parsed.base == "元" and not parsed.per else "count"


def named_figures(figures: dict[str, Any], make: Any) -> list[Any]:
    """The audit's figures (made by `make`, audit.Figure) for each named figure with a number."""
    return [
        make(name, figure.value, kind_of(figure.unit), figure.unit, name, "数据", f"数据.{name}")
        for name, figure in figures.items()
        if isinstance(figure, FigureView) and len(name) >= 2
    ]


@dataclass(frozen=True)
class Counted:
    """Something prose may count: a list of names of 数据, or the rows of a data table, by the name that ends with the
    counted noun (内设科室 for 科室)."""

    name: str
    count: int
    what: str  # how a finding names it: 名单「内设科室」, 数据表「内设科室」
    noun: str  # what the finding says it lists: 个, 行
    expression: str  # the {{ }} that prints the count


def name_lists(figures: dict[str, Any]) -> list[Counted]:
    """The lists of names of 数据, which prose may count."""
    return [
        Counted(name, len(names), f"名单「{name}」", "个", f"数据.{name} | length")
        for name, names in figures.items()
        if isinstance(names, NameList)
    ]


def check_counts(texts: Iterable[Any], lists: list[Counted], at: Callable[[Any, int], Location]) -> list[Finding]:
    """narrative-number: a count typed in prose (下设…等 6 个科室) against the list it counts, the list whose name ends
    with the counted noun (内设科室 for 科室)."""
    found = []
    for text in texts if lists else ():
        for match in _COUNT_RE.finditer(text.text):
            noun, written = match.group("noun"), int(match.group("number"))
            counted = next((c for c in lists if any(c.name.endswith(noun[:k]) for k in range(len(noun), 1, -1))), None)
            if counted is None or written == counted.count:
                continue
            found.append(
                acknowledged(
                    at(text, match.start()),
                    text.note,
                    "narrative-number",
                    f"文中写「{match.group(0)}」，{counted.what}列了 {counted.count} {counted.noun}；"
                    f"可改写为 {{{{ {counted.expression} }}}}",
                )
            )
    return found


def in_unit(written: Any, unit: str | None, wanted: str | None) -> Any:
    """A written number in another unit of its dimension (28600 万元 → 2.86 亿元, 12000 人 → 1.2 万人), or None."""
    have, want = parse_unit(unit), parse_unit(wanted)
    if have is None or want is None or have.base != want.base or have.per != want.per:
        return None
    return written * have.scale / want.scale
