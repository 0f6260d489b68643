"""The parts of a report, one folder each, and their registry.

A part is a kind of content a report.yaml can hold (a 自评表, an evaluation's 评分表, data tables, a
department's 评分 …). Its folder holds how it lays itself out into the document tree (`layout.py`:
view → blocks of jixiao.document.blocks); adding a part is adding a folder and a line in `registry.LAYOUTS`.
Layouts reach the registry through `lay_out(name, …)` (a template global), so a theme prints a part without
knowing its cells.
"""
