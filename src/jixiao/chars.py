"""Characters an author cannot see or tell apart: named in Chinese, found where they do harm.

An input method types a full-width colon「：」or an ideographic space「　」where YAML needs its own
`:` and space; a copy from a web page or Word brings no-break spaces, zero-width and bidi control
characters. YAML then fails a line late with a message about something else, or — worse — accepts
`示例\u200b中心` as a unit different from `示例中心` although both print alike. Errors therefore name
the character itself (全角冒号「：」 U+FF1A) at its line and column.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that print as nothing (or only steer the direction of the text around them).
INVISIBLE = {
    "\u00ad": "软连字符",
    "\u200b": "零宽空格",
    "\u200c": "零宽不连字",
    "\u200d": "零宽连字",
    "\u2060": "字连接符",
    "\ufeff": "零宽不换行空格（BOM）",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u202a": "从左到右嵌入",
    "\u202b": "从右到左嵌入",
    "\u202c": "方向格式结束",
    "\u202d": "从左到右覆盖",
    "\u202e": "从右到左覆盖",
    "\u2066": "从左到右隔离",
    "\u2067": "从右到左隔离",
    "\u2068": "首强隔离",
    "\u2069": "方向隔离结束",
}
# What to do about an invisible or control character, wherever it is found.
INVISIBLE_HINT = "删除该字符（它常来自从网页、PDF 或 Word 复制的文字）"
# Characters that look like YAML's colon and space but are not them.
LOOK_ALIKE_SPACES = {
    "\u00a0": "不换行空格（NBSP）",
    "\u3000": "全角空格（表意空格）",
    "\u202f": "窄不换行空格",
    **{chr(c): "Unicode 空格" for c in range(0x2000, 0x200B)},
}
LOOK_ALIKE_COLONS = {"：": "全角冒号「：」", "﹕": "小写冒号「﹕」"}
LOOK_ALIKES = {**LOOK_ALIKE_COLONS, **LOOK_ALIKE_SPACES}

_INVISIBLE_RE = re.compile(f"[{''.join(INVISIBLE)}]")
_SPACES = "".join(LOOK_ALIKE_SPACES)
# a line whose indentation holds a look-alike space, or whose key ends in a look-alike colon or a colon and a
# look-alike space (a key: text up to the first colon, not a comment, quote or flow bracket)
_INDENT_RE = re.compile(f"^[ ]*(?:- +)*([{_SPACES}])")
_COLONS = "".join(LOOK_ALIKE_COLONS)
_KEY_RE = re.compile(f"^[ ]*(?:- +)*[^\\s#'\"{{\\[:{_COLONS}][^:{_COLONS}#]*?(?:([{_COLONS}])|:([{_SPACES}]))")


def describe(char: str) -> str:
    """`全角冒号「：」 U+FF1A`, `零宽空格 U+200B`; a character without a Chinese name here: 「𪚥」 U+2A6A5."""
    code = f"U+{ord(char):04X}"
    name = INVISIBLE.get(char) or LOOK_ALIKES.get(char)
    if name is None:
        return f"「{char}」 {code}" if unicodedata.category(char)[0] not in "CZ" else code
    return f"{name} {code}"


def find_invisible(text: str) -> int | None:
    """The offset of the first invisible character, or None. A zero-width joiner inside an emoji sequence
    (👨‍👩‍👧) is part of the picture, not hidden text."""
    for match in _INVISIBLE_RE.finditer(text):
        at = match.start()
        if (
            text[at] == "\u200d"
            and 0 < at < len(text) - 1
            and _pictographic(text[at - 1])
            and _pictographic(text[at + 1])
        ):
            continue
        return at
    return None


def _pictographic(char: str) -> bool:
    return char == "\ufe0f" or unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def find_look_alike(line: str) -> tuple[int, str] | None:
    """Where a line puts a look-alike in YAML's structure (its indentation, or the colon after its key), and how
    to say what is wrong there."""
    indent = _INDENT_RE.match(line)
    if indent:
        char = indent.group(1)
        return indent.start(1), f"缩进中有{describe(char)}，YAML 的缩进只认半角空格"
    key = _KEY_RE.match(line)
    if key and key.group(1):
        return key.start(1), f"键后的冒号是{describe(key.group(1))}，YAML 只认半角冒号「:」"
    if key:
        return key.start(2), f"冒号后是{describe(key.group(2))}，YAML 只认冒号后的半角空格"
    return None


def edge_space(key: str) -> str | None:
    """A space of any kind at the start or end of a key (an ideographic space used as indentation ends up there)."""
    if key.strip() == key:
        return None
    return key[0] if key[0].isspace() else key[-1]
