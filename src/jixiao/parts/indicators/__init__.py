"""指标: indicator rows (三级指标) under 一级 and 二级指标, scored by the rules; shared by the 自评表 and the 评分表."""
