"""Audit rules over a report's data and text: what `jixiao check` reports besides errors.

Each rule has an id and produces Findings at file:line, each about a quoted text or figure. A finding is
acknowledged by a `核对说明` that names it (`规则 「原文」: 原因`), of the object it belongs to (a form, 项目资金,
年度总体目标, a row) or of the file it is reported in (acknowledgements.py); it then becomes a note.
Scoring findings (stated-differs, unit-mismatch, weights, qualitative-band, missing-field) are made
where the figures are computed (each part's compute.py); this module reads the texts and the totals,
with the phrasings of phrasing.py.

It reads the computed view and the Markdown source, not the document tree: its figures are the values the
tree's Fig runs hold (same origin), plus those no table prints (an indicator's 完成率, named figures, hidden
tables), and a finding names the column in the author's Markdown, which rendered runs no longer know
(docs/architecture.md, "The audit and the document tree").
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from operator import attrgetter
from os.path import commonprefix
from typing import Any, NamedTuple

from . import phrasing
from .errors import Location, excerpt, line_column
from .findings import Finding, Note, acknowledged
from .load import Source
from .markdown import blank, blank_comments
from .model import Report
from .parts.data_table.audit import table_lists
from .parts.figures.audit import check_counts, in_unit, name_lists, named_figures
from .parts.form.view import FormView
from .parts.indicators.model import Indicator
from .parts.indicators.view import IndicatorView
from .parts.registry import PARTS
from .values import Money, Number, Rate, bare
from .views import ReportView

_EXPRESSION_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_CLAUSE_END_RE = re.compile(r"[。；;！!？?\n]")
_DIGIT_RE = re.compile(r"\d")
_COUNT_UNITS = {None, "个", "项", "人", "条", "次", "件"}
_MONEY_UNITS = {"元", "千元", "万元", "亿元"}


@dataclass
class Text:
    """A piece of prose to audit: where it is, which form it speaks of, and who acknowledges it."""

    text: str
    location: Location
    form: FormView | None
    note: Note | tuple[Note, ...]
    first_line: int = 0  # for Markdown: the file line of text[0]; 0 = report every finding at `location`
    leading_year_matters: bool = False


class Figure(NamedTuple):
    """A figure the data holds or computes, as prose may name it (a named tuple: a form makes some ten per indicator
    row, and a tuple is made several times faster than a frozen dataclass)."""

    name: str
    value: Decimal
    kind: str  # money, rate, score, count
    unit: str | None  # of a money or counted figure
    label: str  # which figure it is: 执行率, 本年 …
    where: str  # whose: a form's project, a table's row
    expression: str  # the {{ }} that prints it
    aliases: tuple[str, ...] = ()  # the other names the document gives it (a row's 别名)

    def shown(self) -> str:
        """The figure as the page prints it (Money, Rate and Score print themselves)."""
        return f"{self.value}{self.unit or ''}" if self.kind == "money" else str(self.value)


def audit_report(report: Report, view: ReportView, source: Source, default_unit: str = "万元") -> list[Finding]:
    """Run every text and total rule over one report."""
    findings: list[Finding] = []
    forms = view.forms
    paragraphs = list(markdown_paragraphs(source))  # split once: every form's verdicts and the figures read them
    for part in PARTS:  # each part's own rules (parts/<part>/audit.py)
        if part.audit is not None:
            findings += part.function(part.audit)(report, view, paragraphs, check_verdicts)
    texts = list(collect_texts(report, forms, paragraphs))
    report_index = FigureIndex(report_figures(view) + named_figures(view.figures, Figure))
    indexes = {id(form): FormIndex(form, number, default_unit, report_index) for number, form in enumerate(forms)}
    scoped = [(text, indexes[id(text.form)] if text.form is not None else report_index) for text in texts]
    # a figure, a year, an amount, a page number: each has a digit, so a text without one is not scanned for them
    numbered = [_DIGIT_RE.search(text.text) is not None for text in texts]
    patterns = {
        id(index): index.pattern_for(
            [text.text for (text, scope), digits in zip(scoped, numbered) if scope is index and digits]
        )
        for index in {id(index): index for _, index in scoped}.values()
    }
    for (text, index), digits in zip(scoped, numbered):
        findings += check_numbers(text, index, patterns[id(index)]) if digits else []
        findings += check_grades(text, view)
        findings += check_years(text, report.year) if digits else []
        findings += check_money_units(text) if digits else []
        findings += check_leftovers(text)
        findings += check_page_debris(text) if digits else []
    findings += check_counts(texts, name_lists(view.figures) + table_lists(view.tables), at)
    findings += check_cross_totals([(report, view)], default_unit)
    findings += check_title_year(report)
    return findings


def check_verdicts(pairs: list[tuple[Indicator, IndicatorView]], texts: list[Text]) -> list[Finding]:
    """verdict-contradicts: what a row's text, or prose naming the indicator (`texts`, the Markdown
    paragraphs), says (met / not met) against the rule's verdict."""
    found = []
    for item, row in pairs:
        if row.met is None:
            continue
        # the row's own texts, located only if they contradict (`_row_text_at`)
        said: list[tuple[str, Location | None, tuple[Note, ...]]] = [
            (text, None, ()) for text in (row.deviation, row.note) if text
        ]
        for paragraph in texts:
            start = paragraph.text.find(row.name)
            while start >= 0:
                end = _CLAUSE_END_RE.search(paragraph.text, start)
                clause = paragraph.text[start : end.start() if end else len(paragraph.text)]
                said.append((clause, at(paragraph, start), (paragraph.note,)))
                start = paragraph.text.find(row.name, start + 1)
        for text, where, notes in said:  # notes: the section's, for prose in Markdown
            verdict = _verdict_in(text, row.met)
            if verdict:
                rule_says = "已达标" if row.met else f"未达标（得分 {row.score}，满分 {row.points}）"
                found.append(
                    acknowledged(
                        _row_text_at(item) if where is None else where,
                        (item.check_note, *notes),
                        "verdict-contradicts",
                        f"{row.name}: 文字说「{verdict}」，按规则（{row.basis}）该指标{rule_says}",
                        quote=row.name,
                    )
                )
                break
    return found


def _row_text_at(item: Indicator) -> Location:
    """Where a row's own text is: its 偏差原因分析及改进措施, else the row (located only for a finding: a location is some
    10 K instructions, and most rows' texts agree with their verdicts)."""
    return item.locate("偏差原因分析及改进措施") if item.wrote("偏差原因分析及改进措施") else item.locate()


def _verdict_in(text: str, met: bool) -> str | None:
    """The words in `text` that contradict the verdict, if any."""
    unmet = phrasing.UNMET.search(text)
    if met and unmet:
        return unmet.group(0)
    claim = phrasing.MET.search(text)
    if not met and claim and not unmet:
        return claim.group(0)
    return None


# -- figures in prose -----------------------------------------------------------------------------------

_FILLER_RE = re.compile(r"财政|项目|资金")
_FILLER = f"(?:{_FILLER_RE.pattern})*"


@lru_cache(maxsize=8192)
def core_name(name: str) -> str:
    """A name without 财政/项目/资金, by which prose and data name the same row a little differently (上缴财政城市…
    资金 / 上缴城市…资金); a name whose core is shorter than 4 characters (项目支出 → 支出) is only itself."""
    core = _FILLER_RE.sub("", name)
    return core if len(core) >= 4 else name


@lru_cache(maxsize=8192)
def indexed_name(name: str) -> tuple[str, frozenset[str] | None]:
    """A name's core, and the characters a text must hold for a near form of it to match (None: the name itself must
    stand in the text), remembered: a form indexes some two hundred names, the same on every copy of a form."""
    core = core_name(name)
    return core, None if core == name else frozenset(core)


@lru_cache(maxsize=8192)
def near_name(name: str) -> str:
    """The pattern of a name and its near forms: 财政/项目/资金 may stand anywhere in it (first too, so the quote
    is the whole name prose wrote: 项目资金预算安排, not 预算安排), or be left out."""
    core = core_name(name)
    if core == name:
        return re.escape(name)
    return _FILLER + _FILLER.join(re.escape(character) for character in core) + _FILLER


# Names under the first character of their cores, each with what a text must hold for it to match there (None: the
# name itself; else the characters of its core): what `held_names` reads.
ByFirst = dict[str, dict[str, frozenset[str] | None]]


class Names(NamedTuple):
    """The names one figure of a form goes by (a row's 完成率: 办件量, 办件量完成率, 办件量达成 …), indexed once per
    process: a form's index lists the Names of its figures instead of indexing each figure's names again."""

    names: tuple[str, ...]
    core_of: dict[str, str]  # each name's core (`core_name`), by which prose names the figure
    cores: frozenset[str]
    by_first: ByFirst
    guard: str  # what a text holds if it may hold any of the names: their common beginning ("" for near names)


def index_names(names: tuple[str, ...]) -> Names:
    """`names` with their cores and under the first characters of their cores (as `FigureIndex` files a figure's),
    and the beginning all of them share when each must stand in a text as it is (a row's name, which begins each of
    its phrasings: a text without it holds none of them)."""
    core_of: dict[str, str] = {}
    by_first: ByFirst = {}
    for name in names:
        core, needs = indexed_name(name)
        core_of[name] = core
        if core:
            by_first.setdefault(core[0], {})[name] = needs
    exact = all(needs is None for held in by_first.values() for needs in held.values())
    return Names(names, core_of, frozenset(core_of.values()), by_first, commonprefix(names) if exact else "")


_FIGURE_NAMES = {path: name for name, path in phrasing.FORM_FIGURE_PATHS.items()}
# A form's own figures: the names of each, indexed once, its attribute path in FormView, how it is written, and the
# getter of its value.
_FORM_FIGURES = [(index_names(names), path, kind, attrgetter(path)) for names, path, kind in phrasing.FORM_FIGURES]

# A group of a form's figures: one figure under each of the names it goes by, the same but for the name (its value,
# kind, unit, label, whose, and the expression that prints it: a Figure's fields after its name).
Group = tuple[Names, tuple[Any, str, str | None, str, str, str]]


def form_groups(form: FormView, index: int, default_unit: str) -> list[Group]:
    """Every figure of a form prose may name, group by group: its own (总分, 执行率, 全年预算数 … each under its
    names), then each indicator row's (`row_groups`). A form's index makes only those its prose names
    (`FormIndex`)."""
    groups: list[Group] = []
    for names, path, kind, value_of in _FORM_FIGURES:
        value = value_of(form)
        if value is not None:
            label = _FIGURE_NAMES[path]
            expression = f"自评表[{index}]." + (
                f"项目资金.年度资金总额.{label}" if path.startswith("funds.") else label
            )
            unit = default_unit if kind == "money" else None
            groups.append((names, (value, kind, unit, label, form.project, expression)))
    for row in form.rows:
        groups += row_groups(row, index)
    return groups


_RATE_NAMES = ("{}", "{}完成率", "{}的完成率", "{}达成率", "{}达成")
_SCORE_NAMES = ("{}{}", "{}的{}")  # 办件量得分, 办件量的分值


def row_groups(row: IndicatorView, index: int) -> list[Group]:
    """An indicator row's figures: its 完成率, as prose states it for the row (短信数量完成率96.40%, 满意度达成100%),
    if it has one, and its 实际完成值 under the same names when that is itself a percentage; and the 分值 and 得分
    the form prints for every row (办件量得分24分), so prose about a row's score is compared with it, not with the
    总分. The names are the row's phrasings, indexed once per process (`phrased`)."""
    name = row.name
    rates, scores = phrased(name)
    expression = f'自评表[{index}].指标["{name}"].'
    groups: list[Group] = []
    if row.completion is not None:
        groups.append((rates, (row.completion, "rate", None, "完成率", name, expression + "完成率")))
        actual = (row.actual or "").strip()
        if actual.endswith(("%", "％")) and _is_number(actual[:-1]):
            groups.append(
                (rates, (Rate(Decimal(actual[:-1])), "rate", None, "实际完成值", name, expression + "实际完成值"))
            )
    for value, label in ((row.points, "分值"), (row.score, "得分")):
        if value is not None:
            groups.append((scores[label], (value, "score", None, label, name, expression + label)))
    return groups


def group_figures(group: Group) -> list[Figure]:
    """A group's figure under each of its names, each a tuple made in C (`_figure`)."""
    names, (value, kind, unit, label, where, expression) = group
    return [_figure((name, value, kind, unit, label, where, expression, ())) for name in names.names]


# A Figure from its eight fields, made by tuple.__new__ (C), not by the named tuple's own __new__ (a Python function):
# every figure of a form and of a report's tables is made so.
_figure = partial(tuple.__new__, Figure)


@lru_cache(maxsize=8192)
def phrased(name: str) -> tuple[Names, dict[str, Names]]:
    """How prose may name a row's 完成率 (办件量完成率, 办件量达成 …), and by label its 分值 and 得分 (办件量得分,
    办件量的得分), indexed, remembered: a site's forms repeat their rows' names year after year. One call a row, of
    one argument (the cache's quick path; a key of two is a tuple made and hashed at each call)."""
    rates = index_names(tuple(phrase.format(name) for phrase in _RATE_NAMES))
    return rates, {
        label: index_names(tuple(phrase.format(name, label) for phrase in _SCORE_NAMES)) for label in ("分值", "得分")
    }


_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


def _is_number(text: str) -> bool:
    return _NUMBER_RE.fullmatch(text.strip()) is not None


def report_figures(view: ReportView) -> list[Figure]:
    """The report's own total (an evaluation or a 评分) and every cell of its data tables, by row name."""
    found = []
    if view.total is not None and (view.score_sheet is not None or view.scores is not None):
        found += [
            _figure((name, view.total, "score", None, "总分", view.title, "总分", ()))
            for names, _, _ in phrasing.REPORT_FIGURES
            for name in names
        ]
    for table in view.tables.values():
        rows = [*table.rows, *([table.total] if table.total else [])]
        for row in rows:
            if len(row.name) < 2:
                continue
            for column in table.columns:
                value = row.get(column)
                kind = (
                    "rate"
                    if isinstance(value, Rate)
                    else "money"
                    if isinstance(value, Money)
                    else "count"
                    if isinstance(value, Number)
                    else None
                )
                if kind is None:
                    continue
                path = "合计" if row is table.total else f"行{_index(row.name)}"
                found.append(
                    _figure(
                        (
                            row.name if row is not table.total else f"{table.title}合计",
                            bare(value),
                            kind,
                            value.unit or table.unit,  # a row's or column's own unit (度量单位, 列's 单位)
                            column,
                            f"{table.title}「{row.name}」",
                            f"数据表{_index(table.name)}.{path}{_index(column)}",
                            tuple(row.aliases) if row is not table.total else (),
                        )
                    )
                )
    return found


def _index(name: str) -> str:
    return f".{name}" if name.isidentifier() else f'["{name}"]'


class Scope(ABC):
    """The figures prose may name in one scope (a form's texts, or the report's), by their core names.

    The texts of a scope are searched with the pattern of only the names they could hold (`pattern_for`), not of all
    of them: a form has some two hundred names (every indicator's 完成率, 得分, 分值 under several phrasings), a
    regular expression tries each alternative at each position of a text, and compiling one of all the names takes
    milliseconds, while a form's texts hold a few. A name left out matches nowhere in them, so the matches are the
    same; the patterns are cached by their names."""

    @abstractmethod
    def named(self, written: str) -> list[Figure]:
        """The figures prose names with `written` (the exact name, or a near one), in the scope's order."""

    @abstractmethod
    def alike(self, kind: str, equal: Callable[[Figure], bool]) -> list[Figure]:
        """The figures of a kind that are `equal` (a test of a figure's value, kind and unit), in the scope's order."""

    @abstractmethod
    def held(self, text: str) -> Iterator[str]:
        """The names that could match in `text` (`held_names`)."""

    def pattern_for(self, texts: list[str]) -> re.Pattern[str] | None:
        """The pattern of the names `texts` could hold (phrasing.figure_pattern), None for none."""
        names = frozenset(name for text in texts for name in self.held(text))
        return names_pattern(names) if names else None


def held_names(by_first: ByFirst, text: str) -> Iterator[str]:
    """The names that could match in `text`: a name's core begins with a character of the text (its index key),
    and the text has the name, or for a near name every character of its core (what `near_name` requires, in
    order, between 财政/项目/资金). Each character is looked for in the text (a scan in C), not in a set of the text's
    characters, which makes an object of each character of the text (some 500 instructions a character), unless the
    names have many more first characters than the text has characters."""
    if len(by_first) > 8 * len(text):
        characters = set(text)
        firsts: Iterable[str] = by_first.keys() & characters
    else:
        firsts = [first for first in by_first if first in text]
    for first in firsts:
        for name, needs in by_first[first].items():
            if name in text if needs is None else all(character in text for character in needs):
                yield name


class FigureIndex(Scope):
    """The report's scope: its own figures and its tables', indexed as they are made."""

    def __init__(self, figures: list[Figure]):
        self.figures = figures
        self.by_name: dict[str, list[Figure]] = {}
        by_first: ByFirst = {}
        for figure in figures:
            for name in (figure.name, *figure.aliases) if figure.aliases else (figure.name,):
                core, needs = indexed_name(name)
                self.by_name.setdefault(core, []).append(figure)
                if core:
                    by_first.setdefault(core[0], {})[name] = needs
        self.by_first = by_first

    def named(self, written: str) -> list[Figure]:
        return self.by_name.get(core_name(written), [])

    def held(self, text: str) -> Iterator[str]:
        return held_names(self.by_first, text)

    def alike(self, kind: str, equal: Callable[[Figure], bool]) -> list[Figure]:
        return [figure for figure in self.figures if figure.kind == kind and equal(figure)]


class FormIndex(Scope):
    """A form's scope: the report's figures (`base`, first), then the form's own, made only when prose names them.

    A form has some twelve figures a row, and making and indexing each cost some 9 K instructions, while its texts
    name a few. So a form's index lists the groups of its figures (`form_groups`: a figure under each of its names),
    whose names are indexed once per process (`phrased`, `index_names`); a group's figures are made when prose names
    one of them (`named`), or when they are the number a finding's 「是否写成了别处的数」 looks for (`alike`). Each
    answers as the index of all the figures made at once would (tests/unit/test_audit_figures.py)."""

    def __init__(self, form: FormView, number: int, default_unit: str, base: FigureIndex):
        self.base = base
        self.groups = form_groups(form, number, default_unit)

    def named(self, written: str) -> list[Figure]:
        core = core_name(written)
        found = [*self.base.by_name.get(core, ())]
        for group in self.groups:
            core_of = group[0].core_of
            if core in group[0].cores:
                found += [figure for figure in group_figures(group) if core_of[figure.name] == core]
        return found

    def held(self, text: str) -> Iterator[str]:
        """The report's names, then each group's whose common beginning the text holds (most groups are a row's:
        a text names a few rows, and the others are passed over with one scan each)."""
        yield from self.base.held(text)
        for names, _ in self.groups:
            if names.guard in text:
                yield from held_names(names.by_first, text)

    def alike(self, kind: str, equal: Callable[[Figure], bool]) -> list[Figure]:
        """A group's figures differ only by their names: the group's first tells whether they are all alike."""
        found = self.base.alike(kind, equal)
        for group in self.groups:
            if group[1][1] == kind:
                figures = group_figures(group)
                if figures and equal(figures[0]):
                    found += figures
        return found


@lru_cache(maxsize=256)
def names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """The figure pattern of these names, compiled once per process for each set of names a scope holds (the
    same sets recur in an attached report and in copies; a few hundred are kept, so memory stays flat in the
    number of reports)."""
    return phrasing.figure_pattern(list(names), near_name)


def check_numbers(text: Text, index: Scope, pattern: re.Pattern[str] | None) -> list[Finding]:
    """narrative-number: a number in prose after the name of a figure must be that figure (`pattern`: the
    index's pattern for the texts of its scope); the finding suggests the expression that prints it."""
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(text.text):
        written = Decimal(match.group("number"))
        decrease = bool(phrasing.DECREASE.search(match.group(0)))
        approximate = "约" in match.group(0)
        candidates = [f for f in index.named(match.group("name")) if _fits(f, match.group("unit"))]
        if not candidates or any(_equal(f, written, match.group("unit"), decrease, approximate) for f in candidates):
            continue
        first = max(candidates, key=lambda f: _about(f, text.text, match))
        alike = index.alike(first.kind, partial(_equal, written=written, unit=match.group("unit"), decrease=decrease))
        also = sorted(
            (f for f in alike if f not in candidates),
            key=lambda f: f.where != first.where and not f.where.startswith(first.where.split("「")[0]),
        )
        whole = f"（这是{also[0].where}{also[0].label}的数，是否写成了别处的数？）" if also else ""
        values = "、".join(f"{f.label} {f.shown()}" for f in sorted(candidates, key=lambda f: f is not first)[:4])
        if match.group("name") != first.name:  # a near name or an alias: which row it was taken for
            values = f"「{first.name}」{values}"
        found.append(
            acknowledged(
                at(text, match.start()),
                text.note,
                "narrative-number",
                f"文中写「{match.group(0).strip()}」，按数据为 {values}{whole}；可改写为 {{{{ {first.expression} }}}}",
            )
        )
    return found


_SPENT_RE = re.compile(r"支出|执行|决算|实际")


def _about(figure: Figure, text: str, match: re.Match[str]) -> int:
    """How surely the sentence is about this figure of its row: its column named between the name and the number
    (2), or in the sentence (1); a sentence of spending (支出, 执行, 决算) is about a spending column (1)."""
    start = text.rfind("。", 0, match.start()) + 1
    sentence = text[start : match.end()]
    said = 2 if figure.label in match.group(0) else 1 if figure.label in sentence else 0
    spent = bool(_SPENT_RE.search(figure.label)) and bool(_SPENT_RE.search(sentence))
    return said * 2 + spent


def _fits(figure: Figure, unit: str | None) -> bool:
    if figure.kind == "rate":
        return unit in ("%", "％")
    if figure.kind == "money":
        return unit in _MONEY_UNITS
    if figure.kind == "score":
        return unit in (None, "分")
    return unit in _COUNT_UNITS or unit == figure.unit or in_unit(Decimal(1), unit, figure.unit) is not None


def _equal(figure: Figure, written: Decimal, unit: str | None, decrease: bool, approximate: bool = False) -> bool:
    """Whether the written number is the figure (in its unit; 约 allows the written rounding)."""
    value = Decimal(figure.value)
    if figure.kind in ("money", "count") and unit != figure.unit and (figure.kind == "money" or unit and figure.unit):
        written = in_unit(written, unit, figure.unit)  # within a dimension: 亿元/万元/元, 万人/人, 万笔/笔
        if written is None:
            return False
    if decrease:
        value, written = abs(value), abs(written)
    if value == written:
        return True
    places = max(0, -written.as_tuple().exponent)
    return approximate and value.quantize(Decimal(1).scaleb(-places)) == written


def check_grades(text: Text, view: ReportView) -> list[Finding]:
    """A grade written in prose (评价等次为优) must be the one the rules give."""
    grade = text.form.grade if text.form is not None else (view.grade if view.score_sheet or view.scores else None)
    if grade is None:
        return []
    found = []
    for match in phrasing.grade_pattern().finditer(text.text):
        if match.group("grade")[0] != grade[0]:
            number = next((i for i, form in enumerate(view.forms) if form is text.form), 0)
            expression = f"自评表[{number}].评价等次" if text.form is not None else "评价等次"
            found.append(
                acknowledged(
                    at(text, match.start()),
                    text.note,
                    "narrative-number",
                    f"文中写「{match.group(0)}」，按规则评价等次为 {grade}；可改写为 {{{{ {expression} }}}}",
                )
            )
    return found


# -- totals across tables and forms -----------------------------------------------------------------------


def check_cross_totals(parts: list[tuple[Report, ReportView]], default_unit: str) -> list[Finding]:
    """cross-total: the same money named in two places must agree — a form's 全年预算数 / 全年执行数
    against a table row for the same project, and a row of one table against the same row and column
    of another table of the same year (money_year)."""
    found = []
    rows = [
        (report, view, table_name, row)
        for report, view in parts
        for table_name, table in view.tables.items()
        for row in table.rows
    ]
    forms = [(report, form) for report, view in parts for form in view.forms]
    for report, view, table_name, row in rows:
        table = view.tables[table_name]
        where, note = row.where or report.locate("数据表"), row.check_note
        for _, form in forms:
            if row.name != form.project or table.unit not in (None, default_unit):
                continue
            for columns, value, label in (
                (phrasing.BUDGET_COLUMNS, form.funds.total.budget, "全年预算数"),
                (phrasing.EXECUTED_COLUMNS, form.funds.total.executed, "全年执行数"),
            ):
                column = next((c for c in columns if c in table.columns), None)
                if column and value is not None and row.get(column) is not None and Decimal(row[column]) != value:
                    found.append(
                        acknowledged(
                            where,
                            note,
                            "cross-total",
                            f"{table.title}「{row.name}」{column} {row[column]} 与自评表的{label} {value} 不一致",
                        )
                    )
    linked = set()
    for report, view, table_name, row in rows:
        for link in row.same_money:
            other_name, _, other_row = link.partition(".")
            linked |= {(table_name, row.name, other_name), (other_name, other_row, table_name)}
            found += compare_linked(report, view.tables[table_name], row, view.tables[other_name], other_row)
    seen: dict[tuple[str, str, str], tuple[str, Any, str]] = {}
    for report, view, table_name, row in rows:
        table = view.tables[table_name]
        for column in table.columns:
            value = row.get(column)
            if not isinstance(value, (Money, Number)) or row.formula:
                continue
            key = (row.name, column, money_year(table.title, column))
            if (
                key in seen
                and seen[key][0] != table.title
                and (table_name, row.name, seen[key][2]) not in linked
                and Decimal(seen[key][1]) != Decimal(value)
            ):
                found.append(
                    acknowledged(
                        row.where or report.locate("数据表"),
                        row.check_note,
                        "cross-total",
                        f"「{row.name}」{column}: {table.title}为 {value}，{seen[key][0]}为 {seen[key][1]}",
                    )
                )
            seen.setdefault(key, (table.title, value, table_name))
    return found


def compare_linked(report: Report, table: Any, row: Any, other: Any, other_row: str) -> list[Finding]:
    """cross-total by 同一笔钱: a row the author declared the same money as a row of another table is compared with
    it in every number column both tables have, whatever their names and years (check_links made sure it exists)."""
    target = other.rows[other_row]
    found = []
    for column in (c for c in table.columns if c in other.columns):
        value, theirs = row.get(column), target.get(column)
        if (
            isinstance(value, (Money, Number))
            and isinstance(theirs, (Money, Number))
            and Decimal(value) != Decimal(theirs)
        ):
            found.append(
                acknowledged(
                    row.where or report.locate("数据表"),
                    row.check_note,
                    "cross-total",
                    f"「{row.name}」{column}: {table.title}为 {value}，同一笔钱{other.title}「{other_row}」为 {theirs}",
                )
            )
    return found


_LAST_YEAR_RE = re.compile(r"上年|上一年|去年|以前年度|结转|结余")
_THIS_YEAR_RE = re.compile(r"本年|当年|本期|今年")


def money_year(title: str, column: str) -> str:
    """Whose year a table's column holds: 上年 (last year's, or carried over from it) or 本年. The column says so
    first (本年 / 上年 side by side), else the table's title; two tables' same-named rows are the same money only
    in the same year — this year's fees and last year's carried-over fees share names, not amounts."""
    for text in (column, title):
        if _LAST_YEAR_RE.search(text):
            return "上年"
        if _THIS_YEAR_RE.search(text):
            return "本年"
    return "本年"


# -- the texts --------------------------------------------------------------------------------------------


def collect_texts(report: Report, forms: list[FormView], paragraphs: list[Text]) -> Iterator[Text]:
    """Every prose field of the report.yaml, then the Markdown paragraphs (each tied to the form it names)."""
    for model, form in zip(report.forms, forms):
        for key, value in (
            ("评价结论", model.conclusion),
            ("存在问题", model.problems),
            ("改进措施", model.measures),
            ("项目实施内容及过程概述", model.process),
        ):
            if value:
                yield Text(value, model.locate(key), form, model.check_note)
        if model.goal.achieved:
            yield Text(
                model.goal.achieved,
                model.goal.locate("实际完成情况"),
                form,
                model.goal.check_note,
                leading_year_matters=True,
            )
        if model.funds.reason:
            yield Text(model.funds.reason, model.funds.locate("原因"), form, model.funds.check_note)
    if report.summary:
        yield Text(
            _EXPRESSION_RE.sub(blank, report.summary), report.locate("摘要"), None, None, leading_year_matters=True
        )
    for paragraph in paragraphs:
        paragraph.form = _form_named(paragraph.text, forms)
        yield paragraph


def markdown_paragraphs(source: Source) -> Iterator[Text]:
    """The Markdown sections, paragraph by paragraph, with comments, expressions and code blanked out."""
    for section in source.sections:
        body = _CODE_RE.sub(blank, _EXPRESSION_RE.sub(blank, blank_comments(section.body)))
        offset = 0
        for paragraph in re.split(r"(\n\s*\n)", body):
            if paragraph.strip() and not paragraph.startswith("\n"):
                line = section.first_line + body.count("\n", 0, offset)
                yield Text(
                    paragraph,
                    Location(section.path, line),
                    None,
                    section.meta.check_note,
                    first_line=line,
                    leading_year_matters=True,
                )
            offset += len(paragraph)


def _form_named(paragraph: str, forms: list[FormView]) -> FormView | None:
    """The form a Markdown paragraph speaks of: the one it names, or the only one."""
    named = [f for f in forms if f.project in paragraph]
    if len(named) == 1:
        return named[0]
    return forms[0] if len(forms) == 1 else None


def at(text: Text, index: int) -> Location:
    """Where text[index] is in its file: line and column for Markdown (a paragraph begins a line)."""
    if not text.first_line:
        return text.location
    line, column = line_column(text.text, index)
    return Location(text.location.path, text.first_line + line - 1, column)


def check_leftovers(text: Text) -> list[Finding]:
    """leftover: template text nobody meant to publish (（根据实际情况去留）, XX, ××, 此处填写…)."""
    return [
        acknowledged(
            at(text, m.start()), text.note, "leftover", f"「{excerpt(m.group(0).strip())}」像是模板中留下的提示文字"
        )
        for m in phrasing.LEFTOVERS.finditer(text.text)
    ]


def check_page_debris(text: Text) -> list[Finding]:
    """page-debris: page numbers and footers copied from a PDF (- 13 -, 第 3 页 共 12 页)."""
    if phrasing.PAGE_DEBRIS_MARK.search(text.text) is None:  # most texts: no dash, 第 or slash, no page furniture
        return []
    return [
        acknowledged(
            at(text, m.start()), text.note, "page-debris", f"「{excerpt(m.group(0).strip())}」像是从 PDF 复制来的页码"
        )
        for m in phrasing.PAGE_DEBRIS.finditer(text.text)
    ]


def check_years(text: Text, year: int) -> list[Finding]:
    """Malformed years anywhere; a text that opens with another year; years after the report's. A text without 年
    has none of them (each pattern needs it; a pattern scanned over a text costs some 5 µs, half the texts lack 年)."""
    found: list[Finding] = []
    if "年" not in text.text:
        return found
    for match in phrasing.BAD_YEAR.finditer(text.text):
        found.append(
            acknowledged(at(text, match.start()), text.note, "year-mismatch", f"年份「{match.group(0)}」写法有误")
        )
    leading = phrasing.LEADING_YEAR.match(text.text)
    if text.leading_year_matters and leading and int(leading.group(1)) != year:
        found.append(
            acknowledged(
                at(text, 0),
                text.note,
                "year-mismatch",
                f"{year} 年度报告中的这段文字以「{leading.group(0).strip()}」开头，年份是否有误？",
            )
        )
    for match in phrasing.YEAR.finditer(text.text):
        if int(match.group(1)) > year + 1:
            found.append(
                acknowledged(
                    at(text, match.start()),
                    text.note,
                    "year-mismatch",
                    f"{year} 年度报告提到以后的年份「{match.group(0).strip()}」",
                )
            )
    return found


def check_money_units(text: Text) -> list[Finding]:
    """Amounts are in 万元: a large amount in 元, or an amount without any unit, is suspicious."""
    found: list[Finding] = []
    for match in phrasing.YUAN.finditer(text.text) if "元" in text.text else ():  # most texts name no 元
        before = text.text[max(match.start() - 1, 0) : match.start()]
        if before in ("万", "亿", "千") or Decimal(match.group(1)) < 100:
            continue
        found.append(
            acknowledged(
                at(text, match.start()),
                text.note,
                "money-unit",
                f"金额「{match.group(0)}」以元计，本报告金额以万元计，单位是否应为万元？",
            )
        )
    for match in phrasing.BARE_AMOUNT.finditer(text.text):
        found.append(
            acknowledged(
                at(text, match.start()), text.note, "money-unit", f"金额「{match.group(0)}」没有单位（万元/元）"
            )
        )
    return found


def check_title_year(report: Report) -> list[Finding]:
    """A year in the 标题 must be the report's."""
    return [
        acknowledged(
            report.locate("标题"),
            report.check_note,
            "year-mismatch",
            f"标题中的年份 {m.group(1)} 与年度 {report.year} 不符",
            quote=m.group(0).strip(),
        )
        for m in phrasing.YEAR.finditer(report.title)
        if int(m.group(1)) != report.year
    ]
