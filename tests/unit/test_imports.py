"""What importing jixiao costs (issue 22): the input models (Located) and the views (View) are built on first use
(pydantic's defer_build), so an import, `--help` or a build whose reports are all unchanged builds none of the
report's; the render (page.py with the audit, the directives and markdown-it) is imported when a report is first
rendered, Pillow when an image is read (test_startup); a build that forks workers builds and imports both once in the
parent; what they accept and print is unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_demo

# Prints the names of the input models and views whose validators are built, after the code given first.
BUILT = """
import sys
from jixiao.located import Located
from jixiao.view import View
pending, built = [Located, View], []
while pending:
    model = pending.pop()
    pending.extend(model.__subclasses__())
    built += [model.__name__] if model.__pydantic_complete__ else []
print(sorted(built))
print(sorted(m for m in RENDER if m in sys.modules))
"""
RENDER = ("jixiao.page", "jixiao.audit", "jixiao.directives", "jixiao.document.report", "markdown_it")


def built_after(code: str, *args: str) -> tuple[list[str], list[str]]:
    """The models built and the modules of the render imported once `code` ran in a fresh interpreter."""
    script = f"RENDER = {RENDER!r}\n{code}{BUILT}"
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    built, imported = result.stdout.splitlines()[-2:]
    return eval(built), eval(imported)  # noqa: S307 — lists of names this test printed


def test_importing_the_build_builds_no_model_or_view_and_imports_no_render():
    assert built_after("import jixiao.build, jixiao.cli") == ([], [])


def test_help_does_not_import_pydantic_or_the_models():
    code = (
        "import sys; from jixiao.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'jixiao.model', 'jixiao.view'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_an_unchanged_build_builds_no_report_model_and_imports_no_render(project: Path):
    build = (
        "import sys; from jixiao.build import build_site\n"
        "print(build_site(__import__('pathlib').Path(sys.argv[1]), search=False).rebuilt)\n"
    )
    built, imported = built_after(build, str(project))  # parsed and rendered
    assert {"Report", "ReportView", "SiteConfig"} <= set(built) and imported == sorted(RENDER)
    site_yaml = ["PdfConfig", "ScoringConfig", "SiteConfig", "TypeSpec"]
    assert built_after(build, str(project)) == (site_yaml, [])  # nothing parsed or rendered


def test_workers_fork_with_every_model_built_and_the_render_imported(project: Path):
    """Each forked worker would otherwise build the models it parses and renders with, and import the render."""
    spy = (
        "import sys, pathlib, jixiao.workers as w\n"
        "from jixiao.build import build_site\n"
        "started = w.started_workers\n"
        "def spy(shares, handle):\n"
        "    exec(BUILT)\n"
        "    return started(shares, handle)\n"
        "w.started_workers, w.PARALLEL_THRESHOLD = spy, 1\n"
        "build_site(pathlib.Path(sys.argv[1]), search=False, jobs=2)\n"
        "sys.exit()\n"
    )
    copy_demo(project, "other")  # two reports, and workers forked from the first (PARALLEL_THRESHOLD = 1)
    result = subprocess.run(
        [sys.executable, "-c", f"RENDER = {RENDER!r}\nBUILT = {BUILT!r}\n" + spy, str(project)],
        capture_output=True,
        text=True,
    )
    built, imported = map(eval, result.stdout.splitlines()[:2])  # printed by the spy as the workers start
    assert {"Report", "ReportHead", "ReportView", "FormView", "IndicatorView"} <= set(built)
    assert imported == sorted(RENDER)


def test_a_worker_imports_nothing_of_jixiao_once_forked(project: Path):
    """The parts' computations and layouts, imported on first use, are imported before the fork as the render is:
    each worker imported the same 14 modules again."""
    spy = (
        "import os, sys, pathlib, jixiao.workers as w\n"
        "from jixiao.build import build_site\n"
        "serve = w._serve\n"
        "def spy(connection, handle):\n"
        "    before = set(sys.modules)\n"
        "    try:\n"
        "        serve(connection, handle)\n"
        "    finally:\n"
        "        new = sorted(m for m in set(sys.modules) - before if m.startswith('jixiao'))\n"
        "        os.write(1, f'{new}\\n'.encode())  # one write: print's text and newline could interleave\n"
        "w._serve, w.PARALLEL_THRESHOLD = spy, 1\n"
        "build_site(pathlib.Path(sys.argv[1]), search=False, jobs=2)\n"
    )
    copy_demo(project, "other")  # two reports, two workers
    result = subprocess.run([sys.executable, "-c", spy, str(project)], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "[]"]
