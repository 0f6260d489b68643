"""A figure as the page prints it, with how it was obtained one keystroke away.

A computed figure prints as itself, followed by a native `<button>` that opens a popover (the Popover
API: keyboard, Escape and screen readers work without a script) with the rule, the arithmetic with
the printed numbers, and links to the figures it came from. A figure gets a stable id made of its
path (provenance.anchor) the first time the page prints it, so those links land on it; a figure
printed twice (the summary and the form) is linked at its first place. The button has no text of
its own (its mark is drawn by CSS, its name is an aria-label), so the page's text, the search index
and the PDF read as before: the stylesheets hide button and popover in print, and the popover is
marked for the search index to skip.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

from .provenance import Computed, Origin, Typed, anchor, origin_of

_ANCHORS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("jixiao_page_anchors", default=None)


@contextlib.contextmanager
def page_anchors(anchors: set[str]) -> Iterator[None]:
    """The ids a page has given out so far, shared by its layout and its sections while they render."""
    token = _ANCHORS.set(anchors)
    try:
        yield
    finally:
        _ANCHORS.reset(token)


def claim(ident: str, numbered: bool) -> str | None:
    """`ident` if the page has not used it yet (recorded now); with `numbered`, the first free ident.N instead."""
    used = _ANCHORS.get()
    if used is None:
        return ident
    found, n = ident, 1
    while found in used:
        if not numbered:
            return None
        n += 1
        found = f"{ident}.{n}"
    used.add(found)
    return found


def figure_html(value: Any) -> Markup:
    """A figure for the page: its text, with its id, and for a computed figure the button and its explanation."""
    text = escape(value)
    origin = origin_of(value)
    if origin is None:
        return text
    ident = claim(anchor(origin), numbered=False)
    shown = Markup('<span class="fig" id="{}">{}</span>').format(ident, text) if ident else text
    if not isinstance(origin, Computed):
        return shown
    popover = claim(f"{anchor(origin)}.why", numbered=True)
    return shown + Markup(
        '<button type="button" class="why-open" popovertarget="{0}" aria-label="{1} {2} 的算式"></button>'
        '<span class="why" id="{0}" popover data-pagefind-ignore>{3}</span>').format(
        popover, origin.name, origin.text, explanation(origin))


def block_html(values: list[Any]) -> Markup:
    """After a paragraph (or cell, item, heading) of prose: one button opening the explanation of every computed
    figure the block printed, each headed by its name and value; nothing when it printed none."""
    origins = list(dict.fromkeys(o for o in map(origin_of, values) if isinstance(o, Computed)))
    if not origins:
        return Markup("")
    popover = claim(f"{anchor(origins[0])}.text", numbered=True)
    items = Markup("").join(Markup('<span class="why-item"><span class="why-head">{} {}</span>{}</span>').format(
        o.name, o.text, explanation(o)) for o in origins)
    return Markup('<button type="button" class="why-open" popovertarget="{0}" aria-label="本段数字 {1} 的算式">'
                  '</button><span class="why" id="{0}" popover data-pagefind-ignore>{2}</span>').format(
        popover, "、".join(o.text for o in origins), items)


def explanation(origin: Computed) -> Markup:
    """The popover's lines: the rule, the arithmetic with the numbers, the figures it came from (linked)."""
    lines = [Markup('<span class="why-rule">{}</span>').format(origin.rule),
             Markup('<span class="why-sum">{}</span>').format(origin.arithmetic)]
    if origin.inputs:
        lines.append(Markup('<span class="why-from">取自：{}</span>').format(
            Markup("、").join(source_link(item) for item in origin.inputs)))
    if origin.stated and origin.stated != origin.text:
        lines.append(Markup('<span class="why-stated">原表印为 {}</span>').format(origin.stated))
    return Markup("").join(lines)


def source_link(origin: Origin) -> Markup:
    """An input of a rule: a link to where the page prints it; a text (an 指标值, printed with no id) unlinked."""
    label = Markup("{} {}").format(origin.name, origin.text)
    if isinstance(origin, Typed) and not origin.figure:
        return label
    return Markup('<a href="#{}">{}</a>').format(anchor(origin), label)
