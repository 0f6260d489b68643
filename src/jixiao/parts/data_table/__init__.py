"""数据表: a report's data table (its number, computed and text columns, 上级 rows, 合计), laid out as a grid
(layout.py) and published as CSV beside the page (files.py)."""
