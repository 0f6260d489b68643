"""The fixed cost every command pays before its work (issue 22, sixth wave): what a build reads of the installed
libraries to key its pages, and what start-up imports or compiles that a run may not need."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import zlib
from importlib import metadata
from pathlib import Path

import pytest

from jixiao import contexts, inputs
from jixiao.cache import CACHE_DIR, CODE_RECORD, CodeRecord, code_record_text, read_code_record
from jixiao.load import RACY_NS


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


def test_the_code_files_are_those_rglob_finds():
    """code_stamps lists the package with os.walk (a tenth of rglob's cost): the same files, so the same digest."""
    found = {
        path.relative_to(inputs.PACKAGE).as_posix()
        for path in inputs.PACKAGE.rglob("*.py")
        if inputs.package_role(path.relative_to(inputs.PACKAGE).as_posix()) == "code"
    }
    assert set(inputs.code_stamps()) == found


def settled(cache: Path) -> None:
    """The code record in `cache` as a build long after its files' last write would have left it."""
    record = inputs.read_record(cache / CODE_RECORD)
    record.read_at += 10 * RACY_NS
    (cache / CODE_RECORD).write_bytes(code_record_text(record))


def fake_package(root: Path) -> Path:
    for name, text in {"a.py": "x = 1\n", "parts/b.py": "y = 1\n", "scaffold/s.py": "", "__pycache__/a.py": ""}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_code_digest_is_taken_from_its_record_until_a_file_changes(tmp_path: Path, monkeypatch):
    """A build records the code files' digest with their stat (keep); a later one takes it without reading a file
    while each file has the stat recorded, and reads them again once one is edited, even to the same size."""
    package, cache = fake_package(tmp_path / "jixiao"), tmp_path / "cache"
    monkeypatch.setattr(inputs, "PACKAGE", package)
    first = inputs.code_digest(cache, keep=True)
    assert first == inputs.code_digest()  # the same digest with the record as without
    assert set(inputs.read_record(cache / CODE_RECORD).stamps) == {"a.py", "parts/b.py"}
    settled(cache)
    with monkeypatch.context() as unread:
        unread.setattr(inputs, "digest_files", lambda *_: pytest.fail("a code file read though its record holds"))
        assert inputs.code_digest(cache, keep=True) == first
    info = (package / "a.py").stat()
    (package / "a.py").write_text("x = 2\n")  # the same size; a new mtime (set apart from the old in case of one tick)
    os.utime(package / "a.py", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    second = inputs.code_digest(cache, keep=True)
    assert second != first and second == inputs.code_digest()
    settled(cache)
    (package / "parts" / "c.py").write_text("")  # a file added
    assert inputs.code_digest(cache, keep=True) == inputs.code_digest() != second


def test_a_code_record_is_not_trusted_for_files_written_just_before_it(tmp_path: Path, monkeypatch):
    """Files written within RACY_NS before the record's clock may be written again within the same tick of their
    timestamps, keeping their stat: such a record is written but not trusted, the files are read again."""
    package, cache = fake_package(tmp_path / "jixiao"), tmp_path / "cache"
    monkeypatch.setattr(inputs, "PACKAGE", package)
    inputs.code_digest(cache, keep=True)
    record = inputs.read_record(cache / CODE_RECORD)
    assert not inputs.trusted_code(record, inputs.code_stamps())
    record.read_at += 10 * RACY_NS
    assert inputs.trusted_code(record, inputs.code_stamps())


def test_a_damaged_code_record_is_ignored(tmp_path: Path, monkeypatch):
    """A record cut short, edited (its check no longer matches) or of another shape is not read: the files are."""
    package, cache = fake_package(tmp_path / "jixiao"), tmp_path / "cache"
    monkeypatch.setattr(inputs, "PACKAGE", package)
    expected = inputs.code_digest(cache, keep=True)
    settled(cache)
    text = (cache / CODE_RECORD).read_bytes()
    digest = inputs.read_record(cache / CODE_RECORD).digest.encode()
    shapes = [b'{"read_at": 1, "stamps": {"a.py": [1, 2, 3]}, "digest": "x"}', b"[]", b'{"read_at": 1}', b"{"]
    damaged = [text[:-20], text.replace(digest, digest[::-1]), *(t + b"\n%08x\n" % zlib.crc32(t) for t in shapes)]
    for data in damaged:
        (cache / CODE_RECORD).write_bytes(data)
        assert inputs.read_record(cache / CODE_RECORD) is None, data
        assert inputs.code_digest(cache) == expected


def test_only_a_build_keeps_the_code_record(tmp_path: Path, monkeypatch):
    """check and merge read the record, never write it (keep is the build's)."""
    monkeypatch.setattr(inputs, "PACKAGE", fake_package(tmp_path / "jixiao"))
    inputs.code_digest(tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_build_records_its_code_digest_and_check_only_reads_it(project: Path):
    from jixiao.build import build_site, check_site

    record = project / CACHE_DIR / CODE_RECORD
    check_site(project, jobs=1)
    assert not record.exists()
    build_site(project, jobs=1, search=False, office=False)
    code = [inputs.PACKAGE / name for name in inputs.code_stamps()]
    assert inputs.read_record(record).digest == inputs.digest_files(code, inputs.PACKAGE)


def test_a_code_record_is_read_back_as_written_with_every_field():
    """code_record_text names the fields itself (dataclasses.asdict cost 7 M instructions): a field added to
    CodeRecord must be written and read too."""
    record = CodeRecord(7, {"a.py": (1, 2, 3, 4, 5), "parts/b.py": (6, 7, 8, 9, 10)}, "d" * 64)
    text = code_record_text(record)
    assert set(json.loads(text.splitlines()[0])) == {field.name for field in dataclasses.fields(CodeRecord)}
    assert read_code_record(text) == record
