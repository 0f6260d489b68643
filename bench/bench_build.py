"""Benchmark: full, unchanged and incremental builds of a synthetic site, time and peak memory.

    python bench/bench_build.py [--reports 1000] [--runs 3] [--keep]

The full HTML build (--clean), with and without the search index; a build with nothing changed; a
build with one report changed (with and without search: pagefind re-indexes only that report's
year). Each build runs in a fresh process; figures are medians of `--runs`.
"""

from __future__ import annotations

from common import JIXIAO, OUT, changed_report, describe, edit_report, finish, make_site, parse_arguments, repeat


def main() -> None:
    args = parse_arguments(__doc__, reports=1000)
    site = make_site(OUT / f"site-{args.reports}", args.reports)
    build = [*JIXIAO, "build", str(site), "--no-pdf", "--no-office"]
    edits = iter(range(1, 10 * args.runs + 1))

    def runs(*flags: str, edit: bool = False):
        return repeat(
            args.runs, [*build, *flags], (lambda _: edit_report(changed_report(site), next(edits))) if edit else None
        )

    print(f"{args.reports} reports (六安 and 泸州 自评表 copies), medians of {args.runs} runs")
    full = runs("--clean", "--no-search")
    print(f"  full HTML build, --no-search:        {describe(full)}, {full.wall / args.reports * 1000:.1f} ms/report")
    print(f"  full HTML build with search:         {describe(runs('--clean'))}")
    print(f"  nothing changed:                     {describe(runs())}")
    print(f"  one report changed:                  {describe(runs(edit=True))}")
    print(f"  one report changed, --no-search:     {describe(runs('--no-search', edit=True))}")
    finish(args)


if __name__ == "__main__":
    main()
