"""Stage: a build stopped by a signal leaves nothing behind — no staging folder, no worker process — and the previous
site as it was. Signals need real processes, so these run `python -m jixiao` and look at /proc. Marked slow."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_demo, run_jixiao, tree_digest

pytestmark = pytest.mark.slow


def processes_using(project: Path) -> list[int]:
    """Live processes whose command line names the project: the build and the workers it forked (they share its
    command line). A zombie has an empty command line and does not count."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if str(project).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # the process ended meanwhile
    return found


def wait_until(condition, what: str) -> None:
    """Poll until `condition()` holds; a generous bound only keeps a broken build from hanging the suite."""
    deadline = time.monotonic() + 120
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def staging_folders(project: Path) -> list[str]:
    """The folders a build writes into or sets aside while it runs (`.site.tmp-*`, `.site.old-*`), not `.site.spare`:
    the output an incremental build replaced, kept as the next build's staging folder (test_recycled_output.py)."""
    return sorted(p.name for p in project.glob(".site.*") if p.name != ".site.spare")


def rendering_pdfs(project: Path) -> bool:
    """The workers are in the middle of the PDFs: one is written into the staging folder, more are under way."""
    return len(processes_using(project)) >= 3 and any(project.glob(".site.tmp-*/*/*/*.pdf"))


def start_pdf_build(project: Path, tmp_path: Path) -> subprocess.Popen:
    """A build of several reports with PDFs (a pool of two workers), its output logged to a file."""
    log = (tmp_path / "build.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "jixiao", "build", str(project), "-j", "2"], stdout=log, stderr=log)


@pytest.fixture
def site_of_five(project: Path) -> Path:
    """The fixture project with five reports, built once without PDFs: the previous site."""
    for index in range(4):
        copy_demo(project, f"demo-{index}")
    assert run_jixiao("build", project, "--no-pdf").returncode == 0
    return project


def test_sigterm_stops_a_build_and_its_workers_and_keeps_the_previous_site(site_of_five, tmp_path):
    project = site_of_five
    before = tree_digest(project / "site")
    build = start_pdf_build(project, tmp_path)
    wait_until(lambda: rendering_pdfs(project), "two workers rendering PDFs")
    build.send_signal(signal.SIGTERM)
    assert build.wait(timeout=120) == 128 + signal.SIGTERM
    assert processes_using(project) == []  # the pool was torn down before the build exited
    assert staging_folders(project) == []
    assert tree_digest(project / "site") == before


def test_sigkill_takes_the_workers_along_and_the_next_build_removes_the_staging_folder(site_of_five, tmp_path):
    project = site_of_five
    build = start_pdf_build(project, tmp_path)
    wait_until(lambda: rendering_pdfs(project), "two workers rendering PDFs")
    build.kill()
    build.wait(timeout=60)
    (staging,) = project.glob(".site.tmp-*")  # a killed build cannot clean up after itself …
    written = tree_digest(staging)
    wait_until(lambda: processes_using(project) == [], "the workers exiting with their parent")
    assert tree_digest(staging) == written  # … and its workers died with it (PR_SET_PDEATHSIG): no PDF came later
    assert run_jixiao("build", project, "--no-pdf").returncode == 0
    assert staging_folders(project) == []  # the next build removes the staging folder
