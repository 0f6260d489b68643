"""Audit findings: what the build noticed but could still build (errors stop it instead).

A finding is printed like an error: file:line:col, the offending line, and a `提示:` saying what
to do — the rule's own hint unless the finding carries a more specific one — then the line to paste to
acknowledge it. A 核对说明 acknowledges one finding at a time, by its rule and the text it quotes:
`核对说明: {year-mismatch 「20245年」: 原文如此}` (acknowledgements.py reads them; a free text, the old form,
names no finding and acknowledges none). Notes (acknowledged findings) print on one line, with the reason.
The reason is the author's word to the audit and is never published (as_published leaves it out).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, read_source_line

LEVELS = ("error", "warning", "note")

# What to do about each rule's finding, in the author's words.
RULE_HINTS = {
    "stated-differs": "以计算结果为准；原文印错的数保留在 原表 下，并写 核对说明 说明原因。",
    "unit-mismatch": "改正完成值的单位，或写 核对说明 说明原表的笔误。",
    "parts-sum": "核对各部分与总数；确属原文如此，写 核对说明。",
    "weights": "调整各指标的分值，使合计等于规定的分值（或在 site.yaml 的 评分规则 / 报告类型 中改）。",
    "narrative-number": "把数字换成 {{ }} 表达式，让正文与数据一致。",
    "year-mismatch": "改正年份；确属原文如此，写 核对说明。",
    "money-unit": "写明单位（万元或元），或用 {{ }} 表达式引用数据。",
    "unit-twice": "删去表达式后面多写的单位：这个数自己印出单位；要不带单位的数，写 .值（{{ … .值 }}）。",
    "deviation-missing": "填写 偏差原因分析及改进措施。",
    "qualitative-band": "把得分改到该等级的区间内，或改完成值的等级词。",
    "missing-glyph": "换用能显示该字符的字体，或改写该字符。",
    "missing-field": "补上这一项；该省的表式确实没有时，写 核对说明。",
    "verdict-contradicts": "让文字与按规则的判定一致（达标/未达标），或改正数据。",
    "cross-total": "核对两处金额，改正其一；确属口径不同，写 核对说明。",
    "leftover": "删去模板中的提示文字，写上实际内容。",
    "page-debris": "删去从 PDF 复制来的页码或页眉页脚。",
    "image": "换成页面和 PDF 都能显示的图片（PNG、JPEG）。",
    "check-note": "删去这一条；要说明的提示仍在时，照 check 在该提示下打印的一行写（规则 「原文」: 原因）。",
    "lfs-pointer": "在构建前运行 `git lfs pull`（CI 的检出步骤要打开 LFS，例如 GitHub Actions 的 `lfs: true`）。",
}


@dataclass(frozen=True)
class Finding:
    location: Location
    level: str
    rule: str
    message: str
    hint: str | None = None
    note: str | None = None  # the reason of the 核对说明 that acknowledged it
    quote: str | None = None  # the text or figure it is about: with the rule, what a 核对说明 names
    draft: str | None = None  # an old free-text 核对说明 of its owner: the reason its snippet offers

    @property
    def described(self) -> str:
        """The message as the author reads it: with the 核对说明 that acknowledged it."""
        return f"{self.message}（已说明: {self.note}）" if self.note else self.message

    def format(self, root: Path | None = None) -> str:
        head = f"{self.location.describe(root)}: {self.level}: {self.described} [{self.rule}]"
        if self.level == "note":
            return head
        lines = [head]
        snippet = read_source_line(self.location, root)
        if snippet is not None:
            lines.append(f"    {snippet}")
        if self.advice:
            lines.append(f"  提示: {self.advice}")
        if self.paste:
            lines.append(f"  确属原文如此时写: 核对说明: {{{self.paste}}}")
        return "\n".join(lines)

    @property
    def paste(self) -> str | None:
        """The acknowledgement to paste for this warning: `rule 「quote」: 原因` (an old note's text as the reason)."""
        return f"{self.snippet}: {self.draft or '原因'}" if self.snippet else None

    @property
    def key(self) -> str | None:
        """What a 核对说明 writes to acknowledge this finding: `rule 「quote」`."""
        return None if self.quote is None else f"{self.rule} 「{self.quote}」"

    @property
    def snippet(self) -> str | None:
        """The key as YAML may carry it inside `{…}` (quoted when the text has a character flow YAML reads)."""
        if self.quote is None or self.level != "warning":
            return None
        key = self.key or ""
        return json.dumps(key, ensure_ascii=False) if _FLOW_SPECIAL.search(key) else key

    @property
    def advice(self) -> str | None:
        """What to do: the finding's own hint, else its rule's."""
        return self.hint or RULE_HINTS.get(self.rule)

    def sort_key(self) -> tuple[str, int, int, str]:
        path = str(self.location.path or "")
        return path, self.location.line, self.location.column, self.rule

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        """For the author (check --format json)."""
        return {
            "位置": self.location.describe(root),
            "级别": self.level,
            "规则": self.rule,
            "说明": self.described,
            "提示": self.advice,
            **({"核对说明写法": self.paste} if self.paste else {}),
        }

    def as_published(self, root: Path | None = None) -> dict[str, object]:
        """For the site (data.json, the page's 核对提示): without the 核对说明, which is never published."""
        published = {**self.as_dict(root), "说明": self.message}
        published.pop("核对说明写法", None)
        return published


def unique_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, in file order: a file every report reads (a font each PDF loads) gives every report the
    same finding, which the author fixes once."""
    return sorted(dict.fromkeys(findings), key=Finding.sort_key)


_FLOW_SPECIAL = re.compile(r"[,\[\]{}#\"']|: |:$")
_KEY = re.compile(r"^\s*([A-Za-z-]+)\s*「(.+)」\s*$", re.S)
_QUOTED = re.compile(r"「([^」]+)」")
_NAMED = re.compile(r"^(.+?)[:：] ")

# A 核对说明 as its owner holds it: the reasons by key (`rule 「quote」`), or the old free text; several when more
# than one may acknowledge the finding (an indicator row's, and the section's the finding is reported in).
Note = str | dict[str, str] | None


def acknowledged(
    location: Location,
    note: Note | tuple[Note, ...],
    rule: str,
    message: str,
    hint: str | None = None,
    quote: str | None = None,
) -> Finding:
    """A warning, or a note when one of the 核对说明 of its owner names it (by rule and quote). The quote is the
    text the finding is about; by default the first 「…」 of the message, else the name it begins with."""
    finding = Finding(location, "warning", rule, message, hint, None, quote or quote_of(message))
    return acknowledge(finding, *(note if isinstance(note, tuple) else (note,)))


def acknowledge(finding: Finding, *notes: Note) -> Finding:
    """The finding as a note when a mapping among `notes` has its key; else unchanged, offering the reason of an old
    free-text note (which names no finding) for the line to paste."""
    for note in notes:
        if isinstance(note, dict):
            reason = {normal_key(key): value for key, value in note.items()}.get(finding.key or "")
            if reason is not None:
                return dataclasses.replace(finding, level="note", note=reason)
    old = next((note for note in notes if isinstance(note, str) and note.strip()), None)
    return dataclasses.replace(finding, draft=old.strip()) if old and finding.draft is None else finding


def normal_key(key: object) -> str:
    """A key as written (`year-mismatch「20245年」`, spaces anywhere) in the one form findings compare with."""
    match = _KEY.match(str(key))
    return f"{match.group(1)} 「{match.group(2).strip()}」" if match else str(key).strip()


def quote_of(message: str) -> str:
    """What a finding without an explicit quote is about: the first 「…」 of its message, else its leading name."""
    quoted = _QUOTED.search(message) or _NAMED.search(message)
    return quoted.group(1).strip() if quoted else message


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def file_of(where: Location, root: Path | None) -> str:
    """The file of a location as the output names it (relative to the project), without line and column."""
    return where.describe(root).split(":")[0]


GITHUB_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def github_annotation(finding: Finding, root: Path | None) -> str:
    """A GitHub Actions workflow command, so the finding shows on the line in a pull request."""
    where = finding.location
    path = file_of(where, root) if where.path else None
    properties = [f"file={_escape_property(path)}"] if path else []
    if where.line:
        properties.append(f"line={where.line}")
        if where.column:
            properties.append(f"col={where.column}")
    properties.append(f"title={_escape_property(finding.rule)}")
    message = f"{finding.described}\n提示: {finding.advice}" if finding.advice else finding.described
    if finding.paste:
        message += f"\n确属原文如此时写: 核对说明: {{{finding.paste}}}"
    return f"::{GITHUB_LEVELS[finding.level]} {','.join(properties)}::{_escape_data(message)}"


def sarif_log(findings: list[Finding], root: Path | None, version: str) -> dict[str, object]:
    """SARIF 2.1.0 (the format of code-scanning and review tools): one run, its rules, one result a finding."""
    rules = sorted({f.rule for f in findings})
    results = []
    for finding in findings:
        where = finding.location
        location: dict[str, object] = {"artifactLocation": {"uri": file_of(where, root)}}
        if where.line:
            location["region"] = {"startLine": where.line, **({"startColumn": where.column} if where.column else {})}
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": rules.index(finding.rule),
                "level": finding.level,
                "message": {"text": finding.described},
                "locations": [{"physicalLocation": location}],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jixiao",
                        "version": version,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": RULE_HINTS.get(rule, rule)}} for rule in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
