"""数据表: tables of figures or text with computed columns, 上级 rows, formulas, 上年 figures and a 合计: the input
model (model.py), the view (view.py), the grid (layout.py) and the CSV published beside the page (files.py)."""
