"""Find report bundles under content/ and read their YAML and Markdown with positions.

A bundle is `content/<year>/<slug>/` holding `report.yaml` and numbered Markdown
sections (`01-概况.md`); the folder name is the slug, sections are ordered by file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Location, SourceError
from .yamlsource import SourceMap, parse_yaml, read_yaml

REPORT_FILE = "report.yaml"
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_SECTION_PREFIX_RE = re.compile(r"^\d+[-_. ]*")


@dataclass
class Section:
    """One Markdown file of a bundle; `first_line` is where the body starts in the file."""

    path: Path
    title: str
    body: str
    first_line: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bundle:
    """Everything a report is built from."""

    path: Path
    year: int
    slug: str
    data: SourceMap
    sections: list[Section]

    @property
    def key(self) -> str:
        return f"{self.year}/{self.slug}"


def find_bundles(content_dir: Path) -> list[Path]:
    """Every folder content/<year>/<slug>/ with a report.yaml, in a stable order."""
    return sorted(p.parent for p in content_dir.glob(f"*/*/{REPORT_FILE}"))


def read_section(path: Path) -> Section:
    """Read one Markdown section; optional YAML front matter gives 标题 and other settings."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(Location(path), "文件不是 UTF-8 编码", hint="用 UTF-8 保存该文件。") from None
    meta: dict[str, Any] = {}
    first_line = 1
    match = _FRONT_MATTER_RE.match(text)
    if match:
        parsed = parse_yaml(match.group(1) or "", path) if match.group(1) else {}
        if parsed and not isinstance(parsed, dict):
            raise SourceError(Location(path, 2), "front matter 应为键值映射")
        meta = dict(parsed or {})
        first_line = text[: match.end()].count("\n") + 1
        text = text[match.end():]
    title = str(meta.get("标题") or _SECTION_PREFIX_RE.sub("", path.stem) or path.stem)
    return Section(path, title, text, first_line, meta)


def read_bundle(folder: Path) -> Bundle:
    """Read a bundle's YAML and sections and check that its folder names make sense."""
    year_text, slug = folder.parent.name, folder.name
    report_path = folder / REPORT_FILE
    if not year_text.isdigit():
        raise SourceError(Location(report_path), f"报告应放在以年度命名的文件夹中，这里是「{year_text}」",
                          hint="移动到 content/<年度>/<slug>/，例如 content/2023/liuan-zipingbiao/。")
    if not _SLUG_RE.match(slug):
        raise SourceError(Location(report_path), f"文件夹名「{slug}」不能作为网址（slug）",
                          hint="只用小写字母、数字和连字符，例如 luzhou-xiangmu-zipingbiao。")
    data = read_yaml(report_path)
    sections = [read_section(p) for p in sorted(folder.glob("*.md"))]
    return Bundle(folder, int(year_text), slug, data, sections)
