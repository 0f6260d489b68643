"""The report as one document tree (jixiao.document.report): everything the page prints is in it, so a writer
that is not HTML (Word) prints the same report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import page_text, report_trees, squeezed

from jixiao.document.blocks import Fig
from jixiao.document.report import Document, Heading, ListBlock, Paragraph, tree_text

KEYS = [
    "2023/liuan-zipingbiao",
    "2023/luzhou-juesuan",
    "2023/luzhou-zhengti",
    "2023/luzhou-xiangmu-baogao",
    "2023/luzhou-xiangmu-zipingbiao",
    "2020/huaihua-zhuanxiangzijin",
]


@pytest.fixture(scope="module")
def built():
    return report_trees(KEYS)


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
    # 03-部门预算绩效分析.md: five numbered paragraphs (1. 履职效能 … 5. 采购管理, as the file numbers them), paragraphs as the document has
    # them (markdown.number_paragraphs), not a list
    assert not [b for b in tree.blocks if isinstance(b, ListBlock)]
    numbered = [tree_text_of(b)[:7] for b in tree.blocks if isinstance(b, Paragraph) and tree_text_of(b)[:3] in NUMBERS]
    assert numbered == ["1. 履职效能", "2. 预算管理", "3. 财务管理", "4. 资产管理", "5. 采购管理"]
    # luzhou-juesuan/report.yaml's 附件: three other reports of the site, each its own tree under its 附件 title
    attached = built["2023/luzhou-juesuan"][1].attachments
    assert [a.title for a in attached] == [
        "附件1 部门预算绩效评价报告",
        "附件1 附表 部门预算项目支出绩效自评表（2023年度）",
        "附件2 项目支出绩效自评报告",
    ]
    assert attached[0].document.title == tree.title and attached[0].document.blocks[0].level == 3


NUMBERS = ("1. ", "2. ", "3. ", "4. ", "5. ")


def tree_text_of(block) -> str:
    return tree_text(Document("", "", "", 0, None, (block,)))
