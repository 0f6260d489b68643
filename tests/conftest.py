"""Shared fixtures: a copy of a fixture project in a temp dir, a CLI runner, and — for the slow PDF, layout
and browser tests — the repository's site built once per session, served over HTTP, and one Chromium."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
# The flags this workplace's closed network needs (no background requests, no sandbox as root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser):
    parser.addoption(
        "--bless",
        action="store_true",
        help="write what the commands print now into the golden cases (tests/golden/) instead of "
        "comparing; review the diff before committing it",
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/minimal."""
    target = tmp_path / "proj"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


@pytest.fixture
def cli():
    """Run `jixiao ARGS` in-process; returns click's Result (exit_code, output, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def copy_demo(project: Path, slug: str) -> Path:
    """Another bundle in the fixture project, a copy of content/2024/demo under a new slug."""
    return Path(shutil.copytree(project / "content/2024/demo", project / "content/2024" / slug))


_WHY_RE = re.compile(r'<button type="button" class="why-open"[^>]*></button>|<span class="why" ')
_FIG_RE = re.compile(r'<span class="fig" id="[^"]*">(.*?)</span>')


def without_explanations(page: str) -> str:
    """A page as it read before figures could explain themselves (jixiao.explain): no button, no popover, no span
    around a figure — for tests of the markup around figures, which the explanations do not change."""
    out, index = [], 0
    for match in _WHY_RE.finditer(page):
        if match.start() < index:
            continue
        out.append(page[index : match.start()])
        index = match.end()
        if match.group(0).startswith("<span"):  # the popover: up to its matching </span>
            depth = 1
            while depth:
                opened, closed = page.find("<span", index), page.find("</span>", index)
                if opened != -1 and opened < closed:
                    depth, index = depth + 1, opened + 5
                else:
                    depth, index = depth - 1, closed + len("</span>")
    out.append(page[index:])
    return _FIG_RE.sub(r"\1", "".join(out))


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under `folder` as it lies on disk: a file by its bytes, a symlink by its target, anything else (a
    FIFO) by its kind. Nothing is followed or opened that could leave the folder or block."""
    found = {}
    for parent, folders, files in os.walk(folder):
        for name in files + [f for f in folders if Path(parent, f).is_symlink()]:
            path = Path(parent, name)
            mode = path.lstat().st_mode
            found[path.relative_to(folder).as_posix()] = (
                "link " + os.readlink(path)
                if stat.S_ISLNK(mode)
                else hashlib.sha256(path.read_bytes()).hexdigest()
                if stat.S_ISREG(mode)
                else stat.filemode(mode)
            )
    return found


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` of a file by `new`; `old` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def composite(tmp_path: Path) -> Path:
    """The repository's reports (附件, neighbours) and a second unit's two years (上年)."""
    project = tmp_path / "site-project"
    shutil.copytree(REPO / "content", project / "content")
    for year in ("2022", "2023"):
        shutil.copytree(FIXTURES / "two-years/content" / year / "juesuan", project / "content" / year / "shili-juesuan")
    return project


def run_jixiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess, to see exactly what a user sees."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def assess_in_site(project: Path, key: str):
    """The assessed view and findings of one report of a project, with what the site model resolves for it
    (last year's tables, the 名词解释 it selects)."""
    from jixiao.assess import assess_report
    from jixiao.library import read_site
    from jixiao.page import report_inputs, select_glossary
    from jixiao.site import open_site

    site = open_site(project)
    library = read_site(site)
    source = library.source(key)
    assert source is not None, library.errors()
    inputs = report_inputs(site, library, library.model().links(key), source, select_glossary(site, source))
    return assess_report(source.report, site.config.rules_for(source.report.kind), inputs)


def form_figures(form, index: int, default_unit: str) -> list:
    """Every figure of a form prose may name, all made at once: what the audit's lazy `FormIndex` must answer as."""
    from jixiao.audit import form_groups, group_figures

    return [figure for group in form_groups(form, index, default_unit) for figure in group_figures(group)]


def every_figure(value):
    """The traced figures under a view (views, lists, mappings) by a walk that enters every view however often it
    is held, depth first (the order data.json's 来源 meets them), for comparing with what jixiao finds faster."""
    from decimal import Decimal

    from jixiao.view import View

    if isinstance(value, (Decimal, str)):
        return [value] if getattr(value, "origin", None) is not None else []
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, View):
        items = list(value.__dict__.values())
    else:
        return []
    return [figure for item in reversed(items) for figure in every_figure(item)]


class PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder under a URL prefix (as a center's web server would serve /gjj/xxgk/)."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__missing__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, *args) -> None:
        pass


def serve(folder: Path, prefix: str = "/"):
    handler = type("Handler", (PrefixHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's content built once, with PDFs, for every slow test that only reads it."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = CliRunner().invoke(main, ["build", str(REPO), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def portal_site(tmp_path_factory) -> Path:
    """The portal fixture (tests/fixtures/portal: three units over three years) built once, without PDFs or
    search, for the portal's page, data and browser tests: its site folder."""
    project = tmp_path_factory.mktemp("portal") / "p"
    shutil.copytree(FIXTURES / "portal", project)
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "site"


@pytest.fixture(scope="session")
def served_site(built_site):
    """`built_site` over HTTP: (folder, base URL)."""
    server, url = serve(built_site)
    yield built_site, url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def report_trees(keys: list[str]) -> dict:
    """Repository reports built in memory: each key's page (bytes) and document tree (jixiao.document.report), the
    tree as the build hands it to the office writers (caught at the Word writer's place in document.OFFICE)."""
    return {key: (files[f"{key}/index.html"], report.tree) for key, (files, report) in report_outputs(keys).items()}


def report_outputs(keys: list[str]) -> dict:
    """Repository reports built in memory: each key's files (page, data.json …, by their path) and what the office
    writers receive (document.OfficeReport: its computed view and document tree)."""
    from jixiao.document import OFFICE
    from jixiao.errors import ErrorGroup
    from jixiao.library import read_site
    from jixiao.page import build_report
    from jixiao.site import open_site

    site = open_site(REPO)
    library = read_site(site)
    reports: list = []
    original = OFFICE["docx"]
    OFFICE["docx"] = lambda report: reports.append(report) or b""
    try:
        built = {}
        for key in keys:
            try:
                files = build_report(site, library, library.model(), key)[1]
            except ErrorGroup as group:  # say which: a page over the template time limit on a busy machine …
                raise AssertionError("\n".join(error.format(REPO) for error in group.errors)) from None
            built[key] = (files, reports[-1])
    finally:
        OFFICE["docx"] = original
    return built


_XHTML = "{http://www.w3.org/1999/xhtml}"
# what the page prints besides the report: the explanations of figures (a button and a popover), the links to
# a table's CSV, a chart's drawing (the tree keeps its SVG and data; its caption is text of both)
_LEFT_OUT = {"button", "svg"}


def page_text(page: bytes) -> str:
    """The text of the page's article, less the 核对提示 (screen only, not the report's), the explanations, the
    CSV links and the charts' drawings."""
    import tinyhtml5  # WeasyPrint's HTML parser

    root = tinyhtml5.parse(page.decode("utf-8"))
    article = next(e for e in root.iter(f"{_XHTML}article") if "report" in (e.get("class") or "").split())
    return "".join(element_text(child) for child in article if (child.get("class") or "") != "findings")


def element_text(element) -> str:
    """An element's text as a reader sees it: a list item with its number (or bullet) in front."""
    tag = element.tag.removeprefix(_XHTML).split("}")[-1]
    classes = (element.get("class") or "").split()
    skipped = tag in _LEFT_OUT or element.get("popover") is not None or "downloads" in classes
    inner = "" if skipped else (element.text or "") + "".join(element_text(child) for child in element)
    if tag in ("ol", "ul"):
        items = [child for child in element if child.tag == f"{_XHTML}li"]
        start = int(element.get("start") or 1)
        for index, item in enumerate(items, start):
            item.text = (f"{index}. " if tag == "ol" else "• ") + (item.text or "")
        inner = (element.text or "") + "".join(element_text(child) for child in element)
    return inner + (element.tail or "")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def load_manual_hook():
    """docs/hooks/reference.py, the MkDocs hook that writes the reference pages and finds the manual's complete
    examples (`find_examples`, `place_examples`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_reference_hook", REPO / "docs/hooks/reference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def built_manual_example(page: str, number: int, root: Path) -> Path:
    """Build the `number`th complete example of the manual's `page` (docs/<page>) as the only report of a new site at
    `root`; returns its report page (index.html)."""
    hook = load_manual_hook()
    example = [e for e in hook.find_examples() if e.where.startswith(f"{page}:")][number]
    runner = CliRunner()
    assert runner.invoke(main, ["new", "site", str(root)]).exit_code == 0
    (bundle,) = hook.place_examples([example], root)
    result = runner.invoke(main, ["build", str(root), "--no-pdf", "--no-search", "--no-office"])
    assert result.exit_code == 0, result.output
    return root / "site" / bundle.relative_to(root / "content") / "index.html"
