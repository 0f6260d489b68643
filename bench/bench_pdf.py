"""Benchmark: PDF time per report and per page, file sizes, and the parallel speed-up of a PDF build.

    python bench/bench_pdf.py [--reports 20] [--runs 3]

1. Which font subsetter WeasyPrint uses here (HarfBuzz's, in C, is the fast path `make` installs).
2. In one process, after start-up (fonts loaded by a first render), each repository report's HTML +
   PDF again: seconds, pages, milliseconds per page and file size.
3. A synthetic site of `--reports` reports built with PDFs on one core (-j 1) and on all cores: wall
   time, the speed-up, and the peak RSS of the largest process. Medians of `--runs`.
"""

from __future__ import annotations

import io
import time

from common import JIXIAO, OUT, REPO, describe, finish, make_site, measure, median_run, parse_arguments
from pypdf import PdfReader

from jixiao.build import read_site
from jixiao.page import build_report
from jixiao.pdf import fast_subsetting
from jixiao.site import open_site


def per_report() -> None:
    site = open_site(REPO, with_pdf=True)
    library = read_site(site)
    library.load(sorted(library.bundles))
    links = library.links()
    keys = sorted(library.bundles)
    build_report(site, library, links, keys[0])  # start-up: font configuration, first layout
    for key in keys:
        started = time.perf_counter()
        _, files = build_report(site, library, links, key)
        seconds = time.perf_counter() - started
        pdf = next(data for name, data in files.items() if name.endswith(".pdf"))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"  {key}: {seconds:.2f} s (HTML + PDF), {pages} pages, {seconds / pages * 1000:.0f} ms/page, "
            f"{len(pdf) / 1024:.0f} KiB"
        )


def main() -> None:
    args = parse_arguments(__doc__, reports=20)
    print(
        f"font subsetting: {'HarfBuzz (fast)' if fast_subsetting() else 'fontTools (slow: install libharfbuzz-subset0)'}"
    )
    print("the repository's reports, one process:")
    per_report()
    site = make_site(OUT / f"pdf-{args.reports}", args.reports)
    build = [*JIXIAO, "build", str(site), "--clean", "--no-search"]
    one = median_run([measure([*build, "-j", "1"]) for _ in range(args.runs)])
    every = median_run([measure(build) for _ in range(args.runs)])
    print(f"{args.reports} reports with PDFs, medians of {args.runs}:")
    print(f"  one core:  {describe(one)}, {one.wall / args.reports:.2f} s/report")
    print(
        f"  all cores: {describe(every)}, {every.wall / args.reports:.2f} s/report, speed-up {one.wall / every.wall:.2f}×"
    )
    finish(args)


if __name__ == "__main__":
    main()
