"""Figures that know how to print themselves: money, rates, scores.

They are Decimals (so templates and expressions can still compare and add them)
whose `str()` is the form's notation: 474.39, 94.84%, 9.48 / 10.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .compute import round_half_up


class _Figure(Decimal):
    """Shared: f-strings and format() print the figure as str() does unless a format is given."""

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else super().__format__(spec)


class Money(_Figure):
    """An amount in the report's unit (万元 by default), printed with two decimals."""

    def __str__(self) -> str:
        return f"{round_half_up(Decimal(self), 2):f}"


class Rate(_Figure):
    """A percentage value (94.84 means 94.84 %), printed with two decimals and %."""

    def __str__(self) -> str:
        return f"{round_half_up(Decimal(self), 2):f}%"


class Score(_Figure):
    """A score: whole numbers print bare (10, 100), others with two decimals (9.48)."""

    def __str__(self) -> str:
        value = Decimal(self)
        if value == value.to_integral_value():
            return f"{value.to_integral_value():f}"
        return f"{round_half_up(value, 2):f}"


class NamedList(list):
    """A list of mappings that can also be indexed by a name field (in templates and expressions)."""

    name_key = "名称"

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for item in self:
                if item.get(self.name_key) == key:
                    return item
            raise KeyError(key)
        return super().__getitem__(key)


def plain(value: object) -> object:
    """JSON form of a value: Decimals as exact strings, others unchanged."""
    if isinstance(value, Decimal):
        return str(value) if isinstance(value, _Figure) else format(value, "f")
    return value
