"""The report as one document tree (jixiao.document.report): everything the page prints is in it, so a writer
that is not HTML (Word) prints the same report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import tinyhtml5
from conftest import REPO

from jixiao.document import OFFICE
from jixiao.document.blocks import Fig
from jixiao.document.report import Document, Heading, ListBlock, Paragraph, tree_text
from jixiao.library import read_site
from jixiao.page import build_report
from jixiao.site import open_site

NS = "{http://www.w3.org/1999/xhtml}"
KEYS = [
    "2023/liuan-zipingbiao",
    "2023/luzhou-juesuan",
    "2023/luzhou-zhengti",
    "2023/luzhou-xiangmu-baogao",
    "2023/luzhou-xiangmu-zipingbiao",
    "2020/huaihua-zhuanxiangzijin",
]
# what the page prints besides the report: the explanations of figures (a button and a popover), the links to
# a table's CSV, a chart's drawing (the tree keeps its SVG and data; its caption is text of both)
LEFT_OUT = {"button", "svg"}


def page_text(page: bytes) -> str:
    """The text of the page's article, less the 核对提示 (screen only, not the report's), the explanations, the
    CSV links and the charts' drawings."""
    root = tinyhtml5.parse(page.decode("utf-8"))
    article = next(e for e in root.iter(f"{NS}article") if "report" in (e.get("class") or "").split())
    return "".join(element_text(child) for child in article if (child.get("class") or "") != "findings")


def element_text(element) -> str:
    tag = element.tag.removeprefix(NS).split("}")[-1]
    classes = (element.get("class") or "").split()
    skipped = tag in LEFT_OUT or element.get("popover") is not None or "downloads" in classes
    inner = "" if skipped else (element.text or "") + "".join(element_text(child) for child in element)
    return inner + (element.tail or "")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built():
    """Each repository report's page and tree, built in memory once."""
    site = open_site(REPO)
    library = read_site(site)
    trees: list[Document] = []
    original = OFFICE["docx"]
    OFFICE["docx"] = lambda report: trees.append(report.tree) or b""
    try:
        out = {}
        for key in KEYS:
            files = build_report(site, library, library.model(), key)[1]
            out[key] = (files[f"{key}/index.html"], trees[-1])
    finally:
        OFFICE["docx"] = original
    return out


@pytest.mark.parametrize("key", KEYS)
def test_the_tree_holds_every_word_and_figure_the_page_prints(built, key):
    page, tree = built[key]
    assert squeezed(tree_text(tree)) == squeezed(page_text(page))


def test_an_expression_in_prose_is_a_figure_run_and_headings_keep_their_level_and_anchor(built):
    page, tree = built["2023/luzhou-zhengti"]
    # 02-部门资金收支情况.md: 全年预算数收入为{{ 数据表.预算执行.行.部门整体.全年预算数 }}万元 (report.yaml: 2940.02)
    section = next(i for i, b in enumerate(tree.blocks) if isinstance(b, Heading) and "资金收支" in tree_text_of(b))
    heading, paragraph = tree.blocks[section], tree.blocks[section + 1]
    assert (heading.level, heading.anchor) == (2, "s2")
    assert isinstance(paragraph, Paragraph)
    figures = [run.value for run in paragraph.content if isinstance(run, Fig)]
    assert figures[:2] == [Decimal("2800.36"), Decimal("2940.02")]
    # 03-部门预算绩效分析.md: a numbered list of five items (履职效能 … 采购管理)
    lists = [b for b in tree.blocks if isinstance(b, ListBlock)]
    assert [len(b.items) for b in lists] == [5] and lists[0].ordered
    # luzhou-juesuan/report.yaml's 附件: three other reports of the site, each its own tree under its 附件 title
    attached = built["2023/luzhou-juesuan"][1].attachments
    assert [a.title for a in attached] == [
        "附件1 部门预算绩效评价报告",
        "附件1 附表 部门预算项目支出绩效自评表（2023年度）",
        "附件2 项目支出绩效自评报告",
    ]
    assert attached[0].document.title == tree.title and attached[0].document.blocks[0].level == 3


def tree_text_of(block) -> str:
    return tree_text(Document("", "", "", 0, None, (block,)))
