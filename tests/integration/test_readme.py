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


def test_where_the_code_is_names_what_the_code_has():
    """The README's code-layout paragraph: each phase it names is a function of phases.py, each kind of content it
    names has its folder under parts/ with a model, view, computation and layout, and the files it names exist."""
    import jixiao.phases as phases

    paragraph = README.split("## Where the code is", 1)[1].split("\n## ", 1)[0]
    named = re.search(r"\(open → (.*?)\)", paragraph).group(1).split(" → ")
    verbs = {name.split("_")[0] for name, value in vars(phases).items() if callable(value) and "_" in name}
    assert ["read", "resolve", "plan", "render", "publish", "commit"] == named and set(named) <= verbs
    assert callable(phases.open_project)
    src = REPO / "src/jixiao"
    folders = {
        "自评表": "form",
        "指标": "indicators",
        "评分表": "score_sheet",
        "数据表": "data_table",
        "数据": "figures",
        "图": "chart",
        "评分": "scoring",
        "落款": "signature",
    }
    kinds = re.search(r"kind of content \((.*?)\)", paragraph, re.S).group(1).replace("\n", " ").split(", ")
    assert [folders[kind] for kind in kinds] == list(folders.values())
    # every part of the registry is named, and each named folder but 指标 (shared by 自评表 and 评分表) is a part
    from jixiao.parts.registry import PARTS

    assert {part.package.rsplit(".", 1)[1] for part in PARTS} == set(folders.values()) - {"indicators"}
    for folder in set(folders.values()) - {"indicators"}:
        assert (src / "parts" / folder / "part.py").is_file(), folder
    assert {"model.py", "view.py", "compute.py", "layout.py"} <= {p.name for p in (src / "parts/indicators").iterdir()}
    assert (src / "parts/chart/layout.py").is_file()  # a chart is drawn from its table's model and view
    for path in re.findall(r"`((?:src/jixiao/)?[\w/]+\.py)`", paragraph):
        assert (REPO / path if path.startswith("src/") else src / path).is_file(), path
    assert (src / "document").is_dir() and list((REPO / "themes/gongwen/blocks").glob("*.html"))


def test_every_link_of_the_readme_lands():
    for target in re.findall(r"\]\(([^)#]+)", README):
        assert (REPO / target).exists(), target


def test_the_evaluation_example_prints_what_the_readme_says(tmp_path: Path):
    """The README's evaluation without points: its YAML under a report head, its expression line in a section, and
    the page prints the sentence the README promises (hand: 25.8 ÷ 25 = 103.2 %, one indicator, met)."""
    part = README.split("An evaluation may list its indicators", 1)[1]
    yaml_block = part.split("```yaml", 1)[1].split("```", 1)[0]
    expression = re.search(r"^`(预期.*?)`$", part, re.M).group(1)
    promised = re.search(r"^prints (.*?) \(", part, re.M).group(1)
    assert jixiao("new", "site", "site", "--empty", cwd=tmp_path).returncode == 0
    bundle = tmp_path / "site/content/2024/pingjia"
    bundle.mkdir(parents=True)
    head = "类型: 绩效评价报告\n标题: 示例评价\n单位: 示例中心\n年度: 2024\n"
    (bundle / "report.yaml").write_text(head + yaml_block, encoding="utf-8")
    (bundle / "01-概况.md").write_text(f"# 概况\n\n{expression}\n", encoding="utf-8")
    result = jixiao("build", "--no-pdf", "--no-search", cwd=tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "site/site/2024/pingjia/index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", re.sub(r'<span class="why".*?</span>\s*</span>', "", page, flags=re.S))
    assert promised in text
