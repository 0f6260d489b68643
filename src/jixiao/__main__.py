"""`python -m jixiao` runs the CLI (used by tests that need a real process)."""

from .cli import main

main()
