"""The base of the input models: every object of report.yaml remembers where it was written, so later stages
(scoring, audit) can still point at file:line; and what several parts' models share.

Two kinds of remark: `说明` is prose that is printed (a row's note, a table's footnote); `核对说明`
acknowledges a finding of the audit and is never printed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .errors import Location
from .findings import Note
from .yamlsource import SourceMap

_object_setattr = object.__setattr__

CHECK_NOTE = "核对说明"
CHECK_NOTE_FORM = "应逐条写成 {规则 「原文」: 原因}，例如 {year-mismatch 「20245年」: 原文如此}"


def check_note_shape(value: Any) -> Any:
    """One message for any other shape (the union would give one per branch); a key written as a number is text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and all(isinstance(reason, str) for reason in value.values()):
        return {str(key): reason for key, reason in value.items()}
    raise ValueError(CHECK_NOTE_FORM)


# A 核对说明: the findings it acknowledges, `规则 「原文」: 原因` each; a plain text is the old form (findings.py).
CheckNote = Annotated[Note, BeforeValidator(check_note_shape)]


def keep_source(obj: Any, data: Any) -> Any:
    """`obj`, validated from `data`, with the map it was read from as its only private value (`Located._keep_source`
    says why; a model whose own wrap validator replaces that one calls this too)."""
    _object_setattr(obj, "__pydantic_private__", {"_source": data if isinstance(data, SourceMap) else None})
    return obj


class Located(BaseModel):
    """Base: unknown keys are errors, and each object remembers where it was written. Its validators are built on
    first use (`defer_build`), not at import: a build whose reports are all unchanged parses none, and `--help`
    none at all; `build_deferred` builds them before workers fork."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=False, defer_build=True)
    # the mapping's title and what it holds in the editor schema (schema.py), in Chinese; a new part's model
    # gives its own here (the models before the registry are named in schema.TITLES)
    titled: ClassVar[tuple[str, str] | None] = None

    @model_validator(mode="wrap")
    @classmethod
    def _keep_source(cls, data: Any, handler: Any) -> Any:
        """The map an object was validated from, kept as its only private value, in pydantic's slot for them,
        where `source_map` reads it. Not a declared `PrivateAttr`: pydantic then runs a Python hook after
        validating every object of a report (`init_private_attributes`, twice for a part's model, each building
        every private value's default) only for this one to replace the value; nor `obj._source = data`, the
        model's `__setattr__`."""
        return keep_source(handler(data), data)

    def locate(self, key: str | None = None) -> Location:
        """file:line of this object, or of one of its keys (by Chinese name)."""
        source = self.source_map
        return Location(None) if source is None else source.locate(key)

    def wrote(self, key: str) -> bool:
        """Whether the author wrote this key (aliases differ between provinces' forms)."""
        source = self.source_map
        return source is not None and key in source

    @property
    def source_map(self) -> SourceMap | None:
        """Where this object was written, read from pydantic's private values directly: `self._source` goes through
        the model's attribute hooks (about 1.7 µs), and every typed figure and finding asks for a position."""
        private = self.__pydantic_private__
        return None if private is None else private["_source"]  # None: made by `model_construct`, not validated


def build_deferred(*bases: type[BaseModel]) -> None:
    """Build the validators and serialisers of every model under `bases` whose build was deferred: done once in
    the parent before workers fork, so that each worker inherits them instead of building its own."""
    pending = list(bases)
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model.__pydantic_complete__:
            model.model_rebuild()


def strip_percent(value: Any) -> Any:
    """Accept a stated rate written as 89.18 or "89.18%"."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return value.strip()[:-1]
    return value


def percent_in_schema(schema: dict[str, Any]) -> None:
    """The editor schema (schema.py) accepts what `strip_percent` accepts: a number's text may end in %."""
    for branch in schema.get("anyOf", [schema]):
        if "pattern" in branch:
            branch["pattern"] = branch["pattern"].removesuffix(r"\s*$") + r"\s*[%％]?\s*$"


def number_as_text(value: Any) -> Any:
    """A number written in a text column stays text (100 → "100"); true/false, lists and mappings are left for
    validation to refuse, so that a boolean is never printed as "True"."""
    return str(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value


def check_note(description: str = "对核对提示的说明（不印出）。") -> Any:
    return Field(
        None, alias=CHECK_NOTE, description=f"{description}逐条写 {{规则 「原文」: 原因}}，写了的那一条降为“说明”级别。"
    )
