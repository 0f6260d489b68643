"""Charts of data tables as inline SVG, drawn by matplotlib at build time.

matplotlib because it is the maintained reference for static charts and its SVG backend
can keep text as real <text> (svg.fonttype = none): the Chinese labels stay selectable and
searchable in the page, and WeasyPrint draws them as text in the PDF. Fills are grey
levels with hatching so the charts read in black-and-white print. The output is made
deterministic (fixed id salt, no date) so builds stay byte-identical. The legend and every
bar or slice carry stable ids (`…chart-legend`, `…chart-data-…`) so that a test can find them
in the page and prove the legend never covers the data.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import escape

from .parts.data_table.view import ChartView, DataRowView, TableView

GREYS = ["#4d4d4d", "#bfbfbf", "#ffffff", "#8c8c8c", "#e6e6e6", "#262626"]
HATCHES = ["", "///", "...", "\\\\\\", "xx", "--"]
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei", "sans-serif"]


def _pyplot(cache_dir: Path):
    """Import matplotlib once, headless, with its font cache inside the project's cache folder."""
    os.environ.setdefault("MPLCONFIGDIR", str(cache_dir / "matplotlib"))
    import matplotlib

    matplotlib.use("svg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "jixiao",
            "font.family": "sans-serif",
            "font.sans-serif": FONTS,
            "font.size": 10.5,
            "axes.unicode_minus": False,
            "hatch.linewidth": 0.6,
            "text.parse_math": False,  # "US$5与US$6" is text, not TeX maths
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _number(value: Any) -> float:
    """Chart geometry only (never a printed figure): a float is fine here."""
    return float(value) if isinstance(value, Decimal) else 0.0


def _rows(table: TableView) -> list[DataRowView]:
    return [row for row in table.rows if not row.parent and not row.formula]


def pie_rows(chart: ChartView, table: TableView) -> list[DataRowView]:
    """The slices of a pie: rows that are not parts or formulas and have a figure in the column."""
    return [row for row in _rows(table) if row[chart.columns[0]] is not None]


def drawn_rows(chart: ChartView, table: TableView) -> list[DataRowView]:
    """The rows a chart draws, one bar group or one slice each: for a pie, those with a figure."""
    return pie_rows(chart, table) if chart.kind == "饼状图" else _rows(table)


def share_column(table: TableView) -> str | None:
    return next((c for c in table.columns if c.startswith("占比")), None)


def label_slice(row: DataRowView, column: str, table: TableView) -> str:
    """A legend entry names the figure and its share, so the reader needs no table beside the pie."""
    share = share_column(table)
    return f"{row.name} {row[column]}{table.unit or ''}" + (f"（{row[share]}）" if share else "")


def draw_pie(plt: Any, chart: ChartView, table: TableView) -> Any:
    """Slices with the legend beside the pie, outside its circle, so no label covers a slice."""
    column = chart.columns[0]
    rows = pie_rows(chart, table)
    figure, axes = plt.subplots(figsize=(6.0, 3.0))
    wedges, _ = axes.pie(
        [max(_number(r[column]), 0.0) for r in rows],
        startangle=90,
        counterclock=False,
        colors=GREYS[: len(rows)],
        wedgeprops={"edgecolor": "black", "linewidth": 0.8},
    )
    for k, (wedge, hatch) in enumerate(zip(wedges, HATCHES)):
        wedge.set_hatch(hatch)
        wedge.set_gid(f"chart-data-{k}")
    axes.legend(
        wedges,
        [label_slice(r, column, table) for r in rows],
        loc="center left",
        bbox_to_anchor=(1.02, 0.5),
        frameon=False,
    ).set_gid("chart-legend")
    axes.set_aspect("equal")
    return figure


def draw_bars(plt: Any, chart: ChartView, table: TableView) -> Any:
    rows = _rows(table)
    columns = chart.columns
    figure, axes = plt.subplots(figsize=(6.0, 3.2))
    width = 0.8 / len(columns)
    for i, column in enumerate(columns):
        xs = [j + (i - (len(columns) - 1) / 2) * width for j in range(len(rows))]
        values = [_number(r[column]) for r in rows]
        bars = axes.bar(
            xs,
            values,
            width,
            label=column,
            **bar_style(i),
        )
        for j, (bar, row) in enumerate(zip(bars, rows)):
            bar.set_gid(f"chart-data-{i}-{j}")
            if row[column] is not None:
                label_bar(axes, str(row[column]), bar.get_x() + bar.get_width() / 2, bar.get_height(), 9)
    axes.set_xticks(range(len(rows)), [r.name for r in rows])
    axes.set_ylabel(table.unit or "")
    axes.spines[["top", "right"]].set_visible(False)
    place_legend(axes, "chart-legend", len(columns))
    axes.margins(y=0.15)
    return figure


def bar_style(i: int) -> dict[str, Any]:
    """The i-th series of bars: a grey and a hatching of its own, so the series read apart in black-and-white print."""
    return {"color": GREYS[i % len(GREYS)], "hatch": HATCHES[i % len(HATCHES)], "edgecolor": "black", "linewidth": 0.8}


def label_bar(axes: Any, text: str, x: float, height: float, size: float) -> None:
    """A bar's figure as printed, just above it."""
    axes.annotate(text, (x, height), ha="center", va="bottom", fontsize=size, xytext=(0, 2), textcoords="offset points")


def place_legend(axes: Any, gid: str, entries: int) -> None:
    """Above the plot, one entry per series: outside the data area, never over a bar or a point."""
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=entries, frameon=False, borderaxespad=0.0).set_gid(
        gid
    )


def scope_ids(svg: str, prefix: str) -> str:
    """matplotlib numbers ids from 1 in every figure; inline in one page they must be unique."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)


def render_single_item(chart: ChartView, table: TableView) -> str:
    """A pie of one item is a full circle that tells nothing: say it in a sentence instead."""
    row, column, share = pie_rows(chart, table)[0], chart.columns[0], share_column(table)
    sentence = (
        f"{chart.title}只有一项：{row.name}{row[column]}{table.unit or ''}"
        + (f"，占{row[share]}" if share else "")
        + "，不另作图。"
    )
    return f'<p class="chart-single">{escape(sentence)}</p>'


def render_chart(table: TableView, cache_dir: Path, prefix: str = "") -> str:
    """An accessible inline <svg>: role=img, a <title>, and the figures in a <desc>.

    Element ids are made from the table's number (表3 → t3-…), never from its name, which is the
    author's text and could carry markup into an attribute.
    """
    chart = table.chart
    assert chart is not None
    rows = _rows(table)
    if chart.kind == "饼状图" and not any(_number(row[chart.columns[0]]) > 0 for row in rows):
        # the caption below names the figure; a table placed without its prose may still be blank (--from)
        blank = all(row[chart.columns[0]] is None for row in rows)
        return f'<p class="chart-empty">{"各项尚未填写" if blank else "各项均为 0"}，不绘制饼状图。</p>'
    if chart.kind == "饼状图" and len(pie_rows(chart, table)) == 1:
        return render_single_item(chart, table)
    plt = load_pyplot(cache_dir)
    figure = draw_pie(plt, chart, table) if chart.kind == "饼状图" else draw_bars(plt, chart, table)
    described = "；".join(
        f"{row.name}: " + "，".join(f"{c} {row[c]}" for c in chart.columns if row.get(c) is not None) for row in rows
    )
    prefix = f"{prefix}t{table.number.removeprefix('表') or hashlib.sha256(table.name.encode()).hexdigest()[:8]}-"
    return figure_svg(plt, figure, prefix, f"{chart.number} {chart.title}", described)


def load_pyplot(cache_dir: Path) -> Any:
    """pyplot set up for charts; outside the template's time limit, since the first import builds matplotlib's font
    cache."""
    from .render import paused_deadline

    with paused_deadline():
        return _pyplot(cache_dir)


def figure_svg(plt: Any, figure: Any, prefix: str, title: str, described: str) -> str:
    """A drawn figure as accessible inline <svg>: role=img named by `title`, the figures in a <desc>, ids scoped by
    `prefix`, and nothing that changes between builds (no date, no metadata)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = scope_ids(svg, prefix)
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{escape(title)}" ', svg, count=1).replace(
        ">", f"><title>{escape(title)}</title><desc>{escape(described)}</desc>", 1
    )
