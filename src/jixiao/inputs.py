"""Every input a report's page depends on beyond its own bundle, declared in one place.

The incremental build (`page_key`), the preview (which keys its in-memory site the same way) and the
check `jixiao merge` makes of shards (`source_digests`) all read this module, so what one of them
counts as an input the others cannot miss:

- jixiao's code, its version and the versions of the libraries that shape the output (`code_digest`);
- the files jixiao ships (`PACKAGE_FILES`): the code; the built-in report types, each digested with the
  site's variants along its base chain (`ReportType.digest`) so an edit to one type rebuilds only the
  reports of that type and of the types based on it; the scaffold, which only `jixiao new` reads;
- site.yaml, the glossary layers, the option to link PDFs and the office documents written (`shared_digest`:
  a page links its Word and Excel files, which are made with it from the same inputs);
- the templates a page used, as each resolves along the search path now (`TemplateDigests`);
- for PDFs, the files under every layer's assets/: the print and font stylesheets and the fonts (`pdf_digest`);
- the bundles of the reports it attaches, last year's figures, its neighbours' titles (`page_key`).

The built-in theme is a layer of the search path like the project's layouts/, so its templates, glossary
and assets are digested as those are.
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cache import CACHE_DIR, CODE_RECORD, CodeRecord, code_record_text, digest_bytes, digest_files, read_code_record
from .config import CONFIG_NAME
from .errors import SourceError
from .load import stamp_of, unchanged_since
from .output import write_atomically
from .paths import ProjectFiles
from .render import BUILTIN_THEMES

if TYPE_CHECKING:
    from .library import Library
    from .site import SiteContext
    from .sitemodel import SiteModel

PACKAGE = Path(__file__).parent
CODE = "jixiao"  # the name of jixiao's own code (and the libraries that shape the output) among the sources
TYPES = "报告类型/"  # the names of the report types among the sources: 报告类型/<name>
# Libraries whose versions change what the output looks like.
OUTPUT_LIBRARIES = (
    "jinja2",
    "markdown-it-py",
    "mdit-py-plugins",
    "matplotlib",
    "weasyprint",
    "pydantic",
    "pillow",
    "pypdfium2",
    "python-docx",
    "cairosvg",
    "pypinyin",  # the units' URLs (portal.PINYIN, kept in the manifest)
)
VERSION_LINE = re.compile(r"^Version:[ \t]*(\S+)", re.MULTILINE)
# Every file of the package by what a build makes of it (the first pattern a file's relative name matches).
# A file matching none is an error of the test suite, so a new data file cannot be shipped undeclared.
PACKAGE_FILES = {
    "*__pycache__/*": "not read by a build",
    "scaffold/*": "not read by a build",  # jixiao new site / new report
    "data/报告类型.yaml": "report types",  # ReportType.digest: the pages of the edited type and its variants
    "*.py": "code",  # code_digest: every page
}


def package_role(name: str) -> str | None:
    """What a build makes of the package file `name` (relative, POSIX), per PACKAGE_FILES."""
    return next((role for pattern, role in PACKAGE_FILES.items() if fnmatch.fnmatch(name, pattern)), None)


def code_digest(cache: Path | None = None, keep: bool = False) -> str:
    """jixiao's own code and the versions of the libraries that shape the output. `cache`: the project's cache folder,
    whose CodeRecord gives the code files' digest when it can be trusted (code_files_digest); `keep`: record it there
    when the files were read (a build does, a --clean one too: it renders every page whatever the digest, so a page
    reused later was made by the code the digest names; check and merge only read the record)."""
    versions = [f"{name}={library_version(name)}" for name in OUTPUT_LIBRARIES]
    return digest_bytes(__version__, *versions, code_files_digest(cache, keep))


def code_files_digest(cache: Path | None, keep: bool) -> str:
    """digest_files of the package's code: the recorded digest when every code file still has the stat recorded with
    it (trusted_code), else read and hashed (1.0 MB in 130 files, some 40 M instructions of every build). The clock is
    the machine's, whose disk holds the package, read before the files are looked at: a write after that is either
    seen or leaves a stat too recent to trust."""
    read_at = time.time_ns()
    stamps = code_stamps()
    record = read_record(cache / CODE_RECORD) if cache is not None else None
    if record is not None and trusted_code(record, stamps):
        return record.digest
    digest = digest_files([PACKAGE / name for name in stamps], PACKAGE)
    if cache is not None and keep:
        try:  # only a saving for the next build: a cache that cannot be written is told of when the manifest is saved
            write_atomically(cache / CODE_RECORD, code_record_text(CodeRecord(read_at, stamps, digest)))
        except OSError:
            pass
    return digest


def code_stamps() -> dict[str, tuple[int, int, int, int, int]]:
    """Each code file of the package (package_role) by its relative name, with its stat (load.stamp_of): the files
    PACKAGE.rglob("*.py") finds (a linked folder is not entered), listed by os.walk, which costs a tenth."""
    stamps, root = {}, str(PACKAGE)
    for folder, _, names in os.walk(root):
        prefix = folder[len(root) + 1 :].replace(os.sep, "/") + "/" if folder != root else ""
        for name in names:
            if name.endswith(".py") and package_role(prefix + name) == "code":
                stamps[prefix + name] = stamp_of(os.stat(os.path.join(folder, name)))
    return stamps


def read_record(path: Path) -> CodeRecord | None:
    """The CodeRecord at `path`; None when it is missing, unreadable or damaged (the files are read)."""
    try:
        return read_code_record(path.read_bytes())
    except (OSError, ValueError):
        return None


def trusted_code(record: CodeRecord, stamps: dict[str, tuple[int, int, int, int, int]]) -> bool:
    """Whether the code files are those `record` digested: the same names, each with the stat recorded, last
    written well before the record's files were looked at (load.RACY_NS, as load.trusted_bundle trusts a bundle)."""
    return unchanged_since(record.stamps, stamps, record.read_at)


def library_version(name: str) -> str:
    """The installed version of the distribution `name` ("-" when it is not installed), as metadata.version gives
    it, read from the Version line of its metadata: metadata.version parses the whole file as an e-mail message
    (pydantic's and matplotlib's carry their changelogs, 144 and 80 KB), some 60 M instructions on every build."""
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "-"
    text = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or ""
    found = VERSION_LINE.search(text)  # the first: the headers come before the description
    return found.group(1) if found else "-"


def shared_digest(site: SiteContext, keep: bool = False) -> str:
    """Everything every report's page depends on besides what it reads itself. The same for a build with
    PDFs and for the preview (which links them too), so the preview can start from a built site/. `keep`: a build
    records its code's digest in the project's cache (code_digest)."""
    return digest_files_of(
        site,
        [site.content / CONFIG_NAME, *site.glossary_files],
        f"links={site.pdf_links}",
        f"office={','.join(site.office)}",
        code_digest(site.project / CACHE_DIR, keep),
    )


def pdf_digest(site: SiteContext) -> str | None:
    """What every PDF depends on besides its page: the print and font stylesheets and the fonts they name."""
    if not site.with_pdf:
        return None
    assets = [
        p for layer in site.search_path if (layer / "assets").is_dir() for p in site.files.files_below(layer / "assets")
    ]
    return digest_files_of(site, assets)


def digest_files_of(site: SiteContext, paths: list[Path], *extra: str) -> str:
    return digest_bytes(*extra, *(item for path in paths for item in (str(path), site.files.read_bytes(path))))


@dataclass(frozen=True)
class TemplateDigests:
    """The digest of each template name as it resolves along the search path right now (each read once)."""

    search_path: tuple[Path, ...]
    files: ProjectFiles
    known: dict[str, str] = field(default_factory=dict, compare=False)

    def of(self, name: str) -> str:
        if name not in self.known:
            self.known[name] = self.digest(name)
        return self.known[name]

    def digest(self, name: str) -> str:
        for layer in self.search_path:
            path = layer / name
            if path.exists() or path.is_symlink():
                try:  # through the read policy: a layout linked outside the project is never read
                    return digest_bytes(str(path), self.files.read_bytes(path))
                except SourceError:
                    return "refused"
        return "missing"


def type_digest(library: Library, key: str) -> str:
    """The digest of the report type a report uses, as resolved along its base chain ("-": no such report, or
    one that could not be read)."""
    summary = library.summary(key) if key in library.bundles else None
    kind = library.types.get(summary.kind) if summary is not None else None
    return kind.digest if kind is not None else "-"


def page_key(
    shared: str, library: Library, model: SiteModel, key: str, templates: Mapping[str, str], digests: TemplateDigests
) -> str:
    """The digest of exactly what the report's page reads (see cache.py)."""
    reads = model.bundles_read(key)
    parts = [shared, library.bundles[key].digest, f"类型 {type_digest(library, key)}"]
    for attached, last_year in reads.attachments:
        bundle = library.bundles.get(attached)
        parts.append(f"附件 {attached} {bundle.digest if bundle else '-'} {type_digest(library, attached)}")
        if last_year:
            parts.append(f"上年 {library.bundles[last_year].data_digest}")
    if reads.last_year:
        parts.append(f"上年 {reads.last_year} {library.bundles[reads.last_year].data_digest}")
    own = model.links(key)
    for label, neighbour in (("上一篇", own.previous), ("下一篇", own.next)):
        record = model.get(neighbour)
        parts.append(f"{label} {neighbour} {record.summary.title if record else ''}")
    parts += [f"{name} {digests.of(name)}" for name in sorted(templates)]
    return digest_bytes(*parts)


def source_digests(site: SiteContext, library: Library) -> dict[str, str]:
    """Everything a shard's files depend on, by name: jixiao's code, each report type, site.yaml, every file of
    the layouts and themes, every report's bundle. Names are relative, so shards built in other checkouts of
    one commit agree."""
    found = {
        CODE: code_digest(site.project / CACHE_DIR),
        f"content/{CONFIG_NAME}": digest_of(site, site.content / CONFIG_NAME),
    }
    found.update({f"{TYPES}{name}": kind.digest for name, kind in site.config.types.items()})
    for layer in site.search_path:
        name = layer_name(site, layer)
        found.update(
            {
                f"{name}/{path.relative_to(layer).as_posix()}": digest_of(site, path)
                for path in site.files.files_below(layer)
            }
        )
    found.update({f"content/{key}/": bundle.digest for key, bundle in library.bundles.items()})
    return dict(sorted(found.items()))


def digest_of(site: SiteContext, path: Path) -> str:
    try:  # through the read policy; a file it refuses is one the build did not read either
        return digest_bytes(site.files.read_bytes(path))
    except SourceError:
        return "refused"


def layer_name(site: SiteContext, layer: Path) -> str:
    """A layer of the search path by its place in the project, or in jixiao for a built-in theme."""
    if layer.is_relative_to(BUILTIN_THEMES):
        return f"jixiao/themes/{layer.relative_to(BUILTIN_THEMES).as_posix()}"
    return layer.relative_to(site.project).as_posix()
