"""Stage: layout as a reader sees it — every repository report, in the PDF (pdfplumber) and in the
browser at a desktop and a phone width (Playwright). Marked slow.

PDF cells are found with pdfplumber's table finder on ruled lines only ("lines_strict"): the theme
draws table rules as stroked lines, while charts are drawn as rectangles and paths, so a chart is
never taken for a table. Section boundaries come from the PDF's bookmarks (one per h2)."""

from pathlib import Path

import pdfplumber
import pytest
from conftest import FIXTURES, REPO, run_jixiao, serve
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


# Printed like the original (issue 20, point 8): tests/fixtures/print, a third-party 项目绩效评价报告 and a narrative
# 自评报告 titled with its type's name, whose table's caption falls at the foot of a page.
PRINT_FIXTURE = FIXTURES / "print"


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "site"
    result = run_jixiao("build", PRINT_FIXTURE, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def text_lines(pdf_path: Path) -> list[tuple[int, float, str]]:
    """(page, left edge in pt, text) of every printed line."""
    with pdfplumber.open(pdf_path) as pdf:
        return [(p.page_number, line["x0"], line["text"]) for p in pdf.pages for line in p.extract_text_lines()]


def test_numbered_paragraphs_print_like_the_other_paragraphs(printed):
    """ "4. 项目由…" (a space after the number) keeps its number and starts where "1.为全市…" (none) starts: the
    first-line indent of body text; its second line starts at the left margin, where the heading does (no hanging
    indent of a list)."""
    lines = text_lines(pdf_of(printed, "2024/pingjia"))
    left = next(x for _, x, text in lines if text == "一、项目概况")
    indent = next(x for _, x, text in lines if text.startswith("1.为全市缴存职工新增数据"))
    assert indent > left + 20  # 2em of 16pt
    at = next(i for i, (_, _, text) in enumerate(lines) if text.startswith("4. 项目由示例市住房公积金管理中心"))
    assert lines[at][1] == pytest.approx(indent, abs=TOLERANCE)
    assert lines[at + 1][1] == pytest.approx(left, abs=TOLERANCE)
    numbered = [text[:2] for _, x, text in lines if x == pytest.approx(indent, abs=TOLERANCE) and text[1] == "."]
    assert numbered[:5] == ["1.", "2.", "3.", "4.", "5."]


def test_one_title_on_the_cover(printed):
    cover = [text for page, _, text in text_lines(pdf_of(printed, "2024/ziping")) if page == 1]
    assert cover == ["示例市住房公积金管理中心", "项目支出绩效自评报告", "2024 年度", "2025年3月31日"]


def test_a_caption_stays_with_its_table(printed):
    lines = text_lines(pdf_of(printed, "2024/ziping"))
    caption = next(page for page, _, text in lines if text.startswith("表1 项目资金情况"))
    head = next(page for page, _, text in lines if "资金来源" in text)
    assert caption == head


def words_of(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [word["text"] for page in pdf.pages for word in page.extract_words()]


def test_a_figure_with_its_unit_never_breaks_in_a_cell(printed):
    """ "8万元" stays whole in a text cell (the old page printed "…为8万" over "元以上…"); "≤236.417万元", wider
    than its column, keeps its number whole with its sign and puts 万元 below it rather than overflow."""
    cells = words_of(pdf_of(printed, "2024/ziping"))
    assert "预算执行数为8万元" in cells
    assert not [word for word in cells if word.startswith("元")]
    assert ["≤236.417", "万元"] == [w for w in words_of(pdf_of(printed, "2024/pingjia")) if w in ("≤236.417", "万元")]


def test_the_score_sheet_prints_the_documents_words(printed):
    texts = " ".join(text for _, _, text in text_lines(pdf_of(printed, "2024/pingjia")))
    assert "正向" not in texts and "反向" not in texts
    assert "线上办理率 ≥90% 85% 25 23.61 未达到" in texts


def test_the_contents_are_numbered_once(browser, printed):  # noqa: F811
    """The headings carry the document's numbers (一、…): the contents list them without a number of their own."""
    server, url = serve(printed)
    try:
        page = browser.new_page()
        page.goto(f"{url}2024/pingjia/index.html")
        markers = page.evaluate(
            "[...document.querySelectorAll('#toc li')].map(li => getComputedStyle(li).listStyleType)"
        )
        page.close()
    finally:
        server.shutdown()
    assert markers == ["none", "none"]
