"""Every context a template receives, typed and declared here, each field with its description in Chinese.

The build makes one of these objects per page (report page, home, year, 404, feed, sitemap) and hands
its fields to the template as top-level names (`names()`); templates a page includes receive the same
names, plus what the including template or directive sets (a table, a form). `TEMPLATES` says which
context each template of the theme receives; the manual's theme reference (docs/reference/theme.md) is
generated from this module at docs build time, and a test checks that every name the theme's templates
read is declared here, so neither can drift from the code.

The field names are those layouts have always used (English for the page's machinery, Chinese for what
the report says), so existing layouts render the same bytes. An entry, a neighbour or `site` was a dict:
its fields are attributes now, and in a template `x.标题` and `x["标题"]` both still read them.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Iterator, MutableSet
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .document.blocks import Block
from .parts.data_table.view import TableView
from .parts.form.view import FormView
from .views import ReportView

if TYPE_CHECKING:  # document.report imports render, which imports this module
    from .document.report import Document


class Readable:
    """A record templates read field by field (render.py answers its fields directly, and only them)."""


# A page's context is made for one render and never compared: no __eq__ and __hash__ by fields (Python 3.11 compiles
# each generated method from source at import, 19 M instructions for these two on the 17 contexts).
context_record = dataclass(frozen=True, eq=False)


class Context:
    """A template's context: its fields are the template's top-level names."""

    def names(self) -> dict[str, Any]:
        """The fields as the keyword arguments of a render (shallow: the views are passed as they are)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


# what every page receives ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo(Readable):
    """站点的设置（site.yaml），每个模板都以 `site` 读到。"""

    站点名称: str
    """站点的名称（site.yaml 的 站点名称），用于页头、标题和订阅。"""
    base_url: str
    """站点在服务器上的路径前缀（site.yaml 的 base_url，默认 /）。"""
    站点网址: str | None
    """站点的完整网址（site.yaml 的 站点网址）；未设置时为空，订阅和站点地图改用相对路径。"""
    默认单位: str
    """金额的默认单位（site.yaml 的 默认单位，如 万元）。"""


@context_record
class OutputContext(Context):
    """每个模板都有的名称（网页、订阅、站点地图）。"""

    site: SiteInfo
    """站点设置，见 SiteInfo。"""
    pdf: bool
    """正在生成 PDF 时为真（封面、分页、不显示导航与搜索）；网页、订阅和站点地图为假。"""


@context_record
class PageContext(OutputContext):
    """每个网页都有的名称（base.html、页头、搜索框、404 页面）。"""

    root: str
    """从本页回到站点根目录的路径前缀（如 ../../，设置了 base_url 时为 base_url），用于站内链接。"""


# listings: home, year, feed, sitemap ----------------------------------------------------------------


@dataclass(frozen=True)
class ProjectEntry(Readable):
    """报告中一张自评表的结果，列在首页和开放数据中。"""

    项目名称: str
    """自评表的项目名称。"""
    执行率: str | None
    """预算执行率（文字，如 79.17%）；无法计算时为空。"""
    预算执行得分: str | None
    """预算执行的得分（文字）。"""
    指标得分: str | None
    """绩效指标的得分（文字）。"""
    总分: str | None
    """该项目的总分（文字）。"""
    评价等次: str | None
    """该项目的评价等次（优、良、中、差）。"""


@dataclass(frozen=True)
class ReportEntry(Readable):
    """一份报告在列表中的条目：首页、年度页、订阅和 data/reports.json 都读它。"""

    标题: str
    """报告的标题。"""
    单位: str
    """报告的单位。"""
    类型: str
    """报告类型（如 项目支出绩效自评表、部门决算说明）。"""
    日期: str | None
    """报告的日期（ISO 格式，如 2024-03-31）；未写时为空。"""
    总分: str | None
    """报告的总分（文字）；没有评分的报告为空。"""
    评价等次: str | None
    """报告的评价等次；没有评分的报告为空。"""
    摘要: str | None
    """报告的一句话摘要（其中的 {{ }} 表达式已求值）。"""
    年度: int
    """报告的年度。"""
    项目数: int
    """报告中自评表的个数。"""
    项目: list[ProjectEntry]
    """每张自评表的结果，见 ProjectEntry。"""
    url: str
    """报告网页相对站点根目录的路径（年度/slug/index.html）。"""
    data: str
    """报告开放数据 data.json 相对站点根目录的路径。"""
    pdf: str | None
    """报告 PDF 相对站点根目录的路径；不链接 PDF 时为空。"""

    def as_json(self) -> dict[str, Any]:
        """As data/reports.json and the cache's manifest keep it."""
        return {**self.__dict__, "项目": [project.__dict__ for project in self.项目]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportEntry:
        return cls(**{**data, "项目": [ProjectEntry(**project) for project in data["项目"]]})


@context_record
class HomeContext(PageContext):
    """首页（index.html）。"""

    reports: list[ReportEntry]
    """全部报告，按列表顺序：年度新的在前，再按单位、类型、标题。"""
    years: list[int]
    """有报告的年度，新的在前。"""


@context_record
class YearContext(PageContext):
    """年度页（年度/index.html，模板 year.html）。"""

    year: int
    """本页的年度。"""
    reports: list[ReportEntry]
    """本年度的报告，按列表顺序。"""


@context_record
class ReportListContext(PageContext):
    """报告列表（report-list.html），由首页和年度页包含，按单位分组列出。"""

    entries: list[ReportEntry]
    """要列出的报告（同一年度），由包含它的模板设置。"""


@dataclass(frozen=True)
class PortalCell(Readable):
    """单位页、年度对比页表格中的一格。"""

    text: str
    """显示的文字；该年度没有这项数字时为 —。"""
    href: str | None
    """数字所在报告单元格（或单位页、报告）相对站点根目录的链接；没有时为空。"""
    sort: str
    """浏览器排序用的数值（不带 %）；文字或空缺为空。"""


@dataclass(frozen=True)
class PortalTable(Readable):
    """单位页、年度对比页中的一张表。"""

    caption: str
    """表的标题（项目名称或报告类型）。"""
    headers: list[str]
    """列名，金额等带单位（如 预算（万元））。"""
    rows: list[list[PortalCell]]
    """各行的格。"""
    chart: str = ""
    """单位页：本表历年数字的图（内嵌 SVG，金额为柱、执行率和总分为折线，缺的年度留空）；年度对比页为空。"""


@context_record
class PortalTableContext(PageContext):
    """单位页、年度对比页的一张表（portal-table.html），由包含它的模板设置 table。"""

    table: PortalTable
    """要写出的表。"""


@context_record
class UnitContext(PageContext):
    """单位页（units/单位/index.html，模板 unit.html）。"""

    unit: str
    """单位名称。"""
    reports: list[ReportEntry]
    """本单位的报告，按列表顺序。"""
    tables: list[PortalTable]
    """历年主要数字：每个项目（及决算收支总计）一张表，每年一行，缺的年度为 —。"""
    csv: str
    """本单位数据 CSV 相对站点根目录的路径（data/units/单位.csv）。"""
    feed: str
    """本单位 Atom 订阅相对站点根目录的路径（units/单位/feed.xml）。"""


@context_record
class UnitsContext(PageContext):
    """单位列表（units/index.html，模板 units.html）。"""

    units: list[PortalCell]
    """每个单位：名称（text）和单位页相对站点根目录的路径（href）。"""


@context_record
class CompareContext(PageContext):
    """年度对比页（年度/units.html，模板 compare.html）。"""

    year: int
    """本页的年度。"""
    tables: list[PortalTable]
    """各单位本年度的主要数字：自评表一张，决算收支总计一张。"""
    csv: str
    """本年度数据 CSV 相对站点根目录的路径（data/年度.csv）。"""


@context_record
class FeedContext(OutputContext):
    """Atom 订阅（feed.xml）。"""

    entries: list[ReportEntry]
    """最近的报告（至多 50 份），按日期新的在前。"""
    prefix: str
    """链接的前缀：设置了 站点网址 时为完整网址，否则为站点根路径。"""
    updated: str | None
    """订阅的更新时间（最新一份报告的日期，ISO 格式）；没有报告时为空。"""
    title: str
    """订阅的标题：全站订阅为站点名称，单位订阅为「单位 - 站点名称」。"""
    page: str
    """订阅对应的网页相对站点根目录的路径：全站为 index.html，单位为 units/单位/index.html。"""
    urn: str
    """没有 站点网址 时订阅的 id（urn:jixiao:site 或 urn:jixiao:unit:单位）。"""


@context_record
class SitemapContext(OutputContext):
    """站点地图（sitemap.xml）。"""

    paths: list[str]
    """站点中每个网页相对根目录的路径：首页、各年度页、各报告页。"""
    prefix: str
    """链接的前缀：设置了 站点网址 时为完整网址，否则为站点根路径。"""


# a report's page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Neighbour(Readable):
    """同年度列表中相邻的一份报告。"""

    标题: str
    """它的标题。"""
    url: str
    """它的网页地址（相对本页）。"""


@dataclass(frozen=True)
class Neighbours(Readable):
    """上一篇和下一篇：同年度列表中本报告前后的报告。"""

    上一篇: Neighbour | None
    """列表中的前一份报告；本报告是该年度第一份时为空。"""
    下一篇: Neighbour | None
    """列表中的后一份报告；本报告是该年度最后一份时为空。"""


@dataclass(frozen=True)
class Section(Readable):
    """报告的一个 Markdown 章节，已渲染为 HTML。"""

    title: str
    """章节标题（文件中的一级标题，或文件名）。"""
    anchor: str
    """章节标题的锚点（如 s1；附件中加前缀，如 a1-s1）。"""
    html: str
    """章节正文的 HTML（已转义，模板中写 {{ s.html | safe }}）。"""


class Placed(MutableSet):
    """报告正文已经放置的内容（::表格、::图、::名词解释 指令），布局据此不再重复打印。

    查询: `placed.table(表名)`、`placed.chart(表名)`、`placed.form(项目名称)`、`placed.block(名称)`
    （名称为 评分表、自评汇总、名词解释）。原来的写法 `"表:表名" in placed`、`"评分表" in placed`
    仍然可用。模板只能查询，不能修改（沙箱不允许调用 add）。"""

    TABLE = "表:"
    CHART = "图:"

    def __init__(self) -> None:
        self.labels: set[str] = set()

    def __contains__(self, label: object) -> bool:
        return label in self.labels

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.labels))

    def __len__(self) -> int:
        return len(self.labels)

    def add(self, label: str) -> None:
        self.labels.add(label)

    def discard(self, label: str) -> None:
        self.labels.discard(label)

    def place_table(self, name: str) -> None:
        self.add(f"{self.TABLE}{name}")

    def place_chart(self, name: str) -> None:
        self.add(f"{self.CHART}{name}")

    def table(self, name: str) -> bool:
        """数据表「name」已由 ::表格[name] 放置。"""
        return f"{self.TABLE}{name}" in self.labels

    def chart(self, name: str) -> bool:
        """数据表「name」的图已由 ::图[name] 放置。"""
        return f"{self.CHART}{name}" in self.labels

    def form(self, project: str) -> bool:
        """项目「project」的自评表已由 ::表格[自评表] 放置。"""
        return project in self.labels

    def block(self, name: str) -> bool:
        """评分表、自评汇总或名词解释已由指令放置。"""
        return name in self.labels


@dataclass(frozen=True)
class PageFinding(Readable):
    """核对提示：审核发现的一个问题（不含作者的 核对说明）。"""

    位置: str
    """文件:行号。"""
    级别: str
    """error、warning 或 note。"""
    规则: str
    """规则的名称（如 rate-mismatch）。"""
    说明: str
    """问题的说明。"""
    提示: str | None
    """怎样改正；没有时为空。"""


@context_record
class SectionContext(PageContext):
    """报告正文中的指令（::表格、::图、::段落、::名词解释）渲染模板时，这些名称可用。"""

    slug: str
    """报告文件夹的名称（年度/slug 中的 slug）。"""
    pdf_file: str | None
    """报告 PDF 的文件名（相对本页）；不链接 PDF 时为空。"""
    office_files: list[str]
    """报告的 Word（.docx）和 Excel（.xlsx）文件名（相对本页）；site.yaml 不要求 办公文档 时为空。"""
    created: str | None
    """PDF 的创建日期（报告的 日期，或 SOURCE_DATE_EPOCH）；网页中为空。"""
    neighbours: Neighbours
    """同年度的上一篇和下一篇，见 Neighbours。"""
    report: ReportView
    """报告的数据与计算结果（report.yaml 的中文键，如 report.标题、report.自评表、report.数据表）。"""
    anchor_prefix: str
    """本报告各锚点的前缀：报告本身为空，附件为 a1-、a2- …。"""
    depth: int
    """标题的层级深度：报告本身为 0，附件为 1（标题写成 h{{ 2 + depth }}）。"""


@dataclass(frozen=True)
class Attachment(Readable):
    """作为附件收入本报告的另一份报告，已计算和渲染。"""

    标题: str
    """附件的标题（附件 中的 标题）。"""
    anchor: str
    """附件标题的锚点（att-1、att-2 …）。"""
    report: ReportView
    """附件报告的数据与计算结果。"""
    sections: list[Section]
    """附件的章节。"""
    forms: list[FormView]
    """附件正文没有放置的自评表。"""
    placed: Placed
    """附件正文已经放置的内容。"""
    tables: list[str]
    """附件正文没有放置、需在正文后打印的数据表的名称。"""
    prefix: str
    """附件各锚点的前缀（a1-、a2- …）。"""
    body: str
    """附件报告类型的正文模板（如 report/body-document.html）。"""
    document: Document
    """附件的文档树：正文模板用 write 写出它的各版块。"""


@context_record
class ReportContext(SectionContext):
    """报告网页和 PDF 的布局（report/<类型>.html、report/page.html）及其包含的正文模板。"""

    body: str
    """报告类型的正文模板（报告类型的 正文，如 report/body-form.html）。"""
    sections: list[Section]
    """报告的 Markdown 章节，按文件名顺序。"""
    placed: Placed
    """正文已经放置的内容，见 Placed。"""
    forms: list[FormView]
    """正文没有放置、需在正文后作为附表打印的自评表。"""
    tables: list[str]
    """正文没有放置、需在正文后打印的数据表的名称。"""
    attachments: list[Attachment]
    """作为附件收入的报告，见 Attachment。"""
    document: Document
    """报告的文档树：正文各节、正文后的表和附表都已排好，正文模板逐个 write(版块) 写出（见版式与主题）。"""
    findings: list[PageFinding]
    """核对提示：只在 site.yaml 写了 公开核对提示: true 的站点有，否则为空（serve 的预览另行显示）。"""


@context_record
class TableContext(SectionContext):
    """一张数据表的模板（tables/data.html、figure.html、paragraphs/*.html）。"""

    table: TableView
    """这张数据表（编号、标题、单位、列、行、图）。"""
    heading_id: str
    """表前标题的锚点：正文后打印的表由它命名，不再另加表题；由指令放置时不设置。"""


@context_record
class FormContext(SectionContext):
    """一张自评表的模板（tables/form.html、tables/budget.html、tables/indicators.html）。"""

    form: FormView
    """这张自评表（项目名称、预算执行、绩效指标、得分）。"""


@context_record
class PartContext(SectionContext):
    """一个部分的表格的默认模板（tables/part.html）：::表格[名称] 放置、部分没有自带模板的表格。"""

    part: str
    """表格的名称（lay_out 的名称），例如 评分表。"""


@context_record
class BlockContext(SectionContext):
    """一个版块的模板（blocks/<种类>.html）：由 write(…) 调用，读到调用它的模板的全部名称，另加 node。"""

    node: Block
    """要写出的版块：表格 Table、一组表格 Group、图 Chart（jixiao.document.blocks），报告的一节 Division、标题 Heading、
    段落 Paragraph、列表 ListBlock、引文 Note、代码 Code、分隔线 Rule、放置的部分 Placement（jixiao.document.report）。"""
    bare: bool
    """在一组表格（Group）中写出时为真：不加外框、单位行和表下说明。"""


# Which context each template of the theme receives. A report type's own layout (report/<类型>.html)
# receives a ReportContext like report/default.html.
TEMPLATES: dict[str, type[Context]] = {
    "base.html": PageContext,
    "partials/header.html": PageContext,
    "search.html": PageContext,
    "404.html": PageContext,
    "index.html": HomeContext,
    "year.html": YearContext,
    "report-list.html": ReportListContext,
    "unit.html": UnitContext,
    "units.html": UnitsContext,
    "compare.html": CompareContext,
    "portal-table.html": PortalTableContext,
    "feed.xml": FeedContext,
    "sitemap.xml": SitemapContext,
    "report/default.html": ReportContext,
    "report/page.html": ReportContext,
    "report/cover.html": ReportContext,
    "report/meta.html": ReportContext,
    "report/signature.html": ReportContext,
    "report/body-form.html": ReportContext,
    "report/body-document.html": ReportContext,
    "tables/evaluation.html": ReportContext,
    "tables/scores.html": ReportContext,
    "tables/summary.html": ReportContext,
    "glossary.html": SectionContext,
    "tables/data.html": TableContext,
    "figure.html": TableContext,
    "paragraphs/变动.html": TableContext,
    "paragraphs/完成预算.html": TableContext,
    "paragraphs/结构.html": TableContext,
    "tables/form.html": FormContext,
    "tables/budget.html": FormContext,
    "tables/indicators.html": FormContext,
    "tables/part.html": PartContext,
    "macros.html": Context,
    "blocks/runs.html": Context,
    "blocks/table.html": BlockContext,
    "blocks/group.html": BlockContext,
    "blocks/chart.html": BlockContext,
    "blocks/division.html": BlockContext,
    "blocks/heading.html": BlockContext,
    "blocks/paragraph.html": BlockContext,
    "blocks/list.html": BlockContext,
    "blocks/note.html": BlockContext,
    "blocks/code.html": BlockContext,
    "blocks/rule.html": BlockContext,
    "blocks/placement.html": BlockContext,
}
# Names every template may use that are not context fields: the environment's globals (site.py).
GLOBALS = {
    "chart_svg": "chart_svg(table, anchor_prefix)：数据表的图，内嵌 SVG。",
    "lay_out": 'lay_out(名称, …)：按部分排好的版块，例如 lay_out("自评表", form, report.年度, site.默认单位)、lay_out("数据表", table)。',
    "write": "write(版块)：用 blocks/<种类>.html 写出一个版块（表格、一组表格、图，正文的节、标题、段落等）；站点可在 layouts/blocks/ 中改写。",
    "place": "place(版块)：用放置的部分自己的模板（tables/*.html、figure.html、glossary.html）写出正文后放置的部分（Placement）。",
    "printed_sections": "printed_sections(表格, pdf)：表格各部分在屏幕或打印中的样子（打印时分组标签逐行写出）。",
    "table_csv": "table_csv(table)：数据表的 CSV 文件相对本页的路径。",
    "write_sections": "write_sections(表格)：写出表格在屏幕或打印中的各部分（printed_sections 的各项）：<thead>、<tbody> 或 <tfoot> 及其类名，内含各行。",
    "write_rows": "write_rows(部分)：写出表格一部分（printed_sections 的一项）的各行：<tr>、PDF 中的 id、类名和各单元格。",
    "write_cells": "write_cells(行)：写出表格一行的各单元格（th 或 td、合并、类、各段文字，数字经 fig 宏印出）。",
    "write_runs": "write_runs(各段)：写出单元格或表题中的各段文字（数字经 fig 宏印出）。",
    "write_reports": "write_reports(报告)：写出报告列表中各报告的 <li>（标题与链接、类型、项目数、日期、总分与等次、摘要、网页、PDF 与数据的链接）。",
    "write_portal_rows": 'write_portal_rows(表)：写出单位页、年度对比页一张表的各行：每格一个 td，数字带 data-sort 和 class="num"，链接到报告中的那一格。',
}


@functools.cache
def field_docs(kind: type) -> dict[str, str]:
    """Each field's description: the string written under it (attribute docstrings), along the bases."""
    docs: dict[str, str] = {}
    for cls in reversed(kind.__mro__):
        if cls.__module__ != __name__:
            continue
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body  # type: ignore[attr-defined]
        for node, after in zip(body, body[1:]):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
            ):
                docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs
