"""The fixed cost every command pays before its work (issue 22, sixth wave): what a build reads of the installed
libraries to key its pages, and what start-up imports or compiles that a run may not need."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from jixiao import contexts, inputs


def test_library_versions_are_those_importlib_metadata_gives():
    """The page keys hold the same versions as before, so an upgraded jixiao rebuilds nothing for this reason."""
    for name in (*inputs.OUTPUT_LIBRARIES, "click", "pyyaml"):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = "-"
        assert inputs.library_version(name) == expected, name
    assert inputs.library_version("jixiao-no-such-library") == "-"


def test_the_code_digest_parses_no_library_metadata_as_an_e_mail(monkeypatch):
    """metadata.version parses a library's whole METADATA file as an e-mail message (pydantic's is 144 KB, with
    its changelog): some 60 M instructions on every build; the digest reads only the Version line."""

    def refuse(_distribution):
        raise AssertionError("a METADATA file parsed as an e-mail message")

    monkeypatch.setattr(metadata.Distribution, "metadata", property(refuse))
    assert len(inputs.code_digest()) == len(inputs.digest_bytes("x"))


def test_the_version_is_read_from_the_headers_not_the_description():
    text = "Metadata-Version: 2.1\nName: x\nVersion: 1.2.3\n\nVersion: 9 (a line of the description)\n"
    assert inputs.VERSION_LINE.search(text).group(1) == "1.2.3"


# `jixiao build PROJECT` in a fresh interpreter, after the spy given first; prints what the spy saw (`seen`).
BUILD = """
from jixiao.cli import main
try:
    main(["build", sys.argv[1], "--no-pdf", "--no-office", "--no-search"])
except SystemExit:
    pass
print(seen)
"""


def seen_in_a_build(spy: str, project: Path) -> str:
    """What `spy` recorded in `seen` while a build ran (pydantic's plugins left as the CLI sets them)."""
    environment = {name: value for name, value in os.environ.items() if name != "PYDANTIC_DISABLE_PLUGINS"}
    script = f"import sys\nseen = []\n{spy}{BUILD}"
    result = subprocess.run(
        [sys.executable, "-c", script, str(project)], capture_output=True, text=True, check=True, env=environment
    )
    return result.stdout.splitlines()[-1]


def test_the_cycle_collector_does_not_run_while_the_build_is_imported(project: Path):
    """Importing the build makes some 300,000 objects and no garbage: 38 M instructions of collections before."""
    spy = (
        "import gc\n"
        "def collecting(phase, info):\n"
        "    module = sys.modules.get('jixiao.build')  # there from the start of its import, build_site at its end\n"
        "    if phase == 'start' and module is not None and not hasattr(module, 'build_site'):\n"
        "        seen.append(info['generation'])\n"
        "gc.callbacks.append(collecting)\n"
    )
    assert seen_in_a_build(spy, project) == "[]"


def test_a_build_does_not_look_for_pydantic_plugins(project: Path):
    """pydantic reads the entry points of every installed distribution for its plugins (27 M instructions)."""
    spy = (
        "from importlib import metadata\n"
        "entry_points = metadata.entry_points\n"
        "def looking_up(**selection):\n"
        "    seen.append(selection.get('group'))\n"
        "    return entry_points(**selection)\n"
        "metadata.entry_points = looking_up\n"
    )
    assert "pydantic" not in seen_in_a_build(spy, project)


def test_page_contexts_compare_as_objects_not_field_by_field():
    """A context is made for one render and never compared: Python 3.11 compiles every method a dataclass generates
    from source at import, and the 17 contexts' __eq__ and __hash__ cost 19 M instructions."""
    kinds = [kind for kind in vars(contexts).values() if isinstance(kind, type) and issubclass(kind, contexts.Context)]
    assert len(kinds) == 18  # Context and its 17 dataclasses
    assert [kind.__name__ for kind in kinds if {"__eq__", "__hash__"} & set(vars(kind))] == []
    home = contexts.PageContext(site=None, pdf=False, root="../")
    assert home == home and home != contexts.PageContext(site=None, pdf=False, root="../")


def test_a_build_of_reports_without_images_does_not_import_pillow(project: Path):
    """Pillow is imported where an image is read (images.py): its import is some 48 M instructions, in every build
    that renders a page, and the minimal project's report shows no image."""
    spy = (
        "class Importing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'PIL':\n"
        "            seen.append(name)\n"
        "sys.meta_path.insert(0, Importing())\n"
    )
    assert seen_in_a_build(spy, project) == "[]"
