"""The output an incremental build replaces is kept (`.site.spare`) and becomes the next build's staging folder
(output.recycle_staging; issue 22: the one-report rebuild at 1000 reports). These tests check that the folder is
reused, that what it publishes is what a clean build publishes, and that a published file is never written
through a link the recycled folder shares with it — never how long anything takes (bench/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_demo, edit, tree_digest

import jixiao.build
import jixiao.load
import jixiao.siteindex
from jixiao.build import build_site

OTHER = "content/2024/other/report.yaml"


@pytest.fixture
def incremental(project: Path, monkeypatch) -> Path:
    """Two reports, built, then built again after an edit of one: the output that edit replaced is the spare."""
    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)  # files the test just wrote are trusted (test_trusted_stat.py)
    copy_demo(project, "other")
    build_site(project, search=False)
    edit(project / OTHER, "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    return project


def clean_build(project: Path, tmp_path: Path) -> dict[str, str]:
    """What a build from nothing publishes for the project as it is now."""
    build_site(project, tmp_path / "clean", clean=True, search=False)
    return tree_digest(tmp_path / "clean")


def test_a_full_build_keeps_no_spare_and_an_incremental_one_keeps_the_output_it_replaced(project, monkeypatch):
    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)
    copy_demo(project, "other")
    build_site(project, search=False)
    assert not (project / ".site.spare").exists()  # nothing reused: nothing for a next build to recycle
    replaced = (project / "site").stat().st_ino
    edit(project / OTHER, "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    assert (project / ".site.spare").stat().st_ino == replaced
    demo = "2024/demo/index.html"  # reused: the spare's file is the published one, not a copy
    assert os.path.samefile(project / ".site.spare" / demo, project / "site" / demo)


def test_the_next_build_publishes_the_spare_folder_refilled(incremental, tmp_path):
    spare = (incremental / ".site.spare").stat().st_ino
    edit(incremental / OTHER, "实际完成值: 90 件", "实际完成值: 95 件")
    assert build_site(incremental, search=False).rebuilt == 1
    assert (incremental / "site").stat().st_ino == spare  # recycled, not a folder made anew
    page = (incremental / "site/2024/other/index.html").read_text(encoding="utf-8")
    assert "95件" in page and "90件" not in page  # the spare held 80 件, the output before it 90 件
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)


def test_a_recycled_folder_never_writes_into_a_file_it_shares_with_the_published_site(incremental, monkeypatch):
    # the spare's demo page is a link of the published one; the next build renders demo again, into the spare
    edit(incremental / "content/2024/demo/report.yaml", "实际完成值: 80 件", "实际完成值: 85 件")
    published = tree_digest(incremental / "site")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")  # after every report is written into staging

    monkeypatch.setattr(jixiao.build, "publish_site", fail)
    with pytest.raises(jixiao.build.JixiaoError, match="无法写入输出目录"):
        build_site(incremental, search=False)
    assert tree_digest(incremental / "site") == published
    assert "80件" in (incremental / "site/2024/demo/index.html").read_text(encoding="utf-8")


def test_a_deleted_report_leaves_nothing_of_it_in_the_recycled_folder(incremental, tmp_path):
    assert (incremental / ".site.spare/2024/other/index.html").is_file()
    shutil.rmtree(incremental / "content/2024/other")
    build_site(incremental, search=False)
    assert not (incremental / "site/2024/other").exists()  # not even the emptied folder
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)


def test_a_folder_the_build_fills_again_is_kept_not_removed_and_made_anew(incremental, monkeypatch):
    # the spare's assets/ and site-wide pages are not links of the published ones: their files are removed, and
    # the folders they leave are removed only if the build leaves them empty (an rmdir and a mkdir each, else)
    removed: list[str] = []
    rmdir = os.rmdir
    monkeypatch.setattr(os, "rmdir", lambda path, **kwargs: rmdir(path, **kwargs) or removed.append(os.fspath(path)))
    edit(incremental / OTHER, "实际完成值: 90 件", "实际完成值: 95 件")
    assert build_site(incremental, search=False).rebuilt == 1
    assert [path for path in removed if ".site.tmp-" in path] == []  # none of the staging folder's
    site = incremental / "site"
    assert (site / "assets").is_dir()
    assert [parent for parent, folders, files in os.walk(site) if not folders and not files] == []


def test_a_search_index_kept_from_the_previous_output_is_copied_into_the_recycled_folder(project, monkeypatch):
    # nothing changed: each bundle of pagefind is copied from the previous output into the staging folder, which from
    # the third build on is the spare, still holding the bundles' folders emptied (their files are not links of
    # the published ones): copied into them, not refused because they exist
    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)
    for _ in range(3):
        build_site(project, search=True)
    entry = "pagefind/2024/pagefind-entry.json"
    assert os.path.samefile(project / "site" / entry, project / ".site.spare" / entry)


def test_an_added_report_and_an_edit_reverted_publish_what_a_clean_build_does(incremental, tmp_path):
    copy_demo(incremental, "third")
    edit(incremental / OTHER, "实际完成值: 90 件", "实际完成值: 80 件")  # back to what the spare holds
    assert build_site(incremental, search=False).rebuilt == 2
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)
    build_site(incremental, search=False)  # nothing changed: the spare of the build before refilled
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)


def test_a_folder_in_the_spares_place_that_jixiao_did_not_write_is_left_alone(incremental):
    shutil.rmtree(incremental / ".site.spare")
    mine = incremental / ".site.spare"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    edit(incremental / OTHER, "实际完成值: 90 件", "实际完成值: 95 件")
    assert build_site(incremental, search=False).rebuilt == 1
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert "95件" in (incremental / "site/2024/other/index.html").read_text(encoding="utf-8")


def test_a_build_where_no_report_changed_links_every_site_wide_file_instead_of_rendering_it(incremental, monkeypatch):
    rendered: list[str] = []
    render = jixiao.siteindex.render
    monkeypatch.setattr(
        jixiao.siteindex, "render", lambda site, name, context: rendered.append(name) or render(site, name, context)
    )
    before = tree_digest(incremental / "site")
    assert build_site(incremental, search=False).rebuilt == 0
    assert rendered == []  # not the home page, 404, sitemap, feeds, year or portal pages
    assert tree_digest(incremental / "site") == before
    for name in ("index.html", "sitemap.xml", "data/reports.json", "data/indicators.csv"):
        assert os.path.samefile(incremental / "site" / name, incremental / ".site.spare" / name)  # the previous one


def test_a_report_rendered_again_as_it_was_still_leaves_the_site_wide_files_as_they_were(incremental, tmp_path):
    edit(incremental / OTHER, "实际完成值: 90 件", "实际完成值:  90 件")  # a new digest, the same report
    assert build_site(incremental, search=False).rebuilt == 1
    assert os.path.samefile(incremental / "site/index.html", incremental / ".site.spare/index.html")
    edit(incremental / OTHER, "实际完成值:  90 件", "实际完成值: 70 件")  # its figures and rows change: remade
    assert build_site(incremental, search=False).rebuilt == 1
    assert not os.path.samefile(incremental / "site/index.html", incremental / ".site.spare/index.html")
    assert ",70件," in (incremental / "site/data/indicators.csv").read_text(encoding="utf-8-sig")
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)


def test_an_edit_of_a_budget_figure_alone_leaves_indicators_csv_as_it_was(incremental, tmp_path):
    csv = incremental / "site/data/indicators.csv"
    edit(incremental / OTHER, "全年执行数: 150", "全年执行数: 160")  # 执行率 and the score move, no indicator row
    assert build_site(incremental, search=False).rebuilt == 1
    assert os.path.samefile(csv, incremental / ".site.spare/data/indicators.csv")  # linked, not written again
    assert not os.path.samefile(incremental / "site/data/reports.json", incremental / ".site.spare/data/reports.json")
    assert tree_digest(incremental / "site") == clean_build(incremental, tmp_path)


def test_a_clean_build_takes_the_spare_and_keeps_none(incremental):
    """README: `--clean` rebuilds everything and keeps none."""
    assert (incremental / ".site.spare").is_dir()
    assert build_site(incremental, search=False, clean=True).rebuilt == 2
    assert not (incremental / ".site.spare").exists()
    assert not list(incremental.glob(".site.*"))  # nor a staging folder left behind
