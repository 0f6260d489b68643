"""Figures that know how to print themselves: money, plain numbers, rates, scores.

They are Decimals (so templates and expressions can still compare and add them) whose `str()` is
the document's notation, the rule of docs/figures.md: a typed figure prints with the decimals it
was written with (20, 44.8, 310.735989: its Decimal keeps them); a computed figure is made by
`as_computed`: exact (a quotient is rounded to 小数位 by the rules) and no longer than its value needs (a
sum 1836.70 prints 1836.7, a rate 100.00 prints 100%), because documents do not pad; a table that asks for fixed
decimals (固定小数位) pads every amount and rate to its 小数位 (1836.70, 100.00%). A figure equal to the
one the document printed (原表) takes that printed form. Scores keep their own rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic_core import SchemaSerializer, core_schema

from .quantity import format_number


class _Figure(Decimal):
    """Shared: f-strings and format() print the figure as str() does unless a format is given; `origin` is
    where the figure came from (provenance.py), None for a figure nobody traced; `unit` the unit it prints with
    when it is not its table's (a 亿元 row of a table of counts, a 万人 column: 2.86亿元, 35万人), as a rate
    prints its %, so prose never has to remember which figure needs one. `.值` is the bare number."""

    origin: Any = None
    unit: str | None = None
    # data.json writes a view's figures by their type, and pydantic took a Decimal subclass through its slow search
    # for what a value is (some attribute probes, about 8000 instructions a figure, six hundred figures a report)
    # before writing its str() as JSON text; this says at once to write str() (as JSON only: model_dump keeps it).
    __pydantic_serializer__: ClassVar[SchemaSerializer] = SchemaSerializer(
        core_schema.any_schema(serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"))
    )

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else super().__format__(spec)

    def __str__(self) -> str:
        """The figure as printed, its number remembered (`_printed`, without the unit: a copy `with_unit` may take
        another): an amount or a count is printed several times (its cell, the arithmetic it enters, data.json)."""
        printed = self.__dict__.get("_printed")
        if printed is None:
            printed = self.__dict__["_printed"] = self.text()
        return f"{printed}{self.unit or ''}"

    def text(self) -> str:
        """The number as the document prints it, without a unit of its own."""
        return Decimal.__format__(self, "f")

    @property
    def 值(self) -> Decimal:  # noqa: N802 (the name expressions read: {{ 数据表.表.行.列.值 }})
        """The figure without its own unit (as a named figure's 值): for prose that writes the unit itself."""
        return bare(self)

    def with_unit(self, unit: str | None) -> _Figure:
        """This figure printing `unit` after its number (a copy: the table's own figure stays as it is)."""
        kind, arguments, state = self.__reduce__()  # Decimal's __copy__ returns the figure itself
        figure = kind(*arguments)
        figure.__dict__.update(state or {})
        figure.unit = unit
        return figure

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (Decimal.__str__(self),), self.__dict__ or None


def bare(value: Any) -> Any:
    """A figure without a unit of its own (what a cell under a header naming the unit prints); others unchanged."""
    return value.with_unit(None) if isinstance(value, _Figure) and value.unit else value


def decimals_of(value: Decimal) -> int:
    """How many decimals a Decimal was written or computed with (82.10 → 2, 100 → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def as_computed(value: Decimal, stated: Decimal | None = None) -> Decimal:
    """A computed value as a document prints it: exact, with no trailing zeros (a sum 1836.70 → 1836.7, a rate
    100.00 → 100; the rules have rounded quotients to 小数位 already); equal to the figure the document printed
    (原表), that figure as printed (88.70 stays 88.70)."""
    if stated is not None and Decimal(stated) == value:
        return Decimal(stated)
    return Decimal(format_number(value))


def padded(value: Decimal, places: int) -> str:
    """The value with at least `places` decimals (a table with 固定小数位), never fewer than it has."""
    return pad(Decimal.__format__(value, "f"), places) if value.is_finite() else str(value)


def pad(text: str, places: int) -> str:
    """A number printed without exponent (`f`), zeros added up to `places` decimals: what quantizing to them
    prints, done on the text, since a page prints some thousand figures (a Decimal's as_tuple and quantize
    cost several times the formatting)."""
    _, point, fraction = text.partition(".")
    missing = places - len(fraction)
    return text if missing <= 0 else f"{text}{'' if point else '.'}{'0' * missing}"


class Money(_Figure):
    """An amount in its table's unit (万元 unless 默认单位 says otherwise), printed with its own decimals, or
    padded to `places` when its table asks for fixed decimals (`fixed`)."""

    places: int
    fixed: bool

    def __new__(cls, value: Any, places: int = 2, fixed: bool = False) -> Money:
        money = super().__new__(cls, value)
        money.places, money.fixed = places, fixed
        return money

    def text(self) -> str:
        return padded(self, self.places if self.fixed else 0)

    def __reduce__(self) -> tuple[Any, ...]:
        state = {key: getattr(self, key) for key in ("origin", "unit") if getattr(self, key)}
        return type(self), (str(Decimal(self)), self.places, self.fixed), state or None


class Number(_Figure):
    """A count or quantity, printed exactly as written (8, not 8.00), with its own unit if it has one (35万人)."""


class Rate(_Figure):
    """A percentage value (94.84 means 94.84 %), already rounded by the rules, printed with % and its own
    decimals (100%, 101.7%), or padded to `places` when its table asks for fixed decimals. A rate is printed three
    times or more (its computation's arithmetic, its cell, data.json), so it keeps its text in a slot, as a Score
    does: its value and places never change after its making (`with_unit`'s copy sets them before any print)."""

    __slots__ = ("_text",)
    places: int = 0

    def __new__(cls, value: Any, places: int = 0) -> Rate:
        rate = Decimal.__new__(cls, value)
        rate._text = None
        if places:
            rate.places = places
        return rate

    def __str__(self) -> str:
        text = self._text
        if text is None:
            places = self.places  # most rates ask for none: printed by Decimal's format alone (padding to 0 leaves it)
            text = self._text = f"{padded(self, places) if places else Decimal.__format__(self, 'f')}%"
        return text


class Score(_Figure):
    """A score: whole numbers print bare (10, 100), others with at least two decimals (9.48, 0.50). A score is
    printed some ten times (its row, the sums and arithmetic it enters, its explanation, data.json), so it keeps its
    text in a slot: the value never changes, and a slot is neither pickled nor copied by `with_unit` (__reduce__
    carries __dict__ only)."""

    __slots__ = ("_text",)

    def __new__(cls, value: Any = "0", context: Any = None) -> Score:
        score = Decimal.__new__(cls, value, context)
        score._text = None  # set here, so the first print finds it empty, without an AttributeError (some 3 K
        return score  # instructions, a row's 分值 and 得分 each paid it)

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = Decimal.__format__(self, "f")
            whole, _, fraction = text.partition(".")
            text = self._text = whole if not fraction.strip("0") else pad(text, 2)
        return text


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
    item: ClassVar[type | None] = None  # the view of its items, when they are all of one (a 一级指标 is of two)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        """data.json writes a view's named list as a list of its item's view, by that view's serializer: as an
        arbitrary type, pydantic-core looked up what the list and each of its items is (its type's attributes
        probed) before writing it (about 1.5 M instructions a pair of reports, of some 11 M the view's JSON costs).
        Views are built from checked figures, not validated; were one validated, the list would still be this
        class (`cls` after the list's own validation)."""
        items = handler.generate_schema(cls.item) if cls.item is not None else core_schema.any_schema()
        return core_schema.no_info_after_validator_function(cls, core_schema.list_schema(items))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for item in self:
                if item.get(self.name_key) == key:
                    return item
            raise UnknownName(key, self.names())
        return super().__getitem__(key)

    def names(self) -> list[str]:
        return [str(item.get(self.name_key)) for item in self]
