"""How the documents say things: the one table of phrasings the audit reads prose with.

Every pattern a rule of `jixiao check` uses to read Chinese prose is here — the names a figure
goes by, the words between a name and its number, the words of a verdict, template leftovers and
page furniture copied from a PDF — so a phrasing a real report uses is added in one place and
tested with its variants (tests/unit/test_audit.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

# A form's figures by the names expressions and formulas use (自评表[0].执行率, 自评表.项目.全年执行数), each
# with its attribute path in FormView; the amounts stand under 项目资金.年度资金总额 in expressions.
FORM_FIGURE_PATHS = {
    "年初预算数": "funds.total.initial",
    "全年预算数": "funds.total.budget",
    "全年执行数": "funds.total.executed",
    "执行率": "rate",
    "预算执行得分": "budget_score",
    "指标得分": "indicator_score",
    "总分": "total",
}
# The names a form's figures go by in prose, each with the figure (an attribute path of FormView)
# and how it is written. Longer names first, so 预算执行得分 is not read as 得分.
FORM_FIGURES: list[tuple[tuple[str, ...], str, str]] = [
    (("预算执行得分",), "budget_score", "score"),
    (("绩效指标得分", "指标得分"), "indicator_score", "score"),
    (("预算执行率", "执行率"), "rate", "rate"),
    (("自评总分", "自评得分", "项目得分", "综合得分", "评价得分", "总得分", "总分", "得分"), "total", "score"),
    (("全年预算数", "调整后预算数", "全年预算", "预算数"), "funds.total.budget", "money"),
    (("全年执行数", "预算执行数", "实际支出", "执行数"), "funds.total.executed", "money"),
    (("年初预算数", "年初预算"), "funds.total.initial", "money"),
]
# The columns of a document table that hold a form's 全年预算数 and 全年执行数 (cross-total compares them).
BUDGET_COLUMNS = ("全年预算数", "调整后预算数", "全年预算", "预算数", "预算")
EXECUTED_COLUMNS = ("全年执行数", "预算执行数", "执行数", "本年支出", "实际支出", "支出")
# The names of a report's own total (an evaluation's 评分表 or a 评分).
REPORT_FIGURES: list[tuple[tuple[str, ...], str, str]] = [
    (("评价总分", "评价得分", "综合得分", "总得分", "总分", "得分"), "total", "score"),
]
GRADE_NAMES = ("评价等次", "等次", "等级")
GRADES = ("优秀", "良好", "优", "良", "中", "差")

# What may stand between a figure's name and its number: 为, 达到, 共计, 增加了, 同比增长, ：…
CONNECTOR = (
    r"(?:\s|为|是|达到|达|共计|共|合计|总计|计|约|的|全年|本年|较上年|比上年|同比|上升|"
    r"增加了?|减少了?|增长了?|下降了?|降低了?|节约了?|结余了?|占|：|:)*"
)
DECREASE = re.compile(r"减少|下降|降低")
NUMBER = r"(?P<number>-?\d+(?:\.\d+)?)"
UNIT = r"\s*(?:余|多)?(?P<unit>%|％|‰|万元|亿元|千元|元|万人|万名|万笔|万户|万条|分|个|项|人|条|次|件|家|户|名|笔)?"


def figure_pattern(names: list[str], spell: Callable[[str], str] = re.escape) -> re.Pattern[str]:
    """A name (as `spell` writes its pattern), connecting words, a number and its unit; the name not inside a longer
    word of digits. The longest names are tried first, names of one length in text order (a set's own order
    changes with the process's hash seed: each build would have compiled another pattern)."""
    alternatives = "|".join(spell(n) for n in sorted(set(names), key=lambda name: (-len(name), name)))
    return re.compile(rf"(?P<name>{alternatives}){CONNECTOR}{NUMBER}(?![\d.])(?!\s*[年月日号时])(?!\s*[-—~至]){UNIT}")


@cache
def grade_pattern(names: tuple[str, ...] = GRADE_NAMES) -> re.Pattern[str]:
    """A grade named in prose (评价等次为优), made once: the audit asks for it at every text of every report."""
    return re.compile(rf"(?P<name>{'|'.join(names)})(?:为|是|：|:|\s|“|「)*(?P<grade>{'|'.join(GRADES)})")


# A verdict in words: met, or not met. 完成值/完成情况/完成率 are nouns, not verdicts.
UNMET = re.compile(r"未能?(?:完成|达到|达标|实现|按期|按时)|没有(?:完成|达到)|不达标|尚未(?:完成|达到)|未满足")
MET = re.compile(r"(?:已|全部|超额|均已|均)(?:完成|达到|达标|实现)(?![值率量数情])")

# Text a template or a form left behind, which nobody meant to publish. Each alternative opens with the character it
# needs, so the regular expression engine looks for those characters alone and tries the alternatives only where
# one stands (a leading optional （ or a look-behind would have it try all of them at every character of every text):
# （ is written as its own alternative, XX's look-behind (no Latin letter before it) comes after its first X, and
# two or more × are written ××+ (×{2,} opens with a repeat, not a character, and the engine then tried every
# alternative at every character: some 560 instructions a character of prose).
_TO_FILL = r"根据实际情况(?:去留|填写|删减)）?"
LEFTOVERS = re.compile(
    rf"（{_TO_FILL}|{_TO_FILL}|此处(?:填写|输入|删除)[^。；，\n]*|请(?:在此)?填写[^。；，\n]*|"
    r"X(?<![A-Za-z]X)X+(?![A-Za-z])|x(?<![A-Za-z]x)x+(?![A-Za-z])|××+|＊＊+|\[待填\]|【待[填补]】"
)
# Page furniture copied from a PDF: "- 13 -", "— 3 —", "第 3 页 共 12 页", "3/12".
PAGE_DEBRIS = re.compile(
    r"^\s*[-—–－]\s*\d{1,4}\s*[-—–－]\s*$|第\s*\d+\s*页\s*[,，/]?\s*共\s*\d+\s*页|"
    r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$",
    re.M,
)
# What each of them holds: a dash, 第 or a slash. PAGE_DEBRIS opens with ^ and is tried at every character of a text
# (some 360 instructions a character); a text without one of these characters, which the engine finds by looking
# for them alone, has none.
PAGE_DEBRIS_MARK = re.compile(r"[-—–－第/]")

# Money the report counts in its default unit: an amount in 元 of 100 or more, or an amount with no unit. YUAN opens
# with its first digit, its look-behind after it (as BAD_YEAR's), so the engine looks for digits alone.
YUAN = re.compile(r"(\d(?<![\d.]\d)\d*(?:\.\d+)?)\s*元")
BARE_AMOUNT = re.compile(
    r"(?:预算数?|支出|执行数|拨款|结余|资金)(?:为|是|共|合计)?\s*(\d+\.\d{2})(?!\s*[\d.%％‰万亿元])"
)

# Years: a malformed one (20234年), one a text opens with, one later than the report's.
# Each opens with its digits, its look-behind after them (looking back over them too), so the engine looks for
# digits alone (a leading look-behind had it try the pattern at every character of a text).
BAD_YEAR = re.compile(r"(\d(?<![\d.]\d)\d{4,})\s*年")
YEAR = re.compile(r"((?:19|20)(?<![\d.\-—~至]..)\d{2})\s*年(?!\s*[-—~至])")
LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年")
