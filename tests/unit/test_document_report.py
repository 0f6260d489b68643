"""The report as one document tree (jixiao.document.report): everything the page prints is in it, so a writer
that is not HTML (Word) prints the same report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import edit, page_text, report_trees, squeezed, without_explanations, write

from jixiao.document.blocks import Fig
from jixiao.document.report import Division, Document, ListBlock, Paragraph, tree_text

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
    # each section of the text is a division of the page: its title, then its blocks
    section = next(d for d in tree.blocks if isinstance(d, Division) and "资金收支" in tree_text_of(d.blocks[0]))
    heading, paragraph = section.blocks[0], section.blocks[1]
    assert (heading.level, heading.anchor) == (2, "s2")
    assert isinstance(paragraph, Paragraph)
    figures = [run.value for run in paragraph.content if isinstance(run, Fig)]
    assert figures[:2] == [Decimal("2800.36"), Decimal("2940.02")]
    # 03-部门预算绩效分析.md: five numbered paragraphs (1. 履职效能 … 5. 采购管理, as the file numbers them), paragraphs as the document has
    # them (markdown.number_paragraphs), not a list
    blocks = [block for division in tree.blocks for block in division.blocks]
    assert not [b for b in blocks if isinstance(b, ListBlock)]
    numbered = [tree_text_of(b)[:7] for b in blocks if isinstance(b, Paragraph) and tree_text_of(b)[:3] in NUMBERS]
    assert numbered == ["1. 履职效能", "2. 预算管理", "3. 财务管理", "4. 资产管理", "5. 采购管理"]
    # luzhou-juesuan/report.yaml's 附件: three other reports of the site, each its own tree under its 附件 title
    attached = built["2023/luzhou-juesuan"][1].attachments
    assert [a.title for a in attached] == [
        "附件1 部门预算绩效评价报告",
        "附件1 附表 部门预算项目支出绩效自评表（2023年度）",
        "附件2 项目支出绩效自评报告",
    ]
    assert attached[0].document.title == tree.title and attached[0].document.blocks[0].blocks[0].level == 3


NUMBERS = ("1. ", "2. ", "3. ", "4. ", "5. ")


def tree_text_of(block) -> str:
    return tree_text(Document("", "", "", 0, None, (block,)))


SECTION = """# 主要做法

### 一、资金管理

资金按进度拨付。

1. 建立台账。
2. 按月对账。
"""


def test_a_site_paragraph_template_changes_every_paragraph_of_the_text(project, cli):
    """The page's body is the tree written block by block: a site's blocks/paragraph.html prints every paragraph
    of every section (the numbered ones too, which are paragraphs), and nothing else."""
    write(project / "content/2024/demo/02-做法.md", SECTION)
    write(project / "layouts/blocks/paragraph.html", '<p class="mine">{{ node.html | safe }}</p>\n')
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = without_explanations((project / "site/2024/demo/index.html").read_text(encoding="utf-8"))
    # 01-概况.md: one paragraph (执行率 150 / 200 = 75%); 02-做法.md above: three
    mine = re.findall(r'<p class="mine">(.*?)</p>', page)
    assert [text[:14] for text in mine] == [
        "示例项目预算执行率为 75%",
        "资金按进度拨付。",
        "1. 建立台账。",
        "2. 按月对账。",
    ]
    narrative = "".join(re.findall(r'<section class="narrative">.*?</section>', page, re.S))
    assert narrative.count("<p") == 4


def test_a_site_heading_template_changes_every_heading_of_the_body(project, cli):
    """Section titles, headings inside a section and the headings the body prints after the text (自评结果汇总,
    附表1) all go through blocks/heading.html."""
    write(project / "content/2024/demo/02-做法.md", SECTION)
    write(
        project / "layouts/blocks/heading.html",
        '<h{{ node.level }} class="mine">{{ node.html | safe }}</h{{ node.level }}>\n',
    )
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    assert re.findall(r'<h(\d) class="mine">(.*?)</h\d>', article) == [
        ("2", "自评结果汇总"),
        ("2", "概况"),
        ("2", "主要做法"),
        ("4", "一、资金管理"),  # ### under the section's own title (h2): shifted one level down
        ("2", "附表1 示例项目"),
    ]
    assert len(re.findall(r"<h\d", article)) == 5


def test_a_sites_own_body_template_writes_the_tree_or_composes_in_jinja(project, cli):
    """A report type's own 正文 template gets the tree laid out as a document (the sections, then the forms the
    text left as 附表, no 自评结果汇总) and the names a body composed in Jinja reads (sections, forms …)."""
    edit(
        project / "content/site.yaml",
        "站点名称: 测试站点",
        "站点名称: 测试站点\n报告类型:\n  我的自评表: {基于: 项目支出绩效自评表, 正文: report/mine.html}",
    )
    edit(project / "content/2024/demo/report.yaml", "类型: 项目支出绩效自评表", "类型: 我的自评表")
    write(
        project / "layouts/report/mine.html",
        '<p class="mine">{{ sections | length }} 节，{{ forms | length }} 张附表</p>\n'
        "{% for block in document.blocks %}{{ write(block) }}{% endfor %}\n",
    )
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    assert '<p class="mine">1 节，1 张附表</p>' in article
    assert re.findall(r'<h2 id="([^"]*)">(.*?)</h2>', article) == [("s1", "概况"), ("form-1", "附表1 示例项目")]
