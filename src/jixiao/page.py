"""Render one report: its page, data.json, bundle files and (when asked) its PDF, in memory.

A pure function of the report's source, what the site model resolved for it (attachments,
last year's tables, neighbours) and the site context, so it can run in any worker process and
its result can be cached by the digests of exactly those inputs (cache.py). The layout owns the
page: it receives the report's view, its rendered sections, the attachments and the neighbours,
and builds the contents from its own headings.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .acknowledgements import settle_findings
from .assess import Inputs, assess_report
from .audit import audit_report, check_cross_totals
from .contexts import (
    Attachment,
    Neighbour,
    Neighbours,
    PageFinding,
    Placed,
    ProjectEntry,
    ReportContext,
    ReportEntry,
    Section,
    SectionContext,
)
from .directives import Media, PageResolver
from .document import OFFICE, OfficeReport
from .document.csv import csv_lines
from .document.datajson import write_data_json
from .document.report import Attachment as TreeAttachment
from .document.report import Body, Document, Setting, build_tree
from .errors import ErrorGroup, Location, SourceError, did_you_mean
from .explain import page_ids, unlink_unprinted
from .findings import Finding
from .glyphs import glyph_findings, missing_glyph_message
from .images import FONT_SUFFIXES, lfs_advice
from .library import Library
from .load import REPORT_FILE, Source
from .markdown import directive_labels, render_section
from .parts.data_table.files import table_files
from .parts.form.view import FormView
from .portal import headline_figures
from .render import TemplateRun
from .reportpage import ReportPage
from .site import SiteContext
from .sitemodel import Links, SiteModel
from .views import ReportView


@dataclass
class Part:
    """A report's body as its layout needs it: the view, rendered sections, what the text placed, and the
    forms and tables left for the layout to print."""

    view: ReportView
    findings: list[Finding]
    sections: list[Section]
    placed: Placed
    forms: list[FormView]
    tables: list[str]
    media: Media
    tokens: list[list[Any]] = field(default_factory=list)  # each section's tokens, for the document tree


def layout_name(site: SiteContext, source: Source) -> str:
    """The report's own 模板, else the first of report/<类型>.html, its base type's, report/default.html."""
    if source.report.layout:
        return source.report.layout
    names = site.config.types[source.report.kind].layouts()
    available = set(site.env.loader.list_templates())
    return next((name for name in names if name in available), names[-1])


def body_template(site: SiteContext, source: Source) -> str:
    return site.config.types[source.report.kind].body


class PageBuild:
    """Builds one report's page; collects every error of the report (YAML references, Markdown,
    figures) so that the author sees them all at once."""

    def __init__(self, site: SiteContext, library: Library, model: SiteModel):
        self.site = site
        self.library = library
        self.model = model
        self.run = TemplateRun()
        self.errors: list[SourceError] = []
        self.attached: list[TreeAttachment] = []  # the attachments' trees, for the report's

    def attempt(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except ErrorGroup as group:
            self.errors += group.errors
        except SourceError as error:
            self.errors.append(error)
        return None

    def build(self, key: str) -> tuple[ReportPage, dict[str, bytes]]:
        source = self.library.source(key)
        assert source is not None
        links = self.model.links(key)
        context = {
            "site": self.site.site_view,
            "root": self.site.root(2),
            "slug": source.bundle.slug,
            "pdf": False,
            "pdf_file": f"{source.bundle.slug}.pdf" if self.site.pdf_links else None,
            "office_files": [f"{source.bundle.slug}.{kind}" for kind in self.site.office],
            "created": None,
            "neighbours": self.neighbours(links),
        }
        part = self.assemble(source, context, "", 0)
        attachments = self.attempt(self.library.check_attachments, source) or []
        attached = [self.attach(item, target, index, context) for index, (item, target) in enumerate(attachments, 1)]
        if self.errors:
            raise ErrorGroup(self.errors)
        assert part is not None
        document = self.tree(source, part)
        if attached:  # the same money named in the report and in what it attaches must agree too
            everything = [
                (source.report, part.view),
                *((target.report, a.report) for (_, target), a in zip(attachments, attached) if a),
            ]
            part.findings += [
                f for f in check_cross_totals(everything, self.site.config.default_unit) if f not in part.findings
            ]
        page = ReportContext(
            **context,
            report=part.view,
            anchor_prefix="",
            depth=0,
            body=body_template(self.site, source),
            sections=part.sections,
            placed=part.placed,
            forms=part.forms,
            tables=part.tables,
            attachments=[a for a in attached if a],
            document=document,
            findings=[PageFinding(**f.as_published()) for f in part.findings if self.site.config.public_findings],
        )
        where = source.report.locate("模板") if source.report.layout else source.report.locate("类型")
        layout = layout_name(self.site, source)
        rendered = self.run.render(self.site.env, layout, page.names(), where)
        ids = page_ids(rendered)
        html = unlink_unprinted(rendered, ids).encode("utf-8")
        bundle = source.bundle
        files = {
            f"{key}/index.html": html,
            f"{key}/data.json": write_data_json(
                part.view,
                source.raw,
                self.site.project,
                part.findings if self.site.config.public_findings else None,
                context["office_files"],
            ),
            **{f"{key}/{name}": self.site.files.read_bytes(bundle.folder / name) for name in bundle.resources},
            **{f"{key}/{name}": data for name, data in part.media.converted.items()},
            **{f"{key}/{name}": data for name, data in table_files(part.view, bundle.folder, bundle.resources).items()},
        }
        if self.site.office and self.site.write_office:
            files.update(self.office_files(key, source, part, document))
        pdf_name = f"{bundle.slug}.pdf"
        if self.site.with_pdf:  # characters no font draws: at their line (WeasyPrint's log knows no line)
            part.findings += glyph_findings(self.site.glyphs, [bundle])
            printed = self.run.render(
                self.site.env, layout, {**page.names(), "pdf": True, "created": creation_date(source)}, where
            )
            files[f"{key}/{pdf_name}"] = render_pdf(self.site, source, printed, part.findings, part.media.converted)
        entry = index_entry(key, source.report.year, part.view, pdf_name if self.site.pdf_links else None)
        return ReportPage(
            key,
            source.report.year,
            entry,
            part.findings,
            sorted(files),
            indicator_lines(part.view),
            sorted(self.run.used),
            headline_figures(part.view, self.site.config.default_unit, ids),
        ), files

    def tree(self, source: Source, part: Part) -> Document:
        """The report as one document tree: its body, its attachments', its 落款 (document/report.py). The page
        writes its body from it, and so do the office documents."""
        body = report_body(part, body_template(self.site, source), "", 0)
        return build_tree(body, tree_setting(self.site), tuple(self.attached))

    def office_files(self, key: str, source: Source, part: Part, document: Document) -> dict[str, bytes]:
        """The report as the office documents site.yaml asks for (办公文档), beside its PDF."""
        report = OfficeReport(part.view, document, self.site.config.default_unit)
        return {f"{key}/{source.bundle.slug}.{kind}": OFFICE[kind](report) for kind in self.site.office}

    def neighbours(self, links: Links) -> Neighbours:
        """上一篇 / 下一篇 within the year, for the layout's prev/next block."""

        def describe(key: str | None) -> Neighbour | None:
            record = self.model.get(key)
            return Neighbour(record.summary.title, f"{self.site.root(2)}{key}/index.html") if record else None

        return Neighbours(describe(links.previous), describe(links.next))

    def assemble(self, source: Source, context: dict[str, Any], prefix: str, depth: int) -> Part | None:
        """Compute, audit and render the narrative of one report (the page's own, or an attachment)."""
        inputs = report_inputs(
            self.site,
            self.library,
            self.model.links(source.key),
            source,
            self.attempt(select_glossary, self.site, source) or (),
        )
        inputs.anchor_prefix = prefix  # the ids of its figures on this page (provenance.anchor)
        assessed = self.attempt(assess_report, source.report, self.site.config.rules_for(source.report.kind), inputs)
        if assessed is None:
            return None
        view, findings = assessed
        if source.report.summary and "{{" in source.report.summary:
            view = view.model_copy(
                update={"summary": self.attempt(self.evaluate_text, source, view, source.report.summary, "摘要")}
            )
        findings = findings + audit_report(source.report, view, source, self.site.config.default_unit)
        media = Media()
        names = SectionContext(**context, report=view, anchor_prefix=prefix, depth=depth).names()
        sections, placed, tokens = self.render_sections(source, view, names, prefix, depth, media)
        forms = [form for form in view.forms if not placed.form(form.project)]
        tables = [name for name, table in view.tables.items() if not placed.table(name) and table.visible]
        return Part(
            view, settle_findings(findings + media.findings, source), sections, placed, forms, tables, media, tokens
        )

    def evaluate_text(self, source: Source, view: ReportView, text: str, key: str) -> str:
        """A text field of report.yaml with its `{{ }}` expressions evaluated (摘要 shows on the home page)."""
        resolver = PageResolver(self.site, view, source.bundle.folder / REPORT_FILE, {}, self.run, set(), Media())
        line = source.report.locate(key).line
        return re.sub(r"\{\{(.*?)\}\}", lambda m: str(resolver.evaluate(m.group(1).strip(), line)), text)

    def attach(self, item: Any, target: Source, index: int, context: dict[str, Any]) -> Attachment | None:
        """Another report of the site, built here as part of this one (its own page stays too)."""
        prefix = f"a{index}-"
        part = self.assemble(target, context, prefix, 1)
        if part is None:
            return None
        body = report_body(part, body_template(self.site, target), prefix, 1)
        tree = TreeAttachment(item.title, f"att-{index}", build_tree(body, tree_setting(self.site)))
        self.attached.append(tree)
        return Attachment(
            item.title,
            f"att-{index}",
            part.view,
            part.sections,
            part.forms,
            part.placed,
            part.tables,
            prefix,
            body_template(self.site, target),
            tree.document,
        )

    def render_sections(
        self, source: Source, view: ReportView, context: dict[str, Any], prefix: str, depth: int, media: Media
    ) -> tuple[list[Section], Placed, list[list[Any]]]:
        """Render the bundle's Markdown sections; returns them, the forms and tables they placed and their tokens
        (the images they converted and the warnings about images go into `media`)."""
        used: set[str] = set()
        rendered, placed, tokens = [], Placed(), []
        for index, section in enumerate(source.sections, start=1):
            resolver = PageResolver(self.site, view, section.path, context, self.run, placed, media)
            resolver.name_values(source.report.aliases, source.report.locate("简称"))
            anchor = f"{prefix}s{index}"
            result = self.attempt(
                render_section,
                self.site.parser,
                section.body,
                section.path,
                section.first_line,
                resolver,
                used,
                anchor,
                depth,
            )
            if result is not None:
                rendered.append(Section(result.title or section.title, anchor, result.html))
                tokens.append(result.tokens)
        return rendered, placed, tokens


def build_report(
    site: SiteContext, library: Library, model: SiteModel, key: str
) -> tuple[ReportPage, dict[str, bytes]]:
    """Build one report's page, data.json and (when asked) PDF in memory."""
    return PageBuild(site, library, model).build(key)


def report_body(part: Part, template: str, prefix: str, depth: int) -> Body:
    """What the document tree reads of a report's (or an attachment's) assembled part."""
    sections = tuple((s.title, s.anchor, tokens) for s, tokens in zip(part.sections, part.tokens))
    return Body(part.view, sections, part.placed, tuple(part.forms), tuple(part.tables), template, prefix, depth)


def tree_setting(site: SiteContext) -> Setting:
    return Setting(site.config.default_unit, site.env.globals["chart_svg"])


def report_inputs(
    site: SiteContext, library: Library, links: Links, source: Source, glossary: tuple[tuple[str, str], ...]
) -> Inputs:
    """What a report's figures read besides its own data (assess.Inputs), the order of its placed tables
    and charts read from its sections before they are rendered."""

    def placed(directive: str) -> list[str]:
        return [label for section in source.sections for label in directive_labels(section.body, directive)]

    config = site.config
    return Inputs(
        config.types.get(source.report.kind),
        config.default_unit,
        library.last_year_tables(links),
        glossary,
        placed("表格"),
        placed("图"),
    )


def select_glossary(site: SiteContext, source: Source) -> tuple[tuple[str, str], ...]:
    """The 名词解释 a report selects from the theme's (and the site's) glossary."""
    report = source.report
    if not report.glossary:
        return ()
    terms = site.glossary
    if report.glossary == ["全部"]:
        return tuple(terms.items())
    unknown = [term for term in report.glossary if term not in terms]
    if unknown:
        raise SourceError(
            report.locate("名词解释"),
            f"名词解释中没有「{'、'.join(unknown)}」",
            key="名词解释",
            rule="input",
            hint=shorten_listing(did_you_mean(unknown[0], list(terms)), 300)
            + "；可在 layouts/data/名词解释.yaml 中增补，或写 [全部]。",
        )
    return tuple((term, terms[term]) for term in report.glossary)


def shorten_listing(hint: str, limit: int) -> str:
    """A hint cut to `limit` characters at the last whole name (a term such as 「购房补贴（住房公积金）」 is never
    cut inside), with 「等」 to say the list goes on."""
    if len(hint) <= limit:
        return hint
    return hint[: hint.rfind("、", 0, limit)] + "等"


def creation_date(source: Source) -> str | None:
    """The PDF's date: the report's own 日期, else SOURCE_DATE_EPOCH, else none (never 'now')."""
    if source.report.date:
        return source.report.date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def render_pdf(
    site: SiteContext, source: Source, html: str, findings: list[Finding], converted: dict[str, bytes]
) -> bytes:
    """Render the PDF (with the images converted for the page); a refused resource is an error, a missing glyph
    or a font that is a Git LFS pointer a warning."""
    where = Location(source.bundle.folder / REPORT_FILE)
    result = site.pdf.render(html, source.bundle.folder, converted)
    if result.refused:
        raise SourceError(
            where,
            f"PDF 引用了项目之外的资源，已拒绝读取: {', '.join(sorted(set(result.refused)))}",
            rule="input",
            hint="图片和字体只能放在项目目录内（报告文件夹、layouts/ 或主题中）。",
        )
    found = {f.message for f in findings if f.rule == "missing-glyph"}  # by check's scan of the sources, at a line
    for message in map(missing_glyph_message, result.missing_glyphs):
        if message not in found:
            findings.append(Finding(where, "warning", "missing-glyph", message))
    findings += [lfs_pointer_finding(path, size) for path, size in site.pdf.lfs_pointers]
    return result.data


def lfs_pointer_finding(path: Path, size: int) -> Finding:
    """A font (or an image) the print stylesheets load that is a Git LFS pointer: the PDF goes on without it."""
    problem, hint = lfs_advice(size)
    instead = "，PDF 改用了其他字体" if path.suffix.lower() in FONT_SUFFIXES else "，PDF 中没有它"
    return Finding(Location(path), "warning", "lfs-pointer", f"PDF 使用的「{path.name}」{problem}{instead}", hint)


def index_entry(key: str, year: int, view: ReportView, pdf_name: str | None) -> ReportEntry:
    """What the home page, feed and open data list for a report, as plain strings."""
    projects = [
        ProjectEntry(
            form.project,
            _text(form.rate),
            _text(form.budget_score),
            _text(form.indicator_score),
            _text(form.total),
            _text(form.grade),  # the text alone: a Grade carries its origin, every figure it was computed from
        )
        for form in view.forms
    ]
    return ReportEntry(
        view.title,
        view.unit,
        view.kind,
        view.date,
        _text(view.total),
        view.grade,
        view.summary,
        year,
        len(projects),
        projects,
        f"{key}/index.html",
        f"{key}/data.json",
        f"{key}/{pdf_name}" if pdf_name else None,
    )


def indicator_lines(view: ReportView) -> list[str]:
    """The report's indicator rows as lines of CSV text, for the site's indicators.csv (which writes the report's
    year, unit, title and type before each). Kept as text, one string a row rather than a list of nine, in the
    manifest and in memory: the site's file joins them, so a reused report's rows are neither parsed from the
    manifest nor written as CSV again on every build."""
    return [csv_lines([row]) for row in indicator_rows(view)]


def indicator_rows(view: ReportView) -> list[list[str]]:
    """Every indicator row of the report, flattened: project, levels, target, actual, points, score, met; those of
    each 自评表 and of an evaluation's 评分表 (its project left blank: the report is about one project)."""
    tables = [(form.project, form.groups) for form in view.forms]
    if view.score_sheet is not None:
        tables.append(("", view.score_sheet.levels))
    return [
        [
            project,
            group.name,
            sub.name,
            row.name,
            _text(row.target) or "",
            row.actual or "",  # an evaluator-scored row has none (a manifest row holds strings only)
            _text(row.points) or "",
            _text(row.score) or "",
            "是" if row.met else "否",
        ]
        for project, groups in tables
        for group in groups
        for sub in group.subgroups
        for row in sub.rows
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
