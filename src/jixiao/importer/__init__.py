"""`jixiao import`: 项目支出绩效自评表 read from Excel workbooks into a report bundle (workbook.py reads the cells,
form.py finds the forms by their words, bundle.py writes report.yaml)."""
