"""Stage: the authoring loop end to end — `jixiao serve` rebuilds, reloads, shows errors, recovers."""

import http.client
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8", "replace")


def wait_for(predicate, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.fixture
def server(project: Path):
    process = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line + process.stderr.read()
        yield line.split()[1].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_shows_errors_and_recovers(project, server):
    page = f"{server}/2024/demo/index.html"
    status, kind, html = fetch(page)
    assert status == 200 and "text/html" in kind
    assert "预算执行率为 75.00%" in html and "__jixiao__/state" in html  # the reload script is injected
    build = json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"]

    report = project / "content/2024/demo/report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("全年执行数: 150", "全年执行数: 160"), encoding="utf-8")
    # 160 ÷ 200 = 80.00 %
    wait_for(lambda: "预算执行率为 80.00%" in fetch(page)[2])
    # the counter moves once the build has finished (just after its files were swapped into place)
    wait_for(lambda: json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"] > build)

    report.write_text(text.replace("全年执行数: 150", "全年执行数: [160"), encoding="utf-8")
    status, _, html = wait_for(lambda: (r := fetch(page))[0] == 500 and r)
    assert "构建出错" in html and "report.yaml:11" in html and "YAML 语法错误" in html

    report.write_text(text.replace("全年执行数: 150", "全年执行数: 170"), encoding="utf-8")
    wait_for(lambda: "预算执行率为 85.00%" in fetch(page)[2])  # 170 ÷ 200


def test_serve_renders_pdf_on_demand(server):
    page = fetch(f"{server}/2024/demo/index.html")[2]
    assert 'href="demo.pdf"' in page
    with urllib.request.urlopen(f"{server}/2024/demo/demo.pdf", timeout=60) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


@pytest.fixture
def preview(project: Path, tmp_path: Path):
    """The preview server of the fixture project, in this process (without watching files): its state and URL.
    A file `secret.html` lies beside the served folder, and one level further up, for traversal attempts."""
    from jixiao.serve import ServeState, make_handler

    state = ServeState(project.resolve(), tmp_path / "preview" / "site", search=False)
    state.rebuild(lambda message: None)
    for folder in (tmp_path, tmp_path / "preview"):
        (folder / "secret.html").write_text("<p>SECRET</p>", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, server.server_address[1]
    server.shutdown()
    server.server_close()


def request_raw(port: int, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (urllib would normalise it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


TRAVERSALS = [
    "/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/../../../../../../../etc/passwd",
    "//etc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/..%5c..%5c..%5cetc%5cpasswd",
    "/..\\..\\..\\etc\\passwd",
    "/..%2fsecret.html",
    "/..%2f..%2fsecret.html",
    "/2024/demo/..%2f..%2f..%2fsecret.html",
    "/2024/..%2f..%2f..%2f..%2fsecret.html",
    "/%2e%2e/secret.html",
    "/2024/demo/..%2f..%2f..%2f..%2fsecret.pdf",
    "/..%2f..%2f..%2f..%2f..%2f..%2fetc/x/y.pdf",
    "/%00",
    "/index.html%00.pdf",
    "/" + "a" * 5000 + ".html",
]


@pytest.mark.parametrize("path", TRAVERSALS, ids=range(len(TRAVERSALS)))
def test_serve_never_answers_with_a_file_outside_the_site(preview, path):
    _, port = preview
    status, body = request_raw(port, path)
    assert status == 404
    assert b"SECRET" not in body and b"root:" not in body
    assert request_raw(port, "/2024/demo/index.html")[0] == 200  # and it keeps serving


def test_a_page_is_answered_while_a_pdf_renders(preview, monkeypatch):
    """The PDF is held in the middle of its rendering until the page has been answered; with one lock for both,
    the page request would wait for the PDF, which waits for the page, and the request would time out."""
    from jixiao import preview as model

    state, port = preview
    rendering, finish = threading.Event(), threading.Event()
    real_build_report = model.build_report

    def held_build_report(*args):
        rendering.set()
        finish.wait()
        return real_build_report(*args)
    monkeypatch.setattr(model, "build_report", held_build_report)
    answers = {}
    pdf = threading.Thread(target=lambda: answers.update(pdf=request_raw(port, "/2024/demo/demo.pdf")))
    pdf.start()
    try:
        assert rendering.wait(60)
        answers["page"] = request_raw(port, "/2024/demo/index.html")
        assert "pdf" not in answers  # the page came first: the PDF is still held
    finally:
        finish.set()
        pdf.join(120)
    assert answers["page"][0] == 200 and b"demo.pdf" in answers["page"][1]
    assert answers["pdf"][0] == 200 and answers["pdf"][1][:5] == b"%PDF-"


def test_sigterm_removes_the_preview_folder(project, tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0", "--no-search"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "TMPDIR": str(temporary)})
    try:
        assert "http://127.0.0.1:" in process.stdout.readline()
        assert [p.name.startswith("jixiao-serve-") for p in temporary.iterdir()] == [True]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        process.kill()
    assert list(temporary.iterdir()) == []
