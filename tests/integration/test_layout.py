"""Stage: layout as a reader sees it — every repository report, in the PDF (pdfplumber) and in the
browser at a desktop and a phone width (Playwright). Marked slow.

PDF cells are found with pdfplumber's table finder on ruled lines only ("lines_strict"): the theme
draws table rules as stroked lines, while charts are drawn as rectangles and paths, so a chart is
never taken for a table. Section boundaries come from the PDF's bookmarks (one per h2)."""

from pathlib import Path

import pdfplumber
import pytest
from conftest import REPO
from pypdf import PdfReader

pytestmark = pytest.mark.slow

REPORTS = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (REPO / "content").glob("*/*/report.yaml"))
MM = 72 / 25.4
PAGE_MARGIN_TOP, PAGE_MARGIN_BOTTOM = 37 * MM, 35 * MM  # print.css @page, after GB/T 9704
MIN_FILL = 0.40
TOLERANCE = 0.5  # pt, rounding of rule positions
RULED = {"vertical_strategy": "lines_strict", "horizontal_strategy": "lines_strict"}


def pdf_of(out: Path, report: str) -> Path:
    return out / report / f"{report.split('/')[1]}.pdf"


def word_inside(word: dict, cell: tuple) -> bool:
    x0, top, x1, bottom = cell
    return (
        word["x0"] >= x0 - TOLERANCE
        and word["x1"] <= x1 + TOLERANCE
        and word["top"] >= top - TOLERANCE
        and word["bottom"] <= bottom + TOLERANCE
    )


def words_outside_cells(page) -> list[tuple]:
    """Words standing in a table whose box is not inside the cell their centre lies in."""
    words = page.extract_words()
    outside = []
    for table in page.find_tables(RULED):
        x0, top, x1, bottom = table.bbox
        for word in words:
            cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
            if not (top < cy < bottom and word["x1"] > x0 and word["x0"] < x1):
                continue
            homes = [c for c in table.cells if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]]
            if not any(word_inside(word, c) for c in homes):
                outside.append((page.page_number, word["text"], round(word["x0"], 1), round(word["x1"], 1)))
    return outside


@pytest.mark.parametrize("report", REPORTS)
def test_every_word_of_a_pdf_table_stays_in_its_cell(served_site, report):
    out, _ = served_site
    with pdfplumber.open(pdf_of(out, report)) as pdf:
        outside = [w for page in pdf.pages for w in words_outside_cells(page)]
    assert outside == [], outside


def section_starts(path: Path) -> dict[int, list[float]]:
    """Page number → the heights (from the page top) where a bookmark points: a section, or one nested in
    an attachment (its forms are sections of their own, one heading level deeper)."""
    reader = PdfReader(path)
    starts: dict[int, list[float]] = {}

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                height = float(reader.pages[page].mediabox.height)
                starts.setdefault(page + 1, []).append(height - float(item.top))

    walk(reader.outline)
    return starts


def lowest_ink(page) -> float | None:
    """The bottom of the lowest mark in the page's text area (the page number below it is left out)."""
    limit = page.height - PAGE_MARGIN_BOTTOM + 1
    marks = page.chars + page.lines + page.rects + page.curves + page.images
    bottoms = [m["bottom"] for m in marks if m["bottom"] <= limit]
    return max(bottoms, default=None)


def fill_of(page) -> float:
    low = lowest_ink(page)
    area = page.height - PAGE_MARGIN_TOP - PAGE_MARGIN_BOTTOM
    return 0.0 if low is None else (low - PAGE_MARGIN_TOP) / area


def opens_a_section(page, starts: list[float]) -> bool:
    """A page opens a section when a bookmark points above all of its text."""
    first_text = min((c["top"] for c in page.chars), default=page.height)
    return any(y <= first_text + TOLERANCE for y in starts)


@pytest.mark.parametrize("report", REPORTS)
def test_no_half_empty_page_inside_a_section(served_site, report):
    """Only the last page of a section (or a form, which is a section of its own) may be short; the
    cover and contents come before the first section and are left out."""
    out, _ = served_site
    path = pdf_of(out, report)
    starts = section_starts(path)
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        short = [
            (page.page_number, round(fill_of(page), 2))
            for page in pages[min(starts) - 1 : -1]
            if fill_of(page) < MIN_FILL
            and not opens_a_section(pages[page.page_number], starts.get(page.page_number + 1, []))
        ]
    assert short == [], short


def first_labels_below_header(page) -> list[str]:
    """The first cell under the repeated column header of each indicator table on the page."""
    labels = []
    for table in page.find_tables(RULED):
        rows = [["".join((cell or "").split()) for cell in row] for row in table.extract()]
        heads = [i for i, row in enumerate(rows) if row[0] == "一级指标"]
        if heads and heads[0] + 1 < len(rows):
            labels.append(rows[heads[0] + 1][0])
    return labels


@pytest.mark.parametrize("report", REPORTS)
def test_an_indicator_group_going_on_at_a_page_top_shows_its_labels(served_site, report):
    """Where an indicator table goes on at the top of a page, its first row names its 一级指标 (a merged
    label left behind on the page before would leave the reader without it)."""
    out, _ = served_site
    with pdfplumber.open(pdf_of(out, report)) as pdf:
        unlabelled = [page.page_number for page in pdf.pages if "" in first_labels_below_header(page)]
    assert unlabelled == [], unlabelled


OVERFLOWING_CELLS = """() => {
  const slack = 1;
  const out = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const spill = [...range.getClientRects()].some(r => r.width && (r.left < box.left - slack
      || r.right > box.right + slack || r.top < box.top - slack || r.bottom > box.bottom + slack));
    if (spill || cell.scrollWidth > cell.clientWidth + slack)
      out.push(cell.textContent.trim().slice(0, 40));
  }
  return out;
}"""

LEGENDS_OVER_DATA = """() => {
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
                         && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const out = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const legend = svg.querySelector('[id$="chart-legend"]');
    const data = [...svg.querySelectorAll('[id*="chart-data-"]')];
    if (!data.length) out.push(svg.getAttribute('aria-label') + ': no data shapes found');
    if (!legend) continue;
    const box = legend.getBoundingClientRect();
    for (const shape of data)
      if (meet(box, shape.getBoundingClientRect())) out.push(svg.getAttribute('aria-label') + ': ' + shape.id);
  }
  return out;
}"""


@pytest.fixture(params=[1280, 375], ids=["desktop", "phone"])
def viewport_page(request, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("report", REPORTS)
def test_no_table_cell_overflows_in_the_browser(viewport_page, served_site, report):
    _, url = served_site
    viewport_page.goto(f"{url}{report}/index.html")
    assert viewport_page.evaluate(OVERFLOWING_CELLS) == []


@pytest.mark.parametrize("report", REPORTS)
def test_no_chart_legend_covers_a_bar_or_slice(viewport_page, served_site, report):
    _, url = served_site
    viewport_page.goto(f"{url}{report}/index.html")
    assert viewport_page.evaluate(LEGENDS_OVER_DATA) == []


def test_the_checks_see_a_spilling_cell_and_a_covering_legend(browser):  # noqa: F811
    """The two browser checks above can fail: a figure with its stated value beside it in a narrow
    fixed column, and a legend drawn over a bar, are both reported."""
    page = browser.new_page()
    page.set_content(
        '<main><table style="table-layout: fixed; width: 120px"><tr>'
        '<td style="white-space: nowrap">166.22 原表 167.3349</td><td>97.24%</td></tr></table></main>'
        '<figure class="chart"><svg aria-label="图1" width="100" height="100">'
        '<g id="t-chart-data-0-0"><rect x="10" y="10" width="20" height="80"/></g>'
        '<g id="t-chart-legend"><rect x="5" y="60" width="40" height="10"/></g></svg></figure>'
    )
    assert page.evaluate(OVERFLOWING_CELLS) == ["166.22 原表 167.3349"]
    assert page.evaluate(LEGENDS_OVER_DATA) == ["图1: t-chart-data-0-0"]
    page.close()
