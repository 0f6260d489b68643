"""A report as a tree of typed blocks (blocks.py), laid out once by its parts (jixiao.parts) and read by every
writer: the HTML page and its print version through the theme's block templates (html.py), CSV, data.json."""
