"""图: the chart of a data table (饼状图, 柱状图), drawn as SVG for the page and kept as data (its columns, the rows
drawn and their figures) for writers that draw their own (layout.py)."""
