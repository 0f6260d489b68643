"""The HTML writer: each block is written by the theme's template for its kind, `blocks/<kind>.html`.

A site overrides how a kind of block looks by putting its own `layouts/blocks/<kind>.html`, the way Hugo's
render hooks work; every table of every part then changes at once. Layouts call `write(node)`; the block
template sees the caller's whole context (pdf, anchor_prefix, site …) plus `node`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .blocks import Cell, Row, Run, printed_sections


@pass_context
def write(context: Context, node: Any, **options: Any) -> Markup:
    """Write one block with the template of its kind (options, such as `bare`, go to the template)."""
    template = context.environment.get_template(f"blocks/{node.kind}.html")
    return Markup(template.render({**context.get_all(), **options, "node": node}))


# how a styled text is set off
STYLES = {
    "code": '<span class="code">{}</span>',
    "small": "<small>{}</small>",
    "repeat": '<span class="repeat">{}</span>',
}


@pass_context
def write_cells(context: Context, row: Row) -> Markup:
    """A row's cells, written here rather than by a loop in blocks/table.html: a page of forms has thousands of
    cells, and a template writing each cell's tag, attributes and runs costs several times what the whole page
    did before the document tree (each sandboxed attribute read, filter and macro call is a few microseconds)."""
    fig, nl2br = figure_macro(context), context.environment.filters["nl2br"]
    return Markup("".join([write_cell(cell, fig, nl2br) for cell in row.cells]))


def write_cell(cell: Cell, fig: Any, nl2br: Any) -> str:
    tag = "th" if cell.header else "td"
    attributes = "".join(
        (
            f' scope="{cell.scope}"' if cell.scope else "",
            f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "",
            f' colspan="{cell.colspan}"' if cell.colspan > 1 else "",
            f' class="{escape(" ".join(cell.classes))}"' if cell.classes else "",
            f' title="{escape(cell.title)}"' if cell.title is not None else "",
        )
    )
    return f"<{tag}{attributes}>{runs_html(cell.content, fig, nl2br)}</{tag}>"


@pass_context
def write_runs(context: Context, content: tuple[Run, ...]) -> Markup:
    """Runs as HTML (the `show` macro of blocks/runs.html, for captions and paragraphs)."""
    return Markup(runs_html(content, figure_macro(context), context.environment.filters["nl2br"]))


def runs_html(content: tuple[Run, ...], fig: Any, nl2br: Any) -> str:
    """Each figure through the theme's `fig` macro (macros.html: its value, and the document's printed value beside
    it when it differs), text escaped, with its line breaks or its style, a mark with its explanation."""
    out = []
    for run in content:
        if run.kind == "text":
            out.append(STYLES.get(run.style, "{}").format(escape(run.text)))
        elif run.kind == "fig":
            out.append(fig(run.value, run.stated))
        elif run.kind == "lines":
            out.append(nl2br(run.text))
        elif run.kind == "break":
            out.append("<br>")
        elif run.kind == "mark":
            out.append(f'<sup title="{escape(run.title)}">{escape(run.text)}</sup>')
    return "".join(out)


def figure_macro(context: Context) -> Any:
    """The theme's (or the site's) `fig` macro, which prints every figure."""
    return context.environment.get_template("macros.html").module.fig


def install_writer(env: Any) -> None:
    """Make the writer and the print view of a table's sections available to layouts."""
    env.globals["write"] = write
    env.globals["write_cells"] = write_cells
    env.globals["write_runs"] = write_runs
    env.globals["printed_sections"] = printed_sections
