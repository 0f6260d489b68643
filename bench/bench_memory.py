"""Benchmark: peak memory and CPU time of a full HTML build as the number of reports grows.

    python bench/bench_memory.py [--sizes 200,1000,2000] [--runs 1] [--keep]

For each size, a full build (--no-pdf --no-search --clean) with one process (-j 1) and with two workers
(-j 2), each in a fresh process. Peak RSS is that of the largest process (the parent or a worker), which
is what must stay flat in the number of reports: issue 22's targets are 300 MiB at -j 2 and 400 MiB at -j 1.
"""

from __future__ import annotations

import argparse

from common import JIXIAO, OUT, describe, finish, make_site, repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,2000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for reports in map(int, args.sizes.split(",")):
        site = make_site(OUT / f"memory-{reports}", reports)
        for jobs in ("1", "2"):
            build = [*JIXIAO, "build", str(site), "--no-pdf", "--no-office", "--no-search", "--clean", "-j", jobs]
            print(f"{reports:5d} reports, -j {jobs}: {describe(repeat(args.runs, build))}", flush=True)
    finish(args)


if __name__ == "__main__":
    main()
