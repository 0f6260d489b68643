"""The authoring loop: how soon a save reaches the browser in `jixiao serve`, and how fast it starts.

    python bench/bench_serve.py [--reports 1000] [--startup-reports 200] [--runs 3]

1. Save-to-reload on a site of `--reports` reports, without and with search: the time from writing a
   report.yaml to the moment the open page's long poll (`/__jixiao__/state?since=N`) is answered and the
   page, fetched again, shows the new figure — what a reader of the preview waits for. The search index
   of the changed year is refreshed afterwards in the background; the time until the search finds the
   new page is printed too.
2. Start-up on a built site of `--startup-reports` reports (built with PDFs, as `make build` does):
   from launching `jixiao serve` to its "预览地址" line, against an unchanged `jixiao build`.
Medians of `--runs`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from common import JIXIAO, OUT, changed_report, edit_report, finish, make_site, measure, parse_arguments


def get(url: str, timeout: float = 60) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


class Server:
    """`jixiao serve` in a subprocess; `started` is the seconds until it printed its address."""

    def __init__(self, site: Path, *flags: str):
        begun = time.perf_counter()
        self.process = subprocess.Popen(
            [*JIXIAO, "serve", str(site), "--port", "0", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        self.started = time.perf_counter() - begun
        self.url = line.split()[1].rstrip("/")

    def build_number(self) -> int:
        return json.loads(get(f"{self.url}/__jixiao__/state"))["build"]

    def wait_first_build(self) -> None:
        """Until the first build and its background work are done. A save during the first build is answered by the
        page made early (preview.FirstPages) or by the long poll's timeout (25 s) when that build takes longer, as it
        does at 1000 reports on a loaded machine: the next, measured, save then waited for the rest of that build."""
        while True:
            state = json.loads(get(f"{self.url}/__jixiao__/state"))
            if state["build"] > 0 and not state["refreshing"]:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def save_to_reload(server: Server, site: Path, step: int) -> tuple[float, float]:
    """Write one figure and wait as the open page does: the seconds until the reloaded page shows it, and
    until the background refresh (search index, open data) is done."""
    report = changed_report(site)
    page = f"{server.url}/{report.parent.parent.name}/{report.parent.name}/index.html"
    build = server.build_number()
    expected = f"{474.39 + step / 100:.2f}"
    begun = time.perf_counter()
    edit_report(report, step)
    state = json.loads(get(f"{server.url}/__jixiao__/state?since={build}"))
    while not state["error"] and expected not in get(page):  # a build of an earlier write answered: wait for the next
        state = json.loads(get(f"{server.url}/__jixiao__/state?since={state['build']}"))
    if state["error"]:
        raise SystemExit(f"the preview did not show {expected}: {state['error']}")
    reloaded = time.perf_counter() - begun
    while json.loads(get(f"{server.url}/__jixiao__/state"))["refreshing"]:
        time.sleep(0.02)
    return reloaded, time.perf_counter() - begun


def loop(site: Path, runs: int, *flags: str) -> list[tuple[float, float]]:
    server = Server(site, *flags)
    try:
        server.wait_first_build()
        save_to_reload(server, site, 100)  # the first save after start-up warms Python's caches
        return [save_to_reload(server, site, 100 + step) for step in range(1, runs + 1)]
    finally:
        server.stop()


def describe(runs: list[tuple[float, float]]) -> str:
    reloads, refreshed = [r for r, _ in runs], [r for _, r in runs]
    return (
        f"{statistics.median(reloads):.3f} s to reload (runs: {', '.join(f'{s:.3f}' for s in reloads)}), "
        f"background refresh done after {statistics.median(refreshed):.2f} s"
    )


def startup(site: Path, runs: int) -> tuple[float, float]:
    """Median seconds to start `serve` on a built site, and of an unchanged `build`."""
    subprocess.run([*JIXIAO, "build", str(site)], check=True, capture_output=True)
    unchanged = statistics.median(measure([*JIXIAO, "build", str(site)]).wall for _ in range(runs))
    starts = []
    for _ in range(runs):
        server = Server(site, "--no-search")
        starts.append(server.started)
        server.stop()
    return statistics.median(starts), unchanged


def main() -> None:
    args = parse_arguments(__doc__, reports=1000, startup_reports=200)
    site = make_site(OUT / f"serve-{args.reports}", args.reports)
    quiet = loop(site, args.runs, "--no-search")
    searched = loop(site, args.runs)
    print(f"{args.reports} reports, save to reload, medians of {args.runs}:")
    print(f"  serve --no-search: {describe(quiet)}")
    print(f"  serve (search):    {describe(searched)}")
    small = make_site(OUT / f"startup-{args.startup_reports}", args.startup_reports)
    started, unchanged = startup(small, args.runs)
    print(
        f"{args.startup_reports} reports built with PDFs: serve starts in {started:.2f} s, "
        f"an unchanged build takes {unchanged:.2f} s ({started / unchanged:.2f}×)"
    )
    finish(args)


if __name__ == "__main__":
    main()
