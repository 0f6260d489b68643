"""A report as a tree of typed blocks (blocks.py), laid out once by its parts (jixiao.parts) and around them by
report.py (headings, paragraphs, lists, the attachments, the 落款), read by every writer: the HTML page and its
print version through the theme's block templates (html.py), CSV, Word (docx.py) and Excel.

`OFFICE` is the table of the office documents `jixiao build` can write beside a report's PDF, by the file
suffix site.yaml's 办公文档 names. Each writer is imported when it first writes, so a build without office
documents never loads python-docx. Each document's objects are freed as it is written (collected_after): python-docx's
and openpyxl's objects point at their parents, and the cycle collector is off while a build runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..collector import collected_after

if TYPE_CHECKING:
    from .report import Document


@dataclass(frozen=True)
class OfficeReport:
    """What an office writer reads of one report: its computed view, its document tree and the site's unit."""

    view: Any
    tree: Document
    unit: str


def write_docx(report: OfficeReport) -> bytes:
    from .docx import write_document

    with collected_after():
        return write_document(report.tree)


def write_xlsx(report: OfficeReport) -> bytes:
    from .xlsx import write_workbook

    with collected_after():
        return write_workbook(report.view, report.unit)


# suffix (as site.yaml's 办公文档 names it) → writer
OFFICE = {"docx": write_docx, "xlsx": write_xlsx}
