"""The site context: config, read policy, templates, Markdown parser and PDF renderer, set up once
per process (worker processes inherit it)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import CACHE_DIR
from .charts import render_chart
from .config import SiteConfig, load_config
from .contexts import SiteInfo
from .document.html import install_writer
from .errors import Location, SourceError
from .glyphs import GlyphCoverage
from .listing import install_listing_writers
from .parts.data_table.files import csv_path
from .parts.registry import lay_out
from .paths import ProjectFiles
from .render import BUILTIN_THEMES, Expressions, SiteEnvironment, create_environment, theme_dirs
from .yamlsource import SourceMap, parse_yaml

if TYPE_CHECKING:  # WeasyPrint takes a second to import; HTML-only builds never load it
    from .pdf import PdfRenderer

CONTENT_DIR = "content"
GLOSSARY = Path("data") / "名词解释.yaml"


@dataclass
class SiteContext:
    """What every report needs besides its own bundle: config, rules, templates, parser, PDF renderer."""

    files: ProjectFiles
    config: SiteConfig
    env: SiteEnvironment
    search_path: list[Path]
    with_pdf: bool = False
    pdf_links: bool = False  # link each page to its PDF (also when PDFs are made on demand, as in serve)
    office: tuple[str, ...] = ()  # the office documents each page links (site.yaml's 办公文档, unless --no-office)
    write_office: bool = True  # written beside each page (the preview makes them when asked for, as its PDFs)
    expressions: Expressions = field(init=False)
    _pdf: PdfRenderer | None = None

    def __post_init__(self) -> None:
        self.expressions = Expressions(self.env)

    @functools.cached_property
    def parser(self) -> Any:
        """The Markdown parser, made when the first report renders: markdown-it is not imported by a build whose
        reports are all unchanged. (Workers fork after page.py imported it and make their own, in a millisecond.)"""
        from .markdown import create_parser

        return create_parser()

    @property
    def project(self) -> Path:
        return self.files.project

    @property
    def content(self) -> Path:
        return self.project / CONTENT_DIR

    @property
    def pdf(self) -> PdfRenderer:
        """Created on first use, once per process: WeasyPrint's font setup is the slow part."""
        if self._pdf is None:
            from .pdf import PdfRenderer

            self._pdf = PdfRenderer(
                self.files,
                self.pdf_stylesheets,
                f":root {{ --body-size: {self.config.pdf.body_size}; }}",
                self.config.pdf.variant,
            )
        return self._pdf

    @property
    def pdf_stylesheets(self) -> list[Path]:
        """The PDF's stylesheets: the fonts (the project's @font-face) and the print layout with its font stacks."""
        return [
            p
            for p in (find_asset(self.search_path, "fonts.css"), find_asset(self.search_path, "print.css"))
            if p is not None
        ]

    @functools.cached_property
    def glyphs(self) -> GlyphCoverage:
        """What the fonts of the PDF can draw, read once per process and only as far as a report needs."""
        return GlyphCoverage(self.files, self.pdf_stylesheets)

    @functools.cached_property
    def glossary(self) -> dict[str, str]:
        """名词解释 terms: the theme's data/名词解释.yaml, overridden term by term by the site's."""
        terms: dict[str, str] = {}
        for path in self.glossary_files:
            data = parse_yaml(self.files.read_text(path), path)
            if data is None:
                continue
            if not isinstance(data, SourceMap) or not all(isinstance(v, str) for v in data.values()):
                where = data.locate() if hasattr(data, "locate") else Location(path, 1)
                raise SourceError(
                    where,
                    "名词解释.yaml 应为「名词: 解释」的映射，每个解释是一段文字",
                    rule="schema",
                    hint="每行写成 基本支出: 指…；不要写成列表（- 开头）。",
                )
            terms.update(data)
        return terms

    @property
    def glossary_files(self) -> list[Path]:
        """The glossary layers, most generic first (the site's own file wins term by term)."""
        return [layer / GLOSSARY for layer in reversed(self.search_path) if (layer / GLOSSARY).is_file()]

    @functools.cached_property
    def site_view(self) -> SiteInfo:
        """What templates read of the site as `site`."""
        return SiteInfo(self.config.title, self.config.base_url, self.config.site_url, self.config.default_unit)

    def root(self, depth: int) -> str:
        """Prefix of site-wide links from a page `depth` folders deep: relative, or base_url when set,
        so the site works both from any folder and under its configured sub-path."""
        if self.config.base_url != "/":
            return self.config.base_url
        return "../" * depth


def find_asset(search_path: list[Path], name: str) -> Path | None:
    """The first `assets/<name>` along the search path (project layouts win over the theme)."""
    return next((layer / "assets" / name for layer in search_path if (layer / "assets" / name).is_file()), None)


def open_site(
    project: Path, with_pdf: bool = False, pdf_links: bool | None = None, office: bool = True, write_office: bool = True
) -> SiteContext:
    """Read site.yaml and set up templates and the Markdown parser once per build. `office`: the pages link the
    office documents site.yaml asks for; `write_office`: the build writes them too."""
    files = ProjectFiles.open(project, (BUILTIN_THEMES,))
    content = files.project / CONTENT_DIR
    if not content.is_dir():
        raise SourceError(
            Location(content), "找不到 content/ 目录", hint="在项目目录下运行，或用 `jixiao new site DIR` 创建项目。"
        )
    config = load_config(files, content)
    search_path = theme_dirs(files.project, config.theme, config.locate("主题"))
    env = create_environment(search_path, files)
    install_writer(env)
    install_listing_writers(env)
    env.globals["lay_out"] = lay_out
    env.globals["table_csv"] = csv_path
    env.globals["chart_svg"] = lambda table, prefix="": render_chart(table, files.project / CACHE_DIR, prefix)
    return SiteContext(
        files,
        config,
        env,
        search_path,
        with_pdf,
        with_pdf if pdf_links is None else pdf_links,
        office_formats(config.office) if office else (),
        write_office,
    )


def office_formats(asked: tuple[str, ...]) -> tuple[str, ...]:
    """The office documents site.yaml asks for that this jixiao writes (document.OFFICE), each once, in its order."""
    from .document import OFFICE

    return tuple(kind for kind in OFFICE if kind in asked)
