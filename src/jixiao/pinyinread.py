"""The child process of pinyin.pinyin_slugs: units' names as a JSON list on stdin, pypinyin's reading of each as a
JSON list on stdout. Run as a script (`python -P pinyinread.py`), it imports nothing of jixiao.

pypinyin reads a name by cutting it into the phrases of its dictionary (pypinyin.seg.mmseg), then reading each
phrase as the dictionary says and any other character alone. Loading all 47,111 phrases (2.5 MB of JSON) and
training the cutter on them was most of the child's cost (1.15 G instructions) to read a few dozen names. The
cutter only ever asks about a name's own substrings: is it a phrase, does some phrase begin with it. A phrase that
begins with a substring of a name begins with one of the names' characters, so the phrases beginning with one of
those characters answer every such question as the whole dictionary does. The child loads only those
(pypinyin's documented PYPINYIN_NO_PHRASES, then load_phrases_dict), found in the dictionary's text where a key
opens a line, each value read by json's own decoder.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path


def phrases_beginning_with(text: str, firsts: str) -> dict[str, list[list[str]]]:
    """The phrases of pypinyin's phrases_dict.json text whose first character is one of `firsts`. The file puts
    each key at the start of a line (`\\n"一丁不识": [`); a file laid out otherwise is read whole."""
    if not firsts:
        return {}
    if not text.startswith('{\n"'):
        return {key: value for key, value in json.loads(text).items() if key[:1] in firsts}
    decode = json.JSONDecoder().raw_decode
    keys = re.finditer(r'\n"([' + re.escape(firsts) + r'][^"\\]*)": ', text)
    return {key.group(1): decode(text, key.end())[0] for key in keys}


def read_names(names: list[str]) -> list[str]:
    """Each name's readings run together, as pypinyin's lazy_pinyin reads it with its whole dictionary."""
    os.environ["PYPINYIN_NO_PHRASES"] = "1"  # read before pypinyin's import: the phrases are loaded below
    os.environ["PYPINYIN_NO_DICT_COPY"] = "1"  # nothing here changes the single characters' dictionary
    import pypinyin

    text = (Path(pypinyin.__file__).parent / "phrases_dict.json").read_bytes().decode("utf-8")
    pypinyin.load_phrases_dict(phrases_beginning_with(text, "".join(sorted(set("".join(names))))))
    return ["".join(pypinyin.lazy_pinyin(name)) for name in names]


if __name__ == "__main__":
    print(json.dumps(read_names(json.load(sys.stdin))))
