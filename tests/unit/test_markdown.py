"""Stage: Markdown with {{ expressions }} and ::表格 directives, with source lines."""

from pathlib import Path

import pytest
from markupsafe import escape

from jixiao.errors import ErrorGroup, Location, SourceError
from jixiao.markdown import create_parser, render_section


class FakeResolver:
    """Records what the renderer asks for; values come from a dict, like the report view."""

    def __init__(self, values):
        self.values = values
        self.calls = []

    def evaluate(self, expression, line):
        self.calls.append((expression, line))
        if expression not in self.values:
            raise SourceError(Location(Path("s.md"), line), f"unknown {expression}")
        return self.values[expression]

    def check_url(self, url, is_image, line):
        self.calls.append(("url", url, is_image, line))

    def show(self, value):
        return str(escape(value))

    def close_block(self):
        return ""

    def check_unit_after(self, value, following, line):
        pass

    def directive(self, name, label, attrs, line):
        self.calls.append((name, label, attrs, line))
        return f"<table data-label='{label}'></table>"


def render(text, values=None, first_line=1):
    resolver = FakeResolver(values or {})
    result = render_section(create_parser(), text, Path("s.md"), first_line, resolver, set(), "s1")
    return result, resolver


def test_expression_is_replaced_and_escaped():
    result, _ = render("执行率为 {{ 执行率 }}，名称 {{ 名称 }}。", {"执行率": "94.84%", "名称": "<b>x</b>"})
    assert "执行率为 94.84%" in result.html
    assert "&lt;b&gt;x&lt;/b&gt;" in result.html and "<b>" not in result.html


def test_expression_line_numbers_follow_the_file():
    text = "第一段\n\n第二段第一行\n第二行 {{ 甲 }}\n"
    _, resolver = render(text, {"甲": "1"}, first_line=4)  # body starts on line 4 (after front matter)
    assert resolver.calls == [("甲", 7)]


def test_unknown_expression_raises_at_its_line():
    with pytest.raises(SourceError) as info:
        render("a\n\nb {{ 没有 }}\n")
    assert info.value.location.line == 3


def test_expression_inside_code_is_left_alone():
    result, resolver = render("`{{ 不算 }}`\n\n```\n{{ 也不算 }}\n```\n")
    assert resolver.calls == []
    assert "{{ 不算 }}" in result.html


def test_directive_places_a_table_with_attributes():
    result, resolver = render("前文\n\n::表格[预算执行情况]{项目=聘用人员经费}\n\n后文\n", first_line=10)
    assert resolver.calls == [("表格", "预算执行情况", {"项目": "聘用人员经费"}, 12)]
    assert "<table data-label='预算执行情况'>" in result.html


def test_directive_interrupts_a_paragraph():
    result, resolver = render("前文\n::表格[自评汇总]\n")
    assert resolver.calls and "<table" in result.html


def test_leading_h1_is_the_section_title_and_headings_shift():
    result, _ = render("# 概况\n\n## 一、基本情况\n\n正文\n")
    assert result.title == "概况"
    assert '<h3 id="s1-一-基本情况">一、基本情况</h3>' in result.html


def test_title_expressions_are_evaluated():
    result, _ = render("# {{ 单位 }}概况\n\n正文\n", {"单位": "示例中心"})
    assert result.title == "示例中心概况"


def test_headings_of_an_attachment_are_one_level_deeper():
    result = render_section(
        create_parser(), "# 概况\n\n# 二、部分\n", Path("s.md"), 1, FakeResolver({}), set(), "a1-s1", depth=1
    )
    assert '<h3 id="a1-s1-二-部分">二、部分</h3>' in result.html


def test_every_problem_of_a_file_is_reported_together():
    with pytest.raises(ErrorGroup) as info:
        render("a {{ 甲 }}\n\nb {{ 乙 }} {% set x = 1 %}\n")
    assert [(e.location.line, e.message) for e in info.value.errors] == [
        (1, "unknown 甲"),
        (3, "unknown 乙"),
        (3, "正文中不能写模板语句「{% set x = 1 %}」"),
    ]


def test_raw_html_is_escaped():
    result, _ = render("<script>alert(1)</script>\n")
    assert "<script>" not in result.html


def test_links_and_images_are_checked_with_their_lines():
    _, resolver = render("见[附件](a.pdf)\n\n![图](b.png)\n")
    assert ("url", "a.pdf", False, 1) in resolver.calls
    assert ("url", "b.png", True, 3) in resolver.calls


def test_numbered_paragraphs_keep_their_numbers_as_paragraphs():
    """The documents number paragraphs "1. 为全市…" (a space after the number, the norm) or "1.为全市…": both are
    paragraphs that print their number, never an <ol> that a page break or a start number could renumber."""
    spaced = "1. 为全市缴存职工提供服务。\n\n2. 项目总投资{{ 投资 }}万元。\n\n4. 项目由中心实施。\n"
    result, resolver = render(spaced, {"投资": "236.417"})
    assert "<ol" not in result.html and "<li" not in result.html
    assert result.html.split() == [
        "<p>1.",
        "为全市缴存职工提供服务。</p>",
        "<p>2.",
        "项目总投资236.417万元。</p>",
        "<p>4.",
        "项目由中心实施。</p>",
    ]
    assert resolver.calls == [("投资", 3)]  # the expression keeps its line
    unspaced, _ = render("1.为全市缴存职工提供服务。\n\n2.项目总投资。\n")
    assert unspaced.html.split() == ["<p>1.为全市缴存职工提供服务。</p>", "<p>2.项目总投资。</p>"]


def test_a_tight_numbered_list_and_its_nested_list():
    result, _ = render("3) 甲\n4) 乙\n   - 子项一\n   - 子项二\n")
    assert result.html.split() == [
        "<p>3)",
        "甲</p>",
        "<p>4)",
        "乙</p>",
        "<ul>",
        "<li>子项一</li>",
        "<li>子项二</li>",
        "</ul>",
    ]
