"""The CSV files of a report's data tables, published beside its page: `表格/<编号>-<标题>.csv`.

One for each table the report prints (the numbered ones: placed in the text or printed after it), written from
the same laid-out grid as the page (jixiao.document.csv), so the file and the page never disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...document.csv import write_table
from ...errors import Location, SourceError
from .layout import lay_out

CSV_FOLDER = "表格"
UNSAFE = re.compile(r'[\s\x00-\x1f\\/:*?"<>|#%]+')  # not in a file name on Windows, or not in a link as written
TITLE_LENGTH = 50  # characters of the title kept: 150 bytes of UTF-8, well inside a file name's 255


def csv_path(table) -> str:
    """Where a table's CSV is published, relative to its page: 表格/表1-收入支出决算总表.csv (the number keeps
    the names apart, the title says what it is)."""
    return f"{CSV_FOLDER}/{UNSAFE.sub('_', f'{table.number}-{table.title[:TITLE_LENGTH]}')}.csv"


def table_files(view, folder: Path, resources: list[str]) -> dict[str, bytes]:
    """The CSV of each printed data table of the report `view` (a ReportView), by its path beside the page.
    A file of the report's folder at the same path would be hidden by it: that is an error at the file."""
    files = {csv_path(table): write_table(lay_out(table)) for table in view.tables.values() if table.number}
    clash = sorted(files.keys() & set(resources))
    if clash:
        raise SourceError(
            Location(folder / clash[0]),
            f"报告文件夹中的「{clash[0]}」与 jixiao 生成的数据表 CSV 同名",
            rule="input",
            hint=f"给这个文件改一个名字，或移出 {CSV_FOLDER}/ 文件夹。",
        )
    return files
