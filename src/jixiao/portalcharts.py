"""A unit's headline figures over the years as a chart (the unit page's, portal.py): a small SVG written here.

Not matplotlib, as the report charts are (charts.py): a unit page has a chart per series and a site has many units,
and matplotlib spent a tenth of a second of CPU on each, most of a 200-report build. A bar chart and a line chart of
some ten years are a few rects, one path per line, ticks and text, written directly in a few milliseconds. They
keep what the report charts promise: CJK text as real <text> in the report charts' fonts, grey fills and hatching
(<pattern>) that read in black-and-white print, role="img" with a <title> and a <desc>, deterministic bytes.

Money figures (预算, 执行数, 收入/支出总计) are bars; rates and points (执行率, 总分) lines with markers, in a second
panel below since their scale is not money's. A year without the figure is a gap: no bar, a broken line and "—"
under the year, never a zero. The <desc> says every year's figures in words, and the page prints the same figures
as the table just above the chart.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from markupsafe import escape

from .charts import FONTS, GREYS

GAP = "—"
WIDTH, LEFT, RIGHT = 540.0, 62.0, 10.0  # the viewBox's width and the plot's margins, in SVG units
LEGEND, PLOT, AXIS = 26.0, 150.0, 28.0  # a panel's legend row and plot height; the year labels below the last
FONT = 11
HATCH_LINES = {"///": "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6", "\\\\\\": "M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2"}
HATCHES = ["", "///", "dots", "\\\\\\"]  # one per bar series, as charts.HATCHES: told apart in black and white
LINE_STYLES = (("circle", ""), ("square", "5 3"))  # marker and dash per line


@functools.lru_cache(maxsize=4096)  # bounded: the preview's process lives through many edits
def figure_number(text: str) -> Decimal | None:
    """A figure's text as a number for the drawing (75% → 75); a text figure (等次) or a gap is None. Remembered: a
    chart reads each of its texts for the scale, the marks and the gaps, and a site's figures repeat (100%)."""
    try:
        return Decimal(text.rstrip("%").replace(",", ""))
    except InvalidOperation:
        return None


def nice_ticks(low: Decimal, high: Decimal, count: int = 4) -> list[Decimal]:
    """Round ticks (steps of 1, 2 or 5 times a power of ten) from at or below `low` to at or above `high`, exact in
    Decimal so that a printed tick is never 0.30000000000000004."""
    if high == low:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    power = Decimal(1).scaleb(raw.adjusted())
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    return [first + step * i for i in range(int((last - first) / step) + 1)]


def tick_text(value: Decimal) -> str:
    """A tick as printed: 100 not 1E+2, 2.5 not 2.50."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def series_chart(
    title: str,
    years: list[int],
    columns: list[tuple[str, str, str]],
    texts: dict[int, dict[str, str]],
    money: str,
) -> str:
    """The chart of one series: `columns` as (name, label with its unit, kind "bar" or "line"), `texts` the figures
    as printed by year and name (a year absent or a name absent is a gap). "" when there is nothing to draw."""
    bars = [c for c in columns if c[2] == "bar"]
    lines = [c for c in columns if c[2] == "line"]
    if not (bars or lines) or not texts:
        return ""
    prefix = slug_of(title) + "-"
    panels = [kind for kind in (bars, lines) if kind]
    height = len(panels) * (LEGEND + PLOT) + AXIS
    body = [hatch_patterns(prefix, len(bars))]
    for index, own in enumerate(panels):
        top = index * (LEGEND + PLOT) + LEGEND
        draw = draw_bars(prefix, years, own, texts, top) if own is bars else draw_lines(prefix, years, own, texts, top)
        body += [legend(prefix, own, top - LEGEND, own is bars), draw]
        body += [mark_gaps(prefix, years, own, texts, index, top)]
        body.append(axis_label(money if own is bars else line_unit(own), top))
    body.append(year_labels(years, height - AXIS))
    return (
        f'<svg role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'viewBox="0 0 {WIDTH:g} {height:g}"><title>{escape(title)}</title>'
        f"<desc>{escape(described(years, columns, texts))}</desc>\n"
        f'<g font-family="{font_family()}" font-size="{FONT}" fill="#000">\n' + "\n".join(body) + "\n</g>\n</svg>"
    )


def font_family() -> str:
    """The report charts' fonts (charts.FONTS), as a CSS font-family list inside an attribute."""
    return ", ".join(f"'{f}'" if " " in f else f for f in FONTS)


def slot_x(j: int, years: list[int]) -> float:
    """The centre of year j's slot: every year has one, the first's and the last's too, even if empty."""
    return LEFT + (WIDTH - LEFT - RIGHT) * (j + 0.5) / len(years)


def scale_of(values: list[Decimal], top: float, from_zero: bool) -> tuple[list[Decimal], Callable[[Decimal], float]]:
    """The panel's ticks and the y of a value: bars stand on zero; lines span their own range. Room is left above
    the highest tick for the figure printed over the highest bar or point."""
    values = [*values, Decimal(0)] if from_zero or not values else values  # a panel of gaps only: an axis about 0
    low, high = min(values), max(values)
    ticks = nice_ticks(low, high)
    span, bottom = float(ticks[-1] - ticks[0]), top + PLOT - 4

    def y_of(value: Decimal) -> float:
        return bottom - (bottom - top - 16) * float(value - ticks[0]) / span

    return ticks, y_of


def draw_axis(ticks: list[Decimal], y_of: Callable[[Decimal], float]) -> str:
    """The y axis: its line, a short tick and the tick's value at each tick."""
    parts = [f'<path d="M{LEFT:g},{y_of(ticks[0]):.2f} V{y_of(ticks[-1]):.2f}" stroke="#000" stroke-width="0.8"/>']
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<path d="M{LEFT - 4:g},{y:.2f} H{LEFT:g}" stroke="#000" stroke-width="0.8"/>')
        parts.append(f'<text x="{LEFT - 6:g}" y="{y + 4:.2f}" text-anchor="end">{tick_text(tick)}</text>')
    return "\n".join(parts)


def present(years: list[int], name: str, texts: dict) -> list[tuple[int, str, Decimal]]:
    """Year index, printed text and value of every year that has the figure as a number (each text read once)."""
    shown = [(j, text, figure_number(text)) for j, year in enumerate(years) if (text := texts.get(year, {}).get(name))]
    return [(j, text, value) for j, text, value in shown if value is not None]


def draw_bars(prefix: str, years: list[int], columns: list[tuple[str, str, str]], texts: dict, top: float) -> str:
    """One bar per money figure and year, labelled with the figure as printed; none where it is missing."""
    values = [value for name, _, _ in columns for _, _, value in present(years, name, texts)]
    ticks, y_of = scale_of(values, top, from_zero=True)
    slot = (WIDTH - LEFT - RIGHT) / len(years)
    width = min(slot * 0.8 / len(columns), 40.0)  # one year alone: a bar, not a wall
    parts = [draw_axis(ticks, y_of), f'<path d="M{LEFT:g},{y_of(Decimal(0)):.2f} H{WIDTH - RIGHT:g}" stroke="#000"/>']
    for i, (name, _, _) in enumerate(columns):
        for j, text, value in present(years, name, texts):
            x = slot_x(j, years) + (i - (len(columns) - 1) / 2) * width
            y, base = sorted((y_of(value), y_of(Decimal(0))))
            parts.append(
                f'<rect id="{prefix}chart-data-{i}-{j}" x="{x - width / 2:.2f}" y="{y:.2f}" width="{width:.2f}" '
                f'height="{base - y:.2f}" fill="{bar_fill(prefix, i)}" stroke="#000" stroke-width="0.8"/>'
            )
            parts.append(f'<text x="{x:.2f}" y="{y - 3:.2f}" text-anchor="middle" font-size="9">{escape(text)}</text>')
    return "\n".join(parts)


def bar_fill(prefix: str, i: int) -> str:
    """The i-th bar series' fill: a plain grey, then hatched greys (hatch_patterns)."""
    return GREYS[0] if i % len(HATCHES) == 0 else f"url(#{prefix}hatch-{i % len(HATCHES)})"


def hatch_patterns(prefix: str, count: int) -> str:
    """The <pattern>s of the hatched bar series: a grey of charts.GREYS under lines or dots, for black-and-white
    print."""
    parts = ["<defs>"]
    for i in range(1, min(count, len(HATCHES))):
        hatch = HATCHES[i]
        marks = (
            f'<path d="{HATCH_LINES[hatch]}" stroke="#000" stroke-width="0.8"/>'
            if hatch in HATCH_LINES
            else '<circle cx="2" cy="2" r="0.9"/><circle cx="6" cy="6" r="0.9"/>'
        )
        parts.append(
            f'<pattern id="{prefix}hatch-{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{GREYS[i]}"/>{marks}</pattern>'
        )
    return "".join(parts) + "</defs>"


def draw_lines(prefix: str, years: list[int], columns: list[tuple[str, str, str]], texts: dict, top: float) -> str:
    """One line per rate or score, broken where a year has no figure, each point marked and labelled as printed."""
    values = [value for name, _, _ in columns for _, _, value in present(years, name, texts)]
    ticks, y_of = scale_of(values, top, from_zero=False)
    parts = [draw_axis(ticks, y_of)]
    for k, (name, _, _) in enumerate(columns):
        points = present(years, name, texts)
        marker, dash = LINE_STYLES[k % len(LINE_STYLES)]
        colour = GREYS[0] if k == 0 else GREYS[5]
        path = " ".join(
            ("L" if index and points[index - 1][0] == j - 1 else "M") + f"{slot_x(j, years):.2f},{y_of(value):.2f}"
            for index, (j, _, value) in enumerate(points)
        )
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g id="{prefix}chart-line-{k}">\n<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"'
            f"{dashes}/>"
        )
        for j, text, value in points:
            x, y = slot_x(j, years), y_of(value)
            parts.append(draw_marker(marker, x, y, colour, "white" if k else colour))
            label_y = y - 7 if k == 0 else y + 15
            parts.append(
                f'<text x="{x:.2f}" y="{label_y:.2f}" text-anchor="middle" font-size="9">{escape(text)}</text>'
            )
        parts.append("</g>")
    return "\n".join(parts)


def draw_marker(shape: str, x: float, y: float, stroke: str, fill: str) -> str:
    """A point's marker: a circle or a square, filled or white, so two lines read apart in black and white."""
    if shape == "circle":
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="3.5" fill="{fill}" stroke="{stroke}"/>'
    return f'<rect x="{x - 3.5:.2f}" y="{y - 3.5:.2f}" width="7" height="7" fill="{fill}" stroke="{stroke}"/>'


def legend(prefix: str, columns: list[tuple[str, str, str]], top: float, bars: bool) -> str:
    """Above the plot, one entry per series: outside the data area, never over a bar or a point."""
    gid = "chart-legend" if bars else "chart-legend-lines"
    parts, x, y = [f'<g id="{prefix}{gid}">'], LEFT, top + 12
    for i, (_, label, _) in enumerate(columns):
        if bars:
            parts.append(
                f'<rect x="{x:g}" y="{y - 9:g}" width="14" height="10" fill="{bar_fill(prefix, i)}" stroke="#000"/>'
            )
        else:
            marker, dash = LINE_STYLES[i % len(LINE_STYLES)]
            colour = GREYS[0] if i == 0 else GREYS[5]
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<path d="M{x:g},{y - 4:g} h20" stroke="{colour}" stroke-width="1.5"{dashes}/>')
            parts.append(draw_marker(marker, x + 10, y - 4, colour, "white" if i else colour))
        parts.append(f'<text x="{x + 24:g}" y="{y:g}">{escape(label)}</text>')
        x += 24 + FONT * (len(label) + 2)
    return "\n".join(parts) + "</g>"


def axis_label(unit: str, top: float) -> str:
    """The panel's unit, turned along the y axis."""
    y = top + PLOT / 2
    return f'<text transform="translate(12,{y:g}) rotate(-90)" text-anchor="middle">{escape(unit)}</text>'


def line_unit(columns: list[tuple[str, str, str]]) -> str:
    """The line panel's units from its labels (执行率（%）, 总分（分） → % / 分)."""
    return " / ".join(label[label.find("（") + 1 : -1] for _, label, _ in columns)


def year_labels(years: list[int], top: float) -> str:
    """Each year under its slot."""
    return "\n".join(
        f'<text x="{slot_x(j, years):.2f}" y="{top + 18:g}" text-anchor="middle">{year}</text>'
        for j, year in enumerate(years)
    )


def mark_gaps(
    prefix: str, years: list[int], columns: list[tuple[str, str, str]], texts: dict, panel: int, top: float
) -> str:
    """A year with none of the panel's figures shows "—" on its baseline: a gap, visibly not a zero."""
    shown = {j for name, _, _ in columns for j, _, _ in present(years, name, texts)}  # one pass a figure, not a year
    gaps = [j for j in range(len(years)) if j not in shown]
    return "\n".join(
        f'<text id="{prefix}chart-gap-{panel}-{j}" x="{slot_x(j, years):.2f}" y="{top + PLOT - 8:g}" '
        f'text-anchor="middle" font-size="13">{GAP}</text>'
        for j in gaps
    )


def described(years: list[int], columns: list[tuple[str, str, str]], texts: dict) -> str:
    """Every year's figures in words (the <desc>), a gap year said as such."""
    parts = []
    for year in years:
        figures = [f"{label} {texts[year][name]}" for name, label, _ in columns if name in texts.get(year, {})]
        parts.append(f"{year}年: " + ("，".join(figures) if figures else "无数据"))
    return "；".join(parts)


def slug_of(title: str) -> str:
    """ids inside the SVG must not carry the author's text into an attribute: a digest of it instead."""
    return "u" + hashlib.sha256(title.encode()).hexdigest()[:8]
