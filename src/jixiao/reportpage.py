"""What the rest of a build keeps of one built report, apart from page.py, which renders it: a build whose
reports are all unchanged makes these from its manifest and never imports the render (page.py, the audit, the
directives, Pillow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .contexts import ReportEntry  # at run time: a shard's manifest is read and written by pydantic (shards.py)
from .findings import Finding


@dataclass
class ReportPage:
    """One built report as the rest of the build needs it: index entry, findings, file names, and the
    templates it used. Only plain values cross process boundaries; the worker that rendered the
    files writes them."""

    key: str
    year: int
    entry: ReportEntry
    findings: list[Finding]
    files: list[str]
    indicators: Sequence[str]  # its rows of the site's indicators.csv as CSV lines (indicator_lines; cache.Rows)
    templates: list[str] = field(default_factory=list)
    figures: list[list[str]] = field(default_factory=list)  # headline figures for the portal (portal.py)
