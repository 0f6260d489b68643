"""Site-wide outputs made from every report's summary: home and year pages, 404, prev/next links,
sitemap.xml, the Atom feed, open data (reports.json, indicators.csv) and the pagefind search index.

They only need each report's ReportPage (entry, rows), which the cache keeps, so they are
remade on every build without rebuilding the reports themselves.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from itertools import groupby
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from .errors import JixiaoError, Location
from .output import link_or_copy, write_files
from .page import ReportPage, render_layout
from .render import find_template
from .site import SiteContext

CSV_HEADER = ["年度", "单位", "报告", "类型", "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值",
              "分值", "得分", "达标"]
_PREVNEXT_RE = re.compile(r'<nav class="prevnext"[^>]*>.*?</nav>', re.S)


def ordered(pages: list[ReportPage]) -> list[ReportPage]:
    """Newest year first, then by unit, type and title — the order of every listing."""
    return sorted(pages, key=lambda p: (-p.year, p.entry["单位"], p.entry["类型"], p.entry["标题"], p.key))


def write_site_pages(site: SiteContext, pages: list[ReportPage], staging: Path,
                     previous_index: Path | None, search: bool) -> None:
    """Everything site-wide, then the search index over the finished pages.

    The index only covers the report bodies, so when no report was rebuilt the previous index
    (`previous_index`) is reused as is; `search=False` leaves it out (quick previews).
    """
    pages = ordered(pages)
    entries = [p.entry for p in pages]
    years = sorted({p.year for p in pages}, reverse=True)
    base = {"site": site.site_view, "pdf": False}
    files = {
        "index.html": _render(site, "index.html", {**base, "root": site.root(0), "reports": entries, "years": years}),
        "404.html": _render(site, "404.html", {**base, "root": site.config.base_url}),
        "sitemap.xml": sitemap(site, pages, years),
        "feed.xml": feed(site, pages),
        "data/reports.json": (json.dumps(entries, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        "data/indicators.csv": indicators_csv(pages),
    }
    for year, group in groupby(pages, key=lambda p: p.year):
        files[f"{year}/index.html"] = _render(site, "year.html", {**base, "root": site.root(1), "year": year,
                                                                   "reports": [p.entry for p in group]})
    write_files(staging, files)
    link_neighbours(site, pages, staging)
    if not search:
        return
    if previous_index is not None and previous_index.is_dir():
        shutil.copytree(previous_index, staging / "pagefind", copy_function=link_or_copy)
    else:
        build_search_index(staging)


def _render(site: SiteContext, name: str, context: dict[str, Any]) -> bytes:
    return render_layout(find_template(site.env, name, Location(None), site.search_path), context)


def link_neighbours(site: SiteContext, pages: list[ReportPage], staging: Path) -> None:
    """Fill each report page's previous/next links within its year.

    Done here, after all reports are known, so a report's own output (and its cache entry)
    does not depend on its neighbours. A page reused from the cache is a hard link to the
    previous build's file, so it is replaced, never edited in place.
    """
    root = site.root(2)
    for _, group in groupby(pages, key=lambda p: p.year):
        group = list(group)
        for i, page in enumerate(group):
            links = []
            if i > 0:
                links.append(f'<a rel="prev" href="{root}{group[i - 1].entry["url"]}">上一篇：'
                             f'{xml_escape(group[i - 1].entry["标题"])}</a>')
            if i + 1 < len(group):
                links.append(f'<a rel="next" href="{root}{group[i + 1].entry["url"]}">下一篇：'
                             f'{xml_escape(group[i + 1].entry["标题"])}</a>')
            nav = f'<nav class="prevnext" aria-label="同年度的其他报告">{"".join(links)}</nav>'
            path = staging / page.entry["url"]
            html = path.read_text(encoding="utf-8")
            updated = _PREVNEXT_RE.sub(lambda _m: nav, html, count=1)
            if updated != html:
                path.unlink()
                path.write_text(updated, encoding="utf-8")


def absolute(site: SiteContext, path: str) -> str:
    """A full URL when 站点网址 is set, else a path from the site root (base_url)."""
    return f"{(site.config.site_url or '').rstrip('/')}{site.config.base_url}{path}"


def sitemap(site: SiteContext, pages: list[ReportPage], years: list[int]) -> bytes:
    paths = ["index.html", *(f"{y}/index.html" for y in years), *(p.entry["url"] for p in pages)]
    urls = "".join(f"<url><loc>{xml_escape(absolute(site, path))}</loc></url>\n" for path in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n").encode("utf-8")


def _updated(entry: dict[str, Any]) -> str:
    """A report's date for the feed: its own 日期, else the end of its year (never the clock)."""
    return f"{entry['日期'] or str(entry['年度']) + '-12-31'}T00:00:00Z"


def feed(site: SiteContext, pages: list[ReportPage]) -> bytes:
    """An Atom feed of the reports, newest first, so citizens and aggregators see new disclosures."""
    newest = sorted(pages, key=lambda p: (_updated(p.entry), p.key), reverse=True)[:50]
    entries = []
    for page in newest:
        entry = page.entry
        link = xml_escape(absolute(site, entry["url"]))
        ident = link if site.config.site_url else f"urn:jixiao:report:{page.key}"
        summary = entry["摘要"] or entry["标题"]
        entries.append(f"<entry><title>{xml_escape(entry['标题'])}</title><id>{ident}</id>"
                       f'<link rel="alternate" href="{link}"/><updated>{_updated(entry)}</updated>'
                       f"<author><name>{xml_escape(entry['单位'])}</name></author>"
                       f"<summary>{xml_escape(summary)}</summary></entry>\n")
    updated = _updated(newest[0].entry) if newest else "1970-01-01T00:00:00Z"
    home = xml_escape(absolute(site, "index.html"))
    feed_id = home if site.config.site_url else "urn:jixiao:site"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            f"<title>{xml_escape(site.config.title)}</title><id>{feed_id}</id>"
            f'<link rel="alternate" href="{home}"/><updated>{updated}</updated>\n'
            + "".join(entries) + "</feed>\n").encode("utf-8")


def indicators_csv(pages: list[ReportPage]) -> bytes:
    """Every indicator row of every report; UTF-8 with BOM so Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for page in pages:
        entry = page.entry
        for row in page.rows:
            writer.writerow([entry["年度"], entry["单位"], entry["标题"], entry["类型"], *row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_search_index(staging: Path) -> None:
    """Run pagefind (its extended build segments Chinese) over the finished pages."""
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(staging), "--silent"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise JixiaoError(f"搜索索引（pagefind）失败: {result.stderr.strip() or result.stdout.strip()}")

