"""Incremental builds: skip reports whose inputs did not change since the last build.

A report's output depends on its bundle's files and on everything shared (site.yaml, the
layouts and themes on the search path, the tool's version, the PDF switch). The manifest
under `.jixiao-cache/` records, per output folder, the shared digest and each report's
digest, index entry, findings and files; an unchanged report's files are hard-linked
from the previous output into the new one (copied where links are not possible).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Location
from .findings import Finding
from .output import link_or_copy

CACHE_DIR = ".jixiao-cache"


def digest_files(paths: list[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of files, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def digest_tree(folder: Path) -> str:
    return digest_files([p for p in folder.rglob("*") if p.is_file()], folder)


def shared_digest(config_file: Path, search_path: list[Path], flags: str) -> str:
    """Everything every report depends on besides its own bundle (flags: build options that change output)."""
    digest = hashlib.sha256(f"{__version__}|{flags}|".encode())
    package = Path(__file__).parent  # the tool's own code: a new jixiao rebuilds everything
    digest.update(digest_files(sorted(package.glob("*.py")), package).encode())
    digest.update(config_file.read_bytes())
    for layer in search_path:
        digest.update(str(layer).encode())
        digest.update(digest_tree(layer).encode())
    return digest.hexdigest()


def finding_to_json(item: Finding) -> dict[str, Any]:
    where = item.location
    return {"path": str(where.path) if where.path else None, "line": where.line, "column": where.column,
            "level": item.level, "rule": item.rule, "message": item.message}


def finding_from_json(data: dict[str, Any]) -> Finding:
    path = Path(data["path"]) if data["path"] else None
    return Finding(Location(path, data["line"], data["column"]), data["level"], data["rule"], data["message"])


@dataclass
class CachedReport:
    digest: str
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
        except (OSError, ValueError):
            return cache
        if data.get("shared") != shared:
            return cache
        for key, item in data.get("reports", {}).items():
            cache.reports[key] = CachedReport(item["digest"], item["entry"],
                                              [finding_from_json(f) for f in item["findings"]], item["files"],
                                              item["rows"])
        return cache

    def reuse(self, key: str, digest: str, out_dir: Path, staging: Path) -> CachedReport | None:
        """Bring an unchanged report's files into the staging folder; None when it must be rebuilt."""
        cached = self.reports.get(key)
        if cached is None or cached.digest != digest:
            return None
        if not all((out_dir / name).is_file() for name in cached.files):
            return None
        for name in cached.files:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(out_dir / name, target)
        return cached

    def save(self, reports: dict[str, CachedReport]) -> None:
        """Write the manifest atomically after a successful build."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"shared": self.shared, "reports": {key: {
            "digest": r.digest, "entry": r.entry, "findings": [finding_to_json(f) for f in r.findings],
            "files": r.files, "rows": r.rows} for key, r in sorted(reports.items())}}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.path)
