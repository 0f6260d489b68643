"""Speed and memory by design (issue 22): what a build does to stay fast and flat in memory, checked by what
it does, never by timing it (the figures are bench/'s)."""

from __future__ import annotations

import gc
import importlib
import os
import re
import subprocess
import sys
import weakref
import zlib
from decimal import Decimal
from pathlib import Path

import jinja2.runtime
import jinja2.sandbox
import pytest
from conftest import composite, edit, tree_digest, write
from markupsafe import Markup
from pydantic_core import SchemaSerializer, to_json, to_jsonable_python

import jixiao.audit
import jixiao.cache
import jixiao.document.html
import jixiao.explain
import jixiao.library
import jixiao.page
import jixiao.pdf
import jixiao.pinyin
import jixiao.portal
import jixiao.workers
from jixiao.acknowledgements import notes_in
from jixiao.audit import Figure, FigureIndex
from jixiao.build import build_site
from jixiao.collector import collected_after, collecting_less
from jixiao.document import OFFICE, OfficeReport
from jixiao.document.blocks import Cell, Fig, Lines, Mark, Row, Section, Text, runs
from jixiao.document.datajson import without_check_notes
from jixiao.document.report import Division, Heading, Paragraph
from jixiao.errors import JixiaoError, Location
from jixiao.explain import page_anchors, printed_figure
from jixiao.library import read_site
from jixiao.parts import cells
from jixiao.paths import ProjectFiles
from jixiao.provenance import Computed, Typed, written_key
from jixiao.render import BUILTIN_THEMES, DEFAULT_THEME, TemplateRun
from jixiao.site import open_site
from jixiao.values import Money, Number, Rate, Score
from jixiao.yamlsource import parse_yaml

# the built-in 自评表 layout, as a site would copy it into its own layouts/
BUILT_IN_FORM = (BUILTIN_THEMES / DEFAULT_THEME / "tables" / "form.html").read_text(encoding="utf-8")


def test_the_cycle_collector_is_off_while_reports_render_and_back_after(project, monkeypatch):
    # A build's objects live until it ends and hold almost no cycles: scanning them is pure cost (bench/HISTORY.md).
    seen = []
    render = jixiao.workers.build_report

    def watched(site, library, model, key):
        seen.append(gc.isenabled())
        return render(site, library, model, key)

    monkeypatch.setattr(jixiao.workers, "build_report", watched)
    assert gc.isenabled()
    build_site(project, jobs=1, search=False)
    assert seen == [False]  # the fixture's one report, rendered with the collector off
    assert gc.isenabled() and gc.get_freeze_count() == 0  # restored: nothing left out of later collections


class Knot:
    """An object in a cycle of its own: freed only by the cycle collector."""

    def __init__(self) -> None:
        self.me = self


def test_collected_after_frees_the_cycles_made_inside_and_scans_nothing_older():
    # With the collector off for the build, a PDF's layout (boxes pointing at their parents) and an office
    # document's objects outlived their report: some 40 MB a report in a PDF build (bench/HISTORY.md, eleventh wave).
    with collecting_less():
        older = weakref.ref(Knot())  # garbage made before: left for the end of the build, not scanned meanwhile
        with collected_after():
            inside = weakref.ref(Knot())
            assert inside() is not None  # the collector is still off inside
        assert inside() is None
        assert older() is not None
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.slow
def test_a_pdf_keeps_nothing_of_its_layout(tmp_path, monkeypatch):
    # WeasyPrint's page box holds its children, which point back at it: the layout is a cycle.
    boxes = []
    show = jixiao.pdf.show_repeated_labels

    def watched(rendered, rows):
        boxes.append(weakref.ref(rendered.pages[0]._page_box))
        return show(rendered, rows)

    monkeypatch.setattr(jixiao.pdf, "show_repeated_labels", watched)
    renderer = jixiao.pdf.PdfRenderer(ProjectFiles.open(tmp_path), [], "", None)
    with collecting_less():
        result = renderer.render("<h1>自评表</h1><table><tr><td>1</td></tr></table>", tmp_path, {})
        assert result.data.startswith(b"%PDF") and result.pages == 1
        assert len(boxes) == 1 and boxes[0]() is None


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_office_document_keeps_nothing_of_its_objects(kind, monkeypatch):
    # python-docx's and openpyxl's objects point at their parents: each writer's are freed as it returns.
    module, name = {
        "docx": ("jixiao.document.docx", "write_document"),
        "xlsx": ("jixiao.document.xlsx", "write_workbook"),
    }[kind]
    made = []

    def writer(*args):
        knot = Knot()
        made.append(weakref.ref(knot))
        return b"written"

    monkeypatch.setattr(importlib.import_module(module), name, writer)
    with collecting_less():
        assert OFFICE[kind](OfficeReport(None, None, "万元")) == b"written"
        assert made[0]() is None


def test_the_cycle_collector_is_off_while_the_manifest_and_the_bundles_are_read(project, monkeypatch):
    # A thousand manifest records and bundle stamps made the young-generation passes scan them over and over
    # (0.03 s of the 0.16 s read at 1000 reports, bench/HISTORY.md): they too live until the build ends.
    seen = []

    def watching(name, original):
        def watched(*args):
            seen.append((name, gc.isenabled()))
            return original(*args)

        return watched

    for module, name in ((jixiao.cache, "read_manifest"), (jixiao.library, "trust_or_read")):
        monkeypatch.setattr(module, name, watching(name, getattr(module, name)))
    build_site(project, jobs=1, search=False)
    build_site(project, jobs=1, search=False)  # the second build reads the first one's manifest
    assert ("read_manifest", False) in seen and ("trust_or_read", False) in seen
    assert all(not enabled for _, enabled in seen), seen
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_reports_wait_pickled_beyond_the_live_budget_and_build_the_same_site(tmp_path, monkeypatch):
    # The composite site: 8 reports, one attaching three others, one reading last year's report (conftest.py).
    project = composite(tmp_path)
    built = build_site(project, tmp_path / "all-live", jobs=1, search=False)
    held = []
    render = jixiao.workers.build_report

    def watched(site, library, model, key):
        links = model.records[key].links
        held.append((len(library.sources), 1 + len(links.attachments) + (links.last_year is not None)))
        return render(site, library, model, key)

    monkeypatch.setattr(jixiao.workers, "build_report", watched)
    monkeypatch.setattr(jixiao.workers, "LIVE_SOURCES", 1, raising=False)
    parked = build_site(project, tmp_path / "parked", jobs=1, search=False)
    assert len(held) == len(built.pages) == 8
    # while a report renders, the process holds as objects the one report kept live, that report and those it reads
    assert all(live <= 1 + reads for live, reads in held), held
    assert tree_digest(tmp_path / "parked") == tree_digest(tmp_path / "all-live")
    assert [page.files for page in parked.pages] == [page.files for page in built.pages]


def test_a_parked_report_keeps_its_yaml_tree_and_is_validated_again_as_it_was(tmp_path, monkeypatch):
    # A report's model is as many objects again as its YAML tree, and costs more to pickle and unpickle than to
    # validate the tree again: a parked report keeps the tree and its sections, its model made again when unpacked
    library = read_site(open_site(composite(tmp_path)))
    keys = sorted(library.bundles)
    live = {key: library.source(key) for key in keys}
    model = library.model()
    monkeypatch.setattr(jixiao.workers, "LIVE_SOURCES", 0, raising=False)
    parked = jixiao.workers.ParkedSources(library)
    assert list(parked.parse(keys)) == keys and library.sources == {}
    for key in keys:
        assert b"jixiao.model" not in zlib.decompress(parked.pickled[key])  # no Report, nor any model of report.yaml
        with parked.unpacked(model, key):
            source, parsed = library.sources[key], live[key]
            assert (source.report, source.raw, source.sections) == (parsed.report, parsed.raw, parsed.sections)
            assert source.report.source_map is source.raw  # its objects point into the tree unpacked with it
            assert source.report.locate("年度") == parsed.report.locate("年度")


def test_a_reports_listing_entry_holds_text_not_the_origins_of_its_figures(tmp_path):
    # The parent holds every report's entry until the site-wide pages are written: a 评价等次 that kept its origin
    # (every figure it was computed from) made it hold a second copy of each report's figures (bench/HISTORY.md).
    result = build_site(composite(tmp_path), jobs=1, search=False)
    grades = [project.评价等次 for page in result.pages for project in page.entry.项目]
    assert "优" in grades  # 六安's and 泸州's forms (content/2023)
    assert {type(grade) for grade in grades} <= {str, type(None)}


def test_the_builtin_themes_fig_is_written_in_python_not_called_as_a_macro(project, cli, monkeypatch):
    # A page of forms prints thousands of figures; the sandboxed macro call cost more than the figure (bench/HISTORY.md).
    called = []
    call = jinja2.runtime.Macro.__call__

    def watched(macro, *args, **kwargs):
        called.append(macro.name)
        return call(macro, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", watched)
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    # the demo's 预算执行情况 row: 年初预算数 200 … 得分 7.50 (tests/unit/test_document_tree.py counts them by hand)
    assert re.search(r'<td class="num"><span class="fig" id="f-[0-9a-f]{12}">7\.50</span><button', page)
    assert "fig" not in called


def figures_to_print():
    """Each case the `fig` macro distinguishes: none, none with a printed value, a plain Decimal, a text to
    escape, a typed figure, a computed one (its button and explanation), printed equal to or unlike the rule."""
    where = Location(Path("report.yaml"), 3)
    typed = Money("200")
    typed.origin = Typed("自评表.0.项目资金.年初预算数", "年初预算数", "200.00", where, "年初预算数")
    rate = Rate(Decimal("0.75"))
    rate.origin = Computed(
        "自评表.0.项目资金.执行率",
        "执行率",
        "75%",
        "执行率 = 全年执行数 ÷ 全年预算数",
        "150 ÷ 200 = 75%",
        (typed.origin,),
    )
    return [
        (None, None),
        (None, "12.5"),
        (Decimal("3.10"), None),
        ("<b>&甲", None),
        (typed, None),
        (rate, None),
        (rate, rate),
        (rate, "76%"),
    ]


def test_the_python_fig_prints_what_the_themes_fig_macro_prints(project):
    macro = open_site(project).env.get_template("macros.html").module.fig
    for value, stated in figures_to_print():
        with page_anchors(set()):
            by_macro = str(macro(value, stated))
        with page_anchors(set()):
            assert printed_figure(value, stated) == by_macro, (value, stated)


def test_a_page_writes_each_explanation_once_however_often_it_prints_the_figure(project, cli, monkeypatch):
    explained = []
    explanation = jixiao.explain.explanation

    def watched(origin):
        explained.append(origin.path)
        return explanation(origin)

    monkeypatch.setattr(jixiao.explain, "explanation", watched)
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    # 总分 79.50 (预算执行 7.50 + three indicators of 24) is printed with its explanation three times: in the
    # 自评汇总, in the 自评表 and in the prose
    assert page.count('<span class="why-sum">7.50 + 24 + 24 + 24 = 79.50</span>') == 3
    assert explained.count("自评表.0.总分") == 1
    assert len(explained) == len(set(explained))


def test_a_report_a_reader_waits_for_goes_alone_to_the_next_worker_that_asks():
    # the preview's first build: a page asked for is rendered next, by whichever worker asks first (test_serve.py)
    class Reader(jixiao.workers.Watch):
        def wanted(self):
            return ["b3"]

    queues = jixiao.workers.Queues([["a1", "a2"], ["b1", "b2", "b3"]], ["a1", "a2", "b1", "b2", "b3"], 8, Reader())
    assert queues.take(0) == ["b3"]
    assert queues.take(0) == ["a1", "a2"]
    assert queues.take(1) == ["b1", "b2"]


def test_a_worker_parses_the_reports_a_reader_waits_for_first_and_only_its_own_share():
    # the preview's first build: what the page asked for reads is parsed first (test_serve.py), each report still
    # by the worker that renders it
    share = dict.fromkeys(["a1", "a2", "a3", "a4"])
    assert jixiao.workers.parse_batch(share, ["b1", "a3", "a3", "a4"], 8) == ["a3", "a4"]
    assert jixiao.workers.parse_batch(share, ["b1"], 8) == ["a1", "a2"]
    assert jixiao.workers.parse_batch(share, [], 8) is None


def test_forked_workers_inherit_the_layouts_compiled(tmp_path, monkeypatch):
    """The parent compiles every layout before it forks the workers, so none compiles them again (a layout that
    does not compile, unused here, is left for the page that uses it)."""
    project = composite(tmp_path)
    (project / "layouts").mkdir()
    (project / "layouts" / "unused.html").write_text("{% if %}", encoding="utf-8")
    render = jixiao.workers.build_report

    def watched(site, library, model, key):
        names = {name for _, name in site.env.cache.keys()}
        (tmp_path / f"worker-{os.getpid()}-{key.replace('/', '-')}").write_text(" ".join(sorted(names)))
        return render(site, library, model, key)

    monkeypatch.setattr(jixiao.workers, "build_report", watched)
    monkeypatch.setattr(jixiao.workers, "PARALLEL_THRESHOLD", 2)
    build_site(project, tmp_path / "site", jobs=2, search=False)
    seen = [path.read_text().split() for path in tmp_path.glob("worker-*")]
    assert len(seen) == 8 and len({path.name.split("-")[1] for path in tmp_path.glob("worker-*")}) == 2
    assert all({"report/page.html", "blocks/chart.html", "figure.html"} <= set(names) for names in seen)
    # what jixiao writes itself while it is the built-in theme's (html.BLOCK_WRITERS, html.TABLE_WRITERS, the fig
    # macro) is not compiled
    written = {"blocks/table.html", "blocks/runs.html", "macros.html", "tables/form.html"}
    assert not any(written & set(names) for names in seen)


def test_the_library_holds_no_reports_text_once_read_and_reads_it_again_to_parse(project):
    # A build holds every bundle to its end, but needs a bundle's text only to parse it: some 24 KiB a report that
    # the parent held for nothing while the workers parsed (bench/HISTORY.md, issue 22's memory rows).
    folder = project / "content/2024/demo"
    library = read_site(open_site(project))
    bundle = library.bundles["2024/demo"]
    assert bundle.held is None  # digested and released as it was read
    on_disk = {name: (folder / name).read_text(encoding="utf-8") for name in ("report.yaml", "01-概况.md")}
    assert bundle.texts == on_disk  # read again, through the read policy, when asked
    source = library.source("2024/demo")
    assert source is not None and source.report.unit == "示例中心"  # the fixture's 单位
    assert [section.title for section in source.sections] == ["概况"]  # 01-概况.md
    assert bundle.held is None  # parsed: released again


def test_a_file_changed_after_it_was_read_is_an_error_at_that_file_not_another_report(project):
    # The bundle's digest (its cache and page keys) was taken when it was read: a text read again must be that one.
    library = read_site(open_site(project))
    edit(project / "content/2024/demo/report.yaml", "单位: 示例中心", "单位: 另一中心")
    assert library.source("2024/demo") is None
    [error] = library.failed["2024/demo"]
    assert error.location.path == project / "content/2024/demo/report.yaml"
    assert error.message == "文件在构建过程中被改动（与开始构建时读到的内容不同）"
    assert error.hint == "等编辑保存完毕后重新构建。"


def test_an_error_in_a_text_read_again_still_names_its_file_and_line(project):
    report = project / "content/2024/demo/report.yaml"
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "单位: 示例中心"
    report.write_text("\n".join([*lines, "单位: 示例中心"]) + "\n", encoding="utf-8")  # line 25: 单位 again
    library = read_site(open_site(project))
    assert library.source("2024/demo") is None
    [error] = library.failed["2024/demo"]
    assert (error.location.path, error.location.line) == (report, 25)  # the fixture's 24 lines, then the copy
    assert "重复" in error.message and "第 3 行" in error.message


def test_a_build_in_one_process_keeps_no_parsed_report_once_every_page_is_written(tmp_path, monkeypatch):
    # The site-wide pages are the build's peak: the parsed reports (live or parked) are dropped before them, and the
    # preview, which keeps the library between saves, parses again what a save needs.
    project = composite(tmp_path)
    monkeypatch.setattr(jixiao.workers, "LIVE_SOURCES", 2, raising=False)
    parked = []
    release = jixiao.workers.ParkedSources.release

    def watched(self):
        parked.append(len(self.pickled))
        release(self)

    monkeypatch.setattr(jixiao.workers.ParkedSources, "release", watched)
    result = build_site(project, tmp_path / "out", jobs=1, search=False)
    library = result.plan.library
    assert parked == [6]  # the composite site's 8 reports, 2 kept live: 6 parked until every page was written
    assert library.sources == {}
    assert all(bundle.held is None for bundle in library.bundles.values())
    again = library.source("2023/luzhou-xiangmu-zipingbiao")
    assert again is not None and again.report.year == 2023


def test_units_are_read_in_pinyin_by_a_child_process_never_by_the_build(project, tmp_path):
    # pypinyin's phrases are some 56 MiB of objects, loaded while the parent makes the site-wide pages (its peak).
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from jixiao.build import build_site\n"
        "from jixiao.pinyin import pinyin_slugs\n"
        "build_site(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1, search=False)\n"
        "print([p.name for p in (Path(sys.argv[2]) / 'units').iterdir() if p.is_dir()], 'pypinyin' in sys.modules)\n"
        "print(pinyin_slugs(['六安市财政局', '示例中心', 'ABC 1', '——']), 'pypinyin' in sys.modules)\n"
    )
    command = [sys.executable, "-c", script, str(project), str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=True)
    # 六安 is read lù ān (a place name: pypinyin's phrases), not liù ān; what is not a letter or digit is one "-"
    expected = {"六安市财政局": "luanshicaizhengju", "示例中心": "shilizhongxin", "ABC 1": "abc-1", "——": "unit"}
    assert done.stdout == f"['shilizhongxin'] False\n{expected} False\n"  # the fixture's one unit, 示例中心


def test_a_failed_pinyin_child_is_one_message_saying_what_to_do(project, tmp_path, monkeypatch):
    # as when pypinyin is missing from the environment the build runs in
    monkeypatch.setattr(jixiao.pinyin, "CHILD", ("-c", "import pypinyin_missing_here"))
    jixiao.portal.PINYIN.clear()
    jixiao.portal.slugs_of.cache_clear()
    with pytest.raises(JixiaoError) as raised:
        build_site(project, tmp_path / "out", jobs=1, search=False)
    message = raised.value.format()
    assert "pypinyin 子进程失败: ModuleNotFoundError: No module named 'pypinyin_missing_here'" in message
    assert "提示: " in message and "单位网址" in message
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_cells_opening_tag_is_written_once_for_each_set_of_attributes(project, cli):
    # A page of forms writes about a thousand cells with a few dozen distinct opening tags (bench/HISTORY.md).
    jixiao.document.html.cell_opening.cache_clear()
    assert cli("build", project, "--no-pdf").exit_code == 0
    written = jixiao.document.html.cell_opening.cache_info()
    assert written.hits > 0 and written.currsize == written.misses > 0
    # every attribute, escaped, in the order the writer has always written them
    cell = Cell(runs("甲", Decimal("3.10")), header=True, scope="row", rowspan=2, colspan=3, classes=("num", "a&b"))
    cell = cell._replace(title="得分 = 分值 × 完成率 <")
    assert jixiao.document.html.write_cell(cell, printed_figure, None) == (
        '<th scope="row" rowspan="2" colspan="3" class="num a&amp;b" title="得分 = 分值 × 完成率 &lt;">甲3.10</th>'
    )
    assert jixiao.document.html.write_cell(Cell(), printed_figure, None) == "<td></td>"


def test_a_cell_of_one_plain_text_or_none_is_written_once_and_as_any_other_cell(project, cli, monkeypatch):
    # Two thirds of a page's cells are labels, words and empty cells (bench/HISTORY.md, eighth wave): each is written
    # once a process, remembered by its fields, as the writer writes any cell; a figure's cell, never remembered.
    html = jixiao.document.html
    plain, remembered = html.plain_cell, []

    def watched(cell):
        remembered.append(cell)
        return plain(cell)

    monkeypatch.setattr(html, "plain_cell", watched)
    plain.cache_clear()
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert plain.cache_info().hits > 0 and len(remembered) > plain.cache_info().currsize
    nl2br = jixiao.render.create_environment([], None).filters["nl2br"]
    assert {cell.kind for cell in remembered} >= {"label", "text"}
    assert all(plain(cell) == html.cell_html(cell, printed_figure, nl2br) for cell in remembered)
    assert not any(run.kind == "fig" for cell in remembered for run in cell.content)


NOTED = """\
名称: 甲
核对说明:
  year-mismatch 「20245年」: 原文如此
自评表:
  - 项目名称: 乙
    指标:
      - 名称: 丙
        核对说明:
          narrative-number 「96%」: 四舍五入
        分值: 10
    说明: [一, 二]
"""


def test_the_check_notes_of_a_yaml_tree_are_found_and_left_out_at_any_depth_as_before():
    # Only maps and lists are walked into (bench/HISTORY.md): the notes are still found at every depth, in file order,
    # and data.json's 原始数据 still drops them at every depth, keeping every text and number as written.
    raw = parse_yaml(NOTED, Path("report.yaml"))
    assert [(where.line, str(note)) for where, note in notes_in(raw)] == [
        (2, "{'year-mismatch 「20245年」': '原文如此'}"),
        (8, "{'narrative-number 「96%」': '四舍五入'}"),
    ]
    published = without_check_notes(raw)
    assert published == {
        "名称": "甲",
        "自评表": [{"项目名称": "乙", "指标": [{"名称": "丙", "分值": 10}], "说明": ["一", "二"]}],
    }
    assert published["自评表"][0]["项目名称"] is raw["自评表"][0]["项目名称"]
    # maps copied whole, then their maps and lists replaced (bench/HISTORY.md, eighth wave): the YAML as read keeps
    # its notes, and no map or list of it is published as it is
    assert "核对说明" in raw and "核对说明" in raw["自评表"][0]["指标"][0]
    assert published["自评表"][0]["指标"][0] is not raw["自评表"][0]["指标"][0]
    assert (
        published["自评表"][0]["说明"] == raw["自评表"][0]["说明"]
        and published["自评表"][0]["说明"] is not raw["自评表"][0]["说明"]
    )


def test_a_figure_index_reads_each_names_core_once_and_finds_near_names_as_before():
    # 上缴财政城市维护建设税资金: its core 上缴城市维护建设税 (9 characters, at least 4) may be written without 财政/资金;
    # 执行率's core 执行率 is shorter than 4 characters, so only the name itself is found.
    near = Figure("上缴财政城市维护建设税资金", Decimal("12"), "money", "万元", "本年", "收入", "x")
    exact = Figure("项目资金执行率", Decimal("96"), "rate", None, "执行率", "甲", "y")
    jixiao.audit.indexed_name.cache_clear()
    index = FigureIndex([near, exact, exact])
    assert jixiao.audit.indexed_name.cache_info().hits == 1  # the second 项目资金执行率 read its entry again
    assert index.named("上缴城市维护建设税") == [near]
    assert index.named("项目资金执行率") == [exact, exact]
    assert list(index.held("本年上缴城市维护建设税12万元")) == ["上缴财政城市维护建设税资金"]
    assert list(index.held("执行率96%")) == []


def test_blocks_are_written_inside_the_pages_render_and_their_errors_still_name_their_line(project, cli, monkeypatch):
    # A block's template reads the caller's names as they are (document/html.py render_within), not through
    # Template.render, which first copied some sixty globals for each of a page's forty blocks (bench/HISTORY.md);
    rendered = []
    render = jinja2.Template.render

    def watched(template, *args, **kwargs):
        rendered.append(template.name)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", watched)
    assert cli("build", project, "--no-pdf").exit_code == 0
    # nor does the page itself, nor the table its text places with ::表格 (render.TemplateRun.render, ninth wave)
    assert not [name for name in rendered if name.startswith(("blocks/", "report/", "tables/"))]
    # a site's block template is still the one used, and its mistake is reported at its own line
    write(project / "layouts/blocks/paragraph.html", "<p>\n{{ node.未知 }}</p>\n")
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 1
    assert "layouts/blocks/paragraph.html:2: error: 模板出错: 没有名为「未知」的项 [template]" in result.output


def test_templates_rendered_within_the_page_have_no_globals_of_their_own(project, cli, monkeypatch):
    # render_within gives a template the environment's globals (the caller's names hold them), where
    # Template.render would give the template's own: the same only while no template gets globals of its own
    # (`get_template(name, globals=…)`), which this checks for every template a build renders so
    rendered = []
    render_within = jixiao.document.html.render_within

    def watched(template, names):
        rendered.append(template)
        return render_within(template, names)

    monkeypatch.setattr(jixiao.document.html, "render_within", watched)
    write(project / "layouts/tables/form.html", BUILT_IN_FORM)  # a site's own: not written in Python
    assert cli("build", project, "--no-pdf").exit_code == 0
    names = {template.name for template in rendered}
    assert {"report/default.html", "tables/form.html", "index.html"} <= names, sorted(names)
    assert all(dict(template.globals) == dict(template.environment.globals) for template in rendered)


def test_data_json_writes_a_figure_as_it_prints_by_the_figures_own_serializer():
    # A Decimal subclass took pydantic's slow search for its type before its str() was written (bench/HISTORY.md):
    # the figures declare their serializer, and write the same JSON text as before (their str(), as printed).
    figures = [Money("1836.70"), Money("2", 2, True), Rate(Decimal("96.4")), Number("8"), Score("9.48"), Score("10")]
    assert all(isinstance(type(figure).__pydantic_serializer__, SchemaSerializer) for figure in figures)
    assert to_json({"报告": figures}) == '{"报告":["1836.70","2.00","96.4%","8","9.48","10"]}'.encode()
    assert to_jsonable_python(figures[1]) == "2.00"


def test_the_report_blocks_are_read_by_layouts_directly_and_their_private_parts_still_refused(project, monkeypatch):
    # A heading's, paragraph's or division's fields are frozen data, read as the table blocks are, not through the
    # sandbox's checks of each value (bench/HISTORY.md); a name with an underscore stays out of reach either way.
    env = open_site(project).env
    monkeypatch.setattr(jinja2.sandbox.SandboxedEnvironment, "getattr", None)  # the sandbox's way is not taken
    heading = Heading(2, (), "s1", "概况")
    assert (env.getattr(heading, "level"), env.getattr(heading, "anchor"), env.getattr(heading, "kind")) == (
        2,
        "s1",
        "heading",
    )
    assert isinstance(env.getattr(Division(()), "missing"), jinja2.Undefined)
    monkeypatch.undo()
    assert isinstance(env.getattr(heading, "__class__"), jinja2.Undefined)


def test_a_page_asks_jinja_for_each_layout_once_and_still_records_every_layout_it_used(project, monkeypatch):
    # A page asks for a template some 130 times (a block's, a table's macros): the environment keeps what it was
    # given by name (bench/HISTORY.md), and each page still records what it used (the cache's key depends on it).
    env = open_site(project).env
    first, second = TemplateRun(), TemplateRun()
    template = first.render(env, "blocks/paragraph.html", {"node": Paragraph((), "甲")}, Location(None))
    monkeypatch.setattr(jinja2.Environment, "get_template", None)  # Jinja's own way is not taken again
    assert second.render(env, "blocks/paragraph.html", {"node": Paragraph((), "乙")}, Location(None)) == "<p>乙</p>\n"
    assert template == "<p>甲</p>\n"
    assert first.used == second.used == {"blocks/paragraph.html"}


def test_layouts_call_jixiaos_writers_directly_and_anything_else_through_the_sandbox(project, cli, monkeypatch):
    # The block writers are called some hundred times a page without the sandbox's look at the callable
    # (bench/HISTORY.md); a layout's other calls are still checked: a text's format() with a huge width is refused.
    checked = []
    is_safe_callable = jinja2.sandbox.SandboxedEnvironment.is_safe_callable

    def watched(env, obj):
        checked.append(getattr(obj, "__name__", ""))
        return is_safe_callable(env, obj)

    monkeypatch.setattr(jinja2.sandbox.SandboxedEnvironment, "is_safe_callable", watched)
    write(project / "layouts/tables/form.html", BUILT_IN_FORM)  # a site's own: not written in Python
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert "lay_out" in checked and not {"write", "write_sections", "place", "printed_sections", "write_runs"} & set(
        checked
    )
    write(project / "layouts/blocks/paragraph.html", '<p>{{ "{:>999999}".format(1) }}</p>\n')
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 1
    assert "layouts/blocks/paragraph.html:1: error: 模板出错: 格式中的宽度过大（上限 99999）" in result.output


def test_a_cell_of_plain_text_is_made_once_and_a_cell_holding_a_figure_never_shared():
    # The same words fill every form (bench/HISTORY.md): such a cell is shared, being frozen; a figure carries its
    # own origin, so two cells of equal figures stay two.
    assert cells.text("达到") is cells.text("达到")
    assert cells.text("达到").content == (Text("达到"),) and cells.text(None).content == ()
    assert cells.text("≥95%", colspan=2) is not cells.text("≥95%")
    assert (
        cells.label("一级指标", scope="col") is cells.label("一级指标", scope="col") and cells.empty() is cells.empty()
    )
    # a group's label repeated in print is told from its copies by identity (blocks.repeat_labels): never shared
    assert cells.label("产出指标", rowspan=3, repeat=True) is not cells.label("产出指标", rowspan=3, repeat=True)
    first, second = Money("10"), Money("10")
    first.origin, second.origin = "甲", "乙"
    assert [cell.content[0].value.origin for cell in (cells.text(first), cells.text(second))] == ["甲", "乙"]


def test_the_blocks_a_page_makes_by_the_hundred_are_named_tuples():
    # A frozen dataclass sets each field through object.__setattr__ (a cell's nine: some 16,000 instructions; a
    # named tuple's: some 5,000; bench/HISTORY.md, eighth wave). Still immutable, read by name, changed by _replace.
    for kind in (Cell, Row, Section, Text, Fig, Lines, Mark):
        assert issubclass(kind, tuple) and kind._fields, kind
    cell = cells.figure(Decimal("3"), "rate")
    assert (cell.kind, cell.classes, cell.content[0].kind, cell.content[0].differs) == ("rate", ("num",), "fig", False)
    with pytest.raises(AttributeError):
        cell.colspan = 2  # type: ignore[misc]
    assert cell._replace(colspan=2).colspan == 2 and cell.colspan == 1
    assert Row((cell,), ("total",)) == Row((cell,), ("total",)) and Text("甲", "code").kind == "text"


def test_the_built_in_table_html_has_its_sections_written_in_python(project, cli, monkeypatch):
    # A page of forms has some eighty sections; their loop left blocks/table.html for html.write_sections
    # (bench/HISTORY.md, seventh wave): every section of every table of the page is written there.
    written = []
    section_html = jixiao.document.html.section_html

    def watched(section, *args):
        written.append(section)
        return section_html(section, *args)

    monkeypatch.setattr(jixiao.document.html, "section_html", watched)
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert len(written) == page.count("<thead") + page.count("<tbody") + page.count("<tfoot") > 0


def test_a_page_reads_its_ids_once_for_its_explanations_links_and_its_headline_figures(project, cli, monkeypatch):
    # The page's ids are read in one pass (explain.page_ids, bench/HISTORY.md seventh wave) for both: a link to a
    # figure the page does not print becomes its label, a headline figure keeps its anchor only when printed.
    value = Money("10")
    value.origin = Typed("自评表.0.总分", "总分", "10", Location(None), "总分")
    ident = jixiao.portal.anchor(value.origin)
    printed = f'<td><span class="fig" id="{ident}">10</span></td>'
    linked = f'<span class="why-from">取自：<a href="#{ident}">总分 10</a></span><span id="{ident}x"></span>'
    assert jixiao.portal.figure_anchor(value, jixiao.explain.page_ids(printed)) == ident
    assert jixiao.portal.figure_anchor(value, jixiao.explain.page_ids(linked)) == ""
    assert jixiao.portal.figure_anchor(Money("10"), jixiao.explain.page_ids(printed)) == ""
    page = printed + linked
    assert jixiao.explain.unlink_unprinted(page, jixiao.explain.page_ids(page)) == page
    assert jixiao.explain.unlink_unprinted(linked, jixiao.explain.page_ids(linked)) == linked.replace(
        f'<a href="#{ident}">总分 10</a>', "总分 10"
    )
    scanned = []
    page_ids = jixiao.explain.page_ids
    monkeypatch.setattr(jixiao.page, "page_ids", lambda text: scanned.append(len(text)) or page_ids(text))
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert len(scanned) == len(list((project / "site").glob("*/*/data.json")))


def test_an_inputs_link_is_written_where_each_explanation_names_it_and_each_explanation_once_a_page(monkeypatch):
    # An explanation's links are written each time (few inputs are named twice on a page: looking them up in the
    # page's memory cost more, bench/HISTORY.md eighth wave); an explanation is written once a page.
    linked = []
    source_link = jixiao.explain.source_link
    monkeypatch.setattr(jixiao.explain, "source_link", lambda origin: linked.append(origin.path) or source_link(origin))
    a, b = (Typed(f"x.{n}", n, v, Location(None), n) for n, v in (("a", "1"), ("b", "2")))
    first = Computed("x.s", "s", "3", "a + b", "1 + 2 = 3", (a, b))
    second = Computed("x.t", "t", "6", "a + b + s", "1 + 2 + 3 = 6", (a, b, first))
    with page_anchors(jixiao.explain.Anchors()):
        texts = [jixiao.explain.explained(origin) for origin in (first, second, first)]
    assert linked == ["x.a", "x.b", "x.a", "x.b", "x.s"]
    links = f'<a href="#{jixiao.portal.anchor(a)}">a 1</a>、<a href="#{jixiao.portal.anchor(b)}">b 2</a>'
    assert texts[0].endswith(f'<span class="why-from">取自：{links}</span>') and texts[2] == texts[0]
    assert texts[1].endswith(f'{links}、<a href="#{jixiao.portal.anchor(first)}">s 3</a></span>')
    assert jixiao.explain.explained(first) == texts[0] and linked[5:] == ["x.a", "x.b"]  # outside a page: each time


def test_a_rows_and_a_sections_class_attribute_is_written_once_for_each_set_of_classes(project, cli):
    # Escaping makes a Markup through Python: a page's four hundred rows have a dozen sets of classes, each one's
    # attribute written once (html.class_attribute, bench/HISTORY.md seventh wave), escaped as before.
    html = jixiao.document.html
    assert html.class_attribute(("keep-next", "unmet")) == ' class="keep-next unmet"'
    assert html.class_attribute(('a"b', "<c>")) == ' class="a&#34;b &lt;c&gt;"'
    html.class_attribute.cache_clear()
    assert cli("build", project, "--no-pdf").exit_code == 0
    written = html.class_attribute.cache_info()
    assert written.hits > 0 and written.currsize == written.misses > 0


def test_a_cell_is_plain_when_every_item_is_a_text_or_none_by_its_exact_type():
    # plain() asks by the set of the items' types (bench/HISTORY.md, seventh wave): a figure, a run made elsewhere or
    # a text's subclass is not plain, an empty cell is.
    assert cells.plain(("达到", None)) and cells.plain(())
    assert not cells.plain(("达到", Text("x")))
    assert not cells.plain((Money("10"),)) and not cells.plain((Decimal("1"),))
    assert not cells.plain((Markup("<b>x</b>"),))


def test_a_blocks_context_is_the_callers_names_without_a_second_list_of_the_globals(project, cli, monkeypatch):
    # Jinja compared a context's global names with an imported template's through a ChainMap at each
    # `{% from … import %}` of a block, only to find no new one (bench/HISTORY.md): a block's context lists none.
    # (The built-in blocks are written in Python: a site's own table.html, the built-in one's copy, is rendered.)
    write(project / "layouts/blocks/table.html", (BUILTIN_THEMES / DEFAULT_THEME / "blocks/table.html").read_text())
    made = []
    new_context = jixiao.document.html.new_context

    def watched(*args, **kwargs):
        made.append(new_context(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(jixiao.document.html, "new_context", watched)
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert {context.name for context in made} >= {"blocks/table.html", "tables/form.html"}
    assert all(context.globals_keys == set() and "write_rows" in context.parent for context in made)


def test_an_amount_or_a_count_formats_its_number_once_and_a_copy_with_a_unit_prints_its_own(monkeypatch):
    # An amount is printed several times (its cell, the arithmetic it enters, data.json): its number is formatted
    # once (bench/HISTORY.md); a copy with another unit (亿元 in a table of counts) prints that unit.
    amount, count = Money("1836.70", 2, True), Number("35")
    assert (str(amount), str(count)) == ("1836.70", "35")
    monkeypatch.setattr(Money, "text", None)  # not formatted again
    monkeypatch.setattr(Number, "text", None)
    assert (str(amount), f"{amount}", str(count.with_unit("万人")), str(count)) == (
        "1836.70",
        "1836.70",
        "35万人",
        "35",
    )


def test_the_key_a_typed_figure_was_written_under_is_the_first_of_its_spellings_the_author_used():
    # 年度指标值 is an alias of 指标值 (parts/indicators): the origin names the spelling written, as before
    # (a loop rather than a generator: every typed figure asks, bench/HISTORY.md).
    source = parse_yaml("名称: 甲\n年度指标值: ≥95%\n", Path("report.yaml"))
    assert written_key(source, ("指标值", "年度指标值")) == "年度指标值"
    assert written_key(source, ("名称",)) == "名称" and written_key(source, ("分值", "权重")) is None


def test_reports_json_is_written_as_json_indents_it(project):
    import json

    # the open data's reports.json is json.dumps(…, ensure_ascii=False, indent=1) of the entries, a line at the end
    build_site(project, jobs=1, search=False)
    written = (project / "site" / "data" / "reports.json").read_text(encoding="utf-8")
    assert json.dumps(json.loads(written), ensure_ascii=False, indent=1) + "\n" == written


def unlinked_by_pattern(page: str, ids: set[str]) -> str:
    """`explain.unlink_unprinted` as a pattern says it (what it was before the page was split at each link)."""
    if 'class="why-from"' not in page:
        return page
    link = re.compile(r'<a href="#([^"]+)">([^<]*)</a>')
    return link.sub(lambda m: m.group(0) if m.group(1) in ids or "f-" not in m.group(1) else m.group(2), page)


def test_an_unprinted_figures_links_are_found_by_splitting_the_page_as_the_pattern_finds_them(
    cli, tmp_path, monkeypatch
):
    # The links are found by splitting the page at each opening (bench/HISTORY.md eighth wave): every link the
    # pattern takes, and only those, on made-up pages of every kind of near miss and on the seed reports' pages.
    why = '<span class="why-from">'
    odd = [
        '<a href="#f-1">甲 1</a>',  # unprinted: its label
        '<a href="#f-2">乙 2</a>',  # printed
        '<a href="#s1-x">丙</a>',  # not a figure's
        '<a href="#f-3">a<b>c</a>',  # a tag in the label: not a link of an explanation
        '<a href="#f-4" class="x">丁</a>',  # a quote in the target
        '<a href="#">戊</a><a href="#f-5">己</a>',  # an empty target, then a link
        '<a href="#f-6">庚',  # not closed
        '<a href="#f-7>辛</a>',  # no end of the target
        '<a href="#f-8">壬</a></a>',
        "",
    ]
    for first in odd:
        for second in odd:
            page = f'{why}{first}x{second}<a href="#f-9">癸</a>'
            assert jixiao.explain.unlink_unprinted(page, {"f-2"}) == unlinked_by_pattern(page, {"f-2"}), page
    pages = []
    unlink = jixiao.page.unlink_unprinted
    monkeypatch.setattr(
        jixiao.page, "unlink_unprinted", lambda page, ids: pages.append((page, ids)) or unlink(page, ids)
    )
    repository = Path(__file__).parent.parent.parent
    assert cli("build", repository, "--out", tmp_path / "site", "--no-pdf", "--no-search", "-j", "1").exit_code == 0
    assert len(pages) > 3
    unlinked = 0
    for page, ids in pages:
        assert jixiao.explain.unlink_unprinted(page, ids) == unlinked_by_pattern(page, ids)
        unlinked += jixiao.explain.unlink_unprinted(page, ids) != page
    assert unlinked > 0


def test_nl2br_writes_what_markups_join_wrote():
    # The filter joins its lines without a Markup.escape call for each (bench/HISTORY.md, tenth wave): the same text
    # and a Markup, for texts with what escaping changes, every kind of line break, nothing and a number.
    nl2br = jixiao.render.create_environment([], None).filters["nl2br"]
    texts = ["", None, 0, 12.5, "一行", "甲\n乙", "a<b>&'\"c\r\nd\re\u2028f\x0bg\x0ch\x1ci\x85j", "\n\n末\n", "<br>"]
    for text in texts:
        written = nl2br(text)
        assert isinstance(written, Markup)
        assert written == Markup("<br>").join(str(text or "").splitlines())
