"""The Word writer (jixiao.document.docx): 公文 layout, real styles, tables that repeat their heads and keep their
rows whole, merged cells as in the tree, charts as pictures, the same bytes every time."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from conftest import report_trees
from docx.shared import Pt

from jixiao.document.docx import write_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def written():
    """luzhou-juesuan (tables, charts, 名词解释, three attachments with forms) as a .docx, and its tree."""
    _, tree = report_trees(["2023/luzhou-juesuan"])["2023/luzhou-juesuan"]
    return write_document(tree), tree


def test_the_page_is_a4_with_the_print_stylesheets_margins_and_numbered_dash_n_dash(written):
    word = docx.Document(io.BytesIO(written[0]))
    section = word.sections[0]
    # print.css: @page { size: A4; margin: 37mm 26mm 35mm 28mm } and "— " counter(page) " —"
    lengths = (section.page_width, section.page_height, section.top_margin, section.right_margin)
    lengths += (section.bottom_margin, section.left_margin)
    assert [round(length.mm) for length in lengths] == [210, 297, 37, 26, 35, 28]
    footer = section.footer.paragraphs[0]._p.xml
    assert "— " in footer and " PAGE " in footer and " —" in footer
    assert section.different_first_page_header_footer  # no number on the cover
    assert not word.sections[1].different_first_page_header_footer  # the body's first page has its number
    body = word.element.body.xml
    assert 'TOC \\o "1-2"' in body  # the contents field
    assert 'w:updateFields w:val="true"' in word.settings.element.xml


def test_headings_and_body_are_real_styles_in_the_gongwen_fonts(written):
    word, tree = docx.Document(io.BytesIO(written[0])), written[1]
    normal = word.styles["Normal"]
    assert normal.font.size == Pt(16)  # 三号
    assert normal.element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋"
    assert word.styles["Heading 1"].element.rPr.rFonts.get(f"{W}eastAsia") == "黑体"
    assert word.styles["Heading 2"].element.rPr.rFonts.get(f"{W}eastAsia") == "楷体"
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    # 01-部门概况.md's title, and the three 附件 titles of report.yaml, are first-level headings
    assert headings[0] == tree.blocks[0].blocks[0].content[0].text == "第一部分 部门概况"
    assert "附件2 项目支出绩效自评报告" in headings


def test_tables_repeat_their_head_rows_keep_rows_whole_and_merge_as_the_tree(written):
    word = docx.Document(io.BytesIO(written[0]))
    rows = [row for table in word.tables for row in table.rows]
    assert all(row._tr.trPr.find(f"{W}cantSplit") is not None for row in rows)
    first = word.tables[0].rows
    assert first[0]._tr.trPr.find(f"{W}tblHeader") is not None  # 表 1's head row
    assert first[1]._tr.trPr.find(f"{W}tblHeader") is None
    # a 自评表's 一级指标 spans its rows (vMerge) and its head cells span columns (gridSpan)
    xml = word.element.body.xml
    assert "<w:vMerge/>" in xml or '<w:vMerge w:val="continue"/>' in xml
    assert "<w:gridSpan " in xml
    texts = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert "2607.85" in texts  # 支出决算 合计, luzhou-juesuan/report.yaml (基本 1964.12 + 项目 643.73)


def test_charts_are_pictures_and_two_writes_are_the_same_bytes(written):
    data, tree = written
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        pictures = [name for name in package.namelist() if name.startswith("word/media/")]
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert pictures and all(name.endswith(".png") for name in pictures)
    assert write_document(tree) == data
    core = docx.Document(io.BytesIO(data)).core_properties
    assert (core.title, core.author) == (tree.title, tree.unit)
    assert core.created.year == 2000
