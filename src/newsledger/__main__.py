"""`python -m newsledger` runs the CLI."""

from .cli import main

main()
