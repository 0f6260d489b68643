"""Where a full build spends its time: a cProfile of one process building a synthetic site.

    python bench/profile_build.py [--reports 200] [--top 25]

Builds `--reports` reports (--no-pdf --no-search --clean -j 1, so everything runs in this process
and is seen by the profiler), then prints the functions with the most cumulative time in jixiao's
own modules and templates, and the most time spent in any function itself. Profiling slows the
build about twofold; the shares are what matter.
"""

from __future__ import annotations

import cProfile
import pstats

from click.testing import CliRunner
from common import OUT, finish, make_site, parse_arguments

from jixiao.cli import main as jixiao


def main() -> None:
    args = parse_arguments(__doc__, reports=200, top=25)
    site = make_site(OUT / f"profile-{args.reports}", args.reports)
    profile = cProfile.Profile()
    profile.enable()
    result = CliRunner().invoke(
        jixiao, ["build", str(site), "--no-pdf", "--no-office", "--no-search", "--clean", "-j", "1"]
    )
    profile.disable()
    assert result.exit_code == 0, result.output
    stats = pstats.Stats(profile)
    print(f"== cumulative, jixiao's modules and templates ({args.reports} reports) ==")
    stats.sort_stats("cumulative").print_stats(r"jixiao/|themes/", args.top)
    print("== own time, any function ==")
    stats.sort_stats("tottime").print_stats(args.top)
    finish(args)


if __name__ == "__main__":
    main()
