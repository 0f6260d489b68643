"""A whole report as one document tree: headings, paragraphs of runs, lists, notes, the tables and charts where
the text placed them, the body's closing parts, the attachments (other reports' trees) and the 落款.

The parts lay out their tables (blocks.py); this module lays out the rest of the report around them, from the
narrative's markdown-it tokens (never from the page's HTML), so a writer that is not HTML (Word) prints the
report a reader sees on the page. Each expression's value and each directive's output were kept on its token
while the page was rendered (markdown.render_section), so nothing is evaluated twice and the tree cannot say
another figure than the page.

The body is composed here and nowhere else (`compose_form`, `compose_document`): the HTML page writes this tree
with the theme's block templates (document/html.py), so the page and every other writer print one composition.
A block read from the text keeps the markup the text's renderer made of it (`html`: a paragraph's or a heading's
content, a list's or a note's whole markup), which the block templates print; a part placed in the report is a
`Placement`, printed on the page by its own template (tables/*.html, figure.html …) and laid out for the other
writers only when one asks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar

from markdown_it.token import Token
from markupsafe import escape

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
    html: str = ""  # its content's markup as the page prints it (escaped; a figure's explanation after it)
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of runs: text (with a style: strong, em, code, strike), figures (Fig), links, pictures."""

    content: tuple[Any, ...]
    html: str = ""  # its content's markup as the page prints it (the explanation of its figures at its end)
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted or numbered list: each item a tuple of blocks."""

    items: tuple[tuple[Any, ...], ...]
    ordered: bool = False
    start: int = 1
    html: str = ""  # the whole list's markup as the page prints it
    kind: ClassVar[str] = "list"


@dataclass(frozen=True, slots=True)
class Note:
    """Blocks set off from the text (a Markdown quotation: the author's note, a quoted passage)."""

    blocks: tuple[Any, ...]
    html: str = ""  # the whole quotation's markup as the page prints it
    kind: ClassVar[str] = "note"


@dataclass(frozen=True, slots=True)
class Code:
    """Text printed as written (a fenced or indented code block)."""

    text: str
    html: str = ""  # its markup as the page prints it
    kind: ClassVar[str] = "code"


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (---)."""

    html: str = "<hr />"
    kind: ClassVar[str] = "rule"


@dataclass(frozen=True, slots=True)
class Terms:
    """The 名词解释: numbered terms with their meanings."""

    items: tuple[tuple[str, str], ...]
    kind: ClassVar[str] = "terms"


@dataclass(frozen=True, slots=True)
class Division:
    """Blocks the page prints as one section (a section of the text with its title; a table or a form the body
    prints after the text, with its heading); `classes` are the theme's (narrative, data-section, form-section)."""

    blocks: tuple[Any, ...]
    classes: tuple[str, ...] = ()
    kind: ClassVar[str] = "division"


@dataclass(frozen=True, slots=True)
class Placement:
    """A part placed in the report: by the text (`::表格`, `::图`, `::段落`, `::名词解释`, whose template the text's
    renderer already printed: `html`) or by the body after the text (printed by `template`, which reads `names`
    besides the page's). Its template is the theme's (or the site's) tables/*.html, figure.html, glossary.html, so
    a site that overrides one changes it wherever it is placed. `blocks()` lays it out for the writers that are not
    HTML, on first use: the page never needs it."""

    name: str
    lay: Callable[[], tuple[Any, ...]]
    html: str | None = None
    template: str | None = None
    names: tuple[tuple[str, Any], ...] = ()
    kind: ClassVar[str] = "placement"

    def blocks(self) -> tuple[Any, ...]:
        return self.lay()


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


def build_tree(body: Body, setting: Setting, attachments: tuple[Attachment, ...] = ()) -> Document:
    """The report's tree: its body as its page prints it, then its attachments (their own trees), then its 落款."""
    view = body.view
    signature = view.signature
    return Document(
        view.title,
        view.unit,
        view.kind,
        view.year,
        format_cn_date(view.date) if view.date else None,
        compose(body, setting),
        attachments,
        Signature(signature.unit, format_cn_date(signature.date) if signature.date else None) if signature else None,
    )


def compose(body: Body, setting: Setting) -> tuple[Any, ...]:
    """The body of a report type: that of report/body-form.html, else a document's (also for a site's own body
    template, which may compose its page in Jinja instead of writing this tree)."""
    return tuple(compose_form(body, setting) if body.template == FORM_BODY else compose_document(body, setting))


def compose_form(body: Body, setting: Setting) -> Iterator[Any]:
    """A 自评表 report: the 自评结果汇总 (unless placed), the sections, the forms left."""
    view = body.view
    if "自评汇总" not in body.placed:
        summary = placement("自评汇总", "tables/summary.html", lambda: lay_out("自评汇总", view, setting.unit))
        yield division(body, "自评结果汇总", "summary", summary)
    yield from sections(body, setting)
    yield from forms(body, setting)


def compose_document(body: Body, setting: Setting) -> Iterator[Any]:
    """A document: the sections, the 评分表 (unless placed or not published) and 评分, the data tables left (each
    titled by its heading, with its chart unless placed), the forms left and the 名词解释 (unless placed)."""
    view = body.view
    yield from sections(body, setting)
    if view.score_sheet and view.score_sheet.visible and "评分表" not in body.placed:
        sheet = placement("评分表", "tables/evaluation.html", lambda: lay_out("评分表", view))
        yield division(body, "绩效评价指标评分表", "evaluation", sheet)
    if view.scores:
        yield division(
            body, "评分结果", "scores", placement("评分", "tables/scores.html", lambda: lay_out("评分", view))
        )
    for index, name in enumerate(body.tables, 1):
        yield data_division(body, setting, view.tables[name], index, not body.placed.chart(name))
    yield from forms(body, setting)
    if view.glossary and "名词解释" not in body.placed:
        yield division(
            body, "名词解释", "glossary", placement("名词解释", "glossary.html", lambda: Terms(view.glossary))
        )


def data_division(body: Body, setting: Setting, table: Any, index: int, with_chart: bool) -> Division:
    """A data table the text did not place, titled by its heading alone (the table is labelled by it), then its
    chart unless the text placed that."""
    anchor = f"table-{index}"
    lay_table = partial(lay_out, "数据表", table, anchor)
    printed = [placement("数据表", "tables/data.html", lay_table, table=table, heading_id=body.prefix + anchor)]
    if table.chart and with_chart:
        svg = setting.chart_svg
        printed.append(
            placement("图", "figure.html", lambda: lay_out("图", table, svg(table, body.prefix)), table=table)
        )
    title = f"{table.number} {table.title}" if table.number else table.title
    return division(body, title, anchor, *printed, classes=("data-section",))


def placement(name: str, template: str, lay: Callable[[], Any], **names: Any) -> Placement:
    """A part the body prints after the text, with its template and the names that template reads."""
    return Placement(name, lambda: (lay(),), None, template, tuple(names.items()))


def division(body: Body, title: str, anchor: str, *blocks: Any, classes: tuple[str, ...] = ()) -> Division:
    """A section the body prints after the text: its heading, then its blocks."""
    return Division((heading(body, title, anchor), *blocks), classes)


def heading(body: Body, title: str, anchor: str) -> Heading:
    """A heading of the body's own (a section's title level)."""
    return Heading(2 + body.depth, (Text(title),), body.prefix + anchor, str(escape(title)))


def forms(body: Body, setting: Setting) -> Iterator[Any]:
    """The forms the text did not place, as 附表 1, 2 …"""
    view = body.view
    for index, form in enumerate(body.forms, 1):
        printed = placement(
            "自评表", "tables/form.html", partial(lay_out, "自评表", form, view.year, setting.unit), form=form
        )
        yield division(body, f"附表{index} {form.project}", f"form-{index}", printed, classes=("form-section",))


def sections(body: Body, setting: Setting) -> Iterator[Any]:
    """Each section of the text: its title, then its blocks read from its tokens."""
    for title, anchor, tokens in body.sections:
        title_heading = Heading(2 + body.depth, (Text(title),), anchor, str(escape(title)))
        yield Division((title_heading, *TokenReader(tokens, body, setting).blocks()), ("narrative",))


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
        kind, first = token.type, self.at - 1
        if kind == "heading_open":
            content, html = self.inline()
            yield Heading(int(token.tag[1]), content, token.attrGet("id"), html)
        elif kind == "paragraph_open":
            yield Paragraph(*self.inline())
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, start = self.list_items(token), int(token.attrGet("start") or 1)
            yield ListBlock(items, kind == "ordered_list_open", start, self.markup(first))
        elif kind == "blockquote_open":
            yield Note(tuple(self.blocks("blockquote_close")), self.markup(first))
        elif kind in ("fence", "code_block"):
            yield Code(token.content, self.markup(first))
        elif kind == "hr":
            yield Rule(self.markup(first))
        elif kind == "table_open":
            yield replace(self.table(), html=self.markup(first))
        elif kind == "jx_directive":
            yield self.directive(token)

    def markup(self, first: int) -> str:
        """What the text's renderer printed of the tokens from `first` to the reader's place (markdown.py keeps
        each token's output), without the line break that ends every block."""
        return "".join(token.meta.get("out", "") for token in self.tokens[first : self.at]).removesuffix("\n")

    def list_items(self, token: Token) -> tuple[tuple[Any, ...], ...]:
        close = token.type.replace("_open", "_close")
        items = []
        while self.tokens[self.at].type != close:
            self.at += 1  # list_item_open
            items.append(tuple(self.blocks("list_item_close")))
        self.at += 1
        return tuple(items)

    def inline(self) -> tuple[tuple[Any, ...], str]:
        """The runs of the inline token at the reader's place and the markup the page prints of it: its content,
        then the explanation of its figures the renderer printed before the close token (consumed too)."""
        token, closing = self.tokens[self.at], self.tokens[self.at + 1]
        self.at += 2
        return inline_runs(token.children or []), token.meta.get("out", "") + closing.meta.get("explanation", "")

    def table(self) -> Table:
        """A Markdown (GFM) table: its header row and body rows."""
        head: list[Row] = []
        body: list[Row] = []
        cells: list[Cell] = []
        while (token := self.tokens[self.at]).type != "table_close":
            self.at += 1
            if token.type in ("th_open", "td_open"):
                header = token.type == "th_open"
                cells.append(Cell(self.inline()[0], "label" if header else "text", header))
            elif token.type == "tr_close":
                (head if cells and cells[0].header else body).append(Row(tuple(cells)))
                cells = []
        self.at += 1
        parts = (Section(tuple(head), "head"),) if head else ()
        return Table((*parts, Section(tuple(body))), ("prose",))

    def directive(self, token: Token) -> Placement:
        """What `::名称[…]` placed: the page printed it with its template; laid out again from the same view for
        the other writers when one asks."""
        name, label, attrs, html = token.info, token.meta["label"], token.meta["attrs"], token.meta.get("html", "")
        view, setting, prefix = self.body.view, self.setting, self.body.prefix
        return Placement(name, lambda: tuple(placed_blocks(view, setting, prefix, name, label, attrs, html)), html)


def placed_blocks(
    view: Any, setting: Setting, prefix: str, name: str, label: str, attrs: dict[str, str], html: str
) -> Iterator[Any]:
    """The blocks of what `::名称[…]` placed, laid out from the view."""
    if name == "表格" and label in FORM_TABLES:
        yield FORM_TABLES[label](view, pick_form(view, attrs), setting.unit)
    elif name == "表格":
        yield lay_out("数据表", view.tables[label], None)
    elif name == "图":
        yield lay_out("图", view.tables[label], setting.chart_svg(view.tables[label], prefix))
    elif name == "段落":
        yield from template_paragraphs(html)
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
    elif kind in ("note", "division"):
        for block in node.blocks:
            yield from node_texts(block)
    elif kind == "placement":
        for block in node.blocks():
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
