"""`jixiao build` and `jixiao check`: the phases of phases.py composed.

build: open → read (with the previous build's manifest) → resolve → plan → render what changed, reuse the
rest → publish the site-wide pages (or a shard's manifest) into a staging folder, which replaces the output
only when all of this succeeded → commit the manifest. check: open → read → resolve → render in memory,
nothing written, and every finding and error returned.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildCache, published_files
from .collector import collecting_less
from .errors import JixiaoError, SourceError
from .findings import Finding, unique_findings
from .glyphs import glyph_findings
from .inputs import shared_digest
from .output import check_output_dir, copy_assets, locked_output, read_assets, reading_output, staged_output
from .phases import (
    Plan,
    commit_cache,
    open_project,
    plan_pages,
    publish_shard,
    publish_site,
    read_reports,
    render_pages,
    resolve_site,
    unique_errors,
)
from .portal import portal_stamp, portal_work
from .reportpage import ReportPage
from .shards import Shard, check_parts, check_shard_output, link_parts
from .site import SiteContext
from .sitemodel import year_of
from .workers import Progress, report_workers


@dataclass
class BuildResult:
    out_dir: Path | None
    pages: list[ReportPage]
    seconds: float
    rebuilt: int
    notices: list[str] = field(default_factory=list)  # about the machine, not the content: said once
    plan: Plan | None = None  # the site model it resolved, kept by the preview between saves
    cache: BuildCache | None = None
    site: SiteContext | None = None

    @functools.cached_property
    def findings(self) -> list[Finding]:
        """Each finding once (the CLI prints them and counts each level: some 4000 at 1000 reports)."""
        return unique_findings(f for p in self.pages for f in p.findings)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)


class StrictFailure(JixiaoError):
    """--strict: warnings fail the build; nothing is written."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} warnings")
        self.findings = findings

    def format(self, root: Path | None = None) -> str:
        return "\n".join(f.format(root) for f in self.findings)

    def verdict(self, what: str) -> str:
        return f"{what}（--strict）: {len(self.findings)} 个警告，未写入任何输出。"


@contextlib.contextmanager
def terminated_cleanly() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so staging folders are removed and worker pools torn down."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop) if _main_thread() else None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def build_site(
    project: Path,
    out_dir: Path | None = None,
    jobs: int | None = None,
    with_pdf: bool = False,
    strict: bool = False,
    clean: bool = False,
    pdf_links: bool | None = None,
    search: bool = True,
    progress: Progress | None = None,
    shard: Shard | None = None,
    seed: Path | None = None,
    office: bool = True,
    write_office: bool = True,
) -> BuildResult:
    """Build what changed, reuse the rest, then swap the new site into place. With `shard`, build only that
    share of the reports and a manifest for `jixiao merge` (shards.py), no site-wide pages. `seed`: another
    output of the project to reuse reports from when this one has no manifest yet (the preview's site/). `office`:
    link the office documents site.yaml asks for (办公文档), and write them unless `write_office` is false (the
    preview makes them when they are asked for: a report's Word and Excel files cost ten times its page)."""
    started = time.perf_counter()
    site = open_project(project, with_pdf, pdf_links, office, write_office)
    if shard is not None:
        check_shard_output(out_dir)
    out_dir = check_output_dir(site.project, out_dir or site.project / "site")
    # the collector off from the manifest's read on: its records, like the bundles' stat, live to the end
    with (
        terminated_cleanly(),
        locked_output(out_dir),
        reading_output(seed if seed != out_dir else None),
        collecting_less(),
    ):
        cache = BuildCache.open(site.project, out_dir, shared_digest(site, keep=True), clean, seed)
        library = read_reports(site, cache)
        with report_workers(site, library, jobs or os.cpu_count() or 1) as workers:
            plan = plan_pages(site, cache, library, resolve_site(library, workers, progress))
            if shard is not None:
                plan.restrict(shard.keys(plan.model.keys()))
            notices = machine_notices(site, plan)
            stamp = ""  # of the portal pages this build makes (none in a shard)
            with staged_output(out_dir, reused_files(plan, with_pdf), cache.files_dir) as staging:
                if shard is None:  # before the reports: the preview serves a page while the rest render
                    copy_assets(site.files, site.search_path, staging)
                pages = render_pages(workers, plan, staging, progress, with_pdf)
                warnings = unique_findings(f for p in pages for f in p.findings if f.level == "warning")
                if strict and warnings:
                    raise StrictFailure(warnings)
                if shard is not None:
                    publish_shard(site, plan, shard, pages, staging)
                else:
                    stamp = portal_stamp(site, plan.digests)
                    portal = portal_work(site, pages, cache.reports, stamp, cache.portal, cache.files_dir, plan.reused)
                    publish_site(site, pages, staging, cache.files_dir, changed_years(cache, plan), search, portal)
        notices += commit_cache(cache, plan, pages, stamp)  # published: from here on nothing fails the build
    return BuildResult(out_dir, pages, time.perf_counter() - started, len(plan.todo), notices, plan, cache, site)


def reused_files(plan: Plan, with_pdf: bool) -> list[str]:
    """The files of every report the previous output gives, by their paths in the site."""
    return [name for cached in plan.reused.values() for name in published_files(cached, with_pdf)]


def machine_notices(site: SiteContext, plan: Plan) -> list[str]:
    """What the user should fix on this machine, once per build: a PDF build without the fast font subsetter."""
    if not site.with_pdf or not plan.todo:
        return []
    from .pdf import SLOW_SUBSETTING, fast_subsetting

    return [] if fast_subsetting() else [SLOW_SUBSETTING]


def changed_years(cache: BuildCache, plan: Plan) -> set[int] | None:
    """The years whose search index must be remade: a report of it rebuilt, added or removed. None (all)
    when nothing is known of the previous output."""
    if not cache.reports:
        return None
    keys = set(plan.todo) | (set(plan.mine) ^ set(cache.reports))
    return {year_of(key) for key in keys}


def shared_errors(site: SiteContext) -> list[SourceError]:
    """What a build reads besides the reports — the glossary files and the assets — read the same way, so that
    `check` fails wherever `build` would."""
    try:
        shared_digest(site)
        read_assets(site.files, site.search_path)
    except SourceError as error:
        return [error]
    return []


def check_site(project: Path, jobs: int | None = None) -> tuple[list[Finding], list[SourceError]]:
    """Build every report in memory, write nothing, and return all findings and all input errors."""
    site = open_project(project, office=False)
    errors = shared_errors(site)
    library = read_reports(site)
    with collecting_less(), report_workers(site, library, jobs or os.cpu_count() or 1) as workers:
        model = resolve_site(library, workers)
        results = workers.render(model.keys(), model, None, None)
    errors = unique_errors(errors + library.errors() + [e for r in results if isinstance(r, list) for e in r])
    findings = [f for r in results if isinstance(r, ReportPage) for f in r.findings]
    findings += glyph_findings(site.glyphs, library.bundles.values())  # once here, not in every worker
    return unique_findings(findings), errors


def merge_parts(project: Path, parts: list[Path], out_dir: Path | None, search: bool = True) -> tuple[Path, int, float]:
    """`jixiao merge`: open → read → check every part (shards.py) → their reports' files and everything
    site-wide published from their manifests."""
    started = time.perf_counter()
    site = open_project(project)
    out_dir = check_output_dir(site.project, out_dir or site.project / "site")
    checked = check_parts(site, read_reports(site), parts, project)
    pages = [page for part in checked for page in part.manifest.pages]
    with staged_output(out_dir) as staging:
        link_parts(checked, staging)
        copy_assets(site.files, site.search_path, staging)
        publish_site(site, pages, staging, None, None, search)
    return out_dir, len(pages), time.perf_counter() - started
