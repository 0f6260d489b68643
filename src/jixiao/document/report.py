"""A whole report as one document tree: headings, paragraphs of runs, lists, notes, the tables and charts where
the text placed them, the body's closing parts, the attachments (other reports' trees) and the 落款.

The parts lay out their tables (blocks.py); this module lays out the rest of the report around them, from the
narrative's markdown-it tokens (never from the page's HTML), so a writer that is not HTML (Word) prints the
report a reader sees on the page. Each expression's value and each directive's output were kept on its token
while the page was rendered (markdown.render_section), so nothing is evaluated twice and the tree cannot say
another figure than the page.

The HTML page still composes its body in Jinja (themes/gongwen/report/*.html): the composition of the two
built-in bodies is repeated here, in `compose_form` and `compose_document` (a body template of a site's own is
laid out as a document). tests/unit/test_document_report.py holds the two to the same text for every report
of content/.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from markdown_it.token import Token

from ..parts.registry import lay_out
from ..render import format_cn_date
from .blocks import Break, Cell, Fig, Lines, Mark, Row, Run, Section, Table, Text

FORM_BODY = "report/body-form.html"


@dataclass(frozen=True, slots=True)
class Link:
    """Linked text (a run): its runs and where it points."""

    content: tuple[Run, ...]
    href: str
    kind: ClassVar[str] = "link"


@dataclass(frozen=True, slots=True)
class Image:
    """A picture of the report's folder (a run): its name in the bundle, as published, and its alternative text."""

    src: str
    alt: str
    kind: ClassVar[str] = "image"


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: `level` 2 for a section's title (3 and below inside it; one deeper in an attachment), its runs,
    and the anchor the page gives it."""

    level: int
    content: tuple[Any, ...]
    anchor: str | None = None
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of runs: text (with a style: strong, em, code, strike), figures (Fig), links, pictures."""

    content: tuple[Any, ...]
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted or numbered list: each item a tuple of blocks."""

    items: tuple[tuple[Any, ...], ...]
    ordered: bool = False
    start: int = 1
    kind: ClassVar[str] = "list"


@dataclass(frozen=True, slots=True)
class Note:
    """Blocks set off from the text (a Markdown quotation: the author's note, a quoted passage)."""

    blocks: tuple[Any, ...]
    kind: ClassVar[str] = "note"


@dataclass(frozen=True, slots=True)
class Code:
    """Text printed as written (a fenced or indented code block)."""

    text: str
    kind: ClassVar[str] = "code"


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (---)."""

    kind: ClassVar[str] = "rule"


@dataclass(frozen=True, slots=True)
class Terms:
    """The 名词解释: numbered terms with their meanings."""

    items: tuple[tuple[str, str], ...]
    kind: ClassVar[str] = "terms"


@dataclass(frozen=True, slots=True)
class Signature:
    """The 落款: the issuing unit and its date as printed (2024年3月1日)."""

    unit: str
    date: str | None
    kind: ClassVar[str] = "signature"


@dataclass(frozen=True, slots=True)
class Document:
    """A report: what its cover prints (title, unit, type, year, date as printed), its body's blocks, its
    attachments and its 落款."""

    title: str
    unit: str
    report_type: str
    year: int
    date: str | None
    blocks: tuple[Any, ...]
    attachments: tuple[Attachment, ...] = ()
    signature: Signature | None = None
    kind: ClassVar[str] = "document"


@dataclass(frozen=True, slots=True)
class Attachment:
    """Another report of the site printed as part of this one, under its 附件 title, as its own tree."""

    title: str
    anchor: str
    document: Document
    kind: ClassVar[str] = "attachment"


@dataclass(frozen=True)
class Body:
    """What the tree of one report (or of an attachment) is made from: its computed view, its rendered sections
    (title, anchor, tokens), what the text placed, the forms and tables left for the body, its body template,
    and where it sits on the page (the anchors' prefix and the headings' depth)."""

    view: Any
    sections: tuple[tuple[str, str, list[Token]], ...]
    placed: Any
    forms: tuple[Any, ...]
    tables: tuple[str, ...]
    template: str
    prefix: str = ""
    depth: int = 0


@dataclass(frozen=True)
class Setting:
    """What the layouts read of the site: the default unit and how a chart is drawn (SVG, cached)."""

    unit: str
    chart_svg: Callable[..., str]


def build_tree(body: Body, setting: Setting, attachments: tuple[tuple[str, str, Body], ...] = ()) -> Document:
    """The report's tree: its body as its page composes it, then its attachments, then its 落款."""
    view = body.view
    signature = view.signature
    return Document(
        view.title,
        view.unit,
        view.kind,
        view.year,
        format_cn_date(view.date) if view.date else None,
        compose(body, setting),
        tuple(Attachment(title, anchor, build_tree(part, setting)) for title, anchor, part in attachments),
        Signature(signature.unit, format_cn_date(signature.date) if signature.date else None) if signature else None,
    )


def compose(body: Body, setting: Setting) -> tuple[Any, ...]:
    """The body in the order its template prints it."""
    return tuple(compose_form(body, setting) if body.template == FORM_BODY else compose_document(body, setting))


def compose_form(body: Body, setting: Setting) -> Iterator[Any]:
    """report/body-form.html: the 自评结果汇总 (unless placed), the sections, the forms left."""
    if "自评汇总" not in body.placed:
        yield heading(body, "自评结果汇总", "summary")
        yield lay_out("自评汇总", body.view, setting.unit)
    yield from sections(body, setting)
    yield from forms(body, setting)


def compose_document(body: Body, setting: Setting) -> Iterator[Any]:
    """report/body-document.html: the sections, the 评分表 and 评分 (unless placed), the data tables left (with
    their charts), the forms left and the 名词解释."""
    view = body.view
    yield from sections(body, setting)
    if view.score_sheet and "评分表" not in body.placed:
        yield heading(body, "绩效评价指标评分表", "evaluation")
        yield lay_out("评分表", view)
    if view.scores:
        yield heading(body, "评分结果", "scores")
        yield lay_out("评分", view)
    for index, name in enumerate(body.tables, 1):
        table = view.tables[name]
        yield heading(body, f"{table.number} {table.title}", f"table-{index}")
        yield lay_out("数据表", table, f"table-{index}")
        if table.chart and not body.placed.chart(name):
            yield lay_out("图", table, setting.chart_svg(table, body.prefix))
    yield from forms(body, setting)
    if view.glossary and "名词解释" not in body.placed:
        yield heading(body, "名词解释", "glossary")
        yield Terms(view.glossary)


def heading(body: Body, title: str, anchor: str) -> Heading:
    """A heading of the body's own (a section's title level)."""
    return Heading(2 + body.depth, (Text(title),), body.prefix + anchor)


def forms(body: Body, setting: Setting) -> Iterator[Any]:
    """report/forms.html: the forms the text did not place, as 附表 1, 2 …"""
    for index, form in enumerate(body.forms, 1):
        yield heading(body, f"附表{index} {form.project}", f"form-{index}")
        yield lay_out("自评表", form, body.view.year, setting.unit)


def sections(body: Body, setting: Setting) -> Iterator[Any]:
    """Each section: its title, then its blocks read from its tokens."""
    for title, anchor, tokens in body.sections:
        yield Heading(2 + body.depth, (Text(title),), anchor)
        yield from TokenReader(tokens, body, setting).blocks()


# markdown-it's inline styles → the style of a Text run
INLINE_STYLES = {"strong_open": "strong", "em_open": "em", "s_open": "strike"}


class TokenReader:
    """Blocks from a section's markdown-it tokens (nesting read by their open and close tokens)."""

    def __init__(self, tokens: list[Token], body: Body, setting: Setting):
        self.tokens = tokens
        self.at = 0
        self.body = body
        self.setting = setting

    def blocks(self, until: str | None = None) -> Iterator[Any]:
        """Blocks up to the close token `until` (consumed), or to the end."""
        while self.at < len(self.tokens):
            token = self.tokens[self.at]
            self.at += 1
            if token.type == until:
                return
            yield from self.block(token)

    def block(self, token: Token) -> Iterator[Any]:
        kind = token.type
        if kind == "heading_open":
            yield Heading(int(token.tag[1]), self.inline(), token.attrGet("id"))
            self.at += 1  # heading_close
        elif kind == "paragraph_open":
            content = self.inline()
            self.at += 1  # paragraph_close
            yield Paragraph(content)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            yield self.list_block(token)
        elif kind == "blockquote_open":
            yield Note(tuple(self.blocks("blockquote_close")))
        elif kind in ("fence", "code_block"):
            yield Code(token.content)
        elif kind == "hr":
            yield Rule()
        elif kind == "table_open":
            yield self.table()
        elif kind == "jx_directive":
            yield from self.directive(token)

    def list_block(self, token: Token) -> ListBlock:
        close = token.type.replace("_open", "_close")
        items = []
        while self.tokens[self.at].type != close:
            self.at += 1  # list_item_open
            items.append(tuple(self.blocks("list_item_close")))
        self.at += 1
        start = int(token.attrGet("start") or 1)
        return ListBlock(tuple(items), token.type == "ordered_list_open", start)

    def inline(self) -> tuple[Any, ...]:
        """The runs of the inline token at the reader's place."""
        token = self.tokens[self.at]
        self.at += 1
        return inline_runs(token.children or [])

    def table(self) -> Table:
        """A Markdown (GFM) table: its header row and body rows."""
        head: list[Row] = []
        body: list[Row] = []
        cells: list[Cell] = []
        while (token := self.tokens[self.at]).type != "table_close":
            self.at += 1
            if token.type in ("th_open", "td_open"):
                cells.append(
                    Cell(self.inline(), "label" if token.type == "th_open" else "text", token.type == "th_open")
                )
            elif token.type == "tr_close":
                (head if cells and cells[0].header else body).append(Row(tuple(cells)))
                cells = []
        self.at += 1
        parts = (Section(tuple(head), "head"),) if head else ()
        return Table((*parts, Section(tuple(body))), ("prose",))

    def directive(self, token: Token) -> Iterator[Any]:
        """What `::名称[…]` placed, laid out again from the same view (the page printed it as HTML)."""
        name, label, attrs = token.info, token.meta["label"], token.meta["attrs"]
        view, unit = self.body.view, self.setting.unit
        if name == "表格" and label in FORM_TABLES:
            yield FORM_TABLES[label](view, pick_form(view, attrs), unit)
        elif name == "表格":
            yield lay_out("数据表", view.tables[label], None)
        elif name == "图":
            yield lay_out("图", view.tables[label], self.setting.chart_svg(view.tables[label], self.body.prefix))
        elif name == "段落":
            yield from template_paragraphs(token.meta.get("html", ""))
        elif name == "名词解释":
            yield Terms(view.glossary)


FORM_TABLES: dict[str, Callable[[Any, Any, str], Any]] = {
    "自评表": lambda view, form, unit: lay_out("自评表", form, view.year, unit),
    "预算执行情况": lambda view, form, unit: lay_out("预算执行情况", form, unit),
    "绩效指标评分表": lambda view, form, unit: lay_out("绩效指标评分表", form),
    "自评汇总": lambda view, form, unit: lay_out("自评汇总", view, unit),
    "评分表": lambda view, form, unit: lay_out("评分表", view),
}


def pick_form(view: Any, attrs: dict[str, str]) -> Any:
    """The form `{项目=…}` names (by name or number), or the only one (the page checked it exists)."""
    wanted = attrs.get("项目")
    forms = list(view.forms)
    if wanted is None:
        return forms[0] if forms else None
    if wanted.isdigit() and 1 <= int(wanted) <= len(forms):
        return forms[int(wanted) - 1]
    return next((form for form in forms if form.project == wanted), None)


_PARAGRAPH_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def template_paragraphs(rendered: str) -> Iterator[Paragraph]:
    """A standard paragraph (`::段落`) is a theme template (paragraphs/*.html) whose output is prose: its
    paragraphs as text. Its figures are text here, not Fig runs: the template prints them into sentences."""
    for match in _PARAGRAPH_RE.finditer(rendered):
        yield Paragraph((Text(html.unescape(_TAG_RE.sub("", match.group(1)))),))


def inline_runs(children: list[Token]) -> tuple[Any, ...]:
    """Runs of an inline token: text in its style, an expression's value (a figure when it is a number), a line
    break, a link's runs, a picture."""
    out: list[Any] = []
    styles: list[str] = []
    link: list[Any] | None = None
    href = ""
    for child in children:
        target = out if link is None else link
        kind = child.type
        if kind in INLINE_STYLES:
            styles.append(INLINE_STYLES[kind])
        elif kind in ("strong_close", "em_close", "s_close"):
            styles.pop()
        elif kind == "text" and child.content:
            target.append(Text(child.content, styles[-1] if styles else None))
        elif kind == "code_inline":
            target.append(Text(child.content, "code"))
        elif kind == "softbreak":
            target.append(Text("\n"))
        elif kind == "hardbreak":
            target.append(Break())
        elif kind == "jx_expr":
            target.append(value_run(child.meta.get("value")))
        elif kind == "link_open":
            link, href = [], str(child.attrGet("href") or "")
        elif kind == "link_close" and link is not None:
            out.append(Link(tuple(link), href))
            link = None
        elif kind == "image":
            target.append(Image(str(child.attrGet("src") or ""), child.content))
    return tuple(out)


def value_run(value: Any) -> Any:
    """An expression's value as a run: a number is a figure (it prints itself and carries its provenance)."""
    if isinstance(value, Decimal):
        return Fig(value)
    return Text("" if value is None else str(value))


def tree_text(node: Any) -> str:
    """The tree as the text a reader sees on the page: every block's text, a figure with the document's printed
    value beside it when the two differ (原表 …), a table's unit and note, a chart's caption, the 落款."""
    return "".join(node_texts(node))


def node_texts(node: Any) -> Iterator[str]:
    kind = node.kind
    if kind == "document":
        for block in (*node.blocks, *node.attachments):
            yield from node_texts(block)
        if node.signature:
            yield from (node.signature.unit, "\n", node.signature.date or "", "\n")
    elif kind == "attachment":
        yield node.title + "\n"
        yield from node_texts(node.document)
    elif kind in ("heading", "paragraph"):
        yield runs_text(node.content) + "\n"
    elif kind == "list":
        for index, item in enumerate(node.items, node.start):
            yield list_marker(node, index)
            for block in item:
                yield from node_texts(block)
    elif kind == "note":
        for block in node.blocks:
            yield from node_texts(block)
    elif kind == "code":
        yield node.text
    elif kind == "terms":
        for index, (term, meaning) in enumerate(node.items, 1):
            yield f"{index}. {term}\n{meaning}\n"
    elif kind == "group":
        for table in node.blocks:
            yield from table_texts(table, bare=True)
    elif kind == "table":
        yield from table_texts(node, bare=False)
    elif kind == "chart":
        yield from (chart_sentence(node) or "", f"{node.number} {node.title}\n")


def list_marker(node: ListBlock, index: int) -> str:
    """What a list item is printed after: its number, or a bullet."""
    return f"{index}. " if node.ordered else "• "


def chart_sentence(chart: Any) -> str | None:
    """What a chart with nothing to draw says instead (charts.py: 只有一项 …), else None: it is a drawing."""
    if chart.svg.lstrip().startswith("<p"):
        return html.unescape(_TAG_RE.sub("", chart.svg)).strip()
    return None


def table_texts(table: Table, bare: bool) -> Iterator[str]:
    """A table's text as the screen prints it (a bare table, inside a group, without its unit and note)."""
    if table.unit and not bare:
        yield f"单位：{table.unit}\n"
    if table.caption:
        yield runs_text(table.caption) + "\n"
    for section in table.sections:
        if section.print_only:
            continue
        for row in section.rows:
            yield "\t".join(runs_text(cell.content) for cell in row.cells) + "\n"
    if table.note and not bare:
        yield f"说明：{table.note}\n"


def runs_text(content: tuple[Any, ...]) -> str:
    """Runs as printed: a figure with 原表 beside it when the document printed another, a mark, a link's text."""
    parts = []
    for run in content:
        if isinstance(run, (Text, Lines)):
            parts.append(run.text)
        elif isinstance(run, Fig):
            parts.append(figure_text(run))
        elif isinstance(run, Mark):
            parts.append(run.text)
        elif isinstance(run, Break):
            parts.append("\n")
        elif isinstance(run, Link):
            parts.append(runs_text(run.content))
    return "".join(parts)


def figure_text(run: Fig) -> str:
    """A figure as the theme's `fig` macro prints it (— for none; the 原表 value beside a differing one)."""
    shown = "—" if run.value is None else str(run.value)
    return f"{shown} 原表 {run.stated}" if run.differs else shown
