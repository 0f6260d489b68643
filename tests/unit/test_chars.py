"""Rare characters (issue 17, point 11): names with CJK Extension B–G characters and emoji print from fonts the
theme names, the PDF's text layer reads them as themselves, and a character no font can draw is a missing-glyph
warning from `check` too, at its file, line and column."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import edit, run_jixiao

from jixiao.glyphs import font_faces, named_families

REPORT = "content/2024/demo/report.yaml"
SECTION = "content/2024/demo/01-概况.md"
RARE = "𠀀𪚥𰻞"  # Extension B (U+20000, U+2A6A5) and G (U+30EDE, biáng)
NO_FONT = "\U0010fffd"  # a private-use character of plane 16, which no font maps


def check_findings(project: Path) -> list[str]:
    """The head lines of check's missing-glyph findings."""
    result = run_jixiao("check", project)
    return [line for line in result.stdout.splitlines() if line.endswith("[missing-glyph]")]


def test_the_font_stacks_name_fonts_for_extension_b_to_g_and_emoji():
    """What the PDF (print.css) and the pages (gongwen.css) draw rare characters with, after Noto CJK: Hanazono
    (Extension A, B–F) and BabelStone Han (much of G–H)."""
    themes = Path(__file__).parents[2] / "themes/gongwen/assets"
    for sheet in ("print.css", "gongwen.css"):
        families = named_families((themes / sheet).read_text(encoding="utf-8"))
        assert (
            families.index("Noto Serif CJK SC")
            < families.index("HanaMinA")
            < families.index("HanaMinB")
            < families.index("BabelStone Han")
        )
        assert "Noto Color Emoji" not in families  # named, it would draw digits (emoji come from the fallback)


def test_a_stylesheet_font_face_is_read_with_its_file():
    assert font_faces('@font-face { font-family: "仿宋_GB2312"; src: url("fonts/fs.ttf"); }') == [
        ("仿宋_GB2312", "fonts/fs.ttf")
    ]


def test_check_finds_a_character_no_font_draws_at_its_line_and_column(project: Path):
    edit(project / REPORT, "单位: 示例中心", f"单位: 示例{NO_FONT}中心")
    edit(project / SECTION, "总分 {{", f"总分{NO_FONT} {{{{")
    message = "warning: U+10FFFD 没有可用字体，PDF 中显示为方框 [missing-glyph]"
    assert check_findings(project) == [f"{SECTION}:3:24: {message}", f"{REPORT}:3:7: {message}"]


def test_check_is_quiet_about_rare_characters_the_fonts_draw(project: Path):
    edit(project / REPORT, "单位: 示例中心", f"单位: 示例{RARE}中心😀")
    assert check_findings(project) == []


@pytest.mark.slow
def test_rare_characters_print_and_copy_as_themselves(project: Path):
    """Before, 𪚥 was drawn as a box from no font and the text layer read it as 𠀀 (every .notdef glyph took the
    text of the first one); now HanaMinB draws Extension B and the text layer holds each character."""
    edit(project / REPORT, "  - 项目名称: 示例项目", f"  - 项目名称: 示例项目{RARE}")
    result = run_jixiao("build", project)
    assert result.returncode == 0, result.stderr
    assert "missing-glyph" not in result.stderr
    pdf = project / "site/2024/demo/demo.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"示例项目{RARE}" in text.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^[A-Z]{6}\+HanaMin[AB]-", fonts, re.M), fonts  # HanaMinA has the common Extension B ones
    assert "Noto-Color-Emoji" not in fonts  # no digit drawn with it


@pytest.mark.slow
def test_the_pdf_build_reports_a_missing_glyph_once_at_its_line(project: Path):
    edit(project / REPORT, "单位: 示例中心", f"单位: 示例{NO_FONT}中心")
    result = run_jixiao("build", project)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "[missing-glyph]" in line]
    assert lines == [f"{REPORT}:3:7: warning: U+10FFFD 没有可用字体，PDF 中显示为方框 [missing-glyph]"], result.stderr
