"""Stage: PDF output, checked with pypdf and poppler's tools (not by eye). Marked slow."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_demo, run_jixiao, write
from pypdf import PdfReader

from jixiao.paths import ProjectFiles
from jixiao.pdf import ProjectFetcher

pytestmark = pytest.mark.slow

LIUAN = "2023/liuan-zipingbiao/liuan-zipingbiao.pdf"
LUZHOU = "2023/luzhou-xiangmu-zipingbiao/luzhou-xiangmu-zipingbiao.pdf"


def text_of(pdf: Path, page: int | None = None, layout: bool = True) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else []) + (["-f", str(page), "-l", str(page)] if page else [])
    args += [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_pages_are_a4(built_site):
    for name in (LIUAN, LUZHOU):
        for page in PdfReader(built_site / name).pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_fonts_are_embedded_subsets_of_simplified_chinese_faces(built_site):
    for name in (LIUAN, LUZHOU):
        lines = subprocess.run(
            ["pdffonts", str(built_site / name)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert lines
        for line in lines:
            fields = line.split()
            emb, sub = fields[-5], fields[-4]
            assert (emb, sub) == ("yes", "yes"), line
            assert re.match(r"^[A-Z]{6}\+", fields[0]), line  # subset prefix
            assert "CJK-JP" not in fields[0] and "CJK-SC" in fields[0] or "CJK" not in fields[0], line


def test_computed_figures_and_chinese_text_are_in_the_pdf(built_site):
    liuan = text_of(built_site / LIUAN)
    for figure in ("92.55", "92.56", "1.08", "2.14", "1.33", "0.91", "0.57", "100%"):  # the seed prints 执行率 100%
        assert figure in liuan
    assert "公积金中心运转维护经费" in liuan and "偏差原因分析及" in liuan
    luzhou = text_of(built_site / LUZHOU)
    for figure in ("99.48", "99.66", "97.94", "96.92", "98.26", "89.18%", "8.92", "原表 8.91"):
        assert figure in luzhou
    assert "泸州市住房公积金管理中心" in luzhou
    assert "\ufffd" not in liuan + luzhou  # no replacement characters


def test_toc_page_numbers_match_where_sections_start(built_site):
    pdf = built_site / LUZHOU
    toc = text_of(pdf, 2)
    entries = re.findall(r"^\s*(\S.*?)\s*[·.]+\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 9  # 2 sections + 7 附表
    for title, page in entries:
        assert title.split()[0] in text_of(pdf, int(page)), (title, page)


def test_page_numbers_are_dashed_at_the_foot(built_site):
    assert re.search(r"—\s*3\s*—", text_of(built_site / LUZHOU, 3))
    assert not re.search(r"—\s*1\s*—", text_of(built_site / LUZHOU, 1))  # the cover has none


def test_indicator_header_repeats_on_continuation_pages(built_site):
    pdf = built_site / LUZHOU
    pages = len(PdfReader(pdf).pages)
    # the header's first row is a cell holding just 绩效指标 (prose never has that line alone)
    with_header = [
        n
        for n in range(1, pages + 1)
        if "绩效指标" in (line.strip() for line in text_of(pdf, n, layout=False).splitlines())
    ]
    # 7 forms, and at least one indicator table runs onto a second page and repeats its header there
    assert len(with_header) > 7


def test_bookmarks_follow_the_headings(built_site):
    outline = PdfReader(built_site / LUZHOU).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert "概况" in titles and "问题与建议" in titles
    assert "附表1 住房公积金管理费用" in titles


def test_metadata(built_site):
    meta = PdfReader(built_site / LUZHOU).metadata
    assert meta.title == "泸州市住房公积金管理中心2023年度部门预算项目支出绩效自评表"
    assert meta.author == "泸州市住房公积金管理中心"
    assert "项目支出绩效自评表" in meta.get("/Keywords")


def test_report_page_links_its_pdf(built_site):
    page = (built_site / "2023/luzhou-xiangmu-zipingbiao/index.html").read_text(encoding="utf-8")
    assert 'href="luzhou-xiangmu-zipingbiao.pdf"' in page


def test_a_thirty_page_report_is_at_most_600_kb(built_site):
    """Two CJK faces are embedded (serif and sans; bold is drawn in the sans face): each further face would add
    100–150 KB to every PDF."""
    pdf = built_site / "2020/huaihua-zhuanxiangzijin/huaihua-zhuanxiangzijin.pdf"
    assert len(PdfReader(pdf).pages) >= 30
    assert pdf.stat().st_size <= 600_000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(fonts.splitlines()[2:]) == 2 and "Bold" not in fonts


def test_pdf_build_is_deterministic(project, tmp_path):
    for name in ("a", "b"):
        assert run_jixiao("build", project, "--out", tmp_path / name).returncode == 0
    assert (tmp_path / "a/2024/demo/demo.pdf").read_bytes() == (tmp_path / "b/2024/demo/demo.pdf").read_bytes()
    # the date comes from the report's 日期 (2025-03-31), not from the clock
    assert PdfReader(tmp_path / "a/2024/demo/demo.pdf").metadata.get("/CreationDate").startswith("D:20250331")


def test_fetcher_refuses_everything_outside_the_project(tmp_path):
    fetcher = ProjectFetcher(ProjectFiles.open(tmp_path))
    (tmp_path / "ok.css").write_text("p{}", encoding="utf-8")
    (tmp_path / "link.css").symlink_to("/etc/hostname")
    assert fetcher.fetch((tmp_path / "ok.css").as_uri()).read() == b"p{}"
    for url in (
        "file:///etc/passwd",
        "http://example.com/a.png",
        (tmp_path / ".." / "x.css").as_uri(),
        (tmp_path / "link.css").as_uri(),
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_css_url_outside_the_project_fails_the_build(project):
    layouts = project / "layouts/assets"
    layouts.mkdir(parents=True)
    (layouts / "fonts.css").write_text(
        '@font-face { font-family: X; src: url("file:///etc/passwd"); }\n'
        'body { background: url("file:///etc/hostname"); }',
        encoding="utf-8",
    )
    result = run_jixiao("build", project)
    assert result.returncode == 1
    assert "file:///etc/hostname" in result.stderr and "已拒绝读取" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_glyph_is_reported(project):
    path = project / "content/2024/demo/01-概况.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n古文字 𓀀\n", encoding="utf-8")
    result = run_jixiao("build", project)
    assert result.returncode == 0
    assert "missing-glyph" in result.stderr and "U+13000" in result.stderr


def test_pdf_variant_for_archiving(project):
    site_yaml = project / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "PDF:\n  pdf_variant: pdf/a-3u\n", encoding="utf-8")
    assert run_jixiao("build", project).returncode == 0
    root = PdfReader(project / "site/2024/demo/demo.pdf").trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfaid:part" in xmp


def test_charts_are_vector_text_in_the_pdf(built_site):
    pdf = built_site / "2023/luzhou-juesuan/luzhou-juesuan.pdf"
    text = text_of(pdf, layout=False)
    # chart labels (axis, legend) come out of pdftotext: the SVG text stayed text
    for label in (
        "收入总计",
        "支出总计",
        "公务用车购置及运行维护费",
        "图1 收、支决算总计变动情况",
        "图7 “三公”经费财政拨款支出结构",
    ):
        assert label in text, label
    # and the composite document carries its attachments' figures
    assert "91.40" in text and "219.74" in text and "99.48" in text


def test_site_font_from_the_project_is_embedded(project):
    """A licensed face in the project, declared in layouts/assets/fonts.css, is used and embedded as a subset."""
    fonts = project / "layouts/assets/fonts"
    fonts.mkdir(parents=True)
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", fonts / "site-face.ttf")
    (project / "layouts/assets/fonts.css").write_text(
        '@font-face { font-family: "FangSong_GB2312"; src: url("fonts/site-face.ttf"); }\n', encoding="utf-8"
    )
    assert run_jixiao("build", project).returncode == 0
    listing = subprocess.run(
        ["pdffonts", str(project / "site/2024/demo/demo.pdf")], capture_output=True, text=True, check=True
    ).stdout
    face = next(line for line in listing.splitlines() if "+FangSong_GB2312" in line)  # WeasyPrint names it by family
    assert face.split()[-5:-3] == ["yes", "yes"]  # embedded, subset


def test_pdf_fonts_are_subset_by_harfbuzz():
    """`make` installs libharfbuzz-subset0: WeasyPrint must find it, or every PDF is several times slower."""
    from weasyprint.text.ffi import harfbuzz_subset

    from jixiao.pdf import fast_subsetting

    assert harfbuzz_subset is not None and fast_subsetting()


def test_a_build_without_the_fast_subsetter_says_so_once(project, monkeypatch):
    from click.testing import CliRunner

    import jixiao.pdf
    from jixiao.cli import main

    monkeypatch.setattr(jixiao.pdf, "fast_subsetting", lambda: False)
    copy = shutil.copytree(project / "content/2024/demo", project / "content/2024/demo2")
    assert copy.is_dir()
    result = CliRunner().invoke(main, ["build", str(project), "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.count("PDF 字体将由 fontTools") == 1  # once, not once per report


def test_a_print_stylesheet_change_rebuilds_the_pdfs(project):
    """The page key is what the HTML read (a stylesheet change rebuilds no HTML-only build: test_site_model);
    the PDF's own key adds the print stylesheets and fonts."""
    copy_demo(project, "demo-b")
    assert "重建 2，" in run_jixiao("build", project).stdout
    pdf = project / "site/2024/demo/demo.pdf"
    before = pdf.read_bytes()
    write(project / "layouts/assets/print.css", "@page { size: A4; margin: 30mm 26mm 35mm 28mm; }\n")
    assert "重建 2，沿用 0" in run_jixiao("build", project).stdout  # both PDFs read the stylesheet
    assert pdf.read_bytes() != before


def test_a_pdf_build_after_an_html_build_makes_the_pdfs(project):
    assert run_jixiao("build", project, "--no-pdf").returncode == 0
    assert not (project / "site/2024/demo/demo.pdf").exists()
    assert "重建 1，" in run_jixiao("build", project).stdout
    assert (project / "site/2024/demo/demo.pdf").read_bytes()[:5] == b"%PDF-"


def css_string(text: str) -> str:
    """A CSS string literal, for the second layout the test compares with (an id may hold any character)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_repeated_labels_shown_in_place_draw_what_a_second_layout_would(monkeypatch):
    """The labels of an indicator group going on at a page top are made visible in the laid-out pages; the PDF is
    byte for byte the one a second layout with `.repeat { visibility: visible }` for those rows gives."""
    import weasyprint

    from jixiao import pdf
    from jixiao.library import read_site
    from jixiao.page import build_report
    from jixiao.site import open_site

    site = open_site(REPO, with_pdf=True)
    library = read_site(site)
    key = "2023/luzhou-xiangmu-zipingbiao"  # 7 forms, indicator tables over 25 pages
    in_place = build_report(site, library, library.model(), key)[1]

    def second_layout(rendered, rows):
        assert rows, "the report has groups going on at a page top"
        selectors = ", ".join(f"[id={css_string(row)}] .repeat" for row in rows)
        sheet = weasyprint.CSS(string=f"{selectors} {{ visibility: visible; }}")
        again = weasyprint.HTML(string=html[0], base_url=(REPO / "content" / key).as_uri() + "/").render(
            stylesheets=[*site.pdf.stylesheets, sheet], font_config=site.pdf.fonts
        )
        rendered.pages[:] = again.pages

    html = []
    real_html = weasyprint.HTML
    monkeypatch.setattr(
        pdf.weasyprint, "HTML", lambda string, **kw: html.append(string) or real_html(string=string, **kw)
    )
    monkeypatch.setattr(pdf, "show_repeated_labels", second_layout)
    twice = build_report(site, library, library.model(), key)[1]
    name = f"{key}/{key.split('/')[1]}.pdf"
    assert in_place[name] == twice[name]
