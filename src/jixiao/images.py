"""What a Markdown image becomes on the page and in the PDF.

Browsers show PNG, JPEG, GIF, WebP, AVIF, BMP and SVG; WeasyPrint shows what Pillow reads. A scan saved
as TIFF prints but shows as a broken image in the browser, and a PDF named as an image shows nowhere,
so both are converted to a PNG published beside the page (`扫描件.pdf` → `扫描件.pdf.png`, the first
page). What cannot be shown is said at the Markdown line instead of being dropped without a word: a Git
LFS pointer committed in place of the file, a file no reader recognises, and — refused outright — an
image whose pixel count exceeds Pillow's decompression-bomb limit (a few KB that would take gigabytes
to draw, in the build and in every reader's browser).

Conversions are deterministic (Pillow's and PDFium's PNGs carry no dates), and they are part of the
report's page output, so the page key (the bundle's digest) remakes them whenever the source changes.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .findings import RULE_HINTS

# Pillow is imported where an image is read (open_raster, convert_raster), as pypdfium2 where a PDF is: a report
# without images never needs it, and its import is some 48 M instructions in every build that renders a page.
if TYPE_CHECKING:
    from PIL import Image

FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"}
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_LFS_SIZE_RE = re.compile(rb"^size (\d+)$", re.M)
_BOMB_PIXELS_RE = re.compile(r"\((\d+) pixels\)")
# What browsers and WeasyPrint both show as they are (Pillow's format names); MPO is a camera's JPEG.
SHOWN_AS_IS = {"PNG", "JPEG", "MPO", "GIF", "WEBP", "AVIF", "BMP", "ICO"}
PDF_LONG_SIDE = 2400  # pixels of the longer side of a converted PDF page (about 200 dpi on A4)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe, and the preview renders in threads


@dataclass(frozen=True)
class Picture:
    """An image as published: the PNG it was converted to (else None), and what the author should know."""

    png: bytes | None = None
    problem: str | None = None  # a warning: what is wrong with the image as the page will show it
    hint: str | None = None


class ImageRefused(Exception):
    """An image too large to draw safely (more pixels than Pillow's MAX_IMAGE_PIXELS)."""

    def __init__(self, pixels: int):
        from PIL import Image  # open_raster imported it already

        super().__init__(pixels)
        self.pixels = pixels
        self.limit = Image.MAX_IMAGE_PIXELS


def lfs_pointer_size(data: bytes) -> int | None:
    """The size of the real file when `data` is a Git LFS pointer (a checkout without `git lfs pull`)."""
    if not data.startswith(LFS_POINTER) or len(data) > 1024:
        return None
    match = _LFS_SIZE_RE.search(data)
    return int(match.group(1)) if match else 0


def lfs_advice(size: int) -> tuple[str, str]:
    """What an LFS pointer means and what to do about it, for images and fonts alike."""
    return f"是 Git LFS 指针文件（真正的文件 {size} 字节未下载），不是文件本身", RULE_HINTS["lfs-pointer"]


def prepare_image(name: str, data: bytes) -> Picture:
    """Check one image of a report and convert it when browsers or the PDF could not show it."""
    size = lfs_pointer_size(data)
    if size is not None:
        problem, hint = lfs_advice(size)
        return Picture(problem=f"图片「{name}」{problem}，页面和 PDF 中都无法显示", hint=hint)
    if name.lower().endswith((".svg", ".svgz")):
        return Picture()
    if data.startswith(b"%PDF-"):
        return convert_pdf_page(name, data)
    return convert_raster(name, data)


def open_raster(data: bytes) -> Image.Image:
    """Pillow's lazy open (the header only), refusing more pixels than MAX_IMAGE_PIXELS."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:  # more than twice the limit: Pillow names only the count
            match = _BOMB_PIXELS_RE.search(str(exc))
            raise ImageRefused(int(match.group(1)) if match else 2 * Image.MAX_IMAGE_PIXELS) from None
    if image.width * image.height > Image.MAX_IMAGE_PIXELS:
        raise ImageRefused(image.width * image.height)
    return image


def convert_raster(name: str, data: bytes) -> Picture:
    """A format the browser cannot show (TIFF …) becomes a PNG of its first frame, upright."""
    from PIL import ImageOps, UnidentifiedImageError

    try:
        image = open_raster(data)
        if image.format in SHOWN_AS_IS:
            return Picture()
        return Picture(png=png_bytes(ImageOps.exif_transpose(image)))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return Picture(
            problem=f"图片「{name}」无法识别（不是 PNG、JPEG、GIF、WebP、SVG、TIFF 或 PDF，或文件已损坏），"
            "页面和 PDF 中都无法显示",
            hint="把图片另存为 PNG 或 JPEG 后再引用。",
        )


def convert_pdf_page(name: str, data: bytes) -> Picture:
    """A PDF's first page as a PNG (PDFium, at most PDF_LONG_SIDE pixels on its longer side); a warning when
    the PDF has more pages, which the image does not show."""
    import pypdfium2

    try:
        with _PDFIUM:
            document = pypdfium2.PdfDocument(data)
            try:
                pages = len(document)
                page = document[0]
                scale = PDF_LONG_SIDE / max(page.get_size())
                image = page.render(scale=scale).to_pil()
            finally:
                document.close()
    except (pypdfium2.PdfiumError, IndexError, ValueError, ZeroDivisionError):
        return Picture(
            problem=f"图片「{name}」是无法读取的 PDF（已损坏、加密或没有页），页面和 PDF 中都无法显示",
            hint="把扫描件另存为 PNG 或 JPEG 后再引用。",
        )
    if pages == 1:
        return Picture(png=png_bytes(image))
    return Picture(
        png=png_bytes(image),
        problem=f"图片「{name}」是 {pages} 页的 PDF，只显示了第 1 页",
        hint=f"每页另存为一张图片分别引用，或用链接 [{name}]({name}) 提供整个文件。",
    )


def png_bytes(image: Image.Image) -> bytes:
    """A PNG of the image, keeping its colour profile; modes a PNG cannot hold (CMYK scans, 16-bit) become RGB."""
    profile = image.info.get("icc_profile")
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image, profile = image.convert("RGBA" if "A" in image.getbands() else "RGB"), None  # a CMYK profile no more
    out = io.BytesIO()
    image.save(out, "PNG", **({"icc_profile": profile} if profile else {}))
    return out.getvalue()
