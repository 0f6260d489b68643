"""The document tree of data tables and charts, and the CSV writer over it.

A data table is laid out once (jixiao.parts.data_table) into a grid of cells; the page, the PDF and the CSV
published beside the page are written from that grid. Expected figures are hand-computed next to the fixture.
"""

import csv
import io
import shutil
import threading
import urllib.parse
import urllib.request
from decimal import Decimal
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, assess_in_site, edit, without_explanations, write

from jixiao.cli import main
from jixiao.document.blocks import Cell, Fig, Mark, Row, Section, Table, plain_text, runs
from jixiao.document.csv import write_table
from jixiao.parts.data_table.files import csv_path
from jixiao.parts.registry import lay_out

# 2022 prints 本年 for two of the rows; 2023 leaves 上年 empty, so it is taken from there (and marked).
LAST_YEAR = """  支出明细:
    标题: 支出明细
    列: [本年]
    行:
      - {名称: 社会保障和就业支出, 本年: 150.00}
      - {名称: 住房保障支出, 本年: 600.00}
"""
THIS_YEAR = """  支出明细:
    标题: 支出明细
    列: [本年, 上年]
    计算:
      - {名称: 增减额, 类型: 差额, 列: [本年, 上年]}
      - {名称: 增长率, 类型: 增长率, 列: [本年, 上年]}
    合计: true
    固定小数位: true
    行:
      - {名称: 社会保障和就业支出, 说明: 含养老、医疗保险缴费}
      - {名称: 养老保险, 上级: 社会保障和就业支出, 本年: 120.00}
      - {名称: 医疗保险, 上级: 社会保障和就业支出, 本年: 40.00}
      - {名称: 住房保障支出, 本年: 630.00, 原表: {增减额: 31.00}, 核对说明: 原表笔误}
      - {名称: 两项之差, 公式: 住房保障支出 - 社会保障和就业支出}
"""
# Hand computation (万元; the table prints two decimals throughout, 固定小数位, as 决算 tables do):
#   社会保障和就业支出 本年 = its parts 120.00 + 40.00 = 160.00; 上年 150.00 (2022); 增减额 10.00; 10 ÷ 150 = 6.67 %
#   养老保险, 医疗保险: no 上年 (2022 has no such row) → 上年, 增减额, 增长率 blank (—)
#   住房保障支出 630.00, 上年 600.00 (2022), 增减额 30.00 (原表 31.00), 30 ÷ 600 = 5.00 %
#   两项之差 (a formula row, computed in every column): 630 − 160 = 470.00, 600 − 150 = 450.00, 增减额 20.00,
#     20 ÷ 450 = 4.44 %
#   合计 (top-level rows, neither parts nor the derived row): 160 + 630 = 790.00, 150 + 600 = 750.00, 40.00,
#     40 ÷ 750 = 5.33 %
EXPECTED_CSV = [
    ["项目", "本年", "上年", "增减额", "增长率"],
    ["社会保障和就业支出", "160.00", "150.00", "10.00", "6.67"],
    ["说明：含养老、医疗保险缴费", "", "", "", ""],
    ["养老保险", "120.00", "", "", ""],
    ["医疗保险", "40.00", "", "", ""],
    ["住房保障支出", "630.00", "600.00", "30.00", "5.00"],
    ["两项之差", "470.00", "450.00", "20.00", "4.44"],
    ["合计", "790.00", "750.00", "40.00", "5.33"],
]


@pytest.fixture
def two_years(tmp_path):
    """The two-years fixture with the 支出明细 table above in both years (printed as 表3 in 2023)."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    for year, table in (("2022", LAST_YEAR), ("2023", THIS_YEAR)):
        report = project / f"content/{year}/juesuan/report.yaml"
        report.write_text(report.read_text(encoding="utf-8") + table, encoding="utf-8")
    return project


def laid_out(project, name="支出明细"):
    view, _ = assess_in_site(project, "2023/juesuan")
    return view.tables[name]


def describe(row: Row) -> tuple:
    """A row as (classes, its cells' text), a figure's 原表 value and marks written after it."""

    def cell(c: Cell) -> str:
        extra = [f"原表{run.stated}" for run in c.content if isinstance(run, Fig) and run.differs]
        extra += [run.text for run in c.content if isinstance(run, Mark)]
        return " ".join([c.text, *extra])

    return row.classes, [cell(c) for c in row.cells]


def test_a_data_table_is_laid_out_as_a_grid(two_years):
    table = lay_out("数据表", laid_out(two_years))
    head, body = table.sections
    assert (head.part, body.part, table.classes) == ("head", "body", ("data",))
    assert describe(head.rows[0]) == ((), ["项目", "本年", "上年", "增减额", "增长率"])
    assert [describe(row) for row in body.rows] == [
        (("keep-next",), ["社会保障和就业支出", "160.00", "150.00 *", "10.00", "6.67%"]),  # kept with its note
        (("note-row",), ["说明：含养老、医疗保险缴费"]),
        (("part",), ["养老保险", "120.00", "—", "—", "—"]),
        (("part",), ["医疗保险", "40.00", "—", "—", "—"]),
        ((), ["住房保障支出", "630.00", "600.00 *", "30.00 原表31.00", "5.00%"]),
        ((), ["两项之差", "470.00", "450.00", "20.00", "4.44%"]),
        (("total",), ["合计", "790.00", "750.00", "40.00", "5.33%"]),
    ]
    note = body.rows[1].cells[0]
    assert (note.colspan, note.kind, note.classes) == (5, "note", ("note",))  # 项目 + 2 columns + 2 computed
    # every figure cell holds a figure (its value, not its text), typed by what it is
    first = body.rows[0].cells
    assert [(type(c.content[0]).__name__, c.kind) for c in first[1:]] == [("Fig", "amount")] * 3 + [("Fig", "rate")]
    assert first[1].content[0].value == Decimal("160.00")
    assert first[2].content[1] == Mark("*", "取自上年报告")
    # not titled by a heading: its caption carries the number, title and unit; the table's 说明 goes below it
    assert plain_text(table.caption) == "表3 支出明细（单位：万元）"
    assert (table.labelled_by, table.unit) == (None, None)
    titled = lay_out("数据表", laid_out(two_years), "table-1")
    assert (titled.caption, titled.labelled_by, titled.unit) == ((), "table-1", "万元")


def test_the_csv_of_a_table_is_its_grid_with_exact_figures(two_years):
    data = write_table(lay_out("数据表", laid_out(two_years)))
    assert data.startswith("\ufeff项目,".encode())  # UTF-8 with a BOM, as indicators.csv: Excel reads the Chinese
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == EXPECTED_CSV  # rates without %, no marks, no 原表 value: a spreadsheet reads numbers
    assert "原表笔误" not in data.decode("utf-8")  # the 核对说明 is never published
    assert [Decimal(r[4]) for r in rows[1:] if r[4]] == [
        Decimal("6.67"),
        Decimal("5.00"),
        Decimal("4.44"),
        Decimal("5.33"),
    ]


def test_a_merged_cell_is_written_once_in_its_first_cell():
    def label(text, **span):
        return Cell(runs(text), "label", header=True, **span)

    head = Row((label("指标", rowspan=2), label("金额", colspan=2)))
    head2 = Row((label("预算"), label("决算")))
    body = (
        Row((label("产出", rowspan=2), Cell((Fig(Decimal("1.50")),)), Cell((Fig(None),)))),
        Row((Cell((Fig(Decimal("2")),)), Cell(runs("无")))),
    )
    table = Table((Section((head, head2), "head"), Section(body)))
    rows = list(csv.reader(io.StringIO(write_table(table).decode("utf-8-sig"))))
    assert rows == [["指标", "金额", ""], ["", "预算", "决算"], ["产出", "1.50", ""], ["", "2", "无"]]


def test_each_printed_table_is_published_as_csv_and_linked_under_it(two_years):
    result = CliRunner().invoke(main, ["build", str(two_years), "--no-pdf", "--no-search"])
    assert result.exit_code == 0, result.output
    folder = two_years / "site/2023/juesuan"
    published = sorted(p.name for p in (folder / "表格").iterdir())
    assert published == ["表1-收、支决算总计变动情况.csv", "表2-支出决算结构.csv", "表3-支出明细.csv"]
    data = (folder / "表格/表3-支出明细.csv").read_bytes()
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == EXPECTED_CSV
    page = without_explanations((folder / "index.html").read_text(encoding="utf-8"))
    # the link, percent-encoded (a URL is ASCII), names the file beside the page
    link = '<p class="downloads table-csv"><a href="{}">下载本表数据（CSV，单位：万元）</a></p>'
    assert link.format(urllib.parse.quote("表格/表3-支出明细.csv")) in page
    # the same table as the page prints it (not a second copy of the logic): the note row, the mark, 原表
    assert '<tr class="note-row"><td colspan="5" class="note">说明：含养老、医疗保险缴费</td></tr>' in page
    assert '<td class="num">600.00<sup title="取自上年报告">*</sup></td>' in page
    assert 'title="原表印为 31.00，与规则计算结果不同">原表 31.00</span>' in page
    # a rebuild from the cache publishes them too
    result = CliRunner().invoke(main, ["build", str(two_years), "--no-pdf", "--no-search"])
    assert "沿用 2" in result.output and (folder / "表格/表3-支出明细.csv").read_bytes() == data


def test_the_csv_files_are_merged_from_shards_and_served_by_the_preview(two_years, tmp_path):
    runner = CliRunner()
    for k in (1, 2):
        result = runner.invoke(
            main,
            [
                "build",
                str(two_years),
                "--shard",
                f"{k}/2",
                "--out",
                str(tmp_path / f"part-{k}"),
                "--no-pdf",
                "--no-search",
            ],
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "merge",
            str(tmp_path / "part-1"),
            str(tmp_path / "part-2"),
            "--out",
            str(tmp_path / "merged"),
            "--project",
            str(two_years),
            "--no-search",
        ],
    )
    assert result.exit_code == 0, result.output
    merged = sorted(p.relative_to(tmp_path / "merged").as_posix() for p in (tmp_path / "merged").rglob("*.csv"))
    assert merged == [
        "2022/juesuan/表格/表1-收、支决算总计变动情况.csv",
        "2022/juesuan/表格/表2-支出明细.csv",
        "2023/juesuan/表格/表1-收、支决算总计变动情况.csv",
        "2023/juesuan/表格/表2-支出决算结构.csv",
        "2023/juesuan/表格/表3-支出明细.csv",
        "data/2022.csv",  # the portal's open data (portal.py)
        "data/2023.csv",
        "data/indicators.csv",
        "data/units/shilizhongxin.csv",
    ]
    # the preview (jixiao serve) answers the file at its link, and follows a renamed table
    from jixiao.serve import ServeState, open_server

    state = ServeState(two_years.resolve(), tmp_path / "preview" / "site", search=False)
    state.rebuild(lambda message: None)
    server = open_server(state, "127.0.0.1", 0, lambda message: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:

        def get(path):
            url = f"http://127.0.0.1:{server.server_address[1]}/2023/juesuan/{urllib.parse.quote(path)}"
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.headers["Content-Type"], response.read()

        kind, data = get("表格/表3-支出明细.csv")
        assert kind.startswith("text/csv") and list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == EXPECTED_CSV
        report = two_years / "content/2023/juesuan/report.yaml"
        edit(report, "    标题: 支出明细\n", "    标题: 支出明细表\n")
        state.rebuild(lambda message: None, [report])
        assert state.error is None, state.error
        assert get("表格/表3-支出明细表.csv")[1] == data
        assert not (tmp_path / "preview/site/2023/juesuan/表格/表3-支出明细.csv").exists()
    finally:
        server.shutdown()
        server.server_close()


def test_a_bundle_file_with_the_name_of_a_tables_csv_is_an_error(two_years):
    write(two_years / "content/2023/juesuan/表格/表3-支出明细.csv", "旧表\n")
    result = CliRunner().invoke(main, ["build", str(two_years), "--no-pdf", "--no-search"])
    assert result.exit_code == 1
    assert "报告文件夹中的「表格/表3-支出明细.csv」与 jixiao 生成的数据表 CSV 同名" in result.output
    assert "提示: 给这个文件改一个名字，或移出 表格/ 文件夹。" in result.output


def test_a_charts_block_holds_the_figures_it_draws(two_years):
    table = laid_out(two_years, "收支总计")
    chart = lay_out("图", table, "<svg></svg>")
    assert (chart.kind, chart.chart_type, chart.number, chart.title, chart.unit) == (
        "chart",
        "柱状图",
        "图1",
        "收、支决算总计变动情况",
        "万元",
    )
    # the bars: one group per row, one series per column, the table's own figures (2022's 本年 as 上年)
    assert chart.labels == tuple(row.name for row in table.rows) == ("收入总计", "支出总计")
    assert chart.columns == ("上年", "本年")
    assert (
        chart.series
        == tuple(tuple(row[c] for row in table.rows) for c in chart.columns)
        == ((Decimal("2000.00"), Decimal("1800.00")), (Decimal("2100.00"), Decimal("1750.00")))
    )
    # a pie: one slice per top-level row (not the parts, not the derived row), the 金额 column
    pie = lay_out("图", laid_out(two_years, "支出结构"), "")
    assert (pie.chart_type, pie.labels, pie.series) == (
        "饼状图",
        ("基本支出", "项目支出", "其他支出"),
        ((Decimal("1000.00"), Decimal("500.00"), Decimal("250.00")),),
    )


def test_the_chart_block_writes_the_figure_markup(two_years):
    result = CliRunner().invoke(main, ["build", str(two_years), "--no-pdf", "--no-search"])
    assert result.exit_code == 0, result.output
    page = (two_years / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert '<figure class="chart" id="chart-表1">\n  <svg role="img" aria-label="图1 收、支决算总计变动情况"' in page
    assert "<figcaption>图1 收、支决算总计变动情况</figcaption>\n</figure>" in page


def test_a_tables_csv_name_is_safe_as_a_file_name_and_a_link():
    assert (
        csv_path(SimpleNamespace(number="表2", title="业务系统升级和运维费 测算"))
        == "表格/表2-业务系统升级和运维费_测算.csv"
    )
    assert csv_path(SimpleNamespace(number="表3", title='收入/支出: "A"<b>#1')) == "表格/表3-收入_支出_A_b_1.csv"
    # a long title is cut at 50 characters (150 bytes), so the name stays inside a file system's 255 bytes
    assert csv_path(SimpleNamespace(number="表4", title="长" * 120)) == f"表格/表4-{'长' * 50}.csv"
