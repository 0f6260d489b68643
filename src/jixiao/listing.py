"""The rows of the site's listings written in Python: the reports of a report list (report-list.html, on the home,
year and unit pages) and the rows of a portal table (portal-table.html, on the unit and comparison pages).

The home page lists every report and a year's comparison page has a row of some ten cells for each of its
reports' series: in a sandboxed template loop each attribute read, filter and call costs a few microseconds, and
those pages were rendered again whenever one report's entry changed (the home page's 1000 entries took 0.05 s, a
comparison page of 125 reports 0.04 s). As blocks/table.html does with `write_rows`, the theme's templates keep
the frame (the grouping by unit, the list, the table, its caption and headers) and call these writers for the rows;
a site's own report-list.html or portal-table.html is an ordinary include and may write its rows itself.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .contexts import PortalCell, ReportEntry
from .render import format_cn_date


@pass_context
def write_reports(context: Context, entries: list[ReportEntry]) -> Markup:
    """The `<li>` of each report, as report-list.html's loop wrote them (the page's `root` before each link)."""
    root = escaped(context.get("root", ""))
    return Markup("".join([report_item(entry, root) for entry in entries]))


def report_item(r: ReportEntry, root: str) -> str:
    """One report: its title, its type unless the title is the type's name, its number of projects when more than
    one, its date, its score and grade, its summary and its links (web page, PDF, data)."""
    meta = [] if r.类型 == r.标题 else [r.类型]
    if r.项目数 > 1:
        meta.append(f"{r.项目数} 个项目")
    if r.日期:
        meta.append(format_cn_date(r.日期))
    grade = f"（{escaped(r.评价等次)}）" if r.评价等次 else ""
    score = f'<span class="score">总分 {escaped(r.总分)}{grade}</span>' if r.总分 is not None else ""
    summary = f'<p class="summary">{escaped(r.摘要)}</p>' if r.摘要 else ""
    page = f"{root}{escaped(r.url)}"
    pdf = f' · <a href="{root}{escaped(r.pdf)}">PDF</a>' if r.pdf else ""
    return (
        "    <li>\n"
        f'      <a class="report-title" href="{page}">{escaped(r.标题)}</a>\n'
        f'      <span class="meta">{escaped(" · ".join(meta))}</span>\n'
        f'{score}{summary}      <p class="links"><a href="{page}">网页</a>{pdf}'
        f' · <a href="{root}{escaped(r.data)}">数据（JSON）</a></p>\n'
        "    </li>\n"
    )


@pass_context
def write_portal_rows(context: Context, table: Any) -> Markup:
    """A portal table's `<tr>`, each cell a figure with its sort key (a number column) and its link, or a text."""
    root = escaped(context.get("root", ""))
    return Markup(
        "".join(["    <tr>" + "".join([portal_cell(c, root) for c in row]) + "</tr>\n" for row in table.rows])
    )


def portal_cell(cell: PortalCell, root: str) -> str:
    sort = f' data-sort="{escaped(cell.sort)}" class="num"' if cell.sort else ""
    text = escaped(cell.text)
    return f'<td{sort}><a href="{root}{escaped(cell.href)}">{text}</a></td>' if cell.href else f"<td{sort}>{text}</td>"


def escaped(text: str) -> str:
    """`escape(text)` as a page prints it, the text itself when it holds nothing to escape (most texts of a listing:
    figures, paths, names): markupsafe makes a Markup of every text it is given, a third of a cell's cost."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def install_listing_writers(env: Any) -> None:
    """The writers report-list.html and portal-table.html call, called without the sandbox's look (trusted)."""
    writers = {"write_reports": write_reports, "write_portal_rows": write_portal_rows}
    env.globals.update(writers)
    env.trusted.update((id(function), function) for function in writers.values())
