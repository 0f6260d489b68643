"""Stage: YAML loading with positions, Decimals and duplicate-key detection; section reading."""

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.errors import SourceError
from jixiao.load import read_section
from jixiao.yamlsource import SourceMap, locate, parse_yaml


def test_floats_are_exact_decimals():
    data = parse_yaml("a: 82.19\nb: 10\nc: 0.1\n", Path("x.yaml"))
    assert data["a"] == Decimal("82.19") and isinstance(data["a"], Decimal)
    assert data["b"] == 10
    assert data["c"] + data["c"] + data["c"] == Decimal("0.3")  # 0.1 + 0.1 + 0.1 is not 0.3 in binary


def test_positions_of_keys_and_items():
    data = parse_yaml("top:\n  list:\n    - x: 1\n    - x: 2\n", Path("r.yaml"))
    assert isinstance(data, SourceMap)
    assert data.locate("top").line == 1
    where = locate(data, ("top", "list", 1, "x"))
    assert (where.line, where.column) == (4, 7)
    # a missing key points at its parent mapping
    assert locate(data, ("top", "list", 0, "y")).line == 3


def test_duplicate_keys_are_errors():
    with pytest.raises(SourceError) as info:
        parse_yaml("分值: 1\n得分: 2\n分值: 3\n", Path("r.yaml"))
    assert info.value.location.line == 3
    assert "重复" in info.value.message and "第 1 行" in info.value.message


def test_syntax_error_names_line():
    with pytest.raises(SourceError) as info:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", Path("r.yaml"))
    assert info.value.location.line >= 2
    assert "YAML 语法错误" in info.value.message


def test_tab_indentation_is_explained():
    with pytest.raises(SourceError) as info:
        parse_yaml("a:\n\tb: 1\n", Path("r.yaml"))
    assert info.value.location.line == 2
    assert "制表符" in info.value.message


def test_section_front_matter_and_title(tmp_path):
    path = tmp_path / "02-资金使用.md"
    path.write_text("---\n标题: 资金使用情况\n---\n正文 {{ 总分 }}\n", encoding="utf-8")
    section = read_section(path, path.read_text(encoding="utf-8"))
    assert section.title == "资金使用情况"
    assert section.first_line == 4
    assert section.body.startswith("正文")


def test_section_title_from_file_name(tmp_path):
    path = tmp_path / "03-绩效情况.md"
    path.write_text("正文\n", encoding="utf-8")
    assert read_section(path, path.read_text(encoding="utf-8")).title == "绩效情况"
