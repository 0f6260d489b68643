"""The phases of a build, each a function with typed inputs and outputs:

    open → read → resolve → plan → render → publish → commit

- open (`open_project`): site.yaml, the layout search path, the Markdown parser (a `SiteContext`);
- read (`read_reports`): every bundle's files read and digested once; a report whose bundle the previous build
  knew keeps its summary without being parsed (a `Library`);
- resolve (`resolve_site`): the reports nobody knows yet are parsed — by the workers that will render them —
  and the site model places every report and links it to the others (a `SiteModel`);
- plan (`plan_pages`): each report's page key (inputs.py), and whether the previous output can give it (a `Plan`);
- render (`render_pages`, `render_in_memory`): the reports to do, into the staging folder or in memory;
- publish (`publish_site`, `publish_listing`, `publish_open_data`): what is made from every report's entry —
  listing pages, feed, sitemap, open data, search index — or, for a shard, its manifest;
- commit (`commit_cache`): once the output holds the new site, the manifest the next build plans from.

`jixiao build` runs them all; `check` stops after render and writes nothing; `--shard` publishes a manifest
instead of the site-wide pages; `merge` opens, reads and publishes from the shards' manifests; `serve` runs the
same read → resolve → plan → render → publish for the reports a save changed, and commits in the background.
Since every command composes these functions, none of them can decide differently what a report depends on.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .cache import BuildCache, CachedReport, digest_bytes, published_files
from .contexts import ReportEntry
from .errors import ErrorGroup, Location, SourceError
from .inputs import TemplateDigests, page_key, pdf_digest
from .library import Library, read_site
from .load import read_bundle
from .portal import PINYIN, PortalWork, known_pinyin
from .reportpage import ReportPage
from .shards import Shard, write_manifest
from .site import SiteContext, open_site
from .siteindex import listing_pages, open_data, ordered, write_site_pages
from .sitemodel import Record, SiteModel, Summary, year_of
from .workers import Progress, ReportWorkers, try_report

# open ------------------------------------------------------------------------------------------------

open_project = open_site


# read ------------------------------------------------------------------------------------------------


def read_reports(site: SiteContext, cache: BuildCache | None = None) -> Library:
    """Every bundle read and digested; summaries the cache holds for unchanged bundles are kept, and so are the
    units' pinyin slugs (portal.PINYIN)."""
    if cache is None:
        return read_site(site, None)
    PINYIN.update(cache.pinyin)
    records = {key: cached.source for key, cached in cache.reports.items() if cached.source is not None}
    return read_site(site, known_summaries(cache), records, cache.now())


def reread_reports(site: SiteContext, library: Library, keys: list[str]) -> None:
    """The edited reports read and parsed again (the preview's save); the others stay as they were."""
    for key in keys:
        library.replace(read_bundle(site.files, library.bundles[key].folder))
    library.load(keys)


def known_summaries(cache: BuildCache) -> dict[str, tuple[str, Summary]]:
    """What the previous build knew of each report: its bundle's digest and summary. An entry whose summary the
    manifest lacks keys for is left out, so that report is simply read again."""
    known = {}
    for key, cached in cache.reports.items():
        with contextlib.suppress(KeyError, TypeError):
            known[key] = (cached.bundle, Summary.from_json(cached.summary))
    return known


# resolve ---------------------------------------------------------------------------------------------


def resolve_site(library: Library, workers: ReportWorkers | None = None, progress: Progress | None = None) -> SiteModel:
    """Parse the reports whose summary is not known (in the workers that will render them, when given), then
    place every report in the site model. A reader watching the build (the preview's first) has the reports its
    page reads parsed first, and may make that page from them before the rest are parsed (`workers.Watch`)."""
    unknown = [key for key in sorted(library.bundles) if key not in library.summaries]
    if workers is not None:
        workers.parse(unknown, progress)
    else:
        library.load(unknown)
    return library.model()


# plan ------------------------------------------------------------------------------------------------


class Previous(Protocol):
    """What a plan may reuse: the previous build's manifest (BuildCache), or the preview's pages in place."""

    shared: str
    reports: Mapping[str, CachedReport]

    def reusable(self, key: str, page_key: str, pdf_key: str | None) -> CachedReport | None: ...


@dataclass
class InPlace:
    """The preview's output as its last save left it: a report is reusable when its page key is unchanged."""

    shared: str
    reports: dict[str, CachedReport]

    def reusable(self, key: str, page_key: str, pdf_key: str | None) -> CachedReport | None:
        record = self.reports.get(key)
        return record if record is not None and record.page_key == page_key else None


@dataclass
class Plan:
    """What a build knows before rendering: the site model with every report's page key, the reports this
    build publishes (all, or a shard's), which the previous output gives and which must be rendered."""

    library: Library
    model: SiteModel
    digests: TemplateDigests
    shared: str
    pdf_shared: str | None = None  # pdf_digest, when PDFs are made
    mine: list[str] = field(default_factory=list)  # in listing order
    reused: dict[str, CachedReport] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def restrict(self, keys: list[str]) -> None:
        """Only these reports are this build's (a shard); the others stay in the site model."""
        wanted = set(keys)
        self.mine = [key for key in self.mine if key in wanted]
        self.reused = {key: value for key, value in self.reused.items() if key in wanted}
        self.todo = [key for key in self.todo if key in wanted]

    def pdf_key(self, page_key: str) -> str | None:
        """A report's PDF key: its page key and what every PDF reads (None without PDFs)."""
        return digest_bytes(page_key, self.pdf_shared) if self.pdf_shared else None

    def page_key(self, key: str, templates: Mapping[str, str]) -> str:
        return page_key(self.shared, self.library, self.model, key, templates, self.digests)


def plan_pages(
    site: SiteContext, previous: Previous, library: Library, model: SiteModel, digests: TemplateDigests | None = None
) -> Plan:
    """Each report's page key, from what it read last time (its templates); reused when the previous output has
    it under that key, else to render."""
    plan = Plan(
        library,
        model,
        digests or TemplateDigests(tuple(site.search_path), site.files),
        previous.shared,
        pdf_digest(site),
        model.keys(),
    )
    for record in model.records.values():
        plan_record(plan, previous, record)
    return plan


def replan(previous: Previous, plan: Plan, keys: set[str]) -> Plan | None:
    """The plan after the reports `keys` were read again (the preview's save) when none of their summaries changed:
    the site model stays as it was — resolving it again from every summary gives the same — and only the reports
    whose page reads an edited bundle are planned again (SiteModel.readers). None when a summary changed, or a
    report came or went: then plan_pages."""
    summaries = plan.library.summaries
    if any(key not in plan.model.records or plan.model.records[key].summary != summaries.get(key) for key in keys):
        return None
    fresh = Plan(plan.library, plan.model, plan.digests, previous.shared, plan.pdf_shared, plan.mine)
    for key in plan.model.readers(keys):
        plan_record(fresh, previous, plan.model.records[key])
    return fresh


def plan_record(plan: Plan, previous: Previous, record: Record) -> None:
    """A report's page key, from the templates it read last time; reused when the previous output has it under
    that key, else to render."""
    known = previous.reports.get(record.key)
    record.page_key = plan.page_key(record.key, known.templates if known else {})
    reusable = previous.reusable(record.key, record.page_key, plan.pdf_key(record.page_key))
    if reusable is not None:
        plan.reused[record.key] = reusable
        record.files = reusable.files
    else:
        plan.todo.append(record.key)


# render ----------------------------------------------------------------------------------------------


def render_pages(
    workers: ReportWorkers, plan: Plan, staging: Path | None, progress: Progress | None = None, with_pdf: bool = False
) -> list[ReportPage]:
    """Render the plan's reports to do into staging (or only in memory for `check`, staging None) and bring the
    reused ones; every page of the plan, in listing order. All errors of the build are raised together."""
    results = workers.render(plan.todo, plan.model, staging, progress)
    errors = [e for r in results if isinstance(r, list) for e in r]
    ErrorGroup.raise_any(unique_errors(plan.library.errors() + errors))
    built = {r.key: r for r in results if isinstance(r, ReportPage)}
    pages = [built[key] if key in built else cached_page(key, plan.reused[key], with_pdf) for key in plan.mine]
    for page in pages:
        plan.model.records[page.key].files = page.files
    return pages


def render_in_memory(site: SiteContext, plan: Plan) -> dict[str, tuple[ReportPage, dict[str, bytes]]]:
    """The plan's reports to do rendered in this process, their files kept in memory (the preview writes them
    in place only when every one succeeded). All errors are raised together."""
    rendered, errors = {}, list(plan.library.errors())
    for key in plan.todo:
        built = try_report(site, plan.library, plan.model, key)
        if isinstance(built, list):
            errors += built
        else:
            rendered[key] = built
    ErrorGroup.raise_any(unique_errors(errors))
    for page, _ in rendered.values():
        plan.model.records[page.key].files = page.files
    return rendered


def unique_errors(errors: list[SourceError]) -> list[SourceError]:
    """Each error once: a shared file (the glossary) fails every report that reads it, and a formula that
    several cells depend on fails each of them at the same place (the key path differs, the fix does not)."""
    unique: dict[tuple[Location, str, str], SourceError] = {}
    for error in errors:  # the first keeps its key path: the cell whose own formula it is
        unique.setdefault((error.location, error.message, error.rule), error)
    return list(unique.values())


def cached_page(key: str, cached: CachedReport, with_pdf: bool) -> ReportPage:
    return ReportPage(
        key,
        year_of(key),
        ReportEntry.from_json(cached.entry),
        cached.findings,
        published_files(cached, with_pdf),
        cached.indicators,
        sorted(cached.templates),
        cached.figures,
    )


# publish ---------------------------------------------------------------------------------------------


publish_site = write_site_pages  # everything site-wide into staging: listing pages, feed, sitemap, open data, search


def publish_shard(site: SiteContext, plan: Plan, shard: Shard, pages: list[ReportPage], staging: Path) -> None:
    """A shard publishes no site-wide page: its manifest tells `jixiao merge` what they need of its reports."""
    write_manifest(staging, shard, plan.model.keys(), pages, site, plan.library)


def publish_listing(
    site: SiteContext, pages: list[ReportPage], changed: Mapping[str, ReportPage | None]
) -> dict[str, bytes]:
    """The pages a reader browses after a save, by name: home, 404, and the year, unit and comparison pages of the
    reports whose entry or figures changed (`changed`: each with its page before the save, None when it was not in
    the site) — their units' as they were too, which a report that moved to another unit leaves — and the list of
    units when a report's unit changed."""
    now = [page for page in pages if page.key in changed]
    units = {page.entry.单位 for page in [*now, *filter(None, changed.values())]}
    moved = any(changed[page.key] is None or changed[page.key].entry.单位 != page.entry.单位 for page in now)
    years = {year_of(key) for key in changed}
    return listing_pages(site, ordered(pages), years, units, PortalWork(years, units, unit_list=moved))


def publish_open_data(site: SiteContext, pages: list[ReportPage]) -> dict[str, bytes]:
    """What machines read (sitemap, feed, open data), by name."""
    return open_data(site, ordered(pages))


# commit ----------------------------------------------------------------------------------------------


def commit_cache(cache: BuildCache, plan: Plan, pages: list[ReportPage], portal: str | None = None) -> list[str]:
    """Record every report for the next build, keyed by what it read this time (templates included, as they
    were when the build began); the site model keeps the keys as saved. Called once the site is published, so
    a cache that cannot be written is a notice (cache.py), not a failed build."""
    records = {page.key: cache_record(plan, page) for page in pages}
    pinyin = known_pinyin(page.entry.单位 for page in pages)
    notice = cache.save(records, portal, pinyin)  # portal: the portal pages' template stamp (portal.portal_stamp)
    return [notice] if notice else []


def cache_record(plan: Plan, page: ReportPage) -> CachedReport:
    """A report's manifest entry: its keys as of now, and what the site-wide pages need of it. A reused report keeps
    the entry it was reused from (its page key matched, so nothing it read changed), unless this build publishes
    it differently (without the PDF it had)."""
    reused = plan.reused.get(page.key)
    bundle = plan.library.bundles[page.key]
    if reused is not None and reused.files == page.files and reused.pdf_key == plan.pdf_key(reused.page_key):
        source = bundle.record  # its files' stat as read now: the record itself when they are as recorded
        return reused if source == reused.source else dataclasses.replace(reused, source=source)
    templates = {name: plan.digests.of(name) for name in page.templates}
    record = plan.model.records[page.key]
    record.page_key = plan.page_key(page.key, templates)
    return CachedReport(
        bundle.digest,
        record.summary.as_json(),
        record.page_key,
        plan.pdf_key(record.page_key),
        templates,
        page.entry.as_json(),
        page.findings,
        page.files,
        page.indicators,
        page.figures,
        bundle.record,
    )
