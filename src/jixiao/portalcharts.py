"""A unit's headline figures over the years as a chart (the unit page's, portal.py), drawn like the report charts
(charts.py: matplotlib SVG with real CJK text, grey fills and hatching for print, deterministic bytes).

Money figures (预算, 执行数, 收入/支出总计) are bars; rates and points (执行率, 总分) lines with markers, in a second
panel below since their scale is not money's. A year without the figure is a gap: no bar, a broken line and "—"
under the year, never a zero. The <desc> says every year's figures in words, and the page prints the same figures
as the table just above the chart.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .charts import GREYS, bar_style, figure_svg, label_bar, load_pyplot, place_legend

MARKERS = (("o", "-"), ("s", "--"))  # marker and line style per line: told apart in black and white
GAP = "—"


def figure_number(text: str) -> Decimal | None:
    """A figure's text as a number for the drawing (75% → 75); a text figure (等次) or a gap is None."""
    try:
        return Decimal(text.rstrip("%").replace(",", ""))
    except InvalidOperation:
        return None


def series_chart(
    title: str,
    years: list[int],
    columns: list[tuple[str, str, str]],
    texts: dict[int, dict[str, str]],
    money: str,
    cache: Path,
) -> str:
    """The chart of one series: `columns` as (name, label with its unit, kind "bar" or "line"), `texts` the figures
    as printed by year and name (a year absent or a name absent is a gap). "" when there is nothing to draw."""
    bars = [c for c in columns if c[2] == "bar"]
    lines = [c for c in columns if c[2] == "line"]
    if not (bars or lines) or not texts:
        return ""
    plt = load_pyplot(cache)
    panels = [kind for kind in (bars, lines) if kind]
    height = 2.9 * len(panels)
    figure, axes = plt.subplots(len(panels), 1, figsize=(6.0, height), sharex=True, squeeze=False)
    # fixed margins (in inches: room for the axis labels, and above each panel for its legend), not a tight crop,
    # which draws the figure twice: 50 units' charts cost half as much
    figure.subplots_adjust(left=0.8 / 6.0, right=0.98, bottom=0.45 / height, top=1 - 0.4 / height, hspace=0.35)
    for index, (panel, own) in enumerate(zip(axes[:, 0], panels)):
        if own is bars:
            draw_bars(panel, years, own, texts, money)
        else:
            draw_lines(panel, years, own, texts)
        panel.spines[["top", "right"]].set_visible(False)
        panel.margins(y=0.2)
        mark_gaps(panel, years, own, texts, index)
    axes[-1, 0].set_xticks(range(len(years)), [str(year) for year in years])
    axes[-1, 0].set_xlim(-0.6, len(years) - 0.4)  # every year's slot, the first's and the last's too, even if empty
    return figure_svg(plt, figure, f"{slug_of(title)}-", title, described(years, columns, texts), tight=False)


def draw_bars(axes: Any, years: list[int], columns: list[tuple[str, str, str]], texts: dict, unit: str) -> None:
    """One bar per money figure and year, labelled with the figure as printed; none where it is missing."""
    width = 0.8 / len(columns)
    for i, (name, label, _) in enumerate(columns):
        shown = [(j, texts.get(year, {}).get(name)) for j, year in enumerate(years)]
        present = [(j, text, figure_number(text)) for j, text in shown if text and figure_number(text) is not None]
        xs = [j + (i - (len(columns) - 1) / 2) * width for j, _, _ in present]
        bars = axes.bar(
            xs,
            [float(value) for _, _, value in present],  # geometry only; the label prints the figure's own text
            width,
            label=label,
            **bar_style(i),
        )
        for bar, x, (j, text, value) in zip(bars, xs, present):
            bar.set_gid(f"chart-data-{i}-{j}")
            label_bar(axes, text, x, float(value), 8)
    axes.set_ylabel(unit)
    place_legend(axes, "chart-legend", len(columns))


def draw_lines(axes: Any, years: list[int], columns: list[tuple[str, str, str]], texts: dict) -> None:
    """One line per rate or score, broken where a year has no figure (NaN), each point labelled as printed."""
    for k, (name, label, _) in enumerate(columns):
        shown = [texts.get(year, {}).get(name) for year in years]
        values = [figure_number(t) if t else None for t in shown]
        marker, style = MARKERS[k % len(MARKERS)]
        (line,) = axes.plot(
            range(len(years)),
            [math.nan if v is None else float(v) for v in values],
            marker=marker,
            linestyle=style,
            color=GREYS[0] if k == 0 else GREYS[5],
            markerfacecolor="white" if k else GREYS[0],
            label=label,
        )
        line.set_gid(f"chart-line-{k}")
        for j, (text, value) in enumerate(zip(shown, values)):
            if value is not None:
                offset = (0, 6) if k == 0 else (0, -12)
                axes.annotate(
                    text, (j, float(value)), ha="center", fontsize=8, xytext=offset, textcoords="offset points"
                )
    axes.set_ylabel(" / ".join(label[label.find("（") + 1 : -1] for _, label, _ in columns))
    place_legend(axes, "chart-legend-lines", len(columns))


def mark_gaps(axes: Any, years: list[int], columns: list[tuple[str, str, str]], texts: dict, panel: int) -> None:
    """A year with none of the panel's figures shows "—" on its baseline: a gap, visibly not a zero."""
    for j, year in enumerate(years):
        if not any(figure_number(texts.get(year, {}).get(name) or GAP) is not None for name, _, _ in columns):
            axes.annotate(
                GAP,
                (j, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=11,
            ).set_gid(f"chart-gap-{panel}-{j}")


def described(years: list[int], columns: list[tuple[str, str, str]], texts: dict) -> str:
    """Every year's figures in words (the <desc>), a gap year said as such."""
    parts = []
    for year in years:
        figures = [f"{label} {texts[year][name]}" for name, label, _ in columns if name in texts.get(year, {})]
        parts.append(f"{year}年: " + ("，".join(figures) if figures else "无数据"))
    return "；".join(parts)


def slug_of(title: str) -> str:
    """ids inside the SVG must not carry the author's text into an attribute: a digest of it instead."""
    import hashlib

    return "u" + hashlib.sha256(title.encode()).hexdigest()[:8]
