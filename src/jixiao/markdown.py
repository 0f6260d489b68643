"""Markdown narrative with computed values: markdown-it-py plus two small syntax rules.

- inline `{{ expression }}` reads the report view by its Chinese names
  (`{{ 自评表["聘用人员经费"].执行率 }}`), evaluated in the sandbox and escaped;
- a leaf block directive on its own line, `::表格[预算执行情况]{项目=聘用人员经费}`,
  places a computed table (the generic-directive syntax of remark/MyST);
- an HTML comment (`<!-- 内部备注 -->`), on lines of its own or within a paragraph, is dropped: it is
  the author's note to the next author, printed neither on the page, in the PDF nor in the search
  index (raw HTML is off, so markdown-it alone would print it as text), and never audited.

Expressions and directives are resolved while rendering, through a `Resolver` the caller
supplies, so this module knows nothing about reports or templates. Every token carries its
source line, so a problem is reported at file:line; all problems of a file are collected and
reported together. Jinja statements (`{% … %}`) have no place in prose and are errors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import escape

from .errors import ErrorGroup, Location, SourceError

_DIRECTIVE_RE = re.compile(r"^::(?P<name>[^\s:\[\]{}]+)(?:\[(?P<label>[^\]]*)\])?(?:\{(?P<attrs>[^}]*)\})?\s*$")
_ATTR_RE = re.compile(r'([^\s=]+)\s*=\s*(?:"([^"]*)"|(\S+))')
_TAG_RE = re.compile(r"<[^>]+>")
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
# A run of letters, figures and signs with no break opportunity (no space and no CJK character, between which
# lines break anyway): a long URL, a pasted hash, a 1 MB line.
_UNBROKEN_RE = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]{60,}")
WBR_EVERY = 10


class Resolver(Protocol):
    """What the page supplies: values for expressions and HTML for directives."""

    def evaluate(self, expression: str, line: int) -> Any: ...

    def show(self, value: Any) -> str: ...

    def close_block(self) -> str: ...

    def check_unit_after(self, value: Any, following: str, line: int) -> None: ...

    def directive(self, name: str, label: str, attrs: dict[str, str], line: int) -> str: ...

    def check_url(self, url: str, is_image: bool, line: int) -> str | None: ...


@dataclass
class RenderedSection:
    title: str | None
    html: str
    tokens: list[Token] = field(
        default_factory=list
    )  # the body's tokens, each expression's value and directive's HTML kept (document.report)


def _expression_rule(state: StateInline, silent: bool) -> bool:
    if state.src.startswith("{%", state.pos):
        end = state.src.find("%}", state.pos + 2)
        if not silent:
            token = state.push("jx_statement", "", 0)
            token.content = state.src[state.pos : end + 2 if end >= 0 else len(state.src)]
            token.meta = {"offset": state.src.count("\n", 0, state.pos)}
        state.pos = end + 2 if end >= 0 else len(state.src)
        return True
    if not state.src.startswith("{{", state.pos):
        return False
    end = state.src.find("}}", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push("jx_expr", "", 0)
        token.content = state.src[state.pos + 2 : end].strip()
        token.meta = {"offset": state.src.count("\n", 0, state.pos)}
    state.pos = end + 2
    return True


def _comment_rule(state: StateInline, silent: bool) -> bool:
    """An HTML comment within a paragraph is skipped; one that is not closed in its paragraph is an error
    (it would print the note it was meant to hide)."""
    if not state.src.startswith("<!--", state.pos):
        return False
    match = COMMENT_RE.match(state.src, state.pos)
    if match is None and not silent:
        token = state.push("jx_open_comment", "", 0)
        token.meta = {"offset": state.src.count("\n", 0, state.pos)}
    state.pos = match.end() if match else len(state.src)
    return True


def _comment_block_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Lines holding only an HTML comment (which may span blank lines) are skipped, as an HTML block would be."""
    if state.is_code_block(start):
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = COMMENT_RE.match(state.src, begin) if state.src.startswith("<!--", begin) else None
    if match is None:
        return False  # not a comment, or not closed: the paragraph's inline rule says so
    last = start
    while last < end and state.eMarks[last] < match.end():
        last += 1
    if last >= end or state.src[match.end() : state.eMarks[last]].strip():
        return False  # text follows on its closing line: the paragraph keeps it and the inline rule drops the comment
    if not silent:
        state.line = last + 1
    return True


def _drop_comments(state: StateCore) -> None:
    """Inline content also names headings' anchors: it may not carry a comment's text into an id."""
    for block in state.tokens:
        if block.type == "inline" and "<!--" in block.content:
            block.content = COMMENT_RE.sub("", block.content)


def _directive_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    text = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    match = _DIRECTIVE_RE.match(text)
    if not match:
        return False
    if silent:
        return True
    token = state.push("jx_directive", "", 0)
    token.map = [start, start + 1]
    token.info = match["name"]
    attrs = {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTR_RE.finditer(match["attrs"] or "")}
    token.meta = {"label": (match["label"] or "").strip(), "attrs": attrs}
    state.line = start + 1
    return True


def number_paragraphs(state: StateCore) -> None:
    """Ordered lists become the numbered paragraphs they are in these documents: `1. 为全市…` is printed as a
    paragraph beginning with "1. ", like `1.为全市…` (which CommonMark leaves a paragraph) and like every other
    paragraph (GB/T 9704 body text: first-line indent, no hanging indent), and no list renumbers item 4 as 1."""
    tokens: list[Token] = []
    levels: list[int] = []  # the level of the paragraphs directly inside each open numbered item
    number = ""  # the number the next paragraph begins with
    for token in state.tokens:
        ordered = token.markup in (".", ")")
        if token.type in ("ordered_list_open", "ordered_list_close"):
            continue
        if token.type == "list_item_open" and ordered:
            levels.append(token.level + 1)
            number = f"{token.info}{token.markup} "
            continue
        if token.type == "list_item_close" and ordered:
            levels.pop()
            tokens += numbered_paragraph(number.rstrip()) if number else ()  # an item with nothing in it
            number = ""
            continue
        if token.type in ("paragraph_open", "paragraph_close") and levels and token.level == levels[-1]:
            token.hidden = False  # a tight list hides its items' paragraphs
        if number and token.type not in ("paragraph_open", "inline"):  # the item begins with a heading, a table …
            tokens += numbered_paragraph(number.rstrip())
            number = ""
        tokens.append(token)
        if number and token.type == "inline":
            token.children = [Token("text", "", 0, content=number), *(token.children or [])]
            number = ""
    state.tokens = tokens


def numbered_paragraph(number: str) -> list[Token]:
    """A paragraph holding only a number (of an item that holds no paragraph of its own)."""
    inline = Token("inline", "", 0, content=number, children=[Token("text", "", 0, content=number)])
    return [Token("paragraph_open", "p", 1), inline, Token("paragraph_close", "p", -1)]


def _place_lines(state: StateCore) -> None:
    """Give each expression the absolute line it sits on (paragraph start + newlines before it)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        for child in block.children:
            if child.type in ("jx_expr", "jx_statement", "jx_open_comment"):
                child.meta["line"] = block.map[0] + child.meta["offset"]


def _check_urls(state: StateCore) -> None:
    """Every link and image target is shown to the resolver, which refuses what points outside and may give an
    image another address (a scan converted to PNG)."""
    resolver = state.env.get("resolver")
    if resolver is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = state.env["first_line"] + (block.map[0] if block.map else 0)
        for child in block.children:
            if child.type == "link_open":
                _collect(state.env, resolver.check_url, str(child.attrGet("href") or ""), False, line)
            elif child.type == "image":
                shown = _collect(state.env, resolver.check_url, str(child.attrGet("src") or ""), True, line)
                if shown:  # converted to a format every reader shows (images.py)
                    child.attrSet("src", shown)


def _collect(env: dict, call: Any, *args: Any) -> Any:
    """Run a resolver call; an error is kept for the file's report and rendering goes on."""
    try:
        return call(*args)
    except ErrorGroup as group:
        env["errors"].extend(group.errors)
    except SourceError as error:
        env["errors"].append(error)
    return ""


def breakable(text: str) -> str:
    """Escaped text with a `<wbr>` every few characters of a long unbroken run, so it wraps on the page and in the
    PDF instead of running off it. CSS `overflow-wrap` alone breaks such a run too, but WeasyPrint lays the rest
    of the run out again for every line it breaks there (quadratic: a 20 KB run took minutes); at a <wbr> it
    breaks as between words. Copying and search see the text unchanged."""
    parts, last = [], 0
    for match in _UNBROKEN_RE.finditer(text):
        run = match.group()
        parts += [
            escapeHtml(text[last : match.start()]),
            "<wbr>".join(escapeHtml(run[i : i + WBR_EVERY]) for i in range(0, len(run), WBR_EVERY)),
        ]
        last = match.end()
    parts.append(escapeHtml(text[last:]))
    return "".join(parts)


def _render_text(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return breakable(tokens[idx].content)


def _render_expression(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    value = _collect(env, env["resolver"].evaluate, token.content, env["first_line"] + token.meta.get("line", 0))
    token.meta["value"] = value
    following = tokens[idx + 1].content if idx + 1 < len(tokens) and tokens[idx + 1].type == "text" else ""
    env["resolver"].check_unit_after(value, following, env["first_line"] + token.meta.get("line", 0))
    return str(escape(value)) if env.get("plain") else env["resolver"].show(value)


def _render_block_close(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    """The end of a paragraph, cell, list item or heading: what the resolver adds there (the explanation of the
    figures the block printed), so the block's text itself stays as written."""
    closing = renderer.renderToken(tokens, idx, options, env)
    if tokens[idx].hidden:
        return closing
    tokens[idx].meta["explanation"] = explanation = env["resolver"].close_block()
    return explanation + closing


def _render_statement(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    env["errors"].append(
        SourceError(
            Location(env["path"], env["first_line"] + token.meta.get("line", 0)),
            f"正文中不能写模板语句「{token.content[:40]}」",
            rule="expression",
            hint="正文只能用 {{ 表达式 }} 插入数值；要判断或循环，请在 layouts/ 的模板中写。",
        )
    )
    return ""


def _render_open_comment(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    env["errors"].append(
        SourceError(
            Location(env["path"], env["first_line"] + tokens[idx].meta.get("line", 0)),
            "HTML 注释「<!--」没有结束（缺少 -->），注释和其后的文字会被印出",
            rule="input",
            hint="在注释末尾写上 -->；注释只能在一个段落之内，或单独占几行。",
        )
    )
    return ""


def _render_directive(renderer: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    line = env["first_line"] + token.map[0]
    token.meta["html"] = _collect(
        env, env["resolver"].directive, token.info, token.meta["label"], token.meta["attrs"], line
    )
    return token.meta["html"] + "\n"


def render_kept(md: MarkdownIt, tokens: list[Token], env: dict) -> str:
    """markdown-it's render, keeping each block token's output on it (`meta["out"]`): the document tree gives each
    block of the text the markup the page prints of it (document/report.py), which the block templates write."""
    renderer, options, out = md.renderer, md.options, []
    for index, token in enumerate(tokens):
        if token.type == "inline":
            piece = renderer.renderInline(token.children, options, env) if token.children else ""
        elif token.type in renderer.rules:
            piece = renderer.rules[token.type](tokens, index, options, env)
        else:
            piece = renderer.renderToken(tokens, index, options, env)
        token.meta["out"] = piece
        out.append(piece)
    return "".join(out)


def create_parser() -> MarkdownIt:
    """One parser per process: CommonMark + GFM tables + strikethrough, raw HTML off (escaped)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Let every link through to the resolver's check, which refuses file:, javascript: … with a message
    # (markdown-it would silently drop them, leaving the author wondering where the link went).
    md.validateLink = lambda url: True
    md.inline.ruler.before("text", "jx_expr", _expression_rule)
    md.inline.ruler.before("html_inline", "jx_comment", _comment_rule)
    md.block.ruler.before("table", "jx_directive", _directive_rule, {"alt": ["paragraph"]})
    md.block.ruler.before(
        "html_block", "jx_comment", _comment_block_rule, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.core.ruler.after("inline", "jx_comments", _drop_comments)
    md.core.ruler.after("jx_comments", "jx_numbers", number_paragraphs)
    md.core.ruler.after("jx_numbers", "jx_lines", _place_lines)
    md.core.ruler.after("jx_lines", "jx_urls", _check_urls)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("jx_expr", _render_expression)
    md.add_render_rule("jx_statement", _render_statement)
    md.add_render_rule("jx_directive", _render_directive)
    md.add_render_rule("jx_open_comment", _render_open_comment)
    for closer in ("paragraph_close", "td_close", "th_close", "list_item_close", "heading_close"):
        md.add_render_rule(closer, _render_block_close)
    return md


def _take_title(md: MarkdownIt, tokens: list[Token], env: dict) -> tuple[str | None, list[Token]]:
    """A leading `# 标题` names the section (its expressions evaluated); it is removed from the body. The title is
    plain text (`收入 & 支出`, not `收入 &amp; 支出`): the layout escapes it, once."""
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        rendered = md.renderer.render([tokens[1]], md.options, {**env, "plain": True})
        return html.unescape(_TAG_RE.sub("", rendered)).strip(), tokens[3:]
    return None, tokens


def _number_headings(tokens: list[Token], used: set[str], prefix: str, depth: int) -> None:
    """Shift headings down (a section's own title is h2, deeper in an attachment) and give each a
    unique anchor; the page's contents are read from these rendered headings."""
    for i, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        token.tag = f"h{min(int(token.tag[1]) + 1 + depth, 6)}"
        if token.type == "heading_open":
            token.attrSet("id", unique_anchor(f"{prefix}-{tokens[i + 1].content.strip()}", used))


def unique_anchor(text: str, used: set[str]) -> str:
    """An id made of the words of `text` (Chinese kept), unique within one page."""
    base = re.sub(r"[^\w\-]+", "-", text).strip("-").lower() or "section"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


def directive_labels(text: str, name: str) -> list[str]:
    """The labels of `::name[…]` directives in a section, in order (outside code fences), so that tables
    and charts can be numbered in the order a reader meets them before anything is rendered."""
    labels, fenced = [], False
    for line in blank_comments(text).splitlines():
        if _FENCE_RE.match(line):
            fenced = not fenced
            continue
        match = _DIRECTIVE_RE.match(line.strip()) if not fenced else None
        if match and match["name"] == name:
            labels.append((match["label"] or "").strip())
    return labels


def blank(match: re.Match) -> str:
    """Replace what was matched by spaces, keeping line breaks (and so every later line number)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def blank_comments(text: str) -> str:
    """The text with every HTML comment blanked out."""
    return COMMENT_RE.sub(blank, text) if "<!--" in text else text


def render_section(
    md: MarkdownIt,
    text: str,
    path: Path,
    first_line: int,
    resolver: Resolver,
    used_anchors: set[str],
    prefix: str,
    depth: int = 0,
) -> RenderedSection:
    """Render one section's Markdown to HTML, resolving expressions and directives; every problem of
    the file is raised together."""
    env: dict[str, Any] = {"resolver": resolver, "first_line": first_line, "path": path, "errors": []}
    tokens = md.parse(text, env)
    title, tokens = _take_title(md, tokens, env)
    _number_headings(tokens, used_anchors, prefix, depth)
    body = render_kept(md, tokens, env)
    errors = env["errors"]
    ErrorGroup.raise_any(errors)
    return RenderedSection(title, body, tokens)
