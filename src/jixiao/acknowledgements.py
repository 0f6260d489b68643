"""核对说明, read as a list of acknowledgements: each names the one finding it acknowledges by its rule and the text
it quotes (`year-mismatch 「20245年」: 原文如此`).

The owner of a finding (a row, a form, an indicator) acknowledges it where the finding is made (findings.acknowledged).
This pass adds what a whole file acknowledges — the report's own 核对说明 for report.yaml, a section's front matter for
its Markdown file, whatever object the finding belongs to — and answers for every acknowledgement: one that names no
finding of the report is stale (the slip was corrected, or the key is misspelt), and an old free-text note names none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .errors import Location
from .findings import Finding, acknowledge, normal_key
from .load import Source
from .located import CHECK_NOTE
from .yamlsource import SourceList, SourceMap

STALE = "核对说明「{key}」没有对应的核对提示：原文已改正，或规则、引文与提示不同"
OLD = "核对说明 只写了一段文字（旧写法），不能说明哪一条提示，因此不再说明任何提示"
# What YAML reads that holds no 核对说明: the walks of a report.yaml (here and data.json's 原始数据) pass over them.
LEAVES = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime})
OLD_HINT = "逐条写明：每条提示下 check 打印了要写的一行（规则 「原文」: 原因），原来的文字已填作原因。"


def settle_findings(findings: list[Finding], source: Source) -> list[Finding]:
    """Acknowledge each warning by the 核对说明 of the file it is reported in, then add a warning for each
    acknowledgement that names no finding and for each old free-text one."""
    scopes = {source.raw.path: source.report.check_note, **{s.path: s.meta.check_note for s in source.sections}}
    settled = [acknowledge(f, scopes.get(f.location.path)) if f.level == "warning" else f for f in findings]
    named = {f.key for f in settled if f.key}
    written = [*notes_in(source.raw), *(note for section in source.sections for note in notes_in(section.front))]
    return settled + [problem for where, note in written for problem in unanswered(where, note, named)]


def notes_in(value: Any) -> list[tuple[Location, Any]]:
    """Every 核对说明 in a YAML tree as written, with where it was written (depth first, in file order)."""
    found: list[tuple[Location, Any]] = []
    collect_notes(value, found)
    return found


def collect_notes(value: Any, found: list[tuple[Location, Any]]) -> None:
    """`notes_in` into `found`. Only maps and lists are walked into, by a call, not a generator: most of a
    report.yaml's values are texts and numbers, which hold no note and are told by their type alone."""
    if isinstance(value, SourceMap):
        for key, item in value.items():
            if key == CHECK_NOTE:
                found.append((value.locate(key), item))
            elif type(item) not in LEAVES:
                collect_notes(item, found)
    elif isinstance(value, SourceList):
        for item in value:
            if type(item) not in LEAVES:
                collect_notes(item, found)


def unanswered(where: Location, note: Any, named: set[str]) -> list[Finding]:
    """The warnings of one 核对说明: the old free text, or each of its keys that no finding has."""
    if isinstance(note, str):
        return [Finding(where, "warning", "check-note", OLD, OLD_HINT)]
    if not isinstance(note, SourceMap):
        return []
    return [
        Finding(note.locate(key), "warning", "check-note", STALE.format(key=str(key).strip()))
        for key in note
        if normal_key(key) not in named
    ]
