"""The site model: one record per report — what it is, whom it reads, where it goes — filled by the planner
and read by every later phase.

A `Record` holds a report's `Summary` (key, year, unit, type, title, the reports it attaches, whether it
reads last year's), its `Links` (附件, last year's report, 上一篇/下一篇), the page key the planner
computed (inputs.py) and the files it published. The rules that place reports among each other are
written once:

- the listing order (`listing_key`): newest year first, then unit, type and title — of the site model,
  of every listing page, of the feed's ties and of the open data;
- "reads last year's report" (`parts.data_table.model.reads_last_year`, a rule of the data tables): a computed
  差额 or 增长率 column whose base is a 上年 column. The site model uses it to link last year's report;
  the data tables' computation uses it to fill those columns.

Like Zola's `content::Library` or Hugo's assemble step, the model is resolved from summaries alone, so
a report whose bundle did not change is placed without being parsed (its summary comes from the cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .parts.data_table.model import reads_last_year

if TYPE_CHECKING:
    from .model import Report


def listing_key(year: int, unit: str, kind: str, title: str, key: str) -> tuple[int, str, str, str, str]:
    """The order of every listing: newest year first, then by unit, type and title (the key breaks ties)."""
    return -year, unit, kind, title, key


@dataclass(frozen=True)
class Summary:
    """What the site model needs to know of a report to place it and resolve references to it."""

    key: str
    year: int
    unit: str
    kind: str
    title: str
    attachments: tuple[str, ...]  # keys of the reports it includes, in order
    reads_previous: bool  # a table may take its 上年 figures from last year's report

    @classmethod
    def of(cls, key: str, report: Report) -> Summary:
        return cls(
            key,
            report.year,
            report.unit,
            report.kind,
            report.title,
            tuple(item.report for item in report.attachments),
            any(reads_last_year(item) for table in report.tables.values() for item in table.computed),
        )

    def as_json(self) -> dict:
        return {**self.__dict__, "attachments": list(self.attachments)}

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        return cls(**{**data, "attachments": tuple(data["attachments"])})

    @property
    def order(self) -> tuple[int, str, str, str, str]:
        return listing_key(self.year, self.unit, self.kind, self.title, self.key)


@dataclass(frozen=True)
class Links:
    """A report's place in the site: neighbours within its year, the reports it reads."""

    previous: str | None  # the report before it in its year's listing (上一篇)
    next: str | None  # the report after it (下一篇)
    attachments: tuple[str, ...]
    last_year: str | None  # last year's report of the same unit and type, when a table reads it


@dataclass(frozen=True)
class BundlesRead:
    """The report bundles a page reads: its own, each 附件 with that report's 上年 report (whose figures its
    table reads), and its own 上年 report."""

    key: str
    attachments: tuple[tuple[str, str | None], ...]  # (附件, its 上年 report or None); a missing 附件 has None
    last_year: str | None

    def keys(self) -> set[str]:
        return {self.key, self.last_year, *(name for pair in self.attachments for name in pair)} - {None}


@dataclass
class Record:
    """One report in the site model. The planner fills `page_key`; rendering (or reuse) fills `files`."""

    summary: Summary
    links: Links
    page_key: str | None = None  # the digest of everything its page reads (inputs.page_key)
    files: list[str] = field(default_factory=list)  # what it publishes, relative to the site

    @property
    def key(self) -> str:
        return self.summary.key


class SiteModel:
    """Every readable report's record, in listing order."""

    def __init__(self, records: Iterable[Record]):
        self.records = {record.key: record for record in records}

    @classmethod
    def resolve(cls, summaries: Iterable[Summary]) -> SiteModel:
        """Place every report and resolve its neighbours and last year's report from the summaries alone."""
        ordered = sorted(summaries, key=lambda s: s.order)
        by_group = {(s.year, s.unit, s.kind): s.key for s in reversed(ordered)}
        records = []
        for index, summary in enumerate(ordered):
            before = ordered[index - 1] if index > 0 else None
            after = ordered[index + 1] if index + 1 < len(ordered) else None
            last_year = by_group.get((summary.year - 1, summary.unit, summary.kind)) if summary.reads_previous else None
            records.append(
                Record(
                    summary,
                    Links(
                        before.key if before and before.year == summary.year else None,
                        after.key if after and after.year == summary.year else None,
                        summary.attachments,
                        last_year,
                    ),
                )
            )
        return cls(records)

    def keys(self) -> list[str]:
        """Every report's key, in listing order."""
        return list(self.records)

    def links(self, key: str) -> Links:
        return self.records[key].links

    def get(self, key: str | None) -> Record | None:
        return self.records.get(key) if key is not None else None

    def bundles_read(self, key: str) -> BundlesRead:
        """The bundles the report's page reads, each for its part: the one list inputs.page_key digests and
        `readers` inverts, so that the two cannot disagree on what a page depends on."""
        links = self.records[key].links
        attached = tuple(
            (name, self.records[name].links.last_year if name in self.records else None) for name in links.attachments
        )
        return BundlesRead(key, attached, links.last_year)

    def readers(self, keys: set[str]) -> list[str]:
        """The reports whose page reads the bundle of one of `keys` (bundles_read), in listing order. What a page
        reads of other reports' summaries (titles, order) is not followed: a caller asks only when no summary
        changed."""
        return [key for key in self.records if not self.bundles_read(key).keys().isdisjoint(keys)]

    def page_keys(self) -> dict[str, str | None]:
        return {key: record.page_key for key, record in self.records.items()}


def year_of(key: str) -> int:
    """The year of a report key (`2023/luzhou-juesuan`): its folder's, which load.py requires of its 年度."""
    return int(key.split("/")[0])


def reports_by_year(keys: Iterable[str]) -> dict[int, list[str]]:
    """Report keys by the year of their folder, which is the year of every report that parses (load.py refuses
    a 年度 that differs from it)."""
    years: dict[int, list[str]] = {}
    for key in keys:
        years.setdefault(year_of(key), []).append(key)
    return years


def summaries_read(key: str, summaries: Mapping[str, Summary], years: Mapping[int, list[str]]) -> set[str]:
    """The reports whose summaries decide what a report's page reads of the site model — its 上一篇/下一篇 and their
    titles (every report of its year), last year's report of its unit and type when a table reads it (every
    report of the year before), its 附件 and each one's last year's report — so that a model resolved from these
    alone (and any others) links the page exactly as the model of the whole site does. The set grows as summaries
    become known (the report's own names its attachments and whether it reads last year's): it is complete once
    every report in it is parsed. `years`: the site's keys by year (reports_by_year)."""
    year = year_of(key)
    needed = {key, *years.get(year, ())}
    summary = summaries.get(key)
    if summary is None:
        return needed
    if summary.reads_previous:
        needed.update(years.get(year - 1, ()))
    for attached in summary.attachments:
        needed.add(attached)
        other = summaries.get(attached)
        if other is not None and other.reads_previous:
            needed.update(years.get(other.year - 1, ()))
    return needed
