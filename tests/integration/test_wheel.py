"""Stage: installed as a package — built the way `make dist` builds it (sdist, then the wheel from the sdist),
installed into a clean virtual environment the way pip or pipx installs it (not editable, run from a folder
outside the checkout), then used: every command a new user runs first."""

import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from jixiao import __version__

pytestmark = pytest.mark.slow

# What a developer's checkout holds that could hide a file missing from the packaging rules (a stale build/ folder
# of an earlier wheel, an egg-info listing old files) or is too big to copy. Caches and editor files stay: the
# release must leave them out by itself.
NOT_SOURCES = shutil.ignore_patterns(
    "build",
    "dist",
    "*.egg-info",
    ".venv",
    "node_modules",
    "site",
    ".site.spare",
    ".git",
    ".jixiao-cache",
    ".pytest_cache",
)
# A developer's leftovers beside the package's own files, which no release may hold.
LEFTOVERS = [
    "src/jixiao/data/报告类型.yaml~",
    "themes/gongwen/#base.html#",
    "src/jixiao/scaffold/site.yaml.orig",
    "src/jixiao/scaffold/__pycache__/x.cpython-311.pyc",
    "themes/gongwen/__pycache__/y.cpython-311.pyc",
]
# The package in the wheel, and where each part of it lives in the source tree (pyproject's package-dir).
PACKAGE_DIRS = {"jixiao": REPO / "src/jixiao", "jixiao/themes": REPO / "themes"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> subprocess.CompletedProcess:
    """sdist and wheel of a clean copy of the sources, built by `python -m build` as `make dist` does, into
    the folder `dist` beside the copy."""
    folder = tmp_path_factory.mktemp("dist")
    source = folder / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    for leftover in LEFTOVERS:
        (source / leftover).parent.mkdir(exist_ok=True)
        (source / leftover).write_text("draft\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(folder / "dist"), str(source)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def dist(built) -> Path:
    return Path(built.args[-1]).parent / "dist"


def test_setuptools_sees_no_data_folder_it_might_stop_shipping(built):
    assert "would be ignored" not in built.stdout + built.stderr


def package_files() -> dict[str, Path]:
    """Every file of the package in the source tree (code, data, scaffold, theme): its name in the wheel → its path."""
    return {
        f"{prefix}/{path.relative_to(folder).as_posix()}": path
        for prefix, folder in PACKAGE_DIRS.items()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_every_package_file_ships_in_the_wheel_and_the_sdist(dist):
    files = package_files()
    assert {
        "jixiao/data/报告类型.yaml",
        "jixiao/themes/gongwen/report/page.html",
        "jixiao/scaffold/report/项目支出绩效自评表/report.yaml",
        "jixiao/scaffold/ci/github.yml",
    } <= set(files)
    wheel = set(zipfile.ZipFile(next(dist.glob(f"jixiao-{__version__}-*.whl"))).namelist())
    assert sorted(set(files) - wheel) == []
    assert [name for name in wheel if "__pycache__" in name or name.endswith((".pyc", "~", "#", ".orig"))] == []
    with tarfile.open(next(dist.glob(f"jixiao-{__version__}.tar.gz"))) as sdist:
        in_sdist = {name.partition("/")[2] for name in sdist.getnames()}
    assert sorted({path.relative_to(REPO).as_posix() for path in files.values()} - in_sdist) == []
    assert {"CHANGELOG.md", "README.md", "pyproject.toml"} <= in_sdist
    assert [name for name in in_sdist if "__pycache__" in name or name in LEFTOVERS] == []


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment with only the wheel and its dependencies: its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    wheel = next(dist.glob("jixiao-*.whl"))
    result = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        env=outside_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return venv / "bin"


def outside_env() -> dict[str, str]:
    """The environment without anything that could let the checkout's code or packages in."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """An empty folder outside the checkout to run the installed tool in."""
    return tmp_path_factory.mktemp("work")


def jixiao(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "jixiao"), *args], cwd=cwd, capture_output=True, text=True, env=outside_env(), timeout=300
    )


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, work):
    where = subprocess.run(
        [str(installed / "python"), "-c", "import jixiao; print(jixiao.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=outside_env(),
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and not Path(where).is_relative_to(REPO)
    assert jixiao(installed, work, "--version").stdout.strip() == f"jixiao, version {__version__}"


@pytest.fixture(scope="module")
def new_site(installed, work) -> subprocess.CompletedProcess:
    return jixiao(installed, work, "new", "site", "demo", "--year", "2024")


def test_new_site_writes_a_project(new_site, work):
    """It read the report types from the package's data folder (missing from the wheel, it ended in a traceback)."""
    assert new_site.returncode == 0 and "Traceback" not in new_site.stderr, new_site.stderr
    assert "已创建 demo/content/2024/zipingbiao/report.yaml" in new_site.stdout
    assert (work / "demo/.github/workflows/jixiao.yml").is_file()


@pytest.fixture(scope="module")
def demo(new_site, work) -> Path:
    assert new_site.returncode == 0, new_site.stderr
    return work / "demo"


def test_new_site_check_and_schema(installed, demo):
    checked = jixiao(installed, demo, "check", "--strict")
    assert checked.returncode == 0 and checked.stdout.strip() == "错误 0，警告 0，说明 0", (
        checked.stdout + checked.stderr
    )
    written = jixiao(installed, demo, "schema", ".", "--out", "schemas")  # the schema of this project
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in (demo / "schemas").iterdir()) == ["report.schema.json", "site.schema.json"]


def test_build_with_pdf(installed, demo):
    result = jixiao(installed, demo, "build", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已构建 1 份报告" in result.stdout
    assert "99.50" in (demo / "site/2024/zipingbiao/index.html").read_text(encoding="utf-8")
    pdfs = list((demo / "site/2024/zipingbiao").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes()[:5] == b"%PDF-"
    assert (demo / "site/pagefind").is_dir()  # the search index: pagefind's binary came with the dependencies


def test_serve_answers_the_home_page(installed, demo):
    process = subprocess.Popen(
        [str(installed / "jixiao"), "serve", "--port", "0", "--no-search"],
        cwd=demo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=outside_env(),
    )
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line + process.stderr.read()
        with urllib.request.urlopen(line.split()[1], timeout=30) as response:
            assert response.status == 200 and "绩效信息公开" in response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)
