"""Which characters of a report no font of the theme can draw, found in the sources, without rendering a PDF.

WeasyPrint draws a character that no font has as a box (.notdef), and the PDF's text layer then reads
every such character as the first of them (𪚥 copies as 𠀀), so a name is wrong twice. The build
learns of it only from WeasyPrint's log, after rendering, without a line. `check` finds it here: the
font families the PDF stylesheets name (their stacks and the project's @font-face files) are looked
up with fontconfig — the same lookup WeasyPrint's Pango makes — and their character maps read with
fontTools; a character of report.yaml or a section that none of them maps is a `missing-glyph`
warning at its file, line and column.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .chars import describe
from .errors import Location, SourceError, line_column
from .findings import Finding
from .paths import ProjectFiles

if TYPE_CHECKING:
    from .load import Bundle

_DECLARATION_RE = re.compile(r"(?:font-family|--[\w-]+)\s*:\s*([^;{}]+)")
_FONT_FACE_RE = re.compile(r"@font-face\s*{([^}]*)}")
_FACE_FAMILY_RE = re.compile(r"font-family\s*:\s*['\"]?([^;'\"]+)")
_FACE_URL_RE = re.compile(r"url\(\s*['\"]?([^)'\"]+)")
GENERIC = ("serif", "sans-serif", "monospace")
# Emoji come from fontconfig's fallback, not from a stack: named in a stack, the color emoji font makes Pango draw
# digits and spaces with it (tested), so the stacks leave it out and the coverage adds it after them.
FALLBACK_FAMILIES = ("Noto Color Emoji",)


def missing_glyph_message(char: str) -> str:
    """One wording for the check's finding and the PDF build's, so that a character is reported once."""
    return f"{describe(char)} 没有可用字体，PDF 中显示为方框"


def named_families(css: str) -> list[str]:
    """The font families a stylesheet's font stacks name, in order (custom properties included)."""
    names: list[str] = []
    for value in _DECLARATION_RE.findall(_FONT_FACE_RE.sub("", css)):
        for part in value.split(","):
            name = part.strip().strip("'\"")
            if name and not name.startswith(("var(", "#")) and name not in names:
                names.append(name)
    return names


def font_faces(css: str) -> list[tuple[str, str]]:
    """(family, url) of each @font-face of a stylesheet."""
    faces = []
    for body in _FONT_FACE_RE.findall(css):
        family, url = _FACE_FAMILY_RE.search(body), _FACE_URL_RE.search(body)
        if family and url:
            faces.append((family.group(1).strip(), url.group(1)))
    return faces


@functools.cache
def installed_font_file(family: str) -> str | None:
    """The file fontconfig gives for an installed family (generic families: their default), else None."""
    lib, config = _fontconfig()
    if lib is None:
        return None
    pattern = lib.FcPatternCreate()
    lib.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
    lib.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
    lib.FcDefaultSubstitute(pattern)
    match = lib.FcFontMatch(config, pattern, ctypes.byref(ctypes.c_int()))
    lib.FcPatternDestroy(pattern)
    if not match:
        return None
    try:
        found = {key: _pattern_string(lib, match, key) for key in ("family", "file")}
    finally:
        lib.FcPatternDestroy(match)
    if family not in GENERIC and (found["family"] or "").casefold() != family.casefold():
        return None  # fontconfig answers every family with its nearest; only the family itself counts
    return found["file"]


@functools.lru_cache(maxsize=1)
def _fontconfig() -> tuple[ctypes.CDLL | None, int | None]:
    """libfontconfig through ctypes: the library Pango (and so WeasyPrint) finds fonts with, without importing
    WeasyPrint, which takes a second that `check` need not spend."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    except OSError:
        return None, None
    pointer = ctypes.c_void_p
    for name, arguments, result in (
        ("FcInitLoadConfigAndFonts", [], pointer),
        ("FcPatternCreate", [], pointer),
        ("FcPatternAddString", [pointer, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
        ("FcConfigSubstitute", [pointer, pointer, ctypes.c_int], ctypes.c_int),
        ("FcDefaultSubstitute", [pointer], None),
        ("FcPatternDestroy", [pointer], None),
        ("FcFontMatch", [pointer, pointer, ctypes.POINTER(ctypes.c_int)], pointer),
        ("FcPatternGetString", [pointer, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)], ctypes.c_int),
    ):
        function = getattr(lib, name)
        function.argtypes, function.restype = arguments, result
    return lib, lib.FcInitLoadConfigAndFonts()


def _pattern_string(lib: ctypes.CDLL, pattern: int, key: str) -> str | None:
    value = ctypes.c_char_p()
    if lib.FcPatternGetString(pattern, key.encode(), 0, ctypes.byref(value)) != 0 or value.value is None:
        return None  # not FcResultMatch
    return value.value.decode("utf-8", "replace")


@functools.cache
def installed_coverage(path: str, family: str) -> frozenset[int]:
    """The characters an installed font file maps (of a collection, the face of that family)."""
    with open(path, "rb") as handle:
        return font_coverage(handle.read(), family)


def font_coverage(data: bytes, family: str | None = None) -> frozenset[int]:
    """The characters a font (TTF, OTF, WOFF, or the face of `family` in a TTC) maps; nothing when unreadable."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if data[:4] == b"ttcf":
            faces = TTCollection(io.BytesIO(data), lazy=True).fonts
            chosen = next((f for f in faces if family and _family_of(f).casefold() == family.casefold()), faces[0])
        else:
            chosen = TTFont(io.BytesIO(data), lazy=True)
        return frozenset(chosen.getBestCmap() or ())
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, ImportError):
        return frozenset()  # not a font (an LFS pointer, a broken file): the PDF build reports it


def _family_of(font) -> str:
    names = font["name"]
    return str(names.getDebugName(16) or names.getDebugName(1) or "")


class GlyphCoverage:
    """The fonts of the PDF stylesheets, read lazily in stack order: most reports need only the first."""

    def __init__(self, files: ProjectFiles, stylesheets: list[Path]):
        self.files = files
        self.sources: list[tuple[str, Path | None]] = []  # (family, @font-face file or None for installed)
        for sheet in stylesheets:
            css = files.read_text(sheet)
            self.sources += [
                (family, (sheet.parent / url).resolve())
                for family, url in font_faces(css)
                if "://" not in url and not url.startswith("data:")
            ]
            self.sources += [(family, None) for family in named_families(css)]
        self.sources += [(family, None) for family in FALLBACK_FAMILIES]
        self.loaded: list[frozenset[int]] = []

    def coverage(self, index: int) -> frozenset[int]:
        while len(self.loaded) <= index:
            self.loaded.append(self.read(*self.sources[len(self.loaded)]))
        return self.loaded[index]

    def read(self, family: str, path: Path | None) -> frozenset[int]:
        if path is not None:
            try:
                return font_coverage(self.files.read_bytes(path))
            except SourceError:
                return frozenset()  # refused or missing: the PDF build reports that
        file = installed_font_file(family)
        return installed_coverage(file, family) if file else frozenset()

    def missing(self, chars: set[str]) -> set[str]:
        """The characters none of the fonts maps."""
        left = {c for c in chars if c >= " " and c != "\x7f"}
        for index in range(len(self.sources)):
            if not left:
                break
            covered = self.coverage(index)
            left = {c for c in left if ord(c) not in covered}
        return left


def glyph_findings(coverage: GlyphCoverage, bundles: Iterable[Bundle]) -> list[Finding]:
    """A missing-glyph warning at the first place of each character no font can draw, per file of the bundles."""
    findings = []
    for path, text in ((bundle.folder / name, text) for bundle in bundles for name, text in bundle.texts.items()):
        for char in sorted(coverage.missing(set(text) - {"\n", "\r", "\t"})):
            at = text.index(char)
            findings.append(
                Finding(Location(path, *line_column(text, at)), "warning", "missing-glyph", missing_glyph_message(char))
            )
    return findings
