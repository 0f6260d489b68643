"""The site context: config, templates, Markdown parser and PDF renderer, set up once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .cache import CACHE_DIR
from .charts import render_chart
from .config import SiteConfig, load_config
from .errors import Location, SourceError
from .markdown import create_parser
from .render import create_environment, theme_dirs
from .yamlsource import read_yaml

if TYPE_CHECKING:  # WeasyPrint takes a second to import; HTML-only builds never load it
    from .pdf import PdfRenderer

CONTENT_DIR = "content"


@dataclass
class SiteContext:
    """What every report needs besides its own bundle: config, rules, templates, parser, PDF renderer."""

    project: Path
    config: SiteConfig
    env: jinja2.Environment
    search_path: list[Path]
    parser: Any
    with_pdf: bool = False
    pdf_links: bool = False  # link each page to its PDF (also when PDFs are made on demand, as in serve)
    _pdf: PdfRenderer | None = None

    @property
    def pdf(self) -> PdfRenderer:
        """Created on first use, once per process: WeasyPrint's font setup is the slow part."""
        if self._pdf is None:
            from .pdf import PdfRenderer

            sheets = [p for p in (find_asset(self.search_path, "fonts.css"), find_asset(self.search_path, "print.css"))
                      if p is not None]
            self._pdf = PdfRenderer([self.project, *self.search_path], sheets,
                                    f":root {{ --body-size: {self.config.pdf.body_size}; }}",
                                    self.config.pdf.variant)
        return self._pdf

    @functools.cached_property
    def glossary(self) -> dict[str, str]:
        """名词解释 terms: the theme's data/名词解释.yaml, overridden term by term by the site's."""
        terms: dict[str, str] = {}
        for layer in reversed(self.search_path):
            path = layer / "data" / "名词解释.yaml"
            if path.is_file():
                data = read_yaml(path) or {}
                terms.update({str(k): str(v) for k, v in data.items()})
        return terms

    @property
    def site_view(self) -> dict[str, Any]:
        return {"站点名称": self.config.title, "base_url": self.config.base_url, "站点网址": self.config.site_url}

    def root(self, depth: int) -> str:
        """Prefix of site-wide links from a page `depth` folders deep: relative, or base_url when set,
        so the site works both from any folder and under its configured sub-path."""
        if self.config.base_url != "/":
            return self.config.base_url
        return "../" * depth


def find_asset(search_path: list[Path], name: str) -> Path | None:
    """The first `assets/<name>` along the search path (project layouts win over the theme)."""
    return next((layer / "assets" / name for layer in search_path if (layer / "assets" / name).is_file()), None)


def open_site(project: Path, with_pdf: bool = False, pdf_links: bool | None = None) -> SiteContext:
    """Read site.yaml and set up templates and the Markdown parser once per build."""
    project = project.resolve()
    content = project / CONTENT_DIR
    if not content.is_dir():
        raise SourceError(Location(content), "找不到 content/ 目录",
                          hint="在项目目录下运行，或用 `jixiao new site DIR` 创建项目。")
    config = load_config(content)
    search_path = theme_dirs(project, config.theme, config.locate("主题"))
    env = create_environment(search_path)
    env.globals["chart_svg"] = lambda table, prefix="": render_chart(table["图"], table, project / CACHE_DIR, prefix)
    return SiteContext(project, config, env, search_path, create_parser(), with_pdf,
                       with_pdf if pdf_links is None else pdf_links)


