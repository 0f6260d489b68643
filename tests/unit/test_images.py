"""Images, fonts and long text that used to vanish without a word (issue 17, points 10 and 12): a TIFF scan
and a PDF used as an image are converted to PNG, an LFS pointer and an unreadable file are warned about at
the Markdown line, a decompression bomb is refused, and a line without breaks wraps instead of running off
the PDF page. Fixture images are made here with Pillow, never committed."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_demo, run_jixiao, tree_digest, write
from PIL import Image
from pypdf import PdfReader

DEMO = Path("content/2024/demo")
LFS = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 2481236\n"
)


def show(project: Path, name: str, data: bytes) -> int:
    """Put `data` into the demo bundle as `name` and show it from the first section; returns the Markdown line."""
    (project / DEMO / name).write_bytes(data)
    section = project / DEMO / "01-概况.md"
    text = section.read_text(encoding="utf-8") + f"\n![扫描件]({name})\n"
    section.write_text(text, encoding="utf-8")
    return text.count("\n")


def image_bytes(fmt: str, size=(300, 200), colour=(200, 30, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **options)
    return out.getvalue()


def two_page_pdf() -> bytes:
    out = io.BytesIO()
    first, second = Image.new("RGB", (300, 200), (30, 30, 200)), Image.new("RGB", (300, 200), (30, 200, 30))
    first.save(out, "PDF", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_tiff_scan_is_published_as_png_and_shown_from_it(project):
    """Browsers other than Safari show a TIFF as a broken image: the page shows a PNG made from it."""
    show(project, "scan.tiff", image_bytes("TIFF"))
    result = run_jixiao("build", project, "--no-pdf")
    assert result.returncode == 0, result.stderr
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert '<img src="scan.tiff.png" alt="扫描件"' in page
    with Image.open(project / "site/2024/demo/scan.tiff.png") as png:
        assert (png.format, png.size, png.getpixel((0, 0))) == ("PNG", (300, 200), (200, 30, 30))


def test_a_pdf_used_as_an_image_shows_its_first_page_and_says_the_rest_is_not_shown(project):
    line = show(project, "扫描件.pdf", two_page_pdf())
    result = run_jixiao("build", project, "--no-pdf")
    assert result.returncode == 0, result.stderr
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert '<img src="%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf.png"' in page
    with Image.open(project / "site/2024/demo/扫描件.pdf.png") as png:
        red, green, blue = png.getpixel((png.width // 2, png.height // 2))[:3]
        assert png.format == "PNG" and red < 60 and green < 60 and blue > 170  # the first page's blue (JPEG inside)
    assert (
        f"content/2024/demo/01-概况.md:{line}: warning: 图片「扫描件.pdf」是 2 页的 PDF，只显示了第 1 页 [image]"
        in result.stderr
    )


def test_a_git_lfs_pointer_instead_of_the_image_is_a_warning_at_its_line(project):
    line = show(project, "photo.png", LFS.encode())
    result = run_jixiao("check", project)
    assert (
        f"content/2024/demo/01-概况.md:{line}: warning: 图片「photo.png」是 Git LFS 指针文件（真正的文件 2481236 "
        "字节未下载），不是文件本身，页面和 PDF 中都无法显示 [image]"
    ) in result.stdout
    assert "git lfs pull" in result.stdout


def test_a_file_no_reader_recognises_is_a_warning(project):
    """A HEIC photo renamed .jpg (a phone's export): a type a bundle may publish, but no reader knows it."""
    line = show(project, "photo.jpg", b"\x00\x00\x00\x18ftypheic" + bytes(200))
    result = run_jixiao("check", project)
    assert f"01-概况.md:{line}: warning: 图片「photo.jpg」无法识别" in result.stdout
    assert "另存为 PNG 或 JPEG" in result.stdout


@pytest.mark.parametrize("side, pixels", [(10000, "100,000,000"), (20000, "400,000,000")])
def test_a_decompression_bomb_is_refused_naming_its_pixels_and_the_limit(project, side, pixels):
    """A few KB of PNG that would take gigabytes to draw: WeasyPrint dropped it from the PDF without a word, and
    every reader's browser would have to decode it."""
    bomb = io.BytesIO()
    Image.new("1", (side, side)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 60_000
    line = show(project, "bomb.png", bomb.getvalue())
    result = run_jixiao("build", project, "--no-pdf")
    assert result.returncode == 1
    assert (
        f"content/2024/demo/01-概况.md:{line}: error: 图片「bomb.png」有 {pixels} 像素，超过上限 89,478,485 像素"
        in result.stderr
    )
    assert "提示: 把图片缩小" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_a_changed_scan_remakes_its_png_as_a_clean_build_would(project, tmp_path):
    show(project, "scan.tiff", image_bytes("TIFF"))
    assert run_jixiao("build", project, "--no-pdf").returncode == 0
    (project / DEMO / "scan.tiff").write_bytes(image_bytes("TIFF", colour=(0, 120, 0)))
    assert run_jixiao("build", project, "--no-pdf").returncode == 0
    with Image.open(project / "site/2024/demo/scan.tiff.png") as png:
        assert png.getpixel((0, 0)) == (0, 120, 0)
    assert run_jixiao("build", project, "--no-pdf", "--clean", "--out", tmp_path / "clean").returncode == 0
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")


def test_a_long_paragraph_is_quoted_by_a_short_excerpt_around_the_spot(project):
    """A 200 KB paragraph with a leftover printed the whole paragraph, twice (the quote and the source line)."""
    body = "甲" * 100_000 + "此处填写" + "乙" * 100_000
    write(project / DEMO / "02-长段.md", "# 长段\n\n" + body + "\n")
    result = run_jixiao("check", project)
    lines = [line for line in result.stdout.splitlines() if "02-长段.md" in line or "此处填写" in line]
    assert lines[0].startswith("content/2024/demo/02-长段.md:3:100001: warning: 「此处填写乙乙")
    assert lines[1] == "    …" + "甲" * 40 + "此处填写" + "乙" * 36 + "…"
    assert len(result.stdout) < 2000


@pytest.mark.slow
def test_converted_images_are_in_the_pdf_and_byte_identical_across_builds(project, tmp_path):
    show(project, "scan.tiff", image_bytes("TIFF"))
    show(project, "扫描件.pdf", two_page_pdf())
    for name in ("a", "b"):
        assert run_jixiao("build", project, "--out", tmp_path / name).returncode == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    images = [image for page in PdfReader(tmp_path / "a/2024/demo/demo.pdf").pages for image in page.images]
    assert {image.image.size for image in images} == {(300, 200), (2400, 1600)}  # the TIFF, the PDF's first page


@pytest.mark.slow
def test_a_licensed_font_left_as_an_lfs_pointer_is_named_once(project):
    """WeasyPrint printed every PDF in Noto instead, without a word."""
    copy_demo(project, "second")
    write(project / "layouts/assets/fonts/fangsong.ttf", LFS)
    write(
        project / "layouts/assets/fonts.css",
        '@font-face { font-family: "FangSong_GB2312"; src: url("fonts/fangsong.ttf"); }\n',
    )
    result = run_jixiao("build", project)
    assert result.returncode == 0
    expected = (
        "layouts/assets/fonts/fangsong.ttf: warning: PDF 使用的「fangsong.ttf」是 Git LFS 指针文件（真正的文件 "
        "2481236 字节未下载），不是文件本身，PDF 改用了其他字体 [lfs-pointer]"
    )
    assert result.stderr.count(expected) == 1, result.stderr


@pytest.mark.slow
def test_a_line_without_breaks_wraps_in_the_pdf_and_keeps_every_character(project):
    """A line with no break opportunity kept its first 59 characters in the PDF; the rest ran off the page. 50 KB
    (a 1 MB line fails the same way, and takes minutes to lay out even when it wraps)."""
    line = "".join("abcdefghij"[i % 10] for i in range(50_000)) + "END"
    cell = "x" * 3000 + "CELL"
    write(project / DEMO / "02-长行.md", f"# 长行\n\n{line}\n\n| 说明 |\n|---|\n| {cell} |\n")
    assert run_jixiao("build", project).returncode == 0
    text = subprocess.run(
        ["pdftotext", str(project / "site/2024/demo/demo.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    joined = re.sub(r"—\d+—", "", "".join(text.split()))  # without the page numbers between the pages' lines
    assert line in joined and cell in joined
