"""`jixiao serve`: build, serve on localhost, apply each save, reload the open page.

The site lives in a Preview (preview.py): built once into a temporary folder — starting from the
project's built site/ when there is one — and then updated save by save in memory, so a save
reaches the browser in a fraction of a second even on a site of a thousand reports. Pages are
served with a small script that asks `/__jixiao__/state?since=N` and is answered as soon as the
build number passes N (a long poll), then reloads. While the last build failed, every page shows
the error (and the terminal prints it); the server keeps running and recovers on the next good
build. PDFs are rendered on demand when their link is opened.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlparse

import watchfiles
from markupsafe import escape

from .build import terminated_cleanly
from .errors import JixiaoError
from .preview import Preview
from .site import CONTENT_DIR, SiteContext, open_site

STATE_PATH = "/__jixiao__/state"
LONG_POLL_SECONDS = 25.0
RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  function poll() {
    fetch("%s" + (seen === null ? "" : "?since=" + seen)).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build; poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>""" % STATE_PATH
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

    def rebuild(self, log: Callable[[str], None], changed: list[Path] | None = None) -> None:
        """Build (the first time) or apply the changed files; on failure keep serving the last good site and
        remember the error."""
        if self.preview is None:
            self.preview = Preview(self.project, self.out_dir, self.search, log)
        try:
            result = self.preview.update(changed) if changed else self.preview.build()
        except JixiaoError as exc:
            message = exc.format(self.project)
            self.publish(message)
            log(message)
            return
        self.publish(None)
        log(f"已构建 {len(result.pages)} 份报告（重建 {result.rebuilt}）{result.seconds:.2f} 秒")

    def publish(self, error: str | None) -> None:
        """A new build is ready: the pages waiting on the state are answered now."""
        with self.changed:
            self.error, self.build = error, self.build + 1
            self.changed.notify_all()

    def snapshot(self, since: int | None) -> dict:
        """The build number, the error, and whether the background refresh (search, open data) is still running;
        with `since`, once the build number differs (or after a while)."""
        with self.changed:
            if since is not None:
                self.changed.wait_for(lambda: self.build != since, timeout=LONG_POLL_SECONDS)
            refreshing = self.preview is not None and self.preview.background.active()
            return {"build": self.build, "error": self.error, "refreshing": refreshing}

    def render_pdf(self, key: str) -> bytes | None:
        """A report's PDF, rendered when asked for; one at a time (WeasyPrint is not thread-safe), under
        its own lock so that pages keep being served meanwhile."""
        if not re.fullmatch(r"[0-9]{4}/[a-z0-9][a-z0-9-]*", key) or self.preview is None:
            return None
        with self.pdf_lock:
            if self.pdf_site is None:
                self.pdf_site = open_site(self.project, with_pdf=True)
            return self.preview.render_pdf(key, self.pdf_site)


def make_handler(state: ServeState) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(state.out_dir), **kwargs)

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
            pass

        def do_GET(self) -> None:
            path = unquote(urlparse(self.path).path)
            if path == STATE_PATH:
                since = parse_qs(urlparse(self.path).query).get("since", [""])[0]
                snapshot = state.snapshot(int(since) if since.isdigit() else None)
                return self.send_bytes(json.dumps(snapshot, ensure_ascii=False).encode("utf-8"), "application/json",
                                       200)
            if path.endswith(".pdf"):
                return self.send_pdf(path)
            error = state.snapshot(None)["error"]
            if error is not None and (path.endswith("/") or path.endswith(".html")):
                page = ERROR_PAGE % (escape(error), RELOAD_SCRIPT)
                return self.send_bytes(page.encode("utf-8"), "text/html; charset=utf-8", 500)
            target = served_file(state.out_dir, self.translate_path(self.path))
            if target is None:
                return self.send_error(404)
            if target.suffix == ".html":
                html = target.read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT + "</body>")
                return self.send_bytes(html.encode("utf-8"), "text/html; charset=utf-8", 200)
            return super().do_GET()

        def send_pdf(self, path: str) -> None:
            parts = path.strip("/").split("/")
            try:
                data = state.render_pdf("/".join(parts[:2])) if len(parts) == 3 else None
            except JixiaoError as exc:
                return self.send_bytes(exc.format(state.project).encode("utf-8"), "text/plain; charset=utf-8", 500)
            if data is None:
                return self.send_error(404)
            self.send_bytes(data, "application/pdf", 200)

        def send_bytes(self, body: bytes, content_type: str, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def served_file(out_dir: Path, translated: str) -> Path | None:
    """The file a request names inside the served folder (a folder's index.html), or None: outside the folder
    (`..`, `%2f`, a symlink), missing, or a name the system cannot look up (a NUL byte, too long a name)."""
    try:
        target = Path(translated)
        if target.is_dir():
            target = target / "index.html"
        if target.resolve().is_relative_to(out_dir.resolve()) and target.is_file():
            return target
    except (ValueError, OSError):
        pass
    return None


def watched_paths(project: Path) -> list[Path]:
    """content/ (with site.yaml), layouts/ and themes/ of the project, where they exist."""
    return [p for p in (project / CONTENT_DIR, project / "layouts", project / "themes") if p.is_dir()]


def serve(project: Path, host: str, port: int, log: Callable[[str], None],
          ready: Callable[[str], None], search: bool = True) -> None:
    """Run until interrupted: build, serve, watch, rebuild."""
    project = project.resolve()
    work = Path(tempfile.mkdtemp(prefix="jixiao-serve-"))
    state = ServeState(project, work / "site", search=search)
    stop = threading.Event()
    with terminated_cleanly():
        run_preview(state, host, port, log, ready, stop, work)


def run_preview(state: ServeState, host: str, port: int, log: Callable[[str], None], ready: Callable[[str], None],
                stop: threading.Event, work: Path) -> None:
    """Build, serve and rebuild until Ctrl-C or SIGTERM; the temporary site is removed either way."""
    project = state.project
    try:
        state.rebuild(log)
        server = http.server.ThreadingHTTPServer((host, port), make_handler(state))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ready(f"http://{host}:{server.server_address[1]}/")
        for changes in watchfiles.watch(*watched_paths(project), stop_event=stop, debounce=300, step=50):
            state.rebuild(log, sorted(Path(path) for _, path in changes))
    except (KeyboardInterrupt, SystemExit):
        pass  # Ctrl-C, or SIGTERM (terminated_cleanly turns it into SystemExit)
    finally:
        stop.set()
        shutil.rmtree(work, ignore_errors=True)
