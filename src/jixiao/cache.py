"""Incremental builds: reuse a report's files when exactly what it read is unchanged.

A report's page depends on its own bundle, on the reports it includes as 附件 (and the last-year
report each of those reads), on last year's report when its tables take 上年 figures from it, on
its neighbours' titles and links, on the templates it used, and on what every report shares
(site.yaml, the glossary and assets of the theme, jixiao's code and the libraries that shape the
output, the build options). `page_key` digests exactly these; no guessing from file contents,
no window of years. The manifest under `.jixiao-cache/` keeps, per output folder, each report's
key, summary, index entry, findings and files, so an unchanged report is neither parsed nor
rendered: its files are hard-linked from the previous output into the new one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from . import __version__
from .findings import Finding
from .output import link_or_copy

CACHE_DIR = ".jixiao-cache"
FORMAT = 4  # of the manifest; a manifest of another format is ignored
# Libraries whose versions change what the output looks like.
T = TypeVar("T")
OUTPUT_LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "matplotlib", "weasyprint", "pydantic")


def digest_bytes(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def digest_files(paths: list[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of files, in a stable order."""
    return digest_bytes(*(item for path in sorted(paths)
                          for item in (path.relative_to(root).as_posix(), path.read_bytes())))


def code_digest() -> str:
    """jixiao's own code and the versions of the libraries that shape the output."""
    package = Path(__file__).parent
    versions = []
    for name in OUTPUT_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return digest_bytes(__version__, *versions, digest_files(sorted(package.glob("*.py")), package))


@dataclass(frozen=True)
class TemplateDigests:
    """The digest of each template name as it resolves along the search path right now."""

    search_path: tuple[Path, ...]

    def of(self, name: str) -> str:
        for layer in self.search_path:
            path = layer / name
            if path.is_file():
                return digest_bytes(str(path), path.read_bytes())
        return "missing"


@functools.cache
def record_adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


def record_to_json(kind: type[T], record: T) -> Any:
    """A dataclass of plain values (and findings) as JSON data."""
    return record_adapter(kind).dump_python(record, mode="json")


def record_from_json(kind: type[T], data: Any) -> T:
    """A dataclass read back from JSON and checked field by field: a hand-edited or damaged manifest
    raises ValueError here, never a TypeError later in the build."""
    return record_adapter(kind).validate_python(data)


@dataclass
class CachedReport:
    """What the previous build knew of a report: enough to reuse it without reading it."""

    bundle: str  # digest of the bundle's files
    summary: dict[str, Any]  # library.Summary as JSON
    page_key: str
    templates: dict[str, str]  # template name → digest when it was rendered
    entry: dict[str, Any]
    findings: list[Finding]
    files: list[str]
    rows: list[list[str]]


@dataclass
class BuildCache:
    """The manifest of one output folder; `reports` is empty when nothing can be reused."""

    path: Path
    shared: str
    reports: dict[str, CachedReport] = field(default_factory=dict)

    @classmethod
    def open(cls, project: Path, out_dir: Path, shared: str, clean: bool) -> "BuildCache":
        name = hashlib.sha256(str(out_dir).encode()).hexdigest()[:16]
        cache = cls(project / CACHE_DIR / f"{name}.json", shared)
        if clean or not cache.path.is_file() or not out_dir.is_dir():
            return cache
        try:
            data = json.loads(cache.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("shared") != shared:
                return cache
            cache.reports = record_from_json(dict[str, CachedReport], data["reports"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            cache.reports = {}  # a damaged or hand-edited manifest: rebuild everything
        return cache

    def reusable(self, key: str, page_key: str, out_dir: Path) -> CachedReport | None:
        """The cached report when its key matches and its files are still in the output."""
        cached = self.reports.get(key)
        if cached is None or cached.page_key != page_key:
            return None
        if not all((out_dir / name).is_file() for name in cached.files):
            return None
        return cached

    def save(self, reports: dict[str, CachedReport]) -> None:
        """Write the manifest atomically after a successful build."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "shared": self.shared,
                "reports": record_to_json(dict[str, CachedReport], dict(sorted(reports.items())))}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.path)


def reuse_files(cached: CachedReport, out_dir: Path, staging: Path) -> None:
    """Bring an unchanged report's files into the staging folder (hard links where possible)."""
    for name in cached.files:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(out_dir / name, target)
