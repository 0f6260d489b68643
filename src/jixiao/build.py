"""Orchestrate a build: load → site model → render what changed → site-wide pages → write atomically.

1. Every bundle's files are read and digested once (load.py).
2. The site model (library.py) knows every report — parsed, or from the cache when its bundle did
   not change — and resolves attachments, last year's report and neighbours.
3. Each report's page key (cache.py) digests exactly what it reads; a report whose key matches the
   previous build is reused as is, the others are parsed (once) and rendered, in worker
   processes forked after loading when there are many (they inherit the site model).
4. Site-wide pages, open data and the search index are made from every report's summary
   (siteindex.py), and the staging folder replaces the output only when all of this succeeded.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .cache import BuildCache, CachedReport, TemplateDigests, code_digest, digest_bytes, reuse_files
from .config import CONFIG_NAME
from .errors import ErrorGroup, JixiaoError, SourceError
from .findings import Finding
from .library import Library, Links, Summary
from .load import Bundle, find_bundles, read_bundle
from .output import check_output_dir, copy_assets, read_assets, staged_output, write_files
from .page import ReportPage, build_report
from .shards import Shard, write_manifest
from .site import SiteContext, open_site
from .siteindex import write_site_pages

# Below this many reports a worker pool costs more to start than it saves (any two PDFs are worth it).
PARALLEL_THRESHOLD = 16
Progress = Callable[[str, int, int], None]
_WORK: tuple[SiteContext, Library, dict[str, Links], Path | None] | None = None  # what forked workers inherit


@dataclass
class BuildResult:
    out_dir: Path | None
    pages: list[ReportPage]
    seconds: float
    rebuilt: int
    notices: list[str] = field(default_factory=list)  # about the machine, not the content: said once

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for p in self.pages for f in p.findings), key=Finding.sort_key)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)


class StrictFailure(JixiaoError):
    """--strict: warnings fail the build; nothing is written."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} warnings")
        self.findings = findings

    def format(self, root: Path | None = None) -> str:
        return "\n".join(f.format(root) for f in self.findings)


@dataclass
class Plan:
    """What a build knows before rendering: the site model, every report's links and page key, and
    which reports the previous build can give."""

    library: Library
    links: dict[str, Links]
    keys: dict[str, str]
    reused: dict[str, CachedReport] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def restrict(self, keys: list[str]) -> None:
        """Only these reports are this build's (a shard); the others stay in the site model."""
        wanted = set(keys)
        self.keys = {key: value for key, value in self.keys.items() if key in wanted}
        self.reused = {key: value for key, value in self.reused.items() if key in wanted}
        self.todo = [key for key in self.todo if key in wanted]


def read_site(site: SiteContext, known: dict[str, tuple[str, Summary]] | None = None) -> Library:
    """Read and digest every bundle; reports whose bundle is unchanged keep the summary `known` for them."""
    folders, errors = find_bundles(site.files, site.content)
    bundles: list[Bundle] = []
    for folder in folders:
        try:
            bundles.append(read_bundle(site.files, folder))
        except SourceError as error:
            errors.append(error)
    summaries = {b.key: known[b.key][1] for b in bundles if known and b.key in known and known[b.key][0] == b.digest}
    return Library(bundles, site.config.types, summaries, errors)


def shared_digest(site: SiteContext, flags: str) -> str:
    """Everything every report depends on besides what it reads itself."""
    layers = [site.content / CONFIG_NAME, *site.glossary_files]
    if site.with_pdf:  # the PDF embeds the print and font stylesheets and the fonts they name
        layers += [p for layer in site.search_path for p in site.files.files_below(layer / "assets")
                   if (layer / "assets").is_dir()]
    return digest_bytes(code_digest(), flags, *(item for path in layers
                                                for item in (str(path), site.files.read_bytes(path))))


def page_key(shared: str, library: Library, links: dict[str, Links], key: str, templates: dict[str, str],
             digests: TemplateDigests) -> str:
    """The digest of exactly what the report's page reads (see cache.py)."""
    own = links[key]
    parts = [shared, library.bundles[key].digest]
    for attached in own.attachments:
        bundle = library.bundles.get(attached)
        parts.append(f"附件 {attached} {bundle.digest if bundle else '-'}")
        last = links.get(attached)
        if last is not None and last.last_year:
            parts.append(f"上年 {library.bundles[last.last_year].data_digest}")
    if own.last_year:
        parts.append(f"上年 {own.last_year} {library.bundles[own.last_year].data_digest}")
    for label, neighbour in (("上一篇", own.previous), ("下一篇", own.next)):
        summary = library.summary(neighbour) if neighbour else None
        parts.append(f"{label} {neighbour} {summary.title if summary else ''}")
    parts += [f"{name} {digests.of(name)}" for name in sorted(templates)]
    return digest_bytes(*parts)


def plan_build(site: SiteContext, cache: BuildCache, out_dir: Path | None) -> Plan:
    """Resolve the site model and decide, report by report, what can be reused."""
    library = read_site(site, known_summaries(cache))
    links = library.links()
    digests = TemplateDigests(tuple(site.search_path))
    plan = Plan(library, links, {})
    for summary in library.ordered():
        key = summary.key
        cached = cache.reports.get(key)
        plan.keys[key] = page_key(cache.shared, library, links, key, cached.templates if cached else {}, digests)
        reusable = cache.reusable(key, plan.keys[key], out_dir) if out_dir else None
        if reusable is not None:
            plan.reused[key] = reusable
        else:
            plan.todo.append(key)
    library.load(needed_sources(plan))
    return plan


def known_summaries(cache: BuildCache) -> dict[str, tuple[str, Summary]]:
    """What the previous build knew of each report: its bundle's digest and summary. An entry whose summary the
    manifest lacks keys for is left out, so that report is simply read again."""
    known = {}
    for key, cached in cache.reports.items():
        with contextlib.suppress(KeyError, TypeError):
            known[key] = (cached.bundle, Summary.from_json(cached.summary))
    return known


def needed_sources(plan: Plan) -> list[str]:
    """The reports that must be parsed before rendering: those rendered, what they attach and read."""
    needed = []
    for key in plan.todo:
        own = plan.links[key]
        needed += [key, *own.attachments, *([own.last_year] if own.last_year else [])]
        needed += [plan.links[a].last_year for a in own.attachments if a in plan.links and plan.links[a].last_year]
    return [key for key in dict.fromkeys(needed) if key in plan.library.bundles]


def build_one(key: str) -> ReportPage | list[SourceError]:
    """Render one report (in this process or a forked worker) and write its files into staging."""
    assert _WORK is not None
    site, library, links, staging = _WORK
    try:
        page, files = build_report(site, library, links, key)
    except ErrorGroup as group:
        return group.errors
    except SourceError as exc:
        return [exc]
    if staging is not None:
        write_files(staging, files)
    return page


def _start_worker() -> None:
    """Workers die with the build: SIGKILL when the parent dies (Linux), Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def render_all(site: SiteContext, plan: Plan, staging: Path | None, jobs: int,
               progress: Progress | None) -> list[ReportPage | list[SourceError]]:
    """Render the reports to do, in forked workers when there are enough of them; results keep the order."""
    global _WORK
    _WORK = (site, plan.library, plan.links, staging)
    todo = plan.todo
    results: list[ReportPage | list[SourceError]] = []
    enough = len(todo) >= (2 if site.with_pdf else PARALLEL_THRESHOLD)
    try:
        if jobs <= 1 or not enough or sys.platform != "linux":
            for key in todo:
                results.append(build_one(key))
                _report(progress, key, len(results), len(todo))
            return results
        pool = multiprocessing.get_context("fork").Pool(min(jobs, len(todo)), initializer=_start_worker)
        try:
            chunk = 1 if site.with_pdf else 8
            for key, result in zip(todo, pool.imap(build_one, todo, chunksize=chunk)):
                results.append(result)
                _report(progress, key, len(results), len(todo))
            pool.close()
        finally:
            pool.terminate()
            pool.join()
        return results
    finally:
        _WORK = None


def _report(progress: Progress | None, key: str, done: int, total: int) -> None:
    if progress:
        progress(key, done, total)


def unique_errors(errors: list[SourceError]) -> list[SourceError]:
    """Each error once: a shared file (the glossary) fails every report that reads it."""
    return list({(e.location, e.key, e.message, e.rule): e for e in errors}.values())


def raise_errors(results: list[ReportPage | list[SourceError]], library: Library) -> list[ReportPage]:
    """Every error of the build together: files that could not be read or parsed, and reports that could
    not be rendered (Markdown, expressions, figures)."""
    errors = unique_errors(library.errors() + [e for r in results if isinstance(r, list) for e in r])
    if errors:
        raise errors[0] if len(errors) == 1 else ErrorGroup(errors)
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
               progress: Progress | None = None, shard: Shard | None = None) -> BuildResult:
    """Build what changed, reuse the rest, then swap the new site into place. With `shard`, build only that
    share of the reports and a manifest for `jixiao merge` (shards.py), no site-wide pages."""
    started = time.perf_counter()
    site = open_site(project, with_pdf, pdf_links)
    out_dir = check_output_dir(site.project, out_dir or site.project / "site")
    shared = shared_digest(site, f"pdf={with_pdf},links={site.pdf_links}")
    cache = BuildCache.open(site.project, out_dir, shared, clean)
    plan = plan_build(site, cache, out_dir)
    all_keys = list(plan.keys)
    if shard is not None:
        plan.restrict(shard.keys(all_keys))
    notices = machine_notices(site, plan)
    with terminated_cleanly(), staged_output(out_dir) as staging:
        for cached in plan.reused.values():
            reuse_files(cached, out_dir, staging)
        built = {page.key: page for page in
                 raise_errors(render_all(site, plan, staging, jobs or os.cpu_count() or 1, progress), plan.library)}
        pages = [built[key] if key in built else cached_page(key, plan.reused[key]) for key in plan.keys]
        warnings = [f for p in pages for f in p.findings if f.level == "warning"]
        if strict and warnings:
            raise StrictFailure(sorted(warnings, key=Finding.sort_key))
        if shard is not None:
            write_manifest(staging, shard, all_keys, pages)
        else:
            copy_assets(site.files, site.search_path, staging)
            write_site_pages(site, pages, staging, out_dir, changed_years(cache, plan, built), search)
    save_cache(site, cache, plan, pages)
    return BuildResult(out_dir, pages, time.perf_counter() - started, len(built), notices)


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


def save_cache(site: SiteContext, cache: BuildCache, plan: Plan, pages: list[ReportPage]) -> None:
    """Record every report for the next build, keyed by what it read this time (templates included)."""
    digests = TemplateDigests(tuple(site.search_path))
    reports = {}
    for page in pages:
        templates = {name: digests.of(name) for name in page.templates}
        key = page_key(cache.shared, plan.library, plan.links, page.key, templates, digests)
        reports[page.key] = CachedReport(plan.library.bundles[page.key].digest,
                                         plan.library.summary(page.key).as_json(), key, templates, page.entry,
                                         page.findings, page.files, page.rows)
    cache.save(reports)


def cached_page(key: str, cached: CachedReport) -> ReportPage:
    return ReportPage(key, int(key.split("/")[0]), cached.entry, cached.findings, cached.files, cached.rows,
                      sorted(cached.templates))


def shared_errors(site: SiteContext) -> list[SourceError]:
    """What a build reads besides the reports — the glossary files and the assets — read the same way, so that
    `check` fails wherever `build` would."""
    try:
        shared_digest(site, "")
        read_assets(site.files, site.search_path)
    except SourceError as error:
        return [error]
    return []


def check_site(project: Path, jobs: int | None = None) -> tuple[list[Finding], list[SourceError]]:
    """Build every report in memory, write nothing, and return all findings and all input errors."""
    site = open_site(project)
    errors = shared_errors(site)
    library = read_site(site)
    links = library.links()
    plan = Plan(library, links, {}, todo=[s.key for s in library.ordered()])
    results = render_all(site, plan, None, jobs or os.cpu_count() or 1, None)
    errors = unique_errors(errors + library.errors() + [e for r in results if isinstance(r, list) for e in r])
    findings = sorted((f for r in results if isinstance(r, ReportPage) for f in r.findings), key=Finding.sort_key)
    return findings, errors
