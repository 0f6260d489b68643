"""Site-wide outputs made from every report's summary: home and year pages, 404, sitemap.xml, the
Atom feed, open data (reports.json, indicators.csv) and the pagefind search index.

They only need each report's ReportPage (entry, rows), which the cache keeps, so they are remade
on every build without rebuilding the reports themselves. Every page, the sitemap and the feed
are templates of the theme, so a site can override any of them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Collection
from itertools import groupby
from pathlib import Path

from .contexts import Context, FeedContext, HomeContext, PageContext, ReportEntry, SitemapContext, YearContext
from .document.csv import csv_lines
from .errors import JixiaoError, Location
from .output import link_files, link_or_copy, write_files
from .portal import PortalWork, UnitUrls, grouped, portal_pages, portal_urls
from .render import TemplateRun
from .reportpage import ReportPage
from .site import SiteContext
from .sitemodel import listing_key

CSV_HEADER = [
    "年度",
    "单位",
    "报告",
    "类型",
    "项目名称",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "实际完成值",
    "分值",
    "得分",
    "达标",
]

# What site_pages makes besides the year pages, unit feeds and portal pages (which kept_listings and
# portal.portal_work keep one by one): each reads every report's entry, or (indicators.csv) rows.
INDICATORS = "data/indicators.csv"
NOT_FOUND = "404.html"  # its context holds the site's settings only
SITE_WIDE = ("index.html", NOT_FOUND, "sitemap.xml", "feed.xml", "data/reports.json", INDICATORS)


def ordered(pages: list[ReportPage]) -> list[ReportPage]:
    """In the site model's listing order (sitemodel.listing_key)."""
    return sorted(pages, key=lambda p: listing_key(p.year, p.entry.单位, p.entry.类型, p.entry.标题, p.key))


def site_pages(
    site: SiteContext, pages: list[ReportPage], portal: PortalWork | None = None, kept: Collection[str] = ()
) -> dict[str, bytes]:
    """Every site-wide file, by its path in the site (of the portal's, those `portal` names), but those `kept` from
    the previous output (kept_listings, kept_site_wide)."""
    pages = ordered(pages)
    return {**listing_pages(site, pages, portal=portal, kept=kept), **open_data(site, pages, kept)}


def kept_listings(
    site: SiteContext, pages: list[ReportPage], portal: PortalWork | None, previous: Path | None
) -> list[str]:
    """The year pages and unit feeds a build links from the previous output instead of rendering them again: those
    of the years and units whose reports' entries are all as the previous build left them (portal.portal_work
    compared them; the templates and site.yaml are unchanged, or it does everything). A year's page reads only
    that year's entries, a unit's feed only that unit's. None when any of them is missing there."""
    if portal is None or previous is None or portal.years is None or portal.units is None:
        return []
    urls = UnitUrls.of(site, (p.entry.单位 for p in pages))
    names = [year_page(year) for year in sorted({p.year for p in pages}) if year not in portal.years]
    names += [urls.path(unit, "feed.xml") for unit in sorted({p.entry.单位 for p in pages} - portal.units)]
    return names if all((previous / name).is_file() for name in names) else []


def kept_site_wide(portal: PortalWork | None, previous: Path | None) -> tuple[str, ...]:
    """The files made from every report that the previous output has as this build would make them (portal.portal_work
    compared the reports; the templates and site.yaml are unchanged, or it does everything): all of SITE_WIDE when no
    report's entry, figures or rows changed and none came or went; indicators.csv alone when only what it does not
    show changed (a budget figure); and 404.html whenever the reports were compared, as it shows none of them. None
    of them when one is missing there."""
    if portal is None or previous is None or portal.years is None:
        return ()
    names = SITE_WIDE if portal.same else (INDICATORS, NOT_FOUND) if portal.rows else (NOT_FOUND,)
    return names if all((previous / name).is_file() for name in names) else ()


def unless_kept(kept: Collection[str], makers: dict[str, Callable[[], bytes]]) -> dict[str, bytes]:
    """Each file made by its maker, but those `kept` from the previous output (never made)."""
    return {name: make() for name, make in makers.items() if name not in kept}


def year_page(year: int) -> str:
    return f"{year}/index.html"


def listing_pages(
    site: SiteContext,
    pages: list[ReportPage],
    years: set[int] | None = None,
    units: set[str] | None = None,
    portal: PortalWork | None = None,
    kept: Collection[str] = (),
) -> dict[str, bytes]:
    """The pages a reader browses: home, 404, each year's page and the portal's pages (only those of `years` and
    `units`, when given, or those `portal` names; none `kept`). `pages` ordered."""
    all_years = sorted({p.year for p in pages}, reverse=True)
    home = HomeContext(site.site_view, False, site.root(0), [p.entry for p in pages], all_years)
    files = unless_kept(
        kept,
        {
            "index.html": lambda: render(site, "index.html", home),
            NOT_FOUND: lambda: render(site, NOT_FOUND, PageContext(site.site_view, False, site.config.base_url)),
        },
    )
    for year, group in groupby(pages, key=lambda p: p.year):
        if (years is None or year in years) and year_page(year) not in kept:
            files[year_page(year)] = render(
                site, "year.html", YearContext(site.site_view, False, site.root(1), year, [p.entry for p in group])
            )
    return {**files, **portal_pages(site, pages, render, portal or PortalWork(years, units))}


def open_data(site: SiteContext, pages: list[ReportPage], kept: Collection[str] = ()) -> dict[str, bytes]:
    """What machines read: sitemap, the site's feed and each unit's, reports.json and indicators.csv (but those
    `kept`). `pages` ordered."""
    entries = [p.entry for p in pages]
    return {
        **unless_kept(
            kept,
            {
                "sitemap.xml": lambda: sitemap(site, pages),
                "feed.xml": lambda: feed(site, entries, site.config.title, "index.html", "urn:jixiao:site"),
            },
        ),
        **unit_feeds(site, entries, kept),
        **unless_kept(
            kept,
            {
                "data/reports.json": lambda: reports_json(entries),
                INDICATORS: lambda: indicators_csv(pages),
            },
        ),
    }


def sitemap(site: SiteContext, pages: list[ReportPage]) -> bytes:
    """Every page of the site: home, the year pages, the portal's, the reports'."""
    years = sorted({p.year for p in pages}, reverse=True)
    paths = ["index.html", *map(year_page, years), *portal_urls(site, pages), *(p.entry.url for p in pages)]
    return render(site, "sitemap.xml", SitemapContext(site.site_view, False, paths, absolute(site, "")))


def reports_json(entries: list[ReportEntry]) -> bytes:
    return (json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def unit_feeds(site: SiteContext, entries: list[ReportEntry], kept: Collection[str] = ()) -> dict[str, bytes]:
    """Each unit's feed beside its page (units/<slug>/feed.xml), so a reader can follow one unit's disclosures; not
    those `kept`."""
    urls = UnitUrls.of(site, (e.单位 for e in entries))
    by_unit = grouped(entries, lambda e: e.单位)
    return {
        urls.path(unit, "feed.xml"): feed(
            site,
            by_unit[unit],
            f"{unit} - {site.config.title}",
            urls.path(unit),
            f"urn:jixiao:unit:{urls.slugs[unit]}",
        )
        for unit in sorted(by_unit)
        if urls.path(unit, "feed.xml") not in kept
    }


def feed(site: SiteContext, entries: list[ReportEntry], title: str, page: str, urn: str) -> bytes:
    """An Atom feed of at most 50 of `entries`, newest first (ties by URL, so the bytes never depend on the
    order the reports were read in), for the page at `page`."""
    newest = sorted(entries, key=lambda e: (updated(e), e.url), reverse=True)[:50]
    context = FeedContext(
        site.site_view,
        False,
        newest,
        absolute(site, ""),
        updated(newest[0]) if newest else None,
        title,
        page,
        urn,
    )
    return render(site, "feed.xml", context)


def write_site_pages(
    site: SiteContext,
    pages: list[ReportPage],
    staging: Path,
    previous: Path | None,
    changed_years: set[int] | None,
    search: bool,
    portal: PortalWork | None = None,
) -> None:
    """Everything site-wide, then the search index over the finished pages.

    The index is one pagefind bundle per year (`pagefind/<year>/`), merged in the browser, so a change
    to one report re-indexes its year only: a year whose pages did not change is reused from the
    previous output (`previous`); `changed_years` None re-indexes every year. `search=False` leaves the
    index out (quick previews). The portal pages `portal` keeps are linked from `previous` (portal.portal_work), and
    so are the year pages and unit feeds of the years and units it does not remake (kept_listings), and, when no
    report changed what they show, the home page, sitemap, feed and open data (kept_site_wide).
    """
    kept = [*kept_listings(site, pages, portal, previous), *kept_site_wide(portal, previous)]
    write_files(staging, site_pages(site, pages, portal, kept))
    if portal is not None and previous is not None:
        link_files([*portal.kept, *kept], previous, staging)
    if search:
        write_search_index(staging, sorted({p.year for p in pages}, reverse=True), previous, changed_years)


def write_search_index(staging: Path, years: list[int], previous: Path | None, changed_years: set[int] | None) -> None:
    """One pagefind bundle per year, reused where nothing of that year changed; the UI and the list of
    bundles at pagefind/ for the search box to merge."""
    unchanged = changed_years is not None and not changed_years  # the unit pages show every year's figures
    for bundle in [*years, *(["units"] if years else [])]:
        old = previous / "pagefind" / str(bundle) if previous is not None else None
        same = unchanged if bundle == "units" else changed_years is not None and bundle not in changed_years
        if same and old is not None and old.is_dir():
            # into the staging folder (a recycled one may still hold the bundle's folder, emptied: output.py)
            shutil.copytree(old, staging / "pagefind" / str(bundle), copy_function=link_or_copy, dirs_exist_ok=True)
        else:
            build_search_index(staging, bundle)
    if years:
        for name in ("pagefind-ui.js", "pagefind-ui.css"):
            link_or_copy(staging / "pagefind" / str(years[0]) / name, staging / "pagefind" / name)
    write_files(
        staging,
        {
            "pagefind/bundles.js": f"window.JIXIAO_SEARCH = {json.dumps([str(y) for y in years] + (['units'] if years else []))};\n".encode()
        },
    )


def render(site: SiteContext, name: str, context: Context) -> bytes:
    return TemplateRun().render(site.env, name, context.names(), Location(None)).encode("utf-8")


def absolute(site: SiteContext, path: str) -> str:
    """A full URL when 站点网址 is set, else a path from the site root (base_url)."""
    return f"{(site.config.site_url or '').rstrip('/')}{site.config.base_url}{path}"


def updated(entry: ReportEntry) -> str:
    """A report's date for the feed: its own 日期, else the end of its year (never the clock)."""
    return f"{entry.日期 or str(entry.年度) + '-12-31'}T00:00:00Z"


def indicators_csv(pages: list[ReportPage]) -> bytes:
    """Every indicator row of every report, after the report's year, unit, title and type: each report's CSV lines
    as it was rendered (page.indicator_lines) joined under the header; UTF-8 with BOM so Excel opens the Chinese
    correctly."""
    parts = ["\ufeff", csv_lines([CSV_HEADER])]
    for page in pages:
        if page.indicators:  # lead + line for each line, without a string made per row (61500 at 1000 reports)
            lead = report_columns(page.entry)
            parts += [lead, lead.join(page.indicators)]
    return "".join(parts).encode("utf-8")


def report_columns(entry: ReportEntry) -> str:
    """The report's four columns of indicators.csv with the comma that a row's line follows: the line the CSV
    writer makes of them and one empty field, without its end (each field is quoted on its own text alone)."""
    return csv_lines([[entry.年度, entry.单位, entry.标题, entry.类型, ""]]).removesuffix("\r\n")


def build_search_index(staging: Path, year: int | str, subdir: str | None = None) -> None:
    """Run pagefind (its extended build segments Chinese) over one year's finished pages (or the unit pages,
    `year` "units"), into pagefind/<year> (or `subdir`)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(staging),
            "--glob",
            f"{year}/**/*.html",
            "--output-subdir",
            subdir or f"pagefind/{year}",
            "--silent",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise JixiaoError(f"搜索索引（pagefind）失败: {result.stderr.strip() or result.stdout.strip()}")
