"""The Excel writer: a report's forms and data tables as a workbook a finance reviewer can check in Excel itself.

It reads the laid-out document tree (`jixiao.parts.registry.LAYOUTS`), so merged cells, header rows and the
order of rows are the page's. Every figure is a number with the number format it prints with (82.19, 100.00%,
9.48); every figure jixiao computed is a live formula over the cells of its inputs, written from the figure's
provenance (`jixiao.provenance.Computed`: its arithmetic with the printed numbers, and the origins of its
inputs): each number of the arithmetic that is an input printed in the workbook becomes that cell's reference,
the others (a target's 428 万条, a text rather than a figure) stay constants, and the whole is rounded as the
rule rounds. A figure printed twice refers to its first cell. The cached value of each formula is jixiao's
figure, so a viewer that does not recalculate shows the same numbers.

XlsxWriter (not openpyxl) writes: it writes formulas with their cached values, print setup and merged cells,
and its bytes are deterministic once the document's creation date is fixed.
"""

from __future__ import annotations

import ast
import io
import math
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from ..provenance import Computed, origin_of
from ..values import Rate
from ..views import ReportView
from .blocks import Cell, Fig, Group, Table, Text, grid_cells, plain_text, printed_sections

# a fixed creation date: the same report gives the same bytes
CREATED = datetime(2000, 1, 1)
# what an arithmetic may hold to become a formula: numbers (a rate with %), operators, brackets
TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?%?)|([+\-−×÷*/()]))")
OPERATORS = {"×": "*", "÷": "/", "−": "-"}
SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
# column widths (in Excel's units, about one Latin character; a Chinese character takes two) by the theme's
# column classes; a data table's first column (项目) is wide, its figures narrow
WIDTHS = {
    "c-l1": 10,
    "c-l2": 12,
    "c-l3": 24,
    "c-target": 14,
    "c-actual": 14,
    "c-points": 7,
    "c-score": 8,
    "c-reason": 26,
}
FIRST_WIDTH, WIDTH = 24, 13
LINE, CAPTION_LINE = 14.0, 21.0
CJK = 2.3  # the width of a Chinese character in Excel's units  # the height of a line of text at 10 and at 14 points


@dataclass
class Placed:
    """A table placed on a sheet: each cell with its (row, column), and its header rows."""

    cells: list[tuple[int, int, Cell]]
    head: tuple[int, int] | None = None  # the rows repeated on every printed page


@dataclass
class Sheet:
    """A sheet's name, its tables and its column widths."""

    name: str
    placed: list[Placed] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    rows: int = 0


def write_workbook(report: ReportView, unit: str = "万元") -> bytes:
    """The workbook of a report: one sheet per 自评表 (its head and indicator tables, one below the other), a
    sheet of the 自评结果汇总 when there are several forms, and one sheet per data table. `unit` is the site's
    默认单位, which the forms print in their 项目资金 label."""
    sheets = lay_out_sheets(report, unit)
    homes = figure_homes(sheets)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": report.title, "author": report.unit, "created": CREATED})
    styles = Styles(book)
    for sheet in sheets:
        write_sheet(book.add_worksheet(sheet.name), sheet, homes, styles)
    book.close()
    return buffer.getvalue()


def lay_out_sheets(report: ReportView, unit: str) -> list[Sheet]:
    """The sheets and the tables on each, laid out by the parts' layouts."""
    from ..parts.registry import LAYOUTS

    tables: list[tuple[str, list[Table]]] = []
    for form in report.forms:
        group: Group = LAYOUTS["自评表"](form, report.year, unit)
        tables.append((form.project, list(group.blocks)))
    if len(report.forms) > 1:
        tables.append(("自评结果汇总", [LAYOUTS["自评汇总"](report, unit)]))
    if report.score_sheet is not None:
        tables.append(("评分表", [LAYOUTS["评分表"](report)]))
    if report.scores:
        tables.append(("评分", [LAYOUTS["评分"](report)]))
    for table in report.tables.values():
        tables.append((f"{table.number} {table.title}", [LAYOUTS["数据表"](table)]))
    names: set[str] = set()
    return [place_tables(sheet_name(title, names), blocks) for title, blocks in tables]


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\'), unique in the workbook."""
    base = SHEET_NAME.sub("", title).strip()[:28] or "表"
    name, number = base, 2
    while name.lower() in taken:
        name, number = f"{base[:25]}({number})", number + 1
    taken.add(name.lower())
    return name


def place_tables(name: str, tables: list[Table]) -> Sheet:
    """Tables one below the other on a sheet, each under its caption, a blank row between them."""
    sheet = Sheet(name, columns=max((t.columns for t in tables), key=len))
    for table in tables:
        sheet.placed.append(place_table(sheet, table))
        sheet.rows += 1
    return sheet


def place_table(sheet: Sheet, table: Table) -> Placed:
    """The grid positions of a table's cells (the HTML table model: a cell takes the next column free of the
    cells merged down from rows above)."""
    placed = Placed([])
    width = table.width
    if table.caption:
        placed.cells.append((sheet.rows, 0, Cell(table.caption, "label", colspan=width, classes=("caption",))))
        sheet.rows += 1
    sections = printed_sections(table, pdf=False)
    placed.cells += [
        (sheet.rows + r, c, cell) for r, c, cell in grid_cells([r for s in sections for r in s.rows], width)
    ]
    for section in sections:
        if section.part == "head" and placed.head is None:
            placed.head = (sheet.rows, sheet.rows + len(section.rows) - 1)
        sheet.rows += len(section.rows)
    if table.note:
        placed.cells.append((sheet.rows, 0, Cell((Text(table.note),), "note", colspan=width, classes=("note",))))
        sheet.rows += 1
    return placed


def figure_homes(sheets: list[Sheet]) -> dict[str, Home]:
    """Each traced figure's path → the first cell that prints it."""
    homes: dict[str, Home] = {}
    for sheet in sheets:
        for placed in sheet.placed:
            for row, column, cell in placed.cells:
                origin = origin_of(lone_figure(cell))
                if origin is not None and origin.path not in homes:
                    homes[origin.path] = Home(sheet.name, row, column, lone_figure(cell))
    return homes


@dataclass(frozen=True)
class Home:
    """The cell a figure is printed in first."""

    sheet: str
    row: int
    column: int
    value: Decimal = Decimal(0)

    def seen_from(self, sheet: str) -> str:
        """The reference to this cell in a formula on `sheet` (C5, or '项目'!C5 from another sheet)."""
        cell = xl_rowcol_to_cell(self.row, self.column)
        return cell if sheet == self.sheet else f"{quote_sheetname(self.sheet)}!{cell}"


def lone_figure(cell: Cell) -> Decimal | None:
    """The figure of a cell that holds one figure (a number cell), else None."""
    figures = [run for run in cell.content if isinstance(run, Fig)]
    texts = plain_text(tuple(run for run in cell.content if not isinstance(run, Fig))).strip()
    if len(figures) == 1 and not texts and figures[0].value is not None:
        return figures[0].value
    return None


class Styles:
    """The workbook's cell formats, made once per combination (XlsxWriter keeps one per call)."""

    def __init__(self, book: Any):
        self.book = book
        self.made: dict[tuple[Any, ...], Any] = {}

    def get(self, number: str | None = None, header: bool = False, caption: bool = False) -> Any:
        key = (number, header, caption)
        if key not in self.made:
            spec: dict[str, Any] = {"text_wrap": True, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
            if caption:
                spec.update(bold=True, align="center", font_size=14)
            else:
                spec["border"] = 1
            if header:
                spec.update(bold=True, align="center")
            if number:
                spec.update(num_format=number, align="right")
            self.made[key] = self.book.add_format(spec)
        return self.made[key]


def number_format(value: Decimal) -> str:
    """Excel's number format of a figure as it prints: its decimals, and % for a rate."""
    printed = str(value).rstrip("%")
    decimals = len(printed.partition(".")[2])
    digits = "0." + "0" * decimals if decimals else "0"
    return f"{digits}%" if isinstance(value, Rate) else digits


def cell_number(value: Decimal) -> float:
    """The number a cell stores: a rate as its fraction (94.84 % → 0.9484), as Excel does."""
    return float(value / 100 if isinstance(value, Rate) else value)


def write_sheet(worksheet: Any, sheet: Sheet, homes: dict[str, Home], styles: Styles) -> None:
    """One sheet: its cells (merged where the tree merges them), column widths and A4 print setup."""
    for placed in sheet.placed:
        for row, column, cell in placed.cells:
            write_cell(worksheet, sheet.name, row, column, cell, homes, styles)
    widths = column_widths(sheet)
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, width)
    for row, height in row_heights(sheet, widths).items():
        worksheet.set_row(row, height)
    worksheet.set_paper(9)
    worksheet.fit_to_pages(1, 0)
    worksheet.center_horizontally()
    heads = [p.head for p in sheet.placed if p.head]
    if heads:
        worksheet.repeat_rows(*heads[-1])


def column_widths(sheet: Sheet) -> list[float]:
    """The width of each column of a sheet: by the theme's column class, else wide for the first column."""
    count = max((column + cell.colspan for p in sheet.placed for _, column, cell in p.cells), default=0)
    classes = [*sheet.columns, *([""] * count)][:count]
    return [WIDTHS.get(kind, FIRST_WIDTH if column == 0 else WIDTH) for column, kind in enumerate(classes)]


def row_heights(sheet: Sheet, widths: list[float]) -> dict[int, float]:
    """The height of each row, from the lines its longest text takes in its cell's width: Excel does not fit a
    row to wrapped text it did not type itself, and neither does LibreOffice when it opens the file."""
    heights: dict[int, float] = {}
    for placed in sheet.placed:
        for row, column, cell in placed.cells:
            if cell.rowspan > 1:
                continue
            width = sum(widths[column : column + cell.colspan])
            line = CAPTION_LINE if "caption" in cell.classes else LINE
            heights[row] = max(heights.get(row, LINE), line * lines_of(plain_text(cell.content), width))
    return heights


def lines_of(text: str, width: float) -> int:
    """How many lines a text takes in a column `width` wide (a Chinese character counting a little over two: the
    labels are bold)."""
    room = max(width - 1, 1)
    return sum(
        max(1, math.ceil(sum(CJK if ord(ch) > 0x2E7F else 1 for ch in part) / room)) for part in text.split("\n")
    )


def write_cell(
    worksheet: Any, sheet: str, row: int, column: int, cell: Cell, homes: dict[str, Home], styles: Styles
) -> None:
    """A cell: a number (a formula where jixiao computed it) or its text, merged over its span."""
    value = lone_figure(cell)
    caption = "caption" in cell.classes
    style = styles.get(number_format(value) if value is not None else None, cell.header, caption)
    last = (row + cell.rowspan - 1, column + cell.colspan - 1)
    if last != (row, column):
        worksheet.merge_range(row, column, *last, "", style)
    if value is None:
        worksheet.write_string(row, column, plain_text(cell.content), style)
        return
    formula = formula_of(value, Home(sheet, row, column), homes)
    if formula:
        worksheet.write_formula(row, column, formula, style, cell_number(value))
    else:
        worksheet.write_number(row, column, cell_number(value), style)
    stated = next((run.stated for run in cell.content if isinstance(run, Fig) and run.differs), None)
    if stated is not None:
        worksheet.write_comment(row, column, f"原表：{stated}")


def formula_of(value: Decimal, here: Home, homes: dict[str, Home]) -> str | None:
    """The live formula of a computed figure, or None for a figure typed by the author (or one whose arithmetic
    has nothing of the workbook in it)."""
    origin = origin_of(value)
    if not isinstance(origin, Computed):
        return None
    home = homes.get(origin.path)
    if home and (home.sheet, home.row, home.column) != (here.sheet, here.row, here.column):
        return f"={home.seen_from(here.sheet)}"
    places = len(str(value).rstrip("%").partition(".")[2]) + (2 if isinstance(value, Rate) else 0)
    expression = arithmetic_formula(origin, here.sheet, places, value, homes)
    return f"={expression}" if expression else None


def arithmetic_formula(
    origin: Computed, sheet: str, places: int, result: Decimal, homes: dict[str, Home]
) -> str | None:
    """The arithmetic of an origin (95.00 ÷ 120.00) as an Excel expression whose numbers are the cells of the
    inputs printed with that number (each input used once), rounded to `places`; None when no number is a cell,
    or when the formula over the printed cells would not give jixiao's figure (a share computed from an
    unrounded sum): a reviewer must never see Excel disagree with the page."""
    expression = origin.arithmetic.rpartition(" = ")[0].replace("None", "0")  # an empty cell adds nothing
    inputs = [(item.text, homes[item.path]) for item in origin.inputs if item.path in homes]
    excel, python, used = [], [], False
    for number, sign in tokens(expression):
        if sign:
            excel.append(OPERATORS.get(sign, sign))
            python.append(OPERATORS.get(sign, sign))
            continue
        match = next((i for i, (text, _) in enumerate(inputs) if text == number), None)
        if match is None:
            excel.append(number)
            python.append(repr(str(constant(number))))
        else:
            home = inputs.pop(match)[1]
            excel.append(home.seen_from(sheet))
            python.append(repr(str(stored(home.value))))
            used = True
    if not used or evaluate("".join(python), places) != stored(result):
        return None
    return f"ROUND({''.join(excel)},{places})"


def constant(number: str) -> Decimal:
    """A number of an arithmetic as Excel reads it (100% is 1)."""
    return Decimal(number.rstrip("%")) / 100 if number.endswith("%") else Decimal(number)


def stored(value: Decimal) -> Decimal:
    """A figure as its cell holds it (a rate as its fraction)."""
    return Decimal(value) / 100 if isinstance(value, Rate) else Decimal(value)


def evaluate(expression: str, places: int) -> Decimal | None:
    """An arithmetic of decimal strings ('1.5' * ('2' + '3')) computed exactly and rounded half up, as Excel's
    ROUND does for these figures; None when it cannot be computed (a division by zero)."""

    def value(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Constant):
            return Decimal(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            return ARITHMETIC[type(node.op)](value(node.left), value(node.right))
        raise ValueError(node)

    try:
        return value(ast.parse(expression, mode="eval").body).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    except (ValueError, ArithmeticError, SyntaxError):
        return None


ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def tokens(expression: str) -> Iterator[tuple[str | None, str | None]]:
    """The numbers and operators of an arithmetic; nothing at all when it holds anything else (a word)."""
    found, end = [], 0
    for match in TOKEN.finditer(expression):
        if match.start() != end:
            return iter(())
        found.append((match.group(1), match.group(2)))
        end = match.end()
    return iter(found) if expression[end:].strip() == "" and found else iter(())
