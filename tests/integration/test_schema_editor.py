"""The editor schema as an author meets it: `jixiao schema` for a project, loaded by the YAML language server
(npm `yaml-language-server`, the engine of VS Code's YAML extension, pinned in package.json) over stdio, on a
report of that project with the mistakes issue 23 lists. The server must flag what `check` flags, on the same
lines, accept what `check` accepts (the site's own report type and extra column, a lone alias), and show only
Chinese in hover and completion."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, run_jixiao

SERVER = REPO / "node_modules/yaml-language-server/bin/yaml-language-server"
pytestmark = pytest.mark.slow  # a Node.js server and `jixiao check` in subprocesses: a few seconds
REPLY_WAIT = 60  # seconds: only so that a server that never answers fails the test instead of hanging it

# The model fixture's site declares 四川省项目支出绩效自评表 with the extra column 佐证材料.
REPORT = """\
类型: 四川省项目支出绩效自评表
标题: 示例中心2024年度项目支出绩效自评（四川表式）
单位: 示例中心
年度: 2024
自评表:
  - 项目名称: 示例项目
    项目资金:
      年度资金总额:
        年初预算数: 200
        全年预算数: 200
        全年执行数: 九十五
      分值: "20"
    年度总体目标:
      预期目标: 完成示例工作。
    绩效指标:
      产出指标:
        数量指标:
          - 三级指标: 办件量
            指标值: ≥100 件
            实际完成值: 120 件
            分值: 十
            佐证材料: 办件台账
          - 三级指标: 办结率
            指标值: ≥90%
            实际完成值: 95%
            分值: 23分
          - 三级指标: 满意度
            指标值: ≥90%
            完成值: 95%
            分值: 20
            权重: 20
数据表:
  收支:
    标题: 收支
    列: [金额]
    行: [{名称: 收入, 金额: 1}]
    合计: yes
    显示: 是
"""
NUMBER_AS_TEXT = {11: "九十五", 21: "十", 26: "23分"}
YES_IN_TEXT, BOOLEAN_AS_TEXT = 37, 38
NAMED = {16: "绩效指标", 17: "绩效指标", 33: "数据表"}  # a name the author chose: hover says what it names
ALIAS_BESIDE_ITS_KEY = 31
OWN_TYPE, OWN_COLUMN, LONE_ALIAS, NUMBER_IN_QUOTES = 1, 22, 29, 12
# English prose (a class docstring), not a key, a path or a command: its little words give it away
ENGLISH = re.compile(r"\b(?:the|a|an|of|is|are|and|or|to|for|with|in|on|one|here|when)\b", re.I)


class LanguageServer:
    """A minimal LSP client: JSON-RPC messages with Content-Length headers over the server's stdin and stdout.
    The server asks for its settings (workspace/configuration); they map each schema to its file name."""

    def __init__(self, schemas: dict[str, str]):
        self.settings = {"schemas": schemas, "validate": True, "hover": True, "completion": True}
        self.process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.last_id = self.version = 0
        threading.Thread(target=self._read_all, daemon=True).start()
        self.request(
            "initialize", {"processId": None, "rootUri": None, "capabilities": {"workspace": {"configuration": True}}}
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": self.settings}})

    def _read_all(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length is None:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.last_id += 1
        self._send({"id": self.last_id, "method": method, "params": params})
        return self._wait(lambda m: m.get("id") == self.last_id and "method" not in m).get("result")

    def _wait(self, wanted) -> dict[str, Any]:
        """Serve the server's own requests and record its diagnostics until the wanted message comes."""
        while True:
            message = self.messages.get(timeout=REPLY_WAIT)
            if message.get("method") == "workspace/configuration":
                items = message["params"]["items"]
                self._send(
                    {
                        "id": message["id"],
                        "result": [self.settings if i.get("section") == "yaml" else None for i in items],
                    }
                )
            elif "method" in message and "id" in message:
                self._send({"id": message["id"], "result": None})
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            if wanted(message):
                return message

    def open(self, path: Path) -> list[dict[str, Any]]:
        """Open a file as the editor does; its diagnostics once the schema is applied."""
        uri = path.as_uri()
        self.version += 1  # the server caches a parsed file by its uri and version
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": self.version,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return self.diagnostics[uri]

    def at(self, method: str, path: Path, line: int, character: int) -> Any:
        """A hover or completion at a 1-based line and 0-based character."""
        return self.request(
            method, {"textDocument": {"uri": path.as_uri()}, "position": {"line": line - 1, "character": character}}
        )

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.process.wait(timeout=REPLY_WAIT)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The model fixture (its site has its own type with an extra column), the bad report, and its schemas."""
    root = tmp_path_factory.mktemp("editor") / "proj"
    shutil.copytree(FIXTURES / "model", root)
    (root / "content/2024/sichuan/report.yaml").write_text(REPORT, encoding="utf-8")
    written = run_jixiao("schema", root)
    assert written.returncode == 0, written.stderr
    return root


@pytest.fixture(scope="module")
def server(project):
    assert SERVER.is_file(), f"{SERVER} is missing: `make test` installs it (npm ci, pinned in package-lock.json)"
    schema = project / "schema"
    client = LanguageServer(
        {(schema / "report.schema.json").as_uri(): "report.yaml", (schema / "site.schema.json").as_uri(): "site.yaml"}
    )
    yield client
    client.close()


@pytest.fixture(scope="module")
def report(project) -> Path:
    return project / "content/2024/sichuan/report.yaml"


@pytest.fixture(scope="module")
def diagnostics(server, report) -> dict[int, str]:
    return {d["range"]["start"]["line"] + 1: d["message"] for d in server.open(report)}


@pytest.fixture(scope="module")
def checked(project) -> dict[int, str]:
    """The lines `jixiao check` flags in the bad report, with their messages."""
    result = run_jixiao("check", project)
    found = re.findall(r"^content/2024/sichuan/report\.yaml:(\d+):\d+: error: (.*)$", result.stdout, re.M)
    return {int(line): message for line, message in found}


def labels(server: LanguageServer, path: Path, text: str) -> list[dict[str, Any]]:
    """What completion offers at the end of `text`, written as the whole file (outside the project, which
    `check` reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    server.open(path)
    lines = text.split("\n")
    items = server.at("textDocument/completion", path, len(lines), len(lines[-1]))["items"]
    server.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})
    return items


def test_numbers_written_as_text_are_flagged_on_the_lines_check_gives(checked, diagnostics):
    for line, text in NUMBER_AS_TEXT.items():
        assert f"应为数字，这里是「{text}」" in checked[line]
        assert diagnostics.get(line, "").startswith("应为数字"), (line, diagnostics)
    assert NUMBER_IN_QUOTES not in checked and NUMBER_IN_QUOTES not in diagnostics  # "20" is a number to both


def test_the_sites_own_type_and_extra_column_are_known(server, project, diagnostics):
    assert OWN_TYPE not in diagnostics and OWN_COLUMN not in diagnostics, diagnostics
    offered = [item["label"] for item in labels(server, project.parent / "new/report.yaml", "类型: ")]
    assert "四川省项目支出绩效自评表" in offered and "项目支出绩效自评表" in offered
    row = (
        "类型: 四川省项目支出绩效自评表\n自评表:\n  - 绩效指标:\n      产出指标:\n        数量指标:\n"
        "          - 三级指标: 甲\n            "
    )
    assert "佐证材料" in [item["label"] for item in labels(server, project.parent / "row/report.yaml", row)]


def test_true_or_false_written_as_text_is_read_as_check_reads_it(checked, diagnostics):
    assert YES_IN_TEXT not in checked and YES_IN_TEXT not in diagnostics, diagnostics  # yes is true to both
    assert "应为 true 或 false，这里是「是」" in checked[BOOLEAN_AS_TEXT]
    assert diagnostics.get(BOOLEAN_AS_TEXT) == "应为 true（是）或 false（否）。", diagnostics


def test_an_alias_is_accepted_alone_and_flagged_beside_its_key_as_check_does(checked, diagnostics):
    said = "「权重」与「分值」是同一项（别名），只能写一个"  # check said 未知的键「权重」…是否想写「权重」？
    assert checked[ALIAS_BESIDE_ITS_KEY].endswith(f": {said} [schema]"), checked
    assert diagnostics.get(ALIAS_BESIDE_ITS_KEY) == said, diagnostics
    assert LONE_ALIAS not in checked and LONE_ALIAS not in diagnostics


def test_the_editor_flags_exactly_the_lines_check_flags(checked, diagnostics):
    assert sorted(diagnostics) == sorted(checked) == sorted([*NUMBER_AS_TEXT, ALIAS_BESIDE_ITS_KEY, BOOLEAN_AS_TEXT])


def test_hover_shows_each_keys_own_chinese_help_without_bars(server, report, diagnostics):
    shown = {}
    for number, line in enumerate(REPORT.splitlines(), 1):
        key = line.strip(" -").split(":")[0]
        text = server.at("textDocument/hover", report, number, line.index(key) + 1)["contents"]["value"]
        shown[number] = key, text.split("\n\nSource:")[0]
    assert {n: text for n, (_, text) in shown.items() if "||" in text} == {}  # the branches of a "number or text"
    for number, (key, text) in shown.items():
        heading = NAMED.get(number, key)
        assert text.startswith((f"#### {heading}\n\n", f"#### {heading}（")), (number, text)
        assert re.search("[\u4e00-\u9fff]", text.split("\n\n")[1]) and not ENGLISH.search(text), (number, text)
    assert shown[LONE_ALIAS][1].startswith("#### 完成值（「实际完成值」的别名）\n\n「实际完成值」的别名")


ROW = "自评表:\n  - 绩效指标:\n      产出指标:\n        数量指标:\n          - 三级指标: 甲\n            "


@pytest.mark.parametrize(
    "name, text, aliases",
    [
        ("report.yaml", "", ()),
        ("report.yaml", "自评表:\n  - ", ()),
        ("report.yaml", ROW, ("年度指标值", "完成值", "权重", "评分依据", "偏差原因", "未完成原因分析", "扣分原因")),
        ("report.yaml", "自评表:\n  - 项目资金:\n      年度资金总额:\n        ", ("调整后预算数", "预算执行数")),
        ("report.yaml", "数据表:\n  甲:\n    列:\n      - ", ()),
        ("report.yaml", "评分表:\n  ", ()),
        ("site.yaml", "", ()),
    ],
    ids=["report", "form", "indicator-row", "fund-row", "table-column", "score-sheet", "site"],
)
def test_completion_offers_chinese_keys_with_chinese_help_and_no_alias(server, project, name, text, aliases):
    offered = labels(server, project.parent / "completion" / name, text)
    assert offered and not {item["label"] for item in offered} & set(aliases), offered
    for item in offered:
        assert not re.search("[A-Za-z]", item["label"]) or item["label"] in ("base_url", "pdf_variant", "PDF"), item
        assert not ENGLISH.search(json.dumps(item.get("documentation", ""), ensure_ascii=False)), item


def test_schema_is_made_for_a_project(tmp_path):
    result = run_jixiao("schema", tmp_path)
    assert result.returncode == 1 and not (tmp_path / "schema").exists()
    assert f"{tmp_path} 不是 jixiao 项目（没有 content/site.yaml）" in result.stderr, result.stderr


def test_schema_that_cannot_be_written_says_so_with_a_fitting_hint(project):
    """Not the build's hint (再重新构建；原有站点没有改动): nothing is built here."""
    blocked = project / "content/site.yaml/schema"  # a folder inside a file
    result = run_jixiao("schema", project, "--out", blocked)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{blocked}: error: 无法写出 schema（" in result.stderr, result.stderr
    assert "  提示: 检查这个目录能否写入，或用 --out 另选一个目录。" in result.stderr
