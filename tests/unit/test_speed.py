"""Speed and memory by design (issue 22): what a build does to stay fast and flat in memory, checked by what
it does, never by timing it (the figures are bench/'s)."""

from __future__ import annotations

import gc

from conftest import composite, tree_digest

import jixiao.workers
from jixiao.build import build_site


def test_the_cycle_collector_is_off_while_reports_render_and_back_after(project, monkeypatch):
    # A build's objects live until it ends and hold almost no cycles: scanning them is pure cost (bench/README.md).
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


def test_a_reports_listing_entry_holds_text_not_the_origins_of_its_figures(tmp_path):
    # The parent holds every report's entry until the site-wide pages are written: a 评价等次 that kept its origin
    # (every figure it was computed from) made it hold a second copy of each report's figures (bench/README.md).
    result = build_site(composite(tmp_path), jobs=1, search=False)
    grades = [project.评价等次 for page in result.pages for project in page.entry.项目]
    assert "优" in grades  # 六安's and 泸州's forms (content/2023)
    assert {type(grade) for grade in grades} <= {str, type(None)}
