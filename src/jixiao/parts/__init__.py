"""The parts of a report, one folder each, and the interface each folder exposes to the rest of jixiao.

A part is a kind of content a report.yaml can hold (a 自评表, an evaluation's 评分表, data tables, a department's
评分, the 落款 …). Its folder holds everything about it, and its `part.py` says so in one `Part`: the keys it adds
to report.yaml (and their model), the names it adds to the report's view (data.json's 报告), how it is computed,
its audit rules, the tables it lays out and those an author may place with ::表格[…], and which of its keys a
report type may require (必填). `registry.py` lists the parts, one line each; the report's model (model.py), its
view (views.py), its computation (assess.py), ::表格[…] (directives.py) and 必填 (reporttypes.py) all read that
list, so adding a part is adding a folder and a line there.

What a part does is named by reference ("module:function" inside the part's package), not imported: the model of
report.yaml needs every part's model and view, and should not import every computation and layout with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

# attribute → (annotation, pydantic FieldInfo); the FieldInfo carries the Chinese alias and the description
Fields = dict[str, tuple[Any, Any]]
# what a part does: a function, or "module:function" inside the part's package (imported on first use)
Ref = str | Callable[..., Any]
DEFAULT_TEMPLATE = "tables/part.html"  # the template of a placeable table whose part names none


@dataclass(frozen=True)
class Part:
    """One kind of content of a report, as the rest of jixiao sees it.

    - `fields`: the keys it adds to report.yaml (attribute → annotation and pydantic Field with its alias);
    - `views`: the names it adds to the report's view, in the order data.json prints them;
    - `compute(run, report, inputs, done)`: the values of `views` (and of the report's own figures 满分, 总分,
      评价等次, 执行率, when the part decides them), recording errors and findings on `run` (assess.Assessment);
      `done` holds the views of the parts computed before it;
    - `needs`: the views of other parts its computation reads (`done[name]`): it is computed after them;
    - `audit(report, view, paragraphs, verdicts)`: the findings of its own audit rules (jixiao.audit runs them
      with the report's Markdown paragraphs and its check of verdicts against texts);
    - `layouts`: the layouts it offers by name (the template global `lay_out(name, …)`);
    - `tables`: the names ::表格[…] places, each with its template (`DEFAULT_TEMPLATE` writes the layout of that
      name from the report's view);
    - `place(resolver, name, attrs, where)`: what ::表格[name]{attrs} places (the name `placed` records, and what
      the template receives besides the section's context), or an error at `where` (directives.PageResolver);
    - `requirable`: the keys of `fields` a report type may require (必填).
    """

    name: str
    package: str = ""
    fields: Fields = field(default_factory=dict)
    views: Fields = field(default_factory=dict)
    compute: Ref | None = None
    needs: tuple[str, ...] = ()
    audit: Ref | None = None
    layouts: dict[str, Ref] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    place: Ref | None = None
    requirable: tuple[str, ...] = ()

    def function(self, ref: Ref) -> Callable[..., Any]:
        """What `ref` names: a function given as such, or imported from the part's package on first use."""
        if callable(ref):
            return ref
        module, _, name = ref.partition(":")
        return getattr(import_module(f"{self.package}.{module}"), name)

    def keys(self) -> dict[str, str]:
        """report.yaml's keys of this part → the attributes of the report that hold them."""
        return {info.alias: attribute for attribute, (_, info) in self.fields.items()}


class Layouts(Mapping[str, Callable[..., Any]]):
    """The parts' layouts by name, each imported when it is first asked for."""

    def __init__(self, parts: tuple[Part, ...]):
        self.refs = {name: (part, ref) for part in parts for name, ref in part.layouts.items()}
        self.loaded: dict[str, Callable[..., Any]] = {}

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if name not in self.loaded:
            part, ref = self.refs[name]
            self.loaded[name] = part.function(ref)
        return self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.refs)

    def __len__(self) -> int:
        return len(self.refs)
