"""What importing jixiao costs (issue 22): the input models (Located) and the views (View) are built on first use
(pydantic's defer_build), so an import, `--help` or a build whose reports are all unchanged builds none of the
report's; a build that forks workers builds them once in the parent; what they accept and print is unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_demo

# Prints the names of the input models and views whose validators are built, after the code given first.
BUILT = """
from jixiao.located import Located
from jixiao.view import View
pending, built = [Located, View], []
while pending:
    model = pending.pop()
    pending.extend(model.__subclasses__())
    built += [model.__name__] if model.__pydantic_complete__ else []
print(sorted(built))
"""


def built_after(code: str, *args: str) -> list[str]:
    """The models built once `code` ran in a fresh interpreter (its last line of output)."""
    result = subprocess.run([sys.executable, "-c", code + BUILT, *args], capture_output=True, text=True, check=True)
    return eval(result.stdout.splitlines()[-1])  # noqa: S307 — a list of names this test printed


def test_importing_the_build_builds_no_model_or_view():
    assert built_after("import jixiao.build, jixiao.cli, jixiao.preview") == []


def test_help_does_not_import_pydantic_or_the_models():
    code = (
        "import sys; from jixiao.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'jixiao.model', 'jixiao.view'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_an_unchanged_build_builds_no_report_model(project: Path):
    build = (
        "import sys; from jixiao.build import build_site\n"
        "print(build_site(__import__('pathlib').Path(sys.argv[1]), search=False).rebuilt)\n"
    )
    assert {"Report", "ReportView", "SiteConfig"} <= set(built_after(build, str(project)))  # parsed and rendered
    assert built_after(build, str(project)) == ["PdfConfig", "ScoringConfig", "SiteConfig", "TypeSpec"]  # site.yaml


def test_workers_fork_with_every_model_built(project: Path):
    """Each forked worker would otherwise build the models it parses and renders with again."""
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
        [sys.executable, "-c", f"BUILT = {BUILT!r}\n" + spy, str(project)], capture_output=True, text=True
    )
    built = eval(result.stdout.splitlines()[0])  # noqa: S307 — printed by the spy as the workers start
    assert {"Report", "ReportHead", "ReportView", "FormView", "IndicatorView"} <= set(built)
