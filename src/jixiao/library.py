"""The site model: every report of the site by unit, year and type, with cross-report references
resolved before anything renders.

Like Zola's `content::Library` or Hugo's assemble step, this is the one place where a report
learns about the others: the reports it includes as 附件, last year's report of the same unit and
type (whose tables give this year's 上年 figures for 同比), its previous and next report within
the year, and the order of every listing. A reference that cannot be resolved — a missing
target, a report attaching itself, nested or circular attachments — is an error at the
file:line of the reference.

Bundles are parsed lazily and at most once per build: a report whose files did not change is
known from the cache's `Summary` (title, unit, type, references) without reading its YAML, and is
parsed only when another report needs its figures.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ErrorGroup, SourceError
from .load import Bundle, Source, find_bundles, parse_bundle, read_bundle
from .model import Attachment, Report
from .reporttypes import ReportType
from .tables import PREVIOUS, PreviousTable, previous_figures

if TYPE_CHECKING:
    from .site import SiteContext


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
    def of(cls, source: Source) -> Summary:
        report = source.report
        return cls(source.key, report.year, report.unit, report.kind, report.title,
                   tuple(item.report for item in report.attachments), _reads_previous(report))

    def as_json(self) -> dict:
        return {**self.__dict__, "attachments": list(self.attachments)}

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        return cls(**{**data, "attachments": tuple(data["attachments"])})


def _reads_previous(report: Report) -> bool:
    return any(item.kind in ("差额", "增长率") and item.columns[1] in PREVIOUS
               for table in report.tables.values() for item in table.computed)


@dataclass(frozen=True)
class Links:
    """A report's place in the site: neighbours within its year, the reports it reads."""

    previous: str | None  # the report before it in its year's listing (上一篇)
    next: str | None  # the report after it (下一篇)
    attachments: tuple[str, ...]
    last_year: str | None  # last year's report of the same unit and type, when a table reads it


class Library:
    """Every bundle of the site; parsed sources and summaries, and the references between them."""

    def __init__(self, bundles: Iterable[Bundle], types: dict[str, ReportType],
                 known: dict[str, Summary] | None = None, read_errors: list[SourceError] | None = None):
        self.bundles = {bundle.key: bundle for bundle in bundles}
        self.types = types
        self.read_errors = read_errors or []  # folders and files that could not be read at all
        self.sources: dict[str, Source] = {}
        self.failed: dict[str, list[SourceError]] = {}
        self.summaries = {key: summary for key, summary in (known or {}).items() if key in self.bundles}

    def source(self, key: str) -> Source | None:
        """The parsed report (parsed on first use, once); None when it has errors (see `failed`)."""
        if key in self.sources:
            return self.sources[key]
        if key in self.failed:
            return None
        try:
            source = parse_bundle(self.bundles[key], self.types)
        except ErrorGroup as group:
            self.failed[key] = group.errors
            return None
        except SourceError as error:
            self.failed[key] = [error]
            return None
        self.sources[key] = source
        self.summaries[key] = Summary.of(source)
        return source

    def replace(self, bundle: Bundle) -> None:
        """A bundle read again after an edit (the preview): what was parsed or known of it is forgotten."""
        self.bundles[bundle.key] = bundle
        for known in (self.sources, self.failed, self.summaries):
            known.pop(bundle.key, None)

    def load(self, keys: Iterable[str]) -> None:
        """Parse the given reports (each at most once per build)."""
        for key in keys:
            self.source(key)

    def summary(self, key: str) -> Summary | None:
        if key not in self.summaries:
            self.source(key)
        return self.summaries.get(key)

    def errors(self) -> list[SourceError]:
        return [*self.read_errors, *(error for key in sorted(self.failed) for error in self.failed[key])]

    def ordered(self) -> list[Summary]:
        """Newest year first, then by unit, type and title — the order of every listing."""
        summaries = [s for s in (self.summary(key) for key in sorted(self.bundles)) if s is not None]
        return sorted(summaries, key=lambda s: (-s.year, s.unit, s.kind, s.title, s.key))

    def links(self) -> dict[str, Links]:
        """Every report's neighbours and references, resolved from the summaries."""
        ordered = self.ordered()
        by_group = {(s.year, s.unit, s.kind): s.key for s in reversed(ordered)}
        found = {}
        for index, summary in enumerate(ordered):
            before = ordered[index - 1] if index > 0 else None
            after = ordered[index + 1] if index + 1 < len(ordered) else None
            last_year = by_group.get((summary.year - 1, summary.unit, summary.kind)) if summary.reads_previous else None
            found[summary.key] = Links(before.key if before and before.year == summary.year else None,
                                       after.key if after and after.year == summary.year else None,
                                       summary.attachments, last_year)
        return found

    def check_attachments(self, source: Source) -> list[tuple[Attachment, Source]]:
        """The reports a report includes, in order; each reference is checked at its file:line."""
        found, errors = [], []
        for item in source.report.attachments:
            target = self.check_attachment(source, item, errors)
            if target is not None:
                found.append((item, target))
        ErrorGroup.raise_any(errors)
        return found

    def check_attachment(self, source: Source, item: Attachment, errors: list[SourceError]) -> Source | None:
        where, key = item.locate("报告"), item.report
        if key == source.key:
            errors.append(SourceError(where, "附件不能是本报告自己", key="附件.报告", rule="reference",
                                      hint="写另一份报告的 年度/slug。"))
            return None
        if key not in self.bundles:
            close = difflib.get_close_matches(key, list(self.bundles), n=1)
            errors.append(SourceError(where, f"附件「{key}」不是本站的报告", key="附件.报告", rule="reference",
                                      hint=f"是否想写「{close[0]}」？" if close else "写成 年度/slug，例如 2023/luzhou-zhengti。"))
            return None
        target = self.source(key)
        if target is None:
            return None  # its own errors are reported with it
        if target.report.attachments:
            circular = any(item.report == source.key for item in target.report.attachments)
            errors.append(SourceError(where, f"附件「{key}」{'又把本报告作为附件（循环引用）' if circular else '自己也带附件'}；附件不能嵌套",
                                      key="附件.报告", rule="reference",
                                      hint="只附不带附件的报告，或把它的附件直接列在本报告的 附件 中。"))
            return None
        return target

    def last_year_tables(self, links: Links) -> dict[str, PreviousTable]:
        """The tables of last year's report of the same unit and type, for this year's 上年 figures."""
        last = self.source(links.last_year) if links.last_year is not None else None
        return previous_figures(last.report, last.key) if last is not None else {}


def read_site(site: SiteContext, known: dict[str, tuple[str, Summary]] | None = None) -> Library:
    """Read and digest every bundle; reports whose bundle is unchanged keep the summary `known` for them."""
    folders, errors = find_bundles(site.files, site.content)
    bundles: list[Bundle] = []
    real_folders: dict[Path, Path] = {}  # for this pass only: a folder may become a symlink between builds
    for folder in folders:
        try:
            bundles.append(read_bundle(site.files, folder, real_folders))
        except ErrorGroup as group:
            errors += group.errors
        except SourceError as error:
            errors.append(error)
    summaries = {b.key: known[b.key][1] for b in bundles if known and b.key in known and known[b.key][0] == b.digest}
    return Library(bundles, site.config.types, summaries, errors)
