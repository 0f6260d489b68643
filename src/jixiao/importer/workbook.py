"""A workbook read into plain grids of cells: what the form reader looks at, whatever the file's quirks.

openpyxl reads the .xlsx (with each formula's cached value, as Excel last computed it). Every merged range is
filled with its first cell's value, so a 一级指标 label spanning its rows reads in each of them; a number stored as
text and full-width digits read as numbers; a cell formatted as a percentage reads as a percentage (1 → 100%).
Anything the reader cannot take for what it is — an encrypted or old-format file, a formula error, a sheet far
larger than a form — is an error naming the file and the cell (`自评表.xlsx!B7`), never a guess.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import Location, SourceError

# a sheet larger than this is not a form (a stray cell at XFD1048576 would make millions of empty cells)
MAX_ROWS, MAX_COLUMNS = 5000, 60
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of an encrypted .xlsx and of an old .xls
ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)%?")
BLANKS = re.compile(r"[\s\u3000]+")
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA")


@dataclass(frozen=True)
class CellLocation(Location):
    """A cell of a workbook, shown as Excel names it: 自评表.xlsx!B7 (with the sheet when there are several)."""

    sheet: str = ""
    cell: str = ""

    def describe(self, root: Path | None = None) -> str:
        name = self.path.name if self.path else "<input>"
        sheet = f"{self.sheet}!" if self.sheet else ""
        return f"{name}!{sheet}{self.cell}" if self.cell else f"{name}{'!' + self.sheet if self.sheet else ''}"


@dataclass(frozen=True)
class Value:
    """A cell's content: its text as written (full-width digits made plain), and its number when it is one
    (a percentage in percent: 100 for 100%)."""

    text: str
    number: Decimal | None = None
    percent: bool = False

    @property
    def key(self) -> str:
        """The text without blanks, full-width forms made plain: how a header word is recognised."""
        return BLANKS.sub("", unicodedata.normalize("NFKC", self.text))


@dataclass
class Grid:
    """One sheet: each non-empty cell's value by (row, column), 0-based; `merged` maps a merged cell to the
    first cell of its range."""

    file: Path
    sheet: str
    several: bool
    cells: dict[tuple[int, int], Value]
    merged: dict[tuple[int, int], tuple[int, int]]
    rows: int

    def at(self, row: int, column: int) -> Value | None:
        return self.cells.get((row, column))

    def where(self, row: int, column: int) -> CellLocation:
        """The location of a cell, for an error."""
        from openpyxl.utils import get_column_letter

        return CellLocation(
            self.file, sheet=self.sheet if self.several else "", cell=f"{get_column_letter(column + 1)}{row + 1}"
        )

    def row(self, row: int) -> list[tuple[int, Value]]:
        """The cells of a row that hold something, left to right (a merged cell once)."""
        found = sorted((c, v) for (r, c), v in self.cells.items() if r == row)
        return [(c, v) for c, v in found if self.merged.get((row, c), (row, c))[1] == c]


def fail(where: Location, message: str, hint: str) -> SourceError:
    return SourceError(where, message, hint=hint, rule="import")


def read_workbook(path: Path) -> list[Grid]:
    """Every worksheet of the workbook at `path` as a grid (chart sheets have no cells and are left out)."""
    check_container(path)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise fail(
            Location(path), "无法读取这个工作簿：它不是完整的 .xlsx 文件", "用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
        ) from exc
    sheets = book.worksheets
    if book.chartsheets and not any(
        sheet.max_row > 1 or sheet.max_column > 1 for sheet in sheets if sheet.sheet_state == "visible"
    ):
        names = "、".join(sheet.title for sheet in book.chartsheets)
        raise fail(
            Location(path), f"工作簿只有图表页（{names}），没有可读的表格", "导入填写了自评表的工作簿，而不是它的图表。"
        )
    return [read_sheet(path, sheet, len(sheets) > 1) for sheet in sheets]


def check_container(path: Path) -> None:
    """An encrypted workbook or an old .xls is an OLE container, not a zip: say which, before openpyxl does not."""
    try:
        head = path.read_bytes()[:65536]
    except OSError as exc:
        raise fail(Location(path), f"无法读取这个文件（{exc.strerror}）", "检查文件名和权限。") from exc
    if head.startswith(CFB_MAGIC):
        if ENCRYPTED in head:
            raise fail(
                Location(path),
                "工作簿设有打开密码，无法读取",
                "在 Excel 或 WPS 中去掉密码（文件 → 信息 → 保护工作簿）后另存，再导入。",
            )
        raise fail(
            Location(path), "这是旧式 .xls 工作簿，只能导入 .xlsx", "用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
        )


def read_sheet(path: Path, sheet: Any, several: bool) -> Grid:
    """A worksheet's cells, merged ranges filled from their first cell."""
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        raise fail(
            CellLocation(path, sheet=sheet.title),
            f"工作表「{sheet.title}」有 {sheet.max_row} 行 {sheet.max_column} 列，远超一张自评表，不像是自评表",
            f"删去表格下方和右侧的多余内容（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），或把自评表复制到新的工作簿再导入。",
        )
    grid = Grid(path, sheet.title, several, {}, {}, sheet.max_row)
    for row in sheet.iter_rows():
        for cell in row:
            value = cell_value(grid, cell)
            if value is not None:
                grid.cells[(cell.row - 1, cell.column - 1)] = value
    for merged in sheet.merged_cells.ranges:
        first = (merged.min_row - 1, merged.min_col - 1)
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid.merged[(r, c)] = first
                if first in grid.cells:
                    grid.cells[(r, c)] = grid.cells[first]
    return grid


def cell_value(grid: Grid, cell: Any) -> Value | None:
    """A cell as a Value, None when empty; a formula error (#DIV/0!) is refused where it stands."""
    raw = cell.value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if cell.data_type == "e" or (isinstance(raw, str) and raw.strip() in ERRORS):
        raise fail(
            grid.where(cell.row - 1, cell.column - 1),
            f"单元格是公式错误 {raw}，没有可读的数",
            "在 Excel 中改正这个公式（或填上数值）并保存后再导入。",
        )
    percent = "%" in (cell.number_format or "")
    if isinstance(raw, bool):
        return Value(str(raw))
    if isinstance(raw, (int, float)):
        number = plain_decimal(raw, 100 if percent else 1)
        return Value(f"{number:f}%" if percent else f"{number:f}", number, percent)
    if isinstance(raw, (datetime, date)):
        return Value(f"{raw.year}年{raw.month}月{raw.day}日")
    return text_value(str(raw).strip())


def plain_decimal(raw: float | int, scale: int = 1) -> Decimal:
    """A stored number as the decimal it was typed as (82.19, not 82.18999999999999773); `scale` 100 reads a
    percentage's fraction in percent (0.8918 → 89.18)."""
    number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    number = round(number * scale, 9).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def text_value(text: str) -> Value:
    """A text cell; a number written as text (８２．１９, 82.19, 100%) is read as that number."""
    plain = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if NUMBER.fullmatch(plain):
        try:
            number = Decimal(plain.rstrip("%"))
        except InvalidOperation:
            return Value(plain_digits(text))
        return Value(plain, number, plain.endswith("%"))
    return Value(plain_digits(text))


def plain_digits(text: str) -> str:
    """Full-width digits, point, percent and signs as ASCII (４２８万条 → 428万条); other characters as written."""
    return text.translate(FULL_WIDTH)


FULL_WIDTH = str.maketrans("０１２３４５６７８９．％＋－", "0123456789.%+-")
