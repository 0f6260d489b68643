"""The incremental build's fast path (issue 22: an unchanged or one-report-changed build at 1000 reports within
half of Hugo's full build): what a reused report costs is what the manifest keeps of it, so these tests check
what is kept and what an unchanged build leaves undone — never how long it takes (bench/compare_hugo.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_demo, edit

import jixiao.load
import jixiao.phases
import jixiao.portal
from jixiao.build import build_site
from jixiao.cache import manifest_path

DEMO = "content/2024/demo/report.yaml"


def manifest(project: Path) -> dict:
    return json.loads(manifest_path(project.resolve(), (project / "site").resolve()).read_bytes())


def test_a_reports_indicator_rows_are_kept_as_csv_lines_and_a_changed_one_reaches_indicators_csv(project):
    copy_demo(project, "other")
    build_site(project, search=False)
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")
    result = build_site(project, search=False)
    assert result.rebuilt == 1
    # one string per indicator row (a reused report's rows are neither parsed as lists nor written again), without
    # the report's own four columns, which indicators.csv writes before each row
    kept = manifest(project)["reports"]["2024/demo"]["indicators"]
    assert kept[0] == "示例项目,产出指标,数量指标,办件量,≥100 件,80件,30,24,否\r\n"  # 80 ÷ 100 × 30 = 24
    lines = (project / "site/data/indicators.csv").read_text(encoding="utf-8-sig").splitlines()
    lead = "2024,示例中心,示例中心2024年度项目支出绩效自评,项目支出绩效自评表,示例项目,产出指标,数量指标,办件量,"
    assert [line.split(",")[8:12] for line in lines if line.startswith(lead)] == [
        ["≥100 件", "80件", "30", "24"],  # demo, reused from the manifest
        ["≥100 件", "90件", "30", "27"],  # other, rebuilt: 90 ÷ 100 × 30 = 27
    ]
    assert len(lines) == 1 + 2 * len(kept)  # the header, then both reports' rows


def test_an_unchanged_build_knows_the_units_urls_without_reading_pinyin(project, monkeypatch):
    build_site(project, search=False)
    assert manifest(project)["pinyin"] == {"示例中心": "shilizhongxin"}
    jixiao.portal.PINYIN.clear()  # as in a new process: only the manifest knows the unit
    jixiao.portal.slugs_of.cache_clear()
    asked: list[str] = []
    monkeypatch.setattr(jixiao.portal, "pinyin_slugs", lambda names: asked.extend(names) or {})
    assert build_site(project, search=False).rebuilt == 0
    assert asked == []  # pinyin.py's child process (pypinyin, 0.15 s) was not started
    assert (project / "site/units/shilizhongxin/index.html").is_file()


def test_a_reused_reports_manifest_entry_is_carried_over_not_digested_again(project, monkeypatch):
    # no racy window (tests/unit/test_trusted_stat.py): files the test just wrote are trusted, not read again, so
    # what is recorded of their bundles (the stat, when it was taken) is carried over too
    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)
    copy_demo(project, "other")
    build_site(project, search=False)
    before = manifest(project)["reports"]
    keyed = []
    digest = jixiao.phases.page_key

    def counted(shared, library, model, key, templates, digests):
        keyed.append(key)
        return digest(shared, library, model, key, templates, digests)

    monkeypatch.setattr(jixiao.phases, "page_key", counted)
    assert build_site(project, search=False).rebuilt == 0
    assert sorted(keyed) == ["2024/demo", "2024/other"]  # once each, to plan: not again to record them
    assert manifest(project)["reports"] == before


def test_a_build_writing_to_no_terminal_does_not_load_rich_and_one_that_may_does(project):
    script = (
        "import sys; from jixiao.cli import main; "
        "sys.argv = ['jixiao', 'build', sys.argv[1], '--no-pdf', '--no-search']; "
        "exec('try: main()\\nexcept SystemExit: pass'); print('rich' in sys.modules, file=sys.stderr)"
    )
    plain = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True)
    assert plain.stderr.splitlines()[-1] == "False" and "已构建 1 份报告" in plain.stdout
    forced = {**os.environ, "FORCE_COLOR": "1"}  # rich takes it for a terminal: its progress bar, as before
    bar = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, env=forced)
    assert bar.stderr.splitlines()[-1] == "True" and "已构建 1 份报告" in bar.stdout


def test_the_year_pages_and_unit_feeds_a_change_does_not_touch_are_linked_not_rendered_again(project):
    (project / "content/2023").mkdir()
    last_year = copy_demo(project, "old").rename(project / "content/2023/old")
    edit(last_year / "report.yaml", "年度: 2024", "年度: 2023")
    edit(last_year / "report.yaml", "单位: 示例中心", "单位: 另一中心")
    build_site(project, search=False)
    site = project / "site"
    names = ["2023/index.html", "units/lingyizhongxin/feed.xml", "2024/index.html", "units/shilizhongxin/feed.xml"]
    before = {name: (site / name).stat().st_ino for name in names}
    edit(project / DEMO, "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    same = [name for name in names if (site / name).stat().st_ino == before[name]]
    assert same == ["2023/index.html", "units/lingyizhongxin/feed.xml"]  # hard links to the previous output's
    assert "示例中心2024年度项目支出绩效自评" in (site / "units/shilizhongxin/feed.xml").read_text(encoding="utf-8")


def test_quoting_the_lines_of_many_warnings_looks_for_the_themes_once(project, monkeypatch):
    # a build at 1000 reports prints some 400 warnings, each with its line: finding and resolving the folders a line
    # may be quoted from cost more than reading the line, so they are found once per project
    import importlib.util

    import jixiao.errors
    from jixiao.errors import Location, read_source_line

    jixiao.errors._readable_roots.cache_clear()
    looked: list[str] = []
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: looked.append(name) or find_spec(name, *a))
    yaml = project.resolve() / DEMO
    lines = yaml.read_text(encoding="utf-8").splitlines()
    quoted = [read_source_line(Location(yaml, line), project) for line in (1, 2, 3)]
    assert quoted == [line.rstrip() for line in lines[:3]]
    assert looked == ["jixiao.themes"]


def test_the_manifest_holds_a_report_a_line_and_a_build_rewrites_only_the_records_that_changed(project, monkeypatch):
    import jixiao.cache
    from jixiao.cache import CachedReport, Manifest

    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)  # the files just written are trusted: their records carry over
    copy_demo(project, "other")
    build_site(project, search=False)
    path = manifest_path(project.resolve(), (project / "site").resolve())
    lines = path.read_bytes().splitlines()
    # each report's record on a line, its indicator rows on the next
    assert [line[: line.index(b":")] for line in lines[1:-1:2]] == [b'"2024/demo"', b'"2024/other"']
    assert [line[:2] for line in lines[2:-1:2]] == [b'["', b'["']
    assert json.loads(path.read_bytes())["reports"].keys() == {"2024/demo", "2024/other"}  # one JSON document
    written: list[CachedReport] = []
    record_text = jixiao.cache.record_text
    monkeypatch.setattr(jixiao.cache, "record_text", lambda record: written.append(record) or record_text(record))
    read: list[type] = []
    from_json = jixiao.cache.record_from_json
    monkeypatch.setattr(jixiao.cache, "record_from_json", lambda kind, data: read.append(kind) or from_json(kind, data))
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    assert Manifest not in read and read.count(CachedReport) == 2  # each record on its own, not the whole file
    assert len(written) == 1  # other's: demo's record is written as the text that was read
    assert path.read_bytes().splitlines()[1:3] == lines[1:3]  # demo's record and rows
    assert path.read_bytes().splitlines()[3] != lines[3]
    assert path.read_bytes().splitlines()[4] != lines[4]  # other's rows: 80 → 90 件


def test_a_damaged_record_line_makes_the_next_build_rebuild_everything_not_fail(project):
    copy_demo(project, "other")
    build_site(project, search=False)
    path = manifest_path(project.resolve(), (project / "site").resolve())
    head, demo, *rest = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([head, demo[: len(demo) // 2] + b",", *rest]))  # cut in the middle of demo's record
    assert build_site(project, search=False).rebuilt == 2


def test_the_manifest_is_written_a_record_at_a_time_and_no_records_text_is_kept_once_written(project, monkeypatch):
    # a clean build of 1000 reports held every record's text (16 KB each) and their join at its end: +16 MiB of peak
    import jixiao.cache

    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)  # the files just written are trusted: their records carry over
    copy_demo(project, "other")
    build_site(project, search=False)
    path = manifest_path(project.resolve(), (project / "site").resolve())
    records = path.read_bytes().splitlines()[1:-1]  # demo's and other's lines, as the first build wrote them
    pieces: list[bytes] = []
    write = jixiao.cache.write_atomically

    def written(target: Path, data) -> None:
        if target == path:
            assert not isinstance(data, bytes)  # given in pieces, never joined into the file's text
            data = [pieces.append(piece) or piece for piece in data]
        write(target, data)

    monkeypatch.setattr(jixiao.cache, "write_atomically", written)
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")
    result = build_site(project, search=False)
    assert result.rebuilt == 1
    assert max(map(len, pieces)) <= max(map(len, records))  # no piece holds more than one record
    assert b"".join(pieces) == path.read_bytes()
    assert result.cache is not None and result.cache.texts == {}  # demo's text, carried over, dropped once written


def test_a_build_that_links_indicators_csv_leaves_the_reused_reports_rows_unread(project):
    # a report's rows are 10 KB of its 16 KB record: read only if indicators.csv is made again
    copy_demo(project, "other")
    build_site(project, search=False)
    before = (project / "site/data/indicators.csv").stat().st_ino
    path = manifest_path(project.resolve(), (project / "site").resolve())
    rows = path.read_bytes().splitlines()[2]  # demo's rows, on the line after its record
    edit(project / "content/2024/other/report.yaml", "全年执行数: 150", "全年执行数: 160")  # a figure, not a row
    result = build_site(project, search=False)
    assert result.rebuilt == 1
    demo = next(page for page in result.pages if page.key == "2024/demo")
    assert getattr(demo.indicators, "read", "made into strings") is None  # still the manifest's text (cache.Rows)
    assert (project / "site/data/indicators.csv").stat().st_ino == before  # linked from the previous output
    assert path.read_bytes().splitlines()[2] == rows  # and written back as read
    build_site(project, project / "clean", search=False, clean=True)
    assert (project / "site/data/indicators.csv").read_bytes() == (project / "clean/data/indicators.csv").read_bytes()
    assert list(demo.indicators) == next(page for page in result.pages if page.key == "2024/other").indicators


def test_a_manifest_damaged_in_a_reports_rows_is_not_read_and_the_build_rebuilds_everything(project):
    # the rows are taken as the manifest holds them, unchecked: so the whole manifest is checked against its CRC-32
    copy_demo(project, "other")
    build_site(project, search=False)
    path = manifest_path(project.resolve(), (project / "site").resolve())
    text = path.read_bytes()
    row = "办件量,≥100 件,80件,30,24,".encode()  # 80 ÷ 100 × 30 = 24 points
    assert text.count(row) == 2  # demo's, then other's
    path.write_bytes(text.replace(row, row.replace(b",24,", b",25,"), 1))  # demo's: still JSON, still a row
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")  # indicators.csv remade
    assert build_site(project, search=False).rebuilt == 2
    lines = (project / "site/data/indicators.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[11] for line in lines if ",办件量," in line] == ["24", "27"]  # not demo's forged 25


def test_a_manifest_cut_short_or_with_any_byte_changed_is_refused_whole_never_read_in_part(project):
    from jixiao.cache import read_manifest

    build_site(project, search=False)
    data = manifest_path(project.resolve(), (project / "site").resolve()).read_bytes()
    assert read_manifest(data)[0].reports.keys() == {"2024/demo"}
    for at in range(0, len(data), 7):  # head, record, rows and check alike
        for damaged in (data[:at], data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]):
            with pytest.raises(ValueError):  # BuildCache.read: rebuild everything (a ValueError, never a crash)
                read_manifest(damaged)


def test_findings_read_from_json_share_one_path_per_file_and_write_the_same_json():
    # pydantic made a Path in Python for every finding's location: 22 of the 32 ms the findings of 1000 reports took
    from jixiao.cache import record_adapter
    from jixiao.errors import Location
    from jixiao.findings import Finding

    written = [
        Finding(Location(Path("/p/content/2024/demo/report.yaml"), 3, 5), "warning", "parts-sum", "不符"),
        Finding(Location(Path("/p/content/2024/demo/report.yaml"), 9, 1), "note", "unit-mismatch", "单位不一致"),
        Finding(Location(None), "note", "leftover", "提示文字"),
    ]
    adapter = record_adapter(list[Finding])
    text = adapter.dump_json(written)
    assert b'"path":"/p/content/2024/demo/report.yaml","line":3' in text and b'"path":null' in text
    read = adapter.validate_json(text)
    assert read == written
    assert read[0].location.path is read[1].location.path  # one Path for the file, not one per finding
    with pytest.raises(ValueError):  # still checked: a path is a text or null
        adapter.validate_json(text.replace(b'"path":null', b'"path":5'))
