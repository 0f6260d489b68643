"""Where reports are parsed and rendered: in this process, or in forked workers that each own a share.

A report is parsed in the process that renders it: parsing is a third of a full build, and a parsed
report is a large tree of Python objects that costs as much to send between processes as to parse
again. So each worker owns a fixed share of the reports for the whole build — it parses its share
first (the parent needs only their summaries to resolve the site model), then renders the reports of
its share that must be rebuilt, still holding what it parsed. A share is chosen by size (largest
first, to the least loaded worker); a worker that has rendered its share takes the last reports of
the longest other one (a few cost a second parse), so the cores finish together even when one share
holds the long PDFs.

Workers are forked (they inherit the site, read once by the parent, as one `WorkerState` made before the
fork and passed to each process explicitly — no module globals), die with the parent (PR_SET_PDEATHSIG),
and leave Ctrl-C to the parent, which tears them down.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import heapq
import itertools
import multiprocessing
import pickle
import signal
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .errors import ErrorGroup, SourceError
from .library import Library
from .load import Source, validate_report
from .located import Located, build_deferred
from .output import write_files
from .parts.registry import PARTS
from .render import compile_templates
from .reportpage import ReportPage
from .site import SiteContext
from .sitemodel import SiteModel, Summary
from .view import View

Handler = Callable[[str, Any], Iterator[Any]]
Progress = Callable[[str, int, int], None]
Result = ReportPage | list[SourceError]
_DONE = "done"
# Below this many reports a worker pool costs more to start than it saves (any two PDFs are worth it).
PARALLEL_THRESHOLD = 16
# Parsed reports a process keeps as objects (some 560 KiB each for a 泸州 自评表) while it waits to render them;
# the others wait as their YAML tree, pickled and compressed (about 16 KiB for a 泸州 自评表, 7 for a 六安 one), so
# memory grows by some thirty times less per parked report.
LIVE_SOURCES = 100
# Reports a worker parses per request while a reader waits for a page: a few dozen milliseconds, after which the
# reports that page reads go first.
PARSE_BATCH = 8


class Watch:
    """A progress that a reader of the build watches (the preview's first build): it is told the staging folder
    and the reports to render before the first is rendered (the reused ones and the assets are there already),
    then each report as its files are there, and it names the reports a reader waits for, rendered next."""

    def start(self, staging: Path | None, todo: list[str]) -> None:
        """The render phase begins."""

    def __call__(self, key: str, done: int, total: int) -> None:
        """A report's files are in the staging folder."""

    def wanted(self) -> list[str]:
        """The reports a reader waits for, first asked first."""
        return []

    def parse_first(self, library: Library) -> list[str]:
        """The reports to parse before the others (what the pages a reader waits for read)."""
        return []

    def parsed(self, site: SiteContext, library: Library) -> None:
        """More summaries are in the library: a page may be made from them before the others are parsed."""


def first_wanted(progress: Progress | None, keys: list[str]) -> str | None:
    """The report of `keys` a reader of the build waits for, if any."""
    wanted = progress.wanted() if isinstance(progress, Watch) else ()
    return next((key for key in wanted if key in keys), None)


def split_by_weight(keys: list[str], weights: dict[str, int], count: int) -> list[list[str]]:
    """`count` shares of nearly equal weight: the heaviest key goes to the lightest share (deterministic)."""
    shares: list[list[str]] = [[] for _ in range(count)]
    loads = [(0, index) for index in range(count)]
    for key in sorted(keys, key=lambda k: (-weights.get(k, 0), k)):
        load, index = heapq.heappop(loads)
        shares[index].append(key)
        heapq.heappush(loads, (load + weights.get(key, 0), index))
    return [sorted(share) for share in shares]


def _start_worker() -> None:
    """Workers die with the build: SIGKILL when the parent dies (Linux), Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def trim_heap() -> None:
    """Give the free pages of C's heap back to the system (glibc): the pickles and large texts just dropped lay there,
    while Python's small objects come from arenas of their own, so most of that space would wait unused while the
    site-wide pages (the build's peak) are made."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _serve(connection: Connection, handle: Handler) -> None:
    """A worker's loop: each request is answered by the handler's replies, then `done`; None ends it."""
    _start_worker()
    while (request := connection.recv()) is not None:
        command, payload = request
        try:
            for reply in handle(command, payload):
                connection.send(reply)
        except BaseException as exc:  # sent to the parent, which raises it: a worker never dies silently
            connection.send((_DONE, exc))
            continue
        connection.send((_DONE, None))


class Workers:
    """`count` forked processes, worker i serving the handler for share i of the keys."""

    def __init__(self, shares: list[list[str]], handle: Handler):
        context = multiprocessing.get_context("fork")
        self.shares = shares
        self.connections: list[Connection] = []
        self.processes = []
        for _ in shares:
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, handle), daemon=True)
            process.start()
            child.close()
            self.connections.append(parent)
            self.processes.append(process)

    def ask(
        self, command: str, payload: Callable[[int], Any], more: Callable[[int], Any] = lambda index: None
    ) -> Iterator[Any]:
        """Send worker i the command with `payload(i)` (None: nothing for it); yield every reply as it arrives.
        When a worker has answered, `more(i)` may give it another payload (work left, or taken from others)."""
        waiting: dict[Connection, int] = {}

        def send(index: int, data: Any) -> None:
            if data is not None:
                self.connections[index].send((command, data))
                waiting[self.connections[index]] = index

        for index in range(len(self.connections)):
            send(index, payload(index))
        failure: BaseException | None = None
        while waiting:
            for connection in wait(list(waiting)):
                try:
                    reply = connection.recv()
                except EOFError:
                    raise RuntimeError("a build worker ended unexpectedly") from None
                if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == _DONE:
                    index = waiting.pop(connection)
                    failure = failure or reply[1]
                    if failure is None:
                        send(index, more(index))
                else:
                    yield reply
        if failure is not None:
            raise failure

    def kill(self) -> None:
        """Stop at once (an error or a signal in the parent): nothing more is written by a worker."""
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.join()

    def close(self) -> None:
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.send(None)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


@contextlib.contextmanager
def started_workers(shares: list[list[str]], handle: Handler) -> Iterator[Workers]:
    """Workers for the duration of a build, told to stop at its end. (Entered on an ExitStack, which exits
    without the exception: a build stopped by an error or Ctrl-C kills them in ReportWorkers.render, before
    the staging folder they write into is removed.)"""
    workers = Workers(shares, handle)
    try:
        yield workers
    finally:
        workers.close()


def build_report(
    site: SiteContext, library: Library, model: SiteModel, key: str
) -> tuple[ReportPage, dict[str, bytes]]:
    """page.build_report, imported when a report is first rendered: a build whose reports are all unchanged
    never imports the render (page.py, the audit, the directives, Pillow, markdown-it)."""
    from .page import build_report as render

    return render(site, library, model, key)


def try_report(
    site: SiteContext, library: Library, model: SiteModel, key: str
) -> tuple[ReportPage, dict[str, bytes]] | list[SourceError]:
    """One report's page and files in memory, or its errors (returned, not raised, so that every error of
    a build can be listed together)."""
    try:
        return build_report(site, library, model, key)
    except ErrorGroup as group:
        return group.errors
    except SourceError as exc:
        return [exc]


def build_one(site: SiteContext, library: Library, model: SiteModel, key: str, staging: Path | None) -> Result:
    """Render one report and write its files into staging; its errors are returned, not raised."""
    built = try_report(site, library, model, key)
    if isinstance(built, list):
        return built
    page, files = built
    if staging is not None:
        write_files(staging, files)
    return page


class ParkedSources:
    """Parsed reports beyond LIVE_SOURCES, kept pickled between the parse (which the site model needs of every
    report first) and their render, when they are unpacked with the reports they read (附件, last year's)
    and dropped again once their files are written. What is kept is the YAML tree and the sections: the report's
    model is as many objects again, which cost more to pickle and unpickle than validating the tree again costs
    (load.validate_report). Parking and unpacking a report cost some 60 % of parsing it."""

    def __init__(self, library: Library):
        self.library = library
        self.pickled: dict[str, bytes] = {}

    def parse(self, keys: list[str]) -> Iterator[str]:
        """Parse each report (at most once per build), parking it when this process holds enough already."""
        for key in keys:
            source = self.library.source(key)
            if source is not None and key not in self.pickled and len(self.library.sources) > LIVE_SOURCES:
                parts = (source.raw, source.sections)  # the bundle stays in the library, the model is made again
                self.pickled[key] = zlib.compress(pickle.dumps(parts, pickle.HIGHEST_PROTOCOL), 1)
                del self.library.sources[key]
            yield key

    @contextlib.contextmanager
    def unpacked(self, model: SiteModel, key: str) -> Iterator[None]:
        """The report and those it reads as objects while it renders."""
        links = model.records[key].links if key in model.records else None
        reads = [key, *links.attachments, links.last_year] if links is not None else [key]
        restored = [k for k in dict.fromkeys(reads) if k in self.pickled and k not in self.library.sources]
        for k in restored:
            raw, sections = pickle.loads(zlib.decompress(self.pickled[k]))
            report = validate_report(raw, raw.path, self.library.types)
            self.library.sources[k] = Source(self.library.bundles[k], report, raw, sections)
        try:
            yield
        finally:
            for k in restored:
                self.library.sources.pop(k, None)

    def release(self) -> None:
        """Every report is rendered: the parsed ones, live or parked, are dropped before the site-wide pages (the
        build's peak) are made."""
        self.pickled.clear()
        self.library.release()
        trim_heap()

    def build_one(self, site: SiteContext, model: SiteModel, key: str, staging: Path | None) -> Result:
        with self.unpacked(model, key):
            return build_one(site, self.library, model, key, staging)


@dataclass
class WorkerState:
    """What a worker holds for a whole build: the site and library it inherits (made once in the parent, before
    the fork), then the site model the parent resolved and where files go."""

    site: SiteContext
    library: Library
    model: SiteModel | None = None
    staging: Path | None = None

    def handle(self, command: str, payload: Any) -> Iterator[Any]:
        """A worker's side of ReportWorkers: parse reports for their summaries; take the site model (and every
        summary, and the staging folder); render reports."""
        if command == "parse":
            for key in self.parked.parse(payload):
                yield key, self.library.summaries.get(key), self.library.failed.get(key)
        elif command == "model":
            self.model, summaries, self.staging = payload
            self.library.summaries.update(summaries)
        elif command == "render":
            assert self.model is not None
            for key in payload:
                yield key, self.parked.build_one(self.site, self.model, key, self.staging)

    @functools.cached_property
    def parked(self) -> ParkedSources:
        return ParkedSources(self.library)


class ReportWorkers:
    """Parses and renders a build's reports: in this process when there are few, else in forked workers
    started on first need, each owning a share (so a report is parsed and rendered in one process)."""

    def __init__(self, site: SiteContext, library: Library, jobs: int):
        self.site = site
        self.library = library
        self.jobs = jobs if sys.platform == "linux" else 1
        self.workers: Workers | None = None
        self.parked = ParkedSources(library)  # when reports are parsed and rendered in this process
        self.stack = contextlib.ExitStack()

    def start(self, keys: list[str]) -> None:
        weights = {key: self.library.bundles[key].size for key in keys}
        shares = [share for share in split_by_weight(keys, weights, min(self.jobs, len(keys))) if share]
        state = WorkerState(self.site, self.library)
        if self.site.with_pdf:
            self.site.pdf  # noqa: B018 — stylesheets and font setup made once, inherited by every worker
        compile_templates(self.site.env)
        build_deferred(Located, View)  # the workers parse and render: built once here, not once in each
        import_module(".page", __package__)  # the render, imported once here, not once in each worker
        import_parts()
        gc.freeze()  # what the parent holds is never collected in a worker, so its memory stays shared
        self.stack.callback(gc.unfreeze)
        self.workers = self.stack.enter_context(started_workers(shares, state.handle))
        self.library.release()  # the workers parse and render: this process needs no report's text or tree

    def parse(self, keys: list[str], progress: Progress | None = None) -> None:
        """Parse these reports for their summaries (each at most once per build); a watching reader's are parsed
        first (`Watch.parse_first`), and told of each summary (`Watch.parsed`)."""
        if self.workers is None and self.jobs > 1 and len(keys) >= PARALLEL_THRESHOLD:
            self.start(sorted(self.library.bundles))
        watch = progress if isinstance(progress, Watch) else Watch()
        if self.workers is None:
            remaining = dict.fromkeys(keys)
            while batch := parse_batch(remaining, watch.parse_first(self.library), 1):
                for _ in self.parked.parse(batch):
                    watch.parsed(self.site, self.library)
            return
        wanted = set(keys)
        queues = [dict.fromkeys(k for k in share if k in wanted) for share in self.workers.shares]
        size = PARSE_BATCH if isinstance(progress, Watch) else len(keys)  # small batches let a reader's go first

        def take(index: int) -> list[str] | None:
            return parse_batch(queues[index], watch.parse_first(self.library), size)

        for key, summary, errors in self.workers.ask("parse", take, take):
            if summary is not None:
                self.library.summaries[key] = summary
            if errors:
                self.library.failed[key] = errors
            watch.parsed(self.site, self.library)

    def render(
        self, todo: list[str], model: SiteModel, staging: Path | None, progress: Progress | None
    ) -> list[Result]:
        """Every report to do, in the order given; progress is told of each as it is done."""
        enough = len(todo) >= (2 if self.site.with_pdf else PARALLEL_THRESHOLD)
        if self.workers is None and self.jobs > 1 and enough:
            self.start(todo)
        results: dict[str, Result] = {}
        if isinstance(progress, Watch):
            progress.start(staging, todo)
        if self.workers is None:
            remaining = list(todo)
            while remaining:
                key = first_wanted(progress, remaining) or remaining[0]
                remaining.remove(key)
                results[key] = self.parked.build_one(self.site, model, key, staging)
                _report(progress, key, len(results), len(todo))
            self.parked.release()
            return [results[key] for key in todo]
        summaries: dict[str, Summary] = self.library.summaries
        queues = Queues(self.workers.shares, todo, 1 if self.site.with_pdf else 8, progress)
        try:
            for _ in self.workers.ask("model", lambda i: (model, summaries, staging)):
                pass
            for key, result in self.workers.ask("render", queues.take, queues.take):
                results[key] = result
                _report(progress, key, len(results), len(todo))
        except BaseException:  # Ctrl-C, SIGTERM: no worker may go on writing into the staging folder
            self.workers.kill()
            raise
        return [results[key] for key in todo]

    def close(self) -> None:
        self.stack.close()


def import_parts() -> None:
    """Every part's computation, audit, placing and layouts, which are imported on first use (parts.Part.function):
    imported before the workers fork, once, not once in each worker (14 modules, some 15 M instructions)."""
    for part in PARTS:
        for ref in (part.compute, part.audit, part.place, *part.layouts.values()):
            if ref is not None:
                part.function(ref)


def parse_batch(queue: dict[str, None], first: list[str], size: int) -> list[str] | None:
    """The next reports of a worker's share to parse (taken from `queue`): those of `first` it holds, else the next
    in order; None when the share is parsed. A worker parses only its own share, which it renders."""
    taken = list(dict.fromkeys(k for k in first if k in queue))[:size] or list(itertools.islice(queue, size))
    for key in taken:
        del queue[key]
    return taken or None


class Queues:
    """The reports each worker renders: its own share first (what it parsed), then, once that is done, the
    last ones of the longest other queue — so a worker with heavy reports (long PDFs) is helped, not waited for.
    A report a reader of the build waits for (`Watch.wanted`) goes, alone, to the next worker that asks."""

    def __init__(self, shares: list[list[str]], todo: list[str], batch: int, progress: Progress | None = None):
        wanted = set(todo)
        self.queues = [[key for key in share if key in wanted] for share in shares]
        self.batch = batch
        self.progress = progress

    def take(self, index: int) -> list[str] | None:
        for queue in self.queues:
            key = first_wanted(self.progress, queue)
            if key is not None:
                queue.remove(key)
                return [key]
        own = self.queues[index]
        if own:
            taken, own[:] = own[: self.batch], own[self.batch :]
            return taken
        longest = max(self.queues, key=len)
        if not longest:
            return None
        taken, longest[:] = longest[-self.batch :], longest[: -self.batch]
        return taken


@contextlib.contextmanager
def report_workers(site: SiteContext, library: Library, jobs: int) -> Iterator[ReportWorkers]:
    workers = ReportWorkers(site, library, jobs)
    try:
        yield workers
    finally:
        workers.close()


def _report(progress: Progress | None, key: str, done: int, total: int) -> None:
    if progress:
        progress(key, done, total)
