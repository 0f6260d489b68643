"""A figure as the page prints it, with how it was obtained one keystroke away.

A computed figure prints as itself, followed by a native `<button>` that opens a popover (the Popover
API: keyboard, Escape and screen readers work without a script) with the rule, the arithmetic with
the printed numbers, and links to the figures it came from. A figure gets a stable id made of its
path (provenance.anchor) the first time the page prints it, so those links land on it; a figure
printed twice (the summary and the form) is linked at its first place. The button has no text of
its own (its mark is drawn by CSS, its name is an aria-label), so the page's text, the search index
and the PDF read as before: the stylesheets hide button and popover in print, and the popover is
marked for the search index to skip.

A page prints a figure more than once (the summary and the form), so each explanation is written once per page
and remembered by the origin it describes (`Anchors`). An input's link is written each time an explanation names
it: few inputs are named twice on a page (10 of the 554 links of a 泸州 and a 六安 page), and looking each up in a
memory cost more than writing it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import re
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

from .provenance import Computed, Origin, Typed, anchor, origin_of


class Anchors(set):
    """The ids a page has given out so far; and the explanations it wrote, by the id of the origin each explains,
    with the origin kept beside it so that its id stays its own. Made per page (render.TemplateRun), so a build's
    memory stays flat."""

    def __init__(self) -> None:
        super().__init__()
        self.written: dict[int, tuple[Computed, str]] = {}


_ANCHORS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("jixiao_page_anchors", default=None)


@contextlib.contextmanager
def page_anchors(anchors: set[str]) -> Iterator[None]:
    """The ids a page has given out so far, shared by its layout and its sections while they render."""
    token = _ANCHORS.set(anchors)
    try:
        yield
    finally:
        _ANCHORS.reset(token)


def explained(origin: Computed) -> str:
    """`explanation(origin)`, or what it gave the last time this page explained the same origin (a figure printed
    in the summary and in its form, or in a paragraph's explanation as well)."""
    anchors = _ANCHORS.get()
    if not isinstance(anchors, Anchors):
        return explanation(origin)
    found = anchors.written.get(id(origin))
    if found is None:
        found = anchors.written[id(origin)] = (origin, explanation(origin))
    return found[1]


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
    return Markup(written_figure(value))


def written_figure(value: Any) -> str:
    """`figure_html`'s markup as a plain string, which `printed_figure` adds to without wrapping it twice.
    (Written with f-strings and html.escape: a report page has hundreds of them, and Markup.format costs five
    times as much.) A figure's origin is read as its attribute: a page prints figures, never origins."""
    text = _escape(str(value))
    origin = getattr(value, "origin", None)
    if origin is None:
        return text
    base = anchor(origin)
    ident = claim(base, numbered=False)
    shown = f'<span class="fig" id="{ident}">{text}</span>' if ident else text
    if type(origin) is not Computed:
        return shown
    popover = claim(f"{base}.why", numbered=True)
    return (
        f'{shown}<button type="button" class="why-open" popovertarget="{popover}" aria-label="'
        f'{_escape(origin.name)} {_escape(origin.text)} 的算式"></button>'
        f'<span class="why" id="{popover}" popover data-pagefind-ignore>{explained(origin)}</span>'
    )


def printed_figure(value: Any, stated: Any = None) -> str:
    """The built-in theme's `fig` macro (themes/gongwen/macros.html) in Python, with the same output: a page of
    forms prints thousands of figures, and a sandboxed macro call costs more than the figure. A site or theme
    that has its own macros.html keeps its own macro (document/html.py's `figure_macro` chooses). A plain string,
    not Markup: its only caller, the table writer, joins it with the row's other cells and wraps the row once."""
    shown = "—" if value is None else written_figure(value)
    if stated is not None and (value is None or stated != value):
        printed = escape(stated)
        shown += f' <span class="stated" title="原表印为 {printed}，与规则计算结果不同">原表 {printed}</span>'
    return shown


def block_html(values: list[Any]) -> Markup:
    """After a paragraph (or cell, item, heading) of prose: one button opening the explanation of every computed
    figure the block printed, each headed by its name and value; nothing when it printed none."""
    origins = list({id(o): o for o in map(origin_of, values) if isinstance(o, Computed)}.values())
    if not origins:
        return Markup("")
    popover = claim(f"{anchor(origins[0])}.text", numbered=True)
    items = "".join(
        f'<span class="why-item"><span class="why-head">{_escape(o.name)} {_escape(o.text)}</span>{explained(o)}</span>'
        for o in origins
    )
    names = _escape("、".join(o.text for o in origins))
    return Markup(
        f'<button type="button" class="why-open" popovertarget="{popover}" aria-label="本段数字 {names} 的算式">'
        f'</button><span class="why" id="{popover}" popover data-pagefind-ignore>{items}</span>'
    )


def explanation(origin: Computed) -> str:
    """The popover's lines (HTML): the rule, the arithmetic with the numbers, the figures it came from (linked)."""
    lines = (
        f'<span class="why-rule">{_escape(origin.rule)}</span><span class="why-sum">{_escape(origin.arithmetic)}</span>'
    )
    if origin.inputs:
        links = "、".join([source_link(item) for item in origin.inputs])
        lines += f'<span class="why-from">取自：{links}</span>'
    if origin.stated:
        lines += f'<span class="why-stated">原表印为 {_escape(origin.stated)}</span>'
    return lines


def source_link(origin: Origin) -> str:
    """An input of a rule: a link to where the page prints it; a text (an 指标值, printed with no id) unlinked."""
    label = f"{_escape(origin.name)} {_escape(origin.text)}"
    if isinstance(origin, Typed) and not origin.figure:
        return label
    return f'<a href="#{anchor(origin)}">{label}</a>'


_ID_RE = re.compile(r' id="([^"]+)"')


def page_ids(page: str) -> set[str]:
    """Every id the page prints, read in one pass over its some 170 KB, for its explanations' links
    (`unlink_unprinted`) and its headline figures' anchors (portal.headline_figures) alike."""
    return set(_ID_RE.findall(page))


def unlink_unprinted(page: str, ids: set[str]) -> str:
    """The page with each explanation's link to a figure the page does not print (an input such as 指标分值 whose
    table the layout left out; `ids`: the page's, `page_ids`) turned into its plain label: a link must land
    somewhere. Each `<a href="#…">label</a>` is found by splitting the page at its opening (a search in C) and
    reading the rest of the link by hand, which a pattern's scan over the page's some 170 KB and a Python call for
    each of its some 450 links cost more than (the same links as `<a href="#([^"]+)">([^<]*)</a>`)."""
    if 'class="why-from"' not in page:
        return page
    pieces = page.split(_LINK_OPENING)
    out = [pieces[0]]
    for piece in pieces[1:]:
        end = piece.find('">')
        if end > 0:
            target = piece[:end]
            if target not in ids and "f-" in target and '"' not in target:
                close = piece.find("</a>", end)
                if close >= 0 and "<" not in piece[end + 2 : close]:
                    out += (piece[end + 2 : close], piece[close + 4 :])
                    continue
        out += (_LINK_OPENING, piece)
    return "".join(out)


_LINK_OPENING = '<a href="#'


# Escaped for the page, remembered: the names and rules of figures recur on every page of a site, and their
# numbers on many (a 分值 of 10, a 得分 of 20, a rate of 100%).
_escape = functools.lru_cache(maxsize=16384)(html.escape)
