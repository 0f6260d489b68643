"""`jixiao serve`: build, serve on localhost, apply each save, reload the open page.

The site lives in a Preview (preview.py): built once into a temporary folder — starting from the
project's built site/ when there is one — and then updated save by save in memory, so a save
reaches the browser in a fraction of a second even on a site of a thousand reports. Pages are
served with a small script that asks `/__jixiao__/state?since=N&page=<its path>` and is answered as soon
as a build after N wrote that page (a long poll), then reloads: a save's first build is its reports'
pages, its second the listing pages. While the last build failed, every page shows
the error (and the terminal prints it); the server keeps running and recovers on the next good
build. PDFs are rendered on demand when their link is opened.

The server is the standard library's threading HTTP server, made fit for many browsers at once: a
listen backlog of 1024, one daemon thread per connection (so every open page's long poll has its own,
and a tab that goes away never holds up another), a socket timeout that closes a connection whose
request stalls, and one response path for GET and HEAD. It answers only Host names that can be this
machine (DNS rebinding), and a client that hangs up mid-answer is not an error.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles
from markupsafe import escape

from .build import BuildResult, terminated_cleanly
from .document import OFFICE
from .errors import JixiaoError, describe_os_error
from .findings import Finding
from .load import stamp_of
from .preview import REPORT_KEY, Preview
from .site import CONTENT_DIR, SiteContext, open_site

STATE_PATH = "/__jixiao__/state"
MADE_ON_REQUEST = (".pdf", *(f".{kind}" for kind in OFFICE))  # a report's own documents, made when asked for
REPORT_KEY_RE = re.compile(REPORT_KEY)
LONG_POLL_SECONDS = 25.0
WATCH_STEP_MS = 10  # a batch of changes is given once no other came for this long (an editor's writes come at once)
SETTLE_SECONDS = 0.05  # a failed save's files unchanged this long after its read: the error is shown
RELOAD_GRACE_SECONDS = 0.5  # the longest a save's next step waits for the pages it reloaded to poll again
SETTLE_ROUNDS = 20  # reads of a save whose files keep changing, before its error is shown anyway
SHOWN_KEPT = 64  # builds whose changed files the state remembers; a page polling from before them reloads
WATCH_WAKE_MS = 200  # the watcher gives back an empty batch this often: the first one says it is armed
REQUEST_TIMEOUT_SECONDS = 10.0  # a connection that sends nothing for this long is closed
LISTEN_BACKLOG = 1024
HOST_HINT = "--host 用本机的地址，如 127.0.0.1（本机）或 0.0.0.0（局域网）。"
BIND_ERRORS = {  # why the address cannot be served on, and what to do: {host}, {port}, {other} (another port)
    errno.EADDRINUSE: (
        "端口 {port} 已被占用",
        "用 --port 换一个端口（如 --port {other}），或 --port 0 任选空闲端口；也可先关闭占用它的程序。",
    ),
    errno.EACCES: ("没有权限使用端口 {port}", "用 1024 以上的端口，如 --port 8000。"),
    errno.EADDRNOTAVAIL: ("本机没有地址 {host}", HOST_HINT),
}
RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  function poll() {
    var asked = seen === null ? "" : "?since=" + seen + "&page=" + encodeURIComponent(location.pathname);
    fetch("%s" + asked).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.reload) { location.reload(); return; }
      seen = s.build; poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>""".replace("%s", STATE_PATH)
PREVIEW_LEVELS = (("warning", "警告"), ("note", "说明"))
PREVIEW_FINDINGS = """<section class="findings preview-findings" data-pagefind-ignore style="margin:2rem auto;
max-width:50rem;padding:1rem 1.5rem;border:3px dashed #b45f06;background:#fff8e6;color:#222">
<h2 id="preview-findings">核对提示（预览，不会发布）</h2><p>%s。只在 jixiao serve 的预览中显示；发布的网页不含核对提示。</p>
<ul>%s</ul></section>"""
ERROR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>构建出错</title>
<style>body{font-family:monospace;margin:2rem;background:#fff4f4;color:#700}pre{white-space:pre-wrap}</style>
</head><body><h1>构建出错</h1><p>修正后页面会自动刷新。</p><pre>%s</pre>%s</body></html>"""


@dataclass
class ServeState:
    """What the server shows: the output folder, a build counter, and the last error if any."""

    project: Path
    out_dir: Path
    build: int = 0
    error: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)  # guards build and error
    pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    pdf_site: SiteContext | None = None
    search: bool = True
    preview: Preview | None = None
    hosts: tuple[str, ...] = ()  # Host names answered besides this machine's (the bound host, --allow-host)
    shown: dict[int, frozenset[str] | None] = field(default_factory=dict)  # build → the files it changed (None: any)
    polls: list[tuple[int, str | None]] = field(default_factory=list)  # the long polls waiting: (since, page)
    returning: int = 0  # pages answered by the last step of a save, not polling again yet (they are reloading)
    saving: bool = False  # a save is being applied (its listing pages may follow its report's)

    def rebuild(self, log: Callable[[str], None], changed: list[Path] | None = None) -> None:
        """Build (the first time) or apply the changed files; on failure keep serving the last good site and
        remember the error."""
        preview = self.open_preview(log)
        self.saving = bool(changed)
        try:
            result = self.apply(preview, changed) if changed else preview.build()
        except JixiaoError as exc:
            message = exc.format(self.project)
            self.publish(message)
            log(message)
            return
        finally:
            self.saving = False
        if not changed:
            self.publish(None)
        log(f"已构建 {len(result.pages)} 份报告（重建 {result.rebuilt}）{result.seconds:.2f} 秒")

    def apply(self, preview: Preview, changed: list[Path]) -> BuildResult:
        """A save, published step by step (Preview.update: the pages it changed first). One that fails while its
        files are still being written — an editor's save in several writes that the watcher did not see together
        — is read again rather than shown as an error: the error stands once the files kept still (`settled`)."""
        for _ in range(SETTLE_ROUNDS - 1):
            stamps = stamps_of(changed)
            try:
                return preview.update(changed, self.show)
            except JixiaoError:
                if settled(changed, stamps):
                    raise
        return preview.update(changed, self.show)

    def show(self, names: list[str] | None) -> None:
        """Publish a step of a save, then give the pages it reloads the time to come back — their next long poll,
        once the page is fetched — before the next step's work, which would slow their requests down (the GIL);
        at most RELOAD_GRACE_SECONDS, for a page that does not come back."""
        with self.changed:
            self.publish(None, names)
            self.returning = sum(self.changed_since(since, page) for since, page in self.polls)
            self.changed.wait_for(lambda: self.returning <= 0, timeout=RELOAD_GRACE_SECONDS)

    def open_preview(self, log: Callable[[str], None]) -> Preview:
        """The preview, made before the first build so that a page asked for while it runs is waited for."""
        if self.preview is None:
            self.preview = Preview(self.project, self.out_dir, self.search, log)
        return self.preview

    def publish(self, error: str | None, names: list[str] | None = None) -> None:
        """A new build is ready, which changed the files `names` of the site (None: any, as does a change of the
        error): the pages waiting on the state for one of them are answered now."""
        with self.changed:
            everything = names is None or error != self.error
            self.error, self.build = error, self.build + 1
            self.shown[self.build] = None if everything else frozenset(names)
            self.shown.pop(self.build - SHOWN_KEPT, None)
            self.changed.notify_all()

    def snapshot(self, since: int | None, page: str | None = None) -> dict:
        """The build number, the error, whether the site is still being updated after a save (its listing pages, the
        background refresh of search and open data), and
        whether the page polling (`page`, its path; None: any) should reload; with `since`, once a build after it
        changed that page (or after a while)."""
        with self.changed:
            if since is not None:
                self.returning -= 1  # a page back (after its reload, or any other: only a wait is shortened)
                self.changed.notify_all()
                self.polls.append((since, page))
                try:
                    self.changed.wait_for(lambda: self.changed_since(since, page), timeout=LONG_POLL_SECONDS)
                finally:
                    self.polls.remove((since, page))
            refreshing = self.saving or (self.preview is not None and self.preview.background.active())
            reload = since is not None and self.changed_since(since, page)
            return {"build": self.build, "error": self.error, "refreshing": refreshing, "reload": reload}

    def changed_since(self, since: int, page: str | None) -> bool:
        """Whether a build after `since` changed the file `page` names (a folder: its index.html); any build when
        `page` is None, or when `since` is not a build this state remembers (a server started again)."""
        if page is None or not self.build - SHOWN_KEPT < since <= self.build:
            return since != self.build
        name = page.lstrip("/") + ("index.html" if page.endswith("/") or not page else "")
        return any(self.shown.get(b) is None or name in self.shown[b] for b in range(since + 1, self.build + 1))

    def early_file(self, path: str) -> tuple[Path, bytes] | None:
        """During the first build: a report's page as soon as that report is rendered (it is rendered before the
        rest), or a stylesheet; None when the first build is over, or for any other file, which waits for it.
        The wait has no limit of its own: before its report, a large site's first build parses every report (some
        seconds for a thousand), and a page given up on would wait for the whole build instead."""
        preview = self.preview
        with self.changed:
            if self.build or preview is None:
                return None
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        data = preview.first.file(name)
        return None if data is None else (self.out_dir / name, data)

    def wait_first_build(self) -> None:
        """Until the first build has ended (well or not): the server answers while it runs."""
        with self.changed:
            self.changed.wait_for(lambda: self.build > 0)

    def findings_of(self, page: Path) -> list[Finding] | None:
        """The findings of the report whose page this is, for the preview to show; None when the site publishes
        them on the page itself (公开核对提示) or the file is no report's page."""
        preview = self.preview
        if preview is None or preview.site is None or preview.site.config.public_findings:
            return None
        key = "/".join(page.relative_to(self.out_dir).parts[:2]) if page.name == "index.html" else None
        report = preview.pages.get(key) if key else None
        return report.findings if report else None

    def render_pdf(self, key: str, name: str) -> bytes | None:
        """A report's PDF (`name`: its file name), rendered when asked for; one at a time (WeasyPrint is not
        thread-safe), under its own lock so that pages keep being served meanwhile."""
        if not REPORT_KEY_RE.fullmatch(key) or self.preview is None:
            return None
        with self.pdf_lock:
            if self.pdf_site is None:
                self.pdf_site = open_site(self.project, with_pdf=True)
            return self.preview.render_pdf(key, name, self.pdf_site)


def preview_findings(findings: list[Finding] | None, root: Path) -> str:
    """The audit of a report as the preview shows it, under the page: marked as a preview, never published, with
    the author's 核对说明 (the site's pages carry no findings unless it opts in with 公开核对提示)."""
    if findings is None:
        return ""
    items = "".join(
        f'<li class="finding-{f.level}">{escape(f.location.describe(root))}: {escape(f.described)}'
        f" <code>[{escape(f.rule)}]</code></li>"
        for f in findings
    )
    count = "、".join(f"{label} {sum(f.level == level for f in findings)}" for level, label in PREVIEW_LEVELS)
    return PREVIEW_FINDINGS % (count, items or "<li>没有核对提示。</li>")


def make_handler(state: ServeState, timeout: float) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            self.timeout = timeout  # per socket operation: a stalled request is closed, its thread freed
            super().__init__(*args, directory=str(state.out_dir), **kwargs)

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
            pass

        def do_GET(self) -> None:
            self.answer()

        def do_HEAD(self) -> None:
            """The same answer as GET, so its headers (Content-Length) agree; send_bytes leaves out the body."""
            self.answer()

        def answer(self) -> None:
            """Refuse a foreign Host first (no draft may leak), then: the state, a PDF, a folder's redirect, the
            error page while the last build failed, a file."""
            url = urlsplit(self.path)
            path = unquote(url.path)
            host = self.headers.get("Host")
            if not host_allowed(host, state.hosts):
                return self.send_text(
                    403,
                    f"拒绝访问: 本预览只回答本机地址（127.0.0.1、localhost），不回答「{host}」。\n"
                    "  提示: 用本机地址打开；确需用这个名称访问时，启动时加 --allow-host 名称。",
                )
            if path == STATE_PATH:
                return self.send_state(url.query)
            early = state.early_file(path)
            if early is not None:
                return self.send_content(*early)
            state.wait_first_build()
            if path.endswith(MADE_ON_REQUEST) and self.send_made(path):
                return None
            target = served_path(state.out_dir, self.translate_path(url.path))
            if target is not None and target.is_dir() and not url.path.endswith("/"):
                return self.redirect("/" + url.path.lstrip("/") + "/" + (f"?{url.query}" if url.query else ""))
            error = state.snapshot(None)["error"]
            if error is not None and (path.endswith("/") or path.endswith(".html")):
                page = ERROR_PAGE % (escape(error), RELOAD_SCRIPT)
                return self.send_bytes(page.encode("utf-8"), "text/html; charset=utf-8", 500)
            if target is None:
                return self.send_text(404, f"找不到 {path}")
            return self.send_file(target / "index.html" if target.is_dir() else target)

        def send_state(self, query: str) -> None:
            """The build state; `since` (a build number) makes it a long poll, answered when a build changed `page`
            (the path of the page polling; without it, any build). Anything else is refused."""
            asked = parse_qs(query, keep_blank_values=True)
            since, page = asked.get("since"), asked.get("page")
            if since is not None and (len(since) != 1 or not re.fullmatch(r"[0-9]{1,18}", since[0])):
                return self.send_text(400, "无效的查询: since 应是一个构建编号（数字）。")
            if page is not None and len(page) != 1:
                return self.send_text(400, "无效的查询: page 应是一个网页的路径。")
            snapshot = state.snapshot(int(since[0]) if since else None, unquote(page[0]) if page else None)
            self.send_bytes(json.dumps(snapshot, ensure_ascii=False).encode("utf-8"), "application/json", 200)

        def send_made(self, path: str) -> bool:
            """A report's PDF, Word or Excel file, made now from the model in memory (the preview writes none of
            them while it builds); False when the path names none of a report's own documents (a scan the bundle
            publishes, say), which is then served as a file."""
            parts = path.strip("/").split("/")
            key = "/".join(parts[:2])
            if len(parts) != 3 or not REPORT_KEY_RE.fullmatch(key) or state.preview is None:
                return False
            try:
                made = state.render_pdf if parts[2].endswith(".pdf") else state.preview.render_office
                data = made(key, parts[2])
            except JixiaoError as exc:
                self.send_text(500, exc.format(state.project))
                return True
            if data is None:
                return False
            self.send_bytes(data, self.guess_type(parts[2]), 200)
            return True

        def send_file(self, target: Path) -> None:
            """A page with the reload script added, or any other file as it is."""
            try:
                data = target.read_bytes()
            except OSError:  # gone meanwhile: a full build has just swapped the folder
                return self.send_text(404, f"找不到 {target.name}")
            self.send_content(target, data)

        def send_content(self, target: Path, data: bytes) -> None:
            if target.suffix == ".html":
                shown = preview_findings(state.findings_of(target), state.project)
                html = data.decode("utf-8").replace("</body>", shown + RELOAD_SCRIPT + "</body>")
                return self.send_bytes(html.encode("utf-8"), "text/html; charset=utf-8", 200)
            self.send_bytes(data, self.guess_type(str(target)), 200)

        def redirect(self, location: str) -> None:
            """A folder named without its slash: its pages' relative links resolve only from the slash form."""
            self.send_bytes(b"", "text/plain; charset=utf-8", 301, {"Location": location})

        def send_text(self, status: int, text: str) -> None:
            self.send_bytes(text.encode("utf-8"), "text/plain; charset=utf-8", status)

        def send_bytes(
            self, body: bytes, content_type: str, status: int, headers: dict[str, str] | None = None
        ) -> None:
            """The one way every answer goes out: the same headers for GET and HEAD, the body for GET only."""
            self.send_response(status)
            for name, value in {
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                **(headers or {}),
            }.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


class PreviewServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer with a real listen backlog (the default of 5 drops connections when many browsers
    load at once), and quiet about clients that hang up or stall: the terminal is for the builds."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, log: Callable[[str], None]):
        self.log = log
        self.address_family = socket.getaddrinfo(*address, type=socket.SOCK_STREAM)[0][0]  # IPv4 or IPv6 (::1)
        super().__init__(address, handler)

    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.log(f"预览服务器回答请求时出错: {error!r}")


def open_server(
    state: ServeState, host: str, port: int, log: Callable[[str], None], timeout: float = REQUEST_TIMEOUT_SECONDS
) -> PreviewServer:
    """Bind the preview's address, before the first build, so that a port in use is said at once."""
    try:
        return PreviewServer((host, port), make_handler(state, timeout), log)
    except OSError as exc:
        reason, hint = (
            ("找不到主机 {host}", HOST_HINT)
            if isinstance(exc, socket.gaierror)
            else BIND_ERRORS.get(exc.errno or 0, (describe_os_error(exc), "检查 --host 和 --port。"))
        )
        names = {"host": host, "port": port, "other": port + 1 if port < 65535 else 8000}
        raise JixiaoError(
            f"{host}:{port}: error: 无法启动预览（{reason.format(**names)}）\n  提示: {hint.format(**names)}"
        ) from None


def host_allowed(header: str | None, extra: tuple[str, ...]) -> bool:
    """Whether a Host header names this machine: localhost, any IP address (a DNS-rebinding page can only use a
    name it owns) or a name allowed by the user. No header: not a browser, so no rebinding."""
    if header is None:
        return True
    name = re.sub(r":[0-9]*$", "", header.strip()).lower()
    if name in (n.lower() for n in extra) or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


def served_path(out_dir: Path, translated: str) -> Path | None:
    """The file or folder (one with an index.html) a request names inside the served folder, or None: outside the
    folder (`..`, `%2f`, a symlink), missing, or a name the system cannot look up (a NUL byte, too long a name)."""
    try:
        target = Path(translated)
        page = target / "index.html" if target.is_dir() else target
        if page.resolve().is_relative_to(out_dir.resolve()) and page.is_file():
            return target
    except (ValueError, OSError):
        pass
    return None


def stamps_of(paths: list[Path]) -> list[tuple[int, ...] | None]:
    """What each file is recognised by (load.stamp_of); None for one that is gone."""
    stamps: list[tuple[int, ...] | None] = []
    for path in paths:
        try:
            stamps.append(stamp_of(path.stat()))
        except OSError:
            stamps.append(None)
    return stamps


def settled(paths: list[Path], stamps: list[tuple[int, ...] | None]) -> bool:
    """Whether the files are as they were before a failed read, a moment after it: their save was complete."""
    time.sleep(SETTLE_SECONDS)
    return stamps_of(paths) == stamps


def watched_paths(project: Path) -> list[Path]:
    """content/ (with site.yaml), layouts/ and themes/ of the project, where they exist."""
    return [p for p in (project / CONTENT_DIR, project / "layouts", project / "themes") if p.is_dir()]


def watch_saves(project: Path, stop: threading.Event) -> Iterator[list[Path]]:
    """The files changed by each save, from a watcher armed before this returns: a save made during the first
    build, or just after the address is printed, is not lost (it is applied right after that build). A batch is
    given once no other change came for WATCH_STEP_MS — an editor's save, truncate and write or a temporary file
    renamed over, comes at once — or 300 ms after its first while changes keep coming; a save split anyway is read
    again until its files keep still (ServeState.apply), so its first half's error is not shown."""
    changes = watchfiles.watch(
        *watched_paths(project),
        stop_event=stop,
        debounce=300,
        step=WATCH_STEP_MS,
        rust_timeout=WATCH_WAKE_MS,
        yield_on_timeout=True,
    )
    next(changes)  # starts the watcher; what it may already have seen, the first build reads anyway
    return (sorted(Path(path) for _, path in batch) for batch in changes if batch)


def serve(
    project: Path,
    host: str,
    port: int,
    log: Callable[[str], None],
    ready: Callable[[str], None],
    search: bool = True,
    allow_hosts: tuple[str, ...] = (),
) -> None:
    """Run until interrupted: build, serve, watch, rebuild."""
    project = project.resolve()
    work = Path(tempfile.mkdtemp(prefix="jixiao-serve-"))
    state = ServeState(project, work / "site", search=search, hosts=(host, *allow_hosts))
    stop = threading.Event()
    with terminated_cleanly():
        run_preview(state, host, port, log, ready, stop, work)


def run_preview(
    state: ServeState,
    host: str,
    port: int,
    log: Callable[[str], None],
    ready: Callable[[str], None],
    stop: threading.Event,
    work: Path,
) -> None:
    """Build, serve and rebuild until Ctrl-C or SIGTERM; the temporary site is removed either way."""
    try:
        server = open_server(state, host, port, log)
        saves = watch_saves(state.project, stop)
        state.open_preview(log)
        threading.Thread(target=server.serve_forever, daemon=True).start()  # a page is served before the rest
        ready(server.url())  # before the first build: its pages are answered while it runs (preview.FirstPages)
        state.rebuild(log)
        for changed in saves:
            state.rebuild(log, changed)
    except (KeyboardInterrupt, SystemExit):
        pass  # Ctrl-C, or SIGTERM (terminated_cleanly turns it into SystemExit)
    finally:
        stop.set()
        shutil.rmtree(work, ignore_errors=True)
