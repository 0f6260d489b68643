"""Which files of a report bundle are published beside its page, and that none of them runs in a browser.

Everything in a bundle that jixiao does not read itself (report.yaml and the Markdown sections) is
published at the report's URL: images, a scanned original, an attached spreadsheet. A bundle is
content, written or collected by clerks, not the site's code, so it may not bring anything a browser
would run at the site's address: a file is published only when its type is on the list below, which
holds nothing a browser runs (no .html, .xhtml, .js, .xml, .svgz), and an SVG only when it is a plain
drawing (svgsafety.py). Anything else is an error at the file, in build (with or without PDFs),
check and serve alike, rather than silently left out: a linked attachment would vanish unseen.

Editors' leftovers (`report.yaml~`, `~$草稿.docx` …) never get this far: paths.files_below leaves them out.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Location, SourceError
from .paths import is_leftover
from .svgsafety import check_svg

PARSED_SUFFIXES = (".yaml", ".yml", ".md")  # read by the build itself, never published
PUBLISHED_SUFFIXES = frozenset(
    {
        # images (an SVG is checked first)
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".avif",
        ".bmp",
        ".tif",
        ".tiff",
        ".svg",
        # documents: PDF and OFD, Microsoft and WPS Office, OpenDocument, plain text and tables
        ".pdf",
        ".ofd",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".wps",
        ".et",
        ".dps",
        ".odt",
        ".ods",
        ".odp",
        ".rtf",
        ".txt",
        ".csv",
        # archives, audio and video
        ".zip",
        ".rar",
        ".7z",
        ".mp3",
        ".mp4",
    }
)
_LISTED = "、".join(sorted(s.removeprefix(".") for s in PUBLISHED_SUFFIXES))


def is_published(name: str) -> bool:
    """Whether a bundle file (a name relative to the bundle) is published rather than read by the build."""
    return not name.lower().endswith(PARSED_SUFFIXES)


def publishes(relative: Path) -> bool:
    """Whether the file at this path inside a bundle is published (a Markdown link to it works)."""
    return is_published(relative.as_posix()) and not any(is_leftover(part) for part in relative.parts)


def check_published(path: Path, name: str, data: bytes, slug: str) -> None:
    """Raise a SourceError at a bundle file that may not be published: a type a browser could run, an SVG with
    active content, or the name of a file the build writes itself (the report's PDF)."""
    suffix = path.suffix.lower()
    if suffix not in PUBLISHED_SUFFIXES:
        raise SourceError(
            Location(path),
            f"报告文件夹中的「{path.name}」不是可以发布的文件类型（{suffix or '没有扩展名'}），已拒绝发布",
            rule="input",
            hint=f"报告文件夹只能放图片和附件（{_LISTED}）；网页和脚本不能随报告发布，"
            "请把它移出 content/，或另存为 PDF。",
        )
    if name == f"{slug}.pdf":
        raise SourceError(
            Location(path), f"「{name}」与 jixiao 生成的报告 PDF 同名", rule="input", hint="给这个附件改一个名字。"
        )
    if suffix == ".svg":
        check_svg(data, path)
