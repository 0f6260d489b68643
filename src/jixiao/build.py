"""Orchestrate a build: load → validate → assess → render → write (atomically).

Each bundle is built from its own inputs plus the site config and theme, so the
per-report step is a pure function of those (ready for caching and parallelism).
Output goes to a staging folder that replaces `site/` only when everything succeeded:
a failed build never leaves a half-written site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2

from .assess import assess_report
from .config import SiteConfig, load_config
from .errors import ErrorGroup, Location, SourceError
from .findings import Finding
from .load import Bundle, find_bundles, read_bundle
from .markdown import create_parser, render_section
from .model import Report
from .pdf import PdfRenderer
from .render import PageResolver, create_environment, find_template, template_error, theme_dirs
from .validate import validate_model
from .values import plain

CONTENT_DIR = "content"


@dataclass
class ReportPage:
    """One built report as the rest of the build needs it: index entry and findings.

    Only plain values cross process boundaries; the pages themselves are written by
    the worker that rendered them.
    """

    key: str
    year: int
    entry: dict[str, Any]
    findings: list[Finding]


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
    """What every report needs besides its own bundle: config, rules, templates, parser, PDF renderer."""

    project: Path
    config: SiteConfig
    env: jinja2.Environment
    search_path: list[Path]
    parser: Any
    with_pdf: bool = False
    _pdf: PdfRenderer | None = None

    @property
    def pdf(self) -> PdfRenderer:
        """Created on first use, once per process: WeasyPrint's font setup is the slow part."""
        if self._pdf is None:
            sheets = [p for p in (find_asset(self.search_path, "fonts.css"), find_asset(self.search_path, "print.css"))
                      if p is not None]
            self._pdf = PdfRenderer([self.project, *self.search_path], sheets,
                                    f":root {{ --body-size: {self.config.pdf.body_size}; }}",
                                    self.config.pdf.variant)
        return self._pdf

    @property
    def site_view(self) -> dict[str, Any]:
        return {"站点名称": self.config.title, "base_url": self.config.base_url}


def find_asset(search_path: list[Path], name: str) -> Path | None:
    """The first `assets/<name>` along the search path (project layouts win over the theme)."""
    return next((layer / "assets" / name for layer in search_path if (layer / "assets" / name).is_file()), None)


def open_site(project: Path, with_pdf: bool = False) -> SiteContext:
    """Read site.yaml and set up templates and the Markdown parser once per build."""
    project = project.resolve()
    content = project / CONTENT_DIR
    if not content.is_dir():
        raise SourceError(Location(content), "找不到 content/ 目录",
                          hint="在项目目录下运行，或用 `jixiao new site DIR` 创建项目。")
    config = load_config(content)
    search_path = theme_dirs(project, config.theme)
    return SiteContext(project, config, create_environment(search_path), search_path, create_parser(), with_pdf)


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


def build_report(site: SiteContext, bundle: Bundle) -> tuple[ReportPage, dict[str, bytes]]:
    """Build one report's page, data.json and (when asked) PDF in memory."""
    report = load_report(bundle)
    view, findings = assess_report(report, site.config.scoring.to_rules())
    layout_where = report.locate("模板") if report.layout else report.locate("类型")
    layout = find_template(site.env, layout_name(report), layout_where, site.search_path)
    pdf_name = f"{bundle.slug}.pdf"
    context = {"site": site.site_view, "report": view, "root": "../../", "slug": bundle.slug,
               "pdf": False, "pdf_file": pdf_name if site.with_pdf else None, "created": None}
    sections, placed = render_sections(site, bundle, view, context)
    page = {"sections": sections, "toc": [{"title": s["title"], "anchor": s["anchor"]} for s in sections],
            "forms": [f for f in view["自评表"] if f["项目名称"] not in placed], "placed": placed,
            "findings": [f.as_dict() for f in findings]}
    files = {
        f"{bundle.key}/index.html": render_layout(layout, {**context, **page}),
        f"{bundle.key}/data.json": dump_json({"报告": view, "原始数据": bundle.data,
                                             "审核": [f.as_dict(site.project) for f in findings]}),
        **bundle_resources(bundle),
    }
    if site.with_pdf:
        html = render_layout(layout, {**context, **page, "pdf": True, "created": creation_date(report)})
        files[f"{bundle.key}/{pdf_name}"] = render_pdf(site, bundle, html.decode("utf-8"), findings)
    return ReportPage(bundle.key, bundle.year, index_entry(bundle, view), findings), files


def render_layout(layout: jinja2.Template, context: dict[str, Any]) -> bytes:
    try:
        return layout.render(**context).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise template_error(exc) from None


def creation_date(report: Report) -> str | None:
    """The PDF's date: the report's own 日期, else SOURCE_DATE_EPOCH, else none (never 'now')."""
    if report.date:
        return report.date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def render_pdf(site: SiteContext, bundle: Bundle, html: str, findings: list[Finding]) -> bytes:
    """Render the PDF; a refused resource is an error, a missing glyph a warning."""
    result = site.pdf.render(html, bundle.path)
    if result.refused:
        raise SourceError(Location(bundle.path / "report.yaml"),
                          f"PDF 引用了项目之外的资源，已拒绝读取: {', '.join(sorted(set(result.refused)))}",
                          hint="图片和字体只能放在项目目录内（报告文件夹、layouts/ 或主题中）。")
    for char in result.missing_glyphs:
        findings.append(Finding(Location(bundle.path / "report.yaml"), "warning", "missing-glyph",
                                f"PDF 中字符「{char}」(U+{ord(char):04X}) 没有可用字体，显示为方框"))
    return result.data


def bundle_resources(bundle: Bundle) -> dict[str, bytes]:
    """Images and other files of a bundle are published beside its page (as Hugo page bundles)."""
    return {f"{bundle.key}/{p.relative_to(bundle.path).as_posix()}": p.read_bytes()
            for p in sorted(bundle.path.rglob("*"))
            if p.is_file() and p.suffix not in (".md", ".yaml", ".yml") and not p.name.startswith(".")}


def index_entry(bundle: Bundle, view: dict[str, Any]) -> dict[str, Any]:
    """What the home page lists for a report, as plain strings."""
    entry = {k: (str(view[k]) if view.get(k) is not None else None)
             for k in ("标题", "单位", "类型", "日期", "总分", "评价等次", "摘要")}
    return {**entry, "年度": bundle.year, "项目数": len(view["自评表"]),
            "url": f"{bundle.key}/index.html", "data": f"{bundle.key}/data.json"}


def render_sections(site: SiteContext, bundle: Bundle, view: dict[str, Any],
                    context: dict[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """Render the bundle's Markdown sections; returns them and the forms they placed."""
    used: set[str] = set()
    rendered, placed = [], set()
    for index, section in enumerate(bundle.sections, start=1):
        resolver = PageResolver(site.env, view, section.path, context, site.project)
        result = render_section(site.parser, section.body, section.path, section.first_line,
                                resolver, used, f"s{index}")
        title = result.title or section.title
        anchor = f"s{index}"
        rendered.append({"title": title, "anchor": anchor, "html": result.html,
                         "headings": [h.__dict__ for h in result.headings]})
        placed |= resolver.placed
    return rendered, placed


def dump_json(data: Any) -> bytes:
    """Compact JSON (the C encoder; indenting would force the slow pure-Python one)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default) + "\n").encode("utf-8")


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    result = plain(value)
    if result is value:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return result


def render_index(site: SiteContext, pages: list[ReportPage]) -> bytes:
    """The home page: every report, newest year first, then by unit, type and title."""
    entries = sorted((p.entry for p in pages), key=lambda e: (-e["年度"], e["单位"], e["类型"], e["标题"]))
    years = sorted({p.year for p in pages}, reverse=True)
    template = find_template(site.env, "index.html", Location(None), site.search_path)
    try:
        html = template.render(site=site.site_view, root="", reports=entries, years=years, pdf=False)
    except jinja2.TemplateError as exc:
        raise template_error(exc) from None
    return html.encode("utf-8")


# Below this many reports a worker pool costs more to start than it saves.
PARALLEL_THRESHOLD = 16
_WORKER_SITE: SiteContext | None = None  # one per worker process: templates compiled once


def _start_worker(project: Path, with_pdf: bool) -> None:
    global _WORKER_SITE
    _WORKER_SITE = open_site(project, with_pdf)


def build_and_write(site: SiteContext, folder: Path, staging: Path) -> ReportPage | list[SourceError]:
    """Read, build and write one bundle; input errors are returned, not raised, to be reported together."""
    try:
        page, files = build_report(site, read_bundle(folder))
    except ErrorGroup as group:
        return group.errors
    except SourceError as exc:
        return [exc]
    write_files(staging, files)
    return page


def _build_in_worker(folder: Path, staging: Path) -> ReportPage | list[SourceError]:
    assert _WORKER_SITE is not None
    return build_and_write(_WORKER_SITE, folder, staging)


def build_all(site: SiteContext, folders: list[Path], staging: Path, jobs: int,
              progress: Callable[[str], None] | None) -> list[ReportPage | list[SourceError]]:
    """Build every bundle, in worker processes when there are enough of them (any two PDFs are)."""
    enough = len(folders) >= (2 if site.with_pdf else PARALLEL_THRESHOLD)
    if jobs <= 1 or not enough:
        results = []
        for folder in folders:
            results.append(build_and_write(site, folder, staging))
            if progress:
                progress(folder.name)
        return results
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(site.project, site.with_pdf)) as pool:
        results = []
        chunk = 1 if site.with_pdf else 8
        for folder, result in zip(folders, pool.map(_build_in_worker, folders, [staging] * len(folders),
                                                    chunksize=chunk)):
            results.append(result)
            if progress:
                progress(folder.name)
        return results


def build_site(project: Path, out_dir: Path | None = None, jobs: int | None = None, with_pdf: bool = False,
               progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build every report and the index into a staging folder, then swap it into place."""
    started = time.perf_counter()
    site = open_site(project, with_pdf)
    out_dir = (out_dir or site.project / "site").resolve()
    folders = find_bundles(site.project / CONTENT_DIR)
    with staged_output(out_dir) as staging:
        results = build_all(site, folders, staging, jobs or os.cpu_count() or 1, progress)
        errors = [e for r in results if isinstance(r, list) for e in r]
        if errors:
            raise errors[0] if len(errors) == 1 else ErrorGroup(errors)
        pages = [r for r in results if isinstance(r, ReportPage)]
        write_files(staging, {"index.html": render_index(site, pages)})
        copy_assets(site.search_path, staging)
    return BuildResult(out_dir, pages, time.perf_counter() - started)


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def copy_assets(search_path: list[Path], staging: Path) -> None:
    """Copy `assets/` of every layer, most generic first, so specific layers win file by file."""
    for layer in reversed(search_path):
        assets = layer / "assets"
        if assets.is_dir():
            shutil.copytree(assets, staging / "assets", dirs_exist_ok=True)


@contextlib.contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder beside out_dir and swap it in on success; on any failure nothing changes."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


