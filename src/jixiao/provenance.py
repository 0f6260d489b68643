"""Where every printed figure comes from: typed at a line of the report's YAML, or computed by a named
rule from other figures, each with its own provenance.

An origin is attached to the figure itself (values.py: `figure.origin`), where each part's compute.py
compute it, so every output that prints a figure can also say how it was obtained without deriving it
again: the page's explanation (explain.py) and data.json's 来源 (`sources`). An origin names the figure by
its path in data.json's 报告 (`自评表.0.项目资金.执行率`, `数据表.收入支出.行.3.本年`; list items by
position), which is also what the page's ids are made of, so the page, the open data and the audit name a
figure the same way. Origins are slotted classes, each field set by a plain assignment: a large report makes
thousands of them, and a frozen dataclass set each field through `object.__setattr__` (five times the cost of the
whole object); they are made once and never changed, and compare by identity (every reader looks them up by `id`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import compute
from .errors import Location
from .quantity import format_number
from .values import Grade, Score
from .view import View


class Typed:
    """A figure (or a text a rule reads, such as an 指标值) written by the author at `where`, under `key`."""

    __slots__ = ("path", "name", "text", "where", "key", "scope", "figure", "ident")

    def __init__(
        self, path: str, name: str, text: str, where: Location, key: str, scope: str = "", figure: bool = True
    ) -> None:
        self.path = path
        self.name = name  # what the figure is called in a rule (全年执行数)
        self.text = text  # as printed
        self.where = where
        self.key = key  # the key as the author wrote it (an alias such as 调整后预算数 included)
        self.scope = scope  # the page's anchor prefix for the report (attachments: a1- …)
        self.figure = figure  # False for a text a rule reads (指标值, 实际完成值), which the page prints without an id
        self.ident: str | None = None  # its page id, once asked (`anchor`)

    def __repr__(self) -> str:
        return slots_repr(self)


class Computed:
    """A figure computed by `rule` (in words, with the names of its inputs) from `inputs`; `arithmetic` is the
    same computation with the printed numbers and the rounded result (95.00 ÷ 120.00 = 79.17%)."""

    __slots__ = ("path", "name", "text", "rule", "arithmetic", "inputs", "scope", "stated", "ident")

    def __init__(
        self,
        path: str,
        name: str,
        text: str,
        rule: str,
        arithmetic: str,
        inputs: tuple[Origin, ...] = (),
        scope: str = "",
        stated: str = "",
    ) -> None:
        self.path = path
        self.name = name
        self.text = text
        self.rule = rule
        self.arithmetic = arithmetic
        self.inputs = inputs
        self.scope = scope
        self.stated = stated  # the value the source document printed (原表), when it differs
        self.ident: str | None = None  # its page id, once asked (`anchor`)

    def __repr__(self) -> str:
        return slots_repr(self)


def slots_repr(origin: Any) -> str:
    """An origin as its constructor's call, for a test's message or a debugger."""
    fields = ", ".join(f"{name}={getattr(origin, name)!r}" for name in type(origin).__slots__)
    return f"{type(origin).__name__}({fields})"


Origin = Typed | Computed


def origin_of(value: Any) -> Origin | None:
    """The provenance a figure carries, if any (plain Decimals, texts and None carry none); an origin is its own."""
    if isinstance(value, (Typed, Computed)):
        return value
    return getattr(value, "origin", None)


def traced(value: Any, origin: Origin | None) -> Any:
    """`value` (a figure, or a Grade) with its origin attached; None stays None."""
    if value is not None and origin is not None:
        value.origin = origin
    return value


def anchor(origin: Origin) -> str:
    """The page id of a figure: the page's anchor prefix, then `f-` and a digest of its path — stable and
    deterministic, and free of the names an author gave tables and rows, which never reach an attribute. Kept on
    the origin once asked: a page asks for some 500 (each figure where it prints it, again where an explanation
    links it), and both the scope and the path an origin is made with never change."""
    ident = origin.ident
    if ident is None:
        ident = origin.ident = f"{origin.scope}f-{path_digest(origin.path)}"
    return ident


@functools.lru_cache(maxsize=16384)
def path_digest(path: str) -> str:
    """Twelve hex digits of BLAKE2b of a figure's path (`自评表.0.项目资金.执行率`): how a reader of data.json
    finds the figure on the page. Remembered: a page asks for each figure's id where it prints it and where an
    explanation links it, and every report of a site has the same paths (its forms' rows, its tables' cells)."""
    return hashlib.blake2b(path.encode("utf-8"), digest_size=6).hexdigest()


def sources(value: Any, root: Path | None) -> dict[str, dict[str, Any]]:
    """data.json's 来源: for every traced figure under `value` (a view, and the views, lists and mappings it holds;
    an origin held directly counts as a figure's), how to recompute it (规则, 算式, 取自 the input paths) or where it
    was written (位置 as project-relative file:line, 键), sorted by path for stable output. Every origin a described
    one is 取自 is described too, at any depth: a qualitative row's 得分 reads its 指标值 and 实际完成值, texts the
    view holds without their origin, so a reader (and the page's explanation, which links them) can always follow
    取自 to an entry. Each path is described once, by the first origin met in a depth-first walk (a 分值 is an input
    of its 得分 and of the 总分: it is not walked again). A view met again (a form's indicator rows are in its 指标
    and in its groups) is not walked again either. One walk finds the figures, then one loop describes the origins met
    (`describe_each`): a form's view holds thousands of values, most of them plain texts, numbers and None, which
    their type alone rules out (`_KINDS`, one look-up a value instead of a chain of isinstance, a view's through
    pydantic's ABC check; a plain dict, which Python's interpreter reads by its fast path for dicts, a type not
    yet known learnt when the look-up fails)."""
    met: list[Origin] = []
    walked: set[int] = set()
    kinds = _KINDS
    stack = [value]
    while stack:
        item = stack.pop()
        try:
            kind = kinds[type(item)]
        except KeyError:
            kind = kinds[type(item)] = kind_of(type(item))
        if not kind:
            continue
        if kind == _FIGURE:
            origin = getattr(item, "origin", None)
            if origin is not None:
                met.append(origin)
        elif kind == _VIEW:
            if id(item) not in walked:
                walked.add(id(item))
                stack.extend(item.__dict__.values())
        elif kind == _MAPPING:
            stack.extend(item.values())
        elif kind == _SEQUENCE:
            stack.extend(item)
        else:
            met.append(item)
    found = describe_each(met, root)
    return {path: found[path] for path in sorted(found)}


def describe_each(met: list[Origin], root: Path | None) -> dict[str, dict[str, Any]]:
    """The entries of the origins `met` (in the order the walk met them), each followed by its inputs and theirs,
    depth first, each path described once, by the first origin to reach it (see `sources`). One loop for all of a
    report's origins, not a call for each figure met. A file's project-relative name is looked up once (`files`, by
    the identity of its path: a `Path`'s hash is Python code; the locations hold their file's path shared)."""
    found: dict[str, dict[str, Any]] = {}
    files: dict[int, str] = {}
    origins = met[::-1]
    while origins:
        origin = origins.pop()
        path = origin.path
        if path in found:
            continue
        if type(origin) is Computed:
            entry = {
                "值": origin.text,
                "规则": origin.rule,
                "算式": origin.arithmetic,
                "取自": [item.path for item in origin.inputs],
            }
            if origin.stated:
                entry["原表"] = origin.stated
            found[path] = entry
            origins += origin.inputs[::-1]
        else:
            where = origin.where
            name = files.get(id(where.path))
            if name is None:
                name = files[id(where.path)] = Location(where.path).describe(root)
            found[path] = {"值": origin.text, "位置": f"{name}:{where.line}", "键": origin.key}
    return found


# What `sources` does with a value of each type: nothing (0), or read a figure's origin, walk a view, a mapping's
# values or a sequence's items, or describe an origin. Learnt per type on first sight (`kind_of`, by `sources`).
_FIGURE, _VIEW, _MAPPING, _SEQUENCE, _ORIGIN = 1, 2, 3, 4, 5
# What a view holds that can hold no traced figure (a figure is a Decimal or a str of a subclass).
_PLAIN = frozenset({str, int, bool, float, type(None), Decimal, dt.date})


def kind_of(kind: type) -> int:
    """What `sources` does with a value of type `kind` (`_KINDS`)."""
    if kind in _PLAIN:
        return 0
    if issubclass(kind, (Decimal, str)):
        return _FIGURE
    if issubclass(kind, View):
        return _VIEW
    if issubclass(kind, dict):
        return _MAPPING
    if issubclass(kind, (list, tuple)):
        return _SEQUENCE
    return _ORIGIN if issubclass(kind, (Typed, Computed)) else 0


_KINDS: dict[type, int] = {}


def computed(
    path: str,
    result: Any,
    rule: str,
    arithmetic: str,
    inputs: Iterable[Any],
    scope: str,
    stated: Any = None,
    name: str | None = None,
) -> Computed:
    """The origin of `result`, computed by `rule` from `inputs` (figures; those that carry no origin are left
    out); the arithmetic ends with the printed result. `stated` is kept when the document printed another value.
    The result is printed once for both (a figure's str() is its notation's rule, not a bare Decimal's)."""
    differs = stated is not None and Decimal(stated) != Decimal(result)
    text = str(result)
    return Computed(
        path,
        name or _name(path),
        text,
        rule,
        f"{arithmetic} = {text}",
        origins_in(inputs),
        scope,
        str(stated) if differs else "",
    )


def origins_in(inputs: Iterable[Any]) -> tuple[Origin, ...]:
    """The origins of a rule's inputs (figures, or origins given as they are), leaving out those that carry none. A
    loop, not a comprehension over `origin_of`: some hundred and fifty rules a report, three or four inputs each."""
    found = []
    for item in inputs:
        origin = item if type(item) in _ORIGINS else getattr(item, "origin", None)
        if origin is not None:
            found.append(origin)
    return tuple(found)


_ORIGINS = frozenset({Typed, Computed})


def summed(
    path: str, result: Any, rule: str, parts: list[Any], scope: str, stated: Any = None, name: str | None = None
) -> Computed:
    """The origin of a sum (总分, 指标得分, a parent row, a 合计): the parts joined by +."""
    return computed(path, result, rule, " + ".join(map(str, parts)) or "0", parts, scope, stated, name)


def _name(path: str) -> str:
    return path.rpartition(".")[2]


def total_of(path: str, rule: str, parts: list[Any], scope: str, stated: Any = None, name: str | None = None) -> Score:
    """A sum of scores or points (总分 = the rounded scores added, never re-rounded), with its origin."""
    result = Score(compute.total(parts))
    return traced(result, summed(path, result, rule, parts, scope, stated, name))


def written_at(obj: Any, path: str, value: Any, scope: str, *keys: str) -> Typed:
    """The origin of a value the author wrote under one of `keys` of a model object (aliases: the one used). Its
    position is read from the object's source map (`located.Located.source_map`, taken once from pydantic's private
    values: reading a private attribute through the model costs more than the rest of this together, and every
    typed figure of a report comes here)."""
    source = obj.source_map
    key = written_key(source, keys) if source is not None else None
    return Typed(
        path,
        keys[0],
        str(value),
        source.locate(key) if source is not None else Location(None),
        key or keys[0],
        scope,
        not isinstance(value, str),
    )


def written_key(source: Any, keys: tuple[str, ...]) -> str | None:
    """The first of `keys` (a key and its aliases) the author wrote in `source`, else None. A loop, not a generator:
    every typed figure of a report asks."""
    for key in keys:
        if key in source:
            return key
    return None


def graded(path: str, total: Any, rules: compute.Rules, scope: str) -> Grade:
    """评价等次 of a total, with the band it falls in as its arithmetic (92.55 ≥ 90 → 优)."""
    bound, name = compute.grade_band_of(total, rules)
    bands = "，".join(f"{format_number(b)} 分及以上为{n}" for b, n in rules.grades[:-1])
    rule = f"评价等次按总分所在区间：{bands}，其余为{rules.grades[-1][1]}"
    lowest = (bound, name) == rules.grades[-1] and len(rules.grades) > 1
    arithmetic = (
        f"{total} < {format_number(rules.grades[-2][0])} → {name}"
        if lowest
        else f"{total} ≥ {format_number(bound)} → {name}"
    )
    return traced(
        Grade(name), Computed(path, _name(path), name, rule, arithmetic, tuple(filter(None, [origin_of(total)])), scope)
    )
