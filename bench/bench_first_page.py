"""The preview's first page: from starting the preview on a site never built to the first report page it serves.

    python bench/bench_first_page.py [--reports 1000] [--runs 3]

What an author waits for when opening a large site in the morning: `jixiao serve` on a synthetic site without its
build cache (`.jixiao-cache` removed before each run), asked for one report's page as soon as it listens, against
`hugo server` on the equivalent Hugo site (compare_hugo.py's, every table cell kept), asked for the same report's
page. jixiao parses first the reports that page reads of the site model (its year's, and the year before's when it
reads last year's figures), makes the page from them and serves it while the rest are parsed; Hugo builds the whole
site in memory before it answers.
Medians of `--runs`; the target is at most 2× Hugo's time.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import JIXIAO, OUT, finish, make_site, parse_arguments
from compare_hugo import hugo_command, make_hugo_site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_page(command: list[str], url: str, expected: str, timeout: float = 300) -> float:
    """Seconds from launching `command` (a server) until `url` answers with a page holding `expected`."""
    begun = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - begun < timeout:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    if expected in response.read().decode("utf-8"):
                        return time.perf_counter() - begun
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.01)
        raise SystemExit(f"{url} did not answer within {timeout} s")
    finally:
        process.terminate()
        process.wait(timeout=60)


def jixiao_first_page(site: Path, key: str) -> float:
    shutil.rmtree(site / ".jixiao-cache", ignore_errors=True)
    port = free_port()
    command = [*JIXIAO, "serve", str(site), "--port", str(port), "--no-search"]
    return first_page(command, f"http://127.0.0.1:{port}/{key}/index.html", "</html>")


def hugo_first_page(hugo_site: Path, key: str) -> float:
    port = free_port()
    command = [*hugo_command()[:-1], "server", "--source", str(hugo_site), "--port", str(port), "--bind", "127.0.0.1"]
    return first_page(command, f"http://127.0.0.1:{port}/{key}/", "</html>")


def main() -> None:
    args = parse_arguments(__doc__, reports=1000)
    site = make_site(OUT / f"first-{args.reports}", args.reports)
    hugo_site = make_hugo_site(site, OUT / f"first-hugo-{args.reports}")
    key = "2017/report-00001"  # a 泸州 自评表 (7 forms), neither first nor last in any order
    hugo_first_page(hugo_site, key)  # warm the file cache
    hugo = statistics.median(hugo_first_page(hugo_site, key) for _ in range(args.runs))
    jixiao = statistics.median(jixiao_first_page(site, key) for _ in range(args.runs))
    print(f"{args.reports} reports, the first report page after start, medians of {args.runs}:")
    print(f"  hugo server: {hugo:.2f} s; jixiao serve: {jixiao:.2f} s ({jixiao / hugo:.2f}×, target ≤ 2)")
    finish(args)


if __name__ == "__main__":
    main()
