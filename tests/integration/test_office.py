"""Office documents in the build (site.yaml's 办公文档): written beside the PDF, linked from the page, listed in
data.json, skipped with --no-office, carried by incremental builds and shards like the page's other files; and
(slow) the .docx LibreOffice turns into a PDF whose text is the page's."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import edit, page_text, report_trees, squeezed

from jixiao.document.docx import write_document

OFFICE_KEY = "办公文档: [docx]\n"


def ask_for_word(project: Path) -> None:
    site = project / "content/site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + OFFICE_KEY, encoding="utf-8")


def test_a_site_that_asks_gets_a_docx_beside_each_page_linked_and_listed(project, cli):
    ask_for_word(project)
    result = cli("build", str(project), "--no-pdf", "--no-search")
    assert result.exit_code == 0, result.output
    page = project / "site/2024/demo"
    assert (page / "demo.docx").read_bytes()[:2] == b"PK"
    assert '<a href="demo.docx">Word 下载</a>' in (page / "index.html").read_text(encoding="utf-8")
    assert json.loads((page / "data.json").read_text(encoding="utf-8"))["办公文档"] == ["demo.docx"]
    first = (page / "demo.docx").read_bytes()
    # an unchanged report is reused with its Word file; building again changes no byte
    again = cli("build", str(project), "--no-pdf", "--no-search")
    assert "重建 0，沿用 1" in again.output
    assert (page / "demo.docx").read_bytes() == first


def test_no_office_skips_them_and_a_site_that_does_not_ask_gets_none(project, cli):
    assert cli("build", str(project), "--no-pdf", "--no-search").exit_code == 0
    page = project / "site/2024/demo"
    assert not (page / "demo.docx").exists()
    assert "办公文档" not in json.loads((page / "data.json").read_text(encoding="utf-8"))
    ask_for_word(project)
    assert cli("build", str(project), "--no-pdf", "--no-search", "--no-office").exit_code == 0
    assert not (page / "demo.docx").exists()
    assert "Word 下载" not in (page / "index.html").read_text(encoding="utf-8")
    # asked again: the pages are rebuilt (they link the file now), not reused without it
    built = cli("build", str(project), "--no-pdf", "--no-search")
    assert "重建 1" in built.output and (page / "demo.docx").is_file()


def test_an_unknown_office_format_is_refused_at_its_line(project, cli):
    edit(project / "content/site.yaml", "站点名称: 测试站点", "站点名称: 测试站点\n办公文档: [doc]")
    result = cli("build", str(project), "--no-pdf", "--no-search")
    assert result.exit_code == 1
    assert "site.yaml:2" in result.output and "办公文档" in result.output


def test_shards_with_and_without_office_documents_are_not_merged(project, cli, tmp_path):
    ask_for_word(project)
    one = cli("build", str(project), "--no-pdf", "--no-search", "--shard", "1/2", "--out", str(tmp_path / "p1"))
    two = cli(
        "build", str(project), "--no-pdf", "--no-search", "--no-office", "--shard", "2/2", "--out", str(tmp_path / "p2")
    )
    assert one.exit_code == 0 and two.exit_code == 0
    merged = cli(
        "merge", str(tmp_path / "p1"), str(tmp_path / "p2"), "--project", str(project), "--out", str(tmp_path / "m")
    )
    assert merged.exit_code == 1
    assert "办公文档（Word、Excel）" in merged.output


KEYS = ["2023/luzhou-zhengti", "2023/luzhou-juesuan"]
_PAGE_NUMBER_RE = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)  # a footer line of its own: a table's "—0—" is text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
@pytest.mark.parametrize("key", KEYS)
def test_libreoffice_prints_the_docx_with_the_pages_text(key, tmp_path):
    """The .docx converted by LibreOffice: pdftotext gives the page's article text, figures included, once the
    cover (the page's own is another), the page numbers and the header rows LibreOffice repeats on each page are
    set aside. Whitespace is normalised away: Word wraps lines where the page does not."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    page, tree = report_trees([key])[key]
    docx_file = tmp_path / "report.docx"
    docx_file.write_bytes(write_document(tree))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx_file),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", "-raw", str(tmp_path / "report.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    printed = squeezed(_PAGE_NUMBER_RE.sub("", text))
    expected = squeezed(page_text(page))
    cover = squeezed(f"{tree.unit}{tree.title}{tree.report_type}（{tree.year}年度）{tree.date or ''}目录")
    assert printed.startswith(cover)
    printed, expected = without_heads(printed[len(cover) :], tree), without_heads(expected, tree)
    # every character the page prints, printed as many times: every word and figure of the text and the tables
    assert Counter(printed) == Counter(expected)
    # and the prose in the page's order, paragraph by paragraph, figures included. pdftotext -raw reads
    # LibreOffice's PDF in drawing order, which differs from the text's in two places only: LibreOffice draws
    # marks set in the Western part of a Chinese line (“ ” ≥ ≤) apart from the words around them, and a cell
    # merged over several rows after the first of those rows; so the order is compared without those marks,
    # for the paragraphs.
    at, printed = 0, without_marks(printed)
    for paragraph in map(without_marks, paragraphs_of(tree)):
        found = printed.find(paragraph, at)
        assert found >= 0, paragraph
        at = found + len(paragraph)


MARKS = "“”≥≤"


def without_marks(text: str) -> str:
    return text.translate({ord(mark): None for mark in MARKS})


def paragraphs_of(tree) -> list[str]:
    """The squeezed text of every paragraph of the report and its attachments, in order."""
    from jixiao.document.report import runs_text

    blocks = [b for d in (tree, *(a.document for a in tree.attachments)) for b in opened(d.blocks)]
    return [squeezed(runs_text(b.content)) for b in blocks if b.kind == "paragraph" and runs_text(b.content).strip()]


def without_heads(text: str, tree) -> str:
    """The text without any table's head rows (removed wherever they are): LibreOffice prints a table's head
    again at the top of every page the table goes on to, the page prints it once."""
    from jixiao.document.report import runs_text

    heads = {squeezed_rows(s.rows, runs_text) for t in tables_of(tree) for s in t.sections if s.part == "head"}
    for head in sorted(filter(None, heads), key=len, reverse=True):
        text = text.replace(head, "")
    return text


def squeezed_rows(rows, runs_text) -> str:
    return re.sub(r"\s+", "", "".join(runs_text(cell.content) for row in rows for cell in row.cells))


def opened(blocks) -> list:
    """The blocks as printed: each division's and each placed part's blocks in its place."""
    out = []
    for block in blocks:
        inner = block.blocks() if block.kind == "placement" else block.blocks if block.kind == "division" else None
        out += [block] if inner is None else opened(inner)
    return out


def tables_of(node):
    kind = getattr(node, "kind", None)
    if kind == "table":
        yield node
    elif kind == "group":
        yield from node.blocks
    elif kind in ("division", "placement"):
        for block in opened((node,)):
            yield from tables_of(block)
    elif kind == "document":
        for block in (*node.blocks, *(a.document for a in node.attachments)):
            yield from tables_of(block)
    elif kind == "list":
        for item in node.items:
            for block in item:
                yield from tables_of(block)
