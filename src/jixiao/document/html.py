"""The HTML writer: each block is written by the theme's template for its kind, `blocks/<kind>.html`.

A site overrides how a kind of block looks by putting its own `layouts/blocks/<kind>.html`, the way Hugo's
render hooks work; every table of every part, or every paragraph of the text, then changes at once. The body of
the page is the report's tree written block by block (report/body-*.html). Layouts call `write(node)`; the block
template sees the caller's whole context (pdf, anchor_prefix, site …) plus `node`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from jinja2 import Template, pass_context
from jinja2.runtime import Context, new_context
from jinja2.utils import missing
from markupsafe import Markup, escape

from ..explain import printed_figure
from ..parts.registry import lay_out
from ..render import BUILTIN_THEMES, DEFAULT_THEME
from .blocks import Cell, Row, Run, Section, Table, Text, printed_sections

BUILTIN_MACROS = BUILTIN_THEMES / DEFAULT_THEME / "macros.html"


@pass_context
def write(context: Context, node: Any, **options: Any) -> Markup:
    """Write one block with the template of its kind (options, such as `bare`, go to the template). A kind whose
    template is the built-in theme's own is written by its writer here, which prints what that template prints
    (`BLOCK_WRITERS`): a page writes some forty blocks, and a template's render within the page costs more than
    most of them print. A site's or a theme's own blocks/<kind>.html is rendered as ever, wherever it is written
    from (the writers write a block's blocks through `write` too)."""
    kind, env = node.kind, context.environment
    name = f"blocks/{kind}.html"
    if env.template_file(name) == BUILT_IN_BLOCKS.get(kind):
        return Markup(BLOCK_WRITERS[kind](context, node, options))
    return Markup(render_within(env.get_template(name), {**context.get_all(), **options, "node": node}))


def heading_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/heading.html"""
    anchor = f' id="{escape(node.anchor)}"' if node.anchor else ""
    return f"<h{node.level}{anchor}>{node.html}</h{node.level}>\n"


def paragraph_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/paragraph.html"""
    return f"<p>{node.html}</p>\n"


def markup_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/list.html, note.html, code.html and rule.html: the block's markup as the text printed it."""
    return f"{node.html}\n"


def division_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/division.html: its blocks written with the names its template would have passed them (the options)."""
    classes = f' class="{escape(" ".join(node.classes))}"' if node.classes else ""
    first, *rest = [write(context, block, **options) for block in node.blocks]
    body = f"  {''.join(rest)}\n" if "narrative" in node.classes else "".join(rest)
    return f"<section{classes}>\n  {first}{body}</section>\n"


def placement_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/placement.html: a part placed after the text, by its template as `place` writes it."""
    return f"{node.html}\n" if node.html is not None else placed_part(context, node, {**options, "node": node})


def group_html(context: Context, node: Any, options: dict[str, Any]) -> str:
    """blocks/group.html"""
    bare = {**options, "bare": True}
    tables = "".join([f"{write(context, table, **bare)}\n" for table in node.blocks])
    return f'<div class="table-wrap">\n{tables}</div>\n'


def table_html(context: Context, node: Table, options: dict[str, Any]) -> str:
    """blocks/table.html, when blocks/runs.html (its `show`) is the built-in one too."""
    if context.environment.template_file("blocks/runs.html") != BUILT_IN_RUNS:
        names = {**context.get_all(), **options, "node": node}
        return render_within(context.environment.get_template("blocks/table.html"), names)
    if node.html:
        return f"{node.html}\n"
    bare = options["bare"] if "bare" in options else context.get("bare", False)
    out = [f'<p class="table-unit">单位：{escape(node.unit)}</p>\n' if node.unit and not bare else ""]
    out.append("" if bare else '<div class="table-wrap">\n')
    by = node.labelled_by
    labelled = f' aria-labelledby="{escape(context.get("anchor_prefix"))}{escape(by)}"' if by else ""
    out.append(f'<table class="{escape(" ".join(node.classes))}"{labelled}>\n')
    if node.caption:
        out.append(f"  <caption>{write_runs(context, node.caption)}</caption>\n")
    if node.columns:
        columns = "".join([f'<col class="{escape(c)}">' if c else "<col>" for c in node.columns])
        out.append(f"  <colgroup>{columns}</colgroup>\n")
    out.append(f"{write_sections(context, node)}</table>\n")
    out.append(f'<p class="table-note">说明：{escape(node.note)}</p>\n' if node.note and not bare else "")
    out.append("" if bare else "</div>\n")
    return "".join(out)


BLOCK_WRITERS = {
    "heading": heading_html,
    "paragraph": paragraph_html,
    "list": markup_html,
    "note": markup_html,
    "code": markup_html,
    "rule": markup_html,
    "division": division_html,
    "placement": placement_html,
    "group": group_html,
    "table": table_html,
}
BUILT_IN_BLOCKS = {kind: str(BUILTIN_THEMES / DEFAULT_THEME / "blocks" / f"{kind}.html") for kind in BLOCK_WRITERS}
BUILT_IN_RUNS = str(BUILTIN_THEMES / DEFAULT_THEME / "blocks" / "runs.html")


@pass_context
def place(context: Context, node: Any) -> Markup:
    """A part the body places after the text (a Placement), written by its own template (tables/form.html …) with
    the names that template reads (form, table, heading_id) beside the page's."""
    return Markup(placed_part(context, node, {}))


def placed_part(context: Context, node: Any, names: dict[str, Any]) -> str:
    """A Placement's template, with the page's names, `names`, and the part's own."""
    return render_layout(context.environment, node.template, {**context.get_all(), **names, **dict(node.names)})


def render_layout(env: Any, name: str, names: dict[str, Any], find: Callable[[str], Template] | None = None) -> str:
    """The layout `name` rendered with `names` (the caller's, which hold the globals already), found by `find`
    (`env.get_template` unless told). A table's layout that is the built-in theme's own, tables/*.html, is written
    by its writer here (`TABLE_WRITERS`), with the context its template would have had: each is one `write` of a
    part's layout, and its render (the template asked for, a context, the sandbox's look at each name, attribute
    and call) cost more than the writing around the table; a page places some five. A site's or a theme's own
    tables/*.html is rendered as ever."""
    built_in = BUILT_IN_TABLES.get(name)
    if built_in is not None and env.template_file(name) == built_in:
        return TABLE_WRITERS[name](new_context(env, name, {}, names, shared=True))
    return render_within((find or env.get_template)(name), names)


def placed_table_html(arguments: Callable[[Context], tuple[Any, ...]], context: Context) -> str:
    """A built-in tables/*.html: `{{ write(lay_out(…)) }}`, the part and its arguments read by `arguments`."""
    return f"{write(context, lay_out(*arguments(context)))}\n"


def data_table_html(context: Context) -> str:
    """tables/data.html: the data table labelled by its heading (less the page's prefix) when there is one, then
    the link to its CSV on a page of its own on screen (the template's last line break follows a block tag: Jinja's
    trim_blocks drops it)."""
    table, heading_id = context.resolve("table"), context.resolve_or_missing("heading_id")
    labelled_by = None if heading_id is missing else heading_id[len(context.resolve("anchor_prefix")) :]
    written = write(context, lay_out("数据表", table, labelled_by))
    env = context.environment
    if context.resolve("pdf") or context.resolve("anchor_prefix") or not env.getattr(table, "编号"):
        return str(written)
    unit = (
        f"，单位：{escape(env.getattr(table, '单位'))}"
        if env.getattr(table, "单位") and env.getattr(table, "列")
        else ""
    )
    href = escape(env.filters["urlencode"](context.resolve("table_csv")(table)))
    return f'{written}<p class="downloads table-csv"><a href="{href}">下载本表数据（CSV{unit}）</a></p>'


def read(context: Context, name: str, attribute: str) -> Any:
    """`name.attribute` as a layout reads it."""
    return context.environment.getattr(context.resolve(name), attribute)


TABLE_WRITERS: dict[str, Callable[[Context], str]] = {
    "tables/budget.html": functools.partial(
        placed_table_html, lambda c: ("预算执行情况", c.resolve("form"), read(c, "site", "默认单位"))
    ),
    "tables/data.html": data_table_html,
    "tables/evaluation.html": functools.partial(placed_table_html, lambda c: ("评分表", c.resolve("report"))),
    "tables/form.html": functools.partial(
        placed_table_html,
        lambda c: ("自评表", c.resolve("form"), read(c, "report", "年度"), read(c, "site", "默认单位")),
    ),
    "tables/indicators.html": functools.partial(placed_table_html, lambda c: ("绩效指标评分表", c.resolve("form"))),
    "tables/part.html": functools.partial(placed_table_html, lambda c: (c.resolve("part"), c.resolve("report"))),
    "tables/scores.html": functools.partial(placed_table_html, lambda c: ("评分", c.resolve("report"))),
    "tables/summary.html": functools.partial(
        placed_table_html, lambda c: ("自评汇总", c.resolve("report"), read(c, "site", "默认单位"))
    ),
}
BUILT_IN_TABLES = {name: str(BUILTIN_THEMES / DEFAULT_THEME / name) for name in TABLE_WRITERS}


def render_within(template: Template, names: dict[str, Any]) -> str:
    """`template.render(names)` for a template written inside the page's render, whose names (the caller's, which
    hold the environment's globals already) it reads as they are: `render` would first copy the template's globals
    into a new dict under them, reading a ChainMap of some sixty names key by key (about 16 µs a call; a page writes
    some forty blocks). The context is not told the globals' names either: Jinja compares them with the template's
    (the same environment's) at each `{% from … import %}`, through the ChainMap again, only to find no new one.
    Errors are handled as `render` handles them."""
    context = new_context(template.environment, template.name, template.blocks, names, shared=True)
    try:
        return template.environment.concat(template.root_render_func(context))  # type: ignore[attr-defined]
    except Exception:
        template.environment.handle_exception()


# how a styled text is set off
STYLES = {
    "code": '<span class="code">{}</span>',
    "small": "<small>{}</small>",
    "repeat": '<span class="repeat">{}</span>',
}

# A figure with its operator or its unit ("≤236.417", "8万元", "96.40%"): a line may break before any CJK
# character and after ≤, so a narrow cell printed "≤" over "236.417" and "8" over "万元".
_UNIT = r"(?:[%％‰]|[千万亿]?[\u4e00-\u9fff])"
FIGURE_RE = re.compile(rf"(?P<number>[≥≤＞＜>＝=]\s?[+\-−]?\d[\d,.]*|[+\-−]?\d[\d,.]*(?={_UNIT}))(?P<unit>{_UNIT})?")
# The widest figure kept whole with its unit, in em: the narrowest figure column of a printed form holds about
# five (21 mm at 10.5 pt); a wider one keeps its number whole and may put its unit on the next line, not overflow.
WHOLE_FIGURE_EM = 5


def keep_figures(text: str) -> str:
    """Escaped text whose figures never break inside (a nowrap span), nor between a short figure and its unit."""
    out, last = [], 0
    for match in FIGURE_RE.finditer(text):
        number, unit = match["number"], match["unit"] or ""
        parts = [number + unit] if text_width(number + unit) <= WHOLE_FIGURE_EM else [number, unit]
        out += [escape(text[last : match.start()]), *(f'<span class="nobr">{escape(p)}</span>' for p in parts if p)]
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def text_width(text: str) -> float:
    """About how many em a text takes: a CJK character one, a figure or sign about half."""
    return sum(1 if "\u4e00" <= c <= "\u9fff" else 0.55 for c in text)


@pass_context
def write_sections(context: Context, table: Table) -> Markup:
    """A table's sections as the page or the print shows them (`printed_sections`), each a `<thead>`, `<tbody>` or
    `<tfoot>` with its classes around its rows, written here rather than by a loop in blocks/table.html: a page of
    forms has some eighty sections, and each turn of a sandboxed loop (the clock's look, the part read up to four
    times, its classes joined through the budgeted filter, the call of write_rows) cost more than its rows' tags.
    The theme keeps the table's frame (wrapper, unit, caption, columns, note); a theme's table.html may loop over
    the sections itself and call write_rows."""
    writing = row_writing(context)
    return Markup("".join([section_html(s, *writing) for s in printed_sections(table, context.get("pdf"))]))


def section_html(section: Section, print_prefix: str | None, fig: Any, nl2br: Any) -> str:
    tag = SECTION_TAGS.get(section.part, "tbody")
    classes = class_attribute(section.classes) if section.classes else ""
    return f"  <{tag}{classes}>\n{rows_html(section, print_prefix, fig, nl2br)}  </{tag}>\n"


# a section's element by its part (a body section, the rest, is a tbody)
SECTION_TAGS = {"head": "thead", "foot": "tfoot"}


@pass_context
def write_rows(context: Context, section: Section) -> Markup:
    """A section's rows (`<tr>` with its print id and classes, then its cells), for a theme's table.html that loops
    over the sections itself (the built-in one calls write_sections): a page of forms has a few hundred rows and
    thousands of cells, and a sandboxed template loop pays a few microseconds for each attribute read, filter and
    call."""
    return Markup(rows_html(section, *row_writing(context)))


def row_writing(context: Context) -> tuple[str | None, Any, Any]:
    """What writing rows reads of the page: the anchor prefix of print ids (None on screen), the `fig` macro and
    the `nl2br` filter."""
    prefix = context.get("anchor_prefix") or "" if context.get("pdf") else None
    return prefix, figure_macro(context), context.environment.filters["nl2br"]


def rows_html(section: Section, print_prefix: str | None, fig: Any, nl2br: Any) -> str:
    return "".join([write_row(row, print_prefix, fig, nl2br) for row in section.rows])


def write_row(row: Row, print_prefix: str | None, fig: Any, nl2br: Any) -> str:
    """One `<tr>`; `print_prefix` is the page's anchor prefix in print (where grouped rows carry an id), else None."""
    row_id = f' id="{escape(print_prefix)}{escape(row.print_id)}"' if print_prefix is not None and row.print_id else ""
    classes = class_attribute(row.classes) if row.classes else ""
    cells = "".join([write_cell(cell, fig, nl2br) for cell in row.cells])
    return f"    <tr{row_id}{classes}>{cells}</tr>\n"


@functools.lru_cache(maxsize=1024)
def class_attribute(classes: tuple[str, ...]) -> str:
    """` class="…"` for a row's or a section's classes, remembered: a page's four hundred rows have a dozen sets of
    them (keep-next, unmet, note-row, total …), and escaping makes a Markup through Python each time."""
    return f' class="{escape(" ".join(classes))}"'


@pass_context
def write_cells(context: Context, row: Row) -> Markup:
    """A row's cells, for a theme's table.html that writes its rows itself (the built-in one calls write_sections)."""
    _, fig, nl2br = row_writing(context)
    return Markup("".join([write_cell(cell, fig, nl2br) for cell in row.cells]))


def write_cell(cell: Cell, fig: Any, nl2br: Any) -> str:
    content = cell.content
    if not content or (len(content) == 1 and content[0].__class__ is Text):
        return plain_cell(cell)
    return cell_html(cell, fig, nl2br)


def cell_html(cell: Cell, fig: Any, nl2br: Any) -> str:
    tag = "th" if cell.header else "td"
    opening = cell_opening(tag, cell.scope, cell.rowspan, cell.colspan, cell.classes, cell.title)
    return f"{opening}{runs_html(cell.content, fig, nl2br)}</{tag}>"


@functools.lru_cache(maxsize=4096)
def plain_cell(cell: Cell) -> str:
    """A cell of one plain text or of none, remembered by its fields (a named tuple, hashed in C): two thirds of a
    page's cells are labels, words (达到, a target, a unit) and empty cells, which recur on every page. A cell
    holding a figure never is: the figure prints its page's ids."""
    return cell_html(cell, None, None)


@functools.lru_cache(maxsize=4096)
def cell_opening(
    tag: str, scope: str | None, rowspan: int, colspan: int, classes: tuple[str, ...], title: str | None
) -> str:
    """A cell's opening tag with its attributes, remembered: a page's thousand cells have a few dozen of them (a
    figure's column, a group's label, a score with the rule it was computed by as its title)."""
    attributes = "".join(
        (
            f' scope="{scope}"' if scope else "",
            f' rowspan="{rowspan}"' if rowspan > 1 else "",
            f' colspan="{colspan}"' if colspan > 1 else "",
            f' class="{escape(" ".join(classes))}"' if classes else "",
            f' title="{escape(title)}"' if title is not None else "",
        )
    )
    return f"<{tag}{attributes}>"


@pass_context
def write_runs(context: Context, content: tuple[Run, ...]) -> Markup:
    """Runs as HTML (the `show` macro of blocks/runs.html, for captions and paragraphs)."""
    return Markup(runs_html(content, figure_macro(context), context.environment.filters["nl2br"]))


def runs_html(content: tuple[Run, ...], fig: Any, nl2br: Any) -> str:
    """Each figure through the theme's `fig` macro (macros.html: its value, and the document's printed value beside
    it when it differs), text escaped, with its line breaks or its style, a mark with its explanation. Most cells
    hold one run or none: those are written without a list to join."""
    if len(content) == 1:
        return run_html(content[0], fig, nl2br)
    return "".join([run_html(run, fig, nl2br) for run in content])


def run_html(run: Run, fig: Any, nl2br: Any) -> str:
    kind = run.kind
    if kind == "text":
        return styled_text(run.style, run.text)
    if kind == "fig":
        return fig(run.value, run.stated)
    if kind == "lines":
        return nl2br(run.text)
    if kind == "break":
        return "<br>"
    if kind == "mark":
        return f'<sup title="{escape(run.title)}">{escape(run.text)}</sup>'
    return ""


@functools.lru_cache(maxsize=8192)
def styled_text(style: str | None, text: str) -> str:
    """A text run as HTML, remembered: the labels of forms (一级指标, 产出指标 …) repeat on every page."""
    return STYLES.get(style, "{}").format(keep_figures(text))


def figure_macro(context: Context) -> Any:
    """The theme's (or the site's) `fig` macro, which prints every figure; the built-in theme's own is written in
    Python (`explain.printed_figure`), unless a site's layouts/ or theme has its own macros.html. The file is
    asked for either way, so the page's key depends on it; the built-in one is not compiled."""
    env = context.environment
    if env.template_file("macros.html") == str(BUILTIN_MACROS):
        return printed_figure
    return env.get_template("macros.html").module.fig


def install_writer(env: Any) -> None:
    """Make the writer and the print view of a table's sections available to layouts."""
    writers = {
        "write": write,
        "place": place,
        "write_sections": write_sections,
        "write_rows": write_rows,
        "write_cells": write_cells,
        "write_runs": write_runs,
        "printed_sections": printed_sections,
    }
    env.globals.update(writers)
    env.trusted.update((id(function), function) for function in writers.values())
    env.written_in_python.update(
        (*BUILT_IN_BLOCKS.values(), *BUILT_IN_TABLES.values(), BUILT_IN_RUNS, str(BUILTIN_MACROS))
    )
