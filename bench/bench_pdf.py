"""Benchmark: PDF time per report and per page, parallel PDF build, and peak memory.

    python bench/bench_pdf.py [--reports 20]

1. In one process, after start-up (fonts loaded by a first render), render each repository report's
   PDF again and report seconds per report and per page, and the file size.
2. Build a synthetic site of N reports with PDFs in a fresh process (all cores) and report the
   wall time, seconds per report and the peak RSS of the largest process.
"""

from __future__ import annotations

import argparse
import io
import shutil
import time

from pypdf import PdfReader

from bench_build import OUT, REPO, make_site, timed_build
from jixiao.page import build_report
from jixiao.site import open_site
from jixiao.load import find_bundles, read_bundle


def per_report() -> None:
    site = open_site(REPO, with_pdf=True)
    bundles = [read_bundle(folder) for folder in find_bundles(REPO / "content")]
    build_report(site, bundles[0])  # start-up: font configuration, first layout
    for bundle in bundles:
        start = time.perf_counter()
        _, files = build_report(site, bundle)
        seconds = time.perf_counter() - start
        pdf = files[f"{bundle.key}/{bundle.slug}.pdf"]
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{bundle.key}: {seconds:.2f} s (HTML + PDF), {pages} pages, {seconds / pages * 1000:.0f} ms/page, "
              f"{len(pdf) / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()
    per_report()
    root = make_site(OUT / f"pdf-{args.reports}", args.reports)
    seconds, peak = timed_build(root)
    print(f"full build with PDF: {args.reports} reports: {seconds:.2f} s, {seconds / args.reports:.2f} s/report, "
          f"peak RSS {peak:.0f} MiB")
    shutil.rmtree(OUT)


if __name__ == "__main__":
    main()
