"""Incremental builds: reuse a report's files when exactly what it read is unchanged.

A report's page depends on its own bundle, on its report type, on the reports it includes as 附件
(and the last-year report each of those reads), on last year's report when its tables take 上年
figures from it, on its neighbours' titles and links, on the templates it used, and on what every
report shares (site.yaml, the glossary and assets of the theme, jixiao's code and the libraries that
shape the output, the build options). inputs.py declares these and `page_key` digests exactly them;
no guessing from file contents, no window of years. The manifest under `.jixiao-cache/` keeps, per output folder, each report's
key, summary, index entry, findings and files, so an unchanged report is neither parsed nor
rendered: its files are hard-linked from the previous output into the new one.

A manifest names the output it describes by the identity of that output's marker file (written anew by
every build), so a manifest that could not be updated after a build (an unwritable cache) no longer
matches the output and is ignored: the next build rebuilds everything instead of reusing files it does
not know. A cache that cannot be written is therefore a notice, never a failure of a published build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from .errors import describe_os_error
from .findings import Finding
from .output import MARKER, write_atomically

CACHE_DIR = ".jixiao-cache"
FORMAT = 10  # of the manifest; a manifest of another format is ignored
CLOCK_PREFIX = ".now-"  # BuildCache.now's file, created and removed at once
CODE_RECORD = "code.digest"  # CodeRecord, in the project's cache, for every output folder (not *.json: a manifest)
T = TypeVar("T")


def digest_bytes(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def digest_files(paths: list[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of files, in a stable order."""
    return digest_bytes(
        *(item for path in sorted(paths) for item in (path.relative_to(root).as_posix(), path.read_bytes()))
    )


@functools.cache
def record_adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


def record_to_json(kind: type[T], record: T) -> bytes:
    """A dataclass of plain values (and findings) as JSON text (UTF-8)."""
    return record_adapter(kind).dump_json(record)


def record_from_json(kind: type[T], data: bytes) -> T:
    """A dataclass read back from JSON and checked field by field: a hand-edited or damaged manifest
    raises ValueError here, never a TypeError later in the build."""
    return record_adapter(kind).validate_json(data)


@dataclass
class BundleRecord:
    """What a build read of a bundle's files: enough for the next build to know the bundle without reading it when
    every file still has the stat recorded here (load.trusted_bundle)."""

    read_at: int  # the file system's clock (ns) just before the files were looked at (BuildCache.now); 0: unknown
    digests: dict[str, str]  # load.Bundle.digests
    stamps: dict[str, tuple[int, int, int, int, int]]  # each file's (device, inode, size, mtime_ns, ctime_ns)
    resources: list[str]  # load.Bundle.resources
    size: int  # load.Bundle.size


@dataclass
class CodeRecord:
    """What a build read of jixiao's code files (inputs.code_files_digest): their digest, which a later build takes
    without reading a file while every file still has the stat recorded here (inputs.trusted_code). Kept in the
    project's cache (CODE_RECORD), followed by its CRC-32: a damaged record is not read (read_code_record)."""

    read_at: int  # the machine's clock (ns) just before the files were looked at
    stamps: dict[str, tuple[int, int, int, int, int]]  # each code file's stat (load.stamp_of), by its package name
    digest: str  # digest_files of those files


def code_record_text(record: CodeRecord) -> bytes:
    """A CodeRecord as its file holds it: its JSON text, then on the next line the CRC-32 of that text. Its fields
    named here, not by dataclasses.asdict, which copies each of the 650 numbers of the stamps one call at a time."""
    fields = {"read_at": record.read_at, "stamps": record.stamps, "digest": record.digest}
    text = json.dumps(fields, ensure_ascii=False).encode()
    return b"%s\n%08x\n" % (text, zlib.crc32(text))


def read_code_record(data: bytes) -> CodeRecord:
    """A CodeRecord's file read back; ValueError for any other text (damaged, edited, cut short). Checked by hand, not
    by a pydantic adapter (record_from_json): making one costs 3.6 M instructions, more than this whole read (2.4 M)."""
    text, _, check = data.removesuffix(b"\n").rpartition(b"\n")
    if check != b"%08x" % zlib.crc32(text):
        raise ValueError("the code record's check does not match")
    fields = json.loads(text)
    try:
        record = CodeRecord(
            fields["read_at"], {name: tuple(stamp) for name, stamp in fields["stamps"].items()}, fields["digest"]
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError("not a code record") from error
    numbers = [record.read_at, *(number for stamp in record.stamps.values() for number in stamp)]
    if (
        type(record.digest) is not str
        or any(type(n) is not int for n in numbers)
        or {*map(len, record.stamps.values())} - {5}
    ):
        raise ValueError("not a code record")
    return record


class Rows(Sequence[str]):
    """A reused report's rows of indicators.csv (page.ReportPage.indicators) as the manifest holds them, its JSON text,
    made into strings only when they are read: a build remakes indicators.csv only when a report's rows changed (and
    links the previous one otherwise: siteindex.kept_site_wide), and they are 10 KB of a report's 16 KB record, a
    third of the manifest's read. The text is trusted as it is: the manifest's check was (read_lines)."""

    __slots__ = ("text", "read")

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.read: list[str] | None = None

    def lines(self) -> list[str]:
        if self.read is None:
            self.read = json.loads(self.text)
        return self.read

    def __getitem__(self, index: Any) -> Any:
        return self.lines()[index]

    def __len__(self) -> int:
        return len(self.lines())

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.text == other.text
        return isinstance(other, Sequence) and self.lines() == list(other)

    __hash__ = None


def rows_text(rows: Sequence[str]) -> bytes:
    """A report's rows as the manifest writes them: as read when they were read, else written anew."""
    return rows.text if isinstance(rows, Rows) else record_to_json(list[str], list(rows))


@dataclass
class CachedReport:
    """What the previous build knew of a report: enough to reuse it without reading it."""

    bundle: str  # digest of the bundle's files
    summary: dict[str, Any]  # sitemodel.Summary as JSON
    page_key: str  # what its HTML read
    pdf_key: str | None  # what its PDF read besides (the print stylesheets and fonts); None: no PDF made
    templates: dict[str, str]  # template name → digest when it was rendered
    entry: dict[str, Any]  # contexts.ReportEntry as JSON
    findings: list[Finding]
    files: list[str]
    indicators: Sequence[str]  # page.ReportPage.indicators: its rows of indicators.csv as CSV lines (Rows when read)
    figures: list[list[str]] = field(default_factory=list)  # page.ReportPage.figures
    source: BundleRecord | None = None  # what was read of its bundle; None: read it again


@dataclass
class Manifest:
    """The manifest file: its format, the digest of what every report shares, and each report."""

    format: int
    shared: str
    site: str  # site_stamp of the output it describes
    reports: dict[str, CachedReport]
    portal: str = ""  # digest of the templates the portal pages were made with (portal.portal_stamp); "": unknown
    pinyin: dict[str, str] = field(default_factory=dict)  # unit → its pinyin slug (portal.PINYIN)


@dataclass
class ManifestHead:
    """The manifest without its reports (Manifest's other fields), as its first line holds them."""

    format: int
    shared: str
    site: str
    portal: str = ""
    pinyin: dict[str, str] = field(default_factory=dict)


# The manifest as written: one JSON document, each report's record on a line and its indicator rows on the next (the
# record's last field), so that a build reads each record on its own, reads a report's rows only if it needs them, and
# writes a record it carried over as the text it read (manifest_lines, read_lines). It ends with the CRC-32 of
# everything before its last line: the rows are read as they are, unchecked, and a record's figures and
# names would pass its check field by field however edited, so a manifest damaged or edited anywhere is not read at all
# (the build rebuilds everything), never in part. A check, not a signature: the file is jixiao's own, in the project's
# cache (whoever may write there may write the content too), and CRC-32 takes 4 ms of 15.7 MB where sha256 takes 9–16.
REPORTS_OPEN = b',"reports":{\n'
ROWS = b',"indicators":'
TAIL = b'},"check":"%08x"}'
KEY = re.compile(rb'"(?:[^"\\]|\\.)*":')  # a report's key as json.dumps writes it (ASCII), then its record


def manifest_lines(head: ManifestHead, records: Iterable[tuple[str, bytes, bytes]]) -> Iterator[bytes]:
    """The manifest's text in pieces: the head's fields, then each report's record (its JSON text without the rows,
    record_text) and rows under its key, in the order given (sorted by key), then their check. Given and written one at a
    time: the records' texts are some 16 KB a report, and all of them at once (with their join) were the largest thing
    a clean build held at its end."""
    first = record_to_json(ManifestHead, head)[:-1] + REPORTS_OPEN
    check = zlib.crc32(first)
    yield first
    for number, (key, record, rows) in enumerate(records):
        for piece in ((b",\n" if number else b"") + json.dumps(key).encode() + b":", record, b"\n", rows, b"}"):
            check = zlib.crc32(piece, check)
            yield piece
    yield b"\n" + TAIL % check + b"\n"


def record_text(record: CachedReport) -> bytes:
    """A report's record as the manifest writes it: its JSON text without the rows, up to their field's name."""
    return record_adapter(CachedReport).dump_json(record, exclude={"indicators"})[:-1] + ROWS


def read_lines(data: bytes) -> tuple[ManifestHead, dict[str, tuple[bytes, bytes]]]:
    """The head and each report's record text and rows text of a manifest as manifest_lines writes it. ValueError for
    any other text: a manifest damaged or edited (its check does not match), or written otherwise. Each text is sliced
    once from the file's (splitting it into lines first copied it twice more: 15.7 MB at 1000 reports)."""
    first, last = data.find(b"\n"), data.rfind(b"\n", 0, len(data) - 1)  # after the head, before the check
    if not 0 < first < last or not data.endswith(b"\n") or not data.endswith(REPORTS_OPEN[:-1], 0, first):
        raise ValueError("not a manifest")
    if data[last + 1 : -1] != TAIL % zlib.crc32(memoryview(data)[:last]):
        raise ValueError("the manifest's check does not match")
    records = {}
    start = first + 1
    while start < last:
        middle = data.index(b"\n", start)  # the record's line, then its rows' (`[…]}`, and `,` but after the last)
        end = data.index(b"\n", middle + 1)
        key = KEY.match(data, start, middle)
        if key is None or not data.endswith(ROWS, start, middle):
            raise ValueError("not a manifest")
        records[json.loads(key[0][:-1])] = (data[key.end() : middle], data[middle + 1 : end - 1 - (end < last)])
        start = end + 1
    return record_from_json(ManifestHead, data[:first].removesuffix(REPORTS_OPEN[:-1]) + b"}"), records


@dataclass
class BuildCache:
    """The manifest of one output folder; `reports` is empty when nothing can be reused.

    Manifests are named by a digest of their output folder; beside each, `<name>.out` names that folder,
    so a manifest whose folder is gone (a preview's temporary folder, an old --out) is removed."""

    path: Path
    out_dir: Path
    shared: str
    reports: dict[str, CachedReport] = field(default_factory=dict)
    files_dir: Path | None = None  # where the reusable files are: the output folder, or the seed's
    portal: str = ""  # Manifest.portal of the output in files_dir
    pinyin: dict[str, str] = field(default_factory=dict)  # Manifest.pinyin
    texts: dict[str, bytes] = field(default_factory=dict, repr=False)  # record_text of `reports` as read, until written

    @classmethod
    def open(cls, project: Path, out_dir: Path, shared: str, clean: bool, seed: Path | None = None) -> BuildCache:
        """The manifest of `out_dir`; when it has none, that of `seed` (another output of the same project,
        e.g. the preview starting from site/), whose files are then reused from there."""
        cache = cls(manifest_path(project, out_dir), out_dir, shared)
        if clean:
            return cache
        for folder in (out_dir, seed):
            if folder is not None and folder.is_dir() and cache.read(manifest_path(project, folder), folder):
                cache.files_dir = folder
                break
        return cache

    def read(self, path: Path, folder: Path) -> bool:
        """Take a manifest's reports if it is intact, of this build's kind and describes `folder` as it is."""
        try:
            manifest, texts = read_manifest(path.read_bytes())
        except (OSError, ValueError):
            return False  # missing, damaged or hand-edited: rebuild everything
        if manifest.format != FORMAT or manifest.shared != self.shared or manifest.site != site_stamp(folder):
            return False
        self.reports, self.portal, self.pinyin, self.texts = manifest.reports, manifest.portal, manifest.pinyin, texts
        return True

    def reusable(self, key: str, page_key: str, pdf_key: str | None) -> CachedReport | None:
        """The cached report when its keys match (the PDF's too, when PDFs are made) and its files are still
        where the manifest says."""
        cached = self.reports.get(key)
        if cached is None or cached.page_key != page_key or self.files_dir is None:
            return None
        if pdf_key is not None and cached.pdf_key != pdf_key:
            return None
        if not all((self.files_dir / name).is_file() for name in cached.files):
            return None
        return cached

    def save(
        self, reports: dict[str, CachedReport], portal: str | None = None, pinyin: dict[str, str] | None = None
    ) -> str | None:
        """Write the manifest atomically once the output holds the new site, and drop those of vanished folders.
        Where it cannot be written, a notice (the site is published all the same; the next build rebuilds all).
        `portal`: the portal's template stamp, when this build made the portal pages (else the one in place);
        `pinyin`: the units' pinyin slugs this build knew (else those in place)."""
        portal = self.portal if portal is None else portal
        pinyin = self.pinyin if pinyin is None else pinyin
        texts = (
            (key, self.text_of(key, record), rows_text(record.indicators)) for key, record in sorted(reports.items())
        )
        head = ManifestHead(FORMAT, self.shared, site_stamp(self.out_dir), portal, pinyin)
        try:
            write_atomically(self.path, manifest_lines(head, texts))
            write_atomically(self.path.with_suffix(".out"), str(self.out_dir).encode())
        except OSError as exc:
            return (
                f"缓存无法写入（{describe_os_error(exc)}）: {exc.filename or self.path}；站点已更新，下次构建会全部重建。\n"
                "  提示: 让项目的 .jixiao-cache/ 可写（或删除它），之后的构建就能沿用未改动的报告。"
            )
        self.reports, self.files_dir, self.portal, self.pinyin = reports, self.out_dir, portal, pinyin
        self.texts.clear()
        self.prune()
        return None

    def text_of(self, key: str, record: CachedReport) -> bytes:
        """A report's record as JSON text: as it was read when it is the very record read (carried over), else
        written anew. A text read is given once and dropped (the file holds it now): a later save (the preview's)
        writes the record anew."""
        text = self.texts.pop(key, None) if self.reports.get(key) is record else None
        return record_text(record) if text is None else text

    def now(self) -> int:
        """The time of the file system holding the cache (and the project) now, as a file created now gets it:
        what a bundle's files' timestamps are compared with (load.trusted_bundle). On a network share they come
        from its server, whose clock may differ from this machine's. 0 when nothing can be created there (a
        bundle read then is not trusted later)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=CLOCK_PREFIX, dir=self.path.parent)
        except OSError:
            return 0
        try:
            return os.fstat(handle).st_mtime_ns
        finally:
            os.close(handle)
            Path(name).unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop the manifests of vanished output folders, and the temporary files a killed build left: this
        manifest's (stale: the build holds its output's lock), the code record's (CODE_RECORD, shared by every
        output folder: a build writing it now only fails to record it, a saving it does without) and any clock
        file of `now` (a build holds one for a moment, by its open handle, which works as well once the name is
        gone)."""
        for name in (self.path.name, self.path.with_suffix(".out").name, CODE_RECORD):
            for temporary in self.path.parent.glob(f".{name}.tmp-*"):
                temporary.unlink(missing_ok=True)
        for clock in self.path.parent.glob(f"{CLOCK_PREFIX}*"):
            clock.unlink(missing_ok=True)
        for record in self.path.parent.glob("*.out"):
            with contextlib.suppress(OSError):
                if not Path(record.read_text(encoding="utf-8")).is_dir():
                    record.with_suffix(".json").unlink(missing_ok=True)
                    record.unlink()


def read_manifest(data: bytes) -> tuple[Manifest, dict[str, bytes]]:
    """A manifest and its reports' record texts (record_text). Each record is checked field by field, and the whole
    against its CRC-32: a damaged or hand-edited one raises ValueError. A report's rows stay text (Rows)."""
    head, texts = read_lines(data)
    reports = {}
    for key, (record, rows) in texts.items():
        reports[key] = record_from_json(CachedReport, record + b"[]}")
        reports[key].indicators = Rows(rows)
    manifest = Manifest(head.format, head.shared, head.site, reports, head.portal, head.pinyin)
    return manifest, {key: record for key, (record, _) in texts.items()}


def site_stamp(folder: Path) -> str:
    """The identity of an output's marker file as the build that wrote it left it: a later build writes a new one."""
    try:
        info = (folder / MARKER).stat()
    except OSError:
        return "-"
    return f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def manifest_path(project: Path, out_dir: Path) -> Path:
    return project / CACHE_DIR / f"{hashlib.sha256(str(out_dir).encode()).hexdigest()[:16]}.json"


def published_files(cached: CachedReport, with_pdf: bool) -> list[str]:
    """The files a reused report brings: all, or all but its PDF in a build that makes none (the preview)."""
    return cached.files if with_pdf else [name for name in cached.files if not name.endswith(".pdf")]
