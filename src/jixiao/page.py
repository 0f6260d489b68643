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
from .load import Bundle, read_bundle
from .markdown import render_section
from .model import Attachment, Report
from .render import PageResolver, find_template, template_error
from .site import CONTENT_DIR, SiteContext
from .yamlsource import read_yaml
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


@dataclass
class Part:
    """A report's body as its layout needs it: the view, rendered sections, what the text placed,
    the forms and tables left for the layout to print, and the table of contents."""

    view: dict[str, Any]
    findings: list[Finding]
    sections: list[dict[str, Any]]
    placed: set[str]
    forms: list[dict[str, Any]]
    tables: list[str]
    toc: list[dict[str, str]]


def build_report(site: SiteContext, bundle: Bundle) -> tuple[ReportPage, dict[str, bytes]]:
    """Build one report's page, data.json and (when asked) PDF in memory."""
    report = load_report(bundle)
    layout_where = report.locate("模板") if report.layout else report.locate("类型")
    layout = find_template(site.env, layout_name(report), layout_where, site.search_path)
    pdf_name = f"{bundle.slug}.pdf"
    context = {"site": site.site_view, "root": site.root(2), "slug": bundle.slug, "pdf": False,
               "pdf_file": pdf_name if site.pdf_links else None, "created": None}
    part = assemble(site, bundle, report, context, "")
    attachments = [attach(site, bundle, item, index, context) for index, item in enumerate(report.attachments, 1)]
    findings = part.findings
    page = {"report": part.view, "sections": part.sections, "placed": part.placed, "forms": part.forms,
            "tables": part.tables, "anchor_prefix": "", "attachments": attachments,
            "toc": part.toc + [{"title": a["标题"], "anchor": a["anchor"]} for a in attachments],
            "findings": [f.as_dict() for f in findings]}
    files = {
        f"{bundle.key}/index.html": render_layout(layout, {**context, **page}),
        f"{bundle.key}/data.json": dump_json({"报告": part.view, "原始数据": bundle.data,
                                             "审核": [f.as_dict(site.project) for f in findings]}),
        **bundle_resources(bundle),
    }
    if site.with_pdf:
        html = render_layout(layout, {**context, **page, "pdf": True, "created": creation_date(report)})
        files[f"{bundle.key}/{pdf_name}"] = render_pdf(site, bundle, html.decode("utf-8"), findings)
    entry = index_entry(bundle, part.view, pdf_name if site.pdf_links else None)
    return ReportPage(bundle.key, bundle.year, entry, findings, sorted(files), indicator_rows(part.view)), files


def assemble(site: SiteContext, bundle: Bundle, report: Report, context: dict[str, Any], prefix: str) -> Part:
    """Compute, audit and render the narrative of one report (the page's own, or an attachment)."""
    view, findings = assess_report(report, site.config.scoring.to_rules(), previous_tables(site, bundle, report))
    findings += audit_report(report, view, bundle)
    view["名词解释"] = select_glossary(site, report)
    sections, placed = render_sections(site, bundle, view, {**context, "report": view, "anchor_prefix": prefix},
                                       prefix)
    forms = [f for f in view["自评表"] if f["项目名称"] not in placed]
    tables = [name for name in view["数据表"] if f"表:{name}" not in placed]
    # a section file may hold several top-level parts (# 三… # 四…): each one is a contents entry
    toc = [entry for s in sections for entry in [{"title": s["title"], "anchor": s["anchor"]},
                                                  *({"title": h["text"], "anchor": h["anchor"]}
                                                    for h in s["headings"] if h["level"] == 2)]]
    if report.kind == "项目支出绩效自评表":
        if "自评汇总" not in placed:
            toc.insert(0, {"title": "自评结果汇总", "anchor": f"{prefix}summary"})
    else:
        if report.scoring:
            toc.append({"title": "评分结果", "anchor": f"{prefix}scores"})
        toc += [{"title": f"{view['数据表'][n]['编号']} {view['数据表'][n]['标题']}", "anchor": f"{prefix}table-{i}"}
                for i, n in enumerate(tables, 1)]
    toc += [{"title": f"附表{i} {f['项目名称']}", "anchor": f"{prefix}form-{i}"} for i, f in enumerate(forms, 1)]
    if report.kind != "项目支出绩效自评表" and view["名词解释"] and "名词解释" not in placed:
        toc.append({"title": "名词解释", "anchor": f"{prefix}glossary"})
    return Part(view, findings, sections, placed, forms, tables, toc)


def body_template(report: Report) -> str:
    return "report/body-form.html" if report.kind == "项目支出绩效自评表" else "report/body-document.html"


def attach(site: SiteContext, bundle: Bundle, item: Attachment, index: int, context: dict[str, Any]) -> dict[str, Any]:
    """Another report of the site, built here as part of this one (its own page stays too)."""
    folder = site.project / CONTENT_DIR / item.report
    if not (folder / "report.yaml").is_file() or folder.resolve() == bundle.path.resolve():
        raise SourceError(item.locate("报告"), f"附件「{item.report}」不是本站的另一份报告", key="附件.报告",
                          hint="写成 年度/slug，例如 2023/luzhou-xiangmu-zipingbiao。", rule="input")
    other = read_bundle(folder)
    report = load_report(other)
    if report.attachments:
        raise SourceError(item.locate("报告"), f"附件「{item.report}」自己也带附件；附件不能嵌套", rule="input")
    part = assemble(site, other, report, context, f"a{index}-")
    return {"标题": item.title, "anchor": f"att-{index}", "report": part.view, "sections": part.sections,
            "forms": part.forms, "placed": part.placed, "tables": part.tables, "prefix": f"a{index}-",
            "body": body_template(report)}


def previous_tables(site: SiteContext, bundle: Bundle, report: Report) -> dict[str, Any]:
    """The data tables of last year's report of the same unit and type in this site, as plain numbers."""
    if not report.tables:
        return {}
    for path in sorted((site.project / CONTENT_DIR / str(bundle.year - 1)).glob("*/report.yaml")):
        try:
            data = read_yaml(path)
        except SourceError:
            continue  # that report's own build reports its error
        if isinstance(data, dict) and data.get("单位") == report.unit and data.get("类型") == report.kind:
            tables = data.get("数据表") or {}
            return {name: {str(row.get("名称")): dict(row) for row in (table.get("行") or []) if isinstance(row, dict)}
                    for name, table in tables.items() if isinstance(table, dict)}
    return {}


def select_glossary(site: SiteContext, report: Report) -> list[tuple[str, str]]:
    """The 名词解释 a report selects from the theme's (and the site's) glossary."""
    if not report.glossary:
        return []
    terms = site.glossary
    if report.glossary == ["全部"]:
        return list(terms.items())
    unknown = [term for term in report.glossary if term not in terms]
    if unknown:
        raise SourceError(report.locate("名词解释"), f"名词解释中没有「{'、'.join(unknown)}」", key="名词解释",
                          hint="在 layouts/data/名词解释.yaml 中增补，或写 [全部]。", rule="input")
    return [(term, terms[term]) for term in report.glossary]


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
                    context: dict[str, Any], prefix: str = "") -> tuple[list[dict[str, Any]], set[str]]:
    """Render the bundle's Markdown sections; returns them and the forms they placed."""
    used: set[str] = set()
    rendered, placed = [], set()
    for index, section in enumerate(bundle.sections, start=1):
        resolver = PageResolver(site.env, view, section.path, context, site.project)
        anchor = f"{prefix}s{index}"
        result = render_section(site.parser, section.body, section.path, section.first_line,
                                resolver, used, anchor)
        title = result.title or section.title
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
