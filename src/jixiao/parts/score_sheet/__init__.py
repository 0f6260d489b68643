"""评分表: an evaluation's score sheet (财预〔2020〕10号), its 一级指标 weighted, scored row by row: the input model
(model.py), the view (view.py) and its table (layout.py)."""
