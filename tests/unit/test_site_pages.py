"""The site-wide pages of a full build (issue 22, seventh wave; bench/README.md): the comparison CSVs, indicators.csv
and the unit feeds made with less work per report, each the same bytes as the code before it (8516c48) wrote, which
these tests keep beside them as the reference. Checked by what is called and what is written, never by timing."""

from __future__ import annotations

from types import SimpleNamespace

from test_listing import ENTRIES

import jixiao.portal
import jixiao.siteindex
from jixiao.cache import Rows
from jixiao.contexts import PortalCell, PortalTable
from jixiao.document.csv import csv_lines, write_rows
from jixiao.portal import table_csv
from jixiao.siteindex import CSV_HEADER, indicators_csv, report_columns


def table_csv_before(tables: list[PortalTable], lead: list[str], series: bool) -> bytes:
    """portal.table_csv as 8516c48 wrote it: a dict of the row's cells by header for every row."""
    columns = list(dict.fromkeys(h for table in tables for h in table.headers if h not in lead))
    rows = []
    for table in tables:
        for row in table.rows:
            cells = dict(zip(table.headers, row))
            source = next((c.href.split("#")[0] for c in row if c.href and "#" in c.href), "")
            rows.append(
                [
                    *(cells[name].text for name in lead),
                    *([table.caption] if series else []),
                    *(
                        "" if cell is None or cell.text == "—" else cell.sort or cell.text
                        for cell in map(cells.get, columns)
                    ),
                    source,
                ]
            )
    return write_rows([[*lead, *(["项目"] if series else []), *columns, "报告"], *rows])


# A year's comparison: the 自评表 table has 执行率 (a % figure, its sort without the sign) and a gap; the totals
# table has columns the first lacks and lacks the first's, so a row has no cell for some of the CSV's columns.
TABLES = [
    PortalTable(
        "项目支出绩效自评",
        ["单位", "项目", "预算（万元）", "执行率（%）", "等次"],
        [
            [
                PortalCell("甲单位", "units/jia/index.html", ""),
                PortalCell("道路", "2023/a/index.html", ""),
                PortalCell("1,200.50", "2023/a/index.html#f-1", "1,200.50"),
                PortalCell("91.63%", "2023/a/index.html#f-2", "91.63"),
                PortalCell("优", None, ""),
            ],
            [
                PortalCell("乙单位", "units/yi/index.html", ""),
                PortalCell("桥梁", "2023/b/index.html", ""),
                PortalCell("—", None, ""),
                PortalCell("75%", None, "75"),
                PortalCell("良", None, ""),
            ],
        ],
    ),
    PortalTable(
        "收入支出总计",
        ["单位", "项目", "收入总计（万元）", "预算（万元）"],
        [
            [
                PortalCell("甲单位", "units/jia/index.html", ""),
                PortalCell("部门决算", "2023/c/index.html", ""),
                PortalCell("3,000", "2023/c/index.html#t-1", "3,000"),
                PortalCell("10", None, "10"),
            ]
        ],
    ),
]


def test_a_comparison_csv_finds_each_column_once_per_table_and_writes_the_same_bytes(monkeypatch):
    read = []

    def spy(cell):
        read.append(cell)
        return value(cell)

    value = jixiao.portal.csv_value
    monkeypatch.setattr(jixiao.portal, "csv_value", spy)
    for lead, series in ((["单位", "项目"], False), (["单位"], True)):
        assert table_csv(TABLES, lead, series) == table_csv_before(TABLES, lead, series)
    text = table_csv(TABLES, ["单位", "项目"], False).decode("utf-8-sig")
    # the columns in first-seen order; the gap and a missing column empty, never 0; the % sign dropped; the report
    # of the row's first linked figure last
    assert text.splitlines()[:2] == [
        "单位,项目,预算（万元）,执行率（%）,等次,收入总计（万元）,报告",
        '甲单位,道路,"1,200.50",91.63,优,,2023/a/index.html',
    ]
    # a column a table lacks is written empty without a cell looked for: csv_value only ever sees a cell
    assert read and None not in read


def indicators_csv_before(pages) -> bytes:
    """siteindex.indicators_csv as 8516c48 wrote it: a string made for each row, the lead before it."""
    lines = [csv_lines([CSV_HEADER])]
    for page in pages:
        lead = report_columns(page.entry)
        lines += [lead + line for line in page.indicators]
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def test_indicators_csv_joins_a_reports_rows_on_its_lead_and_writes_the_same_bytes():
    # a report with rows, one without (a 决算 has none), a reused one whose rows are the manifest's text (cache.Rows),
    # and texts the CSV must quote (a comma, a quote, a line break)
    pages = [
        SimpleNamespace(
            entry=ENTRIES[1], indicators=['一级,"二,级",三级,≥90%,95%,10,10,是\r\n', "a,b,c,1,1,1,1,否\r\n"]
        ),
        SimpleNamespace(entry=ENTRIES[0], indicators=[]),
        SimpleNamespace(entry=ENTRIES[2], indicators=Rows(b'["x,y,z,1,2,3,4,\\"\\u662f\\"\\r\\n"]')),
    ]
    written = indicators_csv(pages)
    assert written == indicators_csv_before(pages)
    lines = written.decode("utf-8").split("\r\n")
    assert lines[0].startswith("\ufeff年度,单位,报告,类型,")
    # the four report columns and the comma before the row's own first field (项目名称: here 一级)
    assert lines[1] == '2023,甲单位 <i>,<b>甲</b> & 报告,项目支出绩效自评表,一级,"二,级",三级,≥90%,95%,10,10,是'
    assert len(lines) == 1 + 2 + 1 + 1  # the header, two rows, one reused row, the end of the last line


def test_the_unit_feeds_take_each_units_entries_from_one_pass_over_the_reports(monkeypatch):
    site = SimpleNamespace(
        config=SimpleNamespace(unit_slugs={}, title="站点", site_url="", base_url="/"), site_view=None
    )
    fed = {}
    grouped = jixiao.portal.grouped
    monkeypatch.setattr(jixiao.portal, "slugs_of", lambda units, given: {u: f"u{i}" for i, u in enumerate(units)})
    monkeypatch.setattr(jixiao.siteindex, "feed", lambda site, entries, title, page, urn: fed.setdefault(urn, entries))
    passes = []
    monkeypatch.setattr(jixiao.siteindex, "grouped", lambda items, key: passes.append(1) or grouped(items, key))
    files = jixiao.siteindex.unit_feeds(site, ENTRIES, kept=["units/u0/feed.xml"])
    # 乙单位 → u0 (kept: not made), 甲单位 <i> → u1 (by code point); a feed has the unit's entries in listing order
    assert list(files) == ["units/u1/feed.xml"] and passes == [1]
    assert fed == {"urn:jixiao:unit:u1": [ENTRIES[1], ENTRIES[2]]}


def test_the_pinyin_child_reads_pypinyins_dictionaries_as_shipped_and_reads_names_as_before(monkeypatch):
    # pypinyin's documented PYPINYIN_NO_DICT_COPY skips the copies of its two dictionaries it makes at import for a
    # program that changes them; the child changes nothing (cachegrind: 1.132 → 1.105 G instructions).
    import subprocess

    import jixiao.pinyin

    children = []
    run = subprocess.run
    monkeypatch.setattr(jixiao.pinyin.subprocess, "run", lambda *a, **k: children.append(k["env"]) or run(*a, **k))
    # 六安 is read lù ān from pypinyin's phrases (liù alone), 重庆 chóng qìng: the phrase dictionary is in use
    assert jixiao.pinyin.pinyin_slugs(["六安市财政局", "重庆市", "A-1 单位"]) == {
        "六安市财政局": "luanshicaizhengju",
        "重庆市": "chongqingshi",
        "A-1 单位": "a-1-danwei",
    }
    assert [env.get("PYPINYIN_NO_DICT_COPY") for env in children] == ["1"]
