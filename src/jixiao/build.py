"""Orchestrate a build: load → site model → render what changed → site-wide pages → write atomically.

1. Every bundle's files are read and digested once (load.py).
2. The site model (library.py) knows every report — parsed, or from the cache when its bundle did
   not change — and resolves attachments, last year's report and neighbours.
3. Each report's page key (inputs.py) digests exactly what it reads; a report whose key matches the
   previous build is reused as is, the others are parsed (once) and rendered — when there are many,
   in forked workers that each own a share and render what they parsed (workers.py).
4. Site-wide pages, open data and the search index are made from every report's summary
   (siteindex.py), and the staging folder replaces the output only when all of this succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildCache, CachedReport, digest_bytes, published_files, reuse_files
from .errors import ErrorGroup, JixiaoError, Location, SourceError
from .findings import Finding, unique_findings
from .glyphs import glyph_findings
from .inputs import TemplateDigests, page_key, pdf_digest, shared_digest
from .library import Library, Links, Summary, read_site
from .output import check_output_dir, copy_assets, locked_output, read_assets, reading_output, staged_output
from .page import ReportPage
from .shards import Shard, check_shard_output, write_manifest
from .site import SiteContext, open_site
from .siteindex import write_site_pages
from .workers import Progress, ReportWorkers, report_workers


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

    @property
    def findings(self) -> list[Finding]:
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


@dataclass
class Plan:
    """What a build knows before rendering: the site model, every report's links and page key, and
    which reports the previous build can give."""

    library: Library
    links: dict[str, Links]
    keys: dict[str, str]
    digests: TemplateDigests
    pdf_shared: str | None = None  # pdf_digest, when PDFs are made
    reused: dict[str, CachedReport] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def restrict(self, keys: list[str]) -> None:
        """Only these reports are this build's (a shard); the others stay in the site model."""
        wanted = set(keys)
        self.keys = {key: value for key, value in self.keys.items() if key in wanted}
        self.reused = {key: value for key, value in self.reused.items() if key in wanted}
        self.todo = [key for key in self.todo if key in wanted]

    def pdf_key(self, page_key: str) -> str | None:
        """A report's PDF key: its page key and what every PDF reads (None without PDFs)."""
        return digest_bytes(page_key, self.pdf_shared) if self.pdf_shared else None


def plan_build(site: SiteContext, cache: BuildCache, library: Library, workers: ReportWorkers) -> Plan:
    """Resolve the site model and decide, report by report, what can be reused. Reports the cache does not
    know are parsed first (by the workers that will render them), for their titles and references."""
    workers.parse([key for key in sorted(library.bundles) if key not in library.summaries])
    links = library.links()
    digests = TemplateDigests(tuple(site.search_path), site.files)
    plan = Plan(library, links, {}, digests, pdf_digest(site))
    for summary in library.ordered():
        key = summary.key
        cached = cache.reports.get(key)
        plan.keys[key] = page_key(cache.shared, library, links, key, cached.templates if cached else {}, digests)
        reusable = cache.reusable(key, plan.keys[key], plan.pdf_key(plan.keys[key]))
        if reusable is not None:
            plan.reused[key] = reusable
        else:
            plan.todo.append(key)
    return plan


def known_summaries(cache: BuildCache) -> dict[str, tuple[str, Summary]]:
    """What the previous build knew of each report: its bundle's digest and summary. An entry whose summary the
    manifest lacks keys for is left out, so that report is simply read again."""
    known = {}
    for key, cached in cache.reports.items():
        with contextlib.suppress(KeyError, TypeError):
            known[key] = (cached.bundle, Summary.from_json(cached.summary))
    return known


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """A build makes millions of small objects that live until it ends (parsed YAML, views); at Python's
    default thresholds the cycle collector would scan them again and again — a fifth of a full build."""
    previous = gc.get_threshold()
    gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def unique_errors(errors: list[SourceError]) -> list[SourceError]:
    """Each error once: a shared file (the glossary) fails every report that reads it, and a formula that
    several cells depend on fails each of them at the same place (the key path differs, the fix does not)."""
    unique: dict[tuple[Location, str, str], SourceError] = {}
    for error in errors:  # the first keeps its key path: the cell whose own formula it is
        unique.setdefault((error.location, error.message, error.rule), error)
    return list(unique.values())


def raise_errors(results: list[ReportPage | list[SourceError]], library: Library) -> list[ReportPage]:
    """Every error of the build together: files that could not be read or parsed, and reports that could
    not be rendered (Markdown, expressions, figures)."""
    errors = unique_errors(library.errors() + [e for r in results if isinstance(r, list) for e in r])
    ErrorGroup.raise_any(errors)
    return [r for r in results if isinstance(r, ReportPage)]


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


def build_site(project: Path, out_dir: Path | None = None, jobs: int | None = None, with_pdf: bool = False,
               strict: bool = False, clean: bool = False, pdf_links: bool | None = None, search: bool = True,
               progress: Progress | None = None, shard: Shard | None = None, seed: Path | None = None) -> BuildResult:
    """Build what changed, reuse the rest, then swap the new site into place. With `shard`, build only that
    share of the reports and a manifest for `jixiao merge` (shards.py), no site-wide pages. `seed`: another
    output of the project to reuse reports from when this one has no manifest yet (the preview's site/)."""
    started = time.perf_counter()
    site = open_site(project, with_pdf, pdf_links)
    if shard is not None:
        check_shard_output(out_dir)
    out_dir = check_output_dir(site.project, out_dir or site.project / "site")
    with terminated_cleanly(), locked_output(out_dir), reading_output(seed if seed != out_dir else None):
        cache = BuildCache.open(site.project, out_dir, shared_digest(site), clean, seed)
        library = read_site(site, known_summaries(cache))
        with collecting_less(), report_workers(site, library, jobs or os.cpu_count() or 1) as workers:
            plan = plan_build(site, cache, library, workers)
            all_keys = list(plan.keys)
            if shard is not None:
                plan.restrict(shard.keys(all_keys))
            notices = machine_notices(site, plan)
            with staged_output(out_dir) as staging:
                for cached in plan.reused.values():
                    reuse_files(cached, cache.files_dir, staging, with_pdf)
                results = workers.render(plan.todo, plan.links, staging, progress)
                built = {page.key: page for page in raise_errors(results, library)}
                pages = [built[key] if key in built else cached_page(key, plan.reused[key], with_pdf)
                         for key in plan.keys]
                warnings = unique_findings(f for p in pages for f in p.findings if f.level == "warning")
                if strict and warnings:
                    raise StrictFailure(warnings)
                if shard is not None:
                    write_manifest(staging, shard, all_keys, pages, site, library)
                else:
                    copy_assets(site.files, site.search_path, staging)
                    write_site_pages(site, pages, staging, cache.files_dir, changed_years(cache, plan, built), search)
        notices += save_cache(cache, plan, pages)  # published: from here on nothing fails the build
    return BuildResult(out_dir, pages, time.perf_counter() - started, len(built), notices, plan, cache, site)


def machine_notices(site: SiteContext, plan: Plan) -> list[str]:
    """What the user should fix on this machine, once per build: a PDF build without the fast font subsetter."""
    if not site.with_pdf or not plan.todo:
        return []
    from .pdf import SLOW_SUBSETTING, fast_subsetting

    return [] if fast_subsetting() else [SLOW_SUBSETTING]


def changed_years(cache: BuildCache, plan: Plan, built: dict[str, ReportPage]) -> set[int] | None:
    """The years whose search index must be remade: a report of it rebuilt, added or removed. None (all)
    when nothing is known of the previous output."""
    if not cache.reports:
        return None
    keys = set(built) | (set(plan.keys) ^ set(cache.reports))
    return {int(key.split("/")[0]) for key in keys}


def save_cache(cache: BuildCache, plan: Plan, pages: list[ReportPage]) -> list[str]:
    """Record every report for the next build, keyed by what it read this time (templates included, as they
    were when the build began). The plan keeps the keys as saved, for the preview's next update. Called once the
    site is published, so a cache that cannot be written is a notice (cache.py), not a failed build."""
    records = {page.key: cache_record(cache.shared, plan, page) for page in pages}
    plan.keys.update({key: record.page_key for key, record in records.items()})
    notice = cache.save(records)
    return [notice] if notice else []


def cache_record(shared: str, plan: Plan, page: ReportPage) -> CachedReport:
    """A report's manifest entry: its keys as of now, and what the site-wide pages need of it."""
    templates = {name: plan.digests.of(name) for name in page.templates}
    key = page_key(shared, plan.library, plan.links, page.key, templates, plan.digests)
    return CachedReport(plan.library.bundles[page.key].digest, plan.library.summary(page.key).as_json(), key,
                        plan.pdf_key(key), templates, page.entry,
                        page.findings, page.files, page.rows)


def cached_page(key: str, cached: CachedReport, with_pdf: bool) -> ReportPage:
    return ReportPage(key, int(key.split("/")[0]), cached.entry, cached.findings, published_files(cached, with_pdf),
                      cached.rows, sorted(cached.templates))


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
    site = open_site(project)
    errors = shared_errors(site)
    library = read_site(site)
    with collecting_less(), report_workers(site, library, jobs or os.cpu_count() or 1) as workers:
        workers.parse(sorted(library.bundles))
        results = workers.render([s.key for s in library.ordered()], library.links(), None, None)
    errors = unique_errors(errors + library.errors() + [e for r in results if isinstance(r, list) for e in r])
    findings = [f for r in results if isinstance(r, ReportPage) for f in r.findings]
    findings += glyph_findings(site.glyphs, library.bundles.values())  # once here, not in every worker
    return unique_findings(findings), errors
