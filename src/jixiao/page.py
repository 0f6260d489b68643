"""Render one report: its page, data.json, bundle files and (when asked) its PDF, in memory.

This is a pure function of the bundle and the site context, so it can run in any worker
process and its result can be cached by the digest of those inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

import jinja2

from .assess import assess_report
from .audit import audit_report
from .errors import Location, SourceError
from .findings import Finding
from .load import Bundle
from .markdown import render_section
from .model import Report
from .render import PageResolver, find_template, template_error
from .site import SiteContext
from .validate import validate_model
from .values import plain


@dataclass
class ReportPage:
    """One built report as the rest of the build needs it: index entry, findings, file names.

    Only plain values cross process boundaries; the files themselves are written by the
    worker that rendered them.
    """

    key: str
    year: int
    entry: dict[str, Any]
    findings: list[Finding]
    files: list[str]
    rows: list[list[str]]  # one per indicator, for the site's open-data CSV


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
    findings += audit_report(report, view, bundle)
    layout_where = report.locate("模板") if report.layout else report.locate("类型")
    layout = find_template(site.env, layout_name(report), layout_where, site.search_path)
    pdf_name = f"{bundle.slug}.pdf"
    context = {"site": site.site_view, "report": view, "root": site.root(2), "slug": bundle.slug,
               "pdf": False, "pdf_file": pdf_name if site.pdf_links else None, "created": None}
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
    entry = index_entry(bundle, view, pdf_name if site.pdf_links else None)
    return ReportPage(bundle.key, bundle.year, entry, findings, sorted(files), indicator_rows(view)), files


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


def index_entry(bundle: Bundle, view: dict[str, Any], pdf_name: str | None) -> dict[str, Any]:
    """What the home page, feed and open data list for a report, as plain strings."""
    entry = {k: _text(view.get(k)) for k in ("标题", "单位", "类型", "日期", "总分", "评价等次", "摘要")}
    projects = [{k: _text(form[k]) for k in ("项目名称", "执行率", "预算执行得分", "指标得分", "总分", "评价等次")}
                for form in view["自评表"]]
    return {**entry, "年度": bundle.year, "项目数": len(projects), "项目": projects,
            "url": f"{bundle.key}/index.html", "data": f"{bundle.key}/data.json",
            "pdf": f"{bundle.key}/{pdf_name}" if pdf_name else None}


def indicator_rows(view: dict[str, Any]) -> list[list[str]]:
    """Every indicator row of the report, flattened: project, levels, target, actual, points, score."""
    rows = []
    for form in view["自评表"]:
        for group in form["绩效指标"]:
            for sub in group["二级指标"]:
                for row in sub["三级指标"]:
                    rows.append([form["项目名称"], group["一级指标"], sub["二级指标"], row["三级指标"],
                                 _text(row["指标值"]) or "", _text(row["实际完成值"]) or "", _text(row["分值"]) or "",
                                 _text(row["得分"]) or "", "是" if row["达标"] else "否"])
    return rows


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


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
