"""Figures that know how to print themselves: money, plain numbers, rates, scores.

They are Decimals (so templates and expressions can still compare and add them) whose `str()` is
the document's notation. An amount is printed with the decimals it was written with and never
fewer than its table's (at least 2: 474.39, 310.735989); a sum carries the precision of its
inputs, because Decimal addition keeps the longest exponent. A plain number (a count, a
quantity) prints as written: 8, 272.84. Rates and scores are already rounded by the rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class _Figure(Decimal):
    """Shared: f-strings and format() print the figure as str() does unless a format is given; `origin` is
    where the figure came from (provenance.py), None for a figure nobody traced."""

    origin: Any = None

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else super().__format__(spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (Decimal.__str__(self),), self.__dict__ or None


def decimals_of(value: Decimal) -> int:
    """How many decimals a Decimal was written or computed with (82.10 → 2, 100 → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class Money(_Figure):
    """An amount in its table's unit (万元 unless 默认单位 says otherwise): at least `places` decimals,
    more when it was written with more."""

    places: int

    def __new__(cls, value: Any, places: int = 2) -> Money:
        money = super().__new__(cls, value)
        money.places = places
        return money

    def __str__(self) -> str:
        value = Decimal(self)
        return f"{value.quantize(Decimal(1).scaleb(-max(self.places, decimals_of(value)))):f}"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(Decimal(self)), self.places), {"origin": self.origin} if self.origin else None


class Number(_Figure):
    """A count or quantity, printed exactly as written (8, not 8.00)."""

    def __str__(self) -> str:
        return f"{Decimal(self):f}"


class Rate(_Figure):
    """A percentage value (94.84 means 94.84 %), already rounded by the rules, printed with %."""

    def __str__(self) -> str:
        return f"{Decimal(self):f}%"


class Score(_Figure):
    """A score: whole numbers print bare (10, 100), others with at least two decimals (9.48, 0.50)."""

    def __str__(self) -> str:
        value = Decimal(self)
        if value == value.to_integral_value():
            return f"{value.to_integral_value():f}"
        return f"{value.quantize(Decimal(1).scaleb(-max(2, decimals_of(value)))):f}"


class Grade(str):
    """评价等次 (优, 良, 中, 差): a text that, like the figures, knows where it came from."""

    origin: Any = None

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str.__str__(self),), self.__dict__ or None


class UnknownName(KeyError):
    """A name an expression asked for that does not exist, with the names that do (for 「是否想写…」)."""

    def __init__(self, name: str, candidates: list[str]):
        super().__init__(name)
        self.candidates = candidates


class NamedList(list):
    """A list of mappings that can also be indexed by a name field (in templates and expressions)."""

    name_key = "名称"

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for item in self:
                if item.get(self.name_key) == key:
                    return item
            raise UnknownName(key, self.names())
        return super().__getitem__(key)

    def names(self) -> list[str]:
        return [str(item.get(self.name_key)) for item in self]
