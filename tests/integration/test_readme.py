"""The README's promises to a first-time user: its five-minute walk works as written, and its error example is
exactly what jixiao prints (the example was once out of date: no rule id, an older hint)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def jixiao(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def walk_commands() -> list[list[str]]:
    """The commands of the README's five-minute walk, `serve` left out (it runs until stopped)."""
    block = README.split("## The first report in five minutes", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].split() for line in block.strip().splitlines()]
    return [words for words in commands if words and words[:2] != ["jixiao", "serve"]]


def error_example() -> list[str]:
    """The README's example error: the message, the source line it shows, the 提示 and the verdict."""
    block = next(b for b in README.split("```") if ": error: " in b)
    return block.strip("\n").splitlines()


def test_the_five_minute_walk_works_as_written(tmp_path: Path):
    cwd = tmp_path
    for words in walk_commands():
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        result = jixiao(*words[1:], cwd=cwd)
        assert result.returncode == 0, (words, result.stdout, result.stderr)
    assert (cwd / "site/index.html").is_file() and "错误 0，警告 0" in jixiao("check", cwd=cwd).stdout


def test_the_error_example_is_what_jixiao_prints(tmp_path: Path):
    """Write the source line the example shows into a new site at the example's file:line; the build must print the
    example to the letter."""
    head, shown, *rest = error_example()
    name, line = re.match(r"(\S+?):(\d+):\d+: error: ", head).groups()
    jixiao("new", "site", "demo", cwd=tmp_path)
    project = tmp_path / "demo"
    source = project / name
    lines = source.read_text(encoding="utf-8").splitlines()
    old = lines[int(line) - 1]
    lines[int(line) - 1] = old[: len(old) - len(old.lstrip())] + shown.strip()  # the file's indentation kept
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = jixiao("build", "--no-pdf", cwd=project)
    assert result.returncode == 1
    assert (result.stdout + result.stderr).strip("\n").splitlines() == [head, shown, *rest]
