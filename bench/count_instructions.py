"""Instructions a full build executes, counted by Valgrind: a measure of CPU cost that another process cannot disturb.

    python bench/count_instructions.py [--reports 20] [--small 2]

CPU time on a shared machine moves by 10–30 % between two runs of the same build, more than most single speed
changes save; the number of instructions executed moves by less than 0.01 % (Valgrind's cachegrind counts them,
the hash seed fixed). The script builds two synthetic sites in one process each (`-j 1`: a forked worker would
count its parent's instructions again), `--small` and `--reports` reports, and prints the instructions of each,
the fixed cost (start-up, imports, site pages) and the cost per report, the slope between the two. Cachegrind runs
a build about 50 times slower: 20 reports take about a minute. Compare two checkouts by running each one's copy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import OUT, finish, make_site, parse_arguments

# jixiao, with the time limit of a template render (5 s) lifted: under Valgrind a page's template takes that long.
_UNHURRIED = (
    "import sys, jixiao.render; jixiao.render.TIME_LIMIT = 1e9; from jixiao.cli import main; main(sys.argv[1:])"
)


def count(site: Path) -> int:
    """Instructions of `jixiao build site --no-pdf --no-office --no-search --clean -j 1`."""
    scratch = Path(tempfile.mkdtemp(prefix="jixiao-instructions-"))
    try:
        valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={scratch / 'cg'}"]
        build = [sys.executable, "-c", _UNHURRIED, "build", str(site), "--out", str(scratch / "site")]
        flags = ["--no-pdf", "--no-office", "--no-search", "--clean", "-j", "1"]
        result = subprocess.run(
            [*valgrind, *build, *flags], env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, text=True
        )
        found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
        if result.returncode != 0 or found is None:
            sys.exit(f"the build failed under valgrind:\n{result.stderr[-2000:]}")
        return int(found.group(1).replace(",", ""))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    args = parse_arguments(__doc__, reports=20, small=2)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: run `make bench` (it installs it with apt-get).")
    package = importlib.util.find_spec("jixiao").submodule_search_locations[0]
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)  # as pip leaves an install
    small = count(make_site(OUT / f"instructions-{args.small}", args.small))
    large = count(make_site(OUT / f"instructions-{args.reports}", args.reports))
    per_report = (large - small) / (args.reports - args.small)
    print(f"{args.small} reports: {small / 1e9:.3f} G instructions; {args.reports} reports: {large / 1e9:.3f} G")
    print(
        f"  per report: {per_report / 1e6:.1f} M instructions; fixed: {(small - args.small * per_report) / 1e9:.3f} G"
    )
    finish(args)


if __name__ == "__main__":
    main()
