"""The library: every report bundle of the site, parsed on demand, and the checks of references between
reports that need their sources.

It gives the site model (sitemodel.py) the summary of each report, from which that model places every
report and resolves its neighbours and last year's report; here, a report's 附件 are checked against
the reports they name — a missing target, a report attaching itself, nested or circular attachments
are errors at the file:line of the reference — and last year's tables are read for 同比.

Bundles are parsed lazily and at most once per build: a report whose files did not change is
known from the cache's `Summary` (title, unit, type, references) without reading its YAML, and is
parsed only when another report needs its figures.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ErrorGroup, SourceError
from .load import Bundle, Source, find_bundles, parse_bundle, read_bundle, trusted_bundle
from .model import Attachment
from .parts.data_table.compute import PreviousTable, previous_figures
from .reporttypes import ReportType
from .sitemodel import Links, SiteModel, Summary

if TYPE_CHECKING:
    from .cache import BundleRecord
    from .site import SiteContext


class Library:
    """Every bundle of the site; parsed sources and summaries, and the references between them."""

    def __init__(
        self,
        bundles: Iterable[Bundle],
        types: dict[str, ReportType],
        known: dict[str, Summary] | None = None,
        read_errors: list[SourceError] | None = None,
    ):
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
        bundle = self.bundles[key]
        try:
            source = parse_bundle(bundle, self.types)
        except ErrorGroup as group:
            self.failed[key] = group.errors
            return None
        except SourceError as error:
            self.failed[key] = [error]
            return None
        finally:
            bundle.release()  # parsed: its text is read again only if it is parsed again
        self.sources[key] = source
        self.summaries[key] = Summary.of(key, source.report)
        return source

    def replace(self, bundle: Bundle) -> None:
        """A bundle read again after an edit (the preview): what was parsed or known of it is forgotten."""
        self.bundles[bundle.key] = bundle
        for known in (self.sources, self.failed, self.summaries):
            known.pop(bundle.key, None)

    def release(self) -> None:
        """Forget every parsed report and every bundle's text once nothing of this build reads them again (every
        report rendered, or the workers that parse them forked): what is needed later is parsed again."""
        self.sources.clear()
        for bundle in self.bundles.values():
            bundle.release()

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

    def model(self) -> SiteModel:
        """The site model of every readable report, resolved from the summaries (see sitemodel.py)."""
        return SiteModel.resolve(s for s in (self.summary(key) for key in sorted(self.bundles)) if s is not None)

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
            errors.append(
                SourceError(
                    where, "附件不能是本报告自己", key="附件.报告", rule="reference", hint="写另一份报告的 年度/slug。"
                )
            )
            return None
        if key not in self.bundles:
            close = difflib.get_close_matches(key, list(self.bundles), n=1)
            errors.append(
                SourceError(
                    where,
                    f"附件「{key}」不是本站的报告",
                    key="附件.报告",
                    rule="reference",
                    hint=f"是否想写「{close[0]}」？" if close else "写成 年度/slug，例如 2023/luzhou-zhengti。",
                )
            )
            return None
        target = self.source(key)
        if target is None:
            return None  # its own errors are reported with it
        if target.report.attachments:
            circular = any(item.report == source.key for item in target.report.attachments)
            errors.append(
                SourceError(
                    where,
                    f"附件「{key}」{'又把本报告作为附件（循环引用）' if circular else '自己也带附件'}；附件不能嵌套",
                    key="附件.报告",
                    rule="reference",
                    hint="只附不带附件的报告，或把它的附件直接列在本报告的 附件 中。",
                )
            )
            return None
        return target

    def last_year_tables(self, links: Links) -> dict[str, PreviousTable]:
        """The tables of last year's report of the same unit and type, for this year's 上年 figures."""
        last = self.source(links.last_year) if links.last_year is not None else None
        return previous_figures(last.report, last.key) if last is not None else {}


def read_site(
    site: SiteContext,
    known: dict[str, tuple[str, Summary]] | None = None,
    records: dict[str, BundleRecord] | None = None,
    now: int = 0,
) -> Library:
    """Read and digest every bundle; reports whose bundle is unchanged keep the summary `known` for them. A bundle
    whose files all have the stat the previous build recorded (`records`, by key) is taken as that build read it,
    unread (load.trusted_bundle). `now`: the file system's time before the first file is looked at (BuildCache.now)."""
    folders, errors = find_bundles(site.files, site.content)
    bundles: list[Bundle] = []
    real_folders: dict[Path, Path] = {}  # for this pass only: a folder may become a symlink between builds
    for folder in folders:
        record = (records or {}).get(f"{folder.parent.name}/{folder.name}")
        try:
            bundle = trust_or_read(site, folder, record, now, real_folders)
        except ErrorGroup as group:
            errors += group.errors
        except SourceError as error:
            errors.append(error)
        else:
            bundle.release()  # read again where it is parsed: a parent with workers never needs it
            bundles.append(bundle)
    summaries = {b.key: known[b.key][1] for b in bundles if known and b.key in known and known[b.key][0] == b.digest}
    return Library(bundles, site.config.types, summaries, errors)


def trust_or_read(
    site: SiteContext, folder: Path, record: BundleRecord | None, now: int, folders: dict[Path, Path]
) -> Bundle:
    """The bundle as the previous build recorded it when its files' stat says it is unchanged; else read."""
    trusted = trusted_bundle(site.files, folder, record, folders) if record is not None else None
    return trusted or read_bundle(site.files, folder, folders, now)
