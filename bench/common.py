"""What every benchmark shares: the synthetic site, and a measured run of a command in a fresh process.

The synthetic site is made of copies of the repository's re-authored seed reports (六安: 2 forms,
泸州: 7 forms), spread over eight years and fifty units, under bench/out/ (not committed). A measured
run reports wall time, CPU time (user + system of the command and every process it starts: workers,
pagefind) and the peak RSS of its largest process; a figure is the median of several runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
TEMPLATES = ["2023/liuan-zipingbiao", "2023/luzhou-xiangmu-zipingbiao"]
JIXIAO = [sys.executable, "-m", "jixiao"]
# A jixiao installed by pip has its bytecode (pip compiles a wheel's modules as it installs them); a shell that sets
# PYTHONDONTWRITEBYTECODE (this development machine does) would make every measured run compile jixiao's hundred
# modules again, about 0.75 billion instructions (0.12 s) more per run. The benches measure what a user runs.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


def year_of(index: int) -> int:
    return 2016 + index % 8


def make_site(root: Path, reports: int) -> Path:
    """Write N report bundles (alternating the two seed reports) under root/content/."""
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    content.mkdir(parents=True)
    shutil.copy(REPO / "content" / "site.yaml", content / "site.yaml")
    for i in range(reports):
        source = REPO / "content" / TEMPLATES[i % len(TEMPLATES)]
        year = year_of(i)
        bundle = content / str(year) / f"report-{i:05d}"
        bundle.mkdir(parents=True)
        text = (source / "report.yaml").read_text(encoding="utf-8")
        text = text.replace("2023", str(year)).replace("单位: ", f"单位: 第{i % 50}中心 ", 1)
        (bundle / "report.yaml").write_text(text, encoding="utf-8")
        for md in source.glob("*.md"):
            (bundle / md.name).write_text(md.read_text(encoding="utf-8").replace("2023", str(year)), encoding="utf-8")
    return root


def changed_report(root: Path) -> Path:
    """The report.yaml a benchmark edits: a 泸州 copy, whose 全年执行数 it changes."""
    return root / "content" / str(year_of(1)) / "report-00001" / "report.yaml"


def edit_report(path: Path, step: int) -> None:
    """Change the first 预算执行数 of a 泸州 report to 474.39 + step/100, so each run sees a real change."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"预算执行数: [0-9.]+", f"预算执行数: {474.39 + step / 100:.2f}", text, count=1), encoding="utf-8"
    )


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float


# Runs the command as a grandchild, so the CPU time and peak RSS read here are that command's alone
# (with every process it started), not those of earlier runs.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Run a command in a fresh process; its wall time, CPU time and peak RSS (MiB)."""
    output = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.split()
    return Run(float(output[0]), float(output[1]), int(output[2]) / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mib for r in runs),
    )


def repeat(runs: int, command: list[str], before: Callable[[int], None] | None = None) -> Run:
    """The median of `runs` measured runs; `before(step)` runs before each (an edit, say)."""
    results = []
    for step in range(runs):
        if before is not None:
            before(step)
        results.append(measure(command))
    return median_run(results)


def describe(run: Run) -> str:
    return f"{run.wall:6.2f} s wall, {run.cpu:6.2f} s CPU, peak RSS {run.peak_mib:4.0f} MiB"


def parse_arguments(description: str, reports: int, **more: int) -> argparse.Namespace:
    """--reports, --runs and --keep, and any further whole-number options (`startup_reports=200`)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=reports)
    parser.add_argument("--runs", type=int, default=3)
    for name, default in more.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    parser.add_argument("--keep", action="store_true", help="keep bench/out/ afterwards")
    return parser.parse_args()


def finish(args: argparse.Namespace) -> None:
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)
