"""The fixed cost every command pays before its work (issue 22, sixth wave): what a build reads of the installed
libraries to key its pages, and what start-up imports or compiles that a run may not need."""

from __future__ import annotations

from importlib import metadata

from jixiao import inputs


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
