"""The faster YAML walk (issue 22) gives exactly what the walk before it gave (`tests/yaml_oracle.py`): the same
values and types, Decimals with the same exponent, the same key order and positions, and the same error text at the
same file:line:column, on every YAML file and front matter of the repository, every YAML example of the manual and
every input of the golden cases, and on a case for each rule the walk keeps."""

from __future__ import annotations

import itertools
import operator
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_oracle
from conftest import FIXTURES, REPO

from jixiao import yamlsource
from jixiao.errors import SourceError
from jixiao.load import _FRONT_MATTER_RE
from jixiao.yamlsource import SourceList, SourceMap, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
_FENCE_RE = re.compile(r"^[ \t]*```ya?ml\b[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)
_TOP_LEVEL_SKIPPED = {"site", "build", "dist", "node_modules"}  # build output and installed packages

Input = tuple[str, str, Path | None, int]  # (name, text, path, line offset)


def repository_files() -> list[Path]:
    """Every file of the repository's own folders (content/, docs/, tests/ with its fixtures, golden cases and any
    corpus, themes/, src/ …), without hidden folders and build output."""
    found = []
    for folder, dirs, files in os.walk(REPO):
        skipped = _TOP_LEVEL_SKIPPED if Path(folder) == REPO else set()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in skipped and d != "__pycache__")
        found += [Path(folder, name) for name in sorted(files)]
    return found


def inputs_of(name: str, text: str, path: Path) -> list[Input]:
    """What jixiao would parse as YAML in a file of this name: a YAML file whole, a Markdown file's front matter
    (from its second line, as load.read_section parses it), and, for the manual, the YAML examples in its fences."""
    if path.suffix in YAML_SUFFIXES:
        return [(name, text, path, 0)]
    if path.suffix != ".md":
        return []
    found = []
    front = _FRONT_MATTER_RE.match(text)
    if front and front.group(1):
        found.append((f"{name} (front matter)", front.group(1), path, 1))
    for number, fence in enumerate(_FENCE_RE.finditer(text)):
        found.append((f"{name} (```yaml {number})", fence.group(1), path, text.count("\n", 0, fence.start(1))))
    return found


def golden_inputs(case_path: Path) -> list[Input]:
    """The YAML and Markdown files a golden case writes or edits, as they are once its edits are applied (the bad
    inputs: alias bombs, tags, merges, numbers, keys, syntax errors …)."""
    case = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    fixture = FIXTURES / str(case.get("fixture", ""))
    texts: dict[str, str] = {}
    for edit in case.get("edits") or []:
        kind = next(iter(edit))
        target = str(edit[kind])
        if not target.endswith((*YAML_SUFFIXES, ".md")):
            continue
        before = texts.get(target)
        if before is None and (fixture / target).is_file():
            before = (fixture / target).read_text(encoding="utf-8")
        if kind == "replace" and before is not None:
            texts[target] = before.replace(edit["old"], edit["new"], 1)
        elif kind == "write" and "base64" not in edit and edit.get("encoding", "utf-8") == "utf-8":
            texts[target] = edit.get("text", "") + edit.get("fill", "") * edit.get("count", 0)
        elif kind == "prepend" and before is not None:
            texts[target] = edit["text"] + before
    name = case_path.relative_to(REPO).as_posix()
    return [found for target, text in texts.items() for found in inputs_of(f"{name}: {target}", text, Path(target))]


def corpus() -> list[Input]:
    found: list[Input] = []
    for path in repository_files():
        name = path.relative_to(REPO).as_posix()
        if path.suffix not in (*YAML_SUFFIXES, ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        found += inputs_of(name, text, path)
        if name.startswith("tests/golden/") and path.suffix in YAML_SUFFIXES:
            found += golden_inputs(path)
    return found


def shape(value: Any) -> Any:
    """Everything a caller can see of a parsed value: its exact type, a Decimal's digits and exponent, a mapping's
    key order, the file and position of each collection, key and item."""
    if isinstance(value, SourceMap):
        positions = list(value.positions.items())
        return (type(value), attributes(value), positions, [(key, shape(item)) for key, item in value.items()])
    if isinstance(value, SourceList):
        return (type(value), attributes(value), [shape(item) for item in value])
    if isinstance(value, Decimal):
        return (Decimal, value.as_tuple())
    return (type(value), value)


def attributes(value: SourceMap | SourceList) -> dict[str, Any]:
    """A collection's file and positions (its slots: it has no instance dictionary)."""
    return {name: getattr(value, name) for name in ("path", "start", "positions")}


def outcome(parse: Any, text: str, path: Path | None, line_offset: int) -> Any:
    try:
        return shape(parse(text, path, line_offset))
    except SourceError as error:
        return (type(error), error.format(), error.location, error.message, error.hint, error.rule)
    except Exception as error:  # a traceback for the author (the walk before gave one for `!!int 1.5`)
        return ("crash", type(error))


# The one input where the walk before crashed with a traceback (int("30.5")) and the new one gives a message.
FIXED = ["tests/golden/yaml/tag-int-on-decimal.yaml: content/2024/demo/report.yaml"]


def mismatches(inputs: list[Input]) -> list[str]:
    return [
        name
        for name, text, path, offset in inputs
        if outcome(parse_yaml, text, path, offset) != outcome(yaml_oracle.parse_yaml, text, path, offset)
    ]


def test_every_yaml_of_the_repository_parses_as_before():
    inputs = corpus()
    names = {name.split(":")[0].split(" (")[0] for name, *_ in inputs}
    # the corpus is what it says: the real reports, the site and fixture files, the golden cases' inputs
    assert "content/2023/luzhou-xiangmu-zipingbiao/report.yaml" in names and "content/site.yaml" in names
    assert len([n for n in names if n.startswith("tests/golden/")]) > 400  # about 470 cases
    errors = sum(1 for _, *args in inputs if outcome(parse_yaml, *args)[0] is SourceError)
    assert errors > 80  # 93 of 797 inputs when written: the golden cases' alias bombs, tags, merges, keys, syntax …
    assert not [name for name, *args in inputs if outcome(parse_yaml, *args)[0] == "crash"]
    assert mismatches(inputs) == FIXED
    (fixed,) = [args for name, *args in inputs if name == FIXED[0]]
    assert outcome(yaml_oracle.parse_yaml, *fixed) == ("crash", ValueError)
    assert outcome(parse_yaml, *fixed)[3] == "「30.5」标为整数（!!int），却有小数"


# 10 ** 6 values at f, of 10 aliases of e each … of 10 x at a
BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}" if i else "x"] * 10) + "]\n" for i in range(6)
)

# one case per rule the walk keeps; each is compared with the oracle, and the points that matter most are also
# asserted as they should be, so that a change both walks made alike would not go unnoticed
RULES = {
    "numbers": "a: 82.19\nb: 10\nc: 0.10\nd: -0.0\ne: +5\nf: 007\ng: 123456789012345\nh: 0.0000000001\n",
    "number too long": "a: 1234567890123456\n",
    "number zeros before": "a: 0001234567890123456\n",
    "too many decimals": "a: 0.12345678901\n",
    "exponent": "a: 1e30\n",
    "hexadecimal": "a: 0x1F\n",
    "octal": "a: 0o17\n",
    "infinity": "a: .inf\n",
    "not a number": "a: .nan\n",
    "trailing dot": "a: 5.\n",
    "leading dot": "a: .5\n",
    "text that starts like a number": "a: 94.84%\nb: 1:35\nc: 2023-12-31\nd: 0.22‰\ne: -x\n",
    "bools and nulls": "a: true\nb: True\nc: FALSE\nd: yes\ne: ~\nf: null\ng:\nh: Null\ni: nothing\n",
    "quoted and block": "a: '10'\nb: \"true\"\nc: |\n  12\nd: >\n  null\ne: ! 5\n",
    "sequences": "- 1\n- [2.50, x, ~]\n- {a: 1}\n- - nested\n-\n",
    "explicit tags": "a: !!str 5\nb: !!float 5\nc: !!bool yes\nd: !!null x\ne: !!int 7\nf: !!map x\n!!str 6: y\n",
    "tag binary": "a: !!binary aGk=\n",
    "tag python": "a: !!python/name:os.system x\n",
    "tag local": "a: !mine x\n",
    "tag on key": "!!binary aGk=: x\n",
    "tag on mapping": "a: !!omap {b: 1}\n",
    "tag on sequence": "a: !!set [1]\n",
    "merge": "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 4\n",
    "merge a list": "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nm:\n  <<: [*a, *b]\n  z: 3\n",
    "merge after keys": "a: &a {x: 1, y: 1}\nm:\n  y: 2\n  <<: *a\n",
    "merge twice": "a: &a {x: 1}\nb: &b {x: 2}\nm:\n  <<: *a\n  <<: *b\n",
    "duplicate after merge": "a: &a {x: 1}\nm:\n  <<: *a\n  x: 2\n  x: 3\n",
    "merge of text": "a: &a t\nm:\n  <<: *a\n",
    "merge list of text": "m:\n  <<: [a, b]\n",
    "merge as value": "a: <<\n",
    "merge key quoted": "'<<': 1\n",
    "duplicate key": "分值: 1\n得分: 2\n分值: 3\n",
    "duplicate key in flow": "a: {b: 1, b: 2}\n",
    "duplicate number key": "1: a\n'1': b\n",
    "key is a list": "[a]: 1\n",
    "key is a map": "? {a: 1}\n: 2\n",
    "key with ideographic space": "\u3000名称: 1\n",
    "key with trailing space": "'名称 ': 1\n",
    "self alias in list": "a: &x [1, *x]\n",
    "self alias in map": "a: &x {b: *x}\n",
    "self alias by merge": "a: &x {<<: *x}\n",
    "alias reused": "a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(5)),
    "syntax": "a: 1\nb: [1, 2\nc: 3\n",
    "tab": "a:\n\tb: 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty": "",
    "comments only": "# nothing\n",
    "text at the top": "just text\n",
    "number at the top": "12.5\n",
    # texts past ASCII, which the walk takes by comparing them with "\x80" (Latin-1 and full-width ones too)
    "texts past ASCII": "a: 中文\nb: é5\nc: １２\nd: ¥5\ne: \u00a0x\nf: 5中\ng: -中\nh: 中: 文\n",
    "keys past ASCII and plain keys together": "名称: 1\nname: 2\n'名称 ': 3\n",
    # numbers taken by their characters, and what looks like them without being one (the fast path's edges)
    "numbers by their characters": "a: 5１\nb: 1.５\nc: 0000000000000000001\nd: 1_000\ne: 1.2.3\nf: 00\n"
    + "g: 0000000000000001.5\nh: 123456789012345.1234567890\ni: 0.0\nj: 5 %\nk: 1e5x\nl: 0x1z\n",
    # a plain scalar met again is taken from what the walk told of its text, quoted and tagged ones never
    "plain scalars met again": "a: 5\nb: '5'\nc: 5\nd: !!str 5\ne: [5, 5]\nf: !!float 5\ng: 5\nh: 0.10\ni: 0.10\n"
    + "j: ~\nk: ~\nl: 100%\nm: '100%'\nn: 100%\no: true\np: !!str true\nq: true\nr: 1:35\ns: 1:35\n",
    "a number too long met again": "a: 1234567890123456\nb: 1234567890123456\n",
    # a collection holding an alias of itself, found by the second walk whichever limit stopped the first
    "self alias deeper": "a: &x {b: {c: [1, {d: *x}]}}\n",
    "self alias in a long list": "a: &x [" + "1, " * 1500 + "*x]\n",
    "self alias after a tag refused": "a: &x !!set {b: *x}\n",
    "self alias before an alias bomb": "z: &z [*z]\n" + BOMB,
    "self alias after an alias bomb": BOMB + "z: &z [*z]\n",
}


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("line_offset", [0, 1])
def test_each_rule_as_before(name, line_offset):
    assert mismatches([(name, RULES[name], Path("r.yaml"), line_offset)]) == []


def test_rules_give_what_they_should():
    """The values and messages the comparison protects, written out (figures from the inputs above)."""
    numbers = parse_yaml(RULES["numbers"], Path("r.yaml"))
    assert numbers["c"].as_tuple().exponent == -2 and numbers["f"] == 7 and type(numbers["b"]) is int
    assert numbers["d"].is_signed() and numbers["h"] == Decimal("1E-10")
    text = parse_yaml(RULES["text that starts like a number"], Path("r.yaml"))
    assert text == {"a": "94.84%", "b": "1:35", "c": "2023-12-31", "d": "0.22‰", "e": "-x"}
    flags = parse_yaml(RULES["bools and nulls"], Path("r.yaml"))
    assert list(flags.values()) == [True, True, False, "yes", None, None, None, None, "nothing"]
    merged = parse_yaml(RULES["merge"], Path("r.yaml"))
    assert merged["m"] == {"x": 1, "y": 3, "z": 4}
    assert merged["m"].positions == {"x": (1, 7), "y": (4, 3), "z": (5, 3)}  # a merged key: its mapping, at `&b`
    for name, where, words in [
        ("number too long", "r.yaml:2:4", "数字「1234567890123456」过长"),
        ("duplicate after merge", "r.yaml:6:3", "键「x」重复（第一次出现在第 5 行）"),
        ("self alias by merge", "r.yaml:2:4", "别名（*名称）引用了包含它自己的锚点"),
        # values counted in order: the root and a..e hold 1 + 11 + 111 + 1111 + 11111 + 111111 = 123456, so the
        # 200001st is the 76545th of f: f, its first *e, 6 *d (66666), the 7th *d, 8 *c (8888), the 9th, 8 *b (888),
        # the 9th, 8 *a (88), the 9th *a and its 9th x, at column 8 + 3 × 8 of a's line
        ("alias bomb", "r.yaml:2:32", "YAML 展开后超过 200000 个值"),
        ("tag on key", "r.yaml:2:1", "不支持的 YAML 标签「!!binary」"),
        ("key with ideographic space", "r.yaml:2:1", "键「名称」的前后有"),
        ("merge as value", "r.yaml:2:4", "「<<」只能作为键"),
    ]:
        with pytest.raises(SourceError) as info:
            parse_yaml(RULES[name], Path("r.yaml"), line_offset=1)
        assert info.value.location.describe() == where and words in info.value.message, name


def test_the_fast_walk_is_in_use():
    """parse_yaml goes through the walk with the inline loops, and libyaml is asked for no Python call per node."""
    assert yamlsource._CoreLoader.resolve is slice and yamlsource._CoreLoader.ascend_resolver is tuple
    assert yamlsource._CoreLoader.descend_resolver is operator.is_  # no object made for each node (slice was)
    # libyaml's C parser alone, without an instance dictionary libyaml would look in for each hook, on each node
    assert yamlsource._CoreLoader.__mro__[1] is yaml.cyaml.CParser and not hasattr(
        yamlsource._CoreLoader(""), "__dict__"
    )
    # a collection keeps its file and positions in slots, without an instance dictionary each
    parsed = parse_yaml("a: [1]\n", Path("r.yaml"))
    assert not hasattr(parsed, "__dict__") and not hasattr(parsed["a"], "__dict__")
    assert (parsed.path, parsed.start, parsed["a"].positions) == (Path("r.yaml"), (1, 1), [(1, 5)])


def test_pyyamls_python_composer_gives_the_same_where_libyaml_is_missing(monkeypatch):
    """Without libyaml the loader is built on PyYAML's SafeLoader, with the same hooks: the same values, positions
    and messages."""
    hooks = {name: vars(yamlsource._CoreLoader)[name] for name in ("resolve", "descend_resolver", "ascend_resolver")}
    python_loader = type("PythonLoader", (yaml.SafeLoader,), {"__slots__": (), **hooks})
    report = REPO / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"
    inputs = [(report.read_text(encoding="utf-8"), report, 0), (RULES["duplicate key"], Path("r.yaml"), 1)]
    expected = [outcome(parse_yaml, *args) for args in inputs]
    monkeypatch.setattr(yamlsource, "_CoreLoader", python_loader)
    assert [outcome(parse_yaml, *args) for args in inputs] == expected
    assert expected[1][1].startswith("r.yaml:4:1: error: 键「分值」重复（第一次出现在第 2 行） [yaml]")
    assert yamlsource._Builder is not yaml_oracle._Builder
    assert "value" in vars(yamlsource._Builder) and "value" not in vars(yaml_oracle._Builder)


def test_the_usual_key_is_taken_in_the_walks_loop(monkeypatch):
    """A key written once as plain or quoted text is taken without `unusual_key`; any other (merged, tagged, written
    twice, with space around it) goes through it, with every rule."""
    asked: list[str] = []
    unusual = yamlsource._Builder.unusual_key

    def watched(builder, result, merged, key_node, node):
        asked.append(key_node.value)
        return unusual(builder, result, merged, key_node, node)

    monkeypatch.setattr(yamlsource._Builder, "unusual_key", watched)
    report = REPO / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"
    assert parse_yaml(report.read_text(encoding="utf-8"), report)["年度"] == 2023 and asked == []
    parse_yaml(RULES["merge"] + "'<<': 1\n!!str t: 2\n", Path("r.yaml"))
    assert asked == ["<<", "y", "<<", "t"]  # the merge, the key written over a merged one, a quoted <<, a tag


def test_a_plain_scalar_ending_otherwise_than_every_typed_one_is_text():
    """The walk takes `100%` or `2016年12月` as text without asking each rule of the core schema, by its last
    character (`_TYPED_ENDS`): every plain scalar a rule matches, and `<<`, ends in one of them. Checked on each
    rule's words and on every text of up to three characters written with those the rules are written in."""
    words = ["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "0o17", "0x1F", "0xab"]
    words += [".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "1e5", "-1.5E-3", "5.", ".5", "<<", "~", "null\n"]
    alphabet = sorted(set("~nulNLtrueTRUEfalsFALSE0123456789+-.eExXoOabcdefABCDEFiInN<\n%中 "))
    texts = words + ["".join(chars) for size in (1, 2, 3) for chars in itertools.product(alphabet, repeat=size)]
    typed = [text for text in texts if yamlsource._resolve_plain(text) is not yamlsource._STR]
    assert len(typed) > 1000 and {"0xab", ".NaN", "<<", "null\n", "5."} <= set(typed)
    assert [text for text in typed if text[-1] not in yamlsource._TYPED_ENDS] == []


def test_a_plain_scalar_is_told_apart_once_for_each_text(monkeypatch):
    """A report writes few numbers many times: the walk tells each plain scalar's text by its rules once
    (`read_plain`) and takes the value again from `typed` wherever the same text is written, plainly, once more;
    a quoted or tagged scalar is never taken from there."""
    asked: list[str] = []
    read_plain = yamlsource._Builder.read_plain

    def watched(builder, node, text):
        asked.append(text)
        return read_plain(builder, node, text)

    monkeypatch.setattr(yamlsource._Builder, "read_plain", watched)
    parsed = parse_yaml(RULES["plain scalars met again"], Path("r.yaml"))
    assert asked == ["5", "0.10", "~", "100%", "true", "1:35"]
    assert [parsed[key] for key in "abcdfgm"] == [5, "5", 5, "5", Decimal(5), 5, "100%"] and parsed["e"] == [5, 5]
    assert parsed["h"] is parsed["i"] and parsed["i"].as_tuple().exponent == -2 and parsed["p"] == "true"
    asked.clear()
    report = REPO / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"
    parse_yaml(report.read_text(encoding="utf-8"), report)
    assert len(asked) == len(set(asked)) > 50  # each text once (79 texts when written)


def test_only_a_walk_stopped_by_a_limit_looks_for_a_collection_holding_an_alias_of_itself(monkeypatch):
    """The first walk keeps no set of the collections open (`_Builder.open` is None); a walk that went over
    MAX_NODES or Python's recursion limit is done again, looking, which gives the error where the collection is met
    again below itself, or names the value that went over."""
    entered: list[int] = []
    enter = yamlsource._Builder.enter

    def watched(builder, node, opened):
        entered.append(node.start_mark.line)
        return enter(builder, node, opened)

    monkeypatch.setattr(yamlsource._Builder, "enter", watched)
    assert yamlsource._Builder(None, 0).open is None
    report = REPO / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"
    assert "*jiaqiang" in report.read_text(encoding="utf-8")  # an alias, expanded once: one walk
    parse_yaml(report.read_text(encoding="utf-8"), report)
    parse_yaml(RULES["alias reused"], Path("r.yaml"))
    assert entered == []
    for name, stopped_by in [("self alias in list", RecursionError), ("self alias in a long list", "over")]:
        first = yamlsource._Builder(None, 0)
        loader = yamlsource._CoreLoader(RULES[name])
        with pytest.raises(RecursionError if stopped_by is RecursionError else yamlsource._OverLimit):
            first.value(loader.get_single_node())
        with pytest.raises(SourceError) as info:
            parse_yaml(RULES[name], Path("r.yaml"))
        assert info.value.location.describe() == "r.yaml:1:4" and "引用了包含它自己的锚点" in info.value.message
    assert entered and set(entered) == {0}
