"""The site of `jixiao serve`, kept in memory between saves, as `hugo server` keeps its own.

The first build is an ordinary incremental build (HTML only, pages linking their PDFs) into the
preview's folder; when that folder has no manifest it starts from the project's built site/, whose
pages are the same, so a preview of a built site starts as fast as an unchanged build.

After that, a save inside a report's folder is applied in memory: only the changed bundles are read
and parsed, the site model is kept when no summary changed (else resolved again from every report's
summary), and exactly the reports whose page key changed — the edited report, its neighbours when its
title changed, the reports that attach it or take its figures as 上年 — are rendered and written in
place, each file atomically. The page open on them reloads then; the listing pages (home, year, unit and
comparison pages) follow when an entry or a portal figure changed, and the sitemap, feed, open data, the
search index of the changed years (and of the unit pages, when a save wrote one) and the cache manifest in a
background thread. Any other
change (site.yaml, a layout, the glossary, an asset, a report added or removed) takes the full
incremental build, whose result becomes the new state.

While a full build runs (the first takes seconds on a large site), a report's page asked for is made as soon as
the reports it reads of the site model are parsed — those are parsed first — and served from memory with the
stylesheets, while the rest are parsed (`FirstPages`); failing that it is rendered before the rest and served
from the build's staging folder. The rest of the site follows when the build ends.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .build import BuildResult, build_site
from .cache import BuildCache, CachedReport
from .collector import collecting_less
from .errors import JixiaoError, SourceError
from .library import Library
from .load import REPORT_FILE, SLUG
from .output import read_assets, write_atomically
from .page import ReportPage, build_report
from .phases import (
    InPlace,
    Plan,
    cache_record,
    plan_pages,
    publish_listing,
    publish_open_data,
    render_in_memory,
    replan,
    reread_reports,
    resolve_site,
)
from .portal import UnitUrls, summary_of
from .site import CONTENT_DIR, SiteContext
from .siteindex import build_search_index
from .sitemodel import SiteModel, reports_by_year, summaries_read, year_of
from .workers import Watch, try_report

Log = Callable[[str], None]
Shown = Callable[[list[str] | None], None]  # the files of the site a step changed (None: any), once written


class Preview:
    """The preview's site model, pages and output folder, updated save by save."""

    def __init__(self, project: Path, out_dir: Path, search: bool, log: Log):
        self.project = project
        self.out_dir = out_dir
        self.search = search
        self.log = log
        self.lock = threading.Lock()  # held while the model changes, and by the PDF renderer that reads it
        self.site: SiteContext | None = None
        self.plan: Plan | None = None
        self.cache: BuildCache | None = None
        self.pages: dict[str, ReportPage] = {}
        self.records: dict[str, CachedReport] = {}
        self.background = Background(self.refresh, log)
        self.first = FirstPages()  # the first build as it renders

    # the full path ---------------------------------------------------------------------------------

    def build(self) -> BuildResult:
        """An incremental build of the whole site (the first, or after a site-wide change). When it fails the
        model is dropped: it no longer matches the sources, so the next save takes the full build again."""
        self.background.wait()
        try:
            result = build_site(
                self.project,
                self.out_dir,
                with_pdf=False,
                pdf_links=True,
                search=self.search,
                progress=self.first if self.first.running else None,  # the first build only
                seed=self.project / "site",
                write_office=False,  # made when asked for (render_office)
            )
        except JixiaoError:
            with self.lock:
                self.plan = None
            raise
        finally:
            self.first.finish()  # what was not served early now is, from the site
        with self.lock:
            self.site, self.plan, self.cache = result.site, result.plan, result.cache
            self.pages = {page.key: page for page in result.pages}
            self.records = dict(result.cache.reports) if result.cache else {}
        return result

    # the fast path ---------------------------------------------------------------------------------

    def update(self, changed: list[Path], shown: Shown = lambda names: None) -> BuildResult:
        """Apply saved files: in memory when they are all inside existing reports, else a full build. `shown` hears
        which files of the site each step changed (None: any), as soon as they are written: the reports' pages
        first, so that a page open on one reloads before the listing pages are made, then those."""
        keys = self.edited_reports(changed) if self.plan is not None else None
        if keys is None:
            result = self.build()
            shown(None)
            return result
        started = time.perf_counter()
        with self.lock, collecting_less():
            before = self.apply(keys)
        shown(self.touched(before))
        with self.lock, collecting_less():
            listed = self.relist(before)
        if listed:
            shown(listed)
        self.background.request(search_bundles(before, listed))
        return BuildResult(
            self.out_dir,
            list(self.pages.values()),
            time.perf_counter() - started,
            len(before),
            [],
            self.plan,
            self.cache,
            self.site,
        )

    def edited_reports(self, changed: list[Path]) -> set[str] | None:
        """The keys of the reports whose files changed; None when anything else changed, or a report's
        folder appeared or vanished (the site's structure is then resolved again)."""
        assert self.plan is not None
        content = self.project / CONTENT_DIR
        keys = set()
        for path in changed:
            parts = path.relative_to(content).parts if path.is_relative_to(content) else ()
            if len(parts) < 3:
                return None
            key = f"{parts[0]}/{parts[1]}"
            folder = content / parts[0] / parts[1]
            if key not in self.plan.library.bundles or not (folder / REPORT_FILE).is_file():
                return None
            keys.add(key)
        return keys

    def apply(self, keys: set[str]) -> dict[str, ReportPage | None]:
        """The build's phases for the edited reports: read and parse them again, resolve the site model, plan
        (what their edit changed: a page key that differs from the one in place), render in memory and write in
        place. On an error nothing is written and the error is raised (the preview shows it); the library keeps
        the edit. The reports rendered, each with its page before."""
        assert self.plan is not None and self.cache is not None and self.site is not None
        site, library = self.site, self.plan.library
        reread_reports(site, library, sorted(keys))
        previous = InPlace(self.cache.shared, self.records)
        plan = replan(previous, self.plan, keys) or plan_pages(
            site, previous, library, resolve_site(library), self.plan.digests
        )
        rendered = render_in_memory(site, plan)
        self.plan = plan
        before = {key: self.pages.get(key) for key in plan.todo}
        for key, (page, files) in rendered.items():
            self.write_report(before[key], page, files)
            self.pages[key] = page
            self.records[key] = cache_record(plan, page)
        return before

    def touched(self, before: dict[str, ReportPage | None]) -> list[str]:
        """The files of the reports rendered, as they were and as they are."""
        return sorted(
            {name for key, old in before.items() for name in [*(old.files if old else ()), *self.pages[key].files]}
        )

    def relist(self, before: dict[str, ReportPage | None]) -> list[str]:
        """The listing pages of the reports whose entry or portal figures the save changed (none when it changed
        neither: a section's prose, a figure no listing shows), written in place; their names."""
        assert self.site is not None
        changed = {key: old for key, old in before.items() if listed_as(old) != listed_as(self.pages[key])}
        files = publish_listing(self.site, list(self.pages.values()), changed) if changed else {}
        for name, data in files.items():
            write_atomically(self.out_dir / name, data)
        vacated = self.vacated_units(changed)
        for name in vacated:
            (self.out_dir / name).unlink(missing_ok=True)
            if name.endswith("/index.html"):  # the unit's folder, once its page and feed are gone
                shutil.rmtree((self.out_dir / name).parent, ignore_errors=True)
        return sorted([*files, *vacated])

    def vacated_units(self, changed: dict[str, ReportPage | None]) -> list[str]:
        """The files of the units a save left without a report (a unit's only report moved to another): their
        page, feed and CSV, which no listing makes again and a clean build does not have."""
        assert self.site is not None
        now = {page.entry.单位 for page in self.pages.values()}
        gone = {old.entry.单位 for old in changed.values() if old is not None} - now
        urls = UnitUrls.of(self.site, now | gone)  # the slugs as the site had them before the save
        return [
            name for unit in sorted(gone) for name in (urls.path(unit), urls.path(unit, "feed.xml"), urls.csv(unit))
        ]

    def write_report(self, old: ReportPage | None, page: ReportPage, files: dict[str, bytes]) -> None:
        for name, data in files.items():
            write_atomically(self.out_dir / name, data)
        for name in set(old.files if old else ()) - set(files):
            (self.out_dir / name).unlink(missing_ok=True)

    # the background --------------------------------------------------------------------------------

    def refresh(self, bundles: set[int | str]) -> None:
        """Open data, the search index of the changed years and units, and the manifest, after the browser
        reloaded."""
        with self.lock:
            assert self.site is not None and self.cache is not None
            pages = list(self.pages.values())
            records = dict(sorted(self.records.items()))
            site, cache = self.site, self.cache
        for name, data in publish_open_data(site, pages).items():
            write_atomically(self.out_dir / name, data)
        if self.search:
            for bundle in sorted(bundles, key=str):
                self.reindex(bundle)
        cache.save(records)

    def reindex(self, bundle: int | str) -> None:
        """One search bundle (a year's, or "units"), built beside the old one and swapped in."""
        folder = self.out_dir / "pagefind"
        fresh, old = folder / f".{bundle}-new", folder / f".{bundle}-old"
        shutil.rmtree(fresh, ignore_errors=True)
        build_search_index(self.out_dir, bundle, f"pagefind/{fresh.name}")
        if (folder / str(bundle)).exists():
            (folder / str(bundle)).rename(old)
        fresh.rename(folder / str(bundle))
        shutil.rmtree(old, ignore_errors=True)

    def render_pdf(self, key: str, name: str, pdf_site: SiteContext) -> bytes | None:
        """A report's PDF from the model in memory (under the lock, so no save changes it meanwhile); None when
        `name` is not the report's PDF (the bundle may publish a PDF of its own, 扫描件.pdf, served as it is)."""
        with self.lock:
            if self.plan is None or key not in self.plan.library.bundles:
                return None
            if name != f"{self.plan.library.bundles[key].slug}.pdf":
                return None
            _, files = build_report(pdf_site, self.plan.library, self.plan.model, key)
        return files.get(f"{key}/{name}")

    def render_office(self, key: str, name: str) -> bytes | None:
        """A report's Word or Excel file, made when asked for, from the model in memory: the preview links them
        but does not write them on every build and save (they cost ten times the page). None when `name` is not
        one of the report's office documents (a file the bundle publishes itself is served as it is)."""
        with self.lock:
            if self.plan is None or self.site is None or key not in self.plan.library.bundles:
                return None
            slug = self.plan.library.bundles[key].slug
            if name not in {f"{slug}.{kind}" for kind in self.site.office}:
                return None
            site = dataclasses.replace(self.site, write_office=True)
            _, files = build_report(site, self.plan.library, self.plan.model, key)
        return files.get(f"{key}/{name}")


def search_bundles(before: dict[str, ReportPage | None], listed: list[str]) -> set[int | str]:
    """The search bundles a save changed: the years of the reports it rendered, and "units" when it wrote or removed
    a unit's page (a title or figure the unit's list shows), which indexes every year's units."""
    bundles: set[int | str] = {year_of(key) for key in before}
    if any(name.startswith("units/") for name in listed):
        bundles.add("units")
    return bundles


def listed_as(page: ReportPage | None) -> str | None:
    """What the listing pages read of a report (its entry and portal figures), as text; None: not in the site."""
    return summary_of(page.entry.as_json(), page.figures) if page is not None else None


# what is served from a build's staging folder before the build ends: a report's page, and the assets
REPORT_KEY = rf"[0-9]{{4}}/{SLUG}"  # a report's folder in the site, <year>/<slug>
EARLY_FILE_RE = re.compile(rf"(?P<key>{REPORT_KEY})/index\.html|assets/[\w.-]+")


class FirstPages(Watch):
    """A full build as it runs, for the pages asked for before it ends. A report asked for has the reports its page
    reads of the site model parsed first (its year's, and the year before when it reads last year's:
    `sitemodel.summaries_read`); once they are, its page is made in this process from a model of the summaries
    parsed so far — which links it exactly as the whole site's does — and served from memory with the stylesheets,
    while the rest are parsed. A page that cannot be made so (its report has errors) is rendered first in the render
    phase and read from the staging folder once its report's files are all written there."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.staging: Path | None = None
        self.todo: set[str] = set()
        self.done: set[str] = set()
        self.asked: list[str] = []
        self.early: dict[str, bytes | None] = {}  # a page made before the rest were parsed; None: it could not be
        self.assets: dict[str, bytes] = {}  # served with the early pages
        self.years: dict[int, list[str]] | None = None  # the site's reports by year, once a page is asked for
        self.running = True

    def start(self, staging: Path | None, todo: list[str]) -> None:
        with self.condition:
            self.staging, self.todo = staging, set(todo)
            self.condition.notify_all()

    def __call__(self, key: str, done: int, total: int) -> None:
        with self.condition:
            self.done.add(key)
            self.condition.notify_all()

    def wanted(self) -> list[str]:
        with self.condition:
            return [key for key in self.asked if key not in self.done]

    def waiting(self, library: Library) -> list[str]:
        """The reports of the site asked for whose page is neither made early nor rendered yet."""
        with self.condition:
            return [k for k in self.asked if k not in self.early and k not in self.done and k in library.bundles]

    def reads(self, library: Library, key: str) -> set[str]:
        if self.years is None:
            self.years = reports_by_year(library.bundles)
        return summaries_read(key, library.summaries, self.years) & library.bundles.keys()

    def parse_first(self, library: Library) -> list[str]:
        """The reports the pages asked for read, not parsed yet: each asked report first, then its year's."""
        first = []
        for key in self.waiting(library):
            first += [key, *sorted(self.reads(library, key))]
        return [key for key in first if key not in library.summaries and key not in library.failed]

    def parsed(self, site: SiteContext, library: Library) -> None:
        for key in self.waiting(library):
            if all(k in library.summaries or k in library.failed for k in self.reads(library, key)):
                self.make_early(site, library, key)

    def make_early(self, site: SiteContext, library: Library, key: str) -> None:
        """The page of `key` from the summaries parsed so far, which hold every one it reads; the build renders it
        again with the others (the same bytes), so nothing made here is published."""
        model = SiteModel.resolve(library.summaries.values())
        built = try_report(site, library, model, key) if key not in library.failed else None
        page = built[1][f"{key}/index.html"] if isinstance(built, tuple) else None
        assets = self.assets or early_assets(site)
        with self.condition:
            self.early[key], self.assets = page, assets
            self.condition.notify_all()

    def finish(self) -> None:
        with self.condition:
            self.running = False
            self.condition.notify_all()

    def file(self, name: str) -> bytes | None:
        """The file `name` of the site (a report's index.html, an asset) made early, or from the staging folder once
        it is complete there; None when it is not one of those, or the build ended first (serve it from the site)."""
        match = EARLY_FILE_RE.fullmatch(name)
        if match is None:
            return None
        key = match["key"]
        with self.condition:
            if key is not None and key not in self.asked:
                self.asked.append(key)
            self.condition.wait_for(lambda: not self.running or self.made(name, key) is not None or self.ready(key))
            made = self.made(name, key) if self.running else None
            staging = self.staging if self.running and self.ready(key) else None
        if made is not None:
            return made
        try:
            return (staging / name).read_bytes() if staging is not None else None
        except OSError:  # the build has just ended and swapped the folder into place
            return None

    def made(self, name: str, key: str | None) -> bytes | None:
        """A page made early, or an asset once one is."""
        return self.early.get(key) if key is not None else self.assets.get(name.removeprefix("assets/"))

    def ready(self, key: str | None) -> bool:
        """Whether the staging folder holds `key`'s files (an asset: key None): all of them are there when the
        render phase starts, except those of the reports to render, each there once it is done."""
        return self.staging is not None and (key is None or key not in self.todo or key in self.done)


def early_assets(site: SiteContext) -> dict[str, bytes]:
    """The stylesheets and scripts an early page links, as the build copies them (none when one cannot be read:
    the build reports that)."""
    try:
        return read_assets(site.files, site.search_path)
    except SourceError:
        return {}


class Background:
    """One thread doing the slow site-wide work after a save; saves made meanwhile are merged into its
    next round, so it never falls behind by more than one round."""

    def __init__(self, work: Callable[[set[int | str]], None], log: Log):
        self.work = work
        self.log = log
        self.pending: set[int | str] | None = None
        self.busy = False
        self.condition = threading.Condition()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def request(self, bundles: set[int | str]) -> None:
        with self.condition:
            self.pending = (self.pending or set()) | bundles
            self.condition.notify_all()

    def active(self) -> bool:
        with self.condition:
            return self.pending is not None or self.busy

    def wait(self) -> None:
        """Until every requested round is done (before a full build, and in tests)."""
        with self.condition:
            self.condition.wait_for(lambda: self.pending is None and not self.busy)

    def run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: self.pending is not None)
                bundles, self.pending, self.busy = self.pending, None, True
            try:
                self.work(bundles or set())
            except Exception as exc:  # noqa: BLE001 — a failed refresh is reported, the preview goes on
                self.log(f"后台更新（搜索索引、开放数据）失败: {exc}")
            finally:
                with self.condition:
                    self.busy = False
                    self.condition.notify_all()
