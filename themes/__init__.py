"""The themes shipped with jixiao.

A package only so that the wheel carries them (see pyproject.toml); the folder is the top-level
`themes/` of the repository, where the project layout of DESIGN.md puts the default theme.
"""
