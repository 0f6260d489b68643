"""数据表: tables of figures or text with computed columns, parents, formulas, 上年 figures and charts."""
