"""自评表: the 项目支出绩效自评表 — funds and 执行率, goals, indicators, 总分 and 评价等次: the input model (model.py),
the view (view.py), its own audit rules (audit.py) and the tables placed from it (layout.py); its indicator rows are the indicators part."""
