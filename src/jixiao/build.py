"""Orchestrate a build: load → validate → assess → render → write (atomically).

Each bundle is built from its own inputs plus the site config and theme, so the
per-report step is a pure function of those (ready for caching and parallelism).
Output goes to a staging folder that replaces `site/` only when everything succeeded:
a failed build never leaves a half-written site.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2

from .assess import assess_report
from .config import SiteConfig, load_config
from .errors import ErrorGroup, JixiaoError, Location, SourceError
from .findings import Finding
from .load import Bundle, find_bundles, read_bundle
from .markdown import create_parser, render_section
from .model import Report
from .render import PageResolver, create_environment, find_template, template_error, theme_dirs
from .validate import validate_model
from .values import plain

CONTENT_DIR = "content"


@dataclass
class ReportPage:
    """One built report: where it goes and what it says, for the index and the summary."""

    key: str
    year: int
    slug: str
    view: dict[str, Any]
    findings: list[Finding]
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class BuildResult:
    out_dir: Path
    pages: list[ReportPage]
    seconds: float

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for p in self.pages for f in p.findings), key=Finding.sort_key)


@dataclass
class SiteContext:
    """What every report needs besides its own bundle: config, rules, templates, parser."""

    project: Path
    config: SiteConfig
    env: jinja2.Environment
    search_path: list[Path]
    parser: Any

    @property
    def site_view(self) -> dict[str, Any]:
        return {"站点名称": self.config.title, "base_url": self.config.base_url}


def open_site(project: Path) -> SiteContext:
    """Read site.yaml and set up templates and the Markdown parser once per build."""
    project = project.resolve()
    content = project / CONTENT_DIR
    if not content.is_dir():
        raise SourceError(Location(content), "找不到 content/ 目录",
                          hint="在项目目录下运行，或用 `jixiao new site DIR` 创建项目。")
    config = load_config(content)
    search_path = theme_dirs(project, config.theme)
    return SiteContext(project, config, create_environment(search_path), search_path, create_parser())


def load_report(bundle: Bundle) -> Report:
    """Validate report.yaml and check that its 年度 matches its folder."""
    path = bundle.path / "report.yaml"
    report = validate_model(Report, bundle.data, path)
    if report.year != bundle.year:
        raise SourceError(report.locate("年度"), f"年度 {report.year} 与所在文件夹 {bundle.year}/ 不一致",
                          key="年度", hint="改正 年度，或把报告移到对应年份的文件夹。")
    return report


def layout_name(report: Report) -> str:
    return report.layout or f"report/{report.kind}.html"


def build_report(site: SiteContext, bundle: Bundle) -> ReportPage:
    """Build one report's page and data.json in memory."""
    report = load_report(bundle)
    view, findings = assess_report(report, site.config.scoring.to_rules())
    layout_where = report.locate("模板") if report.layout else report.locate("类型")
    layout = find_template(site.env, layout_name(report), layout_where, site.search_path)
    context = {"site": site.site_view, "report": view, "root": "../../", "slug": bundle.slug}
    sections, placed = render_sections(site, bundle, view, context)
    toc = [{"title": s["title"], "anchor": s["anchor"], "level": 2} for s in sections]
    forms = [f for f in view["自评表"] if f["项目名称"] not in placed]
    try:
        html = layout.render(**context, sections=sections, toc=toc, forms=forms, placed=placed,
                             findings=[f.as_dict() for f in findings])
    except jinja2.TemplateError as exc:
        raise template_error(exc) from None
    data = {"报告": view, "原始数据": bundle.data, "审核": [f.as_dict(site.project) for f in findings]}
    files = {
        f"{bundle.key}/index.html": html.encode("utf-8"),
        f"{bundle.key}/data.json": dump_json(data),
    }
    return ReportPage(bundle.key, bundle.year, bundle.slug, view, findings, files)


def render_sections(site: SiteContext, bundle: Bundle, view: dict[str, Any],
                    context: dict[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """Render the bundle's Markdown sections; returns them and the forms they placed."""
    used: set[str] = set()
    rendered, placed = [], set()
    for index, section in enumerate(bundle.sections, start=1):
        resolver = PageResolver(site.env, view, section.path, context)
        result = render_section(site.parser, section.body, section.path, section.first_line,
                                resolver, used, f"s{index}")
        title = result.title or section.title
        anchor = f"s{index}"
        rendered.append({"title": title, "anchor": anchor, "html": result.html,
                         "headings": [h.__dict__ for h in result.headings]})
        placed |= resolver.placed
    return rendered, placed


def dump_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, default=_json_default) + "\n").encode("utf-8")


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    result = plain(value)
    if result is value:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return result


def render_index(site: SiteContext, pages: list[ReportPage]) -> bytes:
    """The home page: every report, newest year first, then by unit, type and title."""
    ordered = sorted(pages, key=lambda p: (-p.year, p.view["单位"], p.view["类型"], p.view["标题"]))
    entries = [{"url": f"{p.key}/index.html", "data": f"{p.key}/data.json", "年度": p.year, **{
        k: p.view.get(k) for k in ("标题", "单位", "类型", "日期", "总分", "评价等次", "摘要")},
        "项目数": len(p.view["自评表"])} for p in ordered]
    years = sorted({p.year for p in pages}, reverse=True)
    template = find_template(site.env, "index.html", Location(None), site.search_path)
    try:
        html = template.render(site=site.site_view, root="", reports=entries, years=years)
    except jinja2.TemplateError as exc:
        raise template_error(exc) from None
    return html.encode("utf-8")


def collect_bundles(content: Path) -> tuple[list[Bundle], list[SourceError]]:
    bundles, errors = [], []
    for folder in find_bundles(content):
        try:
            bundles.append(read_bundle(folder))
        except SourceError as exc:
            errors.append(exc)
    return bundles, errors


def build_site(project: Path, out_dir: Path | None = None,
               progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build every report and the index, then swap the new site into place."""
    started = time.perf_counter()
    site = open_site(project)
    out_dir = (out_dir or site.project / "site").resolve()
    bundles, errors = collect_bundles(site.project / CONTENT_DIR)
    pages = []
    for bundle in bundles:
        try:
            pages.append(build_report(site, bundle))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except SourceError as exc:
            errors.append(exc)
        if progress:
            progress(bundle.key)
    if errors:
        raise errors[0] if len(errors) == 1 else ErrorGroup(errors)
    files = {name: data for page in pages for name, data in page.files.items()}
    files["index.html"] = render_index(site, pages)
    write_site(out_dir, files, site.search_path)
    return BuildResult(out_dir, pages, time.perf_counter() - started)


def copy_assets(search_path: list[Path], staging: Path) -> None:
    """Copy `assets/` of every layer, most generic first, so specific layers win file by file."""
    for layer in reversed(search_path):
        assets = layer / "assets"
        if assets.is_dir():
            shutil.copytree(assets, staging / "assets", dirs_exist_ok=True)


def write_site(out_dir: Path, files: dict[str, bytes], search_path: list[Path]) -> None:
    """Write into a staging folder beside out_dir, then swap it in; on failure nothing changes."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        copy_assets(search_path, staging)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["build_site", "BuildResult", "JixiaoError"]
