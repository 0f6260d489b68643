"""The site-wide pages of a full build (issue 22, seventh wave; bench/HISTORY.md): the comparison CSVs, indicators.csv
and the unit feeds made with less work per report, each the same bytes as the code before it (8516c48) wrote, which
these tests keep beside them as the reference. Checked by what is called and what is written, never by timing."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from test_listing import ENTRIES

import jixiao.pinyin
import jixiao.portal
import jixiao.siteindex
from jixiao.cache import Rows
from jixiao.contexts import PortalCell, PortalTable
from jixiao.document.csv import csv_lines, write_rows
from jixiao.pinyinread import phrases_beginning_with
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


def test_the_pinyin_child_reads_names_as_pypinyin_with_its_whole_dictionary():
    # The child loads only the phrases that begin with a character of the names (pinyinread.py says why that is
    # exact). Names to test it with: real units' names, the dictionary's phrases run together, and names cut across
    # its phrases, whose substrings begin phrases the names do not hold whole.
    phrases = list(json.loads(PHRASES_JSON.read_text(encoding="utf-8")))
    pick = random.Random(22).sample(phrases, 600)
    names = ["六安市财政局", "重庆市", "A-1 单位", "泸州市住房公积金管理中心", "长沙银行行长", "示例中心"]
    names += ["".join(pick[i : i + 3]) for i in range(0, 300, 3)]  # whole phrases run together
    names += [a[1:] + b[:-1] + "中心" for a, b in zip(pick[300::2], pick[301::2], strict=True)]  # cut across them
    whole = subprocess.run(
        [sys.executable, "-c", WHOLE_DICTIONARY], input=json.dumps(names).encode(), capture_output=True, check=True
    )
    slugs = jixiao.pinyin.pinyin_slugs(names)
    assert list(slugs.values()) == [jixiao.pinyin.slug_of(reading) for reading in json.loads(whole.stdout)]
    # 六安 is read lù ān from pypinyin's phrases (liù alone), 重庆 chóng qìng: the phrases are in use
    assert [slugs[n] for n in names[:3]] == ["luanshicaizhengju", "chongqingshi", "a-1-danwei"]


# pypinyin as it reads names by default: its whole dictionary loaded at import
WHOLE_DICTIONARY = (
    "import json, sys\n"
    "from pypinyin import lazy_pinyin\n"
    "print(json.dumps([''.join(lazy_pinyin(n)) for n in json.load(sys.stdin)]))\n"
)
PHRASES_JSON = Path(importlib.util.find_spec("pypinyin").origin).parent / "phrases_dict.json"


def test_the_phrases_found_where_keys_open_lines_are_those_of_the_whole_file():
    text = PHRASES_JSON.read_text(encoding="utf-8")
    firsts = "六安市重庆中心管理财政局"
    whole = {key: value for key, value in json.loads(text).items() if key[0] in firsts}
    assert len(whole) > 500 and phrases_beginning_with(text, firsts) == whole
    # a file laid out otherwise (on one line) is read whole, with the same result
    assert phrases_beginning_with(json.dumps(json.loads(text), ensure_ascii=False), firsts) == whole


def test_the_pinyin_child_loads_only_the_phrases_its_names_can_use_and_never_the_projects_modules(tmp_path):
    # run where the build runs, in the project, which here holds a pypinyin.py of its own (never imported: -P)
    (tmp_path / "pypinyin.py").write_text("raise SystemExit('the project pypinyin.py was imported')\n")
    script = (
        "import json, runpy, sys\n"
        "child = runpy.run_path(sys.argv[1])\n"
        "print(json.dumps(child['read_names'](['六安市'])))\n"
        "import pypinyin.constants\n"
        "print(len(pypinyin.constants.PHRASES_DICT))\n"
    )
    command = [sys.executable, "-P", "-c", script, jixiao.pinyin.CHILD[1]]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", check=True)
    readings, loaded = done.stdout.splitlines()
    # lù ān from the phrase 六安 (liù alone); the phrases beginning with 六, 安 or 市: a few hundred of the dictionary's 47,111
    assert json.loads(readings) == ["luanshi"] and 0 < int(loaded) < 1000
    old = os.getcwd()
    try:
        os.chdir(tmp_path)
        assert jixiao.pinyin.pinyin_slugs(["六安市"]) == {"六安市": "luanshi"}
    finally:
        os.chdir(old)
