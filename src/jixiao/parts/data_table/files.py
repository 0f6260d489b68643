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
UNSAFE = re.compile(r'[\s\\/:*?"<>|#%]+')  # not in a file name on Windows, or not in a link as written


def csv_path(table) -> str:
    """Where a table's CSV is published, relative to its page: 表格/表1-收入支出决算总表.csv."""
    return f"{CSV_FOLDER}/{UNSAFE.sub('_', f'{table.number}-{table.title}')}.csv"


def table_files(view, folder: Path, resources: list[str]) -> dict[str, bytes]:
    """The CSV of each printed data table of the report `view` (a ReportView), by its path beside the page.
    A file of the report's folder at the same path would be hidden by it: that is an error at the file."""
    files = {csv_path(table): write_table(lay_out(table)) for table in view.tables.values() if table.number}
    clash = sorted(files.keys() & set(resources))
    if clash:
        raise SourceError(Location(folder / clash[0]), f"报告文件夹中的「{clash[0]}」与 jixiao 生成的数据表 CSV 同名",
                          rule="input", hint=f"给这个文件改一个名字，或移出 {CSV_FOLDER}/ 文件夹。")
    return files
