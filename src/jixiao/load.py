"""Find report bundles under content/ and read them: every file once, YAML and Markdown parsed once.

A bundle is `content/<year>/<slug>/` holding `report.yaml`, numbered Markdown sections
(`01-概况.md`) and any files published beside the page (images …). The year folder is four
ASCII digits and the slug is lowercase letters, digits and hyphens, so every report has exactly
one URL (`２０２５/` or `draft/` would otherwise collide with or hide another report). Files are
read through the project's read policy (paths.py), which leaves out hidden files and editors' leftovers;
each file's digest is kept for the cache; what may be published is published.py's to say.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field

from .cache import BundleRecord
from .errors import ErrorGroup, Location, SourceError
from .located import CheckNote, Located
from .model import Report
from .paths import FILE_LIMIT, TEXT_LIMIT, ProjectFiles, checked_text, decode_text
from .published import check_published, is_published
from .reporttypes import ReportType
from .validate import validate_model
from .yamlsource import SourceMap, parse_yaml

REPORT_FILE = "report.yaml"
YEAR_RE = re.compile(r"^[0-9]{4}$")
SLUG = r"[a-z0-9][a-z0-9-]*"  # a report folder's name, its URL (a key is <year>/<slug>)
SLUG_RE = re.compile(rf"^{SLUG}$")
# The longest slug whose PDF (<slug>.pdf, beside the page) still has a file name of at most 255 bytes; a slug is
# ASCII, so characters are bytes. Refused by check and every build alike, not only when the PDF is written.
MAX_SLUG = 255 - len(".pdf")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_SECTION_PREFIX_RE = re.compile(r"^\d+[-_. ]*")
# How long before the previous build looked at a file a write must have been for its stat to be trusted: a file's
# timestamps come from a clock coarser than a write (some file systems keep seconds, FAT two), so a file written
# twice within one tick, once before and once after it was read, keeps its stat. git's "racy" rule, with a margin.
RACY_NS = 2_000_000_000


class FrontMatter(Located):
    """What a Markdown section may set in its front matter."""

    title: str | None = Field(None, alias="标题", description="这一节的标题（默认取第一个 # 标题或文件名）。")
    check_note: CheckNote = Field(
        None, alias="核对说明", description="逐条说明这一节的核对提示（不印出）：{规则 「原文」: 原因}。"
    )


@dataclass
class Section:
    """One Markdown file of a bundle; `first_line` is where the body starts in the file."""

    path: Path
    title: str
    body: str
    first_line: int
    meta: FrontMatter = field(default_factory=FrontMatter)
    front: Any = None  # the front matter as written (a SourceMap): where each 核对说明 key is


@dataclass
class Bundle:
    """A report folder as read: its key, the digest of every file, and the text of its YAML and Markdown while
    held. A build holds every bundle of the site for its whole length but needs a bundle's text only to parse
    it, once, in the process that renders it: so `read_site` releases the text as soon as it is digested (some
    24 KiB a report) and `texts` reads it again, checked against the digest, where it is parsed."""

    folder: Path
    year: int
    slug: str
    held: dict[str, str] | None = field(repr=False)  # report.yaml and the *.md sections by file name, until released
    digests: dict[str, str]  # every file of the bundle, by its path relative to the folder
    resources: list[str]  # files published beside the page (images …), relative paths
    files: ProjectFiles = field(repr=False, compare=False)  # the read policy the texts are read again through
    size: int = 0  # characters of its texts: what parsing it costs (workers.split_by_weight)
    stamps: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)  # BundleRecord.stamps
    read_at: int = 0  # BundleRecord.read_at

    @property
    def key(self) -> str:
        return f"{self.year}/{self.slug}"

    @property
    def texts(self) -> dict[str, str]:
        """report.yaml and the *.md sections, by file name: as read, or read again once released."""
        return self.held if self.held is not None else read_texts(self)

    def release(self) -> None:
        """Forget the texts (digested, or parsed): they are read again if ever needed."""
        self.held = None

    @property
    def digest(self) -> str:
        return _digest_of(self.digests)

    @property
    def record(self) -> BundleRecord:
        """What the manifest keeps of it, for the next build to trust (trusted_bundle)."""
        return BundleRecord(self.read_at, self.digests, self.stamps, self.resources, self.size)

    @property
    def data_digest(self) -> str:
        """The digest of report.yaml alone: what another report reads of this one for 同比."""
        return self.digests[REPORT_FILE]


@dataclass
class Source:
    """A bundle parsed and validated: what every later stage reads of a report."""

    bundle: Bundle
    report: Report
    raw: SourceMap
    sections: list[Section]

    @property
    def key(self) -> str:
        return self.bundle.key


def _digest_of(parts: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(parts):
        digest.update(f"{name}\0{parts[name]}\0".encode())
    return digest.hexdigest()


def find_bundles(files: ProjectFiles, content: Path) -> tuple[list[Path], list[SourceError]]:
    """Every folder content/<year>/<slug>/ with a report.yaml, in a stable order, and the folders
    whose names cannot be a report's year or URL."""
    folders, errors = [], []
    # every content/*/*/report.yaml, a broken symlink too (glob would skip it, and the report would vanish unseen)
    for report in sorted(
        folder / REPORT_FILE
        for folder in content.glob("*/*")
        if (folder / REPORT_FILE).exists() or (folder / REPORT_FILE).is_symlink()
    ):
        folder = report.parent
        year, slug = folder.parent.name, folder.name
        if year.startswith(".") or slug.startswith("."):
            continue
        if not YEAR_RE.match(year):
            errors.append(
                SourceError(
                    Location(report),
                    f"报告应放在以四位数字年度命名的文件夹中，这里是「{year}」",
                    hint="移动到 content/<年度>/<slug>/，例如 content/2023/liuan-zipingbiao/"
                    "（用半角数字；草稿请放在 content/ 之外）。",
                )
            )
        elif not SLUG_RE.match(slug):
            errors.append(
                SourceError(
                    Location(report),
                    f"文件夹名「{slug}」不能作为网址（slug）",
                    hint="只用小写字母、数字和连字符，例如 luzhou-xiangmu-zipingbiao。",
                )
            )
        elif len(slug) > MAX_SLUG:
            errors.append(
                SourceError(
                    Location(report),
                    f"文件夹名太长（{len(slug)} 个字符）：报告的 PDF 文件名"
                    f"「<文件夹名>.pdf」会超过文件系统允许的 255 字节",
                    hint=f"把文件夹改名为不超过 {MAX_SLUG} 个字符的 slug。",
                )
            )
        else:
            folders.append(folder)
    return folders, errors


def is_parsed(name: str) -> bool:
    """Whether a bundle's file (its path relative to the folder) is parsed: report.yaml and the Markdown sections
    beside it; anything else is only digested, and published when it may be."""
    return "/" not in name and (name == REPORT_FILE or PurePosixPath(name).suffix == ".md")


def read_bundle(files: ProjectFiles, folder: Path, folders: dict[Path, Path] | None = None, read_at: int = 0) -> Bundle:
    """Read every file of a bundle once: the texts that will be parsed, the digest of everything; the files that
    may not be published are errors, all of them together. `folders`: real paths of folders looked up earlier
    in the same pass (ProjectFiles.known_folder); `read_at`: the file system's time before this pass began
    (BuildCache.now; 0, and the next build reads it again)."""
    texts: dict[str, str] = {}
    digests: dict[str, str] = {}
    stamps: dict[str, tuple[int, int, int, int, int]] = {}
    resources, refused = [], []
    for path in files.files_below(folder):
        name = path.relative_to(folder).as_posix()
        parsed = is_parsed(name)
        data, info = files.read_stamped(path, TEXT_LIMIT if parsed else FILE_LIMIT, folders)
        digests[name] = hashlib.sha256(data).hexdigest()
        stamps[name] = stamp_of(info)
        if parsed:
            texts[name] = decode_text(data, path)
        elif is_published(name):
            try:
                check_published(path, name, data, folder.name)
                resources.append(name)
            except SourceError as error:
                refused.append(error)
    if REPORT_FILE not in texts:
        files.read_text(folder / REPORT_FILE)  # raises the reason: a folder, a FIFO, a link outside …
    ErrorGroup.raise_any(refused)
    size = sum(map(len, texts.values()))
    return Bundle(folder, int(folder.parent.name), folder.name, texts, digests, resources, files, size, stamps, read_at)


def stamp_of(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What a file is recognised by: an edit changes its size or mtime; a save by rename its inode; an mtime set
    back (touch -r, a restored backup) its ctime, which no user can set."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def unchanged_since(recorded: dict[str, Any], found: dict[str, tuple[int, ...]], read_at: int) -> bool:
    """Whether the files `found` (their stamp_of, by name) are those whose stat was `recorded` at `read_at`: the same
    names, each with the recorded stat, last written well before that moment (RACY_NS: a write within it may not
    have moved the clock its stat shows). The rule a bundle and jixiao's own code are trusted by, unread."""
    settled = read_at - RACY_NS
    return found.keys() == recorded.keys() and all(
        tuple(stamp) == found[name] and max(stamp[3:]) < settled for name, stamp in recorded.items()
    )


def trusted_bundle(files: ProjectFiles, folder: Path, record: BundleRecord, folders: dict[Path, Path]) -> Bundle | None:
    """The bundle as the previous build read it, without reading a file, when its folder lists the same files and
    each has the stat recorded and was last written well before that build looked at it (RACY_NS); else None,
    and the bundle is read. Its texts are read, and checked against these digests, where it is parsed
    (read_texts)."""
    found = files.stat_below(folder, folders)
    if found is None or not unchanged_since(
        record.stamps, {name: stamp_of(info) for name, info in found.items()}, record.read_at
    ):
        return None
    year, slug = int(folder.parent.name), folder.name
    return Bundle(
        folder, year, slug, None, record.digests, record.resources, files, record.size, record.stamps, record.read_at
    )


def read_texts(bundle: Bundle) -> dict[str, str]:
    """A released bundle's texts read again through the read policy. A file that changed since the bundle was
    read (and digested: its cache key, its page key) is an error, not silently a different report."""
    texts, folders = {}, {}  # the folder's real path looked up once
    for name in sorted(filter(is_parsed, bundle.digests)):
        path = bundle.folder / name
        data = bundle.files.read_bytes(path, TEXT_LIMIT, folders)
        if hashlib.sha256(data).hexdigest() != bundle.digests[name]:
            raise SourceError(
                Location(path),
                "文件在构建过程中被改动（与开始构建时读到的内容不同）",
                hint="等编辑保存完毕后重新构建。",
            )
        texts[name] = checked_text(data)
    return texts


def parse_bundle(bundle: Bundle, types: dict[str, ReportType]) -> Source:
    """Parse report.yaml and the sections (each exactly once) and validate them against the site's report
    types; all problems together."""
    path = bundle.folder / REPORT_FILE
    texts = bundle.texts
    errors: list[SourceError] = []
    report = raw = None
    try:
        raw = parse_yaml(texts[REPORT_FILE], path)
        report = validate_report(raw, path, types)
        if report.year != bundle.year:
            errors.append(
                SourceError(
                    report.locate("年度"),
                    f"年度 {report.year} 与所在文件夹 {bundle.year}/ 不一致",
                    key="年度",
                    hint="改正 年度，或把报告移到对应年份的文件夹。",
                )
            )
    except ErrorGroup as group:
        errors += group.errors
    except SourceError as error:
        errors.append(error)
    sections = []
    for name in sorted(n for n in texts if n.endswith(".md")):
        try:
            sections.append(read_section(bundle.folder / name, texts[name]))
        except ErrorGroup as group:
            errors += group.errors
        except SourceError as error:
            errors.append(error)
    ErrorGroup.raise_any(errors)
    assert report is not None and isinstance(raw, SourceMap)
    return Source(bundle, report, raw, sections)


def validate_report(raw: Any, path: Path, types: dict[str, ReportType]) -> Report:
    """report.yaml as parsed, validated against the site's report types: where its bundle is parsed, and again
    where a parked report is unpacked (workers.ParkedSources keeps the parsed tree alone, not the model)."""
    kind = types.get(raw.get("类型")) if isinstance(raw, dict) and isinstance(raw.get("类型"), str) else None
    return validate_model(Report, raw, path, {"types": types, "extra_columns": kind.extra_columns if kind else ()})


def read_section(path: Path, text: str) -> Section:
    """One Markdown section; optional YAML front matter gives 标题 and a 核对说明 acknowledging findings."""
    meta, front = FrontMatter(), None
    first_line = 1
    match = _FRONT_MATTER_RE.match(text)
    if match:
        parsed: Any = parse_yaml(match.group(1), path, line_offset=1) if match.group(1) else None
        if parsed is not None:
            meta, front = validate_model(FrontMatter, parsed, path), parsed
        first_line = text[: match.end()].count("\n") + 1
        text = text[match.end() :]
    title = meta.title or _SECTION_PREFIX_RE.sub("", path.stem) or path.stem
    return Section(path, title, text, first_line, meta, front)
