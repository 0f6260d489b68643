"""The input of a named figure: `增值收益: 2.86亿元`, `缴存单位: 410余家`, `近20项`, `上浮: 20%—40%`, a bare
number, or a list of names. Read here so a figure that cannot be read points at its line on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator

_NUMBER = r"-?\d+(?:\.\d+)?"
_FIGURE_RE = re.compile(
    rf"^(?P<before>近|约|超过|不到)?\s*(?P<low>{_NUMBER})\s*(?P<lowunit>%|％)?"
    rf"(?:\s*[—～~至－-]+\s*(?P<high>{_NUMBER}))?\s*(?P<more>余|多)?\s*(?P<unit>[^\d\s余]*?)\s*(?P<after>以上|以下|左右)?$"
)


@dataclass(frozen=True)
class Written:
    """A named figure as written: its number (and the upper end of a range), unit and qualifier."""

    text: str
    value: Decimal
    high: Decimal | None
    unit: str | None
    qualifier: str | None


def read_figure(value: Any) -> Written:
    """Read `2.86亿元`, `410余家`, `近20项`, `20%—40%` or a number; anything else is an error saying how to write it."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise ValueError("命名数字应写成数字加单位，例如 2.86亿元、410余家、近20项、20%—40%")
    text = str(value).strip()
    match = _FIGURE_RE.match(text)
    if not match or (match.group("lowunit") and match.group("unit") not in ("", "%", "％")):
        raise ValueError(f"「{text}」不是一个数字加单位；写成 2.86亿元、410余家、近20项、20%—40% 这样")
    unit = match.group("unit") or match.group("lowunit") or None
    qualifier = match.group("before") or match.group("more") or match.group("after")
    high = match.group("high")
    return Written(text, Decimal(match.group("low")), Decimal(high) if high else None, unit, qualifier)


def names_of(value: Any) -> tuple[list[str], int | None] | None:
    """A list of names and the count the document states for it: `[综合部, 财务部]`, or
    `{名单: [综合部, 财务部], 数量: 2}`; None for a figure."""
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        count = value.get("数量")
        return value.get("名单") or [], int(count) if isinstance(count, (int, Decimal)) else None
    return None


def _checked(value: Any) -> Any:
    if isinstance(value, dict) and (set(value) - {"名单", "数量"} or not isinstance(value.get("名单"), list)):
        raise ValueError("名单写成 [综合部, 财务部]，或 {名单: [综合部, 财务部], 数量: 2}（数量为原文印出的个数）")
    listed = names_of(value)
    if listed is not None:
        names, count = listed
        if not all(isinstance(name, str) and name.strip() for name in names):
            raise ValueError("名单的每一项应为文字")
        if isinstance(value, dict) and "数量" in value and count is None:
            raise ValueError("名单的 数量 应为整数（原文印出的个数）")
        return value
    read_figure(value)
    return value


NamedFigure = Annotated[str | Decimal | int | list[str] | dict[str, Any], AfterValidator(_checked)]
