"""Benchmark: build a synthetic site of N reports and report time and peak memory.

    python bench/bench_build.py [--reports 1000] [--keep]

Then it rebuilds with no change, and with one report changed (the incremental cache at work).
The synthetic site is made of copies of the repository's re-authored seed reports
(六安: 2 forms, 泸州: 7 forms), spread over years and units, in bench/out/ (not committed).
Each build runs in a fresh process, so its peak RSS is the build's own.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
TEMPLATES = ["2023/liuan-zipingbiao", "2023/luzhou-xiangmu-zipingbiao"]


def make_site(root: Path, reports: int) -> Path:
    """Write N report bundles (alternating the two seed reports) under root/content/."""
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    content.mkdir(parents=True)
    shutil.copy(REPO / "content" / "site.yaml", content / "site.yaml")
    for i in range(reports):
        source = REPO / "content" / TEMPLATES[i % len(TEMPLATES)]
        year = 2016 + i % 8
        bundle = content / str(year) / f"report-{i:05d}"
        bundle.mkdir(parents=True)
        text = (source / "report.yaml").read_text(encoding="utf-8")
        text = text.replace("2023", str(year)).replace("单位: ", f"单位: 第{i % 50}中心 ", 1)
        (bundle / "report.yaml").write_text(text, encoding="utf-8")
        for md in source.glob("*.md"):
            (bundle / md.name).write_text(md.read_text(encoding="utf-8").replace("2023", str(year)), encoding="utf-8")
    return root


# Runs the build as a grandchild, so the peak RSS read here is that build's alone (the largest of its
# processes: the main one, a worker, or pagefind), not the maximum over earlier builds.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed_build(root: Path, *extra: str) -> tuple[float, float]:
    """Run `jixiao build` in a fresh process; return (seconds, peak RSS in MiB of its largest process)."""
    output = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "jixiao", "build", str(root),
                             *extra], check=True, capture_output=True, text=True).stdout.split()
    return float(output[0]), int(output[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep bench/out/ afterwards")
    args = parser.parse_args()
    root = make_site(OUT / f"site-{args.reports}", args.reports)
    forms = sum(7 if i % 2 else 2 for i in range(args.reports))
    seconds, peak = timed_build(root, "--no-pdf", "--clean")
    print(f"full HTML build: {args.reports} reports ({forms} 自评表): {seconds:.2f} s, "
          f"{seconds / args.reports * 1000:.1f} ms/report, peak RSS {peak:.0f} MiB")
    seconds, peak = timed_build(root, "--no-pdf")
    print(f"no-change rebuild: {seconds:.2f} s, peak RSS {peak:.0f} MiB")
    changed = next((root / "content").glob("*/report-00001/report.yaml"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("预算执行数: 474.39", "预算执行数: 470.00"),
                       encoding="utf-8")
    seconds, peak = timed_build(root, "--no-pdf")
    print(f"incremental build, one report changed: {seconds:.2f} s, peak RSS {peak:.0f} MiB "
          "(the search index is global: pagefind re-indexes every page)")
    changed.write_text(changed.read_text(encoding="utf-8").replace("预算执行数: 470.00", "预算执行数: 471.00"),
                       encoding="utf-8")
    seconds, peak = timed_build(root, "--no-pdf", "--no-search")
    print(f"incremental build, one report changed, --no-search: {seconds:.2f} s, peak RSS {peak:.0f} MiB")
    if not args.keep:
        shutil.rmtree(OUT)


if __name__ == "__main__":
    main()
