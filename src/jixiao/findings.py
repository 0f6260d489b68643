"""Audit findings: what the build noticed but could still build (errors stop it instead)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Location

LEVELS = ("error", "warning", "note")


@dataclass(frozen=True)
class Finding:
    location: Location
    level: str
    rule: str
    message: str

    def format(self, root: Path | None = None) -> str:
        return f"{self.location.describe(root)}: {self.level}: {self.message} [{self.rule}]"

    def sort_key(self) -> tuple[str, int, int, str]:
        path = str(self.location.path or "")
        return path, self.location.line, self.location.column, self.rule

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        return {"位置": self.location.describe(root), "级别": self.level, "规则": self.rule, "说明": self.message}


def acknowledged(location: Location, note: str | None, rule: str, message: str) -> Finding:
    """A warning, or a note when the author acknowledged it with a 说明 (quoted in the message)."""
    if note:
        return Finding(location, "note", rule, f"{message}（已说明: {note}）")
    return Finding(location, "warning", rule, message)
