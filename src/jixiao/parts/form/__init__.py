"""自评表: the 项目支出绩效自评表 — funds and 执行率, goals, indicators, 总分 and 评价等次."""
