"""评分表: an evaluation's score sheet (财预〔2020〕10号) — weighted 一级指标, scored rows, 总分."""
