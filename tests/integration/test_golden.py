"""Stage: the golden bad-input cases (tests/golden/): every kind of bad input gives one clear error, exactly.

Each file under tests/golden/<category>/ is one case: the fixture project it starts from, the edits that break it
(or, under accepted/, that look dangerous but are right), the commands run in the project's folder and the exact
output each must print. Beside the exact output every case proves what every error owes the author: the exit code,
no traceback (the command runs in-process and an exception would rise out of it), no English library text or Python
names in a message, a `提示:` for every error of `build`, no line of a file outside the project, the sources
byte-identical afterwards, and no site or staging folder left behind.

`pytest tests/integration/test_golden.py --bless` writes what the commands print now into the case files, after a deliberate
change of wording: review the diff before committing it (docs/architecture.md, "How safety is tested").
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, REPO, run_jixiao, tree_digest

from jixiao import render
from jixiao.cli import main

GOLDEN = Path(__file__).parents[1] / "golden"
CASES = sorted(GOLDEN.rglob("*.yaml"))
TMP = "$TMP"  # the temporary folder the case runs in, as the expected output names it
THEMES = "$THEMES"  # jixiao's built-in themes, wherever it is installed (a checkout, a clone, a wheel)
_SECONDS_RE = re.compile(r"（[0-9.]+ 秒")  # how long a build took

_QUOTED_RE = re.compile(r"「[^」]*」")  # the author's own text, quoted
_ENGLISH_RE = re.compile(
    r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|(?<![A-Za-z])(?:or|and|is|not|should|expected|got|the|None|True"
    r"|False|undefined|unexpected|object|Error)(?![A-Za-z])"
)
_PYTHON_RE = re.compile(r"Traceback|jixiao\.\w|object at 0x|<class |Decimal\('|\w+Error\b|\w+View\(")


# --- reading and writing case files ------------------------------------------------------------------------


class CaseDumper(yaml.SafeDumper):
    """Writes a case readably: Chinese as it is, several lines as a block, keys in the order written, no anchors."""

    def ignore_aliases(self, data) -> bool:
        return True


def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Text with a control, invisible or line-breaking character (U+0085, U+2028 would be read back as a line
    break) in double quotes, where YAML escapes them; several lines as a block."""
    if any(not c.isprintable() for c in text.replace("\n", "")):
        style = '"'
    else:
        style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


CaseDumper.add_representer(str, represent_text)


def read_case(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def write_case(path: Path, case: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(case, Dumper=CaseDumper, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8"
    )


def case_id(path: Path) -> str:
    return path.relative_to(GOLDEN).with_suffix("").as_posix()


# --- what a case does to the project ---------------------------------------------------------------------


def copy_fixture(name: str, tmp_path: Path) -> Path:
    """The fixture project in tmp_path/proj; `repository` is the repository's own content/."""
    target = tmp_path / "proj"
    if name == "repository":
        shutil.copytree(REPO / "content", target / "content")
    else:
        shutil.copytree(FIXTURES / name, target)
    return target


def clear_place(path: Path) -> Path:
    """`path` with its folder made and any file or symlink there removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_file():
        path.unlink()
    return path


def file_bytes(spec: dict) -> bytes:
    """The bytes a `write` or `cache` edit puts in a file: text (in its encoding, optionally followed by `fill`
    repeated `count` times, for files too large to hold in a case) or base64."""
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    return (spec.get("text", "") + spec.get("fill", "") * spec.get("count", 0)).encode(spec.get("encoding", "utf-8"))


def deny_reading(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable file. The tests run as root, which may read anything, so the refusal is simulated where
    jixiao opens files (os.open), for this one path."""
    denied, real_open = os.path.realpath(path), os.open

    def guarded_open(name, flags, *args, **kwargs):
        if os.path.realpath(name) == denied:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)


def damage_cache(project: Path, spec: dict) -> None:
    """The cache manifest a build left, replaced by bytes, or with keys set or removed (a key path is written
    with dots: `reports.2024/demo.files`)."""
    (manifest,) = (project / ".jixiao-cache").glob("*.json")
    if "set" not in spec and "unset" not in spec:
        manifest.write_bytes(file_bytes(spec))
        return
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for path, value in spec.get("set", {}).items():
        *parents, key = path.split(".")
        place_of(data, parents)[key] = value
    for path in spec.get("unset", []):
        *parents, key = path.split(".")
        place_of(data, parents).pop(key)
    manifest.write_text(json.dumps(data), encoding="utf-8")


def place_of(data, keys: list[str]):
    for key in keys:
        data = data[key]
    return data


def apply_edit(edit: dict, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One edit of a case; paths are relative to the project (`../x` lies beside it)."""
    kind = next(iter(edit))
    path = project / str(edit[kind])
    if kind == "replace":
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, edit["old"]
        path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    elif kind == "write":
        clear_place(path).write_bytes(file_bytes(edit))
    elif kind == "prepend":
        path.write_bytes(edit["text"].encode("utf-8") + path.read_bytes())
    elif kind == "remove":
        path.unlink()
    elif kind == "link":  # a relative target is taken from the link's folder, as `ln -s` does
        clear_place(path).symlink_to(edit["to"])
    elif kind == "fifo":
        os.mkfifo(clear_place(path))
    elif kind == "folder":  # a folder (holding one subfolder) where a file is expected
        (clear_place(path) / "x").mkdir(parents=True)
    elif kind == "copy":
        shutil.copytree(path, project / edit["to"])
    elif kind == "move":
        (project / edit["to"]).parent.mkdir(parents=True, exist_ok=True)
        path.rename(project / edit["to"])
    elif kind == "unreadable":
        deny_reading(path, monkeypatch)
    elif kind == "time_limit":  # a limit of a fraction of a second, so that a case that runs into it stays quick
        monkeypatch.setattr(render, "TIME_LIMIT", edit["time_limit"])
    elif kind == "run":
        code, stdout, stderr = run_command(shlex.split(edit["run"]))
        assert code == 0, stdout + stderr
    elif kind == "cache":
        damage_cache(project, edit["cache"])
    else:
        raise AssertionError(f"unknown edit {kind!r}")


# --- running and checking ----------------------------------------------------------------------------------


def run_command(args: list[str]) -> tuple[int, str, str]:
    """`jixiao ARGS` in-process, in the current folder; a traceback would raise out of here."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def normalise(text: str, tmp_path: Path) -> str:
    """The output with the temporary folder named $TMP, the built-in themes $THEMES, and a build's time
    (（0.09 秒；…）) as （… 秒；…）."""
    for form in {str(tmp_path), os.path.realpath(tmp_path)}:
        text = text.replace(form, TMP)
    text = text.replace(str(render.BUILTIN_THEMES), THEMES)
    return _SECONDS_RE.sub("（… 秒", text)


def error_blocks(output: str) -> list[list[str]]:
    """Each error's head line with the lines that follow it (the source line, the 提示)."""
    blocks: list[list[str]] = []
    for line in output.splitlines():
        if ": error: " in line:
            blocks.append([line])
        elif blocks and line.startswith(" "):
            blocks[-1].append(line)
        elif blocks:
            blocks.append([])
    return [block for block in blocks if block]


def check_plain_words(output: str) -> None:
    """The messages speak the author's language: no English library text, no Python names."""
    for block in error_blocks(output):
        message = block[0].split(": error: ", 1)[1].rsplit(" [", 1)[0]
        assert not _ENGLISH_RE.search(_QUOTED_RE.sub("「」", message)), block[0]
    assert not _PYTHON_RE.search(output), output


def check_build_failure(stderr: str) -> None:
    """A failed build tells what to do about every error, and says it wrote nothing."""
    for block in error_blocks(stderr):
        assert any(line.startswith("  提示: ") and len(line) > len("  提示: ") for line in block), "\n".join(block)
    assert stderr.rstrip().endswith("未写入任何输出。"), stderr


def outside_cache(digest: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in digest.items() if not name.startswith("proj/.jixiao-cache/")}


def sources_of(digest: dict[str, str]) -> dict[str, str]:
    """What the author wrote, of a digest of the case's folder: the project's content/, layouts/ and themes/."""
    return {
        name: value
        for name, value in digest.items()
        if name.startswith(("proj/content/", "proj/layouts/", "proj/themes/"))
    }


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_golden_case(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request):
    run_case(path, tmp_path, monkeypatch, bless=request.config.getoption("--bless"))


def run_case(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bless: bool) -> None:
    """Run one case file in tmp_path and check it; with `bless`, write what was printed into the file instead of
    comparing (the invariants are checked all the same)."""
    case = read_case(path)
    assert set(case) <= {"fixture", "edits", "runs", "page", "contains"}, f"{path}: unknown keys {sorted(case)}"
    project = copy_fixture(case["fixture"], tmp_path)
    monkeypatch.chdir(project)
    for edit in case.get("edits", []):
        apply_edit(edit, project, monkeypatch)
    before = tree_digest(tmp_path)
    changed = False
    for run in case["runs"]:
        code, stdout, stderr = run_command(shlex.split(run["command"]))
        stdout, stderr = normalise(stdout, tmp_path), normalise(stderr, tmp_path)
        printed = {"exit": code, "stdout": stdout, "stderr": stderr}
        if bless:
            changed |= bless_run(run, printed)
        else:
            assert {k: run.get(k, "") for k in printed} == printed, f"{path}: {run['command']}"
        check_plain_words(stdout + stderr)
        assert "root:x:0:0" not in stdout + stderr  # no line of a file outside the project (a symlink to /etc/passwd)
        if code != 0 and run["command"].startswith("build"):
            check_build_failure(stderr)
    after = tree_digest(tmp_path)
    if code == 0:  # the last command built: the sources byte-identical, and the page built
        assert sources_of(after) == sources_of(before)
        page = (project / "site" / case["page"]).read_bytes().decode("utf-8", "replace")
        assert case["contains"] in page
    else:  # nothing written: the sources byte-identical, no site or staging folder, no temporary file (the build
        # cache may be: matplotlib keeps its font list there when a process first draws a chart)
        assert outside_cache(after) == outside_cache(before)
    if changed:
        write_case(path, case)


def bless_run(run: dict, printed: dict) -> bool:
    """Write what a command printed into its run (empty streams left out); whether anything changed."""
    wanted = {"exit": printed["exit"], **{k: printed[k] for k in ("stdout", "stderr") if printed[k]}}
    written = {k: run.pop(k) for k in ("exit", "stdout", "stderr") if k in run}
    run.update(wanted)
    return written != wanted


def test_the_corpus_covers_every_category():
    categories = {path.parent.name for path in CASES}
    assert len(CASES) >= 450
    assert categories >= {
        "yaml",
        "char",
        "number",
        "date",
        "folder",
        "file",
        "layout",
        "expr",
        "markdown",
        "front",
        "schema",
        "table",
        "previous",
        "reference",
        "site",
        "glossary",
        "out",
        "accepted",
    }, categories


def test_a_changed_character_fails_and_blessing_restores_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The comparison is exact: one character of a message changed fails the case, and --bless writes the output
    back as it was."""
    original = GOLDEN / "yaml/unclosed-bracket.yaml"
    copy = tmp_path / "case.yaml"
    text = original.read_text(encoding="utf-8")
    assert text.count("方括号 [ ] 没有闭合") == 2  # build's and check's
    copy.write_text(text.replace("方括号 [ ] 没有闭合", "方括号 [ ] 没有闭和", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="没有闭和"):
        run_case(copy, tmp_path / "first", monkeypatch, bless=False)
    run_case(copy, tmp_path / "blessed", monkeypatch, bless=True)
    assert copy.read_text(encoding="utf-8") == text
    run_case(copy, tmp_path / "again", monkeypatch, bless=False)


IN_A_PROCESS = ("file/fifo-section", "yaml/alias-bomb", "expr/2000-parentheses", "char/nul")


@pytest.mark.parametrize("name", IN_A_PROCESS)
def test_bad_input_in_a_real_process(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The console entry point, as a user runs it: the very output of the golden case, never a traceback."""
    case = read_case(GOLDEN / f"{name}.yaml")
    project = copy_fixture(case["fixture"], tmp_path)
    for edit in case["edits"]:
        apply_edit(edit, project, monkeypatch)
    (build, *_) = case["runs"]
    result = run_jixiao(*shlex.split(build["command"]), cwd=project)
    assert (result.returncode, result.stderr) == (1, build["stderr"]), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_error_rule_has_a_golden_case_and_a_reference_entry():
    """Each rule the code gives an error (SourceError's `rule`) is shown by a golden case and explained, with one
    case's output, on the manual's 错误规则 page (generated by docs/hooks/reference.py)."""
    from test_docs import HOOK as hook  # docs/hooks/reference.py, which writes the reference pages

    rules = hook.error_rules()
    assert {"yaml", "schema", "input", "template", "expression", "reference", "formula"} <= rules, rules
    printed = "".join(
        run.get("stdout", "") + run.get("stderr", "") for path in CASES for run in read_case(path)["runs"]
    )
    page = hook.errors_markdown()
    for rule in sorted(rules):
        assert f" [{rule}]\n" in printed, f"no golden case gives an error [{rule}]"
        assert f"\n## {rule}\n" in page and f" [{rule}]\n" in page, rule
