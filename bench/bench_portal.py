"""Benchmark: the portal pages' share of a full build (unit pages with their charts, year comparisons, their CSV).

    python bench/bench_portal.py [--reports 1000] [--keep]

Builds the synthetic site of bench_build.py (50 units × 8 years) in this process, timing the portal's work
(siteindex.portal_pages, which renders the pages, and build.portal_work, which decides which of them a build
remakes), and prints it against the whole build's time, for a full build and for a build after one report
changed; and how many portal files that second build wrote anew (a file linked from the previous output keeps
its inode).
"""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner
from common import OUT, changed_report, edit_report, finish, make_site, parse_arguments

from jixiao import build, siteindex
from jixiao.cli import main as jixiao_main

TIMED = ((siteindex, "portal_pages"), (build, "portal_work"))


def timed_build(site: Path, *flags: str) -> tuple[float, float]:
    """(whole build, portal work) in seconds."""
    spent = [0.0]
    originals = [getattr(module, name) for module, name in TIMED]

    def timed(original):
        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return call

    for (module, name), original in zip(TIMED, originals):
        setattr(module, name, timed(original))
    try:
        start = time.perf_counter()
        result = CliRunner().invoke(jixiao_main, ["build", str(site), "--no-pdf", "--no-office", "--no-search", *flags])
        assert result.exit_code == 0, result.output
        return time.perf_counter() - start, spent[0]
    finally:
        for (module, name), original in zip(TIMED, originals):
            setattr(module, name, original)


def portal_inodes(out: Path) -> dict[str, int]:
    """Every portal file (pages and CSV) by its inode."""
    files = [*out.glob("units/**/*.html"), *out.glob("*/units.html"), *out.glob("data/units/*.csv")]
    files += [p for p in out.glob("data/*.csv") if p.stem.isdigit()]
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in files}


def main() -> None:
    args = parse_arguments(__doc__, reports=1000)
    site = make_site(OUT / f"site-{args.reports}", args.reports)
    print(f"{args.reports} reports (50 units × 8 years), --no-pdf --no-search")
    whole, portal = timed_build(site, "--clean")
    print(f"  full build:         {whole:.2f} s, portal pages {portal:.2f} s ({portal / whole:.1%})")
    before = portal_inodes(site / "site")
    edit_report(changed_report(site), 1)
    whole, portal = timed_build(site)
    after = portal_inodes(site / "site")
    written = sorted(name for name in after if before.get(name) != after[name])
    print(f"  one report changed: {whole:.2f} s, portal pages {portal:.2f} s ({portal / whole:.1%})")
    print(f"  portal files written anew: {len(written)} of {len(after)}: {', '.join(written)}")
    finish(args)


if __name__ == "__main__":
    main()
