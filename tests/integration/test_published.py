"""Stage: what a build publishes of a bundle, and what it never publishes — live markup (an SVG with a script, a
page of the author's own), editors' leftovers, HTML comments of the Markdown and 核对说明 — the same in every mode:
build with and without PDFs, check, and the preview of serve."""

from pathlib import Path

import pytest
from conftest import edit, write

from jixiao.errors import ErrorGroup, SourceError
from jixiao.preview import Preview

BUNDLE = "content/2024/demo"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>\n'
# bundle files with live markup (each refusal's exact message is a golden case, tests/golden/file/published-*)
ACTIVE = {
    "图.svg": SVG.format('<rect width="10" height="10"/>\n<script>alert("svg")</script>'),
    "附件.html": '<script>alert("html")</script>\n',
    "脚本.js": "alert(1)\n",
}
LEFTOVERS = [
    "report.yaml~",
    "#01-概况.md#",
    "01-概况.md.orig",
    "01-概况.md.rej",
    "report.yaml.swp",
    "~$草稿.docx",
    "Thumbs.db",
    ".DS_Store",
    "备份/图1.png~",
    "草稿.bak",
]


def add_files(project: Path, names) -> None:
    for name in names:
        write(project / BUNDLE / name, ACTIVE[name])


@pytest.mark.parametrize("mode", [("build", "--no-pdf"), ("build",), ("check",), ("check", "--strict")])
def test_live_markup_is_refused_in_every_mode(project, cli, mode):
    add_files(project, ["图.svg", "附件.html"])
    write(project / BUNDLE / "01-概况.md", "# 概况\n\n![图](图.svg) 见[附件](附件.html)。\n")
    result = cli(*mode, project)
    assert result.exit_code == 1
    assert (
        f"{BUNDLE}/图.svg:2:1: error: SVG 图片中有会执行脚本或读取外部资源的内容：<script> 元素，已拒绝发布"
        in result.output
    )
    assert (
        f"{BUNDLE}/附件.html: error: 报告文件夹中的「附件.html」不是可以发布的文件类型（.html），已拒绝发布"
        in result.output
    )
    assert not (project / "site").exists()


def test_live_markup_saved_while_serving_is_refused(project, tmp_path):
    model = Preview(project, tmp_path / "preview", search=False, log=lambda message: None)
    model.build()
    add_files(project, ["图.svg", "附件.html"])
    with pytest.raises(ErrorGroup) as raised:
        model.update([project / BUNDLE / "图.svg", project / BUNDLE / "附件.html"])
    assert sorted(e.location.path.name for e in raised.value.errors) == ["图.svg", "附件.html"]
    assert not (model.out_dir / "2024/demo/图.svg").exists() and not (model.out_dir / "2024/demo/附件.html").exists()


def test_a_plain_drawing_and_documents_are_published_as_they_are(project, cli):
    drawing = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        + SVG.format(
            '<defs><linearGradient id="g"/></defs><style>.a { fill: url(#g) }</style>'
            '<rect class="a" width="10" height="10" style="stroke: url(\'#g\')"/>'
            '<a href="#g"><text>图</text></a>'
        )
    )
    files = {"图.svg": drawing, "附件/原表.PDF": "%PDF-1.4", "数据.csv": "<script>,1\n", "说明.txt": "<b>文字</b>"}
    for name, text in files.items():
        write(project / BUNDLE / name, text)
    write(project / BUNDLE / "01-概况.md", "# 概况\n\n![图](图.svg) 见[原表](附件/原表.PDF)、[数据](数据.csv)。\n")
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    for name, text in files.items():
        assert (project / "site/2024/demo" / name).read_text(encoding="utf-8") == text


def test_editors_leftovers_are_neither_read_nor_published(project, cli):
    for name in LEFTOVERS:
        write(project / BUNDLE / name, "{{ 不存在 }}\n: [")  # would be an error if it were read as a section
    (project / BUNDLE / ".#report.yaml").symlink_to("someone@host.1234:1700000000")  # Emacs' lock: a dangling link
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    published = sorted(
        p.relative_to(project / "site/2024/demo").as_posix()
        for p in (project / "site/2024/demo").rglob("*")
        if p.is_file()
    )
    assert published == ["data.json", "index.html"]


def test_a_leftover_does_not_make_the_report_stale(project, cli):
    assert cli("build", project, "--no-pdf").exit_code == 0
    for name in LEFTOVERS:
        write(project / BUNDLE / name, "x")
    result = cli("build", project, "--no-pdf")
    assert "（重建 0，沿用 1）" in result.output


def test_a_link_to_a_leftover_is_an_error_at_its_line(project, cli):
    write(project / BUNDLE / "图1.png", "\x89PNG")
    write(project / BUNDLE / "图1.png~", "\x89PNG")
    write(project / BUNDLE / "01-概况.md", "# 概况\n\n正文。\n\n![图](图1.png~)\n")
    result = cli("check", project)
    assert result.exit_code == 1
    assert (
        f"{BUNDLE}/01-概况.md:5: error: 图片「图1.png~」指向的文件不会发布（编辑器的备份文件、.md 和 .yaml 都不发布）"
        in result.output
    )


# Ways round a check of the file's text that a browser still runs or fetches: each is found as a browser reads it.
DISGUISED = {
    "a script in the XHTML namespace": (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>',
        "<script> 元素",
    ),
    "a script spelled by an entity": (
        '<!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&s;</svg>',
        "<script> 元素",
    ),
    "a link rewritten by an animation": (
        SVG.format('<a><set attributeName="href" to="javascript:alert(1)"/></a>'),
        "改写链接地址的 <set>",
    ),
    "a javascript: URL broken by a tab": (
        SVG.format('<a href="java&#9;script:alert(1)"><rect/></a>'),
        "「javascript:alert(1)」",
    ),
    "an HTML page as an embedded image": (
        SVG.format('<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>'),
        "「data:text/html,<script>alert(1)</script>」",
    ),
    "a CSS escape": (
        SVG.format("<style>rect { fill: \\75 rl(https://example.com/x) }</style>"),
        "样式中 url() 引用的外部资源「https://example.com/x」",
    ),
    "an external entity": (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        "外部实体「x」",
    ),
    "an entity bomb": (
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + ']><svg xmlns="http://www.w3.org/2000/svg">&j;</svg>',
        "不是格式正确的 XML",
    ),
}


@pytest.mark.parametrize("case", list(DISGUISED))
def test_disguised_active_content_in_an_svg_is_found(project, case):
    from jixiao.svgsafety import check_svg

    text, message = DISGUISED[case]
    with pytest.raises(SourceError) as raised:
        check_svg(text.encode(), project / BUNDLE / "图.svg")
    assert message in raised.value.message and raised.value.location.line == 1


def test_the_first_refusal_does_not_hide_the_others(project):
    from jixiao.load import read_bundle
    from jixiao.paths import ProjectFiles

    add_files(project, ["图.svg", "脚本.js"])
    with pytest.raises(ErrorGroup) as raised:
        read_bundle(ProjectFiles.open(project), project / BUNDLE)
    assert [e.location.path.name for e in raised.value.errors] == ["图.svg", "脚本.js"]
    assert all(isinstance(e, SourceError) and e.hint for e in raised.value.errors)


# -- never printed: 核对说明 and HTML comments ---------------------------------------------------------------------

# Each marker is written where it is never printed; SHOWN is printed, and proves that the scan reads each kind of file.
NOTES = {
    "核对甲号备注": "a form's 核对说明",
    "核对乙号备注": "a row's 核对说明",
    "核对丙号备注": "a section's 核对说明",
}
COMMENTS = {
    "注释甲号内容": "a comment block",
    "注释乙号内容": "an inline comment",
    "注释丙号内容": "a heading's comment",
    "注释丁号内容": "a comment across a blank line",
    "注释戊号内容": "a comment in a table cell",
}
SHOWN = "公开正文标记"
SECTION = f"""---
核对说明: {{year-mismatch 「2030年」: 核对丙号备注}}
---
# 概况 <!-- 注释丙号内容 -->

<!-- 注释甲号内容 -->

2030年{SHOWN}，示例项目执行率为 {{{{ 执行率 }}}}<!-- 注释乙号内容 -->。

<!-- 注释丁号内容

仍是注释 -->

| 项目 | 说明 |
|---|---|
| 甲 <!-- 注释戊号内容 --> | 乙 |

::表格[预算执行情况]
"""


def hidden_project(project: Path) -> Path:
    report = project / BUNDLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    text = text.replace(
        "    主管部门:",
        "    原表: {总分: 99}\n    核对说明: {stated-differs 「示例项目 总分」: 核对甲号备注}\n    主管部门:",
        1,
    )
    text = text.replace(
        "分值: 30, 偏差原因分析及改进措施: 需求少于预期}",
        "分值: 30, 偏差原因分析及改进措施: 需求少于预期, 原表: {得分: 30}, "
        "核对说明: {stated-differs 「办件量 得分」: 核对乙号备注}}",
        1,
    )
    report.write_text(text, encoding="utf-8")
    write(project / BUNDLE / "01-概况.md", SECTION)
    return project


def published_texts(site: Path) -> dict[str, str]:
    """Every published file as text: pages and data as written, the search index unpacked (without the zero-width
    spaces it puts between words), a PDF's text layer, outline and metadata."""
    import gzip
    import subprocess

    from pypdf import PdfReader

    texts = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            text += "".join(str(item.title) for item in reader.outline if hasattr(item, "title"))
            text += "".join(map(str, (reader.metadata or {}).values()))
        texts[path.relative_to(site).as_posix()] = text.replace("\u200b", "")  # pagefind's word breaks
    return texts


def assert_nothing_hidden_is_published(site: Path, kinds: tuple[str, ...]) -> None:
    texts = published_texts(site)
    leaks = {marker: sorted(name for name, text in texts.items() if marker in text) for marker in {**NOTES, **COMMENTS}}
    assert {marker: files for marker, files in leaks.items() if files} == {}
    shown = {name.rsplit(".", 1)[-1] for name, text in texts.items() if SHOWN in text}
    assert set(kinds) <= shown  # the scan read the page, the search index (and the PDF) and found the text printed


def test_no_check_note_or_comment_is_published_by_an_html_build(project, cli):
    edit(
        project / "content/site.yaml", "站点名称:", "公开核对提示: true\n站点名称:"
    )  # the findings too: not their notes
    result = cli("build", hidden_project(project), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert_nothing_hidden_is_published(project / "site", ("html", "pf_fragment"))
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert "示例项目 总分: 原表为 99，按规则计算为" in page  # the finding the note acknowledged is shown, not the note


@pytest.mark.slow
def test_no_check_note_or_comment_is_published_in_the_pdf(project, cli):
    result = cli("build", hidden_project(project))
    assert result.exit_code == 0, result.output
    assert_nothing_hidden_is_published(project / "site", ("html", "pf_fragment", "pdf"))


def test_the_author_still_reads_the_check_note(project, cli):
    result = cli("check", hidden_project(project), "--format", "json")
    assert "示例项目 总分: 原表为 99，按规则计算为" in result.output and "（已说明: 核对甲号备注）" in result.output


def test_an_unclosed_comment_is_an_error_at_its_line(project, cli):
    write(project / BUNDLE / "01-概况.md", "# 概况\n\n正文 <!-- 没有结束的注释\n\n后文。\n")
    result = cli("check", project)
    assert result.exit_code == 1
    assert f"{BUNDLE}/01-概况.md:3: error: HTML 注释「<!--」没有结束（缺少 -->）" in result.output


def test_a_commented_out_table_is_not_placed(project, cli):
    write(project / BUNDLE / "01-概况.md", "# 概况\n\n正文。\n\n<!--\n::表格[预算执行情况]\n-->\n")
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert 'class="budget"' not in page and "预算执行情况（10分）" not in page and '<table class="form">' in page
