"""Orchestrate a build: load → validate → assess → audit → render → write (atomically).

Each bundle is built from its own inputs plus the site context (page.py), in worker
processes when there are many; unchanged reports are reused from the previous build
(cache.py); everything is written to a staging folder that replaces `site/` only when the
whole build succeeded (output.py), so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cache import BuildCache, CachedReport, digest_tree, shared_digest
from .config import CONFIG_NAME
from .errors import ErrorGroup, JixiaoError, SourceError
from .findings import Finding
from .load import find_bundles, read_bundle
from .output import copy_assets, staged_output, write_files
from .page import ReportPage, build_report
from .site import CONTENT_DIR, SiteContext, open_site
from .siteindex import write_site_pages

# Below this many reports a worker pool costs more to start than it saves (any two PDFs are worth it).
PARALLEL_THRESHOLD = 16
_WORKER_SITE: SiteContext | None = None  # one per worker process: templates and fonts set up once

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    out_dir: Path | None
    pages: list[ReportPage]
    seconds: float
    rebuilt: int

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


def _start_worker(project: Path, with_pdf: bool, pdf_links: bool) -> None:
    global _WORKER_SITE
    _WORKER_SITE = open_site(project, with_pdf, pdf_links)


def build_one(site: SiteContext, folder: Path, staging: Path | None) -> ReportPage | list[SourceError]:
    """Read, build and (unless checking) write one bundle; input errors are returned to be reported together."""
    try:
        page, files = build_report(site, read_bundle(folder))
    except ErrorGroup as group:
        return group.errors
    except SourceError as exc:
        return [exc]
    if staging is not None:
        write_files(staging, files)
    return page


def _build_in_worker(folder: Path, staging: Path | None) -> ReportPage | list[SourceError]:
    assert _WORKER_SITE is not None
    return build_one(_WORKER_SITE, folder, staging)


def build_all(site: SiteContext, folders: list[Path], staging: Path | None, jobs: int,
              progress: Progress | None) -> list[ReportPage | list[SourceError]]:
    """Build bundles, in worker processes when there are enough of them; results keep the folders' order."""
    def report(done: int, folder: Path) -> None:
        if progress:
            progress(f"{folder.parent.name}/{folder.name}", done, len(folders))

    enough = len(folders) >= (2 if site.with_pdf else PARALLEL_THRESHOLD)
    results: list[ReportPage | list[SourceError]] = []
    if jobs <= 1 or not enough:
        for folder in folders:
            results.append(build_one(site, folder, staging))
            report(len(results), folder)
        return results
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(site.project, site.with_pdf, site.pdf_links)) as pool:
        chunk = 1 if site.with_pdf else 8
        for folder, result in zip(folders, pool.map(_build_in_worker, folders, [staging] * len(folders),
                                                    chunksize=chunk)):
            results.append(result)
            report(len(results), folder)
    return results


def raise_errors(results: list[ReportPage | list[SourceError]]) -> list[ReportPage]:
    errors = [e for r in results if isinstance(r, list) for e in r]
    if errors:
        raise errors[0] if len(errors) == 1 else ErrorGroup(errors)
    return [r for r in results if isinstance(r, ReportPage)]


def build_site(project: Path, out_dir: Path | None = None, jobs: int | None = None, with_pdf: bool = False,
               strict: bool = False, clean: bool = False, pdf_links: bool | None = None, search: bool = True,
               progress: Progress | None = None) -> BuildResult:
    """Build what changed, reuse the rest, then swap the new site into place."""
    started = time.perf_counter()
    site = open_site(project, with_pdf, pdf_links)
    out_dir = (out_dir or site.project / "site").resolve()
    folders = find_bundles(site.project / CONTENT_DIR)
    shared = shared_digest(site.project / CONTENT_DIR / CONFIG_NAME, site.search_path,
                           f"pdf={with_pdf},links={site.pdf_links}")
    cache = BuildCache.open(site.project, out_dir, shared, clean)
    with staged_output(out_dir) as staging:
        digests = report_digests(folders)
        reused = {folder: cache.reuse(_key(folder), digests[folder], out_dir, staging) for folder in folders}
        todo = [folder for folder in folders if reused[folder] is None]
        built = iter(raise_errors(build_all(site, todo, staging, jobs or os.cpu_count() or 1, progress)))
        pages = [_page_from_cache(folder, cached) if cached else next(built) for folder, cached in reused.items()]
        warnings = [f for p in pages for f in p.findings if f.level == "warning"]
        if strict and warnings:
            raise StrictFailure(sorted(warnings, key=Finding.sort_key))
        copy_assets(site.search_path, staging)
        unchanged = not todo and set(cache.reports) == {p.key for p in pages}
        write_site_pages(site, pages, staging, out_dir / "pagefind" if unchanged else None, search)
    cache.save({p.key: CachedReport(digests[f], p.entry, p.findings, p.files, p.rows) for f, p in zip(folders, pages)})
    return BuildResult(out_dir, pages, time.perf_counter() - started, len(todo))


def check_site(project: Path, jobs: int | None = None) -> tuple[list[Finding], list[SourceError]]:
    """Build every report in memory, write nothing, and return all findings and all input errors."""
    site = open_site(project)
    results = build_all(site, find_bundles(site.project / CONTENT_DIR), None, jobs or os.cpu_count() or 1, None)
    findings = sorted((f for r in results if isinstance(r, ReportPage) for f in r.findings), key=Finding.sort_key)
    errors = [e for r in results if isinstance(r, list) for e in r]
    return findings, errors


def report_digests(folders: list[Path]) -> dict[Path, str]:
    """Each report's input digest; a report that can read other bundles (附件, or 数据表 whose 上年
    may come from last year's report) also depends on every bundle of its year and the year before."""
    own = {folder: digest_tree(folder) for folder in folders}
    by_year: dict[str, list[str]] = {}
    for folder in folders:
        by_year.setdefault(folder.parent.name, []).append(own[folder])
    digests = {}
    for folder in folders:
        text = (folder / "report.yaml").read_bytes()
        if "附件".encode() in text or "数据表".encode() in text:
            year = folder.parent.name
            others = by_year.get(year, []) + by_year.get(str(int(year) - 1), [])
            digests[folder] = hashlib.sha256("|".join([own[folder], *sorted(others)]).encode()).hexdigest()
        else:
            digests[folder] = own[folder]
    return digests


def _key(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}"


def _page_from_cache(folder: Path, cached: CachedReport) -> ReportPage:
    return ReportPage(_key(folder), int(folder.parent.name), cached.entry, cached.findings, cached.files, cached.rows)
