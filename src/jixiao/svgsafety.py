"""Refuse an SVG image that would run or fetch anything when a reader opens it.

An SVG is an XML document: opened on its own (its link on the page, a search result, the file's URL), a browser
runs its `<script>`, its `onload=` and its `javascript:` links, renders the HTML of a `<foreignObject>` and
follows an `<?xml-stylesheet?>` into XSLT. An image of a report has no need of any of that, so instead of
sanitising (rewriting an author's file behind their back), a file with active content is refused with the line
it is on, and the author exports it again as a plain drawing (or as PNG).

The file is read by expat from the standard library, as a browser reads it: internal entities are expanded
(expat ≥ 2.4 bounds their amplification, so an entity bomb is a parse error), external entities and DTDs are
never loaded. What it checks, by local name in any namespace (`<html:script>` runs as well as `<script>`):

- elements that run or embed: script, handler, listener (SVG Tiny), foreignObject, iframe, frame, embed,
  object, applet, base, link, meta; and anything in the XHTML namespace;
- attributes: every `on…` event handler, `xml:base`, and an animation (`<set>`, `<animate>`) of a link;
- references (`href`, `xlink:href`, `src`, CSS `url()`, `@import`): only a fragment of the file itself (`#id`)
  or an embedded raster image (`data:image/png;base64,…`);
- `javascript:`, `vbscript:` and HTML/SVG `data:` URLs anywhere in an attribute or a stylesheet;
- processing instructions (`<?xml-stylesheet?>`) and external entities; XML that is not well-formed (a browser
  runs the scripts it read before the error).
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from .errors import Location, SourceError

XHTML = "http://www.w3.org/1999/xhtml"
_ACTIVE_ELEMENTS = {
    "script",
    "handler",
    "listener",
    "foreignobject",
    "iframe",
    "frame",
    "embed",
    "object",
    "applet",
    "base",
    "link",
    "meta",
}
_REFERENCES = {"href", "src"}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
_SAFE_TARGET_RE = re.compile(r"^(#.*|data:image/(png|jpeg|gif|webp|avif);.*)?$", re.S | re.I)
_SCRIPT_URL_RE = re.compile(r"javascript:|vbscript:|data:(text/html|application/xhtml|image/svg)", re.I)
_CSS_URL_RE = re.compile(r"""url\(\s*(?P<q>["']?)(?P<target>.*?)(?P=q)\s*\)|(?P<import>@import)""", re.I | re.S)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")
_CSS_ESCAPE_RE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n]?|(.))", re.S)
HINT = "图片只能是静态图形：用绘图软件重新导出（去掉脚本、交互和外部引用），或导出为 PNG。"


class ActiveContent(Exception):
    """What the SVG holds that would run or fetch, in the author's words."""


class SvgCheck:
    """expat handlers that raise ActiveContent at the first thing a browser would run or fetch."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.element
        self.parser.ProcessingInstructionHandler = self.instruction
        self.parser.EntityDeclHandler = self.entity
        self.parser.UnparsedEntityDeclHandler = lambda name, *rest: self.entity(name, False, None, None, *rest)
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.root: str | None = None
        self.style_at = (1, 1)
        self.style: list[str] | None = None  # the text of the <style> element being read
        self.at = (1, 1)  # where the event being checked starts (expat's own position moves on after a raise)

    def mark(self) -> tuple[int, int]:
        self.at = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
        return self.at

    def element(self, name: str, attributes: dict[str, str]) -> None:
        self.mark()
        namespace, _, shown = name.rpartition(" ")
        local = shown.lower()
        if self.root is None:
            self.root = local
            if local != "svg":
                raise ActiveContent(f"根元素 <{shown}>（不是 <svg>）")
        if namespace == XHTML or local in _ACTIVE_ELEMENTS:
            raise ActiveContent(f"<{shown}> 元素")
        if local == "style":
            self.style, self.style_at = [], self.at
        for attribute, value in attributes.items():
            self.attribute(local, attribute.rpartition(" ")[2].lower(), attribute, value, attributes)

    def attribute(self, element: str, local: str, name: str, value: str, attributes: dict[str, str]) -> None:
        shown = name.rpartition(" ")[2]
        if local.startswith("on"):
            raise ActiveContent(f"事件属性 {shown}=")
        if name == "http://www.w3.org/XML/1998/namespace base":
            raise ActiveContent("xml:base 属性")
        if element in _ANIMATIONS and local == "attributename" and value.strip().lower() in ("href", "xlink:href"):
            raise ActiveContent(f"改写链接地址的 <{element}>")
        plain = _INVISIBLE_RE.sub("", value)
        if _SCRIPT_URL_RE.search(plain):
            raise ActiveContent(f"属性 {shown} 中的地址「{plain[:60]}」")
        if local in _REFERENCES and not _SAFE_TARGET_RE.match(plain):
            raise ActiveContent(f"属性 {shown} 引用的外部资源「{plain[:60]}」")
        check_css(value)

    def text(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)

    def end(self, name: str) -> None:
        if self.style is not None and name.rpartition(" ")[2].lower() == "style":
            self.at = self.style_at
            check_css("".join(self.style))
            self.style = None

    def instruction(self, target: str, data: str) -> None:
        self.mark()
        raise ActiveContent(f"处理指令 <?{target}?>")

    def entity(
        self, name: str, is_parameter: bool, value: str | None, base: str | None, system_id: str | None, *rest: object
    ) -> None:
        self.mark()
        if value is None and system_id is not None:
            raise ActiveContent(f"外部实体「{name}」")


def check_css(text: str) -> None:
    """A stylesheet (or any text that could be one): no `@import`, no `url()` outside the file. CSS escapes are
    read first, as a browser reads them (`\\75 rl(` is `url(`)."""
    if "\\" in text:
        text = _CSS_ESCAPE_RE.sub(_unescape, text)
    if "url" not in text.lower() and "@import" not in text.lower():
        return
    for match in _CSS_URL_RE.finditer(text):
        if match["import"]:
            raise ActiveContent("样式中的 @import")
        target = _INVISIBLE_RE.sub("", match["target"])
        if _SCRIPT_URL_RE.search(target) or not _SAFE_TARGET_RE.match(target):
            raise ActiveContent(f"样式中 url() 引用的外部资源「{target[:60]}」")


def _unescape(match: re.Match) -> str:
    code = int(match[1], 16) if match[1] else None
    return match[2] if code is None else chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def check_svg(data: bytes, path: Path) -> None:
    """Raise a SourceError at the SVG's line when it holds anything a browser would run or fetch."""
    check = SvgCheck()
    try:
        check.parser.Parse(data, True)
    except ActiveContent as found:
        where = Location(path, *check.at)
        raise SourceError(
            where, f"SVG 图片中有会执行脚本或读取外部资源的内容：{found}，已拒绝发布", rule="input", hint=HINT
        ) from None
    except expat.ExpatError as exc:
        raise SourceError(
            Location(path, exc.lineno, exc.offset + 1),
            "SVG 图片不是格式正确的 XML（浏览器会执行出错之前的脚本），已拒绝发布",
            rule="input",
            hint="用绘图软件重新导出该 SVG，或导出为 PNG。",
        ) from None
