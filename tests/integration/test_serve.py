"""Stage: the authoring loop end to end — `jixiao serve` rebuilds, reloads, shows errors, recovers."""

import http.client
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import edit, run_jixiao, write

from jixiao.errors import JixiaoError

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
def server(project: Path, tmp_path: Path):
    """`jixiao serve` of the project in a subprocess: its URL. What it prints besides goes to serve.log in
    tmp_path (a file: a pipe nobody reads would stall the server once full)."""
    with (tmp_path / "serve.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line + (tmp_path / "serve.log").read_text(encoding="utf-8")
        yield line.split()[1].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_shows_errors_and_recovers(project, server):
    page = f"{server}/2024/demo/index.html"
    status, kind, html = fetch(page)
    assert status == 200 and "text/html" in kind
    assert "预算执行率为 75%" in html and "__jixiao__/state" in html  # the reload script is injected
    build = json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"]

    report = project / "content/2024/demo/report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("全年执行数: 150", "全年执行数: 160"), encoding="utf-8")
    # 160 ÷ 200 = 80.00 %
    wait_for(lambda: "预算执行率为 80%" in fetch(page)[2])
    # the counter moves once the build has finished (just after its files were swapped into place)
    wait_for(lambda: json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"] > build)

    report.write_text(text.replace("全年执行数: 150", "全年执行数: [160"), encoding="utf-8")
    status, _, html = wait_for(lambda: (r := fetch(page))[0] == 500 and r)
    assert "构建出错" in html and "report.yaml:11" in html and "YAML 语法错误" in html

    report.write_text(text.replace("全年执行数: 150", "全年执行数: 170"), encoding="utf-8")
    wait_for(lambda: "预算执行率为 85%" in fetch(page)[2])  # 170 ÷ 200


def test_serve_renders_pdf_on_demand(server):
    page = fetch(f"{server}/2024/demo/index.html")[2]
    assert 'href="demo.pdf"' in page
    with urllib.request.urlopen(f"{server}/2024/demo/demo.pdf", timeout=60) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


def test_serve_answers_the_reports_own_pdf_beside_a_pdf_of_the_bundle(project, server):
    """A bundle may publish a PDF of its own (a scan); the report's PDF is found by its name, not as the first
    file ending in .pdf (the preview answered demo.pdf with the scan's bytes), and the scan is served as it is
    (the preview answered a-scan.pdf, and any other name ending in .pdf, with the report's PDF)."""
    scan = b"%PDF-1.4\n% a scanned attachment, not the report\n%%EOF\n"
    (project / "content/2024/demo/a-scan.pdf").write_bytes(scan)
    wait_for(lambda: fetch(f"{server}/2024/demo/a-scan.pdf")[0] == 200)
    with urllib.request.urlopen(f"{server}/2024/demo/demo.pdf", timeout=60) as response:
        report_pdf = response.read()
    assert report_pdf[:5] == b"%PDF-" and report_pdf != scan
    with urllib.request.urlopen(f"{server}/2024/demo/a-scan.pdf", timeout=60) as response:
        assert response.read() == scan
    assert fetch(f"{server}/2024/demo/other.pdf")[0] == 404


@pytest.fixture
def preview_server(project: Path, tmp_path: Path):
    """The preview server of the fixture project, in this process (without watching files): its state and server,
    which also answers the name preview.test. A file `secret.html` lies beside the served folder, and one level
    further up, for traversal attempts. What the server logs goes to stderr."""
    from jixiao.serve import ServeState, open_server

    state = ServeState(project.resolve(), tmp_path / "preview" / "site", search=False, hosts=("preview.test",))
    state.rebuild(lambda message: None)
    for folder in (tmp_path, tmp_path / "preview"):
        (folder / "secret.html").write_text("<p>SECRET</p>", encoding="utf-8")
    server = open_server(state, "127.0.0.1", 0, lambda message: print(message, file=sys.stderr))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, server
    server.shutdown()
    server.server_close()


@pytest.fixture
def preview(preview_server):
    """The in-process preview: its state and port."""
    state, server = preview_server
    return state, server.server_address[1]


def request_raw(port: int, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (urllib would normalise it)."""
    status, _, body = request(port, path)
    return status, body


def request(port: int, path: str, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request as written, with the Host header given (else 127.0.0.1:port): status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
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
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0", "--no-search"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        assert "http://127.0.0.1:" in process.stdout.readline()
        assert [p.name.startswith("jixiao-serve-") for p in temporary.iterdir()] == [True]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        process.kill()
    assert list(temporary.iterdir()) == []


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def closed_by_server(connection: socket.socket) -> bool:
    """Whether the server closes this connection within a minute (it sends nothing on a timed-out request)."""
    connection.settimeout(60)
    try:
        return connection.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def send_request(port: int, text: str) -> socket.socket:
    """A connection that sends `text` (a request, or the start of one). The handshake is the kernel's, from the
    listen backlog: it completes whether or not the server has accepted the connection yet."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(text.encode())
    connection.settimeout(60)
    return connection


def read_response(connection: socket.socket) -> tuple[int, bytes]:
    response = http.client.HTTPResponse(connection)
    response.begin()
    return response.status, response.read()


def test_serve_answers_200_requests_at_once_times_out_slow_clients_and_survives_saves(project, tmp_path, capfd):
    """While the server is not yet accepting (as during serve's first build), 50 clients send half a request and
    200 send a whole one: all 250 wait in the listen backlog (with the old backlog of 5, the 7th connection
    already waited for its SYN to be sent again). Once it serves, the 200 are answered and the 50 are closed by
    the request timeout; then a broken save shows the error and a good one brings the page back. Needs a
    kernel whose somaxconn is at least 250 (Linux 5.4+: 4096)."""
    from jixiao.serve import ServeState, open_server

    def log(message: str) -> None:
        print(message, file=sys.stderr)

    state = ServeState(project.resolve(), tmp_path / "preview" / "site", search=False)
    state.rebuild(log)
    server = open_server(state, "127.0.0.1", 0, log, timeout=2)
    port, page = server.server_address[1], "/2024/demo/index.html"
    connections, serving = [], threading.Thread(target=server.serve_forever, daemon=True)
    try:
        slow = [send_request(port, f"GET {page} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: ") for _ in range(50)]
        connections += slow
        paths = ["/", "/2024/", "/2024/demo/", page, "/__jixiao__/state"] * 40
        waiting = [send_request(port, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n") for path in paths]
        connections += waiting
        serving.start()
        assert [read_response(connection)[0] for connection in waiting] == [200] * len(paths)
        assert all(closed_by_server(connection) for connection in slow)

        report = project / "content/2024/demo/report.yaml"
        edit(report, "全年执行数: 150", "全年执行数: [150")
        state.rebuild(log, [report])  # what the watcher does on a save
        status, _, html = request(port, page)
        assert status == 500 and "构建出错".encode() in html and "YAML 语法错误".encode() in html
        edit(report, "全年执行数: [150", "全年执行数: 160")
        state.rebuild(log, [report])
        status, _, html = request(port, page)
        assert status == 200 and "预算执行率为 80%".encode() in html
        assert request(port, "/2024/demo/")[0] == 200
    finally:
        for connection in connections:
            connection.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


def test_serve_started_on_an_input_error_shows_it_and_recovers(project, tmp_path):
    """The first build fails: every page shows the error; the save that fixes it brings the site (it used to stop
    serve with an AssertionError)."""
    report = project / "content/2024/demo/report.yaml"
    edit(report, "全年执行数: 150", "全年执行数: [150")
    with (tmp_path / "serve.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        port = port_of(process.stdout.readline().split()[1].rstrip("/"))
        status, _, html = request(port, "/2024/demo/index.html")
        assert status == 500 and b"report.yaml:11" in html and "YAML 语法错误".encode() in html
        edit(report, "全年执行数: [150", "全年执行数: 170")
        wait_for(lambda: "预算执行率为 85%".encode() in request(port, "/2024/demo/index.html")[2])
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "Traceback" not in (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_serve_says_when_its_port_is_in_use(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_jixiao("serve", project, "--port", port)
    assert result.returncode == 1
    assert f"127.0.0.1:{port}: error: 无法启动预览（端口 {port} 已被占用）" in result.stderr
    assert "  提示: 用 --port 换一个端口" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "query",
    [
        "since=%C2%B2",
        "since=%EF%BC%91",
        "since=-1",
        "since=1.5",
        "since=",
        "since=abc",
        "since=1&since=2",
        "since=" + "9" * 40,
    ],
)
def test_a_bad_state_query_is_refused(preview, query):
    _, port = preview
    status, _, body = request(port, f"/__jixiao__/state?{query}")
    assert status == 400 and "since 应是一个构建编号" in body.decode("utf-8")
    assert json.loads(request(port, "/__jixiao__/state?since=0")[2])["build"] == 1  # the state still answers


@pytest.mark.parametrize(
    "path", ["/", "/2024/", "/2024/demo/", "/2024/demo/index.html", "/__jixiao__/state", "/2024/demo", "/missing.html"]
)
def test_head_and_get_give_the_same_headers(preview, path):
    _, port = preview
    get_status, get_headers, body = request(port, path)
    head_status, head_headers, nothing = request(port, path, "HEAD")
    assert (head_status, nothing) == (get_status, b"")
    assert head_headers["Content-Length"] == get_headers["Content-Length"] == str(len(body))
    assert head_headers["Content-Type"] == get_headers["Content-Type"]


@pytest.mark.parametrize(
    "path, location",
    [
        ("/2024/demo", "/2024/demo/"),
        ("/2024", "/2024/"),
        ("/2024/demo?q=%E7%BB%A9", "/2024/demo/?q=%E7%BB%A9"),
        ("//2024/demo", "/2024/demo/"),
    ],
)
def test_a_folder_without_its_slash_is_redirected(preview, path, location):
    _, port = preview
    status, headers, _ = request(port, path)
    assert (status, headers["Location"]) == (301, location)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "[::1]:{port}",
        "localhost",
        "app.localhost:{port}",
        "192.168.1.20:{port}",
        "preview.test:{port}",
    ],
)
def test_the_names_of_this_machine_are_answered(preview, host):
    _, port = preview
    assert request(port, "/2024/demo/index.html", host=host.format(port=port))[0] == 200


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",
        "attacker.example",
        "localhost.attacker.example",
        "127.0.0.1.nip.io:{port}",
        "evil.test",
    ],
)
def test_another_host_name_is_refused(preview, host):
    """A DNS-rebinding page (its own name pointed at 127.0.0.1) sends its own name: it must not read drafts."""
    _, port = preview
    for path in ("/2024/demo/index.html", "/__jixiao__/state", "/2024/demo/demo.pdf"):
        status, _, body = request(port, path, host=host.format(port=port))
        assert status == 403 and "拒绝访问" in body.decode("utf-8") and "预算执行率" not in body.decode("utf-8")


def test_a_client_that_hangs_up_on_a_pdf_is_not_an_error(preview_server, monkeypatch, capfd):
    """The client resets its connection before the PDF is sent: nothing is printed (it was a traceback)."""
    state, server = preview_server
    port = server.server_address[1]
    hung_up, closed = threading.Event(), threading.Event()
    monkeypatch.setattr(state, "render_pdf", lambda key, name: hung_up.wait(60) and b"%PDF-" + b"0" * 8_000_000)
    close = server.shutdown_request
    monkeypatch.setattr(server, "shutdown_request", lambda request: (close(request), closed.set()))
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(f"GET /2024/demo/demo.pdf HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()  # a reset, as when a browser's download is cancelled
    hung_up.set()
    assert closed.wait(60)  # the server is done with that connection
    assert capfd.readouterr().err == ""
    assert request(port, "/2024/demo/index.html")[0] == 200


def test_serve_listens_on_ipv6_loopback(project, tmp_path):
    from jixiao.serve import ServeState, open_server

    state = ServeState(project.resolve(), tmp_path / "site", search=False, hosts=("::1",))
    state.rebuild(lambda message: None)
    try:
        server = open_server(state, "::1", 0, lambda message: None)
    except JixiaoError:
        pytest.skip("no IPv6 loopback on this machine")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert server.url().startswith("http://[::1]:")
        assert fetch(server.url() + "2024/demo/index.html")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


def test_the_open_page_reloads_after_a_save(project, server, browser):
    """The page's own script (a long poll of /__jixiao__/state) reloads it in Chromium after a save."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server}/2024/demo/index.html")
        assert "预算执行率为 75%" in page.inner_text("body")
        edit(project / "content/2024/demo/report.yaml", "全年执行数: 150", "全年执行数: 160")
        page.wait_for_function("document.body.innerText.includes('预算执行率为 80%')", timeout=30000)
    finally:
        context.close()


def first_build_server(tmp_path, project, request_timeout: float = 10.0):
    """A preview of `project` whose server answers before its first build starts (as `jixiao serve` does)."""
    from jixiao.preview import Preview
    from jixiao.serve import ServeState, open_server

    state = ServeState(project.resolve(), tmp_path / "preview" / "site", search=False)
    state.preview = Preview(state.project, state.out_dir, False, lambda message: None)
    server = open_server(state, "127.0.0.1", 0, lambda message: None, timeout=request_timeout)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


def first_build_while(state, server, ask) -> None:
    """The first build, run while `ask` (in a thread) requests a page, asked for before the build starts."""
    asking = threading.Thread(target=ask)
    asking.start()
    deadline = time.monotonic() + 10
    while not state.preview.first.asked and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        state.rebuild(lambda message: None)
    finally:
        asking.join(60)
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("request_timeout, delay", [(10.0, 0.0), (0.2, 0.6)], ids=["quick", "after-the-timeout"])
def test_the_first_page_asked_for_is_answered_before_the_other_reports_render(
    tmp_path, monkeypatch, request_timeout, delay
):
    """While the first build runs, the report asked for is rendered first and served from the build as soon as its
    files are written: the answer comes before any other report is rendered (the others wait for it here). Also
    when the page is ready only after the server's request timeout (a large site parses every report first): it
    was then given up on and answered after the whole build, 52 s at 1000 reports instead of 8."""
    from conftest import composite

    from jixiao import workers

    project = composite(tmp_path)  # 8 reports, in listing order 2023 first, then 2022/shili-juesuan, then 2020
    state, server = first_build_server(tmp_path, project, request_timeout)
    events, answered = [], threading.Event()
    real_build_report = workers.build_report

    def watched(site, library, model, key):
        if key != "2022/shili-juesuan":
            answered.wait(10)
        else:
            time.sleep(delay)
        events.append(("render", key))
        return real_build_report(site, library, model, key)

    bodies = []

    def ask():
        status, _, body = request(server.server_address[1], "/2022/shili-juesuan/")
        events.append(("answered", status))
        bodies.append(body)
        answered.set()

    monkeypatch.setattr(workers, "build_report", watched)
    first_build_while(state, server, ask)
    assert events[:2] == [("render", "2022/shili-juesuan"), ("answered", 200)], events
    assert "示例中心2022年度部门决算说明" in bodies[0].decode("utf-8") and b"/__jixiao__/state" in bodies[0]
    # made early from its year's summaries, then rendered again by the build with the other 7 reports
    assert len(events) == 10 and state.build == 1 and state.error is None


def first_build_asked(tmp_path, monkeypatch, project, key, read_first):
    """`key`'s page asked for during the preview's first build, where the reports of years outside `read_first`
    are parsed only once it is answered (or after 10 s): the events in order, the answer's body, the state."""
    from jixiao import library as library_module

    state, server = first_build_server(tmp_path, project)
    events, answered = [], threading.Event()
    real_parse = library_module.parse_bundle

    def watched(bundle, types):
        if bundle.key.split("/")[0] not in read_first:
            answered.wait(10)
        events.append(("parse", bundle.key))
        return real_parse(bundle, types)

    bodies = []

    def ask():
        status, _, body = request(server.server_address[1], f"/{key}/")
        events.append(("answered", status))
        bodies.append(body)
        answered.set()

    monkeypatch.setattr(library_module, "parse_bundle", watched)
    first_build_while(state, server, ask)
    assert ("answered", 200) in events, events  # before: answered after every report, if in time
    answer = events.index(("answered", 200))
    assert {k.split("/")[0] for _, k in events[:answer]} == read_first, events
    assert len(events) == 9 and {k.split("/")[0] for _, k in events[answer + 1 :]}.isdisjoint(read_first), events
    return bodies[0].decode("utf-8"), state


@pytest.mark.parametrize(
    "key, title, read_first",
    [
        # reads last year's 决算 (上年): its year's reports and the year before's, not 2020's
        ("2023/shili-juesuan", "示例中心2023年度部门决算说明", {"2023", "2022"}),
        ("2020/huaihua-zhuanxiangzijin", "怀化市", {"2020"}),  # alone in its year: nothing else before it
    ],
)
def test_the_first_page_is_served_once_the_reports_it_reads_are_parsed(tmp_path, monkeypatch, key, title, read_first):
    """The preview's first build parses first the reports the page asked for reads of the site model (its year's,
    for 上一篇/下一篇; the year before's when it reads last year's figures) and makes the page from them: it is
    answered before the other reports are parsed (they wait for the answer here; before, every report was parsed
    first). The page so made is the page the build publishes, byte for byte."""
    from conftest import composite

    project = composite(tmp_path)  # 8 reports: five of 2023 and its shili-juesuan, whose 2022 it reads; one of 2020
    body, state = first_build_asked(tmp_path, monkeypatch, project, key, read_first)
    assert title in body and "/__jixiao__/state" in body
    assert state.preview.first.early[key] == (state.out_dir / key / "index.html").read_bytes()
    assert state.build == 1 and state.error is None


def test_a_first_page_made_early_beside_a_report_of_the_wrong_year_ends_with_its_error(tmp_path, monkeypatch):
    """A report of the page's year whose 年度 is another year's cannot be its neighbour: the page made early leaves
    it out, as a model of every report does (上一篇 is then the report before it), and the build then fails with
    that report's error at its line."""
    from conftest import composite

    project = composite(tmp_path)  # 2023/shili-juesuan's 上一篇 is luzhou-xiangmu-zipingbiao, and before it -baogao
    edit(project / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml", "年度: 2023", "年度: 2022")
    body, state = first_build_asked(tmp_path, monkeypatch, project, "2023/shili-juesuan", {"2023", "2022"})
    assert "示例中心2023年度部门决算说明" in body and 'href="../../2023/luzhou-xiangmu-baogao/index.html"' in body
    assert "luzhou-xiangmu-zipingbiao" not in body
    assert state.error is not None and "luzhou-xiangmu-zipingbiao/report.yaml:7" in state.error
    assert "年度 2022 与所在文件夹 2023/ 不一致" in state.error


def test_forked_workers_parse_the_first_pages_reports_first(tmp_path, monkeypatch):
    """With workers (a large site), each parses first the reports of its share the page asked for reads, and the
    page is made in the build's own process once their summaries are in, while the workers go on: the report of
    another year is parsed only after the answer (a worker waits for a file the answer writes)."""
    from conftest import composite

    from jixiao import library as library_module
    from jixiao import preview as preview_module
    from jixiao import workers

    project = composite(tmp_path)
    flag = tmp_path / "answered"
    real_parse, real_make = library_module.parse_bundle, preview_module.FirstPages.make_early
    settled = []

    def held(bundle, types):  # in a worker: 2020's report waits for the answer
        if bundle.key.startswith("2020/"):
            deadline = time.monotonic() + 10
            while not flag.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_parse(bundle, types)

    def make_early(self, site, library, key):
        settled.append(sorted({*library.summaries, *library.failed}))
        real_make(self, site, library, key)

    monkeypatch.setattr(library_module, "parse_bundle", held)
    monkeypatch.setattr(preview_module.FirstPages, "make_early", make_early)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)
    state, server = first_build_server(tmp_path, project)
    bodies = []

    def ask():
        bodies.append(request(server.server_address[1], "/2023/shili-juesuan/")[2])
        flag.write_text("")

    first_build_while(state, server, ask)
    preview = state.preview
    assert len(settled) == 1 and "2020/huaihua-zhuanxiangzijin" not in settled[0], settled
    assert {"2023/shili-juesuan", "2023/luzhou-xiangmu-zipingbiao", "2022/shili-juesuan"} <= set(settled[0])
    assert "示例中心2023年度部门决算说明" in bodies[0].decode("utf-8")
    assert preview.first.early["2023/shili-juesuan"] == (state.out_dir / "2023/shili-juesuan/index.html").read_bytes()
    assert state.build == 1 and state.error is None


def test_the_preview_makes_a_reports_word_and_excel_files_when_asked_for(project, tmp_path):
    """The preview links the office documents site.yaml asks for but does not write them on every build and save
    (a report's Word and Excel files cost about ten times its page): each is made when asked for, from the report
    as it stands, and a file of the bundle's own with an office suffix is served as it is."""
    from jixiao.serve import ServeState, open_server

    write(project / "content/site.yaml", "站点名称: 测试站点\n办公文档: [docx, xlsx]\n")
    (project / "content/2024/demo/own.docx").write_bytes(b"PK\x03\x04 the bundle's own file")
    state = ServeState(project.resolve(), tmp_path / "preview" / "site", search=False)
    state.rebuild(lambda message: None)
    folder = tmp_path / "preview" / "site" / "2024" / "demo"
    assert (folder / "index.html").is_file() and not (folder / "demo.docx").exists()
    assert 'href="demo.docx"' in (folder / "index.html").read_text(encoding="utf-8")
    server = open_server(state, "127.0.0.1", 0, lambda message: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        status, headers, word = request(port, "/2024/demo/demo.docx")
        assert status == 200 and "wordprocessingml" in headers["Content-Type"] and word[:2] == b"PK"
        with zipfile.ZipFile(io.BytesIO(word)) as archive:
            assert "示例项目" in archive.read("word/document.xml").decode("utf-8")
        status, _, workbook = request(port, "/2024/demo/demo.xlsx")
        assert status == 200 and workbook[:2] == b"PK"
        assert request(port, "/2024/demo/own.docx")[2] == b"PK\x03\x04 the bundle's own file"
        assert request(port, "/2024/demo/other.docx")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
