"""Benchmark: PDF time per report and per page, file sizes, and the parallel speed-up of a PDF build.

    python bench/bench_pdf.py [--reports 20] [--runs 3]

1. Which font subsetter WeasyPrint uses here (HarfBuzz's, in C, is the fast path `make` installs).
2. In one process, after start-up (fonts loaded by a first render), each repository report's HTML +
   PDF again: seconds, pages, milliseconds per page and file size; and its PDF against raw WeasyPrint
   laying out the same print HTML with the same stylesheets and fonts (`weasyprint.HTML(...).write_pdf`),
   medians of `--runs` (issue 22's target: ≤ 1.05×).
3. A synthetic site of `--reports` reports built with PDFs on one core (-j 1) and on all cores: wall
   time, the speed-up, and the peak RSS of the largest process. Medians of `--runs`.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint
from common import JIXIAO, OUT, REPO, describe, finish, make_site, measure, median_run, parse_arguments
from pypdf import PdfReader

from jixiao.library import read_site
from jixiao.page import build_report
from jixiao.pdf import PdfRenderer, fast_subsetting
from jixiao.phases import resolve_site
from jixiao.site import open_site

Call = tuple[PdfRenderer, str, Path, float]  # a PDF's renderer, print HTML, bundle folder and seconds


def timing_renders(render: Callable[..., object], calls: list[Call]) -> Callable[..., object]:
    """PdfRenderer.render timed, with what it was given kept, so raw WeasyPrint can lay out the same HTML."""

    def timed(renderer: PdfRenderer, html: str, base_dir: Path, converted: dict[str, bytes]) -> object:
        started = time.perf_counter()
        result = render(renderer, html, base_dir, converted)
        calls.append((renderer, html, base_dir, time.perf_counter() - started))
        return result

    return timed


def median_seconds(runs: int, work: Callable[..., object], *args: object) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work(*args)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def raw_weasyprint(renderer: PdfRenderer, html: str, base_dir: Path) -> bytes:
    """The same print HTML laid out and written by WeasyPrint alone, with jixiao's stylesheets and fonts."""
    document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/")
    return document.write_pdf(stylesheets=renderer.stylesheets, font_config=renderer.fonts)


def per_report(runs: int) -> None:
    site = open_site(REPO, with_pdf=True)
    library = read_site(site)
    model = resolve_site(library)
    render, calls = PdfRenderer.render, []
    PdfRenderer.render = timing_renders(render, calls)  # type: ignore[method-assign]
    try:
        keys = sorted(library.bundles)
        build_report(site, library, model, keys[0])  # start-up: font configuration, first layout
        totals = [0.0, 0.0]  # jixiao's PDF seconds and raw WeasyPrint's, over every report
        for key in keys:
            calls.clear()
            seconds = median_seconds(runs, build_report, site, library, model, key)
            _, files = build_report(site, library, model, key)
            pdf = next(data for name, data in files.items() if name.endswith(".pdf"))
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            renderer, html, base_dir, _ = calls[-1]
            jixiao_pdf = statistics.median(call[3] for call in calls)
            raw = median_seconds(runs, raw_weasyprint, renderer, html, base_dir)
            totals[0] += jixiao_pdf
            totals[1] += raw
            print(
                f"  {key}: {seconds:.2f} s (HTML + PDF), {pages} pages, {seconds / pages * 1000:.0f} ms/page, "
                f"{len(pdf) / 1024:.0f} KiB; PDF {jixiao_pdf:.2f} s against raw WeasyPrint {raw:.2f} s: "
                f"{jixiao_pdf / raw:.2f}×"
            )
        print(
            f"  every report: PDF {totals[0]:.2f} s against raw WeasyPrint {totals[1]:.2f} s: "
            f"{totals[0] / totals[1]:.2f}× (target ≤ 1.05)"
        )
    finally:
        PdfRenderer.render = render  # type: ignore[method-assign]


def main() -> None:
    args = parse_arguments(__doc__, reports=20)
    print(
        f"font subsetting: {'HarfBuzz (fast)' if fast_subsetting() else 'fontTools (slow: install libharfbuzz-subset0)'}"
    )
    print("the repository's reports, one process:")
    per_report(args.runs)
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
