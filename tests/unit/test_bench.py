"""The benchmarks (bench/, issue 22) measure what they say: each script still runs against the package as it is now
(bench_pdf.py had imported a function that had moved, and stopped at its import for several waves), and the Hugo
site bench/compare_hugo.py measures jixiao against holds what jixiao's page prints: the ratio of the two builds' CPU
is fair only on the same content, and a converter that wrote a few columns of each form left out two thirds of a
泸州 report's text."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parents[2] / "bench"
# An author's acknowledgement of a finding: the report's page does not print it, so Hugo's need not either.
UNPRINTED = {"核对说明"}


SCRIPTS = sorted(path.name for path in BENCH.glob("*.py") if path.name != "common.py")


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_starts(script):
    # --help runs every import of the script (the package's functions it calls, the other scripts it uses)
    result = subprocess.run(
        [sys.executable, script, "--help"], cwd=BENCH, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: "), result.stdout


@pytest.fixture(scope="module")
def compare_hugo():
    """bench/compare_hugo.py as a module; bench/common.py, which it imports, makes its process write bytecode (as a
    user's would), so the test session's setting is put back."""
    saved = os.environ.get("PYTHONDONTWRITEBYTECODE"), sys.dont_write_bytecode
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("compare_hugo")
    finally:
        sys.path.remove(str(BENCH))
        if saved[0] is not None:
            os.environ["PYTHONDONTWRITEBYTECODE"] = saved[0]
        sys.dont_write_bytecode = saved[1]


def printed_values(value: object, unprinted: set[str], path: str = "") -> Iterator[tuple[str, str]]:
    """Every scalar of a report.yaml with its path, as a Markdown cell writes it, but those under `unprinted` keys."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in unprinted:
                yield from printed_values(item, unprinted, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from printed_values(item, unprinted, f"{path}[{index}]")
    elif value is not None:
        yield path, str(value).replace("|", "/").replace("\n", " ")


def test_each_hugo_page_holds_every_value_of_its_report(compare_hugo, tmp_path):
    site = compare_hugo.make_site(tmp_path / "jixiao", 2)  # one 六安 report (2 forms), one 泸州 (7 forms)
    hugo = compare_hugo.make_hugo_site(site, tmp_path / "hugo")
    bundles = sorted(site.glob("content/*/report-*"))
    assert len(bundles) == 2
    for bundle in bundles:
        page = (hugo / "content" / bundle.parent.name / f"{bundle.name}.md").read_text(encoding="utf-8")
        data = yaml.safe_load((bundle / "report.yaml").read_text(encoding="utf-8"))
        values = list(printed_values(data, UNPRINTED))
        missing = [path for path, text in values if text not in page]
        assert missing == [], f"{bundle.name}: {len(missing)} of {len(values)} values not on the Hugo page"
        # the long texts the earlier converter left out, by name
        assert data["自评表"][0]["年度总体目标"]["实际完成情况"] in page
