"""The base of the typed, read-only views of an assessed report: what templates, expressions, audit, charts and
data.json read.

Each view is a frozen pydantic model with English attribute names for the code and the official
Chinese terms as serialisation aliases, which are also readable as attributes and items
(`form.项目名称`, `form["项目名称"]`), so Markdown expressions, layouts and data.json keep the
names an author knows. Views are built with `model_construct` from figures the parts' compute.py have already
computed and checked (no second validation), and serialised by pydantic's Rust core.

Templates and expressions may read only the Chinese names and the helpers a view declares in
`template_methods`; render.py's sandbox enforces that, and nothing here can be changed.
"""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

MISSING = object()  # what a template may not read

_new = object.__new__
# pydantic's slots of a model (BaseModel.__slots__), set as object.__setattr__ sets them, without its lookup
_set_dict, _set_fields_set, _set_extra, _set_private = (
    BaseModel.__dict__[slot].__set__
    for slot in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
)


class View(BaseModel):
    """Base: frozen, Chinese aliases readable as attributes and items. Its serialiser is built when data.json or a
    schema first needs it (`defer_build`): an unchanged build renders no report."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)
    template_methods: ClassVar[frozenset[str]] = frozenset()
    template_names: ClassVar[frozenset[str]] = frozenset()
    _alias_to_field: ClassVar[dict[str, str]] = {}
    _defaults: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        aliases = {
            info.serialization_alias: name for name, info in cls.model_fields.items() if info.serialization_alias
        }
        cls._alias_to_field = aliases
        cls._defaults = {
            name: info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
            for name, info in cls.model_fields.items()
            if not info.is_required()
        }
        cls.template_names = frozenset(aliases) | cls.template_methods
        for alias, name in aliases.items():
            setattr(cls, alias, property(_field_getter(name), doc=f"{alias}（{name}）"))

    @classmethod
    def make(cls, **values: Any):
        """Build without validation (the figures were computed and checked by the parts' compute.py) and without
        pydantic's per-field bookkeeping, which costs three times as much on the thousands of rows of a
        site; defaults are shared, which is safe because views are never changed."""
        return built(cls, {**cls._defaults, **values}, set(values))

    def readable(self, name: str) -> bool:
        """Whether templates and expressions may read `name` (the sandbox asks)."""
        return name in self.template_names

    def template_value(self, name: str) -> Any:
        """What a template reading `name` gets (the sandbox's fast path), or MISSING when it may not."""
        field = self._alias_to_field.get(name)
        if field is not None:
            return self.__dict__[field]
        return getattr(self, name) if name in self.template_methods else MISSING

    def __getitem__(self, alias: str) -> Any:
        try:
            return getattr(self, self._alias_to_field[alias])
        except KeyError:
            raise KeyError(alias) from None

    def __contains__(self, alias: object) -> bool:
        return alias in self._alias_to_field

    def get(self, alias: str, default: Any = None) -> Any:
        return self[alias] if alias in self._alias_to_field else default

    def keys(self) -> list[str]:
        return list(self._alias_to_field)


def _field_getter(name: str):
    def read(self: View) -> Any:
        return getattr(self, name)

    return read


def built(cls: type[View], values: dict[str, Any], fields_set: set[str]) -> Any:
    """A view of `cls` holding `values` (every field), as pydantic's `model_construct` leaves one: its four slots set
    by their own descriptors, which `object.__setattr__` would look up."""
    view = _new(cls)
    _set_dict(view, values)
    _set_fields_set(view, fields_set)
    _set_extra(view, None)
    _set_private(view, None)
    return view


def tuple_getter(names: tuple[str, ...]) -> Any:
    """The attributes `names` of an object as a tuple, read in one call of C (`attrgetter` gives one name's value
    alone, not in a tuple)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        read = operator.attrgetter(names[0])
        return lambda obj: (read(obj),)
    return lambda obj: ()


def alias(name: str, default: Any = None) -> Any:
    """A field known by its Chinese term."""
    return Field(default, serialization_alias=name)


TYPED = "typed"  # the mark of a field a ModelView takes from its model


def typed(key: str | None = None) -> Any:
    """A field of a ModelView that is its model's, as the author typed it: its key, type and description are the
    model's; the view says only where data.json prints it (data.json's order is older than the models), and `key`
    only for a model key with several spellings (偏差原因分析及改进措施/偏差原因/…), the one data.json prints."""
    return Field(None, json_schema_extra={TYPED: key or True})


class ModelView(View):
    """A view that wraps its validated model (`wraps`): it declares the figures it computes, and marks with
    `typed()` the model's fields it publishes as they were typed, which take their Chinese key from the model, so
    a key is declared once. Anything else of the model (its 核对说明, its locations) is read through the view
    (`view.check_note`, `view.locate(…)`), never published."""

    wraps: ClassVar[type[BaseModel]]
    validated: Any = Field(None, exclude=True)  # the model this view was computed from
    typed_fields: ClassVar[tuple[str, ...]] = ()
    _wrapping: ClassVar[frozenset[str]] = frozenset()  # what `wrap` sets besides the computed values
    _read_typed: ClassVar[Any]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        marked = {
            name: key
            for name, info in cls.model_fields.items()
            if (key := (info.json_schema_extra or {}).get(TYPED))  # type: ignore[union-attr]
        }
        for name, key in marked.items():
            cls.model_fields[name].serialization_alias = (
                key if isinstance(key, str) else cls.wraps.model_fields[name].alias
            )
        # no rebuild: the serialiser is built on first use (View's defer_build), with the aliases set here
        cls.typed_fields = tuple(marked)
        cls._wrapping = frozenset(("validated", *marked))
        cls._read_typed = staticmethod(tuple_getter(tuple(marked)))
        super().__pydantic_init_subclass__(**kwargs)

    @classmethod
    def wrap(cls, validated: BaseModel, **computed: Any):
        """The view of `validated`: its typed fields read from it, the rest as computed."""
        return cls.wrapped(validated, computed)

    @classmethod
    def wrapped(cls, validated: BaseModel, computed: dict[str, Any]):
        """`wrap` from a dict of the computed values (an indicator row's, some twenty, built item by item): the
        same view, its values in the same order, without unpacking them into keywords twice."""
        values = {**cls._defaults, "validated": validated}
        values.update(zip(cls.typed_fields, cls._read_typed(validated)))
        values.update(computed)
        return built(cls, values, {*cls._wrapping, *computed})

    def __getattr__(self, name: str) -> Any:
        validated = self.__dict__.get("validated")
        if validated is not None and not name.startswith("_"):
            return getattr(validated, name)
        return super().__getattr__(name)  # type: ignore[misc]


class Difference(View):
    """A figure the source document printed that differs from the rule's. The 核对说明 acknowledging it is not
    part of it: that note is for the audit and is never published."""

    item: str = alias("项目")
    stated: Any = alias("原表")
    computed: Any = alias("计算")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
