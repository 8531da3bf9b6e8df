"""``python -m portable_fn`` runs the command line."""

from portable_fn.cli import main

main()
