"""PDF of a report with WeasyPrint, from the same layouts as the HTML page.

Safety: the URL fetcher reads only `file:` URLs inside the project and the theme
folders, and `data:` URLs; anything else (the network, /etc/…) is refused and
reported. Determinism: dates come from the report (or SOURCE_DATE_EPOCH) and the
PDF identifier is derived from the content, so building twice gives the same bytes.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .collector import collected_after
from .errors import SourceError
from .images import lfs_pointer_size
from .paths import ProjectFiles

LOGGER = logging.getLogger("weasyprint")
_MISSING_GLYPH_RE = re.compile(r'unsupported by fonts: "(.)" \(U\+([0-9A-F]+)\)')
# ids of the rows of a grouped table (laid out by jixiao.parts.indicators.layout): "…ind-<form>-1-2-3[-cont]"
_GROUP_ROW_RE = re.compile(r"(?:^|-)ind-.+(?:-\d+){3}(?:-cont)?$")


class ProjectFetcher(weasyprint.URLFetcher):
    """Fetch only files the project's read policy allows (paths.py), the images the page converted (`converted`,
    by path) and data: URLs; record refusals, and files that are Git LFS pointers (WeasyPrint would drop a font
    or an image silently and print on with another)."""

    def __init__(self, files: ProjectFiles, converted: dict[Path, bytes] | None = None):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)
        self.files = files
        self.converted = converted or {}
        self.refused: list[str] = []
        self.lfs_pointers: list[tuple[Path, int]] = []  # (file, size of the real file)

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
            try:
                data = self.converted[path] if path in self.converted else self.files.read_bytes(path)
            except SourceError:
                pass
            else:
                size = lfs_pointer_size(data)
                if size is not None:
                    self.lfs_pointers.append((path, size))
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return weasyprint.urls.URLFetcherResponse(url, data, {"Content-Type": kind})
        self.refused.append(url)
        raise ValueError(f"refused: {url}")


def fast_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset, in C) rather than fontTools, which
    is several times slower on the large CJK fonts every report embeds."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


SLOW_SUBSETTING = (
    "PDF 字体将由 fontTools 在 Python 中子集化（找不到 libharfbuzz-subset0），每份报告会慢数倍；"
    "在 Debian/Ubuntu 上运行 `sudo apt-get install libharfbuzz-subset0`（`make build` 会安装它）。"
)


class _Collector(logging.Handler):
    """Collects WeasyPrint's warnings during one render (missing glyphs, failed resources)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collect_warnings() -> Iterator[_Collector]:
    collector = _Collector()
    LOGGER.addHandler(collector)
    previous = LOGGER.propagate
    LOGGER.propagate = False  # keep WeasyPrint's own log lines off the user's terminal
    try:
        yield collector
    finally:
        LOGGER.removeHandler(collector)
        LOGGER.propagate = previous


def continued_rows_at_page_tops(rendered: weasyprint.Document) -> list[str]:
    """Ids of the table rows that begin a page but not their group (the theme ends their id with
    "-cont"): a table split over pages must repeat the merged group labels there, and only the
    layout knows where the pages fall."""
    names = []
    for page in rendered.pages:
        rows = sorted((box[1], name) for name, box in page.anchors.items() if _GROUP_ROW_RE.search(name))
        if rows and rows[0][1].endswith("-cont"):
            names.append(rows[0][1])
    return names


def show_repeated_labels(rendered: weasyprint.Document, rows: list[str]) -> None:
    """Show the hidden label copies (.repeat) of those rows, in the laid-out pages. Visibility changes no box,
    so this is what a second layout with `.repeat { visibility: visible }` for those rows would draw (the
    same bytes, tested), at no second layout's cost."""
    wanted = set(rows)
    for page in rendered.pages:
        for box in page._page_box.descendants():
            if _element_id(box) in wanted:
                for inner in box.descendants():
                    if "repeat" in _element_classes(inner):
                        for part in inner.descendants(placeholders=True):
                            part.style["visibility"] = "visible"


def _element_id(box: object) -> str | None:
    element = getattr(box, "element", None)
    return element.get("id") if element is not None else None


def _element_classes(box: object) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


@dataclass
class PdfResult:
    data: bytes
    pages: int
    refused: list[str]  # URLs the fetcher would not read
    missing_glyphs: list[str]  # characters drawn as .notdef


class PdfRenderer:
    """One per process: the font configuration is shared by every PDF that process renders."""

    def __init__(self, files: ProjectFiles, stylesheets: list[Path], extra_css: str, variant: str | None):
        self.files = files
        self.fonts = FontConfiguration()
        self.variant = variant
        fetcher = ProjectFetcher(files)
        self.stylesheets = [
            weasyprint.CSS(string=files.read_text(p), base_url=p.as_uri(), url_fetcher=fetcher, font_config=self.fonts)
            for p in stylesheets
        ]
        if extra_css:
            self.stylesheets.append(weasyprint.CSS(string=extra_css, font_config=self.fonts))
        # The fonts (and images) the stylesheets load, once: a licensed font left as an LFS pointer.
        self.lfs_pointers = sorted(set(fetcher.lfs_pointers))

    def render(self, html: str, base_dir: Path, converted: dict[str, bytes]) -> PdfResult:
        """Lay out and write one PDF; resources resolve against `base_dir` (the report bundle), where the images
        converted for the page (`converted`, by bundle-relative name) are found too."""
        fetcher = ProjectFetcher(self.files, {base_dir / name: data for name, data in converted.items()})
        with collect_warnings() as log, collected_after():
            data, pages = self.lay_out(html, base_dir, fetcher)
        missing = sorted({m.group(1) for text in log.messages for m in [_MISSING_GLYPH_RE.search(text)] if m})
        return PdfResult(data, pages, fetcher.refused, missing)

    def lay_out(self, html: str, base_dir: Path, fetcher: ProjectFetcher) -> tuple[bytes, int]:
        """The PDF's bytes and its number of pages, and nothing else of the layout, so that collected_after frees
        the layout's boxes (which point at their parents) once the call returns."""
        document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher)
        rendered = document.render(stylesheets=self.stylesheets, font_config=self.fonts)
        show_repeated_labels(rendered, continued_rows_at_page_tops(rendered))
        return rendered.write_pdf(pdf_variant=self.variant), len(rendered.pages)
