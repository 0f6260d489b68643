"""自评表: the 项目支出绩效自评表 and the tables placed from it (layout.py), and the indicator rows it shares with
an evaluation's 评分表 (indicators.py)."""
