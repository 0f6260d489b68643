"""The disclosure portal: a page per unit with its headline figures over the years, a page per year comparing
every unit, and the same tables as site-level CSV (data/units/<unit>.csv, data/<year>.csv).

Each report contributes its headline figures once, when it is rendered (`headline_figures`): 预算, 执行数,
执行率, 总分 and 等次 of each 自评表, and the 收入总计/支出总计 of its data tables. Each keeps the id of the
page cell that prints it, so a comparison links to where the figure stands. They travel with the report's
ReportPage and the cache's manifest like the indicator rows, so the portal pages are made from every report's
summary without reading any report again — a changed report changes only its unit's and its year's pages.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import digest_bytes
from .contexts import CompareContext, UnitContext, UnitsContext
from .contexts import PortalCell as Cell
from .contexts import PortalTable as Table
from .document.csv import write_rows
from .pinyin import pinyin_slugs
from .portalcharts import series_chart
from .provenance import anchor, origin_of
from .sitemodel import year_of

MONEY = "金额"  # a column whose unit is the site's 默认单位
FORM_FIGURES = (("预算", MONEY), ("执行数", MONEY), ("执行率", "%"), ("总分", "分"), ("等次", ""))
TOTAL_ROWS = (("收入总计", MONEY), ("支出总计", MONEY))
COLUMNS = (*FORM_FIGURES, *TOTAL_ROWS)
GAP = "—"


def headline_figures(view: Any, default_unit: str, printed: Collection[str]) -> list[list[str]]:
    """A report's headline figures as [series, name, text, anchor]: each 自评表 is a series named by its
    项目名称, the data tables' totals one named by the report's type. The anchor is kept only when the page
    prints that id (`printed`: the page's ids, read once, explain.page_ids; a figure the layout leaves out has
    none), so every link lands."""
    found = []
    for form in view.forms:
        values = (form.funds.total.budget, form.funds.total.executed, form.rate, form.total, form.grade)
        found += [(str(form.project), name, value) for (name, _), value in zip(FORM_FIGURES, values)]
    for name, _ in TOTAL_ROWS:
        value = next(
            (
                row.get(table.columns[0])
                for table in view.tables.values()
                if table.unit in (None, default_unit) and table.columns
                for row in table.rows
                if row.name == name
            ),
            None,
        )
        found.append((str(view.kind), name, value))
    return [
        [series, name, str(value), figure_anchor(value, printed)] for series, name, value in found if value is not None
    ]


def figure_anchor(value: Any, printed: Collection[str]) -> str:
    origin = origin_of(value)
    ident = anchor(origin) if origin is not None else ""
    return ident if ident and ident in printed else ""


# unit → its pinyin slug: read in this process's build (pinyin.py), or known from the previous build's manifest
# (cache.py), so that a build whose units are all known does not start pypinyin at all. The manifest is trusted
# only under the same shared digest: pypinyin's version.
PINYIN: dict[str, str] = {}


def pinyin_slugs_of(units: list[str]) -> dict[str, str]:
    """Each unit's pinyin slug (六安 → luan), the ones no build knew read at once by pinyin.py."""
    PINYIN.update(pinyin_slugs([unit for unit in units if unit not in PINYIN]))
    return {unit: PINYIN[unit] for unit in units}


def known_pinyin(units: Iterable[str]) -> dict[str, str]:
    """The pinyin slugs of `units` this process knows, for the manifest."""
    return {unit: PINYIN[unit] for unit in sorted(set(units)) if unit in PINYIN}


@functools.cache
def slugs_of(units: tuple[str, ...], given: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each unit's folder under units/ and data/units/: the slug site.yaml gives it (单位网址), else its pinyin.
    Two units that read alike (示例中心, 试例中心) are told apart by name order: the first keeps the plain slug,
    the next take -2, -3 …, skipping any slug the site gave — the same names give the same URLs on every build."""
    slugs = dict(given)
    taken = set(slugs.values())
    bases = pinyin_slugs_of(sorted(set(units) - slugs.keys()))  # 六安 → luan
    for unit, base in bases.items():
        candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
        slugs[unit] = next(slug for slug in candidates if slug not in taken)
        taken.add(slugs[unit])
    return slugs


@dataclass(frozen=True)
class UnitUrls:
    """Where each unit's files are (its page and feed under units/<slug>/, its CSV data/units/<slug>.csv)."""

    slugs: dict[str, str]

    @classmethod
    def of(cls, site: Any, units: Iterable[str]) -> UnitUrls:
        given = site.config.unit_slugs
        return cls(slugs_of(tuple(sorted(set(units))), tuple(sorted(given.items()))))

    def path(self, unit: str, name: str = "index.html") -> str:
        """A file of the unit's folder (its page, its feed), from the site root."""
        return f"units/{self.slugs[unit]}/{name}"

    def csv(self, unit: str) -> str:
        return f"data/units/{self.slugs[unit]}.csv"


@dataclass(frozen=True)
class Point:
    """One series' figures in one report (year)."""

    year: int
    unit: str
    series: str
    url: str
    figures: dict[str, tuple[str, str]]  # name → (text, anchor)


def points_of(pages: list[Any]) -> list[Point]:
    """Every (report, series) with its figures, in listing order."""
    points = []
    for page in pages:
        by_series: dict[str, dict[str, tuple[str, str]]] = {}
        for series, name, text, ident in page.figures:
            by_series.setdefault(series, {})[name] = (text, ident)
        points += [Point(page.year, page.entry.单位, s, page.entry.url, f) for s, f in by_series.items()]
    return points


def header(name: str, unit: str, money: str) -> str:
    unit = money if unit == MONEY else unit
    return f"{name}（{unit}）" if unit else name


def columns_of(points: list[Point]) -> list[tuple[str, str]]:
    names = {name for point in points for name in point.figures}
    return [column for column in COLUMNS if column[0] in names]


def figure_cells(point: Point | None, columns: list[tuple[str, str]]) -> list[Cell]:
    """A series' figures in one year, each linking to its cell; a year without the series is a gap."""
    cells = []
    for name, unit in columns:
        text, ident = point.figures.get(name, (GAP, "")) if point else (GAP, "")
        href = f"{point.url}#{ident}" if point and ident else None
        cells.append(Cell(text, href, text.rstrip("%") if unit and text != GAP else ""))
    return cells


def unit_tables(points: list[Point], money: str) -> list[Table]:
    """One table per series of a unit: a row per year from its first to its last, gaps included; with its chart."""
    years = list(range(min(p.year for p in points), max(p.year for p in points) + 1))
    tables = []
    for series in sorted({p.series for p in points}):
        own = [p for p in points if p.series == series]
        columns = columns_of(own)
        by_year = {p.year: p for p in own}
        rows = [[Cell(str(year), None, str(year)), *figure_cells(by_year.get(year), columns)] for year in years]
        chart = chart_of(series, years, columns, by_year, money)
        tables.append(Table(series, ["年度", *(header(n, u, money) for n, u in columns)], rows, chart))
    return tables


def chart_of(
    series: str, years: list[int], columns: list[tuple[str, str]], by_year: dict[int, Point], money: str
) -> str:
    """The series' chart: money figures as bars, the rate and the total points as lines, 等次 (a word) left out."""
    drawn = [(name, header(name, unit, money), "bar" if unit == MONEY else "line") for name, unit in columns if unit]
    texts = {year: {name: text for name, (text, _) in point.figures.items()} for year, point in by_year.items()}
    return series_chart(f"{series}历年主要数字", years, drawn, texts, money)


def year_tables(points: list[Point], money: str, urls: UnitUrls) -> list[Table]:
    """Every unit's series of one year, a table per kind of series (自评表, 决算 totals)."""
    tables = []
    for kind, caption in (("预算", "项目支出绩效自评"), ("收入总计", "收入支出总计")):
        own = [p for p in points if kind in p.figures]
        if not own:
            continue
        columns = columns_of(own)
        rows = [
            [
                Cell(p.unit, urls.path(p.unit), ""),
                Cell(p.series, p.url, ""),
                *figure_cells(p, columns),
            ]
            for p in own
        ]
        tables.append(Table(caption, ["单位", "项目", *(header(n, u, money) for n, u in columns)], rows))
    return tables


def table_csv(tables: list[Table], lead: list[str], series: bool) -> bytes:
    """The tables as one CSV with every column (units in the header names, numbers without their % sign); a
    gap is an empty field, never a zero. `series` puts each table's caption (the 项目) after the lead columns;
    the last column is the report the row's figures come from."""
    columns = list(dict.fromkeys(h for table in tables for h in table.headers if h not in lead))
    rows = []
    for table in tables:
        at = {name: index for index, name in enumerate(table.headers)}  # a column's place, found once per table
        leads, places, caption = [at[name] for name in lead], [at.get(name) for name in columns], [table.caption]
        for row in table.rows:
            source = next((c.href.split("#")[0] for c in row if c.href and "#" in c.href), "")
            rows.append(
                [
                    *(row[index].text for index in leads),
                    *(caption if series else []),
                    *(csv_value(row[index]) if index is not None else "" for index in places),
                    source,
                ]
            )
    return write_rows([[*lead, *(["项目"] if series else []), *columns, "报告"], *rows])


def csv_value(cell: Cell) -> str:
    if cell.text == GAP:
        return ""
    return cell.sort or cell.text


@dataclass(frozen=True)
class PortalWork:
    """Which portal pages a build makes (None: every year's, every unit's) and which it takes unchanged from the
    previous output instead (`kept`, paths from the site root)."""

    years: set[int] | None = None
    units: set[str] | None = None
    unit_list: bool = True
    kept: tuple[str, ...] = ()
    rows: bool = False  # every report's rows of indicators.csv as before, none came or went (siteindex.INDICATORS)
    same: bool = False  # besides, no report's entry or figures differ (siteindex.SITE_WIDE)

    def chosen(self, pages: list[Any]) -> tuple[list[str], list[int]]:
        """The units (by name) and the years (newest first) of `pages` whose portal pages this work makes."""
        units = sorted(
            {p.entry.单位 for p in pages} if self.units is None else {p.entry.单位 for p in pages} & self.units
        )
        years = {p.year for p in pages} if self.years is None else {p.year for p in pages} & self.years
        return units, sorted(years, reverse=True)


EVERYTHING = PortalWork()


def portal_pages(site: Any, pages: list[Any], render: Any, work: PortalWork | None = None) -> dict[str, bytes]:
    """Unit pages and year comparison pages with their CSV (only those `work` names). `pages` in listing order;
    `render(site, template, context)` renders a page."""
    money = site.config.default_unit
    urls = UnitUrls.of(site, (p.entry.单位 for p in pages))
    work = work or EVERYTHING
    units, years = work.chosen(pages)
    read_units, read_years = set(units), set(years)  # only the pages made read the reports' figures
    points = points_of([p for p in pages if p.entry.单位 in read_units or p.year in read_years])
    points_by_unit, points_by_year = grouped(points, lambda p: p.unit), grouped(points, lambda p: p.year)
    entries_by_unit = grouped([p.entry for p in pages if p.entry.单位 in read_units], lambda e: e.单位)
    files = {}
    for unit in units:
        own = points_by_unit.get(unit, [])
        tables = unit_tables(own, money) if own else []
        reports = entries_by_unit[unit]
        context = UnitContext(
            site.site_view, False, site.root(2), unit, reports, tables, urls.csv(unit), urls.path(unit, "feed.xml")
        )
        files[urls.path(unit)] = render(site, "unit.html", context)
        files[urls.csv(unit)] = table_csv(tables, ["年度"], series=True)
    if work.unit_list:
        listed = [Cell(unit, urls.path(unit), "") for unit in sorted({p.entry.单位 for p in pages})]
        context = UnitsContext(site.site_view, False, site.root(1), listed)
        files["units/index.html"] = render(site, "units.html", context)
    for year in years:
        tables = year_tables(points_by_year.get(year, []), money, urls)
        context = CompareContext(site.site_view, False, site.root(1), year, tables, f"data/{year}.csv")
        files[f"{year}/units.html"] = render(site, "compare.html", context)
        files[f"data/{year}.csv"] = table_csv(tables, ["单位", "项目"], series=False)
    return files


def grouped(items: list[Any], key: Any) -> dict[Any, list[Any]]:
    """The items by their key, each group in the items' order (listing order): a unit's or a year's share is found
    once, not by a pass over every report for each of the fifty units."""
    groups: dict[Any, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def portal_files(site: Any, pages: list[Any], work: PortalWork | None = None) -> list[str]:
    """The portal's files that `work` names (by default all), pages and CSV: the list of units, each unit's page,
    each year's comparison."""
    work = work or EVERYTHING
    urls = UnitUrls.of(site, (p.entry.单位 for p in pages))
    units, years = work.chosen(pages)
    return [
        *(["units/index.html"] if work.unit_list else []),
        *(name for unit in units for name in (urls.path(unit), urls.csv(unit))),
        *(name for year in years for name in (f"{year}/units.html", f"data/{year}.csv")),
    ]


def portal_urls(site: Any, pages: list[Any]) -> list[str]:
    """Every portal page (the sitemap's)."""
    return [name for name in portal_files(site, pages) if name.endswith(".html")]


def portal_stamp(site: Any, digests: Any) -> str:
    """What the portal pages read besides the reports' entries and figures: every template (a layout may include
    any), by name and digest. site.yaml and jixiao's code are in the cache's shared digest already."""
    return digest_bytes(
        *(part for name in sorted(site.env.loader.list_templates()) for part in (name, digests.of(name)))
    )


def portal_work(
    site: Any,
    pages: list[Any],
    previous: dict[str, Any],
    stamp: str,
    old: str,
    folder: Path | None,
    reused: Collection[str] = (),
) -> PortalWork:
    """The portal pages a build remakes: those of the units and years of the reports whose entry or figures differ
    from the previous build's (`previous`, the cache's reports), or that came or went; the list of units when the
    units changed. Everything when the templates changed (`stamp` against `old`), when a unit's slug moved (a new
    homophone) or when a page to keep is missing from the previous output (`folder`). The pages of the reports
    `reused` are the previous build's entries and figures, so they are not compared."""
    if not previous or folder is None or stamp != old:
        return EVERYTHING
    units_before = {key: cached.entry["单位"] for key, cached in previous.items()}
    units_now = {page.key: page.entry.单位 for page in pages}
    slugs_before = UnitUrls.of(site, units_before.values()).slugs
    slugs_now = UnitUrls.of(site, units_now.values()).slugs
    if any(slugs_before[unit] != slugs_now[unit] for unit in slugs_before.keys() & slugs_now.keys()):
        return EVERYTHING
    before = {key: summary_of(cached.entry, cached.figures) for key, cached in previous.items() if key not in reused}
    now = {page.key: summary_of(page.entry.as_json(), page.figures) for page in pages if page.key not in reused}
    changed = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    years = {year_of(key) for key in changed}
    units = {names[key] for names in (units_before, units_now) for key in changed if key in names}
    unit_list = set(units_before.values()) != set(units_now.values())
    made = set(portal_files(site, pages, PortalWork(years, units, unit_list)))
    kept = tuple(name for name in portal_files(site, pages) if name not in made)
    if not all((folder / name).is_file() for name in kept):
        return EVERYTHING
    rows = units_before.keys() == units_now.keys() and all(
        same_rows(page, previous[page.key]) for page in pages if page.key not in reused
    )
    return PortalWork(years, units, unit_list, kept, rows, rows and not changed)


def same_rows(page: Any, cached: Any) -> bool:
    """A report's rows of indicators.csv are as the previous build wrote them: its rows, and the year, unit, title and
    type written before each (which also place it in the listing order, with its key)."""
    lead = ("年度", "单位", "标题", "类型")
    return page.indicators == cached.indicators and [page.entry.as_json()[n] for n in lead] == [
        cached.entry[n] for n in lead
    ]


def summary_of(entry: dict[str, Any], figures: list[list[str]]) -> str:
    """What the portal reads of a report, as text: the same whether it comes from this build or from the cache."""
    return json.dumps([entry, figures], ensure_ascii=False, sort_keys=True, default=str)
