"""落款: the issuing unit and date printed at the end of a report: the input model (model.py), the view (view.py)
and its computation (compute.py: the date as written)."""
