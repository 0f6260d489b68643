"""The Word writer: a report's document tree (report.py) as a .docx in 公文 layout (GB/T 9704).

A4 with the print stylesheet's margins (37 mm top, 26 mm right, 35 mm bottom, 28 mm left), the body in 仿宋 三号,
section titles in 黑体 and sub-titles in 楷体, the title in 小标宋, page numbers `— N —` centred in the footer
(none on the cover), a contents field Word fills when the file is opened. Everything is a real Word style
(Title, Heading 1 …, Normal, a table-text style), so the document is edited like one made by hand: change a
style and every heading follows. Tables keep the tree's merged cells, repeat their header rows on every page
and never split a row; a chart is its SVG drawing rendered to PNG (cairosvg).

python-docx (pinned) writes the package; the bytes are made deterministic here (fixed core-property dates and zip
entry times), so building twice gives the same file and the build cache can compare it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import cairosvg
import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .blocks import Break, Cell, Fig, Lines, Mark, Table, Text, grid_cells, printed_sections
from .report import Document, Image, Link, chart_sentence, figure_text, list_marker

# the print stylesheet's fonts (assets/fonts.css, print.css): (Latin, East Asian)
SERIF = ("Times New Roman", "仿宋")
SANS = ("Arial", "黑体")
KAI = ("Times New Roman", "楷体")
TITLE = ("Times New Roman", "方正小标宋简体")
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号
# core properties and zip entries carry this date, never the time of writing
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TABLE_STYLE = "表格文字"
CHART_WIDTH = Mm(150)
TEXT_WIDTH = Mm(156)  # A4 less the left and right margins


def write_document(report: Document) -> bytes:
    """The report as a .docx: cover, contents, body, attachments, 落款."""
    word = docx.Document()
    set_up_styles(word)
    set_up_page(word)
    write_cover(word, report)
    write_contents(word)
    write_blocks(word, report.blocks)
    for attachment in report.attachments:
        word.add_heading(attachment.title, 1)
        write_blocks(word, attachment.document.blocks)
    if report.signature:
        for line in (report.signature.unit, report.signature.date):
            if line:
                word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    properties = word.core_properties
    properties.title, properties.author, properties.last_modified_by = report.title, report.unit, report.unit
    properties.created = properties.modified = properties.last_printed = FIXED_TIME
    properties.revision = 1
    properties.keywords = f"{report.report_type}, {report.year}, {report.unit}"
    buffer = io.BytesIO()
    word.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The package with every entry dated ZIP_TIME (zipfile stamps the time of writing), in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


# styles and page ---------------------------------------------------------------------------------------------


def set_font(style: Any, fonts: tuple[str, str], size: Pt | None = None, bold: bool = False) -> None:
    """A style's (or a run's) Latin and East Asian font, size and weight (python-docx sets only the Latin one)."""
    style.font.name = fonts[0]
    style.font.bold = bold
    if size is not None:
        style.font.size = size
    fonts_element = style._element.get_or_add_rPr().get_or_add_rFonts()
    fonts_element.set(qn("w:eastAsia"), fonts[1])
    fonts_element.set(qn("w:hint"), "eastAsia")  # quotation marks “” and the like in the Chinese font, full width


def set_up_styles(word: Any) -> None:
    """Normal in 仿宋 三号 with fixed 28 pt lines; headings in 黑体 and 楷体, black; the title in 小标宋 二号;
    a table-text style in 五号 with single lines."""
    styles = word.styles
    normal = styles["Normal"]
    set_font(normal, SERIF, BODY_SIZE)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.first_line_indent = Pt(32)  # two characters
    title = styles["Title"]
    set_font(title, TITLE, Pt(22))
    title.font.color.rgb = RGBColor(0, 0, 0)
    border = title._element.pPr.find(qn("w:pBdr"))  # the default template underlines its Title
    if border is not None:
        title._element.pPr.remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    for level, fonts in ((1, SANS), (2, KAI), (3, SANS), (4, SANS), (5, SANS)):
        heading = styles[f"Heading {level}"]
        set_font(heading, fonts, BODY_SIZE)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.font.italic = False
        heading.paragraph_format.first_line_indent = Pt(32)
        heading.paragraph_format.space_before = Pt(6 if level > 1 else 12)
        heading.paragraph_format.space_after = Pt(0)
    table_text = styles.add_style(TABLE_STYLE, 1)
    table_text.base_style = normal
    set_font(table_text, SERIF, TABLE_SIZE)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.paragraph_format.first_line_indent = Pt(0)
    for name in ("List Paragraph", "Caption"):
        styles[name].paragraph_format.first_line_indent = Pt(0)
    set_font(styles["Caption"], SANS, TABLE_SIZE)
    styles["Caption"].font.color.rgb = RGBColor(0, 0, 0)
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def set_up_page(word: Any) -> None:
    """A4 with the print stylesheet's margins; `— N —` in the footer of every page but the cover."""
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin = Mm(37), Mm(26)
    section.bottom_margin, section.left_margin = Mm(35), Mm(28)
    section.footer_distance = Mm(28)
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    add_field(footer, "PAGE")
    footer.add_run(" —")
    for run in footer.runs:
        set_font(run, SERIF, Pt(14))
    settings = word.settings.element
    update = OxmlElement("w:updateFields")  # Word fills the contents field when the file is opened
    update.set(qn("w:val"), "true")
    settings.append(update)


def add_field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, TOC …) in the paragraph, with `shown` as its result until Word updates it."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            if not text:
                continue
            run.text = text
            continue
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def write_cover(word: Any, report: Document) -> None:
    """The cover as the PDF's: the unit, the title, the type and year, the date; then a new page."""
    unit = word.add_paragraph(report.unit)
    set_cover_line(unit, SANS, Pt(18), space_before=Mm(30))
    word.add_paragraph(report.title, "Title").paragraph_format.space_before = Mm(20)
    set_cover_line(word.add_paragraph(f"{report.report_type}（{report.year} 年度）"), KAI, Pt(18))
    if report.date:
        set_cover_line(word.add_paragraph(report.date), SERIF, BODY_SIZE, space_before=Mm(40))
    word.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def set_cover_line(paragraph: Any, fonts: tuple[str, str], size: Pt, space_before: Any = None) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if space_before is not None:
        paragraph.paragraph_format.space_before = space_before
    for run in paragraph.runs:
        set_font(run, fonts, size)


def write_contents(word: Any) -> None:
    """目录: a TOC field over the headings of levels 1 and 2, then the body on a new page."""
    heading = word.add_paragraph("目录", "Title")
    heading.paragraph_format.space_after = Pt(12)
    add_field(word.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u')
    body = word.add_section(WD_SECTION.NEW_PAGE)
    body.different_first_page_header_footer = False  # only the cover goes without a page number


# blocks -----------------------------------------------------------------------------------------------------


def write_blocks(word: Any, blocks: tuple[Any, ...]) -> None:
    for block in blocks:
        WRITERS[block.kind](word, block)


def write_division(word: Any, block: Any) -> None:
    write_blocks(word, block.blocks)


def write_placement(word: Any, block: Any) -> None:
    """A placed part, laid out for Word (the page printed it with its template)."""
    write_blocks(word, block.blocks())


def write_heading(word: Any, block: Any) -> None:
    """A tree heading of level 2 (a section's title) is Word's Heading 1, and so on down."""
    paragraph = word.add_heading("", min(max(block.level - 1, 1), 5))
    add_runs(paragraph, block.content)


def write_paragraph(word: Any, block: Any) -> None:
    add_runs(word.add_paragraph(), block.content)


def write_list(word: Any, block: Any, depth: int = 0) -> None:
    """Each item's number (or bullet) written before its first paragraph, as the page shows it."""
    for index, item in enumerate(block.items, block.start):
        marker = list_marker(block, index)
        for position, child in enumerate(item):
            if child.kind == "paragraph":
                paragraph = word.add_paragraph(style="List Paragraph")
                paragraph.paragraph_format.left_indent = Pt(32 * (depth + 1))
                if position == 0:
                    paragraph.add_run(marker)
                add_runs(paragraph, child.content)
            elif child.kind == "list":
                write_list(word, child, depth + 1)
            else:
                WRITERS[child.kind](word, child)


def write_note(word: Any, block: Any) -> None:
    for child in block.blocks:
        WRITERS[child.kind](word, child)
        if child.kind == "paragraph":
            word.paragraphs[-1].paragraph_format.left_indent = Pt(32)


def write_code(word: Any, block: Any) -> None:
    paragraph = word.add_paragraph(style=TABLE_STYLE)
    paragraph.add_run(block.text.rstrip("\n")).font.name = "Courier New"


def write_rule(word: Any, block: Any) -> None:
    word.add_paragraph()


def write_terms(word: Any, block: Any) -> None:
    """名词解释: each term numbered in 黑体, its meaning below."""
    for index, (term, meaning) in enumerate(block.items, 1):
        set_font(word.add_paragraph().add_run(f"{index}. {term}"), SANS)
        word.add_paragraph(meaning)


def write_group(word: Any, block: Any) -> None:
    for table in block.blocks:
        write_table(word, table, bare=True)


def write_chart(word: Any, block: Any) -> None:
    """The chart's drawing as a PNG (its SVG rendered by cairosvg), its number and title as the caption."""
    sentence = chart_sentence(block)
    if sentence is None:
        png = cairosvg.svg2png(bytestring=block.svg.encode("utf-8"), dpi=150)
        paragraph = word.add_paragraph(style=TABLE_STYLE)  # single lines: Normal's fixed 28 pt would clip it
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
    else:
        word.add_paragraph(sentence)
    word.add_paragraph(f"{block.number} {block.title}", "Caption")


def write_table_block(word: Any, block: Table) -> None:
    write_table(word, block, bare=False)


def write_table(word: Any, table: Table, bare: bool) -> None:
    """The table's grid with its merged cells; its head rows repeat on every page and no row splits; its unit
    above and its note below (not for a table of a group)."""
    if table.unit and not bare:
        paragraph = word.add_paragraph(f"单位：{table.unit}", TABLE_STYLE)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.caption:
        add_runs(word.add_paragraph(style="Caption"), table.caption)
    rows = [(row, section.part == "head") for section in printed_sections(table, False) for row in section.rows]
    width = table.width
    if not rows or not width:
        return
    grid = word.add_table(rows=len(rows), cols=width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = [list(row.cells) for row in grid.rows]
    placed = list(grid_cells([row for row, _ in rows], width))
    widths = column_widths(placed, width)
    grid.autofit = False
    for column, word_column in zip(widths, grid.columns):
        word_column.width = column
    for (_, head), word_row, row_cells in zip(rows, grid.rows, cells):
        mark_row(word_row, head)
        for column, word_cell in zip(widths, row_cells):
            word_cell.width = column
    style_id = word.styles[TABLE_STYLE].style_id
    for r, c, cell in placed:
        target = cells[r][c]
        if cell.rowspan > 1 or cell.colspan > 1:
            last_r, last_c = min(r + cell.rowspan, len(rows)) - 1, min(c + cell.colspan, width) - 1
            target = target.merge(cells[last_r][last_c])
        paragraph = target.paragraphs[0]
        set_style_id(paragraph, style_id)
        if cell.kind in ("amount", "rate", "count", "score"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif cell.header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_runs(paragraph, cell.content, bold=False)
        if cell.header:
            for run in paragraph.runs:
                set_font(run, SANS)
    if table.note and not bare:
        word.add_paragraph(f"说明：{table.note}", TABLE_STYLE)


def set_style_id(paragraph: Any, style_id: str) -> None:
    """Give a paragraph a style by its id, looked up once per table: python-docx's `paragraph.style = name` walks
    every style of the document twice to find it and the default (about 2 ms each); a report's tables have
    hundreds of cells, which made its Word file cost seconds."""
    paragraph._p.style = style_id


def column_widths(placed: list[tuple[int, int, Cell]], width: int) -> list[int]:
    """Each column's width on the page, shared by the longest text of its own (unmerged) cells, between four and
    sixteen characters: Word's equal columns squeeze a 三级指标 into a third of its words per line."""
    longest = [4] * width
    for _, c, cell in placed:
        if cell.colspan == 1:
            longest[c] = max(longest[c], min(16, len(cell.text.strip())))
    total = sum(longest)
    return [int(TEXT_WIDTH * share / total) for share in longest]


def mark_row(row: Any, head: bool) -> None:
    """No row splits over two pages; a head row repeats at the top of each."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if head:
        properties.append(OxmlElement("w:tblHeader"))


def add_runs(paragraph: Any, content: tuple[Any, ...], bold: bool = False) -> None:
    """The tree's runs as Word runs: a figure as printed (with 原表 beside a differing one), strong text in 黑体,
    emphasis in 楷体, a line break, a link's text (underlined), a picture's alternative text."""
    for run in content:
        if isinstance(run, Text):
            add_text(paragraph, run.text, run.style)
        elif isinstance(run, Lines):
            add_lines(paragraph, run.text)
        elif isinstance(run, Fig):
            paragraph.add_run(figure_text(run))
        elif isinstance(run, Mark):
            paragraph.add_run(run.text).font.superscript = True
        elif isinstance(run, Break):
            paragraph.add_run().add_break()
        elif isinstance(run, Link):
            start = len(paragraph.runs)
            add_runs(paragraph, run.content)
            for added in paragraph.runs[start:]:
                added.font.underline = True
        elif isinstance(run, Image):
            paragraph.add_run(f"［图片：{run.alt or run.src}］")


def add_text(paragraph: Any, text: str, style: str | None) -> None:
    if text == "\n":
        return  # a soft line break within a Markdown paragraph: one paragraph in Word as on the page
    if "\n" in text:
        add_lines(paragraph, text)
        return
    run = paragraph.add_run(text)
    if style == "strong":
        set_font(run, SANS)
    elif style == "em":
        set_font(run, KAI)
    elif style == "strike":
        run.font.strike = True
    elif style == "code":
        run.font.name = "Courier New"
    elif style == "small":
        run.font.size = TABLE_SIZE


def add_lines(paragraph: Any, text: str) -> None:
    """Text whose line breaks are kept, each a Word line break."""
    for index, line in enumerate(text.split("\n")):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


WRITERS = {
    "heading": write_heading,
    "paragraph": write_paragraph,
    "list": write_list,
    "note": write_note,
    "code": write_code,
    "rule": write_rule,
    "terms": write_terms,
    "group": write_group,
    "table": write_table_block,
    "chart": write_chart,
    "division": write_division,
    "placement": write_placement,
}
