"""Speed and memory by design (issue 22): what a build does to stay fast and flat in memory, checked by what
it does, never by timing it (the figures are bench/'s)."""

from __future__ import annotations

import gc

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
