"""Benchmark: the portal pages' share of a full build (unit pages, year comparisons and their CSV).

    python bench/bench_portal.py [--reports 1000] [--keep]

Builds the synthetic site of bench_build.py (50 units × 8 years) in this process, timing the calls of
siteindex.portal_pages (every portal page is remade from the reports' summaries on each build), and prints
their time against the whole build's, for a full build and for a build after one report changed.
"""

from __future__ import annotations

import time

from click.testing import CliRunner
from common import OUT, changed_report, edit_report, finish, make_site, parse_arguments

from jixiao import siteindex
from jixiao.cli import main as jixiao_main


def timed_build(site, *flags: str) -> tuple[float, float]:
    """(whole build, portal pages) in seconds."""
    spent = [0.0]
    original = siteindex.portal_pages

    def portal_pages(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    siteindex.portal_pages = portal_pages
    try:
        start = time.perf_counter()
        result = CliRunner().invoke(jixiao_main, ["build", str(site), "--no-pdf", "--no-office", "--no-search", *flags])
        assert result.exit_code == 0, result.output
        return time.perf_counter() - start, spent[0]
    finally:
        siteindex.portal_pages = original


def main() -> None:
    args = parse_arguments(__doc__, reports=1000)
    site = make_site(OUT / f"site-{args.reports}", args.reports)
    print(f"{args.reports} reports (50 units × 8 years), --no-pdf --no-search")
    whole, portal = timed_build(site, "--clean")
    print(f"  full build:         {whole:.2f} s, portal pages {portal:.2f} s ({portal / whole:.1%})")
    edit_report(changed_report(site), 1)
    whole, portal = timed_build(site)
    print(f"  one report changed: {whole:.2f} s, portal pages {portal:.2f} s ({portal / whole:.1%})")
    finish(args)


if __name__ == "__main__":
    main()
