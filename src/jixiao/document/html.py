"""The HTML writer: each block is written by the theme's template for its kind, `blocks/<kind>.html`.

A site overrides how a kind of block looks by putting its own `layouts/blocks/<kind>.html`, the way Hugo's
render hooks work; every table of every part then changes at once. Layouts call `write(node)`; the block
template sees the caller's whole context (pdf, anchor_prefix, site …) plus `node`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .blocks import printed_sections


@pass_context
def write(context: Context, node: Any, **options: Any) -> Markup:
    """Write one block with the template of its kind (options, such as `bare`, go to the template)."""
    template = context.environment.get_template(f"blocks/{node.kind}.html")
    return Markup(template.render({**context.get_all(), **options, "node": node}))


def install_writer(env: Any) -> None:
    """Make the writer and the print view of a table's sections available to layouts."""
    env.globals["write"] = write
    env.globals["printed_sections"] = printed_sections
